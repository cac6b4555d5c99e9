// A profile's checks read the settings systemd would apply, whichever line or implication produced
// them: each row is a unit's [Service] lines, a profile requirement (or allow list) and whether the
// unit meets it, with what the message says the unit has instead.
import {
  checkRequirement,
  forbiddenAddressFamilies,
  forbiddenCapabilities,
} from '../../../src/core/policy/profile-checks';
import { deriveSecuritySettings, type SecuritySettings } from '../../../src/core/security/settings';
import { systemdRelease, type SystemdVersion } from '../../../src/core/security/versions';
import { UnitLoader } from '../../../src/core/unit/load-unit';
import { memoryTree } from '../../../src/core/unit/unit-tree';

function settingsOf(lines: string, version: SystemdVersion = 252): SecuritySettings {
  const text = `[Unit]\nDescription=x\n[Service]\nExecStart=/usr/bin/x\n${lines}\n`;
  const loaded = new UnitLoader(memoryTree({ '/etc/systemd/system/x.service': text }), [
    '/etc/systemd/system',
  ]).load('x.service');
  if (!loaded.ok) throw new Error(loaded.failure.message);
  const { settings } = deriveSecuritySettings(loaded.unit, systemdRelease(version));
  if (!settings) throw new Error('no settings');
  return settings;
}

const check = (requirement: string, lines: string, version: SystemdVersion = 252) =>
  checkRequirement(requirement, settingsOf(lines, version), systemdRelease(version));

describe('checkRequirement: on/off settings', () => {
  it.each([
    ['NoNewPrivileges=yes', 'NoNewPrivileges=yes', true, 'NoNewPrivileges=yes'],
    ['NoNewPrivileges=yes', '', false, 'NoNewPrivileges=no'],
    ['NoNewPrivileges=true', 'NoNewPrivileges=on', true, 'NoNewPrivileges=yes'],
    // The last line wins.
    ['NoNewPrivileges=yes', 'NoNewPrivileges=yes\nNoNewPrivileges=no', false, 'NoNewPrivileges=no'],
    // An enum setting counts as on unless `no` (PrivateTmp=disconnected from v257).
    ['PrivateTmp=yes', 'PrivateTmp=yes', true, 'PrivateTmp=yes'],
    // Implied by another directive: DynamicUser= turns on PrivateTmp=.
    ['PrivateTmp=yes', 'DynamicUser=yes', true, 'PrivateTmp=yes'],
    // Required off: met only when it is off.
    ['Delegate=no', 'Delegate=yes', false, 'Delegate=yes'],
    ['Delegate=no', '', true, 'Delegate=no'],
    // Unset PrivateMounts= counts as on from v254 (the offline tri-state), not in v252.
    ['PrivateMounts=yes', '', false, 'PrivateMounts=no'],
  ])('%s ← %j: met %s, has %s', (requirement, lines, met, actual) => {
    expect(check(requirement, lines)).toEqual({ met, actual });
  });

  it('an unset PrivateMounts= counts as set from v254 (here v255)', () => {
    expect(check('PrivateMounts=yes', '', 255)).toEqual({ met: true, actual: 'PrivateMounts=yes' });
  });

  it.each([
    // A value that is not a boolean must be the one written, word for word.
    ['PrivateTmp=disconnected', 'PrivateTmp=yes', false],
    ['ProtectControlGroups=private', 'ProtectControlGroups=yes', false],
  ])('%s is a literal value: %j meets it: %s', (requirement, lines, met) => {
    expect(check(requirement, lines).met).toBe(met);
  });
});

