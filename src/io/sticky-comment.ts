// Publishes the pull request comment and review suggestions: one sticky comment per pull request
// (found by its hidden marker, edited in place, duplicates from racing runs removed), and the
// suggestions as one review. Optional outputs: every failure comes back as a warning, never a throw.
import { STICKY_MARKER } from '../core/report/pr-comment';
import type { ReviewSuggestion } from '../core/report/suggestions';
import type { Octokit, RepoRef } from './github';

/**
 * Which comments are ours. Only a comment whose body starts with STICKY_MARKER and whose author is
 * ours is ever edited or deleted: anyone can paste the marker into a comment, and the token may edit
 * other people's comments, so the marker alone must never be enough.
 */
export interface StickyCommentOptions {
  /**
   * Login of the token's identity (tokenLogin()). Default: `github-actions[bot]`, the identity of the
   * workflow's GITHUB_TOKEN. Never "any bot": another app's comment can carry the marker too. With
   * another token and no login, its own comment is not found again and each run posts a new one —
   * noisy, but nobody else's comment is ever edited.
   */
  author?: string;
  /**
   * A number that grows with every run, e.g. `GITHUB_RUN_ID`: stamped into the comment, so a slower,
   * older run never overwrites what a newer run wrote, and a race keeps the newest body.
   */
  revision?: number;
}

export interface StickyCommentResult {
  /**
   * `created`/`updated`/`deleted`: what was written; `unchanged`: the comment already said this;
   * `older`: a newer run already wrote the comment, left as is; `none`: nothing to resolve;
   * `failed`: see `warning`.
   */
  action: 'created' | 'updated' | 'unchanged' | 'deleted' | 'older' | 'none' | 'failed';
  /** The sticky comment's id (after the write), when there is one. */
  commentId?: number;
  /** Sticky comments deleted because two runs raced and each created one. */
  removedDuplicates: number;
  /** Set when something could not be read or written (e.g. a read-only token on a fork pull request). */
  warning?: string;
}

export interface SuggestionsResult {
  /** Suggestions written in this call. */
  posted: number;
  /** Suggestions already on the pull request (same path, line and body), not posted again. */
  skipped: number;
  /** Suggestions GitHub refused, or all of them when the token cannot write reviews. */
  failed: number;
  warning?: string;
}

interface IssueComment {
  id: number;
  body?: string | null;
  created_at: string;
  user: { login: string; type?: string } | null;
}

const REVISION = /^<!-- unitgate:revision (\d+) -->$/m;

function statusOf(e: unknown): number | undefined {
  const status = (e as { status?: unknown }).status;
  return typeof status === 'number' ? status : undefined;
}

/**
 * A warning for a failed request to GitHub; `deniedHint` is added on 403/404, which on a write mean
 * the token may not write there (a missing permission, a fork's read-only token).
 */
export function requestFailure(what: string, e: unknown, deniedHint: string): string {
  const status = statusOf(e);
  const message = e instanceof Error ? e.message : String(e);
  const denied = status === 403 || status === 404 ? ` ${deniedHint}` : '';
  return `Could not ${what} (HTTP ${status ?? '?'}: ${message}).${denied}`;
}

const READ_ONLY_HINT =
  'The token cannot write here: on pull requests from forks GITHUB_TOKEN is read-only (grant `pull-requests: write`, or run the comment step from a `workflow_run` workflow).';

function describeFailure(what: string, e: unknown): string {
  return requestFailure(what, e, READ_ONLY_HINT);
}

/** The body with this run's revision stamped on the line after the marker. */
function stamped(body: string, revision: number | undefined): string {
  if (revision === undefined || !body.startsWith(STICKY_MARKER)) return body;
  return `${STICKY_MARKER}\n<!-- unitgate:revision ${revision} -->${body.slice(STICKY_MARKER.length)}`;
}

function revisionOf(body: string | null | undefined): number | undefined {
  const m = REVISION.exec(body ?? '');
  return m ? Number(m[1]) : undefined;
}

/** The identity of the workflow's own GITHUB_TOKEN. */
export const ACTIONS_BOT_LOGIN = 'github-actions[bot]';

/**
 * Whether `user` wrote it as unitgate: the token's own login (`author`), else the Actions bot. A marker
 * alone proves nothing: anyone can paste it.
 */
export function writtenByUs(user: { login: string } | null | undefined, author: string | undefined): boolean {
  return (
    user !== null &&
    user !== undefined &&
    user.login.toLowerCase() === (author ?? ACTIONS_BOT_LOGIN).toLowerCase()
  );
}

/** Oldest first; equal times by `id` (comment id or issue number: both grow with time). */
export function oldestFirst<T extends { created_at: string }>(id: (x: T) => number): (a: T, b: T) => number {
  return (a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : id(a) - id(b));
}

function isOurs(c: IssueComment, options: StickyCommentOptions): boolean {
  return (c.body?.startsWith(STICKY_MARKER) ?? false) && writtenByUs(c.user, options.author);
}

