// Fixes the gate offers are verified, not guessed: each is applied to the unit as a last drop-in and
// re-scored through the engine (with the policy's assessor overrides). A fix is offered only when the
// violation it targets passes with it applied and it takes away nothing the unit's profile allows
// (its address families, network access and capabilities); the exposure it states is the re-scored one.
import type { Fix, RowChange, Violation } from '../gate/gate-types';
import {
  checkRequirement,
  capabilityNames,
  forbiddenAddressFamilies,
  forbiddenCapabilities,
} from '../policy/profile-checks';
import type { Profile } from '../policy/policy-types';
import type { Assessment } from '../security/assess';
import type { SecurityPolicy } from '../security/security-policy';
import { knowledgeOf } from '../security/assessor-knowledge';
import type { SecuritySettings } from '../security/settings';
import { formatExposure } from '../security/render-security';
import type { SystemdRelease } from '../security/versions';
import { scoreLoadedUnit } from '../engine';
import { UNIT_SECTIONS, type LoadedUnit } from '../unit/load-unit';
import { parseUnitFile } from '../unit/parse-unit-file';
import { lineKey } from '../unit/directive-key';
import { fixForRow, mergeFixes } from './fixes';

/** The file name a verified fix is modelled as: a drop-in that sorts after the unit's own. */
export const FIX_DROP_IN_NAME = 'zz-unitgate-fix.conf';

export interface FixContext {
  unit: LoadedUnit;
  systemd: SystemdRelease;
  overrides?: SecurityPolicy | undefined;
  profile: Profile;
}

export interface Scored {
  settings: SecuritySettings;
  assessment: Assessment;
}

/** Directives whose lists a later allow list only widens: a fix resets them first. */
const RESETTABLE = new Set(['SystemCallFilter', 'RestrictAddressFamilies', 'SystemCallArchitectures']);

function sectionOf(unit: LoadedUnit): string {
  const sections = UNIT_SECTIONS[unit.type];
  return sections[1] && sections[1] !== 'Install' ? sections[1] : 'Service';
}

/**
 * The unit with `lines` in a drop-in applied after all of its files, scored through the engine.
 * Undefined when the unit would not load or the overrides abort.
 */
export function scoreWithLines(ctx: FixContext, lines: readonly string[]): Scored | undefined {
  const { unit } = ctx;
  const files =
    lines.length === 0
      ? unit.files
      : [
          ...unit.files,
          parseUnitFile(
            [`[${sectionOf(unit)}]`, ...lines, ''].join('\n'),
            `${unit.fragmentPath}.d/${FIX_DROP_IN_NAME}`,
            UNIT_SECTIONS[unit.type],
          ),
        ];
  const outcome = scoreLoadedUnit({ ...unit, files }, ctx.systemd, ctx.overrides);
  return outcome.ok ? { settings: outcome.settings, assessment: outcome.assessment } : undefined;
}

function familyUsable(s: SecuritySettings, af: number): boolean {
  if (!s.addressFamilies) return !s.addressFamiliesAllowList;
  return s.addressFamilies.allowList
    ? s.addressFamilies.families.has(af)
    : !s.addressFamilies.families.has(af);
}

function reachesNetwork(s: SecuritySettings): boolean {
  return !s.privateNetwork && (!s.ipAddressDenyAll || s.ipAddressAllowOther || s.ipCustomFilters);
}

/**
 * What `after` takes away that the profile allows and `before` had: address families, IP network
 * access (when the profile allows AF_INET or AF_INET6), capabilities of the bounding or ambient set.
 * Empty when nothing is lost.
 */
