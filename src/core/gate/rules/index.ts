// The policy rules, in the order the gate runs them (a unit's violations keep this order before they
// are sorted by weight). A new rule is one module here and one line below; the registry test
// (rules/index.test.ts) checks it has a kind, texts, a schema key and a test table.
import type { FixPlanners } from '../../advice/verify-fixes';
import type { ViolationKind } from '../gate-types';
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

const BY_KIND: ReadonlyMap<ViolationKind, PolicyRule> = new Map(POLICY_RULES.map((r) => [r.kind, r]));

/** The rule that reports `kind`, or undefined for kinds the gate decides itself (regressions, notes…). */
export function ruleOfKind(kind: ViolationKind): PolicyRule | undefined {
  return BY_KIND.get(kind);
}

/** Each rule's fix planner by kind, for advice/verify-fixes.ts. */
export const FIX_PLANNERS: FixPlanners = new Map(
  POLICY_RULES.flatMap((r: PolicyRule) => (r.fix ? [[r.kind, r.fix] as const] : [])),
);
