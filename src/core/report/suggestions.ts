// Verdict + the pull request's patches → review comments with GitHub ```suggestion blocks: restore a
// directive line the change removed (or put back the value it replaced), or add the directives a
// profile requires under the `[Service]` header. Only lines inside a hunk are used (GitHub rejects
// review comments elsewhere), and every suggestion is checked with the engine before it is offered.
import type { GateUnitInput } from '../gate/evaluate-gate';
import type { GateVerdict, RowChange, UnitResult } from '../gate/gate-types';
import { checkRequirement } from '../policy/profile-checks';
import type { Assessment } from '../security/assess';
import { scoreLoadedUnit } from '../engine';
import type { SecurityPolicy } from '../security/security-policy';
import type { SecuritySettings } from '../security/settings';
import { systemdRelease, type SystemdRelease, type SystemdVersion } from '../security/versions';
import { UNIT_SECTIONS, type LoadedUnit } from '../unit/load-unit';
import { parseUnitFile } from '../unit/parse-unit-file';
import { directiveKey, lineKey } from '../unit/directive-key';
import { codeBlock, inlineCode, truncateText } from './escape-markdown';
import { fixForViolation } from '../advice/fixes';
import { signedShare } from './job-summary';

/** One line of a unified diff hunk, with its line numbers on each side. */
export interface PatchLine {
  kind: 'context' | 'added' | 'removed';
  /** The line without its `+`/`-`/space prefix. */
  text: string;
  /** Line number at base (context and removed lines). */
  oldLine?: number;
  /** Line number at head (context and added lines): where a review comment may be placed. */
  newLine?: number;
}

export interface PatchHunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  lines: PatchLine[];
}

/** A review comment with a suggestion, ready for `POST /pulls/{n}/reviews` (`comments[]`). */
export interface ReviewSuggestion {
  /** Repository path at head. */
  path: string;
  /** Last head line the suggestion replaces (inside a hunk). */
  line: number;
  /** First head line, when the suggestion replaces more than one line. */
  startLine?: number;
  side: 'RIGHT';
  /** Markdown: what and why, then the ```suggestion block. */
  body: string;
  /** The lines the suggestion block holds: they replace lines `startLine ?? line` … `line`. */
  replacement: string[];
}

export interface PlanSuggestionsOptions {
  /** Renamed files: head path → base path (a removed line's location is a base path). */
  renames?: ReadonlyMap<string, string>;
  /** At most this many suggestions (default 20): a review is for reading, not a patch. */
  max?: number;
}

/** Marks the review comments unitgate wrote, so later runs can recognise them. */
export const SUGGESTION_MARKER = '<!-- unitgate:suggestion -->';

const DEFAULT_MAX_SUGGESTIONS = 20;
const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;
const SECTION_HEADER = /^[ \t]*\[(Service|Socket|Mount|Swap)\][ \t]*$/;
// A suggestion must reproduce lines exactly; anything invisible (CR, controls, bidi) is not offered.
// eslint-disable-next-line no-control-regex
const UNSAFE_LINE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/**
 * A unified diff as GitHub serves it in a pull request file's `patch` field → hunks with the line
 * numbers of both sides. `\ No newline at end of file` lines are skipped; a hunk ends when its
 * header's line counts are used up, so a blank context line stripped to `` is still counted.
 */
