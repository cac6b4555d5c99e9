// parse_size(), parse_permyriad_unbounded() and parse_time() with a default unit, behind the Limit*=,
// Memory*= and CPUQuota= checks of load-fragment-limits.ts. The verdicts were read off systemd-analyze
// 252, 257 and 262 (the counterexamples limits-*.json replay them); the values follow from them.
import { parseSize } from '../../../src/core/security/parse-number';
import { parsePermyriadUnbounded } from '../../../src/core/security/parse-number';
import { parseTime } from '../../../src/core/security/time-spec';

const shown = (p: { value: bigint } | { error: string }): string =>
  'error' in p ? p.error : String(p.value);

describe('parse_size(t, 1024)', () => {
  it.each([
    ['0', '0'],
    ['5B', '5'],
    ['1 K', '1024'],
    ['1.5K', '1536'],
    ['1.', '1'],
    ['10.M', String(10 * 1024 * 1024)],
    ['1G 512M', String(1536 * 1024 * 1024)],
    ['1G5M', String((1024 + 5) * 1024 * 1024)],
    ['+5', '5'],
    ['1E', String(2n ** 60n)],
    ['18446744073709551615', '18446744073709551615'],
    ['', 'EINVAL'],
    ['bogus', 'EINVAL'],
    ['1k', 'EINVAL'],
    ['5M 1G', 'EINVAL'],
    ['5 5', 'EINVAL'],
    ['0x10', 'EINVAL'],
    ['1.5.5', 'EINVAL'],
    ['-1', 'ERANGE'],
    ['16E', 'ERANGE'],
    ['18446744073709551616', 'ERANGE'],
  ])('%j → %s', (text, expected) => expect(shown(parseSize(text))).toBe(expected));
});

describe('parse_permyriad_unbounded()', () => {
  it.each([
    ['50%', '5000'],
    ['150%', '15000'],
    ['1.55%', '155'],
    ['0.5%', '50'],
    ['5‰', '50'],
    ['5.5‰', '55'],
    ['5‱', '5'],
    ['0%', '0'],
    ['1.555%', 'EINVAL'],
    ['5.55‰', 'EINVAL'],
    ['1.%', 'EINVAL'],
    ['50', 'EINVAL'],
    ['-1%', 'ERANGE'],
    ['21474837%', 'ERANGE'],
  ])('%j → %s', (text, expected) => expect(shown(parsePermyriadUnbounded(text))).toBe(expected));
});

describe('parse_time() with a default unit', () => {
  it.each([
    ['5', 1n, 5n],
    ['5', 1_000_000n, 5_000_000n],
    ['64M', 1n, 64n * 2_629_800_000_000n],
    ['500ms', 1n, 500_000n],
    ['infinity', 1n, 2n ** 64n - 1n],
  ])('%j in units of %s µs → %s µs', (text, unit, expected) => expect(parseTime(text, unit)).toBe(expected));
  it('refuses a minus sign (ERANGE) and a hexadecimal number (EINVAL)', () => {
    expect(parseTime('-1', 1n)).toBe('ERANGE');
    expect(parseTime('0x10', 1n)).toBe('EINVAL');
  });
});
