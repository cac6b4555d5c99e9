// The gate's policy, as validated from `.github/unitgate.json` (schema: policies/schema.json) and
// merged with the built-in profiles. Everything the gate decides comes from these values.
import type { SystemdVersion } from '../security/versions';
import type { AssessorOverride } from '../security/security-policy';

/** Where the policy file lives when no other path is given (the action's `policy` input, `--policy`). */
export const DEFAULT_POLICY_PATH = '.github/unitgate.json';

export type GateMode = 'enforce' | 'report' | 'ratchet';

/** How strict each mode is: enforce fails on every violation, ratchet on new ones, report never. */
export const MODE_STRICTNESS: Readonly<Record<GateMode, number>> = { report: 0, ratchet: 1, enforce: 2 };
export type DeviationSource = 'pr-body' | 'unit-file';
export type DeviationField = 'reason' | 'owner' | 'expires' | 'ticket' | 'check';

/** A hardened template for one kind of service (the article's template matrix). */
export interface Profile {
  name: string;
  description: string;
  /** Highest allowed exposure on systemd's 0…100 scale (50 = 5.0); fail when strictly greater. */
  threshold: number;
  /** `Directive=value` requirements, e.g. `NoNewPrivileges=yes`, `ProtectSystem=strict`. */
  requiredDirectives: string[];
  /** Capabilities the unit may keep (bounding set and ambient set); undefined = not checked. */
  allowedCapabilities?: string[];
  /** Address families the unit may use; undefined = not checked. */
  allowedAddressFamilies?: string[];
  /** Directives the unit must not set: a name (any value) or `Directive=value`; undefined = not checked. */
  forbiddenDirectives?: string[];
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
}

export interface RegressionRule {
  /** Fail when the unit's overall exposure rises compared with the base commit. */
  exposure: boolean;
  /** Fail when any single assessor row gets worse (higher badness) compared with the base commit. */
  rows: boolean;
}

export interface GatePolicy {
  /** Where the policy came from (a path, or `built-in baseline`). */
  source: string;
  systemdVersion: SystemdVersion;
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
}

/** A profile as written in a policy file or policies/profiles/*.json (threshold on the 0.0–10.0 scale). */
export interface ProfileDocument {
  extends?: string;
  description?: string;
  threshold?: number;
  requiredDirectives?: string[];
  /** Directive names to drop from the parent profile's requiredDirectives. */
  removeDirectives?: string[];
  allowedCapabilities?: string[];
  allowedAddressFamilies?: string[];
  forbiddenDirectives?: string[];
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
}
