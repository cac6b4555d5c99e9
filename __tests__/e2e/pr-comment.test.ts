// src/io/pr-comment.ts against the fake GitHub, through the real octokit of createOctokit(): the
// module is bundled with esbuild (octokit is ESM-only and does not load in jest) and driven by a child
// node process. Covers the sticky comment's life (create, update, unchanged, races, resolve, other
// people's comments, read-only tokens) and review suggestions (one review, no repeats, 422 fallback).
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import {
  renderPullRequestComment,
  renderResolvedComment,
  STICKY_MARKER,
} from '../../src/core/report/pr-comment';
import { planSuggestions, type ReviewSuggestion } from '../../src/core/report/suggestions';
import { builtInPolicy } from '../../src/core/policy/load-policy';
import { memoryTree } from '../../src/core/unit/unit-tree';
import { runGatePipeline } from '../../src/io/gate-pipeline';
import { READ_ONLY, startFakeGitHub, type FakeGitHub } from './fake-github';
import { FAILING, CLEAN } from '../core/report/report-fixtures';

const ROOT = path.resolve(__dirname, '..', '..');

/** The `patch` field GitHub serves for a file: `git diff` from the first hunk header on. */
function gitPatch(before: string, after: string): string {
  writeFileSync(path.join(dir, 'a'), before);
  writeFileSync(path.join(dir, 'b'), after);
  const out = spawnSync('git', ['diff', '--no-index', '--no-color', 'a', 'b'], {
    cwd: dir,
    encoding: 'utf8',
  }).stdout;
  return out.slice(out.indexOf('@@')).replace(/\n$/, '');
}

let fake: FakeGitHub;
let dir: string;
let bundle: string;

