// What differs between the systemd versions we reproduce, as data: the generated tables (assessors,
// syscall groups, names) plus the loader and parser switches that changed between releases.
// Sources: systemd NEWS and src/analyze/analyze-security.c, src/core/load-fragment.c per release.
import data252 from './data/systemd-252.json';
import data255 from './data/systemd-255.json';
import data257 from './data/systemd-257.json';
import data262 from './data/systemd-262.json';
import glibc236Exp10 from './data/glibc-2.36-exp10.json';
import type { AssessAssertion } from './assess';
import type { TimestampForms } from './time-spec';

export type AssessorKind =
  | 'user'
  | 'supplementary_groups'
  | 'bool'
  | 'protect_home'
  | 'protect_system'
  | 'root_directory'
  | 'capability_bounding_set'
  | 'umask'
  | 'keyring_mode'
  | 'protect_proc'
  | 'proc_subset'
  | 'notify_access'
  | 'remove_ipc'
  | 'restrict_namespaces'
  | 'system_call_architectures'
  | 'system_call_filter'
  | 'ip_address_allow'
  | 'device_allow'
  | 'ambient_capabilities';

/** One row of systemd's security_assessor_table[]. */
export interface AssessorData {
  name: string;
  jsonField: string;
  weight: number;
  range: number;
  kind: AssessorKind;
  defaultDependenciesOnly?: boolean;
  capabilityBits?: number[];
  syscallGroup?: string;
  namespace?: string;
  familyClass?: 'inet' | 'unix' | 'netlink' | 'packet' | 'other';
  descriptionGood: string | null;
  descriptionBad: string | null;
  descriptionNa: string | null;
  url: string;
}

export interface LevelData {
  min: number;
  name: string;
  glyph: string;
  glyphAscii: string;
  color: string | null;
}

export interface SystemdData {
  version: number;
  describe: string;
  libseccomp: string;
  /**
   * The Debian suite whose systemd package the differential tests run as this release's live oracle,
   * or null when no reachable archive ships the release (its behaviour rests on the spec's facts).
   */
  liveOracle: { debianSuite: string } | null;
  assessors: AssessorData[];
  assessedGroups: Record<string, string[]>;
  syscallGroups: Record<string, string[]>;
  /** Syscall names the version's libseccomp resolves on x86-64 (real or pseudo numbers). */
  knownSyscalls: string[];
  capabilities: Record<string, number>;
  addressFamilies: Record<string, number>;
  syscallArchitectures: string[];
  levels: LevelData[];
  /** The portable profiles the release ships: per name, per file (`service.conf`), the text. */
  portableProfiles: Record<string, Record<string, string>>;
}

/** One entry of systemd-analyze's option table: `struct option` (getopt_long) or `Option` (v262). */
export interface AnalyzeOption {
  long: string;
  /** The one-letter form, when there is one (`-h`, `-q`, `-H`…). */
  short?: string;
  argument: 'none' | 'required' | 'optional';
}

