// The registry of policy rules: every rule has a kind the gate knows, its texts, a key in the policy
// schema and a test table of its own, and kinds and names are not shared.
import { existsSync } from 'node:fs';
import path from 'node:path';
import schema from '../../../../policies/schema.json';
import { FIRST_VIOLATION_KINDS } from '../../../../src/core/gate/gate-types';
import { FIX_PLANNERS, POLICY_RULES, ruleOfKind, VIOLATION_KINDS } from '../../../../src/core/gate/rules';
import { PROFILE_OWN_RULE_KEYS } from '../../../../src/core/policy/policy-types';
import { PROFILE_LISTS } from '../../../../src/core/policy/profile-lists';

/** `allowedAddressFamilies` → `allowed-address-families`: the module and its test are named for the key. */
const fileOf = (key: string): string => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

describe('policy rule registry', () => {
  it.each(POLICY_RULES.map((r) => [r.kind, r] as const))('%s is complete', (kind, rule) => {
    expect(VIOLATION_KINDS).toContain(kind);
    expect(ruleOfKind(kind)).toBe(rule);
    expect(FIX_PLANNERS.get(kind)).toBe(rule.fix);
    expect(rule.title).toMatch(/^[A-Z][^.]*[^.\s]$/);
    expect(rule.sarif.name).toMatch(/^[A-Z][A-Za-z]+$/);
    expect(rule.sarif.full).toMatch(/^\S.*\.$/);
    expect(rule.sarif.help).toMatch(/^\S.*\.$/);
    // Its key is a profile key of the schema, documented (docs/policy.md is generated from it).
    const property = (schema.definitions.profile.properties as Record<string, { description?: string }>)[
      rule.policyKey
    ];
    expect(property?.description).toEqual(expect.any(String));
    // The module and its test table are named for the key.
    const file = fileOf(rule.policyKey);
    expect(existsSync(path.join(__dirname, '../../../../src/core/gate/rules', `${file}.ts`))).toBe(true);
    expect(existsSync(path.join(__dirname, `${file}.test.ts`))).toBe(true);
  });

  it('gives each kind, policy key and SARIF name to one rule only', () => {
    for (const values of [
      POLICY_RULES.map((r) => r.kind),
      POLICY_RULES.map((r) => r.policyKey),
      POLICY_RULES.map((r) => r.sarif.name),
    ])
      expect(new Set(values).size).toBe(values.length);
  });

  it('lists the frozen first kinds, then the kinds of rules registered since, in registry order', () => {
    expect(VIOLATION_KINDS.slice(0, FIRST_VIOLATION_KINDS.length)).toEqual(FIRST_VIOLATION_KINDS);
    const first: readonly string[] = FIRST_VIOLATION_KINDS;
    const since = POLICY_RULES.map((r) => r.kind).filter((k) => !first.includes(k));
    expect(VIOLATION_KINDS.slice(FIRST_VIOLATION_KINDS.length)).toEqual(since);
    expect(new Set(VIOLATION_KINDS).size).toBe(VIOLATION_KINDS.length);
  });

  it("annotates exactly the rules' list keys in the schema's profile (x-unitgate-list)", () => {
    // Profile and ProfileDocument give each of these keys a string[] (RuleListKey); load-policy and
    // compare-policies handle the annotated ones: a key on one side only is a list nobody inherits or
    // compares, or one the types do not know.
    const own: readonly string[] = PROFILE_OWN_RULE_KEYS;
    const listKeys: string[] = POLICY_RULES.map((r) => r.policyKey).filter((k) => !own.includes(k));
    const annotated = PROFILE_LISTS.map((l) => l.key as string);
    expect({ notAnnotated: listKeys.filter((k) => !annotated.includes(k)) }).toEqual({ notAnnotated: [] });
    expect({ noRule: annotated.filter((k) => !listKeys.includes(k)) }).toEqual({ noRule: [] });
    // The keys the profile types itself are rules' keys, and no list.
    for (const key of own) {
      expect(POLICY_RULES.map((r) => r.policyKey)).toContain(key);
      expect(annotated).not.toContain(key);
    }
  });
});
