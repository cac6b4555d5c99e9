// The generator of differential cases (fast-check arbitraries). It aims at what users hand to
// `systemd-analyze security`, the odd parts included: services given by path or, under `--root`, by
// name; drop-in directories with several files (per unit, per type `service.d/`, per prefix
// `foo-.service.d/`); templates and instances; `/etc` over `/usr/lib`; masks and alias links;
// continuations, comments, quoting, repeated and misspelt keys, invalid values and bytes; other unit
// types; `--json=`, `--threshold=`, `--profile=`, `--security-policy=` and several arguments.
import fc from 'fast-check';
import type { CaseFile, DifferentialCase } from './cases';
import { checksCase } from './kinds/checks';
import { cliCase, cliOptionVectorCase } from './kinds/cli';
import { verifyCase } from './kinds/verify';
import { syntaxCase } from './kinds/syntax';
import { loadingCase } from './kinds/loading';
import { valuesCase } from './kinds/values';
import { hostCase } from './kinds/host';
import { pathsCase } from './kinds/paths';

const BOOL = ['yes', 'no', 'true', 'false', '1', '0', 'on', 'off', 'Yes', 'bogus', ''];
const BOOLEAN_KEYS = [
  'DynamicUser',
  'PrivateTmp',
  'PrivateDevices',
  'PrivateNetwork',
  'PrivateUsers',
  'PrivateMounts',
  'PrivateIPC',
  'ProtectKernelTunables',
  'ProtectKernelModules',
  'ProtectKernelLogs',
  'ProtectControlGroups',
  'ProtectClock',
  'ProtectHostname',
  'NoNewPrivileges',
  'LockPersonality',
  'MemoryDenyWriteExecute',
  'RestrictRealtime',
  'RestrictSUIDSGID',
  'RemoveIPC',
];
const CAPABILITIES = [
  '',
  'CAP_NET_ADMIN',
  'CAP_SYS_ADMIN',
  '~CAP_SYS_ADMIN CAP_SYS_PTRACE',
  'CAP_NET_BIND_SERVICE CAP_NET_BROADCAST CAP_NET_RAW',
  'cap_net_raw',
  'CAP_BOGUS',
  '~',
  '~CAP_SYS_MODULE',
  'CAP_DAC_OVERRIDE CAP_CHOWN CAP_FOWNER',
  'CAP_SYS_RAWIO CAP_MKNOD',
  'CAP_BPF CAP_PERFMON',
  'CAP_SYS_ADMIN CAP_BOGUS',
  '~CAP_NET_ADMIN CAP_SYS_ADMIN CAP_SYS_PTRACE CAP_SYS_MODULE CAP_SYS_RAWIO CAP_SYS_BOOT',
];

