// What one policy rule is: a check of a unit at head against its profile, with everything the outputs
// say about it (title, SARIF texts) and how its fix is made, in one object (rules/index.ts lists them).
import type { SourceLocation } from '../../unit/parse-unit-file';
import type { SecuritySettings } from '../../security/settings';
import type { Assessment } from '../../security/assess';
import type { SystemdRelease } from '../../security/versions';
import type { Profile } from '../../policy/policy-types';
import type { FixPlanner } from '../../advice/verify-fixes';
import type { Violation } from '../gate-types';
import type { LocatedSide } from '../locations';
import type { DiagnosedSide } from '../phantom-settings';
import type { LoadedUnit } from '../../unit/load-unit';

/** What a rule's check reads: the unit at head, scored, and the profile that governs it. */
export interface RuleContext {
  profile: Profile;
  /** The unit at head (with what systemd logs loading it, for lines it ignores). */
  head: LocatedSide & DiagnosedSide & { unit?: LoadedUnit | undefined };
  settings: SecuritySettings;
  assessment: Assessment;
  systemd: SystemdRelease;
  /** Where a finding without a line of its own points: the `[Service]` header or the file's start. */
  fallback: SourceLocation;
  /** Whether the violations are reported without failing (`report` mode, or a ratchet's base run). */
  advisory: boolean;
}

/** The texts a SARIF rule is made of (report/sarif.ts renders them). */
export interface RuleSarifText {
  /** `ExposureAboveThreshold`: the rule's SARIF `name`. */
  name: string;
  /** The full description: what the rule found. */
  full: string;
  /** What to do about it (shown after the full description as **Fix:**). */
  help: string;
}

/**
 * A rule, its kind and its profile key as literal types: the registry (rules/index.ts) derives the
 * violation kinds (`ViolationKind`, `VIOLATION_KINDS`) and the profile's list keys (`RuleListKey`) from
 * them. Declare each rule's constant with this type written out (`PolicyRule<'forbidden-directive',
 * 'forbiddenDirectives'>`): inferring it would make the profile type depend on itself.
 */
export interface PolicyRule<K extends string = string, P extends string = string> {
  /** The violation kind the rule reports (rules/index.ts VIOLATION_KINDS; SARIF rule `unitgate/<kind>`). */
  kind: K;
  /**
   * The profile key in policies/schema.json that turns the rule on and configures it. Every key but
   * `threshold` and `requiredDirectives` (which `Profile` types and load-policy merges itself) holds a
   * list of strings; its schema annotations (`x-unitgate-list`, `x-unitgate-names`) say how it is
   * inherited, checked and compared (policy/profile-lists.ts), and `Profile` gets it as `string[]`.
   */
  policyKey: P;
  /** The directive names a deviation note's `check:` may use for this rule under `profile`. */
  checkNames(profile: Profile): string[];
  /** The short title every output shows, e.g. `Exposure above threshold`. */
  title: string;
  /** Whether titles name the finding's check too (`Required directive missing: ProtectSystem`). */
  titleNamesCheck: boolean;
  sarif: RuleSarifText;
  /** The unit at head against its profile: one violation per finding, each on the line that causes it. */
  check(ctx: RuleContext): Violation[];
  /**
   * How the verified fix is made (advice/verify-fixes.ts re-scores it). None for a rule whose finding no
   * added line can fix: its message says what to remove.
   */
  fix?: FixPlanner;
}

/** The lines the shell should point at: repository paths, not tree paths. */
export function pointAt(a: SourceLocation): SourceLocation {
  return { file: a.file, line: a.line, column: a.column };
}
