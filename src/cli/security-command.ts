// `unitgate security`: a drop-in for `systemd-analyze security --offline=true`. Loads each unit from
// the tree (--root, or the host with the arguments' directories first), scores it, and prints the table
// or JSON systemd prints, with systemd's exit status. Pure orchestration over the core plus the
// file-tree reader; the process-level I/O lives in cli.ts.
import { posix } from 'node:path';
import { lstatSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { TYPES_MAY_TEMPLATE, UnitLoader, type LoadedUnit } from '../core/unit/load-unit';
import { parseUnitName, isTemplateName, replaceInstance, templateOf } from '../core/unit/unit-name';
import { scoreUnitInTree } from '../core/engine';
import type { AssessAssertion, Assessment } from '../core/security/assess';
import { parseSecurityPolicy, type SecurityPolicy } from '../core/security/security-policy';
import { exactExp10 } from '../core/security/systemd-json';
import {
  encodeJsonShort,
  encodeTable,
  renderJson,
  renderTable,
  type TextOptions,
} from '../core/security/render-security';
import {
  systemdRelease,
  userManagerRelease,
  type SystemdVersion,
  type VersionTraits,
} from '../core/security/versions';
import { createRealTree } from '../io/node-unit-tree';
import { withFiles } from '../core/unit/unit-tree';
import { unitSearchPath } from '../core/unit/unit-search-path';
import type { HostFacts } from '../core/unit/specifiers';
import type { Diagnostic } from '../core/unit/parse-unit-file';
import type { AnalysingHost } from '../core/security/settings';

export type JsonOutput = 'off' | 'short' | 'pretty';

export interface SecurityOptions {
  units: string[];
  root?: string;
  json: JsonOutput;
  /** 0…100; a unit fails when its exposure is strictly greater. */
  threshold: number;
  securityPolicy?: string;
  /** `--profile=`: systemd-analyze's portable-service profile, a .conf drop-in (not a policy profile). */
  portableProfile?: string;
  instance?: string;
  version: SystemdVersion;
  /** `--user`: the user manager loads the units (its search path, its defaults). */
  scope?: 'system' | 'user';
  /** Keep every unit's load result and assessment in `reports` (costs memory on big runs). */
  collectReports?: boolean;
  /** Receives output as it is produced instead of collecting it in `stdout`. */
  write?: (chunk: string) => void;
  /**
   * With `write`: takes output as bytes instead, from `encode`, which writes them into `into` from
   * `at` and returns where they end, or -1 when they do not fit (used for `--json=short`).
   */
  writeEncoded?: (encode: (into: Uint8Array, at: number) => number) => void;
}

/**
 * Where `--profile=` puts its drop-in: systemd-analyze copies it to `<unit>.d/profile.conf` in the
 * manager's temporary directory (a fresh /tmp/systemd-temporary-XXXXXX), which it appends to the
 * search path, so any other directory's `profile.conf` for the unit wins (offline_security_checks(),
 * src/analyze/analyze-security.c, v252 to v262). A fixed stand-in for the random name.
 */
const PROFILE_DIR = '/tmp/systemd-temporary-profile';

/**
 * Where find_portable_profile() (src/basic/path-lookup.c v252, src/shared/portable-util.c v257+) looks
 * for `<name>/<unit type>.conf`, first found first (PORTABLE_PROFILE_DIRS): always on this machine,
 * never under --root. The last, /usr/lib, holds what the release's systemd-container ships, which
 * unitgate carries as the release's data instead of reading this machine's (another release's) copy.
 */
const PORTABLE_PROFILE_HOST_DIRS = [
  '/etc/systemd/portable/profile',
  '/run/systemd/portable/profile',
  '/usr/local/lib/systemd/portable/profile',
];

/** `--profile=`: a path (it has a slash) or a portable profile name, as parse_argv() takes it. */
type PortableProfileArgument = { path: string } | { name: string };

/** parse_argv()'s checks of `--profile=` (src/analyze/analyze.c, v252 to v262). */
function parsePortableProfile(value: string, cwd: string): PortableProfileArgument | { error: string } {
  if (value === '') return { error: 'Profile file name is empty' };
  if (!value.includes('/')) return { name: value };
  // parse_path_argument() makes it absolute; the check reads the absolute path.
  const path = posix.resolve(cwd, value);
  if (!path.endsWith('.conf')) return { error: `Profile file name must end with .conf: ${path}` };
  return { path };
}

/**
 * The text of the profile drop-in for a unit of `unitType`, or the error systemd-analyze stops with
 * (find_portable_profile(), then copy_file()).
 */
function portableProfileText(
  profile: PortableProfileArgument,
  unitType: string,
  shipped: Readonly<Record<string, Readonly<Record<string, string>>>>,
): { text: string } | { error: string } {
  const read = (path: string): { text: string } | { error: string } => {
    try {
      return { text: readFileSync(path, 'utf8') };
    } catch (e) {
      return { error: `Failed to copy: ${errnoText((e as NodeJS.ErrnoException).code)}` };
    }
  };
  if ('path' in profile) return read(profile.path);
  const file = `${unitType}.conf`;
  for (const dir of PORTABLE_PROFILE_HOST_DIRS) {
    const path = `${dir}/${profile.name}/${file}`;
    // laccess(F_OK): a link counts even when it leads nowhere (copy_file() then fails).
    try {
      lstatSync(path);
      return read(path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT')
        return { error: `Failed to find portable profile ${profile.name}: ${errnoText(code)}` };
    }
  }
  const text = Object.hasOwn(shipped, profile.name) ? shipped[profile.name]?.[file] : undefined;
  if (text !== undefined) return { text };
  return { error: `Failed to find portable profile ${profile.name}: No such file or directory` };
}

export interface CommandEnvironment {
  cwd: string;
  utf8: boolean;
  colors: boolean;
  emoji: boolean;
  /** The analysing machine's facts, for the host specifiers (%H, %m, %b, %o, …). */
  host: HostFacts;
  /**
   * The caller's environment: the user manager's directories (HOME, XDG_*) and SYSTEMD_UNIT_PATH (the
   * search path systemd-analyze loads through, see unitSearchPath()) come from it.
   */
  vars?: Readonly<Record<string, string | undefined>>;
}

/**
 * The user manager's own directories, as lookup_paths_init() finds them for RUNTIME_SCOPE_USER:
 * XDG_RUNTIME_DIR must be set and absolute (xdg_user_runtime_dir(): -ENXIO, which the manager reports
 * as "Failed to lookup RuntimeDirectory path"); XDG_CONFIG_HOME and XDG_DATA_HOME default to
 * $HOME/.config and $HOME/.local/share.
 */
function userDirectories(
  vars: Readonly<Record<string, string | undefined>>,
): Record<'$XDG_CONFIG_HOME' | '$XDG_RUNTIME_DIR' | '$XDG_DATA_HOME', string> | undefined {
  const runtime = vars.XDG_RUNTIME_DIR;
  if (!runtime || !runtime.startsWith('/')) return undefined;
  const home = vars.HOME ?? '';
  const absolute = (v: string | undefined): v is string => v !== undefined && v.startsWith('/');
  return {
    $XDG_CONFIG_HOME: absolute(vars.XDG_CONFIG_HOME) ? vars.XDG_CONFIG_HOME : `${home}/.config`,
    $XDG_RUNTIME_DIR: runtime,
    $XDG_DATA_HOME: absolute(vars.XDG_DATA_HOME) ? vars.XDG_DATA_HOME : `${home}/.local/share`,
  };
}

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** One analysed unit: where it came from and what it scored (for callers that want values, not text). */
export interface UnitReport {
  argument: string;
  unit?: LoadedUnit;
  assessment?: Assessment;
  error?: string;
}

interface Prepared {
  argument: string;
  name: string;
  dir: string;
}

/** strerror() of the errors reading a file can give. */
function errnoText(code: string | undefined): string {
  const texts: Record<string, string> = {
    ENOENT: 'No such file or directory',
    EISDIR: 'Is a directory',
    EACCES: 'Permission denied',
    ENOTDIR: 'Not a directory',
    ELOOP: 'Too many levels of symbolic links',
    ENAMETOOLONG: 'File name too long',
  };
  return (code !== undefined ? texts[code] : undefined) ?? `Input/output error`;
}

/** verify_prepare_filename(): absolute path, valid unit name, template → instance. */
function prepare(argument: string, cwd: string, instance: string): Prepared | { error: string } {
  const abs = posix.resolve(cwd, argument);
  let name = posix.basename(abs);
  if (!parseUnitName(name)) return { error: `Failed to prepare filename ${argument}: Invalid argument` };
  if (isTemplateName(name)) name = replaceInstance(name, instance);
  // The argument's directory (the working directory for a bare name) is searched first without --root.
  const dir = posix.dirname(abs);
  return { argument, name, dir };
}

export function runSecurityCommand(
  options: SecurityOptions,
  env: CommandEnvironment,
): CommandResult & { reports: UnitReport[] } {
  const release =
    options.scope === 'user' ? userManagerRelease(options.version) : systemdRelease(options.version);
  const instance = options.instance ?? release.traits.templateInstance;
  const textOptions: TextOptions = {
    utf8: env.utf8,
    colors: env.colors,
    emoji: env.emoji,
    tabCells: release.traits.tableTabCells,
  };
  let stdout = '';
  let stderr = '';
  const reports: UnitReport[] = [];

  // The command line is parsed before the verb runs: a bad --profile= comes first.
  let profile: PortableProfileArgument | undefined;
  if (options.portableProfile !== undefined) {
    const parsed = parsePortableProfile(options.portableProfile, env.cwd);
    if ('error' in parsed) return { exitCode: 1, stdout, stderr: parsed.error + '\n', reports };
    profile = parsed;
  }

  if (options.units.length === 0 && release.traits.requiresUnitArguments) {
    return {
      exitCode: 1,
      stdout,
      stderr: 'Option --offline= requires one or more units to perform a security review.\n',
      reports,
    };
  }

  let policy: SecurityPolicy | undefined;
  if (options.securityPolicy !== undefined) {
    // parse_path_argument() makes the name absolute; json_parse_file() leaves line and column unset
    // (0:0 here) when the file cannot be read or is empty.
    const path = posix.resolve(env.cwd, options.securityPolicy);
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(path);
    } catch (e) {
      const reason = errnoText((e as NodeJS.ErrnoException).code);
      return { exitCode: 1, stdout, stderr: `Failed to parse '${path}' at 0:0: ${reason}\n`, reports };
    }
    const inexact = release.traits.jsonExp10Inexact;
    const parsed = parseSecurityPolicy(bytes, path, {
      rejectNonObject: release.traits.securityPolicyRejectsNonObject,
      exp10: (n) => {
        const v = inexact[String(n)];
        return v !== undefined ? Number(v) : exactExp10(n);
      },
    });
    if (!parsed.ok) return { exitCode: 1, stdout, stderr: parsed.message + '\n', reports };
    policy = parsed.policy;
  }

  const prepared: (Prepared | { error: string; argument: string })[] = options.units.map((u) => {
    const p = prepare(u, env.cwd, instance);
    return 'error' in p ? { ...p, argument: u } : p;
  });

  const root = options.root !== undefined ? posix.resolve(env.cwd, options.root) : undefined;
  if (root !== undefined) {
    try {
      if (!statSync(root).isDirectory()) throw new Error('not a directory');
    } catch {
      return {
        exitCode: 1,
        stdout,
        stderr: `Root directory ${options.root} does not exist or is not a directory.\n`,
        reports,
      };
    }
  }

  // One tree and one loader for all units: systemd-analyze loads every argument through one search
  // path (offline_security_checks(), src/analyze/analyze-security.c, v252–v262), so loading N units
  // costs N, not N². With --root, the tree is the root and every argument is looked up by its name
  // alone: a path names a unit, not a file. Without it, the tree is the host's file system and the
  // directory of each argument (the working directory for a bare name) that holds its file goes before
  // the search path, for every unit (verify_set_unit_path(), via SYSTEMD_UNIT_PATH: unitSearchPath()).
  const overlay = new Map<string, string>();
  // The profile drop-in of each unit (in the overlay before the tree is made: its listings include
  // the overlay's files), copied before the unit is loaded; the first unit it cannot be
  // copied for ends the run before any table is printed (units are printed after all are loaded).
  // offline_security_checks() frees the looked-up path of a profile NAME after the first unit and
  // copies from the freed string for the next (see the release's portableProfileSecondUnit).
  let profileFailure: { at: number; message: string } | undefined;
  if (profile !== undefined) {
    let first: { text: string } | undefined;
    const second = release.traits.portableProfileSecondUnit;
    for (const [at, p] of prepared.entries()) {
      if ('error' in p) continue;
      const text =
        'name' in profile && first !== undefined
          ? second === 'first-unit-profile'
            ? first
            : { error: `Failed to copy: ${second.copyError}` }
          : portableProfileText(
              profile,
              p.name.slice(p.name.lastIndexOf('.') + 1),
              release.data.portableProfiles,
            );
      if ('error' in text) {
        profileFailure = { at, message: text.error };
        break;
      }
      overlay.set(posix.join(PROFILE_DIR, `${p.name}.d`, 'profile.conf'), text.text);
      first ??= text;
    }
  }

  // A host view, not a root of its own: systemd opens unit files and drop-ins with a plain open() of
  // the (root-prefixed) path, so their links resolve on the host (only the alias check of the name map
  // resolves inside the root; see NameMap). Outside a --root, unitgate reads nothing: there only
  // /dev/null counts (a mask).
  const tree = withFiles(createRealTree(root ?? '/', { hostView: true }), overlay);
  const argumentDirs: string[] = [];
  if (root === undefined) {
    // Only a directory that holds the argument's file (or its template) joins the path: a drop-in
    // directory beside an argument that names no file there is not read (252.39, 257.13, 262.1).
    for (const q of prepared) {
      if ('error' in q || argumentDirs.includes(q.dir)) continue;
      const candidates = [q.name, templateOf(q.name)];
      if (candidates.some((n) => tree.lstat(posix.join(q.dir, n)) !== undefined)) argumentDirs.push(q.dir);
    }
  }
  let managerPath = release.traits.searchPath;
  if (options.scope === 'user') {
    const dirs = userDirectories(env.vars ?? {});
    if (!dirs) {
      // manager_new() fails in lookup_paths_init() before any unit is loaded (252.38, 257.13, 262.1).
      stderr +=
        'Failed to lookup RuntimeDirectory path: No such device or address\n' +
        'Failed to initialize manager: No such device or address\n';
      return { exitCode: 1, stdout, stderr, reports };
    }
    managerPath = release.traits.userSearchPath.map((p) =>
      p.replace(/^\$XDG_[A-Z_]+/, (name) => dirs[name as keyof typeof dirs]),
    );
  }
  const searchPath = unitSearchPath({
    argumentDirs,
    unitPathVariable: env.vars?.SYSTEMD_UNIT_PATH,
    defaults: managerPath,
    cwd: env.cwd,
    emptyComponentRefused: release.traits.unitPathEmptyComponentRefused,
  });
  if ('error' in searchPath) {
    // offline_security_checks(): verify_set_unit_path(), then manager_new()'s lookup_paths_init_or_warn().
    const message =
      searchPath.error === 'set-unit-path'
        ? 'Failed to set unit load path: Invalid argument'
        : `Failed to initialize unit search paths${root !== undefined ? ` for root directory ${root}` : ''}: Invalid argument`;
    return { exitCode: 1, stdout, stderr: stderr + message + '\n', reports };
  }
  // The profile drop-in has the lowest priority: its directory comes last.
  if (profile !== undefined && !searchPath.includes(PROFILE_DIR)) searchPath.push(PROFILE_DIR);
  const loader = new UnitLoader(tree, searchPath);
  // What turns a path in the tree into the path on this machine that systemd names in its messages.
  const hostPrefix = root === undefined || root === '/' ? '' : root;
  // %y/%Y: the unit file's real path on this machine (specifier_real_path() chases its links).
  const analysingHost: AnalysingHost = {
    facts: env.host,
    realPath: (treePath) => {
      try {
        return realpathSync(hostPrefix + treePath);
      } catch {
        return undefined;
      }
    },
  };

  // The manager builds its unit name map when it loads its first unit (unit_file_find_fragment()
  // builds it on first use): its notices come just before that unit's messages.
  let nameMapBuilt = false;
  const buildNameMap = (): void => {
    if (nameMapBuilt) return;
    nameMapBuilt = true;
    const arrow = env.utf8 ? '→' : '->'; // special_glyph(SPECIAL_GLYPH_ARROW_RIGHT)
    for (const n of loader.nameMapNotices())
      stderr +=
        n.kind === 'rejected-alias'
          ? n.text + '\n'
          : `Suspicious symlink ${hostPrefix}${n.link} ${arrow} ${hostPrefix}${n.target}, treating as alias.\n`;
  };

  /** The ids of the units loaded so far (`\0NAME` for a name that failed to load). */
  const loaded = new Set<string>();
  // service_add_extras() (src/core/service.c, v252–v262) registers each service's BusName= with the
  // one manager of the run: a later service with the same name fails to load (EEXIST). By bus name,
  // the unit that holds it; by unit, the failure of one refused for that reason.
  const busNames = new Map<string, string>();
  const busNameConflicts = new Map<string, string>();
  // systemd-analyze loads every unit before it prints any table; only the order of messages on
  // stderr could tell the difference, so each unit is scored and printed as soon as it is loaded and
  // then dropped (large runs stay small in memory). The exit status gathers load failures, then each
  // unit's exposure against the threshold.
  let loadFailed = false;
  let overThreshold = false;
  /** The bus name conflict that fails this unit, with what systemd-analyze logs of it (once). */
  const busNameConflict = (
    outcome: ReturnType<typeof scoreUnitInTree>,
    id: string | undefined,
    before: boolean,
  ): { log: string; message: string } | undefined => {
    if (id === undefined) return undefined;
    const known = busNameConflicts.get(id);
    if (known !== undefined) return { log: before ? `${known}\n` : '', message: known };
    const bus = outcome.busName;
    if (bus === undefined || before) return undefined;
    const owner = busNames.get(bus);
    if (owner === undefined || owner === id) {
      busNames.set(bus, id);
      return undefined;
    }
    const message = `Unit ${id} failed to load properly, please adjust/correct and reload service manager: File exists`;
    busNameConflicts.set(id, message);
    const log =
      'Failed to put bus name to hashmap: File exists\n' +
      `${id}: Two services allocated for the same bus name ${bus}, refusing operation.\n${message}\n`;
    return { log, message };
  };
  for (const [at, p] of prepared.entries()) {
    const report: UnitReport = { argument: p.argument };
    if (options.collectReports) reports.push(report);
    if ('error' in p) {
      stderr += p.error + '\n';
      report.error = p.error;
      loadFailed = true;
      continue;
    }
    if (profileFailure?.at === at) {
      stderr += profileFailure.message + '\n';
      return { exitCode: 1, stdout: '', stderr, reports };
    }
    // With a profile, the status of the units before is overwritten by that of copying the profile
    // (`r = path_extract_filename()` … `r = copy_file()` in offline_security_checks()): it no longer
    // counts.
    if (profile !== undefined) loadFailed = false;
    const parts = parseUnitName(p.name);
    if (parts && parts.instance !== undefined && !TYPES_MAY_TEMPLATE.has(parts.type)) {
      // manager_load_unit_prepare() refuses an instance of a type that has no templates (-EINVAL),
      // and manager_load_startable_unit_or_warn() names the prepared path.
      const message = `Failed to load unit file ${posix.join(p.dir, p.name)}: Invalid argument`;
      stderr += message + '\n';
      report.error = message;
      loadFailed = true;
      continue;
    }
    buildNameMap();
    const outcome = scoreUnitInTree({
      tree,
      unitName: p.name,
      searchPath: [],
      systemd: release,
      overrides: policy,
      loader,
      host: analysingHost,
    });
    // systemd loads a unit once: an argument naming a unit loaded before (by any of its names, or
    // the same name that failed) finds it in the manager, and what loading logged is not logged again.
    // A unit whose main file fails keeps only the name it was asked by (see LoadedUnit.requestedName).
    // A masked unit is known by its fragment's name too (LoadFailure.unitName).
    const loadedId = outcome.ok
      ? outcome.unit.id
      : outcome.unit
        ? (outcome.failure?.unitName ?? outcome.unit.id)
        : outcome.failure?.kind === 'masked'
          ? outcome.failure.unitName
          : undefined;
    const loadedBefore = loaded.has(loadedId ?? `\0${p.name}`);
    loaded.add(loadedId ?? `\0${p.name}`);
    if (!outcome.ok && outcome.stage === 'load') {
      for (const d of loadedBefore ? [] : outcome.diagnostics) stderr += diagnosticLine(d, hostPrefix);
      // Only with --root: without it, systemd-analyze (252.38) says "not found" alone.
      const open = root !== undefined ? outcome.failure?.openFailure : undefined;
      if (open && !loadedBefore)
        stderr += `${p.name}: Failed to open ${hostPrefix}${open.path}: ${open.reason}\n`;
      stderr += outcome.message + '\n';
      report.error = outcome.message;
      loadFailed = true;
      continue;
    }
    const conflict = busNameConflict(outcome, loadedId, loadedBefore);
    if (conflict !== undefined) {
      for (const d of loadedBefore ? [] : outcome.diagnostics) stderr += diagnosticLine(d, hostPrefix);
      stderr += conflict.log;
      report.error = conflict.message;
      loadFailed = true;
      continue;
    }
    for (const d of loadedBefore ? [] : outcome.diagnostics) stderr += diagnosticLine(d, hostPrefix);
    // A profile that cannot be copied for a later unit ends the run before any unit is scored (a
    // unit that fails to load has said so already).
    if (profileFailure !== undefined && (outcome.ok || outcome.stage === 'overrides')) continue;
    if (!outcome.ok && outcome.stage === 'overrides') {
      // systemd hits an assertion and aborts (SIGABRT, shell status 134) on such policies.
      stderr += abortMessage(release.traits.assessAssertions, outcome.assertion, outcome.message);
      return { exitCode: 134, stdout, stderr, reports };
    }
    if (!outcome.ok) {
      stderr += outcome.message + '\n';
      report.error = outcome.message;
      loadFailed = true;
      continue;
    }
    const { unit, assessment } = outcome;
    if (options.collectReports) {
      report.unit = unit;
      report.assessment = assessment;
    }
    const scored = assessment;
    if (options.json === 'short' && options.writeEncoded) {
      options.writeEncoded((into, at) => encodeJsonShort(scored, into, at));
    } else if (options.json === 'off' && options.writeEncoded) {
      options.writeEncoded((into, at) => encodeTable(scored, textOptions, into, at));
    } else {
      const out =
        options.json === 'off' ? renderTable(assessment, textOptions) : renderJson(assessment, options.json);
      if (options.write) options.write(out);
      else stdout += out;
    }
    if (assessment.exposure > options.threshold) overThreshold = true;
  }
  return { exitCode: loadFailed || overThreshold ? 1 : 0, stdout, stderr, reports };
}

/**
 * What systemd-analyze logs of a diagnostic: notices too (it logs at LOG_NOTICE and above, "Unit
 * configuration has fatal error"), nothing of lower severity.
 */
function diagnosticLine(d: Diagnostic, hostPrefix: string): string {
  if (d.severity !== 'error' && d.severity !== 'warning' && d.severity !== 'notice') return '';
  return d.unlocated ? `${d.message}\n` : `${hostPrefix}${d.file}:${d.logLine ?? d.line}: ${d.message}\n`;
}

/** What systemd-analyze prints as it aborts on an assertion of assess() (VersionTraits.assessAssertions). */
function abortMessage(
  how: VersionTraits['assessAssertions'],
  assertion: AssessAssertion | undefined,
  message: string,
): string {
  const line = assertion !== undefined ? how?.lines[assertion] : undefined;
  if (how === undefined || assertion === undefined || line === undefined) return `${message}. Aborting.\n`;
  const file = 'src/analyze/analyze-security.c';
  return how.style === 'glibc'
    ? `systemd-analyze: ../${file}:${line}: assess: Assertion \`${assertion}' failed.\n`
    : `Assertion '${assertion}' failed at ${file}:${line}, function assess(). Aborting.\n`;
}
