// assessUnit(): every scoring rule (assessor kind) on small units, systemd's integer aggregation and
// levels, the printing order of the rows, and `--security-policy=` overrides (spec §2.2, §3, §5, §6.1).
import { loadUnit } from '../../../src/core/unit/load-unit';
import { memoryTree } from '../../../src/core/unit/unit-tree';
import { deriveSecuritySettings, type SecuritySettings } from '../../../src/core/security/settings';
import { SUPPORTED_VERSIONS, systemdRelease, type SystemdVersion } from '../../../src/core/security/versions';
import {
  AssessmentAbort,
  assessUnit,
  runsPrivileged,
  sortRows,
  type AssessedRow,
  type Assessment,
} from '../../../src/core/security/assess';
import { parseSecurityPolicy, type SecurityPolicy } from '../../../src/core/security/security-policy';

const ETC = '/etc/systemd/system';

/** The `hardened` test vector of spec §9 (score 0.2 on 252.38). */
const HARDENED = [
  'User=svc',
  'PrivateTmp=yes',
  'PrivateDevices=yes',
  'PrivateNetwork=yes',
  'ProtectSystem=strict',
  'ProtectHome=yes',
  'ProtectKernelTunables=yes',
  'ProtectKernelModules=yes',
  'ProtectKernelLogs=yes',
  'ProtectControlGroups=yes',
  'ProtectClock=yes',
  'ProtectHostname=yes',
  'ProtectProc=invisible',
  'ProcSubset=pid',
  'NoNewPrivileges=yes',
  'LockPersonality=yes',
  'MemoryDenyWriteExecute=yes',
  'RestrictRealtime=yes',
  'RestrictSUIDSGID=yes',
  'RestrictNamespaces=yes',
  'RemoveIPC=yes',
  'PrivateUsers=yes',
  'PrivateMounts=yes',
  'CapabilityBoundingSet=',
  'AmbientCapabilities=',
  'RestrictAddressFamilies=AF_UNIX',
  'SystemCallArchitectures=native',
  'SystemCallFilter=@system-service',
  'SystemCallFilter=~@privileged @resources',
  'IPAddressDeny=any',
  'UMask=0077',
  'DevicePolicy=closed',
  'KeyringMode=private',
];

function settingsOf(text: string, version: SystemdVersion = 252, name = 'x.service'): SecuritySettings {
  const loaded = loadUnit(memoryTree({ [`${ETC}/${name}`]: text }), name, { searchPath: [ETC] });
  if (!loaded.ok) throw new Error(loaded.failure.message);
  const d = deriveSecuritySettings(loaded.unit, systemdRelease(version));
  if (!d.settings) throw new Error(`unexpected load failure: ${d.failure?.message}`);
  return d.settings;
}

const serviceText = (lines: readonly string[]) =>
  ['[Service]', 'ExecStart=/bin/true', ...lines, ''].join('\n');

function assess(
  lines: readonly string[],
  version: SystemdVersion = 252,
  policy?: SecurityPolicy,
): Assessment {
  const profile = systemdRelease(version);
  return assessUnit(settingsOf(serviceText(lines), version), profile, policy);
}

function rowOf(a: Assessment, name: string): AssessedRow {
  const row = a.rows.find((r) => r.assessor.name === name);
  if (!row) throw new Error(`no row ${name}`);
  return row;
}

/** badness / set / description of one row of a service with these extra lines. */
function verdict(lines: readonly string[], name: string, version: SystemdVersion = 252) {
  const r = rowOf(assess(lines, version), name);
  return { badness: r.badness, set: r.set, description: r.description };
}

function policyOf(doc: object): SecurityPolicy {
  const r = parseSecurityPolicy(JSON.stringify(doc), 'policy.json', false);
  if (!r.ok) throw new Error(r.message);
  return r.policy;
}

const good = (description: string) => ({ badness: 0, set: true, description });
const bad = (badness: number, description: string | null) => ({ badness, set: false, description });
const na = (description: string | null) => ({ badness: undefined, set: null, description });

describe('rule: bool', () => {
  it.each([
    [[], 'PrivateNetwork=', bad(1, "Service has access to the host's network")],
    [['PrivateNetwork=yes'], 'PrivateNetwork=', good("Service has no access to the host's network")],
    [['PrivateTmp=yes'], 'PrivateTmp=', good("Service has no access to other software's temporary files")],
    [['NoNewPrivileges=yes'], 'NoNewPrivileges=', good('Service processes cannot acquire new privileges')],
    [
      ['ProtectKernelTunables=true'],
      'ProtectKernelTunables=',
      good('Service cannot alter kernel tunables (/proc/sys, …)'),
    ],
    [['ProtectHostname=yes'], 'ProtectHostname=', good('Service cannot change system host/domainname')],
    [['LockPersonality=1'], 'LockPersonality=', good('Service cannot change ABI personality')],
    [['RestrictSUIDSGID=on'], 'RestrictSUIDSGID=', good('SUID/SGID file creation by service is restricted')],
    // Delegate= is the inverted one: having it is bad.
    [[], 'Delegate=', good('Service does not maintain its own delegated control group subtree')],
    [['Delegate=yes'], 'Delegate=', bad(1, 'Service maintains its own delegated control group subtree')],
  ] as const)('%j → %s', (lines, name, expected) => {
    expect(verdict(lines, name)).toEqual(expected);
  });

  it.each([
    [252, [], 1],
    [252, ['PrivateMounts=yes'], 0],
    [257, [], 0],
    [257, ['PrivateMounts=no'], 1],
    [262, [], 0],
    [257, ['PrivateTmp=disconnected'], 0],
    [252, ['PrivateTmp=disconnected'], 1],
  ] as const)('v%d %j → PrivateMounts=/PrivateTmp= badness %d', (version, lines, badness) => {
    const name = lines.some((l) => l.startsWith('PrivateTmp')) ? 'PrivateTmp=' : 'PrivateMounts=';
    expect(verdict(lines, name, version).badness).toBe(badness);
  });

  describe('RestrictAddressFamilies= rows (a flag per family class)', () => {
    const ROWS = [
      'RestrictAddressFamilies=~AF_(INET|INET6)',
      'RestrictAddressFamilies=~AF_UNIX',
      'RestrictAddressFamilies=~AF_NETLINK',
      'RestrictAddressFamilies=~AF_PACKET',
      'RestrictAddressFamilies=~…',
    ];
    it.each([
      [[], [1, 1, 1, 1, 1]],
      [['RestrictAddressFamilies=none'], [0, 0, 0, 0, 0]],
      [['RestrictAddressFamilies=AF_UNIX'], [0, 1, 0, 0, 0]],
      [['RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX'], [1, 1, 0, 0, 0]],
      // One of AF_INET/AF_INET6 is enough to flip the inet class either way.
      [['RestrictAddressFamilies=AF_INET6'], [1, 0, 0, 0, 0]],
      [['RestrictAddressFamilies=~AF_INET'], [0, 1, 1, 1, 1]],
      [['RestrictAddressFamilies=~AF_PACKET AF_NETLINK'], [1, 1, 0, 0, 1]],
      [['RestrictAddressFamilies=~AF_BLUETOOTH'], [1, 1, 1, 1, 0]],
      [['RestrictAddressFamilies=AF_BLUETOOTH'], [0, 0, 0, 0, 1]],
      [
        ['RestrictAddressFamilies=AF_INET', 'RestrictAddressFamilies=~AF_INET'],
        [0, 0, 0, 0, 0],
      ],
      [
        ['RestrictAddressFamilies=AF_UNIX', 'RestrictAddressFamilies='],
        [1, 1, 1, 1, 1],
      ],
    ] as const)('%j → %j', (lines, badness) => {
      const a = assess(lines);
      expect(ROWS.map((name) => rowOf(a, name).badness)).toEqual(badness);
    });
  });
});

