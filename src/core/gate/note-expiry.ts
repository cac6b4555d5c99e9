// Which deviation notes written in unit files run out: expired ones (they no longer accept anything,
// so the unit fails its next pull request) and those that expire within the policy's warning window
// (there is still time to renew the note or fix the unit). Scheduled runs list them; today's date is
// the caller's, like every clock of the core.
import type { DeviationPolicy } from '../policy/policy-types';
import { calendarDay, parseUnitFileNotes } from './deviation-notes';

/** A unit's files as the gate reads them (GateUnitInput's shape, so the action passes its scope). */
export interface NoteSourceUnit {
  path: string;
  head?: { texts: ReadonlyArray<{ path: string; text: string }> };
}

export interface ExpiringNote {
  /** The unit the note belongs to (its repository path). */
  unit: string;
  /** The file and line the note is written on. */
  file: string;
  line: number;
  check?: string;
  owner?: string;
  ticket?: string;
  expires: string;
  /** Days from today to `expires`: negative when expired, 0 when it expires today. */
  daysLeft: number;
}

const DAY_MS = 86_400_000;

/**
 * The unit-file notes of `units` that expired before `today` or expire within `policy.expiryWarningDays`
 * of it, soonest first. Notes without a readable `expires:` date are left out (every pull request that
 * touches the unit already reports them), and so is everything when the policy does not accept notes
 * in unit files (they accept nothing, expired or not). A file several units share is read once.
 */
export function expiringNotes(
  units: readonly NoteSourceUnit[],
  policy: DeviationPolicy,
  today: string,
): ExpiringNote[] {
  const now = calendarDay(today);
  if (now === undefined) throw new Error(`today "${today}" is not a calendar date (YYYY-MM-DD)`);
  if (!policy.sources.includes('unit-file')) return [];
  const seen = new Set<string>();
  const out: ExpiringNote[] = [];
  for (const u of units) {
    for (const t of u.head?.texts ?? []) {
      if (seen.has(t.path)) continue;
      seen.add(t.path);
      for (const note of parseUnitFileNotes(t.text, t.path, u.path)) {
        const day = note.expires === undefined ? undefined : calendarDay(note.expires);
        if (day === undefined || note.location === undefined) continue;
        const daysLeft = Math.round((day - now) / DAY_MS);
        if (daysLeft > policy.expiryWarningDays) continue;
        out.push({
          unit: u.path,
          file: note.location.file,
          line: note.location.line,
          ...(note.check !== undefined ? { check: note.check } : {}),
          ...(note.owner !== undefined ? { owner: note.owner } : {}),
          ...(note.ticket !== undefined ? { ticket: note.ticket } : {}),
          expires: note.expires as string,
          daysLeft,
        });
      }
    }
  }
  return out.sort((a, b) => a.daysLeft - b.daysLeft || a.file.localeCompare(b.file) || a.line - b.line);
}
