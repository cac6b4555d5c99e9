// pr-comment.ts against the fake GitHub: the sticky comment is created once, edited in place, never
// taken from someone else, not overwritten by an older run, resolved or deleted; failures are warnings.
import { startFakeGitHub, type FakeGitHub } from '../e2e/fake-github';
import { STICKY_MARKER } from '../../src/core/report/pr-comment';
import { createOctokit, type Octokit, type RepoRef } from '../../src/io/github';
import { resolveStickyComment, upsertStickyComment } from '../../src/io/sticky-comment';

let fake: FakeGitHub;
let octokit: Octokit;
let ref: RepoRef;
const body = (text: string): string => `${STICKY_MARKER}\n${text}`;
const none = (): void => {};

beforeAll(async () => {
  fake = await startFakeGitHub();
  ref = { owner: fake.repo.owner, repo: fake.repo.name };
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
  octokit = createOctokit(fake.token, none, fake.url, 10_000);
});

describe('upsertStickyComment', () => {
  it('creates, then leaves unchanged, then edits in place', async () => {
    const pr = fake.addPullRequest();
    const first = await upsertStickyComment(octokit, ref, pr.number, body('a'), none);
    expect(first).toMatchObject({ action: 'created', removedDuplicates: 0 });
    await expect(upsertStickyComment(octokit, ref, pr.number, body('a'), none)).resolves.toMatchObject({
      action: 'unchanged',
      commentId: first.commentId,
    });
    await expect(upsertStickyComment(octokit, ref, pr.number, body('b'), none)).resolves.toMatchObject({
      action: 'updated',
      commentId: first.commentId,
    });
    expect(fake.issueComments.map((c) => c.body)).toEqual([body('b')]);
    fake.expectNoViolations();
  });

  it("never edits someone else's comment that carries the marker", async () => {
    const pr = fake.addPullRequest();
    fake.addIssueComment(pr.number, body('pasted'), 'mallory');
    await expect(upsertStickyComment(octokit, ref, pr.number, body('a'), none)).resolves.toMatchObject({
      action: 'created',
    });
    expect(fake.issueComments.map((c) => c.body)).toEqual([body('pasted'), body('a')]);
  });

  it.each([
    [5, 4, 'older', 'x'],
    [4, 5, 'updated', 'y'],
  ])('a comment of revision %i and a run of revision %i → %s', async (theirs, mine, action, kept) => {
    const pr = fake.addPullRequest();
    await upsertStickyComment(octokit, ref, pr.number, body('x'), none, { revision: theirs });
    await expect(
      upsertStickyComment(octokit, ref, pr.number, body('y'), none, { revision: mine }),
    ).resolves.toMatchObject({ action });
    expect(fake.issueComments[0]?.body).toMatch(new RegExp(`\\n${kept}$`));
  });

  it('duplicates from racing runs are removed', async () => {
    const pr = fake.addPullRequest();
    fake.addIssueComment(pr.number, body('one'));
    fake.addIssueComment(pr.number, body('two'));
    await expect(upsertStickyComment(octokit, ref, pr.number, body('new'), none)).resolves.toMatchObject({
      action: 'updated',
      removedDuplicates: 1,
    });
    expect(fake.issueComments).toHaveLength(1);
  });

  it('a read-only token is a warning, not a throw', async () => {
    const pr = fake.addPullRequest();
    fake.setToken('ghs_readOnly', { permissions: { issues: 'read', pull_requests: 'read' } });
    octokit = createOctokit('ghs_readOnly', none, fake.url, 10_000);
    const result = await upsertStickyComment(octokit, ref, pr.number, body('a'), none);
    expect(result).toMatchObject({ action: 'failed' });
    expect(result.warning).toMatch(/Could not create the pull request comment \(HTTP 403.*read-only/);
  });

  it('a body without the marker is a programming error', async () => {
    await expect(upsertStickyComment(octokit, ref, 1, 'no marker', none)).rejects.toThrow(/STICKY_MARKER/);
  });
});

describe('resolveStickyComment', () => {
  it.each([
    [false, 'updated', [body('resolved')]],
    [true, 'deleted', []],
  ])('delete: %s → %s', async (del, action, left) => {
    const pr = fake.addPullRequest();
    await upsertStickyComment(octokit, ref, pr.number, body('a'), none);
    await expect(
      resolveStickyComment(octokit, ref, pr.number, body('resolved'), none, { delete: del }),
    ).resolves.toMatchObject({ action });
    expect(fake.issueComments.map((c) => c.body)).toEqual(left);
  });

  it('creates nothing when there is no comment', async () => {
    const pr = fake.addPullRequest();
    await expect(resolveStickyComment(octokit, ref, pr.number, body('r'), none)).resolves.toEqual({
      action: 'none',
      removedDuplicates: 0,
    });
    expect(fake.issueComments).toEqual([]);
  });
});
