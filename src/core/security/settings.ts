// The security-relevant settings systemd derives for a loaded unit ("SecurityInfo"), with the line
// that set each one. Ports the directive parsers of src/core/load-fragment.c, the implied settings of
// unit_patch_contexts() (src/core/unit.c), the load checks of service_verify() (src/core/service.c) and
// get_security_info() (src/analyze/analyze-security.c), v252–v262, as selected by VersionTraits.
import type { Assignment, Diagnostic, SourceLocation } from '../unit/parse-unit-file';
import type { LoadedUnit, LoadFailure } from '../unit/load-unit';
import type { UnitType } from '../unit/unit-name';
import { isStrictUserName, isValidRelaxedUserName, parseUnitName } from '../unit/unit-name';
import { expandSpecifiers } from '../unit/specifiers';
import { extractFirstWord, extractWords } from '../unit/extract-word';
import type { SystemdProfile, VersionTraits } from './versions';
import { ERRNO_NAMES } from './errno-names';

/** A 64-bit capability mask. */
export type CapabilityMask = bigint;
export const CAP_ALL: CapabilityMask = 0xffff_ffff_ffff_ffffn;
const U64 = 0xffff_ffff_ffff_ffffn;

/** CLONE_NEW* flags, as RestrictNamespaces= stores them. */
export const NAMESPACE_FLAGS: Record<string, number> = {
  cgroup: 0x02000000,
  ipc: 0x08000000,
  net: 0x40000000,
  mnt: 0x00020000,
  pid: 0x20000000,
  user: 0x10000000,
  uts: 0x04000000,
  time: 0x00000080,
};
/** "Unset": every bit on (ULONG_MAX in systemd); distinct from the "all types" mask. */
export const NAMESPACES_UNSET = -1;

export interface DeviceAllowEntry {
  path: string;
  permissions: string;
  location?: SourceLocation;
}

export interface SecuritySettings {
  unitId: string;
  unitType: UnitType;
  hasExecContext: boolean;
  hasCgroupContext: boolean;
  defaultDependencies: boolean;
  notifyAccess: string;
  user: string | undefined;
  dynamicUser: boolean;
  supplementaryGroups: string[];
  ambientCapabilities: CapabilityMask;
  capabilityBoundingSet: CapabilityMask;
  keyringMode: string;
  protectProc: string;
  procSubset: string;
  privateDevices: boolean;
  /** v254+: undefined means "unset", which offline counts as set. */
  privateMounts: boolean | undefined;
  privateNetwork: boolean;
  privateTmp: string;
  privateUsers: string;
  protectControlGroups: string;
  protectHostname: string;
  protectKernelModules: boolean;
  protectKernelTunables: boolean;
  protectKernelLogs: boolean;
  protectClock: boolean;
  lockPersonality: boolean;
  memoryDenyWriteExecute: boolean;
  noNewPrivileges: boolean;
  removeIpc: boolean;
  restrictRealtime: boolean;
  restrictSuidSgid: boolean;
  protectHome: string;
  protectSystem: string;
  rootDirectory: string | undefined;
  rootImage: string | undefined;
  umask: number;
  /** undefined: no RestrictAddressFamilies= list at all. */
  addressFamilies: { allowList: boolean; families: Set<number> } | undefined;
  addressFamiliesAllowList: boolean;
  restrictNamespaces: number;
  systemCallArchitectures: Set<string>;
  systemCallFilter: { allowList: boolean; names: Set<string> } | undefined;
  delegate: boolean;
  devicePolicy: string | undefined;
  /** Newest first, as systemd prepends. */
  deviceAllow: DeviceAllowEntry[];
  ipAddressDenyAll: boolean;
  ipAddressAllowLocalhost: boolean;
  ipAddressAllowOther: boolean;
  ipCustomFilters: boolean;
  /** Every assignment that touched a directive, in application order (key = directive name). */
  provenance: Map<string, Assignment[]>;
  /** Settings changed by another directive (e.g. DynamicUser= forcing ProtectSystem=strict). */
  implied: Map<string, Assignment>;
  /** The `[Service]`-type section header of the main file, where a missing directive belongs. */
  typeSection: SourceLocation | undefined;
}

export interface Derivation {
  settings?: SecuritySettings;
  failure?: LoadFailure;
  diagnostics: Diagnostic[];
}

/** Which section holds a unit type's exec/cgroup settings. */
const TYPE_SECTION: Partial<Record<UnitType, string>> = {
  service: 'Service',
  socket: 'Socket',
  mount: 'Mount',
  swap: 'Swap',
  slice: 'Slice',
  scope: 'Scope',
};
const HAS_EXEC_CONTEXT = new Set<UnitType>(['service', 'socket', 'mount', 'swap']);
const HAS_CGROUP_CONTEXT = new Set<UnitType>(['service', 'socket', 'mount', 'swap', 'slice', 'scope']);
const CAN_DELEGATE = new Set<UnitType>(['service', 'scope']);

const TRUE_WORDS = new Set(['1', 'yes', 'y', 'true', 't', 'on']);
const FALSE_WORDS = new Set(['0', 'no', 'n', 'false', 'f', 'off']);

/** parse_boolean(): case-insensitive. */
export function parseBoolean(value: string): boolean | undefined {
  const v = value.toLowerCase();
  if (TRUE_WORDS.has(v)) return true;
  if (FALSE_WORDS.has(v)) return false;
  return undefined;
}

interface ServiceFacts {
  type: string | undefined;
  execStart: number;
  execStop: number;
  successAction: string;
  restart: string;
  busName: string | undefined;
  pamName: string | undefined;
  killMode: string;
  encryptedCredentials: number;
  mountImages: number;
  listens: number;
  timerTriggers: number;
  pathTriggers: number;
  what: string | undefined;
  where: string | undefined;
}

type Outcome = 'ok' | 'fatal';

interface Context {
  unit: LoadedUnit;
  traits: VersionTraits;
  profile: SystemdProfile;
  s: SecuritySettings;
  facts: ServiceFacts;
  diagnostics: Diagnostic[];
  capabilityNames: Map<string, number>;
  knownCapabilityMask: CapabilityMask;
  familyNames: Map<string, number>;
  syscallArchitectures: Set<string>;
  ipPrefixes: { allow: PrefixEntry[]; deny: PrefixEntry[] };
  ipFilterPaths: { ingress: number; egress: number };
}