describe('checkRequirement: ranked settings (a stronger value meets a weaker requirement)', () => {
  it.each([
    ['ProtectSystem=strict', 'ProtectSystem=strict', true, 'ProtectSystem=strict'],
    ['ProtectSystem=full', 'ProtectSystem=strict', true, 'ProtectSystem=strict'],
    ['ProtectSystem=strict', 'ProtectSystem=full', false, 'ProtectSystem=full'],
    ['ProtectSystem=strict', '', false, 'ProtectSystem=no'],
    ['ProtectSystem=strict', 'DynamicUser=yes', true, 'ProtectSystem=strict'],
    ['ProtectSystem=yes', 'ProtectSystem=full', true, 'ProtectSystem=full'],
    ['ProtectSystem=true', 'ProtectSystem=yes', true, 'ProtectSystem=yes'],
    ['ProtectSystem=no', '', true, 'ProtectSystem=no'],
    ['ProtectSystem=off', '', true, 'ProtectSystem=no'],
    // A value the order does not know is never met (fails closed).
    ['ProtectSystem=stricter', 'ProtectSystem=strict', false, 'ProtectSystem=strict'],
    ['ProtectHome=yes', 'ProtectHome=read-only', false, 'ProtectHome=read-only'],
    ['ProtectHome=read-only', 'ProtectHome=tmpfs', true, 'ProtectHome=tmpfs'],
    ['ProtectHome=yes', 'ProtectHome=true', true, 'ProtectHome=yes'],
    ['ProtectProc=invisible', 'ProtectProc=invisible', true, 'ProtectProc=invisible'],
    ['ProtectProc=noaccess', '', false, 'ProtectProc=default'],
    ['ProcSubset=pid', 'ProcSubset=pid', true, 'ProcSubset=pid'],
    ['ProcSubset=pid', '', false, 'ProcSubset=all'],
    ['KeyringMode=private', '', true, 'KeyringMode=private'],
    ['KeyringMode=private', 'KeyringMode=shared', false, 'KeyringMode=shared'],
    ['NotifyAccess=main', 'NotifyAccess=all', false, 'NotifyAccess=all'],
    ['NotifyAccess=main', 'NotifyAccess=none', true, 'NotifyAccess=none'],
    ['DevicePolicy=closed', '', false, 'DevicePolicy=auto'],
    ['DevicePolicy=closed', 'DevicePolicy=strict', true, 'DevicePolicy=strict'],
    ['DevicePolicy=strict', 'DevicePolicy=closed', false, 'DevicePolicy=closed'],
  ])('%s ← %j: met %s, has %s', (requirement, lines, met, actual) => {
    expect(check(requirement, lines)).toEqual({ met, actual });
  });
});

