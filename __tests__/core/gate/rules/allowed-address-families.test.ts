// The allowedAddressFamilies rule: families usable beyond the profile's list fail on the
// RestrictAddressFamilies= line, or at the header when nothing restricts them.
import { allowedAddressFamiliesRule } from '../../../../src/core/gate/rules/allowed-address-families';
import type { FixPlanner } from '../../../../src/core/advice/verify-fixes';
import { contextOf, profile } from './rule-context';

const WEB = ['AF_UNIX', 'AF_INET', 'AF_INET6'];

describe('allowedAddressFamilies rule', () => {
  it.each([
    ['not checked without a list', '', undefined, undefined, undefined],
    ['within the list', 'RestrictAddressFamilies=AF_UNIX AF_INET\n', WEB, undefined, undefined],
    [
      'any family, unrestricted',
      '',
      WEB,
      'may open sockets of any address family; the api profile allows AF_UNIX AF_INET AF_INET6',
      3,
    ],
    [
      'one beyond it, on its line',
      'RestrictAddressFamilies=AF_UNIX AF_NETLINK\n',
      WEB,
      'may use address families the api profile does not allow: AF_NETLINK',
      5,
    ],
  ])('%s', (_name, lines, allowedAddressFamilies, message, line) => {
    const { ctx } = contextOf(lines, profile(allowedAddressFamilies ? { allowedAddressFamilies } : {}));
    const found = allowedAddressFamiliesRule.check(ctx);
    if (message === undefined) return expect(found).toEqual([]);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ kind: 'forbidden-address-family', location: { line } });
    expect(found[0]?.message).toContain(message);
  });

  it('plans a verified allow list of the profile', () => {
    const { ctx, fixContext, head } = contextOf('', profile({ allowedAddressFamilies: WEB }));
    const [v] = allowedAddressFamiliesRule.check(ctx);
    const plan = (allowedAddressFamiliesRule.fix as FixPlanner).plan(v as never, fixContext, head);
    expect(plan.fix?.directives).toEqual([
      'RestrictAddressFamilies=',
      'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6',
    ]);
  });
});
