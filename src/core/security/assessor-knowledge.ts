// What unitgate knows about each assessor row beyond systemd's generated table: one entry per row,
// keyed by its json_field, holding the directives it reads, the on/off or ordered settings among them,
// its fix (the lines that make it pass) and whether a person must decide on that fix. Every other
// per-row table (the rule's flags, profile requirement ranks, fixes, docs/assessors.md, the policy
// schema's field names) is derived from these entries joined to the rows of data/systemd-<v>.json.
// The entries live in the security stage, not in advice, because scoring reads their flags and the gate
// reads their directives; a fix here is plain data (lines and a sentence) that advice turns into offers.
// Adding a row: its row in the data file(s) that have it, and its entry here (the registry test in
// __tests__/core/security/assessor-knowledge.test.ts holds the two together for every version).
import type { SecuritySettings } from './settings';
import { SUPPORTED_VERSIONS, systemdRelease, type AssessorData, type SystemdData } from './versions';

/** The lines that make a row pass (badness 0) and why; the shape of the gate's `Fix`. */
export interface FixLines {
  /** `Key=value` lines to paste into `[Service]` or a drop-in. */
  directives: string[];
  /** One sentence a reviewer can read. */
  explanation: string;
}

/** An enum setting's values, weakest first: a stronger value satisfies a requirement of a weaker one. */
export interface StrengthOrder {
  of: (s: SecuritySettings) => string;
  order: readonly string[];
}

/** What a fix that needs a person's decision takes away, and when a profile settles it. */
export interface Judgement {
  /** Address families the fix cuts off: a profile allowing one of them keeps the fix out entirely. */
  takesAway: readonly string[];
  /** The fix is applied without asking when the profile allows none of `takesAway`. */
  appliedWhenProfileForbids: boolean;
}

/** A decision no profile settles (the service's user, its root directory). */
const ALWAYS_ASK: Judgement = { takesAway: [], appliedWhenProfileForbids: false };
/** The fix takes IPv4 and IPv6 away. */
const IP = ['AF_INET', 'AF_INET6'];

export interface AssessorKnowledge {
  /**
   * The directives whose assignments decide the row, most specific first: what its assess_*() function
   * of analyze-security.c reads, including settings other directives imply (unit_patch_contexts()).
   */
  reads: readonly string[];
  /**
   * On/off directives among them, as the assessors see them (get_security_info()): the enum-valued ones
   * (PrivateTmp=disconnected, …) count as on unless `no`, an unset PrivateMounts= as on from v254 (the
   * offline tri-state quirk). A `bool` row is scored by the flag of its own json_field.
   */
  flags?: Readonly<Record<string, (s: SecuritySettings) => boolean>>;
  /** Enum directives among them with their strength order (profile requirements compare by it). */
  ranks?: Readonly<Record<string, StrengthOrder>>;
  /** The fix: fixed lines, or lines made from the row (its capability names, its syscall group…). */
  fix: FixLines | ((row: AssessorData, data: SystemdData) => FixLines);
  /** The fix cuts off what most services need (network, local sockets, root, user): a person decides. */
  judgement?: Judgement;
  /** The fix names a placeholder to fill in (a path), so no machine may apply or verify it as is. */
  placeholder?: true;
}

/** A `Directive=yes` row scored by one flag. */
function flagRow(
  directive: string,
  flag: (s: SecuritySettings) => boolean,
  explanation: string,
  impliedBy: readonly string[] = [],
): AssessorKnowledge {
  return {
    reads: [directive, ...impliedBy],
    flags: { [directive]: flag },
    fix: { directives: [`${directive}=yes`], explanation },
  };
}

/** A CapabilityBoundingSet=~… row; `droppedBy` are the directives that drop its capabilities too. */
function capabilityRow(...droppedBy: string[]): AssessorKnowledge {
  return {
    reads: ['CapabilityBoundingSet', ...droppedBy],
    fix: (row, data) => {
      const names = (row.capabilityBits ?? []).map((bit) => capabilityName(bit, data));
      return {
        directives: [`CapabilityBoundingSet=~${names.join(' ')}`],
        explanation: `Drops ${names.join(', ')} from the capability bounding set; if the service really needs ${
          names.length === 1 ? 'it' : 'them'
        }, record an accepted deviation instead.`,
      };
    },
  };
}

