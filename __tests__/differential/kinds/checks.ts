// The value checks systemd logs while parsing, without changing a score: [Unit] keys (Documentation=,
// path conditions and asserts, dependencies), paths, users and groups, bus names, Delegate= controllers,
// TemporaryFileSystem=, Environment= and booleans no score reads — each with valid, invalid, relative,
// empty and specifier-bearing values, in the main file or a drop-in.
import fc from 'fast-check';
import type { CaseFile, DifferentialCase } from '../cases';

const CONDITION_PATHS = [
  '/etc/x',
  'relative',
  '!relative',
  '|/etc/x',
  '|!rel',
  '!',
  '',
  '/a/../b',
  '/a//b/',
  '%n',
  '/%i',
  '/%z',
];
const PATH_CONDITIONS = [
  'ConditionPathExists',
  'ConditionPathExistsGlob',
  'ConditionPathIsDirectory',
  'ConditionDirectoryNotEmpty',
  'ConditionFileNotEmpty',
  'ConditionFileIsExecutable',
  'ConditionNeedsUpdate',
  'AssertPathExists',
  'AssertPathIsMountPoint',
];
const DEPENDENCY_VALUES = [
  'network.target',
  'a.service b.service',
  '%i.service',
  '%n',
  '%y',
  '%P.service',
  'bad name',
  '"x',
  '',
];
const DEPENDENCIES = ['After', 'Before', 'Requires', 'Wants', 'PartOf', 'OnFailure', 'JoinsNamespaceOf'];
const DOCUMENTATION = [
  'man:x(1)',
  'not-a-uri',
  'https://example.org/doc',
  'http://',
  'file:/usr/share/doc/x',
  'file:relative',
  'info:x man:y(8) bogus',
  'man:caf\u00e9',
  '"unterminated',
  'bogus %z man:x',
  '%n',
  '',
];

const UNIT_LINES = fc.oneof(
  fc
    .tuple(fc.constantFrom(...PATH_CONDITIONS), fc.constantFrom(...CONDITION_PATHS))
    .map(([k, v]) => `${k}=${v}`),
  fc
    .tuple(fc.constantFrom(...DEPENDENCIES), fc.constantFrom(...DEPENDENCY_VALUES))
    .map(([k, v]) => `${k}=${v}`),
  fc.constantFrom(...DOCUMENTATION).map((v) => `Documentation=${v}`),
  fc
    .tuple(
      fc.constantFrom('StopWhenUnneeded', 'RefuseManualStart', 'AllowIsolate'),
      fc.constantFrom('yes', 'bogus', ''),
    )
    .map(([k, v]) => `${k}=${v}`),
);

const SERVICE_VALUES: Record<string, string[]> = {
  User: ['svc', 'a.b', 'a$', 'bad user', '0', 'Ab_c-d', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '%i'],
  Group: ['svc', 'bad!group', '1a', ''],
  SupplementaryGroups: ['a b', 'a.b wheel', ''],
  BusName: ['org.example.Svc', 'not a name', '', 'a', 'org.1a', ':1.42', '%n', '%z'],
  Delegate: ['yes', 'no', 'cpu memory', 'cpu bogus', 'bpf-bind-network-interface', 'cpu,memory', '"cpu', ''],
  TemporaryFileSystem: ['/tmp', '/run:ro', 'relative', 'rel:ro', '/a/../b', '%z', '"/a', ':ro', '/x /y', ''],
  ReadWritePaths: ['/var/lib/x', '-/var/lib/y', 'relative', '/a/../b', ''],
  Environment: ['A=1', '"A=1 2" B=3', 'bad', '1A=x', ''],
  PrivateIPC: ['yes', 'bogus', ''],
  IgnoreSIGPIPE: ['no', 'bogus'],
  SendSIGKILL: ['yes', 'bogus'],
  MemoryAccounting: ['yes', 'bogus'],
  GuessMainPID: ['no', 'bogus'],
};
const SERVICE_LINES = fc
  .constantFrom(...Object.keys(SERVICE_VALUES))
  .chain((k) => fc.constantFrom(...(SERVICE_VALUES[k] ?? [])).map((v) => `${k}=${v}`));

const file = (unitLines: string[], serviceLines: string[], execStart: boolean): string =>
  [
    ...(unitLines.length > 0 ? ['[Unit]', ...unitLines, ''] : []),
    '[Service]',
    ...(execStart ? ['ExecStart=/bin/true'] : []),
    ...serviceLines,
    '',
  ].join('\n');

/** One service by path (a template instance sometimes), with the checked lines in it and a drop-in. */
export const checksCase: fc.Arbitrary<DifferentialCase> = fc
  .record({
    name: fc.constantFrom('ug-checks.service', 'ug-checks@inst.service'),
    unitLines: fc.array(UNIT_LINES, { maxLength: 6 }),
    serviceLines: fc.array(SERVICE_LINES, { maxLength: 6 }),
    dropIn: fc.option(
      fc.record({
        unitLines: fc.array(UNIT_LINES, { maxLength: 3 }),
        serviceLines: fc.array(SERVICE_LINES, { maxLength: 3 }),
      }),
      { nil: undefined },
    ),
  })
  .map(({ name, unitLines, serviceLines, dropIn }) => {
    const files: Record<string, CaseFile> = { [name]: file(unitLines, serviceLines, true) };
    if (dropIn) files[`${name}.d/10-checks.conf`] = file(dropIn.unitLines, dropIn.serviceLines, false);
    return { files, args: ['--offline=true', `$DIR/${name}`] };
  });