/** Values per [Service] key that matter to the score (beyond the shared boolean list). */
const SCORING_VALUES: Record<string, string[]> = {
  User: ['root', '0', 'nobody', 'svc', 'foo-bar', '65534', '1000', '00', 'bad user', ''],
  SupplementaryGroups: ['wheel', 'adm users', '', 'bad!group', 'root'],
  CapabilityBoundingSet: CAPABILITIES,
  AmbientCapabilities: CAPABILITIES,
  // 252 knows only booleans here; newer enum values are invalid there (and ignored with a warning).
  PrivateTmp: ['disconnected'],
  PrivateUsers: ['self', 'identity'],
  ProtectControlGroups: ['private', 'strict'],
  ProtectHostname: ['private'],
  ProtectSystem: ['yes', 'no', 'full', 'strict', 'bogus', ''],
  ProtectHome: ['yes', 'no', 'read-only', 'tmpfs', 'bogus', ''],
  ProtectProc: ['default', 'invisible', 'ptraceable', 'noaccess', 'bogus', ''],
  ProcSubset: ['all', 'pid', 'bogus', ''],
  KeyringMode: ['inherit', 'private', 'shared', 'bogus', ''],
  UMask: ['0077', '0022', '027', '0027', '0002', '0000', '0700', '0777', '77777', '8', 'bogus', ''],
  RestrictAddressFamilies: [
    'AF_UNIX',
    'AF_INET AF_INET6',
    '~AF_PACKET',
    '~AF_INET',
    'none',
    'AF_NETLINK AF_UNIX',
    'AF_BOGUS',
    '',
    'AF_UNIX AF_INET AF_INET6 AF_NETLINK AF_PACKET',
    'AF_UNIX AF_BOGUS',
    '~AF_UNIX AF_NETLINK',
  ],
  RestrictNamespaces: [
    'yes',
    'no',
    'net',
    '~net mnt',
    'cgroup ipc',
    'cgroup ipc net mnt pid user uts',
    '~cgroup ipc net mnt pid user uts',
    '~',
    'bogus',
    '',
  ],
  SystemCallFilter: [
    '@system-service',
    '~@privileged @resources',
    'read write',
    '~@mount:EPERM',
    '@system-service:EPERM',
    '~@swap',
    '@default @basic-io',
    '~@obsolete',
    '@clock',
    'ptrace',
    '~ptrace:EACCES',
    '@bogusgroup',
    'bogus_syscall',
    '~@cpu-emulation @debug @module @raw-io @reboot',
    '~@default',
    '@known',
    '@system-service @network-io',
    '~@clock:ENOSYS',
    '~@privileged:EPERM @resources',
    '@bogusgroup read',
    '~read:EBOGUS',
    '',
  ],
  SystemCallArchitectures: ['native', 'x86-64 x86', 'x86-64', 'native x86', 'x32', 'arm64', 'bogus', ''],
  DevicePolicy: ['auto', 'closed', 'strict', 'bogus', ''],
  DeviceAllow: ['/dev/null rw', 'char-pts rw', '/dev/sda', '/dev/sda r', 'block-loop', 'bogus', ''],
  IPAddressAllow: [
    'any',
    'localhost',
    '10.0.0.0/8',
    '::1/128',
    'link-local',
    'multicast',
    '192.168.0.0/16 10.0.0.0/8',
    'bogus',
    '',
  ],
  IPAddressDeny: ['any', 'localhost', '10.0.0.0/8', '::1/128', 'bogus', ''],
  NotifyAccess: ['none', 'main', 'exec', 'all', 'bogus', ''],
  Delegate: ['yes', 'no', 'cpu memory', 'cpu bogus', 'bogus', ''],
  RootDirectory: ['/srv/root', '/', 'srv/root', ''],
  // A few neighbours of the scored keys: another root, another ExecStart= (or its reset), Type=.
  RootImage: ['/srv/image.raw', 'image.raw', ''],
  ExecStart: ['/bin/false', ''],
  Type: ['oneshot', 'simple', 'notify', 'bogus'],
  // Keys are case-sensitive: an unknown key is ignored with a warning.
  protectSystem: ['strict'],
  Nonewprivileges: ['yes'],
};

/** Values beyond the scoring ones: other keys and values that change what systemd loads or logs. */
const EXTRA_VALUES: Record<string, string[]> = {
  User: ['%i'],
  Group: ['root', 'svc', 'bad group', ''],
  CapabilityBoundingSet: ['"CAP_NET_RAW CAP_CHOWN'],
  ProtectHostname: ['yes:host'],
  SystemCallFilter: ['~@privileged:eperm'],
  WorkingDirectory: ['/srv', '~', '-/srv', 'srv', ''],
  ExecStart: ['-/bin/true %n %i %r', 'bin/true', '@/bin/true true'],
  ExecStartPre: ['/bin/true', '!/bin/true', ''],
  Type: ['dbus', 'forking'],
  BusName: ['org.example.Svc', 'not a name', ''],
  PIDFile: ['/run/x.pid', '/var/run/x.pid', 'x.pid'],
  Environment: ['A=1', '"A=1 2" B=3', 'bad'],
  SELinuxContext: ['system_u:system_r:x_t:s0', '%Z', ''],
  TemporaryFileSystem: ['/tmp', 'relative', ''],
  ReadWritePaths: ['/var/lib/x', '-/var/lib/y', 'relative', ''],
  Description: ['x'],
};
const SERVICE_VALUES: Record<string, string[]> = Object.fromEntries(
  [...new Set([...Object.keys(SCORING_VALUES), ...Object.keys(EXTRA_VALUES)])].map((k) => [
    k,
    [...(SCORING_VALUES[k] ?? []), ...(EXTRA_VALUES[k] ?? [])],
  ]),
);

const UNIT_SECTION_LINES = [
  'DefaultDependencies=no',
  'DefaultDependencies=yes',
  'DefaultDependencies=bogus',
  'Description=A generated unit',
  'Documentation=man:x(1)',
  'Documentation=not-a-uri',
  'After=network.target',
  'ConditionPathExists=/etc/x',
  'ConditionPathExists=relative',
  'Requires=',
  'Bogus=1',
];