/** Behaviour switches; each names the release that introduced it. */
export interface VersionTraits {
  /**
   * Search path of the system manager as `systemd-analyze --offline` loads units, highest priority
   * first (`systemd-analyze unit-paths` without the generator and transient directories).
   */
  searchPath: readonly string[];
  /**
   * The user manager's search path (`systemd-analyze --user unit-paths` without the generator and
   * transient directories; lookup_paths_init() for RUNTIME_SCOPE_USER), highest priority first, with
   * `$XDG_CONFIG_HOME`, `$XDG_RUNTIME_DIR` and `$XDG_DATA_HOME` for the caller's directories. 252 still
   * reads XDG_CONFIG_DIRS (`/etc/xdg/systemd/user`); v262 adds the `.attached` directories.
   */
  userSearchPath: readonly string[];
  /** Instance used when a template is analysed: `i` up to v256, `test_instance` from v257. */
  templateInstance: string;
  /** v254+: PrivateMounts= is a tri-state and offline treats "unset" as set. */
  privateMountsTristate: boolean;
  /** Extra words (besides booleans) accepted by these settings. */
  privateTmpWords: readonly string[];
  privateUsersWords: readonly string[];
  protectControlGroupsWords: readonly string[];
  /** v258+: ProtectHostname=private and `yes:NAME`/`private:NAME`; an empty value resets. */
  protectHostnameEnum: boolean;
  /** v262: a row without description sorts first; before, glibc's merge sort decides. */
  emptyDescriptionSortsFirst: boolean;
  /** v262: an unknown RestrictAddressFamilies= word stops the rest of the line. */
  addressFamilyUnknownStopsLine: boolean;
  /** v262: `CapabilityBoundingSet=~` alone yields "all known" capabilities, so a later line merges. */
  capabilityTildeAloneIsKnownSet: boolean;
  /** Highest numeric capability accepted (`CapabilityBoundingSet=63`). */
  maxCapabilityNumber: number;
  /**
   * The device ACL entry encrypted credentials (LoadCredentialEncrypted=, SetCredentialEncrypted=) add
   * when a device policy is active (unit_patch_contexts()): `/dev/tpmrm0:rw` from 252.6 (back-port of
   * 398dc7d39b), `char-tpm:rw` in v255–v257, none from v258.
   */
  tpmDeviceAllow: { path: string; permissions: string } | undefined;
  /**
   * v254+ (3f444e94f5): capability lists are split with EXTRACT_RELAX, so an unterminated quote keeps
   * its word; v252 stops at it (keeping the words before).
   */
  capabilityListRelaxed: boolean;
  /** Exec*= command prefixes beyond `-@:+!` (v258+: `|`, run via the shell). */
  execCommandExtraPrefixes: string;
  /**
   * v256+: config_parse_exec() (load-fragment.c) refuses an executable path that implies a directory
   * (path_implies_directory(): `.`, `..`, or ending in `/`, `/.` or `/..`) as "Executable path specifies
   * a directory", and calls an unsafe one "Executable path contains special characters". v252–v255
   * check only a trailing `/` and say "Executable name contains special characters"; v255 is taken
   * from the v255 stable tree (systemd-stable), whose load-fragment.c and path-util.h still have the
   * old check and lack path_implies_directory(); v257's have both.
   */
  execPathImpliesDirectory: boolean;
  /**
   * config_parse_exec() names the value of an Exec*= line with an empty path in quotes (v252:
   * `'-"" x'`); 257 and 262 print it bare (checked with 257.13 and 262.1). 255 is taken as 252.
   */
  execEmptyPathValueQuoted: boolean;
  /**
   * v262 (not v257): SYSTEMD_UNIT_PATH with an empty entry besides one trailing `:` (`::`, `:/a`,
   * `/a::`) is refused with EINVAL before any unit is loaded (unitSearchPath()); up to v257 empty
   * entries are dropped (path_split_and_make_absolute(), path-lookup.c).
   */
  unitPathEmptyComponentRefused: boolean;
  /** Specifiers added after v252, with the value they expand to (v256+: `%D`, the shared data dir). */
  extraSpecifiers: Readonly<Record<string, string>>;
  /** Values SuccessAction= accepts in the system manager. */
  emergencyActions: readonly string[];
  /** Service Type= values. */
  serviceTypes: readonly string[];
  /** Namespace types that `RestrictNamespaces=no` (all) includes. */
  namespaceAllIncludesTime: boolean;
  /** v256+: `--offline` without units is an error (before: silent success). */
  requiresUnitArguments: boolean;
  /**
   * How the directive parsers word a value they reject (conf-parser.ts rejectValue() reads it):
   * - `own-words` (v252): each parser its own words, "Failed to parse boolean value, ignoring: bogus",
   *   "Failed to parse service type, ignoring: bogus" (DEFINE_CONFIG_PARSE_ENUM()'s `msg`);
   * - `enum-key` (v253–v256): the enum parsers name the key, "Failed to parse Type= value, ignoring:
   *   bogus"; "Failed to parse Personality=bogus, ignoring."; "System call X is not known, ignoring.";
   *   the other parsers keep their own words;
   * - `parse-error` (v257+): most parsers report through log_syntax_parse_error() (conf-parser.c),
   *   "Failed to parse NoNewPrivileges=bogus, ignoring: Invalid argument".
   */
  valueErrorWording: 'own-words' | 'enum-key' | 'parse-error';
  /**
   * v257+: patch_var_run() (load-fragment.c) logs a PIDFile= below /var/run/ at LOG_WARNING (v252: at
   * LOG_NOTICE, which `systemd-analyze` does not show).
   */
  pidFileVarRunWarns: boolean;
  /**
   * Exit status names exit_status_from_string() (src/basic/exit-status.c) knows beyond v252's table
   * (SuccessExitStatus= & co.): v254 added KSM (checked: 252 refuses it, 257 and 262 take it).
   */
  extraExitStatusNames: readonly string[];
  /**
   * v253+: LogFilterPatterns= is parsed (config_parse_log_filter_patterns(), load-fragment.c); v252 does
   * not know the key.
   */
  logFilterPatterns: boolean;
  /**
   * After v252 (on from 255, the next supported release): unbase64mem() takes the URL-safe alphabet
   * (`-`, `_`) too (StandardInputData=; checked: 252 refuses `a-_b`, 257 and 262 take it).
   */
  base64UrlAlphabet: boolean;
  /**
   * The highest number IOSchedulingClass= accepts in place of a class name (ioprio_class_from_string(),
   * a string table with a numeric fallback up to IOPRIO_N_CLASSES): 8 in v252 and v257, 7 in v262
   * (checked with systemd-analyze 262.1, which refuses 8).
   */
  ioprioClassNumberMax: number;
  /** v258+: the `!!` Exec*= prefix is ignored with a warning (config_parse_exec()). */
  execDoubleBangObsolete: boolean;
  /**
   * cgroup settings the version no longer supports (config_parse_warn_compat(), DISABLED_LEGACY): v262
   * logs "Support for option X= has been removed and it is ignored"; before, the ones listed in
   * `cgroupDeprecated` were still parsed with a "please use" warning.
   */
  cgroupRemovedOptions: readonly string[];
  /** Deprecated cgroup v1 settings still parsed, with the one to use instead (config_parse_*(), v252–v257). */
  cgroupDeprecated: Readonly<Record<string, string>>;
  /**
   * v262: `--security-policy=` refuses a file whose top-level value is not an object (v252–v257 ignore
   * it and score with the built-in table).
   */
  securityPolicyRejectsNonObject: boolean;
  /**
   * The cgroup controller names Delegate= accepts (cgroup_controller_from_string(), src/basic/
   * cgroup-util.c): v258+ adds bpf-bind-network-interface.
   */
  cgroupControllers: readonly string[];
  /**
   * exp10() results of the release's C library that are not the exact power of ten, by exponent: the JSON
   * parser scales `1e3` with it (json_parse_number()). Debian 12's glibc 2.36 is off by an ulp for 230
   * exponents, so `"weight": 1e3` is not an integer there and is ignored; later glibc is exact.
   */
  jsonExp10Inexact: Readonly<Record<string, string>>;
  /**
   * The options of systemd-analyze's parse_argv() (src/analyze/analyze.c), in its table's order: the whole
   * program's, since they are parsed before the verb is known. Probed on each release's binary (v262:
   * its `--introspect-cli`); the order decides how an ambiguous abbreviation lists its possibilities.
   */
  analyzeOptions: readonly AnalyzeOption[];
  /**
   * How the command line is split into options: glibc's getopt_long() (permutation, abbreviations, its
   * own error texts) up to v261; v262's own option_parse() (src/shared/options.c), which words its errors
   * with the option as typed and lists possibilities as `--a, --b`.
   */
  optionParser: 'getopt_long' | 'option_parse';
  /** `--no-legend` outside `plot`: refused by v257, accepted (no effect) by v262 (v252 lacks the option). */
  noLegendOption: 'plot-only' | 'accepted';
  /** The verbs the refusal of `--global` names: v252 `verbs dot, unit-paths, verify`, v257+ `verb unit-paths`. */
  globalOptionVerbs: string;
  /** v262: parse_boolean_argument() quotes the option and drops the full stop. */
  booleanArgumentQuoted: boolean;
  /** The verbs named by the refusal of `--root=` without `--offline=true` (v262 adds unit-gdb). */
  offlineRootVerbs: string;
  /**
   * v257+: *ImagePolicy= values are parsed (config_parse_image_policy(), image_policy_from_string());
   * a bad one fails the load with its error. v252 accepts any value silently.
   */
  imagePolicyParsed: boolean;
  /** v262: an unknown partition designator or flag in an image policy is ignored (v257: refused). */
  imagePolicyIgnoresUnknown: boolean;
  /** v253+: MemoryZSwapMax= is parsed (config_parse_memory_limit()); v252 does not know the key. */
  memoryZSwapMax: boolean;
  /**
   * v262: CPU and NUMA node sets (CPUAffinity=, AllowedCPUs=, …) are parsed by config_parse_cpu_set(),
   * which words each bad word its own way and goes on; v252/v257's parse_cpu_set_extend() stops at the
   * first word it cannot use ("Failed to parse CPU affinity 'WORD'").
   */
  cpuSetSkipsBadWords: boolean;
  /** v257+: a relative Swap What= is kept (swap_load() then fails: -EINVAL); v252 ignores it with a warning. */
  swapWhatRelativeKept: boolean;
  /** v257+: socket_verify() refuses MaxConnections=0 even without Accept=yes. */
  maxConnectionsCheckedAlways: boolean;
  /**
   * v257+: unit_verify_contexts() (src/core/unit.c) refuses PrivatePIDs= outside services and
   * WorkingDirectory=~ with DynamicUser=yes.
   */
  verifiesExecContexts: boolean;
  /**
   * v256+: config_parse_exec_directories() (load-fragment.c) splits `SOURCE:DESTINATION:FLAGS` keeping
   * empty fields and reads the flags (`ro`); v252 coalesces the colons, reads two fields and words a
   * ConfigurationDirectory= destination "Destination parameter" (later: "Additional parameter").
   */
  execDirectoryFlags: boolean;
  /** v262: ExecReloadPost= (an Exec*= list) and RootMStack= (a fatal path) exist. */
  execReloadPost: boolean;
  rootMStack: boolean;
  /**
   * What `--profile=NAME` does for the second unit. offline_security_checks()
   * (src/analyze/analyze-security.c, v252 to v262) points the profile at the path it looked up, a
   * string freed at the end of the first unit's iteration, and copies from it for the next unit: what
   * the heap left there decides. Observed with the real tools: v252 mostly fails to copy (ENOENT; at
   * times it prints a garbled name and aborts), v257 mostly still finds the first unit's path and
   * copies that file again, v262 always fails with EISDIR.
   */
  portableProfileSecondUnit: { copyError: string } | 'first-unit-profile';
  /**
   * v252: unit_load_fragment_and_dropin() reads a masked unit's drop-ins all the same (unit.c), so
   * their warnings are logged before "Unit X is masked."; 257 (checked with 257.13) reads none. 255
   * has no live oracle and is taken as 252.
   */
  maskedUnitReadsDropIns: boolean;
  /**
   * How systemd-analyze dies on an assertion of assess() a security policy breaks (SIGABRT): systemd's
   * own assert() up to 257 ("Assertion 'X' failed at FILE:LINE, function assess(). Aborting."), glibc's
   * from 262 ("systemd-analyze: ../FILE:LINE: assess: Assertion `X' failed."), with the line of each
   * assertion in that release's analyze-security.c (read off the live oracles). Undefined where it was
   * not read (255), and a missing line: unitgate then says which assertion, in its own words.
   */
  assessAssertions:
    { style: 'systemd' | 'glibc'; lines: Partial<Record<AssessAssertion, number>> } | undefined;
  /**
   * The cells a tab takes in the table (utf8_console_width(), src/basic/utf8.c): one, like any other
   * code point, up to 257; 262 counts eight (measured with 262.1 at several positions: not tab stops).
   */
  tableTabCells: number;
  /**
   * v262, `--user`: assess_user() takes a service without User= (or root) as running under the calling
   * user's identity (good), assess_supplementary_groups() assesses it too, and assess_remove_ipc() is
   * not applicable ("RemoveIPC= has no effect on per-user services"). 257 assesses them as for the system
   * manager (both checked with the live oracles).
   */
  userManagerRows: boolean;
  /** What parse_timestamp() accepts for `--base-time=` beyond v252's forms (time-spec.ts). */
  timestampForms: TimestampForms;
}

