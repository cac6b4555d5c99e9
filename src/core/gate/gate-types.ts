// Values that flow from the gate to the reports: per-unit results, violations and accepted
// deviations, each tied to the file and line that caused it.
import type { SourceLocation } from '../unit/parse-unit-file';
import type { GateMode } from '../policy/policy-types';
// Types only: the rules import this module, and the registry derives the kinds at run time.
import type { RuleKind, RuleListKey } from './rules';

/**
 * The first violation kinds, frozen: never reorder, remove or append. SARIF rule indices and every
 * output so far follow this order. The complete list, `VIOLATION_KINDS` (gate/rules/index.ts), is these
 * then the kind of each policy rule registered since, in registry order; a new rule's kind comes from
 * its module, not from here.
 */
export const FIRST_VIOLATION_KINDS = [
  'threshold', // exposure above the profile's threshold
  'regression-exposure', // exposure rose compared with the base commit
  'regression-row', // one assessor row got worse compared with the base commit
  'missing-directive', // a directive the profile requires is missing or weaker
  'forbidden-capability', // a capability outside the profile's allowed set
  'forbidden-address-family', // an address family outside the profile's allowed set
  'signoff-required', // a guarded directive changed without an approving review
  'load-error', // systemd would refuse the unit at head
  'invalid-deviation', // a deviation note that is expired, incomplete or not allowed
  'phantom-setting', // a line systemd ignores: unknown key, key of a later version, wrong section, invalid value
  'profile-change', // the unit's profile differs from the base commit's, or a new unit's profile comment
  'unknown-profile', // a profile comment names no profile of the policy (never a silent default)
  'forbidden-directive', // a directive the profile forbids is set
] as const;

/** Every kind of violation: the first kinds and the kinds of the registered policy rules. */
export type ViolationKind = (typeof FIRST_VIOLATION_KINDS)[number] | RuleKind;

// The vocabulary the policy stage may read (it must not import the gate's rules themselves).
export type { RuleListKey };

export interface Fix {
  /** The lines to add, e.g. `ProtectSystem=strict`, ready to paste into `[Service]` or a drop-in. */
  directives: string[];
  /** One sentence a reviewer can read. */
  explanation: string;
  /**
   * The unit's exposure (0…100) with the lines applied as a last drop-in, re-scored by the engine: set
   * on every fix the gate verified (report/verify-fixes.ts), never estimated.
   */
  exposureAfter?: number;
}

/**
 * A finding's place. `side: 'base'` marks a line of the merge base (a removed line): renderers link
 * it at the base commit, and outputs that can only point at head (annotations, SARIF) use `headAnchor`.
 * Absent `side` means head.
 */
export interface FindingLocation extends SourceLocation {
  side?: 'base' | 'head';
  /** For a base location: where the removed line was, at head (its section header or file start). */
  headAnchor?: SourceLocation;
}

export interface Violation {
  kind: ViolationKind;
  /** The check this is about: an assessor json_field, a directive name, or `exposure`. */
  check: string;
  /** Directive names involved (for deviation matching and sign-off). */
  directives: string[];
  message: string;
  /**
   * Where it happened: the line that set a value (a base line when its removal is the cause), or the
   * `[Service]` header when one is missing.
   */
  location: FindingLocation;
  /** Exposure points (0…100 scale) this costs, for ordering; 0 when unknown. */
  weight: number;
  fix?: Fix;
  /**
   * What caused it, as the directive a fix changes (e.g. `ProtectSystem`): violations of one unit with
   * the same cause (a row regression, the exposure rise it drives, a missing requirement) share one
   * verified fix and are shown as one item. Absent for findings no directive causes.
   */
  cause?: string;
  /** Reported but not failing (profile rules in `report` and `ratchet` modes). */
  advisory: boolean;
  /**
   * A mixed fleet (the policy scores several releases): the releases it holds for, oldest first, when
   * not all of them (the message names them too). Absent when it holds for every scored release.
   */
  systemdVersions?: number[];
}

export interface DeviationNote {
  source: 'pr-body' | 'unit-file';
  unit: string;
  check?: string;
  reason?: string;
  owner?: string;
  expires?: string;
  ticket?: string;
  /** Where the note is written (unit-file notes), or undefined for the PR body. */
  location?: SourceLocation;
  /** Problems that make the note invalid (expired, missing fields, source not allowed…). */
  problems: string[];
  /** The owner approval that makes a valid note count: `@olivia`, or `@olivia (@acme/security)`. */
  approvedBy?: string;
  /** Why a valid note does not count (no owner approved the current head, …). */
  unapproved?: string;
  /**
   * Local checks only (GateInput.awaitApproval): the approval this valid note still needs. Such a note
   * is accepted as pending; in CI, without that approval, it is `unapproved`.
   */
  pendingApproval?: string;
}

