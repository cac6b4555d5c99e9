// The requiredDirectives rule: a requirement not in effect is a missing-directive on the line that
// sets the weaker value, on a line systemd ignores, or at the [Service] header.
import { requiredDirectivesRule } from '../../../../src/core/gate/rules/required-directives';
import type { FixPlanner } from '../../../../src/core/advice/verify-fixes';
import { contextOf, profile } from './rule-context';

describe('requiredDirectives rule', () => {
  it.each([
    ['missing', '', ['ProtectSystem=strict'], ['no such setting'], [3]],
    ['weaker, on its line', 'ProtectSystem=full\n', ['ProtectSystem=strict'], ['`ProtectSystem=full`'], [5]],
    ['met by a stronger value', 'ProtectSystem=strict\n', ['ProtectSystem=full'], [], []],
    ['met by a boolean spelt otherwise', 'NoNewPrivileges=true\n', ['NoNewPrivileges=yes'], [], []],
    [
      'misspelt: the ignored line',
      'NoNewPrivilege=yes\n',
      ['NoNewPrivileges=yes'],
      ['no such setting; deploy/api.service:5 does not count'],
      [5],
    ],
    [
      'two requirements, in the profile order',
      '',
      ['NoNewPrivileges=yes', 'PrivateTmp=yes'],
      ['`NoNewPrivileges=yes`', '`PrivateTmp=yes`'],
      [3, 3],
    ],
  ])('%s', (_name, lines, requiredDirectives, parts, at) => {
    const { ctx } = contextOf(lines, profile({ requiredDirectives }));
    const found = requiredDirectivesRule.check(ctx);
    expect(found).toHaveLength(parts.length);
    found.forEach((v, i) => {
      expect(v.kind).toBe('missing-directive');
      expect(v.message).toContain(parts[i]);
      expect(v.location.line).toBe(at[i]);
      expect(v.fix?.directives).toEqual([requiredDirectives[i]]);
    });
  });

  it('lets a deviation note name each required directive', () => {
    const p = profile({ requiredDirectives: ['ProtectSystem=strict', 'NoNewPrivileges=yes'] });
    expect(requiredDirectivesRule.checkNames(p)).toEqual(['ProtectSystem', 'NoNewPrivileges']);
  });

  it('plans a verified fix that meets the requirement', () => {
    const { ctx, fixContext, head } = contextOf(
      'ProtectSystem=full\n',
      profile({ requiredDirectives: ['ProtectSystem=strict'] }),
    );
    const [v] = requiredDirectivesRule.check(ctx);
    const plan = (requiredDirectivesRule.fix as FixPlanner).plan(v as never, fixContext, head);
    expect(plan.fix?.directives).toEqual(['ProtectSystem=strict']);
    expect(plan.passes(head)).toBe(false);
  });
});