type Handler = (ctx: Context, a: Assignment) => Outcome;

function warn(ctx: Context, a: Assignment, message: string): Outcome {
  ctx.diagnostics.push({ file: a.file, line: a.line, column: a.column, severity: 'warning', message });
  return 'ok';
}

function fatal(ctx: Context, a: Assignment, message: string): Outcome {
  ctx.diagnostics.push({ file: a.file, line: a.line, column: a.column, severity: 'error', message });
  return 'fatal';
}

function specifiers(ctx: Context, a: Assignment, value: string): string | undefined {
  const r = expandSpecifiers(value, { unitName: ctx.unit.id, scope: 'system' });
  if (r.ok) return r.value;
  ctx.diagnostics.push({
    file: a.file,
    line: a.line,
    column: a.column,
    severity: 'warning',
    message: `Failed to resolve unit specifiers in ${value}: unknown specifier ${r.specifier}`,
  });
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Directive handlers, one per parser of load-fragment.c.

function boolSetting(field: keyof SecuritySettings, fatalOnError = false): Handler {
  return (ctx, a) => {
    const b = parseBoolean(a.value);
    if (b === undefined) {
      if (fatalOnError) return fatal(ctx, a, `Failed to parse boolean value: ${a.value}`);
      return warn(ctx, a, `Failed to parse boolean value, ignoring: ${a.value}`);
    }
    (ctx.s as unknown as Record<string, unknown>)[field] = b;
    return 'ok';
  };
}

/** A boolean that may also take extra enum words; stored as the word (`yes`/`no` for booleans). */
function boolOrWords(field: keyof SecuritySettings, words: (t: VersionTraits) => readonly string[]): Handler {
  return (ctx, a) => {
    const b = parseBoolean(a.value);
    if (b !== undefined) {
      (ctx.s as unknown as Record<string, unknown>)[field] = b ? 'yes' : 'no';
      return 'ok';
    }
    if (words(ctx.traits).includes(a.value)) {
      (ctx.s as unknown as Record<string, unknown>)[field] = a.value;
      return 'ok';
    }
    return warn(ctx, a, `Failed to parse ${a.key}= value, ignoring: ${a.value}`);
  };
}

function enumSetting(field: keyof SecuritySettings, words: readonly string[], booleans = false): Handler {
  return (ctx, a) => {
    if (booleans) {
      const b = parseBoolean(a.value);
      if (b !== undefined) {
        (ctx.s as unknown as Record<string, unknown>)[field] = b ? 'yes' : 'no';
        return 'ok';
      }
    }
    if (!words.includes(a.value))
      return warn(ctx, a, `Failed to parse ${a.key}= value, ignoring: ${a.value}`);
    (ctx.s as unknown as Record<string, unknown>)[field] = a.value;
    return 'ok';
  };
}

const handleUser: Handler = (ctx, a) => {
  if (a.value === '') {
    ctx.s.user = undefined;
    return 'ok';
  }
  const r = expandSpecifiers(a.value, { unitName: ctx.unit.id, scope: 'system' });
  if (!r.ok) return fatal(ctx, a, `Failed to resolve unit specifiers in ${a.value}`);
  if (!isValidRelaxedUserName(r.value))
    return fatal(ctx, a, `Invalid user/group name or numeric ID: ${r.value}`);
  ctx.s.user = r.value;
  return 'ok';
};

const handleGroup: Handler = (ctx, a) => {
  if (a.value === '') return 'ok';
  const r = expandSpecifiers(a.value, { unitName: ctx.unit.id, scope: 'system' });
  if (!r.ok) return fatal(ctx, a, `Failed to resolve unit specifiers in ${a.value}`);
  if (!isValidRelaxedUserName(r.value))
    return fatal(ctx, a, `Invalid user/group name or numeric ID: ${r.value}`);
  return 'ok';
};

const handleSupplementaryGroups: Handler = (ctx, a) => {
  if (a.value === '') {
    ctx.s.supplementaryGroups = [];
    return 'ok';
  }
  const { words, invalid } = extractWords(a.value, false);
  for (const word of words) {
    const r = expandSpecifiers(word, { unitName: ctx.unit.id, scope: 'system' });
    if (!r.ok) return fatal(ctx, a, `Failed to resolve unit specifiers in ${word}`);
    if (!isValidRelaxedUserName(r.value))
      return fatal(ctx, a, `Invalid user/group name or numeric ID: ${r.value}`);
    ctx.s.supplementaryGroups.push(r.value);
  }
  if (invalid) return fatal(ctx, a, `Invalid syntax: ${a.value}`);
  return 'ok';
};

/** capability_set_from_string(): names (case-insensitive, CAP_ prefix) or numbers; unknown ones skipped. */
function parseCapabilities(ctx: Context, value: string): CapabilityMask | undefined {
  const { words, invalid } = extractWords(value, true);
  if (invalid) return undefined;
  let sum = 0n;
  for (const word of words) {
    let bit: number | undefined;
    if (/^[0-9]+$/.test(word)) {
      const n = Number(word);
      if (n <= ctx.traits.maxCapabilityNumber) bit = n;
    } else bit = ctx.capabilityNames.get(word.toUpperCase());
    if (bit !== undefined) sum |= 1n << BigInt(bit);
  }
  return sum;
}

function capabilitySet(field: 'capabilityBoundingSet' | 'ambientCapabilities'): Handler {
  const initial = field === 'capabilityBoundingSet' ? CAP_ALL : 0n;
  return (ctx, a) => {
    let value = a.value;
    let invert = false;
    if (value.startsWith('~')) {
      invert = true;
      value = value.slice(1);
    }
    const sum = parseCapabilities(ctx, value);
    if (sum === undefined) return warn(ctx, a, `Failed to parse ${a.key}= specifier '${value}', ignoring`);
    const current = ctx.s[field];
    if (sum === 0n || current === initial) {
      // "", "~" or still the initial value: replace (config_parse_capability_set()).
      let next = invert ? ~sum & U64 : sum;
      if (invert && sum === 0n && ctx.traits.capabilityTildeAloneIsKnownSet) next = ctx.knownCapabilityMask;
      ctx.s[field] = next;
    } else ctx.s[field] = invert ? current & ~sum & U64 : current | sum;
    return 'ok';
  };
}

const handleRestrictAddressFamilies: Handler = (ctx, a) => {
  const s = ctx.s;
  if (a.value === '') {
    s.addressFamilies = undefined;
    s.addressFamiliesAllowList = false;
    return 'ok';
  }
  if (a.value === 'none') {
    s.addressFamilies = undefined;
    s.addressFamiliesAllowList = true;
    return 'ok';
  }
  let value = a.value;
  let invert = false;
  if (value.startsWith('~')) {
    invert = true;
    value = value.slice(1);
  }
  if (!s.addressFamilies) {
    s.addressFamilies = { allowList: !invert, families: new Set() };
    s.addressFamiliesAllowList = !invert;
  }
  const { words, invalid } = extractWords(value, true);
  for (const word of words) {
    const af = ctx.familyNames.get(word.toUpperCase());
    if (af === undefined) {
      warn(ctx, a, `Failed to parse address family, ignoring: ${word}`);
      if (ctx.traits.addressFamilyUnknownStopsLine) return 'ok';
      continue;
    }
    if (!invert === s.addressFamiliesAllowList) s.addressFamilies.families.add(af);
    else s.addressFamilies.families.delete(af);
  }
  if (invalid) warn(ctx, a, `Invalid syntax, ignoring: ${a.value}`);
  return 'ok';
};

function namespaceAllMask(traits: VersionTraits): number {
  let mask = 0;
  for (const [name, flag] of Object.entries(NAMESPACE_FLAGS)) {
    if (name === 'time' && !traits.namespaceAllIncludesTime) continue;
    mask |= flag;
  }
  return mask;
}

const handleRestrictNamespaces: Handler = (ctx, a) => {
  const s = ctx.s;
  if (a.value === '') {
    s.restrictNamespaces = NAMESPACES_UNSET;
    return 'ok';
  }
  const all = namespaceAllMask(ctx.traits);
  const b = parseBoolean(a.value);
  if (b !== undefined) {
    // A boolean ignores the previous settings.
    s.restrictNamespaces = b ? 0 : all;
    return 'ok';
  }
  let value = a.value;
  let invert = false;
  if (value.startsWith('~')) {
    invert = true;
    value = value.slice(1);
  }
  let flags = 0;
  for (const word of extractWords(value, false).words) {
    const flag = NAMESPACE_FLAGS[word];
    if (flag === undefined)
      return warn(ctx, a, `Failed to parse namespace type string, ignoring: ${a.value}`);
    flags |= flag;
  }
  if (s.restrictNamespaces === NAMESPACES_UNSET) s.restrictNamespaces = invert ? ~flags & all : flags;
  else s.restrictNamespaces = invert ? s.restrictNamespaces & ~flags : s.restrictNamespaces | flags;
  return 'ok';
};

const handleSystemCallArchitectures: Handler = (ctx, a) => {
  if (a.value === '') {
    ctx.s.systemCallArchitectures = new Set();
    return 'ok';
  }
  const { words, invalid } = extractWords(a.value, true);
  for (const word of words) {
    if (!ctx.syscallArchitectures.has(word)) {
      warn(ctx, a, `Failed to parse system call architecture, ignoring: ${word}`);
      continue;
    }
    ctx.s.systemCallArchitectures.add(word);
  }
  if (invalid) warn(ctx, a, `Invalid syntax, ignoring: ${a.value}`);
  return 'ok';
};

/** parse_syscall_and_errno(): `NAME` or `NAME:ERRNO` (errno name, 0–4095, or `kill`). */
function parseSyscallAndErrno(word: string): { name: string; hasErrno: boolean } | undefined {
  const colon = word.indexOf(':');
  if (colon < 0) return { name: word, hasErrno: false };
  const err = word.slice(colon + 1);
  const ok = err === 'kill' || (/^[0-9]+$/.test(err) && Number(err) <= 4095) || ERRNO_NAMES.has(err);
  if (!ok) return undefined;
  return { name: word.slice(0, colon), hasErrno: true };
}

const handleSystemCallFilter: Handler = (ctx, a) => {
  const s = ctx.s;
  if (a.value === '') {
    s.systemCallFilter = undefined;
    return 'ok';
  }
  let value = a.value;
  let invert = false;
  if (value.startsWith('~')) {
    invert = true;
    value = value.slice(1);
  }
  const groups = ctx.profile.data.syscallGroups;
  if (!s.systemCallFilter) {
    s.systemCallFilter = { allowList: !invert, names: new Set() };
    // An allow list always starts with @default.
    if (!invert) for (const name of groups['@default'] ?? []) s.systemCallFilter.names.add(name);
  }
  const filter = s.systemCallFilter;
  const { words, invalid } = extractWords(value, false);
  for (const word of words) {
    const parsed = parseSyscallAndErrno(word);
    if (!parsed) {
      warn(ctx, a, `Failed to parse syscall:errno, ignoring: ${word}`);
      continue;
    }
    if (!invert && parsed.hasErrno) {
      warn(ctx, a, `Allow-listed system calls cannot take error number, ignoring: ${word}`);
      continue;
    }
    // Names that do not resolve to a real x86-64 syscall can never be counted: they are not in the data.
    const members = parsed.name.startsWith('@') ? groups[parsed.name] : [parsed.name];
    if (!members) {
      warn(ctx, a, `Unknown system call group, ignoring: ${parsed.name}`);
      continue;
    }
    const add = !invert === filter.allowList;
    for (const name of members) {
      if (add) filter.names.add(name);
      else filter.names.delete(name);
    }
  }
  if (invalid) warn(ctx, a, `Invalid syntax, ignoring: ${a.value}`);
  return 'ok';
};

const handleUMask: Handler = (ctx, a) => {
  if (!/^[0-7]+$/.test(a.value) || parseInt(a.value, 8) > 0o7777) {
    return warn(ctx, a, `Failed to parse mode value, ignoring: ${a.value}`);
  }
  ctx.s.umask = parseInt(a.value, 8);
  return 'ok';
};

function rootPath(field: 'rootDirectory' | 'rootImage'): Handler {
  return (ctx, a) => {
    if (a.value === '') {
      ctx.s[field] = undefined;
      return 'ok';
    }
    const r = expandSpecifiers(a.value, { unitName: ctx.unit.id, scope: 'system' });
    if (!r.ok) return fatal(ctx, a, `Failed to resolve unit specifiers in ${a.value}`);
    if (!r.value.startsWith('/')) return fatal(ctx, a, `${a.key}= path is not absolute: ${r.value}`);
    ctx.s[field] = simplifyPath(r.value);
    return 'ok';
  };
}

/** path_simplify(): collapse `//`, drop `.` components and a trailing slash. */
export function simplifyPath(p: string): string {
  const parts = p.split('/').filter((c) => c !== '' && c !== '.');
  return '/' + parts.join('/');
}

const handleDelegate: Handler = (ctx, a) => {
  if (!CAN_DELEGATE.has(ctx.unit.type))
    return warn(ctx, a, 'Delegate= setting not supported for this unit type, ignoring.');
  if (a.value === '') {
    ctx.s.delegate = true;
    return 'ok';
  }
  const b = parseBoolean(a.value);
  // Anything that is not a boolean is a controller list, which turns delegation on.
  ctx.s.delegate = b === undefined ? true : b;
  return 'ok';
};

const handleDevicePolicy: Handler = (ctx, a) => {
  if (!['auto', 'closed', 'strict'].includes(a.value))
    return warn(ctx, a, `Failed to parse device policy, ignoring: ${a.value}`);
  ctx.s.devicePolicy = a.value;
  return 'ok';
};

function addDeviceAllow(ctx: Context, path: string, permissions: string, location?: SourceLocation): void {
  const perms = permissions === '' ? 'rwm' : ['r', 'w', 'm'].filter((c) => permissions.includes(c)).join('');
  if (ctx.traits.deviceAllowMergesSamePath) {
    const existing = ctx.s.deviceAllow.find((e) => e.path === path);
    if (existing) {
      existing.permissions = ['r', 'w', 'm']
        .filter((c) => existing.permissions.includes(c) || perms.includes(c))
        .join('');
      return;
    }
  }
  ctx.s.deviceAllow.unshift(location ? { path, permissions: perms, location } : { path, permissions: perms });
}

const handleDeviceAllow: Handler = (ctx, a) => {
  if (a.value === '') {
    ctx.s.deviceAllow = [];
    return 'ok';
  }
  const first = extractFirstWord(a.value, true);
  if (!first) return warn(ctx, a, `Invalid syntax, ignoring: ${a.value}`);
  const resolved = specifiers(ctx, a, first.word);
  if (resolved === undefined) return 'ok';
  let path = resolved;
  if (!path.startsWith('block-') && !path.startsWith('char-')) {
    path = simplifyPath(path);
    if (
      !resolved.startsWith('/') ||
      !(path.startsWith('/dev/') || path.startsWith('/run/systemd/inaccessible/'))
    ) {
      return warn(ctx, a, `Invalid device node path '${resolved}', ignoring.`);
    }
  }
  if (first.rest !== '' && !/^[rwm]+$/.test(first.rest))
    return warn(ctx, a, `Invalid device rights '${first.rest}', ignoring.`);
  addDeviceAllow(ctx, path, first.rest, a);
  return 'ok';
};

interface PrefixEntry {
  family: 4 | 6;
  /** Masked address bytes. */
  bytes: number[];
  prefixLength: number;
}

function parseIPv4(s: string): number[] | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const bytes: number[] = [];
  for (const p of parts) {
    if (!/^[0-9]{1,3}$/.test(p) || Number(p) > 255) return undefined;
    bytes.push(Number(p));
  }
  return bytes;
}

