// Which unit directives each assessor row reads: the bridge from a score row back to the lines of a
// unit file (for annotations, "why it moved" and fixes). Derived from what each assess_*() function of
// analyze-security.c looks at, including settings implied by other directives (unit_patch_contexts()).
import type { AssessorData } from './versions';

const BY_FIELD: Record<string, string[]> = {
  UserOrDynamicUser: ['User', 'DynamicUser'],
  SupplementaryGroups: ['SupplementaryGroups', 'User', 'DynamicUser'],
  RemoveIPC: ['RemoveIPC', 'User', 'DynamicUser'],
  RootDirectoryOrRootImage: ['RootDirectory', 'RootImage'],
  IPAddressDeny: ['IPAddressDeny', 'IPAddressAllow', 'IPIngressFilterPath', 'IPEgressFilterPath'],
  DeviceAllow: ['DevicePolicy', 'DeviceAllow', 'PrivateDevices', 'ProtectClock', 'RootImage'],
  NotifyAccess: ['NotifyAccess'],
  PrivateTmp: ['PrivateTmp', 'DynamicUser'],
  ProtectSystem: ['ProtectSystem', 'DynamicUser'],
  ProtectHome: ['ProtectHome', 'DynamicUser'],
  NoNewPrivileges: ['NoNewPrivileges', 'DynamicUser'],
  RestrictSUIDSGID: ['RestrictSUIDSGID', 'DynamicUser'],
};

/** Capabilities that other directives drop implicitly (unit_patch_contexts()). */
const CAPABILITY_DROPPED_BY: Record<number, string> = {
  27: 'PrivateDevices',
  17: 'PrivateDevices',
  16: 'ProtectKernelModules',
  34: 'ProtectKernelLogs',
  25: 'ProtectClock',
  35: 'ProtectClock',
};

/** The directives whose assignments decide this row, most specific first. */
export function directivesOfAssessor(a: AssessorData): string[] {
  const known = BY_FIELD[a.jsonField];
  if (known) return known;
  if (a.kind === 'capability_bounding_set') {
    const implied = (a.capabilityBits ?? [])
      .map((b) => CAPABILITY_DROPPED_BY[b])
      .filter((d): d is string => !!d);
    return ['CapabilityBoundingSet', ...new Set(implied)];
  }
  const base = a.name.split('=')[0] as string;
  return [base];
}
