// The assessment: every assessor row's badness and description for a unit's settings, systemd's
// integer aggregation into the 0–100 exposure, the level, and the row order systemd prints.
// Ported from the assess_*() functions and assess() of src/analyze/analyze-security.c (v250–v262).
import type { AssessorData, LevelData, SystemdProfile } from './versions';
import type { SecuritySettings } from './settings';
import { NAMESPACES_UNSET } from './settings';
import type { SecurityPolicy } from './security-policy';

/** What one assessor concludes: a badness (0…range) or "not applicable", and maybe its own text. */
export interface Verdict {
  /** `undefined` = not applicable (left out of both sums). */
  badness: number | undefined;
  description?: string;
}

export interface AssessedRow {
  assessor: AssessorData;
  /** Position in systemd's table (its tie-breaker). */
  index: number;
  badness: number | undefined;
  /** `null` only for a partial badness without text (ProtectProc=noaccess). */
  description: string | null;
  weight: number;
  range: number;
  /** ✓ = true, ✗ = false, not applicable = null (the JSON `set`). */
  set: boolean | null;
  /** The row's share, e.g. `"0.2"`; null when badness is 0 or not applicable. */
  exposure: string | null;
}

export interface Assessment {
  unitId: string;
  /** In systemd's printing order. */
  rows: AssessedRow[];
  /** 0…100 (printed as `X.Y`). */
  exposure: number;
  level: LevelData;
}

/** A policy that cannot be applied: systemd aborts on these (exit status 134). */
export class AssessmentAbort extends Error {}

type Rule = (a: AssessorData, s: SecuritySettings, profile: SystemdProfile) => Verdict;

const NOBODY = 'nobody';

/** security_info_runs_privileged(). */
export function runsPrivileged(s: SecuritySettings): boolean {
  if (s.user === '0' || s.user === 'root') return true;
  if (s.dynamicUser) return false;
  return s.user === undefined || s.user === '';
}

const boolFlag: Record<string, (s: SecuritySettings) => boolean> = {
  PrivateDevices: (s) => s.privateDevices,
  PrivateMounts: (s) => s.privateMounts !== false,
  PrivateNetwork: (s) => s.privateNetwork,
  PrivateTmp: (s) => s.privateTmp !== 'no',
  PrivateUsers: (s) => s.privateUsers !== 'no',
  ProtectControlGroups: (s) => s.protectControlGroups !== 'no',
  ProtectKernelModules: (s) => s.protectKernelModules,
  ProtectKernelTunables: (s) => s.protectKernelTunables,
  ProtectKernelLogs: (s) => s.protectKernelLogs,
  ProtectClock: (s) => s.protectClock,
  ProtectHostname: (s) => s.protectHostname !== 'no',
  LockPersonality: (s) => s.lockPersonality,
  MemoryDenyWriteExecute: (s) => s.memoryDenyWriteExecute,
  NoNewPrivileges: (s) => s.noNewPrivileges,
  RestrictRealtime: (s) => s.restrictRealtime,
  RestrictSUIDSGID: (s) => s.restrictSuidSgid,
  Delegate: (s) => s.delegate,
};

/** Does the unit deny this class of address families? (get_security_info(), offline) */
function familyClassRestricted(s: SecuritySettings, cls: string): boolean {
  const allowList = s.addressFamiliesAllowList;
  let restricted = allowList;
  for (const af of s.addressFamilies?.families ?? []) {
    if (af === 0) continue;
    const c =
      af === 2 || af === 10
        ? 'inet'
        : af === 1
          ? 'unix'
          : af === 16
            ? 'netlink'
            : af === 17
              ? 'packet'
              : 'other';
    if (c === cls) restricted = !allowList;
  }
  return restricted;
}

