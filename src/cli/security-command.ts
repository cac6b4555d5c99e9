// `unitgate security`: a drop-in for `systemd-analyze security --offline=true`. Loads each unit from
// the tree (--root, or hermetically from the unit's own directory), scores it, and prints the table
// or JSON systemd prints, with systemd's exit status. Pure orchestration over the core plus the
// file-tree reader; the process-level I/O lives in cli.ts.
import { posix } from 'node:path';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { UnitLoader, type LoadedUnit } from '../core/unit/load-unit';
import { parseUnitName, isTemplateName, replaceInstance, templateOf } from '../core/unit/unit-name';
import { scoreUnitInTree } from '../core/engine';
import type { Assessment } from '../core/security/assess';
import { parseSecurityPolicy, type SecurityPolicy } from '../core/security/security-policy';
import { exactExp10 } from '../core/security/systemd-json';
import { encodeJsonShort, renderJson, renderTable } from '../core/security/render-security';
import { systemdRelease, type SystemdVersion } from '../core/security/versions';
import { createRealTree } from '../io/node-unit-tree';
import { withFiles, type UnitTree } from '../core/unit/unit-tree';
import type { HostFacts } from '../core/unit/specifiers';
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

/** Where `--profile=` puts its drop-in (a runtime unit directory, as systemd-analyze does). */
const PROFILE_DIR = '/run/systemd/system';

export interface CommandEnvironment {
  cwd: string;
  utf8: boolean;
  colors: boolean;
  emoji: boolean;
  /** The analysing machine's facts, for the host specifiers (%H, %m, %b, %o, …). */
  host: HostFacts;
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
  dir: string | undefined;
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
  // A bare name adds no directory to the search path.
  const dir = argument.includes('/') ? posix.dirname(abs) : undefined;
  return { argument, name, dir };
}