describe('rule: user', () => {
  it.each([
    [[], bad(10, 'Service runs as root user')],
    [['User=root'], bad(10, 'Service runs as root user')],
    [['User=0'], bad(10, 'Service runs as root user')],
    [['User=nobody'], bad(9, "Service runs under as 'nobody' user, which should not be used for services")],
    [['User=web'], good('Service runs under a static non-root user identity')],
    [['User=1000'], good('Service runs under a static non-root user identity')],
    [['User=00root'], good('Service runs under a static non-root user identity')],
    [['DynamicUser=yes'], good('Service runs under a transient non-root user identity')],
    [['DynamicUser=yes', 'User=web'], good('Service runs under a transient non-root user identity')],
    [['DynamicUser=yes', 'User=root'], bad(10, 'Service runs as root user')],
    [
      ['DynamicUser=yes', 'User=nobody'],
      bad(9, "Service runs under as 'nobody' user, which should not be used for services"),
    ],
  ] as const)('%j', (lines, expected) => {
    expect(verdict(lines, 'User=/DynamicUser=')).toEqual(expected);
  });

  it('DynamicUser=yes in nobody.service becomes User=nobody', () => {
    const a = assessUnit(
      settingsOf(serviceText(['DynamicUser=yes']), 252, 'nobody.service'),
      systemdRelease(252),
    );
    expect(rowOf(a, 'User=/DynamicUser=').badness).toBe(9);
  });
});

describe('runsPrivileged', () => {
  it.each([
    [[], true],
    [['User=root'], true],
    [['User=0'], true],
    [['User=web'], false],
    [['DynamicUser=yes'], false],
    [['DynamicUser=yes', 'User=root'], true],
    [['DynamicUser=yes', 'User=0'], true],
  ] as const)('%j → %s', (lines, expected) => {
    expect(runsPrivileged(settingsOf(serviceText(lines)))).toBe(expected);
  });
});

describe('rules: supplementary_groups and remove_ipc', () => {
  it.each([
    [[], 'SupplementaryGroups=', na('Service runs as root, option does not matter')],
    [
      ['User=root', 'SupplementaryGroups=wheel'],
      'SupplementaryGroups=',
      na('Service runs as root, option does not matter'),
    ],
    [['User=web'], 'SupplementaryGroups=', good('Service has no supplementary groups')],
    [
      ['User=web', 'SupplementaryGroups=wheel'],
      'SupplementaryGroups=',
      bad(1, 'Service runs with supplementary groups'),
    ],
    [
      ['DynamicUser=yes', 'SupplementaryGroups=wheel'],
      'SupplementaryGroups=',
      bad(1, 'Service runs with supplementary groups'),
    ],
    [[], 'RemoveIPC=', na('Service runs as root, option does not apply')],
    [['RemoveIPC=yes'], 'RemoveIPC=', na('Service runs as root, option does not apply')],
    [['User=web'], 'RemoveIPC=', bad(1, 'Service user may leave SysV IPC objects around')],
    [['User=web', 'RemoveIPC=yes'], 'RemoveIPC=', good('Service user cannot leave SysV IPC objects around')],
    [['DynamicUser=yes'], 'RemoveIPC=', good('Service user cannot leave SysV IPC objects around')],
  ] as const)('%j → %s', (lines, name, expected) => {
    expect(verdict(lines, name)).toEqual(expected);
  });
});

describe('rules: protect_home, protect_system, root_directory', () => {
  it.each([
    [[], 'ProtectHome=', bad(10, 'Service has full access to home directories')],
    [['ProtectHome=no'], 'ProtectHome=', bad(10, 'Service has full access to home directories')],
    [['ProtectHome=yes'], 'ProtectHome=', good('Service has no access to home directories')],
    [['ProtectHome=read-only'], 'ProtectHome=', bad(5, 'Service has read-only access to home directories')],
    [['ProtectHome=tmpfs'], 'ProtectHome=', bad(1, 'Service has access to fake empty home directories')],
    [[], 'ProtectSystem=', bad(10, 'Service has full access to the OS file hierarchy')],
    [
      ['ProtectSystem=yes'],
      'ProtectSystem=',
      bad(5, 'Service has limited write access to the OS file hierarchy'),
    ],
    [
      ['ProtectSystem=full'],
      'ProtectSystem=',
      bad(3, 'Service has very limited write access to the OS file hierarchy'),
    ],
    [
      ['ProtectSystem=strict'],
      'ProtectSystem=',
      good('Service has strict read-only access to the OS file hierarchy'),
    ],
    [
      ['DynamicUser=yes'],
      'ProtectSystem=',
      good('Service has strict read-only access to the OS file hierarchy'),
    ],
    [[], 'RootDirectory=/RootImage=', bad(1, "Service runs within the host's root directory")],
    [
      ['RootDirectory=/'],
      'RootDirectory=/RootImage=',
      bad(1, "Service runs within the host's root directory"),
    ],
    [
      ['RootDirectory=//'],
      'RootDirectory=/RootImage=',
      bad(1, "Service runs within the host's root directory"),
    ],
    [
      ['RootDirectory=/srv/root'],
      'RootDirectory=/RootImage=',
      good('Service has its own root directory/image'),
    ],
    [['RootImage=/img.raw'], 'RootDirectory=/RootImage=', good('Service has its own root directory/image')],
  ] as const)('%j → %s', (lines, name, expected) => {
    expect(verdict(lines, name)).toEqual(expected);
  });

  it.each(['PrivateTmp=', 'ProtectHome=', 'ProtectSystem=', 'RootDirectory=/RootImage='])(
    'DefaultDependencies=no makes %s not applicable',
    (name) => {
      const text = '[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/true\nProtectSystem=strict\n';
      const row = rowOf(assessUnit(settingsOf(text), systemdRelease(252)), name);
      expect(row).toMatchObject(na('Service runs in special boot phase, option is not appropriate'));
    },
  );

  it('DefaultDependencies=no leaves the other rows alone', () => {
    const text = '[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/true\n';
    expect(rowOf(assessUnit(settingsOf(text), systemdRelease(252)), 'PrivateNetwork=').badness).toBe(1);
  });
});

