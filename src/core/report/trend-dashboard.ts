// The trend (core/trend) as one self-contained HTML page: a hardening dashboard with each unit's
// exposure over the releases against its threshold, a units × releases heat map, what moved at each
// release and why (linked to the line at that tag), and drift from deployed hosts when given. Styles
// and the small script are inline and allowed by hash only (the page's Content-Security-Policy
// forbids every network request), and everything is readable with the script off.
import type { DriftReport } from '../drift';
import { formatExposure } from '../security/render-security';
import {
  type Trend,
  type TrendMove,
  type TrendPoint,
  type UnitTrend,
  versionChangeMarks,
} from '../trend/trend';

/**
 * A unit whose deployed copy differs from the committed one (from `unitgate drift`): rendered in its
 * own section when given.
 */
export interface DashboardDrift {
  /** The unit id (or repository path) as the drift report names it. */
  unit: string;
  /** The host the deployed unit was read from. */
  host: string;
  /** Deployed exposure minus committed exposure, on systemd's 0…100 scale (positive: the host is worse). */
  exposureDifference: number;
  /** What differs, one short line each (e.g. "ProtectSystem=strict missing on the host"). */
  causes: string[];
}

/**
 * A drift report (`unitgate drift`) as the dashboard lists it: per host and unit, in the report's
 * order, the exposure difference (host minus repository) and one line per difference; what concerns
 * the whole host comes last as the unit "(host)". Units without differences are left out.
 */
export function dashboardDrift(report: DriftReport): DashboardDrift[] {
  // The differences by snapshot and host, then unit ('' for the host-wide ones), in the report's order.
  const hostKey = (snapshot: string, host: string): string => `${snapshot}\0${host}`;
  const byHost = new Map<string, Map<string, string[]>>();
  for (const d of report.differences) {
    const key = hostKey(d.snapshot, d.host);
    let byUnit = byHost.get(key);
    if (byUnit === undefined) byHost.set(key, (byUnit = new Map()));
    const unit = d.unit ?? '';
    const causes = byUnit.get(unit);
    const line = `${d.level}: ${d.message}`;
    if (causes === undefined) byUnit.set(unit, [line]);
    else causes.push(line);
  }
  const out: DashboardDrift[] = [];
  for (const host of report.hosts) {
    const byUnit = byHost.get(hostKey(host.snapshot, host.host));
    for (const unit of host.units) {
      const causes = byUnit?.get(unit.unit);
      if (causes === undefined) continue;
      const difference =
        unit.hostExposure !== null && unit.predictedExposure !== null
          ? unit.hostExposure - unit.predictedExposure
          : 0;
      out.push({ unit: unit.unit, host: host.host, exposureDifference: difference, causes });
    }
    const hostWide = byUnit?.get('');
    if (hostWide !== undefined)
      out.push({ unit: '(host)', host: host.host, exposureDifference: 0, causes: hostWide });
  }
  return out;
}

export interface TrendDashboardOptions {
  /** The page's title (default "Hardening dashboard"). */
  title?: string;
  /**
   * The repository's web address (`https://github.com/OWNER/REPO`): file:line causes link to
   * `…/blob/COMMIT/PATH#LLINE`. Only http(s) addresses are used; without one, locations are plain text.
   */
  repositoryUrl?: string;
  drift?: readonly DashboardDrift[];
  /** Named in the footer (e.g. "unitgate 0.1.0"). */
  generator?: string;
  /** Most causes listed per unit and release (default 8); the rest are counted. */
  maxMovesPerUnit?: number;
}

/** Text → HTML text or attribute value (double-quoted). Every string from the repository goes through it. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A summary with Markdown inline code (`X=y`) as escaped HTML with <code>. */
function codeSpans(text: string): string {
  return escapeHtml(text).replace(/`([^`]*)`/g, '<code>$1</code>');
}

const LEVEL_CLASSES = ['PERFECT', 'SAFE', 'OK', 'MEDIUM', 'EXPOSED', 'UNSAFE', 'DANGEROUS'];

function levelClass(level: string | null): string {
  return level !== null && LEVEL_CLASSES.includes(level) ? `lv-${level.toLowerCase()}` : 'lv-none';
}

/** A difference of exposures (0…100) as signed `X.Y`. */
function signed(d: number): string {
  return `${d > 0 ? '+' : d < 0 ? '−' : '±'}${formatExposure(Math.abs(d))}`;
}

/** A row's share (0…100, fractional) as signed points on the 0.0–10.0 scale. */
function signedShare(d: number): string {
  const v = Math.abs(d) / 10;
  const text = v < 0.05 ? (d === 0 ? '0.0' : '<0.1') : v.toFixed(1);
  return `${d > 0 ? '+' : d < 0 ? '−' : '±'}${text}`;
}

/** The repository's web address when it is a plain http(s) one, without a trailing slash or `.git`. */
function webBase(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const trimmed = url
    .trim()
    .replace(/\/+$/, '')
    .replace(/\.git$/, '');
  return /^https?:\/\/[^\s"'<>`@]+$/i.test(trimmed) ? trimmed : undefined;
}

