// The gate's verdict as one flat list of findings: one record per thing a reader must see, each with
// the one location it is about. Every output (annotations, check run, summary, comment, SARIF, JSON,
// CLI text, the gate scenarios) reads this list, so no two outputs can cite different lines.
import type { SourceLocation } from '../unit/parse-unit-file';
import { isSupportedVersion, systemdRelease } from '../security/versions';
import type {
  DeviationNote,
  Fix,
  FindingLocation,
  GateVerdict,
  RunFindingKind,
  UnitResult,
  Violation,
  ViolationKind,
} from './gate-types';

/** `error` fails the gate, `warning` is advisory, `notice` was accepted by an approved deviation note. */
export type FindingLevel = 'error' | 'warning' | 'notice';

export interface Finding {
  /** Repository path of the unit's main file ('' for findings about the run itself). */
  unit: string;
  /** The unit's name as systemd reports it ('' for run findings). */
  unitId: string;
  file: string;
  line: number;
  column: number;
  /** `base` when the line is one of the merge base (a removed line, linked at the base commit), else `head`. */
  side: 'base' | 'head';
  /** For a `base` line: where outputs that can only point at head (annotations, SARIF) place it. */
  headAnchor?: SourceLocation;
  kind: ViolationKind | RunFindingKind;
  /** The check: an assessor json_field, a directive name, `exposure`… (SARIF keys rules on it). */
  check: string;
  /**
   * SARIF's rule id, which code scanning keys alerts on: `systemd/<json_field>` for a row regression of
   * an assessor row of the verdict's systemd version, else `unitgate/<kind>`.
   */
  ruleId: string;
  /** Directive names involved (deviation matching, sign-off). */
  directives: string[];
  level: FindingLevel;
  /** Reported but not failing by rule (profile rules in `report` and `ratchet` modes). */
  advisory: boolean;
  /** Exposure points (0…100 scale) it costs, for ordering; 0 when unknown. */
  weight: number;
  /** The directive that caused it; findings of one unit with the same cause are shown as one item. */
  cause?: string;
  message: string;
  fix?: Fix;
  /** Who accepted it, for `notice` findings: the note's owner and its approver. */
  acceptedBy?: string;
  /** The deviation note that accepted it, for `notice` findings. */
  note?: DeviationNote;
  /** Local checks only: the approval the accepting note still needs. */
  pendingApproval?: string;
  /** A mixed fleet: the releases it holds for, when not every scored one (Violation.systemdVersions). */
  systemdVersions?: number[];
}

/** A unit finding (one that came from a violation). */
export type UnitFinding = Finding & { kind: ViolationKind };

const NO_LOCATION: SourceLocation = { file: '', line: 0, column: 0 };

function ruleIdOf(kind: ViolationKind, check: string, assessorFields: ReadonlySet<string>): string {
  return kind === 'regression-row' && assessorFields.has(check) ? `systemd/${check}` : `unitgate/${kind}`;
}

function fromViolation(
  u: UnitResult,
  v: Violation,
  level: FindingLevel,
  assessorFields: ReadonlySet<string>,
  accepted?: { acceptedBy: string; note: DeviationNote; pendingApproval?: string | undefined },
): Finding {
  return {
    unit: u.path,
    unitId: u.unitId,
    file: v.location.file,
    line: v.location.line,
    column: v.location.column,
    side: v.location.side ?? 'head',
    ...(v.location.side === 'base' && v.location.headAnchor ? { headAnchor: v.location.headAnchor } : {}),
    kind: v.kind,
    check: v.check,
    ruleId: ruleIdOf(v.kind, v.check, assessorFields),
    directives: v.directives,
    level,
    advisory: v.advisory,
    weight: v.weight,
    ...(v.cause !== undefined ? { cause: v.cause } : {}),
    message: v.message,
    ...(v.fix ? { fix: v.fix } : {}),
    ...(v.systemdVersions ? { systemdVersions: [...v.systemdVersions] } : {}),
    ...(accepted
      ? {
          acceptedBy: accepted.acceptedBy,
          note: accepted.note,
          ...(accepted.pendingApproval !== undefined ? { pendingApproval: accepted.pendingApproval } : {}),
        }
      : {}),
  };
}

const LEVEL_ORDER: Record<FindingLevel, number> = { error: 0, warning: 1, notice: 2 };

/** Every finding of a verdict: run findings first, then per unit in the verdict's order, errors first. */
export function collectFindings(verdict: GateVerdict): Finding[] {
  const report = verdict.mode === 'report';
  // Rule ids name assessor rows of the version the verdict was scored for (252 when unknown).
  const version = isSupportedVersion(verdict.systemdVersion) ? verdict.systemdVersion : 252;
  const assessorFields = new Set(systemdRelease(version).data.assessors.map((a) => a.jsonField));
  const out: Finding[] = [];
  for (const f of verdict.runFindings ?? []) {
    out.push({
      unit: '',
      unitId: '',
      ...NO_LOCATION,
      side: 'head',
      kind: f.kind,
      check: f.kind,
      ruleId: `unitgate/${f.kind}`,
      directives: [],
      level: report ? 'warning' : f.level,
      advisory: false,
      weight: 0,
      message: f.message,
    });
  }
  for (const u of verdict.units) {
    const unitFindings: Finding[] = [];
    for (const v of u.violations)
      unitFindings.push(fromViolation(u, v, v.advisory || report ? 'warning' : 'error', assessorFields));
    for (const a of u.accepted) unitFindings.push(fromViolation(u, a.violation, 'notice', assessorFields, a));
    unitFindings.sort((a, b) => LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level]);
    out.push(...unitFindings);
  }
  return out;
}

/** Whether a finding is about a unit (not the run itself). */
export function isUnitFinding(f: Finding): f is UnitFinding {
  return f.unit !== '';
}

/** The unit findings grouped by `unit` (the unit's repository path), in the list's order. */
export function findingsByUnit(findings: readonly Finding[]): Map<string, UnitFinding[]> {
  const by = new Map<string, UnitFinding[]>();
  for (const f of findings) {
    if (!isUnitFinding(f)) continue;
    const list = by.get(f.unit);
    if (list) list.push(f);
    else by.set(f.unit, [f]);
  }
  return by;
}

/** A finding's location as the gate states it (the line, its side, and the head anchor of a base line). */
export function locationOf(f: Finding): FindingLocation {
  return {
    file: f.file,
    line: f.line,
    column: f.column,
    ...(f.side === 'base' ? { side: 'base' as const } : {}),
    ...(f.headAnchor ? { headAnchor: f.headAnchor } : {}),
  };
}