const assignmentOf = (values: Record<string, string[]>): fc.Arbitrary<string> => {
  const keys = [...new Set([...BOOLEAN_KEYS, ...Object.keys(values)])].sort();
  const valuesOf = (key: string): string[] => [
    ...new Set([...(BOOLEAN_KEYS.includes(key) ? BOOL : []), ...(values[key] ?? [])]),
  ];
  return fc
    .constantFrom(...keys)
    .chain((key) =>
      fc
        .tuple(fc.constantFrom(...valuesOf(key)), fc.constantFrom('=', ' = ', '= ', '  ='))
        .map(([value, eq]) => `${key}${eq}${value}`.trimEnd()),
    );
};
const assignment = assignmentOf(SERVICE_VALUES);
const scoringAssignment = assignmentOf(SCORING_VALUES);

/** Lines that are not plain assignments: comments, blanks, continuations, junk. */
const oddLine = fc.constantFrom(
  '# comment',
  '; comment',
  '',
  '  ',
  'ProtectSystem=\\\n  strict',
  'SystemCallFilter=@system-service \\\n  ~@privileged',
  'NoNewPrivileges=yes # not a comment',
  'junk line without equals',
  '[Install]',
  'WantedBy=multi-user.target',
  '[Service]',
);
const serviceLine = fc.oneof({ weight: 20, arbitrary: assignment }, { weight: 2, arbitrary: oddLine });

/** Starting points, so that scores cover the whole range (random lines alone rarely harden a unit). */
const BASES: Record<string, string[]> = {
  none: [],
  partial: [
    'User=svc',
    'ProtectSystem=strict',
    'ProtectHome=yes',
    'PrivateTmp=yes',
    'NoNewPrivileges=yes',
    'SystemCallFilter=@system-service',
  ],
  hardened: [
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
  ],
};

/** A unit file's text: an optional [Unit] section, then [Service] with the base and random lines. */
const serviceFile = fc
  .record({
    base: fc.constantFrom(...Object.keys(BASES)),
    unitLines: fc.array(fc.constantFrom(...UNIT_SECTION_LINES), { maxLength: 3 }),
    lines: fc.array(serviceLine, { maxLength: 12 }),
    execStart: fc.constantFrom('ExecStart=/bin/true', 'ExecStart=/bin/true', 'ExecStart=/bin/true %i', ''),
  })
  .map(({ base, unitLines, lines, execStart }) =>
    [
      ...(unitLines.length > 0 ? ['[Unit]', ...unitLines, ''] : []),
      '[Service]',
      ...(execStart ? [execStart] : []),
      ...(BASES[base] ?? []),
      ...lines,
      '',
    ].join('\n'),
  );

/** A drop-in's text: a [Service] (sometimes [Unit]) section with a few lines. */
const dropInFile = fc
  .record({
    unit: fc.option(fc.constantFrom(...UNIT_SECTION_LINES), { nil: undefined, freq: 4 }),
    lines: fc.array(serviceLine, { minLength: 1, maxLength: 5 }),
  })
  .map(({ unit, lines }) => [...(unit ? ['[Unit]', unit, ''] : []), '[Service]', ...lines, ''].join('\n'));

/** Bytes a text editor would not write: invalid UTF-8, a NUL, a BOM, CR line ends. */
const oddBytes = fc.constantFrom(
  { name: 'invalid UTF-8', bytes: Buffer.from([0x4e, 0x6f, 0xff, 0xfe, 0x3d, 0x31, 0x0a]) },
  { name: 'BOM', bytes: Buffer.from('\ufeff[Service]\nPrivateTmp=yes\n') },
  { name: 'CRLF', bytes: Buffer.from('[Service]\r\nPrivateTmp=yes\r\n') },
  { name: 'NUL', bytes: Buffer.from('[Service]\nPrivateTmp=y\0es\n') },
  { name: 'latin-1 description', bytes: Buffer.from('[Unit]\nDescription=caf\xe9\n', 'latin1') },
);

const json = fc.constantFrom('--json=short', '--json=pretty', '--json=off', undefined, undefined);
const threshold = fc.constantFrom(
  '--threshold=50',
  '--threshold=100',
  '--threshold=0',
  undefined,
  undefined,
  undefined,
);

