// The gate: compares each changed unit at head with the base commit and with its profile, applies
// deviation notes and sign-off, and decides pass/fail. Pure: every input (scores, texts, approvals,
// today's date) is a value.
import type { Assignment, Diagnostic, SourceLocation } from '../unit/parse-unit-file';
import type { LoadedUnit } from '../unit/load-unit';
import type { SecuritySettings } from '../security/settings';
import type { Assessment, AssessedRow } from '../security/assess';
import type { SystemdProfile } from '../security/versions';
import type { GatePolicy, Profile } from '../policy/policy-types';
import { directivesOfAssessor } from '../security/assessor-directives';
import { formatExposure } from '../security/render-security';
import { fixForRow, mergeFixes } from '../report/fixes';
import { adviseFixes, MAX_UNITS_WITH_FIXES, withoutFixes } from '../report/verify-fixes';
import type { SecurityPolicy } from '../security/security-policy';
import { baseLocation, capabilityGrantLine, rowChangeLocation } from './locations';
import { checkRequirement, forbiddenAddressFamilies, forbiddenCapabilities } from './profile-checks';
import { parsePullRequestNotes, parseUnitFileNotes, validateNote } from './deviation-notes';
import { phantomFor, phantomReason, phantomViolations, refusal } from './phantom-settings';
import type {
  AcceptedDeviation,
  DeviationNote,
  Fix,
  GateVerdict,
  RemovedAssignment,
  RowChange,
  ScoredSide,
  UnitResult,
  UnitStatus,
  Violation,
} from './gate-types';

/** One side (base or head) of a unit, already loaded and scored by the shell. */
export interface UnitSide {
  /** Repository path of the main unit file. */
  path: string;
  unit?: LoadedUnit;
  settings?: SecuritySettings;
  assessment?: Assessment;
  /** Why the unit could not be loaded or scored (systemd's message). */
  error?: string;
  /** What systemd would log while loading the unit (parse-time and load-time), in order. */
  diagnostics?: Diagnostic[];
  /** Raw text of every file of the unit (main file and drop-ins), for comment directives. */
  texts: { path: string; text: string }[];
  /** The assessor overrides it was scored with: whoever re-scores it (fixes, suggestions) uses them too. */
  overrides?: SecurityPolicy;
}

export interface GateUnitInput {
  path: string;
  previousPath?: string;
  change: 'added' | 'modified' | 'renamed' | 'deleted' | 'policy';
  profile: Profile;
  /** How the profile was chosen, for the report. */
  profileSource?: string;
  excluded?: { reason: string };
  head?: UnitSide;
  base?: UnitSide;
}

export interface Approval {
  login: string;
  /** `org/team` slugs the reviewer belongs to (as far as the token could see). */
  teams: string[];
}

export interface GateInput {
  policy: GatePolicy;
  systemd: SystemdProfile;
  units: GateUnitInput[];
  pullRequestBody?: string;
  approvals: Approval[];
  /** YYYY-MM-DD, the day deviation expiry is judged against. */
  today: string;
  messages?: string[];
}

function fallbackLocation(side: UnitSide | undefined): SourceLocation {
  return side?.settings?.typeSection ?? { file: side?.path ?? '', line: 1, column: 1 };
}

function lastAssignment(s: SecuritySettings | undefined, directives: string[]): Assignment | undefined {
  let best: Assignment | undefined;
  for (const d of directives) {
    const a = s?.provenance.get(d)?.at(-1) ?? s?.implied.get(d);
    if (!a) continue;
    // The line systemd applied last decides (a drop-in's line beats the main file's).
    if (!best || (s?.applied.get(a) ?? -1) > (s?.applied.get(best) ?? -1)) best = a;
  }
  return best;
}

/** The lines the shell should point at: repository paths, not tree paths. */
function locate(a: Assignment | SourceLocation): SourceLocation {
  return { file: a.file, line: a.line, column: a.column };
}

function scored(a: Assessment): ScoredSide {
  const badness: Record<string, number | null> = {};
  for (const r of a.rows) badness[r.assessor.jsonField] = r.badness ?? null;
  return { exposure: a.exposure, level: a.level.name, badness };
}

/** Share of one row in the 0…100 exposure (badness × weight / range / total weight). */
function rowShare(row: AssessedRow | undefined, weightSum: number): number {
  if (!row || row.badness === undefined || weightSum === 0) return 0;
  return (row.badness * row.weight * 100) / row.range / weightSum;
}

function weightSumOf(a: Assessment): number {
  return a.rows.reduce((sum, r) => (r.badness === undefined ? sum : sum + r.weight), 0);
}

