// Verdict → the job summary (GitHub Markdown): a headline, one table row per unit, then per-unit details
// with the fix to paste, "why it moved", invalid deviation notes and run messages. Always under the
// runner's 1 MiB summary limit: details are dropped (with a line saying so) before the table is touched.
import { renderRunFindings } from './run-findings';
import type { FindingLocation, GateVerdict, RowChange, UnitResult, UnitStatus } from '../gate/gate-types';
import {
  collectFindings,
  findingsByUnit,
  isUnitFinding,
  locationOf,
  type Finding,
  type UnitFinding,
} from '../gate/findings';
import { formatExposure } from '../security/render-security';
import { listVersions } from '../security/versions';
import { describeNote, titleOfFinding, titleOfKind } from './annotations';
import {
  codeBlock,
  encodeUriPath,
  escapeHtml,
  escapeMarkdown,
  escapeMarkdownKeepingCode,
  inlineCode,
  truncateText,
} from './escape-markdown';
import { fixForViolation, mergeFixes } from '../advice/fixes';
import { utf8Length } from '../unit/utf8';

/** The runner refuses a step summary over 1 MiB (1,048,576 bytes). */
export const JOB_SUMMARY_LIMIT_BYTES = 1024 * 1024;
/** Default cap: 1 KiB under the limit, for the newline the toolkit appends and anything else on the page. */
export const JOB_SUMMARY_DEFAULT_MAX_BYTES = JOB_SUMMARY_LIMIT_BYTES - 1024;

export interface JobSummaryOptions {
  /** Hard cap on the summary's UTF-8 size (default 1,047,552: 1 MiB minus 1 KiB). */
  maxBytes?: number;
  /** Base of file links, e.g. `https://github.com/o/r/blob/<sha>/`; without it locations are plain code. */
  blobUrl?: string;
  /**
   * Base of links at the merge-base commit, for locations the gate marks `side: 'base'` (removed lines);
   * without it those are plain code, never a head link (which would open another line).
   */
  baseBlobUrl?: string;
  /** Findings the runner could not show as annotations (`selectWithinBudget().omitted`). */
  omittedAnnotations?: number;
  /** Violations listed per unit before "… and N more" (default 100). */
  maxViolationsPerUnit?: number;
}

/** The icon each unit status is shown with (shared with the PR comment). */
export const STATUS_ICON: Record<UnitStatus, string> = {
  fail: '❌',
  error: '💥',
  accepted: '⚠️',
  pass: '✅',
  excluded: '⏭️',
  deleted: '🗑️',
};

/** Failing units first: they are what the reader came for. */
export const STATUS_RANK: Record<UnitStatus, number> = {
  error: 0,
  fail: 1,
  accepted: 2,
  pass: 3,
  excluded: 4,
  deleted: 5,
};

/** Longest unit-supplied string a cell or line shows; whole values are in the JSON report. */
const MAX_FIELD_CHARS = 500;
const MAX_MESSAGE_CHARS = 4000;

function md(text: string): string {
  return escapeMarkdown(truncateText(text, MAX_MESSAGE_CHARS));
}

function mdCode(text: string): string {
  return escapeMarkdownKeepingCode(truncateText(text, MAX_MESSAGE_CHARS));
}

function cell(text: string): string {
  return escapeMarkdownKeepingCode(truncateText(text, MAX_FIELD_CHARS), { table: true });
}

function codeCell(text: string): string {
  return inlineCode(truncateText(text, MAX_FIELD_CHARS), { table: true });
}

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

function exposureText(side: { exposure: number; level: string } | undefined): string {
  return side ? `${formatExposure(side.exposure)} ${side.level}` : '';
}

/** An exposure difference (0…100 scale) as X.Y with a sign: `+0.9`, `−0.3`, `±0.0`. */
export function signedExposure(delta: number): string {
  if (delta === 0) return '±0.0';
  return `${delta > 0 ? '+' : '−'}${formatExposure(Math.abs(delta))}`;
}

