// The unit a profile describes: exactly its required directives, its allow-lists as directives, plus
// `ExecStart=` and `User=`. Its exposure per systemd version is what a profile's threshold is set against
// (docs/policy.md lists it for every built-in profile, computed here when the docs are generated).
import { scoreUnitInTree } from '../engine';
import { memoryTree } from '../unit/unit-tree';
import { SUPPORTED_VERSIONS, systemdRelease, type SystemdVersion } from '../security/versions';
import { builtInPolicy } from './load-policy';
import type { Profile } from './policy-types';

/** The unit file text of a service that follows `profile` and nothing more. */
export function profileTemplateUnit(
  profile: Pick<Profile, 'requiredDirectives' | 'allowedCapabilities' | 'allowedAddressFamilies'>,
): string {
  return [
    '[Service]',
    'ExecStart=/usr/bin/app',
    'User=app',
    ...profile.requiredDirectives,
    ...(profile.allowedCapabilities
      ? [`CapabilityBoundingSet=${profile.allowedCapabilities.join(' ')}`]
      : []),
    ...(profile.allowedAddressFamilies
      ? [`RestrictAddressFamilies=${profile.allowedAddressFamilies.join(' ')}`]
      : []),
    '',
  ].join('\n');
}

/** The exposure (0…100) systemd `version` gives the unit `text` (as `app.service`); throws if it is refused. */
export function templateExposure(text: string, version: SystemdVersion): number {
  const outcome = scoreUnitInTree({
    tree: memoryTree({ '/etc/systemd/system/app.service': text }),
    unitName: 'app.service',
    searchPath: ['/etc/systemd/system'],
    systemd: systemdRelease(version),
  });
  if (!outcome.ok) throw new Error(`the template unit is refused: ${outcome.message}`);
  return outcome.assessment.exposure;
}

export interface ProfileMeasurement {
  name: string;
  /** The profile's threshold as an exposure (0…100). */
  threshold: number;
  /** The template unit's exposure per supported version, oldest first. */
  exposures: { version: SystemdVersion; exposure: number }[];
}

/** Every built-in profile's template exposure on every supported version, with its threshold. */
export function measureBuiltInProfiles(): ProfileMeasurement[] {
  return [...builtInPolicy().profiles.values()].map((profile) => {
    const unit = profileTemplateUnit(profile);
    return {
      name: profile.name,
      threshold: profile.threshold,
      exposures: SUPPORTED_VERSIONS.map((version) => ({
        version,
        exposure: templateExposure(unit, version),
      })),
    };
  });
}
