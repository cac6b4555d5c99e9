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
  /**
   * Set when the assignment is continued over several lines: its last line, the one systemd names in
   * its messages (config_parse() counts the lines it has read when it hands the joined line on).
   */
  lastLine?: number;
}

export type DiagnosticSeverity = 'error' | 'warning' | 'notice';

/**
 * What a diagnostic says about the unit: a key systemd does not parse at all, one a later version
 * parses, one of another section, a value systemd ignores (whole or in part), a unit systemd refuses
 * to load, or anything else (deprecations, notices, section-level messages).
 */
export type DiagnosticKind =
  'unknown-key' | 'key-unknown-to-version' | 'wrong-section' | 'invalid-value' | 'refused-unit' | 'other';

/**
 * One message systemd logs while it loads a unit (parse-time and load-time), as a record: the CLI
 * prints `message` as systemd does, the gate reads the rest. The one stream both read.
 */
export interface Diagnostic extends SourceLocation {
  severity: DiagnosticSeverity;
  /** systemd's exact text. */
  message: string;
  /** systemd logs it without the file and line (log_notice(), not log_syntax()); the location is ours. */
  unlocated?: true;
  /**
   * The line systemd names, when it is not `line`: the last line of a continued assignment (`line` is
   * where the assignment starts, where a finding points).
   */
  logLine?: number;
  kind: DiagnosticKind;
  /** The assignment it is about, when it is about one (`key` as written, `value` stripped). */
  key?: string;
  section?: string;
  value?: string;
  /** unknown-key: the nearest key systemd knows in that section ("did you mean"). */
  suggestion?: string;
  /** key-unknown-to-version: the first supported version that parses the key there. */
  addedIn?: number;
  /** wrong-section: a section of this unit where systemd parses the key. */
  expectedSection?: string;
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

// The records below are built by constructors, not object or array literals, on purpose: V8 pretenures
// the objects of a literal allocation site once most of them have outlived a scavenge (which they do
// when a caller keeps many parsed units), and from then on every later parse — kept or not — goes
// straight to the old generation and drags its strings along. Constructor-made objects start young.

// Fields are assigned in the constructors (parameter properties, in parameter order), in the order the
// literals used to list them (JSON output and key order stay the same); `fatal` and `fatalReason`
// exist only once set.

class AssignmentRecord implements Assignment {
  constructor(
    public file: string,
    public line: number,
    public column: number,
    public section: string,
    public sectionLine: number,
    public key: string,
    public value: string,
  ) {}
  declare lastLine?: number;
}

class DiagnosticRecord implements Diagnostic {
  constructor(
    public file: string,
    public line: number,
    public column: number,
    public severity: DiagnosticSeverity,
    public message: string,
    public kind: DiagnosticKind = 'other',
  ) {}
  declare logLine?: number;
}

class SectionRecord implements SectionHeader {
  constructor(
    public name: string,
    public line: number,
  ) {}
}

class ParsedUnitFileRecord implements ParsedUnitFile {
  file: string;
  assignments: Assignment[];
  sections: SectionHeader[];
  diagnostics: Diagnostic[];
  declare fatal?: Diagnostic;
  declare fatalReason?: string;
  constructor(file: string) {
    this.file = file;
    this.assignments = new Array<Assignment>();
    this.sections = new Array<SectionHeader>();
    this.diagnostics = new Array<Diagnostic>();
  }
}

/**
 * The state of config_parse() over one file. Physical lines are handed to parse_line() as ranges of
 * the text itself whenever they need no joining (no continuation, no byte order mark): only keys and
 * values are ever copied out of the text.
 */
class UnitFileParser {
  readonly result: ParsedUnitFileRecord;
  private section: string | null = null;
  private sectionLine = 0;
  private sectionIgnored = false;
  /** Whether the text has a U+FFFD (an invalid UTF-8 sequence) at all. */
  private readonly mayHaveInvalidUtf8: boolean;
  /** Where the next U+FFFD in the text is, at or after the line last looked at. */
  private nextInvalid: number;
  /** Where the next `=` in the text is, at or after the assignment last looked at (see firstEquals()). */
  private nextEquals = -1;

  constructor(
    private readonly text: string,
    private readonly file: string,
    private readonly knownSections: readonly string[],
  ) {
    this.result = new ParsedUnitFileRecord(file);
    this.nextInvalid = text.indexOf('\uFFFD');
    this.mayHaveInvalidUtf8 = this.nextInvalid >= 0;
  }

  private warn(line: number, column: number, message: string, lastLine = line): void {
    const d = new DiagnosticRecord(this.file, line, column, 'warning', message);
    if (lastLine !== line) d.logLine = lastLine;
    this.result.diagnostics.push(d);
  }

