// The report of expiring deviation notes (core/gate/note-expiry.ts): a section of the job summary and
// the body of the issue scheduled runs keep open while there is something in it.
import type { ExpiringNote } from '../gate/note-expiry';
import { escapeMarkdown, inlineCode } from './escape-markdown';

export interface NoteExpiryOptions {
  /** The policy's warning window, in days. */
  warningDays: number;
  /** `https://github.com/o/r/blob/<sha>/`: each note links its line there. */
  blobUrl?: string;
  /** The heading's level (default 2, `##`). */
  headingLevel?: number;
  /**
   * `false`: "expired" or "expires soon" instead of a count of days, for the issue, whose text then
   * changes when a note's state does and not every day (an edit per day would be noise).
   */
  countDays?: boolean;
}

function when(n: ExpiringNote, countDays: boolean): string {
  if (!countDays) return n.daysLeft < 0 ? '**expired**' : 'expires soon';
  if (n.daysLeft < 0) {
    const ago = -n.daysLeft;
    return `**expired** ${ago} day${ago === 1 ? '' : 's'} ago`;
  }
  if (n.daysLeft === 0) return 'expires **today**';
  return `expires in ${n.daysLeft} day${n.daysLeft === 1 ? '' : 's'}`;
}

function where(n: ExpiringNote, blobUrl: string | undefined): string {
  const text = escapeMarkdown(`${n.file}:${n.line}`);
  if (blobUrl === undefined) return text;
  const path = n.file.split('/').map(encodeURIComponent).join('/');
  return `[${text}](${blobUrl}${path}#L${n.line})`;
}

/** The title for `notes` (not empty). */
export function noteExpiryTitle(notes: readonly ExpiringNote[]): string {
  const expired = notes.filter((n) => n.daysLeft < 0).length;
  const soon = notes.length - expired;
  const parts = [
    ...(expired > 0 ? [`${expired} expired`] : []),
    ...(soon > 0 ? [`${soon} expiring soon`] : []),
  ];
  return `unitgate: deviation notes ${parts.join(', ')}`;
}

/** Markdown listing `notes`; says so in one line when there is none. */
export function renderNoteExpiryMarkdown(notes: readonly ExpiringNote[], options: NoteExpiryOptions): string {
  const heading = '#'.repeat(options.headingLevel ?? 2);
  const window = `${options.warningDays} day${options.warningDays === 1 ? '' : 's'}`;
  const lines = [`${heading} Deviation notes that expire`, ''];
  if (notes.length === 0) {
    lines.push(`No deviation note in a unit file has expired or expires within ${window}.`, '');
    return lines.join('\n');
  }
  lines.push(
    `An expired note accepts nothing: the next pull request that touches its unit fails on what the note accepted. ` +
      `Renew the note (a new \`expires=\`, approved by its owner) or fix the unit. ` +
      `Listed: notes expired or expiring within ${window} (the policy's \`deviations.expiryWarningDays\`).`,
    '',
    '| When | Unit | Check | Owner | Expires | Where |',
    '|---|---|---|---|---|---|',
  );
  for (const n of notes) {
    const cells = [
      when(n, options.countDays ?? true),
      inlineCode(n.unit, { table: true }),
      n.check !== undefined ? inlineCode(n.check, { table: true }) : '',
      n.owner !== undefined ? escapeMarkdown(n.owner) : '',
      escapeMarkdown(n.expires),
      where(n, options.blobUrl),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  lines.push('');
  return lines.join('\n');
}
