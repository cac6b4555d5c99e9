// The fake GitHub's state (plain records a test sets up and asserts on) and the factories that turn
// it into REST resources shaped like GitHub's: every field the OpenAPI schema requires, realistic
// values, nothing more. The fake validates each body it sends, so a factory that drifts fails loudly.
import { createHash } from 'node:crypto';

export type FileStatus = 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged';

/** One entry of a pull request's changed files (`pulls/list-files`). */
export interface FakeFile {
  filename: string;
  status: FileStatus;
  /** Set for `renamed` (and `copied`) files. */
  previous_filename?: string;
  additions: number;
  deletions: number;
  /** Defaults to additions + deletions. */
  changes?: number;
  /** Unified diff hunks of this file; GitHub omits it for binary or very large diffs. */
  patch?: string;
}

export interface FakePullRequest {
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  draft: boolean;
  /** Login of the author. */
  user: string;
  /** `repo` is the head repository's full name; a fork when it differs from the fake's repository. */
  head: { sha: string; ref: string; repo: string };
  base: { sha: string; ref: string };
  /** All changed files; `pulls/list-files` serves at most the first 3,000 (GitHub's cap). */
  files: FakeFile[];
  labels: string[];
  mergeCommitSha: string | null;
  merged: boolean;
  authorAssociation: AuthorAssociation;
  /** When the description was created and last edited (GraphQL `createdAt` / `lastEditedAt`). */
  createdAt: string;
  bodyEditedAt: string | null;
}

export type AuthorAssociation =
  | 'COLLABORATOR'
  | 'CONTRIBUTOR'
  | 'FIRST_TIMER'
  | 'FIRST_TIME_CONTRIBUTOR'
  | 'MANNEQUIN'
  | 'MEMBER'
  | 'NONE'
  | 'OWNER';

export type ReviewState = 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';

export interface FakeReview {
  id: number;
  pullNumber: number;
  user: string;
  state: ReviewState;
  body: string;
  commitId: string;
  submittedAt: string | null;
}

export interface FakeReviewComment {
  id: number;
  pullNumber: number;
  /** The review it was posted with (`pulls/create-review`), or null for a single comment. */
  reviewId: number | null;
  path: string;
  line: number | null;
  startLine: number | null;
  side: 'LEFT' | 'RIGHT';
  startSide: 'LEFT' | 'RIGHT' | null;
  subjectType: 'line' | 'file';
  position: number | null;
  inReplyTo: number | null;
  body: string;
  commitId: string;
  user: string;
  createdAt: string;
  updatedAt: string;
}

export interface FakeIssueComment {
  id: number;
  issueNumber: number;
  body: string;
  user: string;
  createdAt: string;
  updatedAt: string;
}

/** An issue (not a pull request; the two share one numbering, as on GitHub). */
export interface FakeIssue {
  id: number;
  number: number;
  title: string;
  body: string | null;
  user: string;
  state: 'open' | 'closed';
  stateReason: 'completed' | 'not_planned' | 'duplicate' | 'reopened' | null;
  labels: string[];
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  /** Who closed it (the token's login), when closed. */
  closedBy: string | null;
}

/** A check-run annotation exactly as received (`output.annotations[]` of a create or update). */
export interface FakeAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: 'notice' | 'warning' | 'failure';
  message: string;
  title?: string;
  raw_details?: string;
}

export interface FakeCheckRun {
  id: number;
  name: string;
  headSha: string;
  status: 'queued' | 'in_progress' | 'completed' | 'waiting' | 'requested' | 'pending';
  conclusion: string | null;
  startedAt: string | null;
  completedAt: string | null;
  detailsUrl: string | null;
  externalId: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
  /** Every annotation received, in order, across the create and all updates (GitHub appends them). */
  annotations: FakeAnnotation[];
  /** Number of annotations received per request (create first, then each update). */
  annotationBatches: number[];
  /** How many requests wrote this check run (1 for the create, +1 per update). */
  writes: number;
}

export interface FakeArtifact {
  id: number;
  runId: number;
  name: string;
  sizeInBytes: number;
  expired: boolean;
  createdAt: string;
  headSha: string;
}

export interface FakeTeamMembership {
  role: 'member' | 'maintainer';
  state: 'active' | 'pending';
}

