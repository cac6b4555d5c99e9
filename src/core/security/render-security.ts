// Text and JSON output of an assessment, byte for byte as `systemd-analyze security` prints it
// (format-table.c table_print()/table_print_json() and the summary printf() of assess(), v252–v262).
import { columnsOf, setOf, type Assessment, type AssessmentColumns } from './assess';
import type { AssessorData } from './versions';

export type JsonMode = 'short' | 'pretty';

export interface TextOptions {
  /** UTF-8 glyphs (✓ ✗ →, smileys) or the ASCII fallbacks of a non-UTF-8 locale. */
  utf8: boolean;
  /** ANSI colours, as on a terminal. */
  colors: boolean;
  /** Emoji smileys (systemd's emoji_enabled(): a UTF-8 locale and a TERM that is set, not dumb/linux). */
  emoji: boolean;
  /** The cells a tab takes in a table cell (VersionTraits.tableTabCells); 1 when not given. */
  tabCells?: number;
}

const ANSI = {
  normal: '\x1b[0m',
  highlight: '\x1b[0;1;39m',
  'highlight red': '\x1b[0;1;31m',
  'highlight green': '\x1b[0;1;32m',
  'highlight yellow': '\x1b[0;1;33m',
} as const;

/**
 * Per assessor, the start of its JSON object up to `"description":`, for `set` true, false and null:
 * the same for every unit, encoded once.
 */
const JSON_ROW_STARTS = new WeakMap<object, readonly [string, string, string]>();
/** Descriptions repeat across units; encode each distinct one once. */
const JSON_STRINGS = new Map<string, string>();
/** `,"exposure":…}` for each exposure (`"X.Y"` or null). */
const JSON_ROW_ENDS = new Map<string | null, string>();

function jsonString(s: string): string {
  let e = JSON_STRINGS.get(s);
  if (e === undefined) {
    e = JSON.stringify(s);
    if (JSON_STRINGS.size < 10_000) JSON_STRINGS.set(s, e);
  }
  return e;
}

function jsonRowStart(assessor: AssessorData, set: boolean | null): string {
  let starts = JSON_ROW_STARTS.get(assessor);
  if (starts === undefined) {
    const rest = `,"name":${JSON.stringify(assessor.name)},"json_field":${JSON.stringify(assessor.jsonField)},"description":`;
    starts = [`{"set":true${rest}`, `{"set":false${rest}`, `{"set":null${rest}`];
    JSON_ROW_STARTS.set(assessor, starts);
  }
  return starts[set === true ? 0 : set === false ? 1 : 2];
}

function jsonRowEnd(exposure: string | null): string {
  let e = JSON_ROW_ENDS.get(exposure);
  if (e === undefined) {
    e = `,"exposure":${exposure === null ? 'null' : JSON.stringify(exposure)}}`;
    if (JSON_ROW_ENDS.size < 1_000) JSON_ROW_ENDS.set(exposure, e);
  }
  return e;
}

/** One unit's JSON array (`--json=short|pretty`), newline-terminated. */
export function renderJson(assessment: Assessment, mode: JsonMode): string {
  if (mode === 'short') {
    // Built from pre-encoded pieces; the same bytes JSON.stringify() gives for these objects.
    const c = columnsOf(assessment);
    let out = '[';
    for (let i = 0; i < c.order.length; i++) {
      const index = c.order[i] as number;
      const description = c.description[index] as string | null;
      if (i > 0) out += ',';
      out += jsonRowStart(c.assessors[index] as AssessorData, setOf(c, index));
      out += description === null ? 'null' : jsonString(description);
      out += jsonRowEnd(c.exposure[index] as string | null);
    }
    return out + ']\n';
  }
  const objects = assessment.rows.map((r) => ({
    set: r.set,
    name: r.assessor.name,
    json_field: r.assessor.jsonField,
    description: r.description,
    exposure: r.exposure,
  }));
  // systemd's pretty form: tab indentation and `"key" : value`.
  const lines = ['['];
  objects.forEach((o, i) => {
    lines.push('\t{');
    const entries = Object.entries(o);
    entries.forEach(([k, v], j) => {
      lines.push(`\t\t${JSON.stringify(k)} : ${JSON.stringify(v)}${j < entries.length - 1 ? ',' : ''}`);
    });
    lines.push(i < objects.length - 1 ? '\t},' : '\t}');
  });
  lines.push(']');
  return lines.join('\n') + '\n';
}

