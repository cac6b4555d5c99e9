// A fake GitHub REST API for end-to-end tests: an HTTP server on 127.0.0.1 that routes and validates
// every request, and validates every response it sends, against GitHub's own OpenAPI description
// (trimmed: __tests__/fixtures/github-openapi.json). It keeps per-test state (one repository, its
// pull requests, reviews, comments, check runs, artifacts, team memberships), the limits GitHub
// states only in prose, token permissions, and knobs to inject failures. Anything a client does that
// GitHub would reject is recorded in `violations`; call `expectNoViolations()` at the end of a test.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type Ajv from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import OpenAPIBackend, { ValidationContext, type Operation, type Request } from 'openapi-backend';
import {
  artifact,
  checkRun,
  commit,
  commentableLines,
  diffEntry,
  errorBody,
  fakeSha,
  issue,
  issueComment,
  pullRequest,
  pullRequestSimple,
  repository,
  review,
  reviewComment,
  simpleUser,
  teamMembership,
  type AuthorAssociation,
  type FakeAnnotation,
  type FakeArtifact,
  type FakeCommit,
  type FakeCheckRun,
  type FakeFile,
  type FakeIssue,
  type FakeIssueComment,
  type FakePullRequest,
  type FakeRepository,
  type FakeReview,
  type FakeReviewComment,
  type FakeTeamMembership,
  type ResourceContext,
  type ReviewState,
} from './fake-github-resources';

export * from './fake-github-resources';

export const SPEC_PATH = path.join(__dirname, '..', 'fixtures', 'github-openapi.json');

/** The operations of the trimmed spec, by GitHub's operationId. */
export type OperationId =
  | 'pulls/get'
  | 'pulls/list-files'
  | 'pulls/list-reviews'
  | 'pulls/create-review'
  | 'pulls/list-review-comments'
  | 'pulls/create-review-comment'
  | 'teams/get-membership-for-user-in-org'
  | 'checks/create'
  | 'checks/update'
  | 'issues/list-comments'
  | 'issues/create-comment'
  | 'issues/update-comment'
  | 'issues/delete-comment'
  | 'issues/list-for-repo'
  | 'issues/create'
  | 'issues/update'
  | 'actions/list-workflow-run-artifacts'
  | 'repos/list-pull-requests-associated-with-commit'
  | 'repos/get-commit';

export type PermissionScope = 'actions' | 'checks' | 'contents' | 'issues' | 'members' | 'pull_requests';
export type AccessLevel = 'none' | 'read' | 'write';
export type TokenPermissions = Record<PermissionScope, AccessLevel>;

/** A workflow's GITHUB_TOKEN with write permissions, plus `members: read` (which needs a PAT or app). */
export const WRITE_ALL: Readonly<TokenPermissions> = Object.freeze({
  actions: 'write',
  checks: 'write',
  contents: 'write',
  issues: 'write',
  members: 'read',
  pull_requests: 'write',
});

/** The GITHUB_TOKEN of a pull request from a fork (or `permissions: read-all`): every write is a 403. */
export const READ_ONLY: Readonly<TokenPermissions> = Object.freeze({
  actions: 'read',
  checks: 'read',
  contents: 'read',
  issues: 'read',
  members: 'none',
  pull_requests: 'read',
});

/** What each operation needs. Comments on a pull request are accepted with `issues` or `pull_requests`. */
const REQUIRED_ACCESS: Record<OperationId, { scopes: PermissionScope[]; access: 'read' | 'write' }> = {
  'pulls/get': { scopes: ['pull_requests'], access: 'read' },
  'pulls/list-files': { scopes: ['pull_requests'], access: 'read' },
  'pulls/list-reviews': { scopes: ['pull_requests'], access: 'read' },
  'pulls/create-review': { scopes: ['pull_requests'], access: 'write' },
  'pulls/list-review-comments': { scopes: ['pull_requests'], access: 'read' },
  'pulls/create-review-comment': { scopes: ['pull_requests'], access: 'write' },
  'teams/get-membership-for-user-in-org': { scopes: ['members'], access: 'read' },
  'checks/create': { scopes: ['checks'], access: 'write' },
  'checks/update': { scopes: ['checks'], access: 'write' },
  'issues/list-comments': { scopes: ['issues', 'pull_requests'], access: 'read' },
  'issues/create-comment': { scopes: ['issues', 'pull_requests'], access: 'write' },
  'issues/update-comment': { scopes: ['issues', 'pull_requests'], access: 'write' },
  'issues/delete-comment': { scopes: ['issues', 'pull_requests'], access: 'write' },
  'issues/list-for-repo': { scopes: ['issues'], access: 'read' },
  'issues/create': { scopes: ['issues'], access: 'write' },
  'issues/update': { scopes: ['issues'], access: 'write' },
  'actions/list-workflow-run-artifacts': { scopes: ['actions'], access: 'read' },
  'repos/list-pull-requests-associated-with-commit': { scopes: ['contents'], access: 'read' },
  'repos/get-commit': { scopes: ['contents'], access: 'read' },
};

/** One request as the fake received it. */
export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. /repos/o/r/pulls/1/files. */
  path: string;
  query: Record<string, string>;
  /** Parsed JSON body, or undefined when there was none. */
  body: unknown;
  headers: Record<string, string>;
  /** The matched operation, or undefined when no operation of the spec matches. */
  operationId: string | undefined;
  /** Status the fake answered with. */
  status: number;
}

/**
 * Something GitHub would not accept or a response that breaks the spec:
 * - `route`: no operation of the trimmed spec matches, or another repository than the fake's;
 * - `auth`: no or an unknown token;
 * - `request`: the request breaks the spec (parameters, body schema, JSON syntax);
 * - `limit`: the request breaks a rule GitHub states in prose or enforces server-side (per_page > 100,
 *   comment body > 65,536 characters, a review comment outside the diff, approving one's own PR…);
 * - `response`: the fake's own response breaks the spec (a factory bug or a `transformNextResponse`).
 */
export interface Violation {
  kind: 'route' | 'auth' | 'request' | 'limit' | 'response';
  method: string;
  path: string;
  operationId: string | undefined;
  message: string;
  errors?: ErrorObject[];
}

export interface InjectedFailure {
  /** e.g. 500, 502, 503, 429 (or 403 for a secondary rate limit). */
  status: number;
  /** How many of the next matching requests fail (default 1). */
  times?: number;
  /**
   * Seconds, sent as `retry-after`: a secondary rate limit (use with 429 or 403; its message says
   * "secondary rate limit"). Use ≥ 1: @octokit/plugin-throttling treats 0 as absent and waits 60 s.
   */
  retryAfter?: number;
  /**
   * A primary rate limit (429 or 403 without `retryAfter`): `x-ratelimit-remaining: 0` and
   * `x-ratelimit-reset` this many seconds from now (default 0; a throttling client waits until then + 1 s).
   */
  rateLimitReset?: number;
  message?: string;
  headers?: Record<string, string>;
}

