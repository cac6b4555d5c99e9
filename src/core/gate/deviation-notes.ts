// Deviation notes: the written, owned, expiring permission to depart from a profile. They come from
// fenced `unitgate-deviation` blocks in the pull request description and from `# unitgate-deviation:`
// comment lines in unit files; the policy decides which sources count and what a valid note holds.
// Who approved a note is the gate's business (evaluate-gate.ts): here a note is only read and checked.
import type { DeviationPolicy } from '../policy/policy-types';
import { closest } from '../policy/load-policy';
import type { DeviationNote } from './gate-types';

const FENCE = /^(\s*)(`{3,}|~{3,})\s*unitgate-deviation\s*$/;
const KEYS = new Set(['unit', 'check', 'reason', 'owner', 'expires', 'ticket']);

/**
 * The description without its HTML comments, which GitHub does not show: a note a reviewer cannot see
 * must not count. An unclosed `<!--` hides the rest of the text, as it does when rendered. Removing
 * from each `<!--` to the next `-->` removes at least every comment GitHub renders as hidden, even when
 * a `<!--` sits in a code block (then a visible note may be dropped too, which fails closed).
 */
export function withoutHtmlComments(body: string): string {
  return body.replace(/<!--[\s\S]*?(?:-->|$)/g, '');
}

/**
 * Reads every ```unitgate-deviation block of a pull request description. Each block holds
 * `key: value` lines (unit, check, reason, owner, expires, ticket); unknown keys are problems. Blocks
 * inside HTML comments are not read.
 */
export function parsePullRequestNotes(body: string): DeviationNote[] {
  const notes: DeviationNote[] = [];
  const lines = withoutHtmlComments(body.replace(/\r\n?/g, '\n')).split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i] as string);
    if (!open) continue;
    const fence = open[2] as string;
    const fields: Record<string, string> = {};
    const problems: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const line = lines[j] as string;
      if (line.trim().startsWith(fence[0]!.repeat(fence.length))) break;
      if (line.trim() === '' || line.trim().startsWith('#')) continue;
      const m = /^\s*([A-Za-z_-]+)\s*:\s*(.*?)\s*$/.exec(line);
      if (!m) {
        problems.push(`line "${line.trim().slice(0, 60)}" is not "key: value"`);
        continue;
      }
      const key = (m[1] as string).toLowerCase();
      if (!KEYS.has(key)) problems.push(`unknown field "${key}"`);
      else fields[key] = m[2] as string;
    }
    if (j >= lines.length) problems.push('the block is not closed');
    notes.push(noteFrom('pr-body', fields, problems));
    i = j;
  }
  return notes;
}

/** `key=value` pairs where values may be double-quoted (`reason="binds port 443"`). */
function parsePairs(text: string): { fields: Record<string, string>; problems: string[] } {
  const fields: Record<string, string> = {};
  const problems: string[] = [];
  const re = /\s*([A-Za-z_-]+)=("((?:[^"\\]|\\.)*)"|(\S*))/gy;
  let m: RegExpExecArray | null;
  let last = 0;
  while ((m = re.exec(text)) !== null) {
    const key = (m[1] as string).toLowerCase();
    const value = m[3] !== undefined ? m[3].replace(/\\(.)/g, '$1') : (m[4] as string);
    if (!KEYS.has(key) || key === 'unit') problems.push(`unknown field "${key}"`);
    else fields[key] = value;
    last = re.lastIndex;
  }
  if (text.slice(last).trim() !== '') problems.push(`cannot read "${text.slice(last).trim().slice(0, 40)}"`);
  return { fields, problems };
}

/**
 * Reads `# unitgate-deviation: check=… owner=… expires=… reason="…"` comment lines of one unit file.
 * The note applies to the unit the file belongs to.
 */