  fail(line: number, column: number, message: string, reason: string, lastLine = line): false {
    const d = new DiagnosticRecord(this.file, line, column, 'error', message, 'refused-unit');
    if (lastLine !== line) d.logLine = lastLine;
    this.result.fatal = d;
    this.result.fatalReason = reason;
    return false;
  }

  /** Whether `src[from, to)` holds a U+FFFD; for the text itself, without scanning it again. */
  private hasInvalidUtf8(src: string, inText: boolean, from: number, to: number): boolean {
    if (!inText) return indexOfCode(src, 0xfffd, from, to) < to;
    // Lines come in text order: the next U+FFFD is looked for again only once a line is past it.
    if (this.nextInvalid < from) {
      this.nextInvalid = src.indexOf('\uFFFD', from);
      if (this.nextInvalid < 0) this.nextInvalid = src.length;
    }
    return this.nextInvalid < to;
  }

  /** parseLine() of the physical line `text[from, to)`, line `line`, in place. */
  parseTextLine(from: number, to: number, line: number): boolean {
    return this.parseLine(this.text, true, from, to, line, 1, line);
  }

  /**
   * parseLine() of a line joined from continued ones, which starts at `startLine`:`startColumn` and
   * ends on `lastLine`.
   */
  parseJoinedLine(logical: string, startLine: number, startColumn: number, lastLine: number): boolean {
    return this.parseLine(logical, false, 0, logical.length, startLine, startColumn, lastLine);
  }

  /**
   * parse_line() (src/shared/conf-parser.c, v252–v262) on the logical line `src[from, to)`, which
   * starts at `startLine`:`startColumn`; `inText` when `src` is the file's text (the line is in
   * place), not a joined line; `lastLine` is the line it ends on, the one systemd's messages name.
   * False when the line makes systemd refuse the whole file.
   */
  private parseLine(
    src: string,
    inText: boolean,
    from: number,
    to: number,
    startLine: number,
    startColumn: number,
    lastLine: number,
  ): boolean {
    // The line without systemd's WHITESPACE at either end is src[begin, end).
    let begin = from;
    let end = to;
    while (begin < end && isBlank(src.charCodeAt(begin))) begin++;
    if (begin === end) return true;
    while (isBlank(src.charCodeAt(end - 1))) end--;
    const column = startColumn + (begin - from);

    // parse_line() checks the whole stripped line before anything else and returns
    // log_syntax_invalid_utf8()'s -EINVAL: config_parse() stops there and the unit fails to load
    // ("Invalid argument"); a drop-in's failure only ends that drop-in (checked with v252).
    if (this.mayHaveInvalidUtf8 && this.hasInvalidUtf8(src, inText, begin, to))
      return this.fail(
        startLine,
        column,
        `String is not UTF-8 clean, ignoring assignment: ${src.slice(begin, end)}`,
        'Invalid argument',
        lastLine,
      );

    if (src.charCodeAt(begin) === 0x5b /* [ */)
      return this.sectionHeader(src.slice(begin, end), startLine, column, lastLine);

    if (this.section === null) {
      if (!this.sectionIgnored)
        this.warn(startLine, column, 'Assignment outside of section. Ignoring.', lastLine);
      return true;
    }

    const eq = this.firstEquals(src, inText, begin, end);
    if (eq === end) {
      this.warn(startLine, column, "Missing '=', ignoring line.", lastLine);
      return true;
    }
    if (eq === begin) {
      this.warn(startLine, column, "Missing key name before '=', ignoring line.", lastLine);
      return true;
    }
    // Both sides stripped (the key starts at `begin`, the value ends at `end`).
    let keyEnd = eq;
    while (isBlank(src.charCodeAt(keyEnd - 1))) keyEnd--;
    let valueBegin = eq + 1;
    while (valueBegin < end && isBlank(src.charCodeAt(valueBegin))) valueBegin++;
    const assignment = new AssignmentRecord(
      this.file,
      startLine,
      column,
      this.section,
      this.sectionLine,
      src.slice(begin, keyEnd),
      src.slice(valueBegin, end),
    );
    if (lastLine !== startLine) assignment.lastLine = lastLine;
    this.result.assignments.push(assignment);
    return true;
  }

  /**
   * The first `=` in `src[from, to)`, or `to`. In the text itself, lines come in order: the next `=`
   * is looked for again only once a line is past it, so lines without one cost no scan of the rest.
   */
  private firstEquals(src: string, inText: boolean, from: number, to: number): number {
    if (!inText) return indexOfCode(src, 0x3d /* = */, from, to);
    if (this.nextEquals < from) {
      this.nextEquals = src.indexOf('=', from);
      if (this.nextEquals < 0) this.nextEquals = src.length;
    }
    return this.nextEquals < to ? this.nextEquals : to;
  }

