// The command lines of ExecStart= and the other Exec*= directives: how many commands a line holds and
// whether systemd refuses it. Ported from config_parse_exec() (src/core/load-fragment.c, v252–v256):
// only an unquoted, unescaped lone `;` separates commands; each command's first word may carry the
// prefixes `-` `@` `:` `+` `!` `!!` (each once, `+` and `!`/`!!` exclusive; v258+ also `|`), and the
// rest must be an absolute path or a plain file name after specifier expansion. A bad command is fatal
// — the unit is refused — unless it has the `-` prefix, which only drops it.
import {
  EXTRACT_CUNESCAPE,
  EXTRACT_UNESCAPE_RELAX,
  EXTRACT_UNQUOTE,
  isWhitespaceCode,
  WordReader,
  type ExtractKind,
} from '../unit/extract-word';
import { isValidFilename, isValidPath } from '../unit/path-util';
import type { SpecifierResult } from '../unit/specifiers';
import { codeAt } from '../unit/code-at';

export interface ExecLineResult {
  /** Commands the line added (those before a refused one stay added, as in systemd). */
  commands: number;
  /** The line makes systemd refuse the unit (or skip the rest of a drop-in). */
  fatal: boolean;
  /** What systemd logs, in order. */
  messages: { severity: 'warning' | 'error'; message: string }[];
  /** Commands with the `!!` prefix (v258+ warns about each: config_parse_exec(), load-fragment.c). */
  doubleBang: number;
}

export interface ExecLineOptions {
  /** Prefix characters this version accepts besides `-@:+!` (v258+: `|`). */
  extraPrefixes: string;
  /** v256+: path_implies_directory() refuses `.`, `..`, `/a/.`, `/a/..` too (VersionTraits). */
  pathImpliesDirectory: boolean;
  /** The empty-path message quotes the value (VersionTraits.execEmptyPathValueQuoted). */
  emptyPathValueQuoted: boolean;
  /** unit_full_printf() for this unit. */
  expand: (text: string) => SpecifierResult;
}