export interface SystemdRelease {
  version: SystemdVersion;
  data: SystemdData;
  traits: VersionTraits;
  /** Whose manager loads the units: the system's (the default) or a user's (`--user`). */
  scope?: 'user';
}

// The system manager's search path as `systemd-analyze --offline` sees it. It runs the manager in test
// mode (MANAGER_TEST_RUN_MINIMAL), whose lookup paths take the generator directories from a fresh
// temporary directory (LOOKUP_PATHS_TEMPORARY_GENERATED in lookup_paths_init(), path-lookup.c) and
// leave out /run/systemd/transient: /run/systemd/generator{.early,,.late} and /run/systemd/transient
// are never searched, with --root or without (the real tools of 252, 257 and 262 agree).
const SEARCH_PATH_SPLIT_USR = [
  '/etc/systemd/system.control',
  '/run/systemd/system.control',
  '/etc/systemd/system',
  '/etc/systemd/system.attached',
  '/run/systemd/system',
  '/run/systemd/system.attached',
  '/usr/local/lib/systemd/system',
  '/lib/systemd/system',
  '/usr/lib/systemd/system',
];
const SEARCH_PATH_MERGED_USR = SEARCH_PATH_SPLIT_USR.filter((p) => p !== '/lib/systemd/system');

// As `systemd-analyze --user unit-paths` lists them on 252.38, 257.13 and 262.1 (XDG_CONFIG_DIRS and
// XDG_DATA_DIRS unset: /etc/xdg and /usr/local/share:/usr/share).
const USER_SEARCH_PATH_252 = [
  '$XDG_CONFIG_HOME/systemd/user.control',
  '$XDG_RUNTIME_DIR/systemd/user.control',
  '$XDG_CONFIG_HOME/systemd/user',
  '/etc/xdg/systemd/user',
  '/etc/systemd/user',
  '$XDG_RUNTIME_DIR/systemd/user',
  '/run/systemd/user',
  '$XDG_DATA_HOME/systemd/user',
  '/usr/local/share/systemd/user',
  '/usr/share/systemd/user',
  '/usr/local/lib/systemd/user',
  '/usr/lib/systemd/user',
];
const USER_SEARCH_PATH_257 = USER_SEARCH_PATH_252.filter((p) => p !== '/etc/xdg/systemd/user');
const USER_SEARCH_PATH_262 = USER_SEARCH_PATH_257.flatMap((p) =>
  p === '$XDG_CONFIG_HOME/systemd/user' || p === '$XDG_RUNTIME_DIR/systemd/user' ? [p, `${p}.attached`] : [p],
);