function parseIPv6(s: string): number[] | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(s)) return undefined;
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const parseGroups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const groups = part.split(':');
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i] as string;
      if (i === groups.length - 1 && g.includes('.')) {
        const v4 = parseIPv4(g);
        if (!v4) return undefined;
        out.push((v4[0] as number) * 256 + (v4[1] as number), (v4[2] as number) * 256 + (v4[3] as number));
        continue;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = parseGroups(halves[0] as string);
  const tail = halves.length === 2 ? parseGroups(halves[1] as string) : [];
  if (!head || !tail) return undefined;
  let groups: number[];
  if (halves.length === 2) {
    if (head.length + tail.length > 7) return undefined;
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    if (head.length !== 8) return undefined;
    groups = head;
  }
  const bytes: number[] = [];
  for (const g of groups) bytes.push(g >> 8, g & 0xff);
  return bytes;
}

function maskBytes(bytes: number[], prefixLength: number): number[] {
  return bytes.map((b, i) => {
    const bits = Math.max(0, Math.min(8, prefixLength - i * 8));
    return bits === 0 ? 0 : b & ((0xff << (8 - bits)) & 0xff);
  });
}

/** in_addr_prefix_from_string_auto(). */
export function parseAddressPrefix(word: string): PrefixEntry | undefined {
  const slash = word.indexOf('/');
  const addr = slash < 0 ? word : word.slice(0, slash);
  const v4 = parseIPv4(addr);
  const v6 = v4 ? undefined : parseIPv6(addr);
  if (!v4 && !v6) return undefined;
  const family: 4 | 6 = v4 ? 4 : 6;
  const max = family === 4 ? 32 : 128;
  let prefixLength = max;
  if (slash >= 0) {
    const p = word.slice(slash + 1);
    if (!/^[0-9]+$/.test(p) || Number(p) > max) return undefined;
    prefixLength = Number(p);
  }
  return { family, bytes: maskBytes((v4 ?? v6) as number[], prefixLength), prefixLength };
}

