// systemd unit-file syntax → ordered assignments with file/line/column provenance.
// Ported from systemd's config_parse() and parse_line() (src/shared/conf-parser.c) and read_line()
// (src/basic/fileio.c), v252–v262: `\n`/`\r`/NUL line endings, comments only at line start,
// backslash continuations, case-sensitive keys, sections, a byte order mark stripped once.

/** Where a value came from. Lines and columns are 1-based. */
export interface SourceLocation {
  /** The file as the caller named it (a path inside the analysed tree). */
  file: string;
  line: number;
  column: number;
}

/** One `Key=Value` line of a unit file or drop-in, after continuation joining. */
export interface Assignment extends SourceLocation {
  section: string;
  key: string;
  value: string;
  /** Line of the `[Section]` header this assignment belongs to. */
  sectionLine: number;
}

export type DiagnosticSeverity = 'error' | 'warning' | 'notice';

export interface Diagnostic extends SourceLocation {
  severity: DiagnosticSeverity;
  message: string;
}

export interface SectionHeader {
  name: string;
  line: number;
}

export interface ParsedUnitFile {
  file: string;
  assignments: Assignment[];
  sections: SectionHeader[];
  diagnostics: Diagnostic[];
  /** Set when systemd refuses the whole file (e.g. a malformed section header): the unit fails to load. */
  fatal?: Diagnostic;
  /** With `fatal`: the strerror() text of the error config_parse() returns (EBADMSG, ENOBUFS). */
  fatalReason?: string;
}

/** Longest logical line systemd accepts (LONG_LINE_MAX in conf-parser.c). */
export const LONG_LINE_MAX = 1024 * 1024;

const UTF8_BOM = '\uFEFF';