const utf8 = new TextEncoder();

/**
 * The UTF-8 of whole JSON rows (`{"set":…,"description":…,"exposure":…},`), per assessor table and
 * row, encoded once per distinct (set, description, exposure) a row shows. Units are alike: most of
 * a run's rows repeat the row the previous unit printed (the memo), and the rest a row seen before
 * (the map), so a big run's output is mostly one copy per row.
 */
interface RowPieces {
  /** Per row: what it printed last, and those bytes. */
  lastSet: (boolean | null | undefined)[];
  lastDescription: (string | null | undefined)[];
  lastExposure: (string | null | undefined)[];
  lastBytes: (Uint8Array | undefined)[];
  /** Per row: every piece made so far, by `set|description|exposure`. */
  seen: Map<string, Uint8Array>[];
}

const ROW_PIECES = new WeakMap<readonly AssessorData[], RowPieces>();
/** A row's distinct pieces kept (texts made for one unit, like device ACL lists, are not kept beyond it). */
const MAX_PIECES_PER_ROW = 256;

function rowPieces(assessors: readonly AssessorData[]): RowPieces {
  let pieces = ROW_PIECES.get(assessors);
  if (pieces === undefined) {
    const n = assessors.length;
    pieces = {
      lastSet: new Array<undefined>(n).fill(undefined),
      lastDescription: new Array<undefined>(n).fill(undefined),
      lastExposure: new Array<undefined>(n).fill(undefined),
      lastBytes: new Array<undefined>(n).fill(undefined),
      seen: Array.from({ length: n }, () => new Map<string, Uint8Array>()),
    };
    ROW_PIECES.set(assessors, pieces);
  }
  return pieces;
}

/** One row's JSON object and its trailing comma, as UTF-8. */
function rowBytes(
  pieces: RowPieces,
  assessor: AssessorData,
  index: number,
  set: boolean | null,
  description: string | null,
  exposure: string | null,
): Uint8Array {
  if (
    pieces.lastDescription[index] === description &&
    pieces.lastExposure[index] === exposure &&
    pieces.lastSet[index] === set
  ) {
    return pieces.lastBytes[index] as Uint8Array;
  }
  const seen = pieces.seen[index] as Map<string, Uint8Array>;
  // set and exposure never contain `|`; a description (last, and only when there is one) may.
  const key = description === null ? `${set}|${exposure}` : `${set}|${exposure}|${description}`;
  let bytes = seen.get(key);
  if (bytes === undefined) {
    const text = description === null ? 'null' : jsonString(description);
    bytes = utf8.encode(jsonRowStart(assessor, set) + text + jsonRowEnd(exposure) + ',');
    if (seen.size < MAX_PIECES_PER_ROW) seen.set(key, bytes);
  }
  pieces.lastSet[index] = set;
  pieces.lastDescription[index] = description;
  pieces.lastExposure[index] = exposure;
  pieces.lastBytes[index] = bytes;
  return bytes;
}

/**
 * renderJson(assessment, 'short') as UTF-8, written into `out` from `offset`: the same bytes, copied
 * from pieces encoded once (for output that goes straight to a file, where encoding the text of
 * every unit would cost more than making it). Returns the offset after the last byte, or -1 when
 * `out` has no room for all of it.
 */
export function encodeJsonShort(assessment: Assessment, out: Uint8Array, offset: number): number {
  const c = columnsOf(assessment);
  const pieces = rowPieces(c.assessors);
  let p = offset;
  if (p + 3 > out.length) return -1;
  out[p++] = 0x5b; // [
  for (let i = 0; i < c.order.length; i++) {
    const index = c.order[i] as number;
    const bytes = rowBytes(
      pieces,
      c.assessors[index] as AssessorData,
      index,
      setOf(c, index),
      c.description[index] as string | null,
      c.exposure[index] as string | null,
    );
    // The row with its comma, and room for the closing `]\n` (one more byte than the comma).
    if (p + bytes.length + 1 > out.length) return -1;
    out.set(bytes, p);
    p += bytes.length;
  }
  // Every row ends in a comma: the last one's becomes the closing bracket.
  if (c.order.length > 0) p--;
  out[p++] = 0x5d; // ]
  out[p++] = 0x0a; // \n
  return p;
}

