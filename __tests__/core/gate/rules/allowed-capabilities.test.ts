// The allowedCapabilities rule: capabilities kept beyond the profile's list fail on the line that
// grants them; an unset list is not checked.
import { allowedCapabilitiesRule } from '../../../../src/core/gate/rules/allowed-capabilities';
import type { FixPlanner } from '../../../../src/core/advice/verify-fixes';
import { contextOf, profile } from './rule-context';

describe('allowedCapabilities rule', () => {
  it.each([
    ['not checked without a list', 'CapabilityBoundingSet=CAP_SYS_ADMIN\n', undefined, undefined, undefined],
    [
      'within the list',
      'CapabilityBoundingSet=CAP_NET_BIND_SERVICE\n',
      ['CAP_NET_BIND_SERVICE'],
      undefined,
      undefined,
    ],
    [
      'one beyond it, on the granting line',
      'CapabilityBoundingSet=CAP_NET_BIND_SERVICE CAP_SYS_ADMIN\n',
      ['CAP_NET_BIND_SERVICE'],
      'keeps 1 capability the api profile does not allow: CAP_SYS_ADMIN',
      5,
    ],
    ['every one, unset', '', [], 'the api profile does not allow: CAP_', 3],
  ])('%s', (_name, lines, allowedCapabilities, message, line) => {
    const { ctx } = contextOf(lines, profile(allowedCapabilities ? { allowedCapabilities } : {}));
    const found = allowedCapabilitiesRule.check(ctx);
    if (message === undefined) return expect(found).toEqual([]);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ kind: 'forbidden-capability', location: { line } });
    expect(found[0]?.message).toContain(message);
  });

  it('plans a verified fix that keeps only the allowed capabilities', () => {
    const { ctx, fixContext, head } = contextOf(
      'CapabilityBoundingSet=CAP_NET_BIND_SERVICE CAP_SYS_ADMIN\n',
      profile({ allowedCapabilities: ['CAP_NET_BIND_SERVICE'] }),
    );
    const [v] = allowedCapabilitiesRule.check(ctx);
    const plan = (allowedCapabilitiesRule.fix as FixPlanner).plan(v as never, fixContext, head);
    expect(plan.fix?.directives).toEqual([
      'CapabilityBoundingSet=',
      'CapabilityBoundingSet=CAP_NET_BIND_SERVICE',
    ]);
    expect(plan.passes(head)).toBe(false);
  });
});