function describeValues(s: SecuritySettings | undefined, directive: string): string[] {
  return (s?.provenance.get(directive) ?? []).map((a) => `${a.key}=${a.value}`);
}

/** "`ProtectSystem=strict` removed", "`X=a` → `X=b`", "`X=y` added" for the directives of a row. */
function summarizeChange(
  directives: string[],
  base: SecuritySettings | undefined,
  head: SecuritySettings | undefined,
): string {
  const parts: string[] = [];
  for (const d of directives) {
    const before = describeValues(base, d);
    const after = describeValues(head, d);
    if (before.join('\n') === after.join('\n')) continue;
    const b = before.at(-1);
    const a = after.at(-1);
    if (b && !a) parts.push(`\`${b}\` removed`);
    else if (!b && a) parts.push(`\`${a}\` added`);
    else if (b && a && b !== a) parts.push(`\`${b}\` → \`${a}\``);
    else if (a) parts.push(`\`${d}=\` changed`);
  }
  return parts.length > 0 ? parts.join(', ') : `\`${directives[0] ?? '?'}\` changed (implied or inherited)`;
}

/** Base assignments of `directives` whose `Key=value` head does not have (as often), in base order. */
function removedAssignments(directives: string[], base: UnitSide, head: UnitSide): RemovedAssignment[] {
  const out: RemovedAssignment[] = [];
  for (const d of directives) {
    const left = describeValues(head.settings, d);
    for (const a of base.settings?.provenance.get(d) ?? []) {
      const text = `${a.key}=${a.value}`;
      const i = left.indexOf(text);
      if (i >= 0) left.splice(i, 1);
      else out.push({ key: a.key, assignment: text, location: baseLocation(a, head) });
    }
  }
  return out;
}

function rowChanges(base: UnitSide, head: UnitSide): RowChange[] {
  const b = base.assessment as Assessment;
  const h = head.assessment as Assessment;
  const baseRows = new Map(b.rows.map((r) => [r.assessor.jsonField, r]));
  const bw = weightSumOf(b);
  const hw = weightSumOf(h);
  const changes: RowChange[] = [];
  for (const row of h.rows) {
    const before = baseRows.get(row.assessor.jsonField);
    if ((before?.badness ?? null) === (row.badness ?? null)) continue;
    const directives = directivesOfAssessor(row.assessor);
    const removed = removedAssignments(directives, base, head);
    changes.push({
      jsonField: row.assessor.jsonField,
      name: row.assessor.name,
      baseBadness: before?.badness,
      headBadness: row.badness,
      delta: rowShare(row, hw) - rowShare(before, bw),
      location: rowChangeLocation(directives, base, head, removed),
      summary: summarizeChange(directives, base.settings, head.settings),
      ...(removed.length > 0 ? { removed } : {}),
    });
  }
  // Biggest movements first, whichever way they go.
  return changes.sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta) || y.delta - x.delta);
}

