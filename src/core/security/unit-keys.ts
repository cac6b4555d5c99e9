// Which `Key=` each supported systemd version parses in which section, for the "Unknown key" warnings
// config_parse_line() (src/shared/conf-parser.c) logs, and the nearest known key ("did you mean").
// The v252 table is `systemd --dump-configuration-items` of 252; later versions add the keys below.
import keys252 from './data/unit-keys-252.json';
import { SUPPORTED_VERSIONS, type SystemdVersion } from './versions';

/**
 * Keys of the unit type's own section ([Service], [Socket]…) that v252 does not parse, with the first
 * supported version that does (load-fragment-gperf.gperf.in; NEWS of v253–v262). Only keys units are
 * seen to use; a later key missing here is reported as unknown to every version, the fail-closed side.
 */
export const KEYS_ADDED_AFTER_252: Readonly<Record<string, SystemdVersion>> = {
  OpenFile: 255,
  ImportCredential: 255,
  RestartSteps: 255,
  RestartMaxDelaySec: 255,
  RestartMode: 255,
  DelegateSubgroup: 255,
  MemoryPressureWatch: 255,
  MemoryPressureThresholdSec: 255,
  CoredumpReceive: 255,
  SetLoginEnvironment: 255,
  RootImagePolicy: 255,
  MountImagePolicy: 255,
  ExtensionImagePolicy: 255,
  MemoryZSwapMax: 255,
  // v253 (NEWS); 255 is the first supported release after 252.
  LogFilterPatterns: 255,
  PrivatePIDs: 257,
  // Both in the portable profiles the releases ship (`--profile=default`): v257 and v258.
  BindLogSockets: 257,
  DelegateNamespaces: 262,
};

/** The sections config_parse() reads for a unit of this type: [Unit], the type's own, [Install]. */
const TABLE: Readonly<Record<string, readonly string[]>> = keys252;
const SETS = new Map<string, ReadonlySet<string>>(
  Object.entries(TABLE).map(([section, keys]) => [section, new Set(keys)]),
);
/** Sections whose keys later versions extend (the unit types' own sections). */
const TYPE_SECTIONS = new Set(Object.keys(TABLE).filter((s) => s !== 'Unit' && s !== 'Install'));

/** Whether `version` parses `key` in `[section]`. */
export function isKnownKey(version: SystemdVersion, section: string, key: string): boolean {
  if (SETS.get(section)?.has(key)) return true;
  const added = KEYS_ADDED_AFTER_252[key];
  return added !== undefined && added <= version && TYPE_SECTIONS.has(section);
}

/** The first supported version that parses `key` in `[section]`, if one does. */
export function versionAddingKey(section: string, key: string): SystemdVersion | undefined {
  return SUPPORTED_VERSIONS.find((v) => isKnownKey(v, section, key));
}

/** Edit distance (Levenshtein) of two keys, case-insensitive; stops counting past `limit`. */
export function editDistance(a: string, b: string, limit = Infinity): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (Math.abs(x.length - y.length) > limit) return limit + 1;
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= y.length; j++) {
      const cost = x.charCodeAt(i - 1) === y.charCodeAt(j - 1) ? 0 : 1;
      const v = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      row.push(v);
      if (v < best) best = v;
    }
    if (best > limit) return limit + 1;
    prev = row;
  }
  return prev[y.length] as number;
}

/**
 * The known key of `[section]` (in any supported version) nearest to `key`, when it is close enough to
 * be a slip: at most 2 edits, and at most a third of the key's length (`Foo` is not "did you mean Bar").
 */
export function suggestKey(section: string, key: string): string | undefined {
  const limit = Math.min(2, Math.floor(key.length / 3));
  if (limit === 0) return undefined;
  const candidates = [...(TABLE[section] ?? [])];
  if (TYPE_SECTIONS.has(section)) candidates.push(...Object.keys(KEYS_ADDED_AFTER_252));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const c of candidates) {
    if (c === key) continue;
    const d = editDistance(key, c, limit);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}
