// `unitgate check --format codequality` and `--format junit` over real git repositories: a clean
// change, a weakened line, a removed line, a drop-in and non-ASCII paths and text. Every report is
// checked against the committed references (schemas/reference/) and says the check and the line.
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runCliAsync } from '../../src/cli';
import type { CodeQualityIssue } from '../../src/core/report/code-quality';
import { runGit } from '../e2e/make-git-repo';
import {
  describeWithXmllint,
  expectValidCodeQuality,
  expectValidJunit,
  xpathString,
} from '../core/report/reference-schemas';

const HARD = '[Service]\nExecStart=/usr/bin/api\nProtectSystem=strict\nPrivateTmp=yes\nNoNewPrivileges=yes\n';

interface Scenario {
  /** Files of the feature branch's commit over `base`. */
  head: Record<string, string>;
  base?: Record<string, string>;
  exitCode: number;
  /** `path:line` of each Code Quality issue, in order. */
  issues: string[];
  /** The failed testcase's name and its failure message (none: every testcase passes). */
  failed?: { unit: string; message: RegExp };
}

const SCENARIOS: Record<string, Scenario> = {
  'a clean change (hardening)': {
    head: { 'deploy/api.service': HARD + 'ProtectHome=yes\n' },
    exitCode: 0,
    issues: [],
  },
  'a weakened line': {
    head: { 'deploy/api.service': HARD.replace('ProtectSystem=strict', 'ProtectSystem=no') },
    exitCode: 1,
    // The exposure rise and the row, both on the line that caused them.
    issues: ['deploy/api.service:3', 'deploy/api.service:3'],
    failed: {
      unit: 'deploy/api.service',
      message:
        /^exposure at deploy\/api\.service:3: api\.service: exposure rose .*`ProtectSystem=no`.* \(and 1 more\)$/,
    },
  },
  'a removed line': {
    head: { 'deploy/api.service': HARD.replace('PrivateTmp=yes\n', '') },
    exitCode: 1,
    // On head's file (the line is gone), the base line named in the text.
    issues: ['deploy/api.service:1', 'deploy/api.service:1'],
    failed: {
      unit: 'deploy/api.service',
      message:
        /^exposure at deploy\/api\.service:4 \(removed line, at the base commit\): .*`PrivateTmp=yes` removed/,
    },
  },
  'a drop-in': {
    head: { 'deploy/api.service.d/override.conf': '[Service]\nProtectSystem=no\n' },
    exitCode: 1,
    issues: ['deploy/api.service.d/override.conf:2', 'deploy/api.service.d/override.conf:2'],
    failed: {
      unit: 'deploy/api.service',
      message: /^exposure at deploy\/api\.service\.d\/override\.conf:2: /,
    },
  },
  'non-ASCII paths and text': {
    base: { 'déploiement/größe/api.service': HARD },
    head: {
      'déploiement/größe/api.service': HARD.replace(
        'ProtectSystem=strict',
        'ProtectSystém=strict # schützt /usr',
      ),
    },
    exitCode: 1,
    // The phantom setting on its line; the rows it no longer protects at the head anchor.
    issues: [
      'déploiement/größe/api.service:3',
      'déploiement/größe/api.service:1',
      'déploiement/größe/api.service:1',
    ],
    failed: {
      unit: 'déploiement/größe/api.service',
      message:
        /^ProtectSystém at déploiement\/größe\/api\.service:3: .*did you mean ProtectSystem=\?.*\(and 2 more\)$/,
    },
  },
};

let root: string;
const repos = new Map<string, string>();

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'unitgate-check-reports-'));
  for (const [name, s] of Object.entries(SCENARIOS)) {
    const dir = join(root, `r${repos.size}`);
    await mkdir(dir);
    const write = async (files: Record<string, string>) => {
      for (const [path, text] of Object.entries(files)) {
        await mkdir(dirname(join(dir, path)), { recursive: true });
        await writeFile(join(dir, path), text);
      }
    };
    await runGit(dir, ['init', '-q', '-b', 'main']);
    await write(s.base ?? { 'deploy/api.service': HARD });
    await runGit(dir, ['add', '-A']);
    await runGit(dir, ['commit', '-q', '-m', 'base']);
    await runGit(dir, ['checkout', '-q', '-b', 'feature']);
    await write(s.head);
    await runGit(dir, ['add', '-A']);
    await runGit(dir, ['commit', '-q', '-m', 'head']);
    repos.set(name, dir);
  }
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function check(name: string, format: string) {
  const r = await runCliAsync(['check', '--cached', '--base', 'main', '--format', format], {
    cwd: repos.get(name) ?? '',
    env: {},
    stdoutIsTTY: false,
    today: '2026-01-01',
  });
  // Which base and policy were used goes to stderr: the report on stdout stays clean.
  expect(r.stderr).toMatch(/^base: [0-9a-f]{12}, where HEAD forked from main/);
  return r;
}

describe('unitgate check --format codequality', () => {
  it.each(Object.keys(SCENARIOS))('%s', async (name) => {
    const s = SCENARIOS[name] as Scenario;
    const r = await check(name, 'codequality');
    expect(r.exitCode).toBe(s.exitCode);
    expectValidCodeQuality(r.stdout);
    const issues = JSON.parse(r.stdout) as CodeQualityIssue[];
    expect(issues.map((i) => `${i.location.path}:${i.location.lines.begin}`)).toEqual(s.issues);
    for (const i of issues) expect(i.severity).toBe('major');
  });

  it('names a removed line at the base commit in the text', async () => {
    const issues = JSON.parse((await check('a removed line', 'codequality')).stdout) as CodeQualityIssue[];
    expect(issues[0]?.description).toContain('(removed line deploy/api.service:4 at the base commit)');
  });

  it('keeps non-ASCII text', async () => {
    const issues = JSON.parse(
      (await check('non-ASCII paths and text', 'codequality')).stdout,
    ) as CodeQualityIssue[];
    expect(issues.map((i) => i.description).join('\n')).toContain('ProtectSystém');
  });
});

describeWithXmllint('unitgate check --format junit', () => {
  it.each(Object.keys(SCENARIOS))('%s', async (name) => {
    const s = SCENARIOS[name] as Scenario;
    const r = await check(name, 'junit');
    expect(r.exitCode).toBe(s.exitCode);
    expectValidJunit(r.stdout);
    expect(xpathString(r.stdout, 'count(//testcase)')).toBe('1');
    expect(xpathString(r.stdout, 'count(//testcase[failure])')).toBe(s.failed ? '1' : '0');
    if (s.failed) {
      expect(xpathString(r.stdout, 'string(//testcase[failure]/@name)')).toBe(s.failed.unit);
      expect(xpathString(r.stdout, 'string(//failure/@message)')).toMatch(s.failed.message);
    }
  });
});
