// Parsers whose errors are fatal: they return an error instead of logging and ignoring, so config_parse()
// stops and unit_load_fragment() refuses the unit ("Unit configuration has fatal error", -ENOEXEC) or
// fails its load (any other error). load-fragment.c, v252–v262; the version's switches say which exist.
import type { Assignment } from '../unit/parse-unit-file';
import { simplifyAndCheckPath } from '../unit/path-util';
import { expand, fatal, warn, type Handler, ignoredPath } from './conf-parser';
import type { VersionTraits } from './versions';

/**
 * config_parse_working_directory(): `~` is the user's home; a leading `-` makes a bad path a warning
 * (missing_ok), otherwise a path that does not expand, is relative or is not normalized is fatal.
 */
export const handleWorkingDirectory: Handler = (ctx, a) => {
  if (a.value === '') {
    ctx.facts.workingDirectoryHome = false;
    return 'ok';
  }
  const missingOk = a.value.startsWith('-');
  const value = missingOk ? a.value.slice(1) : a.value;
  if (value === '~') {
    ctx.facts.workingDirectoryHome = true;
    return 'ok';
  }
  const r = expand(ctx, value);
  if (!r.ok) {
    const message = `Failed to resolve unit specifiers in working directory path '${value}'`;
    return missingOk
      ? warn(ctx, a, `${message}, ignoring: Invalid slot`, 'invalid-value')
      : fatal(ctx, a, `${message}: Invalid slot`);
  }
  const checked = simplifyAndCheckPath(r.value, a.key, 'absolute');
  if (!checked.ok)
    return missingOk ? warn(ctx, a, ignoredPath(checked.message)) : fatal(ctx, a, checked.message);
  ctx.facts.workingDirectoryHome = false;
  return 'ok';
};

/**
 * config_parse_unit_path_printf() with `fatal` (RootVerity=, v262's RootMStack=): a path that does not
 * expand, is relative or is not normalized refuses the unit; an empty value unsets.
 */
export const fatalPath: Handler = (ctx, a) => {
  if (a.value === '') return 'ok';
  const r = expand(ctx, a.value);
  if (!r.ok) return fatal(ctx, a, `Failed to resolve unit specifiers in '${a.value}': Invalid slot`);
  const checked = simplifyAndCheckPath(r.value, a.key, 'absolute');
  return checked.ok ? 'ok' : fatal(ctx, a, checked.message);
};

/**
 * config_parse_exec_selinux_context(), config_parse_exec_apparmor_profile(),
 * config_parse_exec_smack_process_label(): a label that does not expand refuses the unit, unless it
 * starts with `-` (then it is ignored with a warning).
 */
export const handleSecurityLabel: Handler = (ctx, a) => {
  if (a.value === '') return 'ok';
  const ignore = a.value.startsWith('-');
  const value = ignore ? a.value.slice(1) : a.value;
  const r = expand(ctx, value);
  if (r.ok) return 'ok';
  return ignore
    ? warn(ctx, a, `Failed to resolve unit specifiers in '${value}', ignoring: Invalid slot`, 'invalid-value')
    : fatal(ctx, a, `Failed to resolve unit specifiers in '${value}': Invalid slot`);
};

/** partition_designator_from_string() (src/shared/gpt.c, v257). */
const PARTITION_DESIGNATORS = new Set([
  'root',
  'usr',
  'home',
  'srv',
  'esp',
  'xbootldr',
  'swap',
  'root-verity',
  'usr-verity',
  'root-verity-sig',
  'usr-verity-sig',
  'tmp',
  'var',
]);

/** partition_policy_flags_from_string() (src/shared/image-policy.c, v257). */
const PARTITION_POLICY_FLAGS = new Set([
  'verity',
  'signed',
  'encrypted',
  'unprotected',
  'unused',
  'absent',
  'open',
  'ignore',
  'read-only-on',
  'read-only-off',
  'growfs-on',
  'growfs-off',
]);

/**
 * image_policy_from_string() (src/shared/image-policy.c, v257/v262): `*`, `-`, `~`, or
 * `[DESIGNATOR]=FLAG[+FLAG…]` rules separated by `:`. Returns the strerror() text of the failure and what
 * it says of the policy, or undefined when the policy parses.
 */
export function imagePolicyProblem(
  traits: Pick<VersionTraits, 'imagePolicyIgnoresUnknown'>,
  value: string,
): { message: string; reason: string } | undefined {
  if (['*', '-', '~'].includes(value)) return undefined;
  const lenient = traits.imagePolicyIgnoresUnknown;
  const seen = new Set<string>();
  for (const rule of value.split(':')) {
    const eq = rule.indexOf('=');
    if (eq < 0) return { message: 'Failed to parse image policy', reason: 'Invalid argument' };
    const designator = rule.slice(0, eq);
    if (designator !== '' && !PARTITION_DESIGNATORS.has(designator)) {
      if (lenient) continue;
      return { message: 'Unknown partition type in image policy', reason: 'Invalid slot' };
    }
    if (seen.has(designator))
      return { message: 'Duplicate rule in image policy', reason: 'Name not unique on network' };
    seen.add(designator);
    const flags = rule.slice(eq + 1).split('+');
    if (!lenient && flags.some((f) => f !== '' && !PARTITION_POLICY_FLAGS.has(f)))
      return {
        message: 'Unknown partition policy flag in image policy',
        reason: 'Invalid request code',
      };
  }
  return undefined;
}

/** config_parse_image_policy() (RootImagePolicy=, MountImagePolicy=, ExtensionImagePolicy=), v254+. */
export const handleImagePolicy: Handler = (ctx, a: Assignment) => {
  if (a.value === '') return 'ok';
  const problem = imagePolicyProblem(ctx.traits, a.value);
  return problem ? fatal(ctx, a, `${problem.message}, refusing: ${a.value}`, problem.reason) : 'ok';
};
