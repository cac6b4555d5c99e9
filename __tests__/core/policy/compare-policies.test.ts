// comparePolicies(): every difference a policy change makes, and whether it loosens the gate.
import { comparePolicies } from '../../../src/core/policy/compare-policies';
import { loadPolicy } from '../../../src/core/policy/load-policy';
import type { GatePolicy } from '../../../src/core/policy/policy-types';

function policy(doc: Record<string, unknown>): GatePolicy {
  const loaded = loadPolicy(JSON.stringify(doc), 'unitgate.json');
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  return loaded.policy;
}

const BASE = {
  mode: 'ratchet',
  profiles: {
    api: {
      extends: 'api-service',
      threshold: 3.5,
      allowedCapabilities: ['CAP_NET_BIND_SERVICE'],
      forbiddenDirectives: ['PrivateNetwork'],
    },
  },
  units: [{ match: 'deploy/*.service', profile: 'api' }],
  deviations: { owners: ['@acme/security'], maxExpiryDays: 90 },
  signoff: [{ directives: ['SystemCallFilter'], approvers: ['@acme/security'] }],
};

describe('comparePolicies', () => {
  it('finds nothing between equal policies', () => {
    expect(comparePolicies(policy(BASE), policy(BASE))).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, string, boolean]>([
    ['a stricter mode', { mode: 'enforce' }, 'mode', false],
    ['a looser mode', { mode: 'report' }, 'mode', true],
    [
      'a lower threshold',
      { profiles: { api: { ...BASE.profiles.api, threshold: 2.0 } } },
      'profiles.api.threshold',
      false,
    ],
    [
      'a higher threshold',
      { profiles: { api: { ...BASE.profiles.api, threshold: 9.9 } } },
      'profiles.api.threshold',
      true,
    ],
    [
      'a required directive removed',
      { profiles: { api: { ...BASE.profiles.api, removeDirectives: ['ProtectSystem'] } } },
      'profiles.api.requiredDirectives',
      true,
    ],
    [
      'a directive forbidden',
      { profiles: { api: { ...BASE.profiles.api, forbiddenDirectives: ['PrivateNetwork', 'User=root'] } } },
      'profiles.api.forbiddenDirectives',
      false,
    ],
    [
      'a directive no longer forbidden',
      { profiles: { api: { ...BASE.profiles.api, forbiddenDirectives: [] } } },
      'profiles.api.forbiddenDirectives',
      true,
    ],
    [
      'a capability allowed',
      {
        profiles: {
          api: { ...BASE.profiles.api, allowedCapabilities: ['CAP_NET_BIND_SERVICE', 'CAP_SYS_ADMIN'] },
        },
      },
      'profiles.api.allowedCapabilities',
      true,
    ],
    [
      'a capability no longer allowed',
      { profiles: { api: { ...BASE.profiles.api, allowedCapabilities: [] } } },
      'profiles.api.allowedCapabilities',
      false,
    ],
    ['a unit glob moved', { units: [{ match: 'srv/*.service', profile: 'api' }] }, 'units', true],
    ['an exclusion added', { exclude: [{ match: 'deploy/legacy.service', reason: 'old' }] }, 'exclude', true],
    ['other owners', { deviations: { owners: ['@mallory'], maxExpiryDays: 90 } }, 'deviations.owners', true],
    [
      'a longer expiry',
      { deviations: { owners: ['@acme/security'], maxExpiryDays: 365 } },
      'deviations.maxExpiryDays',
      true,
    ],
    [
      'a shorter expiry',
      { deviations: { owners: ['@acme/security'], maxExpiryDays: 30 } },
      'deviations.maxExpiryDays',
      false,
    ],
    [
      'a shorter expiry warning',
      { deviations: { owners: ['@acme/security'], maxExpiryDays: 90, expiryWarningDays: 3 } },
      'deviations.expiryWarningDays',
      true,
    ],
    [
      'a longer expiry warning',
      { deviations: { owners: ['@acme/security'], maxExpiryDays: 90, expiryWarningDays: 30 } },
      'deviations.expiryWarningDays',
      false,
    ],
    ['a sign-off rule dropped', { signoff: [] }, 'signoff', true],
    [
      'a sign-off rule added',
      {
        signoff: [...BASE.signoff, { directives: ['CapabilityBoundingSet'], approvers: ['@acme/security'] }],
      },
      'signoff',
      false,
    ],
    ['another systemd version', { systemdVersion: 257 }, 'systemdVersion', true],
    [
      'an assessor override',
      { assessorOverrides: { PrivateNetwork: { weight: 1 } } },
      'assessorOverrides',
      true,
    ],
  ])('%s', (_name, change, path, loosens) => {
    const differences = comparePolicies(policy(BASE), policy({ ...BASE, ...change }));
    expect(differences).toContainEqual(expect.objectContaining({ path, loosens }));
    expect(differences.every((d) => d.path === path)).toBe(true);
  });

  it("shows each of a profile's lists by what it holds, in a fixed order", () => {
    // A deny-list shows what went and what came; an allow-list shows whole, and absent is "not checked".
    const after = policy({
      ...BASE,
      profiles: {
        api: {
          extends: 'api-service',
          threshold: 3.0,
          removeDirectives: ['ProtectSystem'],
          allowedAddressFamilies: ['AF_UNIX'],
          forbiddenDirectives: ['User=root'],
        },
      },
    });
    const detached = policy({ ...BASE, profiles: { api: { ...BASE.profiles.api, extends: 'baseline' } } });
    expect(comparePolicies(policy(BASE), after)).toEqual([
      { path: 'profiles.api.threshold', before: '3.5', after: '3.0', loosens: false },
      {
        path: 'profiles.api.requiredDirectives',
        before: '[ProtectSystem=strict]',
        after: '[]',
        loosens: true,
      },
      {
        path: 'profiles.api.forbiddenDirectives',
        before: '[PrivateNetwork]',
        after: '[User=root]',
        loosens: true,
      },
      {
        path: 'profiles.api.allowedCapabilities',
        before: '[CAP_NET_BIND_SERVICE]',
        after: '[]',
        loosens: false,
      },
      {
        path: 'profiles.api.allowedAddressFamilies',
        before: '[AF_UNIX, AF_INET, AF_INET6]',
        after: '[AF_UNIX]',
        loosens: false,
      },
    ]);
    expect(comparePolicies(policy(BASE), detached)).toContainEqual({
      path: 'profiles.api.allowedAddressFamilies',
      before: '[AF_UNIX, AF_INET, AF_INET6]',
      after: '(not set)',
      loosens: true,
    });
  });

  it('counts the first owners as no loosening (the base policy still judges that change)', () => {
    const none = policy({ ...BASE, deviations: { maxExpiryDays: 90 } });
    expect(comparePolicies(none, policy(BASE))).toEqual([
      expect.objectContaining({ path: 'deviations.owners', loosens: false }),
    ]);
  });

  it('counts a removed profile as loosening', () => {
    const more = policy({ ...BASE, profiles: { ...BASE.profiles, extra: { extends: 'worker' } } });
    expect(comparePolicies(more, policy(BASE))).toEqual([
      expect.objectContaining({ path: 'profiles.extra', loosens: true }),
    ]);
  });
});
