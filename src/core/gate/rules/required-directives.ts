// The profile's `requiredDirectives`: each `Directive=value` must be in effect (a stronger value meets
// a weaker requirement; policy/profile-checks.ts decides), else a `missing-directive` on its line.
import { checkRequirement } from '../../policy/profile-checks';
import { requirementFix } from '../../advice/verify-fixes';
import { lastApplied } from '../locations';
import { phantomFor, phantomReason } from '../phantom-settings';
import { lineKey } from '../../unit/directive-key';
import { pointAt, type PolicyRule } from './policy-rule';

export const requiredDirectivesRule: PolicyRule<'missing-directive', 'requiredDirectives'> = {
  kind: 'missing-directive',
  policyKey: 'requiredDirectives',
  checkNames: (profile) => profile.requiredDirectives.map(lineKey),
  title: 'Required directive missing',
  titleNamesCheck: true,
  sarif: {
    name: 'RequiredDirectiveMissing',
    full: "A directive the unit's profile requires is missing or weaker than required.",
    help: 'Add the required directive to the [Service] section or a drop-in.',
  },
  check({ profile, head, settings: s, systemd, fallback, advisory }) {
    return profile.requiredDirectives.flatMap((requirement) => {
      const r = checkRequirement(requirement, s, systemd);
      if (r.met) return [];
      const key = lineKey(requirement);
      const where = lastApplied(s, [key]);
      // A line meant to set it that systemd ignores is where to look, and why it does not count.
      const phantom = phantomFor(head, key);
      return [
        {
          kind: 'missing-directive' as const,
          check: key,
          directives: [key],
          message: `${s.unitId}: the ${profile.name} profile requires \`${requirement}\`, the unit has ${where ? `\`${r.actual}\`` : 'no such setting'}${
            phantom
              ? `; ${phantom.file}:${phantom.line} does not count: ${phantomReason(phantom, systemd.version)}`
              : ''
          }`,
          location: phantom ? pointAt(phantom) : where ? pointAt(where) : fallback,
          weight: 5,
          fix: {
            directives: [requirement],
            explanation: `Add \`${requirement}\` to the [Service] section (or a drop-in).`,
          },
          advisory,
        },
      ];
    });
  },
  fix: {
    causedByDirective: true,
    plan: (v, ctx, head) => {
      const requirement = v.fix?.directives[0];
      return {
        fix: requirement ? requirementFix(ctx, head, requirement) : undefined,
        passes: (a) =>
          requirement !== undefined && checkRequirement(requirement, a.settings, ctx.systemd).met,
      };
    },
  },
};
