// Post-deploy drift: what running hosts (their snapshots) have against what the repository predicts
// at one commit. Each host unit the repository defines is matched by unit name and compared: exposure
// and rows (the repository scored for the release the host was scored for, with systemd's own table,
// as the snapshot was), and the causes — files only the host has (with their redacted directives),
// files whose content differs, files the host lacks, files the snapshot could not read, and the host's
// systemd version against the policy's. The policy's `drift` section says which kinds fail.
import { scoreAll, type TreeSource } from '../gate/scope';
import { matchesGlob } from '../policy/match-glob';
import type { DriftKind, GatePolicy, HostDropInAllowance } from '../policy/policy-types';
import { columnsOf } from '../security/assess';
import { formatExposure } from '../security/render-security';
import { isSupportedVersion, type SystemdVersion } from '../security/versions';
import { UNIT_SECTIONS } from '../unit/load-unit';
import { parseUnitName } from '../unit/unit-name';
import type { ScoredUnit } from '../gate/score-units';
import { fileDirectives, fileKey, sha256Hex } from './redact';
import type { Snapshot, SnapshotDirective, SnapshotUnit } from './snapshot-types';

export const DRIFT_REPORT_FORMAT = 'unitgate-drift/1';

export type DriftLevel = 'fail' | 'warning' | 'allowed';

export interface DriftDifference {
  kind: DriftKind;
  level: DriftLevel;
  /** The snapshot file and the host it describes. */
  snapshot: string;
  host: string;
  /** The unit, or null for what concerns the whole host. */
  unit: string | null;
  message: string;
  /** The repository file of the unit (for annotations), when the repository defines it. */
  repoPath: string | null;
  /** The host file concerned (a path inside the host's root). */
  hostPath: string | null;
  /** What the repository predicts and what the host has (exposures, hashes, versions). */
  expected: string | null;
  actual: string | null;
  /** A host-only or changed file's directives that the repository does not have (redacted). */
  directives: SnapshotDirective[];
  /** The policy entry that accepts a host-only drop-in (level `allowed`), or that expired. */
  allowance: HostDropInAllowance | null;
}

export interface DriftUnitResult {
  unit: string;
  repoPath: string;
  /** The host's exposure and the repository's prediction (0…100), null when not scored. */
  hostExposure: number | null;
  predictedExposure: number | null;
  differences: number;
}

export interface DriftHostResult {
  snapshot: string;
  host: string;
  takenAt: string;
  systemd: {
    detected: number | null;
    full: string | null;
    source: string;
    scoredWith: number;
    policy: number;
  };
  units: DriftUnitResult[];
  /** Units of the host the repository does not define. */
  unknownUnits: string[];
}

export interface DriftReport {
  schema: typeof DRIFT_REPORT_FORMAT;
  /** The commit the repository was read at, as given (`HEAD`) and resolved. */
  ref: string;
  commit: string | null;
  policy: { source: string; systemdVersion: number; fail: DriftKind[] };
  /** Whether any difference fails. */
  result: 'drift' | 'clean';
  counts: Record<DriftLevel, number>;
  hosts: DriftHostResult[];
  differences: DriftDifference[];
  /** What the run should say besides the differences (a unit the repository defines twice). */
  messages: string[];
}

export interface DriftInput {
  snapshots: { fileName: string; snapshot: Snapshot }[];
  /** The repository at `ref`, as the gate reads a commit. */
  repository: TreeSource;
  ref: string;
  commit?: string;
  policy: GatePolicy;
  /** YYYY-MM-DD, for allowances' `expires` (the core has no clock). */
  today: string;
}

interface RepositoryUnit {
  scored: ScoredUnit;
  /** The unit's files by key (`fragment`, `NAME.d/FILE.conf`), with their text. */
  files: Map<string, { path: string; text: string }>;
}