export function parsePatch(patch: string): PatchHunk[] {
  const hunks: PatchHunk[] = [];
  let hunk: PatchHunk | undefined;
  let oldLeft = 0;
  let newLeft = 0;
  let oldLine = 0;
  let newLine = 0;
  for (const raw of patch.split('\n')) {
    const header = HUNK_HEADER.exec(raw);
    if (header) {
      oldLine = Number(header[1]);
      newLine = Number(header[3]);
      oldLeft = header[2] === undefined ? 1 : Number(header[2]);
      newLeft = header[4] === undefined ? 1 : Number(header[4]);
      hunk = { oldStart: oldLine, oldLines: oldLeft, newStart: newLine, newLines: newLeft, lines: [] };
      hunks.push(hunk);
      continue;
    }
    if (!hunk || raw.startsWith('\\') || (oldLeft <= 0 && newLeft <= 0)) continue;
    const mark = raw[0];
    const text = raw.slice(1);
    if (mark === '+' && newLeft > 0) {
      hunk.lines.push({ kind: 'added', text, newLine: newLine++ });
      newLeft--;
    } else if (mark === '-' && oldLeft > 0) {
      hunk.lines.push({ kind: 'removed', text, oldLine: oldLine++ });
      oldLeft--;
    } else if ((mark === ' ' || raw === '') && oldLeft > 0 && newLeft > 0) {
      hunk.lines.push({ kind: 'context', text, oldLine: oldLine++, newLine: newLine++ });
      oldLeft--;
      newLeft--;
    }
  }
  return hunks;
}

/** `text` with lines `startLine ?? line` … `line` (1-based) replaced by the suggestion's lines. */
export function applySuggestion(
  text: string,
  s: Pick<ReviewSuggestion, 'line' | 'startLine' | 'replacement'>,
): string {
  const lines = text.split('\n');
  const start = s.startLine ?? s.line;
  lines.splice(start - 1, s.line - start + 1, ...s.replacement);
  return lines.join('\n');
}

/** What one suggestion is for: rows to restore (regressions) and requirements to meet. */
interface Purpose {
  unit: UnitResult;
  /** Rows that must get back to their base badness. */
  rows: RowChange[];
  /** `Key=value` lines restored, for the text. */
  restored: string[];
  /** Profile requirements the suggestion adds. */
  required: string[];
}

/** A planned edit of one file, before it is checked and written up. */
interface Edit {
  path: string;
  startLine: number;
  line: number;
  replacement: string[];
  /** The head lines it replaces, as the patch shows them. */
  replaced: string[];
  purposes: Purpose[];
  kind: 'restore' | 'require';
}

/** A removed line to put back: where it was at base, and why. */
interface Restoration {
  oldLine: number;
  key: string;
  unit: UnitResult;
  change: RowChange;
  assignment: string;
}

/** Row changes whose regression is an open (failing, not accepted) violation. */
function openRegressions(u: UnitResult): RowChange[] {
  const open = u.violations.filter((v) => !v.advisory);
  const all = open.some((v) => v.kind === 'regression-exposure');
  const rows = new Set(open.filter((v) => v.kind === 'regression-row').map((v) => v.check));
  return u.changes.filter(
    (c) => (c.headBadness ?? 0) > (c.baseBadness ?? 0) && (all || rows.has(c.jsonField)),
  );
}

function addPurpose(edit: Edit, purpose: Purpose): void {
  const same = edit.purposes.find((p) => p.unit === purpose.unit);
  if (!same) {
    edit.purposes.push(purpose);
    return;
  }
  for (const r of purpose.rows) if (!same.rows.includes(r)) same.rows.push(r);
  for (const r of purpose.restored) if (!same.restored.includes(r)) same.restored.push(r);
  for (const r of purpose.required) if (!same.required.includes(r)) same.required.push(r);
}

/**
 * The edits that put back the removed lines of one file: one per run of changed lines (the `-`/`+`
 * lines between two context lines). A run that replaced a value (`-X=a`, `+X=b`) gets the `+` lines of
 * those keys replaced by the base lines; a run that only removed lines gets them re-inserted after the
 * head line just before the run — or, when the run opens the hunk, after its last new line or before
 * the line just after it.
 */
