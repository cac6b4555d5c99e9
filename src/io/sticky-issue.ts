// One issue per purpose that scheduled runs keep up to date, as sticky-comment.ts keeps one comment
// per pull request: found again by a hidden marker at the start of its body, opened when there is
// something to report, edited only when its text changed, closed with a short comment when the report
// is empty. Optional output: every failure comes back as a warning, never a throw, so the gate's
// result never depends on whether the issue could be written.
import type { Octokit, RepoRef } from './github';
import { oldestFirst, requestFailure, writtenByUs } from './sticky-comment';

/** What an issue reports: each purpose has its own issue. */
export type IssuePurpose = 'drift' | 'deviation-notes';

/** The label unitgate's issues carry, so that they are listed without reading every open issue. */
export const ISSUE_LABEL = 'unitgate';

/** The hidden first line of a sticky issue's body. */
export function issueMarker(purpose: IssuePurpose): string {
  return `<!-- unitgate:issue ${purpose} -->`;
}

export interface StickyIssueOptions {
  /**
   * Login of the token's identity (tokenLogin()); default `github-actions[bot]`. Only issues opened by
   * it are taken for unitgate's: anyone who may open issues can paste the marker and the label, and the
   * token may edit and close other people's issues.
   */
  author?: string;
  /** The comment left when the issue is closed because the report is empty. */
  closingComment?: string;
}

export interface IssueContent {
  title: string;
  /** Markdown; the marker is put in front of it. */
  body: string;
}

export interface StickyIssueResult {
  /**
   * `created`/`updated`/`closed`: what was written; `unchanged`: the issue already says this; `none`:
   * nothing to report and no open issue; `failed`: see `warning`.
   */
  action: 'created' | 'updated' | 'unchanged' | 'closed' | 'none' | 'failed';
  issueNumber?: number;
  /** Open issues of ours beyond the first (left by runs that raced), closed as duplicates. */
  closedDuplicates?: number;
  warning?: string;
}

interface ListedIssue {
  number: number;
  title: string;
  body?: string | null;
  created_at: string;
  user: { login: string } | null;
  pull_request?: unknown;
}

/** GitHub counts characters; a body must stay below its 65,536. */
const MAX_BODY_CHARACTERS = 65_000;

function describeFailure(what: string, e: unknown): string {
  return requestFailure(
    what,
    e,
    'The token cannot write issues here: give the workflow `permissions: issues: write`.',
  );
}

/** The body as written: the marker, then the text, cut (by characters) below GitHub's limit. */
function issueBody(purpose: IssuePurpose, body: string): string {
  const text = `${issueMarker(purpose)}\n${body}`;
  const chars = [...text];
  if (chars.length <= MAX_BODY_CHARACTERS) return text;
  return `${chars.slice(0, MAX_BODY_CHARACTERS - 200).join('')}\n\n…cut here: the full report is in the job summary of the run.\n`;
}

function isOurs(issue: ListedIssue, purpose: IssuePurpose, options: StickyIssueOptions): boolean {
  if (issue.pull_request !== undefined) return false;
  return (issue.body ?? '').startsWith(issueMarker(purpose)) && writtenByUs(issue.user, options.author);
}

async function listOurs(
  octokit: Octokit,
  ref: RepoRef,
  purpose: IssuePurpose,
  options: StickyIssueOptions,
): Promise<ListedIssue[]> {
  const issues = (await octokit.paginate(octokit.rest.issues.listForRepo, {
    ...ref,
    state: 'open',
    labels: ISSUE_LABEL,
    per_page: 100,
  })) as ListedIssue[];
  return issues.filter((i) => isOurs(i, purpose, options)).sort(oldestFirst((i) => i.number));
}

async function close(
  octokit: Octokit,
  ref: RepoRef,
  issueNumber: number,
  comment: string,
  reason: 'completed' | 'duplicate',
): Promise<void> {
  await octokit.rest.issues.createComment({ ...ref, issue_number: issueNumber, body: comment });
  await octokit.rest.issues.update({
    ...ref,
    issue_number: issueNumber,
    state: 'closed',
    state_reason: reason,
  });
}

/**
 * Brings the purpose's issue in line with `content`: opens it when there is none, edits it when its
 * title or body differ, leaves it alone when they are the same; with `content` undefined (nothing to
 * report) closes it with `options.closingComment`. Never throws.
 */
export async function syncStickyIssue(
  octokit: Octokit,
  ref: RepoRef,
  purpose: IssuePurpose,
  content: IssueContent | undefined,
  log: (message: string) => void,
  options: StickyIssueOptions = {},
): Promise<StickyIssueResult> {
  let step = 'list the open issues';
  try {
    const ours = await listOurs(octokit, ref, purpose, options);
    const [existing, ...others] = ours;
    if (content === undefined) {
      if (!existing) return { action: 'none' };
      step = 'close the issue';
      const comment = options.closingComment ?? 'Nothing to report any more: closed by unitgate.';
      for (const i of ours) await close(octokit, ref, i.number, comment, 'completed');
      log(`unitgate issue #${existing.number} closed: nothing to report`);
      return { action: 'closed', issueNumber: existing.number };
    }
    const body = issueBody(purpose, content.body);
    let action: StickyIssueResult['action'];
    let issueNumber: number;
    if (!existing) {
      step = 'open the issue';
      const { data } = await octokit.rest.issues.create({
        ...ref,
        title: content.title,
        body,
        labels: [ISSUE_LABEL],
      });
      action = 'created';
      issueNumber = data.number;
    } else {
      issueNumber = existing.number;
      if (existing.body === body && existing.title === content.title) action = 'unchanged';
      else {
        step = 'update the issue';
        await octokit.rest.issues.update({ ...ref, issue_number: issueNumber, title: content.title, body });
        action = 'updated';
      }
    }
    let duplicates = others;
    if (action === 'created') {
      // Two runs that raced may each have opened one: both keep the oldest and close the others.
      step = 'list the open issues';
      const again = await listOurs(octokit, ref, purpose, options);
      const [keep, ...rest] = again;
      if (keep && keep.number !== issueNumber) {
        step = 'update the issue';
        await octokit.rest.issues.update({ ...ref, issue_number: keep.number, title: content.title, body });
        issueNumber = keep.number;
        action = 'updated';
      }
      duplicates = rest;
    }
    if (duplicates.length > 0) {
      step = 'close duplicate issues';
      for (const d of duplicates)
        await close(octokit, ref, d.number, `Duplicate of #${issueNumber}: closed by unitgate.`, 'duplicate');
    }
    log(`unitgate issue #${issueNumber} ${action}`);
    return {
      action,
      issueNumber,
      ...(duplicates.length > 0 ? { closedDuplicates: duplicates.length } : {}),
    };
  } catch (e) {
    return { action: 'failed', warning: describeFailure(step, e) };
  }
}