export interface FakeLimits {
  /** GitHub's per_page maximum; larger values are capped (as GitHub does) and recorded as a violation. */
  maxPerPage: number;
  /** `pulls/list-files` serves at most this many files (GitHub: 3,000). */
  maxListedFiles: number;
  /** What a page past the cap returns: an empty list (default) or a 422. */
  filesPastCap: 'empty' | 422;
  /** Characters (code points) allowed in a comment or review body (GitHub: 65,536). */
  maxBodyLength: number;
}

export const GITHUB_LIMITS: Readonly<FakeLimits> = Object.freeze({
  maxPerPage: 100,
  maxListedFiles: 3000,
  filesPastCap: 'empty',
  maxBodyLength: 65536,
});

export interface PullRequestInit {
  number?: number;
  title?: string;
  body?: string | null;
  state?: 'open' | 'closed';
  draft?: boolean;
  user?: string;
  head?: { sha?: string; ref?: string; repo?: string };
  base?: { sha?: string; ref?: string };
  /** A string is a modified file with one line added and one removed. */
  files?: Array<string | (Partial<FakeFile> & { filename: string })>;
  labels?: string[];
  mergeCommitSha?: string | null;
  merged?: boolean;
  authorAssociation?: AuthorAssociation;
}

export interface FakeGitHubOptions {
  owner?: string;
  repo?: string;
  private?: boolean;
  defaultBranch?: string;
  /** The token accepted with WRITE_ALL permissions (default `ghs_fakeTokenForTests`). */
  token?: string;
}

interface Call {
  operationId: OperationId;
  params: Record<string, string>;
  query: Record<string, string>;
  body: Record<string, unknown>;
  headers: Record<string, string>;
  login: string;
  path: string;
}

interface Reply {
  status: number;
  body?: unknown;
  /** A non-JSON body (e.g. a diff), sent as is and not validated. */
  text?: string;
  headers?: Record<string, string>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: Array<Record<string, unknown>>,
    /** Set when GitHub's rejection also means the client broke a rule: recorded as a `limit` violation. */
    readonly violation?: string,
  ) {
    super(message);
  }
}

const DEFAULT_TOKEN = 'ghs_fakeTokenForTests';
const ACTIONS_BOT = 'github-actions[bot]';
const WELL_KNOWN_USER_IDS: Record<string, number> = { [ACTIONS_BOT]: 41898282, github: 9919 };

let sharedBackend: Promise<{ api: OpenAPIBackend; errorValidator: ValidateFunction }> | undefined;

/** ajv has no formats of its own: the three GitHub's spec uses. */
function addFormats(ajv: Ajv): Ajv {
  ajv.addFormat('date-time', {
    type: 'string',
    validate: (value: string) =>
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(value) &&
      !Number.isNaN(Date.parse(value)),
  });
  ajv.addFormat('uri', {
    type: 'string',
    validate: (value: string) => /^[a-z][a-z0-9+.-]*:/i.test(value) && URL.canParse(value),
  });
  ajv.addFormat('int64', { type: 'number', validate: (value: number) => Number.isSafeInteger(value) });
  return ajv;
}

/** One openapi-backend for the whole test file: the validators it compiles lazily are kept. */
async function loadBackend(): Promise<{ api: OpenAPIBackend; errorValidator: ValidateFunction }> {
  sharedBackend ??= (async () => {
    const api = new OpenAPIBackend({
      definition: JSON.parse(readFileSync(SPEC_PATH, 'utf8')),
      quick: true, // its full mode validates the whole document first, which chokes on GitHub's spec
      strict: true,
      apiRoot: '/',
      ajvOpts: { allErrors: true }, // report every problem of a body, not just the first
      customizeAjv: addFormats,
    });
    await api.init();
    const schemas = (api.definition.components?.schemas ?? {}) as Record<string, object>;
    const basicError = schemas['basic-error'];
    if (!basicError) throw new Error(`${SPEC_PATH} lacks components.schemas.basic-error`);
    const errorValidator = api.validator.getAjv(ValidationContext.Response).compile(basicError);
    return { api, errorValidator };
  })();
  return sharedBackend;
}

/** Starts a fake GitHub on 127.0.0.1 with a random port. Close it in `afterAll`/`afterEach`. */
export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const { api, errorValidator } = await loadBackend();
  const fake = new FakeGitHub(api, errorValidator, options);
  await fake.listen();
  return fake;
}

export class FakeGitHub {
  /** Base URL, e.g. http://127.0.0.1:40123: pass it as GITHUB_API_URL. */
  url = '';
  readonly token: string;
  readonly repo: FakeRepository;

  requests: RecordedRequest[] = [];
  violations: Violation[] = [];
  limits: FakeLimits = { ...GITHUB_LIMITS };

  pullRequests = new Map<number, FakePullRequest>();
  reviews: FakeReview[] = [];
  reviewComments: FakeReviewComment[] = [];
  issueComments: FakeIssueComment[] = [];
  /** Issues (not pull requests) by number; pull requests and issues share the numbering. */
  issues = new Map<number, FakeIssue>();
  checkRuns: FakeCheckRun[] = [];
  /** Commits `repos/get-commit` knows besides pull requests' heads (see setCommit). */
  commits = new Map<string, FakeCommit>();
  artifacts: FakeArtifact[] = [];
  /** `org/team-slug` → login → membership. */
  teams = new Map<string, Map<string, FakeTeamMembership>>();

  private tokens = new Map<string, { login: string; permissions: TokenPermissions }>();
  private failures: Array<{ operationId: string; failure: InjectedFailure; left: number }> = [];
  private delays: Array<{ operationId: string; ms: number; left: number }> = [];
  private transforms: Array<{ operationId: string; transform: (body: unknown) => unknown; left: number }> =
    [];
  private nextId = 100;
  private clock = 0;
  private userIds = new Map<string, number>();
  private repositoryIds = new Map<string, number>();
  private readonly server: Server;
  private readonly ctx: ResourceContext;

