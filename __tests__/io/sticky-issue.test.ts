// sticky-issue.ts against the fake GitHub: one issue per purpose, opened when there is something to
// report, edited only when its text changed, closed with a comment when the report is empty, never
// taken from someone else, duplicates of a race closed; a token without `issues: write` is a warning.
import { startFakeGitHub, READ_ONLY, type FakeGitHub } from '../e2e/fake-github';
import { createOctokit, type Octokit, type RepoRef } from '../../src/io/github';
import { ISSUE_LABEL, issueMarker, syncStickyIssue } from '../../src/io/sticky-issue';

let fake: FakeGitHub;
let octokit: Octokit;
let ref: RepoRef;
const none = (): void => {};
const REPORT = { title: 'unitgate: deviation notes 1 expired', body: '| a | b |\n|---|---|\n| 1 | 2 |\n' };

beforeAll(async () => {
  fake = await startFakeGitHub();
  ref = { owner: fake.repo.owner, repo: fake.repo.name };
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
  octokit = createOctokit(fake.token, none, fake.url, 10_000);
});

const open = () => [...fake.issues.values()].filter((i) => i.state === 'open');

describe('syncStickyIssue', () => {
  it('opens the issue, leaves it alone when nothing changed, edits it, then closes it with a comment', async () => {
    const created = await syncStickyIssue(octokit, ref, 'deviation-notes', REPORT, none);
    expect(created).toMatchObject({ action: 'created' });
    const issue = fake.issues.get(created.issueNumber as number);
    expect(issue).toMatchObject({
      title: REPORT.title,
      body: `${issueMarker('deviation-notes')}\n${REPORT.body}`,
      labels: [ISSUE_LABEL],
      user: 'github-actions[bot]',
      state: 'open',
    });

    await expect(syncStickyIssue(octokit, ref, 'deviation-notes', REPORT, none)).resolves.toEqual({
      action: 'unchanged',
      issueNumber: created.issueNumber,
    });
    expect(fake.requestsTo('issues/update')).toHaveLength(0);

    const changed = { ...REPORT, title: 'unitgate: deviation notes 2 expired' };
    await expect(syncStickyIssue(octokit, ref, 'deviation-notes', changed, none)).resolves.toEqual({
      action: 'updated',
      issueNumber: created.issueNumber,
    });
    expect(issue?.title).toBe(changed.title);

    const closed = await syncStickyIssue(octokit, ref, 'deviation-notes', undefined, none, {
      closingComment: 'All good again.',
    });
    expect(closed).toEqual({ action: 'closed', issueNumber: created.issueNumber });
    expect(issue).toMatchObject({ state: 'closed', stateReason: 'completed' });
    expect(fake.issueComments).toEqual([
      expect.objectContaining({ issueNumber: created.issueNumber, body: 'All good again.' }),
    ]);
    // Nothing open, nothing to report: no write at all.
    await expect(syncStickyIssue(octokit, ref, 'deviation-notes', undefined, none)).resolves.toEqual({
      action: 'none',
    });
    expect(fake.requestsTo('issues/create')).toHaveLength(1);
    fake.expectNoViolations();
  });

  it('keeps one issue per purpose', async () => {
    const notes = await syncStickyIssue(octokit, ref, 'deviation-notes', REPORT, none);
    const drift = await syncStickyIssue(octokit, ref, 'drift', { title: 'drift', body: 'x' }, none);
    expect(drift.issueNumber).not.toBe(notes.issueNumber);
    await syncStickyIssue(octokit, ref, 'drift', undefined, none);
    expect(open().map((i) => i.number)).toEqual([notes.issueNumber]);
    fake.expectNoViolations();
  });

  it("never edits or closes someone else's issue that carries the marker and the label", async () => {
    const forged = fake.addIssue({
      title: 'pasted',
      body: `${issueMarker('drift')}\nI pasted the marker`,
      user: 'mallory',
      labels: [ISSUE_LABEL],
    });
    await expect(syncStickyIssue(octokit, ref, 'drift', undefined, none)).resolves.toEqual({
      action: 'none',
    });
    const r = await syncStickyIssue(octokit, ref, 'drift', { title: 'drift', body: 'x' }, none);
    expect(r.action).toBe('created');
    expect(r.issueNumber).not.toBe(forged.number);
    expect(forged).toMatchObject({ state: 'open', body: `${issueMarker('drift')}\nI pasted the marker` });
    fake.expectNoViolations();
  });

  it("takes the issues of the token's own identity (a GitHub App's bot) for its own", async () => {
    fake.setToken('ghs_app', { login: 'unitgate-app[bot]' });
    const app = createOctokit('ghs_app', none, fake.url, 10_000);
    const first = await syncStickyIssue(app, ref, 'drift', REPORT, none, { author: 'unitgate-app[bot]' });
    await expect(
      syncStickyIssue(app, ref, 'drift', REPORT, none, { author: 'unitgate-app[bot]' }),
    ).resolves.toMatchObject({ action: 'unchanged', issueNumber: first.issueNumber });
    fake.expectNoViolations();
  });

  it('closes the duplicates a race left, keeping the oldest', async () => {
    const body = `${issueMarker('drift')}\nold`;
    const a = fake.addIssue({ title: 'drift', body, labels: [ISSUE_LABEL] });
    const b = fake.addIssue({ title: 'drift', body, labels: [ISSUE_LABEL] });
    const r = await syncStickyIssue(octokit, ref, 'drift', { title: 'drift', body: 'new' }, none);
    expect(r).toEqual({ action: 'updated', issueNumber: a.number, closedDuplicates: 1 });
    expect(a).toMatchObject({ state: 'open', body: `${issueMarker('drift')}\nnew` });
    expect(b).toMatchObject({ state: 'closed', stateReason: 'duplicate' });
    fake.expectNoViolations();
  });

  it('a token without issues: write is a warning that names the permission, never a throw', async () => {
    fake.setToken('ghs_read', { permissions: READ_ONLY });
    const readOnly = createOctokit('ghs_read', none, fake.url, 10_000);
    const r = await syncStickyIssue(readOnly, ref, 'deviation-notes', REPORT, none);
    expect(r.action).toBe('failed');
    expect(r.warning).toMatch(/^Could not open the issue \(HTTP 403: .*\)\. .*`permissions: issues: write`/);
    expect(fake.issues.size).toBe(0);
    fake.expectNoViolations();
  });

  it('cuts a body longer than GitHub allows', async () => {
    const r = await syncStickyIssue(
      octokit,
      ref,
      'drift',
      { title: 'drift', body: 'x'.repeat(70_000) },
      none,
    );
    expect(r.action).toBe('created');
    const body = fake.issues.get(r.issueNumber as number)?.body ?? '';
    expect([...body].length).toBeLessThanOrEqual(65_536);
    expect(body).toMatch(/the full report is in the job summary/);
    fake.expectNoViolations();
  });
});