function restorationEdits(path: string, hunks: PatchHunk[], wanted: Restoration[]): Edit[] {
  const byOldLine = new Map<number, Restoration[]>();
  for (const r of wanted) byOldLine.set(r.oldLine, [...(byOldLine.get(r.oldLine) ?? []), r]);
  const edits: Edit[] = [];
  for (const hunk of hunks) {
    const lines = hunk.lines;
    for (let start = 0; start < lines.length;) {
      if ((lines[start] as PatchLine).kind === 'context') {
        start++;
        continue;
      }
      let end = start;
      while (end < lines.length && (lines[end] as PatchLine).kind !== 'context') end++;
      const run = lines.slice(start, end);
      const before = start > 0 ? lines[start - 1] : undefined;
      const after = lines[end];
      start = end;

      const restored: string[] = [];
      const hits: Restoration[] = [];
      const removed = run.filter((l) => l.kind === 'removed');
      for (let i = 0; i < removed.length; i++) {
        const l = removed[i] as PatchLine;
        const found = byOldLine.get(l.oldLine as number);
        if (!found) continue;
        hits.push(...found);
        restored.push(l.text);
        // A continued line (`\` at the end) takes its continuation lines with it.
        while (restored.at(-1)?.endsWith('\\') && i + 1 < removed.length)
          restored.push((removed[++i] as PatchLine).text);
      }
      if (hits.length === 0) continue;
      const keys = new Set(hits.map((h) => h.key));
      const added = run.filter((l) => l.kind === 'added');
      const sameKey = added
        .map((l, i) => (keys.has(directiveKey(l.text) ?? '') ? i : -1))
        .filter((i) => i >= 0);

      let edit: Omit<Edit, 'purposes'>;
      if (sameKey.length > 0) {
        const range = added.slice(sameKey[0], (sameKey.at(-1) as number) + 1);
        const replacement: string[] = [];
        let placed = false;
        for (const l of range) {
          if (!keys.has(directiveKey(l.text) ?? '')) replacement.push(l.text);
          else if (!placed) {
            replacement.push(...restored);
            placed = true;
          }
        }
        edit = {
          path,
          startLine: (range[0] as PatchLine).newLine as number,
          line: (range.at(-1) as PatchLine).newLine as number,
          replacement,
          replaced: range.map((l) => l.text),
          kind: 'restore',
        };
      } else if (before?.newLine !== undefined) {
        edit = {
          path,
          startLine: before.newLine,
          line: before.newLine,
          replacement: [before.text, ...restored],
          replaced: [before.text],
          kind: 'restore',
        };
      } else if (added.length > 0) {
        // The run opens the hunk (the file's first lines changed): after its last new line.
        const last = added.at(-1) as PatchLine;
        edit = {
          path,
          startLine: last.newLine as number,
          line: last.newLine as number,
          replacement: [last.text, ...restored],
          replaced: [last.text],
          kind: 'restore',
        };
      } else {
        if (after?.newLine === undefined) continue;
        edit = {
          path,
          startLine: after.newLine,
          line: after.newLine,
          replacement: [...restored, after.text],
          replaced: [after.text],
          kind: 'restore',
        };
      }
      const full: Edit = { ...edit, purposes: [] };
      for (const h of hits) {
        addPurpose(full, { unit: h.unit, rows: [h.change], restored: [h.assignment], required: [] });
      }
      edits.push(full);
    }
  }
  return edits;
}

function findHeadLine(hunks: PatchHunk[], line: number): PatchLine | undefined {
  for (const h of hunks) for (const l of h.lines) if (l.newLine === line) return l;
  return undefined;
}

function overlaps(a: Edit, b: Edit): boolean {
  return a.path === b.path && a.startLine <= b.line && b.startLine <= a.line;
}

interface Scored {
  settings: SecuritySettings;
  assessment: Assessment;
}

/** Re-scores a unit with one of its files replaced by `text` (the head side with the suggestion applied). */
function rescore(
  unit: LoadedUnit,
  path: string,
  text: string,
  systemd: SystemdRelease,
  overrides: SecurityPolicy | undefined,
): Scored | undefined {
  const files = unit.files.map((f) =>
    f.file === path ? parseUnitFile(text, path, UNIT_SECTIONS[unit.type]) : f,
  );
  // With the overrides the head was scored with: the comparison below is against that score.
  const outcome = scoreLoadedUnit({ ...unit, files }, systemd, overrides);
  return outcome.ok ? { settings: outcome.settings, assessment: outcome.assessment } : undefined;
}

