// Which commits a run compares, from the event that started it. Two bases, named: the policy is read at
// the base branch's tip (`policySha`), the units are compared with the merge base (`baseSha`). A change
// is never gated without a base: a base that is missing, all zeros or not an ancestor is fetched or is
// an error, never a whole-repository scan that lets a regression through.
import { ConfigError } from './settings';
import type { ChangedFile } from '../io/git';

/** The event as the runner gives it (GITHUB_EVENT_NAME, the event payload, GITHUB_SHA, GITHUB_REF). */
export interface ActionEvent {
  name: string;
  payload: Record<string, unknown>;
  sha: string;
  ref: string;
}

/** What the scope stage needs of git, over the workspace. */
export interface ScopeGit {
  hasCommit(sha: string): Promise<boolean>;
  /** Fetches the commit when it is missing; throws when it cannot. */
  ensureCommit(sha: string): Promise<void>;
  /** Fetches more history behind a commit of a shallow clone (a no-op when there is no more). */
  deepen(sha: string): Promise<void>;
  mergeBase(a: string, b: string): Promise<string | undefined>;
  isAncestor(ancestor: string, descendant: string): Promise<boolean>;
  diffNames(base: string, head: string): Promise<ChangedFile[]>;
  /** The commit a branch, tag or commit name stands for (fetched when missing), or undefined. */
  resolveCommit(ref: string): Promise<string | undefined>;
}

/** What the scope stage needs of GitHub (absent without a token). */
export interface ScopeGitHub {
  getPull(
    number: number,
  ): Promise<{ body: string; baseSha: string; headSha: string; changedFiles: number; author: string }>;
  /** Pull requests whose branch contained the commit (repos/list-pull-requests-associated-with-commit). */
  pullsOfCommit(sha: string): Promise<number[]>;
}

export interface EventScope {
  /** The commit scored as "head". */
  headSha: string;
  /** A pull request's head commit: check runs attach to it (GitHub lists only those on the PR). */
  checkSha?: string;
  /** The merge base the units are compared with. */
  baseSha?: string;
  /** The base branch's tip: its policy governs. Undefined for whole-repository scans. */
  policySha?: string;
  /** The pull request the run reports on (comment, suggestions). */
  pullNumber?: number;
  /** The pull request whose deviation notes and approvals count, when the run does not comment on it. */
  notesPull?: number;
  pullBody?: string;
  /** The pull request's author and head commit (the one reviews must approve). */
  pullAuthor?: string;
  pullHeadSha?: string;
  /** Who pushed the head commit, when the event says (`synchronize`): never an approver. */
  pusher?: string;
  /** Whether the run judges a change a pull request's author controls (inputs may only tighten). */
  pullRequestEvent: boolean;
  changed?: ChangedFile[];
  /** A release: a pushed tag or a `release` event (the scores are recorded for the release). */
  release?: string;
}

const SHA = /^[0-9a-f]{40}$/;
const ZERO_SHA = /^0+$/;
const PULL_EVENTS = new Set([
  'pull_request',
  'pull_request_target',
  'pull_request_review',
  'pull_request_review_comment',
]);

interface PullPayload {
  number: number;
  user?: { login?: string };
  body?: string | null;
  base: { sha: string; ref?: string };
  head: { sha: string };
}

/** The login that pushed new commits to the pull request (its `synchronize` event's sender). */
function pusherOf(payload: Record<string, unknown>): string | undefined {
  if (payload.action !== 'synchronize') return undefined;
  const login = (payload.sender as { login?: unknown } | undefined)?.login;
  return typeof login === 'string' ? login : undefined;
}

/** The files between the two commits, from git; the API's list (when there is one) only cross-checks. */
async function changedBetween(
  git: ScopeGit,
  baseSha: string,
  headSha: string,
  apiCount: number | undefined,
  messages: string[],
): Promise<ChangedFile[]> {
  const changed = await git.diffNames(baseSha, headSha);
  if (apiCount !== undefined && apiCount !== changed.length) {
    messages.push(
      `GitHub lists ${apiCount} changed files and git finds ${changed.length} between ${baseSha.slice(0, 12)} and ${headSha.slice(0, 12)}; the gate uses git's list (what it scores).`,
    );
  }
  return changed;
}

