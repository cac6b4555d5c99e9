// Parses JSON text to the same value JSON.parse returns, but also keeps where every value is written and
// which keys repeat, so that policy errors point at a line and column instead of only at a JSON path.
// Hand-written on purpose: a well-kept AST parser (jsonc-parser, VS Code's) was tried and kept every
// message, but its tree builder has no depth limit and reports errors at the start of a token, so the
// wrapper that keeps our messages was longer than this parser, for +27 KB in two bundles. The tests hold
// this parser to JSON.parse: exactly the texts it accepts are accepted, each refusal has a case.

export type JsonPathSegment = string | number;

/** 1-based line and column; columns count UTF-16 code units, as editors and GitHub annotations do. */
export interface JsonPosition {
  line: number;
  column: number;
}

export interface JsonDocument {
  value: unknown;
  /** Position of each value by its path (see formatJsonPath); an object member points at its key. */
  positions: ReadonlyMap<string, JsonPosition>;
  /** Keys written twice in one object: JSON keeps only the last, which hides the first from review. */
  duplicateKeys: { path: JsonPathSegment[]; position: JsonPosition }[];
}

export type JsonParseResult =
  { ok: true; document: JsonDocument } | { ok: false; message: string; position: JsonPosition };

// Deep enough for any policy; shallow enough that a hostile `[[[[…` cannot exhaust the stack.
const MAX_DEPTH = 256;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

/**
 * A JSONPath-style rendering of a path: `$` is the document, `$.profiles.api.threshold`,
 * `$.units[0].match`; keys that are not plain identifiers are quoted: `$.profiles["v2.api"]`.
 */
