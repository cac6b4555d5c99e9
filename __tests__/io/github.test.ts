// github.ts against the fake GitHub over HTTP (every request and response checked against GitHub's
// OpenAPI description): pagination, the 3,000-file cap, a 404, retried 5xx, the request deadline and
// GraphQL's errors.
import { startFakeGitHub, type FakeGitHub } from '../e2e/fake-github';
import {
  createOctokit,
  getPull,
  headCommitLogins,
  listReviews,
  publishCheckRun,
  pullBodyEditedAt,
  tokenLogin,
  type Octokit,
  type RepoRef,
} from '../../src/io/github';

let fake: FakeGitHub;
let octokit: Octokit;
let ref: RepoRef;
const logged: string[] = [];

beforeAll(async () => {
  fake = await startFakeGitHub();
  ref = { owner: fake.repo.owner, repo: fake.repo.name };
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
  logged.length = 0;
  octokit = createOctokit(fake.token, (m) => logged.push(m), fake.url, 10_000);
});
afterEach(() => fake.expectNoViolations());

const files = (n: number): string[] => Array.from({ length: n }, (_, i) => `units/u${i}.service`);

describe('getPull', () => {
  it('reads the numbers the gate needs', async () => {
    const pr = fake.addPullRequest({ body: 'notes', user: 'alice', files: files(2) });
    await expect(getPull(octokit, ref, pr.number)).resolves.toEqual({
      number: pr.number,
      body: 'notes',
      baseSha: pr.base.sha,
      headSha: pr.head.sha,
      changedFiles: 2,
      author: 'alice',
    });
  });

  it('a missing pull request is an error with its status (404), asked once', async () => {
    await expect(getPull(octokit, ref, 999)).rejects.toMatchObject({ status: 404 });
    expect(fake.requestsTo('pulls/get')).toHaveLength(1);
  });

  it.each([500, 502, 503])('a %i is retried and then answered', async (status) => {
    const pr = fake.addPullRequest();
    fake.failNext('pulls/get', { status });
    await expect(getPull(octokit, ref, pr.number)).resolves.toMatchObject({ number: pr.number });
    expect(fake.requestsTo('pulls/get').map((r) => r.status)).toEqual([status, 200]);
  });

  it('a request past the deadline fails with the deadline, not retried', async () => {
    const pr = fake.addPullRequest();
    octokit = createOctokit(fake.token, () => {}, fake.url, 200);
    fake.delayNext('pulls/get', 1000);
    await expect(getPull(octokit, ref, pr.number)).rejects.toThrow(/did not answer GET .* within 0.2 s/);
    expect(fake.requestsTo('pulls/get').length).toBeLessThanOrEqual(1);
  });
});

describe('listReviews', () => {
  it("keeps each reviewer's latest verdict and looks up the teams of approvers", async () => {
    const pr = fake.addPullRequest();
    fake.addReview(pr.number, { user: 'bob', state: 'APPROVED' });
    fake.addReview(pr.number, { user: 'bob', state: 'COMMENTED' });
    fake.addReview(pr.number, { user: 'carol', state: 'APPROVED' });
    fake.addReview(pr.number, { user: 'carol', state: 'CHANGES_REQUESTED' });
    fake.addTeamMember('octo-org', 'security', 'bob');
    const { approvals, unreadableTeams } = await listReviews(
      octokit,
      ref,
      pr.number,
      ['octo-org/security'],
      () => {},
    );
    expect(approvals.map((a) => [a.login, a.state, a.teams])).toEqual([
      ['bob', 'APPROVED', ['octo-org/security']],
      ['carol', 'CHANGES_REQUESTED', []],
    ]);
    expect(unreadableTeams).toEqual([]);
  });

  it('a team the token cannot read is listed and said, never counted', async () => {
    const pr = fake.addPullRequest();
    fake.addReview(pr.number, { user: 'bob', state: 'APPROVED' });
    fake.setToken('ghs_noMembers', { permissions: { members: 'none' } });
    octokit = createOctokit('ghs_noMembers', () => {}, fake.url, 10_000);
    const said: string[] = [];
    const { approvals, unreadableTeams } = await listReviews(
      octokit,
      ref,
      pr.number,
      ['octo-org/security'],
      (m) => said.push(m),
    );
    expect(approvals[0]?.teams).toEqual([]);
    expect(unreadableTeams).toEqual(['octo-org/security']);
    expect(said.join('\n')).toMatch(/HTTP 403.*members: read/);
  });
});

describe('headCommitLogins and tokenLogin', () => {
  it.each([
    ['alice', 'alice', ['alice']],
    ['alice', 'bob', ['alice', 'bob']],
    [null, 'bob', ['bob']],
    [null, null, []],
  ])('author %s, committer %s → %j', async (author, committer, expected) => {
    fake.setCommit('a'.repeat(40), author, committer);
    await expect(headCommitLogins(octokit, ref, 'a'.repeat(40))).resolves.toEqual(expected);
  });

  it("GraphQL's viewer names the token's login", async () => {
    await expect(tokenLogin(octokit)).resolves.toBe('github-actions[bot]');
  });
});

describe('pullBodyEditedAt', () => {
  it('is the creation time of a description never edited, then the edit time', async () => {
    const pr = fake.addPullRequest({ body: 'a' });
    await expect(pullBodyEditedAt(octokit, ref, pr.number)).resolves.toBe(pr.createdAt);
    fake.editPullBody(pr.number, 'b');
    const edited = await pullBodyEditedAt(octokit, ref, pr.number);
    expect(edited).toBe(fake.pullRequests.get(pr.number)?.bodyEditedAt);
  });

  it('a GraphQL error (no such pull request) is an error', async () => {
    await expect(pullBodyEditedAt(octokit, ref, 999)).rejects.toThrow();
  });
});

describe('publishCheckRun', () => {
  const annotation = (i: number) => ({
    path: 'a.service',
    start_line: i + 1,
    end_line: i + 1,
    annotation_level: 'warning' as const,
    message: `m${i}`,
  });
  const batches = (n: number) =>
    Array.from({ length: n }, (_, b) => Array.from({ length: 50 }, (_, i) => annotation(b * 50 + i)));

  it.each([1, 3])('%i batches make one completed run with every annotation', async (n) => {
    const id = await publishCheckRun(octokit, ref, 'b'.repeat(40), 'failure', 't', 's', batches(n));
    const run = fake.checkRuns.find((r) => r.id === id);
    expect(run).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(run?.annotations).toHaveLength(50 * n);
  });

  it('a failed later batch still completes the run, with a note, and throws', async () => {
    fake.failNext('checks/update', { status: 422, message: 'Validation Failed' });
    await expect(
      publishCheckRun(octokit, ref, 'b'.repeat(40), 'success', 't', 's', batches(3)),
    ).rejects.toMatchObject({ status: 422 });
    const run = fake.checkRuns[0];
    expect(run).toMatchObject({ status: 'completed', conclusion: 'success' });
    expect(run?.output.summary).toMatch(/Only 50 annotations could be added/);
  });
});
