// The assessment: every assessor row's badness and description for a unit's settings, systemd's
// integer aggregation into the 0–100 exposure, the level, and the row order systemd prints.
// Ported from the assess_*() functions and assess() of src/analyze/analyze-security.c (v250–v262).
import type { AssessorData, LevelData, SystemdRelease } from './versions';
import type { SecuritySettings } from './settings';
import { knowledgeOf } from './assessor-knowledge';
import { NAMESPACE_FLAGS, NAMESPACES_UNSET } from './nsflags';
import type { SecurityPolicy } from './security-policy';

/** What one assessor concludes: a badness (0…range) or "not applicable", and maybe its own text. */
export interface AssessorVerdict {
  /** `undefined` = not applicable (left out of both sums). */
  badness: number | undefined;
  description?: string;
  /** A constant verdict's text: its position in CONSTANT_TEXTS (its rank is then an array read). */
  textId?: number;
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
  /** The same rows without an object per row, as assessUnit() computes them (renderers read this). */
  columns?: AssessmentColumns;
}

/**
 * A unit's rows as columns indexed by table position, with the printing order apart. Scoring 2,000
 * units makes 160,000 rows: one object each costs more than everything else the scoring does (the
 * allocation and the garbage collection it brings), and the CLI only reads them once, to print.
 */
export interface AssessmentColumns {
  /** The assessor table (position → assessor) with the weights and ranges in effect. */
  assessors: readonly AssessorData[];
  weight: readonly number[];
  range: readonly number[];
  /** Table positions in systemd's printing order. */
  order: readonly number[];
  badness: readonly (number | undefined)[];
  description: readonly (string | null)[];
  /**
   * ✓/✗ by position, only for hand-made rows (columnsOf()); assessUnit() leaves it out, as it
   * follows from the badness (see setOf()).
   */
  set?: readonly (boolean | null)[];
  exposure: readonly (string | null)[];
}

/**
 * A row's ✓ (true), ✗ (false) or not applicable (null): ✓ exactly when its badness is 0, since a rule
 * gives either the table's full range (✗), 0 (✓) or a part of it (✗, ProtectProc=noaccess).
 */
export function setOf(c: AssessmentColumns, index: number): boolean | null {
  if (c.set) return c.set[index] as boolean | null;
  const badness = c.badness[index];
  return badness === undefined ? null : badness === 0;
}

/** The columns of an assessment, made from its rows when it has none (hand-made assessments). */
export function columnsOf(a: Assessment): AssessmentColumns {
  if (a.columns) return a.columns;
  const rows = a.rows;
  return {
    assessors: rows.map((r) => r.assessor),
    weight: rows.map((r) => r.weight),
    range: rows.map((r) => r.range),
    order: rows.map((_r, i) => i),
    badness: rows.map((r) => r.badness),
    description: rows.map((r) => r.description),
    set: rows.map((r) => r.set),
    exposure: rows.map((r) => r.exposure),
  };
}

/** assessUnit()'s result: the rows are made from the columns when first asked for. */
class ScoredAssessment implements Assessment {
  private madeRows: AssessedRow[] | undefined;

  constructor(
    readonly unitId: string,
    readonly exposure: number,
    readonly level: LevelData,
    readonly columns: AssessmentColumns,
  ) {}

  get rows(): AssessedRow[] {
    this.madeRows ??= this.columns.order.map((index) => rowAt(this.columns, index));
    return this.madeRows;
  }
}

function rowAt(c: AssessmentColumns, index: number): AssessedRow {
  return {
    assessor: c.assessors[index] as AssessorData,
    index,
    badness: c.badness[index],
    description: c.description[index] as string | null,
    weight: c.weight[index] as number,
    range: c.range[index] as number,
    set: setOf(c, index),
    exposure: c.exposure[index] as string | null,
  };
}

/** systemd's level for an exposure (0…100): the first row of badness_table[] whose minimum it reaches. */
export function levelFor(exposure: number, release: SystemdRelease): LevelData {
  const levels = release.data.levels;
  return levels.find((l) => exposure >= l.min) ?? (levels[levels.length - 1] as LevelData);
}

/** A policy that cannot be applied: systemd aborts on these (exit status 134). */
/** The assertions of assess() (src/analyze/analyze-security.c) a security policy can break. */
export type AssessAssertion = 'range > 0' | 'badness <= range' | 'weight_sum > 0';