export function formatJsonPath(path: readonly JsonPathSegment[]): string {
  let out = '$';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += IDENTIFIER.test(segment) ? `.${segment}` : `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** Bad input is reported by throwing this inside the recursive descent; parseJsonDocument returns it as a value. */
class JsonSyntaxError {
  constructor(
    readonly message: string,
    readonly offset: number,
  ) {}
}

class Parser {
  private i = 0;
  private readonly lineStarts: number[] = [0];
  readonly positions = new Map<string, JsonPosition>();
  readonly duplicateKeys: { path: JsonPathSegment[]; position: JsonPosition }[] = [];

  constructor(private readonly text: string) {
    for (let k = 0; k < text.length; k++) if (text.charCodeAt(k) === 0x0a) this.lineStarts.push(k + 1);
  }

  position(offset: number): JsonPosition {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.lineStarts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (this.lineStarts[lo] ?? 0) + 1 };
  }

  parseDocument(): unknown {
    this.skipWhitespace();
    if (this.i >= this.text.length) throw new JsonSyntaxError('the file is empty; expected a JSON object', 0);
    const value = this.parseValue([], 0, this.i);
    this.skipWhitespace();
    if (this.i < this.text.length) {
      throw new JsonSyntaxError('unexpected content after the end of the JSON value', this.i);
    }
    return value;
  }

  private skipWhitespace(): void {
    while (this.i < this.text.length) {
      const c = this.text[this.i];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') this.i++;
      else break;
    }
  }

  private unexpected(expected: string): never {
    const c = this.text[this.i];
    if (c === undefined) throw new JsonSyntaxError(`unexpected end of file; expected ${expected}`, this.i);
    if (c === '/') throw new JsonSyntaxError('comments are not allowed in JSON', this.i);
    if (c === "'") throw new JsonSyntaxError('strings and keys need double quotes (") in JSON', this.i);
    const shown = /[\x20-\x7e]/.test(c)
      ? `'${c}'`
      : `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
    throw new JsonSyntaxError(`unexpected character ${shown}; expected ${expected}`, this.i);
  }

  /** `at` is where the position of this value is recorded (the key of an object member). */
  private parseValue(path: JsonPathSegment[], depth: number, at: number): unknown {
    this.positions.set(formatJsonPath(path), this.position(at));
    const c = this.text[this.i];
    if (c === '{' || c === '[') {
      if (depth >= MAX_DEPTH) throw new JsonSyntaxError(`nested deeper than ${MAX_DEPTH} levels`, this.i);
      return c === '{' ? this.parseObject(path, depth + 1) : this.parseArray(path, depth + 1);
    }
    if (c === '"') return this.parseString();
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (this.text.startsWith(word, this.i)) {
        this.i += word.length;
        return value;
      }
    }
    NUMBER.lastIndex = this.i;
    const m = NUMBER.exec(this.text);
    if (m) {
      this.i += m[0].length;
      return Number(m[0]);
    }
    return this.unexpected('a value');
  }

  private parseObject(path: JsonPathSegment[], depth: number): Record<string, unknown> {
    const object: Record<string, unknown> = {};
    const seen = new Set<string>();
    this.i++; // {
    this.skipWhitespace();
    if (this.text[this.i] === '}') {
      this.i++;
      return object;
    }
    for (;;) {
      if (this.text[this.i] !== '"') this.unexpected('a key in double quotes');
      const keyOffset = this.i;
      const key = this.parseString();
      const memberPath = [...path, key];
      if (seen.has(key)) {
        this.duplicateKeys.push({ path: memberPath, position: this.position(keyOffset) });
      }
      seen.add(key);
      this.skipWhitespace();
      if (this.text[this.i] !== ':') this.unexpected(`':' after the key "${key}"`);
      this.i++;
      this.skipWhitespace();
      // defineProperty, not assignment: a "__proto__" key must stay a plain property, as with JSON.parse.
      Object.defineProperty(object, key, {
        value: this.parseValue(memberPath, depth, keyOffset),
        enumerable: true,
        writable: true,
        configurable: true,
      });
      this.skipWhitespace();
      if (this.text[this.i] === '}') {
        this.i++;
        return object;
      }
      if (this.text[this.i] !== ',') this.unexpected("',' or '}'");
      const comma = this.i;
      this.i++;
      this.skipWhitespace();
      if (this.text[this.i] === '}') throw new JsonSyntaxError("trailing comma before '}'", comma);
    }
  }

  private parseArray(path: JsonPathSegment[], depth: number): unknown[] {
    const array: unknown[] = [];
    this.i++; // [
    this.skipWhitespace();
    if (this.text[this.i] === ']') {
      this.i++;
      return array;
    }
    for (;;) {
      array.push(this.parseValue([...path, array.length], depth, this.i));
      this.skipWhitespace();
      if (this.text[this.i] === ']') {
        this.i++;
        return array;
      }
      if (this.text[this.i] !== ',') this.unexpected("',' or ']'");
      const comma = this.i;
      this.i++;
      this.skipWhitespace();
      if (this.text[this.i] === ']') throw new JsonSyntaxError("trailing comma before ']'", comma);
    }
  }

  private parseString(): string {
    const start = this.i;
    this.i++; // "
    for (;;) {
      const c = this.text[this.i];
      if (c === undefined || c === '\n' || c === '\r') {
        throw new JsonSyntaxError('string not closed before the end of the line', start);
      }
      if (c === '"') break;
      if (c === '\\') {
        const e = this.text[this.i + 1] ?? '';
        if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(this.text.slice(this.i + 2, this.i + 6))) this.i += 6;
        else if ('"\\/bfnrt'.includes(e) && e !== '') this.i += 2;
        else throw new JsonSyntaxError(`invalid escape sequence '\\${e}' in string`, this.i);
        continue;
      }
      if (c < ' ')
        throw new JsonSyntaxError(
          'control character in string; write it as an escape (\\t, \\u0000)',
          this.i,
        );
      this.i++;
    }
    this.i++; // "
    // The token is valid JSON now, so JSON.parse decodes its escapes exactly as the standard says.
    return JSON.parse(this.text.slice(start, this.i)) as string;
  }
}

/** Parses `text` (a leading byte order mark is ignored). Never throws. */
export function parseJsonDocument(text: string): JsonParseResult {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const parser = new Parser(body);
  try {
    const value = parser.parseDocument();
    return {
      ok: true,
      document: { value, positions: parser.positions, duplicateKeys: parser.duplicateKeys },
    };
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    return { ok: false, message: e.message, position: parser.position(e.offset) };
  }
}
