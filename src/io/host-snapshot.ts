// `unitgate snapshot`'s reads of a host (or of a mounted image with --root): the systemd version off
// the tree, the host name, the units (through the confined tree reader, as `unitgate security --root`
// reads them), and — when asked — the real systemd-analyze's opinion. Read-only: nothing is written
// and nothing outside the root is read; what cannot be read is recorded, never skipped.
import { spawnSync } from 'node:child_process';
import { closeSync, fstatSync, openSync, readSync, constants } from 'node:fs';
import { takeSnapshot } from '../core/drift/take-snapshot';
import { detectSystemdVersion, releaseForHost, type VersionEvidence } from '../core/drift/host-version';
import {
  SNAPSHOT_FORMAT,
  type Snapshot,
  type SnapshotRow,
  type SnapshotUnit,
  type SystemdAnalyzeComparison,
} from '../core/drift/snapshot-types';
import { systemdRelease, type SystemdVersion } from '../core/security/versions';
import { resolvePath, type UnitTree } from '../core/unit/unit-tree';
import { createRealTree } from './node-unit-tree';

export interface HostSnapshotOptions {
  /** The root to read (`/` for the host itself), absolute. */
  root: string;
  /** Units named on the command line; with `onlyRequested`, no others. */
  units: string[];
  onlyRequested: boolean;
  unitTypes: string[];
  /** The host's name; default: the root's /etc/hostname. */
  hostName?: string;
  /** The release to score for when the host's version is unknown. */
  fallbackVersion?: SystemdVersion;
  askSystemd: boolean;
  /** The systemd-analyze to ask (default: the one on PATH). */
  systemdAnalyze?: string;
  toolVersion: string;
  takenAt: string;
  env: Readonly<Record<string, string | undefined>>;
}

/** dpkg's status file can be several MiB on a full host; more than this is not a status file. */
const MAX_STATUS_BYTES = 64 * 1024 * 1024;

