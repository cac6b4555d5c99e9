// The security-relevant settings systemd derives for a loaded unit ("SecurityInfo"), with the line
// that set each one. Ports the directive parsers of src/core/load-fragment.c, the implied settings of
// unit_patch_contexts() (src/core/unit.c), the load checks of service_verify() (src/core/service.c) and
// get_security_info() (src/analyze/analyze-security.c), v252–v262, as selected by VersionTraits.
import type { Assignment, Diagnostic, DiagnosticKind, SourceLocation } from '../unit/parse-unit-file';
import { isKnownKey, suggestKey, versionAddingKey } from './unit-keys';
import type { LoadedUnit, LoadFailure } from '../unit/load-unit';
import type { UnitType } from '../unit/unit-name';
import {
  isHashedUnitName,
  isStrictUserName,
  isValidRelaxedUserName,
  parseUnitName,
  unitNameFromPath,
  unitNameToPath,
} from '../unit/unit-name';
import { expandSpecifiers, type SpecifierContext, type SpecifierResult } from '../unit/specifiers';
import {
  EXTRACT_CUNESCAPE,
  EXTRACT_RELAX,
  EXTRACT_UNQUOTE,
  extractAllWords,
  extractFirstWordRaw,
  extractWords,
} from '../unit/extract-word';
import {
  isNormalizedPath,
  pathEqual,
  pathStartsWith,
  simplifyAndCheckPath,
  simplifyPath,
} from '../unit/path-util';
import type { SystemdProfile, VersionTraits } from './versions';
import { ERRNO_NAMES } from './errno-names';
import { parseExecLine, type ExecLineOptions } from './exec-command';
import { applyLoadCredential, applySetCredential, type CredentialMap } from './credentials';

export { simplifyPath } from '../unit/path-util';

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
  /** The order assignments were applied in (across files): which of two lines systemd applied last. */
  applied: Map<Assignment, number>;
  /** Settings changed by another directive (e.g. DynamicUser= forcing ProtectSystem=strict). */
  implied: Map<string, Assignment>;
  /** The `[Service]`-type section header of the main file, where a missing directive belongs. */
  typeSection: SourceLocation | undefined;
}

/**
 * Whether each on/off setting is in effect, as the assessors read it (get_security_info()): the
 * enum-valued ones (PrivateTmp=disconnected, …) count as on unless `no`, and an unset PrivateMounts=
 * counts as on from v254 (the offline tri-state quirk). Shared by the scoring rules and the gate.
 */
export const EFFECTIVE_FLAGS: Readonly<Record<string, (s: SecuritySettings) => boolean>> = {
  NoNewPrivileges: (s) => s.noNewPrivileges,
  PrivateTmp: (s) => s.privateTmp !== 'no',
  PrivateDevices: (s) => s.privateDevices,
  PrivateNetwork: (s) => s.privateNetwork,
  PrivateUsers: (s) => s.privateUsers !== 'no',
  PrivateMounts: (s) => s.privateMounts !== false,
  ProtectKernelModules: (s) => s.protectKernelModules,
  ProtectKernelTunables: (s) => s.protectKernelTunables,
  ProtectKernelLogs: (s) => s.protectKernelLogs,
  ProtectClock: (s) => s.protectClock,
  ProtectControlGroups: (s) => s.protectControlGroups !== 'no',
  ProtectHostname: (s) => s.protectHostname !== 'no',
  LockPersonality: (s) => s.lockPersonality,
  MemoryDenyWriteExecute: (s) => s.memoryDenyWriteExecute,
  RestrictRealtime: (s) => s.restrictRealtime,
  RestrictSUIDSGID: (s) => s.restrictSuidSgid,
  RemoveIPC: (s) => s.removeIpc,
  DynamicUser: (s) => s.dynamicUser,
  Delegate: (s) => s.delegate,
};

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

/** The words of parse_boolean() as units usually spell them, for a lookup without lowercasing. */
const BOOLEAN_WORDS = new Map<string, boolean>([
  ...[...TRUE_WORDS].map((w): [string, boolean] => [w, true]),
  ...[...FALSE_WORDS].map((w): [string, boolean] => [w, false]),
]);

/** parse_boolean(): case-insensitive. */
export function parseBoolean(value: string): boolean | undefined {
  const exact = BOOLEAN_WORDS.get(value);
  if (exact !== undefined) return exact;
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
  remainAfterExit: boolean;
  exitType: string;
  busName: string | undefined;
  pamName: string | undefined;
  killMode: string;
  /** Credential name → encrypted, for LoadCredential*= and SetCredential*= (two separate lists). */
  loadCredentials?: CredentialMap;
  setCredentials?: CredentialMap;
  mountImages: number;
  listens: number;
  timerTriggers: number;
  pathTriggers: number;
  /** Mount/Swap What=, Mount/Automount Where= (as parsed; undefined when unset). */
  what: string | undefined;
  where: string | undefined;
  /** Automount ExtraOptions=, Mount Options= and Type=. */
  extraOptions: string | undefined;
  options: string | undefined;
  fstype: string | undefined;
}

type Outcome = 'ok' | 'fatal';

interface Context {
  unit: LoadedUnit;
  traits: VersionTraits;
  profile: SystemdProfile;
  s: SettingsRecord;
  facts: ServiceFacts;
  diagnostics: Diagnostic[];
  capabilityNames: Map<string, number>;
  knownCapabilityMask: CapabilityMask;
  familyNames: Map<string, number>;
  syscallArchitectures: Set<string>;
  knownSyscalls: Set<string>;
  /** The profile's system call groups, by name. */
  syscallGroups: Map<string, readonly string[]>;
  ipPrefixes: { allow: PrefixEntry[]; deny: PrefixEntry[] };
  ipFilterPaths: { ingress: number; egress: number };
  /** unit_full_printf()'s view of this unit. */
  specifierContext: SpecifierContext;
  /** parseExecLine()'s options for this unit (made by the first Exec*= line). */
  execOptions?: ExecLineOptions;
  /** Whether the assignments being applied are the main file's (its errors refuse the unit). */
  inMainFile: boolean;
}

type Handler = (ctx: Context, a: Assignment) => Outcome;

/**
 * Logs a warning about an assignment. Unless told otherwise, a message that says systemd ignores the
 * value (or a part of it) is an invalid value; the others (deprecations, conversions) are `other`.
 */
function warn(ctx: Context, a: Assignment, message: string, kind?: DiagnosticKind): Outcome {
  ctx.diagnostics.push({
    file: a.file,
    line: a.line,
    column: a.column,
    severity: 'warning',
    message,
    kind: kind ?? (/ignor/i.test(message) ? 'invalid-value' : 'other'),
    key: a.key,
    section: a.section,
    value: a.value,
  });
  return 'ok';
}

/**
 * config_parse_line() (conf-parser.c, v252–v262) finds no parser for the key in this section: "Unknown
 * key", unless it is an `X-` extension. Classified for the gate: known to a later version, known in
 * another section of this unit, or unknown (with the nearest known key).
 */
