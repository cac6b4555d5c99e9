// The gate's policy, as validated from `.github/unitgate.json` (schema: policies/schema.json) and
// merged with the built-in profiles. Everything the gate decides comes from these values.
import type { SystemdVersion } from '../security/versions';
import type { AssessorOverride } from '../security/security-policy';
import type { RuleListKey } from '../gate/gate-types';

/** Where the policy file lives when no other path is given (the action's `policy` input, `--policy`). */
export const DEFAULT_POLICY_PATH = '.github/unitgate.json';

export type GateMode = 'enforce' | 'report' | 'ratchet';

/** How strict each mode is: enforce fails on every violation, ratchet on new ones, report never. */
export const MODE_STRICTNESS: Readonly<Record<GateMode, number>> = { report: 0, ratchet: 1, enforce: 2 };
export type DeviationSource = 'pr-body' | 'unit-file';
export type DeviationField = 'reason' | 'owner' | 'expires' | 'ticket' | 'check';

/**
 * The profile keys of the two policy rules whose values `Profile` types itself (a number; requirements
 * that load-policy merges with `removeDirectives`). Every other rule's key is a list of strings
 * (`RuleListKey`, from the registry in gate/rules/index.ts).
 */
export const PROFILE_OWN_RULE_KEYS = ['threshold', 'requiredDirectives'] as const;

/**
 * The list of each policy rule that has one, e.g. `allowedCapabilities` (capabilities the unit may keep;
 * undefined = not checked) or `forbiddenDirectives` (directives it must not set). policies/schema.json
 * describes each and says how it is inherited and compared (`x-unitgate-list`, policy/profile-lists.ts).
 */
export type RuleLists = { [K in RuleListKey]?: string[] };

/** A hardened template for one kind of service (the article's template matrix). */
export interface Profile extends RuleLists {
  name: string;
  description: string;
  /** Highest allowed exposure on systemd's 0…100 scale (50 = 5.0); fail when strictly greater. */
  threshold: number;
  /** `Directive=value` requirements, e.g. `NoNewPrivileges=yes`, `ProtectSystem=strict`. */
  requiredDirectives: string[];
  /** Who may approve deviation notes for this profile's units, besides `deviations.owners`. */
  owners?: string[];
}

export interface UnitAssignment {
  /** Glob over repository paths (`*`, `**`, `?`), or a unit name glob. */
  match: string;
  profile: string;
}

export interface Exclusion {
  match: string;
  reason: string;
}

export interface SignoffRule {
  /** Directives whose change needs approval, e.g. `SystemCallFilter`. */
  directives: string[];
  /** GitHub users (`@alice`) or teams (`@org/team`) whose approving review counts. */
  approvers: string[];
}

export interface DeviationPolicy {
  /**
   * GitHub users (`@alice`) and teams (`@org/team`) who may approve deviation notes of every unit. With
   * none here and none on the unit's profile, no note is accepted.
   */
  owners: string[];
  sources: DeviationSource[];
  requiredFields: DeviationField[];
  /** Longest allowed distance between today and `expires`, in days. */
  maxExpiryDays: number;
  /**
   * How many days before `expires` a scheduled run lists a unit file's note as expiring (expired ones
   * are always listed): the warning comes while there is time to renew the note or fix the unit.
   */
  expiryWarningDays: number;
}

export interface RegressionRule {
  /** Fail when the unit's overall exposure rises compared with the base commit. */
  exposure: boolean;
  /** Fail when any single assessor row gets worse (higher badness) compared with the base commit. */
  rows: boolean;
}

/**
 * The kinds of difference `unitgate drift` finds between a host and the repository (policies/schema.json,
 * `drift.fail`); append-only, as SARIF keys its rules on them.
 */
export const DRIFT_KINDS = [
  'exposure-increase',
  'exposure-decrease',
  'row-worse',
  'host-only-file',
  'changed-file',
  'missing-file',
  'unreadable-file',
  'unit-error',
  'version-difference',
  'unknown-unit',
  'engine-disagreement',
] as const;
export type DriftKind = (typeof DRIFT_KINDS)[number];

/** A host-only drop-in accepted on purpose (`drift.allowHostDropIns`). */
export interface HostDropInAllowance {
  /** Glob over the drop-in's path on the host. */
  match: string;
  reason: string;
  owner?: string;
  /** YYYY-MM-DD: the last day it is accepted. */
  expires?: string;
}

export interface DriftPolicy {
  /** The kinds that fail; `unreadable-file` is always among them. */
  fail: DriftKind[];
  allowHostDropIns: HostDropInAllowance[];
}

export interface GatePolicy {
  /** Where the policy came from (a path, or `built-in baseline`). */
  source: string;
  /**
   * The primary release: the one reports, the trend and suggestions lead with (the gate's `systemd`).
   * Always one of `systemdVersions`.
   */
  systemdVersion: SystemdVersion;
  /**
   * Every release the gate scores each unit for (a mixed fleet), oldest first; `[systemdVersion]` when
   * the policy names one. A unit fails when it fails on any of them.
   */
  systemdVersions: SystemdVersion[];
  mode: GateMode;
  /** Profile used for units no assignment matches. */
  defaultProfile: string;
  profiles: Map<string, Profile>;
  units: UnitAssignment[];
  exclude: Exclusion[];
  regression: RegressionRule;
  deviations: DeviationPolicy;
  signoff: SignoffRule[];
  /** Unit file name suffixes the gate scores (default: `.service`). */
  unitTypes: string[];
  /** Assessor overrides in systemd's --security-policy format, keyed by json_field. */
  assessorOverrides: Map<string, AssessorOverride>;
  /** What `unitgate drift` fails on. */
  drift: DriftPolicy;
}

/** A profile as written in a policy file or policies/profiles/*.json (threshold on the 0.0–10.0 scale). */
export interface ProfileDocument extends RuleLists {
  extends?: string;
  description?: string;
  threshold?: number;
  requiredDirectives?: string[];
  /** Directive names to drop from the parent profile's requiredDirectives. */
  removeDirectives?: string[];
  owners?: string[];
}

/** One assessor override as written in the file: systemd's --security-policy field names. */
export interface AssessorOverrideDocument {
  weight?: number;
  range?: number;
  description_good?: string;
  description_bad?: string;
  description_na?: string;
}

/** The policy file as written (policies/schema.json); every key is optional. */
export interface PolicyDocument {
  $schema?: string;
  systemdVersion?: SystemdVersion;
  systemdVersions?: SystemdVersion[];
  mode?: GateMode;
  threshold?: number;
  defaultProfile?: string;
  profiles?: Record<string, ProfileDocument>;
  units?: UnitAssignment[];
  exclude?: Exclusion[];
  regression?: Partial<RegressionRule>;
  deviations?: Partial<DeviationPolicy>;
  signoff?: SignoffRule[];
  unitTypes?: string[];
  assessorOverrides?: Record<string, AssessorOverrideDocument>;
  drift?: { fail?: DriftKind[]; allowHostDropIns?: HostDropInAllowance[] };
}