function fileLink(
  base: string | undefined,
  file: string,
  line: number,
  commit: string,
  label: string,
): string {
  const text = `${escapeHtml(file)}:${line}`;
  const at = ` at <span class="tag">${escapeHtml(label)}</span>`;
  if (base === undefined || !/^[0-9a-f]{7,64}$/.test(commit)) return `<span class="loc">${text}</span>${at}`;
  const path = file.split('/').map(encodeURIComponent).join('/');
  const href = `${base}/blob/${commit}/${path}#L${line}`;
  return `<a class="loc" href="${escapeHtml(href)}">${text}</a>${at}`;
}

function unitName(u: UnitTrend): string {
  return u.unitId || (u.unitPath.split('/').at(-1) ?? u.unitPath);
}

function pointText(p: TrendPoint): string {
  if (p.exposure === null) return p.error !== undefined ? 'failed' : 'absent';
  return `${formatExposure(p.exposure)} ${p.level ?? ''}`.trim();
}

function overThreshold(p: TrendPoint): boolean {
  return p.exposure !== null && p.threshold !== undefined && p.exposure > p.threshold;
}

/** The full description of one unit at one release: the tooltip of its cell and chart point. */
function pointTip(u: UnitTrend, p: TrendPoint): string {
  const parts = [`${unitName(u)} at ${p.label}: ${pointText(p)}`];
  if (p.error !== undefined) parts.push(p.error);
  if (p.threshold !== undefined && p.exposure !== null)
    parts.push(
      `threshold ${formatExposure(p.threshold)}${p.profile !== undefined ? ` (profile ${p.profile})` : ''}` +
        (overThreshold(p) ? ': over the threshold' : ': within'),
    );
  parts.push(`systemd ${p.systemdVersion}`);
  return parts.join('; ');
}

function slug(i: number): string {
  return `u${i}`;
}

// The page's script: keyboard movement in the heat map, the focused value read out below it, and a
// filter over units. The page works without it; CSP allows it by its hash (DASHBOARD_SCRIPT_SHA256).
export const DASHBOARD_SCRIPT = `(function () {
  'use strict';
  var grid = document.getElementById('heat');
  var detail = document.getElementById('heat-detail');
  function cellsOf(row) { return Array.prototype.slice.call(row.querySelectorAll('td')); }
  if (grid) {
    grid.addEventListener('focusin', function (e) {
      var t = e.target;
      if (detail && t && t.getAttribute && t.getAttribute('data-tip')) detail.textContent = t.getAttribute('data-tip');
    });
    grid.addEventListener('keydown', function (e) {
      var cell = e.target;
      if (!cell || cell.tagName !== 'TD') return;
      var row = cell.parentNode;
      var rows = Array.prototype.slice.call(grid.tBodies[0].rows).filter(function (r) { return !r.hidden; });
      var cells = cellsOf(row);
      var x = cells.indexOf(cell);
      var y = rows.indexOf(row);
      var next = null;
      if (e.key === 'ArrowRight') next = cells[x + 1];
      else if (e.key === 'ArrowLeft') next = cells[x - 1];
      else if (e.key === 'ArrowDown' && rows[y + 1]) next = cellsOf(rows[y + 1])[x];
      else if (e.key === 'ArrowUp' && rows[y - 1]) next = cellsOf(rows[y - 1])[x];
      else if (e.key === 'Home') next = cells[0];
      else if (e.key === 'End') next = cells[cells.length - 1];
      if (next) { e.preventDefault(); next.focus(); }
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll('figure.chart'), function (fig) {
    var out = fig.querySelector('.point-detail');
    fig.addEventListener('focusin', function (e) {
      var title = e.target && e.target.querySelector ? e.target.querySelector('title') : null;
      if (out && title) out.textContent = title.textContent;
    });
  });
  var filter = document.getElementById('filter');
  if (filter) {
    filter.parentNode.hidden = false;
    var input = filter.querySelector('input');
    var count = filter.querySelector('output');
    input.addEventListener('input', function () {
      var q = input.value.trim().toLowerCase();
      var shown = 0;
      var seen = {};
      Array.prototype.forEach.call(document.querySelectorAll('[data-unit]'), function (el) {
        var hit = q === '' || el.getAttribute('data-unit').toLowerCase().indexOf(q) >= 0;
        el.hidden = !hit;
        if (hit && el.tagName === 'TR' && !seen[el.id]) { seen[el.id] = true; shown++; }
      });
      count.textContent = shown + (shown === 1 ? ' unit shown' : ' units shown');
    });
  }
})();`;

