// The unitgate command line: `unitgate security …` (a drop-in for `systemd-analyze security
// --offline=true`). Parses arguments with commander, runs the command, writes stdout/stderr and sets
// the exit status. `runCli()` is exported so scripts can replay many invocations in one process.
import { writeSync } from 'node:fs';
import { isatty } from 'node:tty';
import { Command, CommanderError, Option } from 'commander';
import { runSecurityCommand, type CommandResult } from './cli/security-command';
import type * as ReviewCommands from './cli/review-commands';
import type { TrendFormat } from './cli/trend-command';
import type { DriftFormat } from './cli/drift-command';
import { parseSecurityCommandLine } from './cli/security-command-line';
import { UNITGATE_VERSION } from './version';
import { CLI_FORMATS } from './core/report/formats';
import { parseBoolean } from './core/unit/parse-boolean';
import type { HostFacts } from './core/unit/specifiers';
import { thisMachineFacts } from './io/host-facts';
import {
  DEFAULT_VERSION,
  SUPPORTED_VERSIONS,
  isSupportedVersion,
  liveOracleNotice,
  systemdRelease,
  type SystemdVersion,
} from './core/security/versions';

/** The releases `--systemd-version` takes, with the notice for those no live systemd-analyze checks. */
function versionChoices(extra?: string): string {
  const notice = liveOracleNotice();
  return [SUPPORTED_VERSIONS.join(', '), extra, notice].filter((part) => part).join('; ');
}

/**
 * The `check`, `trend` and `suggest` commands, loaded when one of them runs (see
 * src/cli/review-commands.ts): `unitgate security` then compiles half the code at start-up.
 */
function reviewCommands(): typeof ReviewCommands {
  // A require() that the bundler keeps (scripts/bundle.mjs points it at dist/cli-review.js).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./cli/review-commands') as typeof ReviewCommands;
}

export interface CliEnvironment {
  cwd: string;
  /** YYYY-MM-DD for deviation expiry (defaults to the clock). */
  today?: string;
  /** ISO 8601 time a snapshot is taken at (defaults to the clock). */
  now?: string;
  /** Streams command output (large `security` runs) instead of collecting it in the result. */
  write?: (chunk: string) => void;
  /** With `write`: streams output given as bytes (see SecurityOptions.writeEncoded). */
  writeEncoded?: (encode: (into: Uint8Array, at: number) => number) => void;
  env: Record<string, string | undefined>;
  stdoutIsTTY: boolean;
  /**
   * The facts `security` expands host specifiers (%H, %m, %b, %o, …) from, as systemd-analyze does from
   * its own machine; default: this machine's. A replay of a recording passes the recording host's.
   */
  hostFacts?: HostFacts;
}

class UsageError extends Error {}

function isUtf8Locale(env: Record<string, string | undefined>): boolean {
  if (env.SYSTEMD_UTF8 !== undefined) return parseBoolean(env.SYSTEMD_UTF8) !== false;
  const locale = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
  if (locale === '' || locale === 'C' || locale === 'POSIX') return true;
  return /utf-?8/i.test(locale);
}

/** emoji_enabled() (src/basic/glyph-util.c): $SYSTEMD_EMOJI, else a real TERM and a UTF-8 locale. */
function emojiEnabled(env: Record<string, string | undefined>): boolean {
  if (env.SYSTEMD_EMOJI !== undefined) {
    const b = parseBoolean(env.SYSTEMD_EMOJI);
    if (b !== undefined) return b;
  }
  const term = env.TERM;
  if (!term || term === 'dumb' || term === 'linux') return false;
  return isUtf8Locale(env);
}

function colorsEnabled(cli: CliEnvironment): boolean {
  const env = cli.env;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.SYSTEMD_COLORS !== undefined) {
    const b = parseBoolean(env.SYSTEMD_COLORS);
    if (b !== undefined) return b;
  }
  return cli.stdoutIsTTY && env.TERM !== 'dumb';
}

