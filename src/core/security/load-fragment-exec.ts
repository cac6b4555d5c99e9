// The parsers of the exec context directives (User=, CapabilityBoundingSet=, SystemCallFilter=, Exec*=,
// Environment=, …): config_parse_*() of src/core/load-fragment.c, v252–v262, as VersionTraits selects.
import { isValidRelaxedUserName } from '../unit/unit-name';
import { parseBoolean } from '../unit/parse-boolean';
import {
  EXTRACT_CUNESCAPE,
  EXTRACT_DONT_COALESCE_SEPARATORS,
  EXTRACT_RELAX,
  EXTRACT_UNQUOTE,
  extractAllWords,
  extractFirstWordRaw,
  extractWords,
} from '../unit/extract-word';
import { simplifyAndCheckPath } from '../unit/path-util';
import type { VersionTraits } from './versions';
import { ERRNO_NAMES } from './errno-names';
import { parseMode } from './parse-number';
import { parseExecLine, type ExecLineOptions } from './exec-command';
import { applyLoadCredential, applySetCredential } from './credentials';
import { CAP_ALL, U64, type CapabilityMask } from './capability-util';
import { NAMESPACE_FLAGS, NAMESPACES_UNSET } from './nsflags';
import {
  acceptUserGroupName,
  expand,
  fatal,
  rejectValue,
  specifiers,
  warn,
  type Context,
  type Handler,
  ignoredPath,
} from './conf-parser';
import { isFdName } from './load-fragment-values';

export const handleUser: Handler = (ctx, a) => {
  if (a.value === '') {
    ctx.s.user = undefined;
    return 'ok';
  }
  const r = expand(ctx, a.value);
  if (!r.ok) return fatal(ctx, a, `Failed to resolve unit specifiers in ${a.value}`);
  if (!isValidRelaxedUserName(r.value))
    return fatal(ctx, a, `Invalid user/group name or numeric ID: ${r.value}`);
  acceptUserGroupName(ctx, a, r.value);
  // config_parse_user_group_compat() (load-fragment.c, v252–v262) warns about User=nobody, by name only:
  // neither a numeric 65534 nor Group=nobody/nogroup is warned about.
  if (r.value === 'nobody') warn(ctx, a, 'Special user nobody configured, this is not safe!');
  ctx.s.user = r.value;
  return 'ok';
};

export const handleGroup: Handler = (ctx, a) => {
  if (a.value === '') return 'ok';
  const r = expand(ctx, a.value);
  if (!r.ok) return fatal(ctx, a, `Failed to resolve unit specifiers in ${a.value}`);
  if (!isValidRelaxedUserName(r.value))
    return fatal(ctx, a, `Invalid user/group name or numeric ID: ${r.value}`);
  acceptUserGroupName(ctx, a, r.value);
  return 'ok';
};

