// Unit names (src/basic/unit-name.c): validation and splitting, templates and instances, the drop-in
// directory names of unit_file_find_dirs(), and the user-name/UID rules of src/basic/user-util.c.
import {
  buildUnitName,
  dropInNames,
  isInstanceName,
  isStrictUserName,
  isTemplateName,
  isValidRelaxedUserName,
  isValidUnitName,
  parseUid,
  parseUnitName,
  replaceInstance,
  templateOf,
  unescapeUnitNamePart,
  unescapeUnitNamePath,
  escapeUnitNamePart,
  isHashedUnitName,
  unitNameFromPath,
  unitNameToPath,
  unitNameProblem,
} from '../../../src/core/unit/unit-name';

describe('parseUnitName', () => {
  it.each([
    ['foo.service', { prefix: 'foo', instance: undefined, type: 'service' }],
    ['foo@.service', { prefix: 'foo', instance: '', type: 'service' }],
    ['foo@bar.service', { prefix: 'foo', instance: 'bar', type: 'service' }],
    ['a.b.c.socket', { prefix: 'a.b.c', instance: undefined, type: 'socket' }],
    ['getty@tty1.service', { prefix: 'getty', instance: 'tty1', type: 'service' }],
    ['foo@a.b.service', { prefix: 'foo', instance: 'a.b', type: 'service' }],
    ['foo@a@b.service', { prefix: 'foo', instance: 'a@b', type: 'service' }],
    ['dev-sda1.device', { prefix: 'dev-sda1', instance: undefined, type: 'device' }],
    ['-.mount', { prefix: '-', instance: undefined, type: 'mount' }],
    ['run-user-1000.mount', { prefix: 'run-user-1000', instance: undefined, type: 'mount' }],
    ['foo\\x2dbar.slice', { prefix: 'foo\\x2dbar', instance: undefined, type: 'slice' }],
    ['a:b_c.target', { prefix: 'a:b_c', instance: undefined, type: 'target' }],
    ['x.timer', { prefix: 'x', instance: undefined, type: 'timer' }],
    ['x.path', { prefix: 'x', instance: undefined, type: 'path' }],
    ['x.automount', { prefix: 'x', instance: undefined, type: 'automount' }],
    ['x.swap', { prefix: 'x', instance: undefined, type: 'swap' }],
    ['x.scope', { prefix: 'x', instance: undefined, type: 'scope' }],
    [`${'a'.repeat(247)}.service`, { prefix: 'a'.repeat(247), instance: undefined, type: 'service' }],
  ])('%s is valid', (name, parts) => {
    expect(parseUnitName(name)).toEqual(parts);
    expect(isValidUnitName(name)).toBe(true);
  });

  it.each([
    ['', 'empty'],
    ['foo', 'no type'],
    ['.service', 'empty prefix'],
    ['foo.', 'empty type'],
    ['foo.conf', 'unknown type'],
    ['foo.Service', 'type is case-sensitive'],
    ['@foo.service', 'empty prefix before @'],
    ['@.service', 'template without prefix'],
    ['foo bar.service', 'space'],
    ['foo/bar.service', 'slash'],
    ['föö.service', 'non-ASCII'],
    ['foo@bar baz.service', 'space in the instance'],
    ['foo@bar/baz.service', 'slash in the instance'],
    ['foo.service@bar', '@ after the type dot'],
    [`${'a'.repeat(248)}.service`, '256 characters (UNIT_NAME_MAX)'],
  ])('%j is invalid (%s)', (name) => {
    expect(parseUnitName(name)).toBeUndefined();
    expect(isValidUnitName(name)).toBe(false);
  });

  it.each([
    ['foo.service', false, false],
    ['foo@.service', true, false],
    ['foo@bar.service', false, true],
    ['bogus', false, false],
  ])('%s: template %s, instance %s', (name, template, instance) => {
    expect(isTemplateName(name)).toBe(template);
    expect(isInstanceName(name)).toBe(instance);
  });
});

describe('unitNameProblem: why systemd rejects a name', () => {
  it.each([
    ['api.service', undefined],
    ['a@b.service', undefined],
    ['bad name!.service', '" " is not allowed in a unit name'],
    ['@.service', 'needs a prefix before "@"'],
    ['@x.service', 'needs a prefix before "@"'],
    ['.service', 'nothing before its type suffix'],
    ['a.conf', '".conf" is not a unit type'],
    ['a@b c.service', '" " is not allowed in an instance name'],
    [`${'a'.repeat(256)}.service`, 'longer than 255 characters'],
  ])('%j', (name, problem) => {
    if (problem === undefined) expect(unitNameProblem(name)).toBeUndefined();
    else expect(unitNameProblem(name)).toContain(problem);
  });
});