/** A row's share of the exposure (fractional points on the 0…100 scale) as X.Y with a sign. */
export function signedShare(points: number): string {
  const tenths = Math.abs(points) / 10;
  if (points === 0) return '±0.0';
  const shown = tenths < 0.05 ? '<0.1' : tenths.toFixed(1);
  return `${points > 0 ? '+' : '−'}${shown}`;
}

/**
 * A finding's location as linked code: head lines link the head blob, base lines (removed lines,
 * `side: 'base'`) say so and link the base blob. The gate decides the side; nothing here guesses it.
 */
export function renderLocation(
  loc: FindingLocation,
  options: { blobUrl?: string | undefined; baseBlobUrl?: string | undefined },
  table = false,
): string {
  const base = loc.side === 'base';
  const text = inlineCode(`${truncateText(loc.file, MAX_FIELD_CHARS)}:${loc.line}`, { table });
  const url = base ? options.baseBlobUrl : options.blobUrl;
  const linked = url ? `[${text}](${url}${encodeUriPath(loc.file)}#L${loc.line})` : text;
  return base ? `${linked} (base)` : linked;
}

function location(loc: FindingLocation, options: JobSummaryOptions, table = false): string {
  return renderLocation(loc, options, table);
}

/** A unit's findings split into the open ones (failing or advisory) and those a note accepted. */
function split(findings: readonly UnitFinding[]): { open: UnitFinding[]; accepted: UnitFinding[] } {
  return {
    open: findings.filter((f) => f.level !== 'notice'),
    accepted: findings.filter((f) => f.level === 'notice'),
  };
}

function acceptedText(accepted: readonly UnitFinding[]): string[] {
  return accepted.map(
    (f) =>
      `⚠️ accepted: ${cell(f.check)} — ${cell(describeNote({ owner: f.note?.owner, expires: f.note?.expires }))}`,
  );
}

function verdictCell(u: UnitResult, findings: readonly UnitFinding[]): string {
  const { open: shown, accepted } = split(findings);
  const open = shown.filter((f) => !f.advisory).length;
  const advisory = shown.length - open;
  const parts: string[] = [];
  switch (u.status) {
    case 'fail':
      parts.push(`❌ fail — ${plural(open, 'violation')}${advisory ? `, ${advisory} advisory` : ''}`);
      break;
    case 'error':
      parts.push(`💥 error${u.note ? `: ${cell(u.note)}` : ''}`);
      break;
    case 'excluded':
      parts.push(`⏭️ excluded${u.note ? `: ${cell(u.note)}` : ''}`);
      break;
    case 'deleted':
      parts.push('🗑️ deleted');
      break;
    case 'accepted':
    case 'pass':
      parts.push(`✅ pass${advisory ? ` (${advisory} advisory)` : ''}`);
      break;
  }
  parts.push(...acceptedText(accepted));
  return parts.join('<br>');
}

/**
 * One row of the per-unit table (unit, profile, base → head, Δ, threshold, verdict), escaped; the
 * counts in the verdict cell are of the unit's findings.
 */
export function renderUnitRow(u: UnitResult, findings: readonly UnitFinding[]): string {
  const unitName = u.previousPath
    ? `${codeCell(u.path)} (was ${codeCell(u.previousPath)})`
    : codeCell(u.path);
  const exposureOf = (r: Pick<UnitResult, 'base' | 'head'>): string =>
    r.base && r.head
      ? `${exposureText(r.base)} → ${exposureText(r.head)}`
      : r.head
        ? `new → ${exposureText(r.head)}`
        : r.base
          ? `${exposureText(r.base)} → —`
          : '—';
  const deltaOf = (r: Pick<UnitResult, 'base' | 'head'>): string =>
    r.base && r.head ? signedExposure(r.head.exposure - r.base.exposure) : '—';
  // A mixed fleet: each release's numbers, named, in one cell (the table keeps its columns).
  const perRelease = (of: (r: Pick<UnitResult, 'base' | 'head'>) => string): string =>
    (u.releases ?? []).map((r) => `${of(r)} (${r.systemdVersion})`).join(' · ');
  const several = (u.releases?.length ?? 0) > 1;
  const exposure = several ? perRelease(exposureOf) : exposureOf(u);
  const delta = several ? perRelease(deltaOf) : deltaOf(u);
  return `| ${unitName} | ${cell(u.profile)} | ${exposure} | ${delta} | ${formatExposure(u.threshold)} | ${verdictCell(u, findings)} |`;
}