function isLocalhostName(word: string): boolean {
  const w = word.toLowerCase().replace(/\.$/, '');
  return (
    w === 'localhost' ||
    w.endsWith('.localhost') ||
    w === 'localhost.localdomain' ||
    w.endsWith('.localhost.localdomain')
  );
}

const KEYWORD_PREFIXES: Record<string, string[]> = {
  any: ['0.0.0.0/0', '::/0'],
  'link-local': ['169.254.0.0/16', 'fe80::/64'],
  multicast: ['224.0.0.0/4', 'ff00::/8'],
};

function ipPrefixList(field: 'allow' | 'deny'): Handler {
  return (ctx, a) => {
    const list = ctx.ipPrefixes[field];
    if (a.value === '') {
      list.length = 0;
      return 'ok';
    }
    const { words, invalid } = extractWords(a.value, false);
    for (const word of words) {
      const expanded =
        KEYWORD_PREFIXES[word] ?? (isLocalhostName(word) ? ['127.0.0.0/8', '::1/128'] : [word]);
      for (const w of expanded) {
        const p = parseAddressPrefix(w);
        if (!p) {
          warn(ctx, a, `Address prefix is invalid, ignoring assignment: ${w}`);
          continue;
        }
        list.push(p);
      }
    }
    if (invalid) warn(ctx, a, `Invalid syntax, ignoring: ${a.value}`);
    return 'ok';
  };
}