function evaluateProfile(
  u: GateUnitInput,
  head: UnitSide,
  systemd: SystemdProfile,
  advisory: boolean,
): Violation[] {
  const s = head.settings as SecuritySettings;
  const a = head.assessment as Assessment;
  const out: Violation[] = [];
  const at = fallbackLocation(head);
  if (a.exposure > u.profile.threshold) {
    out.push({
      kind: 'threshold',
      check: 'exposure',
      directives: [],
      message: `${s.unitId}: exposure ${formatExposure(a.exposure)} ${a.level.name} is above the ${u.profile.name} threshold ${formatExposure(
        u.profile.threshold,
      )}`,
      location: at,
      weight: a.exposure - u.profile.threshold,
      // Set by adviseFixes() (report/verify-fixes.ts): re-scored, never estimated.
      advisory,
    });
  }
  for (const requirement of u.profile.requiredDirectives) {
    const r = checkRequirement(requirement, s, systemd);
    if (r.met) continue;
    const key = requirement.slice(0, requirement.indexOf('='));
    const where = lastAssignment(s, [key]);
    // A line meant to set it that systemd ignores is where to look, and why it does not count.
    const phantom = phantomFor(head, key);
    out.push({
      kind: 'missing-directive',
      check: key,
      directives: [key],
      message: `${s.unitId}: the ${u.profile.name} profile requires \`${requirement}\`, the unit has ${where ? `\`${r.actual}\`` : 'no such setting'}${
        phantom
          ? `; ${phantom.file}:${phantom.line} does not count: ${phantomReason(phantom, systemd.version)}`
          : ''
      }`,
      location: phantom ? locate(phantom) : where ? locate(where) : at,
      weight: 5,
      fix: {
        directives: [requirement],
        explanation: `Add \`${requirement}\` to the [Service] section (or a drop-in).`,
      },
      advisory,
    });
  }
  if (u.profile.allowedCapabilities) {
    const extra = forbiddenCapabilities(s, u.profile.allowedCapabilities, systemd);
    if (extra.length > 0) {
      // The line that grants a forbidden capability, not merely the last capability line.
      const where = capabilityGrantLine(s, extra, systemd);
      const list = u.profile.allowedCapabilities.join(' ');
      out.push({
        kind: 'forbidden-capability',
        check: 'CapabilityBoundingSet',
        directives: ['CapabilityBoundingSet', 'AmbientCapabilities'],
        message: `${s.unitId}: keeps ${extra.length} capabilit${extra.length === 1 ? 'y' : 'ies'} the ${u.profile.name} profile does not allow: ${extra
          .slice(0, 8)
          .join(', ')}${extra.length > 8 ? ', …' : ''}`,
        location: where ? locate(where) : at,
        weight: Math.min(extra.length, 20),
        fix: {
          directives: [
            `CapabilityBoundingSet=${list}`,
            ...(s.ambientCapabilities !== 0n ? [`AmbientCapabilities=${list}`] : []),
          ],
          explanation: list
            ? `Limit capabilities to ${list}.`
            : 'Drop every capability: an empty CapabilityBoundingSet= keeps none.',
        },
        advisory,
      });
    }
  }
  if (u.profile.allowedAddressFamilies) {
    const extra = forbiddenAddressFamilies(s, u.profile.allowedAddressFamilies, systemd);
    if (extra.length > 0) {
      const where = lastAssignment(s, ['RestrictAddressFamilies']);
      const list = u.profile.allowedAddressFamilies.join(' ') || 'none';
      out.push({
        kind: 'forbidden-address-family',
        check: 'RestrictAddressFamilies',
        directives: ['RestrictAddressFamilies'],
        message:
          extra[0] === '(any)'
            ? `${s.unitId}: may open sockets of any address family; the ${u.profile.name} profile allows ${list}`
            : `${s.unitId}: may use address families the ${u.profile.name} profile does not allow: ${extra.join(', ')}`,
        location: where ? locate(where) : at,
        weight: 3,
        fix: { directives: [`RestrictAddressFamilies=${list}`], explanation: `Allow only ${list}.` },
        advisory,
      });
    }
  }
  return out;
}

function evaluateRegression(u: GateUnitInput, policy: GatePolicy, changes: RowChange[]): Violation[] {
  const base = u.base as UnitSide;
  const head = u.head as UnitSide;
  const b = base.assessment as Assessment;
  const h = head.assessment as Assessment;
  const out: Violation[] = [];
  const worse = changes.filter((c) => (c.headBadness ?? 0) > (c.baseBadness ?? 0));
  if (policy.regression.exposure && h.exposure > b.exposure) {
    const first = worse[0];
    out.push({
      kind: 'regression-exposure',
      check: 'exposure',
      directives: [],
      message: `${h.unitId}: exposure rose from ${formatExposure(b.exposure)} to ${formatExposure(h.exposure)} ${h.level.name}${
        first ? ` (${first.summary})` : ''
      }`,
      location: first?.location ?? fallbackLocation(head),
      weight: h.exposure - b.exposure,
      fix: {
        directives: mergeFixes(
          worse.map((c) => fixForRow(c.jsonField)).filter((f): f is Fix => f !== undefined),
        ),
        explanation: 'Restore the hardening the change removed.',
      },
      advisory: false,
    });
  }
  if (policy.regression.rows) {
    const rows = new Map(h.rows.map((r) => [r.assessor.jsonField, r]));
    for (const c of worse) {
      const row = rows.get(c.jsonField);
      const fix = fixForRow(c.jsonField);
      out.push({
        kind: 'regression-row',
        check: c.jsonField,
        directives: row ? directivesOfAssessor(row.assessor) : [],
        message: `${h.unitId}: ${c.name} got worse: ${c.summary}${row?.description ? ` — ${row.description}` : ''}`,
        location: c.location,
        weight: Math.max(c.delta, 0.01),
        ...(fix ? { fix } : {}),
        advisory: false,
      });
    }
  }
  return out;
}

function overridesOf(policy: GatePolicy): SecurityPolicy | undefined {
  return policy.assessorOverrides.size > 0 ? policy.assessorOverrides : undefined;
}

