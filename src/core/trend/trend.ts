// The exposure of each unit across releases (tags) and the change's base and head, from scores the
// shell computed at each commit (report/trend-report.ts renders it). Every score carries the systemd
// version it was computed for, so a change of scoring version is marked as such and never reads as a
// regression of the unit.

/** One unit at one snapshot. */
export interface TrendPoint {
  /** The tag name, or `base` / `head`. */
  label: string;
  commit: string;
  /** 0…100 (systemd prints it as `X.Y`); null when the unit is absent there or failed to load. */
  exposure: number | null;
  /** systemd's level name (`OK`, `MEDIUM`, …); null with a null exposure. */
  level: string | null;
  systemdVersion: number;
  /** Why the unit could not be scored there (absent units have no error). */
  error?: string;
  /** The profile the policy committed there gives the unit, and its threshold (0…100); absent when none applies. */
  profile?: string;
  threshold?: number;
  /** Why the score differs from the snapshot before (both scored), biggest movements first. */
  moves?: TrendMove[];
}

/**
 * One assessor row that moved a unit's score between two consecutive snapshots, with the line that
 * moved it: at this snapshot's commit, or — for a line that was removed — at the snapshot before.
 */
export interface TrendMove {
  /** The assessor's JSON field (its check name) and its printed name. */
  check: string;
  name: string;
  /** How far the row's share of the exposure moved (0…100 scale; positive = worse). */
  delta: number;
  /** What changed, e.g. "`ProtectSystem=strict` removed" (names in Markdown inline code). */
  summary: string;
  /** Repository path and line of the cause. */
  file: string;
  line: number;
  /** The commit and label (tag, `base`, `head`) where that line is. */
  commit: string;
  label: string;
}

/** What a snapshot knows about one unit (see TrendPoint). */
export interface SnapshotUnit {
  unitId: string;
  exposure: number | null;
  level: string | null;
  error?: string;
  profile?: string;
  threshold?: number;
  moves?: TrendMove[];
}

export interface UnitTrend {
  /** Repository path of the unit's main file. */
  unitPath: string;
  /** The unit id systemd reports (templates with their instance), from the newest snapshot that has it. */
  unitId: string;
  /** One point per snapshot, in release order. */
  points: TrendPoint[];
}

/** What a column is: a release tag, or the change's base or head. */
export type TrendColumnKind = 'tag' | 'base' | 'head';

/** A column of the trend: one release, the base or the head. */
export interface TrendRelease {
  kind: TrendColumnKind;
  /** The tag name, or `base` / `head`. */
  label: string;
  commit: string;
  systemdVersion: number;
}

export interface Trend {
  /** The tag pattern the releases were chosen by (`v*`). */
  pattern: string;
  /** The systemd versions scores were computed for, in order of first use. */
  versions: number[];
  /** The snapshots, oldest first (tags, then base, then head). */
  releases: TrendRelease[];
  /** Units in repository path order. */
  units: UnitTrend[];
}

/** What the shell scored at one commit. */
export interface TrendSnapshot {
  kind: TrendColumnKind;
  label: string;
  commit: string;
  systemdVersion: number;
  /** Scores by repository path of the unit's main file. */
  units: ReadonlyMap<string, SnapshotUnit>;
}

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Snapshots (in release order) → one row per unit that exists in any of them, one point per snapshot. */
export function buildTrend(pattern: string, snapshots: readonly TrendSnapshot[]): Trend {
  const versions: number[] = [];
  for (const s of snapshots) if (!versions.includes(s.systemdVersion)) versions.push(s.systemdVersion);
  const paths = new Set<string>();
  for (const s of snapshots) for (const p of s.units.keys()) paths.add(p);
  const units: UnitTrend[] = [...paths].sort(byCodeUnit).map((unitPath) => {
    let unitId = '';
    const points = snapshots.map((s): TrendPoint => {
      const u = s.units.get(unitPath);
      if (u) unitId = u.unitId;
      return {
        label: s.label,
        commit: s.commit,
        exposure: u?.exposure ?? null,
        level: u?.exposure === null || u === undefined ? null : u.level,
        systemdVersion: s.systemdVersion,
        ...(u?.error !== undefined && u.exposure === null ? { error: u.error } : {}),
        ...(u?.profile !== undefined ? { profile: u.profile } : {}),
        ...(u?.threshold !== undefined ? { threshold: u.threshold } : {}),
        ...(u?.moves !== undefined && u.moves.length > 0 && u.exposure !== null ? { moves: u.moves } : {}),
      };
    });
    return { unitPath, unitId, points };
  });
  return {
    pattern,
    versions,
    releases: snapshots.map((s) => ({
      kind: s.kind,
      label: s.label,
      commit: s.commit,
      systemdVersion: s.systemdVersion,
    })),
    units,
  };
}

const MARKS = ['†', '‡', '§', '¶'];

/**
 * Footnote marks for the releases scored with another systemd version than the release before them
 * (`undefined` elsewhere): the place where a score may move although the unit did not change.
 */
export function versionChangeMarks(trend: Trend): (string | undefined)[] {
  let n = 0;
  return trend.releases.map((r, i) => {
    const previous = trend.releases[i - 1];
    if (!previous || previous.systemdVersion === r.systemdVersion) return undefined;
    const mark = (MARKS[n % MARKS.length] as string).repeat(Math.floor(n / MARKS.length) + 1);
    n++;
    return mark;
  });
}