function unknownKey(ctx: Context, a: Assignment, sections: readonly string[]): void {
  if (a.key.startsWith('X-') || isKnownKey(ctx.profile.version, a.section, a.key)) return;
  const message = `Unknown key '${a.key}' in section [${a.section}], ignoring.`;
  const d: Diagnostic = {
    file: a.file,
    line: a.line,
    column: a.column,
    severity: 'warning',
    message,
    kind: 'unknown-key',
    key: a.key,
    section: a.section,
    value: a.value,
  };
  const addedIn = versionAddingKey(a.section, a.key);
  const elsewhere = sections.find((s) => s !== a.section && isKnownKey(ctx.profile.version, s, a.key));
  if (addedIn !== undefined) {
    d.kind = 'key-unknown-to-version';
    d.addedIn = addedIn;
  } else if (elsewhere !== undefined) {
    d.kind = 'wrong-section';
    d.expectedSection = elsewhere;
  } else {
    const suggestion = suggestKey(a.section, a.key);
    if (suggestion !== undefined) d.suggestion = suggestion;
  }
  ctx.diagnostics.push(d);
}

/**
 * config_parse_job_mode_isolate() (load-fragment.c, v252–v262) logs a notice, whatever the value,
 * with log_notice(): no file and line in front of it.
 */
function handleOnFailureIsolate(ctx: Context, a: Assignment): Outcome {
  ctx.diagnostics.push({
    file: a.file,
    line: a.line,
    column: a.column,
    severity: 'warning',
    message: 'OnFailureIsolate is deprecated. Please use OnFailureJobMode= instead',
    unlocated: true,
    kind: 'other',
    key: a.key,
    section: a.section,
    value: a.value,
  });
  return 'ok';
}

/** An error that ends the file (-ENOEXEC): the unit is refused when it is in the main file. */
function fatal(ctx: Context, a: Assignment, message: string): Outcome {
  ctx.diagnostics.push({
    file: a.file,
    line: a.line,
    column: a.column,
    severity: 'error',
    message,
    kind: ctx.inMainFile ? 'refused-unit' : 'invalid-value',
    key: a.key,
    section: a.section,
    value: a.value,
  });
  return 'fatal';
}

/** unit_full_printf() for this unit and version. */
function expand(ctx: Context, value: string): SpecifierResult {
  return expandSpecifiers(value, ctx.specifierContext);
}

function specifiers(ctx: Context, a: Assignment, value: string): string | undefined {
  const r = expand(ctx, value);
  if (r.ok) return r.value;
  warn(
    ctx,
    a,
    `Failed to resolve unit specifiers in ${value}: unknown specifier ${r.specifier}`,
    'invalid-value',
  );
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
    const extra = words(ctx.traits);
    if (extra.includes(a.value)) {
      (ctx.s as unknown as Record<string, unknown>)[field] = a.value;
      return 'ok';
    }
    // Where the version has no extra words the setting is a plain config_parse_bool() (e.g. PrivateTmp=
    // in v252), which words its failure as any boolean does.
    if (extra.length === 0) return warn(ctx, a, `Failed to parse boolean value, ignoring: ${a.value}`);
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
    if (!words.includes(a.value)) return warn(ctx, a, enumParseFailure(ctx, a));
    (ctx.s as unknown as Record<string, unknown>)[field] = a.value;
    return 'ok';
  };
}

const handleUser: Handler = (ctx, a) => {
  if (a.value === '') {
    ctx.s.user = undefined;
    return 'ok';
  }
  const r = expand(ctx, a.value);
  if (!r.ok) return fatal(ctx, a, `Failed to resolve unit specifiers in ${a.value}`);
  if (!isValidRelaxedUserName(r.value))
    return fatal(ctx, a, `Invalid user/group name or numeric ID: ${r.value}`);
  // config_parse_user_group_compat() (load-fragment.c, v252–v262) warns about User=nobody, by name only:
  // neither a numeric 65534 nor Group=nobody/nogroup is warned about.
  if (r.value === 'nobody') warn(ctx, a, 'Special user nobody configured, this is not safe!');
  ctx.s.user = r.value;
  return 'ok';
};

const handleGroup: Handler = (ctx, a) => {
  if (a.value === '') return 'ok';
  const r = expand(ctx, a.value);
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
    const r = expand(ctx, word);
    if (!r.ok) return fatal(ctx, a, `Failed to resolve unit specifiers in ${word}`);
    if (!isValidRelaxedUserName(r.value))
      return fatal(ctx, a, `Invalid user/group name or numeric ID: ${r.value}`);
    ctx.s.supplementaryGroups.push(r.value);
  }
  if (invalid) return fatal(ctx, a, `Invalid syntax: ${a.value}`);
  return 'ok';
};

/**
 * capability_set_from_string() (src/basic/cap-list.c): names (case-insensitive, CAP_ prefix) or numbers;
 * unknown ones skipped. A word that cannot be extracted (unbalanced quote) ends the list silently and
 * the words before it count (v252); from v254 (EXTRACT_RELAX) the unterminated word itself counts too.
 */
function parseCapabilities(ctx: Context, value: string): CapabilityMask {
  const { words } = extractAllWords(
    value,
    EXTRACT_UNQUOTE | (ctx.traits.capabilityListRelaxed ? EXTRACT_RELAX : 0),
  );
  // The 64-bit sum as two 32-bit halves: one BigInt at the end instead of a few per word.
  let low = 0;
  let high = 0;
  for (const word of words) {
    let bit: number | undefined;
    if (isDigit(word.charCodeAt(0)) && /^[0-9]+$/.test(word)) {
      const n = Number(word);
      if (n <= ctx.traits.maxCapabilityNumber) bit = n;
    } else bit = ctx.capabilityNames.get(word.toUpperCase());
    if (bit === undefined) continue;
    if (bit < 32) low |= 1 << bit;
    else high |= 1 << (bit - 32);
  }
  return (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0);
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
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

const namespaceAllMasks = new WeakMap<VersionTraits, number>();

/** The "all namespace types" mask of a version (worked out once per version). */
function namespaceAllMask(traits: VersionTraits): number {
  let mask = namespaceAllMasks.get(traits);
  if (mask === undefined) {
    mask = computeNamespaceAllMask(traits);
    namespaceAllMasks.set(traits, mask);
  }
  return mask;
}

function computeNamespaceAllMask(traits: VersionTraits): number {
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
  const { words: nsWords, invalid: nsInvalid } = extractWords(value, false);
  // config_parse_restrict_namespaces() logs the value after the `~` it stepped over.
  if (nsInvalid) return warn(ctx, a, `Failed to parse namespace type string, ignoring: ${value}`);
  for (const word of nsWords) {
    const flag = NAMESPACE_FLAGS[word];
    if (flag === undefined) return warn(ctx, a, `Failed to parse namespace type string, ignoring: ${value}`);
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
  const groups = ctx.syscallGroups;
  if (!s.systemCallFilter) {
    s.systemCallFilter = { allowList: !invert, names: new Set() };
    // An allow list always starts with @default.
    if (!invert) for (const name of groups.get('@default') ?? []) s.systemCallFilter.names.add(name);
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
    if (!parsed.name.startsWith('@') && !ctx.knownSyscalls.has(parsed.name)) {
      // Unknown to libseccomp: skipped (seccomp_parse_syscall_filter() with SECCOMP_PARSE_PERMISSIVE),
      // worded per version.
      warn(
        ctx,
        a,
        ctx.traits.syscallUnknownLegacyMessage
          ? `Failed to parse system call, ignoring: ${parsed.name}`
          : `System call ${parsed.name} is not known, ignoring.`,
      );
      continue;
    }
    const members = parsed.name.startsWith('@') ? groups.get(parsed.name) : [parsed.name];
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
    // config_parse_unit_path_printf() with `fatal`: config_parse_path() refuses a relative or
    // non-normalized path (`..`) with PATH_CHECK_FATAL, which makes the unit fail to load.
    const r = expand(ctx, a.value);
    if (!r.ok) return fatal(ctx, a, `Failed to resolve unit specifiers in '${a.value}'`);
    if (r.value === '') {
      ctx.s[field] = undefined;
      return 'ok';
    }
    const checked = simplifyAndCheckPath(r.value, a.key, 'absolute');
    if (!checked.ok) return fatal(ctx, a, checked.message);
    ctx.s[field] = checked.path;
    return 'ok';
  };
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
  // config_parse_device_allow(): the path (unquoted, specifiers expanded) then the rights.
  const first = extractFirstWordRaw(a.value, EXTRACT_UNQUOTE);
  if (first.kind !== 'word')
    return warn(ctx, a, `Failed to extract device path and rights from '${a.value}', ignoring.`);
  const resolved = specifiers(ctx, a, first.word);
  if (resolved === undefined) return 'ok';
  let path = resolved;
  if (!path.startsWith('block-') && !path.startsWith('char-')) {
    const checked = simplifyAndCheckPath(path, a.key, 'any');
    if (!checked.ok) return warn(ctx, a, `${checked.message.replace(/: /, ', ignoring: ')}`);
    path = checked.path;
    if (!isValidDeviceNodePath(path)) return warn(ctx, a, `Invalid device node path '${path}', ignoring.`);
  }
  const rights = first.rest ?? '';
  if (rights !== '' && !/^[rwm]+$/.test(rights))
    return warn(ctx, a, `Invalid device rights '${rights}', ignoring.`);
  addDeviceAllow(ctx, path, rights, a);
  return 'ok';
};

/**
 * valid_device_node_path() (src/basic/path-util.c): below `/dev` or `/run/systemd/inaccessible`
 * component-wise — so `/dev` itself qualifies — no trailing slash, normalized.
 */
function isValidDeviceNodePath(path: string): boolean {
  if (
    pathStartsWith(path, '/dev/') === undefined &&
    pathStartsWith(path, '/run/systemd/inaccessible/') === undefined
  )
    return false;
  return !path.endsWith('/');
}

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
    // path_simplify_and_warn(PATH_CHECK_ABSOLUTE): relative or non-normalized paths are ignored.
    const checked = simplifyAndCheckPath(v, a.key, 'absolute');
    if (!checked.ok) return warn(ctx, a, checked.message.replace(/: /, ', ignoring: '));
    ctx.ipFilterPaths[field]++;
    return 'ok';
  };
}