/** today + maxExpiryDays as YYYY-MM-DD (for the deviation block the reports offer to paste). */
function latestExpiryOf(today: string, days: number): { latestExpiry?: string } {
  const t = Date.parse(`${today}T00:00:00Z`);
  if (!Number.isFinite(t) || !Number.isFinite(days) || days < 0) return {};
  return { latestExpiry: new Date(t + Math.floor(days) * 86_400_000).toISOString().slice(0, 10) };
}

function assignmentsOf(side: UnitSide | undefined, directive: string): string {
  return (side?.settings?.provenance.get(directive) ?? [])
    .map((a) => `${a.section}.${a.key}=${a.value}`)
    .join('\n');
}

function approvedBy(approvers: string[], approvals: Approval[]): string | undefined {
  for (const who of approvers) {
    const name = who.replace(/^@/, '');
    if (name.includes('/')) {
      const hit = approvals.find((a) => a.teams.some((t) => t.toLowerCase() === name.toLowerCase()));
      if (hit) return `@${hit.login} (${who})`;
    } else {
      const hit = approvals.find((a) => a.login.toLowerCase() === name.toLowerCase());
      if (hit) return `@${hit.login}`;
    }
  }
  return undefined;
}

function evaluateSignoff(
  u: GateUnitInput,
  input: GateInput,
): { violations: Violation[]; approvedMessages: string[] } {
  const violations: Violation[] = [];
  const approvedMessages: string[] = [];
  for (const rule of input.policy.signoff) {
    const changed = rule.directives.filter((d) => assignmentsOf(u.base, d) !== assignmentsOf(u.head, d));
    if (changed.length === 0) continue;
    const by = approvedBy(rule.approvers, input.approvals);
    const id = u.head?.settings?.unitId ?? u.path;
    if (by) {
      approvedMessages.push(`${id}: change to ${changed.join(', ')} approved by ${by}`);
      continue;
    }
    const where = lastAssignment(u.head?.settings, changed);
    violations.push({
      kind: 'signoff-required',
      check: changed[0] as string,
      directives: changed,
      message: `${id}: ${changed.map((d) => `${d}=`).join(', ')} changed; the policy requires an approving review from ${rule.approvers.join(
        ' or ',
      )}`,
      location: where ? locate(where) : fallbackLocation(u.head ?? u.base),
      weight: 50,
      advisory: false,
    });
  }
  return { violations, approvedMessages };
}

