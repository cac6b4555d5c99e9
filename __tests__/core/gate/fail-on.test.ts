// fail-on only adds levels that fail the gate: errors always fail, warnings and notices fail when
// asked, and the verdict, the unit's status and the messages say so.
import { applyFailOn, FAIL_ON_LEVELS, levelFails, type FailOn } from '../../../src/core/gate/fail-on';
import type { GateVerdict } from '../../../src/core/gate/gate-types';
import { ACCEPTED, FAILING, unit, verdict, violation } from '../report/report-fixtures';

const copy = (v: GateVerdict): GateVerdict => structuredClone(v);

/** One unit with an advisory (warning) finding, as ratchet mode reports a profile rule. */
const ADVISORY = verdict({
  mode: 'ratchet',
  units: [unit({ violations: [violation({ kind: 'threshold', check: 'exposure', advisory: true })] })],
});

/** A refused workflow input: a run finding of level warning, no unit. */
const REFUSED_INPUT = verdict({
  runFindings: [{ kind: 'input-loosens-policy', level: 'warning', message: 'ignored' }],
});

describe('levelFails', () => {
  it.each([
    ['error', ['error']],
    ['warning', ['error', 'warning']],
    ['notice', ['error', 'warning', 'notice']],
  ] as const)('fail-on %s fails on %j', (failOn, levels) => {
    expect((['error', 'warning', 'notice'] as const).filter((l) => levelFails(l, failOn))).toEqual(levels);
  });

  it('has no value that lets errors pass', () => {
    for (const failOn of FAIL_ON_LEVELS) expect(levelFails('error', failOn)).toBe(true);
  });
});

describe('applyFailOn', () => {
  it.each<[string, GateVerdict, FailOn, 'pass' | 'fail', string[]]>([
    ['advisory finding, fail-on error', ADVISORY, 'error', 'pass', ['pass']],
    ['advisory finding, fail-on warning', ADVISORY, 'warning', 'fail', ['fail']],
    ['advisory finding, fail-on notice', ADVISORY, 'notice', 'fail', ['fail']],
    ['accepted deviation, fail-on warning', ACCEPTED, 'warning', 'pass', ['accepted']],
    ['accepted deviation, fail-on notice', ACCEPTED, 'notice', 'fail', ['fail']],
    ['refused input, fail-on warning', REFUSED_INPUT, 'warning', 'fail', ['pass']],
    ['failing verdict, fail-on error', FAILING, 'error', 'fail', ['fail', 'fail']],
    [
      'report mode, fail-on warning',
      verdict({ ...FAILING, mode: 'report', result: 'pass' }),
      'warning',
      'fail',
      ['fail', 'fail'],
    ],
  ])('%s', (_name, given, failOn, result, statuses) => {
    const v = copy(given);
    applyFailOn(v, failOn);
    expect(v.result).toBe(result);
    expect(v.units.map((u) => u.status)).toEqual(statuses);
  });

  it('says which findings failed the gate and returns them', () => {
    const v = copy(ADVISORY);
    const added = applyFailOn(v, 'warning');
    expect(added.map((f) => [f.unit, f.level])).toEqual([['units/api.service', 'warning']]);
    expect(v.messages).toEqual(['fail-on: warning: 1 finding of level warning fails the gate.']);
  });

  it('leaves a verdict alone when nothing is added', () => {
    const v = copy(FAILING);
    expect(applyFailOn(v, 'notice')).toEqual([]);
    expect(v).toEqual(FAILING);
  });
});