describe('checkRequirement: lists', () => {
  it.each([
    [
      'SystemCallArchitectures=native',
      'SystemCallArchitectures=native',
      true,
      'SystemCallArchitectures=native',
    ],
    ['SystemCallArchitectures=native', '', false, 'SystemCallArchitectures='],
    // A second architecture the requirement does not name opens a way around the filter.
    [
      'SystemCallArchitectures=native',
      'SystemCallArchitectures=native x86',
      false,
      'SystemCallArchitectures=native x86',
    ],
    [
      'SystemCallArchitectures=native x86',
      'SystemCallArchitectures=x86',
      true,
      'SystemCallArchitectures=x86',
    ],
  ])('%s ← %j: met %s, has %s', (requirement, lines, met, actual) => {
    expect(check(requirement, lines)).toEqual({ met, actual });
  });

  it.each([
    [
      'SystemCallFilter=@system-service',
      'SystemCallFilter=@system-service',
      true,
      /^SystemCallFilter=allow list of \d+$/,
    ],
    // An allow list wider than the requirement's groups.
    ['SystemCallFilter=@system-service', 'SystemCallFilter=@system-service @mount', false, /allow list/],
    // A deny list allows everything else: never an allow-list requirement.
    ['SystemCallFilter=@system-service', 'SystemCallFilter=~@mount', false, /deny list of \d+$/],
    ['SystemCallFilter=@system-service', '', false, /^SystemCallFilter= \(no filter\)$/],
    // Calls the requirement names one by one, on top of the @default set systemd always allows.
    ['SystemCallFilter=read write', 'SystemCallFilter=read write', true, /allow list of \d+$/],
    ['SystemCallFilter=read', 'SystemCallFilter=read write', false, /allow list of \d+$/],
    ['SystemCallFilter=@no-such-group', 'SystemCallFilter=read', false, /allow list/],
    // Deny requirements: every named call must be blocked, by a deny list or by an allow list without it.
    ['SystemCallFilter=~@mount', 'SystemCallFilter=~@mount', true, /deny list/],
    ['SystemCallFilter=~@mount', 'SystemCallFilter=~@mount @swap', true, /deny list/],
    ['SystemCallFilter=~@mount @reboot', 'SystemCallFilter=~@mount', false, /deny list/],
    ['SystemCallFilter=~@mount', 'SystemCallFilter=@system-service', true, /allow list/],
    ['SystemCallFilter=~@mount', 'SystemCallFilter=@system-service @mount', false, /allow list/],
    ['SystemCallFilter=~@mount', '', false, /no filter/],
  ])('%s ← %j: met %s', (requirement, lines, met, actual) => {
    const r = check(requirement, lines);
    expect(r.met).toBe(met);
    expect(r.actual).toMatch(actual);
  });

  it.each([
    ['CapabilityBoundingSet=', 'CapabilityBoundingSet=', true, 'CapabilityBoundingSet='],
    [
      'CapabilityBoundingSet=CAP_NET_BIND_SERVICE',
      'CapabilityBoundingSet=CAP_NET_BIND_SERVICE',
      true,
      'CapabilityBoundingSet=CAP_NET_BIND_SERVICE',
    ],
    // Names are matched case-insensitively, as systemd does.
    [
      'CapabilityBoundingSet=cap_net_bind_service cap_chown',
      'CapabilityBoundingSet=CAP_CHOWN',
      true,
      'CapabilityBoundingSet=CAP_CHOWN',
    ],
    [
      'CapabilityBoundingSet=CAP_CHOWN',
      'CapabilityBoundingSet=CAP_CHOWN CAP_SYS_ADMIN',
      false,
      'CapabilityBoundingSet=CAP_CHOWN CAP_SYS_ADMIN',
    ],
    // A reset line empties the set; what follows builds it again.
    [
      'CapabilityBoundingSet=CAP_CHOWN',
      'CapabilityBoundingSet=CAP_SYS_ADMIN\nCapabilityBoundingSet=\nCapabilityBoundingSet=CAP_CHOWN',
      true,
      'CapabilityBoundingSet=CAP_CHOWN',
    ],
    // A name systemd does not know allows nothing: a misspelt requirement fails closed.
    [
      'CapabilityBoundingSet=CAP_NET_BIND_SERVCE',
      'CapabilityBoundingSet=CAP_NET_BIND_SERVICE',
      false,
      'CapabilityBoundingSet=CAP_NET_BIND_SERVICE',
    ],
    ['AmbientCapabilities=', '', true, 'AmbientCapabilities='],
    ['AmbientCapabilities=', 'AmbientCapabilities=CAP_NET_RAW', false, 'AmbientCapabilities=CAP_NET_RAW'],
    [
      'AmbientCapabilities=CAP_NET_RAW',
      'AmbientCapabilities=CAP_NET_RAW',
      true,
      'AmbientCapabilities=CAP_NET_RAW',
    ],
  ])('%s ← %j: met %s, has %s', (requirement, lines, met, actual) => {
    expect(check(requirement, lines)).toEqual({ met, actual });
  });

  it('an unrestricted bounding set keeps every capability: a requirement of none is not met', () => {
    const r = check('CapabilityBoundingSet=', '');
    expect(r.met).toBe(false);
    expect(r.actual).toMatch(/^CapabilityBoundingSet=CAP_CHOWN .*CAP_SYS_ADMIN/);
  });

  it.each([
    [
      'RestrictAddressFamilies=AF_UNIX AF_INET',
      'RestrictAddressFamilies=AF_UNIX',
      true,
      'RestrictAddressFamilies=AF_UNIX',
    ],
    [
      'RestrictAddressFamilies=af_unix',
      'RestrictAddressFamilies=AF_UNIX',
      true,
      'RestrictAddressFamilies=AF_UNIX',
    ],
    [
      'RestrictAddressFamilies=AF_UNIX',
      'RestrictAddressFamilies=AF_UNIX AF_PACKET',
      false,
      'RestrictAddressFamilies=AF_PACKET AF_UNIX',
    ],
    ['RestrictAddressFamilies=none', 'RestrictAddressFamilies=none', true, 'RestrictAddressFamilies=none'],
    [
      'RestrictAddressFamilies=none',
      'RestrictAddressFamilies=AF_UNIX',
      false,
      'RestrictAddressFamilies=AF_UNIX',
    ],
    ['RestrictAddressFamilies=AF_UNIX', 'RestrictAddressFamilies=none', true, 'RestrictAddressFamilies=none'],
    // A deny list leaves every other family open; no list leaves all open.
    [
      'RestrictAddressFamilies=AF_UNIX',
      'RestrictAddressFamilies=~AF_PACKET',
      false,
      'RestrictAddressFamilies= (deny list)',
    ],
    ['RestrictAddressFamilies=AF_UNIX', '', false, 'RestrictAddressFamilies= (not restricted)'],
    // An empty assignment resets the list: nothing is restricted any more.
    [
      'RestrictAddressFamilies=AF_UNIX',
      'RestrictAddressFamilies=AF_UNIX\nRestrictAddressFamilies=',
      false,
      'RestrictAddressFamilies= (not restricted)',
    ],
    // Two allow lines add up.
    [
      'RestrictAddressFamilies=AF_UNIX',
      'RestrictAddressFamilies=AF_UNIX\nRestrictAddressFamilies=AF_INET',
      false,
      'RestrictAddressFamilies=AF_INET AF_UNIX',
    ],
  ])('%s ← %j: met %s, has %s', (requirement, lines, met, actual) => {
    expect(check(requirement, lines)).toEqual({ met, actual });
  });
});

