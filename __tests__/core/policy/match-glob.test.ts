import fc from 'fast-check';
import { globError, matchesGlob } from '../../../src/core/policy/match-glob';

describe('matchesGlob', () => {
  it.each([
    // `*` and `?` stay within one segment
    ['*.service', 'api.service', true],
    ['*.service', 'deploy/api.service', false],
    ['deploy/*.service', 'deploy/api.service', true],
    ['deploy/*.service', 'deploy/sub/api.service', false],
    ['api?.service', 'api1.service', true],
    ['api?.service', 'api.service', false],
    ['api?.service', 'api/.service', false],
    ['*', '.hidden.service', true],
    ['a***b', 'a-x-b', true],
    ['a***b', 'a/b', false],
    // `**` as a whole segment spans segments, including none
    ['**/*.service', 'api.service', true],
    ['**/*.service', 'a/b/c/api.service', true],
    ['deploy/**', 'deploy/a/b.service', true],
    ['deploy/**', 'deploy', false],
    ['deploy/**/api.service', 'deploy/api.service', true],
    ['deploy/**/api.service', 'deploy/x/y/api.service', true],
    ['deploy/**/api.service', 'deployx/api.service', false],
    ['**', 'anything/at/all', true],
    ['x**', 'x/y', false],
    // character classes
    ['api-[0-9].service', 'api-7.service', true],
    ['api-[0-9].service', 'api-x.service', false],
    ['api-[!0-9].service', 'api-x.service', true],
    ['api-[^0-9].service', 'api-7.service', false],
    ['[!a]', '/', false],
    ['[]]x', ']x', true],
    ['[a-', '[a-', true],
    // alternatives
    ['*.{service,socket}', 'api.socket', true],
    ['*.{service,socket}', 'api.timer', false],
    ['{deploy,ops}/**/*.service', 'ops/x/api.service', true],
    ['{a,{b,c}}.service', 'c.service', true],
    ['{single}.service', '{single}.service', true],
    ['{open.service', '{open.service', true],
    // literal characters, escapes, anchoring
    ['api.service', 'apixservice', false],
    ['api+(x).service', 'api+(x).service', true],
    ['\\*.service', '*.service', true],
    ['\\*.service', 'a.service', false],
    ['./deploy/*.service', 'deploy/api.service', true],
    ['/deploy/*.service', 'deploy/api.service', true],
    ['deploy/*.service', './deploy/api.service', true],
    ['api.service', 'xapi.service', false],
    ['api.service', 'api.service.d/override.conf', false],
  ])('%s on %s → %s', (glob, subject, expected) => {
    expect(matchesGlob(glob, subject)).toBe(expected);
  });

  it.each([
    ['[b-a].service', 'Range out of order in character class'],
    ['{**,a}/x.service', '`**` inside {…} is not supported'],
    ['a\\\\b', 'a literal backslash is not supported'],
    ['[\\]]', 'a backslash, a quote or `[:` in a class is not supported'],
    ['[[:alpha:]]', 'a backslash, a quote or `[:` in a class is not supported'],
    ['./', 'it names no path'],
  ])('refuses %s: %s', (glob, reason) => {
    expect(globError(glob)).toContain(reason);
    expect(() => matchesGlob(glob, 'x.service')).toThrow(reason);
  });

  it('a valid glob has no error', () => {
    expect(globError('deploy/**/*.{service,socket}')).toBeUndefined();
  });

  it('repeated globstars stay linear: **/**/**/**/x on a 400-segment path', () => {
    // The jest timeout bounds it; the previous backtracking translation took seconds here.
    const deep = Array.from({ length: 400 }, () => 'a').join('/');
    expect(matchesGlob('**/**/**/**/x', deep)).toBe(false);
    expect(matchesGlob('**/**/**/**/x', `${deep}/x`)).toBe(true);
  });
});

describe('matchesGlob on generated paths', () => {
  // Repository paths and unit names have no empty, `.` or `..` segments.
  const segment = fc
    .string({ unit: fc.constantFrom(...'ab.-x][{},"()|+!$^*?1é'), minLength: 1, maxLength: 3 })
    .filter((s) => s !== '.' && s !== '..');
  const path = fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => s.join('/'));
  const quote = (p: string): string => p.replace(/[*?[\]{}\\]/g, (c) => `\\${c}`);

  it('a path with its special characters quoted matches itself and nothing else', () => {
    fc.assert(fc.property(path, path, (p, q) => matchesGlob(quote(p), q) === (p === q)));
  });

  it('`*` stays in its segment and `**/` spans any depth', () => {
    fc.assert(
      fc.property(path, (p) => {
        const depth = p.split('/').length;
        return matchesGlob('*', p) === (depth === 1) && matchesGlob(`**/${quote(p)}`, `x/y/${p}`);
      }),
    );
  });
});