  /** A `[Section]` line `l` (stripped); false when systemd refuses the file for it. */
  private sectionHeader(l: string, line: number, column: number, lastLine: number): boolean {
    if (l.charCodeAt(l.length - 1) !== 0x5d /* ] */)
      return this.fail(line, column, `Invalid section header '${l}'`, 'Bad message', lastLine);
    const name = l.slice(1, -1);
    if (!isSafeString(name))
      return this.fail(line, column, `Bad characters in section header '${l}'`, 'Bad message', lastLine);
    if (this.knownSections.includes(name)) {
      this.section = name;
      this.sectionLine = line;
      this.sectionIgnored = false;
      this.result.sections.push(new SectionRecord(name, line));
    } else {
      if (!name.startsWith('X-')) this.warn(line, column, `Unknown section '${name}'. Ignoring.`, lastLine);
      this.section = null;
      this.sectionIgnored = true;
    }
    return true;
  }
}

/**
 * The first `code` in `s[from, to)`, or `to`. Joined lines are searched with this loop, not with
 * indexOf(): were the same `s.indexOf(c, from)` written in both branches of hasInvalidUtf8() or
 * firstEquals(), TurboFan would compute it once ahead of the branch — for every line of the text,
 * up to the next match however far — and parsing would turn quadratic.
 */
function indexOfCode(s: string, code: number, from: number, to: number): number {
  let i = from;
  while (i < to && s.charCodeAt(i) !== code) i++;
  return i;
}

/** Whether `text[start, end)` ends in an odd number of backslashes (systemd's "escaped" scan). */
function rangeEndsEscaped(text: string, start: number, end: number): boolean {
  let n = 0;
  for (let i = end - 1; i >= start && text.charCodeAt(i) === 0x5c; i--) n++;
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
  const parser = new UnitFileParser(text, file, knownSections);
  const result = parser.result;
  // config_parse() (src/shared/conf-parser.c): a logical line continued with a trailing backslash.
  let continuation: string | null = null;
  let continuationLine = 0;
  let continuationColumn = 0;
  // Before the first line that starts with a byte order mark, each line is checked for one.
  let bomPending = text.indexOf(UTF8_BOM) >= 0;

  // Most files end their lines with `\n` alone: then a line is simply everything up to the next one.
  const n = text.length;
  const onlyNewlines = text.indexOf('\r') < 0 && text.indexOf('\0') < 0;
  let lineCount = 0;
  for (let pos = 0; pos < n;) {
    let start = pos;
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
    // config_parse() strips a UTF-8 byte order mark once: at the start of the first line that has one
    // (which need not be line 1), after the comment check — so a BOM before `#` makes no comment.
    if (bomPending && text.charCodeAt(start) === 0xfeff) {
      start++;
      bomPending = false;
    }
    const length = lineEnd - start;

    if (continuation !== null) {
      if (length > LONG_LINE_MAX - continuation.length) {
        parser.fail(lineNo, 1, 'Continuation line too long', 'No buffer space available');
        return result;
      }
      // The joined line so far ends in the space that replaced a backslash, so whether the line
      // is escaped again depends on this piece alone. Pieces are only appended (and the joined line
      // read once it is complete): a long continuation costs its length, not its length squared.
      if (rangeEndsEscaped(text, start, lineEnd)) {
        // The trailing backslash becomes a space and the next line is appended verbatim.
        continuation = continuation + text.slice(start, lineEnd - 1) + ' ';
        continue;
      }
      const logical: string = continuation + text.slice(start, lineEnd);
      continuation = null;
      if (!parser.parseJoinedLine(logical, continuationLine, continuationColumn, lineNo)) return result;
      continue;
    }
    if (length > LONG_LINE_MAX) {
      parser.fail(lineNo, 1, 'Line too long', 'No buffer space available');
      return result;
    }
    if (rangeEndsEscaped(text, start, lineEnd)) {
      continuation = text.slice(start, lineEnd - 1) + ' ';
      continuationLine = lineNo;
      continuationColumn = 1;
      continue;
    }
    if (!parser.parseTextLine(start, lineEnd, lineNo)) return result;
  }
  // A continuation still open at end of file goes through parse_line() like any other line
  // (config_parse() flushes it), so it can still be a section header, a bad one, or lack its '='. Its
  // messages name the line after the last one (config_parse() passes `++line`, v252–v262).
  if (continuation !== null)
    parser.parseJoinedLine(continuation, continuationLine, continuationColumn, lineCount + 1);
  return result;
}
