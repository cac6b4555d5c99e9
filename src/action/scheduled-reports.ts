// What `schedule` and `workflow_dispatch` runs report besides the gate: deviation notes on the default
// branch that expired or expire soon, and (with `drift-snapshots`) post-deploy drift (drift-mode.ts).
// Each goes to the job summary and to one sticky issue; neither changes the gate's verdict, and a
// failed issue write is a warning.
import type { ExpiringNote } from '../core/gate/note-expiry';
import { noteExpiryTitle, renderNoteExpiryMarkdown } from '../core/report/note-expiry';
import type { Octokit, RepoRef } from '../io/github';
import { syncStickyIssue, type StickyIssueResult } from '../io/sticky-issue';
import type { ActionEvent } from './event-scope';
import type { Runner } from './runner';

/** The events whose runs look at the repository as it is, not at a change: they report and remind. */
export const SCHEDULED_EVENTS: ReadonlySet<string> = new Set(['schedule', 'workflow_dispatch']);

export function isScheduledRun(event: ActionEvent): boolean {
  return SCHEDULED_EVENTS.has(event.name);
}

/**
 * The branch a run checked out when it is not the repository's default branch (a `workflow_dispatch`
 * on another branch), else undefined. The reminders are about the default branch: another branch's
 * notes must not open, edit or close its issue.
 */
export function otherBranch(event: ActionEvent): string | undefined {
  const repository = event.payload.repository as { default_branch?: unknown } | undefined;
  const defaultBranch =
    typeof repository?.default_branch === 'string' ? repository.default_branch : undefined;
  if (defaultBranch === undefined || !event.ref.startsWith('refs/heads/')) return undefined;
  const branch = event.ref.slice('refs/heads/'.length);
  return branch === defaultBranch ? undefined : branch;
}

export interface NoteExpiryPublishing {
  notes: readonly ExpiringNote[];
  warningDays: number;
  runner: Runner;
  octokit?: Octokit | undefined;
  ref: RepoRef;
  author?: string;
  /** `https://github.com/o/r/blob/<sha>/`, for links to each note's line in the job summary. */
  blobUrl: string;
  /**
   * The same at the default branch (`…/blob/main/`) for the issue, whose text must not change with
   * every commit; the commit's when the branch is not known.
   */
  issueBlobUrl?: string;
  runUrl?: string;
  /** Set when the run is not on the default branch: summary only, the issue is left alone. */
  branch?: string;
}

/** Job summary section, one warning line when notes expired, and the deviation notes issue. */
export async function publishNoteExpiry(p: NoteExpiryPublishing): Promise<StickyIssueResult | undefined> {
  const options = { warningDays: p.warningDays, blobUrl: p.blobUrl };
  await p.runner.appendSummary(`\n${renderNoteExpiryMarkdown(p.notes, { ...options, headingLevel: 2 })}`);
  const expired = p.notes.filter((n) => n.daysLeft < 0).length;
  if (expired > 0)
    p.runner.warning(
      `unitgate: ${expired} deviation note${expired === 1 ? ' has' : 's have'} expired and accept${expired === 1 ? 's' : ''} nothing any more (see the job summary)`,
    );
  if (p.branch !== undefined) {
    p.runner.info(
      `The deviation notes issue follows the default branch; this run is on ${p.branch}, so only the job summary lists its notes.`,
    );
    return undefined;
  }
  if (!p.octokit) return undefined;
  // Nothing that changes from run to run (a run link, a commit, a count of days) goes into the body:
  // an unchanged report must leave the issue alone.
  const result = await syncStickyIssue(
    p.octokit,
    p.ref,
    'deviation-notes',
    p.notes.length > 0
      ? {
          title: noteExpiryTitle(p.notes),
          body: `${renderNoteExpiryMarkdown(p.notes, {
            warningDays: p.warningDays,
            blobUrl: p.issueBlobUrl ?? p.blobUrl,
            headingLevel: 2,
            countDays: false,
          })}\nKept up to date by unitgate's scheduled runs: edited when the list changes, closed when it is empty.\n`,
        }
      : undefined,
    (m) => p.runner.info(m),
    {
      ...(p.author ? { author: p.author } : {}),
      closingComment: `No deviation note expired or expires within ${p.warningDays} days any more${p.runUrl ? ` ([run](${p.runUrl}))` : ''}: closed by unitgate.`,
    },
  );
  if (result.warning) p.runner.warning(`Deviation notes issue: ${result.warning}`);
  return result;
}