/** Header and alignment lines of the per-unit table. */
export const UNIT_TABLE_HEADER: readonly string[] = [
  '| Unit | Profile | Exposure (base → head) | Δ | Threshold | Verdict |',
  '|---|---|---|---:|---:|---|',
];

function indent(block: string, spaces = 2): string {
  const pad = ' '.repeat(spaces);
  return block
    .split('\n')
    .map((l) => (l === '' ? l : pad + l))
    .join('\n');
}

/** A finding as a list item: title, linked location, message, and the fix to paste as an ```ini block. */
export function renderViolationItem(f: UnitFinding, options: JobSummaryOptions): string {
  const title = titleOfFinding(f);
  const lines = [
    `- **${md(title)}**${f.advisory ? ' (advisory)' : ''} at ${location(locationOf(f), options)} — ${mdCode(f.message)}`,
  ];
  const fix = fixForViolation(f);
  if (fix && fix.directives.length > 0) {
    lines.push('', indent(`Fix: ${mdCode(fix.explanation)}`), '', indent(codeBlock(fix.directives, 'ini')));
  }
  return lines.join('\n');
}

/** An accepted finding as a list item: what it covers, owner, expiry, ticket, reason and where it is noted. */
export function renderAcceptedItem(f: UnitFinding, options: JobSummaryOptions): string {
  const note = f.note ?? {};
  return (
    `- **${md(titleOfKind(f.kind))}** at ${location(locationOf(f), options)} — ${mdCode(f.message)}` +
    ` — ${md(describeNote(note))} (noted in the ${f.note?.source === 'pr-body' ? 'PR description' : 'unit file'})`
  );
}

function changeRow(c: RowChange, options: JobSummaryOptions): string {
  return `| ${codeCell(c.name)} | ${cell(c.summary)} | ${signedShare(c.delta)} | ${location(c.location, options, true)} |`;
}

function unitDetails(
  u: UnitResult,
  findings: readonly UnitFinding[],
  options: JobSummaryOptions,
): string | undefined {
  const { open, accepted } = split(findings);
  // A note alone (excluded, deleted, load error) is already in the table.
  if (open.length === 0 && accepted.length === 0 && u.changes.length === 0) return undefined;
  const max = options.maxViolationsPerUnit ?? 100;
  const counts = [
    open.length > 0 ? plural(open.length, 'violation') : '',
    accepted.length > 0 ? `${accepted.length} accepted` : '',
    u.changes.length > 0 ? plural(u.changes.length, 'row change') : '',
  ].filter(Boolean);
  const summary = `${STATUS_ICON[u.status]} <code>${escapeHtml(truncateText(u.path, MAX_FIELD_CHARS))}</code>${
    counts.length > 0 ? ` — ${counts.join(', ')}` : ''
  }`;
  const out = [`<details><summary>${summary}</summary>`, ''];
  if (u.note) out.push(`${md(u.note)}`, '');
  if (open.length > 0) {
    out.push('#### Violations', '');
    for (const f of open.slice(0, max)) out.push(renderViolationItem(f, options));
    if (open.length > max) out.push(`- … and ${open.length - max} more (see the JSON report)`);
    out.push('');
  }
  if (accepted.length > 0) {
    out.push('#### Accepted deviations', '');
    for (const f of accepted.slice(0, max)) out.push(renderAcceptedItem(f, options));
    if (accepted.length > max) out.push(`- … and ${accepted.length - max} more (see the JSON report)`);
    out.push('');
  }
  if (u.changes.length > 0) {
    out.push('#### Why it moved', '', '| Row | Change | Δ | Where |', '|---|---|---:|---|');
    for (const c of u.changes.slice(0, max)) out.push(changeRow(c, options));
    if (u.changes.length > max)
      out.push(`| … | ${u.changes.length - max} more rows (see the JSON report) | | |`);
    out.push('');
  }
  const fixes = open.map((f) => fixForViolation(f)).filter((f) => f !== undefined);
  const all = mergeFixes(fixes);
  if (fixes.length > 1 && all.length > 0) {
    out.push(
      `#### All fixes for ${inlineCode(truncateText(u.unitId, MAX_FIELD_CHARS))}`,
      '',
      codeBlock(all, 'ini'),
      '',
    );
  }
  out.push('</details>', '');
  return out.join('\n');
}