function ipFilterPath(field: 'ingress' | 'egress'): Handler {
  return (ctx, a) => {
    if (a.value === '') {
      ctx.ipFilterPaths[field] = 0;
      return 'ok';
    }
    const v = specifiers(ctx, a, a.value);
    if (v === undefined) return 'ok';
    if (!v.startsWith('/')) return warn(ctx, a, `${a.key}= path is not absolute, ignoring: ${v}`);
    ctx.ipFilterPaths[field]++;
    return 'ok';
  };
}

/** Counts commands on an Exec*= line (config_parse_exec(): `;` separates commands; empty resets). */
function execCommands(field: 'execStart' | 'execStop'): Handler {
  return (ctx, a) => {
    if (a.value === '') {
      ctx.facts[field] = 0;
      return 'ok';
    }
    let count = 0;
    let expectCommand = true;
    for (const word of extractWords(a.value, true).words) {
      if (word === ';') {
        expectCommand = true;
        continue;
      }
      if (expectCommand) {
        const path = word.replace(/^[-@:+!|]+/, '');
        // Specifiers are expanded before this check in systemd; a word with `%` is left to that.
        if (path.length > 0 && !path.includes('%') && path.includes('/') && !path.startsWith('/')) {
          return warn(ctx, a, `Neither a valid executable name nor an absolute path, ignoring: ${word}`);
        }
        count++;
        expectCommand = false;
      }
    }
    ctx.facts[field] += count;
    return 'ok';
  };
}

function factEnum(
  field: 'type' | 'restart' | 'killMode' | 'successAction',
  words: (c: Context) => readonly string[],
): Handler {
  return (ctx, a) => {
    if (!words(ctx).includes(a.value))
      return warn(ctx, a, `Failed to parse ${a.key}= value, ignoring: ${a.value}`);
    ctx.facts[field] = a.value;
    return 'ok';
  };
}

function factString(field: 'busName' | 'pamName' | 'what' | 'where'): Handler {
  return (ctx, a) => {
    ctx.facts[field] = a.value === '' ? undefined : a.value;
    return 'ok';
  };
}

function factCounter(
  field: 'encryptedCredentials' | 'mountImages' | 'listens' | 'timerTriggers' | 'pathTriggers',
): Handler {
  return (ctx, a) => {
    if (a.value === '') ctx.facts[field] = 0;
    else ctx.facts[field]++;
    return 'ok';
  };
}

const PROTECT_HOSTNAME_ENUM: Handler = (ctx, a) => {
  if (a.value === '') {
    ctx.s.protectHostname = 'no';
    return 'ok';
  }
  const colon = a.value.indexOf(':');
  const head = colon < 0 ? a.value : a.value.slice(0, colon);
  const b = parseBoolean(head);
  if (b === false && colon >= 0)
    return warn(ctx, a, `Failed to parse ProtectHostname= value, ignoring: ${a.value}`);
  if (b !== undefined) ctx.s.protectHostname = b ? 'yes' : 'no';
  else if (head === 'private') ctx.s.protectHostname = 'private';
  else return warn(ctx, a, `Failed to parse ProtectHostname= value, ignoring: ${a.value}`);
  return 'ok';
};

type Scope =
  | 'exec'
  | 'cgroup'
  | 'service'
  | 'kill'
  | 'unit'
  | 'socket'
  | 'timer'
  | 'path'
  | 'mount'
  | 'swap'
  | 'automount';

interface DirectiveSpec {
  scope: Scope;
  /** The parser, chosen per version where the parser changed between releases. */
  handler: (t: VersionTraits) => Handler;
}

const d = (scope: Scope, handler: Handler): DirectiveSpec => ({ scope, handler: () => handler });
const dv = (scope: Scope, handler: (t: VersionTraits) => Handler): DirectiveSpec => ({ scope, handler });

