// What `unitgate snapshot` records about one host (schemas/unitgate-snapshot-1.schema.json): the units
// it scored, the files that define each (with content hashes and their directives, secret-bearing
// values hashed), the systemd release found on the host and the one scored for, and what could not be
// read. `unitgate drift` compares it with what the repository predicts. A field is only ever added
// within `unitgate-snapshot/1`; a breaking change makes `unitgate-snapshot/2`.

export const SNAPSHOT_FORMAT = 'unitgate-snapshot/1';

/**
 * The most bytes a snapshot file may have, for `unitgate drift` and the action alike: a host of a
 * thousand units makes a few tens of MiB; far more is not a snapshot, and is refused before it is read.
 */
export const MAX_SNAPSHOT_BYTES = 64 * 1024 * 1024;

/** Where the host's systemd version was read from (`unknown`: nowhere, and nothing is assumed). */
export type VersionSource = 'libsystemd-shared' | 'dpkg-status' | 'unknown';

export interface DetectedSystemdVersion {
  /** The major version (`252`), or null when no source tells it. */
  major: number | null;
  /** The full version string when a source gives one (`252.39-1~deb12u2`), else null. */
  full: string | null;
  source: VersionSource;
  /** The file (inside the root) that told it, or null. */
  evidence: string | null;
  /** What else was seen: a second source that disagrees, a source that could not be read. */
  notes: string[];
}

/** One `Key=Value` line of a file; for secret-bearing keys only the value's sha256 is kept. */
export type SnapshotDirective =
  | { section: string; key: string; line: number; value: string }
  | { section: string; key: string; line: number; valueSha256: string };

/** A file that defines a unit: its fragment, a drop-in, or a drop-in directory that cannot be listed. */
export type SnapshotFile =
  | {
      /** The path inside the root (`/etc/systemd/system/x.service.d/override.conf`). */
      path: string;
      role: 'fragment' | 'drop-in';
      /**
       * The file's identity across trees: `fragment` for the unit file, `NAME.d/FILE.conf` for a
       * drop-in (systemd applies one drop-in per file name, from the first directory that has it).
       */
      key: string;
      readable: true;
      sha256: string;
      size: number;
      directives: SnapshotDirective[];
    }
  | {
      path: string;
      role: 'fragment' | 'drop-in' | 'drop-in-directory';
      key: string;
      readable: false;
      /** Why it could not be read (`EACCES`, `cannot be listed`…). */
      error: string;
    };

/** One assessor row as `systemd-analyze security --json=short` prints it. */
export interface SnapshotRow {
  field: string;
  name: string;
  set: boolean | null;
  description: string | null;
  /** The row's share of the exposure (`"0.2"`), null when the row costs nothing or does not apply. */
  exposure: string | null;
}

/** Where the real systemd-analyze disagrees with unitgate on a unit. */
export interface SystemdAnalyzeComparison {
  /** The overall exposure systemd-analyze printed (0…100), or null when it did not print one. */
  exposure: number | null;
  /** Set when systemd-analyze failed on the unit (its last line). */
  error: string | null;
  disagreements: { what: string; unitgate: string; systemd: string }[];
}

export interface SnapshotUnit {
  /** The name the unit is asked for (a template carries the scored release's instance). */
  name: string;
  /** Every name it is known by (aliases). */
  names: string[];
  /** Named on the command line (not only found in the search path). */
  requested: boolean;
  state: 'loaded' | 'masked' | 'not-found' | 'error';
  files: SnapshotFile[];
  /** 0…100 (systemd prints 9.6 for 96); null when the unit could not be scored. */
  exposure: number | null;
  level: string | null;
  rows: SnapshotRow[];
  /** Why the unit could not be scored. */
  error: string | null;
  /** With --ask-systemd. */
  systemdAnalyze?: SystemdAnalyzeComparison;
}

export interface Snapshot {
  schema: typeof SNAPSHOT_FORMAT;
  tool: { name: 'unitgate'; version: string };
  /** ISO 8601 time the snapshot was taken. */
  takenAt: string;
  host: {
    /** The host's name (`--host`, else the root's /etc/hostname), or null. */
    name: string | null;
    /** The root the units were read from (`/` on the host itself). */
    root: string;
  };
  systemd: {
    detected: DetectedSystemdVersion;
    /** The supported release the units were scored for: the nearest at or below the detected one. */
    scoredWith: number;
    /** Whether that release is not the detected major version (or the version is unknown). */
    differs: boolean;
    reason: string;
  };
  /** Unit types scanned for (`.service`). */
  unitTypes: string[];
  /** The search path the units were loaded through, inside the root. */
  searchPath: string[];
  /** Directories of the search path that exist but could not be listed: their units are unknown. */
  unreadableDirectories: { path: string; error: string }[];
  units: SnapshotUnit[];
  /** With --ask-systemd: the systemd-analyze that was asked, or why none was. */
  systemdAnalyze?: { version: string | null; error: string | null };
}