function noteMatchesUnit(note: DeviationNote, u: GateUnitInput): boolean {
  const target = note.unit.replace(/^\.\//, '');
  const id = u.head?.settings?.unitId ?? u.base?.settings?.unitId;
  const base = u.path.split('/').at(-1);
  return target === u.path || target === u.previousPath || target === id || target === base;
}

function noteCovers(note: DeviationNote, v: Violation): boolean {
  if (note.check === undefined || note.check === '') return true;
  const c = note.check.replace(/=$/, '');
  return (
    c === v.check ||
    v.directives.includes(c) ||
    (c === 'exposure' && (v.kind === 'threshold' || v.kind === 'regression-exposure'))
  );
}

/** Runs the gate over every unit in scope. */
export function evaluateGate(input: GateInput): GateVerdict {
  const { policy } = input;
  const mode = policy.mode;
  const messages = [...(input.messages ?? [])];

  // Deviation notes from both sources, validated against the policy.
  const rawNotes: DeviationNote[] = [];
  if (input.pullRequestBody) rawNotes.push(...parsePullRequestNotes(input.pullRequestBody));
  for (const u of input.units) {
    for (const t of u.head?.texts ?? []) rawNotes.push(...parseUnitFileNotes(t.text, t.path, u.path));
  }
  const notes = rawNotes.map((n) => validateNote(n, policy.deviations, input.today));

  const results: UnitResult[] = [];
  let advised = 0;
  for (const u of input.units) {
    const result: UnitResult = {
      path: u.path,
      ...(u.previousPath ? { previousPath: u.previousPath } : {}),
      unitId:
        u.head?.settings?.unitId ??
        u.head?.unit?.id ??
        u.base?.settings?.unitId ??
        (u.path.split('/').at(-1) as string),
      profile: u.profile.name,
      threshold: u.profile.threshold,
      status: 'pass',
      violations: [],
      accepted: [],
      changes: [],
    };
    if (u.base?.assessment) result.base = scored(u.base.assessment);
    if (u.head?.assessment) result.head = scored(u.head.assessment);
    results.push(result);

    if (u.excluded) {
      result.status = 'excluded';
      result.note = u.excluded.reason;
      continue;
    }
    if (u.change === 'deleted' || !u.head) {
      result.status = 'deleted';
      result.note = 'the unit was removed';
      continue;
    }
    // Lines systemd ignores, on their line (errors when the unit cannot load).
    const phantoms = phantomViolations(result.unitId, u.head, u.base, input.systemd.version, mode);
    if (!u.head.assessment || !u.head.settings) {
      result.status = 'error';
      result.note = u.head.error ?? 'the unit could not be scored';
      const refused = refusal(u.head);
      result.violations.push({
        kind: 'load-error',
        check: 'load',
        directives: [],
        message: `${result.unitId}: systemd would refuse this unit: ${result.note}${refused.message ? ` (${refused.message})` : ''}`,
        location: refused.location,
        weight: 100,
        advisory: false,
      });
    } else {
      if (u.base?.assessment) result.changes = rowChanges(u.base, u.head);
      const profileViolations = evaluateProfile(u, u.head, input.systemd, mode === 'report');
      if (mode === 'ratchet') {
        // Ratchet: what the base already violated is reported, only new violations fail (a new unit
        // has no base, so all of its violations are new).
        const before = new Set(
          u.base?.assessment && u.base.settings
            ? evaluateProfile(u, u.base, input.systemd, true).map((v) => `${v.kind}\0${v.check}`)
            : [],
        );
        for (const v of profileViolations) v.advisory = before.has(`${v.kind}\0${v.check}`);
      }
      result.violations.push(...profileViolations);
      if (u.base?.assessment) result.violations.push(...evaluateRegression(u, policy, result.changes));
      if (u.head.unit && result.violations.length > 0 && advised++ >= MAX_UNITS_WITH_FIXES)
        withoutFixes(result.violations);
      else if (u.head.unit)
        adviseFixes(
          result.violations,
          { unit: u.head.unit, systemd: input.systemd, overrides: overridesOf(policy), profile: u.profile },
          result.changes,
          u.base?.assessment?.exposure,
        );
      const signoff = evaluateSignoff(u, input);
      result.violations.push(...signoff.violations);
      messages.push(...signoff.approvedMessages);
    }
    result.violations.push(...phantoms);

    // Apply the unit's deviation notes: invalid ones fail the unit, valid ones accept what they cover.
    const unitNotes = notes.filter((n) => noteMatchesUnit(n, u));
    for (const n of unitNotes.filter((n) => n.problems.length > 0)) {
      result.violations.push({
        kind: 'invalid-deviation',
        check: n.check ?? 'deviation',
        directives: [],
        message: `${result.unitId}: deviation note${n.check ? ` for ${n.check}` : ''} is not valid: ${n.problems.join('; ')}`,
        location: n.location ?? fallbackLocation(u.head),
        weight: 10,
        advisory: false,
      });
    }
    const valid = unitNotes.filter((n) => n.problems.length === 0);
    const open: Violation[] = [];
    for (const v of result.violations) {
      const note =
        v.kind === 'invalid-deviation' || v.kind === 'load-error'
          ? undefined
          : valid.find((n) => noteCovers(n, v));
      if (note) result.accepted.push({ violation: v, note } satisfies AcceptedDeviation);
      else open.push(v);
    }
    // The exposure rise is the sum of the rows that got worse: when notes accept every one of those
    // rows, they accept the rise too.
    const rise = open.find((v) => v.kind === 'regression-exposure');
    const rowsAccepted = result.accepted.filter((a) => a.violation.kind === 'regression-row');
    if (rise && rowsAccepted.length > 0 && !open.some((v) => v.kind === 'regression-row')) {
      result.accepted.push({ violation: rise, note: (rowsAccepted[0] as AcceptedDeviation).note });
      open.splice(open.indexOf(rise), 1);
    }
    result.violations = open.sort((a, b) => b.weight - a.weight);
    const failing = open.some((v) => !v.advisory);
    let status: UnitStatus = failing ? 'fail' : result.accepted.length > 0 ? 'accepted' : 'pass';
    if (result.status === 'error') status = 'error';
    result.status = status;
  }

  for (const n of notes) {
    if (!input.units.some((u) => noteMatchesUnit(n, u))) {
      messages.push(
        `A deviation note names ${n.unit || '(no unit)'}, which is not a unit this change touches.`,
      );
    }
  }

  const heads = results.map((r) => r.head?.exposure).filter((e): e is number => e !== undefined);
  const anyFailure = results.some((r) => r.status === 'fail' || r.status === 'error');
  return {
    result: mode === 'report' ? 'pass' : anyFailure ? 'fail' : 'pass',
    mode,
    systemdVersion: input.systemd.version,
    ...(heads.length > 0 ? { maxExposure: Math.max(...heads) } : {}),
    units: results,
    notes,
    ...latestExpiryOf(input.today, policy.deviations.maxExpiryDays),
    messages,
  };
}