const EMERGENCY_ACTIONS_252 = [
  'none',
  'reboot',
  'reboot-force',
  'reboot-immediate',
  'poweroff',
  'poweroff-force',
  'poweroff-immediate',
  'exit',
  'exit-force',
];
// v254 added soft-reboot, v255 kexec and halt (NEWS).
const EMERGENCY_ACTIONS_255 = [
  ...EMERGENCY_ACTIONS_252,
  'soft-reboot',
  'soft-reboot-force',
  'kexec',
  'kexec-force',
  'halt',
  'halt-force',
  'halt-immediate',
];

/** An option table row: `name`, `name=` (takes a value), `name[=]` (an optional one); `/x` adds `-x`. */
function analyzeOptions(rows: string): AnalyzeOption[] {
  return rows
    .trim()
    .split(/\s+/)
    .map((row) => {
      const [spec = '', short] = row.split('/');
      const argument = spec.endsWith('[=]') ? 'optional' : spec.endsWith('=') ? 'required' : 'none';
      const long = spec.replace(/\[?=\]?$/, '');
      return short === undefined ? { long, argument } : { long, short, argument };
    });
}

// Probed with `systemd-analyze --=x` (glibc lists every option as a possibility, in table order), then
// `--NAME=x` ("doesn't allow an argument") and a trailing `--NAME` ("requires an argument") per option,
// and `-X` for every letter and digit.
const ANALYZE_OPTIONS_252 = analyzeOptions(`
  help/h version quiet/q order require root= image= recursive-errors= offline= threshold=
  security-policy= system user global from-pattern= to-pattern= fuzz= no-pager man[=] generators[=]
  host=/H machine=/M iterations= base-time= unit=/U json= profile=`);
