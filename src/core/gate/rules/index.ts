// The policy rules, in the order the gate runs them (a unit's violations keep this order before they
// are sorted by weight). A new rule is one module here, one line below and its profile key in
// policies/schema.json; its violation kind and its key's place in the profile type are derived from
// here. The registry test (rules/index.test.ts) checks it has a kind, texts, a schema key and a test
// table.
import type { FixPlanners } from '../../advice/verify-fixes';
import { PROFILE_OWN_RULE_KEYS } from '../../policy/policy-types';
import { FIRST_VIOLATION_KINDS, type ViolationKind } from '../gate-types';
import { allowedAddressFamiliesRule } from './allowed-address-families';
import { allowedCapabilitiesRule } from './allowed-capabilities';
import { forbiddenDirectivesRule } from './forbidden-directives';
import type { PolicyRule } from './policy-rule';
import { requiredDirectivesRule } from './required-directives';
import { thresholdRule } from './threshold';

export const POLICY_RULES = [
  thresholdRule,
  requiredDirectivesRule,
  allowedCapabilitiesRule,
  allowedAddressFamiliesRule,
  forbiddenDirectivesRule,
] as const;

/** The kinds a policy rule reports. */
export type RuleKind = (typeof POLICY_RULES)[number]['kind'];

/** The profile keys of the rules, e.g. `threshold`, `allowedCapabilities`. */
export type RulePolicyKey = (typeof POLICY_RULES)[number]['policyKey'];

/**
 * The rules' keys that hold a list of strings (`allowedCapabilities`, `forbiddenDirectives`…): every
 * rule's key but those `Profile` types itself. `Profile` and `ProfileDocument` get one optional
 * `string[]` for each (policy-types.ts), and policies/schema.json annotates each (`x-unitgate-list`).
 */
export type RuleListKey = Exclude<RulePolicyKey, (typeof PROFILE_OWN_RULE_KEYS)[number]>;

/**
 * Every violation kind, in the order SARIF rule indices follow: the frozen first kinds (gate-types.ts),
 * then the kind of each rule registered since, in registry order.
 */
export const VIOLATION_KINDS: readonly ViolationKind[] = [
  ...FIRST_VIOLATION_KINDS,
  ...POLICY_RULES.map((r) => r.kind).filter(
    (kind) => !(FIRST_VIOLATION_KINDS as readonly string[]).includes(kind),
  ),
];

const BY_KIND: ReadonlyMap<ViolationKind, PolicyRule> = new Map(POLICY_RULES.map((r) => [r.kind, r]));

/** The rule that reports `kind`, or undefined for kinds the gate decides itself (regressions, notes…). */
export function ruleOfKind(kind: ViolationKind): PolicyRule | undefined {
  return BY_KIND.get(kind);
}

/** Each rule's fix planner by kind, for advice/verify-fixes.ts. */
export const FIX_PLANNERS: FixPlanners = new Map(
  POLICY_RULES.flatMap((r) => (r.fix ? [[r.kind, r.fix] as const] : [])),
);
