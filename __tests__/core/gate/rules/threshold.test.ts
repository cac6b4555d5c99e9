// The threshold rule: a unit above its profile's threshold fails at its [Service] header, and the
// planned fix brings it to the threshold (re-scored).
import { thresholdRule } from '../../../../src/core/gate/rules/threshold';
import type { FixPlanner } from '../../../../src/core/advice/verify-fixes';
import { contextOf, profile } from './rule-context';

describe('threshold rule', () => {
  it.each([
    ['an empty unit above 5.0', '', 50, ['api.service: exposure 9.6 UNSAFE is above the api threshold 5.0']],
    ['an empty unit under a lax profile', '', 100, []],
    ['exactly at the threshold', '', 96, []],
  ])('%s', (_name, lines, threshold, messages) => {
    const { ctx } = contextOf(lines, profile({ threshold }));
    const found = thresholdRule.check(ctx);
    expect(found.map((v) => v.message)).toEqual(messages);
    for (const v of found) {
      expect(v).toMatchObject({
        kind: 'threshold',
        check: 'exposure',
        location: ctx.fallback,
        advisory: false,
      });
      expect(v.weight).toBeCloseTo(ctx.assessment.exposure - threshold);
    }
  });

  it('plans a fix that passes the threshold when re-scored', () => {
    const { ctx, fixContext, head } = contextOf('', profile({ threshold: 70 }));
    const [v] = thresholdRule.check(ctx);
    const plan = (thresholdRule.fix as FixPlanner).plan(v as never, fixContext, head);
    expect(plan.fix?.exposureAfter).toBeLessThanOrEqual(70);
    expect((thresholdRule.fix as FixPlanner).causedByDirective).toBe(false);
  });
});