/** Every directive that can change a score or the load result. Unlisted keys are not scored. */
const DIRECTIVES: Record<string, DirectiveSpec> = {
  DefaultDependencies: d('unit', boolSetting('defaultDependencies')),
  SuccessAction: d(
    'unit',
    factEnum('successAction', (c) => c.traits.emergencyActions),
  ),
  User: d('exec', handleUser),
  Group: d('exec', handleGroup),
  DynamicUser: d('exec', boolSetting('dynamicUser', true)),
  SupplementaryGroups: d('exec', handleSupplementaryGroups),
  AmbientCapabilities: d('exec', capabilitySet('ambientCapabilities')),
  CapabilityBoundingSet: d('exec', capabilitySet('capabilityBoundingSet')),
  KeyringMode: d('exec', enumSetting('keyringMode', ['inherit', 'private', 'shared'])),
  ProtectProc: d('exec', enumSetting('protectProc', ['default', 'noaccess', 'invisible', 'ptraceable'])),
  ProcSubset: d('exec', enumSetting('procSubset', ['all', 'pid'])),
  LockPersonality: d('exec', boolSetting('lockPersonality')),
  MemoryDenyWriteExecute: d('exec', boolSetting('memoryDenyWriteExecute')),
  NoNewPrivileges: d('exec', boolSetting('noNewPrivileges')),
  PrivateDevices: d('exec', boolSetting('privateDevices')),
  PrivateNetwork: d('exec', boolSetting('privateNetwork')),
  ProtectKernelModules: d('exec', boolSetting('protectKernelModules')),
  ProtectKernelTunables: d('exec', boolSetting('protectKernelTunables')),
  ProtectKernelLogs: d('exec', boolSetting('protectKernelLogs')),
  ProtectClock: d('exec', boolSetting('protectClock')),
  RemoveIPC: d('exec', boolSetting('removeIpc')),
  RestrictRealtime: d('exec', boolSetting('restrictRealtime')),
  RestrictSUIDSGID: d('exec', boolSetting('restrictSuidSgid')),
  PrivateMounts: dv('exec', (t) =>
    t.privateMountsTristate
      ? (ctx, a) => {
          if (a.value === '') {
            ctx.s.privateMounts = undefined;
            return 'ok';
          }
          return boolSetting('privateMounts')(ctx, a);
        }
      : boolSetting('privateMounts'),
  ),
  PrivateTmp: d(
    'exec',
    boolOrWords('privateTmp', (t) => t.privateTmpWords),
  ),
  PrivateUsers: d(
    'exec',
    boolOrWords('privateUsers', (t) => t.privateUsersWords),
  ),
  ProtectControlGroups: d(
    'exec',
    boolOrWords('protectControlGroups', (t) => t.protectControlGroupsWords),
  ),
  ProtectHostname: dv('exec', (t) =>
    t.protectHostnameEnum ? PROTECT_HOSTNAME_ENUM : boolOrWords('protectHostname', () => []),
  ),
  ProtectHome: d('exec', enumSetting('protectHome', ['yes', 'no', 'read-only', 'tmpfs'], true)),
  ProtectSystem: d('exec', enumSetting('protectSystem', ['yes', 'no', 'full', 'strict'], true)),
  RootDirectory: d('exec', rootPath('rootDirectory')),
  RootImage: d('exec', rootPath('rootImage')),
  MountImages: d('exec', factCounter('mountImages')),
  UMask: d('exec', handleUMask),
  RestrictAddressFamilies: d('exec', handleRestrictAddressFamilies),
  RestrictNamespaces: d('exec', handleRestrictNamespaces),
  SystemCallArchitectures: d('exec', handleSystemCallArchitectures),
  SystemCallFilter: d('exec', handleSystemCallFilter),
  LoadCredentialEncrypted: d('exec', factCounter('encryptedCredentials')),
  SetCredentialEncrypted: d('exec', factCounter('encryptedCredentials')),
  PAMName: d('exec', factString('pamName')),
  Delegate: d('cgroup', handleDelegate),
  DevicePolicy: d('cgroup', handleDevicePolicy),
  DeviceAllow: d('cgroup', handleDeviceAllow),
  IPAddressAllow: d('cgroup', ipPrefixList('allow')),
  IPAddressDeny: d('cgroup', ipPrefixList('deny')),
  IPIngressFilterPath: d('cgroup', ipFilterPath('ingress')),
  IPEgressFilterPath: d('cgroup', ipFilterPath('egress')),
  KillMode: d(
    'kill',
    factEnum('killMode', () => ['control-group', 'process', 'mixed', 'none']),
  ),
  Type: d(
    'service',
    factEnum('type', (c) => c.traits.serviceTypes),
  ),
  NotifyAccess: d('service', enumSetting('notifyAccess', ['none', 'main', 'exec', 'all'])),
  ExecStart: d('service', execCommands('execStart')),
  ExecStop: d('service', execCommands('execStop')),
  Restart: d(
    'service',
    factEnum('restart', () => [
      'no',
      'on-success',
      'on-failure',
      'on-abnormal',
      'on-watchdog',
      'on-abort',
      'always',
    ]),
  ),
  BusName: d('service', factString('busName')),
  ListenStream: d('socket', factCounter('listens')),
  ListenDatagram: d('socket', factCounter('listens')),
  ListenSequentialPacket: d('socket', factCounter('listens')),
  ListenFIFO: d('socket', factCounter('listens')),
  ListenSpecial: d('socket', factCounter('listens')),
  ListenNetlink: d('socket', factCounter('listens')),
  ListenMessageQueue: d('socket', factCounter('listens')),
  ListenUSBFunction: d('socket', factCounter('listens')),
  OnActiveSec: d('timer', factCounter('timerTriggers')),
  OnBootSec: d('timer', factCounter('timerTriggers')),
  OnStartupSec: d('timer', factCounter('timerTriggers')),
  OnUnitActiveSec: d('timer', factCounter('timerTriggers')),
  OnUnitInactiveSec: d('timer', factCounter('timerTriggers')),
  OnCalendar: d('timer', factCounter('timerTriggers')),
  OnClockChange: d('timer', factCounter('timerTriggers')),
  OnTimezoneChange: d('timer', factCounter('timerTriggers')),
  PathExists: d('path', factCounter('pathTriggers')),
  PathExistsGlob: d('path', factCounter('pathTriggers')),
  PathChanged: d('path', factCounter('pathTriggers')),
  PathModified: d('path', factCounter('pathTriggers')),
  DirectoryNotEmpty: d('path', factCounter('pathTriggers')),
  What: d('mount', factString('what')),
  Where: d('mount', factString('where')),
};

/** Does a directive of this scope belong to the given section of this unit type? */
function inScope(scope: Scope, section: string, type: UnitType): boolean {
  const own = TYPE_SECTION[type];
  switch (scope) {
    case 'unit':
      return section === 'Unit';
    case 'exec':
      return HAS_EXEC_CONTEXT.has(type) && section === own;
    case 'cgroup':
      return HAS_CGROUP_CONTEXT.has(type) && section === own;
    case 'kill':
      return HAS_EXEC_CONTEXT.has(type) && section === own;
    case 'service':
      return type === 'service' && section === 'Service';
    case 'socket':
      return type === 'socket' && section === 'Socket';
    case 'timer':
      return type === 'timer' && section === 'Timer';
    case 'path':
      return type === 'path' && section === 'Path';
    case 'mount':
      return (
        (type === 'mount' && section === 'Mount') ||
        (type === 'swap' && section === 'Swap') ||
        (type === 'automount' && section === 'Automount')
      );
    default:
      return false;
  }
}

const handlerCache = new WeakMap<VersionTraits, Map<string, Handler>>();

function handlerFor(key: string, traits: VersionTraits): Handler | undefined {
  let cache = handlerCache.get(traits);
  if (!cache) {
    cache = new Map();
    for (const [name, spec] of Object.entries(DIRECTIVES)) {
      cache.set(name, spec.handler(traits));
    }
    handlerCache.set(traits, cache);
  }
  return cache.get(key);
}

