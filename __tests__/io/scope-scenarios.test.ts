// The scope stage's scenarios (__tests__/scenarios/08.0[1-4]-*, 08.21-*) run through the pipeline
// over real git commits, until the in-process scenario runner covers every scenario: the verdict,
// every finding (unit, file, line, kind, level) and the messages each one expects.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { builtInPolicy } from '../../src/core/policy/load-policy';
import { commitSource, runGatePipeline } from '../../src/io/gate-pipeline';
import { diffNames } from '../../src/io/git';
import { makeGitRepo, type FileTree } from '../e2e/make-git-repo';

const ROOT = join(__dirname, '..', 'scenarios');
const IDS = readdirSync(ROOT).filter((n) => /^08\.(0[1-4]|21)-/.test(n));

interface Scenario {
  symlinks?: { base?: Record<string, string>; head?: Record<string, string> };
  expect: {
    result: 'pass' | 'fail';
    findings: Array<Record<string, string | number>>;
    messages?: string[];
  };
}

function readSide(dir: string, root = dir, out: FileTree = {}): FileTree {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) readSide(p, root, out);
    else out[relative(root, p)] = readFileSync(p, 'utf8');
  }
  return out;
}

it.each(IDS)('%s', async (id) => {
  const scenario = JSON.parse(readFileSync(join(ROOT, id, 'scenario.json'), 'utf8')) as Scenario;
  const side = (name: 'base' | 'head'): FileTree => {
    const files = readSide(join(ROOT, id, name));
    for (const [p, target] of Object.entries(scenario.symlinks?.[name] ?? {})) files[p] = { symlink: target };
    return files;
  };
  const repo = await makeGitRepo(side('base'), side('head'), { shallow: false, checkout: 'head' });
  try {
    const messages: string[] = [];
    const { verdict } = runGatePipeline({
      head: await commitSource(repo.workspace, repo.headSha),
      base: await commitSource(repo.workspace, repo.baseSha),
      changed: await diffNames(repo.workspace, repo.baseSha, repo.headSha),
      policy: builtInPolicy(),
      approvals: [],
      today: '2026-12-06',
      messages,
    });
    expect(verdict.result).toBe(scenario.expect.result);
    const findings = verdict.units.flatMap((u) =>
      u.violations.map((v) => ({
        unit: u.path,
        file: v.location.file,
        line: v.location.line,
        kind: v.kind,
        level: v.advisory ? 'warning' : 'error',
      })),
    );
    expect(findings).toHaveLength(scenario.expect.findings.length);
    // Each expected finding matches a distinct finding of the run.
    const left = [...findings];
    for (const want of scenario.expect.findings) {
      const i = left.findIndex((f) => Object.entries(want).every(([k, v]) => f[k as keyof typeof f] === v));
      expect({ unmatched: want, i }).not.toEqual({ unmatched: want, i: -1 });
      left.splice(i, 1);
    }
    const log = [...verdict.messages, ...verdict.units.map((u) => u.note ?? '')].join('\n');
    for (const m of scenario.expect.messages ?? []) expect(log).toContain(m);
  } finally {
    await repo.cleanup();
  }
});