describe('rule: capability_bounding_set', () => {
  it.each([
    [[], 'CapabilityBoundingSet=~CAP_SYS_ADMIN', bad(1, 'Service has administrator privileges')],
    [
      ['CapabilityBoundingSet='],
      'CapabilityBoundingSet=~CAP_SYS_ADMIN',
      good('Service has no administrator privileges'),
    ],
    [
      ['CapabilityBoundingSet=CAP_SYS_ADMIN'],
      'CapabilityBoundingSet=~CAP_SYS_ADMIN',
      bad(1, 'Service has administrator privileges'),
    ],
    [
      ['CapabilityBoundingSet=CAP_SYS_ADMIN'],
      'CapabilityBoundingSet=~CAP_SET(UID|GID|PCAP)',
      good('Service cannot change UID/GID identities/capabilities'),
    ],
    // A row counts as bad when *any* of its capabilities is left.
    [
      ['CapabilityBoundingSet=~CAP_SETUID'],
      'CapabilityBoundingSet=~CAP_SET(UID|GID|PCAP)',
      bad(1, 'Service may change UID/GID identities/capabilities'),
    ],
    [
      ['CapabilityBoundingSet=~CAP_SETUID CAP_SETGID CAP_SETPCAP'],
      'CapabilityBoundingSet=~CAP_SET(UID|GID|PCAP)',
      good('Service cannot change UID/GID identities/capabilities'),
    ],
    [
      ['CapabilityBoundingSet=CAP_SETPCAP'],
      'CapabilityBoundingSet=~CAP_SET(UID|GID|PCAP)',
      bad(1, 'Service may change UID/GID identities/capabilities'),
    ],
    [
      ['ProtectClock=yes'],
      'CapabilityBoundingSet=~CAP_SYS_TIME',
      good('Service processes cannot change the system clock'),
    ],
    [['PrivateDevices=yes'], 'CapabilityBoundingSet=~CAP_MKNOD', good('Service cannot create device nodes')],
    [
      ['CapabilityBoundingSet=CAP_BOGUS'],
      'CapabilityBoundingSet=~CAP_SYS_ADMIN',
      good('Service has no administrator privileges'),
    ],
  ] as const)('%j → %s', (lines, name, expected) => {
    expect(verdict(lines, name)).toEqual(expected);
  });

  it('has a CAP_BPF row in every supported version', () => {
    for (const v of [252, 257, 262] as const) {
      expect(verdict(['CapabilityBoundingSet=CAP_BPF'], 'CapabilityBoundingSet=~CAP_BPF', v)).toEqual(
        bad(1, 'Service may load BPF programs'),
      );
    }
  });
});

describe('rule: umask', () => {
  it.each([
    ['0000', 10, 'Files created by service are world-writable by default'],
    ['0070', 10, 'Files created by service are world-writable by default'],
    ['0002', 5, 'Files created by service are world-readable by default'],
    ['0022', 5, 'Files created by service are world-readable by default'],
    ['0006', 2, 'Files created by service are group-writable by default'],
    ['0007', 2, 'Files created by service are group-writable by default'],
    ['0027', 1, 'Files created by service are group-readable by default'],
    ['0037', 1, 'Files created by service are group-readable by default'],
    ['0077', 0, "Files created by service are accessible only by service's own user by default"],
    ['0777', 0, "Files created by service are accessible only by service's own user by default"],
  ])('UMask=%s → %d', (umask, badness, description) => {
    expect(verdict([`UMask=${umask}`], 'UMask=')).toMatchObject({ badness, description });
  });
});

describe('rules: keyring_mode, protect_proc, proc_subset, notify_access, ambient_capabilities', () => {
  it.each([
    [[], 'KeyringMode=', good("Service doesn't share key material with other services")],
    [['KeyringMode=shared'], 'KeyringMode=', bad(1, 'Service shares key material with other service')],
    [['KeyringMode=inherit'], 'KeyringMode=', bad(1, 'Service shares key material with other service')],
    [[], 'ProtectProc=', bad(3, 'Service has full access to process tree (/proc hidepid=)')],
    [
      ['ProtectProc=default'],
      'ProtectProc=',
      bad(3, 'Service has full access to process tree (/proc hidepid=)'),
    ],
    [
      ['ProtectProc=invisible'],
      'ProtectProc=',
      good('Service has restricted access to process tree (/proc hidepid=)'),
    ],
    [
      ['ProtectProc=ptraceable'],
      'ProtectProc=',
      good('Service has restricted access to process tree (/proc hidepid=)'),
    ],
    // A partial badness without a text of its own: no description at all (JSON null).
    [['ProtectProc=noaccess'], 'ProtectProc=', bad(1, null)],
    [[], 'ProcSubset=', bad(1, 'Service has full access to non-process /proc files (/proc subset=)')],
    [
      ['ProcSubset=pid'],
      'ProcSubset=',
      good('Service has no access to non-process /proc files (/proc subset=)'),
    ],
    [[], 'NotifyAccess=', good('Service child processes cannot alter service state')],
    [['NotifyAccess=main'], 'NotifyAccess=', good('Service child processes cannot alter service state')],
    [['NotifyAccess=exec'], 'NotifyAccess=', good('Service child processes cannot alter service state')],
    [['NotifyAccess=all'], 'NotifyAccess=', bad(1, 'Service child processes may alter service state')],
    [[], 'AmbientCapabilities=', good('Service process does not receive ambient capabilities')],
    [
      ['AmbientCapabilities=CAP_NET_BIND_SERVICE'],
      'AmbientCapabilities=',
      bad(1, 'Service process receives ambient capabilities'),
    ],
  ] as const)('%j → %s', (lines, name, expected) => {
    expect(verdict(lines, name)).toEqual(expected);
  });

  it('a unit without exec context keeps KeyringMode unset (bad)', () => {
    const a = assessUnit(settingsOf('[Timer]\nOnCalendar=daily\n', 252, 'x.timer'), systemdRelease(252));
    expect(rowOf(a, 'KeyringMode=').badness).toBe(1);
  });
});