describe('checkRequirement: RestrictNamespaces=', () => {
  it.each([
    ['RestrictNamespaces=yes', 'RestrictNamespaces=yes', true, 'RestrictNamespaces=yes'],
    [
      'RestrictNamespaces=yes',
      'RestrictNamespaces=~user',
      false,
      'RestrictNamespaces=cgroup ipc net mnt pid uts',
    ],
    ['RestrictNamespaces=yes', '', false, 'RestrictNamespaces=(unset)'],
    [
      'RestrictNamespaces=yes',
      'RestrictNamespaces=no',
      false,
      'RestrictNamespaces=cgroup ipc net mnt pid user uts',
    ],
    // A list requirement: the namespaces the unit may create must lie inside the ones it allows.
    [
      'RestrictNamespaces=~user',
      'RestrictNamespaces=~user net',
      true,
      'RestrictNamespaces=cgroup ipc mnt pid uts',
    ],
    ['RestrictNamespaces=~user', 'RestrictNamespaces=yes', true, 'RestrictNamespaces=yes'],
    [
      'RestrictNamespaces=~user',
      'RestrictNamespaces=no',
      false,
      'RestrictNamespaces=cgroup ipc net mnt pid user uts',
    ],
    ['RestrictNamespaces=~user', 'RestrictNamespaces=user', false, 'RestrictNamespaces=user'],
    ['RestrictNamespaces=~user', '', false, 'RestrictNamespaces=(unset)'],
    ['RestrictNamespaces=net mnt', 'RestrictNamespaces=mnt', true, 'RestrictNamespaces=mnt'],
    ['RestrictNamespaces=net', 'RestrictNamespaces=net mnt', false, 'RestrictNamespaces=net mnt'],
    // A requirement naming an unknown namespace type is never met (fails closed).
    ['RestrictNamespaces=users', 'RestrictNamespaces=yes', false, 'RestrictNamespaces=yes'],
    ['RestrictNamespaces=users', 'RestrictNamespaces=net', false, 'RestrictNamespaces=net'],
    // `no` asks only that the unit say so.
    [
      'RestrictNamespaces=no',
      'RestrictNamespaces=no',
      true,
      'RestrictNamespaces=cgroup ipc net mnt pid user uts',
    ],
    ['RestrictNamespaces=no', '', false, 'RestrictNamespaces=(unset)'],
  ])('%s ← %j: met %s, has %s', (requirement, lines, met, actual) => {
    expect(check(requirement, lines)).toEqual({ met, actual });
  });
});

