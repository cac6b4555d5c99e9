// The fix for every assessor row: the directive lines that make the row pass (badness 0), in words a
// reviewer can paste into `[Service]` or a drop-in. Each entry was checked against systemd 252.38
// (`systemd-analyze security --offline=true`) and is re-checked against unitgate's own engine for every
// supported version in __tests__/core/report/fixes.test.ts.
import type { Fix, Violation } from '../gate/gate-types';

/** What the caller knows about the unit or its profile that makes a fix more precise. */
export interface FixHint {
  /**
   * Address families the unit's profile allows. The allow-list fix for exotic sockets
   * (RestrictAddressFamilies_OTHER) names these instead of `AF_UNIX AF_INET AF_INET6`.
   */
  addressFamilies?: string[];
}

const yes = (directive: string, explanation: string): Fix => ({
  directives: [`${directive}=yes`],
  explanation,
});

/** Capabilities behind each CapabilityBoundingSet_* row (the bits of security_assessor_table[]). */
const CAPABILITY_ROWS: Record<string, string[]> = {
  CapabilityBoundingSet_CAP_SYS_ADMIN: ['CAP_SYS_ADMIN'],
  CapabilityBoundingSet_CAP_SET_UID_GID_PCAP: ['CAP_SETUID', 'CAP_SETGID', 'CAP_SETPCAP'],
  CapabilityBoundingSet_CAP_SYS_PTRACE: ['CAP_SYS_PTRACE'],
  CapabilityBoundingSet_CAP_SYS_TIME: ['CAP_SYS_TIME'],
  CapabilityBoundingSet_CAP_NET_ADMIN: ['CAP_NET_ADMIN'],
  CapabilityBoundingSet_CAP_SYS_RAWIO: ['CAP_SYS_RAWIO'],
  CapabilityBoundingSet_CAP_SYS_MODULE: ['CAP_SYS_MODULE'],
  CapabilityBoundingSet_CAP_AUDIT: ['CAP_AUDIT_CONTROL', 'CAP_AUDIT_READ', 'CAP_AUDIT_WRITE'],
  CapabilityBoundingSet_CAP_SYSLOG: ['CAP_SYSLOG'],
  CapabilityBoundingSet_CAP_SYS_NICE_RESOURCE: ['CAP_SYS_NICE', 'CAP_SYS_RESOURCE'],
  CapabilityBoundingSet_CAP_MKNOD: ['CAP_MKNOD'],
  CapabilityBoundingSet_CAP_CHOWN_FSETID_SETFCAP: ['CAP_CHOWN', 'CAP_FSETID', 'CAP_SETFCAP'],
  CapabilityBoundingSet_CAP_DAC_FOWNER_IPC_OWNER: [
    'CAP_DAC_OVERRIDE',
    'CAP_DAC_READ_SEARCH',
    'CAP_FOWNER',
    'CAP_IPC_OWNER',
  ],
  CapabilityBoundingSet_CAP_KILL: ['CAP_KILL'],
  // The stray `)` is systemd's own json_field (analyze-security.c), kept so users can diff.
  'CapabilityBoundingSet_CAP_NET_BIND_SERVICE_BROADCAST_RAW)': [
    'CAP_NET_BIND_SERVICE',
    'CAP_NET_BROADCAST',
    'CAP_NET_RAW',
  ],
  CapabilityBoundingSet_CAP_SYS_BOOT: ['CAP_SYS_BOOT'],
  CapabilityBoundingSet_CAP_MAC: ['CAP_MAC_ADMIN', 'CAP_MAC_OVERRIDE'],
  CapabilityBoundingSet_CAP_LINUX_IMMUTABLE: ['CAP_LINUX_IMMUTABLE'],
  CapabilityBoundingSet_CAP_IPC_LOCK: ['CAP_IPC_LOCK'],
  CapabilityBoundingSet_CAP_SYS_CHROOT: ['CAP_SYS_CHROOT'],
  CapabilityBoundingSet_CAP_BLOCK_SUSPEND: ['CAP_BLOCK_SUSPEND'],
  CapabilityBoundingSet_CAP_WAKE_ALARM: ['CAP_WAKE_ALARM'],
  CapabilityBoundingSet_CAP_LEASE: ['CAP_LEASE'],
  CapabilityBoundingSet_CAP_SYS_TTY_CONFIG: ['CAP_SYS_TTY_CONFIG'],
  CapabilityBoundingSet_CAP_SYS_PACCT: ['CAP_SYS_PACCT'],
  CapabilityBoundingSet_CAP_BPF: ['CAP_BPF'],
};

