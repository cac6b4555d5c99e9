// Word splitting as systemd's extract_first_word() does it (src/basic/extract-word.c, v252–v256):
// separators, backslash escapes, optional C unescaping and quote removal, each directive picking its
// own flags — which decide what happens to a stray quote or backslash, and so which words survive.
import { codeAt } from './code-at';

/** ExtractFlags of src/basic/extract-word.h (only the ones unit-file parsers use). */
export const EXTRACT_RELAX = 1 << 0;
export const EXTRACT_CUNESCAPE = 1 << 1;
export const EXTRACT_UNESCAPE_RELAX = 1 << 2;
export const EXTRACT_UNESCAPE_SEPARATORS = 1 << 3;
export const EXTRACT_UNQUOTE = 1 << 5;
export const EXTRACT_DONT_COALESCE_SEPARATORS = 1 << 6;
/** Keeps a backslash and the character after it as they are (for a later split that unescapes). */
export const EXTRACT_RETAIN_ESCAPE = 1 << 7;

/** WHITESPACE in systemd. */
export const WHITESPACE = ' \t\n\r';

/**
 * One extract_first_word() call: `word` plus the unparsed `rest` (`undefined` where systemd sets the
 * cursor to NULL: the input is used up), `end` when no word is left (return value 0), or `error`
 * (-EINVAL: unbalanced quote, trailing backslash, bad escape) with the words before it intact.
 */
export type ExtractStep =
  { kind: 'word'; word: string; rest: string | undefined } | { kind: 'end' } | { kind: 'error' };

const HEX = '0123456789abcdefABCDEF';

/** The one-character escapes of cunescape_one(). */
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  '"': '"',
  "'": "'",
  s: ' ',
};

/** cunescape_one() (src/basic/escape.c): the decoded character and how many chars it used. */
function cunescapeOne(
  s: string,
  at: number,
  acceptNul = false,
): { char: string; length: number } | undefined {
  const c = s[at];
  if (c === undefined) return undefined;
  const one = Object.hasOwn(SIMPLE_ESCAPES, c) ? SIMPLE_ESCAPES[c] : undefined;
  if (one !== undefined) return { char: one, length: 1 };
  const hexRun = (n: number): number | undefined => {
    const digits = s.slice(at + 1, at + 1 + n);
    if (digits.length !== n || [...digits].some((d) => !HEX.includes(d))) return undefined;
    return parseInt(digits, 16);
  };
  if (c === 'x') {
    const v = hexRun(2);
    return v === undefined || (v === 0 && !acceptNul)
      ? undefined
      : { char: String.fromCharCode(v), length: 3 };
  }
  if (c === 'u' || c === 'U') {
    const n = c === 'u' ? 4 : 8;
    const v = hexRun(n);
    if (v === undefined || (v === 0 && !acceptNul)) return undefined;
    // Only \U checks for a valid code point (unichar_is_valid()).
    if (c === 'U' && (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))) return undefined;
    return { char: String.fromCodePoint(v), length: n + 1 };
  }
  if (c >= '0' && c <= '7') {
    const digits = s.slice(at, at + 3);
    if (!/^[0-7]{3}$/.test(digits)) return undefined;
    const v = parseInt(digits, 8);
    return (v === 0 && !acceptNul) || v > 255 ? undefined : { char: String.fromCharCode(v), length: 3 };
  }
  return undefined;
}

/** What one extract_first_word() call found: a word, no word left (0), or an error (-EINVAL). */
export type ExtractKind = 'word' | 'end' | 'error';

/**
 * extract_first_word() as a cursor over one string: each read() takes the next word off the unparsed
 * rest, exactly as systemd does, without allocating a result object or a copy of the rest per word
 * (the Exec*= parser and the list directives take many words per line).
 */
export class WordReader {
  /**
   * Where the unparsed rest starts (systemd's `*p`), or -1 where systemd sets the cursor to NULL: the
   * input is used up. `input.length` is the empty rest `""`, which only a parser without coalescing
   * (EXTRACT_DONT_COALESCE_SEPARATORS) tells apart from NULL.
   */
  pos: number;
  /** The word of the last read() that returned `word`. */
  word = '';

  constructor(
    readonly input: string,
    pos = 0,
  ) {
    this.pos = pos;
  }

  /** Whether anything is left to parse (the rest is neither NULL nor `""`). */
  hasRest(): boolean {
    return this.pos >= 0 && this.pos < this.input.length;
  }

  /** The unparsed rest as a string (`undefined` for NULL). */
  rest(): string | undefined {
    return this.pos < 0 ? undefined : this.input.slice(this.pos);
  }