/** The repository's units scored for one release, by unit name (the first definition wins). */
function repositoryUnits(
  input: DriftInput,
  version: SystemdVersion,
  messages: string[],
): Map<string, RepositoryUnit> {
  // The snapshot scores with systemd's own table: the prediction must too, or every unit would drift
  // by the policy's overrides.
  const policy: GatePolicy = { ...input.policy, systemdVersion: version, assessorOverrides: new Map() };
  const out = new Map<string, RepositoryUnit>();
  for (const scored of scoreAll(input.repository, policy).values()) {
    const name = scored.locator.unitName;
    const previous = out.get(name);
    if (previous) {
      const message = `${name} is defined more than once in the repository (${previous.scored.locator.repoPath}, ${scored.locator.repoPath}): compared with ${previous.scored.locator.repoPath}`;
      if (!messages.includes(message)) messages.push(message);
      continue;
    }
    const side = scored.side;
    const texts = new Map(side.texts.map((t) => [t.path, t.text]));
    const files = new Map<string, { path: string; text: string }>();
    side.unit?.files.forEach((f, i) => {
      const text = texts.get(f.file);
      if (text === undefined || (i === 0 && side.unit?.fragmentPath === '')) return;
      files.set(fileKey(i === 0 ? 'fragment' : 'drop-in', f.file), { path: f.file, text });
    });
    out.set(name, { scored, files });
  }
  return out;
}

function directiveText(d: SnapshotDirective): string {
  return `[${d.section}] ${d.key}=${'value' in d ? d.value : `sha256:${d.valueSha256}`}`;
}

/** Directives of `host` that `repo` does not have (as written, in order). */
function addedDirectives(host: SnapshotDirective[], repo: SnapshotDirective[]): SnapshotDirective[] {
  const counts = new Map<string, number>();
  for (const d of repo) counts.set(directiveText(d), (counts.get(directiveText(d)) ?? 0) + 1);
  return host.filter((d) => {
    const n = counts.get(directiveText(d)) ?? 0;
    if (n > 0) counts.set(directiveText(d), n - 1);
    return n === 0;
  });
}

function isExpired(allowance: HostDropInAllowance, today: string): boolean {
  return allowance.expires !== undefined && allowance.expires < today;
}

export function computeDrift(input: DriftInput): DriftReport {
  const messages: string[] = [];
  const failing = new Set(input.policy.drift.fail);
  const differences: DriftDifference[] = [];
  const byRelease = new Map<SystemdVersion, Map<string, RepositoryUnit>>();
  const hosts: DriftHostResult[] = [];

  for (const { fileName, snapshot } of input.snapshots) {
    const host = snapshot.host.name ?? fileName;
    const scoredWith = snapshot.systemd.scoredWith;
    if (!isSupportedVersion(scoredWith)) throw new Error(`${fileName}: unsupported release ${scoredWith}`);
    let repo = byRelease.get(scoredWith);
    if (!repo) {
      repo = repositoryUnits(input, scoredWith, messages);
      byRelease.set(scoredWith, repo);
    }
    const add = (
      d: Pick<DriftDifference, 'kind' | 'unit' | 'message'> & Partial<DriftDifference>,
    ): DriftDifference => {
      const difference = driftDifference({
        level: failing.has(d.kind) ? 'fail' : 'warning',
        snapshot: fileName,
        host,
        ...d,
      });
      differences.push(difference);
      return difference;
    };

    const detected = snapshot.systemd.detected;
    const policyVersion = input.policy.systemdVersion;
    if (detected.major !== policyVersion)
      add({
        kind: 'version-difference',
        unit: null,
        message:
          detected.major === null
            ? `the host's systemd version is unknown (the policy assumes ${policyVersion}); scored for ${scoredWith}`
            : `the host runs systemd ${detected.full ?? detected.major} (${detected.source}), the policy assumes ${policyVersion}; scored for ${scoredWith}`,
        expected: String(policyVersion),
        actual: detected.major === null ? 'unknown' : String(detected.major),
      });
    for (const dir of snapshot.unreadableDirectories)
      add({
        kind: 'unreadable-file',
        unit: null,
        message: `the search directory ${dir.path} could not be listed on the host (${dir.error}): its units are unknown`,
        hostPath: dir.path,
      });

    const units: DriftUnitResult[] = [];
    const unknownUnits: string[] = [];
    for (const unit of snapshot.units) {
      // A file the snapshot could not read is drift on any unit, known to the repository or not.
      // By the name systemd reports, else by an alias the repository names its file after.
      const repoUnit = repo.get(unit.name) ?? unit.names.map((n) => repo.get(n)).find((u) => u !== undefined);
      const repoPath = repoUnit?.scored.locator.repoPath ?? null;
      const before = differences.length;
      for (const f of unit.files)
        if (!f.readable)
          add({
            kind: 'unreadable-file',
            unit: unit.name,
            repoPath,
            hostPath: f.path,
            message: `${f.path} could not be read on the host (${f.error}): what it sets is unknown`,
          });
      if (!repoUnit) {
        unknownUnits.push(unit.name);
        continue;
      }
      compareUnit(unit, repoUnit, repoPath as string, add, input.policy.drift.allowHostDropIns, input.today);
      const side = repoUnit.scored.side;
      units.push({
        unit: unit.name,
        repoPath: repoPath as string,
        hostExposure: unit.exposure,
        predictedExposure: side.assessment?.exposure ?? null,
        differences: differences.length - before,
      });
    }
    if (unknownUnits.length > 0)
      add({
        kind: 'unknown-unit',
        unit: null,
        message: `${unknownUnits.length} unit${unknownUnits.length === 1 ? '' : 's'} of the host ${unknownUnits.length === 1 ? 'is' : 'are'} not defined in the repository: ${unknownUnits.join(', ')}`,
      });
    hosts.push({
      snapshot: fileName,
      host,
      takenAt: snapshot.takenAt,
      systemd: {
        detected: detected.major,
        full: detected.full,
        source: detected.source,
        scoredWith,
        policy: policyVersion,
      },
      units,
      unknownUnits,
    });
  }

  const counts: Record<DriftLevel, number> = { fail: 0, warning: 0, allowed: 0 };
  for (const d of differences) counts[d.level]++;
  return {
    schema: DRIFT_REPORT_FORMAT,
    ref: input.ref,
    commit: input.commit ?? null,
    policy: {
      source: input.policy.source,
      systemdVersion: input.policy.systemdVersion,
      fail: [...input.policy.drift.fail],
    },
    result: counts.fail > 0 ? 'drift' : 'clean',
    counts,
    hosts,
    differences,
    messages,
  };
}