async function listSticky(
  octokit: Octokit,
  ref: RepoRef,
  prNumber: number,
  options: StickyCommentOptions,
): Promise<IssueComment[]> {
  const comments = (await octokit.paginate(octokit.rest.issues.listComments, {
    ...ref,
    issue_number: prNumber,
    per_page: 100,
  })) as IssueComment[];
  return comments.filter((c) => isOurs(c, options)).sort(oldestFirst((c) => c.id));
}

async function deleteComment(octokit: Octokit, ref: RepoRef, id: number): Promise<void> {
  try {
    await octokit.rest.issues.deleteComment({ ...ref, comment_id: id });
  } catch (e) {
    // The other run of a race may have deleted it first.
    if (statusOf(e) !== 404) throw e;
  }
}

/**
 * After two runs raced (each found no comment and created one): keeps the oldest sticky comment, gives
 * it the newest body (highest revision, else `body`) and deletes the others. Both racers agree on the
 * oldest, so they converge on one comment whatever the interleaving.
 */
async function removeDuplicates(
  octokit: Octokit,
  ref: RepoRef,
  prNumber: number,
  body: string,
  options: StickyCommentOptions,
  log: (message: string) => void,
): Promise<{ keep?: IssueComment; removed: number }> {
  const ours = await listSticky(octokit, ref, prNumber, options);
  const [keep, ...others] = ours;
  if (!keep || others.length === 0) return { ...(keep ? { keep } : {}), removed: 0 };
  let newest = body;
  let newestRevision = revisionOf(body) ?? -1;
  for (const c of ours) {
    const r = revisionOf(c.body);
    if (r !== undefined && r > newestRevision) {
      newest = c.body ?? body;
      newestRevision = r;
    }
  }
  if (keep.body !== newest) {
    await octokit.rest.issues.updateComment({ ...ref, comment_id: keep.id, body: newest });
    keep.body = newest;
  }
  for (const c of others) await deleteComment(octokit, ref, c.id);
  log(`removed ${others.length} duplicate unitgate comment(s) left by concurrent runs`);
  return { keep, removed: others.length };
}

/**
 * Creates or updates the one sticky comment of a pull request (`body` must start with STICKY_MARKER,
 * as renderPullRequestComment()'s does). Edits in place when the text changed; never overwrites a
 * comment stamped with a newer `revision`; after creating, lists again and removes duplicates a
 * concurrent run created. Never throws: failures (a read-only token: 403) come back as `warning`.
 */
export async function upsertStickyComment(
  octokit: Octokit,
  ref: RepoRef,
  prNumber: number,
  body: string,
  log: (message: string) => void,
  options: StickyCommentOptions = {},
): Promise<StickyCommentResult> {
  if (!body.startsWith(STICKY_MARKER))
    throw new Error('the sticky comment body must start with STICKY_MARKER');
  const text = stamped(body, options.revision);
  let step = 'list the pull request comments';
  try {
    const ours = await listSticky(octokit, ref, prNumber, options);
    const existing = ours[0];
    let action: StickyCommentResult['action'];
    let commentId: number;
    if (!existing) {
      step = 'create the pull request comment';
      const { data } = await octokit.rest.issues.createComment({
        ...ref,
        issue_number: prNumber,
        body: text,
      });
      action = 'created';
      commentId = data.id;
    } else {
      commentId = existing.id;
      const theirs = revisionOf(existing.body);
      if (existing.body === text) action = 'unchanged';
      else if (options.revision !== undefined && theirs !== undefined && theirs > options.revision)
        action = 'older';
      else {
        step = 'update the pull request comment';
        await octokit.rest.issues.updateComment({ ...ref, comment_id: existing.id, body: text });
        action = 'updated';
      }
    }
    let removed = 0;
    if (action === 'created' || ours.length > 1) {
      step = 'remove duplicate pull request comments';
      const deduped = await removeDuplicates(octokit, ref, prNumber, text, options, log);
      removed = deduped.removed;
      if (deduped.keep) commentId = deduped.keep.id;
    }
    log(`unitgate comment ${action} (id ${commentId})`);
    return { action, commentId, removedDuplicates: removed };
  } catch (e) {
    return { action: 'failed', removedDuplicates: 0, warning: describeFailure(step, e) };
  }
}

/**
 * When no unit is in scope any more: edits the sticky comment to `body` (renderResolvedComment()), or
 * deletes it with `delete: true`. Creates nothing when there is no comment. Never throws.
 */
