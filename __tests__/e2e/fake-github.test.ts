// Tests of the fake GitHub itself: it routes and validates against GitHub's OpenAPI description,
// implements the limits GitHub states in prose, and its knobs (permissions, failures) work.
// @octokit/core v7 is ESM-only and does not load in jest, so most requests are plain `fetch` calls
// shaped like octokit's; one test runs the real octokit in a child node process against the fake.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { READ_ONLY, startFakeGitHub, type FakeGitHub } from './fake-github';

const ROOT = path.resolve(__dirname, '..', '..');

let fake: FakeGitHub;

beforeAll(async () => {
  fake = await startFakeGitHub();
});

afterAll(async () => {
  await fake?.close();
});

beforeEach(() => {
  fake.reset();
});

/** A request as @octokit/core sends it. */
async function call(
  method: string,
  route: string,
  options: { body?: unknown; token?: string | null } = {},
): Promise<{ status: number; headers: Headers; json: unknown }> {
  const headers: Record<string, string> = {
    accept: 'application/vnd.github.v3+json',
    'user-agent': 'octokit-core.js/7.0.8 Node.js/20',
  };
  const token = options.token === undefined ? fake.token : options.token;
  if (token !== null) headers.authorization = `token ${token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json; charset=utf-8';
  const url = route.startsWith('http') ? route : `${fake.url}${route}`;
  const response = await fetch(url, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    json: text === '' ? undefined : JSON.parse(text),
  };
}

const REPO = '/repos/octo-org/services';

function nextLink(headers: Headers): string | undefined {
  return /<([^>]+)>;\s*rel="next"/.exec(headers.get('link') ?? '')?.[1];
}

/** Follows Link rel="next" from `route` and returns every item. */
async function listAll(route: string): Promise<{ items: unknown[]; pages: number }> {
  const items: unknown[] = [];
  let url: string | undefined = route;
  let pages = 0;
  while (url !== undefined) {
    const { status, headers, json } = await call('GET', url);
    expect(status).toBe(200);
    items.push(...(json as unknown[]));
    pages += 1;
    url = nextLink(headers);
  }
  return { items, pages };
}

function files(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `units/svc-${String(i).padStart(4, '0')}.service`);
}

describe('routing and validation against the OpenAPI description', () => {
  it('lists pull request files page by page, with GitHub-style Link headers', async () => {
    fake.addPullRequest({ number: 7, files: files(250) });
    const first = await call('GET', `${REPO}/pulls/7/files?per_page=100`);
    expect(first.status).toBe(200);
    expect(first.headers.get('link')).toBe(
      `<${fake.url}${REPO}/pulls/7/files?per_page=100&page=2>; rel="next", ` +
        `<${fake.url}${REPO}/pulls/7/files?per_page=100&page=3>; rel="last"`,
    );
    const all = await listAll(`${REPO}/pulls/7/files?per_page=100`);
    expect(all.pages).toBe(3);
    expect(all.items).toHaveLength(250);
    expect(all.items[249]).toMatchObject({
      filename: 'units/svc-0249.service',
      status: 'modified',
      changes: 2,
    });
    const last = await call('GET', `${REPO}/pulls/7/files?per_page=100&page=3`);
    expect(last.headers.get('link')).toContain('rel="prev"');
    expect(last.headers.get('link')).toContain('rel="first"');
    expect(last.headers.get('link')).not.toContain('rel="next"');
    fake.expectNoViolations();
    expect(fake.requestsTo('pulls/list-files')).toHaveLength(5);
    expect(fake.requests[0]).toMatchObject({
      method: 'GET',
      path: `${REPO}/pulls/7/files`,
      query: { per_page: '100' },
      operationId: 'pulls/list-files',
      status: 200,
    });
  });

  it('serves renamed files with previous_filename, and the pull request itself', async () => {
    fake.addPullRequest({
      number: 3,
      title: 'Move the unit',
      files: [
        { filename: 'new/a.service', status: 'renamed', previous_filename: 'old/a.service', additions: 2 },
        { filename: 'b.service', status: 'removed', deletions: 10 },
      ],
    });
    const list = await call('GET', `${REPO}/pulls/3/files`);
    expect(list.json).toEqual([
      expect.objectContaining({
        filename: 'new/a.service',
        status: 'renamed',
        previous_filename: 'old/a.service',
      }),
      expect.objectContaining({ filename: 'b.service', status: 'removed', sha: null }),
    ]);
    const pr = await call('GET', `${REPO}/pulls/3`);
    expect(pr.json).toMatchObject({ number: 3, title: 'Move the unit', changed_files: 2, deletions: 10 });
    fake.expectNoViolations();
  });

  it('serves a pull request from a fork, and a matching webhook payload', async () => {
    fake.addPullRequest({ number: 6, user: 'forker', head: { repo: 'forker/services', ref: 'patch-1' } });
    const pr = await call('GET', `${REPO}/pulls/6`);
    expect(pr.json).toMatchObject({
      head: { label: 'forker:patch-1', repo: { full_name: 'forker/services', fork: true } },
      base: { repo: { full_name: 'octo-org/services', fork: false } },
    });
    const event = fake.pullRequestEvent(6, 'synchronize');
    expect(event).toMatchObject({
      action: 'synchronize',
      number: 6,
      repository: { full_name: 'octo-org/services' },
    });
    expect((event.pull_request as { head: unknown }).head).toEqual((pr.json as { head: unknown }).head);
    fake.expectNoViolations();
  });

  it('flags a request whose body breaks the schema, and answers 422', async () => {
    fake.addPullRequest({ number: 1 });
    const bad = await call('POST', `${REPO}/issues/1/comments`, { body: { body: 42 } });
    expect(bad.status).toBe(422);
    const missing = await call('POST', `${REPO}/check-runs`, { body: { name: 'unitgate' } });
    expect(missing.status).toBe(422);
    const violations = fake.takeViolations();
    expect(violations.map((v) => [v.kind, v.operationId])).toEqual([
      ['request', 'issues/create-comment'],
      ['request', 'checks/create'],
    ]);
    expect(violations[0]?.errors?.[0]?.message).toBe('must be string');
    expect(() => fake.expectNoViolations()).not.toThrow();
  });

  it('flags a response that breaks the schema (a factory bug)', async () => {
    fake.addPullRequest({ number: 1 });
    fake.transformNextResponse('pulls/get', (body) => ({ ...(body as object), number: 'one' }));
    await call('GET', `${REPO}/pulls/1`);
    expect(() => fake.expectNoViolations()).toThrow(/\[response\] GET .*pulls\/1 \(pulls\/get\)/);
    expect(fake.takeViolations()[0]?.errors?.map((e) => e.instancePath || e.message)).toEqual(
      expect.arrayContaining(['/number']),
    );
    await call('GET', `${REPO}/pulls/1`); // the transform applied once only
    fake.expectNoViolations();
  });

  it('flags requests no operation of the spec matches, other repositories and missing tokens', async () => {
    expect((await call('GET', `${REPO}/contents/README.md`)).status).toBe(404);
    expect((await call('GET', '/repos/someone/else/pulls/1')).status).toBe(404);
    expect((await call('GET', `${REPO}/pulls/1`, { token: null })).status).toBe(401);
    expect((await call('GET', `${REPO}/pulls/1`, { token: 'nope' })).status).toBe(401);
    expect(fake.takeViolations().map((v) => v.kind)).toEqual(['route', 'route', 'auth', 'auth']);
  });

  it('keeps review, comment, check-run, membership and artifact state', async () => {
    const pr = fake.addPullRequest({
      number: 5,
      user: 'alice',
      files: [
        {
          filename: 'a.service',
          additions: 1,
          patch: '@@ -1,2 +1,3 @@\n [Service]\n+User=app\n ExecStart=/bin/a',
        },
      ],
    });
    fake.addReview(5, { user: 'bob', state: 'APPROVED' });
    fake.addTeamMember('octo-org', 'security', 'bob', { role: 'maintainer' });
    fake.addArtifact(99, { name: 'unitgate-report' });

    const reviews = await call('GET', `${REPO}/pulls/5/reviews`);
    expect(reviews.json).toEqual([
      expect.objectContaining({ state: 'APPROVED', user: expect.objectContaining({ login: 'bob' }) }),
    ]);
    expect((await call('GET', '/orgs/octo-org/teams/security/memberships/bob')).json).toMatchObject({
      role: 'maintainer',
      state: 'active',
    });
    expect((await call('GET', '/orgs/octo-org/teams/security/memberships/carol')).status).toBe(404);

    const created = await call('POST', `${REPO}/pulls/5/reviews`, {
      body: {
        commit_id: pr.head.sha,
        event: 'COMMENT',
        body: 'unitgate findings',
        comments: [{ path: 'a.service', line: 2, side: 'RIGHT', body: 'NoNewPrivileges= is missing' }],
      },
    });
    expect(created.status).toBe(200);
    expect(fake.reviewComments).toEqual([
      expect.objectContaining({ path: 'a.service', line: 2, reviewId: expect.any(Number) }),
    ]);
    const single = await call('POST', `${REPO}/pulls/5/comments`, {
      body: { commit_id: pr.head.sha, path: 'a.service', line: 3, side: 'RIGHT', body: 'see above' },
    });
    expect(single.status).toBe(201);
    expect((await call('GET', `${REPO}/pulls/5/comments`)).json).toHaveLength(2);

    const comment = await call('POST', `${REPO}/issues/5/comments`, {
      body: { body: '<!-- unitgate -->\nreport' },
    });
    expect(comment.status).toBe(201);
    const id = (comment.json as { id: number }).id;
    expect((await call('PATCH', `${REPO}/issues/comments/${id}`, { body: { body: 'v2' } })).status).toBe(200);
    expect(fake.issueComments).toEqual([
      expect.objectContaining({ body: 'v2', user: 'github-actions[bot]' }),
    ]);
    expect((await call('DELETE', `${REPO}/issues/comments/${id}`)).status).toBe(204);
    expect(fake.issueComments).toEqual([]);

    const annotation = {
      path: 'a.service',
      start_line: 2,
      end_line: 2,
      annotation_level: 'failure',
      message: 'm',
    };
    const run = await call('POST', `${REPO}/check-runs`, {
      body: {
        name: 'unitgate',
        head_sha: pr.head.sha,
        status: 'in_progress',
        output: { title: 't', summary: 's', annotations: Array(50).fill(annotation) },
      },
    });
    expect(run.status).toBe(201);
    expect(run.json).toMatchObject({ pull_requests: [expect.objectContaining({ number: 5 })] });
    const runId = (run.json as { id: number }).id;
    const updated = await call('PATCH', `${REPO}/check-runs/${runId}`, {
      body: {
        conclusion: 'failure',
        output: { title: 't', summary: 's2', annotations: Array(7).fill(annotation) },
      },
    });
    expect(updated.json).toMatchObject({
      status: 'completed',
      conclusion: 'failure',
      output: { annotations_count: 57 },
    });
    expect(fake.checkRuns[0]).toMatchObject({
      annotationBatches: [50, 7],
      writes: 2,
      output: { summary: 's2' },
    });

    const artifacts = await call('GET', `${REPO}/actions/runs/99/artifacts?name=unitgate-report`);
    expect(artifacts.json).toMatchObject({
      total_count: 1,
      artifacts: [{ name: 'unitgate-report', expired: false }],
    });
    const associated = await call('GET', `${REPO}/commits/${pr.head.sha}/pulls`);
    expect(associated.json).toEqual([expect.objectContaining({ number: 5 })]);
    fake.expectNoViolations();
  });

  it('keeps issues: numbered with the pull requests, listed by state, labels and creator, edited and closed', async () => {
    fake.addPullRequest({ number: 1 });
    const theirs = fake.addIssue({ title: 'a bug', user: 'alice', labels: ['bug'] });
    expect(theirs.number).toBe(2);

    const created = await call('POST', `${REPO}/issues`, {
      body: { title: 'unitgate: drift', body: 'drifted', labels: ['unitgate'] },
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      number: 3,
      state: 'open',
      user: { login: 'github-actions[bot]' },
      labels: [expect.objectContaining({ name: 'unitgate' })],
    });
    const titles = async (query: string) =>
      ((await call('GET', `${REPO}/issues${query}`)).json as Array<{ title: string }>).map((i) => i.title);
    expect(await titles('')).toEqual(['unitgate: drift', 'a bug']);
    expect(await titles('?labels=unitgate')).toEqual(['unitgate: drift']);
    expect(await titles('?creator=alice')).toEqual(['a bug']);
    expect(await titles('?labels=unitgate,bug')).toEqual([]);

    expect((await call('POST', `${REPO}/issues/3/comments`, { body: { body: 'gone' } })).status).toBe(201);
    const closed = await call('PATCH', `${REPO}/issues/3`, { body: { state: 'closed' } });
    expect(closed.json).toMatchObject({ state: 'closed', state_reason: 'completed', comments: 1 });
    expect(await titles('')).toEqual(['a bug']);
    expect(await titles('?state=closed')).toEqual(['unitgate: drift']);
    expect((await call('PATCH', `${REPO}/issues/1`, { body: { state: 'closed' } })).status).toBe(404);
    fake.expectNoViolations();
  });

  it("rejects review comments outside the diff and approving one's own pull request, as GitHub does", async () => {
    const pr = fake.addPullRequest({
      number: 2,
      user: 'github-actions[bot]',
      files: [
        { filename: 'a.service', patch: '@@ -10,2 +10,2 @@\n-User=root\n+User=app\n ExecStart=/bin/a' },
      ],
    });
    const outside = await call('POST', `${REPO}/pulls/2/comments`, {
      body: { commit_id: pr.head.sha, path: 'a.service', line: 1, body: 'x' },
    });
    expect(outside.status).toBe(422);
    const notInPr = await call('POST', `${REPO}/pulls/2/comments`, {
      body: { commit_id: pr.head.sha, path: 'b.service', line: 10, body: 'x' },
    });
    expect(notInPr.status).toBe(422);
    const own = await call('POST', `${REPO}/pulls/2/reviews`, { body: { event: 'APPROVE' } });
    expect(own.status).toBe(422);
    expect(fake.takeViolations().map((v) => v.kind)).toEqual(['limit', 'limit', 'limit']);
    const onLeft = await call('POST', `${REPO}/pulls/2/comments`, {
      body: { commit_id: pr.head.sha, path: 'a.service', line: 10, side: 'LEFT', body: 'was root' },
    });
    expect(onLeft.status).toBe(201);
    fake.expectNoViolations();
  });
});

describe("GitHub's prose limits", () => {
  it('serves at most 3,000 files of a pull request; pulls/get still counts them all', async () => {
    fake.addPullRequest({ number: 9, files: files(3005) });
    const all = await listAll(`${REPO}/pulls/9/files?per_page=100`);
    expect(all.items).toHaveLength(3000);
    expect(all.pages).toBe(30);
    const past = await call('GET', `${REPO}/pulls/9/files?per_page=100&page=31`);
    expect(past).toMatchObject({ status: 200, json: [] });
    expect((await call('GET', `${REPO}/pulls/9`)).json).toMatchObject({ changed_files: 3005 });
    fake.limits.filesPastCap = 422;
    expect((await call('GET', `${REPO}/pulls/9/files?per_page=100&page=31`)).status).toBe(422);
    fake.expectNoViolations();
  });

  it('caps per_page at 100 like GitHub and flags asking for more', async () => {
    fake.addPullRequest({ number: 4, files: files(150) });
    const page = await call('GET', `${REPO}/pulls/4/files?per_page=500`);
    expect(page.json).toHaveLength(100);
    expect(fake.takeViolations()).toEqual([
      expect.objectContaining({ kind: 'limit', message: expect.stringContaining('per_page=500') }),
    ]);
  });

  it('accepts a 65,536-character comment body and rejects a longer one with 422', async () => {
    fake.addPullRequest({ number: 1 });
    const exact = await call('POST', `${REPO}/issues/1/comments`, { body: { body: 'x'.repeat(65536) } });
    expect(exact.status).toBe(201);
    // GitHub counts characters, not UTF-16 code units: 65,536 emoji fit.
    const emoji = await call('POST', `${REPO}/issues/1/comments`, { body: { body: '🔒'.repeat(65536) } });
    expect(emoji.status).toBe(201);
    fake.expectNoViolations();
    const long = await call('POST', `${REPO}/issues/1/comments`, { body: { body: 'x'.repeat(65537) } });
    expect(long.status).toBe(422);
    expect(long.json).toMatchObject({
      message: 'Validation Failed',
      errors: [{ field: 'body', code: 'custom' }],
    });
    const id = (exact.json as { id: number }).id;
    const update = await call('PATCH', `${REPO}/issues/comments/${id}`, {
      body: { body: 'y'.repeat(70000) },
    });
    expect(update.status).toBe(422);
    expect(fake.takeViolations().map((v) => [v.kind, v.operationId])).toEqual([
      ['limit', 'issues/create-comment'],
      ['limit', 'issues/update-comment'],
    ]);
  });

  it('rejects more than 50 check-run annotations per request (the spec says so)', async () => {
    const annotation = { path: 'a', start_line: 1, end_line: 1, annotation_level: 'warning', message: 'm' };
    const response = await call('POST', `${REPO}/check-runs`, {
      body: {
        name: 'unitgate',
        head_sha: 'a'.repeat(40),
        output: { title: 't', summary: 's', annotations: Array(51).fill(annotation) },
      },
    });
    expect(response.status).toBe(422);
    expect(fake.takeViolations()).toEqual([
      expect.objectContaining({
        kind: 'request',
        errors: [
          expect.objectContaining({ instancePath: '/requestBody/output/annotations', keyword: 'maxItems' }),
        ],
      }),
    ]);
  });
});

describe('knobs', () => {
  it('answers 403 to every write of a read-only token (a pull request from a fork)', async () => {
    fake.addPullRequest({ number: 1 });
    fake.setToken(fake.token, { permissions: READ_ONLY });
    expect((await call('GET', `${REPO}/pulls/1`)).status).toBe(200);
    const comment = await call('POST', `${REPO}/issues/1/comments`, { body: { body: 'hi' } });
    expect(comment).toMatchObject({
      status: 403,
      json: { message: 'Resource not accessible by integration' },
    });
    const run = await call('POST', `${REPO}/check-runs`, {
      body: { name: 'unitgate', head_sha: 'a'.repeat(40) },
    });
    expect(run.status).toBe(403);
    expect(fake.issueComments).toEqual([]);
    expect(fake.checkRuns).toEqual([]);
    fake.expectNoViolations();
  });

  it('fails the next N requests of an operation with 5xx, and with 429 + Retry-After', async () => {
    fake.addPullRequest({ number: 1 });
    fake.failNext('pulls/get', { status: 502, times: 2 });
    fake.failNext('pulls/list-files', { status: 429, retryAfter: 3 });
    expect((await call('GET', `${REPO}/pulls/1`)).status).toBe(502);
    expect((await call('GET', `${REPO}/pulls/1`)).status).toBe(502);
    expect((await call('GET', `${REPO}/pulls/1`)).status).toBe(200);
    const limited = await call('GET', `${REPO}/pulls/1/files`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect(limited.json).toMatchObject({ message: expect.stringContaining('secondary rate limit') });
    expect((await call('GET', `${REPO}/pulls/1/files`)).status).toBe(200);
    fake.failNext('pulls/list-reviews', { status: 403, rateLimitReset: 5 });
    const primary = await call('GET', `${REPO}/pulls/1/reviews`);
    expect(primary).toMatchObject({
      status: 403,
      json: { message: expect.stringContaining('API rate limit exceeded') },
    });
    expect(primary.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(primary.headers.get('x-ratelimit-reset')) - Date.now() / 1000).toBeGreaterThan(3);
    fake.failNext('*', { status: 500 });
    expect((await call('GET', `${REPO}/pulls/1/reviews`)).status).toBe(500);
    expect(fake.requests.map((r) => r.status)).toEqual([502, 502, 200, 429, 200, 403, 500]);
    fake.expectNoViolations();
  });
});

describe('a real octokit client', () => {
  it('paginates, comments and writes a check run without a violation', async () => {
    fake.addPullRequest({ number: 12, files: files(230) });
    // octokit's ESM packages are loaded by a child node process (jest cannot load them); `spawn`,
    // not `spawnSync`, so that this process keeps serving the fake while the child runs.
    const script = `
      import { Octokit } from '@octokit/core';
      import { paginateRest } from '@octokit/plugin-paginate-rest';
      import { restEndpointMethods } from '@octokit/plugin-rest-endpoint-methods';
      const octokit = new (Octokit.plugin(paginateRest, restEndpointMethods))({
        auth: process.env.TOKEN, baseUrl: process.env.API, request: { retries: 0 },
      });
      const params = { owner: 'octo-org', repo: 'services' };
      const files = await octokit.paginate(octokit.rest.pulls.listFiles, { ...params, pull_number: 12, per_page: 100 });
      const { data: pr } = await octokit.rest.pulls.get({ ...params, pull_number: 12 });
      await octokit.rest.issues.createComment({ ...params, issue_number: 12, body: 'hello' });
      const { data: run } = await octokit.rest.checks.create({
        ...params, name: 'unitgate', head_sha: pr.head.sha, status: 'completed', conclusion: 'success',
        output: { title: 'ok', summary: 'all good' },
      });
      let status;
      try { await octokit.rest.issues.updateComment({ ...params, comment_id: 1, body: 'x' }); }
      catch (error) { status = error.status; }
      console.log(JSON.stringify({ files: files.length, run: run.conclusion, missing: status }));
    `;
    const { code, stdout, stderr } = await runNode(script, { TOKEN: fake.token, API: fake.url });
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(stdout)).toEqual({ files: 230, run: 'success', missing: 404 });
    expect(fake.requestsTo('pulls/list-files')).toHaveLength(3);
    expect(fake.requests[0]?.headers['user-agent']).toMatch(/octokit/);
    fake.expectNoViolations();
  });
});

function runNode(
  source: string,
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runNodeArgs(['--input-type=module', '--eval', source], env);
}

function runNodeArgs(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