/** sha256 of DASHBOARD_SCRIPT, base64 (a test recomputes it: src/core cannot hash). */
export const DASHBOARD_SCRIPT_SHA256 = 'wr1KBh0w8gg7003gw2lWXMOch4gRINABVikmwz+P0c4=';

export const DASHBOARD_STYLE = `:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --card: #f6f8fa; --focus: #0550ae;
  --link: #0550ae; --threshold: #a40e26; --plot: #0969da;
  --lv-perfect: #b7f0c4; --lv-safe: #c9f2d0; --lv-ok: #e3f5c6; --lv-medium: #fff1a8;
  --lv-exposed: #ffc98a; --lv-unsafe: #ff9f9f; --lv-dangerous: #e86a6a; --lv-none: transparent;
  --hatch: rgba(0, 0, 0, .09);
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --fg: #e6edf3; --muted: #9da7b3; --line: #30363d; --card: #161b22; --focus: #79c0ff;
    --link: #79c0ff; --threshold: #ff7b72; --plot: #58a6ff;
    --lv-perfect: #1f5130; --lv-safe: #24552f; --lv-ok: #3b4f1e; --lv-medium: #5c4d0b;
    --lv-exposed: #6e3d0a; --lv-unsafe: #7a1f1f; --lv-dangerous: #9b1c1c; --hatch: rgba(255, 255, 255, .1);
  }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--fg); line-height: 1.45;
  font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; }
header, main, footer { max-width: 72rem; margin: 0 auto; padding: 0 1rem; }
header { padding-top: 1rem; }
h1 { font-size: 1.6rem; margin: .5rem 0; }
h2 { font-size: 1.3rem; margin: 2rem 0 .5rem; border-bottom: 1px solid var(--line); padding-bottom: .25rem; }
h3 { font-size: 1.1rem; margin: 1.25rem 0 .5rem; }
a { color: var(--link); }
code, .mono, .loc { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9em; }
p, li, dd, td, th, figcaption, summary { overflow-wrap: anywhere; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; }
.skip:focus { left: 1rem; background: var(--bg); padding: .5rem; z-index: 1; }
nav ul { list-style: none; padding: 0; margin: .5rem 0; display: flex; flex-wrap: wrap; gap: .25rem 1rem; }
.muted, small { color: var(--muted); }
.stats { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 10rem), 1fr)); gap: .5rem; margin: 0; }
.stats div { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: .5rem .75rem; }
.stats dt { color: var(--muted); font-size: .85rem; }
.stats dd { margin: 0; font-size: 1.4rem; font-weight: 600; }
.scroll { overflow-x: auto; max-width: 100%; border: 1px solid var(--line); border-radius: 6px; }
table.heat { border-collapse: collapse; font-variant-numeric: tabular-nums; }
table.heat caption { text-align: left; padding: .5rem; color: var(--muted); caption-side: top; }
table.heat th, table.heat td { border: 1px solid var(--line); padding: .3rem .45rem; text-align: right; white-space: nowrap; }
table.heat thead th { background: var(--card); }
table.heat thead th:first-child { text-align: left; }
table.heat tbody th { text-align: left; position: sticky; left: 0; background: var(--bg); font-weight: 500;
  min-width: 9rem; max-width: 14rem; white-space: normal; z-index: 1; }
table.heat td .v { font-weight: 600; }
table.heat td .lv { display: block; font-size: .72rem; letter-spacing: .02em; }
table.heat td .over { font-weight: 700; }
.lv-perfect { background: var(--lv-perfect); } .lv-safe { background: var(--lv-safe); }
.lv-ok { background: var(--lv-ok); } .lv-medium { background: var(--lv-medium); }
/* Patterns as well as colours: EXPOSED is hatched, UNSAFE and DANGEROUS cross-hatched. */
.lv-exposed { background: repeating-linear-gradient(45deg, var(--hatch) 0 2px, transparent 2px 7px), var(--lv-exposed); }
.lv-unsafe { background: repeating-linear-gradient(45deg, var(--hatch) 0 2px, transparent 2px 7px),
  repeating-linear-gradient(-45deg, var(--hatch) 0 2px, transparent 2px 7px), var(--lv-unsafe); }
.lv-dangerous { background: repeating-linear-gradient(45deg, var(--hatch) 0 3px, transparent 3px 6px),
  repeating-linear-gradient(-45deg, var(--hatch) 0 3px, transparent 3px 6px), var(--lv-dangerous); }
.lv-none { color: var(--muted); }
.legend { display: flex; flex-wrap: wrap; gap: .35rem; padding: 0; list-style: none; font-size: .85rem; }
.legend li { border: 1px solid var(--line); border-radius: 4px; padding: .1rem .4rem; }
.detail { min-height: 1.5em; }
.filter[hidden] { display: none; }
.filter input { font: inherit; padding: .3rem .5rem; max-width: 100%; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 20rem), 1fr)); gap: 1rem; }
figure.chart { margin: 0; background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: .5rem; min-width: 0; }
figure.chart figcaption { font-weight: 600; }
figure.chart svg { width: 100%; height: auto; display: block; }
svg .axis { stroke: var(--line); } svg text { fill: var(--muted); font-size: 10px; font-family: inherit; }
svg .series { stroke: var(--plot); fill: none; stroke-width: 2; }
svg .pt { fill: var(--plot); stroke: var(--bg); stroke-width: 1; }
svg .pt.over { fill: var(--threshold); }
svg .threshold { stroke: var(--threshold); stroke-dasharray: 5 3; fill: none; stroke-width: 1.5; }
svg [tabindex]:focus { outline: none; stroke: var(--focus); stroke-width: 3; }
.release { border-left: 3px solid var(--line); padding-left: .75rem; margin-bottom: 1rem; }
ul.moved { padding-left: 1.1rem; }
ul.moved > li { margin: .35rem 0; }
ul.causes { padding-left: 1.1rem; margin: .25rem 0 .5rem; }
.worse { font-weight: 700; } .better { font-weight: 600; }
table.drift { border-collapse: collapse; width: 100%; }
table.drift th, table.drift td { border: 1px solid var(--line); padding: .3rem .5rem; text-align: left; vertical-align: top; }
footer { margin: 2rem auto 1rem; color: var(--muted); font-size: .85rem; }
@media (max-width: 40rem) { h1 { font-size: 1.3rem; } table.heat tbody th { min-width: 7.5rem; max-width: 9rem; } }
@media print { .filter, nav { display: none; } }`;

