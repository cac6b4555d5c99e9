// A unit + its profile → the hardened drop-in that fixes every failing assessor row and every profile
// requirement it can, scored with the drop-in in place (loaded as systemd would load it, drop-in order
// included) before it is offered. Lines that would cut a typical service off (its network, its root
// directory, its user) are printed commented out, for a person to decide.
import type { Fix } from '../gate/gate-types';
import {
  capabilityNames,
  checkRequirement,
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
import { scoreUnitInTree } from '../engine';
import { withFiles, type UnitTree } from '../unit/unit-tree';
import { lineKey } from '../unit/directive-key';
import { fixForRow, mergeFixes } from './fixes';

/** The drop-in's file name: after most packaged drop-ins (`10-…`), before local overrides (`override.conf`). */
export const HARDENING_DROP_IN_NAME = '50-unitgate-hardening.conf';

export interface HardeningInput {
  tree: UnitTree;
  /** The name systemd is asked for (a template already carries its instance). */
  unitName: string;
  searchPath: readonly string[];
  /** Tree path the drop-in would have, e.g. `/api.service.d/50-unitgate-hardening.conf`. */
  dropInPath: string;
  profile: Profile;
  systemd: SystemdRelease;
  overrides?: SecurityPolicy;
}

export interface DropInLine {
  /** `Key=value`, as written into the drop-in. */
  directive: string;
  /** Why, in one sentence (from the fix it came from). */
  explanation: string;
}

export interface HardeningPlan {
  unitId: string;
  /** Lines applied in the drop-in, in paste order (resets, allow lists, deny lists per directive). */
  lines: DropInLine[];
  /** Lines printed commented out: they need a judgement (network, root directory, service user). */
  judgement: DropInLine[];
  before: Assessment;
  /** With `lines` in place. */
  after: Assessment;
  /** With `lines` and `judgement` in place. */
  afterAll: Assessment;
  /** Profile requirements still unmet with the drop-in (a drop-in cannot undo some settings). */
  unmet: string[];
  /** Rows that score worse with the drop-in than without (should be none; reported, not hidden). */
  worse: string[];
  /**
   * Set when a drop-in is already at `dropInPath`: `same` when the plan is what it holds (nothing new),
   * `better` when what it holds scores at least as well as the plan (it is kept, nothing is proposed).
   */
  inPlace?: 'same' | 'better' | 'replaced';
}

/** Rows whose fix cuts off what most services need; applied only when the profile already forbids it. */
function needsJudgement(jsonField: string): boolean {
  return knowledgeOf(jsonField)?.judgement !== undefined;
}

/** Directives whose empty assignment resets the list, so a drop-in can replace what the unit says. */
const RESETTABLE = new Set(['SystemCallFilter', 'RestrictAddressFamilies', 'SystemCallArchitectures']);

interface Scored {
  settings: SecuritySettings;
  assessment: Assessment;
}

function score(input: HardeningInput, dropIn: string | undefined): Scored | { error: string } {
  const tree =
    dropIn === undefined ? input.tree : withFiles(input.tree, new Map([[input.dropInPath, dropIn]]));
  const outcome = scoreUnitInTree({
    tree,
    unitName: input.unitName,
    searchPath: input.searchPath,
    systemd: input.systemd,
    overrides: input.overrides,
  });
  if (!outcome.ok) return { error: outcome.message };
  return { settings: outcome.settings, assessment: outcome.assessment };
}

/** The drop-in text for some lines (no header comments): what gets scored. */
function dropInText(lines: readonly string[]): string {
  return ['[Service]', ...lines, ''].join('\n');
}

/** What the profile asks of capabilities and address families, as fixes that replace the unit's lists. */
function profileListFixes(s: SecuritySettings, profile: Profile, systemd: SystemdRelease): Fix[] {
  const fixes: Fix[] = [];
  if (
    profile.allowedCapabilities &&
    forbiddenCapabilities(s, profile.allowedCapabilities, systemd).length > 0
  ) {
    const allowed = new Set(profile.allowedCapabilities.map((c) => c.toUpperCase()));
    const keep = (mask: bigint): string[] => capabilityNames(mask, systemd).filter((c) => allowed.has(c));
    const bounding = keep(s.capabilityBoundingSet);
    const ambient = keep(s.ambientCapabilities);
    fixes.push({
      directives: [
        'CapabilityBoundingSet=',
        ...(bounding.length > 0 ? [`CapabilityBoundingSet=${bounding.join(' ')}`] : []),
        ...(s.ambientCapabilities !== 0n ? ['AmbientCapabilities='] : []),
        ...(ambient.length > 0 ? [`AmbientCapabilities=${ambient.join(' ')}`] : []),
      ],
      explanation: `Keeps only the capabilities the ${profile.name} profile allows${
        bounding.length > 0 ? ` (${bounding.join(', ')})` : ' (none)'
      }.`,
    });
  }
  if (
    profile.allowedAddressFamilies &&
    forbiddenAddressFamilies(s, profile.allowedAddressFamilies, systemd).length > 0
  ) {
    const list = profile.allowedAddressFamilies.join(' ') || 'none';
    fixes.push({
      directives: ['RestrictAddressFamilies=', `RestrictAddressFamilies=${list}`],
      explanation: `Allows only the socket address families the ${profile.name} profile allows (${list}).`,
    });
  }
  return fixes;
}

/** Whether the profile forbids what a judgement row's fix takes away, so the fix is no loss. */
function profileForbids(jsonField: string, profile: Profile): boolean {
  const families = profile.allowedAddressFamilies;
  const judgement = knowledgeOf(jsonField)?.judgement;
  if (!families || !judgement?.appliedWhenProfileForbids) return false;
  return judgement.takesAway.every((f) => !families.includes(f));
}

/** Whether the profile allows what a judgement row's fix takes away (its network, local sockets). */
function profileAllows(jsonField: string, profile: Profile): boolean {
  const families = profile.allowedAddressFamilies ?? [];
  return (knowledgeOf(jsonField)?.judgement?.takesAway ?? []).some((f) => families.includes(f));
}

/** Rows the profile's own list fixes already settle: its capability and address family allow lists. */
function coveredByProfileLists(jsonField: string, profile: Profile): boolean {
  if (profile.allowedCapabilities && jsonField.startsWith('CapabilityBoundingSet_')) return true;
  if (
    profile.allowedAddressFamilies &&
    jsonField.startsWith('RestrictAddressFamilies_') &&
    !needsJudgement(jsonField)
  )
    return true;
  return false;
}

/** Explanations for deny lines joined into one (`CapabilityBoundingSet=~A B C`). */
const JOINED_EXPLANATIONS: Record<string, string> = {
  CapabilityBoundingSet:
    'Drops capabilities the service should not need from the bounding set; if it needs one, take it off this line and record an accepted deviation.',
  RestrictNamespaces:
    'Forbids the service to create these kinds of namespaces (`RestrictNamespaces=yes` forbids all).',
};

/**
 * Consecutive `Key=~a` and `Key=~b` lines (mergeFixes puts them together) → `Key=~a b`: the same
 * set for systemd's list parsers, and one line to read instead of twenty.
 */
function joinDenyLines(lines: readonly string[], explanations: Map<string, string>): string[] {
  const out: string[] = [];
  for (const line of lines) {
    const key = lineKey(line);
    const value = line.slice(key.length + 1);
    const last = out.at(-1);
    if (last !== undefined && value.startsWith('~') && last.startsWith(`${key}=~`)) {
      const joined = `${last} ${value.slice(1)}`;
      explanations.set(joined, JOINED_EXPLANATIONS[key] ?? explanations.get(last) ?? '');
      out[out.length - 1] = joined;
    } else out.push(line);
  }
  return out;
}

function firstSentence(text: string): string {
  const m = /^.*?[.!?](?=\s|$)/.exec(text);
  return (m ? m[0] : text).trim();
}

/**
 * Plans the drop-in. Candidates: the unmet requirements of the profile, its capability and address
 * family allow lists, and the fix of every failing row (fixes.ts). Then, scoring with the drop-in in
 * place: a reset line (`SystemCallFilter=`) is added where the unit's own list would defeat the new one,
 * and lines that change no row and no requirement are dropped, so what is printed is what matters.
 */
export function planHardeningDropIn(input: HardeningInput): HardeningPlan | { error: string } {
  const { profile, systemd } = input;
  // The unit as it is now, with whatever is at dropInPath (an earlier run's drop-in): the score shown as
  // "before", and the one the plan must never make worse.
  const current = score(input, undefined);
  if ('error' in current) return current;
  const read =
    input.tree.lstat(input.dropInPath)?.type === 'file' ? input.tree.readFile(input.dropInPath) : undefined;
  const existing = read && 'text' in read ? read.text : undefined;
  // The plan starts from the unit without that drop-in: the plan replaces it, so planning on top of it
  // would leave out what it already holds (and the replacement would lose it). Run twice, same plan.
  const before = existing === undefined ? current : score(input, '');
  if ('error' in before) return before;
  const s = before.settings;

  const fixes: Fix[] = [];
  const requirements = profile.requiredDirectives;
  for (const r of requirements) {
    if (!checkRequirement(r, s, systemd).met)
      fixes.push({ directives: [r], explanation: `The ${profile.name} profile requires it.` });
  }
  fixes.push(...profileListFixes(s, profile, systemd));
  const judgementFixes: Fix[] = [];
  for (const row of before.assessment.rows) {
    if (row.badness === undefined || row.badness === 0) continue;
    const field = row.assessor.jsonField;
    if (coveredByProfileLists(field, profile)) continue;
    const fix = fixForRow(
      field,
      profile.allowedAddressFamilies ? { addressFamilies: profile.allowedAddressFamilies } : undefined,
    );
    if (!fix) continue;
    if (needsJudgement(field) && !profileForbids(field, profile)) {
      // Not even commented out when the profile allows what the line takes away (a worker's network).
      if (!profileAllows(field, profile)) judgementFixes.push(fix);
    } else fixes.push(fix);
  }

  const explanations = new Map<string, string>();
  for (const f of [...fixes, ...judgementFixes])
    for (const d of f.directives) if (!explanations.has(d)) explanations.set(d, firstSentence(f.explanation));

  const failing = (scored: Scored): { rows: Set<string>; unmet: string[] } => ({
    rows: new Set(
      scored.assessment.rows.filter((r) => (r.badness ?? 0) > 0).map((r) => r.assessor.jsonField),
    ),
    unmet: requirements.filter((r) => !checkRequirement(r, scored.settings, systemd).met),
  });

  let lines = mergeFixes(fixes);
  let after = lines.length > 0 ? score(input, dropInText(lines)) : before;
  if ('error' in after) return after;

  // A unit's own list can defeat an appended one (an allow list after a deny list only shrinks the
  // deny list): reset those lists first, where a requirement is still unmet.
  const resets = failing(after)
    .unmet.map(lineKey)
    .filter((k) => RESETTABLE.has(k) && s.provenance.has(k) && !lines.includes(`${k}=`));
  if (resets.length > 0) {
    for (const k of resets)
      explanations.set(`${k}=`, `Resets the unit's own ${k}= lines, so the list below replaces them.`);
    lines = mergeFixes([
      { directives: resets.map((k) => `${k}=`), explanation: '' },
      { directives: lines, explanation: '' },
    ]);
    after = score(input, dropInText(lines));
    if ('error' in after) return after;
  }

  // Drop what changes nothing: a line whose removal leaves every row and requirement as it is.
  const target = failing(after);
  const badness = (scored: Scored): string => scored.assessment.rows.map((r) => r.badness ?? 'x').join(',');
  const goal = badness(after);
  for (let i = lines.length - 1; i >= 0; i--) {
    const trial = lines.filter((_, j) => j !== i);
    const scored = trial.length > 0 ? score(input, dropInText(trial)) : before;
    if ('error' in scored) continue;
    if (badness(scored) === goal && failing(scored).unmet.length <= target.unmet.length) lines = trial;
  }
  lines = joinDenyLines(lines, explanations);
  if (lines.length > 0) {
    const final = score(input, dropInText(lines));
    if ('error' in final) return final;
    after = final;
  } else after = before;

  const judgement = mergeFixes(judgementFixes).filter((l) => !lines.includes(l));
  let afterAll = after;
  if (judgement.length > 0) {
    const all = score(
      input,
      dropInText(
        mergeFixes([
          { directives: lines, explanation: '' },
          { directives: judgement, explanation: '' },
        ]),
      ),
    );
    if (!('error' in all)) afterAll = all;
  }

  if (existing !== undefined) {
    const held = existing
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith(';') && !l.startsWith('['));
    const same = held.join('\n') === lines.join('\n');
    if (same || after.assessment.exposure >= current.assessment.exposure) {
      // Never propose a replacement that scores no better than what is in place.
      return {
        unitId: s.unitId,
        lines: [],
        judgement: [],
        before: current.assessment,
        after: current.assessment,
        afterAll: current.assessment,
        unmet: failing(current).unmet,
        worse: [],
        inPlace: same ? 'same' : 'better',
      };
    }
  }
  const beforeRows = new Map(current.assessment.rows.map((r) => [r.assessor.jsonField, r.badness ?? 0]));
  const worse = after.assessment.rows
    .filter((r) => (r.badness ?? 0) > (beforeRows.get(r.assessor.jsonField) ?? 0))
    .map((r) => r.assessor.jsonField);
  const line = (d: string): DropInLine => ({ directive: d, explanation: explanations.get(d) ?? '' });
  return {
    unitId: s.unitId,
    lines: lines.map(line),
    judgement: judgement.map(line),
    before: current.assessment,
    after: after.assessment,
    afterAll: afterAll.assessment,
    unmet: failing(after).unmet,
    worse,
    ...(existing !== undefined ? { inPlace: 'replaced' as const } : {}),
  };
}

