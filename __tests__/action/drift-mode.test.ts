// drift-mode.ts: the snapshot files are read only from the workspace or RUNNER_TEMP and a glob that
// matches nothing is an error; the drift API's report (real snapshots, taken in memory, compared with
// the repository) becomes the job summary, the step's result and one issue that opens with drift,
// stays unchanged while it is the same and closes when it is gone.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readSnapshotFiles, runDriftReport, type DriftContext } from '../../src/action/drift-mode';
import { run, type ActionResult } from '../../src/action/run';
import { ConfigError, parseActionSettings } from '../../src/action/settings';
import { loadPolicy } from '../../src/core/policy/load-policy';
import type { GatePolicy } from '../../src/core/policy/policy-types';
import { createOctokit } from '../../src/io/github';
import { issueMarker } from '../../src/io/sticky-issue';
import { repositoryOf, snapshotOf } from '../core/drift/drift-fixtures';
import { startFakeGitHub, type FakeGitHub } from '../e2e/fake-github';
import { makeGitRepo, type GitRepo } from '../e2e/make-git-repo';
import { ACTION_YML, readActionInputs } from '../e2e/run-action';
import { RecordingRunner } from './recording-runner';

// The repository's unit, and the same unit deployed without its hardening.
const UNIT = '[Service]\nExecStart=/usr/bin/api\nNoNewPrivileges=yes\n';
const WEAKENED = '[Service]\nExecStart=/usr/bin/api\n';
const UNIT_PATH = '/usr/lib/systemd/system/api.service';

/** A snapshot file's text, of a host that runs api.service as `unit` (and any other files). */
function snapshotText(host: string, unit: string, other: Record<string, string> = {}): string {
  return JSON.stringify(snapshotOf({ [UNIT_PATH]: unit, ...other }, { host }));
}

// ---- readSnapshotFiles ------------------------------------------------------------------------------

describe('readSnapshotFiles', () => {
  let dir: string;
  let workspace: string;
  let runnerTemp: string;
  let roots: string[];
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'unitgate-drift-files-'));
    workspace = path.join(dir, 'workspace');
    runnerTemp = path.join(dir, 'runner-temp');
    for (const d of ['workspace/snapshots/eu', 'workspace/.git', 'runner-temp/drift', 'outside'])
      mkdirSync(path.join(dir, d), { recursive: true });
    writeFileSync(path.join(workspace, 'snapshots/eu/web-1.txt'), 'api.service=2.1\n');
    writeFileSync(path.join(workspace, 'snapshots/eu/web-2.txt'), 'api.service=2.1\n');
    writeFileSync(path.join(workspace, 'snapshots/readme.md'), 'not a snapshot\n');
    writeFileSync(path.join(workspace, '.git/web-9.txt'), 'never read\n');
    writeFileSync(path.join(runnerTemp, 'drift/db-1.txt'), 'db.service=6.0\n');
    writeFileSync(path.join(dir, 'outside/secret.txt'), 'root:x:0:0\n');
    roots = [workspace, runnerTemp];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const read = (...globs: string[]) => readSnapshotFiles(globs, roots, workspace, runnerTemp);

  it('reads what relative globs match in the workspace and absolute ones in RUNNER_TEMP, each file once', () => {
    const files = read('snapshots/**/*.txt', 'snapshots/eu/web-1.txt', `${runnerTemp}/drift/*.txt`);
    expect(files).toEqual([
      { name: 'snapshots/eu/web-1.txt', text: 'api.service=2.1\n' },
      { name: 'snapshots/eu/web-2.txt', text: 'api.service=2.1\n' },
      { name: '$RUNNER_TEMP/drift/db-1.txt', text: 'db.service=6.0\n' },
    ]);
  });

  it('never reads inside .git', () => {
    expect(() => read('**/web-9.txt')).toThrow(/matches no file/);
  });

  it.each([
    [
      'snapshots/*.json',
      /^input "drift-snapshots": "snapshots\/\*\.json" matches no file in the workspace and RUNNER_TEMP/,
    ],
    ['snapshots/eu', /"snapshots\/eu" matches no file/],
    [
      '../outside/*.txt',
      /^input "drift-snapshots": "\.\.\/outside" is outside the workspace and RUNNER_TEMP$/,
    ],
    ['/etc/*', /^input "drift-snapshots": "\/etc" is outside the workspace and RUNNER_TEMP$/],
  ])('refuses %s', (glob, message) => {
    let error: unknown;
    try {
      read(glob);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
  });

  it('refuses a file that leads outside through a symlink', () => {
    symlinkSync(path.join(dir, 'outside/secret.txt'), path.join(workspace, 'snapshots/eu/web-3.txt'));
    expect(() => read('snapshots/eu/*.txt')).toThrow(
      new ConfigError(
        'input "drift-snapshots": "snapshots/eu/web-3.txt" leads outside the workspace and RUNNER_TEMP through a symlink',
      ),
    );
  });

  it('does not walk into a symlinked directory', () => {
    symlinkSync(path.join(dir, 'outside'), path.join(workspace, 'snapshots/linked'));
    expect(read('snapshots/**/*.txt').map((f) => f.name)).toEqual([
      'snapshots/eu/web-1.txt',
      'snapshots/eu/web-2.txt',
    ]);
  });
});

