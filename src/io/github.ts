// The only module that talks to GitHub. Every call retries with backoff on 5xx/429 (octokit's retry
// and throttling plugins); writes that the token may not make (fork pull requests get a read-only
// token) are reported as warnings by the caller, never as gate failures.
import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import type { ChangedFile } from './git';

export type Octokit = ReturnType<typeof getOctokit>;

/** GitHub stops listing a pull request's files at this many. */
export const PULL_FILES_LIMIT = 3000;

/** No GitHub request may hold a run longer than this (a stalled endpoint once held one 20 minutes). */
export const REQUEST_TIMEOUT_MS = 30_000;

export function createOctokit(
  token: string,
  log: (message: string) => void,
  /** The REST API's URL; @actions/github reads GITHUB_API_URL once, when it loads, without it. */
  baseUrl?: string,
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
  octokit.hook.before('request', (options) => {
    options.request = { ...options.request, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) };
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

/**
 * The files of a pull request, or `undefined` when GitHub cannot list them all (it stops at 3,000),
 * so the caller falls back to `git diff`.
 */
export async function listPullFiles(
  octokit: Octokit,
  ref: RepoRef,
  number: number,
  expected: number,
): Promise<ChangedFile[] | undefined> {
  if (expected >= PULL_FILES_LIMIT) return undefined;
  const files = await octokit.paginate(octokit.rest.pulls.listFiles, {
    ...ref,
    pull_number: number,
    per_page: 100,
  });
  if (files.length >= PULL_FILES_LIMIT) return undefined;
  return files.map((f) => {
    const status =
      f.status === 'removed'
        ? 'removed'
        : f.status === 'added'
          ? 'added'
          : f.status === 'renamed'
            ? 'renamed'
            : 'modified';
    return {
      path: f.filename,
      status,
      ...(f.previous_filename ? { previousPath: f.previous_filename } : {}),
    };
  });
}

/** Logins whose latest review of the pull request is an approval, with the teams we could verify. */
export async function listApprovals(
  octokit: Octokit,
  ref: RepoRef,
  number: number,
  teamsToCheck: string[],
  log: (message: string) => void,
  /** Only approvals of this commit count: an approval given before the change is no sign-off. */
  headSha?: string,
): Promise<{ login: string; teams: string[] }[]> {
  const reviews = await octokit.paginate(octokit.rest.pulls.listReviews, {
    ...ref,
    pull_number: number,
    per_page: 100,
  });
  const latest = new Map<string, string>();
  for (const r of reviews) {
    if (!r.user || r.state === 'COMMENTED' || r.state === 'PENDING') continue;
    const stale = headSha !== undefined && r.state === 'APPROVED' && r.commit_id !== headSha;
    latest.set(r.user.login, stale ? 'STALE' : r.state);
  }
  const approvers = [...latest].filter(([, state]) => state === 'APPROVED').map(([login]) => login);
  const out: { login: string; teams: string[] }[] = [];
  for (const login of approvers) {
    const teams: string[] = [];
    for (const team of teamsToCheck) {
      const [org, slug] = team.split('/') as [string, string];
      try {
        const { data } = await octokit.rest.teams.getMembershipForUserInOrg({
          org,
          team_slug: slug,
          username: login,
        });
        if (data.state === 'active') teams.push(team);
      } catch (e) {
        const status = (e as { status?: number }).status;
        if (status !== 404)
          log(
            `could not check whether @${login} is in @${team} (HTTP ${status ?? '?'}); the token may lack read:org`,
          );
      }
    }
    out.push({ login, teams });
  }
  return out;
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