function buildProgram(cli: CliEnvironment, result: CommandResult, pending: Promise<void>[]): Command {
  /** What a command printed and its status become the run's. */
  const settle = (r: CommandResult): void => {
    result.stdout += r.stdout;
    result.stderr += r.stderr;
    result.exitCode = r.exitCode;
  };
  /** The same for an asynchronous command, once it ends (runCliAsync() awaits `pending`). */
  const settleLater = (run: Promise<CommandResult>): void => {
    pending.push(run.then(settle));
  };
  const today = (): string => cli.today ?? new Date().toISOString().slice(0, 10);
  const program = new Command('unitgate')
    .description(
      'Score and gate systemd service hardening, exactly like systemd-analyze security --offline=true.',
    )
    .version(UNITGATE_VERSION, '-V, --version', 'print the unitgate version')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => {
        result.stdout += s;
      },
      writeErr: (s) => {
        result.stderr += s;
      },
    })
    .showHelpAfterError(false);

  program
    .command('security')
    .description(
      'Analyse the security and sandboxing settings of unit files and print an exposure score for each, ' +
        'byte for byte as `systemd-analyze security --offline=true` does — without systemd.',
    )
    .argument('[units...]', 'unit files (paths) to analyse; templates are analysed as an instance')
    .addOption(
      new Option(
        '--offline <bool>',
        'unitgate always works offline; with --root, --offline=true is required (as by systemd-analyze)',
      ),
    )
    .addOption(
      new Option(
        '--root <dir>',
        "look units and drop-ins up inside this root tree, with systemd's search path",
      ),
    )
    .addOption(new Option('--json <mode>', 'output format: off (table), short or pretty JSON').default('off'))
    .addOption(
      new Option(
        '--threshold <n>',
        "exit 1 when a unit's exposure is above N (0…100, systemd's scale: 50 = 5.0)",
      ).default('100'),
    )
    .addOption(
      new Option(
        '--security-policy <file>',
        'JSON policy overriding assessor weights, ranges and texts (systemd format)',
      ),
    )
    .addOption(
      new Option(
        '--profile <name|file>',
        'a portable profile (default, nonetwork, strict, trusted) or a .conf file, applied to every unit as its lowest-priority drop-in',
      ),
    )
    .addOption(new Option('--instance <name>', 'instance name used when analysing a template unit'))
    // Accepted as systemd-analyze accepts them; none changes an offline security review.
    .addOption(new Option('-q, --quiet', 'accepted for compatibility'))
    .addOption(new Option('--system', 'analyse system units (the default)'))
    .addOption(new Option('--man [bool]', 'accepted for compatibility (no effect offline)'))
    .addOption(new Option('--generators [bool]', 'accepted for compatibility (no effect offline)'))
    .addOption(new Option('--recursive-errors <mode>', 'accepted for compatibility: yes, no or one'))
    .addOption(new Option('--no-legend', 'accepted where systemd-analyze accepts it'))
    .addOption(
      new Option(
        '--systemd-version <version>',
        `systemd version whose behaviour to reproduce (${versionChoices()})`,
      ).default(String(DEFAULT_VERSION)),
    )
    .addOption(new Option('--no-pager', 'accepted for compatibility; output is never paged'))
    // Never parsed by commander: parseInto() reads `security`'s arguments as systemd-analyze does
    // (runSecurity()); this definition gives `unitgate security --help` its text.
    .helpOption('-h, --help', 'print this help');
  program
    .command('suggest')
    .description(
      'Print a hardened drop-in for a unit file: the directives that fix every failing assessor row and every ' +
        "requirement of the unit's profile, with where to save it and the exposure before and after.",
    )
    .argument('<unit>', 'the unit file (its NAME.d/ drop-ins beside it are applied)')
    .addOption(
      new Option(
        '--policy-profile <name>',
        "profile of the policy to harden for (default: the unit's profile comment, a units glob, the default)",
      ),
    )
    // `--profile` is `unitgate security`'s portable-service drop-in (systemd-analyze's name), never a policy
    // profile: refused here with a pointer to --policy-profile, which commander's own suggestion (names
    // within three edits) would not give.
    .addOption(new Option('--profile [name]').hideHelp())
    .addOption(new Option('--policy <file>', 'policy file (default: .github/unitgate.json when present)'))
    .addOption(
      new Option(
        '--systemd-version <version>',
        `systemd version to score for (${versionChoices("default: the policy's")})`,
      ),
    )
    .action((unit: string, opts: Record<string, string | undefined>, command: Command) => {
      if (opts.profile !== undefined) {
        command.error("error: unknown option '--profile'\n(Did you mean --policy-profile?)", {
          code: 'commander.unknownOption',
        });
      }
      let systemdVersion: SystemdVersion | undefined;
      if (opts.systemdVersion !== undefined) {
        const version = Number(opts.systemdVersion);
        if (!isSupportedVersion(version)) {
          throw new UsageError(
            `Unsupported --systemd-version=${opts.systemdVersion}; choose one of ${SUPPORTED_VERSIONS.join(', ')}.`,
          );
        }
        systemdVersion = version;
      }
      const r = reviewCommands().runSuggestCommand(
        {
          unit,
          ...(opts.policyProfile !== undefined ? { policyProfile: opts.policyProfile } : {}),
          ...(opts.policy !== undefined ? { policy: opts.policy } : {}),
          ...(systemdVersion !== undefined ? { systemdVersion } : {}),
        },
        cli.cwd,
      );
      settle(r);
    });
  program
    .command('check')
    .description(
      'Run the pull-request gate locally and exit 1 when CI would fail: compare the working tree (or the index) with ' +
        "the merge base of the base branch and HEAD, under the base branch's policy (.github/unitgate.json or the " +
        'built-in baseline). For laptops and pre-commit.',
    )
    .argument(
      '[paths...]',
      'limit the check to the units these files, directories (every file under them) or globs belong to; ' +
        'one that matches nothing exits 2 (not with --cached, which checks everything staged)',
    )
    .addOption(
      new Option(
        '--base <rev>',
        "the branch the change goes into; compared at its merge base with HEAD, judged by its tip's policy " +
          '(default: origin/HEAD, origin/main, origin/master, main or master)',
      ),
    )
    .addOption(
      new Option(
        '--cached',
        'check the index (staged content, as pre-commit does), not the working tree; the scope is every unit the ' +
          'staged change affects, so it takes no paths',
      ),
    )
    .addOption(
      new Option(
        '--policy <file>',
        "policy file, read at the base branch's tip (default: .github/unitgate.json there, else the built-in baseline)",
      ),
    )
    .addOption(
      new Option(
        '--systemd-version <version>',
        `systemd version to score for (${versionChoices("default: the policy's")})`,
      ),
    )
    .addOption(
      new Option(
        '--require-approval',
        "fail on deviation notes awaiting an owner's approval, as CI does (default: print them as PENDING and pass)",
      ),
    )
    .addOption(
      new Option(
        '--format <format>',
        `output: ${CLI_FORMATS.map((f) => `${f.name} (${f.description})`).join(', ')}`,
      )
        .choices(CLI_FORMATS.map((f) => f.name))
        .default('text'),
    )
    .action((paths: string[], opts: Record<string, string | boolean | undefined>) => {
      let systemdVersion: SystemdVersion | undefined;
      if (opts.systemdVersion !== undefined) {
        const version = Number(opts.systemdVersion);
        if (!isSupportedVersion(version)) {
          throw new UsageError(
            `Unsupported --systemd-version=${String(opts.systemdVersion)}; choose one of ${SUPPORTED_VERSIONS.join(', ')}.`,
          );
        }
        systemdVersion = version;
      }
      settleLater(
        reviewCommands().runCheckCommand(
          {
            paths,
            ...(typeof opts.base === 'string' ? { base: opts.base } : {}),
            ...(typeof opts.policy === 'string' ? { policy: opts.policy } : {}),
            ...(systemdVersion !== undefined ? { systemdVersion } : {}),
            cached: opts.cached === true,
            requireApproval: opts.requireApproval === true,
            format: typeof opts.format === 'string' ? opts.format : 'text',
            today: today(),
          },
          cli.cwd,
        ),
      );
    });
  program
    .command('trend')
    .description(
      "Show each unit's exposure across the last release tags and HEAD, computed from git history: every tag " +
        'is scored as the gate scores it (under the policy committed there), labelled with its systemd version.',
    )
    .argument('[paths...]', 'only units whose files are these paths or lie under these directories')
    .addOption(new Option('--tags <pattern>', 'glob over tag names that mark releases').default('v*'))
    .addOption(new Option('--limit <n>', 'how many of the newest matching tags').default('10'))
    .addOption(
      new Option(
        '--format <format>',
        'output: markdown, json, csv, or html (a self-contained dashboard page)',
      )
        .choices(['markdown', 'json', 'csv', 'html'])
        .default('markdown'),
    )
    .addOption(new Option('--output <file>', 'write the output to this file instead of standard output'))
    .addOption(
      new Option(
        '--repository-url <url>',
        "the repository's web address for the html format's file:line links (default: the origin remote's)",
      ),
    )
    .addOption(
      new Option(
        '--policy <file>',
        "policy file for every commit (default: each commit's own .github/unitgate.json, else the built-in baseline)",
      ),
    )
    .addOption(
      new Option(
        '--snapshot <file...>',
        'html format: snapshot files of hosts (unitgate snapshot); their drift from HEAD is shown on the page',
      ),
    )
    .action((paths: string[], opts: Record<string, string | undefined>) => {
      // A variadic option: commander gives its values as an array.
      const snapshots = (opts as Record<string, unknown>).snapshot as string[] | undefined;
      const limit = Number(opts.limit);
      if (!/^\d+$/.test(opts.limit ?? '') || limit < 1 || limit > 1000)
        throw new UsageError(`--limit takes a number of tags from 1 to 1000, not ${opts.limit}`);
      if (opts.repositoryUrl !== undefined && !/^https?:\/\/[^\s"'<>`@]+$/i.test(opts.repositoryUrl))
        throw new UsageError(`--repository-url takes an http(s) address, not ${opts.repositoryUrl}`);
      settleLater(
        reviewCommands().runTrendCommand(
          {
            paths,
            tags: opts.tags ?? 'v*',
            limit,
            format: (opts.format ?? 'markdown') as TrendFormat,
            ...(opts.policy !== undefined ? { policy: opts.policy } : {}),
            ...(opts.output !== undefined ? { output: opts.output } : {}),
            ...(opts.repositoryUrl !== undefined ? { repositoryUrl: opts.repositoryUrl } : {}),
            ...(snapshots !== undefined ? { snapshots, today: today() } : {}),
          },
          cli.cwd,
        ),
      );
    });
  program
    .command('snapshot')
    .description(
      'Record what a host runs, as JSON (schemas/unitgate-snapshot-1.schema.json): every unit of the scanned types in ' +
        "systemd's search path (or the named ones), the files that define each with their sha256, size and " +
        'directives (values that can carry a secret kept as their sha256 only), the systemd version read off the ' +
        "tree, and each unit's exposure and rows scored for the nearest supported release at or below it. " +
        'Read-only; files it cannot read are recorded as unreadable, which `unitgate drift` fails on. The ' +
        "snapshot shows the host's weak spots: keep it private.",
    )
    .argument('[units...]', 'unit names to record (with --only, no others; else in addition to the scan)')
    .addOption(new Option('--root <dir>', 'read the units of this root tree (a mounted image) instead of /'))
    .addOption(new Option('--output <file>', 'write the snapshot here (mode 0600) instead of stdout'))
    .addOption(
      new Option(
        '--ask-systemd',
        'also run the real `systemd-analyze security --offline=true --json=short` on each unit and record where it disagrees',
      ),
    )
    .addOption(new Option('--only', 'record only the units named on the command line'))
    .addOption(
      new Option('--host <name>', "the host's name in the snapshot (default: the root's /etc/hostname)"),
    )
    .addOption(
      new Option('--types <suffixes>', 'comma-separated unit file suffixes to scan for').default('.service'),
    )
    .addOption(
      new Option(
        '--systemd-version <version>',
        `release to score for when the host's version cannot be read (${versionChoices(`default: ${DEFAULT_VERSION}`)})`,
      ),
    )
    .action((units: string[], opts: Record<string, string | boolean | undefined>) => {
      let fallbackVersion: SystemdVersion | undefined;
      if (opts.systemdVersion !== undefined) {
        const version = Number(opts.systemdVersion);
        if (!isSupportedVersion(version))
          throw new UsageError(
            `Unsupported --systemd-version=${String(opts.systemdVersion)}; choose one of ${SUPPORTED_VERSIONS.join(', ')}.`,
          );
        fallbackVersion = version;
      }
      const types = String(opts.types ?? '.service')
        .split(',')
        .map((t) => t.trim())
        .filter((t) => t !== '');
      const bad = types.find((t) => !/^\.[a-z]+$/.test(t));
      if (bad !== undefined || types.length === 0)
        throw new UsageError(
          `--types takes unit file suffixes such as .service, not ${String(bad ?? opts.types)}`,
        );
      if (opts.only === true && units.length === 0) throw new UsageError('--only needs unit names');
      const r = reviewCommands().runSnapshotCommand(
        {
          units,
          ...(typeof opts.root === 'string' ? { root: opts.root } : {}),
          ...(typeof opts.output === 'string' ? { output: opts.output } : {}),
          askSystemd: opts.askSystemd === true,
          ...(typeof opts.host === 'string' ? { hostName: opts.host } : {}),
          unitTypes: types,
          ...(fallbackVersion !== undefined ? { fallbackVersion } : {}),
          onlyRequested: opts.only === true,
          takenAt: cli.now ?? new Date().toISOString(),
          env: cli.env,
        },
        cli.cwd,
      );
      settle(r);
    });
  program
    .command('drift')
    .description(
      "Compare host snapshots (`unitgate snapshot`) with the repository's units at a commit: exposure and row " +
        'differences and their causes (host-only drop-ins, changed or unreadable files, another systemd version, ' +
        "units the repository does not define). Exit 1 when a difference fails the policy's `drift` rules, 0 when " +
        'none does, 2 on errors. A drift report shows where hosts are weak: publish it with care.',
    )
    .requiredOption('--snapshot <files...>', 'snapshot files, one per host')
    .addOption(new Option('--ref <rev>', 'the commit whose units and policy to compare with').default('HEAD'))
    .addOption(
      new Option(
        '--policy <file>',
        'policy file in the repository, read at --ref (default: .github/unitgate.json there, else the built-in baseline)',
      ),
    )
    .addOption(
      new Option('--format <format>', 'output: text, json, markdown or sarif')
        .choices(['text', 'json', 'markdown', 'sarif'])
        .default('text'),
    )
    .action((opts: Record<string, string | string[] | undefined>) => {
      const snapshots = Array.isArray(opts.snapshot) ? opts.snapshot : [];
      settleLater(
        reviewCommands().runDriftCommand(
          {
            snapshots,
            ref: typeof opts.ref === 'string' ? opts.ref : 'HEAD',
            ...(typeof opts.policy === 'string' ? { policy: opts.policy } : {}),
            format: (typeof opts.format === 'string' ? opts.format : 'text') as DriftFormat,
            today: today(),
          },
          cli.cwd,
        ),
      );
    });
  return program;
}

/**
 * Runs one command line (without the node/script words) and returns what it printed and its status.
 * Synchronous for the commands that are (`security`), so replays of thousands of runs stay cheap;
 * use runCliAsync for every command.
 */
export function runCli(argv: string[], cli: CliEnvironment): CommandResult {
  const pending: Promise<void>[] = [];
  const result = parseInto(argv, cli, pending);
  if (pending.length > 0) throw new Error(`"${argv[0]}" runs asynchronously: use runCliAsync()`);
  return result;
}

/** Runs any command line, awaiting asynchronous commands (`check`, `trend`). */
export async function runCliAsync(argv: string[], cli: CliEnvironment): Promise<CommandResult> {
  const pending: Promise<void>[] = [];
  const result = parseInto(argv, cli, pending);
  try {
    await Promise.all(pending);
  } catch (e) {
    result.stderr += `unitgate: internal error: ${(e as Error).message}\n`;
    result.exitCode = 2;
  }
  return result;
}

/** The release whose command line to read: `--systemd-version=` (or the next word), before `--`. */
function requestedVersion(argv: readonly string[]): string {
  let requested = String(DEFAULT_VERSION);
  for (let i = 0; i < argv.length && argv[i] !== '--'; i++) {
    const arg = argv[i] as string;
    if (arg.startsWith('--systemd-version=')) requested = arg.slice('--systemd-version='.length);
    else if (arg === '--systemd-version' && i + 1 < argv.length) requested = argv[++i] as string;
  }
  return requested;
}

/** `unitgate security ARGS`: the arguments read by systemd-analyze's rules, then the units scored. */
function runSecurity(
  argv: readonly string[],
  cli: CliEnvironment,
  program: Command,
  result: CommandResult,
): void {
  const requested = requestedVersion(argv);
  const version = Number(requested);
  if (!isSupportedVersion(version))
    throw new UsageError(
      `Unsupported --systemd-version=${requested}; choose one of ${SUPPORTED_VERSIONS.join(', ')}.`,
    );
  const traits = systemdRelease(version).traits;
  const line = parseSecurityCommandLine(argv, traits, cli.cwd, cli.env);
  if ('exitCode' in line) {
    if (line.help) result.stdout += securityCommand(program).helpInformation();
    if (line.version) result.stdout += `${UNITGATE_VERSION}\n`;
    result.stdout += line.stdout;
    result.stderr += line.stderr;
    result.exitCode = line.exitCode;
    return;
  }
  const r = runSecurityCommand(
    {
      units: line.units,
      ...(line.root !== undefined ? { root: line.root } : {}),
      json: line.json,
      threshold: line.threshold,
      ...(line.securityPolicy !== undefined ? { securityPolicy: line.securityPolicy } : {}),
      ...(line.portableProfile !== undefined ? { portableProfile: line.portableProfile } : {}),
      ...(line.instance !== undefined ? { instance: line.instance } : {}),
      scope: line.scope,
      version,
      ...(cli.write ? { write: cli.write } : {}),
      ...(cli.write && cli.writeEncoded ? { writeEncoded: cli.writeEncoded } : {}),
    },
    {
      cwd: cli.cwd,
      utf8: isUtf8Locale(cli.env),
      colors: line.json === 'off' && colorsEnabled(cli),
      emoji: emojiEnabled(cli.env),
      host: cli.hostFacts ?? thisMachineFacts(),
      vars: cli.env,
    },
  );
  result.stdout += r.stdout;
  result.stderr += line.notices + r.stderr;
  result.exitCode = r.exitCode;
}

function securityCommand(program: Command): Command {
  return program.commands.find((c) => c.name() === 'security') as Command;
}

function parseInto(argv: string[], cli: CliEnvironment, pending: Promise<void>[]): CommandResult {
  const result: CommandResult = { exitCode: 0, stdout: '', stderr: '' };
  const program = buildProgram(cli, result, pending);
  try {
    if (argv[0] === 'security') runSecurity(argv.slice(1), cli, program, result);
    else program.parse(argv, { from: 'user' });
  } catch (e) {
    // Usage errors exit 1, as systemd-analyze does; but `check` and `drift` exit 1 when something fails
    // (and `snapshot` shares their statuses), so there a usage error (which decides nothing) exits 2,
    // like their other errors.
    const usageStatus = ['check', 'snapshot', 'drift'].includes(argv[0] ?? '') ? 2 : 1;
    if (e instanceof CommanderError) {
      // --help and --version exit 0.
      result.exitCode = e.exitCode === 0 ? 0 : usageStatus;
    } else if (e instanceof UsageError) {
      result.stderr += e.message + '\n';
      result.exitCode = usageStatus;
    } else {
      result.stderr += `unitgate: internal error: ${(e as Error).message}\n`;
      result.exitCode = 2;
    }
  }
  return result;
}

let outputClosed = false;

/**
 * Writes a whole buffer to a file descriptor, waiting out EAGAIN on non-blocking pipes. When the
 * reader has gone (`unitgate … | head`), the rest of the output is dropped quietly.
 */
function writeAll(fd: number, data: Uint8Array): void {
  let buf = data;
  while (buf.length > 0 && !outputClosed) {
    try {
      const n = writeSync(fd, buf);
      buf = buf.subarray(n);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') outputClosed = true;
      else if (code !== 'EAGAIN') throw e;
    }
  }
}

/**
 * Synchronous output in batches: a big run must not pile its output up in memory behind a slow pipe,
 * nor pay a system call per unit. Each chunk is encoded into the batch as it comes, so no large string
 * is ever built. A batch is written once it holds what a pipe holds (64 KiB on Linux): the write then
 * rarely waits, and the reader works on one batch while the next is made.
 */
class BatchedOutput {
  private static readonly BATCH = 64 * 1024;
  private readonly buffer = Buffer.allocUnsafe(1024 * 1024);
  private used = 0;

  constructor(private readonly fd: number) {}

  write(chunk: string): void {
    // One UTF-16 code unit is at most three bytes of UTF-8.
    if (chunk.length * 3 > this.buffer.length - this.used) {
      this.flush();
      if (chunk.length * 3 > this.buffer.length) {
        writeAll(this.fd, Buffer.from(chunk, 'utf8'));
        return;
      }
    }
    this.used += this.buffer.write(chunk, this.used, 'utf8');
    if (this.used >= BatchedOutput.BATCH) this.flush();
  }

  /**
   * Appends what `encode` writes into the batch (see SecurityOptions.writeEncoded). A failed attempt
   * leaves nothing behind: only `used` bytes count.
   */
  writeEncoded(encode: (into: Uint8Array, at: number) => number): void {
    let end = encode(this.buffer, this.used);
    if (end < 0) {
      this.flush();
      end = encode(this.buffer, 0);
    }
    if (end >= 0) {
      this.used = end;
      if (this.used >= BatchedOutput.BATCH) this.flush();
      return;
    }
    // Larger than a whole batch: encoded into a buffer of its own.
    for (let size = this.buffer.length * 2; ; size *= 2) {
      const own = Buffer.allocUnsafe(size);
      end = encode(own, 0);
      if (end >= 0) {
        writeAll(this.fd, own.subarray(0, end));
        return;
      }
    }
  }

  flush(): void {
    if (this.used === 0) return;
    writeAll(this.fd, this.buffer.subarray(0, this.used));
    this.used = 0;
  }
}

async function main(): Promise<void> {
  const stdout = new BatchedOutput(1);
  const result = await runCliAsync(process.argv.slice(2), {
    cwd: process.cwd(),
    env: process.env,
    // isatty() rather than process.stdout.isTTY: creating process.stdout would make a pipe on fd 1
    // non-blocking, and every full pipe a thrown EAGAIN.
    stdoutIsTTY: isatty(1),
    write: (chunk) => stdout.write(chunk),
    writeEncoded: (encode) => stdout.writeEncoded(encode),
  });
  stdout.write(result.stdout);
  stdout.flush();
  process.stderr.write(result.stderr);
  process.exitCode = result.exitCode;
}

if (require.main === module) void main();