export function parseUnitFileNotes(text: string, file: string, unit: string): DeviationNote[] {
  const notes: DeviationNote[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*[#;]\s*unitgate-deviation\s*:(.*)$/.exec(lines[i] as string);
    if (!m) continue;
    const { fields, problems } = parsePairs((m[1] as string).replace(/\r$/, ''));
    fields.unit = unit;
    const note = noteFrom('unit-file', fields, problems);
    note.location = { file, line: i + 1, column: 1 };
    notes.push(note);
  }
  return notes;
}

function noteFrom(
  source: DeviationNote['source'],
  f: Record<string, string>,
  problems: string[],
): DeviationNote {
  const note: DeviationNote = { source, unit: f.unit ?? '', problems };
  if (f.check) note.check = f.check.replace(/=$/, '');
  if (f.reason) note.reason = f.reason;
  if (f.owner) note.owner = f.owner;
  if (f.expires) note.expires = f.expires;
  if (f.ticket) note.ticket = f.ticket;
  return note;
}

const DAY_MS = 86_400_000;

/** Milliseconds of a YYYY-MM-DD calendar day (UTC), or undefined when no such day exists (2027-02-30). */
export function calendarDay(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  // Date.UTC rolls an impossible day over into the next month; a real day survives the round trip.
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d)
    return undefined;
  return t;
}

/** Days from `from` to `to` (both YYYY-MM-DD), or undefined when a date is not a calendar day. */
function daysBetween(from: string, to: string): number | undefined {
  const a = calendarDay(from);
  const b = calendarDay(to);
  if (a === undefined || b === undefined) return undefined;
  return Math.round((b - a) / DAY_MS);
}

/**
 * Adds the policy's problems to a note: source allowed, required fields present, expiry a real day in
 * range, and a `check:` that names something the gate reports (`checks`: assessor json_fields and
 * names, directives, `exposure`, violation kinds). A note must name its check: one without would accept
 * every violation of the unit, whatever a reviewer thought it was about.
 */
export function validateNote(
  note: DeviationNote,
  policy: DeviationPolicy,
  today: string,
  checks?: readonly string[],
): DeviationNote {
  const problems = [...note.problems];
  if (!policy.sources.includes(note.source)) {
    problems.push(
      note.source === 'unit-file'
        ? 'the policy does not accept deviation notes written in unit files (a change cannot approve itself)'
        : 'the policy does not accept deviation notes from the pull request description',
    );
  }
  if (!note.unit) problems.push('it names no unit');
  if (note.check === undefined || note.check === '') {
    problems.push(
      'it names no check: write `check:` with the assessor, directive, `exposure` or violation kind it accepts (a note never accepts every violation of a unit)',
    );
  } else if (checks && !checks.includes(note.check)) {
    const guess = closest(note.check, checks);
    problems.push(
      `check "${note.check}" is not an assessor, directive, \`exposure\` or violation kind${
        guess !== undefined ? ` (did you mean '${guess}'?)` : ''
      }`,
    );
  }
  for (const field of policy.requiredFields) {
    if (field === 'check') continue;
    if (note[field] === undefined || note[field] === '')
      problems.push(`the required field "${field}" is missing`);
  }
  if (note.owner !== undefined && !/^@[A-Za-z0-9-]+(\/[A-Za-z0-9._-]+)?$/.test(note.owner)) {
    problems.push(`owner "${note.owner}" is not a GitHub @user or @org/team`);
  }
  if (note.expires !== undefined) {
    if (daysBetween(today, note.expires) === undefined) {
      problems.push(`expires "${note.expires}" is not a calendar date (YYYY-MM-DD)`);
    } else {
      const days = daysBetween(today, note.expires) as number;
      if (days < 0) problems.push(`it expired on ${note.expires}`);
      else if (days > policy.maxExpiryDays) {
        problems.push(
          `it expires ${days} days from today, more than the ${policy.maxExpiryDays} days the policy allows`,
        );
      }
    }
  }
  return { ...note, problems };
}
