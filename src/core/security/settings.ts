// The security-relevant settings systemd derives for a loaded unit ("SecurityInfo"), with the line that
// set each one, and deriveSecuritySettings(), which applies a unit's assignments through the directive
// parsers (load-fragment.ts), the load checks (unit-verify.ts) and the implied settings
// (unit-patch-contexts.ts), then the last steps of get_security_info() (src/analyze/analyze-security.c),
// v252–v262, as selected by VersionTraits.
import type { Assignment, Diagnostic, ParsedUnitFile, SourceLocation } from '../unit/parse-unit-file';
import type { LoadedUnit, LoadFailure } from '../unit/load-unit';
import type { UnitType } from '../unit/unit-name';
import type { HostFacts } from '../unit/specifiers';
import type { SystemdRelease } from './versions';
import type { CapabilityMask } from './capability-util';
import { TYPE_SECTION } from './unit-vtable';
import { unknownKey, type Context } from './conf-parser';
import { isAnyPrefix, isLocalhostPrefix } from './in-addr-prefix';
import { directivesFor } from './load-fragment';
import { defaultSettings } from './settings-record';
import { noteExecContextAfterFailedFile, verifyUnit } from './unit-verify';
import { patchExecContext } from './unit-patch-contexts';

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

export interface Derivation {
  settings?: SecuritySettings;
  failure?: LoadFailure;
  diagnostics: Diagnostic[];
  /**
   * A service's BusName= once its files are applied: service_add_extras() registers it with the
   * manager before service_verify() runs, so a unit refused by verification holds it too.
   */
  busName?: string;
}

const releaseCaches = new WeakMap<
  SystemdRelease,
  {
    capabilityNames: Map<string, number>;
    known: CapabilityMask;
    families: Map<string, number>;
    archs: Set<string>;
    syscalls: Set<string>;
    groups: Map<string, readonly string[]>;
  }
>();

function releaseCache(release: SystemdRelease) {
  let c = releaseCaches.get(release);
  if (!c) {
    const capabilityNames = new Map<string, number>();
    let known = 0n;
    for (const [name, bit] of Object.entries(release.data.capabilities)) {
      capabilityNames.set(name.toUpperCase(), bit);
      known |= 1n << BigInt(bit);
    }
    const families = new Map<string, number>();
    for (const [name, af] of Object.entries(release.data.addressFamilies))
      families.set(name.toUpperCase(), af);
    c = {
      capabilityNames,
      known,
      families,
      archs: new Set(release.data.syscallArchitectures),
      syscalls: new Set(release.data.knownSyscalls),
      groups: new Map(Object.entries(release.data.syscallGroups)),
    };
    releaseCaches.set(release, c);
  }
  return c;
}

/**
 * The machine a `systemd-analyze security` run is imitated on: what its host specifiers expand to. Only
 * the CLI's `security` verb gives one; everything else scores with stable placeholders.
 */
export interface AnalysingHost {
  facts: HostFacts;
  /**
   * The real path on that machine of a unit file at `treePath` (symlinks chased, the `--root` prefix
   * included), for %y/%Y; `undefined` when it cannot be resolved.
   */
  realPath(treePath: string): string | undefined;
}

/**
 * Applies a loaded unit's assignments in order and derives the settings systemd would score, or the
 * load failure systemd would report.
 */
export function deriveSecuritySettings(
  unit: LoadedUnit,
  release: SystemdRelease,
  host?: AnalysingHost,
): Derivation {
  const ctx = newContext(unit, release, host);
  const failed = applyFiles(ctx);
  if (failed) return failed;
  const busName = unit.type === 'service' && ctx.facts.busName ? { busName: ctx.facts.busName } : {};

  const verifyError = verifyUnit(ctx);
  if (verifyError) return { failure: verifyError, diagnostics: ctx.diagnostics, ...busName };

  if (ctx.s.hasExecContext) patchExecContext(ctx);
  finishRecord(ctx);
  return { settings: ctx.s, diagnostics: ctx.diagnostics, ...busName };
}

/**
 * What applying a masked unit's drop-ins logs (LoadFailure.maskedWithDropIns, systemd 252): the
 * assignments are parsed and applied, and nothing is verified — a masked unit is never verified
 * (service_load() and the others stop at a load state other than UNIT_LOADED).
 */
export function maskedUnitDiagnostics(
  unit: LoadedUnit,
  release: SystemdRelease,
  host?: AnalysingHost,
): Diagnostic[] {
  const ctx = newContext(unit, release, host);
  applyFiles(ctx);
  return ctx.diagnostics;
}

function newContext(unit: LoadedUnit, release: SystemdRelease, host: AnalysingHost | undefined): Context {
  const traits = release.traits;
  const cache = releaseCache(release);
  const s = defaultSettings(unit, traits, release.scope ?? 'system');
  const ctx: Context = {
    unit,
    traits,
    profile: release,
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
      ports: [],
      accept: false,
      socketService: false,
      // socket_init() (src/core/socket.c): SOCKET_CONNECTIONS_MAX.
      maxConnections: 64,
      symlinks: 0,
      timerValues: 0,
      onClockChange: false,
      onTimezoneChange: false,
      pathTriggers: 0,
      workingDirectoryHome: false,
      privatePids: false,
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
    specifierContext: {
      // The main file is parsed under the name asked for (see LoadedUnit.requestedName).
      unitName: unit.requestedName,
      scope: 'system',
      extra: traits.extraSpecifiers,
      ...(host ? { host: host.facts, unitFilePath: () => host.realPath(unit.fragmentPath) } : {}),
    },
    inMainFile: true,
    // Set later, present from the start: the context keeps one shape while it is used (code that V8
    // optimized for the first shape would otherwise be thrown away when these are added).
    execOptions: undefined,
    current: undefined,
    fatalReason: undefined,
  };
  return ctx;
}

