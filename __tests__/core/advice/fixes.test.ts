// Every assessor row has a fix, and the fix works: a unit where the row fails, plus the fix's lines,
// scores the row as passing (`set: true`, badness 0) — checked through `unitgate security --json=short`
// for every supported systemd version. The same table was run against systemd 252.38's own
// `systemd-analyze security --offline=true` when it was written (see the module comment of fixes.ts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../src/cli';
import { fixForRow, fixForViolation, mergeFixes } from '../../../src/core/advice/fixes';
import { SUPPORTED_VERSIONS, systemdRelease } from '../../../src/core/security/versions';
import { violation } from '../report/report-fixtures';

interface JsonRow {
  set: boolean | null;
  json_field: string;
  description: string | null;
}

/** Lines that make a row fail when the bare `ExecStart=` service would pass it or not apply. */
const FAILING_FIRST: Record<string, string[]> = {
  SupplementaryGroups: ['User=svc', 'SupplementaryGroups=wheel'],
  RemoveIPC: ['User=svc'],
  KeyringMode: ['KeyringMode=shared'],
  NotifyAccess: ['NotifyAccess=all'],
  Delegate: ['Delegate=yes'],
  AmbientCapabilities: ['AmbientCapabilities=CAP_NET_BIND_SERVICE'],
  PrivateMounts: ['PrivateMounts=no'],
};

/** Harder starting points: an allow list that already includes what the row is about. */
const ALLOW_LIST_FIRST: [prefix: string, lines: string[]][] = [
  [
    'CapabilityBoundingSet_',
    [
      'CapabilityBoundingSet=CAP_SYS_ADMIN CAP_SETUID CAP_SETGID CAP_SETPCAP CAP_SYS_PTRACE CAP_SYS_TIME ' +
        'CAP_NET_ADMIN CAP_SYS_RAWIO CAP_SYS_MODULE CAP_AUDIT_CONTROL CAP_AUDIT_READ CAP_AUDIT_WRITE CAP_SYSLOG ' +
        'CAP_SYS_NICE CAP_SYS_RESOURCE CAP_MKNOD CAP_CHOWN CAP_FSETID CAP_SETFCAP CAP_DAC_OVERRIDE ' +
        'CAP_DAC_READ_SEARCH CAP_FOWNER CAP_IPC_OWNER CAP_KILL CAP_NET_BIND_SERVICE CAP_NET_BROADCAST CAP_NET_RAW ' +
        'CAP_SYS_BOOT CAP_MAC_ADMIN CAP_MAC_OVERRIDE CAP_LINUX_IMMUTABLE CAP_IPC_LOCK CAP_SYS_CHROOT ' +
        'CAP_BLOCK_SUSPEND CAP_WAKE_ALARM CAP_LEASE CAP_SYS_TTY_CONFIG CAP_SYS_PACCT CAP_BPF',
    ],
  ],
  ['RestrictNamespaces_', ['RestrictNamespaces=user mnt ipc pid cgroup net uts']],
  ['RestrictAddressFamilies_AF_', ['RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK AF_PACKET']],
  ['SystemCallFilter_', ['SystemCallFilter=@known']],
];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'unitgate-fixes-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Scores `[Service]\nExecStart=/bin/true\n` plus `lines` and returns the row of `field`. */
function scoreRow(version: number, lines: string[], field: string): JsonRow {
  writeFileSync(join(dir, 'fix.service'), ['[Service]', 'ExecStart=/bin/true', ...lines, ''].join('\n'));
  const r = runCli(['security', '--json=short', `--systemd-version=${version}`, 'fix.service'], {
    cwd: dir,
    env: {},
    stdoutIsTTY: false,
  });
  if (r.exitCode !== 0) throw new Error(`unitgate security failed: ${r.stderr}`);
  const row = (JSON.parse(r.stdout) as JsonRow[]).find((x) => x.json_field === field);
  if (!row) throw new Error(`no row ${field}`);
  return row;
}

