// Verdict → the JSON report (`unitgate-report/1`): everything the gate decided, in a stable shape for
// other tools, described by schemas/unitgate-report-1.schema.json. Every field is always present (null
// when unknown); keys of badness maps are sorted; fields are only ever added within a major version.
import { collectFindings, isUnitFinding, type Finding, type FindingLevel } from '../gate/findings';
import type {
  DeviationNote,
  FindingLocation,
  Fix,
  GateVerdict,
  RowChange,
  RunFinding,
  RunFindingKind,
  ScoredSide,
  UnitResult,
  UnitStatus,
  Violation,
  ViolationKind,
} from '../gate/gate-types';
import type { GateMode } from '../policy/policy-types';
import type { SourceLocation } from '../unit/parse-unit-file';
import { formatExposure } from '../security/render-security';
import { fixForViolation } from '../advice/fixes';

export const JSON_REPORT_VERSION = 'unitgate-report/1';

/**
 * The published JSON Schema of this major version (its `$id`); a report names it in `$schema`. A
 * breaking change makes `unitgate-report/2` with a new schema file, never an edit that rejects a field.
 */
export const JSON_REPORT_SCHEMA_URL =
  'https://github.com/unitgate/unitgate/blob/main/schemas/unitgate-report-1.schema.json';

/** Facts about the run that the verdict does not hold (the shell knows them). */
export interface JsonReportMeta {
  toolVersion: string;
  /** ISO 8601 time of the run (the core has no clock). */
  generatedAt?: string;
  /** `owner/name`. */
  repository?: string;
  /** Head commit SHA. */
  commit?: string;
  /** Base commit SHA, when the run compared against one. */
  baseCommit?: string;
  pullRequest?: number;
  /** Where the policy came from (a path or `built-in baseline`). */
  policy?: string;
}

/** An exposure on systemd's 0…100 scale, with the `X.Y` systemd prints. */
export interface JsonExposure {
  /** 0…100 (96 = 9.6). */
  value: number;
  /** `9.6`. */
  display: string;
}

export interface JsonScore extends JsonExposure {
  /** systemd's level name: PERFECT, SAFE, OK, MEDIUM, EXPOSED, UNSAFE, DANGEROUS. */
  level: string;
  /** json_field → badness (0 = passes; null = not applicable), keys sorted. */
  badness: Record<string, number | null>;
}

export interface JsonFix {
  /** Lines to paste into `[Service]` or a drop-in. */
  directives: string[];
  explanation: string;
  /** The unit's exposure with the lines applied, re-scored by the gate; null when not verified. */
  exposureAfter: JsonExposure | null;
}

/**
 * A place in a file. `side: 'base'` marks a line of the merge base (a removed line, linked at the base
 * commit) and then `headAnchor` says where that line was at head (its section header or the file's
 * start), for outputs that can only point at head; both are absent for a head line.
 */
export interface JsonLocation extends SourceLocation {
  side?: 'base';
  headAnchor?: SourceLocation;
}

export interface JsonViolation {
  kind: ViolationKind;
  /** An assessor json_field, a directive name, or `exposure`. */
  check: string;
  directives: string[];
  message: string;
  /** Reported but not failing. */
  advisory: boolean;
  /** Exposure points (0…100 scale) it costs; orders findings. */
  weight: number;
  /**
   * The line that set the value, or the `[Service]` header when a directive is missing; with
   * `side: 'base'` a line of the merge base (the removed line that caused it).
   */
  location: JsonLocation;
  /** What to add; null when no directive fixes it (sign-off, load errors, invalid notes). */
  fix: JsonFix | null;
  /** A mixed fleet: the releases it holds for, when not every scored one; absent otherwise. */
  systemdVersions?: number[];
}

export interface JsonNote {
  source: 'pr-body' | 'unit-file';
  unit: string;
  check: string | null;
  reason: string | null;
  owner: string | null;
  /** YYYY-MM-DD. */
  expires: string | null;
  ticket: string | null;
  location: SourceLocation | null;
  /** Empty when the note is valid. */
  problems: string[];
  valid: boolean;
  /** The owner whose approval of the head commit makes the note count, e.g. `@olivia`. */
  approvedBy: string | null;
  /** Why a valid note does not count yet (no owner approved the current head, …). */
  unapproved: string | null;
  /** Local checks only: the approval a valid note still needs (accepted as pending until then). */
  pendingApproval: string | null;
}

export interface JsonRowChange {
  jsonField: string;
  name: string;
  baseBadness: number | null;
  headBadness: number | null;
  /** Exposure points (0…100 scale, fractional) this row added (+) or removed (−). */
  delta: number;
  /** With `side: 'base'` when the cause is a removed line (cited at the merge base). */
  location: JsonLocation;
  summary: string;
}

/** A finding covered by a valid deviation note. */
export interface JsonAcceptedDeviation {
  violation: JsonViolation;
  note: JsonNote;
  /** Who approved the note: `@olivia`, or `@olivia (@acme/security)` for a team owner. */
  acceptedBy: string;
  /** Local checks only: the approval the note still needs (no one approved it yet); else null. */
  pendingApproval: string | null;
}

