// Which finding levels fail the gate. `error` findings always fail it (that is what the level means,
// findings.ts); `fail-on` can only add levels: `warning` (advisory findings, every finding in report
// mode), `notice` (findings accepted by a deviation note too). No value removes `error`, so a pull
// request's workflow cannot loosen the base policy through it; never failing is the policy's
// `mode: report`.
import { collectFindings, type Finding, type FindingLevel } from './findings';
import type { GateVerdict } from './gate-types';

/** The lowest level that fails the gate. */
export type FailOn = FindingLevel;

/** In order of strictness: each value fails on its level and every level above it. */
export const FAIL_ON_LEVELS: readonly FailOn[] = ['error', 'warning', 'notice'];

const RANK: Record<FindingLevel, number> = { error: 0, warning: 1, notice: 2 };

/** Whether a finding of `level` fails the gate under `failOn`. */
export function levelFails(level: FindingLevel, failOn: FailOn): boolean {
  return RANK[level] <= RANK[failOn];
}

/**
 * Applies `failOn` to the verdict (in place): a unit with a finding of a failing level fails, and so
 * does the verdict; the verdict's messages say which findings failed it. Returns the findings that
 * fail the gate only because of `failOn` (none for `error`).
 */
export function applyFailOn(verdict: GateVerdict, failOn: FailOn): Finding[] {
  if (failOn === 'error') return [];
  const added = collectFindings(verdict).filter((f) => f.level !== 'error' && levelFails(f.level, failOn));
  if (added.length === 0) return [];
  const units = new Set(added.map((f) => f.unit).filter((u) => u !== ''));
  for (const u of verdict.units)
    if (units.has(u.path) && (u.status === 'pass' || u.status === 'accepted')) u.status = 'fail';
  verdict.result = 'fail';
  const levels = FAIL_ON_LEVELS.filter((l) => l !== 'error' && levelFails(l, failOn)).join(' or ');
  verdict.messages.push(
    `fail-on: ${failOn}: ${added.length} finding${added.length === 1 ? '' : 's'} of level ${levels} fail${added.length === 1 ? 's' : ''} the gate.`,
  );
  return added;
}