/** Reads a regular file at a tree path of a confined tree, without following a final link. */
function readConfined(root: string, treePath: string): { text: string } | { error: string } {
  let fd: number | undefined;
  try {
    fd = openSync(
      `${root === '/' ? '' : root}${treePath}`,
      constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK,
    );
    const st = fstatSync(fd);
    if (!st.isFile()) return { error: 'not a regular file' };
    if (st.size > MAX_STATUS_BYTES) return { error: `larger than ${MAX_STATUS_BYTES} bytes` };
    const buffer = Buffer.alloc(st.size);
    let at = 0;
    while (at < buffer.length) {
      const n = readSync(fd, buffer, at, buffer.length - at, at);
      if (n === 0) break;
      at += n;
    }
    return { text: buffer.subarray(0, at).toString('utf8') };
  } catch (e) {
    return { error: (e as NodeJS.ErrnoException).code ?? String(e) };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Where systemd's private library lives: /usr/lib/systemd (Debian 12, Fedora), a multiarch directory (Debian 13). */
function versionEvidence(tree: UnitTree, root: string): VersionEvidence {
  const libraryFiles = new Set<string>();
  const dirs = ['/usr/lib/systemd', '/usr/lib64/systemd', '/lib/systemd'];
  const usrLib = resolvePath(tree, '/usr/lib');
  if (usrLib.kind === 'directory')
    for (const name of tree.readDirectory(usrLib.path) ?? []) dirs.push(`/usr/lib/${name}/systemd`);
  for (const dir of dirs) {
    const r = resolvePath(tree, dir);
    if (r.kind !== 'directory') continue;
    for (const name of tree.readDirectory(r.path) ?? [])
      if (name.startsWith('libsystemd-shared-')) libraryFiles.add(`${r.path}/${name}`);
  }
  const evidence: VersionEvidence = { libraryFiles: [...libraryFiles] };
  const status = resolvePath(tree, '/var/lib/dpkg/status');
  if (status.kind === 'file') {
    const read = readConfined(root, status.path);
    evidence.dpkgStatus = { path: status.path, ...read };
  }
  return evidence;
}

function hostNameOf(tree: UnitTree): string | null {
  const r = resolvePath(tree, '/etc/hostname');
  if (r.kind !== 'file') return null;
  const read = tree.readFile(r.path);
  if ('error' in read) return null;
  const name = read.text
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '' && !l.startsWith('#'));
  return name ?? null;
}

export function snapshotHost(options: HostSnapshotOptions): Snapshot {
  // Version facts are read in the root as a root of its own (`lib` → `usr/lib` inside the image).
  const confined = createRealTree(options.root);
  const detected = detectSystemdVersion(versionEvidence(confined, options.root));
  const release = releaseForHost(detected.major, options.fallbackVersion);
  const systemd = systemdRelease(release.version);
  // Units are read as `systemd-analyze security --offline=true --root=` reads them (see security-command.ts).
  const tree = createRealTree(options.root, { hostView: true });
  const taken = takeSnapshot({
    tree,
    systemd,
    unitTypes: options.unitTypes,
    requested: options.units,
    onlyRequested: options.onlyRequested,
  });
  const snapshot: Snapshot = {
    schema: SNAPSHOT_FORMAT,
    tool: { name: 'unitgate', version: options.toolVersion },
    takenAt: options.takenAt,
    host: { name: options.hostName ?? hostNameOf(confined), root: options.root },
    systemd: { detected, scoredWith: release.version, differs: release.differs, reason: release.reason },
    unitTypes: [...options.unitTypes],
    searchPath: taken.searchPath,
    unreadableDirectories: taken.unreadableDirectories,
    units: taken.units,
  };
  if (options.askSystemd) askSystemd(snapshot, options);
  return snapshot;
}

interface ToolRun {
  status: number | null;
  stdout: string;
  stderr: string;
  error?: string;
}

function runAnalyze(
  binary: string,
  args: string[],
  env: Readonly<Record<string, string | undefined>>,
): ToolRun {
  const r = spawnSync(binary, args, {
    encoding: 'utf8',
    cwd: '/',
    // Nothing of the caller's environment that changes what systemd-analyze loads (SYSTEMD_UNIT_PATH).
    env: { PATH: env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C.UTF-8', SYSTEMD_COLORS: '0', SYSTEMD_PAGER: 'cat' },
    maxBuffer: 64 * 1024 * 1024,
    timeout: 60_000,
  });
  if (r.error)
    return {
      status: null,
      stdout: '',
      stderr: '',
      error: (r.error as NodeJS.ErrnoException).code ?? r.error.message,
    };
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Asks systemd-analyze about every scored unit and records where it disagrees. */
function askSystemd(snapshot: Snapshot, options: HostSnapshotOptions): void {
  const binary = options.systemdAnalyze ?? 'systemd-analyze';
  const version = runAnalyze(binary, ['--version'], options.env);
  if (version.error !== undefined || version.status !== 0) {
    snapshot.systemdAnalyze = {
      version: null,
      error: `${binary} could not be run: ${version.error ?? version.stderr.trim().split('\n').at(-1) ?? `exit ${version.status}`}`,
    };
    return;
  }
  snapshot.systemdAnalyze = { version: version.stdout.split('\n')[0] ?? '', error: null };
  const rootArgs = options.root === '/' ? [] : [`--root=${options.root}`];
  for (const unit of snapshot.units) {
    if (unit.state !== 'loaded') continue;
    unit.systemdAnalyze = compareWithSystemd(unit, (extra) =>
      runAnalyze(
        binary,
        ['security', '--offline=true', ...rootArgs, '--no-pager', ...extra, unit.name],
        options.env,
      ),
    );
  }
}

function lastLine(run: ToolRun): string {
  return run.error ?? run.stderr.trim().split('\n').at(-1) ?? `exit ${run.status}`;
}

function compareWithSystemd(unit: SnapshotUnit, run: (extra: string[]) => ToolRun): SystemdAnalyzeComparison {
  const table = run([]);
  const overall = /Overall exposure level for \S+: (\d+)\.(\d)/.exec(table.stdout);
  if (!overall) return { exposure: null, error: lastLine(table), disagreements: [] };
  const exposure = Number(overall[1]) * 10 + Number(overall[2]);
  const disagreements: SystemdAnalyzeComparison['disagreements'] = [];
  if (exposure !== unit.exposure)
    disagreements.push({ what: 'exposure', unitgate: String(unit.exposure), systemd: String(exposure) });
  const json = run(['--json=short']);
  let rows: { json_field?: string; set?: unknown; description?: unknown; exposure?: unknown }[];
  try {
    rows = JSON.parse(json.stdout) as typeof rows;
    if (!Array.isArray(rows)) throw new Error('not an array');
  } catch {
    return { exposure, error: `its --json=short output could not be read: ${lastLine(json)}`, disagreements };
  }
  const ours = new Map<string, SnapshotRow>(unit.rows.map((r) => [r.field, r]));
  const theirs = new Set<string>();
  for (const row of rows) {
    const field = String(row.json_field ?? '');
    theirs.add(field);
    const mine = ours.get(field);
    if (!mine) {
      disagreements.push({ what: `row ${field}`, unitgate: '(no row)', systemd: JSON.stringify(row) });
      continue;
    }
    for (const key of ['set', 'exposure', 'description'] as const) {
      const a = JSON.stringify(mine[key] ?? null);
      const b = JSON.stringify(row[key] ?? null);
      if (a !== b) disagreements.push({ what: `row ${field} ${key}`, unitgate: a, systemd: b });
    }
  }
  for (const field of ours.keys())
    if (!theirs.has(field))
      disagreements.push({ what: `row ${field}`, unitgate: 'present', systemd: '(no row)' });
  return { exposure, error: null, disagreements };
}