/** --security-policy files: valid overrides and the odd JSON systemd reads its own way. */
const securityPolicy = fc.constantFrom(
  '{"PrivateTmp": {"weight": 2000}}',
  '{"UserOrDynamicUser": {"weight": 0, "range": 1}}',
  '{"PrivateTmp": {"description_good": "tmp ok", "description_bad": "tmp bad"}}',
  '{"PrivateTmp": {"weight": 10}, "PrivateTmp": {"weight": 2000}}',
  '{"PrivateTmp": {"weight": 1e3}}',
  '{"PrivateTmp": {"weight": 18446744073709551615}}',
  '{"PrivateTmp": {"description_bad": "a\\u0000b"}}',
  '{"PrivateTmp": {"description_bad": "\\ud800"}}',
  '{"PrivateTmp": {"description_bad": "wide 😨 and tab\\tand newline\\nhere"}}',
  '{"Bogus": {"weight": 1}}',
  '[1, 2]',
  '{',
);

// ---------------------------------------------------------------------------------------------------
// The cases.

/** One service given by path, with an optional drop-in directory beside it (the common case). */
const byPath: fc.Arbitrary<DifferentialCase> = fc
  .record({
    name: fc.constantFrom('ug-a.service', 'ug-b@.service', 'ug-c@inst.service', 'ug-d.socket', 'ug-e.timer'),
    main: serviceFile,
    dropIns: fc.array(dropInFile, { maxLength: 3 }),
    json,
    threshold,
  })
  .map(({ name, main, dropIns, json: j, threshold: t }) => {
    const files: Record<string, CaseFile> = { [name]: main };
    dropIns.forEach((d, i) => {
      files[`${name}.d/${10 + i}-${String.fromCharCode(97 + i)}.conf`] = d;
    });
    return { files, args: ['--offline=true', ...(j ? [j] : []), ...(t ? [t] : []), `$DIR/${name}`] };
  });

/** A root tree (`--root`): /etc over /usr/lib, masks, aliases, type and prefix drop-ins, templates. */
const rootTree: fc.Arbitrary<DifferentialCase> = fc
  .record({
    mainIn: fc.constantFrom(
      'usr/lib/systemd/system',
      'etc/systemd/system',
      'lib/systemd/system',
      'run/systemd/system',
    ),
    template: fc.boolean(),
    main: serviceFile,
    etcCopy: fc.option(serviceFile, { nil: undefined, freq: 4 }),
    mask: fc.constantFrom(undefined, undefined, undefined, 'etc', 'usr'),
    alias: fc.boolean(),
    unitDropIn: fc.option(dropInFile, { nil: undefined }),
    typeDropIn: fc.option(dropInFile, { nil: undefined, freq: 4 }),
    prefixDropIn: fc.option(dropInFile, { nil: undefined, freq: 4 }),
    generatorUnit: fc.boolean(),
    byPath: fc.boolean(),
    json,
  })
  .map((t) => {
    const name = t.template ? 'ug-t@.service' : 'ug-svc.service';
    const asked = t.alias ? 'ug-alias.service' : t.template ? 'ug-t@one.service' : name;
    const files: Record<string, CaseFile> = { [`${t.mainIn}/${name}`]: t.main };
    if (t.etcCopy && t.mainIn !== 'etc/systemd/system') files[`etc/systemd/system/${name}`] = t.etcCopy;
    if (t.mask)
      files[`${t.mask === 'etc' ? 'etc' : 'usr/lib'}/systemd/system/${asked}`] = { symlink: '/dev/null' };
    else if (t.alias) files[`etc/systemd/system/ug-alias.service`] = { symlink: `/${t.mainIn}/${name}` };
    if (t.unitDropIn) files[`etc/systemd/system/${asked}.d/50-x.conf`] = t.unitDropIn;
    if (t.typeDropIn) files['usr/lib/systemd/system/service.d/10-type.conf'] = t.typeDropIn;
    if (t.prefixDropIn) files['etc/systemd/system/ug-.service.d/20-prefix.conf'] = t.prefixDropIn;
    if (t.generatorUnit) files['run/systemd/generator/ug-gen.service'] = '[Service]\nExecStart=/bin/true\n';
    const target = t.byPath ? `/${t.mainIn}/${name}` : asked;
    return { files, args: ['--offline=true', '--root=$DIR', ...(t.json ? [t.json] : []), target] };
  });

/** Odd bytes in a unit or its drop-in. */
const bytesCase: fc.Arbitrary<DifferentialCase> = fc
  .record({ odd: oddBytes, inDropIn: fc.boolean(), main: serviceFile })
  .map(({ odd, inDropIn, main }) => {
    const files: Record<string, CaseFile> = inDropIn
      ? {
          'ug-bytes.service': main,
          'ug-bytes.service.d/10-odd.conf': { base64: odd.bytes.toString('base64') },
        }
      : { 'ug-bytes.service': { base64: Buffer.concat([odd.bytes, Buffer.from(main)]).toString('base64') } };
    return { files, args: ['--offline=true', '--json=short', '$DIR/ug-bytes.service'] };
  });