async function requireMergeBase(git: ScopeGit, a: string, b: string): Promise<string> {
  let base = await git.mergeBase(a, b);
  if (!base) {
    // A shallow checkout (actions/checkout's default) has the commits but not the history between them.
    await git.deepen(a);
    await git.deepen(b);
    base = await git.mergeBase(a, b);
  }
  if (!base)
    throw new ConfigError(
      `cannot find the merge base of ${a.slice(0, 12)} and ${b.slice(0, 12)}: check out with \`fetch-depth: 0\` (actions/checkout) so the history is there`,
    );
  return base;
}

/** The pull request whose notes and approvals count on a run that does not comment on it. */
type NotesPull = Required<Pick<EventScope, 'notesPull' | 'pullBody' | 'pullAuthor' | 'pullHeadSha'>>;

/** The body of the first pull request that brought `sha`, for its deviation notes and approvals. */
async function pullOfCommit(
  github: ScopeGitHub | undefined,
  sha: string,
  messages: string[],
): Promise<NotesPull | undefined> {
  if (!github) return undefined;
  try {
    const numbers = await github.pullsOfCommit(sha);
    const first = numbers[0];
    if (first === undefined) return undefined;
    const pull = await github.getPull(first);
    return { notesPull: first, pullBody: pull.body, pullAuthor: pull.author, pullHeadSha: pull.headSha };
  } catch (e) {
    messages.push(
      `Could not find the pull request of ${sha.slice(0, 12)} (${(e as Error).message}); its deviation notes do not count.`,
    );
    return undefined;
  }
}

/**
 * `baseRef` (the `base-ref` input) replaces the base of events that are not a pull request's or a
 * release's: the change is the one from the merge base of that ref and head, judged by the policy at
 * the ref. Pull-request events ignore it (their base is GitHub's, and their workflow is the author's).
 */