/**
 * utf8_console_width() (src/basic/utf8.c): every code point takes one cell, a wide one
 * (unichar_iswide()) two, a tab `tabCells` — control characters and combining marks included.
 */
export function consoleWidth(s: string, tabCells = 1): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    w += c === 0x09 ? tabCells : isWide(c) ? 2 : 1;
  }
  return w;
}

/**
 * unichar_iswide() as systemd-analyze answers it: read off the live oracles of 252 and 262 (identical),
 * every code point from U+00A0 to U+3FFFF probed as a table cell through a security policy's
 * descriptions. Noncharacters (U+FDD0–U+FDEF, U+xFFFE/F) cannot be probed: the JSON parser refuses
 * them, so no description holds one.
 */
const WIDE_RANGES: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f],
  [0x2329, 0x232a],
  [0x2e80, 0x2e99],
  [0x2e9b, 0x2ef3],
  [0x2f00, 0x2fd5],
  [0x2ff0, 0x2ffb],
  [0x3000, 0x303e],
  [0x3041, 0x3096],
  [0x3099, 0x30ff],
  [0x3105, 0x312d],
  [0x3131, 0x318e],
  [0x3190, 0x31ba],
  [0x31c0, 0x31e3],
  [0x31f0, 0x321e],
  [0x3220, 0x3247],
  [0x3250, 0x32fe],
  [0x3300, 0x4dbf],
  [0x4e00, 0xa48c],
  [0xa490, 0xa4c6],
  [0xa960, 0xa97c],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe10, 0xfe19],
  [0xfe30, 0xfe52],
  [0xfe54, 0xfe66],
  [0xfe68, 0xfe6b],
  [0xff01, 0xff60],
  [0xffe0, 0xffe6],
  [0x1b000, 0x1b001],
  [0x1f200, 0x1f202],
  [0x1f210, 0x1f23a],
  [0x1f240, 0x1f248],
  [0x1f250, 0x1f251],
  [0x1f300, 0x1f567],
  [0x20000, 0x2fffd],
  [0x30000, 0x3fffd],
];

function isWide(c: number): boolean {
  if (c < 0x1100) return false;
  let lo = 0;
  let hi = WIDE_RANGES.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [first, last] = WIDE_RANGES[mid] as readonly [number, number];
    if (c < first) hi = mid - 1;
    else if (c > last) lo = mid + 1;
    else return true;
  }
  return false;
}

/**
 * consoleWidth() without the code point walk for the usual cell, printable ASCII (one cell per
 * character): only other text pays for the width table.
 */
function cellWidth(s: string, tabCells: number): number {
  return isPrintableAscii(s) ? s.length : consoleWidth(s, tabCells);
}

/** Whether every character of `s` is printable ASCII (one cell each, no tab, no newline). */
function isPrintableAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c >= 0x7f) return false;
  }
  return true;
}

/**
 * The width of a cell holding `s`: its widest line. Names, descriptions and exposures are mostly the
 * release's own few hundred strings, one string object each: a width looked up by string (whose hash
 * V8 keeps) costs less than a scan of its characters. Bounded, as a policy can bring texts of its own.
 */
function cellBlockWidth(s: string, tabCells: number): number {
  const cache = tabCells === 1 ? widthCache : tabCells === 8 ? wideTabWidthCache : undefined;
  let w = cache?.get(s);
  if (w !== undefined) return w;
  if (s.includes('\n')) {
    w = 0;
    for (const line of cellLines(s)) w = Math.max(w, cellWidth(line, tabCells));
  } else w = cellWidth(s, tabCells);
  if (cache && cache.size < WIDTH_CACHE_SIZE) cache.set(s, w);
  return w;
}

