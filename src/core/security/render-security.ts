// Text and JSON output of an assessment, byte for byte as `systemd-analyze security` prints it
// (format-table.c table_print()/table_print_json() and the summary printf() of assess(), v252–v262).
import type { Assessment } from './assess';

export type JsonMode = 'short' | 'pretty';

export interface TextOptions {
  /** UTF-8 glyphs (✓ ✗ →, smileys) or the ASCII fallbacks of a non-UTF-8 locale. */
  utf8: boolean;
  /** ANSI colours, as on a terminal. */
  colors: boolean;
  /** Emoji smileys (systemd's emoji_enabled(): a UTF-8 locale and a TERM that is set, not dumb/linux). */
  emoji: boolean;
}

const ANSI = {
  normal: '\x1b[0m',
  highlight: '\x1b[0;1;39m',
  'highlight red': '\x1b[0;1;31m',
  'highlight green': '\x1b[0;1;32m',
  'highlight yellow': '\x1b[0;1;33m',
} as const;

/** `"name":…,"json_field":…,"description":` per assessor: the same for every unit, encoded once. */
const JSON_HEADS = new WeakMap<object, string>();
/** Descriptions repeat across units; encode each distinct one once. */
const JSON_STRINGS = new Map<string, string>();

function jsonString(s: string): string {
  let e = JSON_STRINGS.get(s);
  if (e === undefined) {
    e = JSON.stringify(s);
    if (JSON_STRINGS.size < 10_000) JSON_STRINGS.set(s, e);
  }
  return e;
}

/** One unit's JSON array (`--json=short|pretty`), newline-terminated. */
export function renderJson(assessment: Assessment, mode: JsonMode): string {
  if (mode === 'short') {
    // Built from pre-encoded pieces; the same bytes JSON.stringify() gives for these objects.
    let out = '[';
    for (let i = 0; i < assessment.rows.length; i++) {
      const r = assessment.rows[i] as (typeof assessment.rows)[number];
      let head = JSON_HEADS.get(r.assessor);
      if (head === undefined) {
        head = `,"name":${JSON.stringify(r.assessor.name)},"json_field":${JSON.stringify(r.assessor.jsonField)},"description":`;
        JSON_HEADS.set(r.assessor, head);
      }
      out += `${i === 0 ? '' : ','}{"set":${r.set === null ? 'null' : r.set ? 'true' : 'false'}${head}${
        r.description === null ? 'null' : jsonString(r.description)
      },"exposure":${r.exposure === null ? 'null' : `"${r.exposure}"`}}`;
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

/** Terminal cell width of a string (wide East Asian and emoji code points take two cells). */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (c < 0x20 || (c >= 0x7f && c < 0xa0) || (c >= 0x300 && c < 0x370) || c === 0x200b) continue;
    if (
      (c >= 0x1100 && c <= 0x115f) ||
      (c >= 0x2e80 && c <= 0xa4cf) ||
      (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xf900 && c <= 0xfaff) ||
      (c >= 0xfe30 && c <= 0xfe4f) ||
      (c >= 0xff00 && c <= 0xff60) ||
      (c >= 0xffe0 && c <= 0xffe6) ||
      (c >= 0x1f300 && c <= 0x1faff) ||
      (c >= 0x20000 && c <= 0x3fffd)
    ) {
      w += 2;
    } else w += 1;
  }
  return w;
}

function padRight(s: string, width: number): string {
  const w = displayWidth(s);
  return w >= width ? s : s + ' '.repeat(width - w);
}

function padLeft(s: string, width: number): string {
  const w = displayWidth(s);
  return w >= width ? s : ' '.repeat(width - w) + s;
}

/** The table plus the overall line, as printed without `--json`. */
export function renderTable(assessment: Assessment, options: TextOptions): string {
  const check = options.utf8 ? '✓' : '+';
  const cross = options.utf8 ? '✗' : '-';
  const header = ['', 'NAME', 'DESCRIPTION', 'EXPOSURE'];
  const cells = assessment.rows.map((r) => [
    r.set === null ? '' : r.set ? check : cross,
    r.assessor.name,
    r.description ?? '',
    r.exposure ?? '',
  ]);
  const widths = header.map((h, i) =>
    Math.max(displayWidth(h), ...cells.map((c) => displayWidth(c[i] as string))),
  );
  const line = (row: string[], markColor?: string): string => {
    const [mark, name, description, exposure] = row as [string, string, string, string];
    let out =
      markColor && mark
        ? `${markColor}${padRight(mark, widths[0] as number)}${ANSI.normal}`
        : padRight(mark, widths[0] as number);
    out += ' ' + padRight(name, widths[1] as number);
    out += ' ' + padRight(description, widths[2] as number);
    // The last column is right-aligned; an empty last cell is not padded (format-table.c).
    out += ' ' + (exposure === '' ? '' : padLeft(exposure, widths[3] as number));
    return out;
  };
  const lines: string[] = [];
  const headerLine = line(header);
  lines.push(options.colors ? `\x1b[4m${headerLine}${ANSI.normal}` : headerLine);
  assessment.rows.forEach((r, i) => {
    const color = options.colors ? (r.set ? ANSI['highlight green'] : ANSI['highlight red']) : undefined;
    lines.push(line(cells[i] as string[], color));
  });
  return lines.join('\n') + '\n' + renderOverallLine(assessment, options);
}

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
