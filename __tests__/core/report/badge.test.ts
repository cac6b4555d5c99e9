import { renderBadge } from '../../../src/core/report/badge';
import type { GateVerdict } from '../../../src/core/gate/gate-types';

const verdict = (maxExposure?: number): GateVerdict => ({
  result: 'pass',
  mode: 'enforce',
  systemdVersion: 252,
  ...(maxExposure !== undefined ? { maxExposure } : {}),
  units: [],
  notes: [],
  messages: [],
});

describe('renderBadge', () => {
  it.each([
    [0, '0.0 PERFECT', 'brightgreen'],
    [1, '0.1 SAFE', 'green'],
    [14, '1.4 OK', 'yellowgreen'],
    [50, '5.0 MEDIUM', 'yellow'],
    [75, '7.5 EXPOSED', 'orange'],
    [96, '9.6 UNSAFE', 'red'],
    [100, '10.0 DANGEROUS', 'red'],
  ])('exposure %i reads "%s" in %s', (exposure, message, color) => {
    expect(renderBadge(verdict(exposure))).toEqual({
      schemaVersion: 1,
      label: 'unit exposure',
      message,
      color,
    });
  });

  it('says so when no unit was scored', () => {
    expect(renderBadge(verdict()).message).toBe('no units');
  });
});