function capabilityName(bit: number, data: SystemdData): string {
  const name = Object.keys(data.capabilities).find((n) => data.capabilities[n] === bit);
  if (name === undefined) throw new Error(`systemd ${data.version} has no capability ${bit}`);
  return name;
}

/** A RestrictNamespaces=~… row (its namespace type from the data). */
const NAMESPACE_ROW: AssessorKnowledge = {
  reads: ['RestrictNamespaces'],
  fix: (row) => ({
    directives: [`RestrictNamespaces=~${row.namespace ?? ''}`],
    explanation: `Forbids the service to create ${row.namespace ?? ''} namespaces (\`RestrictNamespaces=yes\` forbids all kinds).`,
  }),
};

/** A SystemCallFilter=~@group row (its group from the data). */
const SYSCALL_FILTER_ROW: AssessorKnowledge = {
  reads: ['SystemCallFilter'],
  fix: (row) => ({
    directives: [`SystemCallFilter=~${row.syscallGroup ?? ''}`],
    explanation:
      `Denies the ${row.syscallGroup ?? ''} system calls (a stricter base is \`SystemCallFilter=@system-service\` followed by ` +
      `\`SystemCallFilter=~@privileged @resources\`).`,
  }),
};

/** The filter of ordinary services, for the rows a plain `~@group` fix would leave too wide. */
const SYSTEM_SERVICE_FILTER_ROW: AssessorKnowledge = {
  reads: ['SystemCallFilter'],
  fix: {
    directives: ['SystemCallFilter=@system-service', 'SystemCallFilter=~@privileged @resources'],
    explanation:
      'Allows only the system calls of ordinary system services and then removes the privileged and ' +
      'resource-control ones; a service that fails with SIGSYS needs the missing group added to the allow list.',
  },
};

/** A RestrictAddressFamilies=~… row with a deny-list fix. */
function addressFamilyRow(families: string, explanation: string, judgement?: Judgement): AssessorKnowledge {
  return {
    reads: ['RestrictAddressFamilies'],
    fix: { directives: [`RestrictAddressFamilies=~${families}`], explanation },
    ...(judgement ? { judgement } : {}),
  };
}

