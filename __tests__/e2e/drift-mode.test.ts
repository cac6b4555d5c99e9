// The action's drift mode end to end: the bundled action (dist/index.js, or UNITGATE_ACTION_ENTRY: see
// run-action.ts) on `schedule` runs against the fake GitHub, with snapshot files a deployment pipeline
// uploaded: where snapshots may be read from, that a glob matching nothing is an error (exit 2, one
// line, no stack), that pull requests ignore the input, and the drift issue's life over three scheduled
// runs, with snapshots `unitgate snapshot` (dist/cli.js) took of a scratch host root.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { issueMarker } from '../../src/io/sticky-issue';
import { startFakeGitHub, type FakeGitHub, type FakeIssue } from './fake-github';
import * as F from './gate-fixtures';
import { makeGitRepo, REPO_ROOT, runAction, type ActionRun, type FileTree, type GitRepo } from './run-action';

const CLI_ENTRY = path.join(REPO_ROOT, 'dist', 'cli.js');
const STACK_FRAME = /^\s+at .+(:\d+:\d+\)?|\(native\)|\(<anonymous>\))$/m;
const TREE: FileTree = { ...F.REPO_FILES, [F.API_PATH]: F.API_HARDENED, [F.WORKER_PATH]: F.WORKER };

let fake: FakeGitHub;
let repo: GitRepo;
let outside: string;
beforeAll(async () => {
  fake = await startFakeGitHub();
  repo = await makeGitRepo(TREE, TREE, { checkout: 'head' });
  outside = mkdtempSync(path.join(tmpdir(), 'unitgate-drift-outside-'));
});
afterAll(async () => {
  await fake?.close();
  await repo?.cleanup();
  rmSync(outside, { recursive: true, force: true });
});
beforeEach(() => fake.reset());

const repository = {
  full_name: 'octo-org/services',
  name: 'services',
  owner: { login: 'octo-org' },
  default_branch: 'main',
};

/** A `schedule` run (or `eventName`) of the bundled action; checks what must hold for every run. */
async function driftRun(
  inputs: Record<string, string>,
  options: { eventName?: string } = {},
): Promise<ActionRun> {
  const eventName = options.eventName ?? 'schedule';
  const pull = eventName === 'pull_request' ? fake.addPullRequest({ ...repo.pullRequest }) : undefined;
  const run = await runAction({
    workspace: repo.workspace,
    eventName,
    event: pull ? fake.pullRequestEvent(pull.number) : { schedule: '0 6 * * *', repository },
    sha: repo.headSha,
    ...(pull ? { ref: `refs/pull/${pull.number}/merge` } : {}),
    token: fake.token,
    apiUrl: fake.url,
    inputs: { trend: 'false', ...inputs },
  });
  rmSync(run.tempDir, { recursive: true, force: true });
  expect(run.timedOut).toBe(false);
  expect(run.stderr).toBe('');
  expect(run.stdout).not.toMatch(STACK_FRAME);
  fake.expectNoViolations();
  return run;
}

const errors = (run: ActionRun): string[] =>
  run.annotations.filter((a) => a.level === 'error').map((a) => a.message);

describe('drift-snapshots: where snapshots are read from', () => {
  it('a glob that matches nothing is an error, not a clean report', async () => {
    const run = await driftRun({ 'drift-snapshots': 'snapshots/*.json' });
    expect(run.exitCode).toBe(2);
    expect(run.outputs.result).toBe('fail');
    expect(errors(run)).toEqual([
      'input "drift-snapshots": "snapshots/*.json" matches no file in the workspace and RUNNER_TEMP (did the artifact download?)',
    ]);
    expect(fake.issues.size).toBe(0);
  });

  it.each([
    [
      'a path out of the workspace',
      () => '../elsewhere/*.json',
      /^input "drift-snapshots": "\.\.\/elsewhere" is outside the workspace and RUNNER_TEMP$/,
    ],
    ['an absolute path elsewhere', () => `${outside}/*.json`, /is outside the workspace and RUNNER_TEMP$/],
  ])('refuses %s', async (_what, glob, message) => {
    writeFileSync(path.join(outside, 'web-1.json'), '{}\n');
    const run = await driftRun({ 'drift-snapshots': glob() });
    expect(run.exitCode).toBe(2);
    expect(errors(run)).toEqual([expect.stringMatching(message)]);
  });

  it('refuses a snapshot that leads outside through a symlink', async () => {
    writeFileSync(path.join(outside, 'secret.json'), `${F.PASSWD_MARKER}\n`);
    mkdirSync(path.join(repo.workspace, 'linked'), { recursive: true });
    symlinkSync(path.join(outside, 'secret.json'), path.join(repo.workspace, 'linked/web-1.json'));
    try {
      const run = await driftRun({ 'drift-snapshots': 'linked/*.json' });
      expect(run.exitCode).toBe(2);
      expect(errors(run)).toEqual([
        'input "drift-snapshots": "linked/web-1.json" leads outside the workspace and RUNNER_TEMP through a symlink',
      ]);
      expect(run.summary + run.stdout).not.toContain(F.PASSWD_MARKER);
    } finally {
      rmSync(path.join(repo.workspace, 'linked'), { recursive: true, force: true });
    }
  });

  it('is ignored on pull requests, with a note', async () => {
    const run = await driftRun({ 'drift-snapshots': 'snapshots/*.json' }, { eventName: 'pull_request' });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(
      'The input drift-snapshots is ignored on pull_request events: post-deploy drift is reported by schedule and workflow_dispatch runs, not by changes.',
    );
    expect(fake.issues.size).toBe(0);
  });
});

