// The profile's `allowedAddressFamilies`: the unit may open sockets of these families only, else a
// `forbidden-address-family` on its RestrictAddressFamilies= line.
import { forbiddenAddressFamilies } from '../../policy/profile-checks';
import { addressFamilyFix } from '../../advice/verify-fixes';
import { lastApplied } from '../locations';
import { pointAt, type PolicyRule } from './policy-rule';

export const allowedAddressFamiliesRule: PolicyRule<'forbidden-address-family', 'allowedAddressFamilies'> = {
  kind: 'forbidden-address-family',
  policyKey: 'allowedAddressFamilies',
  checkNames: () => ['RestrictAddressFamilies'],
  title: 'Address family not allowed',
  titleNamesCheck: false,
  sarif: {
    name: 'AddressFamilyNotAllowed',
    full: "The unit may open sockets of address families outside its profile's allowed set.",
    help: 'Restrict RestrictAddressFamilies= to the families the profile allows.',
  },
  check({ profile, settings: s, systemd, fallback, advisory }) {
    if (!profile.allowedAddressFamilies) return [];
    const extra = forbiddenAddressFamilies(s, profile.allowedAddressFamilies, systemd);
    if (extra.length === 0) return [];
    const where = lastApplied(s, ['RestrictAddressFamilies']);
    const list = profile.allowedAddressFamilies.join(' ') || 'none';
    return [
      {
        kind: 'forbidden-address-family',
        check: 'RestrictAddressFamilies',
        directives: ['RestrictAddressFamilies'],
        message:
          extra[0] === '(any)'
            ? `${s.unitId}: may open sockets of any address family; the ${profile.name} profile allows ${list}`
            : `${s.unitId}: may use address families the ${profile.name} profile does not allow: ${extra.join(', ')}`,
        location: where ? pointAt(where) : fallback,
        weight: 3,
        fix: { directives: [`RestrictAddressFamilies=${list}`], explanation: `Allow only ${list}.` },
        advisory,
      },
    ];
  },
  fix: {
    causedByDirective: true,
    plan: (_v, ctx, head) => ({
      fix: addressFamilyFix(ctx, head),
      passes: (a) =>
        forbiddenAddressFamilies(a.settings, ctx.profile.allowedAddressFamilies ?? [], ctx.systemd).length ===
        0,
    }),
  },
};
