// Path checks of the unit-file parsers (src/basic/path-util.c, src/shared/parse-helpers.c): simplification,
// "normalized", validity, component-wise prefixes, and path_simplify_and_warn()'s verdicts.
import {
  isNormalizedPath,
  isValidFilename,
  isValidPath,
  pathEqual,
  pathStartsWith,
  simplifyAndCheckPath,
  simplifyPath,
} from '../../../src/core/unit/path-util';

describe('simplifyPath (path_simplify())', () => {
  it.each([
    ['///foo//./bar/.', '/foo/bar'],
    ['.//./foo//./bar/.', 'foo/bar'],
    ['./', '.'],
    ['/', '/'],
    ['//', '/'],
    ['/dev/', '/dev'],
    ['/a/../b', '/a/../b'],
    ['/a/./b/../c.img', '/a/b/../c.img'],
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(simplifyPath(input)).toBe(expected);
  });
});

describe('isNormalizedPath (path_is_normalized())', () => {
  it.each([
    ['/a/b', true],
    ['/dev', true],
    ['a/b', true],
    ['/a/../b', false],
    ['..', false],
    ['/a//b', false],
    ['/a/./b', false],
    ['./a', false],
    ['/a/.', false],
    ['.', false],
    ['/a...b/..c', true],
    [`/${'a'.repeat(256)}`, false],
  ])('%j → %s', (p, ok) => {
    expect(isNormalizedPath(p)).toBe(ok);
  });

  it('isValidPath accepts .. unless told not to', () => {
    expect(isValidPath('/a/../b')).toBe(true);
    expect(isValidPath('/a/../b', false)).toBe(false);
    expect(isValidPath('')).toBe(false);
    expect(isValidPath('/' + 'a/'.repeat(2048))).toBe(false);
  });
});

describe('isValidFilename', () => {
  it.each([
    ['true', true],
    ['a.b', true],
    ['a/b', false],
    ['.', false],
    ['..', false],
    ['', false],
    ['-/bin/true', false],
    ['a'.repeat(255), true],
    ['a'.repeat(256), false],
  ])('%j → %s', (p, ok) => {
    expect(isValidFilename(p)).toBe(ok);
  });
});

describe('pathStartsWith / pathEqual (component-wise)', () => {
  it.each([
    ['/dev', '/dev/', ''],
    ['/dev/', '/dev', ''],
    ['/dev/null', '/dev/', 'null'],
    ['/device', '/dev/', undefined],
    ['dev/null', '/dev/', undefined],
    ['/run/systemd/inaccessible/chr', '/run/systemd/inaccessible/', 'chr'],
  ])('pathStartsWith(%j, %j) → %j', (path, prefix, rest) => {
    expect(pathStartsWith(path, prefix)).toBe(rest);
  });

  it('pathEqual ignores duplicate and trailing slashes', () => {
    expect(pathEqual('/a//b/', '/a/b')).toBe(true);
    expect(pathEqual('/a/b', '/a')).toBe(false);
  });
});

// Regression (252.38): RootDirectory=/a/../b loaded; path_simplify_and_warn() refuses paths that are
// not normalized after simplification (a `..` component), and relative ones with PATH_CHECK_ABSOLUTE.
describe('simplifyAndCheckPath (path_simplify_and_warn())', () => {
  it.each([
    ['/a//b/./c/', 'absolute', { ok: true, path: '/a/b/c' }],
    ['/dev/', 'any', { ok: true, path: '/dev' }],
    ['dev/null', 'any', { ok: true, path: 'dev/null' }],
    ['/a/../b', 'absolute', { ok: false, message: 'RootDirectory= path is not normalized: /a/../b' }],
    [
      '/a/./b/../c.img',
      'absolute',
      { ok: false, message: 'RootDirectory= path is not normalized: /a/b/../c.img' },
    ],
    ['a/b', 'absolute', { ok: false, message: 'RootDirectory= path is not absolute: a/b' }],
  ] as const)('%j (%s) → %j', (path, check, expected) => {
    expect(simplifyAndCheckPath(path, 'RootDirectory', check)).toEqual(expected);
  });
});