describe('templateOf and replaceInstance', () => {
  it.each([
    ['foo@bar.service', 'foo@.service'],
    ['foo@.service', 'foo@.service'],
    ['foo@a@b.socket', 'foo@.socket'],
    ['foo.service', 'foo.service'],
    ['not a unit', 'not a unit'],
  ])('templateOf(%s) = %s', (name, expected) => {
    expect(templateOf(name)).toBe(expected);
  });

  it.each([
    ['foo@.service', 'bar', 'foo@bar.service'],
    ['foo@old.service', 'new', 'foo@new.service'],
    ['foo@.timer', 'test_instance', 'foo@test_instance.timer'],
    ['foo.service', 'bar', 'foo.service'],
    ['not a unit', 'bar', 'not a unit'],
  ])('replaceInstance(%s, %s) = %s', (name, instance, expected) => {
    expect(replaceInstance(name, instance)).toBe(expected);
  });

  it.each([
    ['foo', undefined, 'service', 'foo.service'],
    ['foo', '', 'service', 'foo@.service'],
    ['foo', 'bar', 'socket', 'foo@bar.socket'],
  ] as const)('buildUnitName(%j, %j, %j) = %s', (prefix, instance, type, expected) => {
    expect(buildUnitName(prefix, instance, type)).toBe(expected);
  });
});

describe('dropInNames (unit_file_find_dirs() visiting order)', () => {
  it.each([
    ['foo.service', ['foo.service']],
    ['a-b-c.service', ['a-b-c.service', 'a-b-.service', 'a-.service']],
    ['a-b.socket', ['a-b.socket', 'a-.socket']],
    // A trailing dash is chopped once before looking for the next one.
    ['foo-.service', ['foo-.service']],
    ['a--b.service', ['a--b.service', 'a--.service', 'a-.service']],
    // A leading dash ends the walk.
    ['-foo.service', ['-foo.service']],
    ['-.mount', ['-.mount']],
    ['-a-b.service', ['-a-b.service', '-a-.service']],
    ['foo@.service', ['foo@.service']],
    ['foo@bar.service', ['foo@bar.service', 'foo@.service']],
    // Instances visit their template first, then dash prefixes that keep the instance,
    // each of which again visits its own template.
    [
      'foo-bar@baz-qux.service',
      [
        'foo-bar@baz-qux.service',
        'foo-bar@.service',
        'foo-.service',
        'foo-@baz-qux.service',
        'foo-@.service',
      ],
    ],
    [
      'a-b-c@i.service',
      [
        'a-b-c@i.service',
        'a-b-c@.service',
        'a-b-.service',
        'a-.service',
        'a-b-@i.service',
        'a-b-@.service',
        'a-.service',
        'a-@i.service',
        'a-@.service',
      ],
    ],
    // The per-type directory (`service.d`) is the caller's business.
    ['service', ['service']],
  ])('%s', (name, expected) => {
    expect(dropInNames(name)).toEqual(expected);
  });
});

describe('unescaping', () => {
  it.each([
    ['foo', 'foo'],
    ['foo-bar', 'foo/bar'],
    ['foo\\x2dbar', 'foo-bar'],
    ['a\\x20b', 'a b'],
    ['a\\x2', 'a\\x2'],
    ['a\\xzz', 'a\\xzz'],
  ])('unescapeUnitNamePart(%j) = %j', (input, expected) => {
    expect(unescapeUnitNamePart(input)).toBe(expected);
  });

  it.each([
    ['-', '/'],
    ['', '/'],
    ['dev-sda1', '/dev/sda1'],
    ['home-user\\x2dname', '/home/user-name'],
  ])('unescapeUnitNamePath(%j) = %j', (input, expected) => {
    expect(unescapeUnitNamePath(input)).toBe(expected);
  });
});

describe('isStrictUserName (valid_user_group_name() without relax)', () => {
  it.each(['foo', '_foo', 'a-b', 'a_b', 'A1', 'x', 'a'.repeat(31), 'systemd-network'])('%j is valid', (u) => {
    expect(isStrictUserName(u)).toBe(true);
  });
  it.each(['', '1a', '-a', 'a.b', 'a@b', 'a b', 'a:b', 'ä', 'a'.repeat(32), '0', 'root$'])(
    '%j is invalid',
    (u) => {
      expect(isStrictUserName(u)).toBe(false);
    },
  );
});

describe('parseUid (parse_uid())', () => {
  it.each([
    ['0', 0],
    ['1', 1],
    ['1000', 1000],
    ['65534', 65534],
    ['65536', 65536],
    ['4294967294', 4294967294],
  ])('%j → %d', (s, uid) => {
    expect(parseUid(s)).toBe(uid);
  });
  it.each([
    ['', 'empty'],
    ['00', 'leading zero'],
    ['01', 'leading zero'],
    ['+1', 'sign'],
    ['-1', 'sign'],
    [' 1', 'leading blank'],
    ['1 ', 'trailing blank'],
    ['1a', 'not a number'],
    ['65535', 'the 16-bit -1'],
    ['4294967295', '(uid_t) -1'],
    ['4294967296', 'out of range'],
    ['99999999999', 'out of range'],
    ['0x10', 'hex'],
  ])('%j is refused (%s)', (s) => {
    expect(parseUid(s)).toBeUndefined();
  });
});