/** parseExecLine()'s options for this unit, made once per unit. */
function execOptions(ctx: Context): ExecLineOptions {
  return (ctx.execOptions ??= {
    extraPrefixes: ctx.traits.execCommandExtraPrefixes,
    expand: (text) => expand(ctx, text),
  });
}

/**
 * An Exec*= directive (config_parse_exec()): an empty value resets the list, otherwise the line's
 * commands are appended; a bad command is fatal unless prefixed with `-`. Only ExecStart= and
 * ExecStop= are counted, for the service checks.
 */
function execCommands(field?: 'execStart' | 'execStop'): Handler {
  return (ctx, a) => {
    if (a.value === '') {
      if (field) ctx.facts[field] = 0;
      return 'ok';
    }
    const r = parseExecLine(a.value, execOptions(ctx));
    // v258+ (config_parse_exec(), load-fragment.c): `!!` is parsed and ignored, with a warning per command.
    if (ctx.traits.execDoubleBangObsolete)
      for (let i = 0; i < r.doubleBang; i++)
        warn(
          ctx,
          a,
          `The !! modifier for ${a.key}= lines is no longer supported and is now ignored. ` +
            'Please update your unit files and remove the modifier.',
        );
    for (const m of r.messages) {
      if (m.severity === 'error') fatal(ctx, a, m.message);
      else warn(ctx, a, m.message);
    }
    if (field) ctx.facts[field] += r.commands;
    return r.fatal ? 'fatal' : 'ok';
  };
}

function factEnum(
  field: 'type' | 'restart' | 'killMode' | 'successAction' | 'exitType',
  words: (c: Context) => readonly string[],
): Handler {
  return (ctx, a) => {
    if (!words(ctx).includes(a.value)) return warn(ctx, a, enumParseFailure(ctx, a));
    ctx.facts[field] = a.value;
    // config_parse_kill_mode() (load-fragment.c, v252–v262) accepts KillMode=none with a warning.
    if (field === 'killMode' && a.value === 'none')
      warn(
        ctx,
        a,
        "Unit uses KillMode=none. This is unsafe, as it disables systemd's process lifecycle management " +
          "for the service. Please update the service to use a safer KillMode=, such as 'mixed' or " +
          "'control-group'. Support for KillMode=none is deprecated and will eventually be removed.",
      );
    return 'ok';
  };
}

/** v252's words for an enum value it does not know, per directive. */
const ENUM_MESSAGES_252: Readonly<Record<string, string>> = {
  Type: 'Failed to parse service type',
  ProtectSystem: 'Failed to parse protect system value',
  ProtectHome: 'Failed to parse protect home value',
  KeyringMode: 'Failed to parse keyring mode',
  ProtectProc: 'Failed to parse /proc/ protection mode',
  ProcSubset: 'Failed to parse /proc/ subset mode',
  NotifyAccess: 'Failed to parse notify access specifier',
  KillMode: 'Failed to parse kill mode specification',
};

/** What an enum directive logs for a value it does not know, as each version words it. */
function enumParseFailure(ctx: Context, a: Assignment): string {
  // v252: DEFINE_CONFIG_PARSE_ENUM(config_parse_service_type, …, "Failed to parse service type"), and
  // each enum parser its own words (checked with systemd-analyze 252).
  const legacy = ctx.traits.serviceTypeLegacyMessage ? ENUM_MESSAGES_252[a.key] : undefined;
  if (legacy !== undefined) return `${legacy}, ignoring: ${a.value}`;
  // config_parse_emergency_action() (load-fragment.c): "Failed to parse %s=, ignoring: %s".
  if (a.key === 'SuccessAction') return `Failed to parse SuccessAction=, ignoring: ${a.value}`;
  return `Failed to parse ${a.key}= value, ignoring: ${a.value}`;
}

function factString(field: 'busName' | 'pamName'): Handler {
  return (ctx, a) => {
    ctx.facts[field] = a.value === '' ? undefined : a.value;
    return 'ok';
  };
}

/** config_parse_unit_string_printf() (Mount What=, Automount ExtraOptions=): specifiers, empty unsets. */
function factPrintfString(field: 'what' | 'extraOptions' | 'options' | 'fstype'): Handler {
  return (ctx, a) => {
    const v = specifiers(ctx, a, a.value);
    if (v === undefined) return 'ok';
    ctx.facts[field] = v === '' ? undefined : v;
    return 'ok';
  };
}

/**
 * config_parse_unit_path_printf() without `fatal` (Mount/Automount Where=, Swap What=): specifiers,
 * empty unsets, a relative or non-normalized path is ignored with a warning.
 */
function factPath(field: 'what' | 'where'): Handler {
  return (ctx, a) => {
    const v = specifiers(ctx, a, a.value);
    if (v === undefined) return 'ok';
    if (v === '') {
      ctx.facts[field] = undefined;
      return 'ok';
    }
    const checked = simplifyAndCheckPath(v, a.key, 'absolute');
    if (!checked.ok) return warn(ctx, a, checked.message.replace(/: /, ', ignoring: '));
    ctx.facts[field] = checked.path;
    return 'ok';
  };
}

