// Findings → annotations on the exact lines that caused them: the ones printed as workflow commands
// (within the runner's per-level budget; the shell escapes them in src/action/workflow-commands.ts),
// and Checks API annotations in batches of 50.
import type { ViolationKind } from '../gate/gate-types';
import {
  isUnitFinding,
  locationOf,
  type Finding,
  type FindingLevel,
  type UnitFinding,
} from '../gate/findings';
import { fixForViolation } from '../advice/fixes';
import { truncateText } from './escape-markdown';
import { truncateUtf8 } from './utf8';
import { baseLineNote, headPlace } from '../gate/locations';
import { ruleOfKind, type RuleKind } from '../gate/rules';

export type AnnotationLevel = 'failure' | 'warning' | 'notice';

/** One finding on one line, in the Checks API's words; plain text (annotations render no Markdown). */
export interface Annotation {
  level: AnnotationLevel;
  /** Repository-relative path, `/`-separated. */
  path: string;
  startLine: number;
  endLine: number;
  startColumn?: number;
  title: string;
  message: string;
  /** The fix's directive lines, one per line, when there is one. */
  rawDetails?: string;
}

/** The Checks API's annotation object (`output.annotations[]` of POST/PATCH check-runs). */
export interface CheckRunAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: AnnotationLevel;
  title: string;
  message: string;
  raw_details?: string;
}

/** What `selectWithinBudget()` keeps for workflow commands and what it leaves to the other reports. */
export interface BudgetSelection {
  /** In input order: at most `perLevel` of each level. */
  printed: Annotation[];
  /** How many were left out in all. */
  omitted: number;
  omittedByLevel: Record<AnnotationLevel, number>;
}

/** GitHub shows at most 10 error and 10 warning annotations per step (and drops the rest silently). */
export const RUNNER_ANNOTATIONS_PER_LEVEL = 10;
/** The Checks API accepts at most 50 annotations per request. */
export const CHECK_RUN_BATCH_SIZE = 50;
/** Checks API: title up to 255 characters, message and raw_details up to 64 KB. */
const MAX_TITLE_CHARS = 255;
const MAX_TEXT_BYTES = 64 * 1024 - 1;

/** Titles of the kinds the gate decides itself; each policy rule brings its own (gate/rules/*). */
const KIND_TITLES: Record<Exclude<ViolationKind, RuleKind>, string> = {
  'regression-exposure': 'Exposure rose',
  'regression-row': 'Hardening regressed',
  'signoff-required': 'Sign-off required',
  'load-error': 'Unit fails to load',
  'invalid-deviation': 'Invalid deviation note',
  'phantom-setting': 'Setting systemd ignores',
  'profile-change': 'Profile changed',
  'unknown-profile': 'Unknown profile',
};

/** A short title for a violation kind, e.g. `Exposure above threshold`. */
export function titleOfKind(kind: ViolationKind): string {
  return ruleOfKind(kind)?.title ?? KIND_TITLES[kind as Exclude<ViolationKind, RuleKind>];
}

/** A finding's title: its kind's, with the check named where that says more (`…: ProtectSystem`). */
export function titleOfFinding(f: Pick<UnitFinding, 'kind' | 'check'>): string {
  const namesCheck = f.kind === 'regression-row' || ruleOfKind(f.kind)?.titleNamesCheck === true;
  return namesCheck ? `${titleOfKind(f.kind)}: ${f.check}` : titleOfKind(f.kind);
}

const LEVEL_RANK: Record<AnnotationLevel, number> = { failure: 0, warning: 1, notice: 2 };

function normalizePath(path: string): string {
  return path.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
}

function findingTitle(f: UnitFinding): string {
  return `${titleOfFinding(f)} (${f.unitId})`;
}

function fixText(f: UnitFinding): { text: string; raw?: string } {
  const fix = fixForViolation(f);
  if (!fix || fix.directives.length === 0) return { text: '' };
  const lines = fix.directives.join('\n');
  return { text: `\n\nFix — add to [Service] (or a drop-in):\n${lines}\n${fix.explanation}`, raw: lines };
}

const LEVELS: Record<FindingLevel, AnnotationLevel> = {
  error: 'failure',
  warning: 'warning',
  notice: 'notice',
};

