// The gate's verdict as one flat list of findings: one record per thing a reader must see, each with
// the one location it is about. Every output (annotations, check run, summary, comment, SARIF, JSON,
// CLI text, the gate scenarios) can read this list, so no two outputs can cite different lines.
import type { SourceLocation } from '../unit/parse-unit-file';
import type { Fix, GateVerdict, RunFindingKind, UnitResult, Violation, ViolationKind } from './gate-types';

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
  kind: ViolationKind | RunFindingKind;
  /** The check: an assessor json_field, a directive name, `exposure`… (SARIF keys rules on it). */
  check: string;
  level: FindingLevel;
  message: string;
  fix?: Fix;
  /** Who accepted it, for `notice` findings: the note's owner and its approver. */
  acceptedBy?: string;
}

const NO_LOCATION: SourceLocation = { file: '', line: 0, column: 0 };

function fromViolation(u: UnitResult, v: Violation, level: FindingLevel, acceptedBy?: string): Finding {
  return {
    unit: u.path,
    unitId: u.unitId,
    file: v.location.file,
    line: v.location.line,
    column: v.location.column,
    side: v.location.side ?? 'head',
    kind: v.kind,
    check: v.check,
    level,
    message: v.message,
    ...(v.fix ? { fix: v.fix } : {}),
    ...(acceptedBy !== undefined ? { acceptedBy } : {}),
  };
}

const LEVEL_ORDER: Record<FindingLevel, number> = { error: 0, warning: 1, notice: 2 };

/** Every finding of a verdict: run findings first, then per unit in the verdict's order, errors first. */
export function collectFindings(verdict: GateVerdict): Finding[] {
  const report = verdict.mode === 'report';
  const out: Finding[] = [];
  for (const f of verdict.runFindings ?? []) {
    out.push({
      unit: '',
      unitId: '',
      ...NO_LOCATION,
      side: 'head',
      kind: f.kind,
      check: f.kind,
      level: report ? 'warning' : f.level,
      message: f.message,
    });
  }
  for (const u of verdict.units) {
    const unitFindings: Finding[] = [];
    for (const v of u.violations)
      unitFindings.push(fromViolation(u, v, v.advisory || report ? 'warning' : 'error'));
    for (const a of u.accepted) {
      unitFindings.push(fromViolation(u, a.violation, 'notice', a.acceptedBy));
    }
    unitFindings.sort((a, b) => LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level]);
    out.push(...unitFindings);
  }
  return out;
}
