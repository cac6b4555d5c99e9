// The profile's `forbiddenDirectives`: a directive the unit must not set (`PrivateNetwork` for a service
// that needs the network), or must not set to one value (`NoNewPrivileges=no`), judged on the line
// systemd applies last among the unit's files and drop-ins.
import type { Diagnostic, ParsedUnitFile, Assignment } from '../../unit/parse-unit-file';
import { EFFECTIVE_FLAGS } from '../../security/assessor-knowledge';
import { parseBoolean } from '../../unit/parse-boolean';
import { pointAt, type PolicyRule } from './policy-rule';

const at = (l: { file: string; line: number }): string => `${l.file}:${l.line}`;

/**
 * The line that sets what `entry` (`Name` or `Name=value`) forbids, if any: the last assignment of the
 * directive in `files` (main file, then drop-ins in the order systemd applies them) that systemd does
 * not ignore. Ignored are lines with a diagnostic (an invalid value, a wrong section…) and a boolean
 * directive's line whose value is no boolean, empty too (config_parse_bool(), systemd 252); for other
 * directives an empty value resets them.
 */
export function forbiddenAssignment(
  entry: string,
  files: readonly ParsedUnitFile[],
  diagnostics: readonly Diagnostic[] = [],
): Assignment | undefined {
  const eq = entry.indexOf('=');
  const key = eq < 0 ? entry : entry.slice(0, eq);
  const boolean = key in EFFECTIVE_FLAGS;
  const ignored = new Set(diagnostics.filter((d) => d.key === key).map(at));
  const last = files
    .flatMap((f) => f.assignments)
    .filter((a) => a.key === key && !ignored.has(at(a)))
    .filter((a) => !boolean || parseBoolean(a.value.trim()) !== undefined)
    .at(-1);
  if (!last || last.value.trim() === '') return undefined;
  if (eq < 0) return last;
  const want = entry.slice(eq + 1).trim();
  const have = last.value.trim();
  const [w, h] = [parseBoolean(want), parseBoolean(have)];
  return (w !== undefined && h !== undefined ? w === h : want === have) ? last : undefined;
}

export const forbiddenDirectivesRule: PolicyRule<'forbidden-directive', 'forbiddenDirectives'> = {
  kind: 'forbidden-directive',
  policyKey: 'forbiddenDirectives',
  checkNames: (profile) => (profile.forbiddenDirectives ?? []).map((e) => e.split('=')[0] as string),
  title: 'Forbidden directive set',
  titleNamesCheck: true,
  sarif: {
    name: 'ForbiddenDirectiveSet',
    full: 'The unit sets a directive (or a value of it) that its profile forbids.',
    help: 'Remove the line the finding names, or record an accepted deviation.',
  },
  check({ profile, head, settings: s, advisory }) {
    return (profile.forbiddenDirectives ?? []).flatMap((entry) => {
      const a = forbiddenAssignment(entry, head.unit?.files ?? [], head.diagnostics);
      if (!a) return [];
      return [
        {
          kind: 'forbidden-directive' as const,
          check: a.key,
          directives: [a.key],
          message: `${s.unitId}: the ${profile.name} profile forbids \`${entry}\`, the unit sets \`${a.key}=${a.value}\`; remove that line`,
          location: pointAt(a),
          weight: 5,
          advisory,
        },
      ];
    });
  },
  // No line added in a drop-in can unset a boolean (systemd ignores an empty one): the line must go.
};
