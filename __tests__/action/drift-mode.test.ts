// drift-mode.ts: the snapshot files are read only from the workspace or RUNNER_TEMP and a glob that
// matches nothing is an error; the engine's verdict becomes the job summary, the step's result and
// one issue that opens with drift, stays unchanged while it is the same and closes when it is gone.
// The engine here is a small test double at the DriftEngine seam: the real engine (src/core/drift/)
// is tested on its own and end to end in __tests__/e2e/drift-mode.test.ts.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  readSnapshotFiles,
  runDriftReport,
  type DriftContext,
  type DriftEngine,
} from '../../src/action/drift-mode';
import { run, type ActionResult } from '../../src/action/run';
import { ConfigError, parseActionSettings } from '../../src/action/settings';
import { createOctokit } from '../../src/io/github';
import { issueMarker } from '../../src/io/sticky-issue';
import { startFakeGitHub, type FakeGitHub } from '../e2e/fake-github';
import { makeGitRepo, type GitRepo } from '../e2e/make-git-repo';
import { ACTION_YML, readActionInputs } from '../e2e/run-action';
import { RecordingRunner } from './recording-runner';

// ---- the test double: a snapshot is `unit=exposure` lines; drift is any unit above 5.0 ----------------

interface Snapshot {
  host: string;
  units: Record<string, number>;
}
interface Report {
  drifted: string[];
  commit: string;
}

