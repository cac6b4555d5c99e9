// The live oracles: the real `systemd-analyze` of each supported release, found through
// scripts/systemd-oracle.sh (the host's own tool when it is that release, else a Debian chroot the
// script built and cached). A release whose oracle is missing is reported with the reason, so that the
// tests can skip it with a notice on a laptop and fail on CI (UNITGATE_REQUIRE_ORACLES).
import { constants } from 'node:os';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { SUPPORTED_VERSIONS } from '../../src/core/security/versions';

const SCRIPT = join(__dirname, '..', '..', 'scripts', 'systemd-oracle.sh');

/** The environment both tools run with: no colours, no pager, a UTF-8 locale (the corpus's). */
export const ORACLE_ENV = { LC_ALL: 'C.UTF-8', SYSTEMD_COLORS: '0', SYSTEMD_PAGER: 'cat' };

export interface ToolRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

export interface Oracle {
  version: number;
  /** `systemd 257 (257.13-1~deb13u1)`: the first line of `systemd-analyze --version`. */
  describe: string;
  /** Where the tool's file system starts: `/` for the host's tool, else the chroot. */
  root: string;
  /**
   * Runs `systemd-analyze ARGS` from `/`; each of `binds` (absolute) is visible at the same path;
   * `env` is added to the tool's environment.
   */
  analyze(args: readonly string[], binds: readonly string[], env?: Readonly<Record<string, string>>): ToolRun;
}

function script(args: string[]): ToolRun {
  const r = spawnSync('bash', [SCRIPT, ...args], {
    encoding: 'utf8',
    env: { ...ORACLE_ENV, PATH: process.env.PATH, HOME: process.env.HOME },
    cwd: '/',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  return { exitCode: shellStatus(r.status, r.signal), stdout: r.stdout, stderr: r.stderr };
}

/**
 * The status a shell reports: a tool killed by a signal (systemd-analyze aborting on an assertion:
 * SIGABRT) is 128 + the signal's number, as `unitgate security` exits in its place (134).
 */
function shellStatus(status: number | null, signal: NodeJS.Signals | null): number | null {
  if (status !== null || signal === null) return status;
  return 128 + (constants.signals[signal] ?? 0);
}

/** The release's oracle; else why not, and whether one could be built (exit 2: no archive ships it). */
function oracleOf(version: number): Oracle | { reason: string; buildable: boolean } {
  const where = script(['root', String(version)]);
  const reason = where.stderr.trim().replace(/^systemd-oracle: /, '');
  if (where.exitCode !== 0) return { reason, buildable: where.exitCode !== 2 };
  const root = where.stdout.trim();
  const run = (
    args: readonly string[],
    binds: readonly string[],
    env: Readonly<Record<string, string>> = {},
  ): ToolRun =>
    // The root was resolved once above: each run goes straight to it (`run-in`), without the lookup.
    script([
      'run-in',
      root,
      ...binds.flatMap((b) => ['--bind', b]),
      '--',
      // env(1) inside the chroot: the script passes only its own environment through.
      ...(Object.keys(env).length > 0 ? ['env', ...Object.entries(env).map(([k, v]) => `${k}=${v}`)] : []),
      'systemd-analyze',
      ...args,
    ]);
  const v = run(['--version'], []);
  const describe = v.stdout.split('\n')[0] ?? '';
  const major = /^systemd (\d+)/.exec(describe)?.[1];
  if (v.exitCode !== 0 || Number(major) !== version)
    return {
      reason: `the oracle for ${version} answers \`${describe || v.stderr.trim()}\``,
      buildable: true,
    };
  return { version, describe, root, analyze: run };
}

export interface OracleSurvey {
  oracles: Oracle[];
  /** Supported releases whose oracle is not built (or broken), and why. */
  missing: { version: number; reason: string }[];
  /** Supported releases no reachable archive ships (255): checked through the spec's facts only. */
  uncheckable: { version: number; reason: string }[];
}

/** Every supported release's oracle, or why it has none. */
export function surveyOracles(versions: readonly number[] = SUPPORTED_VERSIONS): OracleSurvey {
  const survey: OracleSurvey = { oracles: [], missing: [], uncheckable: [] };
  for (const version of versions) {
    const o = oracleOf(version);
    if ('analyze' in o) survey.oracles.push(o);
    else (o.buildable ? survey.missing : survey.uncheckable).push({ version, reason: o.reason });
  }
  return survey;
}

/**
 * The releases whose oracle must be there (UNITGATE_REQUIRE_ORACLES: `all` — every release an archive
 * ships — or a comma list such as `252,257`; .ci/run sets `all` after building the chroots). Elsewhere a
 * missing oracle is a notice.
 */
export function requiredOracles(env = process.env): (version: number) => boolean {
  const v = env.UNITGATE_REQUIRE_ORACLES?.trim();
  if (!v) return () => false;
  if (v === 'all') return () => true;
  const wanted = new Set(v.split(',').map((x) => Number(x.trim())));
  return (version) => wanted.has(version);
}
