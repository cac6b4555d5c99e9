import {
  measureBuiltInProfiles,
  profileTemplateUnit,
  templateExposure,
} from '../../../src/core/policy/profile-template';
import { builtInPolicy } from '../../../src/core/policy/load-policy';
import { SUPPORTED_VERSIONS, type SystemdVersion } from '../../../src/core/security/versions';

describe('profileTemplateUnit', () => {
  it('is the required directives, the allow-lists as directives, ExecStart= and User=', () => {
    expect(
      profileTemplateUnit({
        requiredDirectives: ['NoNewPrivileges=yes'],
        allowedCapabilities: [],
        allowedAddressFamilies: ['AF_UNIX', 'AF_INET'],
      }),
    ).toBe(
      '[Service]\nExecStart=/usr/bin/app\nUser=app\nNoNewPrivileges=yes\nCapabilityBoundingSet=\nRestrictAddressFamilies=AF_UNIX AF_INET\n',
    );
  });

  it('leaves out the allow-lists a profile does not check', () => {
    expect(profileTemplateUnit({ requiredDirectives: [] })).toBe(
      '[Service]\nExecStart=/usr/bin/app\nUser=app\n',
    );
  });
});

describe('measureBuiltInProfiles', () => {
  const measured = new Map(measureBuiltInProfiles().map((m) => [m.name, m]));

  // Measured with the real tool: `systemd-analyze security --offline=true` (252.38) on each template unit.
  it.each<[string, SystemdVersion, number]>([
    ['baseline', 252, 92],
    ['api-service', 252, 31],
    ['worker', 252, 18],
    ['scheduler', 252, 20],
    ['baseline', 262, 90],
    ['api-service', 262, 29],
    ['worker', 262, 17],
    ['scheduler', 262, 18],
  ])('the %s template scores %i → %i', (name, version, exposure) => {
    expect(measured.get(name)?.exposures.find((m) => m.version === version)?.exposure).toBe(exposure);
  });

  it('covers every built-in profile on every supported version', () => {
    expect([...measured.keys()]).toEqual([...builtInPolicy().profiles.keys()]);
    for (const m of measured.values()) expect(m.exposures.map((e) => e.version)).toEqual(SUPPORTED_VERSIONS);
  });

  it('every threshold leaves at least 0.4 above its template on every supported version', () => {
    const short = [...measured.values()].flatMap((m) =>
      m.exposures.filter((e) => m.threshold - e.exposure < 4).map((e) => `${m.name} on ${e.version}`),
    );
    expect(short).toEqual([]);
  });

  it('baseline lets a unit without any hardening pass on every supported version', () => {
    const threshold = builtInPolicy().profiles.get('baseline')?.threshold ?? -1;
    for (const version of SUPPORTED_VERSIONS) {
      expect(templateExposure('[Service]\nExecStart=/bin/true\n', version)).toBeLessThanOrEqual(threshold);
    }
  });
});
