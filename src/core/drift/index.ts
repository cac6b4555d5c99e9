// The drift API (the action's drift mode and `unitgate drift` call these; all pure): read snapshots,
// compare them with the repository, render the report, decide the exit.
export { parseSnapshot, type SnapshotParseResult } from './parse-snapshot';
export {
  computeDrift,
  driftDifference,
  driftFails,
  hasDrift,
  DRIFT_REPORT_FORMAT,
  type DriftDifference,
  type DriftHostResult,
  type DriftInput,
  type DriftLevel,
  type DriftReport,
  type DriftUnitResult,
} from './compute-drift';
export {
  renderDriftJson,
  renderDriftMarkdown,
  renderDriftSarif,
  renderDriftText,
  DRIFT_KIND_TITLES,
  type DriftSarifOptions,
} from './render-drift';
export {
  MAX_SNAPSHOT_BYTES,
  SNAPSHOT_FORMAT,
  type Snapshot,
  type SnapshotUnit,
  type SnapshotFile,
} from './snapshot-types';
export { SECRET_BEARING_KEYS } from './redact';
