// What a change to the policy file does, setting by setting, and whether it loosens the gate. A pull
// request's own policy never judges it (the base tip's does), but once merged it judges every later
// one: a change that loosens it needs an owner's approval like any other weakening, and reviewers see
// the difference in the comment. Anything whose direction cannot be told (a glob moved, an override
// changed, who approves) counts as loosening: the gate fails closed.
import { MODE_STRICTNESS, type GatePolicy, type Profile } from './policy-types';
import { formatExposure } from '../security/render-security';
import { PROFILE_LISTS, type ListMeaning } from './profile-lists';

export interface PolicyDifference {
  /** Where in the policy, e.g. `profiles.worker.threshold`. */
  path: string;
  before: string;
  after: string;
  /** Whether the change lets through something the base policy would stop. */
  loosens: boolean;
}

const show = (value: unknown): string =>
  value === undefined ? '(not set)' : Array.isArray(value) ? `[${value.join(', ')}]` : String(value);

/** Items of `after` not in `before`, and of `before` not in `after`. */
function setDiff(
  before: readonly string[],
  after: readonly string[],
): { added: string[]; removed: string[] } {
  const b = new Set(before);
  const a = new Set(after);
  return { added: after.filter((x) => !b.has(x)), removed: before.filter((x) => !a.has(x)) };
}

/**
 * A list whose items were added or removed, shown as what went (before) and what came (after); it
 * loosens the gate when items `loosensWhen` (an exclusion added, a requirement removed).
 */
function listChange(
  path: string,
  before: readonly string[],
  after: readonly string[],
  loosensWhen: 'added' | 'removed',
): PolicyDifference[] {
  const { added, removed } = setDiff(before, after);
  if (added.length === 0 && removed.length === 0) return [];
  const loosens = (loosensWhen === 'added' ? added : removed).length > 0;
  return [{ path, before: show(removed), after: show(added), loosens }];
}

/**
 * How a change of a rule's list is shown and whether it loosens, by what its items are
 * (`x-unitgate-list` in policies/schema.json).
 */
const LIST_CHANGES: Record<
  ListMeaning,
  (
    path: string,
    before: readonly string[] | undefined,
    after: readonly string[] | undefined,
  ) => PolicyDifference[]
> = {
  // Fewer forbidden items (or none checked) is looser; shown as what went and what came.
  deny: (path, before, after) => listChange(path, before ?? [], after ?? [], 'removed'),
  // Shown whole. Absent means "not checked": the loosest value of all.
  allow: (path, before, after) => {
    if (show(before) === show(after)) return [];
    const loosens = after === undefined || (before !== undefined && setDiff(before, after).added.length > 0);
    return [{ path, before: show(before), after: show(after), loosens }];
  },
};

// A profile's lists are compared in the order its differences have always been shown in: lists whose
// removals loosen (like requiredDirectives just before them) first, then allow-lists.
const LIST_ORDER: readonly ListMeaning[] = ['deny', 'allow'];

function compareProfile(
  name: string,
  before: Profile | undefined,
  after: Profile | undefined,
): PolicyDifference[] {
  const at = `profiles.${name}`;
  if (!before && !after) return [];
  if (!after) return [{ path: at, before: 'defined', after: '(removed)', loosens: true }];
  if (!before) return [{ path: at, before: '(not defined)', after: 'defined', loosens: false }];
  const out: PolicyDifference[] = [];
  if (before.threshold !== after.threshold)
    out.push({
      path: `${at}.threshold`,
      before: formatExposure(before.threshold),
      after: formatExposure(after.threshold),
      loosens: after.threshold > before.threshold,
    });
  // A requirement replaced by another (ProtectSystem=full for =strict) is a removal too.
  out.push(
    ...listChange(`${at}.requiredDirectives`, before.requiredDirectives, after.requiredDirectives, 'removed'),
  );
  for (const meaning of LIST_ORDER)
    for (const { key } of PROFILE_LISTS.filter((l) => l.meaning === meaning))
      out.push(...LIST_CHANGES[meaning](`${at}.${key}`, before[key], after[key]));
  if (show(before.owners) !== show(after.owners))
    out.push({ path: `${at}.owners`, before: show(before.owners), after: show(after.owners), loosens: true });
  return out;
}

