// Verdict → the one sticky pull request comment: a hidden marker (how later runs find it), the
// headline and per-unit table, "why it moved" per unit with links to the lines, violations with fixes,
// the release trend, all collapsible. Always under GitHub's 65,536-character comment limit: the table
// comes first, then per-unit details until the budget is spent, then a pointer to the job summary.
import { renderRunFindings } from './run-findings';
import type { DeviationNote, GateVerdict, RowChange, UnitResult } from '../gate/gate-types';
import {
  collectFindings,
  findingsByUnit,
  locationOf,
  type Finding,
  type UnitFinding,
} from '../gate/findings';
import { titleOfKind } from './annotations';
import { deviationBlocks, groupByCause, type CauseItem } from './causes';
import { formatExposure } from '../security/render-security';
import {
  codeBlock,
  escapeHtml,
  escapeMarkdown,
  escapeMarkdownKeepingCode,
  inlineCode,
  neutralizeMentions,
  truncateText,
} from './escape-markdown';
import {
  STATUS_ICON,
  STATUS_RANK,
  UNIT_TABLE_HEADER,
  renderAcceptedItem,
  renderLocation,
  renderHeadline,
  renderUnitRow,
  renderViolationItem,
  signedExposure,
  signedShare,
} from './job-summary';

/** Starts every sticky comment unitgate writes; the shell finds its comment by it. Never change it. */
export const STICKY_MARKER = '<!-- unitgate:sticky v1 -->';

/** GitHub refuses an issue comment longer than this many characters (code points). */
export const GITHUB_COMMENT_LIMIT = 65536;

/** Default cap: well under the limit, for the revision stamp the shell adds and for safety. */
export const PR_COMMENT_DEFAULT_MAX_CHARS = 60000;

export interface PullRequestCommentOptions {
  /** The workflow run (its page shows the job summary with every finding). */
  runUrl?: string;
  /** Base of file links at the head commit, e.g. `https://github.com/o/r/blob/<headSha>/`. */
  blobUrl?: string;
  /**
   * Base of file links at the merge base, for lines the gate places there (removed lines). Without it
   * those lines are shown unlinked and marked "(base)", never linked at head.
   */
  baseBlobUrl?: string;
  /** The trend section, already rendered (`renderTrendMarkdown()`); shown collapsed after the table. */
  trendMarkdown?: string;
  /** Hard cap in characters (code points); default 60,000, never above 65,536. */
  maxChars?: number;
}

export interface ResolvedCommentOptions {
  runUrl?: string;
}

/** Per unit, this many "why it moved" rows, violations and accepted deviations before "… and N more". */
const MAX_CHANGES_PER_UNIT = 20;
const MAX_ITEMS_PER_UNIT = 10;
/** Longest unit-supplied string a line shows. */
const MAX_FIELD_CHARS = 300;
/** Room kept for the omission notes and the footer, so adding them cannot break the cap. */
const RESERVE_CHARS = 1200;
/** Open the details of failing units when there are at most this many detail blocks. */
const OPEN_DETAILS_UP_TO = 3;

/** Characters as GitHub counts them: code points, not UTF-16 units. */
function charCount(text: string): number {
  return Array.from(text).length;
}

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

function mdCode(text: string): string {
  return escapeMarkdownKeepingCode(truncateText(text, MAX_FIELD_CHARS));
}

/**
 * "`ProtectSystem=strict` removed in [`deploy/api.service.d/override.conf:3`](…) (base) → +0.9": what
 * changed, where (the gate's location: a removed line at base, linked at the base commit; an added or
 * changed line at head), and the row's share.
 */
function movedLine(c: RowChange, options: PullRequestCommentOptions): string {
  const where = `${c.location.side === 'base' ? 'in' : 'at'} ${renderLocation(c.location, options)}`;
  return `- ${mdCode(c.summary)} ${where} → ${signedShare(c.delta)} (${inlineCode(truncateText(c.name, MAX_FIELD_CHARS))})`;
}

/** One item per cause: its findings' titles, the heaviest one's location, every message, one fix. */
function causeItem(item: CauseItem, options: PullRequestCommentOptions): string {
  const first = item.findings[0] as UnitFinding;
  if (item.findings.length === 1) return renderViolationItem(first, options);
  const titles = [...new Set(item.findings.map((f) => titleOfKind(f.kind)))].join(' + ');
  const advisory = item.findings.every((f) => f.advisory);
  const lines = [
    `- **${escapeMarkdown(`${titles}: ${item.cause ?? first.check}`)}**${advisory ? ' (advisory)' : ''} at ${renderLocation(
      locationOf(first),
      options,
    )}`,
    ...item.findings.map((f) => `  - ${mdCode(f.message)}`),
  ];
  for (const fix of item.fixes) {
    lines.push(
      '',
      `  Fix: ${mdCode(fix.explanation)}`,
      '',
      codeBlock(fix.directives, 'ini').replace(/^/gm, '  '),
    );
  }
  return lines.join('\n');
}

function moreLine(n: number, what: string): string {
  return `- … and ${n} more ${what} in the job summary`;
}

