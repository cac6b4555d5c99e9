// The value checks behind systemd's load-time refusals: parse_sec(), calendar_spec_from_string(),
// sd_bus_service_name_is_valid() and image_policy_from_string(), as tables (each row checked against
// systemd-analyze 252, 257 and 262).
import { isCalendarSpec, isTimeSpan } from '../../../src/core/security/time-spec';
import { isBusServiceName } from '../../../src/core/security/load-fragment-exec';
import { imagePolicyProblem } from '../../../src/core/security/load-fragment-fatal';
import type { Context } from '../../../src/core/security/conf-parser';
import { systemdRelease } from '../../../src/core/security/versions';

describe('parse_sec()', () => {
  it.each([
    ['5min', true],
    ['1h 30s', true],
    ['10', true],
    ['5 min', true],
    ['1.5s', true],
    ['infinity', true],
    ['bogus', false],
    ['-1', false],
    ['x1', false],
    ['', false],
  ])('%j → %s', (v, ok) => expect(isTimeSpan(v)).toBe(ok));
});

describe('calendar_spec_from_string()', () => {
  it.each([
    ['daily', true],
    ['weekly', true],
    ['Mon..Fri *-*-* 10:00', true],
    ['*:0/15', true],
    ['Mon,Sun 12:*', true],
    ['2024-02-30', true],
    ['daily x', false],
    ['*-*-* 25:00', false],
    ['bogus', false],
    ['', false],
  ])('%j → %s', (v, ok) => expect(isCalendarSpec(v)).toBe(ok));
});

describe('sd_bus_service_name_is_valid()', () => {
  it.each([
    ['org.example.Svc', true],
    [':1.2', true],
    ['not a name', false],
    ['9a.b', false],
    ['a..b', false],
    ['nodot', false],
    ['', false],
  ])('%j → %s', (v, ok) => expect(isBusServiceName(v)).toBe(ok));
});

describe('image_policy_from_string()', () => {
  const ctx = (version: 257 | 262) => ({ traits: systemdRelease(version).traits }) as unknown as Context;
  it.each([
    [257, '*', undefined],
    [257, 'root=verity+signed:usr=absent', undefined],
    [257, '=verity:usr=unprotected+read-only-on', undefined],
    [257, 'bogus', 'Invalid argument'],
    [257, 'root=bogus', 'Invalid request code'],
    [257, 'nope=verity', 'Invalid slot'],
    [257, 'root=verity:root=signed', 'Name not unique on network'],
    [262, 'root=bogus', undefined],
    [262, 'nope=verity', undefined],
    [262, 'root=verity:root=signed', 'Name not unique on network'],
  ] as const)('%s %j → %s', (version, v, reason) =>
    expect(imagePolicyProblem(ctx(version).traits, v)?.reason).toBe(reason),
  );
});