/** Every assessor row any supported release has, by json_field. */
const KNOWLEDGE: Readonly<Record<string, AssessorKnowledge>> = {
  UserOrDynamicUser: {
    reads: ['User', 'DynamicUser'],
    flags: { DynamicUser: (s) => s.dynamicUser },
    fix: {
      directives: ['DynamicUser=yes'],
      explanation:
        'Needs a judgement: runs the service as a transient user allocated at start (state belongs in ' +
        'StateDirectory=); if it must own files or talk to peers as a fixed identity, set User= to a ' +
        'dedicated system account instead (never `nobody`).',
    },
    judgement: ALWAYS_ASK,
  },
  SupplementaryGroups: {
    reads: ['SupplementaryGroups', 'User', 'DynamicUser'],
    fix: {
      directives: ['SupplementaryGroups='],
      explanation:
        'Empties the supplementary group list, so the service user gets no extra group access (the row ' +
        'only applies to services that do not run as root).',
    },
  },
  PrivateDevices: flagRow(
    'PrivateDevices',
    (s) => s.privateDevices,
    'Gives the service a private /dev with only pseudo devices (null, zero, random…); not for services that drive hardware.',
  ),
  PrivateMounts: flagRow(
    'PrivateMounts',
    (s) => s.privateMounts !== false,
    'Runs the service in its own mount namespace so mounts it makes stay invisible to the host.',
  ),
  PrivateNetwork: {
    ...flagRow(
      'PrivateNetwork',
      (s) => s.privateNetwork,
      'Cuts the service off from every network but a private loopback; only for services that need no network ' +
        '(otherwise record an accepted deviation and restrict it with IPAddressDeny= and RestrictAddressFamilies=).',
    ),
    judgement: { takesAway: IP, appliedWhenProfileForbids: true },
  },
  PrivateTmp: flagRow(
    'PrivateTmp',
    (s) => s.privateTmp !== 'no',
    'Gives the service its own /tmp and /var/tmp, so it cannot see or plant other programs’ temporary files.',
    ['DynamicUser'],
  ),
  PrivateUsers: flagRow(
    'PrivateUsers',
    (s) => s.privateUsers !== 'no',
    'Runs the service in a user namespace that maps only root and its own user; not for services that switch users themselves.',
  ),
  ProtectControlGroups: flagRow(
    'ProtectControlGroups',
    (s) => s.protectControlGroups !== 'no',
    'Makes the control group file system read-only for the service.',
  ),
  ProtectKernelModules: flagRow(
    'ProtectKernelModules',
    (s) => s.protectKernelModules,
    'Forbids loading kernel modules and hides their files from the service.',
  ),
  ProtectKernelTunables: flagRow(
    'ProtectKernelTunables',
    (s) => s.protectKernelTunables,
    'Makes /proc/sys, /sys and similar kernel tunables read-only for the service.',
  ),
  ProtectKernelLogs: flagRow(
    'ProtectKernelLogs',
    (s) => s.protectKernelLogs,
    'Denies the service access to the kernel log ring buffer.',
  ),
  ProtectClock: flagRow(
    'ProtectClock',
    (s) => s.protectClock,
    'Denies the service writes to the system and hardware clock.',
  ),
  ProtectHome: {
    reads: ['ProtectHome', 'DynamicUser'],
    ranks: { ProtectHome: { of: (s) => s.protectHome, order: ['no', 'read-only', 'tmpfs', 'yes'] } },
    fix: {
      directives: ['ProtectHome=yes'],
      explanation:
        'Hides /home, /root and /run/user from the service (`read-only` or `tmpfs` earn partial credit when it needs them).',
    },
  },
  ProtectHostname: flagRow(
    'ProtectHostname',
    (s) => s.protectHostname !== 'no',
    'Stops the service from changing the host or domain name.',
  ),
  ProtectSystem: {
    reads: ['ProtectSystem', 'DynamicUser'],
    ranks: {
      ProtectSystem: { of: (s) => s.protectSystem, order: ['no', 'yes', 'full', 'strict'] },
    },
    fix: {
      directives: ['ProtectSystem=strict'],
      explanation:
        'Mounts the whole OS file hierarchy read-only for the service; list the paths it must write in ' +
        'ReadWritePaths= or use StateDirectory=/CacheDirectory=/LogsDirectory=.',
    },
  },
  RootDirectoryOrRootImage: {
    reads: ['RootDirectory', 'RootImage'],
    fix: {
      directives: ['RootDirectory=/path/to/service/root'],
      explanation:
        'Needs a judgement: runs the service chrooted into a directory (or RootImage= for a disk image) that ' +
        'must contain everything it needs; usually only worth it for self-contained services — otherwise record ' +
        'an accepted deviation.',
    },
    judgement: ALWAYS_ASK,
    placeholder: true,
  },
  LockPersonality: flagRow(
    'LockPersonality',
    (s) => s.lockPersonality,
    'Stops the service from switching its execution domain (personality()).',
  ),
  MemoryDenyWriteExecute: flagRow(
    'MemoryDenyWriteExecute',
    (s) => s.memoryDenyWriteExecute,
    'Forbids memory that is both writable and executable; breaks JIT compilers (Java, Node.js, LuaJIT…).',
  ),
  NoNewPrivileges: flagRow(
    'NoNewPrivileges',
    (s) => s.noNewPrivileges,
    'Stops the service and its children from gaining privileges through setuid binaries or file capabilities.',
    ['DynamicUser'],
  ),
  CapabilityBoundingSet_CAP_SYS_ADMIN: capabilityRow(),
  CapabilityBoundingSet_CAP_SET_UID_GID_PCAP: capabilityRow(),
  CapabilityBoundingSet_CAP_SYS_PTRACE: capabilityRow(),
  CapabilityBoundingSet_CAP_SYS_TIME: capabilityRow('ProtectClock'),
  CapabilityBoundingSet_CAP_NET_ADMIN: capabilityRow(),
  CapabilityBoundingSet_CAP_SYS_RAWIO: capabilityRow('PrivateDevices'),
  CapabilityBoundingSet_CAP_SYS_MODULE: capabilityRow('ProtectKernelModules'),
  CapabilityBoundingSet_CAP_AUDIT: capabilityRow(),
  CapabilityBoundingSet_CAP_SYSLOG: capabilityRow('ProtectKernelLogs'),
  CapabilityBoundingSet_CAP_SYS_NICE_RESOURCE: capabilityRow(),
  CapabilityBoundingSet_CAP_MKNOD: capabilityRow('PrivateDevices'),
  CapabilityBoundingSet_CAP_CHOWN_FSETID_SETFCAP: capabilityRow(),
  CapabilityBoundingSet_CAP_DAC_FOWNER_IPC_OWNER: capabilityRow(),
  CapabilityBoundingSet_CAP_KILL: capabilityRow(),
  // The stray `)` is systemd's own json_field (analyze-security.c), kept so users can diff.
  'CapabilityBoundingSet_CAP_NET_BIND_SERVICE_BROADCAST_RAW)': capabilityRow(),
  CapabilityBoundingSet_CAP_SYS_BOOT: capabilityRow(),
  CapabilityBoundingSet_CAP_MAC: capabilityRow(),
  CapabilityBoundingSet_CAP_LINUX_IMMUTABLE: capabilityRow(),
  CapabilityBoundingSet_CAP_IPC_LOCK: capabilityRow(),
  CapabilityBoundingSet_CAP_SYS_CHROOT: capabilityRow(),
  CapabilityBoundingSet_CAP_BLOCK_SUSPEND: capabilityRow(),
  CapabilityBoundingSet_CAP_WAKE_ALARM: capabilityRow('ProtectClock'),
  CapabilityBoundingSet_CAP_LEASE: capabilityRow(),
  CapabilityBoundingSet_CAP_SYS_TTY_CONFIG: capabilityRow(),
  CapabilityBoundingSet_CAP_SYS_PACCT: capabilityRow(),
  CapabilityBoundingSet_CAP_BPF: capabilityRow(),
  UMask: {
    reads: ['UMask'],
    fix: {
      directives: ['UMask=0077'],
      explanation: 'Makes files the service creates readable and writable by its own user only.',
    },
  },
  KeyringMode: {
    reads: ['KeyringMode'],
    ranks: {
      KeyringMode: { of: (s) => s.keyringMode, order: ['shared', 'inherit', 'private'] },
    },
    fix: {
      directives: ['KeyringMode=private'],
      explanation: 'Gives the service its own kernel session keyring, not linked to any other.',
    },
  },
  ProtectProc: {
    reads: ['ProtectProc'],
    ranks: {
      ProtectProc: {
        of: (s) => s.protectProc,
        order: ['default', 'noaccess', 'ptraceable', 'invisible'],
      },
    },
    fix: {
      directives: ['ProtectProc=invisible'],
      explanation: 'Hides the processes of other users in /proc from the service.',
    },
  },
  ProcSubset: {
    reads: ['ProcSubset'],
    ranks: { ProcSubset: { of: (s) => s.procSubset, order: ['all', 'pid'] } },
    fix: {
      directives: ['ProcSubset=pid'],
      explanation: 'Shows the service only the per-process directories of /proc, not the system-wide files.',
    },
  },
  NotifyAccess: {
    reads: ['NotifyAccess'],
    ranks: {
      NotifyAccess: { of: (s) => s.notifyAccess, order: ['all', 'exec', 'main', 'none'] },
    },
    fix: {
      directives: ['NotifyAccess=main'],
      explanation: 'Accepts sd_notify() status messages from the main process only, not from any child.',
    },
  },
  RemoveIPC: flagRow(
    'RemoveIPC',
    (s) => s.removeIpc,
    'Removes the SysV IPC objects and POSIX message queues of the service user when the service stops.',
    ['User', 'DynamicUser'],
  ),
  Delegate: {
    reads: ['Delegate'],
    flags: { Delegate: (s) => s.delegate },
    fix: {
      directives: ['Delegate=no'],
      explanation:
        'Stops delegating a control group subtree to the service (only container managers need it).',
    },
  },
  RestrictRealtime: flagRow(
    'RestrictRealtime',
    (s) => s.restrictRealtime,
    'Denies the service realtime scheduling, which could starve the system.',
  ),
  RestrictSUIDSGID: flagRow(
    'RestrictSUIDSGID',
    (s) => s.restrictSuidSgid,
    'Forbids the service to create setuid or setgid files.',
    ['DynamicUser'],
  ),
  RestrictNamespaces_user: NAMESPACE_ROW,
  RestrictNamespaces_mnt: NAMESPACE_ROW,
  RestrictNamespaces_ipc: NAMESPACE_ROW,
  RestrictNamespaces_pid: NAMESPACE_ROW,
  RestrictNamespaces_cgroup: NAMESPACE_ROW,
  RestrictNamespaces_net: NAMESPACE_ROW,
  RestrictNamespaces_uts: NAMESPACE_ROW,
  RestrictAddressFamilies_AF_INET_INET6: addressFamilyRow(
    'AF_INET AF_INET6',
    'Forbids IPv4 and IPv6 sockets; only for services that do not use the network (otherwise record an accepted deviation).',
    { takesAway: IP, appliedWhenProfileForbids: true },
  ),
  RestrictAddressFamilies_AF_UNIX: addressFamilyRow(
    'AF_UNIX',
    'Forbids local (AF_UNIX) sockets; only for services that talk to nothing local — syslog(), D-Bus and ' +
      'most daemons need them, so this row is usually an accepted deviation.',
    { takesAway: ['AF_UNIX'], appliedWhenProfileForbids: true },
  ),
  RestrictAddressFamilies_AF_NETLINK: addressFamilyRow(
    'AF_NETLINK',
    'Forbids netlink sockets (kernel interfaces such as routing and udev events).',
  ),
  RestrictAddressFamilies_AF_PACKET: addressFamilyRow(
    'AF_PACKET',
    'Forbids raw packet sockets (sniffing and crafting link-layer frames).',
  ),
  RestrictAddressFamilies_OTHER: {
    reads: ['RestrictAddressFamilies'],
    fix: {
      directives: ['RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6'],
      explanation:
        'An allow list: the service may open only local and IP sockets; it must replace any deny-list ' +
        '(`RestrictAddressFamilies=~…`) line, which an allow list after it cannot undo.',
    },
  },
  SystemCallArchitectures: {
    reads: ['SystemCallArchitectures'],
    fix: {
      directives: ['SystemCallArchitectures=native'],
      explanation: 'Allows system calls of the native ABI only (no 32-bit compatibility entry points).',
    },
  },
  SystemCallFilter_swap: SYSCALL_FILTER_ROW,
  SystemCallFilter_obsolete: SYSCALL_FILTER_ROW,
  SystemCallFilter_clock: SYSCALL_FILTER_ROW,
  SystemCallFilter_cpu_emulation: SYSCALL_FILTER_ROW,
  SystemCallFilter_debug: SYSCALL_FILTER_ROW,
  SystemCallFilter_mount: SYSCALL_FILTER_ROW,
  SystemCallFilter_module: SYSCALL_FILTER_ROW,
  SystemCallFilter_raw_io: SYSCALL_FILTER_ROW,
  SystemCallFilter_reboot: SYSCALL_FILTER_ROW,
  SystemCallFilter_privileged: SYSTEM_SERVICE_FILTER_ROW,
  SystemCallFilter_resources: SYSTEM_SERVICE_FILTER_ROW,
  IPAddressDeny: {
    reads: ['IPAddressDeny', 'IPAddressAllow', 'IPIngressFilterPath', 'IPEgressFilterPath'],
    fix: {
      directives: ['IPAddressDeny=any'],
      explanation:
        'Blocks all IP traffic of the service; one that needs the network adds IPAddressAllow= entries ' +
        '(`localhost` or specific ranges), which earns partial credit.',
    },
    // Not applied even when the profile forbids IP sockets: IPAddressAllow= entries may be what it needs.
    judgement: { takesAway: IP, appliedWhenProfileForbids: false },
  },
  DeviceAllow: {
    reads: ['DevicePolicy', 'DeviceAllow', 'PrivateDevices', 'ProtectClock', 'RootImage'],
    ranks: {
      DevicePolicy: { of: (s) => s.devicePolicy ?? 'auto', order: ['auto', 'closed', 'strict'] },
    },
    fix: {
      directives: ['DevicePolicy=closed'],
      explanation:
        'Allows only the standard pseudo devices (/dev/null, /dev/zero, /dev/random…); devices the service ' +
        'needs go in DeviceAllow=, which earns partial credit (so does ProtectClock=yes, which adds the RTC).',
    },
  },
  AmbientCapabilities: {
    reads: ['AmbientCapabilities'],
    fix: {
      directives: ['AmbientCapabilities='],
      explanation:
        'Empties the ambient capability set, so the service does not inherit capabilities as a non-root user.',
    },
  },
};