/** sha256 of DASHBOARD_STYLE, base64. */
export const DASHBOARD_STYLE_SHA256 = 'wjf7dIfxAVLP/ycmZZYF6HyE4YwCPHV7KMgaoYkfRLQ=';

/** The symbol telling which way a unit moved since the release before (besides the number). */
function trendSymbol(
  before: TrendPoint | undefined,
  p: TrendPoint,
): { symbol: string; words: string } | undefined {
  if (!before || before.exposure === null || p.exposure === null || before.exposure === p.exposure)
    return undefined;
  return p.exposure > before.exposure ? { symbol: '▲', words: 'worse' } : { symbol: '▼', words: 'better' };
}

function renderHeatMap(trend: Trend, marks: (string | undefined)[]): string {
  const out: string[] = [];
  out.push(
    '<div class="scroll" role="region" aria-labelledby="heatmap-h" tabindex="0">',
    '<table class="heat" id="heat">',
    "<caption>Exposure of each unit at each release: 0.0 best … 10.0 worst, with systemd's level. " +
      "▲ worse and ▼ better than the release before; ⚠ over the profile's threshold.</caption>",
    '<thead><tr><th scope="col">Unit</th>',
  );
  trend.releases.forEach((r, i) => {
    const mark = marks[i] ? ` <span title="scored with systemd ${r.systemdVersion}">${marks[i]}</span>` : '';
    out.push(
      `<th scope="col" title="${escapeHtml(`${r.label}: ${r.commit.slice(0, 12)}, systemd ${r.systemdVersion}`)}">` +
        `${escapeHtml(r.label)}${mark}</th>`,
    );
  });
  out.push('</tr></thead><tbody>');
  trend.units.forEach((u, ui) => {
    const name = unitName(u);
    const sub = u.unitPath !== name ? `<br><small class="mono">${escapeHtml(u.unitPath)}</small>` : '';
    out.push(
      `<tr id="row-${slug(ui)}" data-unit="${escapeHtml(`${name} ${u.unitPath}`)}">` +
        `<th scope="row"><a href="#chart-${slug(ui)}">${escapeHtml(name)}</a>${sub}</th>`,
    );
    u.points.forEach((p, i) => {
      const tip = pointTip(u, p);
      const move = trendSymbol(u.points[i - 1], p);
      const body =
        p.exposure === null
          ? `<span class="v">${p.error !== undefined ? 'failed' : '—'}</span><span class="lv">${p.error !== undefined ? 'FAILED' : 'absent'}</span>`
          : `<span class="v">${formatExposure(p.exposure)}</span>` +
            (move ? ` <span class="move" aria-label="${move.words}">${move.symbol}</span>` : '') +
            (overThreshold(p) ? ' <span class="over" aria-label="over the threshold">⚠</span>' : '') +
            `<span class="lv">${escapeHtml(p.level ?? '')}</span>`;
      out.push(
        `<td class="${levelClass(p.level)}" tabindex="0" data-release="${escapeHtml(p.label)}" ` +
          `data-exposure="${p.exposure === null ? '' : formatExposure(p.exposure)}" data-level="${escapeHtml(p.level ?? '')}" ` +
          `title="${escapeHtml(tip)}" data-tip="${escapeHtml(tip)}">${body}</td>`,
      );
    });
    out.push('</tr>');
  });
  out.push('</tbody></table></div>');
  out.push(
    '<p class="detail muted" id="heat-detail" aria-live="polite">Focus a cell (Tab, then arrow keys) to read it here.</p>',
  );
  return out.join('\n');
}