  constructor(
    private readonly api: OpenAPIBackend,
    private readonly errorValidator: ValidateFunction,
    options: FakeGitHubOptions = {},
  ) {
    this.token = options.token ?? DEFAULT_TOKEN;
    this.repo = {
      owner: options.owner ?? 'octo-org',
      name: options.repo ?? 'services',
      id: 424242,
      private: options.private ?? false,
      defaultBranch: options.defaultBranch ?? 'main',
    };
    this.reset();
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    this.ctx = {
      get apiUrl() {
        return self.url;
      },
      repo: this.repo,
      userId: (login) => this.idOf(this.userIds, login, 1000),
      repositoryId: (fullName) => this.idOf(this.repositoryIds, fullName, 500000),
    };
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        this.violations.push({
          kind: 'response',
          method: req.method ?? '',
          path: req.url ?? '',
          operationId: undefined,
          message: `the fake crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        });
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: 'fake GitHub crashed' }));
      });
    });
  }

  /** Forgets all state, recorded requests, violations and knobs; keeps the server and the default token. */
  reset(): void {
    this.requests = [];
    this.violations = [];
    this.limits = { ...GITHUB_LIMITS };
    this.pullRequests = new Map();
    this.reviews = [];
    this.reviewComments = [];
    this.issueComments = [];
    this.issues = new Map();
    this.checkRuns = [];
    this.artifacts = [];
    this.commits = new Map();
    this.teams = new Map();
    this.tokens = new Map([[this.token, { login: ACTIONS_BOT, permissions: { ...WRITE_ALL } }]]);
    this.failures = [];
    this.delays = [];
    this.transforms = [];
    this.nextId = 100;
    this.clock = 0;
  }

  /** @internal */
  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
  }

  /** Stops the server, dropping kept-alive connections. */
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- state builders -------------------------------------------------------------------------

  /** Adds a pull request; every field has a default (number: next free, files: none). */
  addPullRequest(init: PullRequestInit = {}): FakePullRequest {
    const number = init.number ?? this.nextNumber();
    const headSha = init.head?.sha ?? fakeSha(`head-${number}`);
    const pr: FakePullRequest = {
      number,
      title: init.title ?? `Harden services (#${number})`,
      body: init.body === undefined ? '' : init.body,
      state: init.state ?? 'open',
      draft: init.draft ?? false,
      user: init.user ?? 'octocat',
      head: {
        sha: headSha,
        ref: init.head?.ref ?? 'feature',
        repo: init.head?.repo ?? `${this.repo.owner}/${this.repo.name}`,
      },
      base: {
        sha: init.base?.sha ?? fakeSha(`base-${number}`),
        ref: init.base?.ref ?? this.repo.defaultBranch,
      },
      files: (init.files ?? []).map((file) =>
        typeof file === 'string'
          ? { filename: file, status: 'modified', additions: 1, deletions: 1 }
          : { status: 'modified', additions: 0, deletions: 0, ...file },
      ),
      labels: init.labels ?? [],
      mergeCommitSha: init.mergeCommitSha === undefined ? fakeSha(`merge-${number}`) : init.mergeCommitSha,
      merged: init.merged ?? false,
      authorAssociation: init.authorAssociation ?? 'CONTRIBUTOR',
      createdAt: this.now(),
      bodyEditedAt: null,
    };
    this.pullRequests.set(number, pr);
    return pr;
  }

  /** The author edits the description: GraphQL's `lastEditedAt` moves to now. */
  editPullBody(pullNumber: number, body: string): void {
    const pr = this.pull(String(pullNumber));
    pr.body = body;
    pr.bodyEditedAt = this.now();
  }

  /** Who wrote and who committed a commit (`repos/get-commit`); logins, null for no account. */
  setCommit(sha: string, author: string | null, committer: string | null = author): void {
    this.commits.set(sha, { sha, author, committer });
  }

  addReview(
    pullNumber: number,
    init: { user: string; state: ReviewState; body?: string; commitId?: string },
  ): FakeReview {
    const pr = this.pullRequests.get(pullNumber);
    const r: FakeReview = {
      id: this.newId(),
      pullNumber,
      user: init.user,
      state: init.state,
      body: init.body ?? '',
      commitId: init.commitId ?? pr?.head.sha ?? fakeSha('unknown'),
      submittedAt: init.state === 'PENDING' ? null : this.now(),
    };
    this.reviews.push(r);
    return r;
  }

  /** Adds an issue (open, by github-actions[bot], unless `init` says otherwise). */
  addIssue(
    init: Partial<Pick<FakeIssue, 'title' | 'body' | 'user' | 'state' | 'labels'>> & { number?: number } = {},
  ): FakeIssue {
    const at = this.now();
    const state = init.state ?? 'open';
    const i: FakeIssue = {
      id: this.newId(),
      number: init.number ?? this.nextNumber(),
      title: init.title ?? 'An issue',
      body: init.body === undefined ? '' : init.body,
      user: init.user ?? ACTIONS_BOT,
      state,
      stateReason: state === 'closed' ? 'completed' : null,
      labels: init.labels ?? [],
      createdAt: at,
      updatedAt: at,
      closedAt: state === 'closed' ? at : null,
      closedBy: state === 'closed' ? (init.user ?? ACTIONS_BOT) : null,
    };
    this.issues.set(i.number, i);
    return i;
  }

  addIssueComment(issueNumber: number, body: string, user = ACTIONS_BOT): FakeIssueComment {
    const at = this.now();
    const c: FakeIssueComment = { id: this.newId(), issueNumber, body, user, createdAt: at, updatedAt: at };
    this.issueComments.push(c);
    return c;
  }

  addTeamMember(
    org: string,
    teamSlug: string,
    login: string,
    membership: Partial<FakeTeamMembership> = {},
  ): void {
    const key = `${org}/${teamSlug}`;
    const team = this.teams.get(key) ?? new Map<string, FakeTeamMembership>();
    team.set(login, { role: membership.role ?? 'member', state: membership.state ?? 'active' });
    this.teams.set(key, team);
  }

  addArtifact(
    runId: number,
    init: { name: string; sizeInBytes?: number; expired?: boolean; headSha?: string },
  ): FakeArtifact {
    const a: FakeArtifact = {
      id: this.newId(),
      runId,
      name: init.name,
      sizeInBytes: init.sizeInBytes ?? 1024,
      expired: init.expired ?? false,
      createdAt: this.now(),
      headSha: init.headSha ?? fakeSha(`run-${runId}`),
    };
    this.artifacts.push(a);
    return a;
  }

  /**
   * Registers (or changes) a token. `permissions` is WRITE_ALL, READ_ONLY or a partial override of
   * WRITE_ALL; `login` is who the token acts as (default github-actions[bot]).
   */
  setToken(token: string, options: { permissions?: Partial<TokenPermissions>; login?: string } = {}): void {
    this.tokens.set(token, {
      login: options.login ?? ACTIONS_BOT,
      permissions: { ...WRITE_ALL, ...options.permissions },
    });
  }

  /**
   * A `pull_request`-style webhook payload for one of the fake's pull requests, consistent with what
   * the API serves (same shas, refs, counts): pass it as `event` to runAction.
   */
  pullRequestEvent(number: number, action = 'opened'): Record<string, unknown> {
    const pr = this.pullRequests.get(number);
    if (!pr) throw new Error(`the fake has no pull request #${number}`);
    const comments = this.reviewComments.filter((c) => c.pullNumber === number).length;
    return {
      action,
      number,
      pull_request: pullRequest(this.ctx, pr, comments),
      repository: repository(this.ctx, `${this.repo.owner}/${this.repo.name}`),
      sender: simpleUser(this.ctx, pr.user),
    };
  }

  // ---- knobs ----------------------------------------------------------------------------------

  /** The next `times` requests of `operationId` ('*' for any) fail with `status` (after validation). */
  failNext(operationId: OperationId | '*', failure: InjectedFailure): void {
    this.failures.push({ operationId, failure, left: failure.times ?? 1 });
  }

  /**
   * The next `times` requests of `operationId` ('*' for any) are answered only after `ms` milliseconds
   * (a stalled endpoint). A client that gives up earlier leaves the response unread.
   */
  delayNext(operationId: OperationId | 'graphql' | '*', ms: number, times = 1): void {
    this.delays.push({ operationId, ms, left: times });
  }

  /** Passes the next `times` response bodies of `operationId` through `transform` before validation. */
  transformNextResponse(operationId: OperationId, transform: (body: unknown) => unknown, times = 1): void {
    this.transforms.push({ operationId, transform, left: times });
  }

  // ---- assertions -----------------------------------------------------------------------------

  /** Requests to one operation, in order. */
  requestsTo(operationId: OperationId): RecordedRequest[] {
    return this.requests.filter((r) => r.operationId === operationId);
  }

  /** Throws, listing them, if any violation was recorded (kinds in `allow` are ignored). */
  expectNoViolations(options: { allow?: Array<Violation['kind']> } = {}): void {
    const found = this.violations.filter((v) => !options.allow?.includes(v.kind));
    if (found.length === 0) return;
    const lines = found.map((v) => {
      const errors =
        v.errors?.map((e) => `\n      ${e.instancePath || '/'} ${e.message ?? ''}`).join('') ?? '';
      return `  [${v.kind}] ${v.method} ${v.path} (${v.operationId ?? 'no operation'}): ${v.message}${errors}`;
    });
    throw new Error(`fake GitHub recorded ${found.length} violation(s):\n${lines.join('\n')}`);
  }

  /** Returns the violations recorded so far and forgets them. */
  takeViolations(): Violation[] {
    const taken = this.violations;
    this.violations = [];
    return taken;
  }

  // ---- the server -----------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const method = (req.method ?? 'GET').toLowerCase();
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    const raw = await readBody(req);
    const record: RecordedRequest = {
      method: method.toUpperCase(),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body: undefined,
      headers,
      operationId: undefined,
      status: 0,
    };
    this.requests.push(record);
    const violate = (kind: Violation['kind'], message: string, errors?: ErrorObject[]) =>
      this.violations.push({
        kind,
        method: record.method,
        path: record.path,
        operationId: record.operationId,
        message,
        ...(errors ? { errors } : {}),
      });
    const send = async (reply: Reply, operation?: Operation) => {
      const id = operation?.operationId ?? (url.pathname === '/graphql' ? 'graphql' : '');
      const delay = this.delays.find((d) => (d.operationId === id || d.operationId === '*') && d.left > 0);
      if (delay) {
        delay.left -= 1;
        await new Promise((resolve) => setTimeout(resolve, delay.ms));
        if (res.destroyed || res.writableEnded) return;
      }
      record.status = reply.status;
      this.send(res, reply, operation, violate);
    };

    if (raw.length > 0) {
      try {
        record.body = JSON.parse(raw);
      } catch {
        violate('request', 'the body is not JSON');
        return send({ status: 400, body: errorBody(400, 'Problems parsing JSON') });
      }
    }

    if (method === 'post' && url.pathname === '/graphql')
      return send(this.graphql(record.body, headers, violate));

    const request: Request = { method, path: url.pathname, headers, query: record.query, body: record.body };
    const operation = this.api.matchOperation(request);
    if (!operation?.operationId) {
      violate('route', 'no operation of the trimmed spec matches (add it to scripts/trim-openapi.mjs?)');
      return send({ status: 404, body: errorBody(404, 'Not Found') });
    }
    const operationId = operation.operationId as OperationId;
    record.operationId = operationId;

    const token = /^(?:token|bearer)\s+(\S+)$/i.exec(headers.authorization ?? '')?.[1];
    const grant = token === undefined ? undefined : this.tokens.get(token);
    if (!grant) {
      violate(
        'auth',
        token === undefined ? 'no Authorization header' : `unknown token ${JSON.stringify(token)}`,
      );
      const message = token === undefined ? 'Requires authentication' : 'Bad credentials';
      return send({ status: 401, body: errorBody(401, message) }, operation);
    }

    const validation = this.api.validateRequest(request, operation);
    if (!validation.valid) {
      const errors = validation.errors ?? [];
      violate('request', 'the request does not match the spec', errors);
      const detail = errors.map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`).join('\n');
      return send({ status: 422, body: errorBody(422, `Invalid request.\n\n${detail}`) }, operation);
    }

    const params = this.api.router.parseRequest(request, operation).params as Record<string, string>;
    if (params.owner !== undefined && (params.owner !== this.repo.owner || params.repo !== this.repo.name)) {
      violate('route', `the fake serves ${this.repo.owner}/${this.repo.name} only`);
      return send({ status: 404, body: errorBody(404, 'Not Found') }, operation);
    }

    const failure = this.takeFailure(operationId);
    if (failure) {
      const failHeaders: Record<string, string> = {};
      const rateLimited = failure.status === 429 || failure.status === 403;
      if (failure.retryAfter !== undefined) {
        failHeaders['retry-after'] = String(failure.retryAfter);
      } else if (rateLimited) {
        const reset = Math.floor(Date.now() / 1000) + (failure.rateLimitReset ?? 0);
        failHeaders['x-ratelimit-remaining'] = '0';
        failHeaders['x-ratelimit-reset'] = String(reset);
      }
      Object.assign(failHeaders, failure.headers);
      const message =
        failure.message ?? defaultFailureMessage(failure.status, failure.retryAfter !== undefined);
      return send(
        { status: failure.status, body: errorBody(failure.status, message), headers: failHeaders },
        operation,
      );
    }

    const need = REQUIRED_ACCESS[operationId];
    const levels = need.scopes.map((scope) => grant.permissions[scope]);
    const allowed = levels.some((level) => level === 'write' || (need.access === 'read' && level === 'read'));
    if (!allowed) {
      return send({ status: 403, body: errorBody(403, 'Resource not accessible by integration') }, operation);
    }

    const call: Call = {
      operationId,
      params,
      query: record.query,
      body: (record.body ?? {}) as Record<string, unknown>,
      headers,
      login: grant.login,
      path: url.pathname,
    };
    let reply: Reply;
    try {
      reply = this.dispatch(call);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      if (error.violation) violate('limit', error.violation);
      const body = errorBody(error.status, error.message, errorsAsDeclared(operation, error));
      return send({ status: error.status, body }, operation);
    }
    const transform = this.transforms.find((t) => t.operationId === operationId && t.left > 0);
    if (transform && reply.body !== undefined) {
      transform.left -= 1;
      reply = { ...reply, body: transform.transform(structuredClone(reply.body)) };
    }
    await send(reply, operation);
  }

  private send(
    res: ServerResponse,
    reply: Reply,
    operation: Operation | undefined,
    violate: (kind: Violation['kind'], message: string, errors?: ErrorObject[]) => void,
  ): void {
    if (operation?.operationId && reply.body !== undefined) {
      const declared = Object.keys(operation.responses ?? {}).includes(String(reply.status));
      const result = declared
        ? this.api.validateResponse(reply.body, operation, reply.status)
        : reply.status >= 400
          ? { valid: this.errorValidator(reply.body), errors: this.errorValidator.errors }
          : { valid: false, errors: null };
      if (!result.valid) {
        const why =
          declared || reply.status >= 400 ? 'breaks the spec' : 'has a status the spec does not declare';
        violate('response', `the fake's ${reply.status} response ${why}`, result.errors ?? undefined);
      }
    }
    const reset = Math.floor(Date.now() / 1000) + 3600;
    const headers: Record<string, string> = {
      'x-github-api-version-selected': '2022-11-28',
      'x-github-media-type': 'github.v3; format=json',
      'x-github-request-id': `FAKE:${this.requests.length}`,
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '4999',
      'x-ratelimit-reset': String(reset),
      'x-ratelimit-used': '1',
      'x-ratelimit-resource': 'core',
      ...reply.headers,
    };
    if (reply.text !== undefined) {
      res.writeHead(reply.status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
      res.end(reply.text);
    } else if (reply.body === undefined) {
      res.writeHead(reply.status, headers);
      res.end();
    } else {
      res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(JSON.stringify(reply.body));
    }
  }

  private takeFailure(operationId: string): InjectedFailure | undefined {
    const entry = this.failures.find(
      (f) => (f.operationId === operationId || f.operationId === '*') && f.left > 0,
    );
    if (!entry) return undefined;
    entry.left -= 1;
    return entry.failure;
  }

  // ---- operations -----------------------------------------------------------------------------

  /**
   * GitHub's GraphQL endpoint, for the two queries unitgate makes (a pull request's `lastEditedAt` and
   * `createdAt`: REST has no time of the description's last edit; the token's `viewer { login }`). GraphQL is not in the OpenAPI
   * description, so the query's text and variables are checked here, and answers follow GraphQL's rules
   * (200 with `errors` for a missing object).
   */
  private graphql(
    body: unknown,
    headers: Record<string, string>,
    violate: (kind: Violation['kind'], message: string) => void,
  ): Reply {
    const token = /^(?:token|bearer)\s+(\S+)$/i.exec(headers.authorization ?? '')?.[1];
    if (token === undefined || !this.tokens.get(token)) {
      violate('auth', 'GraphQL needs a known token');
      return { status: 401, body: { message: 'Bad credentials' } };
    }
    const { query, variables } = (body ?? {}) as { query?: unknown; variables?: Record<string, unknown> };
    // Who the token acts as (works for installation tokens, where REST's GET /user does not).
    if (typeof query === 'string' && /^\s*(?:query\s*)?\{\s*viewer\s*\{\s*login\s*\}\s*\}\s*$/.test(query))
      return { status: 200, body: { data: { viewer: { login: this.tokens.get(token)?.login } } } };
    const known =
      typeof query === 'string' &&
      /repository\(owner: \$owner, name: \$repo\)\s*\{\s*pullRequest\(number: \$number\)\s*\{\s*lastEditedAt\s+createdAt\s*\}\s*\}/.test(
        query,
      );
    if (!known || typeof variables?.number !== 'number') {
      violate('request', `unexpected GraphQL query: ${JSON.stringify(body).slice(0, 200)}`);
      return { status: 200, body: { errors: [{ message: 'unexpected query' }] } };
    }
    if (variables.owner !== this.repo.owner || variables.repo !== this.repo.name) {
      return { status: 200, body: { data: { repository: null }, errors: [{ type: 'NOT_FOUND' }] } };
    }
    const pr = this.pullRequests.get(variables.number);
    if (!pr)
      return {
        status: 200,
        body: { data: { repository: { pullRequest: null } }, errors: [{ type: 'NOT_FOUND' }] },
      };
    return {
      status: 200,
      body: {
        data: { repository: { pullRequest: { lastEditedAt: pr.bodyEditedAt, createdAt: pr.createdAt } } },
      },
    };
  }

  private dispatch(call: Call): Reply {
    const p = call.params;
    switch (call.operationId) {
      case 'pulls/get': {
        const pr = this.pull(p.pull_number);
        if (/diff/.test(call.headers.accept ?? '')) {
          return {
            status: 200,
            text: renderDiff(pr),
            headers: { 'x-github-media-type': 'github.v3; format=diff' },
          };
        }
        const comments = this.reviewComments.filter((c) => c.pullNumber === pr.number).length;
        return { status: 200, body: pullRequest(this.ctx, pr, comments) };
      }
      case 'pulls/list-files':
        return this.listFiles(call);
      case 'pulls/list-reviews': {
        const pr = this.pull(p.pull_number);
        const reviews = this.reviews.filter(
          (r) => r.pullNumber === pr.number && (r.state !== 'PENDING' || r.user === call.login),
        );
        return this.paginate(call, reviews, (r) => review(this.ctx, r));
      }
      case 'pulls/create-review':
        return this.createReview(call);
      case 'pulls/list-review-comments': {
        const pr = this.pull(p.pull_number);
        const comments = this.reviewComments.filter((c) => c.pullNumber === pr.number);
        return this.paginate(call, comments, (c) => this.renderReviewComment(pr, c));
      }
      case 'pulls/create-review-comment':
        return this.createReviewComment(call);
      case 'teams/get-membership-for-user-in-org': {
        const membership = this.teams.get(`${p.org}/${p.team_slug}`)?.get(p.username ?? '');
        if (!membership) throw new HttpError(404, 'Not Found');
        return { status: 200, body: teamMembership(this.ctx, p.org ?? '', p.username ?? '', membership) };
      }
      case 'checks/create':
        return this.writeCheckRun(call, undefined);
      case 'checks/update': {
        const run = this.checkRuns.find((r) => r.id === Number(p.check_run_id));
        if (!run) throw new HttpError(404, 'Not Found');
        return this.writeCheckRun(call, run);
      }
      case 'issues/list-comments': {
        const number = this.issueOrPull(p.issue_number);
        const since = call.query.since === undefined ? undefined : Date.parse(call.query.since);
        const comments = this.issueComments.filter(
          (c) => c.issueNumber === number && (since === undefined || Date.parse(c.updatedAt) >= since),
        );
        return this.paginate(call, comments, (c) => issueComment(this.ctx, c));
      }
      case 'issues/create-comment': {
        const number = this.issueOrPull(p.issue_number);
        const body = this.checkBody(call.body.body, 'IssueComment');
        const c = this.addIssueComment(number, body, call.login);
        const rendered = issueComment(this.ctx, c);
        return { status: 201, body: rendered, headers: { location: String(rendered.url) } };
      }
      case 'issues/update-comment': {
        const c = this.issueComment(p.comment_id);
        c.body = this.checkBody(call.body.body, 'IssueComment');
        c.updatedAt = this.now();
        return { status: 200, body: issueComment(this.ctx, c) };
      }
      case 'issues/delete-comment': {
        const c = this.issueComment(p.comment_id);
        this.issueComments = this.issueComments.filter((other) => other !== c);
        return { status: 204 };
      }
      case 'issues/list-for-repo':
        return this.listIssues(call);
      case 'issues/create': {
        const b = call.body;
        const labels = ((b.labels ?? []) as Array<string | { name?: string }>).map((l) =>
          typeof l === 'string' ? l : String(l.name ?? ''),
        );
        const i = this.addIssue({
          title: String(b.title),
          body: b.body === undefined || b.body === null ? null : this.checkBody(b.body, 'Issue'),
          user: call.login,
          labels,
        });
        const rendered = issue(this.ctx, i, 0);
        return { status: 201, body: rendered, headers: { location: String(rendered.url) } };
      }
      case 'issues/update': {
        const i = this.issues.get(Number(p.issue_number));
        if (!i) throw new HttpError(404, 'Not Found');
        const b = call.body;
        if (typeof b.title === 'string' || typeof b.title === 'number') i.title = String(b.title);
        if (b.body !== undefined) i.body = b.body === null ? null : this.checkBody(b.body, 'Issue');
        if (Array.isArray(b.labels))
          i.labels = (b.labels as Array<string | { name?: string }>).map((l) =>
            typeof l === 'string' ? l : String(l.name ?? ''),
          );
        const at = this.now();
        if ((b.state === 'open' || b.state === 'closed') && b.state !== i.state) {
          i.state = b.state;
          // GitHub's default reasons: closing completes, reopening reopens.
          i.stateReason =
            b.state === 'closed'
              ? ((b.state_reason as FakeIssue['stateReason'] | undefined) ?? 'completed')
              : 'reopened';
          i.closedAt = b.state === 'closed' ? at : null;
          i.closedBy = b.state === 'closed' ? call.login : null;
        }
        i.updatedAt = at;
        return { status: 200, body: issue(this.ctx, i, this.commentCount(i.number)) };
      }
      case 'actions/list-workflow-run-artifacts': {
        let list = this.artifacts.filter((a) => a.runId === Number(p.run_id));
        if (call.query.name !== undefined) list = list.filter((a) => a.name === call.query.name);
        if (call.query.direction === 'asc') list = [...list].sort((a, b) => a.id - b.id);
        else list = [...list].sort((a, b) => b.id - a.id);
        const page = this.paginate(call, list, (a) => artifact(this.ctx, a));
        return { ...page, body: { total_count: list.length, artifacts: page.body } };
      }
      case 'repos/get-commit': {
        const known = this.commits.get(p.ref ?? '');
        const pr = [...this.pullRequests.values()].find((x) => x.head.sha === p.ref);
        if (!known && !pr) throw new HttpError(422, `No commit found for SHA: ${p.ref}`);
        // By default the pull request's author wrote and pushed its head commit.
        const c = known ?? { sha: p.ref as string, author: pr?.user ?? null, committer: pr?.user ?? null };
        return { status: 200, body: commit(this.ctx, c) };
      }
      case 'repos/list-pull-requests-associated-with-commit': {
        const pulls = [...this.pullRequests.values()].filter(
          (pr) => pr.head.sha === p.commit_sha || pr.mergeCommitSha === p.commit_sha,
        );
        return this.paginate(call, pulls, (pr) => pullRequestSimple(this.ctx, pr));
      }
    }
  }

  /**
   * `issues/list-for-repo`: GitHub lists pull requests here too (with a `pull_request` key); the fake's
   * pull requests are left out of this list, which is what a client filtering them out would keep.
   * Filters: `state` (default open), `labels` (every one named), `creator`; newest first by default.
   */
  private listIssues(call: Call): Reply {
    const q = call.query;
    const state = q.state ?? 'open';
    const labels = (q.labels ?? '')
      .split(',')
      .map((l) => l.trim())
      .filter((l) => l !== '');
    let list = [...this.issues.values()].filter(
      (i) =>
        (state === 'all' || i.state === state) &&
        labels.every((l) => i.labels.some((own) => own.toLowerCase() === l.toLowerCase())) &&
        (q.creator === undefined || i.user.toLowerCase() === q.creator.toLowerCase()),
    );
    list = list.sort((a, b) => (q.direction === 'asc' ? a.number - b.number : b.number - a.number));
    return this.paginate(call, list, (i) => issue(this.ctx, i, this.commentCount(i.number)));
  }

  private commentCount(issueNumber: number): number {
    return this.issueComments.filter((c) => c.issueNumber === issueNumber).length;
  }

  /** The number of an issue or pull request (one numbering); 404 for neither. */
  private issueOrPull(number: string | undefined): number {
    const n = Number(number);
    if (!this.issues.has(n) && !this.pullRequests.has(n)) throw new HttpError(404, 'Not Found');
    return n;
  }

  /** The next free number of the repository's issues and pull requests. */
  private nextNumber(): number {
    return Math.max(0, ...this.pullRequests.keys(), ...this.issues.keys()) + 1;
  }

  private listFiles(call: Call): Reply {
    const pr = this.pull(call.params.pull_number);
    const cap = this.limits.maxListedFiles;
    const { perPage, page } = this.pageOf(call);
    if (this.limits.filesPastCap === 422 && pr.files.length > cap && (page - 1) * perPage >= cap) {
      throw new HttpError(422, `Pagination past the first ${cap} files of a pull request is not supported`);
    }
    return this.paginate(call, pr.files.slice(0, cap), (file) => diffEntry(this.ctx, pr, file));
  }

  private createReview(call: Call): Reply {
    const pr = this.pull(call.params.pull_number);
    const event = call.body.event as 'APPROVE' | 'REQUEST_CHANGES' | 'COMMENT' | undefined;
    const text = call.body.body === undefined ? '' : this.checkBody(call.body.body, 'PullRequestReview');
    const comments = (call.body.comments ?? []) as Array<Record<string, unknown>>;
    if ((event === 'APPROVE' || event === 'REQUEST_CHANGES') && call.login === pr.user) {
      const what = event === 'APPROVE' ? 'approve' : 'request changes on';
      const message = `Can not ${what} your own pull request`;
      throw new HttpError(422, 'Unprocessable Entity', [{ code: 'custom', message }], message);
    }
    if ((event === 'REQUEST_CHANGES' || event === 'COMMENT') && text === '' && comments.length === 0) {
      const message = `Review body is required for ${event}`;
      throw new HttpError(422, 'Unprocessable Entity', [{ code: 'custom', field: 'body', message }], message);
    }
    const commitId = typeof call.body.commit_id === 'string' ? call.body.commit_id : pr.head.sha;
    const planned = comments.map((c) => this.planReviewComment(pr, c, commitId, call.login));
    const state: ReviewState =
      event === 'APPROVE'
        ? 'APPROVED'
        : event === 'REQUEST_CHANGES'
          ? 'CHANGES_REQUESTED'
          : event === 'COMMENT'
            ? 'COMMENTED'
            : 'PENDING';
    const r = this.addReview(pr.number, { user: call.login, state, body: text, commitId });
    for (const c of planned) this.reviewComments.push({ ...c, reviewId: r.id });
    return { status: 200, body: review(this.ctx, r) };
  }

  private createReviewComment(call: Call): Reply {
    const pr = this.pull(call.params.pull_number);
    const b = call.body;
    let c: FakeReviewComment;
    if (typeof b.in_reply_to === 'number') {
      const parent = this.reviewComments.find(
        (other) => other.id === b.in_reply_to && other.pullNumber === pr.number,
      );
      if (!parent) throw new HttpError(404, 'Not Found');
      const at = this.now();
      c = {
        ...parent,
        id: this.newId(),
        reviewId: null,
        inReplyTo: parent.id,
        body: this.checkBody(b.body, 'PullRequestReviewComment'),
        user: call.login,
        createdAt: at,
        updatedAt: at,
      };
    } else {
      c = this.planReviewComment(pr, b, String(b.commit_id), call.login);
    }
    this.reviewComments.push(c);
    const rendered = this.renderReviewComment(pr, c);
    return { status: 201, body: rendered, headers: { location: String(rendered.url) } };
  }

  /** Checks a review comment the way GitHub does (its file is in the diff, its lines in a hunk). */
  private planReviewComment(
    pr: FakePullRequest,
    b: Record<string, unknown>,
    commitId: string,
    login: string,
  ): FakeReviewComment {
    const path = String(b.path);
    const file = pr.files.find((f) => f.filename === path);
    const reject = (field: string, message: string) => {
      throw new HttpError(
        422,
        'Validation Failed',
        [{ resource: 'PullRequestReviewComment', code: 'custom', field, message }],
        `review comment on ${path}: ${message}`,
      );
    };
    if (!file) reject('path', `${path} is not part of the pull request's diff`);
    const subjectType = b.subject_type === 'file' ? 'file' : 'line';
    const side = b.side === 'LEFT' ? 'LEFT' : 'RIGHT';
    const line = typeof b.line === 'number' ? b.line : null;
    const startLine = typeof b.start_line === 'number' ? b.start_line : null;
    const position = typeof b.position === 'number' ? b.position : null;
    if (subjectType === 'line' && line === null && position === null)
      reject('line', '"line" wasn\'t supplied');
    if (file?.patch !== undefined && subjectType === 'line') {
      const lines = commentableLines(file.patch);
      const startSide = b.start_side === 'LEFT' ? 'LEFT' : side;
      if (line !== null && !lines[side].has(line))
        reject('line', `line ${line} (${side}) is not in the diff`);
      if (startLine !== null && !lines[startSide].has(startLine)) {
        reject('start_line', `start_line ${startLine} (${startSide}) is not in the diff`);
      }
    }
    if (startLine !== null && line !== null && startLine >= line) reject('start_line', 'must precede line');
    const at = this.now();
    return {
      id: this.newId(),
      pullNumber: pr.number,
      reviewId: null,
      path,
      line: subjectType === 'file' ? null : line,
      startLine,
      side,
      startSide: startLine === null ? null : b.start_side === 'LEFT' ? 'LEFT' : side,
      subjectType,
      position,
      inReplyTo: null,
      body: this.checkBody(b.body, 'PullRequestReviewComment'),
      commitId,
      user: login,
      createdAt: at,
      updatedAt: at,
    };
  }

  private renderReviewComment(pr: FakePullRequest, c: FakeReviewComment): Record<string, unknown> {
    const patch = pr.files.find((f) => f.filename === c.path)?.patch;
    return reviewComment(this.ctx, c, patch ?? '@@ -1 +1 @@');
  }

  private writeCheckRun(call: Call, existing: FakeCheckRun | undefined): Reply {
    const b = call.body;
    const now = this.now();
    const run: FakeCheckRun = existing ?? {
      id: this.newId(),
      name: String(b.name),
      headSha: String(b.head_sha),
      status: 'queued',
      conclusion: null,
      startedAt: now,
      completedAt: null,
      detailsUrl: null,
      externalId: null,
      output: { title: null, summary: null, text: null },
      annotations: [],
      annotationBatches: [],
      writes: 0,
    };
    if (typeof b.name === 'string') run.name = b.name;
    if (typeof b.details_url === 'string') run.detailsUrl = b.details_url;
    if (typeof b.external_id === 'string') run.externalId = b.external_id;
    if (typeof b.started_at === 'string') run.startedAt = b.started_at;
    if (typeof b.status === 'string') run.status = b.status as FakeCheckRun['status'];
    if (typeof b.conclusion === 'string') {
      // Giving a conclusion completes the run, whatever `status` says (GitHub's documented behaviour).
      run.conclusion = b.conclusion;
      run.status = 'completed';
    }
    if (run.status === 'completed') {
      run.completedAt = typeof b.completed_at === 'string' ? b.completed_at : (run.completedAt ?? now);
    }
    const output = b.output as
      { title?: string; summary?: string; text?: string; annotations?: FakeAnnotation[] } | undefined;
    if (output) {
      if (output.title !== undefined) run.output.title = output.title;
      if (output.summary !== undefined) run.output.summary = output.summary;
      if (output.text !== undefined) run.output.text = output.text;
      run.annotations.push(...(output.annotations ?? []));
    }
    run.annotationBatches.push(output?.annotations?.length ?? 0);
    run.writes += 1;
    if (!existing) this.checkRuns.push(run);
    const pulls = [...this.pullRequests.values()].filter(
      (pr) => pr.head.sha === run.headSha && pr.state === 'open',
    );
    return { status: existing ? 200 : 201, body: checkRun(this.ctx, run, pulls) };
  }

  // ---- helpers --------------------------------------------------------------------------------

  private pull(number: string | undefined): FakePullRequest {
    const pr = this.pullRequests.get(Number(number));
    if (!pr) throw new HttpError(404, 'Not Found');
    return pr;
  }

  private issueComment(id: string | undefined): FakeIssueComment {
    const c = this.issueComments.find((other) => other.id === Number(id));
    if (!c) throw new HttpError(404, 'Not Found');
    return c;
  }

  /** GitHub counts characters; a longer body is a 422 (and a client bug: it should have truncated). */
  private checkBody(value: unknown, resource: string): string {
    const body = String(value ?? '');
    const length = [...body].length;
    if (length > this.limits.maxBodyLength) {
      const message = `body is too long (maximum is ${this.limits.maxBodyLength} characters)`;
      throw new HttpError(
        422,
        'Validation Failed',
        [{ resource, code: 'custom', field: 'body', message }],
        `${resource} body has ${length} characters (GitHub's limit: ${this.limits.maxBodyLength})`,
      );
    }
    return body;
  }

  /** The page asked for; `record` notes a per_page over GitHub's maximum as a violation. */
  private pageOf(call: Call, record = false): { perPage: number; page: number } {
    const asked = call.query.per_page === undefined ? 30 : Number(call.query.per_page);
    if (record && asked > this.limits.maxPerPage) {
      this.violations.push({
        kind: 'limit',
        method: 'GET',
        path: call.path,
        operationId: call.operationId,
        message: `per_page=${asked} exceeds GitHub's maximum of ${this.limits.maxPerPage} (GitHub silently serves ${this.limits.maxPerPage})`,
      });
    }
    const perPage = Math.max(1, Math.min(asked, this.limits.maxPerPage));
    const page = Math.max(1, call.query.page === undefined ? 1 : Number(call.query.page));
    return { perPage, page };
  }

  /** One page of `items`, with a Link header like GitHub's (first/prev/next/last as they apply). */
  private paginate<T>(call: Call, items: T[], render: (item: T) => unknown): Reply {
    const { perPage, page } = this.pageOf(call, true);
    const body = items.slice((page - 1) * perPage, page * perPage).map(render);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const link = (n: number, rel: string) => {
      const url = new URL(call.path, this.url);
      for (const [key, value] of Object.entries(call.query)) url.searchParams.set(key, value);
      url.searchParams.set('per_page', String(perPage));
      url.searchParams.set('page', String(n));
      return `<${url.href}>; rel="${rel}"`;
    };
    const links: string[] = [];
    if (page > 1) links.push(link(Math.min(page - 1, last), 'prev'));
    if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
    if (page > 1) links.push(link(1, 'first'));
    return { status: 200, body, headers: links.length > 0 ? { link: links.join(', ') } : {} };
  }

  private newId(): number {
    return this.nextId++;
  }

  /** A deterministic clock: one second later at every call, from 2025-01-01T00:00:00Z. */
  private now(): string {
    return new Date(Date.UTC(2025, 0, 1) + this.clock++ * 1000).toISOString().replace('.000Z', 'Z');
  }

  private idOf(map: Map<string, number>, key: string, base: number): number {
    const known = WELL_KNOWN_USER_IDS[key];
    if (known !== undefined && map === this.userIds) return known;
    let id = map.get(key);
    if (id === undefined) {
      id = base + map.size + 1;
      map.set(key, id);
    }
    return id;
  }
}

/**
 * Some operations declare `validation-error` (errors are objects), others `validation-error-simple`
 * (errors are strings): shape `errors` as the operation's 422 response says.
 */
function errorsAsDeclared(
  operation: Operation,
  error: HttpError,
): Array<Record<string, unknown> | string> | undefined {
  if (!error.errors) return undefined;
  const schema = (
    operation.responses?.[String(error.status)] as { content?: Record<string, { schema?: unknown }> }
  )?.content?.['application/json']?.schema as
    { properties?: { errors?: { items?: { type?: string } } } } | undefined;
  if (schema?.properties?.errors?.items?.type !== 'string') return error.errors;
  return error.errors.map((e) => String(e.message ?? e.code));
}

function defaultFailureMessage(status: number, secondary: boolean): string {
  if (secondary) {
    return 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.';
  }
  if (status === 429 || status === 403) return 'API rate limit exceeded for installation ID 4242.';
  if (status === 502) return 'Server Error';
  if (status === 503) return 'Service Unavailable';
  return 'Internal Server Error';
}

/** `git diff`-style text of a pull request, from its files' patches (Accept: application/vnd.github.diff). */
function renderDiff(pr: FakePullRequest): string {
  return pr.files
    .map((f) => {
      const from = f.previous_filename ?? f.filename;
      const header = [`diff --git a/${from} b/${f.filename}`];
      if (f.status === 'added') header.push('new file mode 100644');
      if (f.status === 'removed') header.push('deleted file mode 100644');
      if (f.status === 'renamed') header.push(`rename from ${from}`, `rename to ${f.filename}`);
      if (f.patch !== undefined) {
        header.push(f.status === 'added' ? '--- /dev/null' : `--- a/${from}`);
        header.push(f.status === 'removed' ? '+++ /dev/null' : `+++ b/${f.filename}`);
        header.push(f.patch);
      }
      return `${header.join('\n')}\n`;
    })
    .join('');
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