/** The headline (result, counts) and the facts line (mode, systemd version, highest exposure), as lines. */
export function renderHeadline(verdict: GateVerdict, all: readonly Finding[]): string[] {
  const failing = verdict.units.filter((u) => u.status === 'fail' || u.status === 'error').length;
  const unitFindings = [...findingsByUnit(all).values()];
  const accepted = unitFindings.filter((list) => list.some((f) => f.level === 'notice')).length;
  const findings = unitFindings.reduce((n, list) => n + list.filter((f) => f.level !== 'notice').length, 0);
  let title: string;
  const runErrors = all.filter((f) => !isUnitFinding(f) && f.level === 'error').length;
  if (verdict.result === 'fail' && failing === 0 && runErrors > 0)
    title = `❌ unitgate: hardening gate failed — ${plural(runErrors, 'problem')} with this run`;
  else if (verdict.result === 'fail')
    title = `❌ unitgate: hardening gate failed — ${plural(failing, 'unit')} of ${verdict.units.length}`;
  else if (findings > 0) title = `⚠️ unitgate: hardening gate passed with ${plural(findings, 'finding')}`;
  else title = '✅ unitgate: hardening gate passed';
  const top = verdict.units.find((u) => u.head && u.head.exposure === verdict.maxExposure);
  const fleet = (verdict.systemdVersions?.length ?? 0) > 1 ? verdict.systemdVersions : undefined;
  const facts = [
    `mode ${inlineCode(verdict.mode)}${verdict.mode === 'report' ? ' (never fails)' : ''}`,
    fleet
      ? `systemd ${listVersions(fleet)} (each unit scored on every one)`
      : `systemd ${verdict.systemdVersion}`,
    verdict.maxExposure !== undefined
      ? `highest exposure **${formatExposure(verdict.maxExposure)}${top ? ` ${md(top.head?.level ?? '')}` : ''}**${
          fleet ? ` on systemd ${verdict.systemdVersion}` : ''
        }`
      : 'no unit scored',
    `${plural(verdict.units.length, 'unit')} checked`,
    ...(accepted > 0 ? [`${plural(accepted, 'unit')} with accepted deviations`] : []),
  ];
  return [`## ${title}`, '', facts.join(' · '), ''];
}

function notesSection(verdict: GateVerdict): string[] {
  const invalid = verdict.notes.filter((n) => n.problems.length > 0);
  if (invalid.length === 0) return [];
  const out = ['### Invalid deviation notes', ''];
  for (const n of invalid.slice(0, 200)) {
    const where = n.location
      ? `${inlineCode(`${n.location.file}:${n.location.line}`)}`
      : 'the PR description';
    out.push(
      `- ${where}: note for ${inlineCode(truncateText(n.unit || '(no unit)', MAX_FIELD_CHARS))}${
        n.check ? ` (${inlineCode(truncateText(n.check, MAX_FIELD_CHARS))})` : ''
      } — ${md(n.problems.join('; '))}`,
    );
  }
  if (invalid.length > 200) out.push(`- … and ${invalid.length - 200} more (see the JSON report)`);
  out.push('');
  return out;
}