const ANALYZE_OPTIONS_257 = analyzeOptions(`
  help/h version quiet/q order require root= image= image-policy= recursive-errors= offline= threshold=
  security-policy= system user global from-pattern= to-pattern= fuzz= no-pager man[=] generators[=]
  instance= host=/H machine=/M iterations= base-time= unit=/U json= profile= table[=] no-legend[=] tldr
  mask/m scale-svg= detailed`);
// v262's order is its `--introspect-cli` listing (which the ambiguity messages follow).
const ANALYZE_OPTIONS_262 = analyzeOptions(`
  help/h version quiet/q recursive-errors= root= image= image-policy= system user global order require
  from-pattern= to-pattern= fuzz= no-pager host=/H machine=/M man[=] generators[=] instance= offline=
  threshold= security-policy= json= iterations= base-time= profile= unit=/U table no-legend tldr mask/m
  scale-svg= detailed drm-device= debugger= debugger-arguments=/A introspect-cli`);

const SERVICE_TYPES_252 = ['simple', 'exec', 'forking', 'oneshot', 'dbus', 'notify', 'idle'];
const SERVICE_TYPES_253 = [...SERVICE_TYPES_252, 'notify-reload'];

// v252–v257 still parse these cgroup v1 settings, with a warning naming the replacement
// (config_parse_cg_cpu_weight()/config_parse_memory_limit(), load-fragment.c).
const CGROUP_V1_DEPRECATED: Readonly<Record<string, string>> = {
  CPUShares: 'CPUWeight',
  MemoryLimit: 'MemoryMax',
};
const CGROUP_CONTROLLERS_252 = [
  'cpu',
  'cpuacct',
  'cpuset',
  'io',
  'blkio',
  'memory',
  'devices',
  'pids',
  'bpf-firewall',
  'bpf-devices',
  'bpf-foreign',
  'bpf-socket-bind',
  'bpf-restrict-network-interfaces',
];