function factBoolean(field: 'remainAfterExit'): Handler {
  return (ctx, a) => {
    const b = parseBoolean(a.value);
    if (b === undefined) return warn(ctx, a, `Failed to parse boolean value, ignoring: ${a.value}`);
    ctx.facts[field] = b;
    return 'ok';
  };
}

function credential(kind: 'load' | 'set', encrypted: boolean): Handler {
  return (ctx, a) => {
    // Made by the first line: most units have none.
    const map =
      kind === 'load' ? (ctx.facts.loadCredentials ??= new Map()) : (ctx.facts.setCredentials ??= new Map());
    const apply = kind === 'load' ? applyLoadCredential : applySetCredential;
    const r = apply(map, a.value, encrypted, execOptions(ctx).expand);
    return r.ok ? 'ok' : warn(ctx, a, r.message);
  };
}

function factCounter(field: 'mountImages' | 'listens' | 'timerTriggers' | 'pathTriggers'): Handler {
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

// The parsers of the directives whose meaning depends on the unit type (Type=, Options=, What=).
// ---------------------------------------------------------------------------------------------
// Directives that change no score but make systemd warn while parsing (their assignments are not
// recorded as applied settings).

/**
 * StandardOutput=/StandardError= (config_parse_exec_output(), load-fragment.c, v252–v262): the obsolete
 * syslog types are turned into their journal counterparts, with a warning (worded "Standard output" for
 * both keys).
 */
const handleStandardOutput: Handler = (ctx, a) => {
  const journal = a.value === 'syslog' ? 'journal' : a.value === 'syslog+console' ? 'journal+console' : '';
  if (journal === '') return 'ok';
  return warn(
    ctx,
    a,
    `Standard output type ${a.value} is obsolete, automatically updating to ${journal}. ` +
      'Please update your unit file, and consider removing the setting altogether.',
  );
};

/**
 * PIDFile= (config_parse_pid_file() and patch_var_run(), load-fragment.c): a relative path is taken
 * below /run (path_make_absolute()), a path below /var/run/ is moved to /run/, logged at LOG_WARNING
 * from v257 (at LOG_NOTICE, not shown, in v252).
 */
const handlePidFile: Handler = (ctx, a) => {
  if (a.value === '' || !ctx.traits.pidFileVarRunWarns) return 'ok';
  const r = expand(ctx, a.value);
  // A relative path ends up below /run, never below /var/run.
  if (!r.ok || !r.value.startsWith('/')) return 'ok';
  const checked = simplifyAndCheckPath(r.value, a.key, 'absolute');
  if (!checked.ok) return warn(ctx, a, checked.message.replace(/: /, ', ignoring: '));
  const rest = pathStartsWith(checked.path, '/var/run');
  if (rest === undefined || rest === '') return 'ok';
  return warn(
    ctx,
    a,
    `PIDFile= references a path below legacy directory /var/run/, updating ${checked.path} → /run/${rest}; ` +
      'please update the unit file accordingly.',
  );
};

/**
 * Personality= (config_parse_personality(), load-fragment.c): personality_from_string() accepts the
 * native and secondary architecture only (x86-64 and x86 on the x86-64 build the oracle ran).
 */
const handlePersonality: Handler = (ctx, a) => {
  if (a.value === '' || a.value === 'x86-64' || a.value === 'x86') return 'ok';
  return warn(
    ctx,
    a,
    ctx.traits.personalityLegacyMessage
      ? `Failed to parse personality, ignoring: ${a.value}`
      : `Failed to parse ${a.key}=${a.value}, ignoring.`,
  );
};

/**
 * CPUSchedulingPriority= (config_parse_exec_cpu_sched_prio(), load-fragment.c, v252–v262): only the
 * outer bounds of all policies are checked, 0 (SCHED_OTHER) to 99 (SCHED_RR).
 */
const handleCpuSchedulingPriority: Handler = (ctx, a) => {
  if (!/^-?\d+$/.test(a.value)) return 'ok';
  const prio = Number(a.value);
  if (prio >= 0 && prio <= 99) return 'ok';
  return warn(ctx, a, `CPU scheduling priority is out of range, ignoring: ${a.value}`);
};

/**
 * cgroup v1 settings: v252–v257 still parse CPUShares= and MemoryLimit= with a warning naming the
 * replacement (config_parse_cg_cpu_weight(), config_parse_memory_limit()); v262 ignores removed options
 * (config_parse_warn_compat() with DISABLED_LEGACY).
 */
const handleLegacyCgroupOption: Handler = (ctx, a) => {
  if (ctx.traits.cgroupRemovedOptions.includes(a.key))
    return warn(ctx, a, `Support for option ${a.key}= has been removed and it is ignored`);
  const replacement = ctx.traits.cgroupDeprecated[a.key];
  if (replacement === undefined || a.value === '') return 'ok';
  return warn(
    ctx,
    a,
    `Unit uses ${a.key}=; please use ${replacement}= instead. Support for ${a.key}= will be removed soon.`,
  );
};

/** env_name_is_valid() (src/basic/env-util.c, v252): shell variable characters, not starting with a digit. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** string_has_cc(value, "\t\n"): control characters other than tab and newline. */
// eslint-disable-next-line no-control-regex
const ENV_VALUE_CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/;

/**
 * Environment= (config_parse_environ(), load-fragment.c, v252–v262): each word (unquoted, C escapes
 * resolved, specifiers expanded) must be a NAME=value assignment (env_assignment_is_valid()); others are
 * skipped with a warning.
 */
const handleEnvironment: Handler = (ctx, a) => {
  if (a.value === '') return 'ok';
  const { words } = extractAllWords(a.value, EXTRACT_CUNESCAPE | EXTRACT_UNQUOTE);
  for (const word of words) {
    const r = expand(ctx, word);
    if (!r.ok) continue;
    const eq = r.value.indexOf('=');
    const valid =
      eq >= 0 &&
      ENV_NAME.test(r.value.slice(0, eq)) &&
      !r.value.includes('\uFFFD') &&
      !ENV_VALUE_CONTROL.test(r.value.slice(eq + 1));
    if (!valid) warn(ctx, a, `Invalid environment assignment, ignoring: ${r.value}`);
  }
  return 'ok';
};

/**
 * ReadWritePaths= and the other namespace path lists (config_parse_namespace_path_strv(),
 * load-fragment.c, v252–v262): each word, after its `-` and `+` prefixes and specifier expansion, must be
 * an absolute, normalized path (path_simplify_and_warn(PATH_CHECK_ABSOLUTE)); others are skipped.
 */
const handleNamespacePaths: Handler = (ctx, a) => {
  if (a.value === '') return 'ok';
  const { words } = extractAllWords(a.value, EXTRACT_UNQUOTE);
  for (const word of words) {
    let w = word;
    if (w.startsWith('-')) w = w.slice(1);
    if (w.startsWith('+')) w = w.slice(1);
    const resolved = specifiers(ctx, a, w);
    if (resolved === undefined) continue;
    const checked = simplifyAndCheckPath(resolved, a.key, 'absolute');
    if (!checked.ok) warn(ctx, a, checked.message.replace(/: /, ', ignoring: '));
  }
  return 'ok';
};

const SERVICE_TYPE = factEnum('type', (c) => c.traits.serviceTypes);
const MOUNT_FSTYPE = factPrintfString('fstype');
const MOUNT_OPTIONS = factPrintfString('options');
const MOUNT_WHAT = factPrintfString('what');
const SWAP_WHAT = factPath('what');

type Scope =
  | 'exec'
  | 'cgroup'
  | 'service'
  | 'kill'
  | 'unit'
  | 'socket'
  | 'service-or-socket'
  | 'service-or-mount'
  | 'timer'
  | 'path'
  | 'mount'
  | 'swap'
  | 'automount';

interface DirectiveSpec {
  scope: Scope;
  /** The parser, chosen per version where the parser changed between releases. */
  handler: (t: VersionTraits) => Handler;
  /** Whether an assignment counts as an applied setting (false: parsed only for its warnings). */
  record: boolean;
}

const dv = (scope: Scope, handler: (t: VersionTraits) => Handler): DirectiveSpec => ({
  scope,
  handler,
  record: true,
});
const d = (scope: Scope, handler: Handler): DirectiveSpec => dv(scope, () => handler);
/** A directive parsed only for the warnings systemd logs about it. */
const w = (scope: Scope, handler: Handler): DirectiveSpec => ({ ...d(scope, handler), record: false });

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
  PrivateMounts: dv('exec', (t) => {
    const parse = boolSetting('privateMounts');
    return t.privateMountsTristate
      ? (ctx, a) => {
          if (a.value === '') {
            ctx.s.privateMounts = undefined;
            return 'ok';
          }
          return parse(ctx, a);
        }
      : parse;
  }),
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
  LoadCredential: d('exec', credential('load', false)),
  LoadCredentialEncrypted: d('exec', credential('load', true)),
  SetCredential: d('exec', credential('set', false)),
  SetCredentialEncrypted: d('exec', credential('set', true)),
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
  // Service Type= is an enum; Mount Type= the file system type (a string with specifiers).
  Type: d('service-or-mount', (ctx, a) =>
    ctx.unit.type === 'service' ? SERVICE_TYPE(ctx, a) : MOUNT_FSTYPE(ctx, a),
  ),
  Options: d('mount', (ctx, a) => (ctx.unit.type === 'mount' ? MOUNT_OPTIONS(ctx, a) : 'ok')),
  NotifyAccess: d('service', enumSetting('notifyAccess', ['none', 'main', 'exec', 'all'])),
  ExecStart: d('service', execCommands('execStart')),
  ExecStop: d('service', execCommands('execStop')),
  ExecStartPre: d('service-or-socket', execCommands()),
  ExecStartPost: d('service-or-socket', execCommands()),
  ExecCondition: d('service', execCommands()),
  ExecReload: d('service', execCommands()),
  ExecStopPost: d('service-or-socket', execCommands()),
  ExecStopPre: d('socket', execCommands()),
  RemainAfterExit: d('service', factBoolean('remainAfterExit')),
  ExitType: d(
    'service',
    factEnum('exitType', () => ['main', 'cgroup']),
  ),
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
  // Mount What= is a plain string; Swap What= a path.
  What: d('mount', (ctx, a) => (ctx.unit.type === 'mount' ? MOUNT_WHAT(ctx, a) : SWAP_WHAT(ctx, a))),
  Where: d('mount', factPath('where')),
  ExtraOptions: d('automount', factPrintfString('extraOptions')),
  OnFailureIsolate: w('unit', handleOnFailureIsolate),
  StandardOutput: w('exec', handleStandardOutput),
  Environment: w('exec', handleEnvironment),
  ReadWritePaths: w('exec', handleNamespacePaths),
  ReadOnlyPaths: w('exec', handleNamespacePaths),
  InaccessiblePaths: w('exec', handleNamespacePaths),
  ExecPaths: w('exec', handleNamespacePaths),
  NoExecPaths: w('exec', handleNamespacePaths),
  StandardError: w('exec', handleStandardOutput),
  PIDFile: w('service', handlePidFile),
  Personality: w('exec', handlePersonality),
  CPUSchedulingPriority: w('exec', handleCpuSchedulingPriority),
  CPUShares: w('cgroup', handleLegacyCgroupOption),
  MemoryLimit: w('cgroup', handleLegacyCgroupOption),
  CPUAccounting: w('cgroup', handleLegacyCgroupOption),
  DefaultMemoryLow: w('cgroup', handleLegacyCgroupOption),
};