  /**
   * One extract_first_word() call under `flags`, including its treatment of an unbalanced quote (error,
   * or with EXTRACT_RELAX the word so far). On `error` the cursor does not move.
   */
  read(flags = 0, separators = WHITESPACE): ExtractKind {
    const input = this.input;
    const n = input.length;
    const unquote = (flags & EXTRACT_UNQUOTE) !== 0;
    let i = this.pos;
    // "Bail early if called after last value or with no input."
    if (i < 0) return 'end';
    // Skip leading separators (or, without coalescing, stop at the first one with an empty word).
    for (; ; i++) {
      // Without coalescing systemd has already allocated the word, so even "" yields one (empty) word.
      if (i >= n) {
        if (!(flags & EXTRACT_DONT_COALESCE_SEPARATORS)) return 'end';
        return this.found('', -1);
      }
      if (!isSeparator(separators, codeAt(input, i))) break;
      if (flags & EXTRACT_DONT_COALESCE_SEPARATORS) return this.found('', i + 1);
    }

    let word = '';
    let quote: string | null = null;
    let backslash = false;
    for (;;) {
      if (!backslash) {
        // A run of ordinary characters is taken as it is, in one piece.
        const start = i;
        if (quote === null) {
          for (; i < n; i++) {
            const code = codeAt(input, i);
            if (code === 0x5c /* \\ */ || isSeparator(separators, code)) break;
            if (unquote && (code === 0x22 /* " */ || code === 0x27) /* ' */) break;
          }
        } else {
          const q = quote.charCodeAt(0);
          for (; i < n; i++) {
            const code = codeAt(input, i);
            if (code === q || code === 0x5c) break;
          }
        }
        if (i > start) word += input.slice(start, i);
      }
      const c = input[i];
      if (backslash) {
        if (c === undefined) {
          if (flags & EXTRACT_UNESCAPE_RELAX && (quote === null || flags & EXTRACT_RELAX))
            return this.found(word + '\\', -1);
          if (flags & EXTRACT_RELAX) return this.found(word, -1);
          return 'error';
        }
        if (flags & (EXTRACT_CUNESCAPE | EXTRACT_UNESCAPE_SEPARATORS)) {
          const u = flags & EXTRACT_CUNESCAPE ? cunescapeOne(input, i) : undefined;
          if (u) {
            word += u.char;
            i += u.length - 1;
          } else if (
            flags & EXTRACT_UNESCAPE_SEPARATORS &&
            (isSeparator(separators, codeAt(input, i)) || c === '\\')
          )
            word += c;
          else if (flags & EXTRACT_UNESCAPE_RELAX) word += '\\' + c;
          else return 'error';
        } else word += flags & EXTRACT_RETAIN_ESCAPE ? '\\' + c : c;
        backslash = false;
        i++;
        continue;
      }
      if (quote !== null) {
        if (c === undefined) return flags & EXTRACT_RELAX ? this.found(word, -1) : 'error';
        i++;
        if (c === quote) quote = null;
        else backslash = true; // the run above stopped at the quote or a backslash
        continue;
      }
      if (c === undefined) return this.found(word, -1);
      i++;
      if ((c === '"' || c === "'") && unquote) quote = c;
      else if (c === '\\') backslash = true;
      else {
        // A separator (the run above stopped at it).
        if (flags & EXTRACT_DONT_COALESCE_SEPARATORS) return this.found(word, i);
        while (i < n && isSeparator(separators, codeAt(input, i))) i++;
        return this.found(word, i >= n ? -1 : i);
      }
    }
  }

  /**
   * read() for an input known to hold no quote and no backslash, with WHITESPACE separators (coalesced):
   * whatever the other flags, a word is then just a run of other characters, and this scans it with
   * fewer checks per character.
   */
  readPlain(): 'word' | 'end' {
    const input = this.input;
    const n = input.length;
    let i = this.pos;
    if (i < 0) return 'end';
    while (i < n && isWhitespaceCode(codeAt(input, i))) i++;
    if (i >= n) return 'end';
    const start = i;
    while (i < n && !isWhitespaceCode(codeAt(input, i))) i++;
    const word = input.slice(start, i);
    while (i < n && isWhitespaceCode(codeAt(input, i))) i++;
    return this.found(word, i >= n ? -1 : i);
  }

  private found(word: string, pos: number): 'word' {
    this.word = word;
    this.pos = pos;
    return 'word';
  }
}

const END_STEP: ExtractStep = Object.freeze({ kind: 'end' });
const ERROR_STEP: ExtractStep = Object.freeze({ kind: 'error' });

/**
 * extract_first_word(): takes the first word off `input` under `flags`, exactly as systemd does,
 * including its treatment of an unbalanced quote (error, or with EXTRACT_RELAX the word so far).
 */
export function extractFirstWordRaw(input: string, flags = 0, separators = WHITESPACE): ExtractStep {
  const reader = new WordReader(input);
  const kind = reader.read(flags, separators);
  if (kind === 'end') return END_STEP;
  if (kind === 'error') return ERROR_STEP;
  return { kind: 'word', word: reader.word, rest: reader.rest() };
}

/** Is this UTF-16 code unit one of WHITESPACE? */
export function isWhitespaceCode(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

/** Is this UTF-16 code unit one of `separators`? (WHITESPACE, the usual set, without a search.) */
function isSeparator(separators: string, code: number): boolean {
  if (separators === WHITESPACE) return isWhitespaceCode(code);
  return separators.indexOf(String.fromCharCode(code)) >= 0;
}

export interface ExtractResult {
  words: string[];
  /** Set when extraction failed (unbalanced quote, trailing backslash); `words` holds what came before. */
  invalid: boolean;
}

/** Splits a whole value into words with the given flags, stopping at the first error. */
export function extractAllWords(value: string, flags: number): ExtractResult {
  const words: string[] = [];
  const reader = new WordReader(value);
  for (;;) {
    const kind = reader.read(flags);
    if (kind === 'end') break;
    if (kind === 'error') return { words, invalid: true };
    words.push(reader.word);
  }
  return { words, invalid: false };
}

/** Splits a whole value into words (whitespace separators; quotes removed when `unquote`). */
export function extractWords(value: string, unquote: boolean): ExtractResult {
  return extractAllWords(value, unquote ? EXTRACT_UNQUOTE : 0);
}

/**
 * cunescape() (src/basic/escape.c): the decoded string, or undefined for a bad escape. An escape of
 * NUL is a bad one unless `acceptNul` (UNESCAPE_ACCEPT_NUL).
 */
export function cunescape(s: string, acceptNul = false): string | undefined {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const u = cunescapeOne(s, i + 1, acceptNul);
    if (!u) return undefined;
    out += u.char;
    i += u.length;
  }
  return out;
}
