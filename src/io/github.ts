// The only module that talks to GitHub. Every call retries with backoff on 5xx/429 (octokit's retry
// and throttling plugins); writes that the token may not make (fork pull requests get a read-only
// token) are reported as warnings by the caller, never as gate failures.
import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import type { Approval } from '../core/gate/evaluate-gate';

export type Octokit = ReturnType<typeof getOctokit>;

/** No GitHub request may hold a run longer than this (a stalled endpoint once held one 20 minutes). */
export const REQUEST_TIMEOUT_MS = 30_000;

export function createOctokit(
  token: string,
  log: (message: string) => void,
  /** The REST API's URL; @actions/github reads GITHUB_API_URL once, when it loads, without it. */
  baseUrl?: string,
  /** Milliseconds a request may take (default REQUEST_TIMEOUT_MS; tests use less). */
  timeoutMs: number = REQUEST_TIMEOUT_MS,
): Octokit {
  const octokit = getOctokit(
    token,
    {
      ...(baseUrl ? { baseUrl } : {}),
      // 3 retries of 5xx/429 with growing waits (@octokit/plugin-retry's defaults). Not as `request`
      // options: those apply to every failed request, so 401/403/404/422 would be retried too (a
      // read-only token's refused write cost 3 more requests and 3 seconds).
      retry: { retries: 3 },
      throttle: {
        onRateLimit: (
          retryAfter: number,
          options: { method: string; url: string },
          _o: unknown,
          retryCount: number,
        ) => {
          log(`rate limited on ${options.method} ${options.url}; retrying in ${retryAfter}s`);
          return retryCount < 3;
        },
        onSecondaryRateLimit: (
          retryAfter: number,
          options: { method: string; url: string },
          _o: unknown,
          retryCount: number,
        ) => {
          log(`secondary rate limit on ${options.method} ${options.url}; retrying in ${retryAfter}s`);
          return retryCount < 2;
        },
      },
    },
    retry,
    throttling,
  );
  // One deadline per request, retries of 5xx included (this hook wraps octokit's retry). A request
  // that times out is not asked again: octokit would retry it as a 500, 4 attempts and 14 s of
  // backoff, and a stalled endpoint then cost 2 minutes per request.
  const timedOut = new WeakSet<object>();
  octokit.hook.before('request', (options) => {
    const controller = new AbortController();
    const request: Record<string, unknown> = { ...options.request, signal: controller.signal };
    options.request = request;
    setTimeout(() => {
      request.retries = 0;
      timedOut.add(request);
      controller.abort();
    }, timeoutMs).unref();
  });
  octokit.hook.error('request', (error, options) => {
    if (options.request && timedOut.has(options.request))
      throw new Error(`GitHub did not answer ${options.method} ${options.url} within ${timeoutMs / 1000} s`);
    throw error;
  });
  return octokit;
}

export interface RepoRef {
  owner: string;
  repo: string;
}

export interface PullInfo {
  number: number;
  body: string;
  baseSha: string;
  headSha: string;
  changedFiles: number;
  author: string;
}

export async function getPull(octokit: Octokit, ref: RepoRef, number: number): Promise<PullInfo> {
  const { data } = await octokit.rest.pulls.get({ ...ref, pull_number: number });
  return {
    number,
    body: data.body ?? '',
    baseSha: data.base.sha,
    headSha: data.head.sha,
    changedFiles: data.changed_files,
    author: data.user.login,
  };
}

/** Each reviewer's latest review that states a verdict, and the owner teams the token could not read. */
export interface PullReviews {
  approvals: Approval[];
  /** `org/team` slugs whose membership the token could not read (`members: read` / `read:org`). */
  unreadableTeams: string[];
}

/**
 * Each reviewer's latest APPROVED, CHANGES_REQUESTED or DISMISSED review (a later comment does not
 * withdraw an approval) with its commit and time; the gate decides which count. Team membership is
 * looked up for reviewers whose latest review approves (any commit: the gate says why an approval of
 * an older one does not count), and only for `teamsToCheck`: a membership the token cannot read is
 * listed in `unreadableTeams`.
 */