function unitDetails(
  u: UnitResult,
  findings: readonly UnitFinding[],
  options: PullRequestCommentOptions,
  open: boolean,
  latestExpiry?: string,
): string | undefined {
  const violations = findings.filter((f) => f.level !== 'notice');
  const accepted = findings.filter((f) => f.level === 'notice');
  if (violations.length === 0 && accepted.length === 0 && u.changes.length === 0) return undefined;
  const counts = [
    u.changes.length > 0 ? plural(u.changes.length, 'row change') : '',
    violations.length > 0 ? plural(violations.length, 'violation') : '',
    accepted.length > 0 ? `${accepted.length} accepted` : '',
  ].filter(Boolean);
  const moved = (r: Pick<UnitResult, 'base' | 'head'>): string =>
    r.base && r.head
      ? `${formatExposure(r.base.exposure)} → ${formatExposure(r.head.exposure)} (${signedExposure(
          r.head.exposure - r.base.exposure,
        )})`
      : '';
  // A mixed fleet: each release's move, named (`252: 4.2 → 5.1 (+0.9) · 257: …`).
  const exposure =
    (u.releases?.length ?? 0) > 1
      ? (u.releases ?? [])
          .filter((r) => r.base && r.head)
          .map((r) => ` · ${r.systemdVersion}: ${moved(r)}`)
          .join('')
      : u.base && u.head
        ? ` · ${moved(u)}`
        : '';
  const summary = `${STATUS_ICON[u.status]} <code>${escapeHtml(truncateText(u.path, MAX_FIELD_CHARS))}</code>${escapeHtml(
    exposure,
  )} — ${counts.join(', ')}`;
  const linkOptions = {
    ...(options.blobUrl ? { blobUrl: options.blobUrl } : {}),
    ...(options.baseBlobUrl ? { baseBlobUrl: options.baseBlobUrl } : {}),
  };
  const out = [`<details${open ? ' open' : ''}><summary>${summary}</summary>`, ''];
  if (u.changes.length > 0) {
    out.push('**Why it moved**', '');
    // The gate orders changes by delta, largest rise first.
    for (const c of u.changes.slice(0, MAX_CHANGES_PER_UNIT)) out.push(movedLine(c, options));
    if (u.changes.length > MAX_CHANGES_PER_UNIT)
      out.push(moreLine(u.changes.length - MAX_CHANGES_PER_UNIT, 'rows'));
    out.push('');
  }
  if (violations.length > 0) {
    // One item per cause: a row regression, the rise it drives and a missing requirement of the same
    // directive are one finding for a reader, with one fix.
    const items = groupByCause(violations);
    out.push('**Violations**', '');
    for (const item of items.slice(0, MAX_ITEMS_PER_UNIT)) out.push(causeItem(item, linkOptions));
    if (items.length > MAX_ITEMS_PER_UNIT)
      out.push(moreLine(items.length - MAX_ITEMS_PER_UNIT, 'violations'));
    out.push('');
  }
  const blocks = deviationBlocks(u, findings, latestExpiry);
  if (blocks.length > 0) {
    out.push(
      '**To accept instead**: paste into the pull request description, fill in the reason and an owner the ' +
        'policy names (who must approve it):',
      '',
      ...blocks.slice(0, MAX_ITEMS_PER_UNIT).flatMap((b) => [b, '']),
    );
  }
  if (accepted.length > 0) {
    out.push('**Accepted deviations**', '');
    for (const f of accepted.slice(0, MAX_ITEMS_PER_UNIT)) out.push(renderAcceptedItem(f, linkOptions));
    if (accepted.length > MAX_ITEMS_PER_UNIT)
      out.push(moreLine(accepted.length - MAX_ITEMS_PER_UNIT, 'accepted deviations'));
    out.push('');
  }
  out.push('</details>', '');
  return out.join('\n');
}

function invalidNotes(notes: readonly DeviationNote[]): string | undefined {
  const invalid = notes.filter((n) => n.problems.length > 0);
  if (invalid.length === 0) return undefined;
  const out = ['**Invalid deviation notes**', ''];
  for (const n of invalid.slice(0, MAX_ITEMS_PER_UNIT)) {
    const where = n.location ? inlineCode(`${n.location.file}:${n.location.line}`) : 'the PR description';
    out.push(
      `- ${where}: note for ${inlineCode(truncateText(n.unit || '(no unit)', MAX_FIELD_CHARS))} — ${escapeMarkdown(
        truncateText(n.problems.join('; '), MAX_FIELD_CHARS * 2),
      )}`,
    );
  }
  if (invalid.length > MAX_ITEMS_PER_UNIT) out.push(moreLine(invalid.length - MAX_ITEMS_PER_UNIT, 'notes'));
  out.push('');
  return out.join('\n');
}

function trendSection(markdown: string): string {
  // Rendered (and escaped) by the trend renderer; mentions are neutralised once more, as a belt.
  return [
    '<details><summary>📈 Trend across releases</summary>',
    '',
    neutralizeMentions(markdown.trim()),
    '',
    '</details>',
    '',
  ].join('\n');
}

