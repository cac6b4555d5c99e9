// What the action publishes, in process through run() against the fake GitHub: `publish:
// from-artifact` never believes a bundle more than the first workflow's conclusion and takes its run
// link and id from the event; a stalled endpoint costs at most the request timeout; a check run is
// completed even when a later annotation batch fails; thousands of findings publish a bounded number
// of annotations after `result` is set; only the token's own sticky comment is ever edited.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { run, type ActionResult } from '../../src/action/run';
import { parseActionSettings } from '../../src/action/settings';
import type { ActionEvent } from '../../src/action/event-scope';
import { STICKY_MARKER } from '../../src/core/report/pr-comment';
import { PUBLISH_BUNDLE_FILE } from '../../src/core/report/publish-bundle';
import { createOctokit, MAX_CHECK_RUN_ANNOTATIONS } from '../../src/io/github';
import { upsertStickyComment } from '../../src/io/pr-comment';
import { READ_ONLY, startFakeGitHub, type FakeGitHub } from '../e2e/fake-github';
import { makeGitRepo, type FileTree, type GitRepo } from '../e2e/make-git-repo';
import { ACTION_YML, readActionInputs } from '../e2e/run-action';
import { RecordingRunner } from './recording-runner';

const INPUT_DEFAULTS = Object.fromEntries(
  Object.entries(readActionInputs(readFileSync(ACTION_YML, 'utf8'))).map(([name, input]) => [
    name,
    input.default ?? '',
  ]),
);

const HARDENED = `[Unit]
Description=Orders API

[Service]
ExecStart=/usr/bin/orders-api
User=orders
NoNewPrivileges=yes
PrivateTmp=yes
ProtectSystem=strict
ProtectHome=yes
`;
const STRIPPED = HARDENED.replace('PrivateTmp=yes\n', '').replace('ProtectSystem=strict\n', '');
const BARE = '[Unit]\nDescription=Unhardened\n\n[Service]\nExecStart=/usr/bin/daemon\n';
/** Thirteen failing findings for every bare unit under deploy/. */
const API_POLICY = '{ "units": [{ "match": "deploy/*.service", "profile": "api-service" }] }\n';

let fake: FakeGitHub;
const repos: GitRepo[] = [];
const temps: string[] = [];
beforeAll(async () => {
  fake = await startFakeGitHub();
});
afterAll(async () => {
  await fake?.close();
  await Promise.all(repos.map((r) => r.cleanup()));
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});
beforeEach(() => fake.reset());

async function repoOf(base: FileTree, head: FileTree): Promise<GitRepo> {
  const repo = await makeGitRepo(base, head);
  repos.push(repo);
  return repo;
}

function addPull(repo: GitRepo): void {
  fake.addPullRequest({ ...repo.pullRequest, user: 'mallory', body: 'Tidy the units.' });
}

interface RunOptions {
  inputs?: Record<string, string>;
  token?: string;
  timeoutMs?: number;
  runId?: number;
  event?: ActionEvent;
  workspace?: string;
  timeline?: string[];
}

async function runAction(
  repo: GitRepo,
  options: RunOptions = {},
): Promise<{ result: ActionResult; runner: RecordingRunner; ms: number }> {
  const token = options.token ?? fake.token;
  const inputs: Record<string, string> = { ...INPUT_DEFAULTS, token, trend: 'false', ...options.inputs };
  const runner = new RecordingRunner(options.timeline);
  const octokit = createOctokit(token, () => {}, fake.url, options.timeoutMs);
  if (options.timeline) {
    const timeline = options.timeline;
    octokit.hook.before('request', (o) => {
      timeline.push(`request ${o.method} ${o.url}`);
    });
  }
  const started = Date.now();
  const result = await run(
    parseActionSettings((name) => inputs[name] ?? ''),
    {
      workspace: options.workspace ?? repo.workspace,
      event: options.event ?? {
        name: 'pull_request',
        payload: fake.pullRequestEvent(repo.pullNumber),
        sha: repo.mergeSha,
        ref: `refs/pull/${repo.pullNumber}/merge`,
      },
      environment: {
        repository: `${fake.repo.owner}/${fake.repo.name}`,
        serverUrl: 'https://github.com',
        runId: options.runId ?? 4242,
      },
      runner,
      octokit,
      now: () => new Date('2026-12-01T12:00:00Z'),
    },
  );
  return { result, runner, ms: Date.now() - started };
}

