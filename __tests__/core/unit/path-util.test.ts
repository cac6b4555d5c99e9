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
import { utf8Length } from '../../../src/core/unit/utf8';
import fc from 'fast-check';

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
    ['//a//b/', '/a/b'],
    ['/a/./b/.', '/a/b'],
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(simplifyPath(input)).toBe(expected);
  });

  // simplifyPath() returns an already-simple path without rebuilding it: the shortcut must agree with
  // path_simplify()'s component walk on every path, near the NAME_MAX edge and with multi-byte names.
  it('matches the component walk on random paths', () => {
    const walk = (p: string): string => {
      if (p === '') return p;
      const parts = p.split('/').filter((c) => c !== '' && c !== '.');
      for (let i = 0; i < parts.length; i++)
        if (utf8Length(parts[i] as string) > 255)
          return (
            (p.startsWith('/') ? '/' : '') +
            [
              ...parts.slice(0, i),
              p
                .split('/')
                .filter((c) => c !== '' && c !== '.')
                .slice(i)
                .join('/'),
            ].join('/')
          );
      if (parts.length === 0) return p.startsWith('/') ? '/' : '.';
      return (p.startsWith('/') ? '/' : '') + parts.join('/');
    };
    const component = fc.oneof(
      fc.constantFrom('', '.', '..', 'a', 'é', 'usr'),
      fc.string({ unit: fc.constantFrom('a', 'é', '.'), minLength: 80, maxLength: 130 }),
    );
    fc.assert(
      fc.property(fc.array(component, { maxLength: 6 }), (parts) => {
        const p = parts.join('/');
        expect(simplifyPath(p)).toBe(walk(p));
      }),
      { numRuns: 2000 },
    );
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

  it('answers as a comparison of components (path_find_first_component()), whatever the spelling', () => {
    // The reference: components with empty and `.` ones skipped, the remainder joined by slashes.
    const parts = (p: string): string[] => p.split('/').filter((c) => c !== '' && c !== '.');
    const reference = (path: string, prefix: string): string | undefined => {
      if (path.startsWith('/') !== prefix.startsWith('/')) return undefined;
      const a = parts(path);
      const b = parts(prefix);
      return b.length <= a.length && b.every((c, i) => a[i] === c) ? a.slice(b.length).join('/') : undefined;
    };
    const path = fc
      .tuple(
        fc.boolean(),
        fc.array(fc.constantFrom('a', 'ab', 'b', '.', '..', '', 'private'), { maxLength: 5 }),
      )
      .map(([absolute, cs]) => (absolute ? '/' : '') + cs.join('/'));
    fc.assert(
      fc.property(path, path, (p, prefix) => {
        expect(pathStartsWith(p, prefix)).toBe(reference(p, prefix));
      }),
      { numRuns: 3000 },
    );
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

describe('utf8Length', () => {
  it.each([
    '',
    'abc',
    'ü',
    'ünïcødé',
    '✓ €',
    '😀',
    'a😀b',
    'lone \ud800 high',
    'lone \udc00 low',
    '\udc00\ud800',
    'x\ud83d',
  ])('%j: as many bytes as TextEncoder writes', (s) => {
    expect(utf8Length(s)).toBe(new TextEncoder().encode(s).length);
  });

  it('counts a range of the string', () => {
    expect(utf8Length('aü😀b', 1, 4)).toBe(new TextEncoder().encode('ü😀').length);
    expect(utf8Length('a😀', 0, 2)).toBe(4); // a lone high surrogate at the end of the range: U+FFFD
  });
});

describe('isValidPath component lengths (UTF-8 bytes)', () => {
  it.each([
    ['/' + 'a'.repeat(255), true],
    ['/' + 'a'.repeat(256), false],
    ['/' + 'ü'.repeat(127) + 'a', true],
    ['/' + 'ü'.repeat(128), false],
    ['/x/' + '€'.repeat(85) + '/y', true],
    ['/x/' + '€'.repeat(86) + '/y', false],
    ['/' + 'a'.repeat(4095), false],
  ])('%#: %s', (p, valid) => {
    expect(isValidPath(p)).toBe(valid);
  });

  it.each([
    ['/a/../b', true, false],
    ['..', true, false],
    ['/a/..b/c', true, true],
    ['/a/b..', true, true],
  ])('%s: with `..` %s, without %s', (p, withDotDot, without) => {
    expect(isValidPath(p, true)).toBe(withDotDot);
    expect(isValidPath(p, false)).toBe(without);
  });
});