const RULES: Record<AssessorData['kind'], Rule> = {
  bool: (a, s) => {
    if (a.familyClass) return { badness: familyClassRestricted(s, a.familyClass) ? 0 : 1 };
    const flag = boolFlag[a.jsonField];
    const value = flag ? flag(s) : false;
    // Delegate= is the one inverted flag: having it is bad.
    if (a.jsonField === 'Delegate') return { badness: value ? 1 : 0 };
    return { badness: value ? 0 : 1 };
  },
  user: (_a, s) => {
    if (s.user === NOBODY) {
      return {
        badness: 9,
        description: `Service runs under as '${NOBODY}' user, which should not be used for services`,
      };
    }
    const isRoot = s.user === '0' || s.user === 'root';
    if (s.dynamicUser && !isRoot)
      return { badness: 0, description: 'Service runs under a transient non-root user identity' };
    if (s.user !== undefined && s.user !== '' && !isRoot) {
      return { badness: 0, description: 'Service runs under a static non-root user identity' };
    }
    return { badness: 10 };
  },
  supplementary_groups: (_a, s) => {
    if (runsPrivileged(s)) return { badness: undefined };
    return { badness: s.supplementaryGroups.length > 0 ? 1 : 0 };
  },
  remove_ipc: (_a, s) => {
    if (runsPrivileged(s)) return { badness: undefined };
    return { badness: s.removeIpc ? 0 : 1 };
  },
  protect_home: (_a, s) => {
    switch (s.protectHome) {
      case 'yes':
        return { badness: 0, description: 'Service has no access to home directories' };
      case 'read-only':
        return { badness: 5, description: 'Service has read-only access to home directories' };
      case 'tmpfs':
        return { badness: 1, description: 'Service has access to fake empty home directories' };
      default:
        return { badness: 10, description: 'Service has full access to home directories' };
    }
  },
  protect_system: (_a, s) => {
    switch (s.protectSystem) {
      case 'strict':
        return { badness: 0, description: 'Service has strict read-only access to the OS file hierarchy' };
      case 'full':
        return { badness: 3, description: 'Service has very limited write access to the OS file hierarchy' };
      case 'yes':
        return { badness: 5, description: 'Service has limited write access to the OS file hierarchy' };
      default:
        return { badness: 10, description: 'Service has full access to the OS file hierarchy' };
    }
  },
  root_directory: (_a, s) => {
    const unset = (p: string | undefined): boolean => p === undefined || p === '' || p === '/';
    return { badness: unset(s.rootDirectory) && unset(s.rootImage) ? 1 : 0 };
  },
  capability_bounding_set: (a, s) => {
    const has = (a.capabilityBits ?? []).some(
      (bit) => (s.capabilityBoundingSet & (1n << BigInt(bit))) !== 0n,
    );
    return { badness: has ? 1 : 0 };
  },
  ambient_capabilities: (_a, s) => ({ badness: s.ambientCapabilities !== 0n ? 1 : 0 }),
  umask: (_a, s) => {
    const m = s.umask;
    if (!(m & 0o002))
      return { badness: 10, description: 'Files created by service are world-writable by default' };
    if (!(m & 0o004))
      return { badness: 5, description: 'Files created by service are world-readable by default' };
    if (!(m & 0o020))
      return { badness: 2, description: 'Files created by service are group-writable by default' };
    if (!(m & 0o040))
      return { badness: 1, description: 'Files created by service are group-readable by default' };
    return {
      badness: 0,
      description: "Files created by service are accessible only by service's own user by default",
    };
  },
  keyring_mode: (_a, s) => ({ badness: s.keyringMode === 'private' ? 0 : 1 }),
  protect_proc: (_a, s) => {
    switch (s.protectProc) {
      case 'noaccess':
        return { badness: 1 };
      case 'invisible':
      case 'ptraceable':
        return { badness: 0 };
      default:
        return { badness: 3 };
    }
  },
  proc_subset: (_a, s) => ({ badness: s.procSubset === 'pid' ? 0 : 1 }),
  notify_access: (_a, s) => ({ badness: s.notifyAccess === 'all' ? 1 : 0 }),
  restrict_namespaces: (a, s, profile) => {
    void profile;
    const flag = NAMESPACE_BITS[a.namespace ?? ''] ?? 0;
    const allowed = s.restrictNamespaces === NAMESPACES_UNSET || (s.restrictNamespaces & flag) !== 0;
    return { badness: allowed ? 1 : 0 };
  },
  system_call_architectures: (_a, s) => {
    const archs = s.systemCallArchitectures;
    if (archs.size === 0)
      return { badness: 10, description: 'Service may execute system calls with all ABIs' };
    if (archs.size === 1 && archs.has('native')) {
      return { badness: 0, description: 'Service may execute system calls only with native ABI' };
    }
    return { badness: 8, description: 'Service may execute system calls with multiple ABIs' };
  },
  system_call_filter: (a, s, profile) => {
    const filter = s.systemCallFilter;
    if (!filter || (!filter.allowList && filter.names.size === 0)) {
      return { badness: 10, description: 'Service does not filter system calls' };
    }
    const group = a.syscallGroup ?? '';
    const members = profile.data.assessedGroups[group] ?? [];
    let offender: string | undefined;
    for (const name of members) {
      const inFilter = filter.names.has(name);
      if (filter.allowList ? inFilter : !inFilter) {
        offender = name;
        break;
      }
    }
    if (filter.allowList) {
      return offender !== undefined
        ? {
            badness: 9,
            description: `System call allow list defined for service, and ${group} is included (e.g. ${offender} is allowed)`,
          }
        : {
            badness: 0,
            description: `System call allow list defined for service, and ${group} is not included`,
          };
    }
    return offender !== undefined
      ? {
          badness: 10,
          description: `System call deny list defined for service, and ${group} is not included (e.g. ${offender} is allowed)`,
        }
      : { badness: 0, description: `System call deny list defined for service, and ${group} is included` };
  },
  ip_address_allow: (_a, s) => {
    if (s.ipCustomFilters)
      return {
        badness: 0,
        description: 'Service defines custom ingress/egress IP filters with BPF programs',
      };
    if (!s.ipAddressDenyAll)
      return { badness: 10, description: 'Service does not define an IP address allow list' };
    if (s.ipAddressAllowOther)
      return { badness: 5, description: 'Service defines IP address allow list with non-localhost entries' };
    if (s.ipAddressAllowLocalhost)
      return { badness: 2, description: 'Service defines IP address allow list with only localhost entries' };
    return { badness: 0, description: 'Service blocks all IP address ranges' };
  },
  device_allow: (_a, s) => {
    if (s.devicePolicy === 'strict' || s.devicePolicy === 'closed') {
      if (s.deviceAllow.length > 0) {
        const list = s.deviceAllow.map((e) => `${e.path}:${e.permissions}`).join(' ');
        return { badness: 5, description: `Service has a device ACL with some special devices: ${list}` };
      }
      return { badness: 0, description: 'Service has a minimal device ACL' };
    }
    return { badness: 10, description: 'Service has no device ACL' };
  },
};