const NAMESPACES = ['user', 'mnt', 'ipc', 'pid', 'cgroup', 'net', 'uts'] as const;

/** json_field suffix → syscall group (SystemCallFilter_raw_io → @raw-io). */
const SYSCALL_GROUPS = [
  'swap',
  'obsolete',
  'clock',
  'cpu_emulation',
  'debug',
  'mount',
  'module',
  'raw_io',
  'reboot',
  'privileged',
  'resources',
] as const;

/** Families the exotic-socket allow list may keep: anything else is "other" to systemd. */
const NON_EXOTIC_FAMILIES = new Set([
  'AF_UNIX',
  'AF_LOCAL',
  'AF_FILE',
  'AF_INET',
  'AF_INET6',
  'AF_NETLINK',
  'AF_PACKET',
]);

const SYSTEM_SERVICE_FILTER: Fix = {
  directives: ['SystemCallFilter=@system-service', 'SystemCallFilter=~@privileged @resources'],
  explanation:
    'Allows only the system calls of ordinary system services and then removes the privileged and ' +
    'resource-control ones; a service that fails with SIGSYS needs the missing group added to the allow list.',
};

const FIXED: Record<string, Fix> = {
  UserOrDynamicUser: {
    directives: ['DynamicUser=yes'],
    explanation:
      'Needs a judgement: runs the service as a transient user allocated at start (state belongs in ' +
      'StateDirectory=); if it must own files or talk to peers as a fixed identity, set User= to a ' +
      'dedicated system account instead (never `nobody`).',
  },
  SupplementaryGroups: {
    directives: ['SupplementaryGroups='],
    explanation:
      'Empties the supplementary group list, so the service user gets no extra group access (the row ' +
      'only applies to services that do not run as root).',
  },
  RemoveIPC: yes(
    'RemoveIPC',
    'Removes the SysV IPC objects and POSIX message queues of the service user when the service stops.',
  ),
  PrivateDevices: yes(
    'PrivateDevices',
    'Gives the service a private /dev with only pseudo devices (null, zero, random…); not for services that drive hardware.',
  ),
  PrivateMounts: yes(
    'PrivateMounts',
    'Runs the service in its own mount namespace so mounts it makes stay invisible to the host.',
  ),
  PrivateNetwork: yes(
    'PrivateNetwork',
    'Cuts the service off from every network but a private loopback; only for services that need no network ' +
      '(otherwise record an accepted deviation and restrict it with IPAddressDeny= and RestrictAddressFamilies=).',
  ),
  PrivateTmp: yes(
    'PrivateTmp',
    'Gives the service its own /tmp and /var/tmp, so it cannot see or plant other programs’ temporary files.',
  ),
  PrivateUsers: yes(
    'PrivateUsers',
    'Runs the service in a user namespace that maps only root and its own user; not for services that switch users themselves.',
  ),
  ProtectControlGroups: yes(
    'ProtectControlGroups',
    'Makes the control group file system read-only for the service.',
  ),
  ProtectKernelModules: yes(
    'ProtectKernelModules',
    'Forbids loading kernel modules and hides their files from the service.',
  ),
  ProtectKernelTunables: yes(
    'ProtectKernelTunables',
    'Makes /proc/sys, /sys and similar kernel tunables read-only for the service.',
  ),
  ProtectKernelLogs: yes('ProtectKernelLogs', 'Denies the service access to the kernel log ring buffer.'),
  ProtectClock: yes('ProtectClock', 'Denies the service writes to the system and hardware clock.'),
  ProtectHome: {
    directives: ['ProtectHome=yes'],
    explanation:
      'Hides /home, /root and /run/user from the service (`read-only` or `tmpfs` earn partial credit when it needs them).',
  },
  ProtectHostname: yes('ProtectHostname', 'Stops the service from changing the host or domain name.'),
  ProtectSystem: {
    directives: ['ProtectSystem=strict'],
    explanation:
      'Mounts the whole OS file hierarchy read-only for the service; list the paths it must write in ' +
      'ReadWritePaths= or use StateDirectory=/CacheDirectory=/LogsDirectory=.',
  },
  RootDirectoryOrRootImage: {
    directives: ['RootDirectory=/path/to/service/root'],
    explanation:
      'Needs a judgement: runs the service chrooted into a directory (or RootImage= for a disk image) that ' +
      'must contain everything it needs; usually only worth it for self-contained services — otherwise record ' +
      'an accepted deviation.',
  },
  LockPersonality: yes(
    'LockPersonality',
    'Stops the service from switching its execution domain (personality()).',
  ),
  MemoryDenyWriteExecute: yes(
    'MemoryDenyWriteExecute',
    'Forbids memory that is both writable and executable; breaks JIT compilers (Java, Node.js, LuaJIT…).',
  ),
  NoNewPrivileges: yes(
    'NoNewPrivileges',
    'Stops the service and its children from gaining privileges through setuid binaries or file capabilities.',
  ),
  UMask: {
    directives: ['UMask=0077'],
    explanation: 'Makes files the service creates readable and writable by its own user only.',
  },
  KeyringMode: {
    directives: ['KeyringMode=private'],
    explanation: 'Gives the service its own kernel session keyring, not linked to any other.',
  },
  ProtectProc: {
    directives: ['ProtectProc=invisible'],
    explanation: 'Hides the processes of other users in /proc from the service.',
  },
  ProcSubset: {
    directives: ['ProcSubset=pid'],
    explanation: 'Shows the service only the per-process directories of /proc, not the system-wide files.',
  },
  NotifyAccess: {
    directives: ['NotifyAccess=main'],
    explanation: 'Accepts sd_notify() status messages from the main process only, not from any child.',
  },
  Delegate: {
    directives: ['Delegate=no'],
    explanation: 'Stops delegating a control group subtree to the service (only container managers need it).',
  },
  RestrictRealtime: yes(
    'RestrictRealtime',
    'Denies the service realtime scheduling, which could starve the system.',
  ),
  RestrictSUIDSGID: yes('RestrictSUIDSGID', 'Forbids the service to create setuid or setgid files.'),
  RestrictAddressFamilies_AF_INET_INET6: {
    directives: ['RestrictAddressFamilies=~AF_INET AF_INET6'],
    explanation:
      'Forbids IPv4 and IPv6 sockets; only for services that do not use the network (otherwise record an accepted deviation).',
  },
  RestrictAddressFamilies_AF_UNIX: {
    directives: ['RestrictAddressFamilies=~AF_UNIX'],
    explanation:
      'Forbids local (AF_UNIX) sockets; only for services that talk to nothing local — syslog(), D-Bus and ' +
      'most daemons need them, so this row is usually an accepted deviation.',
  },
  RestrictAddressFamilies_AF_NETLINK: {
    directives: ['RestrictAddressFamilies=~AF_NETLINK'],
    explanation: 'Forbids netlink sockets (kernel interfaces such as routing and udev events).',
  },
  RestrictAddressFamilies_AF_PACKET: {
    directives: ['RestrictAddressFamilies=~AF_PACKET'],
    explanation: 'Forbids raw packet sockets (sniffing and crafting link-layer frames).',
  },
  RestrictAddressFamilies_OTHER: {
    directives: ['RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6'],
    explanation:
      'An allow list: the service may open only local and IP sockets; it must replace any deny-list ' +
      '(`RestrictAddressFamilies=~…`) line, which an allow list after it cannot undo.',
  },
  SystemCallArchitectures: {
    directives: ['SystemCallArchitectures=native'],
    explanation: 'Allows system calls of the native ABI only (no 32-bit compatibility entry points).',
  },
  SystemCallFilter_privileged: SYSTEM_SERVICE_FILTER,
  SystemCallFilter_resources: SYSTEM_SERVICE_FILTER,
  IPAddressDeny: {
    directives: ['IPAddressDeny=any'],
    explanation:
      'Blocks all IP traffic of the service; one that needs the network adds IPAddressAllow= entries ' +
      '(`localhost` or specific ranges), which earns partial credit.',
  },
  DeviceAllow: {
    directives: ['DevicePolicy=closed'],
    explanation:
      'Allows only the standard pseudo devices (/dev/null, /dev/zero, /dev/random…); devices the service ' +
      'needs go in DeviceAllow=, which earns partial credit (so does ProtectClock=yes, which adds the RTC).',
  },
  AmbientCapabilities: {
    directives: ['AmbientCapabilities='],
    explanation:
      'Empties the ambient capability set, so the service does not inherit capabilities as a non-root user.',
  },
};

