// `unitgate security`'s command line, read as systemd-analyze's parse_argv() (src/analyze/analyze.c,
// v252/v257/v262) reads it: every option of the program is known (the verb is not known yet while
// parsing), each value is checked as its option comes, the first error ends the run, and then the
// checks that depend on several options run in parse_argv()'s order.
import { AnalyzeArgv } from './analyze-argv';
import { parseThreshold, parseUnsignedAuto } from './parse-values';
import { parseBoolean } from '../core/unit/parse-boolean';
import { imagePolicyProblem } from '../core/security/load-fragment-fatal';
import { isTimeSpan, isTimestamp } from '../core/security/time-spec';
import { isValidUnitName } from '../core/unit/unit-name';
import type { AnalyzeOption, VersionTraits } from '../core/security/versions';
import type { SecurityOptions } from './security-command';

/** unitgate's own options, matched exactly (see AnalyzeArgv). */
export const UNITGATE_SECURITY_OPTIONS: readonly AnalyzeOption[] = [
  { long: 'systemd-version', argument: 'required' },
];

/** The options runSecurityCommand() takes, as the command line gives them, and what only parsing knows. */
export interface SecurityCommandLine extends Pick<
  SecurityOptions,
  'units' | 'root' | 'json' | 'threshold' | 'securityPolicy' | 'portableProfile' | 'instance'
> {
  /** `--systemd-version=` as given (checked by the caller, which chose the release from it). */
  systemdVersion?: string;
  /** Whose manager loads the units: `--user` and `--system`, the last one given (arg_runtime_scope). */
  scope: NonNullable<SecurityOptions['scope']>;
  /** What parse_argv() logged without failing, printed before the units' output. */
  notices: string;
}

/** What ends a run before any unit is read: a usage error (exit 1) or a listing asked for (exit 0). */
export interface CommandLineExit {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** `--help`: the caller prints unitgate's help. */
  help?: boolean;
  /** `--version`: the caller prints unitgate's version. */
  version?: boolean;
}

/** parse_path_argument() (src/shared/parse-argument.c): absolute from the working directory, simplified. */
function absolutePath(cwd: string, path: string): string {
  const joined = path.startsWith('/') ? path : `${cwd}/${path}`;
  // path_simplify() drops empty and `.` components; `..` stays.
  const parts = joined.split('/').filter((p) => p !== '' && p !== '.');
  return '/' + parts.join('/');
}

/**
 * unit_name_mangle() (src/basic/unit-name.c) as `-U`/`--unit=` uses it (UNIT_NAME_MANGLE_WARN): only
 * whether it fails matters, since every accepted name is then refused outside `condition`. A path
 * becomes a mount or device unit; other bytes a unit name cannot hold are escaped as `\xNN` (with a
 * notice naming the escaped form, before `.service` is added).
 */