/** Applies every file's assignments in order (config_parse() per file); a load failure ends it. */
function applyFiles(ctx: Context): Derivation | undefined {
  const { unit, s, traits } = ctx;
  const ownSection = TYPE_SECTION[unit.type];
  const directives = directivesFor(traits, unit.type);
  const sections = ['Unit', unit.type.charAt(0).toUpperCase() + unit.type.slice(1), 'Install'];

  for (let fileIndex = 0; fileIndex < unit.files.length; fileIndex++) {
    const file = unit.files[fileIndex];
    if (!file) continue;
    ctx.inMainFile = fileIndex === 0;
    if (fileIndex === 1 && unit.requestedName !== unit.id)
      ctx.specifierContext = { ...ctx.specifierContext, unitName: unit.id };
    // config_parse() parses and applies line by line: the file's syntax messages (unknown section,
    // missing '=') come in line order between the messages of the assignments around them.
    const syntax = file.diagnostics;
    let nextSyntax = 0;
    if (fileIndex === 0 && ownSection) {
      for (const header of file.sections) {
        if (header.name !== ownSection) continue;
        s.typeSection = { file: file.file, line: header.line, column: 1 };
        break;
      }
    }
    let stopped = false;
    for (const a of file.assignments) {
      const at = a.lastLine ?? a.line;
      while (nextSyntax < syntax.length && loggedLine(syntax[nextSyntax] as Diagnostic) < at)
        ctx.diagnostics.push(syntax[nextSyntax++] as Diagnostic);
      const directive = directives.get(a.key);
      if (
        directive === undefined ||
        (a.section !== directive.section && a.section !== directive.alsoSection)
      ) {
        unknownKey(ctx, a, sections);
        continue;
      }
      if (directive.record) s.record(a);
      ctx.current = a;
      if (directive.handler(ctx, a) === 'fatal') {
        stopped = true;
        break;
      }
    }
    // After a fatal directive systemd reads no further line of the file, so logs nothing more of it.
    if (!stopped) while (nextSyntax < syntax.length) ctx.diagnostics.push(syntax[nextSyntax++] as Diagnostic);
    // systemd refuses a unit whose main file has a fatal error, but ignores the rest of a broken drop-in.
    if (fileIndex === 0) {
      const failed = mainFileFailure(ctx, file, stopped);
      if (failed) {
        noteExecContextAfterFailedFile(ctx);
        return failed.kind === 'load' ? loadFailure(ctx, failed.reason) : badSetting(ctx, failed.reason);
      }
    }
    ctx.fatalReason = undefined;
    // A drop-in that config_parse() cannot read only loses its lines from there on.
    if (fileIndex > 0 && file.fatal) ctx.diagnostics.push({ ...file.fatal, kind: 'invalid-value' });
  }
  return undefined;
}

/**
 * Why the main file, once applied, fails the unit, if it does. A fatal directive (-ENOEXEC) is a "bad
 * setting"; a file config_parse() cannot read (-EBADMSG for a bad section header) a load error.
 * Assignments stop at the bad line, so `stopped` (a fatal directive) comes first.
 */
function mainFileFailure(
  ctx: Context,
  file: ParsedUnitFile,
  stopped: boolean,
): { kind: 'load' | 'bad-setting'; reason: string } | undefined {
  const { unit } = ctx;
  if (stopped) {
    if (ctx.fatalReason !== undefined) return { kind: 'load', reason: ctx.fatalReason };
    // unit_load_fragment() (src/core/load-fragment.c, v252–v262): log_unit_notice_errno() on -ENOEXEC.
    const first = file.assignments[0];
    ctx.diagnostics.push({
      file: file.file,
      line: first?.line ?? 1,
      column: 1,
      severity: 'notice',
      message: `${unit.requestedName}: Unit configuration has fatal error, unit will not be started.`,
      unlocated: true,
      kind: 'other',
    });
    return { kind: 'bad-setting', reason: `Unit ${unit.requestedName} has a bad unit file setting.` };
  }
  if (file.fatal) {
    ctx.diagnostics.push(file.fatal);
    return { kind: 'load', reason: file.fatalReason ?? 'Bad message' };
  }
  return undefined;
}

/**
 * A load error: the unit fails with `reason` (strerror() of the error config_parse() returned). Only
 * the main file fails a unit, and unit_load_fragment() returns before merge_by_names(): the unit keeps
 * the name it was asked by (LoadedUnit.requestedName), and no other name.
 */
function loadFailure(ctx: Context, reason: string): Derivation {
  const name = ctx.unit.requestedName;
  return {
    failure: {
      kind: 'error',
      unitName: name,
      message: `Unit ${name} failed to load properly, please adjust/correct and reload service manager: ${reason}`,
    },
    diagnostics: ctx.diagnostics,
  };
}

/** The line systemd's message names. */
function loggedLine(d: Diagnostic): number {
  return d.logLine ?? d.line;
}

/** A fatal setting in the main file: as loadFailure(), the unit keeps the name it was asked by. */
function badSetting(ctx: Context, message: string): Derivation {
  return {
    failure: { kind: 'bad-setting', unitName: ctx.unit.requestedName, message },
    diagnostics: ctx.diagnostics,
  };
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