const cases = SUPPORTED_VERSIONS.flatMap((version) =>
  systemdRelease(version).data.assessors.map((a) => [version, a.jsonField] as const),
);

describe('fixForRow()', () => {
  it.each(SUPPORTED_VERSIONS)('has a fix for every assessor row of systemd %s', (version) => {
    const fields = systemdRelease(version).data.assessors.map((a) => a.jsonField);
    expect(fields.filter((f) => fixForRow(f) === undefined)).toEqual([]);
  });

  it.each(cases)('systemd %s: the fix for %s makes a failing row pass', (version, field) => {
    const before = FAILING_FIRST[field] ?? [];
    const fix = fixForRow(field);
    expect(fix).toBeDefined();
    expect(scoreRow(version, before, field).set).toBe(false);
    expect(scoreRow(version, [...before, ...(fix?.directives ?? [])], field).set).toBe(true);
  });

  const allowListCases = cases.flatMap(([version, field]) => {
    const start = ALLOW_LIST_FIRST.find(([prefix]) => field.startsWith(prefix));
    return start ? [[version, field, start[1]] as const] : [];
  });
  it.each(allowListCases)(
    'systemd %s: the fix for %s also works after an allow list',
    (version, field, before) => {
      expect(scoreRow(version, before, field).set).toBe(false);
      expect(scoreRow(version, [...before, ...(fixForRow(field)?.directives ?? [])], field).set).toBe(true);
    },
  );

  it.each(SUPPORTED_VERSIONS)(
    'systemd %s: every fix pasted at once leaves only the device ACL partial',
    (version) => {
      const lines = mergeFixes(
        systemdRelease(version)
          .data.assessors.map((a) => fixForRow(a.jsonField))
          .filter((f) => f !== undefined),
      );
      const failing = systemdRelease(version)
        .data.assessors.map((a) => scoreRow(version, lines, a.jsonField))
        .filter((row) => row.set !== true)
        .map((row) => row.json_field);
      // ProtectClock=yes adds `DeviceAllow=char-rtc r`, which systemd rates as a partial device ACL.
      expect(failing).toEqual(['DeviceAllow']);
    },
  );

  it('names the capabilities of each row exactly as the row’s bits (every version)', () => {
    for (const version of SUPPORTED_VERSIONS) {
      const { assessors, capabilities } = systemdRelease(version).data;
      for (const a of assessors.filter((x) => x.kind === 'capability_bounding_set')) {
        const line = fixForRow(a.jsonField)?.directives[0] ?? '';
        const names = line.replace('CapabilityBoundingSet=~', '').split(' ');
        expect(names.map((n) => capabilities[n]).sort()).toEqual([...(a.capabilityBits ?? [])].sort());
      }
    }
  });

  it.each([
    ['ProtectSystem', ['ProtectSystem=strict']],
    ['PrivateTmp', ['PrivateTmp=yes']],
    ['UserOrDynamicUser', ['DynamicUser=yes']],
    ['CapabilityBoundingSet_CAP_SYS_ADMIN', ['CapabilityBoundingSet=~CAP_SYS_ADMIN']],
    ['SystemCallFilter_mount', ['SystemCallFilter=~@mount']],
    ['SystemCallFilter_raw_io', ['SystemCallFilter=~@raw-io']],
    [
      'SystemCallFilter_privileged',
      ['SystemCallFilter=@system-service', 'SystemCallFilter=~@privileged @resources'],
    ],
    ['SystemCallArchitectures', ['SystemCallArchitectures=native']],
    ['IPAddressDeny', ['IPAddressDeny=any']],
    ['DeviceAllow', ['DevicePolicy=closed']],
    ['UMask', ['UMask=0077']],
    ['KeyringMode', ['KeyringMode=private']],
    ['ProtectProc', ['ProtectProc=invisible']],
    ['ProcSubset', ['ProcSubset=pid']],
    ['NotifyAccess', ['NotifyAccess=main']],
    ['Delegate', ['Delegate=no']],
    ['AmbientCapabilities', ['AmbientCapabilities=']],
    ['RestrictAddressFamilies_AF_PACKET', ['RestrictAddressFamilies=~AF_PACKET']],
    ['RestrictAddressFamilies_OTHER', ['RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6']],
    ['RestrictNamespaces_user', ['RestrictNamespaces=~user']],
  ])('%s → %j', (field, directives) => {
    expect(fixForRow(field)?.directives).toEqual(directives);
  });

  it.each(['UserOrDynamicUser', 'RootDirectoryOrRootImage'])('%s says it needs a judgement', (field) => {
    expect(fixForRow(field)?.explanation).toMatch(/judgement/);
  });

  it('uses the profile’s address families for the exotic-socket allow list, minus exotic ones', () => {
    expect(
      fixForRow('RestrictAddressFamilies_OTHER', {
        addressFamilies: ['AF_UNIX', 'AF_NETLINK', 'AF_BLUETOOTH'],
      })?.directives,
    ).toEqual(['RestrictAddressFamilies=AF_UNIX AF_NETLINK']);
    expect(
      fixForRow('RestrictAddressFamilies_OTHER', { addressFamilies: ['AF_BLUETOOTH'] })?.directives,
    ).toEqual(['RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6']);
  });

  it('returns undefined for an unknown json_field and a fresh copy otherwise', () => {
    expect(fixForRow('NoSuchRow')).toBeUndefined();
    const a = fixForRow('PrivateTmp');
    a?.directives.push('mutated');
    expect(fixForRow('PrivateTmp')?.directives).toEqual(['PrivateTmp=yes']);
  });
});