function mangleUnitName(name: string, warn: (line: string) => void): boolean {
  if (name === '') return false;
  if (name.startsWith('/') || isValidUnitName(name)) return true;
  let escaped = '';
  for (const byte of Buffer.from(name, 'utf8')) {
    const c = String.fromCharCode(byte);
    escaped += /[A-Za-z0-9:_.\\@-]/.test(c) ? c : `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  if (escaped !== name)
    warn(`Invalid unit name "${name}" escaped as "${escaped}" (maybe you should use systemd-escape?).`);
  return isValidUnitName(escaped) || isValidUnitName(`${escaped}.service`);
}

/**
 * Reads the command line after `security` for the release `traits` describe. Returns the settings, or
 * how the run ends (systemd-analyze's text for its own errors).
 */
export function parseSecurityCommandLine(
  argv: readonly string[],
  traits: VersionTraits,
  cwd: string,
  env: Record<string, string | undefined>,
): SecurityCommandLine | CommandLineExit {
  // Notices parse_argv() logs on the way (before any error, or before the units' output).
  let notices = '';
  const fail = (message: string): CommandLineExit => ({
    exitCode: 1,
    stdout: '',
    stderr: notices + (message === '' ? '' : `${message}\n`),
  });
  const listing = (text: string): CommandLineExit => ({ exitCode: 0, stdout: text, stderr: '' });
  // parse_boolean_argument() (src/shared/parse-argument.c); v262 quotes the option and drops the stop.
  const booleanArgument = (name: string, value: string | undefined): boolean | string => {
    if (value === undefined) return true;
    const b = parseBoolean(value);
    if (b !== undefined) return b;
    return traits.booleanArgumentQuoted
      ? `Failed to parse boolean argument to '--${name}': ${value}`
      : `Failed to parse boolean argument to --${name}: ${value}.`;
  };

  const line: SecurityCommandLine = { units: [], json: 'off', threshold: 100, notices: '', scope: 'system' };
  let offline: boolean | undefined;
  let image: string | undefined;
  const given = new Set<string>();
  const args = new AnalyzeArgv(argv, traits, UNITGATE_SECURITY_OPTIONS, env.POSIXLY_CORRECT !== undefined);
  for (;;) {
    const item = args.next();
    if (item.kind === 'error') return fail(item.message);
    if (item.kind === 'end') {
      line.units = item.positional;
      break;
    }
    const value = item.value;
    const name = item.option.long;
    given.add(name);
    switch (name) {
      case 'help':
        return { ...listing(''), help: true };
      case 'version':
        return { ...listing(''), version: true };
      case 'systemd-version':
        line.systemdVersion = value;
        break;
      case 'user':
      case 'system':
        line.scope = name;
        break;
      case 'recursive-errors':
        if (value === 'help') return listing('yes\nno\none\n');
        if (!['yes', 'no', 'one'].includes(value ?? ''))
          return fail(`Unknown mode passed to --recursive-errors='${value}'.`);
        break;
      case 'root':
        // An empty value and `/` leave the root unset (parse_path_argument(…, suppress_root=true)).
        line.root = value ? absolutePath(cwd, value) : undefined;
        if (line.root === '/') line.root = undefined;
        break;
      case 'image':
        image = value ? absolutePath(cwd, value) : undefined;
        break;
      case 'image-policy': {
        // parse_image_policy_argument() (src/shared/parse-argument.c, v257/v262) is strict even where
        // a unit file's policy ignores unknown words (v262), and names what is wrong.
        const problem = imagePolicyProblem({ imagePolicyIgnoresUnknown: false }, value ?? '');
        if (problem) return fail(`${problem.message}: ${value}`);
        break;
      }
      case 'fuzz':
        // parse_sec() fails without a message: parse_argv() returns its error as it is.
        if (!isTimeSpan(value ?? '')) return fail('');
        break;
      case 'base-time':
        if (!isTimestamp(value ?? '', traits.timestampForms))
          return fail(`Failed to parse --base-time= parameter: ${value}`);
        break;
      case 'man':
      case 'generators':
      case 'offline': {
        const b = booleanArgument(name, value);
        if (typeof b === 'string') return fail(b);
        if (name === 'offline') offline = b;
        break;
      }
      case 'threshold': {
        const threshold = parseThreshold(value ?? '');
        if (threshold === undefined) return fail(`Failed to parse threshold: ${value}`);
        line.threshold = threshold;
        break;
      }
      case 'security-policy':
        line.securityPolicy = value ? absolutePath(cwd, value) : undefined;
        break;
      case 'json':
        if (value === 'help') return listing('pretty\nshort\noff\n');
        if (value !== 'off' && value !== 'short' && value !== 'pretty')
          return fail(`Unknown argument to --json= switch: ${value}`);
        line.json = value;
        break;
      case 'iterations': {
        const n = parseUnsignedAuto(value ?? '');
        if (n === undefined || n > 0xffffffff) return fail(`Failed to parse iterations: ${value}`);
        break;
      }
      case 'profile':
        if (!value) return fail('Profile file name is empty');
        if (value.includes('/')) {
          const path = absolutePath(cwd, value);
          if (!path.endsWith('.conf')) return fail(`Profile file name must end with .conf: ${path}`);
          line.portableProfile = path;
        } else line.portableProfile = value;
        break;
      case 'unit':
        if (!mangleUnitName(value ?? '', (notice) => (notices += `${notice}\n`)))
          return fail(`Failed to mangle unit name ${value}: Invalid argument`);
        break;
      case 'instance':
        line.instance = value;
        break;
      // The rest change nothing in an offline security review, or are refused below.
    }
  }

  // The checks after the option loop, in parse_argv()'s order (the verb is `security`).
  if (offline === true && line.units.length === 0 && traits.requiresUnitArguments)
    return fail('Option --offline= requires one or more units to perform a security review.');
  if (given.has('global')) return fail(`Option --global only makes sense with ${traits.globalOptionVerbs}.`);
  if ((line.root !== undefined || image !== undefined) && offline !== true)
    return fail(
      `Options --root= and --image= are only supported for ${traits.offlineRootVerbs} when used with --offline= right now.`,
    );
  if (line.root !== undefined && image !== undefined)
    return fail('Please specify either --root= or --image=, the combination of both is not supported.');
  if (given.has('unit')) return fail('Option --unit= is only supported for condition');
  if (given.has('no-legend') && traits.noLegendOption === 'plot-only')
    return fail('Option --no-legend is only supported for plot with either --table or --json=.');
  if (given.has('table')) return fail('Option --table is only supported for plot right now.');
  if (given.has('mask')) return fail('Option --mask is only supported for capability.');
  if (given.has('drm-device')) return fail('Option --drm-device is only supported for chid right now.');

  // What systemd-analyze would go on to do and unitgate does not.
  if (offline === false)
    return fail('unitgate only works offline (it never asks a running systemd); drop --offline=false.');
  if (image !== undefined)
    return fail('unitgate reads unit files, not disk images: --image= is not supported; use --root=.');
  if (given.has('introspect-cli'))
    return fail('unitgate does not describe its command line: --introspect-cli is not supported.');
  line.notices = notices;
  return line;
}