function messagesSection(verdict: GateVerdict, options: JobSummaryOptions): string[] {
  const lines = verdict.messages.slice(0, 200).map((m) => `- ${mdCode(m)}`);
  if (verdict.messages.length > 200)
    lines.push(`- … and ${verdict.messages.length - 200} more (see the JSON report)`);
  if (options.omittedAnnotations) {
    lines.push(
      `- ${plural(options.omittedAnnotations, 'finding')} could not be shown as annotations (the runner shows 10 per level); all of them are listed here, in the check run and in the reports.`,
    );
  }
  return lines.length > 0 ? ['### Messages', '', ...lines, ''] : [];
}

function joined(parts: readonly string[]): string {
  return parts.join('\n');
}

/**
 * The job summary: headline (result, mode, systemd version, highest exposure), the per-unit table, then
 * per-unit `<details>` (violations at file:line with an ```ini fix to paste, accepted deviations, why the
 * score moved), invalid deviation notes and messages. Never larger than `maxBytes` (UTF-8): unit details
 * are dropped from the end first, then messages; only a table that alone exceeds the cap loses rows.
 */
export function renderJobSummary(
  verdict: GateVerdict,
  options: JobSummaryOptions = {},
  findings: readonly Finding[] = collectFindings(verdict),
): string {
  const byUnit = findingsByUnit(findings);
  const of = (u: UnitResult): UnitFinding[] => byUnit.get(u.path) ?? [];
  const maxBytes = options.maxBytes ?? JOB_SUMMARY_DEFAULT_MAX_BYTES;
  const units = [...verdict.units].sort(
    (a, b) =>
      STATUS_RANK[a.status] - STATUS_RANK[b.status] || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0),
  );
  // Room kept for the omission lines, so adding them cannot break the cap.
  const reserve = 512;

  const head = joined([...renderHeadline(verdict, findings), ...renderRunFindings(findings)]);
  let table = joined([...UNIT_TABLE_HEADER, ...units.map((u) => renderUnitRow(u, of(u)))]) + '\n';
  if (utf8Length(head) + utf8Length(table) + reserve > maxBytes) {
    // Only for absurd unit counts: keep as many rows as fit, failing units first.
    const rows: string[] = [];
    let size = utf8Length(head) + utf8Length(joined(UNIT_TABLE_HEADER)) + reserve + 2;
    for (const u of units) {
      const row = renderUnitRow(u, of(u));
      const n = utf8Length(row) + 1;
      if (size + n > maxBytes) break;
      rows.push(row);
      size += n;
    }
    table =
      joined([...UNIT_TABLE_HEADER, ...rows]) +
      `\n\n_${units.length - rows.length} more units are not shown: the summary is limited to 1 MiB. The JSON report and SARIF list every unit._\n`;
  }

  let used = utf8Length(head) + 1 + utf8Length(table) + 1 + reserve;
  const details: string[] = [];
  let omittedDetails = 0;
  for (const u of units) {
    const d = unitDetails(u, of(u), options);
    if (d === undefined) continue;
    const n = utf8Length(d) + 1;
    if (omittedDetails === 0 && used + n <= maxBytes) {
      details.push(d);
      used += n;
    } else omittedDetails++;
  }

  const tail: string[] = [];
  let omittedSections = 0;
  for (const section of [notesSection(verdict), messagesSection(verdict, options)]) {
    if (section.length === 0) continue;
    const text = joined(section);
    const n = utf8Length(text) + 1;
    if (used + n <= maxBytes) {
      tail.push(text);
      used += n;
    } else omittedSections++;
  }

  const parts = [head, table];
  if (details.length > 0) parts.push('### Details', '', ...details);
  if (omittedDetails > 0) {
    parts.push(
      `_Details of ${plural(omittedDetails, 'unit')} omitted to keep this summary under 1 MiB; the JSON report and SARIF have every finding._`,
      '',
    );
  }
  parts.push(...tail);
  if (omittedSections > 0) {
    parts.push(
      '_Deviation notes or messages omitted to keep this summary under 1 MiB; see the JSON report._',
      '',
    );
  }
  let out = joined(parts).replace(/\n{3,}/g, '\n\n');
  if (!out.endsWith('\n')) out += '\n';
  return out;
}
