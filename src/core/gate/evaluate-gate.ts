// The gate: compares each changed unit at head with the base commit and with its profile, applies
// owner-approved deviation notes and sign-off, and decides pass/fail. Pure: every input (scores, texts,
// reviews, the pull request's facts, today's date) is a value.
import type { Assignment, Diagnostic, SourceLocation } from '../unit/parse-unit-file';
import type { LoadedUnit } from '../unit/load-unit';
import type { SecuritySettings } from '../security/settings';
import type { Assessment, AssessedRow } from '../security/assess';
import type { SystemdRelease } from '../security/versions';
import type { GatePolicy, Profile } from '../policy/policy-types';
import { isExcluded, resolveProfile, type ProfileResolution } from '../policy/resolve-profile';
import { directivesOfAssessor } from '../security/assessor-knowledge';
import { formatExposure } from '../security/render-security';
import { fixForRow, mergeFixes } from '../advice/fixes';
import { adviseFixes, MAX_UNITS_WITH_FIXES, withoutFixes } from '../advice/verify-fixes';
import type { SecurityPolicy } from '../security/security-policy';
import { baseLocation, lastApplied, rowChangeLocation } from './locations';
import { parsePullRequestNotes, parseUnitFileNotes, validateNote } from './deviation-notes';
import { phantomViolations, refusal } from './phantom-settings';
import { FIX_PLANNERS, POLICY_RULES, VIOLATION_KINDS } from './rules';
import type { RuleContext } from './rules/policy-rule';
import type { RunFinding } from './gate-types';
import type { PolicyDifference } from '../policy/compare-policies';
import { listVersions } from '../security/versions';
import type {
  AcceptedDeviation,
  DeviationNote,
  Fix,
  GateVerdict,
  ReleaseScore,
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

/** One more release of a mixed fleet: the unit's sides as that release loads and scores them. */
export interface ReleaseSides {
  systemd: SystemdRelease;
  readonly head?: UnitSide | undefined;
  readonly base?: UnitSide | undefined;
}

export interface GateUnitInput {
  path: string;
  previousPath?: string;
  change: 'added' | 'modified' | 'renamed' | 'deleted' | 'policy';
  /**
   * Ignored: the gate chooses the profile itself from the policy and both sides' files (see
   * decideProfile), so that a pull request cannot pick its own. Kept for callers that still set it.
   */
  profile?: Profile;
  /** Ignored, like `profile`. */
  profileSource?: string;
  excluded?: { reason: string };
  head?: UnitSide;
  base?: UnitSide;
  /**
   * A mixed fleet: the unit on each release the policy scores besides the primary (`head` and `base`
   * are the primary's). A release the policy lists and this lacks fails the unit: it was not scored.
   */
  releases?: ReleaseSides[];
}

/**
 * One review of the pull request (the shell may pass every review, or each reviewer's latest one). A
 * review without `state`, `commitId` or `submittedAt` never counts as an approval.
 */
export interface Approval {
  login: string;
  /** `org/team` slugs the reviewer belongs to (as far as the token could see). */
  teams: string[];
  /** The commit the review was submitted on (`commit_id`). */
  commitId?: string;
  /** ISO 8601 time the review was submitted (`submitted_at`). */
  submittedAt?: string;
  /** `APPROVED`, `CHANGES_REQUESTED`, `COMMENTED`, `DISMISSED` or `PENDING`. */
  state?: string;
}

/** What the gate must know of a pull request to judge who approved what (see GateInput). */
export type PullRequestFacts = Pick<
  GateInput,
  'author' | 'headCommitAuthors' | 'headSha' | 'bodyEditedAt' | 'unreadableTeams'
>;

export interface GateInput {
  /** The policy of the base branch: profiles, globs, owners and sign-off come from it alone. */
  policy: GatePolicy;
  systemd: SystemdRelease;
  units: GateUnitInput[];
  pullRequestBody?: string;
  /** Reviews of the pull request (see Approval). */
  approvals: Approval[];
  /** Login of the pull request's author: never an approver of their own change. */
  author?: string;
  /**
   * Logins of the head commit's author and committer (the pusher of the change): never approvers.
   * Undefined when unknown, and then no approval counts.
   */
  headCommitAuthors?: string[];
  /** The pull request's head commit: only approvals submitted on it count. */
  headSha?: string;
  /**
   * ISO 8601 time of the description's last edit. Notes in the description count only with an approval
   * submitted after it; unknown, they cannot be verified and do not count.
   */
  bodyEditedAt?: string;
  /** `org/team` slugs whose members the token could not read: approvals through them do not count. */
  unreadableTeams?: string[];
  /** The policy file as the change proposes it, compared with the base policy (see comparePolicies). */
  policyChange?: { path: string; differences: PolicyDifference[] };
  /** YYYY-MM-DD, the day deviation expiry is judged against. */
  today: string;
  messages?: string[];
  /**
   * `unitgate check` before a pull request exists (no reviews): with `pending`, a valid note whose owner
   * the policy names is accepted as pending (DeviationNote.pendingApproval says what approval it needs)
   * rather than failing; with `required` it fails, saying what approval it needs. The action never
   * sets it: there a note counts only once approved.
   */
  awaitApproval?: 'pending' | 'required';
}

function fallbackLocation(side: UnitSide | undefined): SourceLocation {
  return side?.settings?.typeSection ?? { file: side?.path ?? '', line: 1, column: 1 };
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

/**
 * The assessor rows whose badness differs between two scored sides, each with the line that moved it,
 * biggest movements first. The gate compares base and head; the trend compares consecutive releases.
 */
export function rowChanges(base: UnitSide, head: UnitSide): RowChange[] {
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

/** The unit at head against its profile: every policy rule of the registry, in its order. */
function evaluateProfile(
  profile: Profile,
  head: UnitSide,
  systemd: SystemdRelease,
  advisory: boolean,
): Violation[] {
  const ctx: RuleContext = {
    profile,
    head,
    settings: head.settings as SecuritySettings,
    assessment: head.assessment as Assessment,
    systemd,
    fallback: fallbackLocation(head),
    advisory,
  };
  return POLICY_RULES.flatMap((rule) => rule.check(ctx));
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

const TEAM_PERMISSION =
  'the token needs `members: read` (GitHub App token) or `read:org` (personal access token) to read team members';

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** Each reviewer's latest review that states a verdict (a later comment does not withdraw an approval). */
function latestReviews(approvals: Approval[]): Approval[] {
  const latest = new Map<string, Approval>();
  const time = (a: Approval): number => Date.parse(a.submittedAt ?? '') || 0;
  const ordered = approvals
    .map((a, i) => ({ a, i }))
    .sort((x, y) => time(x.a) - time(y.a) || x.i - y.i)
    .map((x) => x.a);
  for (const a of ordered) {
    if (a.state === 'COMMENTED' || a.state === 'PENDING') continue;
    latest.set(a.login.toLowerCase(), a);
  }
  return [...latest.values()];
}

interface ApprovalCheck {
  /** `@olivia`, or `@olivia (@acme/security)` when the owner is a team. */
  by?: string;
  /** Why no review counted, one reason per reviewer or owner. */
  reasons: string[];
}

/**
 * Whether one of `owners` approved the pull request's current head: the reviewer's latest review is
 * APPROVED on `headSha`, the reviewer is neither the author nor an author/committer of the head commit,
 * and (with `after`) the review was submitted after that time.
 */
function ownerApproval(
  owners: readonly string[],
  input: GateInput,
  after?: { time: string | undefined; what: string },
): ApprovalCheck {
  const { author, headSha, headCommitAuthors } = input;
  if (author === undefined || headSha === undefined || headCommitAuthors === undefined) {
    return {
      reasons: [
        "the pull request's author, head commit and head commit authors are not known, so no approval can be verified",
      ],
    };
  }
  if (after && after.time === undefined) {
    return {
      reasons: [`the time of ${after.what}'s last edit is unknown, so no approval can be shown to cover it`],
    };
  }
  const editedAt = after?.time !== undefined ? Date.parse(after.time) : undefined;
  const reviews = latestReviews(input.approvals);
  const reasons: string[] = [];
  for (const owner of owners) {
    const name = owner.replace(/^@/, '');
    const team = name.includes('/');
    const candidates = reviews.filter((r) =>
      team ? r.teams.some((t) => same(t, name)) : same(r.login, name),
    );
    for (const r of candidates) {
      const who = `@${r.login}`;
      if (same(r.login, author)) reasons.push(`${who} is the pull request's author`);
      else if (headCommitAuthors.some((a) => same(a, r.login)))
        reasons.push(`${who} authored or committed the head commit`);
      else if (r.state !== 'APPROVED')
        reasons.push(`${who}'s latest review is ${r.state ?? 'of unknown state'}, not an approval`);
      else if (r.commitId !== headSha)
        reasons.push(
          `${who} approved ${r.commitId ? `commit ${r.commitId.slice(0, 7)}` : 'an unknown commit'}, not the head ${headSha.slice(0, 7)}`,
        );
      else if (editedAt !== undefined && !(Date.parse(r.submittedAt ?? '') > editedAt))
        reasons.push(`${who} approved before ${after?.what ?? 'it'} was last edited`);
      else return { by: team ? `${who} (${owner})` : who, reasons: [] };
    }
    if (candidates.length > 0) continue;
    if (team && (input.unreadableTeams ?? []).some((t) => same(t, name)))
      reasons.push(`the members of ${owner} could not be read: ${TEAM_PERMISSION}`);
    else reasons.push(`no review from ${owner}`);
  }
  return { reasons };
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
    // The unit files are part of the head commit: an approval of the head covers them.
    const check = ownerApproval(rule.approvers, input);
    const id = u.head?.settings?.unitId ?? u.path;
    if (check.by) {
      approvedMessages.push(`${id}: change to ${changed.join(', ')} approved by ${check.by}`);
      continue;
    }
    const where = lastApplied(u.head?.settings, changed);
    violations.push({
      kind: 'signoff-required',
      check: changed[0] as string,
      directives: changed,
      message: `${id}: ${changed.map((d) => `${d}=`).join(', ')} changed; the policy requires an approving review of the head commit from ${rule.approvers.join(
        ' or ',
      )} (${check.reasons.join('; ')}); a deviation note cannot replace it`,
      location: where ? locate(where) : fallbackLocation(u.head ?? u.base),
      weight: 50,
      advisory: false,
    });
  }
  return { violations, approvedMessages };
}

/** The unit names a note may use for `u`: its unit id at head and base, and its file names. */
function namesOf(u: GateUnitInput): string[] {
  const names = [
    u.head?.settings?.unitId,
    u.head?.unit?.id,
    u.base?.settings?.unitId,
    u.base?.unit?.id,
    u.path.split('/').at(-1),
    u.previousPath?.split('/').at(-1),
  ];
  return [...new Set(names.filter((n): n is string => !!n))];
}

/**
 * The units a note names: by repository path (current or previous), else by unit name. A name shared by
 * several units in scope (`deploy/a/api.service`, `deploy/b/api.service`) matches all of them, and the
 * note is then ambiguous.
 */
function noteTargets(note: DeviationNote, units: GateUnitInput[]): GateUnitInput[] {
  const target = note.unit.replace(/^\.\//, '');
  if (!target) return [];
  const byPath = units.filter((u) => target === u.path || target === u.previousPath);
  if (byPath.length > 0) return byPath;
  return units.filter((u) => namesOf(u).includes(target));
}

/** Names a note's `check:` may use: assessors, directives, `exposure` and violation kinds. */
function checkNames(
  policy: GatePolicy,
  releases: readonly (SystemdRelease | undefined)[],
): { names: string[]; byName: Map<string, string> } {
  const names = new Set<string>(['exposure', ...VIOLATION_KINDS]);
  const byName = new Map<string, string>();
  for (const a of releases.flatMap((r) => r?.data.assessors ?? [])) {
    names.add(a.jsonField);
    const name = a.name.replace(/=$/, '');
    names.add(name);
    byName.set(name, a.jsonField);
    for (const d of directivesOfAssessor(a)) names.add(d);
  }
  for (const p of policy.profiles.values())
    for (const rule of POLICY_RULES) for (const d of rule.checkNames(p)) names.add(d);
  for (const rule of policy.signoff) for (const d of rule.directives) names.add(d);
  return { names: [...names].sort(), byName };
}

/** Kinds no note can accept: the unit cannot be judged, a note is broken, or an owner must sign off. */
const NEVER_WAIVED = new Set<string>([
  'invalid-deviation',
  'load-error',
  'signoff-required',
  'unknown-profile',
]);

function noteCovers(note: DeviationNote, v: Violation, byName: Map<string, string>): boolean {
  if (NEVER_WAIVED.has(v.kind) || note.check === undefined || note.check === '') return false;
  const c = note.check.replace(/=$/, '');
  return (
    c === v.check ||
    c === v.kind ||
    byName.get(c) === v.check ||
    v.directives.includes(c) ||
    (c === 'exposure' && (v.kind === 'threshold' || v.kind === 'regression-exposure'))
  );
}

/** The name of a unit's side, as globs and profile comments see it. */
function sideName(side: UnitSide, path: string): string {
  return side.unit?.id ?? side.settings?.unitId ?? (path.split('/').at(-1) as string);
}

function describeResolution(r: Exclude<ProfileResolution, { error: string }>): string {
  if (r.how === 'comment')
    return `'${r.profile.name}' by the comment at ${r.location?.file ?? '?'}:${r.location?.line ?? '?'}`;
  if (r.how === 'glob') return `'${r.profile.name}' by the policy's \`units\` match '${r.match ?? ''}'`;
  return `'${r.profile.name}' (the policy's default profile)`;
}

interface ProfileDecision {
  /** The profile that governs unless a note accepts `changedTo`. */
  profile: Profile;
  /** The profile at head when it differs from the base's (a profile-change violation says so). */
  changedTo?: Profile;
  violations: Violation[];
}

/**
 * The unit's profile under the base policy. A unit that exists at base keeps the profile it had there
 * (its base comment, else the policy's `units` globs, else the default); a different profile at head —
 * a comment added, changed or removed, or a move to a path another glob matches — is a `profile-change`
 * that only an owner-approved note accepts. A new unit takes its profile from the globs: its profile
 * comment was written by the pull request, so it is ignored and reported. A comment naming no profile of
 * the policy is an error on either side, never a fallback to the default.
 */
function decideProfile(u: GateUnitInput, policy: GatePolicy): ProfileDecision {
  const violations: Violation[] = [];
  const id = u.head ? sideName(u.head, u.path) : u.base ? sideName(u.base, u.previousPath ?? u.path) : u.path;
  const unknown = (r: { error: string; location: SourceLocation }, side: string): void => {
    violations.push({
      kind: 'unknown-profile',
      check: 'profile',
      directives: [],
      message: `${id}: ${r.error}${side}; the gate does not fall back to the default profile`,
      location: r.location,
      weight: 100,
      advisory: false,
    });
  };
  const byGlob = (side: UnitSide, path: string): Profile => {
    const r = resolveProfile(policy, path, sideName(side, path), []);
    return (r as Exclude<ProfileResolution, { error: string }>).profile;
  };
  const headPath = u.path;
  const basePath = u.previousPath ?? u.path;
  const head = u.head
    ? resolveProfile(policy, headPath, sideName(u.head, headPath), u.head.texts)
    : undefined;
  const base = u.base
    ? resolveProfile(policy, basePath, sideName(u.base, basePath), u.base.texts)
    : undefined;

  if (!u.base || !base) {
    const glob = byGlob(u.head as UnitSide, headPath);
    if (head && 'error' in head) unknown(head, ' (written by this pull request)');
    else if (head?.how === 'comment') {
      violations.push({
        kind: 'profile-change',
        check: 'profile-change',
        directives: [],
        message: `${id}: the profile comment added by this pull request is ignored: a new unit takes its profile from the policy, which gives '${glob.name}'${
          head.profile.name !== glob.name ? ` (the comment asks for '${head.profile.name}')` : ''
        }; to assign a profile, add a \`units\` entry to the policy`,
        location: head.location as SourceLocation,
        weight: 1,
        advisory: true,
      });
    }
    return { profile: glob, violations };
  }
  if ('error' in base) unknown(base, ' (at the base commit)');
  if (head && 'error' in head) unknown(head, '');
  if ('error' in base || !head || 'error' in head) {
    const profile = !('error' in base)
      ? base.profile
      : head && !('error' in head)
        ? head.profile
        : byGlob(u.base, basePath);
    return { profile, violations };
  }
  if (head.profile.name === base.profile.name) return { profile: base.profile, violations };
  const location = head.how === 'comment' && head.location ? head.location : fallbackLocation(u.head);
  violations.push({
    kind: 'profile-change',
    check: 'profile-change',
    directives: [],
    message: `${id}: the profile changes from ${describeResolution(base)} at the base commit to ${describeResolution(
      head,
    )}; '${base.profile.name}' governs until an owner-approved deviation note with \`check: profile-change\` accepts the change`,
    location,
    weight: 20,
    advisory: false,
  });
  return { profile: base.profile, changedTo: head.profile, violations };
}

/** What approval a valid note still needs to count (see GateInput.awaitApproval). */
function approvalNeeded(n: DeviationNote): string {
  const owner = n.owner ?? '';
  const who = owner.includes('/') ? `a member of ${owner}` : owner;
  return `an approving review by ${who} of the pull request's head commit${
    n.source === 'pr-body' ? ' after the description was last edited' : ''
  } (not by its author or the pusher of that commit)`;
}

/** A violation a note accepts: approved, or (local checks) pending that approval. */
function acceptance(violation: Violation, note: DeviationNote): AcceptedDeviation {
  if (note.approvedBy !== undefined) return { violation, note, acceptedBy: note.approvedBy };
  return {
    violation,
    note,
    acceptedBy: `${note.owner ?? 'an owner'} (pending approval)`,
    pendingApproval: note.pendingApproval as string,
  };
}

/** A unit's owners: the policy's `deviations.owners` and its profile's `owners`. */
function ownersFor(policy: GatePolicy, profile: Profile): string[] {
  return [...new Set([...policy.deviations.owners, ...(profile.owners ?? [])])];
}

/** systemd would not load (or not score) the unit: nothing else about it can be judged. */
function loadErrorViolation(unitId: string, note: string, head: UnitSide): Violation {
  const refused = refusal(head);
  return {
    kind: 'load-error',
    check: 'load',
    directives: [],
    message: `${unitId}: systemd would refuse this unit: ${note}${refused.message ? ` (${refused.message})` : ''}`,
    location: refused.location,
    weight: 100,
    advisory: false,
  };
}

/** A finding's identity across releases: the same words on the same line are one finding. */
function findingKey(v: Violation): string {
  const l = v.location;
  return [v.kind, v.check, v.message, l.file, l.line, l.column, l.side ?? 'head'].join('\0');
}

/** "api.service on systemd 257: …": the releases a finding holds for, where the reader starts. */
function tagReleases(v: Violation, unitId: string, versions: number[]): void {
  v.systemdVersions = versions;
  const on = `on systemd ${listVersions(versions)}`;
  v.message = v.message.startsWith(`${unitId}: `)
    ? `${unitId} ${on}: ${v.message.slice(unitId.length + 2)}`
    : `${v.message} (${on})`;
}

interface FleetContext {
  unitId: string;
  primary: SystemdRelease;
  /** Every release the policy scores, oldest first. */
  versions: readonly number[];
  profile: Profile;
  policy: GatePolicy;
  /** Whether fixes are still computed for this unit (MAX_UNITS_WITH_FIXES). */
  withFixes: boolean;
}

/**
 * A mixed fleet: the unit judged on every other release as on the primary one (its lines systemd
 * ignores, the profile's rules, regressions against the same release's base). A finding every
 * release makes alike is said once; one that holds for some releases only names them (its message
 * too). Returns the findings the primary release did not make, and every release's scores.
 */
function judgeOtherReleases(
  u: GateUnitInput,
  onPrimary: readonly Violation[],
  ctx: FleetContext,
): { violations: Violation[]; scores: ReleaseScore[] } {
  const { unitId, policy, profile } = ctx;
  const mode = policy.mode;
  const holds = new Map<string, { v: Violation; versions: number[] }>();
  for (const v of onPrimary) {
    const key = findingKey(v);
    if (!holds.has(key)) holds.set(key, { v, versions: [ctx.primary.version] });
  }
  const scores: ReleaseScore[] = [
    {
      systemdVersion: ctx.primary.version,
      ...(u.base?.assessment ? { base: scored(u.base.assessment) } : {}),
      ...(u.head?.assessment ? { head: scored(u.head.assessment) } : {}),
    },
  ];
  const fresh: Violation[] = [];
  for (const version of ctx.versions) {
    if (version === ctx.primary.version) continue;
    const sides = u.releases?.find((r) => r.systemd.version === version);
    const head = sides?.head;
    const base = sides?.base;
    const found: Violation[] = [];
    let changes: RowChange[] = [];
    if (!sides || !head) {
      // The shell scores every release the policy lists; one it did not is never taken as a pass.
      found.push({
        kind: 'load-error',
        check: 'load',
        directives: [],
        message: `${unitId}: the unit was not scored on systemd ${version}, one of the policy's systemdVersions`,
        location: fallbackLocation(u.head),
        weight: 100,
        advisory: false,
      });
    } else if (!head.assessment || !head.settings) {
      found.push(loadErrorViolation(unitId, head.error ?? 'the unit could not be scored', head));
    } else {
      if (base?.assessment) changes = rowChanges(base, head);
      const profileViolations = evaluateProfile(profile, head, sides.systemd, mode === 'report');
      if (mode === 'ratchet') {
        const before = new Set(
          base?.assessment && base.settings
            ? evaluateProfile(profile, base, sides.systemd, true).map((v) => `${v.kind}\0${v.check}`)
            : [],
        );
        for (const v of profileViolations) v.advisory = before.has(`${v.kind}\0${v.check}`);
      }
      found.push(...profileViolations);
      if (base?.assessment) found.push(...evaluateRegression({ ...u, head, base }, policy, changes));
    }
    if (head) found.push(...phantomViolations(unitId, head, base, version, mode));
    scores.push({
      systemdVersion: version,
      ...(base?.assessment ? { base: scored(base.assessment) } : {}),
      ...(head?.assessment ? { head: scored(head.assessment) } : {}),
    });

    const added: Violation[] = [];
    for (const v of found) {
      const key = findingKey(v);
      const known = holds.get(key);
      if (known) {
        if (!known.versions.includes(version)) known.versions.push(version);
        continue;
      }
      holds.set(key, { v, versions: [version] });
      added.push(v);
    }
    // Fixes for what this release alone found, verified by re-scoring on this release.
    if (added.length > 0 && head?.unit && head.assessment) {
      if (ctx.withFixes)
        adviseFixes(
          added,
          {
            unit: head.unit,
            systemd: sides?.systemd ?? ctx.primary,
            overrides: overridesOf(policy),
            profile,
          },
          changes,
          base?.assessment?.exposure,
          FIX_PLANNERS,
        );
      else withoutFixes(added, FIX_PLANNERS);
    }
    fresh.push(...added);
  }
  for (const { v, versions } of holds.values()) {
    if (versions.length < ctx.versions.length)
      tagReleases(
        v,
        unitId,
        [...versions].sort((a, b) => a - b),
      );
  }
  return { violations: fresh, scores: scores.sort((a, b) => a.systemdVersion - b.systemdVersion) };
}

/** Runs the gate over every unit in scope. */
export function evaluateGate(input: GateInput): GateVerdict {
  const { policy } = input;
  const mode = policy.mode;
  const messages = [...(input.messages ?? [])];
  // A mixed fleet's other releases (the primary is input.systemd).
  const otherVersions = policy.systemdVersions.filter((v) => v !== input.systemd.version);
  const checks = checkNames(policy, [
    input.systemd,
    ...otherVersions.map(
      (v) => input.units.flatMap((u) => u.releases ?? []).find((r) => r.systemd.version === v)?.systemd,
    ),
  ]);

  // Deviation notes from both sources, validated against the policy.
  const rawNotes: DeviationNote[] = [];
  if (input.pullRequestBody) rawNotes.push(...parsePullRequestNotes(input.pullRequestBody));
  for (const u of input.units) {
    for (const t of u.head?.texts ?? []) rawNotes.push(...parseUnitFileNotes(t.text, t.path, u.path));
  }
  const notes = rawNotes.map((n) => validateNote(n, policy.deviations, input.today, checks.names));
  // Each note belongs to one unit: a name several units share makes it ambiguous (and it fails the first).
  const noteUnit = new Map<DeviationNote, GateUnitInput>();
  for (const n of notes) {
    const targets = noteTargets(n, input.units);
    if (targets.length > 1) {
      n.problems.push(
        `unit "${n.unit}" is ambiguous: ${targets.length} units in this change have that name (${targets
          .map((t) => t.path)
          .join(', ')}); name the unit by its repository path`,
      );
    }
    if (targets[0]) noteUnit.set(n, targets[0]);
  }
  let ownerlessNotes = false;

  const results: UnitResult[] = [];
  let advised = 0;
  for (const u of input.units) {
    const decision = decideProfile(u, policy);
    const owners = ownersFor(policy, decision.profile);

    // The unit's notes: invalid ones fail it; valid ones count once an owner approved them.
    const unitNotes = notes.filter((n) => noteUnit.get(n) === u);
    for (const n of unitNotes) {
      if (n.problems.length > 0) continue;
      if (owners.length === 0) {
        ownerlessNotes = true;
        n.unapproved = 'the policy names no deviation owners';
        continue;
      }
      if (!owners.some((o) => same(o, n.owner ?? ''))) {
        n.problems.push(
          `owner ${n.owner ?? '(none)'} is not one of the owners the base policy names for this unit (${owners.join(', ')})`,
        );
        continue;
      }
      const check = ownerApproval(
        [n.owner as string],
        input,
        n.source === 'pr-body'
          ? { time: input.bodyEditedAt, what: 'the pull request description' }
          : undefined,
      );
      if (check.by) n.approvedBy = check.by;
      else if (input.awaitApproval === 'pending') n.pendingApproval = approvalNeeded(n);
      else if (input.awaitApproval === 'required') n.unapproved = `it needs ${approvalNeeded(n)}`;
      else n.unapproved = check.reasons.join('; ');
    }
    const approved = unitNotes.filter(
      (n) => n.problems.length === 0 && (n.approvedBy !== undefined || n.pendingApproval !== undefined),
    );
    const profileAccepted =
      decision.changedTo !== undefined &&
      approved.some((n) => decision.violations.some((v) => noteCovers(n, v, checks.byName)));
    const profile = profileAccepted ? (decision.changedTo as Profile) : decision.profile;

    const result: UnitResult = {
      path: u.path,
      ...(u.previousPath ? { previousPath: u.previousPath } : {}),
      unitId:
        u.head?.settings?.unitId ??
        u.head?.unit?.id ??
        u.base?.settings?.unitId ??
        (u.path.split('/').at(-1) as string),
      profile: profile.name,
      threshold: profile.threshold,
      status: 'pass',
      violations: [],
      accepted: [],
      changes: [],
    };
    if (u.base?.assessment) result.base = scored(u.base.assessment);
    if (u.head?.assessment) result.head = scored(u.head.assessment);
    results.push(result);

    // Moving a gated unit to a path the policy excludes takes it out of the gate: a profile change too.
    const basePath = u.previousPath ?? u.path;
    const movedIntoExclusion =
      u.excluded !== undefined &&
      u.base !== undefined &&
      u.head !== undefined &&
      !isExcluded(policy, basePath, sideName(u.base, basePath));
    if (u.excluded && !movedIntoExclusion) {
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
    // What the primary release found that another release may find otherwise (a mixed fleet).
    const onPrimary: Violation[] = [...phantoms];
    if (movedIntoExclusion) {
      result.violations.push({
        kind: 'profile-change',
        check: 'profile-change',
        directives: [],
        message: `${result.unitId}: moved from ${basePath}, gated as '${decision.profile.name}', to ${u.path}, which the policy excludes (${
          u.excluded?.reason ?? ''
        }); that fails until an owner-approved deviation note with \`check: profile-change\` accepts the change`,
        location: fallbackLocation(u.head),
        weight: 20,
        advisory: false,
      });
    } else {
      result.violations.push(...decision.violations);
    }
    // A unit moved into an exclusion is judged by the notes for its move alone (accepted, it is excluded).
    if (movedIntoExclusion) {
      /* nothing to score */
    } else if (!u.head.assessment || !u.head.settings) {
      result.status = 'error';
      result.note = u.head.error ?? 'the unit could not be scored';
      const loadError = loadErrorViolation(result.unitId, result.note, u.head);
      result.violations.push(loadError);
      onPrimary.push(loadError);
    } else {
      if (u.base?.assessment) result.changes = rowChanges(u.base, u.head);
      const profileViolations = evaluateProfile(profile, u.head, input.systemd, mode === 'report');
      if (mode === 'ratchet') {
        // Ratchet: what the base already violated is reported, only new violations fail (a new unit
        // has no base, so all of its violations are new).
        const before = new Set(
          u.base?.assessment && u.base.settings
            ? evaluateProfile(profile, u.base, input.systemd, true).map((v) => `${v.kind}\0${v.check}`)
            : [],
        );
        for (const v of profileViolations) v.advisory = before.has(`${v.kind}\0${v.check}`);
      }
      result.violations.push(...profileViolations);
      onPrimary.push(...profileViolations);
      if (u.base?.assessment) {
        const regressions = evaluateRegression(u, policy, result.changes);
        result.violations.push(...regressions);
        onPrimary.push(...regressions);
      }
      if (u.head.unit && result.violations.length > 0 && advised++ >= MAX_UNITS_WITH_FIXES)
        withoutFixes(result.violations, FIX_PLANNERS);
      else if (u.head.unit)
        adviseFixes(
          result.violations,
          { unit: u.head.unit, systemd: input.systemd, overrides: overridesOf(policy), profile },
          result.changes,
          u.base?.assessment?.exposure,
          FIX_PLANNERS,
        );
      const signoff = evaluateSignoff(u, input);
      result.violations.push(...signoff.violations);
      messages.push(...signoff.approvedMessages);
    }
    result.violations.push(...phantoms);
    if (otherVersions.length > 0 && !movedIntoExclusion) {
      const fleet = judgeOtherReleases(u, onPrimary, {
        unitId: result.unitId,
        primary: input.systemd,
        versions: policy.systemdVersions,
        profile,
        policy,
        withFixes: advised <= MAX_UNITS_WITH_FIXES,
      });
      result.violations.push(...fleet.violations);
      result.releases = fleet.scores;
    }

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
    const pending = unitNotes.filter((n) => n.problems.length === 0 && n.unapproved !== undefined);
    const open: Violation[] = [];
    for (const v of result.violations) {
      const note = approved.find((n) => noteCovers(n, v, checks.byName));
      if (note) {
        result.accepted.push(acceptance(v, note));
        continue;
      }
      const waiting = pending.find((n) => noteCovers(n, v, checks.byName));
      if (waiting) {
        v.message += ` (a deviation note for ${waiting.check} is not accepted: ${waiting.unapproved})`;
      }
      open.push(v);
    }
    // The exposure rise is the sum of the rows that got worse: when notes accept every one of those
    // rows, they accept the rise too.
    const rise = open.find((v) => v.kind === 'regression-exposure');
    const rowsAccepted = result.accepted.filter((a) => a.violation.kind === 'regression-row');
    if (rise && rowsAccepted.length > 0 && !open.some((v) => v.kind === 'regression-row')) {
      // Pending while any of those rows is: the rise counts only once every note is approved.
      const first =
        rowsAccepted.find((a) => a.pendingApproval !== undefined) ?? (rowsAccepted[0] as AcceptedDeviation);
      result.accepted.push({ ...first, violation: rise });
      open.splice(open.indexOf(rise), 1);
    }
    result.violations = open.sort((a, b) => b.weight - a.weight);
    const failing = open.some((v) => !v.advisory);
    let status: UnitStatus = failing ? 'fail' : result.accepted.length > 0 ? 'accepted' : 'pass';
    if (result.status === 'error') status = 'error';
    result.status = status;
  }

  if (ownerlessNotes) {
    messages.push(
      "Deviation notes are not accepted: the base policy names no deviation owners. Set `deviations.owners` (or a profile's `owners`) in the policy to the users or teams who may approve them.",
    );
  }
  for (const n of notes) {
    if (
      n.problems.length === 0 &&
      n.unapproved !== undefined &&
      n.unapproved !== 'the policy names no deviation owners'
    ) {
      messages.push(
        `The deviation note for ${n.unit}${n.check ? ` (${n.check})` : ''} is not accepted: ${n.unapproved}.`,
      );
    }
    if (!noteUnit.has(n)) {
      messages.push(
        `A deviation note names ${n.unit || '(no unit)'}, which is not a unit this change touches.`,
      );
    }
  }

  const runFindings = evaluatePolicyChange(input, messages);
  const heads = results.map((r) => r.head?.exposure).filter((e): e is number => e !== undefined);
  const anyFailure =
    results.some((r) => r.status === 'fail' || r.status === 'error') ||
    runFindings.some((f) => f.level === 'error');
  return {
    result: mode === 'report' ? 'pass' : anyFailure ? 'fail' : 'pass',
    mode,
    systemdVersion: input.systemd.version,
    ...(policy.systemdVersions.length > 1 ? { systemdVersions: [...policy.systemdVersions] } : {}),
    ...(heads.length > 0 ? { maxExposure: Math.max(...heads) } : {}),
    units: results,
    notes,
    ...latestExpiryOf(input.today, policy.deviations.maxExpiryDays),
    messages,
    ...(runFindings.length > 0 ? { runFindings } : {}),
  };
}

/**
 * A change to the policy file: every difference is said, and one that loosens the gate for later pull
 * requests needs an approving review of the head commit from the base policy's deviation owners.
 */
function evaluatePolicyChange(input: GateInput, messages: string[]): RunFinding[] {
  const change = input.policyChange;
  if (!change || change.differences.length === 0) return [];
  const lines = change.differences.map(
    (d) => `${d.path}: ${d.before} → ${d.after}${d.loosens ? ' (looser)' : ''}`,
  );
  const looser = change.differences.filter((d) => d.loosens);
  if (looser.length === 0) {
    messages.push(`This change tightens ${change.path}:\n${lines.join('\n')}`);
    return [];
  }
  const owners = input.policy.deviations.owners;
  const check =
    owners.length > 0
      ? ownerApproval(owners, input)
      : { reasons: ['the base policy names no deviations.owners who could approve it'] };
  if (check.by) {
    messages.push(`The loosening of ${change.path} was approved by ${check.by}:\n${lines.join('\n')}`);
    return [];
  }
  // A local check cannot see reviews: like a note, the loosening is pending there unless approval is required.
  const pending = input.awaitApproval === 'pending' && owners.length > 0;
  return [
    {
      kind: 'policy-loosened',
      level: pending ? 'warning' : 'error',
      message: `This change loosens ${change.path} for every later pull request (${looser
        .map((d) => d.path)
        .join(', ')}); it needs an approving review of the head commit from ${
        owners.length > 0 ? owners.join(' or ') : 'an owner'
      } (${check.reasons.join('; ')}).\n${lines.join('\n')}`,
    },
  ];
}