function stickyComments(): Array<{ id: number; body: string; user: string }> {
  return fake.issueComments.filter((c) => c.body.startsWith(STICKY_MARKER));
}

describe('publish: from-artifact', () => {
  let repo: GitRepo;
  /** The bundle an honest pull_request run wrote (the stripped unit fails). */
  let honest: Record<string, unknown>;

  beforeAll(async () => {
    repo = await repoOf({ 'deploy/api.service': HARDENED }, { 'deploy/api.service': STRIPPED });
    fake.reset();
    addPull(repo);
    const { result } = await runAction(repo, { inputs: { publish: 'artifact' } });
    expect(result.exitCode).toBe(1);
    honest = JSON.parse(
      readFileSync(path.join(repo.workspace, 'unitgate-publish', PUBLISH_BUNDLE_FILE), 'utf8'),
    ) as Record<string, unknown>;
    expect((honest.verdict as { result: string }).result).toBe('fail');
  });

  /** The workflow_run side: a workspace holding only the bundle, the event naming the first run. */
  async function publish(
    bundle: Record<string, unknown>,
    firstRun: { id: number; conclusion: string },
    runId = 9000,
  ): Promise<{ result: ActionResult; runner: RecordingRunner }> {
    const workspace = mkdtempSync(path.join(tmpdir(), 'unitgate-workflow-run-'));
    temps.push(workspace);
    mkdirSync(path.join(workspace, 'unitgate-publish'));
    writeFileSync(path.join(workspace, 'unitgate-publish', PUBLISH_BUNDLE_FILE), JSON.stringify(bundle));
    return runAction(repo, {
      inputs: { publish: 'from-artifact' },
      workspace,
      runId,
      event: {
        name: 'workflow_run',
        payload: {
          workflow_run: {
            id: firstRun.id,
            head_sha: repo.headSha,
            conclusion: firstRun.conclusion,
            pull_requests: [{ number: repo.pullNumber }],
          },
        },
        sha: repo.baseSha,
        ref: `refs/heads/${repo.baseRef}`,
      },
    });
  }

  function forged(changes: { result?: string; runUrl?: string; runId?: number }): Record<string, unknown> {
    const bundle = structuredClone(honest);
    if (changes.result) (bundle.verdict as { result: string }).result = changes.result;
    if (changes.runUrl) bundle.runUrl = changes.runUrl;
    if (changes.runId !== undefined) bundle.runId = changes.runId;
    return bundle;
  }

  it.each([
    ['failure', 'pass', 'failure'],
    ['cancelled', 'pass', 'failure'],
    ['success', 'fail', 'failure'],
    ['success', 'pass', 'success'],
  ])(
    'the first workflow ended %s and its bundle says %s: the check run is a %s',
    async (conclusion, claimed, expected) => {
      addPull(repo);
      const { result, runner } = await publish(forged({ result: claimed }), { id: 777, conclusion });
      fake.expectNoViolations();
      if (result.exitCode !== 0) throw new Error(runner.text);
      expect(fake.checkRuns).toHaveLength(1);
      expect(fake.checkRuns[0]).toMatchObject({ status: 'completed', conclusion: expected });
      expect(runner.outputs.result).toBe(expected === 'success' ? 'pass' : 'fail');
      if (claimed === 'pass' && conclusion !== 'success')
        expect(runner.summary).toContain(
          `workflow ended "${conclusion}" while its bundle says the gate passed`,
        );
    },
  );

  it("ignores the bundle's run link (another host) and links the run the event names", async () => {
    addPull(repo);
    const { result } = await publish(
      forged({ runUrl: 'https://evil.example/octo-org/services/actions/runs/1', runId: 1 }),
      { id: 777, conclusion: 'failure' },
    );
    fake.expectNoViolations();
    expect(result.exitCode).toBe(0);
    const [comment] = stickyComments();
    expect(comment?.body).toContain('https://github.com/octo-org/services/actions/runs/777');
    const published = JSON.stringify([fake.issueComments, fake.checkRuns]);
    expect(published).not.toContain('evil.example');
  });

  it('a huge run id in the bundle does not stop later runs from updating the comment', async () => {
    addPull(repo);
    const first = await publish(forged({ runId: Number.MAX_SAFE_INTEGER }), {
      id: 800,
      conclusion: 'failure',
    });
    expect(first.result.exitCode).toBe(0);
    const [created] = stickyComments();
    expect(created?.body).toContain('<!-- unitgate:revision 800 -->');
    expect(created?.body).not.toContain(String(Number.MAX_SAFE_INTEGER));
    // The author fixes the unit: the next run's (honest) bundle passes.
    const second = await publish(forged({ result: 'pass' }), { id: 801, conclusion: 'success' });
    expect(second.runner.text).toContain('unitgate comment updated');
    const after = stickyComments();
    expect(after).toHaveLength(1);
    expect(after[0]?.body).toContain('<!-- unitgate:revision 801 -->');
    fake.expectNoViolations();
  });
});