export function lossesAgainstProfile(
  before: SecuritySettings,
  after: SecuritySettings,
  profile: Profile,
  systemd: SystemdRelease,
): string[] {
  const lost: string[] = [];
  const families = profile.allowedAddressFamilies ?? [];
  for (const name of families) {
    const af = systemd.data.addressFamilies[name.toUpperCase()];
    if (af !== undefined && familyUsable(before, af) && !familyUsable(after, af)) lost.push(name);
  }
  const ip = families.some((f) => /^AF_INET6?$/i.test(f));
  if (ip && reachesNetwork(before) && !reachesNetwork(after)) lost.push('network access');
  for (const cap of profile.allowedCapabilities ?? []) {
    const bit = systemd.data.capabilities[cap.toUpperCase()];
    if (bit === undefined) continue;
    const m = 1n << BigInt(bit);
    if ((before.capabilityBoundingSet & m) !== 0n && (after.capabilityBoundingSet & m) === 0n) lost.push(cap);
    else if ((before.ambientCapabilities & m) !== 0n && (after.ambientCapabilities & m) === 0n)
      lost.push(`ambient ${cap}`);
  }
  return lost;
}

function badnessOf(a: Assessment, jsonField: string): number {
  return a.rows.find((r) => r.assessor.jsonField === jsonField)?.badness ?? 0;
}

/** `lines` applied: scored, and compatible with the profile. Undefined when either fails. */
function tryLines(ctx: FixContext, head: Scored, lines: readonly string[]): Scored | undefined {
  const after = scoreWithLines(ctx, lines);
  if (!after) return undefined;
  if (lossesAgainstProfile(head.settings, after.settings, ctx.profile, ctx.systemd).length > 0)
    return undefined;
  return after;
}

function verifiedFix(lines: string[], explanation: string, after: Scored): Fix {
  return { directives: lines, explanation, exposureAfter: after.assessment.exposure };
}

function familiesHint(profile: Profile): { addressFamilies: string[] } | undefined {
  return profile.allowedAddressFamilies ? { addressFamilies: profile.allowedAddressFamilies } : undefined;
}

/** A candidate's lines with a reset of the unit's own list first, where the unit has one. */
function withResets(lines: readonly string[], s: SecuritySettings): string[] {
  const keys = new Set(lines.map(lineKey));
  const resets = [...keys].filter(
    (k) => RESETTABLE.has(k) && s.provenance.has(k) && !lines.includes(`${k}=`),
  );
  return resets.length === 0
    ? [...lines]
    : mergeFixes([
        { directives: resets.map((k) => `${k}=`), explanation: '' },
        { directives: [...lines], explanation: '' },
      ]);
}

/** The lines as they are, then with resets when the unit has lists to reset (each variant once). */
function variants(lines: readonly string[], s: SecuritySettings): string[][] {
  const reset = withResets(lines, s);
  return reset.length === lines.length ? [[...lines]] : [[...lines], reset];
}

/**
 * The lines that make one assessor row reach `goal` badness (0: pass), verified: the row's own fix,
 * then the same with the unit's list reset first, then `fallback` (e.g. the removed base lines).
 */
export function rowFix(
  ctx: FixContext,
  head: Scored,
  jsonField: string,
  goal = 0,
  fallback: readonly string[] = [],
): { fix: Fix; after: Scored } | undefined {
  const candidates: { lines: string[]; explanation: string }[] = [];
  const own =
    knowledgeOf(jsonField)?.placeholder === true
      ? undefined
      : fixForRow(jsonField, familiesHint(ctx.profile));
  if (own) {
    for (const lines of variants(own.directives, head.settings))
      candidates.push({ lines, explanation: own.explanation });
  }
  if (fallback.length > 0)
    candidates.push({ lines: [...fallback], explanation: 'Restores the lines the change removed.' });
  for (const c of candidates) {
    const after = tryLines(ctx, head, c.lines);
    if (after && badnessOf(after.assessment, jsonField) <= goal)
      return { fix: verifiedFix(c.lines, c.explanation, after), after };
  }
  return undefined;
}

/**
 * The fix for an exposure above the threshold: rows ordered by their real gain (each row's fix applied
 * alone and re-scored), then added in that order, re-scoring after each, until the exposure is at or
 * below the threshold. A line that does not lower the re-scored exposure, or takes away what the
 * profile allows, is left out. The exposure stated is the re-scored one.
 */