/** Records what it was given, so the tests can see what the action handed the engine. */
function testEngine(options: { failing?: boolean } = {}) {
  const calls: Array<{ snapshots: Snapshot[]; context: DriftContext }> = [];
  const engine: DriftEngine<Snapshot, Report, DriftContext> = {
    parseSnapshot(text, fileName) {
      const units: Record<string, number> = {};
      for (const line of text.split('\n').filter((l) => l.trim() !== '')) {
        const m = /^(\S+)=(\d+(?:\.\d)?)$/.exec(line);
        if (!m) throw new Error(`line "${line}" is not unit=exposure\n    at parseSnapshot (engine.ts:1:1)`);
        units[m[1] as string] = Number(m[2]);
      }
      return { host: path.basename(fileName), units };
    },
    computeDrift(input) {
      calls.push(input);
      const drifted = input.snapshots.flatMap((s) =>
        Object.entries(s.units)
          .filter(([, e]) => e > 5)
          .map(([u]) => `${s.host}: ${u}`),
      );
      return { drifted, commit: input.context.commit };
    },
    renderDriftMarkdown: (r) =>
      r.drifted.length === 0
        ? '## Drift\n\nNo drift.\n'
        : `## Drift\n\n${r.drifted.map((d) => `- ${d}`).join('\n')}\n`,
    driftFails: (r) => options.failing !== false && r.drifted.length > 0,
    hasDrift: (r) => r.drifted.length > 0,
  };
  return { engine, calls };
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
  const context = { commit: 'abc' } as DriftContext;

  it('hands the parsed snapshots and the context to the engine and keeps its verdict', () => {
    const { engine, calls } = testEngine();
    const outcome = runDriftReport(
      [
        { name: 'snapshots/web-1.txt', text: 'api.service=2.1\n' },
        { name: '$RUNNER_TEMP/db-1.txt', text: 'db.service=6.0\n' },
      ],
      engine,
      context,
    );
    expect(calls).toEqual([
      {
        snapshots: [
          { host: 'web-1.txt', units: { 'api.service': 2.1 } },
          { host: 'db-1.txt', units: { 'db.service': 6 } },
        ],
        context,
      },
    ]);
    expect(outcome).toEqual({
      files: ['snapshots/web-1.txt', '$RUNNER_TEMP/db-1.txt'],
      markdown: '## Drift\n\n- db-1.txt: db.service\n',
      fails: true,
      drift: true,
    });
  });

  it('reports drift that does not fail when the engine tells them apart', () => {
    const { engine } = testEngine({ failing: false });
    const outcome = runDriftReport([{ name: 's.txt', text: 'db.service=6.0' }], engine, context);
    expect(outcome).toMatchObject({ fails: false, drift: true });
  });

  it('without hasDrift, drift is what fails', () => {
    const { engine } = testEngine({ failing: false });
    delete engine.hasDrift;
    expect(runDriftReport([{ name: 's.txt', text: 'db.service=6.0' }], engine, context).drift).toBe(false);
  });

  it('a snapshot the engine cannot read is a one-line ConfigError naming the file', () => {
    const { engine } = testEngine();
    expect(() => runDriftReport([{ name: 'snapshots/bad.txt', text: 'garbage' }], engine, context)).toThrow(
      new ConfigError('drift snapshot "snapshots/bad.txt": line "garbage" is not unit=exposure'),
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

const UNIT = '[Service]\nExecStart=/usr/bin/api\nNoNewPrivileges=yes\n';

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

  async function scheduled(
    snapshot: string | undefined,
    options: { eventName?: string; engine?: DriftEngine<Snapshot, Report, DriftContext> | null } = {},
  ): Promise<{ result: ActionResult; runner: RecordingRunner; engineCalls: number }> {
    const file = path.join(repo.workspace, 'snapshot-web-1.txt');
    if (snapshot === undefined) rmSync(file, { force: true });
    else writeFileSync(file, snapshot);
    const inputs: Record<string, string> = {
      ...INPUT_DEFAULTS,
      token: fake.token,
      'drift-snapshots': 'snapshot-*.txt',
    };
    const runner = new RecordingRunner();
    const { engine, calls } = testEngine();
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
        ...(options.engine === null ? {} : { driftEngine: (options.engine ?? engine) as DriftEngine }),
      },
    );
    return { result, runner, engineCalls: calls.length };
  }

  const driftIssues = () =>
    [...fake.issues.values()].filter((i) => (i.body ?? '').startsWith(issueMarker('drift')));

  it('opens the issue and fails when drift appears, leaves it alone while unchanged, closes it when gone', async () => {
    const first = await scheduled('api.service=7.5\n');
    expect(first.result.exitCode).toBe(1);
    expect(first.runner.outputs.result).toBe('fail');
    expect(first.runner.summary).toContain('- snapshot-web-1.txt: api.service');
    expect(first.runner.summary).toContain('Snapshots read: `snapshot-web-1.txt`.');
    expect(first.runner.annotations).toContainEqual({
      level: 'error',
      message: 'unitgate: the deployed units drift from the repository (see the job summary)',
    });
    expect(driftIssues()).toEqual([
      expect.objectContaining({ state: 'open', title: 'unitgate: deployed units drift from the repository' }),
    ]);
    const issue = driftIssues()[0];
    expect(issue?.body).toContain('- snapshot-web-1.txt: api.service');

    const second = await scheduled('api.service=7.5\n');
    expect(second.result.exitCode).toBe(1);
    expect(fake.requestsTo('issues/update')).toHaveLength(0);
    expect(fake.requestsTo('issues/create')).toHaveLength(1);

    const third = await scheduled('api.service=2.0\n');
    expect(third.result.exitCode).toBe(0);
    expect(third.runner.outputs.result).toBe('pass');
    expect(third.runner.summary).toContain('No drift.');
    expect(issue).toMatchObject({ state: 'closed', stateReason: 'completed' });
    expect(fake.issueComments.at(-1)?.body).toMatch(/^The deployed units match the repository again/);
    fake.expectNoViolations();
  });

  it('a snapshot that did not arrive ends the run with status 2, before any output says pass', async () => {
    const { result, runner, engineCalls } = await scheduled(undefined);
    expect(result.exitCode).toBe(2);
    expect(engineCalls).toBe(0);
    expect(runner.outputs.result).toBe('fail');
    expect(runner.annotations).toEqual([
      {
        level: 'error',
        message:
          'input "drift-snapshots": "snapshot-*.txt" matches no file in the workspace (did the artifact download?)',
      },
    ]);
    expect(fake.issues.size).toBe(0);
  });

  it('a snapshot the engine refuses ends the run with status 2, naming the file, without a stack', async () => {
    const { result, runner } = await scheduled('garbage\n');
    expect(result.exitCode).toBe(2);
    expect(runner.annotations).toEqual([
      { level: 'error', message: 'drift snapshot "snapshot-web-1.txt": line "garbage" is not unit=exposure' },
    ]);
    expect(runner.text).not.toMatch(/at parseSnapshot/);
  });

  it('without an injected engine, the real one reads the file: a text that is no snapshot is refused', async () => {
    const { result, runner } = await scheduled('api.service=7.5\n', { engine: null });
    expect(result.exitCode).toBe(2);
    expect(runner.annotations).toEqual([
      {
        level: 'error',
        message: expect.stringMatching(
          /^drift snapshot "snapshot-web-1\.txt": snapshot-web-1\.txt:1: .*not valid JSON/,
        ),
      },
    ]);
  });

  it('is ignored on pull requests, with a note', async () => {
    const { result, runner, engineCalls } = await scheduled('api.service=7.5\n', {
      eventName: 'pull_request',
    });
    expect(result.exitCode).toBe(0);
    expect(engineCalls).toBe(0);
    expect(runner.lines).toContain(
      'The input drift-snapshots is ignored on pull_request events: post-deploy drift is reported by schedule and workflow_dispatch runs, not by changes.',
    );
    expect(fake.issues.size).toBe(0);
    fake.expectNoViolations();
  });
});