export const handleSupplementaryGroups: Handler = (ctx, a) => {
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
    acceptUserGroupName(ctx, a, r.value);
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

export function capabilitySet(field: 'capabilityBoundingSet' | 'ambientCapabilities'): Handler {
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

export const handleRestrictAddressFamilies: Handler = (ctx, a) => {
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
      // v262 returns from the line at the first unknown word, and its message names the whole value.
      if (ctx.traits.addressFamilyUnknownStopsLine)
        return warn(ctx, a, `Failed to parse address family, ignoring: ${a.value}`);
      warn(ctx, a, `Failed to parse address family, ignoring: ${word}`);
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

export const handleRestrictNamespaces: Handler = (ctx, a) => {
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

export const handleSystemCallArchitectures: Handler = (ctx, a) => {
  if (a.value === '') {
    ctx.s.systemCallArchitectures = new Set();
    return 'ok';
  }
  const { words, invalid } = extractWords(a.value, true);
  for (const word of words) {
    if (!ctx.syscallArchitectures.has(word)) {
      // config_parse_syscall_archs() (load-fragment.c, v252–v262) quotes the word and adds the error.
      warn(ctx, a, `Failed to parse system call architecture "${word}", ignoring: Invalid argument`);
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
  // errno_from_name() matches names case-insensitively (errno-from-name.gperf's %ignore-case): `eperm`
  // is EPERM in every release (checked with v252, v257, v262); `kill` is compared as it is.
  const ok =
    err === 'kill' || (/^[0-9]+$/.test(err) && Number(err) <= 4095) || ERRNO_NAMES.has(err.toUpperCase());
  if (!ok) return undefined;
  return { name: word.slice(0, colon), hasErrno: true };
}

export const handleSystemCallFilter: Handler = (ctx, a) => {
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
        ctx.traits.valueErrorWording === 'own-words'
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

/** config_parse_mode() for UMask=: parse_mode(), whose -ERANGE (above 07777) v257 names. */
export const handleUMask: Handler = (ctx, a) => {
  const r = parseMode(a.value);
  if ('error' in r) return rejectValue(ctx, a, { ownWords: 'Failed to parse mode value', errno: r.error });
  ctx.s.umask = Number(r.value);
  return 'ok';
};

export function rootPath(field: 'rootDirectory' | 'rootImage'): Handler {
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

/** parseExecLine()'s options for this unit, made once per unit. */
function execOptions(ctx: Context): ExecLineOptions {
  return (ctx.execOptions ??= {
    extraPrefixes: ctx.traits.execCommandExtraPrefixes,
    pathImpliesDirectory: ctx.traits.execPathImpliesDirectory,
    emptyPathValueQuoted: ctx.traits.execEmptyPathValueQuoted,
    expand: (text) => expand(ctx, text),
  });
}

/**
 * An Exec*= directive (config_parse_exec()): an empty value resets the list, otherwise the line's
 * commands are appended; a bad command is fatal unless prefixed with `-`. Only ExecStart= and
 * ExecStop= are counted, for the service checks.
 */
export function execCommands(field?: 'execStart' | 'execStop'): Handler {
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

export function credential(kind: 'load' | 'set', encrypted: boolean): Handler {
  return (ctx, a) => {
    // Made by the first line: most units have none.
    const map =
      kind === 'load' ? (ctx.facts.loadCredentials ??= new Map()) : (ctx.facts.setCredentials ??= new Map());
    const apply = kind === 'load' ? applyLoadCredential : applySetCredential;
    const r = apply(map, a.value, encrypted, execOptions(ctx).expand);
    return r.ok ? 'ok' : warn(ctx, a, r.message);
  };
}

/**
 * hostname_is_valid(name, 0) (src/basic/hostname-util.c): dot-separated labels of letters, digits and
 * hyphens, no label empty or starting or ending with a hyphen, no trailing dot, at most HOST_NAME_MAX
 * (64) characters.
 */
export function isValidHostname(name: string): boolean {
  if (name.length === 0 || name.length > 64) return false;
  let dot = true;
  let hyphen = true;
  for (const c of name) {
    if (c === '.') {
      if (dot || hyphen) return false;
      dot = true;
      hyphen = false;
    } else if (c === '-') {
      if (dot) return false;
      dot = false;
      hyphen = true;
    } else {
      if (!/^[A-Za-z0-9]$/.test(c)) return false;
      dot = false;
      hyphen = false;
    }
  }
  return !dot && !hyphen;
}

/**
 * ProtectHostname= from v258 (config_parse_protect_hostname(), load-fragment.c, checked with v262): a
 * boolean or `private`, optionally `:NAME` (not after `no`); an unknown word is "Failed to parse
 * ProtectHostname=VALUE, ignoring." and an invalid NAME ignores the whole assignment.
 */
export const PROTECT_HOSTNAME_ENUM: Handler = (ctx, a) => {
  if (a.value === '') {
    ctx.s.protectHostname = 'no';
    return 'ok';
  }
  const colon = a.value.indexOf(':');
  const head = colon < 0 ? a.value : a.value.slice(0, colon);
  const b = parseBoolean(head);
  const mode = b === undefined ? (head === 'private' ? 'private' : undefined) : b ? 'yes' : 'no';
  if (mode === undefined || (mode === 'no' && colon >= 0))
    return warn(ctx, a, `Failed to parse ProtectHostname=${a.value}, ignoring.`);
  if (colon >= 0) {
    const name = a.value.slice(colon + 1);
    if (!isValidHostname(name))
      return warn(ctx, a, `Invalid hostname is specified to ProtectHostname=, ignoring: ${name}`);
  }
  ctx.s.protectHostname = mode;
  return 'ok';
};

// Directives that change no score but make systemd warn while parsing (load-fragment.ts does not record
// their assignments as applied settings).

/** exec_output_table (src/core/execute.c, v252–v262): the words StandardOutput= takes as they are. */
const EXEC_OUTPUTS = [
  'inherit',
  'null',
  'tty',
  'journal',
  'kmsg',
  'journal+console',
  'kmsg+console',
  'socket',
  'fd',
  'file',
  'append',
  'truncate',
];

/**
 * StandardOutput=/StandardError= (config_parse_exec_output(), load-fragment.c, v252–v262, its own words in
 * every release): `fd:NAME` (unit_fd_printf(), an empty name taken, fdname_is_valid()), `file:`,
 * `append:` or `truncate:PATH` (unit_path_printf(), path_simplify_and_warn() with PATH_CHECK_ABSOLUTE|
 * PATH_CHECK_FATAL, whose message says nothing of ignoring) or a word of exec_output_table; the obsolete
 * syslog types are turned into their journal counterparts, with a warning (worded "Standard output" for
 * both keys).
 */
export const handleStandardOutput: Handler = (ctx, a) => {
  const colon = a.value.indexOf(':');
  const head = colon < 0 ? '' : a.value.slice(0, colon);
  if (head === 'fd' || head === 'file' || head === 'append' || head === 'truncate') {
    const argument = a.value.slice(colon + 1);
    const r = expand(ctx, argument);
    if (head === 'fd') {
      if (!r.ok) return warn(ctx, a, `Failed to resolve unit specifiers in ${argument}: Invalid slot`);
      return r.value === '' || isFdName(r.value)
        ? 'ok'
        : warn(ctx, a, `Invalid file descriptor name, ignoring: ${r.value}`);
    }
    if (!r.ok)
      return warn(ctx, a, `Failed to resolve unit specifiers in ${argument}, ignoring: Invalid slot`);
    const checked = simplifyAndCheckPath(r.value, a.key, 'absolute');
    return checked.ok ? 'ok' : warn(ctx, a, checked.message, 'invalid-value');
  }
  if (EXEC_OUTPUTS.includes(a.value)) return 'ok';
  const journal = a.value === 'syslog' ? 'journal' : a.value === 'syslog+console' ? 'journal+console' : '';
  if (journal === '') return warn(ctx, a, `Failed to parse output specifier, ignoring: ${a.value}`);
  return warn(
    ctx,
    a,
    `Standard output type ${a.value} is obsolete, automatically updating to ${journal}. ` +
      'Please update your unit file, and consider removing the setting altogether.',
  );
};

/**
 * Personality= (config_parse_personality(), load-fragment.c): personality_from_string() accepts the
 * native and secondary architecture only (x86-64 and x86 on the x86-64 build the oracle ran).
 */
export const handlePersonality: Handler = (ctx, a) => {
  if (a.value === '' || a.value === 'x86-64' || a.value === 'x86') return 'ok';
  return warn(
    ctx,
    a,
    ctx.traits.valueErrorWording === 'own-words'
      ? `Failed to parse personality, ignoring: ${a.value}`
      : `Failed to parse ${a.key}=${a.value}, ignoring.`,
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
export const handleEnvironment: Handler = (ctx, a) => {
  if (a.value === '') return 'ok';
  const { words, invalid } = extractAllWords(a.value, EXTRACT_CUNESCAPE | EXTRACT_UNQUOTE);
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
  // config_parse_environ() (load-fragment.c, v252–v262): a word that does not extract (an unbalanced
  // quote) ends the line with "Invalid syntax", after the words before it were checked.
  if (invalid) warn(ctx, a, `Invalid syntax, ignoring: ${a.value}`);
  return 'ok';
};

/**
 * ReadWritePaths= and the other namespace path lists (config_parse_namespace_path_strv(),
 * load-fragment.c, v252–v262): each word, after its `-` and `+` prefixes and specifier expansion, must be
 * an absolute, normalized path (path_simplify_and_warn(PATH_CHECK_ABSOLUTE)); others are skipped.
 */
export const handleNamespacePaths: Handler = (ctx, a) => {
  if (a.value === '') return 'ok';
  const { words } = extractAllWords(a.value, EXTRACT_UNQUOTE);
  for (const word of words) {
    let w = word;
    if (w.startsWith('-')) w = w.slice(1);
    if (w.startsWith('+')) w = w.slice(1);
    const resolved = specifiers(ctx, a, w);
    if (resolved === undefined) continue;
    const checked = simplifyAndCheckPath(resolved, a.key, 'absolute');
    if (!checked.ok) warn(ctx, a, ignoredPath(checked.message));
  }
  return 'ok';
};

/**
 * TemporaryFileSystem= (config_parse_temporary_filesystems(), load-fragment.c, v252–v262): each word
 * (unquoted) is `PATH[:OPTIONS]`; the path goes through unit_path_printf() and
 * path_simplify_and_warn(PATH_CHECK_ABSOLUTE). A bad word is skipped; a value that cannot be split ends
 * the line.
 */
export const handleTemporaryFileSystem: Handler = (ctx, a) => {
  if (a.value === '') return 'ok';
  const { words, invalid } = extractAllWords(a.value, EXTRACT_UNQUOTE);
  for (const word of words) {
    const first = extractFirstWordRaw(word, EXTRACT_DONT_COALESCE_SEPARATORS, ':');
    if (first.kind === 'error') {
      warn(ctx, a, `Failed to extract first word, ignoring: ${word}`);
      continue;
    }
    if (first.kind === 'end') {
      warn(ctx, a, `Invalid syntax, ignoring: ${word}`);
      continue;
    }
    const r = expand(ctx, first.word);
    if (!r.ok) {
      warn(ctx, a, `Failed to resolve unit specifiers in ${first.word}, ignoring: Invalid slot`);
      continue;
    }
    const checked = simplifyAndCheckPath(r.value, a.key, 'absolute');
    if (!checked.ok) warn(ctx, a, ignoredPath(checked.message));
  }
  if (invalid) warn(ctx, a, `Failed to extract first word, ignoring: ${a.value}`);
  return 'ok';
};

/**
 * sd_bus_service_name_is_valid() (src/libsystemd/sd-bus/bus-internal.c): a unique name (`:1.42`) or a
 * well-known one, dot-separated elements of letters, digits (not leading, except in unique names), `_`
 * and `-`, at least two elements, at most 255 characters.
 */
export function isBusServiceName(p: string): boolean {
  if (p === '' || p.length > 255) return false;
  const unique = p.startsWith(':');
  let dot = true;
  let foundDot = false;
  for (let i = unique ? 1 : 0; i < p.length; i++) {
    const c = p.charAt(i);
    if (c === '.') {
      if (dot) return false;
      foundDot = dot = true;
      continue;
    }
    const good = /[A-Za-z_-]/.test(c) || (/[0-9]/.test(c) && (!dot || unique));
    if (!good) return false;
    dot = false;
  }
  return !dot && foundDot;
}

/**
 * BusName= (config_parse_bus_name(), load-fragment.c, v252–v262): specifiers, then a name that is not
 * a valid bus service name — the empty one included — is ignored with a warning, keeping the previous.
 */
export const handleBusName: Handler = (ctx, a) => {
  const r = expand(ctx, a.value);
  if (!r.ok) return warn(ctx, a, `Failed to resolve unit specifiers in ${a.value}, ignoring: Invalid slot`);
  if (!isBusServiceName(r.value)) return warn(ctx, a, `Invalid bus name, ignoring: ${r.value}`);
  ctx.facts.busName = r.value;
  return 'ok';
};