export function thresholdFix(ctx: FixContext, head: Scored, threshold: number): Fix | undefined {
  const candidates: { lines: string[]; gain: number; order: number }[] = [];
  head.assessment.rows.forEach((r, order) => {
    if (r.badness === undefined || r.badness === 0 || knowledgeOf(r.assessor.jsonField)?.placeholder === true)
      return;
    const fix = fixForRow(r.assessor.jsonField, familiesHint(ctx.profile));
    if (!fix) return;
    for (const lines of variants(fix.directives, head.settings)) {
      const after = tryLines(ctx, head, lines);
      const gain = after ? head.assessment.exposure - after.assessment.exposure : 0;
      if (gain > 0) {
        candidates.push({ lines, gain, order });
        return;
      }
    }
  });
  candidates.sort((a, b) => b.gain - a.gain || a.order - b.order);
  let chosen: string[] = [];
  let current = head;
  for (const c of candidates) {
    if (current.assessment.exposure <= threshold) break;
    const trial = mergeFixes([
      { directives: chosen, explanation: '' },
      { directives: c.lines, explanation: '' },
    ]);
    const after = tryLines(ctx, head, trial);
    if (!after || after.assessment.exposure >= current.assessment.exposure) continue;
    chosen = trial;
    current = after;
  }
  if (chosen.length === 0) return undefined;
  const reached = current.assessment.exposure <= threshold;
  return verifiedFix(
    chosen,
    `With these lines applied the unit scores ${formatExposure(current.assessment.exposure)} (re-scored), ${
      reached ? 'at or below' : 'still above'
    } the threshold ${formatExposure(threshold)}${
      reached ? '' : '; what is left needs a judgement of the service or an accepted deviation'
    }. Nothing the ${ctx.profile.name} profile allows is taken away.`,
    current,
  );
}

/** A requirement's line, verified to meet it (the unit's own list reset first when needed). */
export function requirementFix(ctx: FixContext, head: Scored, requirement: string): Fix | undefined {
  for (const lines of variants([requirement], head.settings)) {
    const after = tryLines(ctx, head, lines);
    if (after && checkRequirement(requirement, after.settings, ctx.systemd).met)
      return verifiedFix(lines, `The ${ctx.profile.name} profile requires \`${requirement}\`.`, after);
  }
  return undefined;
}

/** The capability lists cut to what the profile allows, verified to keep nothing else. */
export function capabilityFix(ctx: FixContext, head: Scored): Fix | undefined {
  const allowed = ctx.profile.allowedCapabilities;
  if (!allowed) return undefined;
  const s = head.settings;
  const upper = new Set(allowed.map((c) => c.toUpperCase()));
  const keep = (mask: bigint): string[] => capabilityNames(mask, ctx.systemd).filter((c) => upper.has(c));
  const bounding = keep(s.capabilityBoundingSet);
  const ambient = keep(s.ambientCapabilities);
  const lines = [
    'CapabilityBoundingSet=',
    ...(bounding.length > 0 ? [`CapabilityBoundingSet=${bounding.join(' ')}`] : []),
    ...(s.ambientCapabilities !== 0n ? ['AmbientCapabilities='] : []),
    ...(ambient.length > 0 ? [`AmbientCapabilities=${ambient.join(' ')}`] : []),
  ];
  const after = tryLines(ctx, head, lines);
  if (!after || forbiddenCapabilities(after.settings, allowed, ctx.systemd).length > 0) return undefined;
  return verifiedFix(
    lines,
    `Keeps only the capabilities the ${ctx.profile.name} profile allows${
      bounding.length > 0 ? ` (${bounding.join(', ')})` : ' (none)'
    }.`,
    after,
  );
}

/** An allow list of the profile's address families, verified to leave no other family usable. */
export function addressFamilyFix(ctx: FixContext, head: Scored): Fix | undefined {
  const allowed = ctx.profile.allowedAddressFamilies;
  if (!allowed) return undefined;
  const list = allowed.join(' ') || 'none';
  const lines = ['RestrictAddressFamilies=', `RestrictAddressFamilies=${list}`];
  const after = tryLines(ctx, head, lines);
  if (!after || forbiddenAddressFamilies(after.settings, allowed, ctx.systemd).length > 0) return undefined;
  return verifiedFix(
    lines,
    `Allows only the address families the ${ctx.profile.name} profile allows (${list}).`,
    after,
  );
}