for (const [field, caps] of Object.entries(CAPABILITY_ROWS)) {
  const list = caps.join(' ');
  FIXED[field] = {
    directives: [`CapabilityBoundingSet=~${list}`],
    explanation: `Drops ${caps.join(', ')} from the capability bounding set; if the service really needs ${
      caps.length === 1 ? 'it' : 'them'
    }, record an accepted deviation instead.`,
  };
}

for (const ns of NAMESPACES) {
  FIXED[`RestrictNamespaces_${ns}`] = {
    directives: [`RestrictNamespaces=~${ns}`],
    explanation: `Forbids the service to create ${ns} namespaces (\`RestrictNamespaces=yes\` forbids all kinds).`,
  };
}

for (const suffix of SYSCALL_GROUPS) {
  const field = `SystemCallFilter_${suffix}`;
  if (FIXED[field]) continue;
  const group = `@${suffix.replace(/_/g, '-')}`;
  FIXED[field] = {
    directives: [`SystemCallFilter=~${group}`],
    explanation:
      `Denies the ${group} system calls (a stricter base is \`SystemCallFilter=@system-service\` followed by ` +
      `\`SystemCallFilter=~@privileged @resources\`).`,
  };
}

/** Every json_field with a fix, in no particular order (the registry the tests hold against the data). */
export const FIXED_ROWS: readonly string[] = Object.freeze(Object.keys(FIXED));