export async function listReviews(
  octokit: Octokit,
  ref: RepoRef,
  number: number,
  teamsToCheck: string[],
  log: (message: string) => void,
): Promise<PullReviews> {
  const reviews = await octokit.paginate(octokit.rest.pulls.listReviews, {
    ...ref,
    pull_number: number,
    per_page: 100,
  });
  const latest = new Map<string, Approval>();
  // GitHub lists reviews in the order they were submitted.
  for (const r of reviews) {
    if (!r.user || r.state === 'COMMENTED' || r.state === 'PENDING') continue;
    latest.set(r.user.login.toLowerCase(), {
      login: r.user.login,
      teams: [],
      state: r.state,
      commitId: r.commit_id ?? '',
      ...(r.submitted_at ? { submittedAt: r.submitted_at } : {}),
    });
  }
  const unreadable = new Set<string>();
  for (const a of latest.values()) {
    // Approvals of an older commit are looked up too, so the gate can say why they do not count.
    if (a.state !== 'APPROVED') continue;
    for (const team of teamsToCheck) {
      const [org, slug] = team.split('/') as [string, string];
      try {
        const { data } = await octokit.rest.teams.getMembershipForUserInOrg({
          org,
          team_slug: slug,
          username: a.login,
        });
        if (data.state === 'active') a.teams.push(team);
      } catch (e) {
        const status = (e as { status?: number }).status;
        if (status === 404) continue;
        unreadable.add(team);
        log(
          `could not check whether @${a.login} is in @${team} (HTTP ${status ?? '?'}): the token needs \`members: read\` (GitHub App) or read:org (personal access token); the approval does not count through that team`,
        );
      }
    }
  }
  return { approvals: [...latest.values()], unreadableTeams: [...unreadable] };
}

/**
 * GitHub logins of the head commit's author and committer (who pushed the change they wrote). A side
 * whose e-mail is linked to no GitHub account has no login and is left out.
 */
export async function headCommitLogins(octokit: Octokit, ref: RepoRef, sha: string): Promise<string[]> {
  const { data } = await octokit.rest.repos.getCommit({ ...ref, ref: sha });
  const logins = [data.author?.login, data.committer?.login].filter((l): l is string => !!l);
  return [...new Set(logins)];
}

/**
 * The login the token acts as: `github-actions[bot]` for the workflow's GITHUB_TOKEN, `<app>[bot]` for
 * an app's installation token, the user for a personal access token. GraphQL's `viewer` answers all
 * three (REST's GET /user refuses installation tokens).
 */
export async function tokenLogin(octokit: Octokit): Promise<string> {
  const data = await octokit.graphql<{ viewer: { login: string } | null }>('query { viewer { login } }');
  const login = data.viewer?.login;
  if (!login) throw new Error('GitHub did not say who the token acts as');
  return login;
}

/**
 * When the pull request's description was last edited (ISO 8601), or created when never edited. Only
 * the GraphQL API has it (`lastEditedAt`); an approval older than this did not see the notes it holds.
 */
export async function pullBodyEditedAt(octokit: Octokit, ref: RepoRef, number: number): Promise<string> {
  const data = await octokit.graphql<{
    repository: { pullRequest: { lastEditedAt: string | null; createdAt: string } | null } | null;
  }>(
    'query($owner: String!, $repo: String!, $number: Int!) { repository(owner: $owner, name: $repo) { pullRequest(number: $number) { lastEditedAt createdAt } } }',
    { owner: ref.owner, repo: ref.repo, number },
  );
  const pr = data.repository?.pullRequest;
  if (!pr) throw new Error(`pull request #${number} not found`);
  return pr.lastEditedAt ?? pr.createdAt;
}

export interface CheckAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: 'notice' | 'warning' | 'failure';
  title?: string;
  message: string;
  raw_details?: string;
}

/** Annotations published on one check run at most; the rest are counted in its summary. */
export const MAX_CHECK_RUN_ANNOTATIONS = 1000;

/**
 * Creates a check run and adds its annotations in batches of 50 (the Checks API limit). The run is
 * completed whatever happens to a later batch: a failed update completes it with the conclusion and
 * a note, so no check run stays `in_progress` for ever.
 */
export async function publishCheckRun(
  octokit: Octokit,
  ref: RepoRef,
  headSha: string,
  conclusion: 'success' | 'failure' | 'neutral',
  title: string,
  summary: string,
  batches: CheckAnnotation[][],
): Promise<number> {
  const first = batches[0] ?? [];
  const { data } = await octokit.rest.checks.create({
    ...ref,
    name: 'unitgate',
    head_sha: headSha,
    status: batches.length > 1 ? 'in_progress' : 'completed',
    ...(batches.length > 1 ? {} : { conclusion }),
    output: { title, summary, annotations: first },
  });
  let i = 1;
  try {
    for (; i < batches.length; i++) {
      const last = i === batches.length - 1;
      await octokit.rest.checks.update({
        ...ref,
        check_run_id: data.id,
        ...(last ? { status: 'completed' as const, conclusion } : {}),
        output: { title, summary, annotations: batches[i] },
      });
    }
  } catch (e) {
    if (batches.length > 1) {
      await octokit.rest.checks.update({
        ...ref,
        check_run_id: data.id,
        status: 'completed',
        conclusion,
        output: {
          title,
          summary: `${summary}\n\nOnly ${i * 50} annotations could be added: ${(e as Error).message}`,
        },
      });
    }
    throw e;
  }
  return data.id;
}