/** string_is_safe(): no control characters, quotes, backslashes or DEL. */
function isSafeString(s: string): boolean {
  // eslint-disable-next-line no-control-regex
  return !/[\x01-\x1f"'\\\x7f]/.test(s);
}

/**
 * extract_first_word_and_warn() with EXTRACT_UNQUOTE|EXTRACT_CUNESCAPE: an unknown escape sequence is
 * kept verbatim with a warning; an unbalanced quote is an error.
 */
function extractExecWord(
  reader: WordReader,
  messages: ExecLineResult['messages'],
  rvalue: string,
): ExtractKind {
  const kind = reader.read(EXTRACT_UNQUOTE | EXTRACT_CUNESCAPE);
  if (kind !== 'error') return kind;
  // The failed read left the cursor where it was: retry the same word relaxed.
  if (reader.read(EXTRACT_UNQUOTE | EXTRACT_CUNESCAPE | EXTRACT_UNESCAPE_RELAX) === 'word') {
    messages.push({ severity: 'warning', message: `Ignoring unknown escape sequences: "${reader.word}"` });
    return 'word';
  }
  messages.push({ severity: 'error', message: `Unbalanced quoting, ignoring: "${rvalue}"` });
  return 'error';
}

/**
 * unit_full_printf() as the Exec*= parser needs it. Text without `%` is left as it is by
 * specifier_printf(), so the call (and its result object) is skipped for it: most words have none.
 */
function expandWord(text: string, options: ExecLineOptions): SpecifierResult | undefined {
  return text.indexOf('%') < 0 ? undefined : options.expand(text);
}

/**
 * path_is_valid() for a non-empty absolute executable path. A UTF-16 code unit is at most three UTF-8
 * bytes, so a path of at most NAME_MAX / 3 units can neither have a component over NAME_MAX bytes nor
 * reach PATH_MAX: only longer paths need isValidPath()'s byte counting.
 */
function isValidExecutablePath(path: string): boolean {
  return path.length <= SHORT_PATH_UNITS || isValidPath(path);
}
const SHORT_PATH_UNITS = Math.floor(255 /* NAME_MAX */ / 3);

/**
 * path_implies_directory() (src/basic/path-util.c, v256+): the path is `.` or `..`, or ends in `/`,
 * `/.` or `/..`, so it can only name a directory.
 */
export function pathImpliesDirectory(path: string): boolean {
  return path === '.' || path === '..' || path.endsWith('/') || path.endsWith('/.') || path.endsWith('/..');
}

/** systemd's wording for a refused command: "<what>[, ignoring]: <detail>"; fatal unless `-`. */
function refuse(result: ExecLineResult, ignore: boolean, what: string, detail: string): ExecLineResult {
  result.messages.push({
    severity: ignore ? 'warning' : 'error',
    message: `${what}${ignore ? ', ignoring' : ''}: ${detail}`,
  });
  result.fatal = !ignore;
  return result;
}

/** Whether the rest starts with a lone `;` (the character at `at + 1` ends the word). */
function isLoneAt(input: string, at: number): boolean {
  return at === input.length || isWhitespaceCode(codeAt(input, at));
}

/**
 * What makes a line more than whitespace-separated plain words: quotes and backslashes
 * (extract_first_word()), `%` (specifiers) and `;` (a command separator when alone).
 */
const SPECIAL_CHARACTERS = /["'\\%;]/;

/** Parses one non-empty Exec*= value. */
export function parseExecLine(rvalue: string, options: ExecLineOptions): ExecLineResult {
  const result: ExecLineResult = { commands: 0, fatal: false, messages: [], doubleBang: 0 };
  const { messages } = result;
  // One cursor over the whole line: words are taken off it in place (systemd's `p`).
  const reader = new WordReader(rvalue);
  const plain = !SPECIAL_CHARACTERS.test(rvalue);
  let semicolon: boolean;
  do {
    semicolon = false;
    const first = plain ? reader.readPlain() : extractExecWord(reader, messages, rvalue);
    if (first !== 'word') return result;
    // A lone ";" is a separator, never an executable name.
    if (reader.word === ';') {
      semicolon = true;
      continue;
    }

    let ignore = false;
    let separateArgv0 = false;
    let noEnvExpand = false;
    let privileged: '' | '+' | '!' | '!!' = '';
    let viaShell = false;
    let f = reader.word;
    for (; ; f = f.slice(1)) {
      const c = f[0];
      if (c === '-' && !ignore) ignore = true;
      else if (c === '@' && !separateArgv0) separateArgv0 = true;
      else if (c === ':' && !noEnvExpand) noEnvExpand = true;
      else if (c === '+' && privileged === '') privileged = '+';
      else if (c === '!' && privileged === '') privileged = '!';
      else if (c === '!' && privileged === '!') privileged = '!!';
      else if (c === '|' && options.extraPrefixes.includes('|') && !viaShell) viaShell = true;
      else break;
    }
    if (privileged === '!!') result.doubleBang++;

    // A plain line has no `%`: the word is its own expansion.
    const expanded = plain ? undefined : expandWord(f, options);
    if (expanded !== undefined && !expanded.ok)
      return refuse(result, ignore, `Failed to resolve unit specifiers in '${f}'`, 'unknown specifier');
    const path = expanded === undefined ? f : expanded.value;
    if (!viaShell) {
      // With `|` (v258+) the word is the start of a shell command line, run by /bin/sh.
      if (path === '')
        return refuse(
          result,
          ignore,
          'Empty path in command line',
          options.emptyPathValueQuoted ? `'${rvalue}'` : rvalue,
        );
      if (!isSafeString(path))
        return refuse(
          result,
          ignore,
          `Executable ${options.pathImpliesDirectory ? 'path' : 'name'} contains special characters`,
          path,
        );
      if (options.pathImpliesDirectory ? pathImpliesDirectory(path) : path.endsWith('/'))
        return refuse(result, ignore, 'Executable path specifies a directory', path);
      if (!(path.startsWith('/') ? isValidExecutablePath(path) : isValidFilename(path)))
        return refuse(result, ignore, 'Neither a valid executable name nor an absolute path', path);
    }

    if (plain) {
      // One command of plain words: extract_first_word() takes each as it is and it expands to itself,
      // so none can fail and only whether there is one matters (with `@` it is argv[0]).
      if (separateArgv0 && !reader.hasRest())
        return refuse(result, ignore, 'Empty executable name or zeroeth argument', rvalue);
      result.commands++;
      return result;
    }

    let argc = separateArgv0 ? 0 : 1;
    while (reader.hasRest()) {
      const at = reader.pos;
      const c = codeAt(rvalue, at);
      // An unquoted lone ";" ends this command; "\;" is a literal ";" argument.
      if (c === 0x3b /* ; */ && isLoneAt(rvalue, at + 1)) {
        reader.pos = skipWhitespace(rvalue, at + 1);
        semicolon = true;
        break;
      }
      if (c === 0x5c /* \ */ && codeAt(rvalue, at + 1) === 0x3b && isLoneAt(rvalue, at + 2)) {
        reader.pos = skipWhitespace(rvalue, at + 2);
        argc++;
        continue;
      }
      // Most arguments are plain (no quote, backslash or specifier): extract_first_word() takes them
      // as they are and they always expand, so only their end matters.
      const end = plainWordEnd(rvalue, at);
      if (end >= 0) {
        reader.pos = skipWhitespace(rvalue, end);
        argc++;
        continue;
      }
      const kind = extractExecWord(reader, messages, rvalue);
      if (kind === 'end') break;
      if (kind === 'error') {
        result.fatal = !ignore;
        return result;
      }
      const word = reader.word;
      const r = expandWord(word, options);
      if (r !== undefined && !r.ok)
        return refuse(result, ignore, `Failed to resolve unit specifiers in ${word}`, 'unknown specifier');
      argc++;
    }
    if (argc === 0) return refuse(result, ignore, 'Empty executable name or zeroeth argument', rvalue);
    result.commands++;
  } while (semicolon);
  return result;
}

/**
 * Where the word starting at `at` ends (a WHITESPACE character or the end of the input) when it holds
 * none of the characters that quoting, C unescaping or specifier expansion act on; -1 otherwise.
 */
function plainWordEnd(s: string, at: number): number {
  for (let i = at; i < s.length; i++) {
    const c = codeAt(s, i);
    if (isWhitespaceCode(c)) return i;
    if (c === 0x22 /* " */ || c === 0x27 /* ' */ || c === 0x5c /* \\ */ || c === 0x25 /* % */) return -1;
  }
  return s.length;
}

/** The index of the first non-WHITESPACE character at or after `from` (the input's length if none). */
function skipWhitespace(s: string, from: number): number {
  let i = from;
  while (i < s.length && isWhitespaceCode(codeAt(s, i))) i++;
  return i;
}