/**
 * Applies the edit to the head text of each unit it is for and scores the result: a restoration must
 * bring every row it is about back to its base badness (or better), a requirement must be met, and
 * the exposure must not rise. Edits that fail (another line or drop-in still overrides the value, the
 * head text differs from the patch) are dropped: a suggestion that does nothing is worse than none.
 */
function verified(edit: Edit, scope: ReadonlyMap<string, GateUnitInput>, systemd: SystemdRelease): boolean {
  if (edit.replacement.some((l) => UNSAFE_LINE.test(l))) return false;
  for (const p of edit.purposes) {
    const input = scope.get(p.unit.path);
    const unit = input?.head?.unit;
    const text = input?.head?.texts.find((t) => t.path === edit.path)?.text;
    const head = input?.head?.assessment;
    if (!unit || text === undefined || !head) return false;
    const current = text.split('\n').slice(edit.startLine - 1, edit.line);
    if (current.join('\n') !== edit.replaced.join('\n')) return false;
    if (!unit.files.some((f) => f.file === edit.path)) return false;
    const after = rescore(unit, edit.path, applySuggestion(text, edit), systemd, input.head?.overrides);
    if (!after || after.assessment.exposure > head.exposure) return false;
    const rows = new Map(after.assessment.rows.map((r) => [r.assessor.jsonField, r]));
    // Each row back to its base badness; a row whose removed lines are spread over several runs
    // (several suggestions) must at least get better with this one.
    for (const c of p.rows) {
      const badness = rows.get(c.jsonField)?.badness ?? 0;
      if (badness > (c.baseBadness ?? 0) && badness >= (c.headBadness ?? 0)) return false;
    }
    for (const r of p.required) if (!checkRequirement(r, after.settings, systemd).met) return false;
  }
  return true;
}

function listItems(items: string[], max = 10): string[] {
  const shown = items.slice(0, max).map((i) => `- ${i}`);
  if (items.length > max) shown.push(`- … and ${items.length - max} more`);
  return shown;
}

function describe(edit: Edit): string {
  const code = (t: string): string => inlineCode(truncateText(t, 200));
  const out = [SUGGESTION_MARKER];
  for (const p of edit.purposes) {
    if (edit.kind === 'restore') {
      out.push(
        `**unitgate:** this change removed hardening from ${code(p.unit.unitId)}; restore it:`,
        '',
        ...listItems(p.restored.map(code)),
        '',
        `Rows back to their base score: ${p.rows
          .slice(0, 10)
          .map((c) => `${code(c.name)} ${signedShare(-c.delta)}`)
          .join(', ')}${p.rows.length > 10 ? ', …' : ''}.`,
      );
    } else {
      out.push(
        `**unitgate:** the ${code(p.unit.profile)} profile requires these settings, which ${code(p.unit.unitId)} lacks:`,
        '',
        ...listItems(p.required.map(code)),
      );
    }
    out.push('');
  }
  out.push(codeBlock(edit.replacement, 'suggestion', { keepTabs: true }));
  return out.join('\n');
}

/**
 * Review suggestions for the open findings of a verdict that one click can fix:
 * - a regression (an open `regression-row`, or every worse row under an open `regression-exposure`)
 *   whose row lost an assignment (`RowChange.removed`): the removed line is put back where it was;
 * - a `missing-directive` whose location is the `[Service]` header (no such setting at all): the
 *   header line followed by the required directives.
 * `scope` is what the gate was given (head texts and loaded units, to check each suggestion with the
 * engine); `patches` maps head paths to the `patch` field of the pull request's files. Suggestions on
 * the same lines are merged, duplicates dropped, and at most `max` (default 20) returned, restorations first.
 */