/** Directives whose lines add to or take from a list: several lines of one are not a contradiction. */
const LIST_DIRECTIVES = new Set([
  'CapabilityBoundingSet',
  'AmbientCapabilities',
  'RestrictAddressFamilies',
  'RestrictNamespaces',
  'SystemCallFilter',
  'SystemCallArchitectures',
  'DeviceAllow',
  'IPAddressAllow',
  'IPAddressDeny',
  'SupplementaryGroups',
  'ReadWritePaths',
  'ReadOnlyPaths',
  'InaccessiblePaths',
]);

/**
 * The directive a violation is about, as the cause its item is grouped by. The exposure rise is driven
 * by the row that moved most (changes come largest first): it has that row's cause.
 */
function causeOf(
  v: Violation,
  changes: readonly RowChange[],
  all: readonly Violation[],
  planners: FixPlanners,
): string | undefined {
  if (planners.get(v.kind)?.causedByDirective) return v.directives[0] ?? v.check;
  switch (v.kind) {
    case 'regression-row':
      return v.directives[0] ?? v.check;
    case 'regression-exposure': {
      // One worse row: the rise is that row's cause. Several: the rise is an item of its own.
      const worse = changes.filter((c) => (c.headBadness ?? 0) > (c.baseBadness ?? 0));
      const top = worse.length === 1 ? worse[0] : undefined;
      if (!top) return undefined;
      const row = all.find((x) => x.kind === 'regression-row' && x.check === top.jsonField);
      return row ? (row.directives[0] ?? row.check) : (top.removed?.[0]?.key ?? top.jsonField);
    }
    default:
      return undefined;
  }
}

/**
 * Units per run whose fixes are verified (each costs ~100 re-scorings). Beyond them a reviewer reads
 * nothing more, and 10,000 failing units must not add minutes: their violations say the fix was not
 * computed rather than offer an unverified one.
 */
export const MAX_UNITS_WITH_FIXES = 200;

/** For units past MAX_UNITS_WITH_FIXES: no fix lines, and why. */
export function withoutFixes(violations: Violation[], planners: FixPlanners): void {
  for (const v of violations) {
    if (!fixable(v.kind, planners)) continue;
    v.fix = {
      directives: [],
      explanation: `No fix computed: more than ${MAX_UNITS_WITH_FIXES} units fail in this run; fix these first or run \`unitgate suggest\` on the unit.`,
    };
  }
}

/**
 * Kinds a directive can fix (the regressions, and every policy rule with a planner): without a verified
 * fix they say so instead of offering a guess.
 */
function fixable(kind: Violation['kind'], planners: FixPlanners): boolean {
  return kind === 'regression-exposure' || kind === 'regression-row' || planners.has(kind);
}

/** What a violation carries when no fix passed verification: no lines (renderers show none). */
const NO_VERIFIED_FIX: Readonly<Fix> = {
  directives: [],
  explanation:
    'No directive change passes verification without taking away what the profile allows; restore the ' +
    'previous setting by hand or record an accepted deviation.',
};

/** A violation's verified fix, and the test it must pass (re-scored). */
export interface FixPlan {
  fix: Fix | undefined;
  /** Whether the violation passes with some lines applied (re-scored). */
  passes: (after: Scored) => boolean;
}

/** How a policy rule's fix is made (gate/rules/*: each rule brings its own). */
export interface FixPlanner {
  plan(v: Violation, ctx: FixContext, head: Scored): FixPlan;
  /**
   * Whether the violation's cause is the directive it names (`directives[0]`, else `check`): violations
   * of one unit with the same cause share one fix.
   */
  causedByDirective: boolean;
}

/** The planner of each policy rule's kind. */
export type FixPlanners = ReadonlyMap<Violation['kind'], FixPlanner>;

interface Planned extends FixPlan {
  v: Violation;
}

/**
 * Replaces the fix of every violation of one unit by a verified one, or removes it when no fix passes
 * verification (the gate then offers a deviation, never an untested line). Then makes the unit's fixes
 * agree: where two fixes set one single-valued directive differently, the value that scores best
 * (re-scored, profile-compatible) is used in both when both still pass with it; and violations with
 * the same cause get one fix that makes all of them pass. `changes` are the unit's row changes against
 * base (for regressions); `baseExposure` the base score; `planners` make the policy rules' fixes.
 */
