// The drift engine the action runs: the pure drift API of core/drift behind drift-mode's DriftEngine
// seam (which unit tests fill with a small double). A snapshot is kept with its file name, which the
// report names hosts by when a snapshot gives no host name.
import {
  computeDrift,
  driftFails,
  parseSnapshot,
  renderDriftMarkdown,
  type DriftReport,
  type Snapshot,
} from '../core/drift';
import type { DriftContext, DriftEngine } from './drift-mode';

export interface NamedSnapshot {
  fileName: string;
  snapshot: Snapshot;
}

export const CORE_DRIFT_ENGINE: DriftEngine<NamedSnapshot, DriftReport, DriftContext> = {
  parseSnapshot(text, fileName) {
    const parsed = parseSnapshot(text, fileName);
    // runDriftReport() turns a throw into a one-line configuration error naming the file.
    if (!parsed.ok) throw new Error(parsed.message);
    return { fileName, snapshot: parsed.snapshot };
  },
  computeDrift: ({ snapshots, context }) =>
    computeDrift({
      snapshots,
      repository: context.head,
      ref: context.commit,
      commit: context.commit,
      policy: context.policy,
      today: context.today,
    }),
  renderDriftMarkdown,
  driftFails,
  // Drift worth an issue: any difference but a host-only drop-in the policy allows.
  hasDrift: (report) => report.differences.some((d) => d.level !== 'allowed'),
};
