// Repository fixtures for the end-to-end gate scenarios (__tests__/e2e/gate.test.ts): unit texts at
// several levels of hardening, drop-ins, policies, deviation notes, and helpers to find the line a
// directive is on (annotations must point at exact lines) and to date notes relative to today (the
// action judges expiry by the real clock).
import type { FileTree } from './make-git-repo';

/** Joins lines into a file's text with a trailing newline. */
function text(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

/** The hardened API service most scenarios start from (exposure 2.x on systemd 252). */
export const API_HARDENED = text(
  '# The public HTTP API.',
  '[Unit]',
  'Description=Orders API',
  'After=network.target',
  '',
  '[Service]',
  'Type=simple',
  'User=orders',
  'Group=orders',
  'ExecStart=/usr/bin/orders-api --listen 127.0.0.1:8080',
  'Restart=on-failure',
  '',
  'NoNewPrivileges=yes',
  'PrivateTmp=yes',
  'PrivateDevices=yes',
  'ProtectSystem=strict',
  'ProtectHome=yes',
  'ReadWritePaths=/var/lib/orders',
  'UMask=0077',
  'CapabilityBoundingSet=',
  'AmbientCapabilities=',
  'RestrictSUIDSGID=yes',
  'LockPersonality=yes',
  'MemoryDenyWriteExecute=yes',
  'RestrictNamespaces=yes',
  'RestrictRealtime=yes',
  'ProtectKernelTunables=yes',
  'ProtectKernelModules=yes',
  'ProtectKernelLogs=yes',
  'ProtectControlGroups=yes',
  'ProtectClock=yes',
  'ProtectHostname=yes',
  'SystemCallArchitectures=native',
  'SystemCallFilter=@system-service',
  'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6',
  '',
  '[Install]',
  'WantedBy=multi-user.target',
);

/** The same API before its hardening: only `User=` (9.2 UNSAFE on systemd 252). */
export const API_PLAIN = text(
  '[Unit]',
  'Description=Orders API',
  '',
  '[Service]',
  'User=orders',
  'ExecStart=/usr/bin/orders-api --listen 127.0.0.1:8080',
  '',
  '[Install]',
  'WantedBy=multi-user.target',
);

/** Halfway: filesystem protections only. Better than API_PLAIN, worse than API_HARDENED. */
export const API_PARTIAL = text(
  '[Unit]',
  'Description=Orders API',
  '',
  '[Service]',
  'User=orders',
  'ExecStart=/usr/bin/orders-api --listen 127.0.0.1:8080',
  'NoNewPrivileges=yes',
  'PrivateTmp=yes',
  'ProtectSystem=strict',
  'ProtectHome=yes',
  'ProtectKernelTunables=yes',
  'ProtectKernelModules=yes',
  '',
  '[Install]',
  'WantedBy=multi-user.target',
);

/** API_HARDENED without the `ProtectSystem=strict` line. */
export const API_NO_PROTECT_SYSTEM = API_HARDENED.replace('ProtectSystem=strict\n', '');

/** API_HARDENED keeping CAP_SYS_ADMIN in its bounding set. */
export const API_SYS_ADMIN = API_HARDENED.replace(
  'CapabilityBoundingSet=\n',
  'CapabilityBoundingSet=CAP_SYS_ADMIN\n',
);

/** Both weakenings at once: `ProtectSystem=strict` removed and CAP_SYS_ADMIN kept. */
export const API_WEAKENED = API_NO_PROTECT_SYSTEM.replace(
  'CapabilityBoundingSet=\n',
  'CapabilityBoundingSet=CAP_SYS_ADMIN\n',
);

/**
 * API_HARDENED with one more SystemCallFilter= line (a tightening: no assessor row gets worse), so
 * the only thing that can fail it is the sign-off rule on SystemCallFilter=.
 */
export const API_SYSCALLS_CHANGED = API_HARDENED.replace(
  'SystemCallFilter=@system-service\n',
  'SystemCallFilter=@system-service\nSystemCallFilter=~@privileged @resources\n',
);

/** A drop-in that only sets the environment (no effect on the score). */
export const OVERRIDE_HARMLESS = text('[Service]', 'Environment=ORDERS_WORKERS=4');

/** A drop-in that gives the API CAP_SYS_ADMIN back and loosens the filesystem protection. */
export const OVERRIDE_WEAKENS = text(
  '# Debugging the mount helper.',
  '[Service]',
  'Environment=ORDERS_WORKERS=4',
  'CapabilityBoundingSet=CAP_SYS_ADMIN',
  'ProtectSystem=full',
);

/** A background worker that is well hardened and never changes in these scenarios. */
export const WORKER = text(
  '[Unit]',
  'Description=Orders queue worker',
  '',
  '[Service]',
  'User=worker',
  'ExecStart=/usr/bin/orders-worker',
  'NoNewPrivileges=yes',
  'PrivateTmp=yes',
  'PrivateDevices=yes',
  'ProtectSystem=strict',
  'ProtectHome=yes',
  'CapabilityBoundingSet=',
  'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6',
  'SystemCallArchitectures=native',
  'SystemCallFilter=@system-service',
  '',
  '[Install]',
  'WantedBy=multi-user.target',
);

/** An old, unhardened unit nobody touches (9.6 UNSAFE, root, no hardening at all). */
export const LEGACY = text(
  '[Unit]',
  'Description=Legacy reporting daemon',
  '',
  '[Service]',
  'ExecStart=/usr/bin/legacy-report',
);

export const API_PATH = 'deploy/api.service';
export const API_DROPIN_PATH = 'deploy/api.service.d/override.conf';
export const WORKER_PATH = 'deploy/worker.service';
export const LEGACY_PATH = 'deploy/legacy.service';
export const POLICY_PATH = '.github/unitgate.json';

/** Files every scenario repository has besides its units. */
export const REPO_FILES: FileTree = {
  'README.md': '# orders\n\nThe orders services and how they are deployed.\n',
  'src/orders/main.go': 'package main\n\nfunc main() {}\n',
};

/** The 1-based line of the first line of `file` that equals `line` (or starts with it + `=` when it has none). */
export function lineOf(file: string, line: string): number {
  const lines = file.split('\n');
  const index = lines.findIndex((l) => l === line || (!line.includes('=') && l.startsWith(`${line}=`)));
  if (index < 0) throw new Error(`lineOf: no line ${JSON.stringify(line)} in:\n${file}`);
  return index + 1;
}

/** Today plus `days`, as YYYY-MM-DD in UTC (what the action compares `expires:` with). */
export function isoDay(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** A pull request description with one fenced ```unitgate-deviation block. */
export function deviationBody(note: {
  unit: string;
  check?: string;
  reason?: string;
  owner?: string;
  expires?: string;
  ticket?: string;
}): string {
  const fields = Object.entries(note).map(([key, value]) => `${key}: ${value}`);
  return [
    'The mount helper needs CAP_SYS_ADMIN until the migration to the new storage driver is done.',
    '',
    '```unitgate-deviation',
    ...fields,
    '```',
    '',
  ].join('\n');
}

/** A policy file's text. */
export function policyText(policy: Record<string, unknown>): string {
  return `${JSON.stringify(policy, null, 2)}\n`;
}

/** The policy the sign-off scenario uses: changes to SystemCallFilter= need @acme/security. */
export const SIGNOFF_POLICY = policyText({
  signoff: [{ directives: ['SystemCallFilter'], approvers: ['@acme/security'] }],
});

/**
 * A broken policy: an unknown top-level key (`treshold`, misspelt) and a profile threshold given as a
 * string; each problem must be reported with its JSON path and line.
 */
export const INVALID_POLICY = text(
  '{',
  '  "mode": "enforce",',
  '  "treshold": 3.5,',
  '  "profiles": {',
  '    "api": { "extends": "api-service", "threshold": "high" }',
  '  },',
  '  "units": [{ "match": "deploy/api.service", "profile": "api" }]',
  '}',
);

/** Contents of /etc/passwd (its first line), which must never leak into any report. */
export const PASSWD_MARKER = 'root:x:0:0';