const W = 320;
const H = 170;
const M = { left: 30, right: 10, top: 10, bottom: 46 };

/** One unit's exposure over the releases as an inline SVG line chart with the threshold as a dashed line. */
function renderChart(trend: Trend, u: UnitTrend, ui: number): string {
  const n = trend.releases.length;
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const x = (i: number): number => M.left + (n <= 1 ? plotW / 2 : (plotW * i) / (n - 1));
  const y = (e: number): number => M.top + plotH - (plotH * e) / 100;
  const f = (v: number): string => v.toFixed(1);
  const id = `chart-${slug(ui)}`;
  const name = unitName(u);
  const scored = u.points.filter((p) => p.exposure !== null);
  const desc =
    scored.length === 0
      ? 'Never scored in these releases.'
      : `From ${pointText(scored[0] as TrendPoint)} at ${(scored[0] as TrendPoint).label} to ` +
        `${pointText(scored.at(-1) as TrendPoint)} at ${(scored.at(-1) as TrendPoint).label}.`;
  const parts: string[] = [];
  parts.push(
    `<svg viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="${id}-t ${id}-d" focusable="false">`,
    `<title id="${id}-t">Exposure of ${escapeHtml(name)} over the releases</title>`,
    `<desc id="${id}-d">${escapeHtml(desc)}</desc>`,
  );
  for (const tick of [0, 50, 100]) {
    parts.push(
      `<line class="axis" x1="${M.left}" x2="${W - M.right}" y1="${f(y(tick))}" y2="${f(y(tick))}"/>`,
      `<text x="${M.left - 4}" y="${f(y(tick) + 3)}" text-anchor="end">${formatExposure(tick)}</text>`,
    );
  }
  trend.releases.forEach((r, i) => {
    const label = r.label.length > 10 ? `${r.label.slice(0, 9)}…` : r.label;
    parts.push(
      `<text x="${f(x(i))}" y="${H - M.bottom + 12}" text-anchor="end" transform="rotate(-35 ${f(x(i))} ${H - M.bottom + 12})">${escapeHtml(label)}</text>`,
    );
  });
  // The threshold as steps: it may change with the policy committed at each release.
  const steps: string[] = [];
  u.points.forEach((p, i) => {
    if (p.threshold === undefined) return;
    const half = n <= 1 ? plotW / 2 : plotW / (n - 1) / 2;
    const x0 = Math.max(M.left, x(i) - half);
    const x1 = Math.min(W - M.right, x(i) + half);
    steps.push(`M${f(x0)} ${f(y(p.threshold))}H${f(x1)}`);
  });
  if (steps.length > 0) {
    const t = u.points.find((p) => p.threshold !== undefined)?.threshold as number;
    parts.push(
      `<path class="threshold" d="${steps.join('')}"><title>threshold ${formatExposure(t)}</title></path>`,
    );
  }
  // The line, broken where the unit is absent or failed.
  let run: string[] = [];
  const runs: string[][] = [];
  u.points.forEach((p, i) => {
    if (p.exposure === null) {
      if (run.length > 0) runs.push(run);
      run = [];
    } else run.push(`${f(x(i))},${f(y(p.exposure))}`);
  });
  if (run.length > 0) runs.push(run);
  for (const r of runs) if (r.length > 1) parts.push(`<polyline class="series" points="${r.join(' ')}"/>`);
  u.points.forEach((p, i) => {
    if (p.exposure === null) return;
    const over = overThreshold(p);
    const cx = f(x(i));
    const cy = f(y(p.exposure));
    const tip = `<title>${escapeHtml(pointTip(u, p))}</title>`;
    // Over the threshold: a square instead of a circle, so it reads without colour.
    parts.push(
      over
        ? `<rect class="pt over" tabindex="0" x="${f(x(i) - 4.5)}" y="${f(y(p.exposure) - 4.5)}" width="9" height="9" data-release="${escapeHtml(p.label)}">${tip}</rect>`
        : `<circle class="pt" tabindex="0" cx="${cx}" cy="${cy}" r="4.5" data-release="${escapeHtml(p.label)}">${tip}</circle>`,
    );
  });
  parts.push('</svg>');
  const threshold = [...u.points].reverse().find((p) => p.threshold !== undefined);
  const caption =
    `<figcaption id="${id}-h">${escapeHtml(name)}` +
    (u.unitPath !== name ? ` <small class="mono">${escapeHtml(u.unitPath)}</small>` : '') +
    (threshold?.threshold !== undefined
      ? `<br><small>threshold ${formatExposure(threshold.threshold)}${threshold.profile !== undefined ? ` (profile ${escapeHtml(threshold.profile)})` : ''}; ● within, ■ over</small>`
      : '') +
    '</figcaption>';
  return (
    `<figure class="chart" id="${id}" data-unit="${escapeHtml(`${name} ${u.unitPath}`)}">${caption}${parts.join('')}` +
    `<p class="point-detail muted" aria-live="polite">${escapeHtml(desc)}</p></figure>`
  );
}

