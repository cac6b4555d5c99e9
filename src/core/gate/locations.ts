// Where a finding points: the line that caused it, on the side it is on. An added or changed line is
// cited at head; a removed line at the merge base (`side: 'base'`, with a head anchor for outputs that
// can only point at head); a capability at the assignment that grants it. Renderers only read these.
import type { Assignment, SourceLocation } from '../unit/parse-unit-file';
import type { SecuritySettings } from '../security/settings';
import type { SystemdRelease } from '../security/versions';
import type { FindingLocation, RemovedAssignment } from './gate-types';

/** A side as the location helpers need it (a subset of evaluate-gate's UnitSide). */
export interface LocatedSide {
  path: string;
  settings?: SecuritySettings | undefined;
}

function plain(a: SourceLocation): SourceLocation {
  return { file: a.file, line: a.line, column: a.column };
}

/** The `[Service]`-type header of the side's main file, or its first line. */
export function headerOf(side: LocatedSide | undefined): SourceLocation {
  const t = side?.settings?.typeSection;
  return t ? plain(t) : { file: side?.path ?? '', line: 1, column: 1 };
}

/** The assignment of `directives` systemd applied last (a drop-in's line beats the main file's). */
export function lastApplied(
  s: SecuritySettings | undefined,
  directives: readonly string[],
): Assignment | undefined {
  let best: Assignment | undefined;
  for (const d of directives) {
    const a = s?.provenance.get(d)?.at(-1) ?? s?.implied.get(d);
    if (!a) continue;
    if (!best || (s?.applied.get(a) ?? -1) > (s?.applied.get(best) ?? -1)) best = a;
  }
  return best;
}

/**
 * Where a removed base line would be read at head: the same file's `[Service]`-type section header
 * when the file is still part of the unit, else the unit's own header.
 */
export function headAnchorOf(base: SourceLocation, head: LocatedSide | undefined): SourceLocation {
  const s = head?.settings;
  if (!s || s.typeSection?.file === base.file) return headerOf(head);
  // A drop-in still read at head: its own `[Service]`-type header (not a `[Unit]` one).
  const section = s.unitType.charAt(0).toUpperCase() + s.unitType.slice(1);
  let anchor: SourceLocation | undefined;
  for (const list of s.provenance.values()) {
    for (const a of list) {
      if (a.file !== base.file || a.section !== section) continue;
      if (!anchor || a.sectionLine < anchor.line) anchor = { file: a.file, line: a.sectionLine, column: 1 };
    }
  }
  return anchor ?? headerOf(head);
}

/**
 * Where an output that can only point at the head commit (annotations, SARIF) places a finding: the
 * location itself at head, the head anchor of a base line.
 */
export function headPlace(loc: FindingLocation): SourceLocation {
  if (loc.side !== 'base') return plain(loc);
  return loc.headAnchor ? plain(loc.headAnchor) : plain(loc);
}

/** " (removed line: `file:12` at the base commit)" for a base location, else "". */
export function baseLineNote(loc: FindingLocation): string {
  return loc.side === 'base' ? ` (removed line ${loc.file}:${loc.line} at the base commit)` : '';
}

/** A base line as a finding location. */
export function baseLocation(at: SourceLocation, head: LocatedSide | undefined): FindingLocation {
  return { ...plain(at), side: 'base', headAnchor: headAnchorOf(at, head) };
}

function assignmentsText(s: SecuritySettings | undefined, directives: readonly string[]): string[] {
  const out: string[] = [];
  for (const d of directives) for (const a of s?.provenance.get(d) ?? []) out.push(`${a.key}=${a.value}`);
  return out;
}

/**
 * The head assignment of `directives` that systemd applied last among those the base does not have (as
 * often): an earlier line added before an unchanged last one (`RestrictAddressFamilies=AF_PACKET` above
 * `RestrictAddressFamilies=AF_UNIX`) is the cause, not the line that did not change.
 */
function lastAdded(
  base: SecuritySettings | undefined,
  head: SecuritySettings | undefined,
  directives: readonly string[],
): Assignment | undefined {
  const left = assignmentsText(base, directives);
  let best: Assignment | undefined;
  for (const d of directives) {
    for (const a of head?.provenance.get(d) ?? []) {
      const i = left.indexOf(`${a.key}=${a.value}`);
      if (i >= 0) {
        left.splice(i, 1);
        continue;
      }
      if (!best || (head?.applied.get(a) ?? -1) > (head?.applied.get(best) ?? -1)) best = a;
    }
  }
  return best;
}

/**
 * The cause of a row's change. The head line new at head (added, or its value changed) that systemd
 * applied last; otherwise, when lines were removed, the last removed line at base;
 * otherwise the head line (an implied setting) or the unit's header.
 */
export function rowChangeLocation(
  directives: readonly string[],
  base: LocatedSide,
  head: LocatedSide,
  removed: readonly RemovedAssignment[],
): FindingLocation {
  const added = lastAdded(base.settings, head.settings, directives);
  if (added) return plain(added);
  const at = lastApplied(head.settings, directives);
  if (at && removed.length === 0) return plain(at);
  const last = removed.at(-1);
  if (last) return baseLocation(last.location, head);
  return headerOf(head);
}

function capabilityBits(value: string, systemd: SystemdRelease): bigint {
  let mask = 0n;
  for (const w of value.split(/\s+/)) {
    const bit = systemd.data.capabilities[w.toUpperCase()];
    if (bit !== undefined) mask |= 1n << BigInt(bit);
  }
  return mask;
}

/**
 * The line that grants the forbidden capabilities: replaying CapabilityBoundingSet= and
 * AmbientCapabilities= as config_parse_capability_set() (src/core/load-fragment.c, 252) combines them
 * (the first assignment or an empty one replaces the set, later ones add, `~` ones remove), the
 * assignment systemd applied last among those that put a forbidden capability into a set that still
 * holds it at the end. Undefined when only the default (every capability in the bounding set) grants
 * them: there is no line, the caller points at the section header.
 */
export function capabilityGrantLine(
  s: SecuritySettings,
  forbidden: readonly string[],
  systemd: SystemdRelease,
): Assignment | undefined {
  const wanted = capabilityBits(forbidden.join(' '), systemd);
  const all = (1n << 64n) - 1n;
  let best: Assignment | undefined;
  for (const [key, initial, final] of [
    ['CapabilityBoundingSet', all, s.capabilityBoundingSet],
    ['AmbientCapabilities', 0n, s.ambientCapabilities],
  ] as const) {
    let current: bigint = initial;
    /** Per capability bit: the assignment that last put it into the set. */
    const grantedBy = new Map<bigint, Assignment>();
    for (const a of s.provenance.get(key) ?? []) {
      const invert = a.value.startsWith('~');
      const sum = capabilityBits(invert ? a.value.slice(1) : a.value, systemd);
      const replace = sum === 0n || current === initial;
      const next = replace ? (invert ? ~sum & all : sum) : invert ? current & ~sum & all : current | sum;
      for (let bit = 0n; bit < 64n; bit++) {
        const m = 1n << bit;
        if ((wanted & m) === 0n || (next & m) === 0n) continue;
        if (replace || (current & m) === 0n) grantedBy.set(bit, a);
      }
      current = next;
    }
    for (const [bit, a] of grantedBy) {
      if ((final & (1n << bit)) === 0n) continue;
      if (!best || (s.applied.get(a) ?? -1) > (s.applied.get(best) ?? -1)) best = a;
    }
  }
  return best;
}
