// A shields.io endpoint badge (https://shields.io/badges/endpoint-badge) with the worst exposure of
// the scored units, so a README can show the repository's service hardening at a glance.
import type { GateVerdict } from '../gate/gate-types';
import { formatExposure } from '../security/render-security';

export interface EndpointBadge {
  schemaVersion: 1;
  label: string;
  message: string;
  color: string;
}

/** systemd's level names for the 0…100 exposure (analyze-security.c badness_table[]). */
function levelOf(exposure: number): string {
  if (exposure >= 100) return 'DANGEROUS';
  if (exposure >= 90) return 'UNSAFE';
  if (exposure >= 75) return 'EXPOSED';
  if (exposure >= 50) return 'MEDIUM';
  if (exposure >= 10) return 'OK';
  if (exposure >= 1) return 'SAFE';
  return 'PERFECT';
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
  const level = levelOf(verdict.maxExposure);
  return {
    schemaVersion: 1,
    label,
    message: `${formatExposure(verdict.maxExposure)} ${level}`,
    color: COLORS[level] as string,
  };
}
