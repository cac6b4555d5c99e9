// Scheduled runs of the bundled action (dist/index.js, or UNITGATE_ACTION_ENTRY: see run-action.ts)
// against the fake GitHub: the deviation notes on the default branch that expired or expire within the
// policy's window are listed in the job summary and kept in one issue, opened while there are some,
// left alone while the list is the same, closed when the notes are fixed. The issue is optional: a
// token that cannot write issues gets a warning and the step's result is the gate's.
import { rmSync } from 'node:fs';
import { issueMarker } from '../../src/io/sticky-issue';
import { READ_ONLY, startFakeGitHub, type FakeGitHub, type FakeIssue } from './fake-github';
import * as F from './gate-fixtures';
import { makeGitRepo, runAction, type ActionRun, type FileTree, type GitRepo } from './run-action';

const STACK_FRAME = /^\s+at .+(:\d+:\d+\)?|\(native\)|\(<anonymous>\))$/m;

/** A date `days` from the real today (the bundled action reads the clock), YYYY-MM-DD. */
function day(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

const note = (check: string, expires: string) =>
  `# unitgate-deviation: check=${check} owner=@acme/security expires=${expires} reason="legacy client"\n`;

const EXPIRED = day(-3);
const SOON = day(5);
const WITH_NOTES: FileTree = {
  ...F.REPO_FILES,
  [F.API_PATH]: `${note('PrivateNetwork', EXPIRED)}${F.API_HARDENED}`,
  [F.API_DROPIN_PATH]: `${note('exposure', SOON)}[Service]\nEnvironment=ORDERS_WORKERS=4\n`,
  // Beyond the default 14-day window: not listed.
  [F.WORKER_PATH]: `${note('PrivateTmp', day(60))}${F.WORKER}`,
};
const ONLY_SOON: FileTree = { ...WITH_NOTES, [F.API_PATH]: F.API_HARDENED };
const FIXED: FileTree = {
  ...WITH_NOTES,
  [F.API_PATH]: F.API_HARDENED,
  [F.API_DROPIN_PATH]: `${note('exposure', day(90))}[Service]\nEnvironment=ORDERS_WORKERS=4\n`,
};

let fake: FakeGitHub;
const repos: GitRepo[] = [];
beforeAll(async () => {
  fake = await startFakeGitHub();
});
afterAll(async () => {
  await fake?.close();
  await Promise.all(repos.map((r) => r.cleanup()));
});

async function repoAt(tree: FileTree): Promise<GitRepo> {
  const repo = await makeGitRepo(tree, tree, { checkout: 'head' });
  repos.push(repo);
  return repo;
}

/** A `schedule` (or `workflow_dispatch`) run on `ref`; checks what must hold for every run. */
async function scheduledRun(
  repo: GitRepo,
  options: { eventName?: string; ref?: string; token?: string } = {},
): Promise<ActionRun> {
  const repository = {
    full_name: 'octo-org/services',
    name: 'services',
    owner: { login: 'octo-org' },
    default_branch: 'main',
  };
  const eventName = options.eventName ?? 'schedule';
  const run = await runAction({
    workspace: repo.workspace,
    eventName,
    event:
      eventName === 'schedule'
        ? { schedule: '0 6 * * 1', repository }
        : { inputs: {}, ref: options.ref ?? 'refs/heads/main', repository, sender: { login: 'octocat' } },
    sha: repo.headSha,
    ref: options.ref ?? 'refs/heads/main',
    token: options.token ?? fake.token,
    apiUrl: fake.url,
    inputs: { trend: 'false' },
  });
  rmSync(run.tempDir, { recursive: true, force: true });
  expect(run.timedOut).toBe(false);
  expect(run.stderr).toBe('');
  expect(run.stdout).not.toMatch(STACK_FRAME);
  fake.expectNoViolations();
  return run;
}

const notesIssues = (): FakeIssue[] =>
  [...fake.issues.values()].filter((i) => (i.body ?? '').startsWith(issueMarker('deviation-notes')));

describe('scheduled runs: expiring deviation notes', () => {
  beforeEach(() => fake.reset());

  it('opens the issue, leaves it alone while the list is the same, and closes it once the notes are fixed', async () => {
    const repo = await repoAt(WITH_NOTES);

    // The expired note accepts nothing any more: the gate itself fails on it, as every run would.
    const first = await scheduledRun(repo);
    expect(first.exitCode).toBe(1);
    expect(first.outputs.result).toBe('fail');
    expect(first.annotations).toContainEqual(
      expect.objectContaining({
        level: 'error',
        file: F.API_PATH,
        line: 1,
        message: expect.stringContaining(
          `deviation note for PrivateNetwork is not valid: it expired on ${EXPIRED}`,
        ),
      }),
    );
    expect(first.summary).toContain('## Deviation notes that expire');
    expect(first.summary).toContain(`| **expired** 3 days ago | \`${F.API_PATH}\` | \`PrivateNetwork\` |`);
    expect(first.summary).toContain(`| expires in 5 days | \`${F.API_PATH}\` | \`exposure\` |`);
    expect(first.summary).not.toContain('PrivateTmp');
    expect(first.annotations).toContainEqual({
      level: 'warning',
      message: 'unitgate: 1 deviation note has expired and accepts nothing any more (see the job summary)',
    });
    expect(notesIssues()).toEqual([
      expect.objectContaining({
        state: 'open',
        user: 'github-actions[bot]',
        labels: ['unitgate'],
        title: 'unitgate: deviation notes 1 expired, 1 expiring soon',
      }),
    ]);
    const issue = notesIssues()[0] as FakeIssue;
    expect(issue.body).toContain(
      `[${F.API_PATH}:1](https://github.com/octo-org/services/blob/main/${F.API_PATH}#L1)`,
    );
    expect(issue.body).not.toMatch(/days ago|expires in/);

    const second = await scheduledRun(repo);
    expect(second.exitCode).toBe(1);
    expect(fake.requestsTo('issues/create')).toHaveLength(1);
    expect(fake.requestsTo('issues/update')).toHaveLength(0);
    expect(notesIssues()).toEqual([issue]);

    // A manual run on another branch lists that branch's notes in its summary only.
    const requestsBefore = fake.requests.length;
    const other = await scheduledRun(repo, { eventName: 'workflow_dispatch', ref: 'refs/heads/feature' });
    expect(other.summary).toContain('## Deviation notes that expire');
    expect(fake.requests.slice(requestsBefore).filter((r) => r.path.includes('/issues'))).toEqual([]);

    const fixed = await scheduledRun(await repoAt(FIXED));
    expect(fixed.exitCode).toBe(0);
    expect(fixed.summary).toContain(
      'No deviation note in a unit file has expired or expires within 14 days.',
    );
    expect(issue).toMatchObject({
      state: 'closed',
      stateReason: 'completed',
      closedBy: 'github-actions[bot]',
    });
    expect(fake.issueComments).toEqual([
      expect.objectContaining({
        issueNumber: issue.number,
        body: expect.stringMatching(/^No deviation note expired or expires within 14 days any more/),
      }),
    ]);
    expect(fake.requestsTo('issues/create')).toHaveLength(1);
  });

  it("a token that cannot write issues gets a warning naming the permission; the result stays the gate's", async () => {
    fake.setToken('ghs_readOnly', { permissions: READ_ONLY });
    const run = await scheduledRun(await repoAt(ONLY_SOON), { token: 'ghs_readOnly' });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.result).toBe('pass');
    expect(run.summary).toContain(`| expires in 5 days | \`${F.API_PATH}\` | \`exposure\` |`);
    expect(run.annotations).toContainEqual(
      expect.objectContaining({
        level: 'warning',
        message: expect.stringMatching(
          /^Deviation notes issue: Could not open the issue \(HTTP 403.*`permissions: issues: write`/,
        ),
      }),
    );
    expect(fake.issues.size).toBe(0);
  });
});