export function adviseFixes(
  violations: Violation[],
  ctx: FixContext,
  changes: readonly RowChange[],
  baseExposure: number | undefined,
  planners: FixPlanners,
): void {
  const head = scoreWithLines(ctx, []);
  for (const v of violations) {
    const cause = causeOf(v, changes, violations, planners);
    if (cause !== undefined) v.cause = cause;
  }
  if (!head) {
    for (const v of violations) if (fixable(v.kind, planners)) v.fix = { ...NO_VERIFIED_FIX, directives: [] };
    return;
  }
  const byRow = new Map(changes.map((c) => [c.jsonField, c]));
  const rowFixes = new Map<string, Fix | undefined>();
  const fixOfRow = (c: RowChange): Fix | undefined => {
    if (!rowFixes.has(c.jsonField)) {
      const restore = (c.removed ?? []).map((r) => r.assignment);
      rowFixes.set(c.jsonField, rowFix(ctx, head, c.jsonField, c.baseBadness ?? 0, restore)?.fix);
    }
    return rowFixes.get(c.jsonField);
  };
  const worse = changes.filter((c) => (c.headBadness ?? 0) > (c.baseBadness ?? 0));
  const planned: Planned[] = violations.map((v): Planned => {
    const planner = planners.get(v.kind);
    if (planner) return { v, ...planner.plan(v, ctx, head) };
    switch (v.kind) {
      case 'regression-row': {
        const c = byRow.get(v.check);
        return {
          v,
          fix: c ? fixOfRow(c) : undefined,
          passes: (a) => badnessOf(a.assessment, v.check) <= (c?.baseBadness ?? 0),
        };
      }
      case 'regression-exposure': {
        const passes = (a: Scored): boolean =>
          baseExposure !== undefined && a.assessment.exposure <= baseExposure;
        const lines = mergeFixes(worse.map(fixOfRow).filter((f): f is Fix => f !== undefined));
        const merged = lines.length > 0 ? tryLines(ctx, head, lines) : undefined;
        const pruned = merged && passes(merged) ? prune(ctx, head, lines, merged, passes) : undefined;
        const fix = pruned
          ? verifiedFix(
              pruned.lines,
              'Restores the hardening the change removed (re-scored: back to the base exposure or better).',
              pruned.after,
            )
          : undefined;
        return { v, fix, passes };
      }
      default:
        return { v, fix: undefined, passes: () => false };
    }
  });

  unifyValues(ctx, head, planned);
  shareFixPerCause(ctx, head, planned);
  riseFromRowFixes(ctx, head, planned);
  for (const p of planned) {
    // Other findings (sign-off, phantom settings…) keep whatever fix their own check gave them.
    if (!fixable(p.v.kind, planners)) continue;
    p.v.fix = p.fix ?? { ...NO_VERIFIED_FIX, directives: [] };
  }
}

/**
 * `lines` without those that change nothing: a line whose removal leaves the exposure as it is and
 * every check passing goes (an empty reset followed by a deny list, a line another one implies).
 */
function prune(
  ctx: FixContext,
  head: Scored,
  lines: readonly string[],
  after: Scored,
  passes: (a: Scored) => boolean,
): { lines: string[]; after: Scored } {
  let kept = [...lines];
  let result = after;
  for (let i = kept.length - 1; i >= 0 && kept.length > 1; i--) {
    const trial = kept.filter((_, j) => j !== i);
    const scored = tryLines(ctx, head, trial);
    if (scored && scored.assessment.exposure <= result.assessment.exposure && passes(scored)) {
      kept = trial;
      result = scored;
    }
  }
  return { lines: kept, after: result };
}

/** `fix` re-verified with its lines replaced, or undefined when it no longer passes. */
function recheck(
  ctx: FixContext,
  head: Scored,
  p: Planned,
  lines: string[],
  explanation: string,
): Fix | undefined {
  const after = tryLines(ctx, head, lines);
  return after && p.passes(after) ? verifiedFix(lines, explanation, after) : undefined;
}