function renderMoves(moves: readonly TrendMove[], base: string | undefined, max: number): string {
  const shown = moves.slice(0, max);
  const items = shown.map(
    (m) =>
      `<li><span class="mono">${escapeHtml(m.check)}</span> ${signedShare(m.delta)}: ${codeSpans(m.summary)} — ` +
      `${fileLink(base, m.file, m.line, m.commit, m.label)}</li>`,
  );
  if (moves.length > shown.length)
    items.push(`<li class="muted">and ${moves.length - shown.length} more rows</li>`);
  return `<ul class="causes">${items.join('')}</ul>`;
}

/** Per release, newest first: the units whose score moved since the release before, and why. */
function renderReleases(
  trend: Trend,
  marks: (string | undefined)[],
  base: string | undefined,
  max: number,
): string {
  const out: string[] = [];
  for (let i = trend.releases.length - 1; i >= 0; i--) {
    const r = trend.releases[i];
    if (!r) continue;
    const previous = trend.releases[i - 1];
    const items: string[] = [];
    trend.units.forEach((u, ui) => {
      const p = u.points[i] as TrendPoint;
      const before = u.points[i - 1];
      const name = `<a href="#chart-${slug(ui)}">${escapeHtml(unitName(u))}</a>`;
      const attrs = ` data-unit="${escapeHtml(`${unitName(u)} ${u.unitPath}`)}"`;
      if (!before) return;
      if (before.exposure === null && p.exposure === null) {
        if (p.error !== undefined && before.error === undefined)
          items.push(`<li${attrs}>${name}: <strong>failed</strong> to load: ${escapeHtml(p.error)}</li>`);
        return;
      }
      if (p.exposure === null) {
        items.push(
          `<li${attrs}>${name}: ${p.error !== undefined ? `<strong>failed</strong> to load: ${escapeHtml(p.error)}` : 'removed'} (was ${escapeHtml(pointText(before))})</li>`,
        );
        return;
      }
      if (before.exposure === null) {
        items.push(
          `<li${attrs}>${name}: ${before.error !== undefined ? 'loads again' : 'added'}, ${escapeHtml(pointText(p))}${overThreshold(p) ? ' <strong>⚠ over the threshold</strong>' : ''}</li>`,
        );
        return;
      }
      const d = p.exposure - before.exposure;
      if (d === 0 && !(p.moves && p.moves.length > 0)) return;
      const dir =
        d > 0
          ? '<span class="worse">▲ worse</span>'
          : d < 0
            ? '<span class="better">▼ better</span>'
            : 'rows moved, same total';
      items.push(
        `<li${attrs}>${name}: ${formatExposure(before.exposure)} → ${escapeHtml(pointText(p))} (${signed(d)}, ${dir})` +
          `${overThreshold(p) ? ' <strong>⚠ over the threshold</strong>' : ''}` +
          (p.moves && p.moves.length > 0 ? renderMoves(p.moves, base, max) : '') +
          '</li>',
      );
    });
    const version =
      marks[i] && previous
        ? `<p>${marks[i]} Scored with systemd ${r.systemdVersion} (before: ${previous.systemdVersion}): a change of scoring version can move scores although the units did not change.</p>`
        : '';
    out.push(
      `<section class="release" aria-labelledby="rel-${i}"><h3 id="rel-${i}">${escapeHtml(r.label)} ` +
        `<small class="mono">${escapeHtml(r.commit.slice(0, 12))}, systemd ${r.systemdVersion}</small></h3>` +
        version +
        (!previous
          ? '<p class="muted">The first release shown: nothing to compare with.</p>'
          : items.length > 0
            ? `<p>Since ${escapeHtml(previous.label)}:</p><ul class="moved">${items.join('')}</ul>`
            : `<p class="muted">No unit moved since ${escapeHtml(previous.label)}.</p>`) +
        '</section>',
    );
  }
  return out.join('\n');
}