// v262: removed settings parsed by config_parse_warn_compat(DISABLED_LEGACY) (as the oracle shows them).
const CGROUP_REMOVED_262 = ['CPUShares', 'MemoryLimit', 'CPUAccounting', 'DefaultMemoryLow'];
/** What one supported release adds: its generated data, and its switches as changes to the previous release's. */
interface VersionEntry {
  data: SystemdData;
  /** The oldest release lists every switch; each later one only what changed since the one before. */
  traits: Partial<VersionTraits>;
}

// One entry per supported release, oldest first. Adding a release: generate its data file
// (scripts/generate-systemd-data.mjs), import it above and add its row here; everything that lists
// versions (CLI choices, action input, policy schema, docs, publish bundle schema) derives from this.
const VERSIONS = {
  252: {
    data: data252 as SystemdData,
    traits: {
      searchPath: SEARCH_PATH_SPLIT_USR,
      userSearchPath: USER_SEARCH_PATH_252,
      templateInstance: 'i',
      privateMountsTristate: false,
      privateTmpWords: [],
      privateUsersWords: [],
      protectControlGroupsWords: [],
      protectHostnameEnum: false,
      emptyDescriptionSortsFirst: false,
      addressFamilyUnknownStopsLine: false,
      capabilityTildeAloneIsKnownSet: false,
      maxCapabilityNumber: 63,
      tpmDeviceAllow: { path: '/dev/tpmrm0', permissions: 'rw' },
      capabilityListRelaxed: false,
      execCommandExtraPrefixes: '',
      execPathImpliesDirectory: false,
      execEmptyPathValueQuoted: true,
      unitPathEmptyComponentRefused: false,
      extraSpecifiers: {},
      emergencyActions: EMERGENCY_ACTIONS_252,
      serviceTypes: SERVICE_TYPES_252,
      namespaceAllIncludesTime: false,
      requiresUnitArguments: false,
      valueErrorWording: 'own-words',
      pidFileVarRunWarns: false,
      extraExitStatusNames: [],
      logFilterPatterns: false,
      base64UrlAlphabet: false,
      ioprioClassNumberMax: 8,
      execDoubleBangObsolete: false,
      cgroupRemovedOptions: [],
      cgroupDeprecated: CGROUP_V1_DEPRECATED,
      securityPolicyRejectsNonObject: false,
      cgroupControllers: CGROUP_CONTROLLERS_252,
      jsonExp10Inexact: glibc236Exp10.exp10,
      analyzeOptions: ANALYZE_OPTIONS_252,
      optionParser: 'getopt_long',
      noLegendOption: 'plot-only',
      globalOptionVerbs: 'verbs dot, unit-paths, verify',
      booleanArgumentQuoted: false,
      offlineRootVerbs: 'cat-config, verify, condition and security',
      imagePolicyParsed: false,
      memoryZSwapMax: false,
      cpuSetSkipsBadWords: false,
      imagePolicyIgnoresUnknown: false,
      swapWhatRelativeKept: false,
      execDirectoryFlags: false,
      maxConnectionsCheckedAlways: false,
      verifiesExecContexts: false,
      execReloadPost: false,
      rootMStack: false,
      portableProfileSecondUnit: { copyError: 'No such file or directory' },
      maskedUnitReadsDropIns: true,
      assessAssertions: { style: 'systemd', lines: { 'range > 0': 1797, 'weight_sum > 0': 1859 } },
      tableTabCells: 1,
      userManagerRows: false,
      timestampForms: { iso8601: false },
    } satisfies VersionTraits,
  },
  // Keys v252 does not know: OpenFile= (v253), ImportCredential=, RestartSteps=, RestartMaxDelaySec=,
  // DelegateSubgroup=, MemoryPressureWatch= (v254), CoredumpReceive= (v255).
  255: {
    data: data255 as SystemdData,
    traits: {
      searchPath: SEARCH_PATH_MERGED_USR,
      // No live oracle to read the assertion lines off.
      assessAssertions: undefined,
      // Without a live oracle for 255, its user path is taken as 257's (no XDG_CONFIG_DIRS entry).
      userSearchPath: USER_SEARCH_PATH_257,
      privateMountsTristate: true,
      tpmDeviceAllow: { path: 'char-tpm', permissions: 'rw' },
      capabilityListRelaxed: true,
      emergencyActions: EMERGENCY_ACTIONS_255,
      serviceTypes: SERVICE_TYPES_253,
      // Ubuntu 24.04's glibc 2.39 (255 has no live oracle: taken as exact, like Debian 13's 2.41).
      jsonExp10Inexact: {},
      // Image policies came with v254 (NEWS).
      imagePolicyParsed: true,
      valueErrorWording: 'enum-key',
      // MemoryZSwapMax= came with v253 (NEWS).
      memoryZSwapMax: true,
      extraExitStatusNames: ['KSM'],
      logFilterPatterns: true,
      base64UrlAlphabet: true,
    },
  },
  257: {
    data: data257 as SystemdData,
    traits: {
      templateInstance: 'test_instance',
      privateTmpWords: ['connected', 'disconnected'],
      privateUsersWords: ['self', 'identity'],
      protectControlGroupsWords: ['private', 'strict'],
      extraSpecifiers: { D: '/usr/share' },
      execPathImpliesDirectory: true,
      execEmptyPathValueQuoted: false,
      requiresUnitArguments: true,
      pidFileVarRunWarns: true,
      analyzeOptions: ANALYZE_OPTIONS_257,
      globalOptionVerbs: 'verb unit-paths',
      swapWhatRelativeKept: true,
      execDirectoryFlags: true,
      maxConnectionsCheckedAlways: true,
      verifiesExecContexts: true,
      valueErrorWording: 'parse-error',
      portableProfileSecondUnit: 'first-unit-profile',
      maskedUnitReadsDropIns: false,
      timestampForms: { iso8601: true },
      assessAssertions: { style: 'systemd', lines: { 'range > 0': 1785, 'weight_sum > 0': 1847 } },
    },
  },
  262: {
    data: data262 as SystemdData,
    traits: {
      userSearchPath: USER_SEARCH_PATH_262,
      assessAssertions: { style: 'glibc', lines: { 'range > 0': 1814, 'weight_sum > 0': 1876 } },
      tableTabCells: 8,
      userManagerRows: true,
      privateUsersWords: ['self', 'identity', 'full', 'managed'],
      protectHostnameEnum: true,
      emptyDescriptionSortsFirst: true,
      addressFamilyUnknownStopsLine: true,
      capabilityTildeAloneIsKnownSet: true,
      maxCapabilityNumber: 62,
      tpmDeviceAllow: undefined,
      execCommandExtraPrefixes: '|',
      unitPathEmptyComponentRefused: true,
      namespaceAllIncludesTime: true,
      execDoubleBangObsolete: true,
      cgroupRemovedOptions: CGROUP_REMOVED_262,
      cgroupDeprecated: {},
      securityPolicyRejectsNonObject: true,
      cgroupControllers: [...CGROUP_CONTROLLERS_252, 'bpf-bind-network-interface'],
      analyzeOptions: ANALYZE_OPTIONS_262,
      optionParser: 'option_parse',
      noLegendOption: 'accepted',
      booleanArgumentQuoted: true,
      offlineRootVerbs: 'cat-config, verify, condition, unit-gdb, and security',
      imagePolicyIgnoresUnknown: true,
      cpuSetSkipsBadWords: true,
      execReloadPost: true,
      rootMStack: true,
      portableProfileSecondUnit: { copyError: 'Is a directory' },
      ioprioClassNumberMax: 7,
    },
  },
} satisfies Record<number, VersionEntry>;

