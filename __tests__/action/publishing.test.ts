// What the action publishes, beyond the gate scenarios (08.19-*, 08.20-*, 08.21-sticky-comment-own-only
// say from-artifact, timeouts, check runs, annotation budgets and the app token's sticky comment):
// when every endpoint stalls the run still ends with its verdict, each request costing one timeout;
// with the default token, a comment carrying the marker but written by anyone else is never edited.
import { readFileSync } from 'node:fs';
import { run, type ActionResult } from '../../src/action/run';
import { parseActionSettings } from '../../src/action/settings';
import { STICKY_MARKER } from '../../src/core/report/pr-comment';
import { createOctokit } from '../../src/io/github';
import { upsertStickyComment } from '../../src/io/sticky-comment';
import { startFakeGitHub, type FakeGitHub } from '../e2e/fake-github';
import { makeGitRepo, type GitRepo } from '../e2e/make-git-repo';
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

let fake: FakeGitHub;
const repos: GitRepo[] = [];
beforeAll(async () => {
  fake = await startFakeGitHub();
});
afterAll(async () => {
  await fake?.close();
  await Promise.all(repos.map((r) => r.cleanup()));
});
beforeEach(() => fake.reset());

async function runAction(
  repo: GitRepo,
  timeoutMs: number,
): Promise<{ result: ActionResult; runner: RecordingRunner; ms: number }> {
  const inputs: Record<string, string> = { ...INPUT_DEFAULTS, token: fake.token, trend: 'false' };
  const runner = new RecordingRunner();
  const started = Date.now();
  const result = await run(
    parseActionSettings((name) => inputs[name] ?? ''),
    {
      workspace: repo.workspace,
      event: {
        name: 'pull_request',
        payload: fake.pullRequestEvent(repo.pullNumber),
        sha: repo.mergeSha,
        ref: `refs/pull/${repo.pullNumber}/merge`,
      },
      environment: {
        repository: `${fake.repo.owner}/${fake.repo.name}`,
        serverUrl: 'https://github.com',
        runId: 4242,
      },
      runner,
      octokit: createOctokit(fake.token, () => {}, fake.url, timeoutMs),
      now: () => new Date('2026-12-01T12:00:00Z'),
    },
  );
  return { result, runner, ms: Date.now() - started };
}

describe('request timeouts', () => {
  it('when every endpoint stalls the run still ends with its verdict, each request costing one timeout', async () => {
    const repo = await makeGitRepo({ 'deploy/api.service': HARDENED }, { 'deploy/api.service': STRIPPED });
    repos.push(repo);
    fake.addPullRequest({ ...repo.pullRequest, user: 'mallory', body: 'Tidy the units.' });
    fake.delayNext('*', 20_000, 1000);
    fake.delayNext('graphql', 20_000, 1000);
    const { result, runner, ms } = await runAction(repo, 300);
    expect(result.exitCode).toBe(1);
    expect(runner.outputs.result).toBe('fail');
    expect(runner.text).toContain('within 0.3 s');
    const requests = fake.requests.length;
    expect(ms).toBeLessThan(requests * 300 + 5_000);
    process.stdout.write(`every endpoint stalled: ${requests} requests, run took ${ms} ms\n`);
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
});
