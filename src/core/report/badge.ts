// A shields.io endpoint badge (https://shields.io/badges/endpoint-badge) with the worst exposure of
// the scored units, so a README can show the repository's service hardening at a glance.
import type { GateVerdict } from '../gate/gate-types';
import { formatExposure } from '../security/render-security';
import { levelFor } from '../security/assess';
import { systemdRelease, type SystemdVersion } from '../security/versions';

export interface EndpointBadge {
  schemaVersion: 1;
  label: string;
  message: string;
  color: string;
}

const COLORS: Record<string, string> = {
  DANGEROUS: 'red',
  UNSAFE: 'red',
  EXPOSED: 'orange',
  MEDIUM: 'yellow',
  OK: 'yellowgreen',
  SAFE: 'green',
  PERFECT: 'brightgreen',
};

/** The badge for a verdict: the worst head exposure, or "no units" when nothing was scored. */
export function renderBadge(verdict: GateVerdict, label = 'unit exposure'): EndpointBadge {
  if (verdict.maxExposure === undefined)
    return { schemaVersion: 1, label, message: 'no units', color: 'lightgrey' };
  const level = levelFor(verdict.maxExposure, systemdRelease(verdict.systemdVersion as SystemdVersion)).name;
  return {
    schemaVersion: 1,
    label,
    message: `${formatExposure(verdict.maxExposure)} ${level}`,
    color: COLORS[level] as string,
  };
}