describe('rule: restrict_namespaces', () => {
  const ROWS = ['user', 'mnt', 'ipc', 'pid', 'cgroup', 'net', 'uts'].map((n) => `RestrictNamespaces=~${n}`);
  it.each([
    [[], [1, 1, 1, 1, 1, 1, 1]],
    [['RestrictNamespaces=yes'], [0, 0, 0, 0, 0, 0, 0]],
    [['RestrictNamespaces=no'], [1, 1, 1, 1, 1, 1, 1]],
    [['RestrictNamespaces=~user'], [0, 1, 1, 1, 1, 1, 1]],
    [['RestrictNamespaces=user'], [1, 0, 0, 0, 0, 0, 0]],
    [['RestrictNamespaces=net mnt'], [0, 1, 0, 0, 0, 1, 0]],
    [
      ['RestrictNamespaces=~user net', 'RestrictNamespaces=net'],
      [0, 1, 1, 1, 1, 1, 1],
    ],
    [['RestrictNamespaces=time'], [0, 0, 0, 0, 0, 0, 0]],
    [['RestrictNamespaces=user bogus'], [1, 1, 1, 1, 1, 1, 1]],
  ] as const)('%j → %j', (lines, badness) => {
    const a = assess(lines);
    expect(ROWS.map((name) => rowOf(a, name).badness)).toEqual(badness);
  });

  it('uses the table texts', () => {
    expect(verdict([], 'RestrictNamespaces=~user')).toEqual(bad(1, 'Service may create user namespaces'));
    expect(verdict(['RestrictNamespaces=yes'], 'RestrictNamespaces=~user')).toEqual(
      good('Service cannot create user namespaces'),
    );
  });
});

describe('rule: system_call_architectures', () => {
  it.each([
    [[], bad(10, 'Service may execute system calls with all ABIs')],
    [['SystemCallArchitectures=native'], good('Service may execute system calls only with native ABI')],
    [
      ['SystemCallArchitectures=native native'],
      good('Service may execute system calls only with native ABI'),
    ],
    // Only the literal word `native` counts, even on x86-64.
    [['SystemCallArchitectures=x86-64'], bad(8, 'Service may execute system calls with multiple ABIs')],
    [['SystemCallArchitectures=native x86'], bad(8, 'Service may execute system calls with multiple ABIs')],
    [
      ['SystemCallArchitectures=native', 'SystemCallArchitectures='],
      bad(10, 'Service may execute system calls with all ABIs'),
    ],
  ] as const)('%j', (lines, expected) => {
    expect(verdict(lines, 'SystemCallArchitectures=')).toEqual(expected);
  });
});

describe('rule: system_call_filter', () => {
  it.each([
    [[], '@swap', bad(10, 'Service does not filter system calls')],
    [
      ['SystemCallFilter=~@swap:EPERM', 'SystemCallFilter=swapon swapoff'],
      '@swap',
      bad(10, 'Service does not filter system calls'),
    ],
    [['SystemCallFilter=~reboot:EBOGUS'], '@reboot', bad(10, 'Service does not filter system calls')],
    [
      ['SystemCallFilter=~@clock'],
      '@clock',
      good('System call deny list defined for service, and @clock is included'),
    ],
    [
      ['SystemCallFilter=~@clock'],
      '@swap',
      bad(
        10,
        'System call deny list defined for service, and @swap is not included (e.g. swapoff is allowed)',
      ),
    ],
    [
      ['SystemCallFilter=~@clock'],
      '@mount',
      bad(
        10,
        'System call deny list defined for service, and @mount is not included (e.g. chroot is allowed)',
      ),
    ],
    [
      ['SystemCallFilter=~@clock'],
      '@obsolete',
      bad(
        10,
        'System call deny list defined for service, and @obsolete is not included (e.g. _sysctl is allowed)',
      ),
    ],
    [
      ['SystemCallFilter=~@mount', 'SystemCallFilter=mount'],
      '@mount',
      bad(
        10,
        'System call deny list defined for service, and @mount is not included (e.g. mount is allowed)',
      ),
    ],
    [
      ['SystemCallFilter=@system-service'],
      '@privileged',
      bad(
        9,
        'System call allow list defined for service, and @privileged is included (e.g. chown is allowed)',
      ),
    ],
    [
      ['SystemCallFilter=@system-service'],
      '@resources',
      bad(
        9,
        'System call allow list defined for service, and @resources is included (e.g. ioprio_set is allowed)',
      ),
    ],
    [
      ['SystemCallFilter=@system-service'],
      '@swap',
      good('System call allow list defined for service, and @swap is not included'),
    ],
    [
      ['SystemCallFilter=@system-service', 'SystemCallFilter=~@privileged @resources'],
      '@privileged',
      good('System call allow list defined for service, and @privileged is not included'),
    ],
    // An allow list that ends up empty is still a filter.
    [
      ['SystemCallFilter=@default', 'SystemCallFilter=~@default'],
      '@swap',
      good('System call allow list defined for service, and @swap is not included'),
    ],
    [
      ['SystemCallFilter=@clock'],
      '@clock',
      bad(9, 'System call allow list defined for service, and @clock is included (e.g. adjtimex is allowed)'),
    ],
  ] as const)('%j → %s', (lines, group, expected) => {
    expect(verdict(lines, `SystemCallFilter=~${group}`)).toEqual(expected);
  });

  it('the @system-service allow list scores only @privileged and @resources, in every version', () => {
    for (const v of [252, 257, 262] as const) {
      const a = assess(['SystemCallFilter=@system-service'], v);
      const offending = a.rows.filter((r) => r.assessor.kind === 'system_call_filter' && r.badness !== 0);
      expect(offending.map((r) => r.assessor.name).sort()).toEqual([
        'SystemCallFilter=~@privileged',
        'SystemCallFilter=~@resources',
      ]);
    }
  });
});

