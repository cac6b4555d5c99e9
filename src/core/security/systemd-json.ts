// systemd's own JSON reader, as `systemd-analyze security --security-policy=FILE` reads the file: a port of
// json_tokenize(), json_parse_string(), json_parse_number() and json_parse_internal() (src/shared/json.c
// in v252, src/libsystemd/sd-json/sd-json.c from v257, unchanged in behaviour), and of the type checks
// json_variant_has_type() and json_variant_unsigned() make. It differs from JSON.parse() where users can
// tell: a repeated key keeps the FIRST value (json_variant_by_key() returns the first match), `\u0000`,
// DEL and lone surrogates reject the file, numbers beyond 2^64 are reals, exponents are scaled with the C
// library's exp10(), and an error names the line and column where systemd stopped.

/** A JSON value as systemd holds it: numbers keep their variant type (unsigned, integer, real). */
export type SystemdJsonValue =
  | { type: 'object'; members: [string, SystemdJsonValue][] }
  | { type: 'array'; elements: SystemdJsonValue[] }
  | { type: 'string'; value: string }
  | { type: 'unsigned'; value: bigint }
  | { type: 'integer'; value: bigint }
  | { type: 'real'; value: number }
  | { type: 'boolean'; value: boolean }
  | { type: 'null' };

export type SystemdJsonResult =
  | { ok: true; value: SystemdJsonValue }
  /** `line:column` as systemd prints them (0:0 when the file holds no text), and the errno text. */
  | { ok: false; line: number; column: number; error: string };

/** exp10() of the C library the release links: exact powers of ten, except where a table says otherwise. */
export type Exp10 = (n: number) => number;

export const exactExp10: Exp10 = (n) => (n > 400 ? Infinity : n < -400 ? 0 : Number(`1e${n}`));

const UINT64_MAX = (1n << 64n) - 1n;
const INT64_MIN = -(1n << 63n);

class JsonError {
  constructor(
    readonly position: 'token' | 'after',
    /** strerror() of the error: -EINVAL, or -EUCLEAN for a string that is not valid UTF-8. */
    readonly reason = 'Invalid argument',
  ) {}
}

/** utf8_encoded_expected_len() (src/basic/utf8.c). */
function expectedLength(c: number): number {
  if (c < 0x80) return 1;
  if ((c & 0xe0) === 0xc0) return 2;
  if ((c & 0xf0) === 0xe0) return 3;
  if ((c & 0xf8) === 0xf0) return 4;
  if ((c & 0xfc) === 0xf8) return 5;
  if ((c & 0xfe) === 0xfc) return 6;
  return 0;
}

function encodedLength(u: number): number {
  if (u < 0x80) return 1;
  if (u < 0x800) return 2;
  if (u < 0x10000) return 3;
  if (u < 0x200000) return 4;
  if (u < 0x4000000) return 5;
  return 6;
}

/** unichar_is_valid() (src/basic/utf8.c). */
function isValidUnichar(u: number): boolean {
  if (u >= 0x110000) return false;
  if ((u & 0xfffff800) === 0xd800) return false;
  if (u >= 0xfdd0 && u <= 0xfdef) return false;
  return (u & 0xfffe) !== 0xfffe;
}

/**
 * utf8_encoded_valid_unichar() (src/basic/utf8.c): the length of the character at `at`, or -1. Note
 * that it only checks the high bit of continuation bytes, as systemd does.
 */
export function validUnicharLength(b: Uint8Array, at: number, end: number): number {
  const len = expectedLength(b[at] as number);
  if (len === 0 || at + len > end) return -1;
  if (len === 1) return 1;
  for (let i = 0; i < len; i++) if (((b[at + i] as number) & 0x80) !== 0x80) return -1;
  const lead = b[at] as number;
  let u = lead & [0, 0, 0x1f, 0x0f, 0x07, 0x03, 0x01][len]!;
  for (let i = 1; i < len; i++) u = (u << 6) | ((b[at + i] as number) & 0x3f);
  if (u < 0) return -1;
  if (encodedLength(u) !== len || !isValidUnichar(u)) return -1;
  return len;
}

const decoder = new TextDecoder('utf-8');