describe('request timeouts', () => {
  it('a stalled endpoint costs the timeout, not the run: the pull request is read from the event', async () => {
    const repo = await repoOf({ 'deploy/api.service': HARDENED }, { 'deploy/api.service': STRIPPED });
    addPull(repo);
    // pulls/get answers after 20 s; the client gives up after 300 ms (and retries: every attempt stalls).
    fake.delayNext('pulls/get', 20_000, 10);
    const { result, runner, ms } = await runAction(repo, { timeoutMs: 300 });
    expect(result.exitCode).toBe(1);
    expect(runner.text).toContain('Could not read pull request #1 through the API');
    // One attempt of 300 ms: a timed-out request is not retried.
    expect(fake.requestsTo('pulls/get')).toHaveLength(1);
    expect(ms).toBeLessThan(5_000);
    fake.takeViolations();
  });

  it('when every endpoint stalls the run still ends with its verdict, each request costing one timeout', async () => {
    const repo = await repoOf({ 'deploy/api.service': HARDENED }, { 'deploy/api.service': STRIPPED });
    addPull(repo);
    fake.delayNext('*', 20_000, 1000);
    fake.delayNext('graphql', 20_000, 1000);
    const { result, runner, ms } = await runAction(repo, { timeoutMs: 300 });
    expect(result.exitCode).toBe(1);
    expect(runner.outputs.result).toBe('fail');
    expect(runner.text).toContain('within 0.3 s');
    const requests = fake.requests.length;
    expect(ms).toBeLessThan(requests * 300 + 5_000);
    process.stdout.write(`every endpoint stalled: ${requests} requests, run took ${ms} ms\n`);
    fake.takeViolations();
  });
});

describe('check runs', () => {
  /** Five bare units under the api-service profile: 65 findings, two annotation batches. */
  async function manyFindings(units: number): Promise<GitRepo> {
    const head: FileTree = { '.github/unitgate.json': API_POLICY };
    for (let i = 0; i < units; i++) head[`deploy/unit-${i}.service`] = BARE;
    const repo = await repoOf({ '.github/unitgate.json': API_POLICY }, head);
    addPull(repo);
    return repo;
  }

  it('is completed with its conclusion when a later annotation batch fails', async () => {
    const repo = await manyFindings(5);
    fake.failNext('checks/update', { status: 422, message: 'Validation Failed' });
    const { result, runner } = await runAction(repo);
    expect(result.exitCode).toBe(1);
    expect(fake.checkRuns).toHaveLength(1);
    expect(fake.checkRuns[0]).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(fake.checkRuns[0]?.output.summary).toContain('Only 50 annotations could be added');
    expect(runner.said.filter((s) => s.kind === 'warning').map((s) => s.text)).toContainEqual(
      expect.stringContaining('Could not create the check run'),
    );
    fake.takeViolations();
  });

  it(`publishes at most ${MAX_CHECK_RUN_ANNOTATIONS} annotations, after result is set`, async () => {
    // 100 units × 13 findings: 1,300 failing findings (UNITGATE_MANY_UNITS=10000 measures the big case).
    const units = Number(process.env.UNITGATE_MANY_UNITS ?? 100);
    const repo = await manyFindings(units);
    const timeline: string[] = [];
    const { result, runner, ms } = await runAction(repo, { timeline });
    expect(result.exitCode).toBe(1);
    expect(runner.count('error')).toBe(10);
    const run = fake.checkRuns[0];
    expect(run).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(run?.annotations).toHaveLength(MAX_CHECK_RUN_ANNOTATIONS);
    expect(run?.output.summary).toContain(
      `${units * 13 - MAX_CHECK_RUN_ANNOTATIONS} more annotations are in the job summary and the reports`,
    );
    // `result` is the first output, set before anything is published.
    const firstOutput = timeline.findIndex((t) => t.startsWith('output '));
    expect(timeline[firstOutput]).toBe('output result');
    expect(firstOutput).toBeLessThan(timeline.findIndex((t) => t.includes('/check-runs')));
    expect(runner.outputs.result).toBe('fail');
    fake.expectNoViolations();
    // Measured: printed so the report can say what it cost.
    process.stdout.write(
      `${units * 13} findings: run took ${ms} ms, ${fake.requestsTo('checks/update').length} check run updates, heap ${Math.round(process.memoryUsage().heapUsed / 2 ** 20)} MB\n`,
    );
  });
});