export type SystemdVersion = keyof typeof VERSIONS;
/** The supported releases, oldest first (integer keys enumerate in ascending order). */
export const SUPPORTED_VERSIONS: readonly SystemdVersion[] = Object.keys(VERSIONS).map(
  (key) => Number(key) as SystemdVersion,
);
export const DEFAULT_VERSION: SystemdVersion = 252;

export function isSupportedVersion(v: number): v is SystemdVersion {
  return (SUPPORTED_VERSIONS as readonly number[]).includes(v);
}

/** Each release's data and complete switches: the oldest's row, then every later row applied in order. */
const PROFILES = new Map<SystemdVersion, SystemdRelease>();
{
  let traits: Partial<VersionTraits> = {};
  for (const version of SUPPORTED_VERSIONS) {
    traits = { ...traits, ...VERSIONS[version].traits };
    PROFILES.set(version, { version, data: VERSIONS[version].data, traits: traits as VersionTraits });
  }
}

/** The data and switches for one systemd version (built once, shared). */
export function systemdRelease(version: SystemdVersion): SystemdRelease {
  return PROFILES.get(version) as SystemdRelease;
}

const USER_MANAGERS = new Map<SystemdVersion, SystemdRelease>();

/** The release as the user manager (`--user`) loads units with it (built once, shared). */
export function userManagerRelease(version: SystemdVersion): SystemdRelease {
  let r = USER_MANAGERS.get(version);
  if (!r) USER_MANAGERS.set(version, (r = { ...systemdRelease(version), scope: 'user' }));
  return r;
}