/**
 * Two fixes of one unit that set a single-valued directive differently (`ProtectSystem=full` to restore
 * the base, `ProtectSystem=strict` from the threshold fix) contradict each other. The value that gives
 * the lowest re-scored exposure alone wins, and replaces the other where that fix still passes with it.
 */
function unifyValues(ctx: FixContext, head: Scored, planned: Planned[]): void {
  const values = new Map<string, Set<string>>();
  for (const p of planned)
    for (const line of p.fix?.directives ?? []) {
      const key = lineKey(line);
      if (LIST_DIRECTIVES.has(key)) continue;
      const set = values.get(key) ?? new Set<string>();
      set.add(line);
      values.set(key, set);
    }
  for (const [key, lines] of values) {
    if (lines.size < 2) continue;
    let best: { line: string; exposure: number } | undefined;
    for (const line of lines) {
      const after = tryLines(ctx, head, [line]);
      if (after && (!best || after.assessment.exposure < best.exposure))
        best = { line, exposure: after.assessment.exposure };
    }
    if (!best) continue;
    const winner = best.line;
    for (const p of planned) {
      if (!p.fix || !p.fix.directives.some((l) => lineKey(l) === key && l !== winner)) continue;
      const replaced = [...new Set(p.fix.directives.map((l) => (lineKey(l) === key ? winner : l)))];
      const next = recheck(ctx, head, p, replaced, p.fix.explanation);
      if (next) p.fix = next;
    }
  }
}

/**
 * Violations with one cause share one fix: their fixes merged, verified to make each of them pass. A
 * profile requirement's line comes first, so its value is the one kept when two disagree.
 */
function shareFixPerCause(ctx: FixContext, head: Scored, planned: Planned[]): void {
  const groups = new Map<string, Planned[]>();
  for (const p of planned) {
    if (p.v.cause === undefined) continue;
    groups.set(p.v.cause, [...(groups.get(p.v.cause) ?? []), p]);
  }
  const rank = (p: Planned): number =>
    p.v.kind === 'missing-directive' ? 0 : p.v.kind === 'regression-exposure' ? 2 : 1;
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const ordered = [...group].sort((a, b) => rank(a) - rank(b));
    const lines: string[] = [];
    const seen = new Set<string>();
    for (const p of ordered) {
      for (const l of p.fix?.directives ?? []) {
        const key = lineKey(l);
        if (!LIST_DIRECTIVES.has(key) && seen.has(key)) continue;
        seen.add(key);
        if (!lines.includes(l)) lines.push(l);
      }
    }
    if (lines.length === 0) continue;
    const merged = mergeFixes([{ directives: lines, explanation: '' }]);
    const after = tryLines(ctx, head, merged);
    const all = (a: Scored): boolean => group.every((p) => p.passes(a));
    if (!after || !all(after)) continue;
    const pruned = prune(ctx, head, merged, after, all);
    const explanation = ordered.find((p) => p.fix)?.fix?.explanation ?? '';
    for (const p of group) p.fix = verifiedFix(pruned.lines, explanation, pruned.after);
  }
}

/**
 * An exposure rise of several rows is fixed by the fixes of those rows' items, as the comment shows
 * them: the same lines, merged, so the rise's fix repeats theirs instead of offering other ones.
 * Kept only when it brings the exposure back (re-scored); otherwise the rise keeps its own fix.
 */
function riseFromRowFixes(ctx: FixContext, head: Scored, planned: Planned[]): void {
  const rise = planned.find((p) => p.v.kind === 'regression-exposure' && p.v.cause === undefined);
  if (!rise) return;
  const rows = planned.filter((p) => p.v.kind === 'regression-row' && p.fix);
  if (rows.length === 0) return;
  const lines = mergeFixes(rows.map((p) => p.fix as Fix));
  const after = tryLines(ctx, head, lines);
  if (!after || !rise.passes(after)) return;
  const pruned = prune(ctx, head, lines, after, rise.passes);
  rise.fix = verifiedFix(
    pruned.lines,
    'Restores the hardening the change removed: the fixes of the rows that got worse, together (re-scored: back to the base exposure or better).',
    pruned.after,
  );
}
