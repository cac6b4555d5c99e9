// The trend (core/trend) rendered for people and tools: a Markdown table with Mermaid charts for the
// summary and the comment, JSON, CSV.
import { inlineCode, stripControls, truncateText } from './escape-markdown';
import { formatExposure } from '../security/render-security';
import { type Trend, type UnitTrend, versionChangeMarks } from '../trend/trend';

/**
 * How far a unit's exposure moved over the window; for the table, a unit that appears, disappears or
 * fails somewhere counts as 100 (for charts, which only draw scores, it does not).
 */
function movement(u: UnitTrend, countGaps: boolean): number {
  const values = u.points.map((p) => p.exposure);
  const scored = values.filter((v): v is number => v !== null);
  if (scored.length === 0) return 0;
  const spread = Math.max(...scored) - Math.min(...scored);
  return countGaps && scored.length < values.length ? Math.max(spread, 100) : spread;
}

/**
 * Text → a label inside a Mermaid string. Mermaid strings end at `"`, a leading backtick makes them
 * Markdown, `%%` starts comments and `%%{…}%%` directives anywhere in the diagram, `#…;` is an entity;
 * only letters, digits and a few punctuation marks are kept, everything else becomes `_`.
 */
export function mermaidLabel(text: string, max = 40): string {
  return truncateText(stripControls(text).replace(/[^\p{L}\p{N} ._:@+\-/=,()]/gu, '_'), max);
}

export interface TrendMarkdownOptions {
  /** Most table rows (default 30): beyond it, the units that moved least are left out (and counted). */
  maxUnits?: number;
  /** Most Mermaid charts (default 6), for the units that moved most; 0 for none. */
  maxCharts?: number;
  /** Heading level of the section title (default 3, `###`); 0 for no title. */
  headingLevel?: number;
}

/**
 * The units to show, at most `max`, the ones that moved most first; returned in path order. For
 * charts, only units whose score moved.
 */
function pickUnits(units: readonly UnitTrend[], max: number, charts: boolean): UnitTrend[] {
  const ranked = units
    .map((u, i) => ({ u, i, m: movement(u, !charts) }))
    .filter((x) => !charts || x.m > 0)
    .sort((a, b) => b.m - a.m || a.i - b.i)
    .slice(0, Math.max(0, max));
  return ranked.sort((a, b) => a.i - b.i).map((x) => x.u);
}

/** One line chart per unit: x = the snapshots where it was scored (with their systemd version when it changed). */
function renderChart(u: UnitTrend, trend: Trend): string {
  const showVersion = trend.versions.length > 1;
  const scored = u.points.filter((p) => p.exposure !== null);
  const x = scored.map(
    (p) => `"${mermaidLabel(showVersion ? `${p.label} (${p.systemdVersion})` : p.label)}"`,
  );
  const y = scored.map((p) => formatExposure(p.exposure as number));
  return [
    '```mermaid',
    'xychart-beta',
    `  title "${mermaidLabel(u.unitId || u.unitPath, 60)}"`,
    `  x-axis [${x.join(', ')}]`,
    '  y-axis "exposure" 0 --> 10',
    `  line [${y.join(', ')}]`,
    '```',
  ].join('\n');
}

/**
 * The trend as GitHub Markdown: a table unit × release of `X.Y` exposures (`—` absent, `failed`), the
 * systemd version in a footnote (each change of version marked), and Mermaid `xychart-beta` line charts
 * for the units that moved. Every name from the repository is escaped.
 */
