// The documented CI recipes, run for real: examples/ci/gitlab-ci.yml's jobs (their scripts, in the
// environment of a GitLab merge request pipeline and a checkout like GitLab's) and
// examples/ci/generic.sh (from a shallow clone), each against a git repository with a weakening and with
// a clean change. `unitgate` is a scratch bundle of the sources on PATH, standing in for the install
// step. The reports must exist, be valid against the references and the exit code must be the gate's.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { parse as parseYaml } from 'yaml';
import { makeGitRepo, runGit, type GitRepo } from './make-git-repo';
import { REPO_ROOT } from './run-action';
import {
  describeWithXmllint,
  expectValidCodeQuality,
  expectValidJunit,
  xpathString,
} from '../core/report/reference-schemas';

const HARD = '[Service]\nExecStart=/usr/bin/api\nProtectSystem=strict\nPrivateTmp=yes\nNoNewPrivileges=yes\n';
const BASE = { 'deploy/api.service': HARD };
const CHANGES = {
  weakening: { head: { 'deploy/api.service': HARD.replace('ProtectSystem=strict\n', '') }, exitCode: 1 },
  clean: { head: { 'deploy/api.service': HARD + 'ProtectHome=yes\n' }, exitCode: 0 },
};
type Change = keyof typeof CHANGES;

interface GitLabJob {
  rules?: { if?: string }[];
  variables?: Record<string, string>;
  before_script?: string[];
  script: string[];
  artifacts?: { when?: string; reports?: { codequality?: string; junit?: string } };
}
const gitlab = parseYaml(readFileSync(path.join(REPO_ROOT, 'examples/ci/gitlab-ci.yml'), 'utf8')) as Record<
  string,
  GitLabJob
>;
const GENERIC = path.join(REPO_ROOT, 'examples/ci/generic.sh');

let scratch: string;
/** PATH with the scratch `unitgate` first. */
let PATH: string;
const repos: GitRepo[] = [];

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'unitgate-ci-recipes-'));
  const bin = path.join(scratch, 'bin');
  await mkdir(bin);
  // The CLI bundled whole (its review commands included), as the package's `unitgate` runs it.
  await build({
    entryPoints: [path.join(REPO_ROOT, 'src/cli.ts')],
    outfile: path.join(scratch, 'cli.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'error',
  });
  await writeFile(
    path.join(bin, 'unitgate'),
    `#!/bin/sh\nexec '${process.execPath}' '${path.join(scratch, 'cli.js')}' "$@"\n`,
  );
  await chmod(path.join(bin, 'unitgate'), 0o755);
  PATH = `${bin}${path.delimiter}${process.env.PATH ?? ''}`;
});

afterAll(async () => {
  for (const r of repos) await r.cleanup();
  await rm(scratch, { recursive: true, force: true });
});

async function repoWith(change: Change, shallow: boolean): Promise<GitRepo> {
  const repo = await makeGitRepo(BASE, CHANGES[change].head, { checkout: 'head', shallow });
  repos.push(repo);
  return repo;
}

/** A shell running `script` in `cwd` as CI would, with `env` over the machine's. */
function sh(shell: string[], script: string, cwd: string, env: Record<string, string>) {
  const r = spawnSync(shell[0] as string, [...shell.slice(1), script], {
    cwd,
    env: { ...process.env, ...env, PATH },
    encoding: 'utf8',
  });
  if (r.error) throw r.error;
  return { status: r.status, log: r.stdout + r.stderr };
}

/**
 * A checkout as GitLab's runner makes it for a merge request pipeline: the source branch only (no
 * target branch), `GIT_DEPTH` deep (0: all of it), HEAD detached at the pipeline's commit.
 */
async function gitlabCheckout(repo: GitRepo, depth: number): Promise<string> {
  const dir = path.join(path.dirname(repo.workspace), 'gitlab-build');
  await mkdir(dir);
  await runGit(dir, ['init', '-q']);
  await runGit(dir, ['remote', 'add', 'origin', repo.originUrl]);
  await runGit(dir, [
    'fetch',
    '-q',
    '--no-tags',
    ...(depth > 0 ? [`--depth=${depth}`] : []),
    'origin',
    `+refs/heads/${repo.headRef}:refs/remotes/origin/${repo.headRef}`,
  ]);
  await runGit(dir, ['checkout', '-q', '--detach', repo.headSha]);
  return dir;
}