describe('fixForViolation()', () => {
  it.each([
    ['the gate’s own fix', violation({ fix: { directives: ['X=1'], explanation: 'x' } }), ['X=1']],
    ['a row check', violation({ kind: 'regression-row', check: 'ProtectHome' }), ['ProtectHome=yes']],
    ['a requirement', violation({ kind: 'missing-directive', check: 'Foo=bar' }), ['Foo=bar']],
    [
      'a capability',
      violation({ kind: 'forbidden-capability', check: 'CAP_NET_RAW' }),
      ['CapabilityBoundingSet=~CAP_NET_RAW', 'AmbientCapabilities=~CAP_NET_RAW'],
    ],
    [
      'an address family',
      violation({ kind: 'forbidden-address-family', check: 'AF_PACKET' }),
      ['RestrictAddressFamilies=~AF_PACKET'],
    ],
    ['a load error', violation({ kind: 'load-error', check: 'load' }), undefined],
    ['a sign-off', violation({ kind: 'signoff-required', check: 'User' }), undefined],
  ])('%s', (_name, v, directives) => {
    expect(fixForViolation(v)?.directives).toEqual(directives);
  });
});

describe('mergeFixes()', () => {
  it.each([
    [
      'dedupes and keeps first-seen directive order',
      [['PrivateTmp=yes', 'ProtectSystem=strict'], ['PrivateTmp=yes']],
      ['PrivateTmp=yes', 'ProtectSystem=strict'],
    ],
    [
      'puts resets, then allow lists, then deny lists of one directive',
      [
        ['RestrictAddressFamilies=~AF_PACKET'],
        ['NoNewPrivileges=yes'],
        ['RestrictAddressFamilies=AF_UNIX'],
        ['RestrictAddressFamilies='],
      ],
      [
        'RestrictAddressFamilies=',
        'RestrictAddressFamilies=AF_UNIX',
        'RestrictAddressFamilies=~AF_PACKET',
        'NoNewPrivileges=yes',
      ],
    ],
  ])('%s', (_name, lists, expected) => {
    expect(mergeFixes(lists.map((directives) => ({ directives, explanation: '' })))).toEqual(expected);
  });
});