describe('checkRequirement: UMask= and literal values', () => {
  it.each([
    ['UMask=0027', 'UMask=0077', true, 'UMask=0077'],
    ['UMask=0027', 'UMask=0027', true, 'UMask=0027'],
    ['UMask=0027', '', false, 'UMask=0022'],
    ['UMask=0077', 'UMask=0027', false, 'UMask=0027'],
    // Not octal: never met.
    ['UMask=u=rwx', 'UMask=0077', false, 'UMask=0077'],
    ['User=api', 'User=api', true, 'User=api'],
    ['User=api', 'User=root', false, 'User=root'],
    ['User=api', '', false, 'User not set'],
    ['User=api', 'User=root\nUser=api', true, 'User=api'],
  ])('%s ← %j: met %s, has %s', (requirement, lines, met, actual) => {
    expect(check(requirement, lines)).toEqual({ met, actual });
  });
});

describe('forbiddenCapabilities: what the unit keeps beyond the allow list', () => {
  const P = systemdRelease(252);
  it.each([
    ['CapabilityBoundingSet=', [], []],
    ['CapabilityBoundingSet=CAP_NET_BIND_SERVICE', ['CAP_NET_BIND_SERVICE'], []],
    ['CapabilityBoundingSet=CAP_NET_BIND_SERVICE CAP_NET_RAW', ['CAP_NET_BIND_SERVICE'], ['CAP_NET_RAW']],
    // Deny list: everything but the named capability stays.
    ['CapabilityBoundingSet=~CAP_SYS_ADMIN', ['CAP_CHOWN'], 'many'],
    // A reset line empties the set.
    ['CapabilityBoundingSet=CAP_SYS_ADMIN\nCapabilityBoundingSet=', [], []],
    // Ambient capabilities count even when the bounding set is empty.
    ['CapabilityBoundingSet=\nAmbientCapabilities=CAP_NET_RAW', [], ['CAP_NET_RAW']],
    ['CapabilityBoundingSet=CAP_CHOWN\nAmbientCapabilities=CAP_CHOWN', ['cap_chown'], []],
    // Sorted by capability number, not by name.
    ['CapabilityBoundingSet=CAP_SYS_ADMIN CAP_CHOWN', [], ['CAP_CHOWN', 'CAP_SYS_ADMIN']],
  ])('%j allowed %j → %j', (lines, allowed, extra) => {
    const got = forbiddenCapabilities(settingsOf(lines), allowed, P);
    if (extra === 'many') {
      expect(got).not.toContain('CAP_SYS_ADMIN');
      expect(got).not.toContain('CAP_CHOWN');
      expect(got).toContain('CAP_NET_RAW');
    } else expect(got).toEqual(extra);
  });

  it('an unrestricted unit keeps every capability systemd knows', () => {
    expect(forbiddenCapabilities(settingsOf(''), [], P)).toHaveLength(
      Object.keys(P.data.capabilities).length,
    );
  });
});

describe('forbiddenAddressFamilies: what the unit may open beyond the allow list', () => {
  const P = systemdRelease(252);
  it.each([
    ['RestrictAddressFamilies=AF_UNIX', ['AF_UNIX'], []],
    ['RestrictAddressFamilies=AF_UNIX AF_PACKET AF_INET', ['AF_UNIX'], ['AF_INET', 'AF_PACKET']],
    ['RestrictAddressFamilies=af_unix', ['AF_UNIX'], []],
    ['RestrictAddressFamilies=none', [], []],
    // No list, a deny list, or a reset: any family.
    ['', ['AF_UNIX'], ['(any)']],
    ['RestrictAddressFamilies=~AF_PACKET', ['AF_UNIX'], ['(any)']],
    ['RestrictAddressFamilies=AF_UNIX\nRestrictAddressFamilies=', ['AF_UNIX'], ['(any)']],
    // A deny line after an allow line takes families out of the allow list.
    ['RestrictAddressFamilies=AF_UNIX AF_PACKET\nRestrictAddressFamilies=~AF_PACKET', ['AF_UNIX'], []],
    // AF_LOCAL and AF_UNIX are one family; it is named AF_UNIX.
    ['RestrictAddressFamilies=AF_LOCAL AF_NETLINK', [], ['AF_NETLINK', 'AF_UNIX']],
  ])('%j allowed %j → %j', (lines, allowed, extra) => {
    expect(forbiddenAddressFamilies(settingsOf(lines), allowed, P)).toEqual(extra);
  });
});