// ---- runDriftReport -----------------------------------------------------------------------------------

describe('runDriftReport', () => {
  const policy = (drift: object = {}): GatePolicy => {
    const loaded = loadPolicy(JSON.stringify({ drift }), 'unitgate.json');
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
    return loaded.policy;
  };
  const context = (drift: object = {}): DriftContext => ({
    head: repositoryOf({ 'deploy/api.service': UNIT }),
    policy: policy(drift),
    commit: 'abc',
    today: '2026-03-01',
  });

  it('compares each snapshot with the repository: a weakened host fails and is drift', () => {
    const outcome = runDriftReport(
      [
        { name: 'snapshots/web-1.json', text: snapshotText('web-1', UNIT) },
        { name: '$RUNNER_TEMP/db-1.json', text: snapshotText('db-1', WEAKENED) },
      ],
      context(),
    );
    expect(outcome).toMatchObject({
      files: ['snapshots/web-1.json', '$RUNNER_TEMP/db-1.json'],
      fails: true,
      drift: true,
    });
    expect(outcome.markdown).toContain('| web-1 | 252 | 252 | 1 | – |');
    expect(outcome.markdown).toContain('| db-1 | 252 | 252 | 1 | `api.service` |');
    expect(outcome.markdown).toContain(
      '| FAIL | exposure-increase | db-1 | `api.service` | exposure on the host is 9.6, the repository predicts 9.4 |',
    );
  });

  it('a host that matches the repository is neither drift nor a failure', () => {
    const outcome = runDriftReport([{ name: 's.json', text: snapshotText('web-1', UNIT) }], context());
    expect(outcome).toMatchObject({ fails: false, drift: false });
    expect(outcome.markdown).toContain('no failing drift: 0 failing, 0 warnings, 0 allowed');
  });

  it('drift the policy does not fail on is still drift (the issue reports it)', () => {
    const outcome = runDriftReport(
      [{ name: 's.json', text: snapshotText('db-1', WEAKENED) }],
      context({ fail: [] }),
    );
    expect(outcome).toMatchObject({ fails: false, drift: true });
  });

  it('a host-only drop-in fails unless the policy allows it; allowed, it is no drift', () => {
    const text = snapshotText('web-2', UNIT, {
      '/etc/systemd/system/api.service.d/local.conf': '[Service]\nNice=5\n',
    });
    expect(runDriftReport([{ name: 's.json', text }], context())).toMatchObject({ fails: true, drift: true });
    const allowing = context({
      allowHostDropIns: [{ match: '/etc/systemd/system/api.service.d/*.conf', reason: 'local tuning' }],
    });
    const allowed = runDriftReport([{ name: 's.json', text }], allowing);
    expect(allowed).toMatchObject({ fails: false, drift: false });
    expect(allowed.markdown).toContain('(accepted: local tuning)');
  });

  it('a file that is no snapshot is a one-line ConfigError naming it', () => {
    expect(() => runDriftReport([{ name: 'snapshots/bad.json', text: 'garbage' }], context())).toThrow(
      new ConfigError(
        `drift snapshot "snapshots/bad.json": snapshots/bad.json:1: $: not valid JSON: unexpected character 'g'; expected a value`,
      ),
    );
  });
});

// ---- the action, in process, on scheduled runs ----------------------------------------------------------

const INPUT_DEFAULTS = Object.fromEntries(
  Object.entries(readActionInputs(readFileSync(ACTION_YML, 'utf8'))).map(([name, input]) => [
    name,
    input.default ?? '',
  ]),
);