export function planSuggestions(
  verdict: GateVerdict,
  scope: readonly GateUnitInput[],
  patches: ReadonlyMap<string, string>,
  options: PlanSuggestionsOptions = {},
): ReviewSuggestion[] {
  const max = options.max ?? DEFAULT_MAX_SUGGESTIONS;
  const systemd = systemdRelease(verdict.systemdVersion as SystemdVersion);
  const inputs = new Map(scope.map((s) => [s.path, s]));
  const headPathOf = new Map<string, string>();
  for (const [head, base] of options.renames ?? []) headPathOf.set(base, head);
  for (const s of scope) if (s.previousPath) headPathOf.set(s.previousPath, s.path);
  const hunksOf = new Map<string, PatchHunk[]>();
  const hunks = (path: string): PatchHunk[] => {
    let h = hunksOf.get(path);
    if (!h) {
      const patch = patches.get(path);
      h = patch === undefined ? [] : parsePatch(patch);
      hunksOf.set(path, h);
    }
    return h;
  };

  // Removed lines to restore, by head path.
  const wanted = new Map<string, Restoration[]>();
  const restoredKeys = new Map<UnitResult, Set<string>>();
  for (const u of verdict.units) {
    if (!u.head || !u.base) continue;
    for (const c of openRegressions(u)) {
      for (const r of c.removed ?? []) {
        const path = headPathOf.get(r.location.file) ?? r.location.file;
        const list = wanted.get(path) ?? [];
        list.push({ oldLine: r.location.line, key: r.key, unit: u, change: c, assignment: r.assignment });
        wanted.set(path, list);
      }
    }
  }
  const edits: Edit[] = [];
  for (const [path, list] of wanted) {
    for (const e of restorationEdits(path, hunks(path), list)) {
      if (!verified(e, inputs, systemd)) continue;
      edits.push(e);
      for (const p of e.purposes) {
        const keys = restoredKeys.get(p.unit) ?? new Set<string>();
        for (const a of p.restored) keys.add(lineKey(a));
        restoredKeys.set(p.unit, keys);
      }
    }
  }

  // Required directives under the [Service] header, one edit per header.
  const required = new Map<string, Edit>();
  for (const u of verdict.units) {
    if (!u.head) continue;
    for (const v of u.violations) {
      if (v.kind !== 'missing-directive' || v.advisory) continue;
      if (restoredKeys.get(u)?.has(v.check)) continue;
      const fix = fixForViolation(v);
      if (!fix || fix.directives.length === 0) continue;
      const at = findHeadLine(hunks(v.location.file), v.location.line);
      if (!at || !SECTION_HEADER.test(at.text)) continue;
      const id = `${v.location.file}\0${v.location.line}`;
      let edit = required.get(id);
      if (!edit) {
        edit = {
          path: v.location.file,
          startLine: v.location.line,
          line: v.location.line,
          replacement: [at.text],
          replaced: [at.text],
          purposes: [],
          kind: 'require',
        };
        required.set(id, edit);
      }
      for (const d of fix.directives) if (!edit.replacement.includes(d)) edit.replacement.push(d);
      addPurpose(edit, { unit: u, rows: [], restored: [], required: fix.directives });
    }
  }
  for (const e of required.values()) {
    if (edits.some((other) => overlaps(other, e))) continue;
    if (verified(e, inputs, systemd)) edits.push(e);
  }

  const kept: Edit[] = [];
  for (const e of edits) {
    // Overlapping suggestions cannot both be applied; the first (restorations come first) wins.
    if (kept.some((k) => overlaps(k, e))) continue;
    kept.push(e);
    if (kept.length >= max) break;
  }
  const out = kept.map((e): ReviewSuggestion => ({
    path: e.path,
    line: e.line,
    ...(e.startLine !== e.line ? { startLine: e.startLine } : {}),
    side: 'RIGHT',
    body: describe(e),
    replacement: e.replacement,
  }));
  return out;
}