/**
 * The one section where a directive of this scope applies for this unit type (undefined: nowhere).
 * Each scope names at most one section per type: the type's own section or a fixed one.
 */
function scopeSection(scope: Scope, type: UnitType): string | undefined {
  const own = TYPE_SECTION[type];
  switch (scope) {
    case 'unit':
      return 'Unit';
    case 'exec':
    case 'kill':
      return HAS_EXEC_CONTEXT.has(type) ? own : undefined;
    case 'cgroup':
      return HAS_CGROUP_CONTEXT.has(type) ? own : undefined;
    case 'service':
      return type === 'service' ? 'Service' : undefined;
    case 'socket':
      return type === 'socket' ? 'Socket' : undefined;
    case 'service-or-mount':
      return type === 'service' ? 'Service' : type === 'mount' ? 'Mount' : undefined;
    case 'service-or-socket':
      return type === 'service' ? 'Service' : type === 'socket' ? 'Socket' : undefined;
    case 'automount':
      return type === 'automount' ? 'Automount' : undefined;
    case 'timer':
      return type === 'timer' ? 'Timer' : undefined;
    case 'path':
      return type === 'path' ? 'Path' : undefined;
    case 'mount':
      return type === 'mount'
        ? 'Mount'
        : type === 'swap'
          ? 'Swap'
          : type === 'automount'
            ? 'Automount'
            : undefined;
    default:
      return undefined;
  }
}

/** A directive as one version parses it for one unit type: its name, its section and its handler. */
interface Directive {
  name: string;
  section: string;
  handler: Handler;
  record: boolean;
}

const directiveTables = new WeakMap<VersionTraits, Map<UnitType, Map<string, Directive>>>();

/**
 * The directives that apply to a unit type, by name, with each handler chosen for a version: an
 * assignment is applied when its key is here and it sits in the directive's section. Built once per
 * version and type, so a unit costs one lookup per assignment.
 */
function directivesFor(traits: VersionTraits, type: UnitType): Map<string, Directive> {
  let byType = directiveTables.get(traits);
  if (!byType) {
    byType = new Map();
    directiveTables.set(traits, byType);
  }
  let table = byType.get(type);
  if (!table) {
    table = new Map();
    for (const [name, spec] of Object.entries(DIRECTIVES)) {
      const section = scopeSection(spec.scope, type);
      if (section !== undefined)
        table.set(name, { name, section, handler: spec.handler(traits), record: spec.record });
    }
    byType.set(type, table);
  }
  return table;
}

const profileCaches = new WeakMap<
  SystemdProfile,
  {
    capabilityNames: Map<string, number>;
    known: CapabilityMask;
    families: Map<string, number>;
    archs: Set<string>;
    syscalls: Set<string>;
    groups: Map<string, readonly string[]>;
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
    c = {
      capabilityNames,
      known,
      families,
      archs: new Set(profile.data.syscallArchitectures),
      syscalls: new Set(profile.data.knownSyscalls),
      groups: new Map(Object.entries(profile.data.syscallGroups)),
    };
    profileCaches.set(profile, c);
  }
  return c;
}