/**
 * One entry of the flat findings list (core/gate/findings.ts) every output is made from: the unit's
 * findings and the run's, each with the one location it is about.
 */
export interface JsonFinding {
  /** Repository path of the unit's main file ('' for findings about the run itself). */
  unit: string;
  /** The unit's name as systemd reports it ('' for run findings). */
  unitId: string;
  /** '' with line and column 0 for run findings. */
  file: string;
  line: number;
  column: number;
  /** `base` when the line is one of the merge base (a removed line), else `head`. */
  side: 'base' | 'head';
  kind: ViolationKind | RunFindingKind;
  /** An assessor json_field, a directive name, `exposure`, or the run finding's kind. */
  check: string;
  /** `error` fails the gate, `warning` is advisory, `notice` was accepted by an approved note. */
  level: FindingLevel;
  message: string;
  /** The gate's verified fix (no directives when none passed; the explanation says why), or null. */
  fix: JsonFix | null;
  /** Who accepted a `notice` finding; null otherwise. */
  acceptedBy: string | null;
  /** A mixed fleet: the releases it holds for, when not every scored one; absent otherwise. */
  systemdVersions?: number[];
}

/** A finding about the run itself rather than a unit (its inputs, its scope, the policy file). */
export interface JsonRunFinding {
  kind: RunFindingKind;
  /** As the gate rated it; in `report` mode nothing fails and `findings` lists it as a warning. */
  level: 'error' | 'warning';
  message: string;
}

export interface JsonUnit {
  path: string;
  previousPath: string | null;
  unitId: string;
  profile: string;
  status: UnitStatus;
  threshold: JsonExposure;
  base: JsonScore | null;
  head: JsonScore | null;
  /** head − base exposure (0…100 scale), null unless both were scored. */
  delta: number | null;
  note: string | null;
  /** Open findings (not covered by a deviation note), most important first. */
  violations: JsonViolation[];
  /** Findings covered by a valid deviation note. */
  accepted: JsonAcceptedDeviation[];
  /** Assessor rows whose badness differs between base and head. */
  changes: JsonRowChange[];
  /**
   * A mixed fleet: the unit's scores on every release scored, oldest first (`base` and `head` above
   * are the primary release's); absent when one release is scored.
   */
  releases?: JsonReleaseScore[];
}

/** A unit's scores on one release of a mixed fleet. */
export interface JsonReleaseScore {
  systemdVersion: number;
  base: JsonScore | null;
  head: JsonScore | null;
  /** head − base exposure (0…100 scale) on this release, null unless both were scored. */
  delta: number | null;
}

export interface JsonReport {
  /** The schema this report follows (JSON_REPORT_SCHEMA_URL). */
  $schema: typeof JSON_REPORT_SCHEMA_URL;
  version: typeof JSON_REPORT_VERSION;
  tool: { name: 'unitgate'; version: string };
  run: {
    generatedAt: string | null;
    repository: string | null;
    commit: string | null;
    baseCommit: string | null;
    pullRequest: number | null;
    policy: string | null;
  };
  result: 'pass' | 'fail';
  mode: GateMode;
  /** The primary release (the policy's `systemdVersion`); `maxExposure` is its. */
  systemdVersion: number;
  /** A mixed fleet: every release scored, oldest first; absent when one release is scored. */
  systemdVersions?: number[];
  maxExposure: (JsonExposure & { level: string | null }) | null;
  counts: {
    units: number;
    pass: number;
    fail: number;
    accepted: number;
    excluded: number;
    deleted: number;
    error: number;
    violations: number;
    advisory: number;
    acceptedDeviations: number;
    invalidNotes: number;
  };
  units: JsonUnit[];
  /** Every deviation note found, valid or not. */
  notes: JsonNote[];
  messages: string[];
  /** Every finding, run findings first, then per unit (in `units` order) errors, warnings, notices. */
  findings: JsonFinding[];
  /** Findings about the run itself (also in `findings`). */
  runFindings: JsonRunFinding[];
}

function exposure(value: number): JsonExposure {
  return { value, display: formatExposure(value) };
}

function score(side: ScoredSide | undefined): JsonScore | null {
  if (!side) return null;
  const badness: Record<string, number | null> = {};
  for (const key of Object.keys(side.badness).sort()) badness[key] = side.badness[key] ?? null;
  return { ...exposure(side.exposure), level: side.level, badness };
}

function plain(l: SourceLocation): SourceLocation {
  return { file: l.file, line: l.line, column: l.column };
}

/** A location; `side: 'base'` (with its head anchor) when the line is at the merge base, absent at head. */
function where(l: FindingLocation): JsonLocation {
  if (l.side !== 'base') return plain(l);
  return { ...plain(l), side: 'base', ...(l.headAnchor ? { headAnchor: plain(l.headAnchor) } : {}) };
}

function jsonFix(fix: Fix | undefined): JsonFix | null {
  if (!fix) return null;
  return {
    directives: [...fix.directives],
    explanation: fix.explanation,
    exposureAfter: fix.exposureAfter === undefined ? null : exposure(fix.exposureAfter),
  };
}