export interface AcceptedDeviation {
  violation: Violation;
  note: DeviationNote;
  /** Who approved the note: `@olivia`, or `@olivia (@acme/security)` for a team owner. */
  acceptedBy: string;
  /** Set when no one approved the note yet (local checks only): the approval it needs. */
  pendingApproval?: string;
}

/** An assignment the base commit had and head no longer has (a removed or replaced directive line). */
export interface RemovedAssignment {
  /** The directive, e.g. `ProtectSystem`. */
  key: string;
  /** `Key=value` as systemd parsed it (continuations joined, whitespace around `=` stripped). */
  assignment: string;
  /** Where the line was at the base commit (repository path and line of the base side). */
  location: FindingLocation;
}

export interface RowChange {
  jsonField: string;
  name: string;
  baseBadness: number | undefined;
  headBadness: number | undefined;
  /** Exposure delta of this row on the 0…100 scale (head minus base share), may be 0. */
  delta: number;
  /**
   * The line that caused the change: the head line that was added or changed, or — when the cause is
   * a removed line — that line at base (`side: 'base'`).
   */
  location: FindingLocation;
  /** What changed, e.g. "`ProtectSystem=strict` removed". */
  summary: string;
  /**
   * Assignments of the row's directives that were at base and are not at head (compared as `Key=value`
   * per directive), in base order. Absent when nothing was removed. Suggestions restore these lines.
   */
  removed?: RemovedAssignment[];
}

export type UnitStatus = 'pass' | 'fail' | 'accepted' | 'excluded' | 'deleted' | 'error';

export interface ScoredSide {
  exposure: number;
  level: string;
  /** json_field → badness (undefined = N/A). */
  badness: Record<string, number | null>;
}

/** A unit's scores on one release of a mixed fleet. */
export interface ReleaseScore {
  systemdVersion: number;
  base?: ScoredSide;
  head?: ScoredSide;
}

export interface UnitResult {
  /** Repository path of the main unit file at head (or at base for deleted units). */
  path: string;
  /** Previous path when the unit was renamed. */
  previousPath?: string;
  unitId: string;
  profile: string;
  /** 0…100 scale. */
  threshold: number;
  base?: ScoredSide;
  head?: ScoredSide;
  status: UnitStatus;
  violations: Violation[];
  accepted: AcceptedDeviation[];
  changes: RowChange[];
  /** Why the unit is excluded, failed to load, etc. */
  note?: string;
  /**
   * A mixed fleet: the unit's scores on every release the policy scores, oldest first (`base`, `head`
   * and `changes` are the primary release's). Absent when one release is scored.
   */
  releases?: ReleaseScore[];
}

export interface GateVerdict {
  result: 'pass' | 'fail';
  mode: GateMode;
  /** The primary release (the policy's `systemdVersion`). */
  systemdVersion: number;
  /** A mixed fleet: every release scored, oldest first. Absent when one release is scored. */
  systemdVersions?: number[];
  /** Highest head exposure among scored units on the primary release (0…100), or undefined when none was scored. */
  maxExposure?: number;
  units: UnitResult[];
  /** Deviation notes found anywhere, valid or not. */
  notes: DeviationNote[];
  /** The latest `expires:` a deviation note may state (today + the policy's maxExpiryDays), YYYY-MM-DD. */
  latestExpiry?: string;
  /** Messages about the run itself (fallbacks, skipped writes). */
  messages: string[];
  /** Findings about the run rather than a unit (inputs that loosen the policy, globs that match nothing). */
  runFindings?: RunFinding[];
}

/** Findings about the run itself rather than one unit (its inputs, its scope). */
export const RUN_FINDING_KINDS = [
  'input-loosens-policy', // a workflow input tried to loosen the base branch's policy
  'paths-match-nothing', // a `paths` glob that matches no unit file (a typo filters out every unit)
  'scope-incomplete', // the changed files could not be verified
  'policy-loosened', // the change loosens the policy file for later pull requests without an owner's approval
] as const;

export type RunFindingKind = (typeof RUN_FINDING_KINDS)[number];

export interface RunFinding {
  kind: RunFindingKind;
  /** `error` fails the gate (in every mode but report), `warning` is said and does not. */
  level: 'error' | 'warning';
  message: string;
}
