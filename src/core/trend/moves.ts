// Why a unit's score moved between two consecutive snapshots of the trend: the assessor rows that
// changed, each tied to the line that changed it, found exactly as the gate finds a regression's cause.
import { rowChanges, type UnitSide } from '../gate/evaluate-gate';
import type { TrendMove } from './trend';

/** A scored side of a unit at one snapshot (its commit and label say where its lines are). */
export interface SnapshotSide {
  side: UnitSide;
  commit: string;
  label: string;
}

/**
 * The rows whose badness differs between `before` and `after` (both scored), biggest movements first.
 * A cause that is a removed line points at the snapshot before, where the line still is.
 */
export function trendMoves(before: SnapshotSide, after: SnapshotSide): TrendMove[] {
  if (!before.side.assessment || !after.side.assessment) return [];
  // The same scored side (an unchanged unit, from the score cache) cannot have moved.
  if (before.side === after.side) return [];
  return rowChanges(before.side, after.side).map((c) => {
    const at = c.location.side === 'base' ? before : after;
    return {
      check: c.jsonField,
      name: c.name,
      delta: c.delta,
      summary: c.summary,
      file: c.location.file,
      line: c.location.line,
      commit: at.commit,
      label: at.label,
    };
  });
}
