// The forbiddenDirectives rule: a directive the profile forbids, set by the assignment systemd applies
// last, fails on that line; a value is compared as a boolean when both sides are booleans.
import { forbiddenDirectivesRule } from '../../../../src/core/gate/rules/forbidden-directives';
import { contextOf, profile } from './rule-context';

describe('forbiddenDirectives rule', () => {
  it.each([
    ['not checked without a list', 'PrivateNetwork=yes\n', undefined, []],
    ['a bare name: any value', 'PrivateNetwork=no\n', ['PrivateNetwork'], [5]],
    ['a bare name: not set', '', ['PrivateNetwork'], []],
    ['a boolean value spelt otherwise', 'NoNewPrivileges=false\n', ['NoNewPrivileges=no'], [5]],
    ['another boolean value', 'NoNewPrivileges=yes\n', ['NoNewPrivileges=no'], []],
    ['the last assignment counts', 'ProtectSystem=no\nProtectSystem=strict\n', ['ProtectSystem=no'], []],
    ['a directive the scoring does not read', 'ReadWritePaths=/var\n', ['ReadWritePaths'], [5]],
    ['reset by an empty assignment', 'ReadWritePaths=/var\nReadWritePaths=\n', ['ReadWritePaths'], []],
    ['a value systemd ignores does not count', 'ProtectSystem=bogus\n', ['ProtectSystem'], []],
    [
      'an empty boolean is ignored, not a reset',
      'PrivateNetwork=yes\nPrivateNetwork=\n',
      ['PrivateNetwork'],
      [5],
    ],
    [
      'two entries, in the profile order',
      'PrivateNetwork=yes\nUser=root\n',
      ['User=root', 'PrivateNetwork'],
      [6, 5],
    ],
  ])('%s', (_name, lines, forbiddenDirectives, at) => {
    const { ctx } = contextOf(lines, profile(forbiddenDirectives ? { forbiddenDirectives } : {}));
    const found = forbiddenDirectivesRule.check(ctx);
    expect(found.map((v) => v.location.line)).toEqual(at);
    for (const v of found) {
      expect(v.kind).toBe('forbidden-directive');
      expect(v.directives).toEqual([v.check]);
      expect(v.message).toMatch(
        /^api\.service: the api profile forbids `[^`]+`, the unit sets `[^`]+`; remove that line$/,
      );
    }
  });

  it('lets a deviation note name each forbidden directive', () => {
    const p = profile({ forbiddenDirectives: ['ReadWritePaths', 'NoNewPrivileges=no'] });
    expect(forbiddenDirectivesRule.checkNames(p)).toEqual(['ReadWritePaths', 'NoNewPrivileges']);
  });

  it('offers no line to add: the line must go', () => {
    expect(forbiddenDirectivesRule).not.toHaveProperty('fix');
  });
});