describe('rule: ip_address_allow (row IPAddressDeny=)', () => {
  it.each([
    [[], bad(10, 'Service does not define an IP address allow list')],
    [['IPAddressAllow=localhost'], bad(10, 'Service does not define an IP address allow list')],
    [['IPAddressDeny=0.0.0.0/0'], bad(10, 'Service does not define an IP address allow list')],
    [['IPAddressDeny=any'], good('Service blocks all IP address ranges')],
    [
      ['IPAddressDeny=any', 'IPAddressAllow=localhost'],
      bad(2, 'Service defines IP address allow list with only localhost entries'),
    ],
    [
      ['IPAddressDeny=any', 'IPAddressAllow=10.0.0.0/8'],
      bad(5, 'Service defines IP address allow list with non-localhost entries'),
    ],
    [
      ['IPAddressDeny=any', 'IPAddressAllow=localhost 10.0.0.1'],
      bad(5, 'Service defines IP address allow list with non-localhost entries'),
    ],
    [
      ['IPIngressFilterPath=/sys/fs/bpf/x'],
      good('Service defines custom ingress/egress IP filters with BPF programs'),
    ],
    [
      ['IPEgressFilterPath=/sys/fs/bpf/x', 'IPAddressAllow=any'],
      good('Service defines custom ingress/egress IP filters with BPF programs'),
    ],
  ] as const)('%j', (lines, expected) => {
    expect(verdict(lines, 'IPAddressDeny=')).toEqual(expected);
  });
});

describe('rule: device_allow', () => {
  it.each([
    [[], bad(10, 'Service has no device ACL')],
    [['DeviceAllow=/dev/null rw'], bad(10, 'Service has no device ACL')],
    [['DevicePolicy=auto'], bad(10, 'Service has no device ACL')],
    [['DevicePolicy=closed'], good('Service has a minimal device ACL')],
    [['DevicePolicy=strict'], good('Service has a minimal device ACL')],
    [['PrivateDevices=yes'], good('Service has a minimal device ACL')],
    [
      ['PrivateDevices=yes', 'ProtectClock=yes'],
      bad(5, 'Service has a device ACL with some special devices: char-rtc:r'),
    ],
    [
      ['DevicePolicy=strict', 'DeviceAllow=/dev/null rw', 'DeviceAllow=/dev/zero'],
      bad(5, 'Service has a device ACL with some special devices: /dev/zero:rwm /dev/null:rw'),
    ],
  ] as const)('%j', (lines, expected) => {
    expect(verdict(lines, 'DeviceAllow=')).toEqual(expected);
  });

  it('a unit without cgroup context has no device ACL', () => {
    const a = assessUnit(settingsOf('[Timer]\nOnCalendar=daily\n', 252, 'x.timer'), systemdRelease(252));
    expect(rowOf(a, 'DeviceAllow=').badness).toBe(10);
  });
});

describe('aggregation (spec §3)', () => {
  it.each([
    [252, 96],
    [257, 94],
    [262, 94],
  ] as const)('the worked example [Service] ExecStart=/bin/true scores %d on v%d', (version, exposure) => {
    const a = assess([], version);
    expect(a.exposure).toBe(exposure);
    expect(a.level.name).toBe('UNSAFE');
    expect(a.unitId).toBe('x.service');
  });

  it('worked example on v252: 53510 / 56160 → ceil(100·53510/56160) = 96', () => {
    const a = assess([]);
    const applicable = a.rows.filter((r) => r.badness !== undefined);
    const weightSum = applicable.reduce((s, r) => s + r.weight, 0);
    const badnessSum = applicable.reduce(
      (s, r) => s + Math.ceil(((r.badness as number) * r.weight) / r.range),
      0,
    );
    expect([weightSum, badnessSum]).toEqual([56160, 53510]);
  });

  it.each([
    ['PrivateNetwork=', '0.5'],
    ['User=/DynamicUser=', '0.4'],
    ['CapabilityBoundingSet=~CAP_SYS_ADMIN', '0.3'],
    ['ProtectSystem=', '0.2'],
    ['UMask=', '0.1'],
    ['CapabilityBoundingSet=~CAP_BPF', '0.1'],
    ['NotifyAccess=', null],
    ['SupplementaryGroups=', null],
  ])('row exposure of %s in the worked example is %j', (name, exposure) => {
    expect(rowOf(assess([]), name).exposure).toBe(exposure);
  });

  it.each([
    ['the hardened unit of the test vectors', 252, HARDENED, 2],
    [
      'the hardened unit with DynamicUser=',
      252,
      ['DynamicUser=yes', ...HARDENED.filter((l) => !l.startsWith('User='))],
      2,
    ],
    ['DynamicUser=yes alone', 252, ['DynamicUser=yes'], 84],
    ['DynamicUser=yes with User=root', 252, ['DynamicUser=yes', 'User=root'], 88],
    ['User=nobody', 252, ['User=nobody'], 95],
    ['User=root', 252, ['User=root'], 96],
  ] as const)('%s scores %d on v%d', (_name, version, lines, exposure) => {
    expect(assess(lines, version).exposure).toBe(exposure);
  });

  it('a timer (no exec, no cgroup context) scores 98 even on v257', () => {
    for (const v of [252, 257] as const) {
      expect(
        assessUnit(settingsOf('[Timer]\nOnCalendar=daily\n', v, 'x.timer'), systemdRelease(v)).exposure,
      ).toBe(98);
    }
  });
});

describe('levels', () => {
  // Two rows left by the policy: PrivateNetwork= (bad) with weight W and NotifyAccess= (good) with
  // weight 100 - W, so that the exposure is exactly W.
  const onlyTwoRows = (w: number): SecurityPolicy => {
    const doc: Record<string, { weight: number }> = {};
    for (const a of systemdRelease(252).data.assessors) doc[a.jsonField] = { weight: 0 };
    doc.PrivateNetwork = { weight: w };
    doc.NotifyAccess = { weight: 100 - w };
    return policyOf(doc);
  };

  it.each([
    [0, 'PERFECT'],
    [1, 'SAFE'],
    [9, 'SAFE'],
    [10, 'OK'],
    [49, 'OK'],
    [50, 'MEDIUM'],
    [74, 'MEDIUM'],
    [75, 'EXPOSED'],
    [89, 'EXPOSED'],
    [90, 'UNSAFE'],
    [99, 'UNSAFE'],
    [100, 'DANGEROUS'],
  ])('exposure %d is %s', (exposure, level) => {
    const a = assess([], 252, onlyTwoRows(exposure));
    expect(a.exposure).toBe(exposure);
    expect(a.level.name).toBe(level);
  });
});

