// The directives unitgate parses, each with its parser and the section it belongs to per unit type (the
// load-fragment-gperf table and config_parse_*() of src/core/load-fragment.c, v252–v262); the exec and
// cgroup context parsers are in load-fragment-exec.ts and load-fragment-cgroup.ts.
import type { Assignment } from '../unit/parse-unit-file';
import type { UnitType } from '../unit/unit-name';
import { parseBoolean } from '../unit/parse-boolean';
import { pathStartsWith, simplifyAndCheckPath } from '../unit/path-util';
import type { VersionTraits } from './versions';
import type { SecuritySettings } from './settings';
import { HAS_CGROUP_CONTEXT, HAS_EXEC_CONTEXT, TYPE_SECTION } from './unit-vtable';
import {
  expand,
  rejectValue,
  specifiers,
  warn,
  type Context,
  type Handler,
  type Outcome,
  type RejectedValue,
  ignoredPath,
  fatal,
  STRERROR,
} from './conf-parser';
import {
  CONDITION_PATH_KEYS,
  handleConditionPath,
  handleDocumentation,
  handleUnitDeps,
  UNIT_DEPENDENCY_KEYS,
} from './load-fragment-unit';
import {
  capabilitySet,
  credential,
  execCommands,
  handleEnvironment,
  handleGroup,
  handleNamespacePaths,
  handlePersonality,
  handleRestrictAddressFamilies,
  handleRestrictNamespaces,
  handleStandardOutput,
  handleSupplementaryGroups,
  handleSystemCallArchitectures,
  handleSystemCallFilter,
  handleBusName,
  handleTemporaryFileSystem,
  handleUMask,
  handleUser,
  PROTECT_HOSTNAME_ENUM,
  rootPath,
} from './load-fragment-exec';
import {
  handleDelegate,
  handleDeviceAllow,
  handleDevicePolicy,
  handleLegacyCgroupOption,
  ipFilterPath,
  ipPrefixList,
} from './load-fragment-cgroup';
import {
  factBool,
  handleMaxConnections,
  handleSocketService,
  handleSymlinks,
  listen,
  pathSpec,
  timerValue,
} from './load-fragment-triggers';
import {
  handleCpuSchedulingPolicy,
  handleCpuSchedulingPriority,
  handleEnvironmentFile,
  handleIoSchedulingClass,
  handleIoSchedulingPriority,
  handleMode,
  handleNice,
  handleOomScoreAdjust,
  handleSec,
  handleSecFix0,
  handleServiceTimeout,
  handleSignal,
  handleStandardInput,
  handleTasksMax,
  handleUnsigned,
} from './load-fragment-values';
import {
  handleExitStatusSet,
  handleLogExtraFields,
  handleLogFilterPatterns,
  handleLogLevel,
  handleLogNamespace,
  handleStandardInputData,
  handleStandardInputText,
  handleSyslogFacility,
  handleSyslogIdentifier,
  handleSystemCallErrorNumber,
  handleTimerSlackNSec,
  handleTtyPath,
  handleTtySize,
  handleUtmpMode,
} from './load-fragment-logging';
import { EXEC_DIRECTORY_KEYS, handleExecDirectories } from './load-fragment-exec-directories';
import {
  handleCpuAffinity,
  handleCpuQuota,
  handleCpuSet,
  handleCpuWeight,
  handleIoWeight,
  handleManagedOomMode,
  handleManagedOomPreference,
  handleManagedOomPressureLimit,
  handleMemoryLimit,
  handleRlimit,
  RLIMIT_KEYS,
} from './load-fragment-limits';
import {
  fatalPath,
  handleImagePolicy,
  handleSecurityLabel,
  handleWorkingDirectory,
} from './load-fragment-fatal';

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

// ---------------------------------------------------------------------------------------------
// Directive handlers, one per parser of load-fragment.c.

/** config_parse_bool()'s words before v257. */
const BOOLEAN_VALUE: RejectedValue = { ownWords: 'Failed to parse boolean value' };

