// The settings a unit gets from others it sets: unit_patch_contexts() (src/core/unit.c, v252–v262), e.g.
// DynamicUser= implying ProtectSystem=strict, PrivateDevices= dropping CAP_MKNOD and closing DevicePolicy=.
import { isStrictUserName, parseUnitName } from '../unit/unit-name';
import { U64, type CapabilityMask } from './capability-util';
import { addDeviceAllow } from './load-fragment-cgroup';
import type { Context } from './conf-parser';

const CAP = (n: number): CapabilityMask => 1n << BigInt(n);
const CAP_SYS_RAWIO = 17;
const CAP_MKNOD = 27;
const CAP_SYS_MODULE = 16;
const CAP_SYSLOG = 34;
const CAP_SYS_TIME = 25;
const CAP_WAKE_ALARM = 35;

// The capabilities each protection drops from the bounding set, as masks to AND with (made once).
const KEEP_WITHOUT_DEVICES = ~(CAP(CAP_MKNOD) | CAP(CAP_SYS_RAWIO)) & U64;
const KEEP_WITHOUT_MODULES = ~CAP(CAP_SYS_MODULE) & U64;
const KEEP_WITHOUT_SYSLOG = ~CAP(CAP_SYSLOG) & U64;
const KEEP_WITHOUT_CLOCK = ~(CAP(CAP_SYS_TIME) | CAP(CAP_WAKE_ALARM)) & U64;

/** The implied settings of unit_patch_contexts(). */
export function patchExecContext(ctx: Context): void {
  const { s, traits, facts } = ctx;
  const imply = (setting: string, cause: string): void => {
    const by = s.lastApplied(cause);
    if (by) s.imply(setting, by);
  };
  if (s.privateDevices) s.capabilityBoundingSet &= KEEP_WITHOUT_DEVICES;
  if (s.protectKernelModules) s.capabilityBoundingSet &= KEEP_WITHOUT_MODULES;
  if (s.protectKernelLogs) s.capabilityBoundingSet &= KEEP_WITHOUT_SYSLOG;
  if (s.protectClock) s.capabilityBoundingSet &= KEEP_WITHOUT_CLOCK;
  if (s.dynamicUser) {
    if (s.user === undefined) {
      const prefix = parseUnitName(s.unitId)?.prefix ?? s.unitId;
      s.user = isStrictUserName(prefix) ? prefix : '_du0000000000000000';
    }
    if (s.privateTmp === 'no')
      s.privateTmp = traits.privateTmpWords.includes('disconnected') ? 'disconnected' : 'yes';
    s.removeIpc = true;
    s.protectSystem = 'strict';
    if (s.protectHome === 'no') s.protectHome = 'read-only';
    s.noNewPrivileges = true;
    s.restrictSuidSgid = true;
    for (const setting of [
      'PrivateTmp',
      'RemoveIPC',
      'ProtectSystem',
      'ProtectHome',
      'NoNewPrivileges',
      'RestrictSUIDSGID',
    ]) {
      imply(setting, 'DynamicUser');
    }
  }
  if (!s.hasCgroupContext) return;
  if (s.privateDevices && s.devicePolicy === 'auto') {
    s.devicePolicy = 'closed';
    imply('DevicePolicy', 'PrivateDevices');
  }
  if (s.devicePolicy !== 'auto' || s.deviceAllow.length > 0) {
    if (s.rootImage !== undefined || facts.mountImages > 0) {
      addDeviceAllow(ctx, '/dev/loop-control', 'rw');
      addDeviceAllow(ctx, '/dev/mapper/control', 'rw');
      addDeviceAllow(ctx, 'block-loop', 'rwm');
      addDeviceAllow(ctx, 'block-blkext', 'rwm');
      addDeviceAllow(ctx, 'block-device-mapper', 'rwm');
    }
    if (s.protectClock) addDeviceAllow(ctx, 'char-rtc', 'r', s.lastApplied('ProtectClock'));
    // "If there are encrypted credentials we might need to access the TPM" (unit_patch_contexts(),
    // 252.6+: /dev/tpmrm0; v255–v257: char-tpm; gone in v258).
    const tpm = traits.tpmDeviceAllow;
    const encrypted = [facts.loadCredentials, facts.setCredentials].some(
      (map) => map !== undefined && [...map.values()].some((e) => e),
    );
    if (tpm && encrypted) addDeviceAllow(ctx, tpm.path, tpm.permissions);
  }
}