describe('run() with drift-snapshots', () => {
  let fake: FakeGitHub;
  let repo: GitRepo;
  beforeAll(async () => {
    fake = await startFakeGitHub();
    repo = await makeGitRepo(
      { 'deploy/api.service': UNIT },
      { 'deploy/api.service': UNIT },
      { checkout: 'head' },
    );
  });
  afterAll(async () => {
    await fake?.close();
    await repo?.cleanup();
  });
  beforeEach(() => fake.reset());

  /** A run on `eventName` (default schedule) with `snapshot` as the workspace's one snapshot file. */
  async function scheduled(
    snapshot: string | undefined,
    options: { eventName?: string } = {},
  ): Promise<{ result: ActionResult; runner: RecordingRunner }> {
    const file = path.join(repo.workspace, 'snapshot-web-1.json');
    if (snapshot === undefined) rmSync(file, { force: true });
    else writeFileSync(file, snapshot);
    const inputs: Record<string, string> = {
      ...INPUT_DEFAULTS,
      token: fake.token,
      'drift-snapshots': 'snapshot-*.json',
    };
    const runner = new RecordingRunner();
    const eventName = options.eventName ?? 'schedule';
    const result = await run(
      parseActionSettings((name) => inputs[name] ?? ''),
      {
        workspace: repo.workspace,
        event: {
          name: eventName,
          payload:
            eventName === 'pull_request'
              ? fake.pullRequestEvent(fake.addPullRequest(repo.pullRequest).number)
              : { schedule: '0 6 * * *', repository: { default_branch: 'main' } },
          sha: eventName === 'pull_request' ? repo.mergeSha : repo.headSha,
          ref: eventName === 'pull_request' ? `refs/pull/${repo.pullNumber}/merge` : 'refs/heads/main',
        },
        environment: {
          repository: `${fake.repo.owner}/${fake.repo.name}`,
          serverUrl: 'https://github.com',
          runId: 7,
        },
        runner,
        octokit: createOctokit(fake.token, () => {}, fake.url, 10_000),
        now: () => new Date('2026-03-01T06:00:00Z'),
      },
    );
    return { result, runner };
  }

  const driftIssues = () =>
    [...fake.issues.values()].filter((i) => (i.body ?? '').startsWith(issueMarker('drift')));
  const FAILING_ROW =
    '| FAIL | exposure-increase | web-1 | `api.service` | exposure on the host is 9.6, the repository predicts 9.4 |';

  it('opens the issue and fails when drift appears, leaves it alone while unchanged, closes it when gone', async () => {
    const first = await scheduled(snapshotText('web-1', WEAKENED));
    expect(first.result.exitCode).toBe(1);
    expect(first.runner.outputs.result).toBe('fail');
    expect(first.runner.summary).toContain(FAILING_ROW);
    expect(first.runner.summary).toContain('Snapshots read: `snapshot-web-1.json`.');
    expect(first.runner.annotations).toContainEqual({
      level: 'error',
      message: 'unitgate: the deployed units drift from the repository (see the job summary)',
    });
    expect(driftIssues()).toEqual([
      expect.objectContaining({ state: 'open', title: 'unitgate: deployed units drift from the repository' }),
    ]);
    const issue = driftIssues()[0];
    expect(issue?.body).toContain(FAILING_ROW);

    const second = await scheduled(snapshotText('web-1', WEAKENED));
    expect(second.result.exitCode).toBe(1);
    expect(fake.requestsTo('issues/update')).toHaveLength(0);
    expect(fake.requestsTo('issues/create')).toHaveLength(1);

    const third = await scheduled(snapshotText('web-1', UNIT));
    expect(third.result.exitCode).toBe(0);
    expect(third.runner.outputs.result).toBe('pass');
    expect(third.runner.summary).toContain('no failing drift: 0 failing, 0 warnings, 0 allowed');
    expect(issue).toMatchObject({ state: 'closed', stateReason: 'completed' });
    expect(fake.issueComments.at(-1)?.body).toMatch(/^The deployed units match the repository again/);
    fake.expectNoViolations();
  });

  it('a snapshot that did not arrive ends the run with status 2, before any output says pass', async () => {
    const { result, runner } = await scheduled(undefined);
    expect(result.exitCode).toBe(2);
    expect(runner.outputs.result).toBe('fail');
    expect(runner.summary).not.toContain('unitgate drift');
    expect(runner.annotations).toEqual([
      {
        level: 'error',
        message:
          'input "drift-snapshots": "snapshot-*.json" matches no file in the workspace (did the artifact download?)',
      },
    ]);
    expect(fake.issues.size).toBe(0);
  });

  it('a file that is no snapshot ends the run with status 2, naming the file, without a stack', async () => {
    const { result, runner } = await scheduled('garbage\n');
    expect(result.exitCode).toBe(2);
    expect(runner.annotations).toEqual([
      {
        level: 'error',
        message: `drift snapshot "snapshot-web-1.json": snapshot-web-1.json:1: $: not valid JSON: unexpected character 'g'; expected a value`,
      },
    ]);
    expect(runner.text).not.toMatch(/\n\s+at /);
    expect(fake.issues.size).toBe(0);
  });

  it('is ignored on pull requests, with a note', async () => {
    const { result, runner } = await scheduled(snapshotText('web-1', WEAKENED), {
      eventName: 'pull_request',
    });
    expect(result.exitCode).toBe(0);
    expect(runner.summary).not.toContain('unitgate drift');
    expect(runner.lines).toContain(
      'The input drift-snapshots is ignored on pull_request events: post-deploy drift is reported by schedule and workflow_dispatch runs, not by changes.',
    );
    expect(fake.issues.size).toBe(0);
    fake.expectNoViolations();
  });
});
