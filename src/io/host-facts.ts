// The facts of the machine `unitgate security` runs on, read once, for the host specifiers (%H, %m,
// %b, %o, …) that systemd-analyze expands from its own machine. The kernel's facts (host name, boot id,
// release, architecture) are the running kernel's; the files (machine id, os-release, machine-info) are
// read below a file-system root, `/` for this machine, or a chroot's root to read what a tool inside
// that chroot sees.
import { readFileSync } from 'node:fs';
import { hostname, machine, release } from 'node:os';
import { join } from 'node:path';
import type { HostFacts } from '../core/unit/specifiers';

/** uname_architecture() (src/basic/architecture.c): uname's machine → systemd's architecture name. */
const ARCHITECTURES: Readonly<Record<string, string>> = {
  x86_64: 'x86-64',
  i386: 'x86',
  i486: 'x86',
  i586: 'x86',
  i686: 'x86',
  aarch64: 'arm64',
  aarch64_be: 'arm64-be',
  armv5tel: 'arm',
  armv6l: 'arm',
  armv7l: 'arm',
  armv8l: 'arm',
  ppc64le: 'ppc64-le',
  ppc64: 'ppc64',
  ppc: 'ppc',
  s390x: 's390x',
  s390: 's390',
  riscv64: 'riscv64',
  riscv32: 'riscv32',
  loongarch64: 'loongarch64',
  sparc64: 'sparc64',
  alpha: 'alpha',
  ia64: 'ia64',
  m68k: 'm68k',
};

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * parse_env_file() (src/basic/env-file.c) for the files it reads here: `KEY=value` lines, `#` and `;`
 * comments, values in double quotes (backslash escapes `"`, `\`, `` ` `` and `$`), single quotes
 * (literal) or bare (a backslash escapes the next character; surrounding blanks dropped).
 */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim();
    const rest = line.slice(eq + 1).trim();
    let value = '';
    for (let i = 0; i < rest.length; i++) {
      const c = rest[i] as string;
      if (c === '"') {
        for (i++; i < rest.length && rest[i] !== '"'; i++) {
          const d = rest[i] as string;
          if (d === '\\' && i + 1 < rest.length && '"\\`$'.includes(rest[i + 1] as string))
            value += rest[++i];
          else value += d;
        }
      } else if (c === "'") {
        for (i++; i < rest.length && rest[i] !== "'"; i++) value += rest[i];
      } else if (c === '\\' && i + 1 < rest.length) value += rest[++i];
      else value += c;
    }
    out[key] = value;
  }
  return out;
}

/** id128_read(…, ID128_FORMAT_PLAIN): 32 hex digits (a final newline allowed), not all zero. */
function plainId128(text: string | undefined): string | undefined {
  const m = /^([0-9a-fA-F]{32})\n?$/.exec(text ?? '');
  const id = m?.[1]?.toLowerCase();
  return id === undefined || /^0+$/.test(id) ? undefined : id;
}

/** The kernel's boot id (a UUID) as sd_id128_get_boot() prints it: 32 lower-case hex digits. */
function bootId(): string | undefined {
  const text = readText('/proc/sys/kernel/random/boot_id')?.trim().replaceAll('-', '');
  return text !== undefined && /^[0-9a-fA-F]{32}$/.test(text) ? text.toLowerCase() : undefined;
}

/** Reads the facts; the files below `fileSystemRoot` (default `/`), the rest from the running kernel. */
export function readHostFacts(fileSystemRoot = '/'): HostFacts {
  // open_os_release() (src/basic/os-util.c): /etc/os-release, else /usr/lib/os-release.
  const osRelease =
    readText(join(fileSystemRoot, 'etc/os-release')) ?? readText(join(fileSystemRoot, 'usr/lib/os-release'));
  const machineInfo = readText(join(fileSystemRoot, 'etc/machine-info'));
  const prettyHostName = machineInfo !== undefined ? parseEnvFile(machineInfo).PRETTY_HOSTNAME : undefined;
  return {
    hostName: hostname(),
    ...(prettyHostName ? { prettyHostName } : {}),
    machineId: plainId128(readText(join(fileSystemRoot, 'etc/machine-id'))),
    bootId: bootId(),
    kernelRelease: release(),
    architecture: ARCHITECTURES[machine()] ?? machine(),
    osRelease: osRelease !== undefined ? parseEnvFile(osRelease) : undefined,
  };
}

let thisMachine: HostFacts | undefined;

/** This machine's facts, read at the first call. */
export function thisMachineFacts(): HostFacts {
  return (thisMachine ??= readHostFacts());
}