const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 0x30 && c <= 0x39;

function unhexUcs2(b: Uint8Array, at: number, end: number): number {
  let x = 0;
  for (let i = 0; i < 4; i++) {
    const c = at + i < end ? (b[at + i] as number) : 0;
    const h =
      c >= 0x30 && c <= 0x39
        ? c - 0x30
        : c >= 0x61 && c <= 0x66
          ? c - 0x57
          : c >= 0x41 && c <= 0x46
            ? c - 0x37
            : -1;
    if (h < 0) throw new JsonError('token');
    x = (x << 4) | h;
  }
  // unhex_ucs2(): `\u0000` is refused (a NUL cannot be in a C string).
  if (x <= 0) throw new JsonError('token');
  return x;
}

type Token = { kind: '{' | '}' | '[' | ']' | ':' | ',' | 'end' } | { kind: 'value'; value: SystemdJsonValue };

/**
 * Parses a policy file's bytes as json_parse_file() does: the text ends at the first NUL byte (it is read
 * as a C string); an empty text is ENODATA.
 */
export function parseSystemdJson(
  bytes: Uint8Array,
  options: { exp10?: Exp10; topLevelObjectOnly?: boolean } = {},
): SystemdJsonResult {
  const exp10 = options.exp10 ?? exactExp10;
  let end = bytes.indexOf(0);
  if (end < 0) end = bytes.length;
  if (end === 0) return { ok: false, line: 0, column: 0, error: 'No data available' };
  const b = bytes;
  let p = 0;
  let line = 1;
  let column = 1;
  let afterValue = false; // the tokenizer's STATE_VALUE_POST

  /** inc_lines_columns(): columns count characters (an invalid byte counts as one). */
  const advance = (from: number, to: number): void => {
    let i = from;
    while (i < to) {
      const c = b[i] as number;
      if (c === 0x0a) {
        line++;
        column = 1;
        i++;
      } else if (c < 127) {
        column++;
        i++;
      } else {
        let w = validUnicharLength(b, i, to);
        if (w < 0) w = 1;
        column++;
        i += w;
      }
    }
  };

  /**
   * Set by parseString() when a `\\u` escape made a code point unichar_is_valid() refuses (a
   * noncharacter such as U+FDD0 or U+FFFF): json_variant_new_stringn() then refuses the string
   * (utf8_is_valid_n(): -EUCLEAN) once the token is read.
   */
  let stringInvalidUtf8 = false;
  const parseString = (): string => {
    let c = p + 1;
    const out: number[] = [];
    stringInvalidUtf8 = false;
    for (;;) {
      if (c >= end) throw new JsonError('token');
      const ch = b[c] as number;
      if ((ch > 0 && ch < 0x20) || ch === 0x7f) throw new JsonError('token');
      if (ch === 0x22) {
        p = c + 1;
        return decoder.decode(Uint8Array.from(out));
      }
      if (ch === 0x5c) {
        c++;
        if (c >= end) throw new JsonError('token');
        const e = b[c] as number;
        const simple: Record<number, number> = {
          0x22: 0x22,
          0x5c: 0x5c,
          0x2f: 0x2f,
          0x62: 0x08,
          0x66: 0x0c,
          0x6e: 0x0a,
          0x72: 0x0d,
          0x74: 0x09,
        };
        if (simple[e] !== undefined) {
          out.push(simple[e]);
          c++;
          continue;
        }
        if (e !== 0x75) throw new JsonError('token');
        const x = unhexUcs2(b, c + 1, end);
        c += 5;
        let u = x;
        if (x >= 0xd800 && x <= 0xdfff) {
          if (x >= 0xdc00) throw new JsonError('token');
          if (b[c] !== 0x5c || b[c + 1] !== 0x75) throw new JsonError('token');
          const y = unhexUcs2(b, c + 2, end);
          c += 6;
          if (y < 0xdc00 || y > 0xdfff) throw new JsonError('token');
          u = 0x10000 + ((x - 0xd800) << 10) + (y - 0xdc00);
        }
        if (!isValidUnichar(u)) stringInvalidUtf8 = true;
        out.push(...new TextEncoder().encode(String.fromCodePoint(u)));
        continue;
      }
      const len = validUnicharLength(b, c, end);
      if (len < 0) throw new JsonError('token');
      for (let i = 0; i < len; i++) out.push(b[c + i] as number);
      c += len;
    }
  };

  /** json_parse_number(): doubles accumulate digit by digit, the exponent is applied with exp10(). */
  const parseNumber = (): SystemdJsonValue => {
    let c = p;
    let negative = false;
    let isReal = false;
    let exponentNegative = false;
    let x = 0;
    let y = 0;
    let exponent = 0;
    let shift = 1;
    let i = 0n;
    let u = 0n;
    if (b[c] === 0x2d) {
      negative = true;
      c++;
    }
    if (b[c] === 0x30) c++;
    else {
      if (c >= end || !isDigit(b[c]) || b[c] === 0x30) throw new JsonError('token');
      do {
        const d = (b[c] as number) - 0x30;
        if (!isReal) {
          if (negative) {
            const t = 10n * i - BigInt(d);
            if (t < INT64_MIN) isReal = true;
            else i = t;
          } else {
            const t = 10n * u + BigInt(d);
            if (t > UINT64_MAX) isReal = true;
            else u = t;
          }
        }
        x = 10 * x + d;
        c++;
      } while (c < end && isDigit(b[c]));
    }
    if (b[c] === 0x2e) {
      isReal = true;
      c++;
      if (c >= end || !isDigit(b[c])) throw new JsonError('token');
      do {
        y = 10 * y + ((b[c] as number) - 0x30);
        shift = 10 * shift;
        c++;
      } while (c < end && isDigit(b[c]));
    }
    if (b[c] === 0x65 || b[c] === 0x45) {
      isReal = true;
      c++;
      if (b[c] === 0x2d) {
        exponentNegative = true;
        c++;
      } else if (b[c] === 0x2b) c++;
      if (c >= end || !isDigit(b[c])) throw new JsonError('token');
      do {
        exponent = 10 * exponent + ((b[c] as number) - 0x30);
        c++;
      } while (c < end && isDigit(b[c]));
    }
    p = c;
    if (isReal) {
      const scale = exp10((exponentNegative ? -1 : 1) * exponent);
      return { type: 'real', value: (negative ? -1 : 1) * (x + y / shift) * scale };
    }
    if (negative) return { type: 'integer', value: i };
    return { type: 'unsigned', value: u };
  };

  const tokenize = (): Token => {
    while (p < end) {
      const c = b[p] as number;
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
      advance(p, p + 1);
      p++;
    }
    const start = p;
    if (p >= end) return { kind: 'end' };
    const c = b[p] as number;
    let token: Token;
    const single = (kind: '{' | '}' | '[' | ']' | ':' | ','): Token => {
      p++;
      return { kind };
    };
    if (!afterValue) {
      if (c === 0x7b) token = single('{');
      else if (c === 0x7d) {
        token = single('}');
        afterValue = true;
      } else if (c === 0x5b) token = single('[');
      else if (c === 0x5d) {
        token = single(']');
        afterValue = true;
      } else if (c === 0x22) {
        token = { kind: 'value', value: { type: 'string', value: parseString() } };
        afterValue = true;
      } else if (c === 0x2d || isDigit(c)) {
        token = { kind: 'value', value: parseNumber() };
        afterValue = true;
      } else {
        const word = (w: string): boolean =>
          end - p >= w.length && [...w].every((ch, k) => b[p + k] === ch.charCodeAt(0));
        if (word('true')) token = { kind: 'value', value: { type: 'boolean', value: true } };
        else if (word('false')) token = { kind: 'value', value: { type: 'boolean', value: false } };
        else if (word('null')) token = { kind: 'value', value: { type: 'null' } };
        else throw new JsonError('token');
        p += token.value.type === 'boolean' && !token.value.value ? 5 : 4;
        afterValue = true;
      }
    } else {
      if (c === 0x3a || c === 0x2c) {
        token = single(c === 0x3a ? ':' : ',');
        afterValue = false;
      } else if (c === 0x7d) token = single('}');
      else if (c === 0x5d) token = single(']');
      else throw new JsonError('token');
    }
    advance(start, p);
    return token;
  };

  type Expect =
    | 'toplevel'
    | 'end'
    | 'first-key'
    | 'next-key'
    | 'colon'
    | 'value'
    | 'object-comma'
    | 'first-element'
    | 'next-element'
    | 'array-comma';
  interface Frame {
    expect: Expect;
    elements: SystemdJsonValue[];
    keys: string[];
  }
  const stack: Frame[] = [{ expect: 'toplevel', elements: [], keys: [] }];
  const acceptsValue = (e: Expect): boolean =>
    e === 'toplevel' || e === 'value' || e === 'first-element' || e === 'next-element';
  const afterChild = (f: Frame): void => {
    f.expect = f.expect === 'toplevel' ? 'end' : f.expect === 'value' ? 'object-comma' : 'array-comma';
  };
  try {
    for (;;) {
      const f = stack[stack.length - 1] as Frame;
      const t = tokenize();
      const fail = (): never => {
        throw new JsonError('after');
      };
      // v262 asks for an object at the top (SD_JSON_PARSE_MUST_BE_OBJECT): any other first token is
      // refused once it is read.
      if (options.topLevelObjectOnly && f.expect === 'toplevel' && t.kind !== '{') fail();
      switch (t.kind) {
        case 'end':
          if (f.expect !== 'end') fail();
          return { ok: true, value: f.elements[0] as SystemdJsonValue };
        case ':':
          if (f.expect !== 'colon') fail();
          f.expect = 'value';
          break;
        case ',':
          if (f.expect === 'object-comma') f.expect = 'next-key';
          else if (f.expect === 'array-comma') f.expect = 'next-element';
          else fail();
          break;
        case '{':
        case '[':
          if (!acceptsValue(f.expect)) fail();
          afterChild(f);
          stack.push({ expect: t.kind === '{' ? 'first-key' : 'first-element', elements: [], keys: [] });
          break;
        case '}':
        case ']': {
          const open = t.kind === '}' ? ['first-key', 'object-comma'] : ['first-element', 'array-comma'];
          if (!open.includes(f.expect)) fail();
          stack.pop();
          const parent = stack[stack.length - 1] as Frame;
          parent.elements.push(
            t.kind === '}'
              ? { type: 'object', members: f.keys.map((k, n) => [k, f.elements[n] as SystemdJsonValue]) }
              : { type: 'array', elements: f.elements },
          );
          break;
        }
        case 'value': {
          const v = t.value;
          const key = f.expect === 'first-key' || f.expect === 'next-key';
          // json_parse_internal(): the token must be expected (-EINVAL) before its variant is made.
          if (v.type === 'string' && stringInvalidUtf8 && (key || acceptsValue(f.expect)))
            throw new JsonError('after', 'Structure needs cleaning');
          if (v.type === 'string' && key) {
            f.keys.push(v.value);
            f.expect = 'colon';
            break;
          }
          if (!acceptsValue(f.expect)) fail();
          afterChild(f);
          f.elements.push(v);
          break;
        }
      }
    }
  } catch (e) {
    if (!(e instanceof JsonError)) throw e;
    return { ok: false, line, column, error: e.reason };
  }
}

/** json_variant_by_key(): the FIRST member with that key. */
export function memberOf(v: SystemdJsonValue, key: string): SystemdJsonValue | undefined {
  if (v.type !== 'object') return undefined;
  for (const [k, value] of v.members) if (k === key) return value;
  return undefined;
}

/**
 * json_variant_is_unsigned() then json_variant_unsigned(): an unsigned, a non-negative integer, or a real
 * that converts to uint64_t and back unchanged (so 0 ≤ x < 2^64 and integral).
 */
export function asUnsigned64(v: SystemdJsonValue | undefined): bigint | undefined {
  if (v === undefined) return undefined;
  if (v.type === 'unsigned') return v.value;
  if (v.type === 'integer') return v.value >= 0n ? v.value : undefined;
  if (v.type === 'real') {
    const x = v.value;
    if (x === 0) return 0n;
    return Number.isInteger(x) && x > 0 && x < 2 ** 64 ? BigInt(x) : undefined;
  }
  return undefined;
}
