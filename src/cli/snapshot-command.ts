// `unitgate snapshot`: what a host runs, as JSON (schemas/unitgate-snapshot-1.schema.json) — its units,
// the files that define them (hashes, sizes, redacted directives), its systemd version and each unit's
// exposure and rows. Read-only; writes only the output file it is given.
import { statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { snapshotHost } from '../io/host-snapshot';
import type { SystemdVersion } from '../core/security/versions';
import { UNITGATE_VERSION } from '../version';
import type { CommandResult } from './security-command';

export interface SnapshotOptions {
  units: string[];
  root?: string;
  output?: string;
  askSystemd: boolean;
  hostName?: string;
  unitTypes: string[];
  /** The release to score for when the host's version cannot be read. */
  fallbackVersion?: SystemdVersion;
  /** Only the named units, not the whole search path. */
  onlyRequested: boolean;
  takenAt: string;
  env: Readonly<Record<string, string | undefined>>;
}

export function runSnapshotCommand(options: SnapshotOptions, cwd: string): CommandResult {
  const root = resolve(cwd, options.root ?? '/');
  try {
    if (!statSync(root).isDirectory()) throw new Error('not a directory');
  } catch {
    return {
      exitCode: 2,
      stdout: '',
      stderr: `unitgate snapshot: root directory ${options.root ?? '/'} does not exist or is not a directory\n`,
    };
  }
  const snapshot = snapshotHost({
    root,
    units: options.units,
    onlyRequested: options.onlyRequested,
    unitTypes: options.unitTypes,
    ...(options.hostName !== undefined ? { hostName: options.hostName } : {}),
    ...(options.fallbackVersion !== undefined ? { fallbackVersion: options.fallbackVersion } : {}),
    askSystemd: options.askSystemd,
    toolVersion: UNITGATE_VERSION,
    takenAt: options.takenAt,
    env: options.env,
  });
  const text = JSON.stringify(snapshot, null, 2) + '\n';
  let stderr = '';
  const unreadable =
    snapshot.unreadableDirectories.length +
    snapshot.units.reduce((n, u) => n + u.files.filter((f) => !f.readable).length, 0);
  if (unreadable > 0)
    stderr += `unitgate snapshot: ${unreadable} file${unreadable === 1 ? '' : 's'} or director${unreadable === 1 ? 'y' : 'ies'} could not be read; recorded as unreadable (drift fails on them)\n`;
  const d = snapshot.systemd;
  stderr += `unitgate snapshot: ${snapshot.units.length} units; systemd ${d.detected.major ?? 'unknown'} (${d.detected.source}${d.detected.evidence ? `: ${d.detected.evidence}` : ''}), scored for ${d.scoredWith}\n`;
  if (snapshot.systemdAnalyze?.error)
    stderr += `unitgate snapshot: --ask-systemd: ${snapshot.systemdAnalyze.error}\n`;
  if (options.output === undefined) return { exitCode: 0, stdout: text, stderr };
  try {
    writeFileSync(resolve(cwd, options.output), text, { mode: 0o600 });
  } catch (e) {
    return {
      exitCode: 2,
      stdout: '',
      stderr: `unitgate snapshot: cannot write ${options.output}: ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`,
    };
  }
  return { exitCode: 0, stdout: '', stderr };
}
