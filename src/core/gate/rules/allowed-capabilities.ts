// The profile's `allowedCapabilities`: the unit may keep (bounding or ambient set) only these, else a
// `forbidden-capability` on the line that grants one.
import { forbiddenCapabilities } from '../../policy/profile-checks';
import { capabilityFix } from '../../advice/verify-fixes';
import { capabilityGrantLine } from '../locations';
import { pointAt, type PolicyRule } from './policy-rule';

export const allowedCapabilitiesRule: PolicyRule<'forbidden-capability', 'allowedCapabilities'> = {
  kind: 'forbidden-capability',
  policyKey: 'allowedCapabilities',
  checkNames: () => ['CapabilityBoundingSet', 'AmbientCapabilities'],
  title: 'Capability not allowed',
  titleNamesCheck: false,
  sarif: {
    name: 'CapabilityNotAllowed',
    full: "The unit keeps capabilities outside its profile's allowed set.",
    help: 'Limit CapabilityBoundingSet= (and AmbientCapabilities=) to the capabilities the profile allows.',
  },
  check({ profile, settings: s, systemd, fallback, advisory }) {
    if (!profile.allowedCapabilities) return [];
    const extra = forbiddenCapabilities(s, profile.allowedCapabilities, systemd);
    if (extra.length === 0) return [];
    // The line that grants a forbidden capability, not merely the last capability line.
    const where = capabilityGrantLine(s, extra, systemd);
    const list = profile.allowedCapabilities.join(' ');
    return [
      {
        kind: 'forbidden-capability',
        check: 'CapabilityBoundingSet',
        directives: ['CapabilityBoundingSet', 'AmbientCapabilities'],
        message: `${s.unitId}: keeps ${extra.length} capabilit${extra.length === 1 ? 'y' : 'ies'} the ${profile.name} profile does not allow: ${extra
          .slice(0, 8)
          .join(', ')}${extra.length > 8 ? ', …' : ''}`,
        location: where ? pointAt(where) : fallback,
        weight: Math.min(extra.length, 20),
        fix: {
          directives: [
            `CapabilityBoundingSet=${list}`,
            ...(s.ambientCapabilities !== 0n ? [`AmbientCapabilities=${list}`] : []),
          ],
          explanation: list
            ? `Limit capabilities to ${list}.`
            : 'Drop every capability: an empty CapabilityBoundingSet= keeps none.',
        },
        advisory,
      },
    ];
  },
  fix: {
    causedByDirective: true,
    plan: (_v, ctx, head) => ({
      fix: capabilityFix(ctx, head),
      passes: (a) =>
        forbiddenCapabilities(a.settings, ctx.profile.allowedCapabilities ?? [], ctx.systemd).length === 0,
    }),
  },
};