describe('row order (description descending, then name, then table order)', () => {
  // systemd-analyze 252.38 --offline=true --json=short on `[Service]\nExecStart=/bin/true`.
  const ORDER_252 = [
    'RootDirectory=/RootImage=',
    'SupplementaryGroups=',
    'RemoveIPC=',
    'User=/DynamicUser=',
    'CapabilityBoundingSet=~CAP_SYS_TIME',
    'NoNewPrivileges=',
    'AmbientCapabilities=',
    'PrivateDevices=',
    'ProtectClock=',
    'CapabilityBoundingSet=~CAP_SYS_PACCT',
    'CapabilityBoundingSet=~CAP_KILL',
    'ProtectKernelLogs=',
    'CapabilityBoundingSet=~CAP_WAKE_ALARM',
    'CapabilityBoundingSet=~CAP_(DAC_*|FOWNER|IPC_OWNER)',
    'ProtectControlGroups=',
    'CapabilityBoundingSet=~CAP_LINUX_IMMUTABLE',
    'CapabilityBoundingSet=~CAP_IPC_LOCK',
    'ProtectKernelModules=',
    'CapabilityBoundingSet=~CAP_SYS_MODULE',
    'CapabilityBoundingSet=~CAP_BPF',
    'CapabilityBoundingSet=~CAP_SYS_TTY_CONFIG',
    'CapabilityBoundingSet=~CAP_SYS_BOOT',
    'CapabilityBoundingSet=~CAP_SYS_CHROOT',
    'PrivateMounts=',
    'SystemCallArchitectures=',
    'CapabilityBoundingSet=~CAP_BLOCK_SUSPEND',
    'MemoryDenyWriteExecute=',
    'RestrictNamespaces=~user',
    'RestrictNamespaces=~pid',
    'RestrictNamespaces=~net',
    'RestrictNamespaces=~uts',
    'RestrictNamespaces=~mnt',
    'CapabilityBoundingSet=~CAP_LEASE',
    'CapabilityBoundingSet=~CAP_MKNOD',
    'RestrictNamespaces=~cgroup',
    'RestrictSUIDSGID=',
    'RestrictNamespaces=~ipc',
    'ProtectHostname=',
    'CapabilityBoundingSet=~CAP_(CHOWN|FSETID|SETFCAP)',
    'CapabilityBoundingSet=~CAP_SET(UID|GID|PCAP)',
    'LockPersonality=',
    'ProtectKernelTunables=',
    'RestrictAddressFamilies=~AF_PACKET',
    'RestrictAddressFamilies=~AF_NETLINK',
    'RestrictAddressFamilies=~AF_UNIX',
    'RestrictAddressFamilies=~…',
    'RestrictAddressFamilies=~AF_(INET|INET6)',
    'CapabilityBoundingSet=~CAP_MAC_*',
    'RestrictRealtime=',
    'CapabilityBoundingSet=~CAP_SYS_RAWIO',
    'CapabilityBoundingSet=~CAP_SYS_PTRACE',
    'CapabilityBoundingSet=~CAP_SYS_(NICE|RESOURCE)',
    'DeviceAllow=',
    'CapabilityBoundingSet=~CAP_NET_ADMIN',
    'ProtectSystem=',
    'ProtectProc=',
    'ProcSubset=',
    'ProtectHome=',
    'CapabilityBoundingSet=~CAP_NET_(BIND_SERVICE|BROADCAST|RAW)',
    'CapabilityBoundingSet=~CAP_AUDIT_*',
    'CapabilityBoundingSet=~CAP_SYS_ADMIN',
    'PrivateNetwork=',
    'PrivateUsers=',
    'PrivateTmp=',
    'CapabilityBoundingSet=~CAP_SYSLOG',
    'KeyringMode=',
    'Delegate=',
    'SystemCallFilter=~@clock',
    'SystemCallFilter=~@cpu-emulation',
    'SystemCallFilter=~@debug',
    'SystemCallFilter=~@module',
    'SystemCallFilter=~@mount',
    'SystemCallFilter=~@obsolete',
    'SystemCallFilter=~@privileged',
    'SystemCallFilter=~@raw-io',
    'SystemCallFilter=~@reboot',
    'SystemCallFilter=~@resources',
    'SystemCallFilter=~@swap',
    'IPAddressDeny=',
    'NotifyAccess=',
    'UMask=',
  ];

  it('matches systemd 252 for the worked example', () => {
    expect(assess([]).rows.map((r) => r.assessor.name)).toEqual(ORDER_252);
  });

  it.each([252, 257, 262] as const)(
    'v%d: descriptions never ascend; equal descriptions sort by name',
    (version) => {
      const rows = assess(['User=web', 'SystemCallFilter=~@clock'], version).rows;
      for (let i = 1; i < rows.length; i++) {
        const [p, c] = [rows[i - 1] as AssessedRow, rows[i] as AssessedRow];
        if (p.description === null || c.description === null) continue;
        expect(p.description >= c.description).toBe(true);
        if (p.description === c.description) expect(p.assessor.name < c.assessor.name).toBe(true);
      }
    },
  );

  it.each([
    // ProtectProc=noaccess has no description: where it lands is glibc's merge sort (v252–v257) or first (v262).
    [252, 'NotifyAccess=', 'UMask='],
    [257, 'NotifyAccess=', 'PrivateMounts='],
  ] as const)('v%d puts ProtectProc=noaccess between %s and %s', (version, before, after) => {
    const names = assess(['ProtectProc=noaccess'], version).rows.map((r) => r.assessor.name);
    const i = names.indexOf('ProtectProc=');
    expect([names[i - 1], names[i + 1]]).toEqual([before, after]);
  });

  it('v252 puts ProtectProc=noaccess second-to-last for the basic service', () => {
    const names = assess(['ProtectProc=noaccess']).rows.map((r) => r.assessor.name);
    expect(names.slice(-4)).toEqual(['IPAddressDeny=', 'NotifyAccess=', 'ProtectProc=', 'UMask=']);
  });

  it('v262 puts ProtectProc=noaccess first', () => {
    expect(assess(['ProtectProc=noaccess'], 262).rows[0]?.assessor.name).toBe('ProtectProc=');
  });

  it('sortRows keeps the comparator order for rows that all have descriptions', () => {
    const rows = assess([]).rows;
    const shuffled = [...rows].reverse();
    // The input order only matters for ties, which names resolve.
    expect(sortRows(shuffled, false).map((r) => r.assessor.name)).toEqual(ORDER_252);
  });
});