export async function resolveStickyComment(
  octokit: Octokit,
  ref: RepoRef,
  prNumber: number,
  body: string,
  log: (message: string) => void,
  options: StickyCommentOptions & { delete?: boolean } = {},
): Promise<StickyCommentResult> {
  const text = stamped(body, options.revision);
  let step = 'list the pull request comments';
  try {
    const ours = await listSticky(octokit, ref, prNumber, options);
    const [keep, ...others] = ours;
    if (!keep) return { action: 'none', removedDuplicates: 0 };
    if (options.delete) {
      step = 'delete the pull request comment';
      for (const c of ours) await deleteComment(octokit, ref, c.id);
      log(`unitgate comment deleted: nothing is in scope any more`);
      return { action: 'deleted', removedDuplicates: others.length };
    }
    const theirs = revisionOf(keep.body);
    let action: StickyCommentResult['action'] = 'unchanged';
    if (options.revision !== undefined && theirs !== undefined && theirs > options.revision) action = 'older';
    else if (keep.body !== text) {
      step = 'update the pull request comment';
      await octokit.rest.issues.updateComment({ ...ref, comment_id: keep.id, body: text });
      action = 'updated';
    }
    step = 'remove duplicate pull request comments';
    for (const c of others) await deleteComment(octokit, ref, c.id);
    log(`unitgate comment marked resolved (${action})`);
    return { action, commentId: keep.id, removedDuplicates: others.length };
  } catch (e) {
    return { action: 'failed', removedDuplicates: 0, warning: describeFailure(step, e) };
  }
}

/** The `patch` of every file of a pull request (head path → patch), and renames (head path → base path). */
export async function listPullPatches(
  octokit: Octokit,
  ref: RepoRef,
  prNumber: number,
): Promise<{ patches: Map<string, string>; renames: Map<string, string> }> {
  const files = await octokit.paginate(octokit.rest.pulls.listFiles, {
    ...ref,
    pull_number: prNumber,
    per_page: 100,
  });
  const patches = new Map<string, string>();
  const renames = new Map<string, string>();
  for (const f of files) {
    if (f.patch !== undefined && f.status !== 'removed') patches.set(f.filename, f.patch);
    if (f.previous_filename) renames.set(f.filename, f.previous_filename);
  }
  return { patches, renames };
}

function reviewComment(s: ReviewSuggestion): {
  path: string;
  line: number;
  side: 'RIGHT';
  body: string;
  start_line?: number;
  start_side?: 'RIGHT';
} {
  return {
    path: s.path,
    line: s.line,
    side: 'RIGHT',
    body: s.body,
    ...(s.startLine !== undefined ? { start_line: s.startLine, start_side: 'RIGHT' as const } : {}),
  };
}

/**
 * Posts suggestions as one review (`event: COMMENT`) on `headSha`, leaving out those already on the
 * pull request (same path, line and body — from an earlier run on the same head). When GitHub refuses
 * the review (422: a line outside the diff), each suggestion is tried on its own so the good ones land.
 * Never throws: a read-only token (403) comes back as `warning`.
 */
export async function postSuggestions(
  octokit: Octokit,
  ref: RepoRef,
  prNumber: number,
  headSha: string,
  suggestions: readonly ReviewSuggestion[],
  log: (message: string) => void = () => undefined,
): Promise<SuggestionsResult> {
  if (suggestions.length === 0) return { posted: 0, skipped: 0, failed: 0 };
  let existing: Set<string>;
  try {
    const comments = await octokit.paginate(octokit.rest.pulls.listReviewComments, {
      ...ref,
      pull_number: prNumber,
      per_page: 100,
    });
    existing = new Set(comments.map((c) => `${c.path}\0${c.line ?? c.original_line ?? ''}\0${c.body}`));
  } catch (e) {
    return {
      posted: 0,
      skipped: 0,
      failed: suggestions.length,
      warning: describeFailure('list the review comments', e),
    };
  }
  const fresh = suggestions.filter((s) => !existing.has(`${s.path}\0${s.line}\0${s.body}`));
  const skipped = suggestions.length - fresh.length;
  if (fresh.length === 0) return { posted: 0, skipped, failed: 0 };
  const n = fresh.length;
  const reviewBody = `**unitgate** suggests ${n === 1 ? 'a fix' : `${n} fixes`} for the hardening findings on the changed lines; each applies with one click (“Commit suggestion”).`;
  try {
    await octokit.rest.pulls.createReview({
      ...ref,
      pull_number: prNumber,
      commit_id: headSha,
      event: 'COMMENT',
      body: reviewBody,
      comments: fresh.map(reviewComment),
    });
    log(`posted ${n} review suggestion(s)`);
    return { posted: n, skipped, failed: 0 };
  } catch (e) {
    if (statusOf(e) !== 422) {
      return { posted: 0, skipped, failed: n, warning: describeFailure('post the review suggestions', e) };
    }
  }
  // One by one, so that one refused line does not cost the others.
  let posted = 0;
  const refused: string[] = [];
  for (const s of fresh) {
    try {
      await octokit.rest.pulls.createReviewComment({
        ...ref,
        pull_number: prNumber,
        commit_id: headSha,
        ...reviewComment(s),
      });
      posted++;
    } catch (e) {
      refused.push(`${s.path}:${s.line} (HTTP ${statusOf(e) ?? '?'})`);
    }
  }
  log(`posted ${posted} review suggestion(s) one by one; ${refused.length} refused`);
  return {
    posted,
    skipped,
    failed: refused.length,
    ...(refused.length > 0
      ? {
          warning: `GitHub refused ${refused.length} review suggestion(s): ${refused.slice(0, 10).join(', ')}`,
        }
      : {}),
  };
}