function boolSetting(field: keyof SecuritySettings, fatalOnError = false): Handler {
  return (ctx, a) => {
    const b = parseBoolean(a.value);
    if (b === undefined) return rejectValue(ctx, a, { ...BOOLEAN_VALUE, critical: fatalOnError });
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
    return rejectValue(ctx, a, extra.length === 0 ? BOOLEAN_VALUE : { ...BOOLEAN_VALUE, enumParser: true });
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
    if (!words.includes(a.value)) return rejectValue(ctx, a, enumRejection(a));
    (ctx.s as unknown as Record<string, unknown>)[field] = a.value;
    return 'ok';
  };
}

function factEnum(
  field: 'type' | 'restart' | 'killMode' | 'successAction' | 'exitType',
  words: (c: Context) => readonly string[],
): Handler {
  return (ctx, a) => {
    if (!words(ctx).includes(a.value)) return rejectValue(ctx, a, enumRejection(a));
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

/**
 * The enum parsers' own words (v252: DEFINE_CONFIG_PARSE_ENUM()'s `msg` in load-fragment.c, checked with
 * systemd-analyze 252, 257 and 262). KillMode= (config_parse_kill_mode()) and SuccessAction=
 * (config_parse_emergency_action()) are parsers of their own that keep their words in every release.
 */
const ENUM_REJECTIONS: Readonly<Record<string, RejectedValue>> = {
  Type: { ownWords: 'Failed to parse service type', enumParser: true },
  ProtectSystem: { ownWords: 'Failed to parse protect system value', enumParser: true },
  ProtectHome: { ownWords: 'Failed to parse protect home value', enumParser: true },
  KeyringMode: { ownWords: 'Failed to parse keyring mode', enumParser: true },
  ProtectProc: { ownWords: 'Failed to parse /proc/ protection mode', enumParser: true },
  ProcSubset: { ownWords: 'Failed to parse /proc/ subset mode', enumParser: true },
  NotifyAccess: { ownWords: 'Failed to parse notify access specifier', enumParser: true },
  ExitType: { ownWords: 'Failed to parse service exit type', enumParser: true },
  Restart: { ownWords: 'Failed to parse service restart specifier', enumParser: true },
  KillMode: { ownWords: 'Failed to parse kill mode specification', keepsOwnWords: true },
  SuccessAction: { ownWords: 'Failed to parse SuccessAction=', keepsOwnWords: true },
};

function enumRejection(a: Assignment): RejectedValue {
  return ENUM_REJECTIONS[a.key] ?? { ownWords: `Failed to parse ${a.key}= value`, enumParser: true };
}

/**
 * A config_parse_bool() setting no score reads: only its warning matters. The value a parse failure
 * names is the raw one (v252: "Failed to parse boolean value, ignoring: X").
 */
const checkedBoolean: Handler = (ctx, a) =>
  parseBoolean(a.value) !== undefined ? 'ok' : rejectValue(ctx, a, BOOLEAN_VALUE);

/** Settings parsed by config_parse_bool() that change no score, with their scope (v252–v262). */
const CHECKED_BOOLEANS: Readonly<Record<string, Scope>> = {
  StopWhenUnneeded: 'unit',
  RefuseManualStart: 'unit',
  RefuseManualStop: 'unit',
  AllowIsolate: 'unit',
  IgnoreOnIsolate: 'unit',
  PrivateIPC: 'exec',
  IgnoreSIGPIPE: 'exec',
  TTYReset: 'exec',
  TTYVHangup: 'exec',
  TTYVTDisallocate: 'exec',
  SyslogLevelPrefix: 'exec',
  SendSIGKILL: 'kill',
  SendSIGHUP: 'kill',
  MemoryAccounting: 'cgroup',
  IOAccounting: 'cgroup',
  TasksAccounting: 'cgroup',
  IPAccounting: 'cgroup',
  GuessMainPID: 'service',
  RootDirectoryStartOnly: 'service',
  CPUSchedulingResetOnFork: 'exec',
  PermissionsStartOnly: 'service',
  NonBlocking: 'service',
  FlushPending: 'socket',
  Writable: 'socket',
  KeepAlive: 'socket',
  NoDelay: 'socket',
  FreeBind: 'socket',
  Transparent: 'socket',
  Broadcast: 'socket',
  PassCredentials: 'socket',
  PassSecurity: 'socket',
  PassPacketInfo: 'socket',
  ReusePort: 'socket',
  RemoveOnStop: 'socket',
  SELinuxContextFromNet: 'socket',
  SloppyOptions: 'mount-only',
  LazyUnmount: 'mount-only',
  ForceUnmount: 'mount-only',
  ReadWriteOnly: 'mount-only',
  Persistent: 'timer',
  WakeSystem: 'timer',
  RemainAfterElapse: 'timer',
  FixedRandomDelay: 'timer',
  MakeDirectory: 'path',
};

function factString(field: 'pamName'): Handler {
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
    if (!checked.ok) return warn(ctx, a, ignoredPath(checked.message));
    ctx.facts[field] = checked.path;
    return 'ok';
  };
}

function factCounter(field: 'mountImages'): Handler {
  return (ctx, a) => {
    if (a.value === '') ctx.facts[field] = 0;
    else ctx.facts[field]++;
    return 'ok';
  };
}

// ---------------------------------------------------------------------------------------------
// Directives that change no score but make systemd warn while parsing (their assignments are not
// recorded as applied settings).

/**
 * PIDFile= (config_parse_pid_file() and patch_var_run(), load-fragment.c, v252–v262): a relative path is
 * taken below /run (path_make_absolute()); path_simplify_and_warn() then logs a bad path as "ignoring"
 * but config_parse_pid_file() returns its error, so the unit fails to load (Invalid argument). A path
 * below /var/run/ is moved to /run/, logged at LOG_WARNING from v257 (at LOG_NOTICE, not shown, in v252).
 */
const handlePidFile: Handler = (ctx, a) => {
  if (a.value === '') return 'ok';
  const r = expand(ctx, a.value);
  if (!r.ok) return warn(ctx, a, `Failed to resolve unit specifiers in '${a.value}', ignoring: Invalid slot`);
  const path = r.value.startsWith('/') ? r.value : `/run/${r.value}`;
  const checked = simplifyAndCheckPath(path, a.key, 'absolute');
  if (!checked.ok) return fatal(ctx, a, ignoredPath(checked.message), STRERROR.EINVAL);
  // A relative path ends up below /run, never below /var/run.
  if (!ctx.traits.pidFileVarRunWarns || !r.value.startsWith('/')) return 'ok';
  const rest = pathStartsWith(checked.path, '/var/run');
  if (rest === undefined || rest === '') return 'ok';
  return warn(
    ctx,
    a,
    `PIDFile= references a path below legacy directory /var/run/, updating ${checked.path} → /run/${rest}; ` +
      'please update the unit file accordingly.',
  );
};

// The parsers of the directives whose meaning depends on the unit type (Type=, Options=, What=).

const SERVICE_TYPE = factEnum('type', (c) => c.traits.serviceTypes);
const MOUNT_FSTYPE = factPrintfString('fstype');
const MOUNT_OPTIONS = factPrintfString('options');
const MOUNT_WHAT = factPrintfString('what');
const SWAP_WHAT_LEGACY = factPath('what');

/**
 * Swap What= from v257: a relative path is kept as written (and swap_load() then cannot name the unit
 * after it: -EINVAL); v252 ignores it with a warning, as for any path setting.
 */
const SWAP_WHAT: Handler = (ctx, a) => {
  if (!ctx.traits.swapWhatRelativeKept) return SWAP_WHAT_LEGACY(ctx, a);
  const r = expand(ctx, a.value);
  if (r.ok && r.value !== '' && !r.value.startsWith('/')) {
    ctx.facts.what = r.value;
    return 'ok';
  }
  return SWAP_WHAT_LEGACY(ctx, a);
};

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
  | 'automount'
  | 'timeout'
  | 'directory-mode'
  | 'mount-only';

interface DirectiveSpec {
  scope: Scope;
  /** The parser, chosen per version where the parser changed between releases (undefined: no such key). */
  handler: (t: VersionTraits) => Handler | undefined;
  /** Whether an assignment counts as an applied setting (false: parsed only for its warnings). */
  record: boolean;
  /** Also parsed in a service's [Service] (the deprecated aliases of load-fragment-gperf.gperf.in). */
  alsoInService?: boolean;
}

const dv = (scope: Scope, handler: (t: VersionTraits) => Handler | undefined): DirectiveSpec => ({
  scope,
  handler,
  record: true,
});
const d = (scope: Scope, handler: Handler): DirectiveSpec => dv(scope, () => handler);
/** A directive parsed only for the warnings systemd logs about it. */
const w = (scope: Scope, handler: Handler): DirectiveSpec => ({ ...d(scope, handler), record: false });
/** A directive parsed only for its warnings or errors, known from the release whose switch `since` is on. */
const wSince = (scope: Scope, since: keyof VersionTraits, handler: Handler): DirectiveSpec => ({
  ...dv(scope, (t) => (t[since] ? handler : undefined)),
  record: false,
});

const MEMORY_LIMIT_KEYS = ['MemoryMin', 'MemoryLow', 'MemoryHigh', 'MemoryMax', 'MemorySwapMax'];
const CPU_SET_KEYS = ['AllowedCPUs', 'StartupAllowedCPUs', 'AllowedMemoryNodes', 'StartupAllowedMemoryNodes'];

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
  RemainAfterExit: d('service', factBool('remainAfterExit')),
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
  BusName: d('service', handleBusName),
  ListenStream: d('socket', listen('stream')),
  ListenDatagram: d('socket', listen('datagram')),
  ListenSequentialPacket: d('socket', listen('seqpacket')),
  ListenFIFO: d('socket', listen('fifo')),
  ListenSpecial: d('socket', listen('special')),
  ListenNetlink: d('socket', listen('netlink')),
  ListenMessageQueue: d('socket', listen('mqueue')),
  ListenUSBFunction: d('socket', listen('usb')),
  Accept: w('socket', factBool('accept')),
  Service: w('socket', handleSocketService),
  MaxConnections: w('socket', handleMaxConnections),
  Symlinks: w('socket', handleSymlinks),
  // config_parse_user_group_compat(), as for Group=: an invalid name refuses the unit, a relaxed one is noted.
  SocketUser: w('socket', handleGroup),
  SocketGroup: w('socket', handleGroup),
  OnActiveSec: d('timer', timerValue(false)),
  OnBootSec: d('timer', timerValue(false)),
  OnStartupSec: d('timer', timerValue(false)),
  OnUnitActiveSec: d('timer', timerValue(false)),
  OnUnitInactiveSec: d('timer', timerValue(false)),
  OnCalendar: d('timer', timerValue(true)),
  OnClockChange: d('timer', factBool('onClockChange')),
  OnTimezoneChange: d('timer', factBool('onTimezoneChange')),
  PathExists: d('path', pathSpec),
  PathExistsGlob: d('path', pathSpec),
  PathChanged: d('path', pathSpec),
  PathModified: d('path', pathSpec),
  DirectoryNotEmpty: d('path', pathSpec),
  WorkingDirectory: w('exec', handleWorkingDirectory),
  RootVerity: w('exec', fatalPath),
  RootMStack: wSince('exec', 'rootMStack', fatalPath),
  SELinuxContext: w('exec', handleSecurityLabel),
  AppArmorProfile: w('exec', handleSecurityLabel),
  SmackProcessLabel: w('exec', handleSecurityLabel),
  RootImagePolicy: wSince('exec', 'imagePolicyParsed', handleImagePolicy),
  MountImagePolicy: wSince('exec', 'imagePolicyParsed', handleImagePolicy),
  ExtensionImagePolicy: wSince('exec', 'imagePolicyParsed', handleImagePolicy),
  PrivatePIDs: wSince('exec', 'verifiesExecContexts', factBool('privatePids')),
  ExecReloadPost: { ...dv('service', (t) => (t.execReloadPost ? execCommands() : undefined)) },
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
  CPUSchedulingPolicy: w('exec', handleCpuSchedulingPolicy),
  Nice: w('exec', handleNice),
  OOMScoreAdjust: w('exec', handleOomScoreAdjust),
  IOSchedulingClass: w('exec', handleIoSchedulingClass),
  IOSchedulingPriority: w('exec', handleIoSchedulingPriority),
  EnvironmentFile: w('exec', handleEnvironmentFile),
  RuntimeDirectoryMode: w('exec', handleMode),
  StateDirectoryMode: w('exec', handleMode),
  CacheDirectoryMode: w('exec', handleMode),
  LogsDirectoryMode: w('exec', handleMode),
  ConfigurationDirectoryMode: w('exec', handleMode),
  SocketMode: w('socket', handleMode),
  DirectoryMode: w('directory-mode', handleMode),
  KillSignal: w('kill', handleSignal),
  RestartKillSignal: w('kill', handleSignal),
  FinalKillSignal: w('kill', handleSignal),
  WatchdogSignal: w('kill', handleSignal),
  StartLimitIntervalSec: w('unit', handleSec),
  StartLimitInterval: { ...w('unit', handleSec), alsoInService: true },
  StartLimitBurst: { ...w('unit', handleUnsigned), alsoInService: true },
  RestartSec: w('service', handleSec),
  RuntimeMaxSec: w('service', handleSec),
  WatchdogSec: w('service', handleSec),
  TimeoutStopSec: w('service', handleSecFix0),
  TimeoutStartSec: w('service', handleServiceTimeout),
  // Service TimeoutSec= sets both timeouts (its own parser); the other types' is config_parse_sec_fix_0().
  TimeoutSec: w('timeout', (ctx, a) =>
    ctx.unit.type === 'service' ? handleServiceTimeout(ctx, a) : handleSecFix0(ctx, a),
  ),
  FileDescriptorStoreMax: w('service', handleUnsigned),
  AccuracySec: w('timer', handleSec),
  RandomizedDelaySec: w('timer', handleSec),
  CPUShares: w('cgroup', handleLegacyCgroupOption),
  MemoryLimit: w('cgroup', handleLegacyCgroupOption),
  CPUAccounting: w('cgroup', handleLegacyCgroupOption),
  DefaultMemoryLow: w('cgroup', handleLegacyCgroupOption),
  Documentation: w('unit', handleDocumentation),
  TasksMax: w('cgroup', handleTasksMax),
  // Resource limits and cgroup values (load-fragment-limits.ts).
  ...Object.fromEntries(RLIMIT_KEYS.map((k) => [k, w('exec', handleRlimit)])),
  ...Object.fromEntries(MEMORY_LIMIT_KEYS.map((k) => [k, w('cgroup', handleMemoryLimit)])),
  MemoryZSwapMax: wSince('cgroup', 'memoryZSwapMax', handleMemoryLimit),
  CPUQuota: w('cgroup', handleCpuQuota),
  IOWeight: w('cgroup', handleIoWeight),
  StartupIOWeight: w('cgroup', handleIoWeight),
  CPUWeight: w('cgroup', handleCpuWeight),
  StartupCPUWeight: w('cgroup', handleCpuWeight),
  CPUAffinity: w('exec', handleCpuAffinity),
  ...Object.fromEntries(CPU_SET_KEYS.map((k) => [k, w('cgroup', handleCpuSet)])),
  ManagedOOMSwap: w('cgroup', handleManagedOomMode),
  ManagedOOMMemoryPressure: w('cgroup', handleManagedOomMode),
  ManagedOOMMemoryPressureLimit: w('cgroup', handleManagedOomPressureLimit),
  ManagedOOMPreference: w('cgroup', handleManagedOomPreference),
  StandardInput: w('exec', handleStandardInput),
  StandardInputText: w('exec', handleStandardInputText),
  StandardInputData: w('exec', handleStandardInputData),
  SuccessExitStatus: w('service', handleExitStatusSet),
  RestartPreventExitStatus: w('service', handleExitStatusSet),
  RestartForceExitStatus: w('service', handleExitStatusSet),
  SyslogFacility: w('exec', handleSyslogFacility),
  SyslogLevel: w('exec', handleLogLevel),
  LogLevelMax: w('exec', handleLogLevel),
  SyslogIdentifier: w('exec', handleSyslogIdentifier),
  LogRateLimitIntervalSec: w('exec', handleSec),
  LogRateLimitBurst: w('exec', handleUnsigned),
  LogExtraFields: w('exec', handleLogExtraFields),
  LogNamespace: w('exec', handleLogNamespace),
  LogFilterPatterns: wSince('exec', 'logFilterPatterns', handleLogFilterPatterns),
  SystemCallErrorNumber: w('exec', handleSystemCallErrorNumber),
  UtmpMode: w('exec', handleUtmpMode),
  TimerSlackNSec: w('exec', handleTimerSlackNSec),
  TTYPath: w('exec', handleTtyPath),
  TTYRows: w('exec', handleTtySize),
  TTYColumns: w('exec', handleTtySize),
  ...Object.fromEntries(EXEC_DIRECTORY_KEYS.map((k) => [k, w('exec', handleExecDirectories)])),
  TemporaryFileSystem: w('exec', handleTemporaryFileSystem),
  ...Object.fromEntries(CONDITION_PATH_KEYS.map((k) => [k, w('unit', handleConditionPath)])),
  ...Object.fromEntries(UNIT_DEPENDENCY_KEYS.map((k) => [k, w('unit', handleUnitDeps)])),
  ...Object.fromEntries(Object.entries(CHECKED_BOOLEANS).map(([k, scope]) => [k, w(scope, checkedBoolean)])),
};

