// The number, time-span and signal parsers behind the value checks of load-fragment-values.ts, as tables;
// each row was checked against systemd-analyze 252, 257 and 262 (a rejected row printed the error named).
import { parseMode, safeAtoi, safeAtou, safeAtou64 } from '../../../src/core/security/parse-number';
import { signalError } from '../../../src/core/security/load-fragment-values';
import { failed, parsePermyriad } from '../../../src/core/security/parse-number';

const isPermyriad = (v: string): boolean => !failed(parsePermyriad(v));
import { parseTimeSpan } from '../../../src/core/security/time-spec';

const verdict = (p: { value: bigint } | { error: string }): string => ('error' in p ? p.error : 'ok');

describe('parse_sec()', () => {
  it.each([
    ['5min', 'ok'],
    ['1h30m', 'ok'],
    ['5 10', 'ok'],
    ['.5', 'ok'],
    ['+5', 'ok'],
    ['1.2 .3', 'ok'],
    ['3\u00b5s', 'ok'],
    ['infinity', 'ok'],
    ['9223372036854775807us', 'ok'],
    ['', 'EINVAL'],
    ['1.', 'EINVAL'],
    ['5ns', 'EINVAL'],
    ['0x10', 'EINVAL'],
    ['1e3', 'EINVAL'],
    ['1.2.3', 'EINVAL'],
    ['infinity x', 'EINVAL'],
    ['-1', 'ERANGE'],
    ['-0', 'ERANGE'],
    ['600000y', 'ERANGE'],
    ['18446744073709551614us', 'ERANGE'],
    ['99999999999999999999', 'ERANGE'],
  ])('%j → %s', (v, r) => expect(parseTimeSpan(v)).toBe(r));
});

describe('safe_atou()', () => {
  it.each([
    ['0x10', 'ok'],
    ['010', 'ok'],
    ['+5', 'ok'],
    ['-0', 'ok'],
    ['019', 'EINVAL'],
    ['0b102', 'EINVAL'],
    ['', 'EINVAL'],
    ['x', 'EINVAL'],
    ['-1', 'ERANGE'],
    ['4294967296', 'ERANGE'],
  ])('%j → %s', (v, r) => expect(verdict(safeAtou(v))).toBe(r));
});

describe('safe_atoi()', () => {
  it.each([
    ['0x13', 'ok'],
    ['-21', 'ok'],
    ['0b101', 'ok'],
    ['x', 'EINVAL'],
    ['99999999999', 'ERANGE'],
  ])('%j → %s', (v, r) => expect(verdict(safeAtoi(v))).toBe(r));
});

describe('parse_mode()', () => {
  it.each([
    ['0755', 'ok'],
    ['7777', 'ok'],
    ['+755', 'EINVAL'],
    ['-0', 'EINVAL'],
    ['0o755', 'EINVAL'],
    ['8', 'EINVAL'],
    ['', 'EINVAL'],
    ['10000', 'ERANGE'],
    ['77777', 'ERANGE'],
  ])('%j → %s', (v, r) => expect(verdict(parseMode(v))).toBe(r));
});

describe('signal_from_string()', () => {
  it.each([
    ['9', undefined],
    ['TERM', undefined],
    ['SIGRTMIN', undefined],
    ['RTMIN+30', undefined],
    ['RTMAX-3', undefined],
    ['+9', undefined],
    ['010', undefined],
    ['0x40', undefined],
    ['sigterm', 'EINVAL'],
    ['SIG9', 'EINVAL'],
    ['RTMINx', 'EINVAL'],
    ['RTMAX+1', 'EINVAL'],
    ['RTMIN+x', 'EINVAL'],
    ['', 'EINVAL'],
    ['0', 'ERANGE'],
    ['99', 'ERANGE'],
    ['RTMIN+31', 'ERANGE'],
  ])('%j → %s', (v, r) => expect(signalError(v)).toBe(r));
});

describe('safe_atou64() (TasksMax=)', () => {
  it.each([
    ['0x10', 'ok'],
    ['18446744073709551615', 'ok'],
    ['18446744073709551616', 'ERANGE'],
    ['-1', 'ERANGE'],
    ['5k', 'EINVAL'],
    ['', 'EINVAL'],
  ])('%j → %s', (v, r) => expect(verdict(safeAtou64(v))).toBe(r));
});

describe('parse_permyriad() (TasksMax=)', () => {
  it.each([
    ['0%', true],
    ['100%', true],
    ['50.5%', true],
    ['1.25%', true],
    ['50\u2030', true],
    ['5.5\u2030', true],
    ['10000\u2031', true],
    ['12345\u2031', false],
    ['101%', false],
    ['1.234%', false],
    ['%', false],
    ['.5%', false],
    ['-1%', false],
    ['5', false],
  ])('%j → %s', (v, r) => expect(isPermyriad(v)).toBe(r));
});