beforeAll(async () => {
  fake = await startFakeGitHub();
  dir = await mkdtemp(path.join(tmpdir(), 'unitgate-pr-comment-'));
  bundle = path.join(dir, 'pr-comment.cjs');
  await build({
    stdin: {
      contents:
        "export * from './src/io/sticky-comment';\nexport { createOctokit } from './src/io/github';\n",
      resolveDir: ROOT,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: bundle,
    logLevel: 'error',
  });
});

afterAll(async () => {
  await fake?.close();
  await rm(dir, { recursive: true, force: true });
});

beforeEach(() => fake.reset());

type Step =
  | { op: 'upsert'; pr: number; body: string; options?: Record<string, unknown> }
  | { op: 'resolve'; pr: number; body: string; options?: Record<string, unknown> }
  | { op: 'suggest'; pr: number; headSha: string; suggestions: ReviewSuggestion[] }
  | { op: 'patches'; pr: number }
  | { op: 'parallel'; steps: Step[] };

/** The child: runs the steps in order (`parallel` ones concurrently) and prints their results. */
const DRIVER = `
const m = require(process.env.BUNDLE);
const octokit = m.createOctokit(process.env.TOKEN, () => {});
const ref = { owner: 'octo-org', repo: 'services' };
const log = () => {};
async function run(s) {
  switch (s.op) {
    case 'upsert': return m.upsertStickyComment(octokit, ref, s.pr, s.body, log, s.options);
    case 'resolve': return m.resolveStickyComment(octokit, ref, s.pr, s.body, log, s.options);
    case 'suggest': return m.postSuggestions(octokit, ref, s.pr, s.headSha, s.suggestions, log);
    case 'patches': {
      const r = await m.listPullPatches(octokit, ref, s.pr);
      return { patches: Object.fromEntries(r.patches), renames: Object.fromEntries(r.renames) };
    }
    case 'parallel': return Promise.all(s.steps.map(run));
  }
}
(async () => {
  const out = [];
  for (const s of JSON.parse(process.env.STEPS)) out.push(await run(s));
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });
`;

async function drive(steps: Step[], token = fake.token): Promise<unknown[]> {
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
    (resolve, reject) => {
      // spawn, not spawnSync: this process must keep serving the fake while the child runs.
      const child = spawn(process.execPath, ['-e', DRIVER], {
        cwd: ROOT,
        env: {
          ...process.env,
          BUNDLE: bundle,
          TOKEN: token,
          GITHUB_API_URL: fake.url,
          STEPS: JSON.stringify(steps),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    },
  );
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  return JSON.parse(stdout) as unknown[];
}

const sticky = () => fake.issueComments.filter((c) => c.body.startsWith(STICKY_MARKER));
const FIRST = renderPullRequestComment(FAILING);
const SECOND = renderPullRequestComment(CLEAN);

describe('upsertStickyComment()', () => {
  it('creates one comment, updates it in place, and leaves it alone when nothing changed', async () => {
    fake.addPullRequest({ number: 1 });
    fake.addIssueComment(1, 'LGTM', 'alice');
    const [created] = await drive([{ op: 'upsert', pr: 1, body: FIRST }]);
    expect(created).toMatchObject({ action: 'created', removedDuplicates: 0 });
    expect(sticky()).toHaveLength(1);
    const id = sticky()[0]?.id;
    expect(created).toMatchObject({ commentId: id });

    const [updated, unchanged] = await drive([
      { op: 'upsert', pr: 1, body: SECOND },
      { op: 'upsert', pr: 1, body: SECOND },
    ]);
    expect(updated).toEqual({ action: 'updated', commentId: id, removedDuplicates: 0 });
    expect(unchanged).toEqual({ action: 'unchanged', commentId: id, removedDuplicates: 0 });
    expect(sticky()).toEqual([expect.objectContaining({ id, body: SECOND, user: 'github-actions[bot]' })]);
    expect(fake.requestsTo('issues/update-comment')).toHaveLength(1);
    expect(fake.issueComments.map((c) => c.body)).toEqual(['LGTM', SECOND]);
    fake.expectNoViolations();
  });

  it('two runs racing leave exactly one comment, the oldest, with the newest body', async () => {
    fake.addPullRequest({ number: 2 });
    const results = (await drive([
      {
        op: 'parallel',
        steps: [
          { op: 'upsert', pr: 2, body: FIRST, options: { revision: 7 } },
          { op: 'upsert', pr: 2, body: SECOND, options: { revision: 8 } },
        ],
      },
    ])) as Array<Array<{ action: string }>>;
    expect(results[0]?.map((r) => r.action)).toEqual(['created', 'created']);
    expect(fake.requestsTo('issues/create-comment')).toHaveLength(2);
    expect(sticky()).toHaveLength(1);
    expect(sticky()[0]?.body).toContain('<!-- unitgate:revision 8 -->');
    expect(sticky()[0]?.body).toContain('hardening gate passed');
    fake.expectNoViolations();
  });

  it('two racing processes converge on one comment', async () => {
    fake.addPullRequest({ number: 3 });
    await Promise.all([
      drive([{ op: 'upsert', pr: 3, body: FIRST }]),
      drive([{ op: 'upsert', pr: 3, body: SECOND }]),
    ]);
    expect(sticky()).toHaveLength(1);
    fake.expectNoViolations();
  });

  it('cleans up duplicates an earlier race left behind', async () => {
    fake.addPullRequest({ number: 4 });
    const a = fake.addIssueComment(4, FIRST);
    fake.addIssueComment(4, FIRST);
    fake.addIssueComment(4, FIRST);
    const [r] = await drive([{ op: 'upsert', pr: 4, body: SECOND }]);
    expect(r).toMatchObject({ action: 'updated', commentId: a.id, removedDuplicates: 2 });
    expect(sticky()).toEqual([expect.objectContaining({ id: a.id, body: SECOND })]);
    fake.expectNoViolations();
  });

  it("never edits or deletes someone else's comment that carries the marker", async () => {
    fake.addPullRequest({ number: 5 });
    const forged = fake.addIssueComment(5, `${STICKY_MARKER}\nI pasted the marker`, 'mallory');
    const [r] = await drive([{ op: 'upsert', pr: 5, body: FIRST }]);
    expect(r).toMatchObject({ action: 'created', removedDuplicates: 0 });
    expect(fake.issueComments).toEqual([
      expect.objectContaining({
        id: forged.id,
        body: `${STICKY_MARKER}\nI pasted the marker`,
        user: 'mallory',
      }),
      expect.objectContaining({ body: FIRST, user: 'github-actions[bot]' }),
    ]);
    // With an explicit author (a personal access token), only that login's comments count.
    fake.setToken('ghp_personal', { login: 'ci-user' });
    const [pat] = await drive(
      [{ op: 'upsert', pr: 5, body: SECOND, options: { author: 'ci-user' } }],
      'ghp_personal',
    );
    expect(pat).toMatchObject({ action: 'created' });
    const [again] = await drive(
      [{ op: 'upsert', pr: 5, body: SECOND, options: { author: 'ci-user' } }],
      'ghp_personal',
    );
    expect(again).toMatchObject({ action: 'unchanged' });
    expect(fake.issueComments.filter((c) => c.user === 'ci-user')).toHaveLength(1);
    fake.expectNoViolations();
  });

  it('an older, slower run does not overwrite what a newer run wrote', async () => {
    fake.addPullRequest({ number: 6 });
    await drive([{ op: 'upsert', pr: 6, body: SECOND, options: { revision: 20 } }]);
    const [older] = await drive([{ op: 'upsert', pr: 6, body: FIRST, options: { revision: 19 } }]);
    expect(older).toMatchObject({ action: 'older' });
    expect(sticky()[0]?.body).toContain('hardening gate passed');
    const [newer] = await drive([{ op: 'upsert', pr: 6, body: FIRST, options: { revision: 21 } }]);
    expect(newer).toMatchObject({ action: 'updated' });
    fake.expectNoViolations();
  });

  it('returns a warning instead of throwing when the token is read-only (fork pull requests)', async () => {
    fake.addPullRequest({ number: 7 });
    fake.setToken(fake.token, { permissions: READ_ONLY });
    const [r, resolved, suggested] = (await drive([
      { op: 'upsert', pr: 7, body: FIRST },
      { op: 'resolve', pr: 7, body: renderResolvedComment() },
      {
        op: 'suggest',
        pr: 7,
        headSha: 'a'.repeat(40),
        suggestions: [{ path: 'a.service', line: 1, side: 'RIGHT', body: 'x', replacement: [] }],
      },
    ])) as Array<Record<string, unknown>>;
    expect(r).toMatchObject({ action: 'failed', removedDuplicates: 0 });
    expect(r?.warning).toMatch(
      /^Could not create the pull request comment \(HTTP 403: Resource not accessible/,
    );
    expect(r?.warning).toContain('read-only');
    expect(resolved).toEqual({ action: 'none', removedDuplicates: 0 });
    expect(suggested).toMatchObject({ posted: 0, failed: 1, warning: expect.stringContaining('HTTP 403') });
    expect(fake.issueComments).toEqual([]);
    fake.expectNoViolations();
  });
});

describe('resolveStickyComment()', () => {
  it('marks the comment resolved, or deletes it, and creates none when there is none', async () => {
    fake.addPullRequest({ number: 1 });
    const resolved = renderResolvedComment();
    const [none] = await drive([{ op: 'resolve', pr: 1, body: resolved }]);
    expect(none).toEqual({ action: 'none', removedDuplicates: 0 });
    expect(fake.issueComments).toEqual([]);

    const c = fake.addIssueComment(1, FIRST);
    const [edited, same] = await drive([
      { op: 'resolve', pr: 1, body: resolved },
      { op: 'resolve', pr: 1, body: resolved },
    ]);
    expect(edited).toEqual({ action: 'updated', commentId: c.id, removedDuplicates: 0 });
    expect(same).toMatchObject({ action: 'unchanged' });
    expect(sticky()).toEqual([expect.objectContaining({ id: c.id, body: resolved })]);

    const [deleted] = await drive([{ op: 'resolve', pr: 1, body: resolved, options: { delete: true } }]);
    expect(deleted).toMatchObject({ action: 'deleted' });
    expect(fake.issueComments).toEqual([]);
    fake.expectNoViolations();
  });
});

describe('postSuggestions() and listPullPatches()', () => {
  const PATCH = '@@ -1,4 +1,3 @@\n [Service]\n ExecStart=/bin/a\n-ProtectSystem=strict\n User=a';
  const suggestion = (over: Partial<ReviewSuggestion> = {}): ReviewSuggestion => ({
    path: 'units/a.service',
    line: 2,
    side: 'RIGHT',
    body: '<!-- unitgate:suggestion -->\nrestore it\n\n```suggestion\nExecStart=/bin/a\nProtectSystem=strict\n```',
    replacement: ['ExecStart=/bin/a', 'ProtectSystem=strict'],
    ...over,
  });

  it('lists patches, posts one review with every suggestion, and does not repeat them', async () => {
    const pr = fake.addPullRequest({
      number: 9,
      files: [
        { filename: 'units/a.service', patch: PATCH },
        {
          filename: 'units/b.service',
          status: 'renamed',
          previous_filename: 'units/old.service',
          patch: PATCH,
        },
        { filename: 'units/gone.service', status: 'removed', patch: '@@ -1 +0,0 @@\n-[Service]' },
      ],
    });
    const [patches, first, second] = await drive([
      { op: 'patches', pr: 9 },
      {
        op: 'suggest',
        pr: 9,
        headSha: pr.head.sha,
        suggestions: [suggestion(), suggestion({ path: 'units/b.service', line: 3, startLine: 2 })],
      },
      { op: 'suggest', pr: 9, headSha: pr.head.sha, suggestions: [suggestion()] },
    ]);
    expect(patches).toEqual({
      patches: { 'units/a.service': PATCH, 'units/b.service': PATCH },
      renames: { 'units/b.service': 'units/old.service' },
    });
    expect(first).toEqual({ posted: 2, skipped: 0, failed: 0 });
    expect(second).toEqual({ posted: 0, skipped: 1, failed: 0 });
    expect(fake.requestsTo('pulls/create-review')).toHaveLength(1);
    expect(fake.reviews).toEqual([expect.objectContaining({ state: 'COMMENTED', commitId: pr.head.sha })]);
    expect(fake.reviewComments).toEqual([
      expect.objectContaining({ path: 'units/a.service', line: 2, startLine: null, side: 'RIGHT' }),
      expect.objectContaining({ path: 'units/b.service', line: 3, startLine: 2, startSide: 'RIGHT' }),
    ]);
    fake.expectNoViolations();
  });

  it('planned suggestions land on lines GitHub accepts (the fake checks each against the patch)', async () => {
    const base =
      '[Service]\nExecStart=/bin/a\nUser=a\nNoNewPrivileges=yes\nProtectSystem=strict\nPrivateTmp=yes\n';
    const head = '[Service]\nExecStart=/bin/a\nUser=a\nPrivateTmp=no\n';
    const files = { 'units/a.service': head };
    const patch = gitPatch(base, head);
    const { verdict, scope } = runGatePipeline({
      head: { tree: memoryTree(files), paths: Object.keys(files) },
      base: { tree: memoryTree({ 'units/a.service': base }), paths: ['units/a.service'] },
      changed: [{ path: 'units/a.service', status: 'modified' }],
      policy: builtInPolicy(),
      approvals: [],
      today: '2025-06-01',
      messages: [],
    });
    const suggestions = planSuggestions(verdict, scope, new Map([['units/a.service', patch]]));
    expect(suggestions.length).toBeGreaterThan(0);
    const pr = fake.addPullRequest({ number: 11, files: [{ filename: 'units/a.service', patch }] });
    const [r] = await drive([{ op: 'suggest', pr: 11, headSha: pr.head.sha, suggestions }]);
    expect(r).toEqual({ posted: suggestions.length, skipped: 0, failed: 0 });
    fake.expectNoViolations();
  });

  it('falls back to single comments when GitHub refuses the review, keeping the good ones', async () => {
    const pr = fake.addPullRequest({ number: 10, files: [{ filename: 'units/a.service', patch: PATCH }] });
    const [r] = await drive([
      {
        op: 'suggest',
        pr: 10,
        headSha: pr.head.sha,
        suggestions: [suggestion(), suggestion({ line: 40, body: 'outside the diff' })],
      },
    ]);
    expect(r).toMatchObject({
      posted: 1,
      skipped: 0,
      failed: 1,
      warning: expect.stringContaining('units/a.service:40'),
    });
    expect(fake.reviewComments).toEqual([expect.objectContaining({ line: 2 })]);
    // GitHub's 422s for the refused line are what the fallback is for.
    expect(fake.takeViolations().map((v) => v.kind)).toEqual(['limit', 'limit']);
  });
});