/**
 * Units the manager synthesises and marks perpetual before reading their file, with
 * DefaultDependencies=no (mount_load_root_mount(), slice_load_root_slice(), slice_load_system_slice()).
 */
const PERPETUAL_UNITS = ['-.mount', '-.slice', 'system.slice'];

function isPerpetual(unit: LoadedUnit): boolean {
  if (unit.type !== 'mount' && unit.type !== 'slice') return false;
  return PERPETUAL_UNITS.some((n) => unit.names.includes(n) && n.endsWith(`.${unit.type}`));
}

/**
 * A unit's SecuritySettings with systemd's defaults, made by a constructor rather than an object literal.
 * V8 keeps an allocation site per literal and, once it sees the records from one survive (callers keep
 * them to assess and render), allocates every later one straight into the old generation (allocation-site
 * pretenuring), where records dropped after one unit are only reclaimed by full mark-compacts. Objects
 * made by `new` have no allocation site. (The bench's derive stage, which keeps one pass of settings
 * alive, measured 13–14 ms per pass with the literal and 7–8 ms with this class.)
 * Its fields are SecuritySettings' own (declaration merging), every one assigned in the constructor, in
 * the order the literal had.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
interface SettingsRecord extends SecuritySettings {}
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
class SettingsRecord {
  constructor(unit: LoadedUnit, traits: VersionTraits) {
    const type = unit.type;
    const exec = HAS_EXEC_CONTEXT.has(type);
    this.unitId = unit.id;
    this.unitType = type;
    this.hasExecContext = exec;
    this.hasCgroupContext = HAS_CGROUP_CONTEXT.has(type);
    this.defaultDependencies = !isPerpetual(unit);
    this.notifyAccess = 'none';
    this.user = undefined;
    this.dynamicUser = false;
    this.supplementaryGroups = [];
    this.ambientCapabilities = 0n;
    this.capabilityBoundingSet = CAP_ALL;
    // service_init() makes system services private; exec_context_init() leaves others shared.
    this.keyringMode = exec ? (type === 'service' ? 'private' : 'shared') : 'inherit';
    this.protectProc = 'default';
    this.procSubset = 'all';
    this.privateDevices = false;
    this.privateMounts = exec && traits.privateMountsTristate ? undefined : false;
    this.privateNetwork = false;
    this.privateTmp = 'no';
    this.privateUsers = 'no';
    this.protectControlGroups = 'no';
    this.protectHostname = 'no';
    this.protectKernelModules = false;
    this.protectKernelTunables = false;
    this.protectKernelLogs = false;
    this.protectClock = false;
    this.lockPersonality = false;
    this.memoryDenyWriteExecute = false;
    this.noNewPrivileges = false;
    this.removeIpc = false;
    this.restrictRealtime = false;
    this.restrictSuidSgid = false;
    this.protectHome = 'no';
    this.protectSystem = 'no';
    this.rootDirectory = undefined;
    this.rootImage = undefined;
    this.umask = exec ? 0o022 : 0o002;
    this.addressFamilies = undefined;
    this.addressFamiliesAllowList = false;
    this.restrictNamespaces = NAMESPACES_UNSET;
    this.systemCallArchitectures = new Set();
    this.systemCallFilter = undefined;
    this.delegate = false;
    this.devicePolicy = HAS_CGROUP_CONTEXT.has(type) ? 'auto' : undefined;
    this.deviceAllow = [];
    this.ipAddressDenyAll = false;
    this.ipAddressAllowLocalhost = false;
    this.ipAddressAllowOther = false;
    this.ipCustomFilters = false;
    this.typeSection = undefined;
  }

  // provenance, applied and implied are only read by the gate and report code, never by the assessment,
  // and filling two Maps per assignment was ~10% of deriving a unit. Derivation logs the applied
  // assignments in one array and the Maps are built from it on first read, with the contents and key
  // order eager filling gave; each is then kept, so every read returns the same (writable) Map.
  // Private (#) fields are not own enumerable properties, so the record's visible shape is unchanged.
  /** Every assignment applied, in application order (across files). */
  readonly #log: Assignment[] = [];
  #provenance: Map<string, Assignment[]> | undefined;
  #applied: Map<Assignment, number> | undefined;
  #implied: Map<string, Assignment> | undefined;

  /** Notes that an assignment to a directive (named by its key) was applied. */
  record(a: Assignment): void {
    this.#log.push(a);
    // Keep Maps that were already read in step (nothing reads them mid-derivation today).
    if (this.#provenance !== undefined) this.#index(a);
  }

  /** The last applied assignment to a directive: provenance.get(key)?.at(-1) without building the Maps. */
  lastApplied(key: string): Assignment | undefined {
    const log = this.#log;
    for (let i = log.length - 1; i >= 0; i--) {
      const a = log[i] as Assignment;
      if (a.key === key) return a;
    }
    return undefined;
  }

  /** Notes that `setting` was changed by another directive's assignment (unit_patch_contexts()). */
  imply(setting: string, by: Assignment): void {
    (this.#implied ??= new Map()).set(setting, by);
  }

  get provenance(): Map<string, Assignment[]> {
    if (this.#provenance === undefined) this.#build();
    return this.#provenance as Map<string, Assignment[]>;
  }

  get applied(): Map<Assignment, number> {
    if (this.#applied === undefined) this.#build();
    return this.#applied as Map<Assignment, number>;
  }

  get implied(): Map<string, Assignment> {
    return (this.#implied ??= new Map());
  }

  #build(): void {
    this.#provenance = new Map();
    this.#applied = new Map();
    for (const a of this.#log) this.#index(a);
  }

  /** What eager derivation did per assignment. A directive's name is the assignment's key. */
  #index(a: Assignment): void {
    const provenance = this.#provenance as Map<string, Assignment[]>;
    const applied = this.#applied as Map<Assignment, number>;
    const list = provenance.get(a.key);
    applied.set(a, applied.size);
    if (list) list.push(a);
    else provenance.set(a.key, [a]);
  }
}

function defaultSettings(unit: LoadedUnit, traits: VersionTraits): SettingsRecord {
  return new SettingsRecord(unit, traits);
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
      remainAfterExit: false,
      exitType: 'main',
      busName: undefined,
      pamName: undefined,
      killMode: 'control-group',
      mountImages: 0,
      listens: 0,
      timerTriggers: 0,
      pathTriggers: 0,
      what: undefined,
      where: undefined,
      extraOptions: undefined,
      options: undefined,
      fstype: undefined,
    },
    diagnostics: [],
    capabilityNames: cache.capabilityNames,
    knownCapabilityMask: cache.known,
    familyNames: cache.families,
    syscallArchitectures: cache.archs,
    knownSyscalls: cache.syscalls,
    syscallGroups: cache.groups,
    ipPrefixes: { allow: [], deny: [] },
    ipFilterPaths: { ingress: 0, egress: 0 },
    specifierContext: { unitName: unit.id, scope: 'system', extra: traits.extraSpecifiers },
    inMainFile: true,
  };
  const ownSection = TYPE_SECTION[unit.type];
  const directives = directivesFor(traits, unit.type);
  const sections = ['Unit', unit.type.charAt(0).toUpperCase() + unit.type.slice(1), 'Install'];

  for (let fileIndex = 0; fileIndex < unit.files.length; fileIndex++) {
    const file = unit.files[fileIndex];
    if (!file) continue;
    ctx.inMainFile = fileIndex === 0;
    for (const d of file.diagnostics) ctx.diagnostics.push(d);
    if (fileIndex === 0 && ownSection) {
      for (const header of file.sections) {
        if (header.name !== ownSection) continue;
        s.typeSection = { file: file.file, line: header.line, column: 1 };
        break;
      }
    }
    let stopped = false;
    for (const a of file.assignments) {
      const directive = directives.get(a.key);
      if (directive === undefined || a.section !== directive.section) {
        unknownKey(ctx, a, sections);
        continue;
      }
      if (directive.record) s.record(a);
      if (directive.handler(ctx, a) === 'fatal') {
        stopped = true;
        break;
      }
    }
    // systemd refuses a unit whose main file has a fatal error, but ignores the rest of a broken drop-in.
    // A fatal directive (-ENOEXEC) is a "bad setting"; a file config_parse() cannot read (-EBADMSG for
    // a bad section header) a load error. Assignments stop at the bad line, so `stopped` came first.
    if (fileIndex === 0 && stopped) return badSetting(ctx, `Unit ${unit.id} has a bad unit file setting.`);
    if (fileIndex === 0 && file.fatal) {
      ctx.diagnostics.push(file.fatal);
      return {
        failure: {
          kind: 'error',
          unitName: unit.id,
          message:
            `Unit ${unit.id} failed to load properly, please adjust/correct and reload service manager: ` +
            (file.fatalReason ?? 'Bad message'),
        },
        diagnostics: ctx.diagnostics,
      };
    }
    // A drop-in that config_parse() cannot read only loses its lines from there on.
    if (file.fatal) ctx.diagnostics.push({ ...file.fatal, kind: 'invalid-value' });
  }

  const verifyError = verifyUnit(ctx);
  if (verifyError) return { failure: verifyError, diagnostics: ctx.diagnostics };

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

/**
 * API file systems no mount unit may be created for (mount_point_is_api() and mount_point_ignore(),
 * src/shared/mount-setup.c, v252–v256, as Debian builds it: with SMACK, pstore and EFI).
 */
const API_MOUNT_POINTS = [
  '/proc',
  '/sys',
  '/dev',
  '/sys/kernel/security',
  '/sys/fs/smackfs',
  '/dev/shm',
  '/dev/pts',
  '/run',
  '/sys/fs/cgroup',
  '/sys/fs/pstore',
  '/sys/firmware/efi/efivars',
  '/sys/fs/bpf',
  // mount_point_ignore()
  '/sys/fs/selinux',
  '/dev/console',
  '/proc/kmsg',
  '/proc/sys',
  '/proc/sys/kernel/random/boot_id',
];

function isApiMountPoint(path: string): boolean {
  if (API_MOUNT_POINTS.some((p) => pathEqual(path, p))) return true;
  return (
    pathStartsWith(path, '/sys/fs/cgroup/') !== undefined || pathStartsWith(path, '/run/host') !== undefined
  );
}

/** FILESYSTEM_SET_NETWORK (src/basic/filesystems.c) plus the extra names of fstype_is_network(). */
const NETWORK_FILE_SYSTEMS = [
  'afs',
  'ceph',
  'cifs',
  'gfs',
  'gfs2',
  'ncp',
  'ncpfs',
  'nfs',
  'nfs4',
  'ocfs2',
  'orangefs',
  'pvfs2',
  'smb3',
  'smbfs',
  'davfs',
  'glusterfs',
  'lustre',
  'sshfs',
];

/**
 * fstab_test_option(): whether a comma-separated option string (`\,` escapes a comma) has one of
 * `names`, alone or as `name=value`.
 */
function fstabTestOption(options: string | undefined, names: readonly string[]): boolean {
  if (options === undefined) return false;
  const words: string[] = [];
  let word = '';
  for (let i = 0; i < options.length; i++) {
    const c = options[i] as string;
    if (c === '\\') {
      word += c + (options[i + 1] ?? '');
      i++;
    } else if (c === ',') {
      words.push(word);
      word = '';
    } else word += c;
  }
  words.push(word);
  return words.some((w) => names.some((n) => w === n || w.startsWith(`${n}=`)));
}

/**
 * The errors mount_add_non_exec_dependencies() can hit before mount_verify() (src/core/mount.c, v252):
 * a device path as What= must map to a device unit name (unit_add_node_dependency(), else -EINVAL), and
 * an absolute What= of a local, bind or loop mount must be normalized (unit_require_mounts_for(), else
 * -EPERM).
 */
function mountDependencyError(facts: ServiceFacts, where: string): 'EINVAL' | 'EPERM' | undefined {
  const what = facts.what;
  if (what === undefined) return undefined;
  const bind =
    fstabTestOption(facts.options, ['bind', 'rbind']) || ['bind', 'rbind'].includes(facts.fstype ?? '');
  const isDevicePath = ['/dev/', '/sys/'].some((p) => {
    const rest = pathStartsWith(what, p);
    return rest !== undefined && rest !== '';
  });
  if (
    !bind &&
    isDevicePath &&
    !['/dev/root', '/dev/nfs'].some((p) => pathEqual(what, p)) &&
    !pathEqual(where, '/')
  ) {
    if (unitNameFromPath(what, 'device') === undefined) return 'EINVAL';
  }
  const fstype = facts.fstype?.replace(/^fuse\./, '');
  const network = fstabTestOption(facts.options, ['_netdev']) || NETWORK_FILE_SYSTEMS.includes(fstype ?? '');
  const loop = fstabTestOption(facts.options, ['loop']);
  if (what.startsWith('/') && (bind || loop || !network)) {
    if (!isNormalizedPath(simplifyPath(what))) return 'EPERM';
  }
  return undefined;
}

/** automount_verify()'s reserved ExtraOptions= words (fstab_test_option()). */
const AUTOMOUNT_RESERVED_OPTIONS = ['fd', 'pgrp', 'minproto', 'maxproto', 'direct', 'indirect'];

/**
 * The load checks that make systemd refuse a unit: service_verify() (src/core/service.c),
 * mount_load()/mount_verify() (mount.c), swap_load()/swap_verify() (swap.c),
 * automount_load()/automount_verify() (automount.c), slice_load() (slice.c), socket_verify(), …, v252–v256.
 * A failed check is "bad setting" (-ENOEXEC); an error while adding the type's extras is a load error.
 */
function verifyUnit(ctx: Context): LoadFailure | undefined {
  const { unit, facts } = ctx;
  const id = unit.id;
  const refuse = (why: string): LoadFailure => ({
    kind: 'bad-setting',
    unitName: id,
    message: `${id}: ${why}\nUnit ${id} has a bad unit file setting.`,
  });
  const loadError = (reason: string): LoadFailure => ({
    kind: 'error',
    unitName: id,
    message: `Unit ${id} failed to load properly, please adjust/correct and reload service manager: ${reason}`,
  });
  /** unit_has_name() for the name a path maps to (hashed names cannot be recomputed here: accepted). */
  const hasNameFor = (path: string): boolean | undefined => {
    const name = unitNameFromPath(path, unit.type);
    if (name === undefined) return undefined;
    if (name === 'hashed') return unit.names.some(isHashedUnitName);
    return unit.names.includes(name);
  };
  switch (unit.type) {
    case 'service': {
      let type = facts.type;
      if (type === undefined) type = facts.busName ? 'dbus' : facts.execStart > 0 ? 'simple' : 'oneshot';
      if (facts.execStart === 0 && facts.execStop === 0 && facts.successAction === 'none')
        return refuse('Service has no ExecStart=, ExecStop=, or SuccessAction=. Refusing.');
      if (type !== 'oneshot' && facts.execStart === 0)
        return refuse(
          'Service has no ExecStart= setting, which is only allowed for Type=oneshot services. Refusing.',
        );
      if (!facts.remainAfterExit && facts.execStart === 0 && facts.successAction === 'none')
        return refuse(
          'Service has no ExecStart= and no SuccessAction= settings and does not have RemainAfterExit=yes set. Refusing.',
        );
      if (type !== 'oneshot' && facts.execStart > 1)
        return refuse(
          'Service has more than one ExecStart= setting, which is only allowed for Type=oneshot services. Refusing.',
        );
      if (type === 'oneshot' && ['always', 'on-success'].includes(facts.restart))
        return refuse(
          "Service has Restart= set to either always or on-success, which isn't allowed for Type=oneshot services. Refusing.",
        );
      if (type === 'oneshot' && facts.exitType === 'cgroup')
        return refuse(
          "Service has ExitType=cgroup set, which isn't allowed for Type=oneshot services. Refusing.",
        );
      if (type === 'dbus' && !facts.busName)
        return refuse('Service is of type D-Bus but no D-Bus service name has been specified. Refusing.');
      if (facts.pamName && !['control-group', 'mixed'].includes(facts.killMode))
        return refuse(
          "Service has PAM enabled. Kill mode must be set to 'control-group' or 'mixed'. Refusing.",
        );
      return undefined;
    }
    case 'mount': {
      // mount_add_extras(): without Where= the path comes from the unit name.
      const where = facts.where ?? unitNameToPath(id);
      if (where === undefined) return loadError('Invalid argument');
      const extrasError = mountDependencyError(facts, where);
      if (extrasError === 'EINVAL') return loadError('Invalid argument');
      // bus_unit_validate_load_state() reports -EPERM as the D-Bus error "Access denied" alone.
      if (extrasError === 'EPERM') return { kind: 'error', unitName: id, message: 'Access denied' };
      const matches = hasNameFor(where);
      if (matches === undefined) return loadError('Invalid argument');
      if (!matches) return refuse("Where= setting doesn't match unit name. Refusing.");
      if (isApiMountPoint(where))
        return refuse(`Cannot create mount unit for API file system ${where}. Refusing.`);
      const perpetual = unit.names.includes('-.mount');
      if (facts.what === undefined && !perpetual) return refuse('What= setting is missing. Refusing.');
      if (facts.pamName && facts.killMode !== 'control-group')
        return refuse("Unit has PAM enabled. Kill mode must be set to control-group'. Refusing.");
      return undefined;
    }
    case 'swap': {
      const what = facts.what ?? unitNameToPath(id);
      if (what === undefined) return loadError('Invalid argument');
      const matches = hasNameFor(what);
      if (matches === undefined) return loadError('Invalid argument');
      if (!matches) return refuse('Value of What= and unit name do not match, not loading.');
      if (facts.pamName && facts.killMode !== 'control-group')
        return refuse("Unit has PAM enabled. Kill mode must be set to 'control-group'. Refusing to load.");
      return undefined;
    }
    case 'automount': {
      const where = facts.where ?? unitNameToPath(id);
      if (where === undefined) return loadError('Invalid argument');
      // automount_add_mount_dependencies(): "/" has no parent directory (-EADDRNOTAVAIL).
      if (pathEqual(where, '/')) return loadError('Cannot assign requested address');
      const matches = hasNameFor(where);
      if (matches === undefined) return loadError('Invalid argument');
      if (!matches) return refuse("Where= setting doesn't match unit name. Refusing.");
      const reserved = AUTOMOUNT_RESERVED_OPTIONS.find((o) => fstabTestOption(facts.extraOptions, [o]));
      if (reserved) return refuse(`ExtraOptions= setting may not contain reserved option ${reserved}.`);
      return undefined;
    }
    case 'slice':
      // slice_add_parent_slice() → slice_build_parent_slice(): the name must be a valid slice name.
      return isValidSliceName(id) ? undefined : loadError('Invalid argument');
    case 'socket':
      return facts.listens === 0
        ? refuse('Unit has no Listen setting (ListenStream=, ListenDatagram=, ListenFIFO=, ...). Refusing.')
        : undefined;
    case 'timer':
      return facts.timerTriggers === 0 ? refuse('Timer unit lacks value setting. Refusing.') : undefined;
    case 'path':
      return facts.pathTriggers === 0 ? refuse('Path unit lacks path setting. Refusing.') : undefined;
    default:
      return undefined;
  }
}

/** slice_name_is_valid(): `-.slice`, or dash-separated non-empty parts (no leading, trailing or double dash). */
function isValidSliceName(name: string): boolean {
  const parts = parseUnitName(name);
  if (!parts || parts.instance !== undefined || parts.type !== 'slice') return false;
  if (name === '-.slice') return true;
  return !parts.prefix.split('-').some((p) => p === '');
}

const CAP = (n: number): CapabilityMask => 1n << BigInt(n);
const CAP_SYS_RAWIO = 17;
const CAP_MKNOD = 27;
const CAP_SYS_MODULE = 16;
const CAP_SYSLOG = 34;
const CAP_SYS_TIME = 25;
const CAP_WAKE_ALARM = 35;

// The capabilities each protection drops from the bounding set, as masks to AND with (made once).
const KEEP_WITHOUT_DEVICES = ~(CAP(CAP_MKNOD) | CAP(CAP_SYS_RAWIO)) & U64;
const KEEP_WITHOUT_MODULES = ~CAP(CAP_SYS_MODULE) & U64;
const KEEP_WITHOUT_SYSLOG = ~CAP(CAP_SYSLOG) & U64;
const KEEP_WITHOUT_CLOCK = ~(CAP(CAP_SYS_TIME) | CAP(CAP_WAKE_ALARM)) & U64;

/** The implied settings of unit_patch_contexts(). */
function patchExecContext(ctx: Context): void {
  const { s, traits, facts } = ctx;
  const imply = (setting: string, cause: string): void => {
    const by = s.lastApplied(cause);
    if (by) s.imply(setting, by);
  };
  if (s.privateDevices) s.capabilityBoundingSet &= KEEP_WITHOUT_DEVICES;
  if (s.protectKernelModules) s.capabilityBoundingSet &= KEEP_WITHOUT_MODULES;
  if (s.protectKernelLogs) s.capabilityBoundingSet &= KEEP_WITHOUT_SYSLOG;
  if (s.protectClock) s.capabilityBoundingSet &= KEEP_WITHOUT_CLOCK;
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
    if (s.protectClock) addDeviceAllow(ctx, 'char-rtc', 'r', s.lastApplied('ProtectClock'));
    // "If there are encrypted credentials we might need to access the TPM" (unit_patch_contexts(),
    // 252.6+: /dev/tpmrm0; v255–v257: char-tpm; gone in v258).
    const tpm = traits.tpmDeviceAllow;
    const encrypted = [facts.loadCredentials, facts.setCredentials].some(
      (map) => map !== undefined && [...map.values()].some((e) => e),
    );
    if (tpm && encrypted) addDeviceAllow(ctx, tpm.path, tpm.permissions);
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