/** The json_fields with an entry (the registry the tests hold against every version's rows). */
export const KNOWN_ASSESSORS: readonly string[] = Object.freeze(Object.keys(KNOWLEDGE));

/** The entry of one row; undefined for a json_field no supported release has. */
export function knowledgeOf(jsonField: string): AssessorKnowledge | undefined {
  return Object.hasOwn(KNOWLEDGE, jsonField) ? KNOWLEDGE[jsonField] : undefined;
}

/** The directives whose assignments decide this row, most specific first. */
export function directivesOfAssessor(a: Pick<AssessorData, 'jsonField' | 'name'>): string[] {
  const known = knowledgeOf(a.jsonField);
  return known ? [...known.reads] : [a.name.split('=')[0] as string];
}

/**
 * Every json_field of every supported release, in systemd's table order: the oldest release's rows,
 * then each row a later release adds, after the row it follows there.
 */
export function assessorFields(): string[] {
  const fields: string[] = [];
  for (const version of SUPPORTED_VERSIONS) {
    let at = 0;
    for (const a of systemdRelease(version).data.assessors) {
      const i = fields.indexOf(a.jsonField);
      if (i >= 0) at = i + 1;
      else fields.splice(at++, 0, a.jsonField);
    }
  }
  return fields;
}

/** The newest release's row of a json_field (with the data it belongs to), if any release has it. */
function newestRow(jsonField: string): { row: AssessorData; data: SystemdData } | undefined {
  for (const version of [...SUPPORTED_VERSIONS].reverse()) {
    const data = systemdRelease(version).data;
    const row = data.assessors.find((a) => a.jsonField === jsonField);
    if (row) return { row, data };
  }
  return undefined;
}