function renderDrift(drift: readonly DashboardDrift[]): string {
  if (drift.length === 0) return '<p>No deployed unit differs from its committed copy.</p>';
  const rows = drift.map(
    (d) =>
      `<tr><th scope="row">${escapeHtml(d.unit)}</th><td>${escapeHtml(d.host)}</td>` +
      `<td class="mono">${signed(Math.round(d.exposureDifference))} ${d.exposureDifference > 0 ? '▲ worse on the host' : d.exposureDifference < 0 ? '▼ better on the host' : ''}</td>` +
      `<td>${d.causes.length > 0 ? `<ul class="causes">${d.causes.map((c) => `<li>${escapeHtml(c)}</li>`).join('')}</ul>` : '—'}</td></tr>`,
  );
  return (
    '<div class="scroll"><table class="drift"><caption class="muted">Deployed units that differ from the committed ones</caption>' +
    '<thead><tr><th scope="col">Unit</th><th scope="col">Host</th><th scope="col">Exposure difference</th><th scope="col">Causes</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table></div>`
  );
}

/** The trend as one self-contained HTML page (see the module comment). */
export function renderTrendDashboard(trend: Trend, options: TrendDashboardOptions = {}): string {
  const title = options.title ?? 'Hardening dashboard';
  const base = webBase(options.repositoryUrl);
  const maxMoves = options.maxMovesPerUnit ?? 8;
  const marks = versionChangeMarks(trend);
  const last = trend.releases.length - 1;
  const latest = trend.releases[last];
  const scoredNow = trend.units.filter(
    (u) => u.points[last]?.exposure !== null && u.points[last] !== undefined,
  );
  const overNow = scoredNow.filter((u) => overThreshold(u.points[last] as TrendPoint));
  const failedNow = trend.units.filter((u) => u.points[last]?.error !== undefined);
  const movedNow = trend.units.filter((u) => {
    const p = u.points[last];
    const b = u.points[last - 1];
    return p !== undefined && b !== undefined && p.exposure !== b.exposure;
  });
  const tags = trend.releases.filter((r) => r.kind === 'tag').length;

  const body: string[] = [];
  body.push(
    '<a class="skip" href="#main">Skip to the dashboard</a>',
    '<header>',
    `<h1>${escapeHtml(title)}</h1>`,
    `<p class="muted">Overall exposure of each systemd unit (0.0 best … 10.0 worst, scored as <code>systemd-analyze security --offline=true</code> does) over the last ${tags} release${tags === 1 ? '' : 's'} (tags matching <code>${escapeHtml(trend.pattern)}</code>)${trend.releases.some((r) => r.kind !== 'tag') ? ' and the current commit' : ''}; systemd ${trend.versions.map(String).join(', ') || '—'}.</p>`,
    '<nav aria-label="Sections"><ul>' +
      '<li><a href="#overview">Overview</a></li><li><a href="#heatmap">Units × releases</a></li>' +
      '<li><a href="#charts">Exposure over releases</a></li><li><a href="#releases">What moved and why</a></li>' +
      (options.drift !== undefined ? '<li><a href="#drift">Drift on hosts</a></li>' : '') +
      '</ul></nav>',
    '</header>',
    '<main id="main" tabindex="-1">',
  );
  body.push(
    '<section id="overview" aria-labelledby="overview-h"><h2 id="overview-h">Overview</h2>',
    '<dl class="stats">',
    `<div><dt>Units</dt><dd>${trend.units.length}</dd></div>`,
    `<div><dt>Releases</dt><dd>${trend.releases.length}</dd></div>`,
    `<div><dt>Over threshold at ${escapeHtml(latest?.label ?? '—')}</dt><dd>${overNow.length}</dd></div>`,
    `<div><dt>Failed to load at ${escapeHtml(latest?.label ?? '—')}</dt><dd>${failedNow.length}</dd></div>`,
    `<div><dt>Moved at ${escapeHtml(latest?.label ?? '—')}</dt><dd>${movedNow.length}</dd></div>`,
    ...(options.drift !== undefined
      ? [`<div><dt>Drifted on hosts</dt><dd>${options.drift.length}</dd></div>`]
      : []),
    '</dl>',
    '<p class="filter" hidden><label id="filter">Filter units: <input type="search" autocomplete="off"> <output aria-live="polite"></output></label></p>',
    '</section>',
  );
  body.push('<section id="heatmap" aria-labelledby="heatmap-h"><h2 id="heatmap-h">Units × releases</h2>');
  if (trend.units.length === 0) body.push('<p>No units found in these commits.</p>');
  else {
    body.push(
      '<ul class="legend" aria-label="Levels">' +
        LEVEL_CLASSES.map((l) => `<li class="${levelClass(l)}">${l}</li>`).join('') +
        '<li class="lv-none">— absent</li><li class="lv-none">failed: did not load</li></ul>',
      renderHeatMap(trend, marks),
    );
    const notes = trend.releases
      .map((r, i) => {
        const previous = trend.releases[i - 1];
        return marks[i] && previous
          ? `<li>${marks[i]} from ${escapeHtml(r.label)} on, scored with systemd ${r.systemdVersion} (before: ${previous.systemdVersion}): a change of scoring version, not of the units.</li>`
          : '';
      })
      .filter((x) => x !== '');
    if (notes.length > 0) body.push(`<ul class="muted">${notes.join('')}</ul>`);
  }
  body.push('</section>');
  body.push(
    '<section id="charts" aria-labelledby="charts-h"><h2 id="charts-h">Exposure over releases</h2>',
    '<p class="muted">Each unit\'s exposure at each release; the dashed line is its profile\'s threshold. A gap: the unit was absent or failed to load.</p>',
    `<div class="charts">${trend.units.map((u, i) => renderChart(trend, u, i)).join('\n')}</div>`,
    '</section>',
  );
  body.push(
    '<section id="releases" aria-labelledby="releases-h"><h2 id="releases-h">What moved and why</h2>',
    `<p class="muted">Newest first. Each cause is the assessor row that changed and the line that changed it${base ? ', linked at that release' : ''}.</p>`,
    renderReleases(trend, marks, base, maxMoves),
    '</section>',
  );
  if (options.drift !== undefined)
    body.push(
      '<section id="drift" aria-labelledby="drift-h"><h2 id="drift-h">Drift on hosts</h2>',
      renderDrift(options.drift),
      '</section>',
    );
  body.push('</main>');
  body.push(
    `<footer><p>Generated${options.generator !== undefined ? ` by ${escapeHtml(options.generator)}` : ''} from git history; this page makes no network requests.</p></footer>`,
  );
  const csp =
    "default-src 'none'; " +
    `style-src 'sha256-${DASHBOARD_STYLE_SHA256}'; script-src 'sha256-${DASHBOARD_SCRIPT_SHA256}'; ` +
    "img-src data:; base-uri 'none'; form-action 'none'";
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="referrer" content="no-referrer">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${DASHBOARD_STYLE}</style>`,
    '</head>',
    '<body>',
    ...body,
    `<script>${DASHBOARD_SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
