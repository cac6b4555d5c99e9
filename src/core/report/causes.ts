// A unit's findings as one item per cause (a row regression, the exposure rise it drives and a
// missing requirement of the same directive are one item with one fix), and the ready-to-paste
// ```unitgate-deviation blocks for the violations a note could accept.
import type { Fix, UnitResult, ViolationKind } from '../gate/gate-types';
import type { UnitFinding } from '../gate/findings';
import { codeBlock } from './escape-markdown';
import { fixForViolation } from '../advice/fixes';

export interface CauseItem {
  /** The directive the findings are about, or undefined for a finding of its own. */
  cause: string | undefined;
  /** Heaviest first (the unit's order); the first one's location is the item's. */
  findings: UnitFinding[];
  /** The distinct fixes of the item: one when the gate could verify a shared fix. */
  fixes: Fix[];
}

/** Kinds no deviation note can accept: a note cannot waive a load failure, sign-off or another note. */
const NOT_ACCEPTABLE = new Set<ViolationKind>(['load-error', 'invalid-deviation', 'signoff-required']);

/**
 * A unit's open findings (accepted ones are left out) grouped by `cause`, in the order of each group's
 * first (heaviest) finding.
 */
export function groupByCause(findings: readonly UnitFinding[]): CauseItem[] {
  const items: CauseItem[] = [];
  const byCause = new Map<string, CauseItem>();
  for (const v of findings) {
    if (v.level === 'notice') continue;
    let item = v.cause !== undefined ? byCause.get(v.cause) : undefined;
    if (!item) {
      item = { cause: v.cause, findings: [], fixes: [] };
      items.push(item);
      if (v.cause !== undefined) byCause.set(v.cause, item);
    }
    item.findings.push(v);
    const fix = fixForViolation(v);
    if (fix && !item.fixes.some((f) => f.directives.join('\n') === fix.directives.join('\n')))
      item.fixes.push(fix);
  }
  return items;
}

/** The `check:` a note needs to accept an item: its cause, or the violation's own check. */
function checkOf(item: CauseItem): string | undefined {
  const open = item.findings.filter((v) => !v.advisory && !NOT_ACCEPTABLE.has(v.kind));
  if (open.length === 0) return undefined;
  if (open.every((v) => v.kind === 'threshold' || v.kind === 'regression-exposure')) return 'exposure';
  return item.cause ?? (open[0] as UnitFinding).check;
}

/**
 * One ```unitgate-deviation block per failing item of the unit that a note could accept, each ready
 * to paste into the pull request description with its reason and owner filled in. `latestExpiry` is
 * the latest date the policy allows (the verdict's), used as the suggested `expires:`.
 */
export function deviationBlocks(
  u: UnitResult,
  findings: readonly UnitFinding[],
  latestExpiry: string | undefined,
): string[] {
  if (u.status !== 'fail') return [];
  const checks: string[] = [];
  // Notes that accept every worse row accept the rise they make (evaluateGate): no block of its own.
  const rows = findings.some((v) => v.level !== 'notice' && v.kind === 'regression-row' && !v.advisory);
  for (const item of groupByCause(findings)) {
    if (rows && item.findings.every((v) => v.kind === 'regression-exposure')) continue;
    const check = checkOf(item);
    if (check !== undefined && !checks.includes(check)) checks.push(check);
  }
  return checks.map((check) =>
    codeBlock(
      [
        `unit: ${u.path}`,
        `check: ${check}`,
        'reason: <fill in: why the service needs this>',
        'owner: <fill in: an owner the policy names>',
        `expires: ${latestExpiry ?? '<fill in: YYYY-MM-DD>'}`,
      ],
      'unitgate-deviation',
    ),
  );
}
