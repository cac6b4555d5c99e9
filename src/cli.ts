// The unitgate command line: `unitgate security …` (a drop-in for `systemd-analyze security
// --offline=true`). Parses arguments with commander, runs the command, writes stdout/stderr and sets
// the exit status. `runCli()` is exported so scripts can replay many invocations in one process.
import { Command, CommanderError, Option } from 'commander';
import { runSecurityCommand, type CommandResult, type JsonOutput } from './cli/security-command';
import { runCheckCommand } from './cli/check-command';
import { parseBooleanOption, parseThreshold } from './cli/parse-values';
import {
  DEFAULT_VERSION,
  SUPPORTED_VERSIONS,
  isSupportedVersion,
  type SystemdVersion,
} from './core/security/versions';

export interface CliEnvironment {
  cwd: string;
  /** YYYY-MM-DD for deviation expiry (defaults to the clock). */
  today?: string;
  env: Record<string, string | undefined>;
  stdoutIsTTY: boolean;
}

class UsageError extends Error {}

function isUtf8Locale(env: Record<string, string | undefined>): boolean {
  if (env.SYSTEMD_UTF8 !== undefined) return parseBooleanOption(env.SYSTEMD_UTF8) !== false;
  const locale = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
  if (locale === '' || locale === 'C' || locale === 'POSIX') return true;
  return /utf-?8/i.test(locale);
}

/** emoji_enabled() (src/basic/glyph-util.c): $SYSTEMD_EMOJI, else a real TERM and a UTF-8 locale. */
function emojiEnabled(env: Record<string, string | undefined>): boolean {
  if (env.SYSTEMD_EMOJI !== undefined) {
    const b = parseBooleanOption(env.SYSTEMD_EMOJI);
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
    const b = parseBooleanOption(env.SYSTEMD_COLORS);
    if (b !== undefined) return b;
  }
  return cli.stdoutIsTTY && env.TERM !== 'dumb';
}

function buildProgram(cli: CliEnvironment, result: CommandResult, pending: Promise<void>[]): Command {
  const program = new Command('unitgate')
    .description(
      'Score and gate systemd service hardening, exactly like systemd-analyze security --offline=true.',
    )
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
      new Option('--offline <bool>', 'accepted for compatibility; unitgate always works offline').default(
        'true',
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
        '--profile <file>',
        'a .conf drop-in applied to every unit as profile.conf (portable-service profile)',
      ),
    )
    .addOption(new Option('--instance <name>', 'instance name used when analysing a template unit'))
    .addOption(
      new Option(
        '--systemd-version <version>',
        `systemd version whose behaviour to reproduce (${SUPPORTED_VERSIONS.join(', ')})`,
      ).default(String(DEFAULT_VERSION)),
    )
    .addOption(new Option('--no-pager', 'accepted for compatibility; output is never paged'))
    .action((units: string[], opts: Record<string, string | undefined>) => {
      const offline = parseBooleanOption(opts.offline ?? 'true');
      if (offline === undefined) throw new UsageError(`Failed to parse --offline= argument: ${opts.offline}`);
      if (!offline)
        throw new UsageError(
          'unitgate only works offline (it never asks a running systemd); drop --offline=false.',
        );
      const json = opts.json as string;
      if (!['off', 'short', 'pretty'].includes(json))
        throw new UsageError(`Unknown argument to --json=: ${json}`);
      const threshold = parseThreshold(opts.threshold ?? '100');
      if (threshold === undefined) throw new UsageError(`Failed to parse threshold: ${opts.threshold}`);
      const version = Number(opts.systemdVersion);
      if (!isSupportedVersion(version)) {
        throw new UsageError(
          `Unsupported --systemd-version=${opts.systemdVersion}; choose one of ${SUPPORTED_VERSIONS.join(', ')}.`,
        );
      }
      const r = runSecurityCommand(
        {
          units,
          root: opts.root,
          json: json as JsonOutput,
          threshold,
          securityPolicy: opts.securityPolicy,
          profile: opts.profile,
          instance: opts.instance,
          version: version as SystemdVersion,
        },
        {
          cwd: cli.cwd,
          utf8: isUtf8Locale(cli.env),
          colors: json === 'off' && colorsEnabled(cli),
          emoji: emojiEnabled(cli.env),
        },
      );
      result.stdout += r.stdout;
      result.stderr += r.stderr;
      result.exitCode = r.exitCode;
    });
  program
    .command('check')
    .description(
      'Run the pull-request gate locally: compare the working tree with a base revision under the repository policy ' +
        '(.github/unitgate.json or the built-in baseline) and exit 1 when CI would fail. For laptops and pre-commit.',
    )
    .argument(
      '[paths...]',
      'limit the check to units whose files are among these paths (pre-commit passes the changed files)',
    )
    .addOption(new Option('--base <ref>', 'revision to compare with (default: HEAD)'))
    .addOption(new Option('--policy <file>', 'policy file (default: .github/unitgate.json when present)'))
    .addOption(
      new Option('--format <format>', 'output: text, json, sarif or markdown')
        .choices(['text', 'json', 'sarif', 'markdown'])
        .default('text'),
    )
    .action((paths: string[], opts: Record<string, string | undefined>) => {
      pending.push(
        runCheckCommand(
          {
            paths,
            ...(opts.base !== undefined ? { base: opts.base } : {}),
            ...(opts.policy !== undefined ? { policy: opts.policy } : {}),
            format: (opts.format ?? 'text') as 'text',
            today: cli.today ?? new Date().toISOString().slice(0, 10),
          },
          cli.cwd,
        ).then((r) => {
          result.stdout += r.stdout;
          result.stderr += r.stderr;
          result.exitCode = r.exitCode;
        }),
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

/** Runs any command line, awaiting asynchronous commands (`check`). */
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

function parseInto(argv: string[], cli: CliEnvironment, pending: Promise<void>[]): CommandResult {
  const result: CommandResult = { exitCode: 0, stdout: '', stderr: '' };
  const program = buildProgram(cli, result, pending);
  try {
    program.parse(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version exit 0; every usage error exits 1, as systemd-analyze does.
      result.exitCode = e.exitCode === 0 ? 0 : 1;
    } else if (e instanceof UsageError) {
      result.stderr += e.message + '\n';
      result.exitCode = 1;
    } else {
      result.stderr += `unitgate: internal error: ${(e as Error).message}\n`;
      result.exitCode = 2;
    }
  }
  return result;
}

async function main(): Promise<void> {
  const result = await runCliAsync(process.argv.slice(2), {
    cwd: process.cwd(),
    env: process.env,
    stdoutIsTTY: Boolean(process.stdout.isTTY),
  });
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  process.exitCode = result.exitCode;
}

if (require.main === module) void main();