export function runSecurityCommand(
  options: SecurityOptions,
  env: CommandEnvironment,
): CommandResult & { reports: UnitReport[] } {
  const release = systemdRelease(options.version);
  const instance = options.instance ?? release.traits.templateInstance;
  let stdout = '';
  let stderr = '';
  let exitCode = 0;
  const reports: UnitReport[] = [];

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

  let portableProfileDropIn: string | undefined;
  if (options.portableProfile !== undefined) {
    if (!options.portableProfile.endsWith('.conf')) {
      return {
        exitCode: 1,
        stdout,
        stderr: `--profile= takes a path to a .conf drop-in: ${options.portableProfile}\n`,
        reports,
      };
    }
    try {
      portableProfileDropIn = readFileSync(posix.resolve(env.cwd, options.portableProfile), 'utf8');
    } catch (e) {
      return {
        exitCode: 1,
        stdout,
        stderr: `Failed to read profile '${options.portableProfile}': ${(e as NodeJS.ErrnoException).code ?? e}\n`,
        reports,
      };
    }
  }

  const prepared: (Prepared | { error: string; argument: string })[] = options.units.map((u) => {
    const p = prepare(u, env.cwd, instance);
    return 'error' in p ? { ...p, argument: u } : p;
  });

  // The tree: with --root everything is looked up inside it; without, each unit is read hermetically
  // from its own directory (never from the host's unit directories).
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

  // One tree and one loader for all units that share a root (the search path is the same for all
  // of them), so loading N units costs N, not N².
  const overlay = new Map<string, string>();
  // hostPrefix: what turns a path in the tree into the path on this machine that systemd names in
  // its messages (the root, or the unit's own directory in the hermetic tree).
  const loaders = new Map<
    string,
    { loader: UnitLoader; tree: UnitTree; hostPrefix: string; analysingHost: AnalysingHost }
  >();
  const loaderFor = (
    dir: string | undefined,
  ): { loader: UnitLoader; tree: UnitTree; hostPrefix: string; analysingHost: AnalysingHost } => {
    const key = root ?? dir ?? env.cwd;
    let l = loaders.get(key);
    if (!l) {
      let tree: UnitTree;
      let searchPath: string[];
      if (root !== undefined) {
        // A host view of the root, not a root of its own: systemd opens unit files and drop-ins with a
        // plain open() of the root-prefixed path, so their links resolve on the host (only the alias
        // check of the name map resolves inside the root; see NameMap). Outside the root, unitgate
        // reads nothing: there only /dev/null counts (a mask).
        tree = withFiles(createRealTree(root, { hostView: true }), overlay);
        // Argument directories come first, each only when a unit (or its template) is there.
        const argDirs: string[] = [];
        for (const q of prepared) {
          if ('error' in q || q.dir === undefined || argDirs.includes(q.dir)) continue;
          const candidates = [q.name, templateOf(q.name)];
          if (candidates.some((n) => tree.lstat(posix.join(q.dir as string, n)) !== undefined))
            argDirs.push(q.dir);
        }
        searchPath = [...argDirs, ...release.traits.searchPath.filter((d) => !argDirs.includes(d))];
        if (portableProfileDropIn !== undefined && !searchPath.includes(PROFILE_DIR))
          searchPath.push(PROFILE_DIR);
      } else {
        // Hermetic: the unit's own directory is the whole tree, never the host's unit directories.
        tree = withFiles(createRealTree(key, { hostView: true }), overlay);
        searchPath = ['/'];
      }
      const hostPrefix = key === '/' ? '' : key;
      // %y/%Y: the unit file's real path on this machine (specifier_real_path() chases its links).
      const realPath = (treePath: string): string | undefined => {
        try {
          return realpathSync(hostPrefix + treePath);
        } catch {
          return undefined;
        }
      };
      l = {
        loader: new UnitLoader(tree, searchPath),
        tree,
        hostPrefix,
        analysingHost: { facts: env.host, realPath },
      };
      loaders.set(key, l);
    }
    return l;
  };
  if (portableProfileDropIn !== undefined) {
    for (const p of prepared) {
      if ('error' in p) continue;
      overlay.set(
        posix.join(root !== undefined ? PROFILE_DIR : '/', `${p.name}.d`, 'profile.conf'),
        portableProfileDropIn,
      );
    }
  }

  // systemd-analyze loads every unit before it prints any table; only the order of messages on
  // stderr could tell the difference, so each unit is scored and printed as soon as it is loaded and
  // then dropped (large runs stay small in memory).
  for (const p of prepared) {
    const report: UnitReport = { argument: p.argument };
    if (options.collectReports) reports.push(report);
    if ('error' in p) {
      stderr += p.error + '\n';
      report.error = p.error;
      exitCode = 1;
      continue;
    }
    const { loader, tree: unitTree, hostPrefix, analysingHost } = loaderFor(p.dir);
    const outcome = scoreUnitInTree({
      tree: unitTree,
      unitName: p.name,
      searchPath: [],
      systemd: release,
      overrides: policy,
      loader,
      host: analysingHost,
    });
    if (!outcome.ok && outcome.stage === 'load') {
      // Only with --root: without it, systemd-analyze (252.38) says "not found" alone.
      const open = root !== undefined ? outcome.failure?.openFailure : undefined;
      if (open) stderr += `${p.name}: Failed to open ${hostPrefix}${open.path}: ${open.reason}\n`;
      stderr += outcome.message + '\n';
      report.error = outcome.message;
      exitCode = 1;
      continue;
    }
    for (const d of outcome.diagnostics) {
      // Notices too: systemd-analyze logs at LOG_NOTICE and above ("Unit configuration has fatal error").
      if (d.severity === 'error' || d.severity === 'warning' || d.severity === 'notice')
        stderr += d.unlocated
          ? `${d.message}
`
          : `${hostPrefix}${d.file}:${d.logLine ?? d.line}: ${d.message}
`;
    }
    if (!outcome.ok && outcome.stage === 'overrides') {
      // systemd hits an assertion and aborts (SIGABRT, shell status 134) on such policies.
      stderr += `${outcome.message}. Aborting.\n`;
      return { exitCode: 134, stdout, stderr, reports };
    }
    if (!outcome.ok) {
      stderr += outcome.message + '\n';
      report.error = outcome.message;
      exitCode = 1;
      continue;
    }
    const { unit, assessment } = outcome;
    if (options.collectReports) {
      report.unit = unit;
      report.assessment = assessment;
    }
    if (options.json === 'short' && options.writeEncoded) {
      const scored = assessment;
      options.writeEncoded((into, at) => encodeJsonShort(scored, into, at));
    } else {
      const out =
        options.json === 'off'
          ? renderTable(assessment, { utf8: env.utf8, colors: env.colors, emoji: env.emoji })
          : renderJson(assessment, options.json);
      if (options.write) options.write(out);
      else stdout += out;
    }
    if (assessment.exposure > options.threshold) exitCode = 1;
  }
  return { exitCode, stdout, stderr, reports };
}
