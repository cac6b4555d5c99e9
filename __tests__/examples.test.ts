// The files people copy first stay true: examples/unitgate.json is a valid policy (read by the loader
// the gate uses), every example unit passes it under its profile on every supported systemd release
// (through the gate, in process), every built-in profile has an example, the example workflow is the
// README's and uses only the action's inputs, and the pre-commit hook leaves the scope to
// `unitgate check --cached`.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { BUILT_IN_PROFILES, formatPolicyError, loadPolicy } from '../src/core/policy/load-policy';
import type { GatePolicy } from '../src/core/policy/policy-types';
import { SUPPORTED_VERSIONS } from '../src/core/security/versions';
import { runGatePipeline } from '../src/io/gate-pipeline';
import { createRealTree } from '../src/io/node-unit-tree';

const ROOT = join(__dirname, '..');
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

function examplePolicy(): GatePolicy {
  const loaded = loadPolicy(read('examples/unitgate.json'), 'examples/unitgate.json');
  if (!loaded.ok) throw new Error(loaded.errors.map(formatPolicyError).join('\n'));
  return loaded.policy;
}

/** Each example unit file, by the profile its comment says it follows (the README's two included). */
const EXPECTED_PROFILES: Record<string, string> = {
  'examples/units/api.service': 'api-service',
  'examples/units/mail-worker.service': 'worker',
  'examples/units/backup-job.service': 'scheduler',
  'examples/units/worker.service': 'baseline',
  'examples/units/legacy.service': 'baseline',
};

describe('examples/unitgate.json', () => {
  it('is a valid policy', () => {
    expect(examplePolicy().systemdVersion).toBe(252);
  });

  it('an invalid copy is refused by the same loader (the test can fail)', () => {
    const broken = read('examples/unitgate.json').replace('"api-service"', '"api-servce"');
    const loaded = loadPolicy(broken, 'examples/unitgate.json');
    expect(loaded.ok).toBe(false);
  });

  it.each([...SUPPORTED_VERSIONS])('every example unit passes under its profile on systemd %s', (version) => {
    const paths = readdirSync(join(ROOT, 'examples/units')).map((name) => `examples/units/${name}`);
    // The units as they stand (base = head): a new unit's signed-off directives would need a review.
    const source = { tree: createRealTree(ROOT), paths };
    const { verdict } = runGatePipeline({
      head: source,
      base: source,
      policy: { ...examplePolicy(), systemdVersion: version },
      approvals: [],
      today: '2026-01-01',
      messages: [],
    });
    const scored = verdict.units.filter((u) => u.head !== undefined);
    const problems = scored
      .filter((u) => u.status !== 'pass')
      .map((u) => `${u.path}: ${u.status} ${u.violations.map((v) => v.message).join('; ')}`);
    expect(problems).toEqual([]);
    expect(verdict.result).toBe('pass');
    expect(Object.fromEntries(scored.map((u) => [u.path, u.profile]))).toEqual(EXPECTED_PROFILES);
  });

  it('has an example unit for every built-in profile', () => {
    expect([...new Set(Object.values(EXPECTED_PROFILES))].sort()).toEqual(
      [...BUILT_IN_PROFILES.keys()].sort(),
    );
  });
});

describe('examples/workflows/unitgate.yml', () => {
  const workflow = parse(read('examples/workflows/unitgate.yml')) as {
    jobs: Record<string, { steps: { uses?: string; with?: Record<string, unknown> }[] }>;
  };
  const action = parse(read('action.yml')) as { inputs: Record<string, unknown> };

  it('uses only inputs action.yml declares', () => {
    const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
    const gateSteps = steps.filter((s) => s.uses?.startsWith('unitgate/unitgate@'));
    expect(gateSteps.length).toBeGreaterThan(0);
    for (const step of gateSteps)
      for (const input of Object.keys(step.with ?? {})) expect(Object.keys(action.inputs)).toContain(input);
  });

  it("is the README's workflow", () => {
    const block = /```yaml\n(# \.github\/workflows\/unitgate\.yml\n[\s\S]*?)```/.exec(read('README.md'));
    expect(block).not.toBeNull();
    expect(parse(block?.[1] ?? '')).toEqual(workflow);
  });
});

describe('.pre-commit-hooks.yaml', () => {
  const hooks = parse(read('.pre-commit-hooks.yaml')) as Record<string, unknown>[];

  it('runs `unitgate check --cached` on every commit and passes no file names', () => {
    expect(hooks).toHaveLength(1);
    expect(hooks[0]).toMatchObject({
      id: 'unitgate',
      entry: 'unitgate check --cached',
      pass_filenames: false,
      always_run: true,
    });
    // A `files` filter would skip the hook for a commit that only changes a linked file.
    expect(hooks[0]).not.toHaveProperty('files');
    expect(hooks[0]).not.toHaveProperty('args');
  });
});