/** One unit finding as an annotation on the head commit (a removed line at its head anchor, named). */
function fromFinding(f: UnitFinding): Annotation {
  const loc = locationOf(f);
  const at = headPlace(loc);
  const place = {
    path: normalizePath(at.file),
    startLine: Math.max(1, at.line),
    endLine: Math.max(1, at.line),
    ...(at.column > 0 ? { startColumn: at.column } : {}),
  };
  if (f.level === 'notice') {
    return {
      level: 'notice',
      ...place,
      title: `Accepted deviation: ${titleOfKind(f.kind)} (${f.unitId})`,
      message: `accepted deviation: ${f.message}${baseLineNote(loc)} — ${describeNote(f.note ?? {})}; approved by ${f.acceptedBy ?? 'nobody'}`,
    };
  }
  const fix = fixText(f);
  return {
    level: LEVELS[f.level],
    ...place,
    title: findingTitle(f),
    message: f.message + baseLineNote(loc) + fix.text,
    ...(fix.raw ? { rawDetails: fix.raw } : {}),
  };
}

/** "owner @a, expires 2030-01-31, ticket X; reason: …" — the fields the note has. */
export function describeNote(note: {
  owner?: string | undefined;
  expires?: string | undefined;
  ticket?: string | undefined;
  reason?: string | undefined;
}): string {
  const parts = [
    `owner ${note.owner || 'unknown'}`,
    `expires ${note.expires || 'never'}`,
    ...(note.ticket ? [`ticket ${note.ticket}`] : []),
  ];
  return parts.join(', ') + (note.reason ? `; reason: ${note.reason}` : '');
}

/**
 * Every unit finding as an annotation, most important first: failures, then warnings (advisory
 * findings, and every finding in `report` mode, which never fails), then notices for accepted
 * deviations; within a level by weight (exposure points), then path, line and column. Findings about
 * the run itself have no line: the caller prints them.
 */
export function buildAnnotations(findings: readonly Finding[]): Annotation[] {
  const ranked = findings
    .filter(isUnitFinding)
    .map((f) => ({ annotation: fromFinding(f), weight: f.weight }));
  ranked.sort((x, y) => {
    const a = x.annotation;
    const b = y.annotation;
    return (
      LEVEL_RANK[a.level] - LEVEL_RANK[b.level] ||
      y.weight - x.weight ||
      (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) ||
      a.startLine - b.startLine ||
      (a.startColumn ?? 0) - (b.startColumn ?? 0) ||
      (a.title < b.title ? -1 : a.title > b.title ? 1 : 0)
    );
  });
  return ranked.map((r) => r.annotation);
}

/**
 * The annotations to print as workflow commands: the first `perLevel` of each level, in order. The
 * runner would drop the rest without a word; the caller says how many are only in the other reports.
 */
export function selectWithinBudget(
  annotations: readonly Annotation[],
  perLevel: number = RUNNER_ANNOTATIONS_PER_LEVEL,
): BudgetSelection {
  const used: Record<AnnotationLevel, number> = { failure: 0, warning: 0, notice: 0 };
  const omittedByLevel: Record<AnnotationLevel, number> = { failure: 0, warning: 0, notice: 0 };
  const printed: Annotation[] = [];
  for (const a of annotations) {
    if (used[a.level] < perLevel) {
      used[a.level]++;
      printed.push(a);
    } else omittedByLevel[a.level]++;
  }
  const omitted = omittedByLevel.failure + omittedByLevel.warning + omittedByLevel.notice;
  return { printed, omitted, omittedByLevel };
}

/**
 * One annotation in the Checks API's shape, cut to its size limits. Columns are left out: the API takes
 * them only as a start/end pair on one line, and a whole-line annotation reads the same.
 */
export function toCheckRunAnnotation(a: Annotation): CheckRunAnnotation {
  return {
    path: a.path,
    start_line: a.startLine,
    end_line: a.endLine,
    annotation_level: a.level,
    title: truncateText(a.title, MAX_TITLE_CHARS),
    message: truncateUtf8(a.message, MAX_TEXT_BYTES),
    ...(a.rawDetails ? { raw_details: truncateUtf8(a.rawDetails, MAX_TEXT_BYTES) } : {}),
  };
}

/** Every annotation for a check run, in requests of at most 50 (the first creates, the rest update). */
export function checkRunBatches(
  annotations: readonly Annotation[],
  size: number = CHECK_RUN_BATCH_SIZE,
): CheckRunAnnotation[][] {
  const batches: CheckRunAnnotation[][] = [];
  for (let i = 0; i < annotations.length; i += size) {
    batches.push(annotations.slice(i, i + size).map(toCheckRunAnnotation));
  }
  return batches;
}