const profileCaches = new WeakMap<
  SystemdProfile,
  {
    capabilityNames: Map<string, number>;
    known: CapabilityMask;
    families: Map<string, number>;
    archs: Set<string>;
  }
>();

function profileCache(profile: SystemdProfile) {
  let c = profileCaches.get(profile);
  if (!c) {
    const capabilityNames = new Map<string, number>();
    let known = 0n;
    for (const [name, bit] of Object.entries(profile.data.capabilities)) {
      capabilityNames.set(name.toUpperCase(), bit);
      known |= 1n << BigInt(bit);
    }
    const families = new Map<string, number>();
    for (const [name, af] of Object.entries(profile.data.addressFamilies))
      families.set(name.toUpperCase(), af);
    c = { capabilityNames, known, families, archs: new Set(profile.data.syscallArchitectures) };
    profileCaches.set(profile, c);
  }
  return c;
}

function defaultSettings(unit: LoadedUnit, traits: VersionTraits): SecuritySettings {
  const type = unit.type;
  const exec = HAS_EXEC_CONTEXT.has(type);
  return {
    unitId: unit.id,
    unitType: type,
    hasExecContext: exec,
    hasCgroupContext: HAS_CGROUP_CONTEXT.has(type),
    defaultDependencies: true,
    notifyAccess: 'none',
    user: undefined,
    dynamicUser: false,
    supplementaryGroups: [],
    ambientCapabilities: 0n,
    capabilityBoundingSet: CAP_ALL,
    // service_init() makes system services private; exec_context_init() leaves others shared.
    keyringMode: exec ? (type === 'service' ? 'private' : 'shared') : 'inherit',
    protectProc: 'default',
    procSubset: 'all',
    privateDevices: false,
    privateMounts: exec && traits.privateMountsTristate ? undefined : false,
    privateNetwork: false,
    privateTmp: 'no',
    privateUsers: 'no',
    protectControlGroups: 'no',
    protectHostname: 'no',
    protectKernelModules: false,
    protectKernelTunables: false,
    protectKernelLogs: false,
    protectClock: false,
    lockPersonality: false,
    memoryDenyWriteExecute: false,
    noNewPrivileges: false,
    removeIpc: false,
    restrictRealtime: false,
    restrictSuidSgid: false,
    protectHome: 'no',
    protectSystem: 'no',
    rootDirectory: undefined,
    rootImage: undefined,
    umask: exec ? 0o022 : 0o002,
    addressFamilies: undefined,
    addressFamiliesAllowList: false,
    restrictNamespaces: NAMESPACES_UNSET,
    systemCallArchitectures: new Set(),
    systemCallFilter: undefined,
    delegate: false,
    devicePolicy: HAS_CGROUP_CONTEXT.has(type) ? 'auto' : undefined,
    deviceAllow: [],
    ipAddressDenyAll: false,
    ipAddressAllowLocalhost: false,
    ipAddressAllowOther: false,
    ipCustomFilters: false,
    provenance: new Map(),
    implied: new Map(),
    typeSection: undefined,
  };
}

/**
 * Applies a loaded unit's assignments in order and derives the settings systemd would score, or the
 * load failure systemd would report.
 */
export function deriveSecuritySettings(unit: LoadedUnit, profile: SystemdProfile): Derivation {
  const traits = profile.traits;
  const cache = profileCache(profile);
  const s = defaultSettings(unit, traits);
  const ctx: Context = {
    unit,
    traits,
    profile,
    s,
    facts: {
      type: undefined,
      execStart: 0,
      execStop: 0,
      successAction: 'none',
      restart: 'no',
      busName: undefined,
      pamName: undefined,
      killMode: 'control-group',
      encryptedCredentials: 0,
      mountImages: 0,
      listens: 0,
      timerTriggers: 0,
      pathTriggers: 0,
      what: undefined,
      where: undefined,
    },
    diagnostics: [],
    capabilityNames: cache.capabilityNames,
    knownCapabilityMask: cache.known,
    familyNames: cache.families,
    syscallArchitectures: cache.archs,
    ipPrefixes: { allow: [], deny: [] },
    ipFilterPaths: { ingress: 0, egress: 0 },
  };
  const ownSection = TYPE_SECTION[unit.type];

  for (let fileIndex = 0; fileIndex < unit.files.length; fileIndex++) {
    const file = unit.files[fileIndex];
    if (!file) continue;
    ctx.diagnostics.push(...file.diagnostics);
    if (fileIndex === 0 && ownSection) {
      const header = file.sections.find((h) => h.name === ownSection);
      if (header) s.typeSection = { file: file.file, line: header.line, column: 1 };
    }
    let stopped = false;
    for (const a of file.assignments) {
      const spec = DIRECTIVES[a.key];
      if (!spec || !inScope(spec.scope, a.section, unit.type)) continue;
      const handler = handlerFor(a.key, traits);
      if (!handler) continue;
      const list = s.provenance.get(a.key);
      if (list) list.push(a);
      else s.provenance.set(a.key, [a]);
      if (handler(ctx, a) === 'fatal') {
        stopped = true;
        break;
      }
    }
    // systemd refuses a unit whose main file has a fatal error, but ignores the rest of a broken drop-in.
    if (fileIndex === 0 && (stopped || file.fatal)) {
      if (file.fatal) ctx.diagnostics.push(file.fatal);
      return badSetting(ctx, `Unit ${unit.id} has a bad unit file setting.`);
    }
    if (file.fatal) ctx.diagnostics.push(file.fatal);
  }

  const verifyError = verifyUnit(ctx);
  if (verifyError) return badSetting(ctx, verifyError);

  if (s.hasExecContext) patchExecContext(ctx);
  finishRecord(ctx);
  return { settings: s, diagnostics: ctx.diagnostics };
}

function badSetting(ctx: Context, message: string): Derivation {
  return {
    failure: { kind: 'bad-setting', unitName: ctx.unit.id, message },
    diagnostics: ctx.diagnostics,
  };
}