function copy(fix: Fix): Fix {
  return { directives: [...fix.directives], explanation: fix.explanation };
}

/**
 * The directive lines that make one assessor row pass (badness 0), e.g. `ProtectSystem` →
 * `ProtectSystem=strict`. Undefined for a json_field no supported systemd version has.
 */
export function fixForRow(jsonField: string, hint?: FixHint): Fix | undefined {
  const fix = FIXED[jsonField];
  if (!fix) return undefined;
  if (jsonField === 'RestrictAddressFamilies_OTHER' && hint?.addressFamilies) {
    const families = hint.addressFamilies.filter((f) => NON_EXOTIC_FAMILIES.has(f));
    if (families.length > 0) {
      return {
        directives: [`RestrictAddressFamilies=${families.join(' ')}`],
        explanation: `An allow list of the families the profile allows; it must replace any deny-list (\`RestrictAddressFamilies=~…\`) line, which an allow list after it cannot undo.`,
      };
    }
  }
  return copy(fix);
}

/** What a fix is derived from: a violation or the finding made of it (findings.ts). */
export type FixSource = Pick<Violation, 'check' | 'fix'> & { kind: string };

/**
 * The fix to show for a violation: the gate's own when it set one, otherwise one derived from the check
 * (an assessor row, a `Directive=value` requirement, a capability or address family). Undefined for
 * violations no directive can fix (load errors, sign-off, invalid deviation notes).
 */
export function fixForViolation(violation: FixSource, hint?: FixHint): Fix | undefined {
  // The gate verified its fixes (verify-fixes.ts): one with no lines means none passed, and a guess
  // from the check must not take its place.
  if (violation.fix) return violation.fix.directives.length > 0 ? violation.fix : undefined;
  const row = fixForRow(violation.check, hint);
  if (row) return row;
  if (violation.kind === 'missing-directive' && violation.check.includes('=')) {
    return { directives: [violation.check], explanation: `The profile requires \`${violation.check}\`.` };
  }
  if (violation.kind === 'forbidden-capability' && /^CAP_[A-Z_]+$/.test(violation.check)) {
    return {
      directives: [`CapabilityBoundingSet=~${violation.check}`, `AmbientCapabilities=~${violation.check}`],
      explanation: `Drops ${violation.check}, which the profile does not allow.`,
    };
  }
  if (violation.kind === 'forbidden-address-family' && /^AF_[A-Z0-9_]+$/.test(violation.check)) {
    return {
      directives: [`RestrictAddressFamilies=~${violation.check}`],
      explanation: `Forbids ${violation.check} sockets, which the profile does not allow.`,
    };
  }
  return violation.fix;
}

/** Empty assignments reset a list, allow lists start one, `~` deny lists subtract from it. */
function pasteRank(line: string): number {
  const value = line.slice(line.indexOf('=') + 1);
  if (value === '') return 0;
  return value.startsWith('~') ? 2 : 1;
}

/**
 * All directive lines of several fixes as one block to paste: duplicates removed, and for each
 * directive resets first, then allow lists, then `~` deny lists — the order in which systemd's list
 * parsers (config_parse_address_families(), config_parse_syscall_filter()…) combine them as intended.
 */
export function mergeFixes(fixes: readonly Fix[]): string[] {
  const lines: string[] = [];
  for (const f of fixes) for (const d of f.directives) if (!lines.includes(d)) lines.push(d);
  const firstSeen = new Map<string, number>();
  lines.forEach((l, i) => {
    const key = l.slice(0, l.indexOf('='));
    if (!firstSeen.has(key)) firstSeen.set(key, i);
  });
  return lines
    .map((line, i) => ({ line, i, key: firstSeen.get(line.slice(0, line.indexOf('='))) ?? i }))
    .sort((a, b) => a.key - b.key || pasteRank(a.line) - pasteRank(b.line) || a.i - b.i)
    .map((x) => x.line);
}