export async function resolveEventScope(
  event: ActionEvent,
  git: ScopeGit,
  github: ScopeGitHub | undefined,
  messages: string[],
  baseRef = '',
): Promise<EventScope> {
  const payload = event.payload;
  const pr = payload.pull_request as PullPayload | undefined;
  if (PULL_EVENTS.has(event.name)) {
    if (!pr) throw new ConfigError(`the ${event.name} event has no pull_request in its payload`);
    // GITHUB_SHA is the test merge commit on pull_request(_review), but the base branch's tip on
    // pull_request_target: scoring that would compare the base with itself and pass every change.
    let headSha = event.name === 'pull_request_target' ? pr.head.sha : event.sha;
    if (!headSha || !(await git.hasCommit(headSha))) headSha = pr.head.sha;
    await git.ensureCommit(headSha);
    let body = pr.body ?? '';
    let author = pr.user?.login;
    let policySha = pr.base.sha;
    let apiCount: number | undefined;
    if (github) {
      try {
        // The payload is as old as the event; the API says where the base branch is now.
        const info = await github.getPull(pr.number);
        body = info.body;
        author = info.author;
        policySha = info.baseSha;
        apiCount = info.changedFiles;
      } catch (e) {
        messages.push(
          `Could not read pull request #${pr.number} through the API (${(e as Error).message}); using the event's copy.`,
        );
      }
    }
    await git.ensureCommit(policySha);
    const baseSha = await requireMergeBase(git, policySha, headSha);
    const changed = await changedBetween(git, baseSha, headSha, apiCount, messages);
    return {
      headSha,
      checkSha: pr.head.sha,
      baseSha,
      policySha,
      pullNumber: pr.number,
      pullBody: body,
      ...(author ? { pullAuthor: author } : {}),
      pullHeadSha: pr.head.sha,
      ...(pusherOf(payload) ? { pusher: pusherOf(payload) } : {}),
      pullRequestEvent: true,
      changed,
    };
  }

  if (event.name === 'merge_group') {
    const group = payload.merge_group as
      { base_sha?: string; head_sha?: string; head_ref?: string } | undefined;
    const base = group?.base_sha ?? '';
    const headSha = group?.head_sha ?? event.sha;
    if (!SHA.test(base) || ZERO_SHA.test(base))
      throw new ConfigError('the merge_group event has no base_sha: the change cannot be compared');
    await git.ensureCommit(headSha);
    await git.ensureCommit(base);
    const baseSha = await requireMergeBase(git, base, headSha);
    // The queue's branch names the pull request: gh-readonly-queue/<base>/pr-<number>-<sha>.
    const number = /\/pr-(\d+)-[0-9a-f]+$/.exec(group?.head_ref ?? '')?.[1];
    let pull: NotesPull | undefined;
    if (number !== undefined && github) {
      try {
        const info = await github.getPull(Number(number));
        pull = {
          notesPull: Number(number),
          pullBody: info.body,
          pullAuthor: info.author,
          pullHeadSha: info.headSha,
        };
      } catch (e) {
        messages.push(
          `Could not read pull request #${number} (${(e as Error).message}); its deviation notes do not count.`,
        );
      }
    }
    return {
      headSha,
      baseSha,
      policySha: base,
      ...pull,
      pullRequestEvent: true,
      changed: await changedBetween(git, baseSha, headSha, undefined, messages),
    };
  }

  const tag = event.ref.startsWith('refs/tags/') ? event.ref.slice('refs/tags/'.length) : undefined;
  const release = (payload.release as { tag_name?: string } | undefined)?.tag_name;
  if (event.name === 'release' || (event.name === 'push' && tag !== undefined)) {
    // A release: every unit at the tagged commit is scored; the trend puts it next to earlier releases.
    return { headSha: event.sha, release: release ?? tag ?? event.sha.slice(0, 12), pullRequestEvent: false };
  }

  if (baseRef !== '') {
    const headSha = event.sha;
    const target = await git.resolveCommit(baseRef);
    if (!target)
      throw new ConfigError(
        `input "base-ref": "${baseRef}" is no branch, tag or commit of this checkout or of origin (check out with \`fetch-depth: 0\`)`,
      );
    await git.ensureCommit(headSha);
    const baseSha = await requireMergeBase(git, target, headSha);
    messages.push(
      `Compared with ${baseSha.slice(0, 12)}, the merge base of base-ref ${baseRef} (${target.slice(0, 12)}) and ${headSha.slice(0, 12)}; judged by the policy at ${target.slice(0, 12)}.`,
    );
    const pull = event.name === 'push' ? await pullOfCommit(github, headSha, messages) : undefined;
    return {
      headSha,
      baseSha,
      policySha: target,
      ...pull,
      pullRequestEvent: false,
      changed: await changedBetween(git, baseSha, headSha, undefined, messages),
    };
  }

  if (event.name === 'push') {
    const before = String(payload.before ?? '');
    const headSha = event.sha;
    if (!SHA.test(before) || ZERO_SHA.test(before))
      throw new ConfigError(
        `the push has no previous commit to compare with (before: "${before || 'missing'}", as for a new branch): gate pull requests instead, or run the action on workflow_dispatch to scan the whole repository`,
      );
    await git.ensureCommit(before);
    if (!(await git.isAncestor(before, headSha))) {
      await git.deepen(headSha);
      await git.deepen(before);
    }
    if (!(await git.isAncestor(before, headSha)))
      throw new ConfigError(
        `the previous commit ${before.slice(0, 12)} is not an ancestor of ${headSha.slice(0, 12)} (a force push): the change cannot be compared`,
      );
    const pull = await pullOfCommit(github, headSha, messages);
    return {
      headSha,
      baseSha: before,
      policySha: before,
      ...pull,
      pullRequestEvent: false,
      changed: await changedBetween(git, before, headSha, undefined, messages),
    };
  }

  // workflow_dispatch, schedule and anything else: a report of every unit at the checked-out commit.
  return { headSha: event.sha, pullRequestEvent: false };
}