describe('examples/ci/gitlab-ci.yml', () => {
  const job = gitlab.unitgate as GitLabJob;

  it('runs in merge request pipelines, installs the released version and uploads both reports always', () => {
    expect(job.rules?.map((r) => r.if)).toEqual(['$CI_PIPELINE_SOURCE == "merge_request_event"']);
    const version = (
      JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }
    ).version;
    expect(job.variables?.UNITGATE_VERSION).toBe(version);
    expect(job.before_script?.join('\n')).toContain(
      'npm install --global --no-audit --no-fund "unitgate@$UNITGATE_VERSION"',
    );
    expect(job.artifacts?.when).toBe('always');
    expect(job.artifacts?.reports).toEqual({
      codequality: 'gl-code-quality-report.json',
      junit: 'unitgate-junit.xml',
    });
    expect(gitlab['unitgate-baseline']?.rules?.map((r) => r.if)).toEqual([
      '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH',
    ]);
  });

  describeWithXmllint('the job against a merge request', () => {
    it.each(Object.keys(CHANGES) as Change[])('%s', async (change) => {
      const repo = await repoWith(change, false);
      const dir = await gitlabCheckout(repo, Number(job.variables?.GIT_DEPTH ?? 50));
      // GitLab runs the job's lines in one shell that stops at the first failing one.
      const r = sh(['bash', '-e', '-o', 'pipefail', '-c'], job.script.join('\n'), dir, {
        ...job.variables,
        CI: 'true',
        GITLAB_CI: 'true',
        CI_PIPELINE_SOURCE: 'merge_request_event',
        CI_COMMIT_SHA: repo.headSha,
        CI_MERGE_REQUEST_TARGET_BRANCH_NAME: repo.baseRef,
        CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: repo.headRef,
        CI_MERGE_REQUEST_DIFF_BASE_SHA: repo.forkSha,
      });
      expect({ status: r.status, log: r.log }).toEqual({
        status: CHANGES[change].exitCode,
        log: expect.any(String),
      });
      // Compared with GitLab's merge base.
      expect(r.log).toContain(
        `base: ${repo.forkSha.slice(0, 12)}, where HEAD forked from origin/${repo.baseRef}`,
      );
      const reports = job.artifacts?.reports ?? {};
      const codequality = readFileSync(path.join(dir, reports.codequality ?? ''), 'utf8');
      const junit = readFileSync(path.join(dir, reports.junit ?? ''), 'utf8');
      expectValidCodeQuality(codequality);
      expectValidJunit(junit);
      const issues = JSON.parse(codequality) as { check_name: string }[];
      if (change === 'weakening') {
        expect(issues.map((i) => i.check_name)).toContain('systemd/ProtectSystem');
        expect(xpathString(junit, 'string(//testcase[failure]/@name)')).toBe('deploy/api.service');
        expect(xpathString(junit, 'string(//failure/@message)')).toMatch(
          /^\S+ at deploy\/api\.service:3 \(removed line, at the base commit\): /,
        );
        expect(r.log).toMatch(/^FAIL +deploy\/api\.service/m);
      } else {
        expect(issues).toEqual([]);
        expect(xpathString(junit, 'count(//testcase)')).toBe('1');
        expect(xpathString(junit, 'count(//failure)')).toBe('0');
        expect(r.log).toMatch(/^PASS: 1 unit in scope/m);
      }
    });
  });

  it('gives the default branch an empty Code Quality report to compare with', async () => {
    const baseline = gitlab['unitgate-baseline'] as GitLabJob;
    const dir = await mkdtemp(path.join(scratch, 'baseline-'));
    const r = sh(['bash', '-e', '-o', 'pipefail', '-c'], baseline.script.join('\n'), dir, {});
    expect(r.status).toBe(0);
    const text = readFileSync(path.join(dir, baseline.artifacts?.reports?.codequality ?? ''), 'utf8');
    expectValidCodeQuality(text);
    expect(JSON.parse(text)).toEqual([]);
  });
});

describeWithXmllint('examples/ci/generic.sh', () => {
  it.each(Object.keys(CHANGES) as Change[])('%s, from a shallow clone', async (change) => {
    const repo = await repoWith(change, true);
    expect((await repo.git('rev-parse', '--is-shallow-repository')).trim()).toBe('true');
    const r = sh(['sh'], GENERIC, repo.workspace, { UNITGATE_BASE_BRANCH: repo.baseRef });
    expect({ status: r.status, log: r.log }).toEqual({
      status: CHANGES[change].exitCode,
      log: expect.any(String),
    });
    expect(r.log).toContain(
      `base: ${repo.forkSha.slice(0, 12)}, where HEAD forked from origin/${repo.baseRef}`,
    );
    const junit = readFileSync(path.join(repo.workspace, 'unitgate-reports/unitgate-junit.xml'), 'utf8');
    expectValidJunit(junit);
    expect(xpathString(junit, 'count(//failure)')).toBe(change === 'weakening' ? '1' : '0');
    const report = JSON.parse(
      readFileSync(path.join(repo.workspace, 'unitgate-reports/unitgate-report.json'), 'utf8'),
    ) as { result: string };
    expect(report.result).toBe(change === 'weakening' ? 'fail' : 'pass');
  });

  it('exits 2, before any verdict, when unitgate cannot decide (an invalid policy on the base branch)', async () => {
    const policy = { '.github/unitgate.json': '{"mode": "sometimes"}\n' };
    const repo = await makeGitRepo(
      { ...BASE, ...policy },
      { ...CHANGES.weakening.head, ...policy },
      {
        checkout: 'head',
      },
    );
    repos.push(repo);
    const r = sh(['sh'], GENERIC, repo.workspace, { UNITGATE_BASE_BRANCH: repo.baseRef });
    expect(r.status).toBe(2);
    expect(r.log).toMatch(/^unitgate check: .*unitgate\.json/m);
    expect(existsSync(path.join(repo.workspace, 'unitgate-reports/unitgate-report.json'))).toBe(false);
  });
});