describe('row order from precomputed ranks', () => {
  // assessUnit() orders rows by numeric keys (text rank, name rank) and an insertion sort that starts
  // from the previous unit's order; sortRows() is the comparator itself. They must always agree.
  const policy = policyOf({
    PrivateNetwork: { description_good: 'Zzz custom good text', description_bad: 'Aaa custom bad text' },
    // The known text just after the device ACL list of the cases below.
    PrivateTmp: { description_bad: 'Service has a minimal device ACL' },
    UMask: { description_na: 'Üñïçødé text ✓', weight: 0 },
  });
  const cases: [string, readonly string[], SecurityPolicy | undefined][] = [
    ['no settings', [], undefined],
    ['the hardened vector', HARDENED, undefined],
    [
      'a device ACL list',
      ['DevicePolicy=strict', 'DeviceAllow=/dev/null rw', 'DeviceAllow=char-rtc r'],
      undefined,
    ],
    ['a device ACL list that sorts first', ['DevicePolicy=closed', 'DeviceAllow=/dev/zzz rw'], undefined],
    ['allow-list offenders', ['SystemCallFilter=@system-service @mount @clock @debug'], undefined],
    ['deny-list offenders', ['SystemCallFilter=~@mount', 'SystemCallFilter=~ioperm'], undefined],
    ['policy texts', ['PrivateNetwork=yes'], policy],
    ['policy texts, unhardened', [], policy],
    [
      'DynamicUser and a device list',
      ['DynamicUser=yes', 'DevicePolicy=strict', 'DeviceAllow=/dev/a r'],
      policy,
    ],
    ['a device list next to a policy text', ['DevicePolicy=strict', 'DeviceAllow=/dev/null rw'], policy],
    ['ProtectProc=noaccess (no text)', ['ProtectProc=noaccess'], undefined],
  ];
  it.each([...SUPPORTED_VERSIONS])(
    'v%d: the same order as sortRows() for every case, in any sequence',
    (version) => {
      const emptyFirst = systemdRelease(version).traits.emptyDescriptionSortsFirst;
      // Twice over, forwards then backwards, so each case starts from different previous orders.
      for (const [, lines, p] of [...cases, ...[...cases].reverse()]) {
        const rows = assess(lines, version, p).rows;
        const expected = sortRows([...rows].reverse(), emptyFirst).map((r) => r.index);
        expect(rows.map((r) => r.index)).toEqual(expected);
      }
    },
  );
});

describe('security policy overrides (spec §5)', () => {
  it('weight 0 excludes a row with its own text, whatever description_na says', () => {
    const a = assess([], 252, policyOf({ PrivateNetwork: { weight: 0, description_na: 'ignored' } }));
    expect(rowOf(a, 'PrivateNetwork=')).toMatchObject({
      ...na('Option excluded by policy, skipping'),
      weight: 0,
      exposure: null,
    });
  });

  it('excluding a row takes its weight out of both sums', () => {
    const a = assess([], 252, policyOf({ PrivateNetwork: { weight: 0 } }));
    // (53510 - 2500) / (56160 - 2500) → 96 (ceil of 95.06…)
    expect(a.exposure).toBe(96);
  });

  it('a range override changes the arithmetic but not ✓/✗ or the text (built-in range decides)', () => {
    const a = assess([], 252, policyOf({ PrivateTmp: { range: 5 } }));
    const row = rowOf(a, 'PrivateTmp=');
    expect(row).toMatchObject({
      badness: 1,
      range: 5,
      set: false,
      description: "Service has access to other software's temporary files",
    });
  });

  it('a larger range on a partial-badness row keeps its custom text', () => {
    const a = assess(HARDENED, 252, policyOf({ DeviceAllow: { range: 20 } }));
    expect(rowOf(a, 'DeviceAllow=')).toMatchObject({
      badness: 5,
      range: 20,
      exposure: '0.1',
      description: 'Service has a device ACL with some special devices: char-rtc:r',
    });
  });

  it.each([
    [
      'description_bad on a bool row',
      { PrivateNetwork: { description_bad: 'no network isolation' } },
      [],
      'PrivateNetwork=',
      'no network isolation',
    ],
    [
      'description_good on a bool row',
      { PrivateNetwork: { description_good: 'isolated' } },
      ['PrivateNetwork=yes'],
      'PrivateNetwork=',
      'isolated',
    ],
    [
      'description_bad on User= when it scores 10',
      { UserOrDynamicUser: { description_bad: 'root!' } },
      [],
      'User=/DynamicUser=',
      'root!',
    ],
    [
      'description_na on the root N/A of RemoveIPC=',
      { RemoveIPC: { description_na: 'irrelevant' } },
      [],
      'RemoveIPC=',
      'irrelevant',
    ],
    // Rules with their own texts win over policy texts.
    [
      'description_bad on ProtectHome= (custom text)',
      { ProtectHome: { description_bad: 'x' } },
      [],
      'ProtectHome=',
      'Service has full access to home directories',
    ],
    [
      'description_bad on User=nobody (custom text)',
      { UserOrDynamicUser: { description_bad: 'x' } },
      ['User=nobody'],
      'User=/DynamicUser=',
      "Service runs under as 'nobody' user, which should not be used for services",
    ],
    [
      'description_bad on ProtectProc=noaccess (partial badness)',
      { ProtectProc: { description_bad: 'x' } },
      ['ProtectProc=noaccess'],
      'ProtectProc=',
      null,
    ],
  ] as const)('%s', (_name, doc, lines, rowName, description) => {
    expect(rowOf(assess(lines, 252, policyOf(doc)), rowName).description).toBe(description);
  });

  it('a description_na cannot replace the "special boot phase" text', () => {
    const text = '[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/true\n';
    const a = assessUnit(
      settingsOf(text),
      systemdRelease(252),
      policyOf({ PrivateTmp: { description_na: 'x' } }),
    );
    expect(rowOf(a, 'PrivateTmp=').description).toBe(
      'Service runs in special boot phase, option is not appropriate',
    );
  });

  it('reproduces the spec §5.2 example: 9.5 for the bare service, 0.1 for the hardened one', () => {
    const policy = policyOf({
      PrivateNetwork: { weight: 0 },
      IPAddressDeny: { weight: 0, description_na: 'network handled by the firewall' },
      UserOrDynamicUser: { weight: 4000, description_bad: 'Runs as root (our policy forbids this)' },
      DeviceAllow: { range: 20 },
      SystemCallFilter_swap: { weight: '1000' },
      RemoveIPC: { description_na: 'root service: RemoveIPC irrelevant' },
    });
    const legacy = assess([], 252, policy);
    expect(legacy.exposure).toBe(95);
    expect(rowOf(legacy, 'RemoveIPC=').description).toBe('root service: RemoveIPC irrelevant');
    expect(rowOf(legacy, 'User=/DynamicUser=')).toMatchObject({
      set: false,
      description: 'Runs as root (our policy forbids this)',
      exposure: '0.8',
    });
    expect(rowOf(legacy, 'IPAddressDeny=').description).toBe('Option excluded by policy, skipping');
    expect(rowOf(legacy, 'SystemCallFilter=~@swap').weight).toBe(1000);
    expect(assess(HARDENED, 252, policy).exposure).toBe(1);
    expect(assess(HARDENED, 252).exposure).toBe(2);
  });

  it.each([
    ['a range of 0', { PrivateTmp: { range: 0 } }],
    ['a range below the badness', { UMask: { range: 2 } }],
    [
      'no weight left at all',
      Object.fromEntries(systemdRelease(252).data.assessors.map((a) => [a.jsonField, { weight: 0 }])),
    ],
  ])('aborts like systemd on %s', (_name, doc) => {
    expect(() => assess([], 252, policyOf(doc))).toThrow(AssessmentAbort);
  });

  it('a range of 0 aborts even on an excluded row', () => {
    expect(() => assess([], 252, policyOf({ PrivateTmp: { weight: 0, range: 0 } }))).toThrow(AssessmentAbort);
  });

  it('computes absurd weights in wrapping 64-bit arithmetic, like systemd', () => {
    // 252.38 prints "0.1 SAFE" for this policy on the bare service: the sums overflow uint64_t.
    const a = assess([], 252, policyOf({ PrivateNetwork: { weight: 2 ** 62 } }));
    expect(a.exposure).toBe(1);
  });
});