const NAMESPACE_BITS: Record<string, number> = {
  cgroup: 0x02000000,
  ipc: 0x08000000,
  net: 0x40000000,
  mnt: 0x00020000,
  pid: 0x20000000,
  user: 0x10000000,
  uts: 0x04000000,
};

const BOOT_PHASE = 'Service runs in special boot phase, option is not appropriate';
const EXCLUDED = 'Option excluded by policy, skipping';

/** Integer round-up division on non-negative numbers (DIV_ROUND_UP). */
function divRoundUp(a: number, b: number): number {
  return Math.floor((a + b - 1) / b);
}

const U64 = (1n << 64n) - 1n;

/** systemd computes in uint64_t; only absurd policy weights leave the exact range of doubles. */
function needsBigArithmetic(rows: { weight: number; range: number }[]): boolean {
  let weightSum = 0;
  for (const r of rows) {
    if (r.weight > 0xffffffff || r.range > 0xffffffff) return true;
    weightSum += r.weight;
  }
  return weightSum > 0xffffffff;
}

function formatTenths(x: number | bigint): string {
  if (typeof x === 'number') return `${Math.floor(x / 10)}.${x % 10}`;
  return `${x / 10n}.${x % 10n}`;
}

/**
 * Scores a unit. Throws AssessmentAbort where systemd would abort (a policy range of 0 or below a
 * badness, or a policy that leaves no weight at all).
 */
