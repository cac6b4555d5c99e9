// Snapshots and repositories for drift tests, made by the real parts in memory: a snapshot is what
// takeSnapshot() records of a host whose unit files are given (scored for systemd 252), a repository
// is a commit's tree as the gate reads it.
import { takeSnapshot } from '../../../src/core/drift/take-snapshot';
import { SNAPSHOT_FORMAT, type Snapshot } from '../../../src/core/drift/snapshot-types';
import type { TreeSource } from '../../../src/core/gate/scope';
import { systemdRelease } from '../../../src/core/security/versions';
import { memoryTree } from '../../../src/core/unit/unit-tree';

/** The snapshot of a host whose files (absolute paths → text) are given. */
export function snapshotOf(
  files: Record<string, string>,
  options: { requested?: string[]; host?: string } = {},
): Snapshot {
  const taken = takeSnapshot({
    tree: memoryTree(files),
    systemd: systemdRelease(252),
    unitTypes: ['.service'],
    requested: options.requested ?? [],
    onlyRequested: false,
  });
  return {
    schema: SNAPSHOT_FORMAT,
    tool: { name: 'unitgate', version: '0.0.0' },
    takenAt: '2025-06-01T00:00:00Z',
    host: { name: options.host ?? 'web-1', root: '/' },
    systemd: {
      detected: {
        major: 252,
        full: null,
        source: 'libsystemd-shared',
        evidence: '/usr/lib/systemd/libsystemd-shared-252.so',
        notes: [],
      },
      scoredWith: 252,
      differs: false,
      reason: 'systemd 252 is supported',
    },
    unitTypes: ['.service'],
    ...taken,
  };
}

/** A repository's tree from its files (repository paths → text). */
export function repositoryOf(files: Record<string, string>): TreeSource {
  return {
    tree: memoryTree(Object.fromEntries(Object.entries(files).map(([p, t]) => [`/${p}`, t]))),
    paths: Object.keys(files),
  };
}