describe('parseSecurityPolicy', () => {
  it.each([
    ['{"PrivateTmp":{"weight":5}}', { weight: 5 }],
    ['{"PrivateTmp":{"weight":1.0}}', { weight: 1 }],
    ['{"PrivateTmp":{"weight":-1}}', {}],
    ['{"PrivateTmp":{"weight":1.5}}', {}],
    ['{"PrivateTmp":{"weight":"100"}}', {}],
    ['{"PrivateTmp":{"weight":true}}', {}],
    ['{"PrivateTmp":{"weight":null}}', {}],
    [
      '{"PrivateTmp":{"range":3,"description_good":"g","description_bad":"b","description_na":"n"}}',
      { range: 3, descriptionGood: 'g', descriptionBad: 'b', descriptionNa: 'n' },
    ],
    ['{"PrivateTmp":{"description_good":1,"extra":2}}', {}],
  ])('%s', (text, override) => {
    const r = parseSecurityPolicy(text, 'p.json', false);
    expect(r.ok && r.policy.get('PrivateTmp')).toEqual(override);
  });

  it('ignores members that are not objects, and keeps unknown keys harmlessly', () => {
    const r = parseSecurityPolicy('{"PrivateTmp":5,"Bogus":{"weight":1},"X":[1],"Y":null}', 'p.json', false);
    expect(r.ok && [...r.policy.keys()]).toEqual(['Bogus']);
  });

  // v262 refuses a top-level non-object once its first token is read (the oracle: `[1, 2]` at 1:2,
  // `"x"` at 1:4, `\n  42` at 2:5).
  it.each([
    ['[]', false, ''],
    ['[1, 2]', true, '1:2'],
    ['"x"', false, ''],
    ['"x"', true, '1:4'],
    ['\n  42', true, '2:5'],
  ])('a top-level %j (reject non-objects: %s) → error at %j', (text, reject, at) => {
    const r = parseSecurityPolicy(text, 'p.json', reject);
    expect(r.ok).toBe(at === '');
    if (r.ok) expect(r.policy.size).toBe(0);
    else expect(r.message).toBe(`Failed to parse 'p.json' at ${at}: Invalid argument`);
  });

  // Each row was checked against systemd-analyze 252, 257 and 262.
  it.each([
    ['{"PrivateTmp": {"weight": 10}, "PrivateTmp": {"weight": 2000}}', { weight: 10 }],
    ['{"PrivateTmp": {"weight": 18446744073709551615}}', { weight: 2 ** 64, exactWeight: 2n ** 64n - 1n }],
    ['{"PrivateTmp": {"weight": 18446744073709551616}}', {}],
    ['{"PrivateTmp": {"weight": -0}}', { weight: 0 }],
    ['{"PrivateTmp": {"weight": 5e3}}', { weight: 5000 }],
  ])('reads %s as systemd does', (text, override) => {
    const r = parseSecurityPolicy(text, 'p.json', false);
    expect(r.ok && r.policy.get('PrivateTmp')).toEqual(override);
  });

  it("scales exponents with the release's exp10(): glibc 2.36's 1e3 is not an integer", () => {
    const glibc236 = (n: number): number => (n === 3 ? 1000.0000000000001 : Number(`1e${n}`));
    const r = parseSecurityPolicy('{"PrivateTmp": {"weight": 5e3}}', 'p.json', {
      rejectNonObject: false,
      exp10: glibc236,
    });
    expect(r.ok && r.policy.get('PrivateTmp')).toEqual({});
  });

  it.each([
    ['{"PrivateTmp": {"description_bad": "a\\u0000b"}}', '1:36'],
    ['{"PrivateTmp": {"description_bad": "\\ud800"}}', '1:36'],
    ['{"a": "\x7f"}', '1:7'],
    ['{"a": 1x}', '1:8'],
    ['{"a" 1}', '1:6'],
    ['\n {"a":[1,]}', '2:11'],
    ['{"é": tru}', '1:7'],
    ['{"a": 01}', '1:8'],
    ['{} {}', '1:4'],
    ['', '0:0'],
  ])('refuses %j at %s', (text, at) => {
    const r = parseSecurityPolicy(text, 'p.json', false);
    expect(!r.ok && r.message).toBe(
      `Failed to parse 'p.json' at ${at}: ${at === '0:0' ? 'No data available' : 'Invalid argument'}`,
    );
  });

  it('reports a syntax error with the file name and a line:column', () => {
    const r = parseSecurityPolicy('{\n  "a": }', 'p.json', false);
    expect(!r.ok && r.message).toMatch(/^Failed to parse 'p\.json' at \d+:\d+: Invalid argument$/);
  });
});