/** Where systemd would abort: the assertion that fails and, for a row's, the row's JSON field. */
export class AssessmentAbort extends Error {
  constructor(
    readonly assertion: AssessAssertion,
    readonly row?: string,
  ) {
    super(`Assertion '${assertion}' failed${row === undefined ? '' : ` for ${row}`}`);
  }
}

/** What a rule reads besides the settings: per-unit values computed once for all rows. */
interface RuleContext {
  /** The capability bounding set as two 32-bit halves (bits 0–31, 32–63): no BigInt per row. */
  capLo: number;
  capHi: number;
}

/** One row's assessment of a unit (an assess_*() function with its row's parameters bound). */
type Rule = (s: SecuritySettings, c: RuleContext) => Readonly<AssessorVerdict>;

const NOBODY = 'nobody';

// Verdicts are shared constants (a rule allocates nothing). Every constant description is also
// registered, so that the printing order of all texts a rule can produce is known in advance.
const CONSTANT_TEXTS: string[] = [];

function verdict(badness: number | undefined, description?: string): Readonly<AssessorVerdict> {
  if (description === undefined) return { badness };
  CONSTANT_TEXTS.push(description);
  return { badness, description, textId: CONSTANT_TEXTS.length - 1 };
}

const NOT_APPLICABLE = verdict(undefined);
const BADNESS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((b) => verdict(b));
const GOOD = BADNESS[0] as Readonly<AssessorVerdict>;
const BAD = BADNESS[1] as Readonly<AssessorVerdict>;

/** security_info_runs_privileged(). */
/**
 * Whether the rows of a user manager apply (v262, `--user`; VersionTraits.userManagerRows): earlier
 * releases assess a user's services like the system's.
 */
function isUserManager(release: SystemdRelease): boolean {
  return release.scope === 'user' && release.traits.userManagerRows;
}

export function runsPrivileged(s: SecuritySettings): boolean {
  if (s.user === '0' || s.user === 'root') return true;
  if (s.dynamicUser) return false;
  return s.user === undefined || s.user === '';
}

