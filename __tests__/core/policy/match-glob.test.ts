import { globToRegExp, matchesGlob } from '../../../src/core/policy/match-glob';

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

  it('compiles to an anchored expression', () => {
    expect(globToRegExp('deploy/**/*.service').source).toBe('^deploy\\/(?:.*\\/)?[^/]*\\.service$');
  });
});