/**
 * Writes the snapshot of one host whose deployed unit files are `units` (repository path → text) into
 * `dir`, as a deployment pipeline would: the units are installed in a scratch root (with the file that
 * tells the host's systemd release) and the bundled `unitgate snapshot` reads it. Returns its path.
 */
function makeSnapshot(dir: string, host: string, units: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'unitgate-host-'));
  try {
    mkdirSync(path.join(root, 'etc/systemd/system'), { recursive: true });
    mkdirSync(path.join(root, 'usr/lib/systemd/system'), { recursive: true });
    writeFileSync(path.join(root, 'usr/lib/systemd/libsystemd-shared-252.so'), '');
    for (const [repoPath, text] of Object.entries(units))
      writeFileSync(path.join(root, 'etc/systemd/system', path.basename(repoPath)), text);
    const file = path.join(dir, `${host}.json`);
    execFileSync(
      process.execPath,
      [CLI_ENTRY, 'snapshot', '--root', root, '--host', host, '--output', file],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    return file;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

describe('drift mode: the drift issue over three scheduled runs (needs the drift engine)', () => {
  const drifted = (): FakeIssue[] =>
    [...fake.issues.values()].filter((i) => (i.body ?? '').startsWith(issueMarker('drift')));

  it('opens the issue when drift appears, leaves it alone while the same, closes it when gone', async () => {
    // Snapshots in RUNNER_TEMP, as actions/download-artifact leaves them: the runner's temp directory
    // is the test's, so the files are there before the run.
    const temp = mkdtempSync(path.join(tmpdir(), 'unitgate-drift-temp-'));
    try {
      const dir = path.join(temp, 'snapshots');
      mkdirSync(dir);
      const env = { RUNNER_TEMP: temp };
      const inputs = { 'drift-snapshots': `${temp}/snapshots/*` };
      const weakened = F.API_HARDENED.replace('ProtectSystem=strict\n', '');
      const schedule = async (units: Record<string, string>): Promise<ActionRun> => {
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir);
        makeSnapshot(dir, 'web-1', units);
        const run = await runAction({
          workspace: repo.workspace,
          eventName: 'schedule',
          event: { schedule: '0 6 * * *', repository },
          sha: repo.headSha,
          token: fake.token,
          apiUrl: fake.url,
          inputs: { trend: 'false', ...inputs },
          env,
        });
        rmSync(run.tempDir, { recursive: true, force: true });
        expect(run.stderr).toBe('');
        expect(run.stdout).not.toMatch(STACK_FRAME);
        fake.expectNoViolations();
        return run;
      };

      // 1. A host runs a weaker api.service than the repository has: drift, the step fails.
      const first = await schedule({ [F.API_PATH]: weakened, [F.WORKER_PATH]: F.WORKER });
      expect(first.exitCode).toBe(1);
      expect(first.outputs.result).toBe('fail');
      expect(errors(first)).toContain(
        'unitgate: the deployed units drift from the repository (see the job summary)',
      );
      expect(first.summary).toContain('Snapshots read: `$RUNNER_TEMP/snapshots/');
      expect(first.summary).toContain(F.API_PATH); // engine: how its report names the drifted unit
      expect(drifted()).toEqual([
        expect.objectContaining({
          state: 'open',
          title: 'unitgate: deployed units drift from the repository',
        }),
      ]);
      const issue = drifted()[0] as FakeIssue;

      // 2. The same drift: the issue is left alone.
      const before = fake.requests.length;
      const second = await schedule({ [F.API_PATH]: weakened, [F.WORKER_PATH]: F.WORKER });
      expect(second.exitCode).toBe(1);
      const writes = fake.requests
        .slice(before)
        .filter((r) => r.path.includes('/issues') && r.method !== 'GET');
      expect(writes).toEqual([]);
      expect(drifted()).toEqual([issue]);

      // 3. The host was redeployed from the repository: no drift, the issue is closed with a comment.
      const third = await schedule({ [F.API_PATH]: F.API_HARDENED, [F.WORKER_PATH]: F.WORKER });
      expect(third.exitCode).toBe(0);
      expect(third.outputs.result).toBe('pass');
      expect(issue).toMatchObject({ state: 'closed', stateReason: 'completed' });
      expect(fake.issueComments.at(-1)).toMatchObject({
        issueNumber: issue.number,
        body: expect.stringMatching(/^The deployed units match the repository again/),
      });
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
  });
});
