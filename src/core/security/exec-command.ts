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
  WHITESPACE,
  extractFirstWordRaw,
  type ExtractStep,
} from '../unit/extract-word';
import { isValidFilename, isValidPath } from '../unit/path-util';
import type { SpecifierResult } from '../unit/specifiers';

export interface ExecLineResult {
  /** Commands the line added (those before a refused one stay added, as in systemd). */
  commands: number;
  /** The line makes systemd refuse the unit (or skip the rest of a drop-in). */
  fatal: boolean;
  /** What systemd logs, in order. */
  messages: { severity: 'warning' | 'error'; message: string }[];
}

export interface ExecLineOptions {
  /** Prefix characters this version accepts besides `-@:+!` (v258+: `|`). */
  extraPrefixes: string;
  /** unit_full_printf() for this unit. */
  expand: (text: string) => SpecifierResult;
}

const isWhitespace = (c: string | undefined): boolean => c !== undefined && WHITESPACE.includes(c);

/** string_is_safe(): no control characters, quotes, backslashes or DEL. */
function isSafeString(s: string): boolean {
  // eslint-disable-next-line no-control-regex
  return !/[\x01-\x1f"'\\\x7f]/.test(s);
}

/**
 * extract_first_word_and_warn() with EXTRACT_UNQUOTE|EXTRACT_CUNESCAPE: an unknown escape sequence is
 * kept verbatim with a warning; an unbalanced quote is an error.
 */
function extractExecWord(p: string, messages: ExecLineResult['messages'], rvalue: string): ExtractStep {
  const step = extractFirstWordRaw(p, EXTRACT_UNQUOTE | EXTRACT_CUNESCAPE);
  if (step.kind !== 'error') return step;
  const relaxed = extractFirstWordRaw(p, EXTRACT_UNQUOTE | EXTRACT_CUNESCAPE | EXTRACT_UNESCAPE_RELAX);
  if (relaxed.kind === 'word') {
    messages.push({ severity: 'warning', message: `Ignoring unknown escape sequences: "${relaxed.word}"` });
    return relaxed;
  }
  messages.push({ severity: 'error', message: `Unbalanced quoting, ignoring: "${rvalue}"` });
  return { kind: 'error' };
}

/** Parses one non-empty Exec*= value. */
export function parseExecLine(rvalue: string, options: ExecLineOptions): ExecLineResult {
  const result: ExecLineResult = { commands: 0, fatal: false, messages: [] };
  const { messages } = result;
  let p: string | undefined = rvalue;
  let semicolon: boolean;
  do {
    semicolon = false;
    const first = extractExecWord(p ?? '', messages, rvalue);
    if (first.kind !== 'word') return result;
    p = first.rest;
    // A lone ";" is a separator, never an executable name.
    if (first.word === ';') {
      semicolon = true;
      continue;
    }

    let ignore = false;
    let separateArgv0 = false;
    let noEnvExpand = false;
    let privileged: '' | '+' | '!' | '!!' = '';
    let viaShell = false;
    let f = first.word;
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
    // systemd's wording: "<what>[, ignoring]: <detail>".
    const refuse = (what: string, detail: string): ExecLineResult => {
      messages.push({
        severity: ignore ? 'warning' : 'error',
        message: `${what}${ignore ? ', ignoring' : ''}: ${detail}`,
      });
      result.fatal = !ignore;
      return result;
    };

    const expanded = options.expand(f);
    if (!expanded.ok) return refuse(`Failed to resolve unit specifiers in '${f}'`, 'unknown specifier');
    const path = expanded.value;
    if (!viaShell) {
      // With `|` (v258+) the word is the start of a shell command line, run by /bin/sh.
      if (path === '') return refuse('Empty path in command line', `'${rvalue}'`);
      if (!isSafeString(path)) return refuse('Executable name contains special characters', path);
      if (path.endsWith('/')) return refuse('Executable path specifies a directory', path);
      if (!(path.startsWith('/') ? isValidPath(path) : isValidFilename(path)))
        return refuse('Neither a valid executable name nor an absolute path', path);
    }

    let argc = separateArgv0 ? 0 : 1;
    while (p !== undefined && p !== '') {
      // An unquoted lone ";" ends this command; "\;" is a literal ";" argument.
      if (p[0] === ';' && (p.length === 1 || isWhitespace(p[1]))) {
        p = skipWhitespace(p.slice(1));
        semicolon = true;
        break;
      }
      if (p[0] === '\\' && p[1] === ';' && (p.length === 2 || isWhitespace(p[2]))) {
        p = skipWhitespace(p.slice(2));
        argc++;
        continue;
      }
      const word = extractExecWord(p, messages, rvalue);
      if (word.kind === 'end') break;
      if (word.kind === 'error') {
        result.fatal = !ignore;
        return result;
      }
      p = word.rest;
      if (!options.expand(word.word).ok)
        return refuse(`Failed to resolve unit specifiers in ${word.word}`, 'unknown specifier');
      argc++;
    }
    if (argc === 0) return refuse('Empty executable name or zeroeth argument', rvalue);
    result.commands++;
  } while (semicolon);
  return result;
}

function skipWhitespace(s: string): string {
  let i = 0;
  while (i < s.length && isWhitespace(s[i])) i++;
  return s.slice(i);
}