/** Every difference between the base tip's policy and the one a change proposes. */
export function comparePolicies(base: GatePolicy, proposed: GatePolicy): PolicyDifference[] {
  const out: PolicyDifference[] = [];
  const push = (path: string, before: unknown, after: unknown, loosens: boolean): void => {
    if (show(before) !== show(after)) out.push({ path, before: show(before), after: show(after), loosens });
  };
  push('mode', base.mode, proposed.mode, MODE_STRICTNESS[proposed.mode] < MODE_STRICTNESS[base.mode]);
  // Another version scores other rows and knows other settings: not a direction anyone can tell,
  // unless the base's release is still scored (a mixed fleet's primary changed among its releases).
  push(
    'systemdVersion',
    base.systemdVersion,
    proposed.systemdVersion,
    !proposed.systemdVersions.includes(base.systemdVersion),
  );
  // A mixed fleet: a release scored more can only fail more units, a release scored no more lets
  // through what fails on it alone. Shown only when either side scores several (a single release's
  // change is the line above).
  if (base.systemdVersions.length > 1 || proposed.systemdVersions.length > 1)
    out.push(
      ...listChange(
        'systemdVersions',
        base.systemdVersions.map(String),
        proposed.systemdVersions.map(String),
        'removed',
      ),
    );
  push('defaultProfile', base.defaultProfile, proposed.defaultProfile, true);
  for (const name of new Set([...base.profiles.keys(), ...proposed.profiles.keys()]))
    out.push(...compareProfile(name, base.profiles.get(name), proposed.profiles.get(name)));
  const units = (p: GatePolicy): string[] => p.units.map((u) => `${u.match} → ${u.profile}`);
  push('units', units(base), units(proposed), true);
  out.push(
    ...listChange(
      'exclude',
      base.exclude.map((e) => e.match),
      proposed.exclude.map((e) => e.match),
      'added',
    ),
  );
  push(
    'regression.exposure',
    base.regression.exposure,
    proposed.regression.exposure,
    !proposed.regression.exposure,
  );
  push('regression.rows', base.regression.rows, proposed.regression.rows, !proposed.regression.rows);
  // Adding the first owners is how a repository starts accepting notes: the base policy still judges
  // the change that adds them. Changing who approves, once someone does, is a loosening.
  push(
    'deviations.owners',
    base.deviations.owners,
    proposed.deviations.owners,
    base.deviations.owners.length > 0,
  );
  push(
    'deviations.sources',
    base.deviations.sources,
    proposed.deviations.sources,
    setDiff(base.deviations.sources, proposed.deviations.sources).added.length > 0,
  );
  push(
    'deviations.requiredFields',
    base.deviations.requiredFields,
    proposed.deviations.requiredFields,
    setDiff(base.deviations.requiredFields, proposed.deviations.requiredFields).removed.length > 0,
  );
  push(
    'deviations.maxExpiryDays',
    base.deviations.maxExpiryDays,
    proposed.deviations.maxExpiryDays,
    proposed.deviations.maxExpiryDays > base.deviations.maxExpiryDays,
  );
  // A shorter warning window tells owners later that a note runs out: less time to renew or fix it.
  push(
    'deviations.expiryWarningDays',
    base.deviations.expiryWarningDays,
    proposed.deviations.expiryWarningDays,
    proposed.deviations.expiryWarningDays < base.deviations.expiryWarningDays,
  );
  const rules = (p: GatePolicy): string[] =>
    p.signoff.map((r) => `${[...r.directives].sort().join(' ')} by ${[...r.approvers].sort().join(' ')}`);
  out.push(...listChange('signoff', rules(base), rules(proposed), 'removed'));
  push(
    'unitTypes',
    base.unitTypes,
    proposed.unitTypes,
    setDiff(base.unitTypes, proposed.unitTypes).removed.length > 0,
  );
  const overrides = (p: GatePolicy): string[] =>
    [...p.assessorOverrides].map(([field, o]) => `${field}=${JSON.stringify(o)}`).sort();
  push('assessorOverrides', overrides(base), overrides(proposed), true);
  // A kind that no longer fails, or a host-only drop-in accepted (or accepted longer, or by another
  // glob), lets drift through that the base policy stops.
  out.push(...listChange('drift.fail', base.drift.fail, proposed.drift.fail, 'removed'));
  const allowances = (p: GatePolicy): string[] =>
    p.drift.allowHostDropIns.map(
      (a) => `${a.match}${a.expires !== undefined ? ` (until ${a.expires})` : ''}`,
    );
  out.push(...listChange('drift.allowHostDropIns', allowances(base), allowances(proposed), 'added'));
  return out;
}