describe('isValidRelaxedUserName (User=, Group=, SupplementaryGroups=)', () => {
  it.each([
    'foo',
    'root',
    '0',
    '1000',
    '4294967294',
    'foo bar',
    'Foo.Bar',
    'foo@example.com',
    'é',
    '...',
    '1a',
    'a'.repeat(100),
    '-a',
  ])('%j is accepted', (u) => {
    expect(isValidRelaxedUserName(u)).toBe(true);
  });
  it.each([
    ['', 'empty'],
    [' foo', 'leading space'],
    ['foo ', 'trailing space'],
    ['foo\tbar', 'control character'],
    ['foo\x7f', 'DEL'],
    ['a:b', 'colon'],
    ['a/b', 'slash'],
    ['00', 'all digits, not a UID'],
    ['65535', 'all digits, not a UID'],
    ['4294967295', 'all digits, not a UID'],
    ['-123', 'negative number'],
    ['.', 'dot'],
    ['..', 'dot-dot'],
    ['a\uFFFDb', 'invalid UTF-8'],
  ])('%j is refused (%s)', (u) => {
    expect(isValidRelaxedUserName(u)).toBe(false);
  });
});

// Regression (252.38): `User=-` loaded; valid_user_group_name()'s relaxed rule refuses a '-' followed by
// nothing but digits, and "nothing" counts (in_charset("") is true).
describe('isValidRelaxedUserName: a lone or numeric-negative dash', () => {
  it.each([
    ['-', false],
    ['-0', false],
    ['-65535', false],
    ['--', true],
    ['-a', true],
    ['a-', true],
    ['-1a', true],
  ])('%j → %s', (u, ok) => {
    expect(isValidRelaxedUserName(u)).toBe(ok);
  });
});

// mount_verify()/swap_verify()/automount_verify() compare the unit name with unit_name_from_path().
describe('unitNameFromPath / unitNameToPath (unit_name_from_path(), unit_name_to_path())', () => {
  it.each([
    ['/', 'mount', '-.mount'],
    ['/home', 'mount', 'home.mount'],
    ['/home/a-b', 'mount', 'home-a\\x2db.mount'],
    ['/home//user/', 'mount', 'home-user.mount'],
    ['/home/./user', 'mount', 'home-user.mount'],
    ['/.hidden/x', 'automount', '\\x2ehidden-x.automount'],
    ['/a.b/c.d', 'mount', 'a.b-c.d.mount'],
    ['/dev/sda2', 'swap', 'dev-sda2.swap'],
    ['/dev/disk/by-uuid/ab-cd', 'swap', 'dev-disk-by\\x2duuid-ab\\x2dcd.swap'],
    ['/srv/a b', 'mount', 'srv-a\\x20b.mount'],
    ['/srv/é', 'mount', 'srv-\\xc3\\xa9.mount'],
    ['/srv/a\\b', 'mount', 'srv-a\\x5cb.mount'],
    ['/srv/a:b_c', 'mount', 'srv-a:b_c.mount'],
  ] as const)('%j (%s) → %j', (path, type, name) => {
    expect(unitNameFromPath(path, type)).toBe(name);
  });

  it.each(['/a/../b', '/..'])('%j is not normalized: no name', (path) => {
    expect(unitNameFromPath(path, 'mount')).toBeUndefined();
  });

  it('a name of 256 characters or more would be hashed', () => {
    expect(unitNameFromPath(('/' + 'a'.repeat(50)).repeat(6), 'mount')).toBe('hashed');
  });

  it.each([
    ['-.mount', '/'],
    ['home.mount', '/home'],
    ['home-a\\x2db.mount', '/home/a-b'],
    ['dev-sda2.swap', '/dev/sda2'],
    ['a-.mount', undefined],
    ['-a.mount', undefined],
    ['a--b.mount', undefined],
    ['a-\\x2e\\x2e-b.mount', undefined],
    ['a\\x2fb.mount', '/a/b'],
    ['a\\q.mount', undefined],
    [`a_${'0123456789abcdef'}.mount`, undefined],
  ])('unitNameToPath(%j) → %j', (name, path) => {
    expect(unitNameToPath(name)).toBe(path);
  });

  it.each([
    ['foo_0123456789abcdef.mount', true],
    ['foo_0123456789ABCDEF.mount', false],
    ['_0123456789abcdef.mount', true],
    ['0123456789abcdef.mount', false],
    ['foo.mount', false],
  ])('isHashedUnitName(%j) → %s', (name, hashed) => {
    expect(isHashedUnitName(name)).toBe(hashed);
  });

  it('escapeUnitNamePart escapes per UTF-8 byte, a leading dot, dashes and backslashes', () => {
    expect(escapeUnitNamePart('.a-b\\c/d')).toBe('\\x2ea\\x2db\\x5cc-d');
  });
});