export function assessUnit(
  s: SecuritySettings,
  profile: SystemdProfile,
  policy?: SecurityPolicy,
): Assessment {
  const assessors = profile.data.assessors;
  const rows: AssessedRow[] = [];
  for (let index = 0; index < assessors.length; index++) {
    const a = assessors[index] as AssessorData;
    const override = policy?.get(a.jsonField);
    const weight = override?.weight ?? a.weight;
    const range = override?.range ?? a.range;
    let verdict: Verdict;
    if (a.defaultDependenciesOnly && !s.defaultDependencies)
      verdict = { badness: undefined, description: BOOT_PHASE };
    else if (weight === 0) verdict = { badness: undefined, description: EXCLUDED };
    else verdict = RULES[a.kind](a, s, profile);
    if (range === 0) throw new AssessmentAbort(`Assertion 'range > 0' failed for ${a.jsonField}`);
    if (verdict.badness !== undefined && verdict.badness > range) {
      throw new AssessmentAbort(`Assertion 'badness <= range' failed for ${a.jsonField}`);
    }
    let description: string | null;
    let set: boolean | null;
    if (verdict.badness === undefined) {
      set = null;
      description = override?.descriptionNa ?? a.descriptionNa;
    } else if (verdict.badness === a.range) {
      set = false;
      description = override?.descriptionBad ?? a.descriptionBad;
    } else if (verdict.badness === 0) {
      set = true;
      description = override?.descriptionGood ?? a.descriptionGood;
    } else {
      set = false;
      description = null;
    }
    if (verdict.description !== undefined) description = verdict.description;
    rows.push({
      assessor: a,
      index,
      badness: verdict.badness,
      description,
      weight,
      range,
      set,
      exposure: null,
    });
  }

  let exposure: number;
  if (!needsBigArithmetic(rows)) {
    let badnessSum = 0;
    let weightSum = 0;
    for (const r of rows) {
      if (r.badness === undefined) continue;
      badnessSum += divRoundUp(r.badness * r.weight, r.range);
      weightSum += r.weight;
    }
    if (weightSum === 0) throw new AssessmentAbort("Assertion 'weight_sum > 0' failed");
    for (const r of rows) {
      if (r.badness === undefined || r.badness === 0) continue;
      r.exposure = formatTenths(divRoundUp(divRoundUp(r.badness * r.weight * 100, r.range), weightSum));
    }
    exposure = divRoundUp(badnessSum * 100, weightSum);
  } else {
    const up = (x: bigint, y: bigint): bigint => ((x + y - 1n) & U64) / y;
    let badnessSum = 0n;
    let weightSum = 0n;
    for (const r of rows) {
      if (r.badness === undefined) continue;
      badnessSum = (badnessSum + up((BigInt(r.badness) * BigInt(r.weight)) & U64, BigInt(r.range))) & U64;
      weightSum = (weightSum + BigInt(r.weight)) & U64;
    }
    if (weightSum === 0n) throw new AssessmentAbort("Assertion 'weight_sum > 0' failed");
    for (const r of rows) {
      if (r.badness === undefined || r.badness === 0) continue;
      const x = up(up((BigInt(r.badness) * BigInt(r.weight) * 100n) & U64, BigInt(r.range)), weightSum);
      r.exposure = formatTenths(x);
    }
    exposure = Number(up((badnessSum * 100n) & U64, weightSum));
  }

  const levels = profile.data.levels;
  const level = levels.find((l) => exposure >= l.min) ?? (levels[levels.length - 1] as LevelData);
  return {
    unitId: s.unitId,
    rows: sortRows(rows, profile.traits.emptyDescriptionSortsFirst),
    exposure,
    level,
  };
}

function strcmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const ORDER_CACHE = new Map<string, number[]>();
const ORDER_CACHE_LIMIT = 4096;

/**
 * The order systemd prints rows in: description descending, then name, then table position
 * (table_set_sort(3, 1) + table_set_reverse(3) in assess()). Before v262 a row without description
 * makes the comparator inconsistent, so its position is what glibc's merge sort (qsort_r) produces:
 * we run exactly that algorithm over [header, rows…] with the same comparator.
 */
export function sortRows(rows: AssessedRow[], emptyDescriptionFirst: boolean): AssessedRow[] {
  // With every description present the comparator is a consistent total order (names are unique), so
  // any correct sort gives systemd's order; only a missing description needs the merge-sort emulation.
  if (rows.every((r) => r.description !== null)) {
    // Many units share the same row texts; their order is then the same permutation.
    let signature = emptyDescriptionFirst ? '1' : '0';
    for (const r of rows) signature += '\0' + (r.description as string);
    const cached = ORDER_CACHE.get(signature);
    if (cached && cached.length === rows.length) return cached.map((i) => rows[i] as AssessedRow);
    const sorted = [...rows].sort((a, b) => {
      const da = a.description as string;
      const db = b.description as string;
      if (da !== db) return da < db ? 1 : -1;
      return strcmp(a.assessor.name, b.assessor.name) || a.index - b.index;
    });
    if (ORDER_CACHE.size >= ORDER_CACHE_LIMIT) ORDER_CACHE.clear();
    ORDER_CACHE.set(
      signature,
      sorted.map((r) => rows.indexOf(r)),
    );
    return sorted;
  }
  // Index 0 is the header row, pinned first; row i is at index i + 1.
  const compare = (x: number, y: number): number => {
    if (x === 0 && y === 0) return 0;
    if (x === 0) return -1;
    if (y === 0) return 1;
    const a = rows[x - 1] as AssessedRow;
    const b = rows[y - 1] as AssessedRow;
    let r: number;
    if (a.description !== null && b.description !== null) r = strcmp(a.description, b.description);
    else if (emptyDescriptionFirst) r = a.description === null ? (b.description === null ? 0 : 1) : -1;
    else r = x < y ? -1 : x > y ? 1 : 0; // cells of different types: original order
    if (r !== 0) return -r; // the description column is reversed
    r = strcmp(a.assessor.name, b.assessor.name);
    if (r !== 0) return r;
    return x - y;
  };
  const order = Array.from({ length: rows.length + 1 }, (_, i) => i);
  mergeSort(order, compare);
  return order.slice(1).map((i) => rows[i - 1] as AssessedRow);
}

/** glibc's msort_with_tmp(): top-down merge sort, left element wins ties (compare <= 0). */
function mergeSort(items: number[], compare: (a: number, b: number) => number): void {
  const tmp = new Array<number>(items.length);
  const sort = (lo: number, n: number): void => {
    if (n <= 1) return;
    const n1 = Math.floor(n / 2);
    const n2 = n - n1;
    sort(lo, n1);
    sort(lo + n1, n2);
    let i = lo;
    let j = lo + n1;
    let k = 0;
    let left = n1;
    let right = n2;
    while (left > 0 && right > 0) {
      if (compare(items[i] as number, items[j] as number) <= 0) {
        tmp[k++] = items[i++] as number;
        left--;
      } else {
        tmp[k++] = items[j++] as number;
        right--;
      }
    }
    while (left > 0) {
      tmp[k++] = items[i++] as number;
      left--;
    }
    for (let m = 0; m < k; m++) items[lo + m] = tmp[m] as number;
  };
  sort(0, items.length);
}
