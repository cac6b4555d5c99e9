// systemd unit-file syntax → ordered assignments with file/line/column provenance.
// Ported from systemd's config_parse() and parse_line() (src/shared/conf-parser.c, v252–v262):
// comments only at line start, backslash continuations, case-sensitive keys, sections.

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

function leadingBlanks(s: string): number {
  let i = 0;
  while (i < s.length && isBlank(s.charCodeAt(i))) i++;
  return i;
}

/** True when the string ends in an odd number of backslashes (systemd's "escaped" scan). */
function endsEscaped(s: string): boolean {
  let n = 0;
  for (let i = s.length - 1; i >= 0 && s.charCodeAt(i) === 0x5c; i--) n++;
  return n % 2 === 1;
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
  let lineNo = 0;
  let pos = 0;
  const length = text.length;

  const warn = (line: number, column: number, message: string): void => {
    result.diagnostics.push({ file, line, column, severity: 'warning', message });
  };

  while (pos < length) {
    let eol = text.indexOf('\n', pos);
    if (eol < 0) eol = length;
    let raw = text.slice(pos, eol);
    pos = eol + 1;
    lineNo++;
    // read_line() treats "\r\n" and a lone "\r" before "\n" as the line ending.
    if (raw.length > 0 && raw.charCodeAt(raw.length - 1) === 0x0d) raw = raw.slice(0, -1);
    if (raw.indexOf('\0') >= 0) raw = raw.slice(0, raw.indexOf('\0'));

    // Comment lines are dropped before continuation handling, also in the middle of a continuation.
    const lead = leadingBlanks(raw);
    if (lead < raw.length) {
      const c = raw.charCodeAt(lead);
      if (c === 0x23 /* # */ || c === 0x3b /* ; */) continue;
    }
    if (lineNo === 1 && raw.startsWith(UTF8_BOM)) raw = raw.slice(1);

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
        return result;
      }
      logical = continuation + raw;
      startLine = continuationLine;
      startColumn = continuationColumn;
    } else {
      if (raw.length > LONG_LINE_MAX) {
        result.fatal = { file, line: lineNo, column: 1, severity: 'error', message: 'Line too long' };
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

    const lineOffset = leadingBlanks(logical);
    const l = stripWhitespace(logical);
    if (l.length === 0) continue;
    const column = startColumn + lineOffset;

    if (l.indexOf('\uFFFD') >= 0) {
      warn(startLine, column, 'Line is not valid UTF-8, ignoring.');
      continue;
    }

    if (l.charCodeAt(0) === 0x5b /* [ */) {
      if (l.charCodeAt(l.length - 1) !== 0x5d /* ] */) {
        result.fatal = {
          file,
          line: startLine,
          column,
          severity: 'error',
          message: `Invalid section header '${l}'`,
        };
        return result;
      }
      const name = l.slice(1, -1);
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
      continue;
    }

    if (section === null) {
      if (!sectionIgnored) warn(startLine, column, 'Assignment outside of section. Ignoring.');
      continue;
    }

    const eq = l.indexOf('=');
    if (eq < 0) {
      warn(startLine, column, "Missing '=', ignoring line.");
      continue;
    }
    if (eq === 0) {
      warn(startLine, column, "Missing key name before '=', ignoring line.");
      continue;
    }
    result.assignments.push({
      file,
      line: startLine,
      column,
      section,
      sectionLine,
      key: stripWhitespace(l.slice(0, eq)),
      value: stripWhitespace(l.slice(eq + 1)),
    });
  }
  // A continuation still open at end of file is parsed as it stands (config_parse() flushes it).
  if (continuation !== null) {
    const l = stripWhitespace(continuation);
    if (l.length > 0 && section !== null) {
      const eq = l.indexOf('=');
      if (eq > 0) {
        result.assignments.push({
          file,
          line: continuationLine,
          column: continuationColumn + leadingBlanks(continuation),
          section,
          sectionLine,
          key: stripWhitespace(l.slice(0, eq)),
          value: stripWhitespace(l.slice(eq + 1)),
        });
      }
    }
  }
  return result;
}