const WIDTH_CACHE_SIZE = 4096;
const widthCache = new Map<string, number>();
const wideTabWidthCache = new Map<string, number>();

/**
 * The lines format-table prints of a cell (string_extract_line()): split at newlines, a final newline
 * adding no line. A description can have several (a security policy's); the built-in ones have one.
 */
function cellLines(s: string): string[] {
  const lines = s.split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

const SPACES = ' '.repeat(256);

/** The spaces that pad a cell of `used` cells to `width` (a slice of one string for the usual ones). */
function pad(width: number, used: number): string {
  if (used >= width) return '';
  return width - used <= SPACES.length ? SPACES.slice(0, width - used) : ' '.repeat(width - used);
}

/** The widths of a table's columns. */
interface TableLayout {
  markWidth: number;
  nameWidth: number;
  descriptionWidth: number;
  exposureWidth: number;
  /** Each assessor's name width, by table position (assessorNameWidths()). */
  nameWidths: readonly number[];
}

function tableLayout(c: AssessmentColumns, tabCells: number): TableLayout {
  const nameWidths = assessorNameWidths(c.assessors, tabCells);
  // The header's cells ('', NAME, DESCRIPTION, EXPOSURE) start the column widths.
  let markWidth = 0;
  let nameWidth = 4;
  let descriptionWidth = 11;
  let exposureWidth = 8;
  for (let i = 0; i < c.order.length; i++) {
    const index = c.order[i] as number;
    // A mark (✓ ✗ + -) is one cell wide.
    if (markWidth === 0 && setOf(c, index) !== null) markWidth = 1;
    const name = nameWidths[index] as number;
    // A cell of several lines is as wide as its widest line.
    const description = cellBlockWidth(c.description[index] ?? '', tabCells);
    const exposure = exposureWidthOf(c.exposure[index] ?? '', tabCells);
    if (name > nameWidth) nameWidth = name;
    if (description > descriptionWidth) descriptionWidth = description;
    if (exposure > exposureWidth) exposureWidth = exposure;
  }
  return { markWidth, nameWidth, descriptionWidth, exposureWidth, nameWidths };
}

/**
 * The width of each assessor's name, by table position: names are the table's own, so they are
 * measured once per assessor table (and tab width), not once per unit.
 */
function assessorNameWidths(assessors: readonly AssessorData[], tabCells: number): readonly number[] {
  let byTab = NAME_WIDTHS.get(assessors);
  if (byTab === undefined) NAME_WIDTHS.set(assessors, (byTab = new Map()));
  let widths = byTab.get(tabCells);
  if (widths === undefined) {
    widths = assessors.map((a) => cellBlockWidth(a.name, tabCells));
    byTab.set(tabCells, widths);
  }
  return widths;
}

const NAME_WIDTHS = new WeakMap<readonly AssessorData[], Map<number, readonly number[]>>();

/** An exposure cell's width: its length for the usual `X.Y` (printable ASCII, no cache needed). */
function exposureWidthOf(s: string, tabCells: number): number {
  return isPrintableAscii(s) ? s.length : cellBlockWidth(s, tabCells);
}

function tableHeader(t: TableLayout, options: TextOptions): string {
  const header =
    pad(t.markWidth, 0) +
    ' NAME' +
    pad(t.nameWidth, 4) +
    ' DESCRIPTION' +
    pad(t.descriptionWidth, 11) +
    // Header cells are left-aligned, and the last column is not padded after its text (format-table.c).
    ' EXPOSURE';
  return options.colors ? `\x1b[4m${header}${ANSI.normal}\n` : header + '\n';
}

/** The lines of assessor `index`'s row, each ending in a newline. */
function tableRow(c: AssessmentColumns, t: TableLayout, index: number, options: TextOptions): string {
  const tabCells = options.tabCells ?? 1;
  const assessor = c.assessors[index] as AssessorData;
  const set = setOf(c, index);
  const mark = options.utf8 ? 0 : 1;
  let out: string;
  if (set === null) out = pad(t.markWidth, 0);
  else if (options.colors)
    out = (set ? ANSI['highlight green'] + CHECK[mark] : ANSI['highlight red'] + CROSS[mark]) + ANSI.normal;
  else out = set ? CHECK[mark] : CROSS[mark];
  out += ' ' + assessor.name + pad(t.nameWidth, t.nameWidths[index] as number);
  const text = c.description[index] ?? '';
  const lines = text.includes('\n') ? cellLines(text) : undefined;
  const first = lines ? (lines[0] as string) : text;
  out +=
    ' ' +
    first +
    pad(t.descriptionWidth, lines ? cellWidth(first, tabCells) : cellBlockWidth(text, tabCells));
  // The last column is right-aligned; an empty last cell is not padded (format-table.c).
  const exposure = c.exposure[index] ?? '';
  out +=
    exposure === ''
      ? ' \n'
      : ' ' + pad(t.exposureWidth, exposureWidthOf(exposure, tabCells)) + exposure + '\n';
  // A row's further lines (systemd-analyze 252–262 as measured): the name cell shows the row's URL
  // there, padded as an empty cell; the other cells their next line, or nothing.
  if (lines)
    for (let k = 1; k < lines.length; k++) {
      const line = lines[k] as string;
      out += pad(t.markWidth, 0) + ' ' + assessor.url + pad(t.nameWidth, 0);
      out += ' ' + line + pad(t.descriptionWidth, cellWidth(line, tabCells)) + ' \n';
    }
  return out;
}

/** The marks of a set and an unset row: UTF-8, ASCII. */
const CHECK = ['✓', '+'] as const;
const CROSS = ['✗', '-'] as const;

/** The table plus the overall line, as printed without `--json`. */
export function renderTable(assessment: Assessment, options: TextOptions): string {
  const c = columnsOf(assessment);
  const t = tableLayout(c, options.tabCells ?? 1);
  let out = tableHeader(t, options);
  for (let i = 0; i < c.order.length; i++) out += tableRow(c, t, c.order[i] as number, options);
  return out + renderOverallLine(assessment, options);
}

/**
 * The UTF-8 of table rows, per assessor table and row: the row the previous unit printed (most units
 * print most rows as the one before), else one of the row's earlier lines (bounded). Encoding each
 * table's text again cost `unitgate security` a tenth of its time on a big run.
 */
interface TableRowMemo {
  /** Per row: what it printed last (set, description, exposure, the column widths), and its bytes. */
  last: (
    | {
        set: boolean | null;
        description: string | null;
        exposure: string | null;
        widths: number;
        bytes: Uint8Array;
      }
    | undefined
  )[];
  /**
   * Per row: every line made so far, by description, exposure (each `''` when absent: the table prints
   * nothing for both) and then shape and set as one number, and how many there are. Nested maps keyed
   * by the row's own strings: no key is built per row.
   */
  seen: Map<string, Map<string, Map<number, Uint8Array>>>[];
  seenCount: number[];
}

const TABLE_ROWS = new WeakMap<readonly AssessorData[], TableRowMemo>();

function tableRowMemo(assessors: readonly AssessorData[]): TableRowMemo {
  let memo = TABLE_ROWS.get(assessors);
  if (memo === undefined) {
    memo = {
      last: new Array<undefined>(assessors.length).fill(undefined),
      seen: Array.from({ length: assessors.length }, () => new Map()),
      seenCount: new Array<number>(assessors.length).fill(0),
    };
    TABLE_ROWS.set(assessors, memo);
  }
  return memo;
}

/**
 * renderTable() as UTF-8, written into `out` from `offset`: the same bytes, each row copied from its
 * memo when it printed the same before with the same widths. Returns the offset after the last byte,
 * or -1 when `out` has no room for all of it.
 */
export function encodeTable(
  assessment: Assessment,
  options: TextOptions,
  out: Uint8Array,
  offset: number,
): number {
  const c = columnsOf(assessment);
  const t = tableLayout(c, options.tabCells ?? 1);
  const memo = tableRowMemo(c.assessors);
  // The options and the column widths that shape a row, as one number (widths beyond 0xffff, from a
  // policy's long texts, are simply not memoized).
  const tabCells = options.tabCells ?? 1;
  const shape =
    t.nameWidth < 0x100 &&
    t.descriptionWidth < 0x10000 &&
    t.exposureWidth < 0x100 &&
    (tabCells === 1 || tabCells === 8)
      ? (((t.descriptionWidth * 0x100 + t.nameWidth) * 0x100 + t.exposureWidth) * 2 + t.markWidth) * 8 +
        (options.utf8 ? 4 : 0) +
        (options.colors ? 2 : 0) +
        (tabCells === 1 ? 1 : 0)
      : -1;
  let p = offset;
  const header = textBytes(tableHeader(t, options));
  if (p + header.length > out.length) return -1;
  out.set(header, p);
  p += header.length;
  for (let i = 0; i < c.order.length; i++) {
    const index = c.order[i] as number;
    const set = setOf(c, index);
    const description = c.description[index] ?? null;
    const exposure = c.exposure[index] ?? null;
    const last = memo.last[index];
    let bytes: Uint8Array | undefined;
    if (
      last !== undefined &&
      shape >= 0 &&
      last.widths === shape &&
      last.set === set &&
      last.description === description &&
      last.exposure === exposure
    )
      bytes = last.bytes;
    else {
      const seen = memo.seen[index] as Map<string, Map<string, Map<number, Uint8Array>>>;
      const shapeAndSet = shape * 4 + (set === null ? 0 : set ? 1 : 2);
      if (shape >= 0)
        bytes = seen
          .get(description ?? '')
          ?.get(exposure ?? '')
          ?.get(shapeAndSet);
      if (bytes === undefined) {
        bytes = utf8.encode(tableRow(c, t, index, options));
        if (shape >= 0 && (memo.seenCount[index] as number) < MAX_PIECES_PER_ROW) {
          let byExposure = seen.get(description ?? '');
          if (byExposure === undefined) seen.set(description ?? '', (byExposure = new Map()));
          let byShape = byExposure.get(exposure ?? '');
          if (byShape === undefined) byExposure.set(exposure ?? '', (byShape = new Map()));
          byShape.set(shapeAndSet, bytes);
          memo.seenCount[index] = (memo.seenCount[index] as number) + 1;
        }
      }
      if (shape >= 0) memo.last[index] = { set, description, exposure, widths: shape, bytes };
    }
    if (p + bytes.length > out.length) return -1;
    out.set(bytes, p);
    p += bytes.length;
  }
  const overall = renderOverallLine(assessment, options);
  const r = utf8.encodeInto(overall, out.subarray(p));
  if (r.read < overall.length) return -1;
  return p + r.written;
}

/** The UTF-8 of a header, encoded once per distinct header (bounded). */
function textBytes(s: string): Uint8Array {
  let bytes = TEXT_BYTES.get(s);
  if (bytes === undefined) {
    bytes = utf8.encode(s);
    if (TEXT_BYTES.size < MAX_PIECES_PER_ROW) TEXT_BYTES.set(s, bytes);
  }
  return bytes;
}

const TEXT_BYTES = new Map<string, Uint8Array>();

/** `\n→ Overall exposure level for NAME: X.Y LEVEL 😀\n` */
export function renderOverallLine(assessment: Assessment, options: TextOptions): string {
  const { exposure, level } = assessment;
  const arrow = options.utf8 ? '→' : '->';
  const glyph = options.utf8 && options.emoji ? level.glyph : level.glyphAscii;
  const score = `${Math.floor(exposure / 10)}.${exposure % 10}`;
  if (!options.colors)
    return `\n${arrow} Overall exposure level for ${assessment.unitId}: ${score} ${level.name} ${glyph}\n`;
  const color = level.color ? (ANSI[level.color as keyof typeof ANSI] ?? '') : '';
  return `\n${arrow} ${ANSI.highlight}Overall exposure level for ${assessment.unitId}${ANSI.normal}: ${color}${score} ${level.name}${ANSI.normal} ${glyph}\n`;
}

/** The score as systemd prints it: 0…100 → `X.Y`. */
export function formatExposure(exposure: number): string {
  return `${Math.floor(exposure / 10)}.${exposure % 10}`;
}
