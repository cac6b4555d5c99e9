// Properties of the whole pure pipeline on generated units: loadUnit → deriveSecuritySettings →
// assessUnit → render never throws, and always yields either a load failure or a complete assessment.
import { readFileSync } from 'fs';
import { join } from 'path';
import fc from 'fast-check';
import { loadUnit } from '../../../src/core/unit/load-unit';
import { memoryTree } from '../../../src/core/unit/unit-tree';
import { deriveSecuritySettings } from '../../../src/core/security/settings';
import { SUPPORTED_VERSIONS, systemdRelease } from '../../../src/core/security/versions';
import { assessUnit } from '../../../src/core/security/assess';
import { renderJson, renderTable } from '../../../src/core/security/render-security';

/** The directive names load-fragment.ts parses (its DIRECTIVES table is module-private, so read the source). */
function directiveNames(): string[] {
  const source = readFileSync(join(__dirname, '../../../src/core/security/load-fragment.ts'), 'utf8');
  const start = source.indexOf('const DIRECTIVES');
  const end = source.indexOf('\n};', start);
  return [...source.slice(start, end).matchAll(/^ {2}([A-Za-z]+): d/gm)].map((m) => m[1] as string);
}
const DIRECTIVES = directiveNames();

it('finds the directive vocabulary of load-fragment.ts', () => {
  expect(DIRECTIVES.length).toBeGreaterThan(60);
  expect(DIRECTIVES).toEqual(
    expect.arrayContaining([
      'User',
      'DynamicUser',
      'SystemCallFilter',
      'DeviceAllow',
      'ExecStart',
      'ListenStream',
    ]),
  );
});

const INTERESTING_VALUES = [
  '',
  'yes',
  'no',
  'true',
  'maybe',
  '~',
  '~ ',
  'none',
  'strict',
  'full',
  'read-only',
  'tmpfs',
  'private',
  'shared',
  'noaccess',
  'invisible',
  'pid',
  'all',
  'main',
  'oneshot',
  'simple',
  'dbus',
  'always',
  'process',
  'reboot',
  'root',
  '0',
  'nobody',
  '-1',
  '00',
  '4294967295',
  'web',
  '%i',
  '%n',
  '%z',
  '%',
  'a:b',
  '..',
  'CAP_SYS_ADMIN',
  '~CAP_SYS_ADMIN CAP_SETUID',
  '63',
  '64',
  'cap_bogus',
  '"CAP_CHOWN',
  'AF_INET AF_UNIX',
  '~AF_INET6',
  'AF_BOGUS AF_UNIX',
  'user net',
  '~user',
  'bogus',
  '@system-service',
  '~@privileged @resources',
  '~reboot:EPERM',
  '~reboot:EBOGUS',
  'reboot:kill',
  '@default',
  '~@default',
  'native',
  'native x86',
  'x86-64',
  '0077',
  '7777',
  '10000',
  '/srv/root',
  'relative',
  '/a/../b',
  '/img.raw',
  '/dev/null rw',
  'char-rtc r',
  'block-loop',
  '/dev/null rx',
  '/tmp/x',
  'closed',
  'auto',
  'any',
  'localhost',
  '10.0.0.0/8',
  '::1',
  '0.0.0.0/0 ::/0',
  '300.1.1.1',
  '/sys/fs/bpf/x',
  '/bin/true',
  '/bin/a ; /bin/b',
  '-/bin/true',
  'a/b',
  'true',
  'daily',
  '/run/x.sock',
  '80',
  'org.example.X',
];
const VALUE = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...INTERESTING_VALUES) },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
  {
    weight: 1,
    arbitrary: fc.array(fc.constantFrom(...INTERESTING_VALUES), { maxLength: 4 }).map((w) => w.join(' ')),
  },
);
const LINE = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(fc.constantFrom(...DIRECTIVES), VALUE).map(([k, v]) => `${k}=${v}`) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '[Unit]',
      '[Service]',
      '[Socket]',
      '[Mount]',
      '[Timer]',
      '[Slice]',
      '[Install]',
      '[X-Foo]',
      '[Bogus]',
      '# c',
      '',
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
);
const SECTION = fc.constantFrom(
  'Unit',
  'Service',
  'Socket',
  'Mount',
  'Swap',
  'Timer',
  'Path',
  'Slice',
  'Install',
);
/** A unit file: a first section header, then lines. */
const UNIT_TEXT = fc
  .tuple(SECTION, fc.array(LINE, { maxLength: 25 }))
  .map(([s, lines]) => [`[${s}]`, ...lines].join('\n'));
const UNIT_NAME = fc.constantFrom(
  'x.service',
  'web-app@blue.service',
  'nobody.service',
  'x.socket',
  'srv-data.mount',
  'x.timer',
  'x.slice',
  'x.target',
  'x.path',
  'dev-sda2.swap',
);

describe('the pure pipeline on generated units', () => {
  it('never throws, and gives a load failure or a complete assessment', () => {
    fc.assert(
      fc.property(
        UNIT_NAME,
        UNIT_TEXT,
        fc.option(UNIT_TEXT, { nil: undefined }),
        fc.constantFrom(...SUPPORTED_VERSIONS),
        (name, main, dropIn, version) => {
          const files: Record<string, string> = { [`/etc/systemd/system/${name}`]: main };
          if (dropIn !== undefined) files[`/etc/systemd/system/${name}.d/50-extra.conf`] = dropIn;
          const loaded = loadUnit(memoryTree(files), name, { searchPath: ['/etc/systemd/system'] });
          if (!loaded.ok) {
            // Only an empty main file (a mask) may fail to load here.
            expect(loaded.failure.kind).toBe('masked');
            return;
          }
          const profile = systemdRelease(version);
          const derived = deriveSecuritySettings(loaded.unit, profile);
          expect(Boolean(derived.settings) !== Boolean(derived.failure)).toBe(true);
          if (!derived.settings) {
            // A bad setting (-ENOEXEC) or a load error (e.g. -EBADMSG for a bad section header).
            expect(['bad-setting', 'error']).toContain(derived.failure?.kind);
            return;
          }
          const a = assessUnit(derived.settings, profile);
          expect(Number.isInteger(a.exposure)).toBe(true);
          expect(a.exposure).toBeGreaterThanOrEqual(0);
          expect(a.exposure).toBeLessThanOrEqual(100);
          expect(a.rows).toHaveLength(profile.data.assessors.length);
          expect(new Set(a.rows.map((r) => r.assessor.jsonField)).size).toBe(a.rows.length);
          for (const r of a.rows) {
            if (r.badness === undefined) expect(r.set).toBeNull();
            else {
              expect(r.badness).toBeGreaterThanOrEqual(0);
              expect(r.badness).toBeLessThanOrEqual(r.assessor.range);
              expect(r.set).toBe(r.badness === 0);
            }
            expect(r.exposure === null).toBe(!r.badness);
          }
          expect(a.exposure >= a.level.min).toBe(true);
          expect(JSON.parse(renderJson(a, 'short'))).toHaveLength(a.rows.length);
          expect(renderTable(a, { utf8: true, colors: false, emoji: true })).toContain(
            `Overall exposure level for ${a.unitId}:`,
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});