function pointer(options: { runUrl?: string }): string {
  return options.runUrl
    ? `[the job summary of this run](${encodeURI(options.runUrl)})`
    : 'the job summary of the workflow run';
}

function sortUnits(units: readonly UnitResult[]): UnitResult[] {
  return [...units].sort(
    (a, b) =>
      STATUS_RANK[a.status] - STATUS_RANK[b.status] || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0),
  );
}

/**
 * The sticky comment for a verdict, starting with STICKY_MARKER. Order and degradation: the headline
 * and facts always; the per-unit table (failing units first; rows that do not fit are counted and left
 * to the job summary); the trend (collapsed, when it fits whole); per-unit `<details>` with "why it
 * moved" (each row linked to its file and line), violations with fixes and accepted deviations, until
 * the budget is spent; invalid deviation notes; a footer pointing at the job summary. Every string
 * from a unit file, policy or PR body is escaped: no markup, HTML or @-mention gets through.
 */
export function renderPullRequestComment(
  verdict: GateVerdict,
  options: PullRequestCommentOptions = {},
  findings: readonly Finding[] = collectFindings(verdict),
): string {
  const byUnit = findingsByUnit(findings);
  const of = (u: UnitResult): UnitFinding[] => byUnit.get(u.path) ?? [];
  const maxChars = Math.min(options.maxChars ?? PR_COMMENT_DEFAULT_MAX_CHARS, GITHUB_COMMENT_LIMIT);
  const budget = maxChars - RESERVE_CHARS;
  const units = sortUnits(verdict.units);
  const parts: string[] = [
    STICKY_MARKER,
    ...renderHeadline(verdict, findings),
    ...renderRunFindings(findings),
  ];
  let used = charCount(parts.join('\n')) + 1;
  const notes: string[] = [];

  const rows: string[] = [];
  let tableSize = charCount(UNIT_TABLE_HEADER.join('\n')) + 1;
  for (const u of units) {
    const row = renderUnitRow(u, of(u));
    const n = charCount(row) + 1;
    if (used + tableSize + n > budget) break;
    rows.push(row);
    tableSize += n;
  }
  if (units.length > 0) {
    parts.push([...UNIT_TABLE_HEADER, ...rows].join('\n'), '');
    used += tableSize + 1;
  }
  if (rows.length < units.length) {
    const left = units.length - rows.length;
    notes.push(
      `${plural(left, 'more unit')} (failing units come first) ${left === 1 ? 'is' : 'are'} listed in`,
    );
  }

  if (options.trendMarkdown && options.trendMarkdown.trim() !== '') {
    const trend = trendSection(options.trendMarkdown);
    const n = charCount(trend) + 1;
    if (used + n <= budget) {
      parts.push(trend);
      used += n;
    } else notes.push('The release trend is left out here; it is in');
  }

  const details = units
    .map((u) => ({ u, d: unitDetails(u, of(u), options, false, verdict.latestExpiry) }))
    .filter((x) => x.d !== undefined);
  const open = details.length <= OPEN_DETAILS_UP_TO;
  let omitted = 0;
  for (const { u } of details) {
    const text = unitDetails(
      u,
      of(u),
      options,
      open && (u.status === 'fail' || u.status === 'error'),
      verdict.latestExpiry,
    ) as string;
    const n = charCount(text) + 1;
    if (omitted === 0 && used + n <= budget) {
      parts.push(text);
      used += n;
    } else omitted++;
  }
  if (omitted > 0) notes.push(`Details of ${plural(omitted, 'unit')} are cut to fit this comment; see`);

  const invalid = invalidNotes(verdict.notes);
  if (invalid !== undefined) {
    const n = charCount(invalid) + 1;
    if (used + n <= budget) parts.push(invalid);
    else notes.push('Invalid deviation notes are listed in');
  }

  for (const note of notes) parts.push(`_${note} ${pointer(options)}._`, '');
  parts.push(`<sub>unitgate · every finding, fix and message: ${pointer(options)}</sub>`, '');
  let out = parts.join('\n').replace(/\n{3,}/g, '\n\n');
  if (charCount(out) > maxChars) {
    // Only reachable with a tiny maxChars: keep the marker and headline, drop the rest.
    out = [
      STICKY_MARKER,
      ...renderHeadline(verdict, findings),
      `_The report does not fit here; see ${pointer(options)}._`,
      '',
    ].join('\n');
  }
  return out;
}

/** The sticky comment once no unit is in scope any more: earlier findings are resolved. */
export function renderResolvedComment(options: ResolvedCommentOptions = {}): string {
  return [
    STICKY_MARKER,
    '## ✅ unitgate: nothing to check any more',
    '',
    'This pull request no longer changes a systemd unit, drop-in or policy that unitgate checks, so earlier ' +
      'findings are resolved.',
    '',
    `<sub>unitgate · ${options.runUrl ? `[latest run](${encodeURI(options.runUrl)})` : 'latest run'}</sub>`,
    '',
  ].join('\n');
}
