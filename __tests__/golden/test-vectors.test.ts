// Replays systemd's recorded test vectors (real `systemd-analyze security --offline=true` runs of
// 252.38, 257.13 and 262 on hand-written units, see __tests__/fixtures/README.md) through the core, in
// memory: load → derive → assess, with and without a --security-policy=. Every row is checked.
import { memoryTree } from '../../src/core/unit/unit-tree';
import { loadUnit } from '../../src/core/unit/load-unit';
import { isTemplateName, replaceInstance } from '../../src/core/unit/unit-name';
import { deriveSecuritySettings } from '../../src/core/security/settings';
import { assessUnit, type Assessment } from '../../src/core/security/assess';
import { renderJson } from '../../src/core/security/render-security';
import { parseSecurityPolicy, type SecurityPolicy } from '../../src/core/security/security-policy';
import { systemdRelease } from '../../src/core/security/versions';
import { readGzipJson, RECORDED_VERSIONS, type RecordedVersion } from './load-fixtures';

/** [json_field, set, badness (null = not applicable), exposure, description, weight, range] */
type Row = [string, boolean | null, number | null, string | null, string | null, number, number];

interface VectorCase {
  name: string;
  /** The file name passed to systemd-analyze (a template is analysed as an instance). */
  unit: string;
  /** Unit file and drop-ins, relative to the one scratch directory the unit was analysed in. */
  files: Record<string, string>;
  rc: number;
  exposure?: number;
  level?: string;
  unit_id?: string;
  rows?: Row[];
  /** Policy cases only: the key of `policies`. */
  policy?: string;
}

interface VectorFile {
  systemd: string;
  cases: VectorCase[];
  policies?: Record<string, unknown>;
}

const DIR = '/scratch';

type Outcome = { rc: 1; why: string } | { rc: 0; assessment: Assessment };

function replay(version: RecordedVersion, c: VectorCase, policy?: SecurityPolicy): Outcome {
  const profile = systemdRelease(version);
  const tree = memoryTree(
    Object.fromEntries(Object.entries(c.files).map(([p, text]) => [`${DIR}/${p}`, text])),
  );
  const name = isTemplateName(c.unit) ? replaceInstance(c.unit, profile.traits.templateInstance) : c.unit;
  const loaded = loadUnit(tree, name, { searchPath: [DIR] });
  if (!loaded.ok) return { rc: 1, why: loaded.failure.message };
  const derived = deriveSecuritySettings(loaded.unit, profile);
  if (!derived.settings) return { rc: 1, why: derived.failure?.message ?? 'no settings' };
  return { rc: 0, assessment: assessUnit(derived.settings, profile, policy) };
}

function rowsOf(a: Assessment): Row[] {
  return a.rows.map((r) => [
    r.assessor.jsonField,
    r.set,
    r.badness ?? null,
    r.exposure,
    r.description,
    r.weight,
    r.range,
  ]);
}

function check(version: RecordedVersion, c: VectorCase, policy?: SecurityPolicy): void {
  const got = replay(version, c, policy);
  if (c.rc !== 0) {
    expect(got.rc).toBe(c.rc);
    return;
  }
  if (got.rc !== 0) throw new Error(`${c.name}: systemd scored it (rc 0), unitgate failed: ${got.why}`);
  const a = got.assessment;
  // Row by row (order, set, badness ⇔ N/A, exposure, description, weight, range), then the totals.
  expect(rowsOf(a)).toEqual(c.rows);
  expect(a.exposure).toBe(c.exposure);
  expect(a.level.name).toBe(c.level);
  if (c.unit_id !== undefined) expect(a.unitId).toBe(c.unit_id);
  // The JSON renderer prints the same rows (set, json_field, description, exposure), in the same order.
  const json = JSON.parse(renderJson(a, 'short')) as { json_field: string; set: boolean | null }[];
  expect(json.map((o) => [o.json_field, o.set])).toEqual((c.rows as Row[]).map((r) => [r[0], r[1]]));
}

describe.each(RECORDED_VERSIONS)('systemd %s test vectors', (version) => {
  const system = readGzipJson<VectorFile>('test-vectors', `system-${version}.json.gz`);
  const policies = readGzipJson<VectorFile>('test-vectors', `policy-${version}.json.gz`);

  it('were recorded with the version they claim', () => {
    expect(system.systemd).toMatch(new RegExp(`^systemd ${version}\\b`));
    expect(policies.systemd).toMatch(new RegExp(`^systemd ${version}\\b`));
    expect(system.cases.length).toBeGreaterThanOrEqual(170);
    expect(policies.cases.length).toBe(28);
  });

  it.each(system.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    check(version, c);
  });

  it.each(policies.cases.map((c) => [`${c.policy} × ${c.name}`, c] as const))('policy %s', (_name, c) => {
    const text = JSON.stringify((policies.policies as Record<string, unknown>)[c.policy as string]);
    const parsed = parseSecurityPolicy(
      text,
      `${c.policy}.json`,
      systemdRelease(version).traits.securityPolicyRejectsNonObject,
    );
    if (!parsed.ok) throw new Error(parsed.message);
    check(version, c, parsed.policy);
  });
});