describe('annotations per step', () => {
  it('twelve warning findings and a read-only token: ten warning annotations, the rest in the log', async () => {
    const head: FileTree = {};
    for (let i = 0; i < 12; i++) head[`deploy/unit-${i}.service`] = `${HARDENED}PrivatePIDs=yes\n`;
    const repo = await repoOf({ 'docs/README.md': 'x\n' }, { ...head, 'docs/README.md': 'x\n' });
    addPull(repo);
    fake.setToken(fake.token, { permissions: READ_ONLY });
    const { result, runner } = await runAction(repo);
    expect(result.exitCode).toBe(0);
    expect(runner.count('warning')).toBe(10);
    expect(runner.said.filter((s) => s.kind === 'warning' && s.properties?.file)).toHaveLength(10);
    // The check run and the comment could not be written: said, as log lines.
    expect(runner.text).toContain('info: warning: Could not create the check run');
    expect(runner.text).toContain('info: warning: Could not write the pull request comment');
    expect(runner.text).toContain('2 more findings are in the job summary');
    fake.takeViolations();
  });
});

describe('the sticky comment is the token identity’s own', () => {
  it('another app’s or a person’s comment with the marker is never edited (identity unknown)', async () => {
    fake.addPullRequest({ number: 8 });
    const otherBot = fake.addIssueComment(8, `${STICKY_MARKER}\nanother app`, 'other-app[bot]');
    const person = fake.addIssueComment(8, `${STICKY_MARKER}\npasted`, 'mallory');
    const octokit = createOctokit(fake.token, () => {}, fake.url);
    const ref = { owner: fake.repo.owner, repo: fake.repo.name };
    const r = await upsertStickyComment(octokit, ref, 8, `${STICKY_MARKER}\nours`, () => {});
    expect(r).toMatchObject({ action: 'created', removedDuplicates: 0 });
    expect(fake.issueComments).toEqual([
      expect.objectContaining({ id: otherBot.id, body: `${STICKY_MARKER}\nanother app` }),
      expect.objectContaining({ id: person.id, body: `${STICKY_MARKER}\npasted` }),
      expect.objectContaining({ body: `${STICKY_MARKER}\nours`, user: 'github-actions[bot]' }),
    ]);
    fake.expectNoViolations();
  });

  it('with an app token the run finds its own comment again and leaves the others alone', async () => {
    const repo = await repoOf({ 'deploy/api.service': HARDENED }, { 'deploy/api.service': STRIPPED });
    addPull(repo);
    fake.setToken('ghs_appInstallationToken', { login: 'unitgate-app[bot]' });
    const actions = fake.addIssueComment(repo.pullNumber, `${STICKY_MARKER}\nold`, 'github-actions[bot]');
    const other = fake.addIssueComment(repo.pullNumber, `${STICKY_MARKER}\nmine`, 'other-app[bot]');
    const token = 'ghs_appInstallationToken';
    await runAction(repo, { token, runId: 5000 });
    await runAction(repo, { token, runId: 5001 });
    const ours = stickyComments().filter((c) => c.user === 'unitgate-app[bot]');
    expect(ours).toHaveLength(1);
    expect(ours[0]?.body).toContain('<!-- unitgate:revision 5001 -->');
    expect(fake.issueComments).toContainEqual(
      expect.objectContaining({ id: actions.id, body: actions.body }),
    );
    expect(fake.issueComments).toContainEqual(expect.objectContaining({ id: other.id, body: other.body }));
    fake.expectNoViolations();
  });
});