/** Whether the report holds a difference the policy fails on (exit 1). */
export function driftFails(report: DriftReport): boolean {
  return report.differences.some((d) => d.level === 'fail');
}

/**
 * A difference with what it does not name left empty: no files, no exposures or hashes, no directives,
 * no allowance. Its fields keep one order (level, snapshot, host, the empty ones, then the rest), which
 * the JSON report prints.
 */
export function driftDifference(
  d: Pick<DriftDifference, 'kind' | 'level' | 'snapshot' | 'host' | 'unit' | 'message'> &
    Partial<DriftDifference>,
): DriftDifference {
  const { level, snapshot, host, ...rest } = d;
  return {
    level,
    snapshot,
    host,
    repoPath: null,
    hostPath: null,
    expected: null,
    actual: null,
    directives: [],
    allowance: null,
    ...rest,
  };
}

/** Whether the report holds drift worth reporting: any difference but one the policy allows. */
export function hasDrift(report: DriftReport): boolean {
  return report.differences.some((d) => d.level !== 'allowed');
}

type Add = (
  d: Pick<DriftDifference, 'kind' | 'unit' | 'message'> & Partial<DriftDifference>,
) => DriftDifference;

function compareUnit(
  unit: SnapshotUnit,
  repoUnit: RepositoryUnit,
  repoPath: string,
  add: Add,
  allowances: readonly HostDropInAllowance[],
  today: string,
): void {
  const side = repoUnit.scored.side;
  const name = unit.name;
  const sections = UNIT_SECTIONS[parseUnitName(name)?.type ?? 'service'];

  if (unit.state !== 'loaded' || unit.exposure === null) {
    add({
      kind: 'unit-error',
      unit: name,
      repoPath,
      message: `the unit did not load on the host (${unit.state}): ${unit.error ?? 'no reason recorded'}`,
      expected: side.assessment ? formatExposure(side.assessment.exposure) : null,
      actual: unit.state,
    });
  } else if (!side.assessment) {
    add({
      kind: 'unit-error',
      unit: name,
      repoPath,
      message: `the repository's unit could not be scored (${side.error ?? 'unknown reason'}), the host's scores ${formatExposure(unit.exposure)}`,
      actual: formatExposure(unit.exposure),
    });
  } else {
    const predicted = side.assessment.exposure;
    if (unit.exposure !== predicted)
      add({
        kind: unit.exposure > predicted ? 'exposure-increase' : 'exposure-decrease',
        unit: name,
        repoPath,
        message: `exposure on the host is ${formatExposure(unit.exposure)}, the repository predicts ${formatExposure(predicted)}`,
        expected: formatExposure(predicted),
        actual: formatExposure(unit.exposure),
      });
    const c = columnsOf(side.assessment);
    const predictedRows = new Map<string, string | null>();
    for (const index of c.order)
      predictedRows.set(c.assessors[index]?.jsonField ?? '', c.exposure[index] ?? null);
    for (const row of unit.rows) {
      if (!predictedRows.has(row.field)) continue;
      const expected = predictedRows.get(row.field) ?? null;
      if (Number(row.exposure ?? 0) > Number(expected ?? 0))
        add({
          kind: 'row-worse',
          unit: name,
          repoPath,
          message: `${row.name} is worse on the host (${row.exposure ?? '0.0'}, predicted ${expected ?? '0.0'}): ${row.description ?? ''}`,
          expected: expected ?? '0.0',
          actual: row.exposure ?? '0.0',
        });
    }
  }

  const hostKeys = new Set<string>();
  for (const f of unit.files) {
    if (!f.readable) continue; // reported with every unit's unreadable files
    hostKeys.add(f.key);
    const repoFile = repoUnit.files.get(f.key);
    if (!repoFile) {
      const allowance =
        f.role === 'drop-in'
          ? allowances.find(
              (a) => matchesGlob(a.match, f.path.replace(/^\/+/, '')) || matchesGlob(a.match, f.path),
            )
          : undefined;
      const expired = allowance !== undefined && isExpired(allowance, today);
      const d = add({
        kind: 'host-only-file',
        unit: name,
        repoPath,
        hostPath: f.path,
        message:
          `${f.path} is on the host, not in the repository` +
          (f.directives.length > 0
            ? `; it sets ${f.directives.map(directiveText).join(', ')}`
            : '; it sets nothing') +
          (allowance && !expired ? ` (accepted: ${allowance.reason})` : '') +
          (allowance && expired ? ` (its acceptance expired on ${allowance.expires})` : ''),
        actual: f.sha256,
        directives: f.directives,
        allowance: allowance ?? null,
      });
      if (allowance && !expired) d.level = 'allowed';
      continue;
    }
    const expectedHash = sha256Hex(repoFile.text);
    if (expectedHash !== f.sha256) {
      const repoDirectives = fileDirectives(repoFile.text, repoFile.path, sections);
      const added = addedDirectives(f.directives, repoDirectives);
      const removed = addedDirectives(repoDirectives, f.directives);
      add({
        kind: 'changed-file',
        unit: name,
        repoPath,
        hostPath: f.path,
        message:
          `${f.path} differs from ${repoFile.path}` +
          (added.length > 0 ? `; the host's sets ${added.map(directiveText).join(', ')}` : '') +
          (removed.length > 0 ? `; the host's lacks ${removed.map(directiveText).join(', ')}` : '') +
          (added.length === 0 && removed.length === 0 ? ' (comments or layout only)' : ''),
        expected: expectedHash,
        actual: f.sha256,
        directives: added,
      });
    }
  }
  for (const [key, repoFile] of repoUnit.files)
    if (!hostKeys.has(key) && !unit.files.some((f) => f.key === key))
      add({
        kind: 'missing-file',
        unit: name,
        repoPath,
        message: `${repoFile.path} is in the repository, the host has no ${key === 'fragment' ? 'unit file' : key} for it`,
        expected: sha256Hex(repoFile.text),
      });

  const asked = unit.systemdAnalyze;
  if (asked && (asked.error !== null || asked.disagreements.length > 0))
    add({
      kind: 'engine-disagreement',
      unit: name,
      repoPath,
      message:
        asked.error !== null
          ? `systemd-analyze on the host failed on the unit: ${asked.error}`
          : `systemd-analyze on the host disagrees with unitgate: ${asked.disagreements
              .map((d) => `${d.what} ${d.systemd} (unitgate ${d.unitgate})`)
              .join('; ')}`,
    });
}