const FIXES = new Map<string, FixLines | undefined>();

/** The lines that make one row pass; undefined for a json_field no supported release has. */
export function fixLinesOf(jsonField: string): FixLines | undefined {
  if (!FIXES.has(jsonField)) {
    const fix = knowledgeOf(jsonField)?.fix;
    const found = newestRow(jsonField);
    FIXES.set(jsonField, typeof fix === 'function' ? (found ? fix(found.row, found.data) : undefined) : fix);
  }
  return FIXES.get(jsonField);
}

/** Each on/off directive any row reads, with its effective value (shared by the rules and the gate). */
export const EFFECTIVE_FLAGS: Readonly<Record<string, (s: SecuritySettings) => boolean>> = Object.assign(
  {},
  ...Object.values(KNOWLEDGE).map((k) => k.flags ?? {}),
);

/** Each enum directive any row reads, with its strength order. */
export const STRENGTH_ORDERS: Readonly<Record<string, StrengthOrder>> = Object.assign(
  {},
  ...Object.values(KNOWLEDGE).map((k) => k.ranks ?? {}),
);

/** One row as docs/assessors.md lists it. */
export interface AssessorReference {
  jsonField: string;
  name: string;
  /** Weight and range per supported release; undefined where the release has no such row. */
  perVersion: { version: number; weight: number; range: number }[];
  reads: string[];
  fix: FixLines | undefined;
  judgement: boolean;
}

/** Every row of every supported release with what the entries say of it (docs/assessors.md). */
export function assessorReference(): AssessorReference[] {
  return assessorFields().map((jsonField) => {
    const k = knowledgeOf(jsonField);
    const perVersion = SUPPORTED_VERSIONS.flatMap((version) => {
      const row = systemdRelease(version).data.assessors.find((a) => a.jsonField === jsonField);
      return row ? [{ version, weight: row.weight, range: row.range }] : [];
    });
    return {
      jsonField,
      name: newestRow(jsonField)?.row.name ?? jsonField,
      perVersion,
      reads: k ? [...k.reads] : [],
      fix: fixLinesOf(jsonField),
      judgement: k?.judgement !== undefined,
    };
  });
}