/** Options around the unit: a security policy, a profile drop-in, several units. */
const optionsCase: fc.Arbitrary<DifferentialCase> = fc
  .record({
    a: serviceFile,
    b: serviceFile,
    policy: fc.option(securityPolicy, { nil: undefined }),
    two: fc.boolean(),
    json,
  })
  .map(({ a, b, policy, two, json: j }) => {
    const files: Record<string, CaseFile> = { 'ug-one.service': a, 'ug-two.service': b };
    if (policy !== undefined) files['policy.json'] = policy;
    return {
      files,
      args: [
        '--offline=true',
        ...(policy !== undefined ? ['--security-policy=$DIR/policy.json'] : []),
        ...(j ? [j] : []),
        '$DIR/ug-one.service',
        ...(two ? ['$DIR/ug-two.service'] : []),
      ],
    };
  });

/**
 * The scoring generator: one service (plus an optional drop-in) by path, lines that matter to the
 * score with valid and invalid values. Everything unitgate scores must match here on stdout and exit
 * code for every release; the broader kinds above are where campaigns still find differences.
 */
export const scoringCase: fc.Arbitrary<DifferentialCase> = fc
  .record({
    base: fc.constantFrom(...Object.keys(BASES)),
    defaultDependencies: fc.option(fc.constantFrom('yes', 'no', 'bogus', ''), { nil: null }),
    dependenciesInDropIn: fc.boolean(),
    lines: fc.array(
      fc.oneof(
        { weight: 20, arbitrary: scoringAssignment },
        { weight: 1, arbitrary: fc.constantFrom('# comment', '; comment', '', '  ') },
      ),
      { maxLength: 14 },
    ),
    splitAt: fc.option(fc.nat({ max: 14 }), { nil: undefined, freq: 2 }),
    json: fc.constantFrom('--json=short', undefined),
  })
  .map((u) => {
    const split = u.splitAt === undefined ? u.lines.length : Math.min(u.splitAt, u.lines.length);
    const file = (deps: boolean, lines: string[]): string =>
      (deps && u.defaultDependencies !== null
        ? `[Unit]\nDefaultDependencies=${u.defaultDependencies}\n\n`
        : '') + ['[Service]', ...lines, ''].join('\n');
    const depsInDropIn = u.splitAt !== undefined && u.dependenciesInDropIn;
    const name = 'ug-score.service';
    const files: Record<string, CaseFile> = {
      [name]: file(!depsInDropIn, [
        'ExecStart=/bin/true',
        ...(BASES[u.base] ?? []),
        ...u.lines.slice(0, split),
      ]),
    };
    if (u.splitAt !== undefined) files[`${name}.d/10-a.conf`] = file(depsInDropIn, u.lines.slice(split));
    return { files, args: ['--offline=true', ...(u.json ? [u.json] : []), `$DIR/${name}`] };
  });

/** Every kind of case, weighted towards the common one. */
export const differentialCase: fc.Arbitrary<DifferentialCase> = fc.oneof(
  { weight: 6, arbitrary: byPath },
  { weight: 3, arbitrary: rootTree },
  { weight: 1, arbitrary: bytesCase },
  { weight: 2, arbitrary: optionsCase },
  { weight: 2, arbitrary: checksCase },
  { weight: 1, arbitrary: cliCase },
  { weight: 1, arbitrary: cliOptionVectorCase },
  { weight: 2, arbitrary: verifyCase },
  { weight: 2, arbitrary: syntaxCase },
  { weight: 2, arbitrary: loadingCase },
  { weight: 2, arbitrary: valuesCase },
  { weight: 1, arbitrary: hostCase },
  { weight: 1, arbitrary: pathsCase },
);

/** The case kinds by name, for campaigns that aim at one. */
export const CASE_KINDS: Record<string, fc.Arbitrary<DifferentialCase>> = {
  scoring: scoringCase,
  'by-path': byPath,
  'root-tree': rootTree,
  bytes: bytesCase,
  options: optionsCase,
  checks: checksCase,
  cli: cliCase,
  getopt: cliOptionVectorCase,
  verify: verifyCase,
  syntax: syntaxCase,
  loading: loadingCase,
  values: valuesCase,
  host: hostCase,
  paths: pathsCase,
};