/** The load checks that make systemd refuse a unit (service_verify() and friends). */
function verifyUnit(ctx: Context): string | undefined {
  const { unit, facts } = ctx;
  const id = unit.id;
  const refuse = (why: string): string => `${id}: ${why} Refusing.\nUnit ${id} has a bad unit file setting.`;
  switch (unit.type) {
    case 'service': {
      let type = facts.type;
      if (type === undefined) type = facts.busName ? 'dbus' : facts.execStart > 0 ? 'simple' : 'oneshot';
      if (facts.execStart === 0 && facts.execStop === 0 && facts.successAction === 'none') {
        return refuse('Service has no ExecStart=, ExecStop=, or SuccessAction=.');
      }
      if (type !== 'oneshot' && facts.execStart === 0) {
        return refuse('Service has no ExecStart= setting, which is only allowed for Type=oneshot services.');
      }
      if (type !== 'oneshot' && facts.execStart > 1) {
        return refuse(
          'Service has more than one ExecStart= setting, which is only allowed for Type=oneshot services.',
        );
      }
      if (type === 'oneshot' && ['always', 'on-success'].includes(facts.restart)) {
        return refuse(
          "Service has Restart= set to either always or on-success, which isn't allowed for Type=oneshot services.",
        );
      }
      if (type === 'dbus' && !facts.busName) {
        return refuse('Service is of type D-Bus but no D-Bus service name has been specified.');
      }
      if (facts.pamName && !['control-group', 'mixed'].includes(facts.killMode)) {
        return refuse("Service has PAM enabled. Kill mode must be set to 'control-group' or 'mixed'.");
      }
      return undefined;
    }
    case 'socket':
      return facts.listens === 0
        ? refuse('Unit has no Listen setting (ListenStream=, ListenDatagram=, ListenFIFO=, ...).')
        : undefined;
    case 'timer':
      return facts.timerTriggers === 0 ? refuse('Timer unit lacks value setting.') : undefined;
    case 'path':
      return facts.pathTriggers === 0 ? refuse('Path unit lacks path setting.') : undefined;
    default:
      return undefined;
  }
}

const CAP = (n: number): CapabilityMask => 1n << BigInt(n);
const CAP_SYS_RAWIO = 17;
const CAP_MKNOD = 27;
const CAP_SYS_MODULE = 16;
const CAP_SYSLOG = 34;
const CAP_SYS_TIME = 25;
const CAP_WAKE_ALARM = 35;

/** The implied settings of unit_patch_contexts(). */
function patchExecContext(ctx: Context): void {
  const { s, traits, facts } = ctx;
  const imply = (setting: string, cause: string): void => {
    const by = s.provenance.get(cause)?.at(-1);
    if (by) s.implied.set(setting, by);
  };
  if (s.privateDevices) s.capabilityBoundingSet &= ~(CAP(CAP_MKNOD) | CAP(CAP_SYS_RAWIO)) & U64;
  if (s.protectKernelModules) s.capabilityBoundingSet &= ~CAP(CAP_SYS_MODULE) & U64;
  if (s.protectKernelLogs) s.capabilityBoundingSet &= ~CAP(CAP_SYSLOG) & U64;
  if (s.protectClock) s.capabilityBoundingSet &= ~(CAP(CAP_SYS_TIME) | CAP(CAP_WAKE_ALARM)) & U64;
  if (s.dynamicUser) {
    if (s.user === undefined) {
      const prefix = parseUnitName(s.unitId)?.prefix ?? s.unitId;
      s.user = isStrictUserName(prefix) ? prefix : '_du0000000000000000';
    }
    if (s.privateTmp === 'no')
      s.privateTmp = traits.privateTmpWords.includes('disconnected') ? 'disconnected' : 'yes';
    s.removeIpc = true;
    s.protectSystem = 'strict';
    if (s.protectHome === 'no') s.protectHome = 'read-only';
    s.noNewPrivileges = true;
    s.restrictSuidSgid = true;
    for (const setting of [
      'PrivateTmp',
      'RemoveIPC',
      'ProtectSystem',
      'ProtectHome',
      'NoNewPrivileges',
      'RestrictSUIDSGID',
    ]) {
      imply(setting, 'DynamicUser');
    }
  }
  if (!s.hasCgroupContext) return;
  if (s.privateDevices && s.devicePolicy === 'auto') {
    s.devicePolicy = 'closed';
    imply('DevicePolicy', 'PrivateDevices');
  }
  if (s.devicePolicy !== 'auto' || s.deviceAllow.length > 0) {
    if (s.rootImage !== undefined || facts.mountImages > 0) {
      addDeviceAllow(ctx, '/dev/loop-control', 'rw');
      addDeviceAllow(ctx, '/dev/mapper/control', 'rw');
      addDeviceAllow(ctx, 'block-loop', 'rwm');
      addDeviceAllow(ctx, 'block-blkext', 'rwm');
      addDeviceAllow(ctx, 'block-device-mapper', 'rwm');
    }
    if (s.protectClock) addDeviceAllow(ctx, 'char-rtc', 'r', s.provenance.get('ProtectClock')?.at(-1));
    if (traits.tpmDeviceForEncryptedCredentials && facts.encryptedCredentials > 0)
      addDeviceAllow(ctx, 'char-tpm', 'rw');
  }
}

function isLocalhostPrefix(p: PrefixEntry): boolean {
  if (p.family === 4) return p.bytes[0] === 127;
  return p.bytes.every((b, i) => b === (i === 15 ? 1 : 0));
}

function isAnyPrefix(p: PrefixEntry): boolean {
  return p.prefixLength === 0;
}

/** The last derivations of get_security_info(). */
function finishRecord(ctx: Context): void {
  const { s } = ctx;
  const deny = ctx.ipPrefixes.deny;
  s.ipAddressDenyAll =
    deny.some((p) => p.family === 4 && isAnyPrefix(p)) && deny.some((p) => p.family === 6 && isAnyPrefix(p));
  for (const p of ctx.ipPrefixes.allow) {
    if (isLocalhostPrefix(p)) s.ipAddressAllowLocalhost = true;
    else s.ipAddressAllowOther = true;
  }
  s.ipCustomFilters = ctx.ipFilterPaths.ingress > 0 || ctx.ipFilterPaths.egress > 0;
  if (s.protectSystem === undefined) s.protectSystem = 'no';
}