export interface RenderDropInOptions {
  /** Where to save the drop-in next to the unit, as the user named the unit (e.g. `deploy/api.service.d/50-…`). */
  savePath: string;
  /** The unit file's name, for the installed location (`foo@.service` for templates). */
  unitFileName: string;
  profile: Profile;
  systemdVersion: number;
}

function exposure(a: Assessment): string {
  return `${formatExposure(a.exposure)} ${a.level.name}`;
}

/** The drop-in as text: a comment header (where to save it, the score before → after), then `[Service]`. */
export function renderHardeningDropIn(plan: HardeningPlan, options: RenderDropInOptions): string {
  const { profile } = options;
  const threshold = formatExposure(profile.threshold);
  const reaches =
    plan.after.exposure <= profile.threshold
      ? `at or below the ${profile.name} threshold ${threshold}`
      : `still above the ${profile.name} threshold ${threshold}`;
  const out = [
    `# Hardened drop-in for ${plan.unitId}, written by \`unitgate suggest\` (profile ${profile.name}, systemd ${options.systemdVersion}).`,
    `# Save it as ${options.savePath}`,
    `#   (on a host: /etc/systemd/system/${options.unitFileName}.d/${HARDENING_DROP_IN_NAME}, then \`systemctl daemon-reload\`).`,
    `# Exposure: ${exposure(plan.before)} → ${exposure(plan.after)}, ${reaches}.`,
  ];
  if (plan.judgement.length > 0 && plan.afterAll.exposure < plan.after.exposure) {
    out.push(`# With the commented-out lines at the end too: ${exposure(plan.afterAll)}.`);
  }
  if (plan.unmet.length > 0) {
    out.push(
      `# A drop-in cannot meet these requirements here (edit the unit itself): ${plan.unmet.join(', ')}.`,
    );
  }
  if (plan.worse.length > 0) {
    out.push(
      `# Worse as a side effect of another line (e.g. ProtectClock=yes adds the RTC to DeviceAllow=): ${plan.worse.join(', ')}.`,
    );
  }
  if (plan.inPlace === 'same' || plan.inPlace === 'better') {
    out.push(
      plan.inPlace === 'same'
        ? `# The drop-in at ${options.savePath} is already this one: nothing new to add.`
        : `# The drop-in at ${options.savePath} scores as well as or better than a new one: keep it, nothing new to add.`,
    );
    return out.join('\n') + '\n';
  }
  if (plan.inPlace === 'replaced') out.push(`# It replaces the drop-in now at ${options.savePath}.`);
  out.push('# Restart the service and test it: each line says what it takes away.');
  if (plan.lines.length === 0 && plan.judgement.length === 0) {
    out.push('# Nothing to add: every requirement is met and every row with a fix passes.');
    return out.join('\n') + '\n';
  }
  out.push('', '[Service]');
  let said = '';
  const explain = (l: DropInLine): void => {
    // Lines of one fix share an explanation: say it once.
    if (l.explanation && l.explanation !== said) out.push(`# ${l.explanation}`);
    said = l.explanation;
  };
  for (const l of plan.lines) {
    explain(l);
    out.push(l.directive);
  }
  if (plan.judgement.length > 0) {
    out.push('', '# Needs a judgement: uncomment only what the service can live without.');
    for (const l of plan.judgement) {
      explain(l);
      out.push(`#${l.directive}`);
    }
  }
  return out.join('\n') + '\n';
}