export function renderTrendMarkdown(trend: Trend, options: TrendMarkdownOptions = {}): string {
  const maxUnits = options.maxUnits ?? 30;
  const maxCharts = options.maxCharts ?? 6;
  const headingLevel = options.headingLevel ?? 3;
  const out: string[] = [];
  const n = trend.releases.filter((r) => r.kind === 'tag').length;
  if (headingLevel > 0) out.push(`${'#'.repeat(headingLevel)} Exposure trend`, '');
  const extra = ['base', 'head']
    .filter((k) => trend.releases.some((r) => r.kind === k))
    .map((k) => `\`${k}\``);
  out.push(
    `Overall exposure (0.0–10.0, lower is better) over the last ${n} release${n === 1 ? '' : 's'} ` +
      `(tags matching ${inlineCode(trend.pattern)})${extra.length > 0 ? `, then ${extra.join(' and ')}` : ''}.`,
    '',
  );
  if (trend.units.length === 0) {
    out.push('No units found in these commits.');
    return out.join('\n') + '\n';
  }
  const marks = versionChangeMarks(trend);
  const header = trend.releases.map((r, i) => {
    const label = inlineCode(truncateText(r.label, 40), { table: true });
    return marks[i] ? `${label} ${marks[i]}` : label;
  });
  out.push(`| Unit | ${header.join(' | ')} |`);
  out.push(`|---|${trend.releases.map(() => '---:').join('|')}|`);
  const shown = pickUnits(trend.units, maxUnits, false);
  for (const u of shown) {
    const cells = u.points.map((p, i) => {
      if (p.exposure === null) return p.error !== undefined ? 'failed' : '—';
      const before = u.points[i - 1];
      const mark = marks[i] && before?.exposure !== null && before !== undefined ? ` ${marks[i]}` : '';
      return `${formatExposure(p.exposure)}${mark}`;
    });
    const name =
      u.unitId && u.unitId !== u.unitPath.split('/').at(-1)
        ? `${inlineCode(u.unitPath, { table: true })} (${inlineCode(u.unitId, { table: true })})`
        : inlineCode(u.unitPath, { table: true });
    out.push(`| ${name} | ${cells.join(' | ')} |`);
  }
  out.push('');
  const hidden = trend.units.length - shown.length;
  if (hidden > 0)
    out.push(
      `${hidden} more unit${hidden === 1 ? '' : 's'} moved less and ${hidden === 1 ? 'is' : 'are'} not shown; ` +
        '`unitgate trend --format csv` lists every unit.',
      '',
    );
  const first = trend.releases[0];
  if (first) {
    const notes = [
      `Scored as systemd ${first.systemdVersion} would (\`systemd-analyze security --offline=true\`)`,
    ];
    trend.releases.forEach((r, i) => {
      const mark = marks[i];
      const previous = trend.releases[i - 1];
      if (mark && previous)
        notes.push(
          `${mark} from ${inlineCode(truncateText(r.label, 40))} on, scored with systemd ${r.systemdVersion} ` +
            `(before: ${previous.systemdVersion}): a change of scoring version, not of the units`,
        );
    });
    out.push(notes.length === 1 ? `${notes[0]}.` : `${notes[0]}, except:`, '');
    if (notes.length > 1) out.push(...notes.slice(1).map((t) => `- ${t}.`), '');
  }
  const charted = pickUnits(trend.units, maxCharts, true);
  for (const u of charted) out.push(renderChart(u, trend), '');
  return out.join('\n').replace(/\n+$/, '\n');
}

/** The trend as JSON (exposures both as systemd's 0…100 integer and as the printed `X.Y`). */
export function renderTrendJson(trend: Trend): string {
  const doc = {
    pattern: trend.pattern,
    versions: trend.versions,
    releases: trend.releases,
    units: trend.units.map((u) => ({
      unitPath: u.unitPath,
      unitId: u.unitId,
      points: u.points.map((p) => ({
        label: p.label,
        commit: p.commit,
        systemdVersion: p.systemdVersion,
        exposure: p.exposure,
        score: p.exposure === null ? null : formatExposure(p.exposure),
        level: p.level,
        ...(p.error !== undefined ? { error: p.error } : {}),
      })),
    })),
  };
  return JSON.stringify(doc, null, 2) + '\n';
}

/**
 * One CSV field (RFC 4180): quoted when it holds a quote, comma or line break. A field that a
 * spreadsheet would run as a formula (`= + - @`, tab, carriage return first) gets a leading `'`.
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The trend as CSV, one row per unit and snapshot, CRLF line ends (RFC 4180), with a header row. */
export function renderTrendCsv(trend: Trend): string {
  const rows: string[][] = [
    ['unit_path', 'unit_id', 'release', 'commit', 'systemd_version', 'exposure', 'level', 'error'],
  ];
  for (const u of trend.units) {
    for (const p of u.points) {
      rows.push([
        u.unitPath,
        u.unitId,
        p.label,
        p.commit,
        String(p.systemdVersion),
        p.exposure === null ? '' : formatExposure(p.exposure),
        p.level ?? '',
        p.error ?? '',
      ]);
    }
  }
  return rows.map((r) => r.map(csvField).join(',') + '\r\n').join('');
}