/** The unit types with a DirectoryMode= of their own (load-fragment-gperf.gperf.in, v252–v262). */
const DIRECTORY_MODE_SECTION: Partial<Record<UnitType, string>> = {
  socket: 'Socket',
  mount: 'Mount',
  automount: 'Automount',
  path: 'Path',
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
    case 'timeout':
      return type === 'service' || type === 'socket' || type === 'mount' || type === 'swap' ? own : undefined;
    case 'directory-mode':
      return DIRECTORY_MODE_SECTION[type];
    case 'mount-only':
      return type === 'mount' ? 'Mount' : undefined;
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
  /** A second section that parses it (a service's [Service] for the deprecated aliases). */
  alsoSection?: string;
  handler: Handler;
  record: boolean;
}

const directiveTables = new WeakMap<VersionTraits, Map<UnitType, Map<string, Directive>>>();

/**
 * The directives that apply to a unit type, by name, with each handler chosen for a version: an
 * assignment is applied when its key is here and it sits in the directive's section. Built once per
 * version and type, so a unit costs one lookup per assignment.
 */
export function directivesFor(traits: VersionTraits, type: UnitType): Map<string, Directive> {
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
      const handler = spec.handler(traits);
      if (section !== undefined && handler !== undefined)
        table.set(name, {
          name,
          section,
          handler,
          record: spec.record,
          ...(spec.alsoInService && type === 'service' ? { alsoSection: 'Service' } : {}),
        });
    }
    byType.set(type, table);
  }
  return table;
}
