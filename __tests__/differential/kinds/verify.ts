// Case kind `verify`: units systemd accepts or refuses at load time. Every unit type with the settings
// whose value must be ACCEPTED for the unit to load (Listen*=, timer values, path specs, BusName=) and
// the settings whose errors are fatal (WorkingDirectory=, RootVerity=, labels, SocketUser=, image
// policies, Swap What=, v262's RootMStack=/ExecReloadPost=), with valid, invalid, relative, empty and
// repeated values, in the unit and in a drop-in.
import fc from 'fast-check';
import type { CaseFile, DifferentialCase } from '../cases';

/** Per unit type: its section, lines that make it load, and the keys to vary with their values. */
interface TypeSpec {
  section: string;
  base: string[];
  values: Record<string, string[]>;
}

const EXEC_VALUES: Record<string, string[]> = {
  WorkingDirectory: ['/srv', '~', '-/srv', 'srv', '-srv', '/srv/../x', '%Z', '-%Z', ''],
  RootVerity: ['/x.verity', 'x.verity', ''],
  RootMStack: ['/x', 'relative', ''],
  SELinuxContext: ['system_u:system_r:x_t:s0', '%Z', '-%Z', '%n', ''],
  AppArmorProfile: ['prof', '%Z', '-%Z', ''],
  SmackProcessLabel: ['label', '%Z', ''],
  RootImagePolicy: ['*', '-', '~', 'root=verity+signed:usr=absent', 'bogus', 'root=bogus', ''],
  MountImagePolicy: ['=verity:usr=unprotected+read-only-on', 'nope=verity', '%Z', ''],
  ExtensionImagePolicy: ['root=verity:root=signed', 'root=open', ''],
  PrivatePIDs: ['yes', 'no', 'bogus', ''],
  DynamicUser: ['yes', 'no', 'bogus'],
};

const TYPES: Record<string, TypeSpec> = {
  service: {
    section: 'Service',
    base: ['ExecStart=/bin/true'],
    values: {
      ...EXEC_VALUES,
      Type: ['dbus', 'simple', 'oneshot'],
      BusName: ['org.example.Svc', 'not a name', '9a.b', 'nodot', ':1.2', '%Z', ''],
      ExecReloadPost: ['/bin/true', 'bin/true', ''],
    },
  },
  socket: {
    section: 'Socket',
    base: [],
    values: {
      ...EXEC_VALUES,
      ListenStream: [
        '/run/x',
        '@abstract',
        '80',
        '0',
        '70000',
        '127.0.0.1:80',
        '[::1]:80',
        '::1',
        'bogus',
        '%Z',
        '',
      ],
      ListenDatagram: ['/run/d', '1.2.3.4', '53', ''],
      ListenSequentialPacket: ['/run/s', '80', ''],
      ListenFIFO: ['/run/fifo', 'rel', ''],
      ListenSpecial: ['/dev/x', ''],
      ListenNetlink: ['route', 'kobject-uevent 1', 'bogus'],
      ListenMessageQueue: ['/mq', 'mq'],
      Accept: ['yes', 'no', 'maybe'],
      Service: ['foo.service', 'foo@.service', 'foo.target', 'foo@x.service'],
      MaxConnections: ['0', '1', '64', 'bogus'],
      Symlinks: ['/run/y', 'rel', '/a /b', ''],
      SocketUser: ['root', 'svc', 'bad:user', '-x', ''],
      SocketGroup: ['root', 'bad/group', ''],
    },
  },
  timer: {
    section: 'Timer',
    base: [],
    values: {
      OnCalendar: [
        'daily',
        'Mon..Fri *-*-* 10:00',
        'daily x',
        '*-*-* 25:00',
        '2024-02-30',
        '*:0/15',
        'Mon,Sun 12:*',
        'bogus',
        '',
      ],
      OnActiveSec: ['5min', '1h 30s', 'bogus', '-1', '1.5s', 'infinity', ''],
      OnBootSec: ['10', '5 min', ''],
      OnUnitActiveSec: ['1d', 'x1'],
      OnClockChange: ['yes', 'no', 'bogus', ''],
      OnTimezoneChange: ['yes', 'no', ''],
    },
  },
  path: {
    section: 'Path',
    base: [],
    values: {
      PathExists: ['/etc/x', 'relative', '/a/../b', '%Z', ''],
      PathChanged: ['/etc/y', 'rel'],
      PathModified: ['/etc/z', ''],
      DirectoryNotEmpty: ['/var/spool/x', 'spool'],
      PathExistsGlob: ['/etc/*.conf', ''],
    },
  },
  mount: {
    section: 'Mount',
    base: ['What=/dev/sda1'],
    values: { ...EXEC_VALUES, Type: ['ext4', ''], Options: ['ro', ''] },
  },
  swap: {
    section: 'Swap',
    base: [],
    values: { What: ['/dev/sdb', 'dev/sdb', '/dev//sdb', ''], ...EXEC_VALUES },
  },
  automount: { section: 'Automount', base: [], values: { Where: ['/ug-verify', 'rel', ''] } },
  target: { section: 'Unit', base: ['Description=x'], values: { Description: ['y'] } },
  slice: { section: 'Slice', base: [], values: { MemoryMax: ['1G'] } },
};

const line = (values: Record<string, string[]>): fc.Arbitrary<string> =>
  fc
    .constantFrom(...Object.keys(values).sort())
    .chain((key) => fc.constantFrom(...(values[key] ?? [''])).map((v) => `${key}=${v}`));

/** One unit of any type, the varied lines split between the unit file and an optional drop-in. */
export const verifyCase: fc.Arbitrary<DifferentialCase> = fc
  .constantFrom(...Object.keys(TYPES))
  .chain((type) => {
    const spec = TYPES[type] as TypeSpec;
    return fc.record({
      type: fc.constant(type),
      base: fc.boolean(),
      main: fc.array(line(spec.values), { maxLength: 5 }),
      dropIn: fc.option(fc.array(line(spec.values), { minLength: 1, maxLength: 3 }), { nil: undefined }),
      json: fc.constantFrom('--json=short', undefined),
    });
  })
  .map(({ type, base, main, dropIn, json }) => {
    const spec = TYPES[type] as TypeSpec;
    // A mount, swap or automount unit's name is its path (`ug-verify` ↔ `/ug-verify`).
    const name = type === 'swap' ? 'dev-sdb.swap' : `ug-verify.${type}`;
    const text = (lines: string[]): string => [`[${spec.section}]`, ...lines, ''].join('\n');
    const files: Record<string, CaseFile> = {
      [name]: text([...(base ? spec.base : []), ...main]),
    };
    if (dropIn) files[`${name}.d/10-verify.conf`] = text(dropIn);
    return { files, args: ['--offline=true', ...(json ? [json] : []), `$DIR/${name}`] };
  });