function violation(v: Violation): JsonViolation {
  return {
    kind: v.kind,
    check: v.check,
    directives: [...v.directives],
    message: v.message,
    advisory: v.advisory,
    weight: v.weight,
    location: where(v.location),
    fix: jsonFix(fixForViolation(v)),
    ...(v.systemdVersions ? { systemdVersions: [...v.systemdVersions] } : {}),
  };
}

function finding(f: Finding): JsonFinding {
  return {
    unit: f.unit,
    unitId: f.unitId,
    file: f.file,
    line: f.line,
    column: f.column,
    side: f.side,
    kind: f.kind,
    check: f.check,
    level: f.level,
    message: f.message,
    fix: jsonFix(f.fix),
    acceptedBy: f.acceptedBy ?? null,
    ...(f.systemdVersions ? { systemdVersions: [...f.systemdVersions] } : {}),
  };
}

function runFinding(f: RunFinding): JsonRunFinding {
  return { kind: f.kind, level: f.level, message: f.message };
}

function note(n: DeviationNote): JsonNote {
  return {
    source: n.source,
    unit: n.unit,
    check: n.check ?? null,
    reason: n.reason ?? null,
    owner: n.owner ?? null,
    expires: n.expires ?? null,
    ticket: n.ticket ?? null,
    location: n.location ? where(n.location) : null,
    problems: [...n.problems],
    valid: n.problems.length === 0,
    approvedBy: n.approvedBy ?? null,
    unapproved: n.unapproved ?? null,
    pendingApproval: n.pendingApproval ?? null,
  };
}

function change(c: RowChange): JsonRowChange {
  return {
    jsonField: c.jsonField,
    name: c.name,
    baseBadness: c.baseBadness ?? null,
    headBadness: c.headBadness ?? null,
    delta: c.delta,
    location: where(c.location),
    summary: c.summary,
  };
}

function unit(u: UnitResult): JsonUnit {
  return {
    path: u.path,
    previousPath: u.previousPath ?? null,
    unitId: u.unitId,
    profile: u.profile,
    status: u.status,
    threshold: exposure(u.threshold),
    base: score(u.base),
    head: score(u.head),
    delta: u.base && u.head ? u.head.exposure - u.base.exposure : null,
    note: u.note ?? null,
    violations: u.violations.map(violation),
    accepted: u.accepted.map((a) => ({
      violation: violation(a.violation),
      note: note(a.note),
      acceptedBy: a.acceptedBy,
      pendingApproval: a.pendingApproval ?? null,
    })),
    changes: u.changes.map(change),
    ...(u.releases
      ? {
          releases: u.releases.map((r) => ({
            systemdVersion: r.systemdVersion,
            base: score(r.base),
            head: score(r.head),
            delta: r.base && r.head ? r.head.exposure - r.base.exposure : null,
          })),
        }
      : {}),
  };
}

/** The JSON report: a plain object (serialise with JSON.stringify) in the `unitgate-report/1` shape. */
export function renderJsonReport(
  verdict: GateVerdict,
  meta: JsonReportMeta,
  findings: readonly Finding[] = collectFindings(verdict),
): JsonReport {
  const count = (s: UnitStatus): number => verdict.units.filter((u) => u.status === s).length;
  const top = verdict.units.find((u) => u.head && u.head.exposure === verdict.maxExposure);
  const all = findings.filter((f) => isUnitFinding(f) && f.level !== 'notice');
  return {
    $schema: JSON_REPORT_SCHEMA_URL,
    version: JSON_REPORT_VERSION,
    tool: { name: 'unitgate', version: meta.toolVersion },
    run: {
      generatedAt: meta.generatedAt ?? null,
      repository: meta.repository ?? null,
      commit: meta.commit ?? null,
      baseCommit: meta.baseCommit ?? null,
      pullRequest: meta.pullRequest ?? null,
      policy: meta.policy ?? null,
    },
    result: verdict.result,
    mode: verdict.mode,
    systemdVersion: verdict.systemdVersion,
    ...(verdict.systemdVersions ? { systemdVersions: [...verdict.systemdVersions] } : {}),
    maxExposure:
      verdict.maxExposure === undefined
        ? null
        : { ...exposure(verdict.maxExposure), level: top?.head?.level ?? null },
    counts: {
      units: verdict.units.length,
      pass: count('pass'),
      fail: count('fail'),
      accepted: count('accepted'),
      excluded: count('excluded'),
      deleted: count('deleted'),
      error: count('error'),
      violations: all.filter((v) => !v.advisory).length,
      advisory: all.filter((v) => v.advisory).length,
      acceptedDeviations: findings.filter((f) => f.level === 'notice').length,
      invalidNotes: verdict.notes.filter((n) => n.problems.length > 0).length,
    },
    units: verdict.units.map(unit),
    notes: verdict.notes.map(note),
    messages: [...verdict.messages],
    findings: findings.map(finding),
    runFindings: (verdict.runFindings ?? []).map(runFinding),
  };
}