function isBlank(c: number): boolean {
  // WHITESPACE in systemd: " \t\n\r"
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** Strips systemd's WHITESPACE set from both ends (strstrip()). */
export function stripWhitespace(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isBlank(s.charCodeAt(start))) start++;
  while (end > start && isBlank(s.charCodeAt(end - 1))) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

/** string_is_safe(): no control characters, quotes, backslashes or DEL. */
function isSafeString(s: string): boolean {
  // eslint-disable-next-line no-control-regex
  return !/[\x01-\x1f"'\\\x7f]/.test(s);
}

/** True when the string ends in an odd number of backslashes (systemd's "escaped" scan). */
function endsEscaped(s: string): boolean {
  let n = 0;
  for (let i = s.length - 1; i >= 0 && s.charCodeAt(i) === 0x5c; i--) n++;
  return n % 2 === 1;
}

/** Where the line starting at `pos` ends: its first `\n`, `\r` or NUL, or the end of the text. */
function lineContentEnd(text: string, pos: number): number {
  const n = text.length;
  for (; pos < n; pos++) {
    const c = text.charCodeAt(pos);
    if (c === 0x0a || c === 0x0d || c === 0) break;
  }
  return pos;
}

/**
 * Skips the line ending at `pos`: one ending may combine up to one each of `\n`, `\r` and NUL — a
 * repeated marker starts the next line, and nothing follows a NUL.
 */
function skipLineEnding(text: string, pos: number): number {
  const n = text.length;
  let seen = 0; // bit 1: \n, 2: \r, 4: NUL
  for (; pos < n; pos++) {
    const c = text.charCodeAt(pos);
    const eol = c === 0x0a ? 1 : c === 0x0d ? 2 : c === 0 ? 4 : 0;
    if (eol === 0 || seen & 4 || seen & eol) break;
    seen |= eol;
  }
  return pos;
}

/**
 * Splits text into lines the way read_line() does (read_line_full(), src/basic/fileio.c, v252–v262):
 * a line ends at `\n`, `\r` or NUL, and one line ending may combine up to one of each (`\r\n`, `\n\r`,
 * `\r\n\0`, …) — a repeated marker starts the next line, and nothing follows a NUL. So `a\rb` is two
 * lines, `a\r\nb` two, `a\n\nb` three (with an empty one), and `a\n\r\nb` three as well.
 */
export function splitLines(text: string): string[] {
  const lines: string[] = [];
  let pos = 0;
  while (pos < text.length) {
    const end = lineContentEnd(text, pos);
    lines.push(text.slice(pos, end));
    pos = skipLineEnding(text, end);
  }
  return lines;
}

/**
 * Parses one unit file or drop-in. Never throws: problems become diagnostics, and the few that make
 * systemd refuse the file become `fatal`.
 *
 * @param text the file's contents, decoded as UTF-8 (invalid sequences as U+FFFD)
 * @param file the name to record in provenance
 * @param knownSections the sections this unit type reads (others are ignored with a warning,
 *   `X-` sections silently), as in the unit vtable's `sections` list.
 */
export function parseUnitFile(text: string, file: string, knownSections: readonly string[]): ParsedUnitFile {
  const result: ParsedUnitFile = { file, assignments: [], sections: [], diagnostics: [] };
  let section: string | null = null;
  let sectionLine = 0;
  let sectionIgnored = false;
  let continuation: string | null = null;
  let continuationLine = 0;
  let continuationColumn = 0;
  let bomSeen = false;

  const warn = (line: number, column: number, message: string): void => {
    result.diagnostics.push({ file, line, column, severity: 'warning', message });
  };

  // Invalid UTF-8 was decoded as U+FFFD: look for it in the lines only when the file has one.
  const mayHaveInvalidUtf8 = text.indexOf('\uFFFD') >= 0;

  /** parse_line(): one logical line; false when it makes systemd refuse the whole file. */
  const parseLine = (logical: string, startLine: number, startColumn: number): boolean => {
    // The line without systemd's WHITESPACE at either end is logical[begin, end).
    let begin = 0;
    let end = logical.length;
    while (begin < end && isBlank(logical.charCodeAt(begin))) begin++;
    if (begin === end) return true;
    while (isBlank(logical.charCodeAt(end - 1))) end--;
    const column = startColumn + begin;

    if (mayHaveInvalidUtf8 && logical.indexOf('\uFFFD', begin) >= 0) {
      warn(startLine, column, 'Line is not valid UTF-8, ignoring.');
      return true;
    }

    if (logical.charCodeAt(begin) === 0x5b /* [ */) {
      const l = logical.slice(begin, end);
      const fatal = (message: string): false => {
        result.fatal = { file, line: startLine, column, severity: 'error', message };
        result.fatalReason = 'Bad message';
        return false;
      };
      if (l.charCodeAt(l.length - 1) !== 0x5d /* ] */) return fatal(`Invalid section header '${l}'`);
      const name = l.slice(1, -1);
      if (!isSafeString(name)) return fatal(`Bad characters in section header '${l}'`);
      if (knownSections.includes(name)) {
        section = name;
        sectionLine = startLine;
        sectionIgnored = false;
        result.sections.push({ name, line: startLine });
      } else {
        if (!name.startsWith('X-')) warn(startLine, column, `Unknown section '${name}'. Ignoring.`);
        section = null;
        sectionIgnored = true;
      }
      return true;
    }

    if (section === null) {
      if (!sectionIgnored) warn(startLine, column, 'Assignment outside of section. Ignoring.');
      return true;
    }

    const eq = logical.indexOf('=', begin);
    if (eq < 0) {
      warn(startLine, column, "Missing '=', ignoring line.");
      return true;
    }
    if (eq === begin) {
      warn(startLine, column, "Missing key name before '=', ignoring line.");
      return true;
    }
    // Both sides stripped (the key starts at `begin`, the value ends at `end`).
    let keyEnd = eq;
    while (isBlank(logical.charCodeAt(keyEnd - 1))) keyEnd--;
    let valueBegin = eq + 1;
    while (valueBegin < end && isBlank(logical.charCodeAt(valueBegin))) valueBegin++;
    result.assignments.push({
      file,
      line: startLine,
      column,
      section,
      sectionLine,
      key: logical.slice(begin, keyEnd),
      value: logical.slice(valueBegin, end),
    });
    return true;
  };

  // Most files end their lines with `\n` alone: then a line is simply everything up to the next one.
  const n = text.length;
  const onlyNewlines = text.indexOf('\r') < 0 && text.indexOf('\0') < 0;
  let lineCount = 0;
  for (let pos = 0; pos < n;) {
    const start = pos;
    let lineEnd: number;
    if (onlyNewlines) {
      lineEnd = text.indexOf('\n', pos);
      if (lineEnd < 0) lineEnd = n;
      pos = lineEnd + 1;
    } else {
      lineEnd = lineContentEnd(text, pos);
      pos = skipLineEnding(text, lineEnd);
    }
    const lineNo = ++lineCount;

    // Comment lines are dropped before continuation handling, also in the middle of a continuation.
    let lead = start;
    while (lead < lineEnd && isBlank(text.charCodeAt(lead))) lead++;
    if (lead < lineEnd) {
      const c = text.charCodeAt(lead);
      if (c === 0x23 /* # */ || c === 0x3b /* ; */) continue;
    }
    let raw = text.slice(start, lineEnd);
    // config_parse() strips a UTF-8 byte order mark once: at the start of the first line that has one
    // (which need not be line 1), after the comment check — so a BOM before `#` makes no comment.
    if (!bomSeen && raw.startsWith(UTF8_BOM)) {
      raw = raw.slice(1);
      bomSeen = true;
    }

    let logical: string;
    let startLine: number;
    let startColumn: number;
    if (continuation !== null) {
      if (raw.length > LONG_LINE_MAX - continuation.length) {
        result.fatal = {
          file,
          line: lineNo,
          column: 1,
          severity: 'error',
          message: 'Continuation line too long',
        };
        result.fatalReason = 'No buffer space available';
        return result;
      }
      logical = continuation + raw;
      startLine = continuationLine;
      startColumn = continuationColumn;
    } else {
      if (raw.length > LONG_LINE_MAX) {
        result.fatal = { file, line: lineNo, column: 1, severity: 'error', message: 'Line too long' };
        result.fatalReason = 'No buffer space available';
        return result;
      }
      logical = raw;
      startLine = lineNo;
      startColumn = 1;
    }

    if (endsEscaped(logical)) {
      // The trailing backslash becomes a space and the next line is appended verbatim.
      continuation = logical.slice(0, -1) + ' ';
      continuationLine = startLine;
      continuationColumn = startColumn;
      continue;
    }
    continuation = null;
    if (!parseLine(logical, startLine, startColumn)) return result;
  }
  // A continuation still open at end of file goes through parse_line() like any other line
  // (config_parse() flushes it), so it can still be a section header, a bad one, or lack its '='.
  if (continuation !== null) parseLine(continuation, continuationLine, continuationColumn);
  return result;
}
