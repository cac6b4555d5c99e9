// The host's systemd version, read off its tree without running anything, and the supported release
// its units are scored for. Two sources, each a fact of the installed files: the name of systemd's
// private library (`libsystemd-shared-252.so`, which every systemd build ships, whatever the package
// manager) and the `systemd` package's version in dpkg's status database (Debian and its derivatives).
// The library's name wins when both are present: it is what the installed binaries link against; a
// disagreement is recorded. With neither, the version is unknown and nothing is assumed about it.
import { DEFAULT_VERSION, SUPPORTED_VERSIONS, type SystemdVersion } from '../security/versions';
import type { DetectedSystemdVersion } from './snapshot-types';

export interface VersionEvidence {
  /** Paths (inside the root) of files whose name starts with `libsystemd-shared-`. */
  libraryFiles: string[];
  /** dpkg's status database, when the root has one. */
  dpkgStatus?: { path: string; text: string } | { path: string; error: string };
}

const LIBRARY = /^libsystemd-shared-(\d+)(?:[.-][^/]*)?\.so(?:\.\d+)*$/;

/** The `Version:` of the installed `systemd` package in a dpkg status file. */
function dpkgSystemdVersion(text: string): string | undefined {
  for (const stanza of text.split(/\n\s*\n/)) {
    const field = (name: string): string | undefined =>
      new RegExp(`^${name}:[ \\t]*(.*)$`, 'm').exec(stanza)?.[1]?.trim();
    if (field('Package') !== 'systemd') continue;
    const status = field('Status') ?? '';
    if (!/\binstalled$/.test(status)) continue;
    return field('Version');
  }
  return undefined;
}

/** The major version in a Debian version string (`1:252.39-1~deb12u2` → 252). */
function majorOf(version: string): number | undefined {
  const m = /^(?:\d+:)?(\d+)/.exec(version);
  return m ? Number(m[1]) : undefined;
}

export function detectSystemdVersion(evidence: VersionEvidence): DetectedSystemdVersion {
  const notes: string[] = [];
  const libraries = evidence.libraryFiles
    .map((path) => ({ path, major: LIBRARY.exec(path.slice(path.lastIndexOf('/') + 1))?.[1] }))
    .filter((l): l is { path: string; major: string } => l.major !== undefined)
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const majors = [...new Set(libraries.map((l) => Number(l.major)))];
  if (majors.length > 1)
    notes.push(`several systemd libraries are installed (${libraries.map((l) => l.path).join(', ')})`);

  let dpkg: { version: string; major: number | undefined; path: string } | undefined;
  const status = evidence.dpkgStatus;
  if (status && 'error' in status) notes.push(`${status.path} could not be read: ${status.error}`);
  else if (status) {
    const version = dpkgSystemdVersion(status.text);
    if (version !== undefined) dpkg = { version, major: majorOf(version), path: status.path };
  }

  // Several libraries (an upgrade half done) tell no one version: the package database decides then.
  const library = majors.length === 1 ? libraries[0] : undefined;
  if (library) {
    const major = Number(library.major);
    if (dpkg && dpkg.major !== major)
      notes.push(`${dpkg.path} says systemd ${dpkg.version}, the library says ${major}`);
    return {
      major,
      full: dpkg && dpkg.major === major ? dpkg.version : null,
      source: 'libsystemd-shared',
      evidence: library.path,
      notes,
    };
  }
  if (dpkg && dpkg.major !== undefined)
    return { major: dpkg.major, full: dpkg.version, source: 'dpkg-status', evidence: dpkg.path, notes };
  return { major: null, full: null, source: 'unknown', evidence: null, notes };
}

/**
 * The release to score for: the newest supported release at or below the host's (systemd's assessor
 * table and parsers change only in releases unitgate knows); the oldest supported one for an older
 * host, and `fallback` (the default release unless the caller chose one) when the version is unknown.
 */
export function releaseForHost(
  major: number | null,
  fallback: SystemdVersion = DEFAULT_VERSION,
): { version: SystemdVersion; differs: boolean; reason: string } {
  if (major === null)
    return {
      version: fallback,
      differs: true,
      reason: `the host's systemd version is unknown: scored for ${fallback}`,
    };
  const atOrBelow = SUPPORTED_VERSIONS.filter((v) => v <= major);
  const chosen = atOrBelow.at(-1);
  if (chosen === undefined) {
    const oldest = SUPPORTED_VERSIONS[0] as SystemdVersion;
    return {
      version: oldest,
      differs: true,
      reason: `systemd ${major} is older than every supported release: scored for ${oldest}`,
    };
  }
  if (chosen === major) return { version: chosen, differs: false, reason: `systemd ${major} is supported` };
  return {
    version: chosen,
    differs: true,
    reason: `systemd ${major} is not a supported release: scored for ${chosen}, the nearest below it`,
  };
}