/** Does the unit deny this class of address families? (get_security_info(), offline) */
function familyClassRestricted(s: SecuritySettings, cls: string): boolean {
  const allowList = s.addressFamiliesAllowList;
  let restricted = allowList;
  const families = s.addressFamilies?.families;
  if (families === undefined) return restricted;
  for (const af of families) {
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

const USER_NOBODY = verdict(
  9,
  `Service runs under as '${NOBODY}' user, which should not be used for services`,
);
const USER_DYNAMIC = verdict(0, 'Service runs under a transient non-root user identity');
const USER_STATIC = verdict(0, 'Service runs under a static non-root user identity');
const USER_CALLER = verdict(0, "Service runs under the calling user's identity");
const REMOVE_IPC_PER_USER = verdict(undefined, 'RemoveIPC= has no effect on per-user services');
const HOME_YES = verdict(0, 'Service has no access to home directories');
const HOME_READ_ONLY = verdict(5, 'Service has read-only access to home directories');
const HOME_TMPFS = verdict(1, 'Service has access to fake empty home directories');
const HOME_NO = verdict(10, 'Service has full access to home directories');
const SYSTEM_STRICT = verdict(0, 'Service has strict read-only access to the OS file hierarchy');
const SYSTEM_FULL = verdict(3, 'Service has very limited write access to the OS file hierarchy');
const SYSTEM_YES = verdict(5, 'Service has limited write access to the OS file hierarchy');
const SYSTEM_NO = verdict(10, 'Service has full access to the OS file hierarchy');
const UMASK_VERDICTS = [
  verdict(10, 'Files created by service are world-writable by default'),
  verdict(5, 'Files created by service are world-readable by default'),
  verdict(2, 'Files created by service are group-writable by default'),
  verdict(1, 'Files created by service are group-readable by default'),
  verdict(0, "Files created by service are accessible only by service's own user by default"),
] as const;
const ABI_ALL = verdict(10, 'Service may execute system calls with all ABIs');
const ABI_NATIVE = verdict(0, 'Service may execute system calls only with native ABI');
const ABI_MULTIPLE = verdict(8, 'Service may execute system calls with multiple ABIs');
const SYSCALLS_UNFILTERED = verdict(10, 'Service does not filter system calls');
const IP_CUSTOM = verdict(0, 'Service defines custom ingress/egress IP filters with BPF programs');
const IP_NO_ALLOW_LIST = verdict(10, 'Service does not define an IP address allow list');
const IP_ALLOW_OTHER = verdict(5, 'Service defines IP address allow list with non-localhost entries');
const IP_ALLOW_LOCALHOST = verdict(2, 'Service defines IP address allow list with only localhost entries');
const IP_BLOCK_ALL = verdict(0, 'Service blocks all IP address ranges');
const DEVICE_MINIMAL_ACL = verdict(0, 'Service has a minimal device ACL');
const DEVICE_NO_ACL = verdict(10, 'Service has no device ACL');
const BOOT_PHASE = verdict(undefined, 'Service runs in special boot phase, option is not appropriate');
const EXCLUDED = verdict(undefined, 'Option excluded by policy, skipping');

/** A row's capability bits, as the two 32-bit halves RuleContext holds. */
function capabilityHalves(bits: readonly number[]): { lo: number; hi: number } {
  let lo = 0;
  let hi = 0;
  for (const bit of bits) {
    if (bit < 32) lo |= 1 << bit;
    else if (bit < 64) hi |= 1 << (bit - 32);
  }
  return { lo, hi };
}

/**
 * The rule of each assessor kind, specialised once per table row (its flag, capability bits, syscall
 * group, …), so that scoring a unit reads nothing but the settings.
 */
const RULES: Record<AssessorData['kind'], (a: AssessorData, release: SystemdRelease) => Rule> = {
  bool: (a) => {
    const cls = a.familyClass;
    if (cls) return (s) => (familyClassRestricted(s, cls) ? GOOD : BAD);
    const flag = knowledgeOf(a.jsonField)?.flags?.[a.jsonField] ?? ((): boolean => false);
    // Delegate= is the one inverted flag: having it is bad.
    if (a.jsonField === 'Delegate') return (s) => (flag(s) ? BAD : GOOD);
    return (s) => (flag(s) ? GOOD : BAD);
  },
  user: (_a, release) => {
    // A user manager's service runs as the user who runs it (VersionTraits.userManagerRows).
    const root = isUserManager(release) ? USER_CALLER : (BADNESS[10] as Readonly<AssessorVerdict>);
    return (s) => {
      if (s.user === NOBODY) return USER_NOBODY;
      const isRoot = s.user === '0' || s.user === 'root';
      if (s.dynamicUser && !isRoot) return USER_DYNAMIC;
      if (s.user !== undefined && s.user !== '' && !isRoot) return USER_STATIC;
      return root;
    };
  },
  supplementary_groups: (_a, release) => {
    const perUser = isUserManager(release);
    return (s) => {
      if (!perUser && runsPrivileged(s)) return NOT_APPLICABLE;
      return s.supplementaryGroups.length > 0 ? BAD : GOOD;
    };
  },
  remove_ipc: (_a, release) => {
    if (isUserManager(release)) return () => REMOVE_IPC_PER_USER;
    return (s) => {
      if (runsPrivileged(s)) return NOT_APPLICABLE;
      return s.removeIpc ? GOOD : BAD;
    };
  },
  protect_home: () => (s) => {
    switch (s.protectHome) {
      case 'yes':
        return HOME_YES;
      case 'read-only':
        return HOME_READ_ONLY;
      case 'tmpfs':
        return HOME_TMPFS;
      default:
        return HOME_NO;
    }
  },
  protect_system: () => (s) => {
    switch (s.protectSystem) {
      case 'strict':
        return SYSTEM_STRICT;
      case 'full':
        return SYSTEM_FULL;
      case 'yes':
        return SYSTEM_YES;
      default:
        return SYSTEM_NO;
    }
  },
  root_directory: () => (s) => {
    const unset = (p: string | undefined): boolean => p === undefined || p === '' || p === '/';
    return unset(s.rootDirectory) && unset(s.rootImage) ? BAD : GOOD;
  },
  capability_bounding_set: (a) => {
    const { lo, hi } = capabilityHalves(a.capabilityBits ?? []);
    return (_s, c) => ((c.capLo & lo) !== 0 || (c.capHi & hi) !== 0 ? BAD : GOOD);
  },
  ambient_capabilities: () => (s) => (s.ambientCapabilities !== 0n ? BAD : GOOD),
  umask: () => (s) => {
    const m = s.umask;
    if (!(m & 0o002)) return UMASK_VERDICTS[0];
    if (!(m & 0o004)) return UMASK_VERDICTS[1];
    if (!(m & 0o020)) return UMASK_VERDICTS[2];
    if (!(m & 0o040)) return UMASK_VERDICTS[3];
    return UMASK_VERDICTS[4];
  },
  keyring_mode: () => (s) => (s.keyringMode === 'private' ? GOOD : BAD),
  protect_proc: () => (s) => {
    switch (s.protectProc) {
      case 'noaccess':
        return BAD;
      case 'invisible':
      case 'ptraceable':
        return GOOD;
      default:
        return BADNESS[3] as Readonly<AssessorVerdict>;
    }
  },
  proc_subset: () => (s) => (s.procSubset === 'pid' ? GOOD : BAD),
  notify_access: () => (s) => (s.notifyAccess === 'all' ? BAD : GOOD),
  restrict_namespaces: (a) => {
    const flag = NAMESPACE_FLAGS[a.namespace ?? ''] ?? 0;
    return (s) =>
      s.restrictNamespaces === NAMESPACES_UNSET || (s.restrictNamespaces & flag) !== 0 ? BAD : GOOD;
  },
  system_call_architectures: () => (s) => {
    const archs = s.systemCallArchitectures;
    if (archs.size === 0) return ABI_ALL;
    if (archs.size === 1 && archs.has('native')) return ABI_NATIVE;
    return ABI_MULTIPLE;
  },
  system_call_filter: (a, release) => {
    const v = groupVerdicts(release, a.syscallGroup ?? '');
    const members = v.members;
    return (s) => {
      const filter = s.systemCallFilter;
      if (!filter || (!filter.allowList && filter.names.size === 0)) return SYSCALLS_UNFILTERED;
      // The first member the filter lets through is named in the text.
      const names = filter.names;
      if (filter.allowList) {
        for (let i = 0; i < members.length; i++)
          if (names.has(members[i] as string)) return v.allowIncluded[i] as Readonly<AssessorVerdict>;
        return v.allowExcluded;
      }
      for (let i = 0; i < members.length; i++)
        if (!names.has(members[i] as string)) return v.denyExcluded[i] as Readonly<AssessorVerdict>;
      return v.denyIncluded;
    };
  },
  ip_address_allow: () => (s) => {
    if (s.ipCustomFilters) return IP_CUSTOM;
    if (!s.ipAddressDenyAll) return IP_NO_ALLOW_LIST;
    if (s.ipAddressAllowOther) return IP_ALLOW_OTHER;
    if (s.ipAddressAllowLocalhost) return IP_ALLOW_LOCALHOST;
    return IP_BLOCK_ALL;
  },
  device_allow: () => (s) => {
    if (s.devicePolicy === 'strict' || s.devicePolicy === 'closed') {
      if (s.deviceAllow.length > 0) {
        const list = s.deviceAllow.map((e) => `${e.path}:${e.permissions}`).join(' ');
        return { badness: 5, description: `Service has a device ACL with some special devices: ${list}` };
      }
      return DEVICE_MINIMAL_ACL;
    }
    return DEVICE_NO_ACL;
  },
};

/** A SystemCallFilter= row's group and every verdict it can give (the texts name the group and the offender). */
interface SyscallGroupVerdicts {
  members: readonly string[];
  /** By member index: the allow list includes this member (the first one found is the offender). */
  allowIncluded: Readonly<AssessorVerdict>[];
  allowExcluded: Readonly<AssessorVerdict>;
  /** By member index: the deny list leaves this member allowed. */
  denyExcluded: Readonly<AssessorVerdict>[];
  denyIncluded: Readonly<AssessorVerdict>;
}

function syscallGroupVerdicts(group: string, members: readonly string[]): SyscallGroupVerdicts {
  return {
    members,
    allowIncluded: members.map((offender) =>
      verdict(
        9,
        `System call allow list defined for service, and ${group} is included (e.g. ${offender} is allowed)`,
      ),
    ),
    allowExcluded: verdict(0, `System call allow list defined for service, and ${group} is not included`),
    denyExcluded: members.map((offender) =>
      verdict(
        10,
        `System call deny list defined for service, and ${group} is not included (e.g. ${offender} is allowed)`,
      ),
    ),
    denyIncluded: verdict(0, `System call deny list defined for service, and ${group} is included`),
  };
}

const GROUP_VERDICTS = new WeakMap<SystemdRelease, Map<string, SyscallGroupVerdicts>>();

/** The verdicts of a SystemCallFilter= row, made once per profile and group. */
function groupVerdicts(release: SystemdRelease, group: string): SyscallGroupVerdicts {
  let byGroup = GROUP_VERDICTS.get(release);
  if (!byGroup) {
    byGroup = new Map();
    GROUP_VERDICTS.set(release, byGroup);
  }
  let v = byGroup.get(group);
  if (!v) {
    v = syscallGroupVerdicts(group, release.data.assessedGroups[group] ?? []);
    byGroup.set(group, v);
  }
  return v;
}

/**
 * What assessUnit() needs of a profile and a policy, worked out once per pair: each row's rule, its
 * effective weight, range and texts (access_weight(), access_range(), access_description_*()), and
 * the printing order of every text a row can show that is known in advance.
 */
interface AssessTable {
  assessors: readonly AssessorData[];
  /** Each row's rule, weight, range and texts in one object: the loop over a unit's rows reads one. */
  rows: TableRow[];
  /** The weights and ranges in effect, by row (the assessment's columns share these arrays). */
  weight: number[];
  range: number[];
  /** The weights and ranges exactly (a policy's can exceed 2^53), for the uint64_t arithmetic. */
  exactWeight: bigint[];
  exactRange: bigint[];
  /** Some weight, range or the weight sum is beyond 2^32: systemd's uint64_t arithmetic is needed. */
  bigArithmetic: boolean;
  /** Every text known in advance, in ascending string order. */
  texts: string[];
  /** Every known text → its rank: 2, 4, 6, … in ascending string order (gapRank() gives the odd ones). */
  textRank: Map<string, number>;
  /** The rank of each constant text by its textId, for the constant texts registered when the table was made. */
  textIdRank: Int32Array;
  /** The level of each exposure 0…100. */
  levelOf: LevelData[];
  /** The highest rank a text can have (gapRank() of a text after every known one). */
  topRank: number;
  /** Whether the rows and the ranks are few enough for orderByKeys()' 32-bit sort keys. */
  keyable: boolean;
  /** Scratch space for the sort keys of orderByKeys(), one per row (every unit overwrites them). */
  orderKeys: Int32Array;
}

/** One row of an AssessTable: what assessUnit() reads of it for every unit. */
interface TableRow {
  rule: Rule;
  /** The row only applies to units with default dependencies (not in a special boot phase). */
  defaultDependenciesOnly: boolean;
  weight: number;
  range: number;
  /** The table's own range: a badness equal to it is "bad" whatever the policy says. */
  builtinRange: number;
  good: string | null;
  bad: string | null;
  na: string | null;
  /** The ranks (see textRank) of good, bad and na; -1 for no text. */
  goodRank: number;
  badRank: number;
  naRank: number;
  /** The row's place in (name, index) order: the tie-breakers after the description. */
  nameRank: number;
  /**
   * By badness (0…10, the badnesses rules give): DIV_ROUND_UP(badness * weight, range), the row's part
   * of the badness sum, and DIV_ROUND_UP(badness * weight * 100, range), its share before the division
   * by the weight sum.
   */
  badnessShare: number[];
  scaledShare: number[];
}

const TABLES = new WeakMap<SystemdRelease, AssessTable>();
const POLICY_TABLES = new WeakMap<SystemdRelease, WeakMap<SecurityPolicy, AssessTable>>();

/** The table for a profile and policy; a policy map is read once, when first used (treat it as immutable). */
function assessTable(release: SystemdRelease, policy: SecurityPolicy | undefined): AssessTable {
  if (policy === undefined || policy.size === 0) {
    let t = TABLES.get(release);
    if (!t) {
      t = buildTable(release, undefined);
      TABLES.set(release, t);
    }
    return t;
  }
  let byPolicy = POLICY_TABLES.get(release);
  if (!byPolicy) {
    byPolicy = new WeakMap();
    POLICY_TABLES.set(release, byPolicy);
  }
  let t = byPolicy.get(policy);
  if (!t) {
    t = buildTable(release, policy);
    byPolicy.set(policy, t);
  }
  return t;
}

function buildTable(release: SystemdRelease, policy: SecurityPolicy | undefined): AssessTable {
  const assessors = release.data.assessors;
  const n = assessors.length;
  const overrides = assessors.map((a) => policy?.get(a.jsonField));
  const weight = assessors.map((a, i) => overrides[i]?.weight ?? a.weight);
  const range = assessors.map((a, i) => overrides[i]?.range ?? a.range);
  const exactWeight = assessors.map((_a, i) => overrides[i]?.exactWeight ?? BigInt(weight[i] as number));
  const exactRange = assessors.map((_a, i) => overrides[i]?.exactRange ?? BigInt(range[i] as number));
  const good = assessors.map((a, i) => overrides[i]?.descriptionGood ?? a.descriptionGood);
  const bad = assessors.map((a, i) => overrides[i]?.descriptionBad ?? a.descriptionBad);
  const na = assessors.map((a, i) => overrides[i]?.descriptionNa ?? a.descriptionNa);

  // Every text known in advance: the rows' own, the rules' constants, the system call filter texts.
  const texts = new Set<string>(CONSTANT_TEXTS);
  for (const list of [good, bad, na]) for (const t of list) if (t !== null) texts.add(t);
  for (const a of assessors) {
    if (a.kind !== 'system_call_filter') continue;
    const v = groupVerdicts(release, a.syscallGroup ?? '');
    for (const x of [...v.allowIncluded, v.allowExcluded, ...v.denyExcluded, v.denyIncluded])
      if (x.description !== undefined) texts.add(x.description);
  }
  const sortedTexts = [...texts].sort(strcmp);
  const textRank = new Map(sortedTexts.map((t, i) => [t, 2 * i + 2]));
  const rankOf = (t: string | null): number => (t === null ? -1 : (textRank.get(t) as number));

  // needsBigArithmetic(): every row's weight and range count, applicable or not.
  let weightSum = 0;
  let bigArithmetic = false;
  for (let i = 0; i < n; i++) {
    if ((weight[i] as number) > 0xffffffff || (range[i] as number) > 0xffffffff) bigArithmetic = true;
    weightSum += weight[i] as number;
  }
  if (weightSum > 0xffffffff) bigArithmetic = true;

  const byNameRank = assessors
    .map((_a, i) => i)
    .sort(
      (x, y) => strcmp((assessors[x] as AssessorData).name, (assessors[y] as AssessorData).name) || x - y,
    );
  const nameRank = new Array<number>(n);
  byNameRank.forEach((index, rank) => (nameRank[index] = rank));

  // Each row's two divisions for every badness a rule can give: a lookup instead of two divisions
  // per row and unit.
  const badnesses = Array.from({ length: BADNESS_SLOTS }, (_x, b) => b);
  const rows = assessors.map((a, i): TableRow => {
    const w = weight[i] as number;
    const r = range[i] as number;
    const texts = {
      good: good[i] as string | null,
      bad: bad[i] as string | null,
      na: na[i] as string | null,
    };
    return {
      rule: RULES[a.kind](a, release),
      defaultDependenciesOnly: a.defaultDependenciesOnly === true,
      weight: w,
      range: r,
      builtinRange: a.range,
      ...texts,
      goodRank: rankOf(texts.good),
      badRank: rankOf(texts.bad),
      naRank: rankOf(texts.na),
      nameRank: nameRank[i] as number,
      badnessShare: badnesses.map((b) => divRoundUp(b * w, r)),
      scaledShare: badnesses.map((b) => divRoundUp(b * w * 100, r)),
    };
  });

  const topRank = 2 * sortedTexts.length + 1;
  const levelOf: LevelData[] = [];
  for (let e = 0; e <= 100; e++) levelOf.push(levelFor(e, release));

  return {
    assessors,
    rows,
    weight,
    range,
    exactWeight,
    exactRange,
    bigArithmetic,
    texts: sortedTexts,
    textRank,
    textIdRank: Int32Array.from(CONSTANT_TEXTS, (text) => textRank.get(text) as number),
    levelOf,
    topRank,
    keyable: n <= MAX_KEYED_ROWS && topRank < MAX_KEYED_RANK,
    orderKeys: new Int32Array(n),
  };
}

/** Rules give badnesses 0…10 (a policy changes ranges and weights, not what rules give). */
const BADNESS_SLOTS = 11;

/** Integer round-up division on non-negative numbers (DIV_ROUND_UP). */
function divRoundUp(a: number, b: number): number {
  return Math.floor((a + b - 1) / b);
}

const U64 = (1n << 64n) - 1n;

/** `X.Y` for 0…100 tenths (a row's share never exceeds 100). */
const TENTHS = Array.from({ length: 101 }, (_, x) => `${Math.floor(x / 10)}.${x % 10}`);

function formatTenths(x: number | bigint): string {
  if (typeof x === 'number') return TENTHS[x] ?? `${Math.floor(x / 10)}.${x % 10}`;
  return `${x / 10n}.${x % 10n}`;
}

/**
 * Scores a unit. Throws AssessmentAbort where systemd would abort (a policy range of 0 or below a
 * badness, or a policy that leaves no weight at all).
 */
export function assessUnit(
  s: SecuritySettings,
  release: SystemdRelease,
  policy?: SecurityPolicy,
): Assessment {
  const t = assessTable(release, policy);
  const assessors = t.assessors;
  const rows = t.rows;
  const cap = s.capabilityBoundingSet;
  const c: RuleContext = {
    capLo: Number(cap & 0xffffffffn),
    capHi: Number((cap >> 32n) & 0xffffffffn),
  };
  const n = assessors.length;
  const badnessColumn = new Array<number | undefined>(n);
  const descriptionColumn = new Array<string | null>(n);
  const exposureColumn = new Array<string | null>(n);
  // The sort keys of orderByKeys(), while every row has a text and they can be ranked.
  const keys = t.orderKeys;
  let keyed = t.keyable;
  /** Texts made for this unit, by their gap rank. */
  let unitTexts: Map<number, string> | undefined;
  let badnessSum = 0;
  let weightSum = 0;
  for (let index = 0; index < n; index++) {
    const row = rows[index] as TableRow;
    const weight = row.weight;
    const range = row.range;
    let v: Readonly<AssessorVerdict>;
    if (row.defaultDependenciesOnly && !s.defaultDependencies) v = BOOT_PHASE;
    else if (weight === 0) v = EXCLUDED;
    else v = row.rule(s, c);
    if (range === 0) throw new AssessmentAbort('range > 0', (assessors[index] as AssessorData).jsonField);
    const badness = v.badness;
    if (badness !== undefined && badness > range) {
      throw new AssessmentAbort('badness <= range', (assessors[index] as AssessorData).jsonField);
    }
    let description: string | null;
    let rank: number;
    if (badness === undefined) {
      description = row.na;
      rank = row.naRank;
    } else {
      if (badness === row.builtinRange) {
        description = row.bad;
        rank = row.badRank;
      } else if (badness === 0) {
        description = row.good;
        rank = row.goodRank;
      } else {
        description = null;
        rank = -1;
      }
      badnessSum +=
        badness < BADNESS_SLOTS ? (row.badnessShare[badness] as number) : divRoundUp(badness * weight, range);
      weightSum += weight;
    }
    if (v.description !== undefined) {
      description = v.description;
      const id = v.textId;
      rank =
        id !== undefined && id < t.textIdRank.length
          ? (t.textIdRank[id] as number)
          : (t.textRank.get(description) ?? -1);
      if (rank < 0 && keyed) {
        // A text made for this unit (a device ACL list): ranked between its known neighbours, which
        // orders it unless a second such text falls between the same two.
        rank = gapRank(t.texts, description);
        unitTexts ??= new Map();
        const other = unitTexts.get(rank);
        if (other === undefined) unitTexts.set(rank, description);
        else if (other !== description) keyed = false;
      }
    }
    if (rank < 0) keyed = false;
    // Description descending, then (name, index) ascending.
    else if (keyed)
      keys[index] = ((t.topRank - rank) * MAX_KEYED_ROWS + row.nameRank) * MAX_KEYED_ROWS + index;
    badnessColumn[index] = badness;
    descriptionColumn[index] = description;
    exposureColumn[index] = null;
  }

  let exposure: number;
  if (!t.bigArithmetic) {
    if (weightSum === 0) throw new AssessmentAbort('weight_sum > 0');
    for (let i = 0; i < n; i++) {
      const b = badnessColumn[i];
      if (b === undefined || b === 0) continue;
      const row = rows[i] as TableRow;
      const scaled =
        b < BADNESS_SLOTS ? (row.scaledShare[b] as number) : divRoundUp(b * row.weight * 100, row.range);
      const share = divRoundUp(scaled, weightSum);
      exposureColumn[i] = formatTenths(share);
    }
    exposure = divRoundUp(badnessSum * 100, weightSum);
  } else {
    // DIV_ROUND_UP() (macro-fundamental.h) is x / y + !!(x % y): it never overflows.
    const up = (x: bigint, y: bigint): bigint => x / y + (x % y !== 0n ? 1n : 0n);
    let badnessSum = 0n;
    let weightSum = 0n;
    for (let i = 0; i < n; i++) {
      const b = badnessColumn[i];
      if (b === undefined) continue;
      const weight = t.exactWeight[i] as bigint;
      badnessSum = (badnessSum + up((BigInt(b) * weight) & U64, t.exactRange[i] as bigint)) & U64;
      weightSum = (weightSum + weight) & U64;
    }
    if (weightSum === 0n) throw new AssessmentAbort('weight_sum > 0');
    for (let i = 0; i < n; i++) {
      const b = badnessColumn[i];
      if (b === undefined || b === 0) continue;
      const weight = t.exactWeight[i] as bigint;
      const x = up(up((BigInt(b) * weight * 100n) & U64, t.exactRange[i] as bigint), weightSum);
      exposureColumn[i] = formatTenths(x);
    }
    exposure = Number(up((badnessSum * 100n) & U64, weightSum));
  }

  const columns: AssessmentColumns = {
    assessors,
    weight: t.weight,
    range: t.range,
    order: [],
    badness: badnessColumn,
    description: descriptionColumn,
    exposure: exposureColumn,
  };
  columns.order = keyed
    ? orderByKeys(keys)
    : indexesOf(
        sortRows(
          Array.from({ length: n }, (_x, index) => rowAt(columns, index)),
          release.traits.emptyDescriptionSortsFirst,
        ),
      );
  const level = t.levelOf[exposure] ?? levelFor(exposure, release);
  return new ScoredAssessment(s.unitId, exposure, level, columns);
}

function strcmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Keys pack a text rank, a name rank and a row index into one 32-bit integer: this bounds the rows
 * (and so the name ranks) and the ranks.
 */
const MAX_KEYED_ROWS = 128;
const MAX_KEYED_RANK = 2 ** 31 / (MAX_KEYED_ROWS * MAX_KEYED_ROWS);

/**
 * The rank of a text that is not among the known `texts` (which have the even ranks 2, 4, …): the odd
 * rank between the known texts just below and just above it.
 */
function gapRank(texts: readonly string[], text: string): number {
  let lo = 0;
  let hi = texts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((texts[mid] as string) < text) lo = mid + 1;
    else hi = mid;
  }
  return 2 * lo + 1;
}

/**
 * sortRows() for the usual case, without comparing a single string: when every row's text has a
 * rank (see textRank and gapRank()), a row's place is given by its text's rank (descending) and its
 * (name, index) rank, packed into one integer per row with the row's index below them, so one
 * numeric sort of the keys orders the rows and each key's low bits name its row.
 */
function orderByKeys(keys: Int32Array): number[] {
  keys.sort();
  const out = new Array<number>(keys.length);
  for (let k = 0; k < keys.length; k++) out[k] = (keys[k] as number) % MAX_KEYED_ROWS;
  return out;
}

/**
 * The rows' indexes in their order, in an array made as orderByKeys() makes its own (preallocated,
 * then filled): every `order` is then one kind of array for the renderers that read it (a packed one
 * from a few units deoptimized them when it first came).
 */
function indexesOf(rows: readonly AssessedRow[]): number[] {
  const out = new Array<number>(rows.length);
  for (let k = 0; k < rows.length; k++) out[k] = (rows[k] as AssessedRow).index;
  return out;
}

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
    return [...rows].sort((a, b) => {
      const da = a.description as string;
      const db = b.description as string;
      if (da !== db) return da < db ? 1 : -1;
      return strcmp(a.assessor.name, b.assessor.name) || a.index - b.index;
    });
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