export interface FakeRepository {
  owner: string;
  name: string;
  id: number;
  private: boolean;
  defaultBranch: string;
}

/** What the factories need besides the resource: where the fake lives, who is who, and the clock. */
export interface ResourceContext {
  /** The fake's base URL, e.g. http://127.0.0.1:40123 (used for `url` fields and Link headers). */
  apiUrl: string;
  repo: FakeRepository;
  userId(login: string): number;
  repositoryId(fullName: string): number;
}

type Json = Record<string, unknown>;

const HTML = 'https://github.com';

/** A stable fake git object id for `text` (40 hex digits). */
export function fakeSha(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

function nodeId(kind: string, id: number): string {
  return Buffer.from(`${kind}:${id}`).toString('base64').replace(/=+$/, '');
}

function encodePath(file: string): string {
  return file.split('/').map(encodeURIComponent).join('/');
}

export function simpleUser(ctx: ResourceContext, login: string): Json {
  const id = ctx.userId(login);
  const api = `${ctx.apiUrl}/users/${encodeURIComponent(login)}`;
  return {
    login,
    id,
    node_id: nodeId('User', id),
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: '',
    url: api,
    html_url: login.endsWith('[bot]') ? `${HTML}/apps/${login.slice(0, -5)}` : `${HTML}/${login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: login.endsWith('[bot]') ? 'Bot' : 'User',
    user_view_type: 'public',
    site_admin: false,
  };
}

export function repository(ctx: ResourceContext, fullName: string): Json {
  const [owner = '', name = ''] = fullName.split('/');
  const id = ctx.repositoryId(fullName);
  const api = `${ctx.apiUrl}/repos/${fullName}`;
  const isMain = fullName === `${ctx.repo.owner}/${ctx.repo.name}`;
  const created = '2024-01-02T03:04:05Z';
  return {
    id,
    node_id: nodeId('Repository', id),
    name,
    full_name: fullName,
    owner: simpleUser(ctx, owner),
    private: isMain ? ctx.repo.private : false,
    html_url: `${HTML}/${fullName}`,
    description: null,
    fork: !isMain,
    url: api,
    archive_url: `${api}/{archive_format}{/ref}`,
    assignees_url: `${api}/assignees{/user}`,
    blobs_url: `${api}/git/blobs{/sha}`,
    branches_url: `${api}/branches{/branch}`,
    collaborators_url: `${api}/collaborators{/collaborator}`,
    comments_url: `${api}/comments{/number}`,
    commits_url: `${api}/commits{/sha}`,
    compare_url: `${api}/compare/{base}...{head}`,
    contents_url: `${api}/contents/{+path}`,
    contributors_url: `${api}/contributors`,
    deployments_url: `${api}/deployments`,
    downloads_url: `${api}/downloads`,
    events_url: `${api}/events`,
    forks_url: `${api}/forks`,
    git_commits_url: `${api}/git/commits{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    git_tags_url: `${api}/git/tags{/sha}`,
    git_url: `git://github.com/${fullName}.git`,
    issue_comment_url: `${api}/issues/comments{/number}`,
    issue_events_url: `${api}/issues/events{/number}`,
    issues_url: `${api}/issues{/number}`,
    keys_url: `${api}/keys{/key_id}`,
    labels_url: `${api}/labels{/name}`,
    languages_url: `${api}/languages`,
    merges_url: `${api}/merges`,
    milestones_url: `${api}/milestones{/number}`,
    notifications_url: `${api}/notifications{?since,all,participating}`,
    pulls_url: `${api}/pulls{/number}`,
    releases_url: `${api}/releases{/id}`,
    ssh_url: `git@github.com:${fullName}.git`,
    stargazers_url: `${api}/stargazers`,
    statuses_url: `${api}/statuses/{sha}`,
    subscribers_url: `${api}/subscribers`,
    subscription_url: `${api}/subscription`,
    tags_url: `${api}/tags`,
    teams_url: `${api}/teams`,
    trees_url: `${api}/git/trees{/sha}`,
    clone_url: `${HTML}/${fullName}.git`,
    mirror_url: null,
    hooks_url: `${api}/hooks`,
    svn_url: `${HTML}/${fullName}`,
    homepage: null,
    language: null,
    forks_count: 0,
    forks: 0,
    stargazers_count: 0,
    watchers_count: 0,
    watchers: 0,
    size: 108,
    default_branch: isMain ? ctx.repo.defaultBranch : 'main',
    open_issues_count: 0,
    open_issues: 0,
    is_template: false,
    topics: [],
    has_issues: true,
    has_projects: true,
    has_wiki: true,
    has_pages: false,
    has_downloads: true,
    archived: false,
    disabled: false,
    visibility: isMain && ctx.repo.private ? 'private' : 'public',
    license: null,
    pushed_at: created,
    created_at: created,
    updated_at: created,
  };
}

function pullLinks(ctx: ResourceContext, pr: FakePullRequest): Json {
  const repo = `${ctx.repo.owner}/${ctx.repo.name}`;
  const api = `${ctx.apiUrl}/repos/${repo}`;
  return {
    self: { href: `${api}/pulls/${pr.number}` },
    html: { href: `${HTML}/${repo}/pull/${pr.number}` },
    issue: { href: `${api}/issues/${pr.number}` },
    comments: { href: `${api}/issues/${pr.number}/comments` },
    review_comments: { href: `${api}/pulls/${pr.number}/comments` },
    review_comment: { href: `${api}/pulls/comments{/number}` },
    commits: { href: `${api}/pulls/${pr.number}/commits` },
    statuses: { href: `${api}/statuses/${pr.head.sha}` },
  };
}

function pullId(pr: FakePullRequest): number {
  return 1_000_000 + pr.number;
}

/** The fields `pull-request-simple` and `pull-request` share. */
export function pullRequestSimple(ctx: ResourceContext, pr: FakePullRequest): Json {
  const repo = `${ctx.repo.owner}/${ctx.repo.name}`;
  const api = `${ctx.apiUrl}/repos/${repo}`;
  const id = pullId(pr);
  const [headOwner = ''] = pr.head.repo.split('/');
  const created = '2025-01-01T00:00:00Z';
  return {
    url: `${api}/pulls/${pr.number}`,
    id,
    node_id: nodeId('PullRequest', id),
    html_url: `${HTML}/${repo}/pull/${pr.number}`,
    diff_url: `${HTML}/${repo}/pull/${pr.number}.diff`,
    patch_url: `${HTML}/${repo}/pull/${pr.number}.patch`,
    issue_url: `${api}/issues/${pr.number}`,
    commits_url: `${api}/pulls/${pr.number}/commits`,
    review_comments_url: `${api}/pulls/${pr.number}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${pr.number}/comments`,
    statuses_url: `${api}/statuses/${pr.head.sha}`,
    number: pr.number,
    state: pr.state,
    locked: false,
    title: pr.title,
    user: simpleUser(ctx, pr.user),
    body: pr.body,
    labels: pr.labels.map((name, index) => ({
      id: 9000 + index,
      node_id: nodeId('Label', 9000 + index),
      url: `${api}/labels/${encodeURIComponent(name)}`,
      name,
      description: null,
      color: 'ededed',
      default: false,
    })),
    milestone: null,
    active_lock_reason: null,
    created_at: created,
    updated_at: created,
    closed_at: pr.state === 'closed' ? created : null,
    merged_at: pr.merged ? created : null,
    merge_commit_sha: pr.mergeCommitSha,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: {
      label: `${headOwner}:${pr.head.ref}`,
      ref: pr.head.ref,
      sha: pr.head.sha,
      user: simpleUser(ctx, headOwner),
      repo: repository(ctx, pr.head.repo),
    },
    base: {
      label: `${ctx.repo.owner}:${pr.base.ref}`,
      ref: pr.base.ref,
      sha: pr.base.sha,
      user: simpleUser(ctx, ctx.repo.owner),
      repo: repository(ctx, repo),
    },
    _links: pullLinks(ctx, pr),
    author_association: pr.authorAssociation,
    auto_merge: null,
    draft: pr.draft,
  };
}

export function pullRequest(ctx: ResourceContext, pr: FakePullRequest, reviewComments: number): Json {
  const additions = pr.files.reduce((sum, file) => sum + file.additions, 0);
  const deletions = pr.files.reduce((sum, file) => sum + file.deletions, 0);
  return {
    ...pullRequestSimple(ctx, pr),
    merged: pr.merged,
    mergeable: pr.state === 'open' ? true : null,
    rebaseable: pr.state === 'open' ? true : null,
    mergeable_state: pr.state === 'open' ? 'clean' : 'unknown',
    merged_by: null,
    comments: 0,
    review_comments: reviewComments,
    maintainer_can_modify: false,
    commits: 1,
    additions,
    deletions,
    // The true count, even past the 3,000 files the listing serves: how a client can tell it was cut.
    changed_files: pr.files.length,
  };
}

export function diffEntry(ctx: ResourceContext, pr: FakePullRequest, file: FakeFile): Json {
  const repo = `${ctx.repo.owner}/${ctx.repo.name}`;
  const path = encodePath(file.filename);
  const entry: Json = {
    sha: file.status === 'removed' ? null : fakeSha(`${pr.head.sha}:${file.filename}`),
    filename: file.filename,
    status: file.status,
    additions: file.additions,
    deletions: file.deletions,
    changes: file.changes ?? file.additions + file.deletions,
    blob_url: `${HTML}/${repo}/blob/${pr.head.sha}/${path}`,
    raw_url: `${HTML}/${repo}/raw/${pr.head.sha}/${path}`,
    contents_url: `${ctx.apiUrl}/repos/${repo}/contents/${path}?ref=${pr.head.sha}`,
  };
  if (file.patch !== undefined) entry.patch = file.patch;
  if (file.previous_filename !== undefined) entry.previous_filename = file.previous_filename;
  return entry;
}

export function review(ctx: ResourceContext, r: FakeReview): Json {
  const repo = `${ctx.repo.owner}/${ctx.repo.name}`;
  const html = `${HTML}/${repo}/pull/${r.pullNumber}#pullrequestreview-${r.id}`;
  const pullUrl = `${ctx.apiUrl}/repos/${repo}/pulls/${r.pullNumber}`;
  const body: Json = {
    id: r.id,
    node_id: nodeId('PullRequestReview', r.id),
    user: simpleUser(ctx, r.user),
    body: r.body,
    state: r.state,
    html_url: html,
    pull_request_url: pullUrl,
    _links: { html: { href: html }, pull_request: { href: pullUrl } },
    commit_id: r.commitId,
    author_association: 'CONTRIBUTOR',
  };
  if (r.submittedAt !== null) body.submitted_at = r.submittedAt;
  return body;
}

export function reviewComment(ctx: ResourceContext, c: FakeReviewComment, diffHunk: string): Json {
  const repo = `${ctx.repo.owner}/${ctx.repo.name}`;
  const api = `${ctx.apiUrl}/repos/${repo}`;
  const html = `${HTML}/${repo}/pull/${c.pullNumber}#discussion_r${c.id}`;
  const body: Json = {
    url: `${api}/pulls/comments/${c.id}`,
    pull_request_review_id: c.reviewId,
    id: c.id,
    node_id: nodeId('PullRequestReviewComment', c.id),
    diff_hunk: diffHunk,
    path: c.path,
    commit_id: c.commitId,
    original_commit_id: c.commitId,
    user: simpleUser(ctx, c.user),
    body: c.body,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    html_url: html,
    pull_request_url: `${api}/pulls/${c.pullNumber}`,
    author_association: 'NONE',
    _links: {
      self: { href: `${api}/pulls/comments/${c.id}` },
      html: { href: html },
      pull_request: { href: `${api}/pulls/${c.pullNumber}` },
    },
    start_line: c.startLine,
    original_start_line: c.startLine,
    start_side: c.startSide,
    side: c.side,
    subject_type: c.subjectType,
  };
  if (c.line !== null) {
    body.line = c.line;
    body.original_line = c.line;
  }
  if (c.position !== null) {
    body.position = c.position;
    body.original_position = c.position;
  }
  if (c.inReplyTo !== null) body.in_reply_to_id = c.inReplyTo;
  return body;
}

export function issueComment(ctx: ResourceContext, c: FakeIssueComment): Json {
  const repo = `${ctx.repo.owner}/${ctx.repo.name}`;
  const api = `${ctx.apiUrl}/repos/${repo}`;
  return {
    id: c.id,
    node_id: nodeId('IssueComment', c.id),
    url: `${api}/issues/comments/${c.id}`,
    html_url: `${HTML}/${repo}/pull/${c.issueNumber}#issuecomment-${c.id}`,
    body: c.body,
    user: simpleUser(ctx, c.user),
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    issue_url: `${api}/issues/${c.issueNumber}`,
    author_association: c.user.endsWith('[bot]') ? 'NONE' : 'CONTRIBUTOR',
    performed_via_github_app: null,
  };
}

/** A label as GitHub lists it on an issue (ids and colours derived from the name). */
function label(ctx: ResourceContext, name: string): Json {
  const id = Number.parseInt(createHash('sha1').update(name).digest('hex').slice(0, 8), 16);
  return {
    id,
    node_id: nodeId('Label', id),
    url: `${ctx.apiUrl}/repos/${ctx.repo.owner}/${ctx.repo.name}/labels/${encodeURIComponent(name)}`,
    name,
    description: null,
    color: 'ededed',
    default: false,
  };
}

export function issue(ctx: ResourceContext, i: FakeIssue, comments: number): Json {
  const repo = `${ctx.repo.owner}/${ctx.repo.name}`;
  const api = `${ctx.apiUrl}/repos/${repo}`;
  const url = `${api}/issues/${i.number}`;
  return {
    id: i.id,
    node_id: nodeId('Issue', i.id),
    url,
    repository_url: api,
    labels_url: `${url}/labels{/name}`,
    comments_url: `${url}/comments`,
    events_url: `${url}/events`,
    html_url: `${HTML}/${repo}/issues/${i.number}`,
    number: i.number,
    state: i.state,
    state_reason: i.stateReason,
    title: i.title,
    body: i.body,
    user: simpleUser(ctx, i.user),
    labels: i.labels.map((name) => label(ctx, name)),
    assignee: null,
    assignees: [],
    milestone: null,
    locked: false,
    active_lock_reason: null,
    comments,
    closed_at: i.closedAt,
    created_at: i.createdAt,
    updated_at: i.updatedAt,
    closed_by: i.closedBy === null ? null : simpleUser(ctx, i.closedBy),
    author_association: i.user.endsWith('[bot]') ? 'NONE' : 'CONTRIBUTOR',
    timeline_url: `${url}/timeline`,
  };
}

/** The GitHub Actions app, which owns check runs created with a workflow's GITHUB_TOKEN. */
function actionsApp(ctx: ResourceContext): Json {
  return {
    id: 15368,
    slug: 'github-actions',
    node_id: 'MDM6QXBwMTUzNjg=',
    owner: simpleUser(ctx, 'github'),
    name: 'GitHub Actions',
    description: 'Automate your workflow from idea to production',
    external_url: 'https://help.github.com/en/actions',
    html_url: `${HTML}/apps/github-actions`,
    created_at: '2018-07-30T09:30:17Z',
    updated_at: '2024-04-10T20:33:16Z',
    permissions: { actions: 'write', checks: 'write', contents: 'write', issues: 'write', metadata: 'read' },
    events: ['check_run', 'check_suite', 'pull_request', 'push'],
  };
}

export function checkRun(ctx: ResourceContext, run: FakeCheckRun, pulls: FakePullRequest[]): Json {
  const repo = `${ctx.repo.owner}/${ctx.repo.name}`;
  const api = `${ctx.apiUrl}/repos/${repo}`;
  const repoRef = (fullName: string) => ({
    id: ctx.repositoryId(fullName),
    url: `${ctx.apiUrl}/repos/${fullName}`,
    name: fullName.split('/')[1] ?? '',
  });
  return {
    id: run.id,
    head_sha: run.headSha,
    node_id: nodeId('CheckRun', run.id),
    external_id: run.externalId ?? '',
    url: `${api}/check-runs/${run.id}`,
    html_url: `${HTML}/${repo}/runs/${run.id}`,
    details_url: run.detailsUrl ?? `${HTML}/${repo}/runs/${run.id}`,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.startedAt,
    completed_at: run.completedAt,
    output: {
      title: run.output.title,
      summary: run.output.summary,
      text: run.output.text,
      annotations_count: run.annotations.length,
      annotations_url: `${api}/check-runs/${run.id}/annotations`,
    },
    name: run.name,
    check_suite: { id: 5_000_000 + run.id },
    app: actionsApp(ctx),
    pull_requests: pulls.map((pr) => ({
      id: pullId(pr),
      number: pr.number,
      url: `${api}/pulls/${pr.number}`,
      head: { ref: pr.head.ref, sha: pr.head.sha, repo: repoRef(pr.head.repo) },
      base: { ref: pr.base.ref, sha: pr.base.sha, repo: repoRef(repo) },
    })),
  };
}

export function teamMembership(
  ctx: ResourceContext,
  org: string,
  login: string,
  m: FakeTeamMembership,
): Json {
  return {
    url: `${ctx.apiUrl}/organizations/${ctx.userId(org)}/team/1/memberships/${encodeURIComponent(login)}`,
    role: m.role,
    state: m.state,
  };
}

export function artifact(ctx: ResourceContext, a: FakeArtifact): Json {
  const api = `${ctx.apiUrl}/repos/${ctx.repo.owner}/${ctx.repo.name}`;
  const expires = new Date(Date.parse(a.createdAt) + 90 * 86_400_000).toISOString().replace('.000Z', 'Z');
  return {
    id: a.id,
    node_id: nodeId('Artifact', a.id),
    name: a.name,
    size_in_bytes: a.sizeInBytes,
    url: `${api}/actions/artifacts/${a.id}`,
    archive_download_url: `${api}/actions/artifacts/${a.id}/zip`,
    expired: a.expired,
    created_at: a.createdAt,
    expires_at: expires,
    updated_at: a.createdAt,
    digest: `sha256:${createHash('sha256').update(`${a.id}`).digest('hex')}`,
    workflow_run: {
      id: a.runId,
      repository_id: ctx.repo.id,
      head_repository_id: ctx.repo.id,
      head_branch: ctx.repo.defaultBranch,
      head_sha: a.headSha,
    },
  };
}

/** GitHub's error body: `basic-error` / `validation-error`. */
export function errorBody(status: number, message: string, errors?: Array<Json | string>): Json {
  return {
    message,
    documentation_url: 'https://docs.github.com/rest',
    ...(errors ? { errors } : {}),
    status: String(status),
  };
}

/** The lines a review comment may target in a file's patch: per side, the set of line numbers. */
export function commentableLines(patch: string): { LEFT: Set<number>; RIGHT: Set<number> } {
  const lines = { LEFT: new Set<number>(), RIGHT: new Set<number>() };
  let left = 0;
  let right = 0;
  for (const text of patch.split('\n')) {
    const hunk = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(text);
    if (hunk) {
      left = Number(hunk[1]);
      right = Number(hunk[2]);
    } else if (text.startsWith('+')) {
      lines.RIGHT.add(right++);
    } else if (text.startsWith('-')) {
      lines.LEFT.add(left++);
    } else if (text.startsWith(' ')) {
      lines.LEFT.add(left++);
      lines.RIGHT.add(right++);
    }
  }
  return lines;
}

/** A commit as `repos/get-commit` serves it: who wrote it and who committed (pushed) it. */
export interface FakeCommit {
  sha: string;
  /** GitHub logins; null when the commit's e-mail is linked to no account. */
  author: string | null;
  committer: string | null;
}

export function commit(ctx: ResourceContext, c: FakeCommit): Json {
  const repo = `${ctx.repo.owner}/${ctx.repo.name}`;
  const api = `${ctx.apiUrl}/repos/${repo}`;
  const person = (login: string | null) => ({
    name: login ?? 'Someone',
    email: `${login ?? 'someone'}@example.com`,
    date: '2025-01-01T00:00:00Z',
  });
  return {
    url: `${api}/commits/${c.sha}`,
    sha: c.sha,
    node_id: nodeId('Commit', parseInt(c.sha.slice(0, 8), 16)),
    html_url: `${HTML}/${repo}/commit/${c.sha}`,
    comments_url: `${api}/commits/${c.sha}/comments`,
    commit: {
      url: `${api}/git/commits/${c.sha}`,
      author: person(c.author),
      committer: person(c.committer),
      message: 'change',
      comment_count: 0,
      tree: { sha: fakeSha(`tree-${c.sha}`), url: `${api}/git/trees/${fakeSha(`tree-${c.sha}`)}` },
    },
    author: c.author === null ? null : simpleUser(ctx, c.author),
    committer: c.committer === null ? null : simpleUser(ctx, c.committer),
    parents: [],
    files: [],
  };
}