/** Releases in a sentence: "252", "252 and 257", "252, 255 and 257". */
export function listVersions(versions: readonly number[]): string {
  if (versions.length <= 1) return versions.map(String).join('');
  return `${versions.slice(0, -1).join(', ')} and ${String(versions[versions.length - 1])}`;
}

/** The supported releases no live systemd-analyze checks: no reachable archive ships their systemd. */
export const RELEASES_WITHOUT_LIVE_ORACLE: readonly SystemdVersion[] = SUPPORTED_VERSIONS.filter(
  (version) => systemdRelease(version).data.liveOracle === null,
);

/**
 * What every place that lets a user choose the release says about the ones without a live oracle
 * (empty when every release has one): a user picking such a release should know that its behaviour
 * was never compared with the real tool, only derived from the spec's facts about it.
 */
export function liveOracleNotice(): string {
  const missing = RELEASES_WITHOUT_LIVE_ORACLE;
  if (missing.length === 0) return '';
  const names =
    missing.length === 1
      ? String(missing[0])
      : `${missing.slice(0, -1).join(', ')} and ${String(missing[missing.length - 1])}`;
  const verb = missing.length === 1 ? 'is' : 'are';
  return (
    `${names} ${verb} not checked against a live systemd-analyze (no reachable archive ships ` +
    `${missing.length === 1 ? 'it' : 'them'}): only through the spec's facts`
  );
}
