// The registry of policy rules: every rule has a kind the gate knows, its texts, a key in the policy
// schema and a test table of its own, and kinds and names are not shared.
import { existsSync } from 'node:fs';
import path from 'node:path';
import schema from '../../../../policies/schema.json';
import { VIOLATION_KINDS } from '../../../../src/core/gate/gate-types';
import { FIX_PLANNERS, POLICY_RULES, ruleOfKind } from '../../../../src/core/gate/rules';

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
});
