// The parsers with logic of their own behind load-fragment-logging.ts, as tables; each row was checked
// against systemd-analyze 257 and 262 (LogFilterPatterns=, PCRE2) or 252, 257 and 262 (the others).
import { isBase64, pcre2Error } from '../../../src/core/security/load-fragment-logging';
import { parseNsec } from '../../../src/core/security/time-spec';
import { cunescape } from '../../../src/core/unit/extract-word';

describe('pcre2Error(): the PCRE2 compile errors pattern_compile_and_log() logs', () => {
  it.each([
    ['foo', undefined],
    ['a{,2}', undefined],
    ['()*', undefined],
    ['a*?', undefined],
    ['a{3,}+', undefined],
    ['[]a]', undefined],
    ['[(]', undefined],
    ['[[:alpha:]]+', undefined],
    ['(a)\\1', undefined],
    ['(?<n>a)\\1', undefined],
    ['(?<=a)b', undefined],
    ['\\d+\\w*', undefined],
    ['(', 'missing closing parenthesis'],
    ['x(?', 'missing closing parenthesis'],
    ['(?:a', 'missing closing parenthesis'],
    [')', 'unmatched closing parenthesis'],
    ['[a', 'missing terminating ] for character class'],
    ['[]', 'missing terminating ] for character class'],
    ['([a', 'missing terminating ] for character class'],
    ['[[:foo:]]', 'unknown POSIX class name'],
    ['*a', 'quantifier does not follow a repeatable item'],
    ['a|*b', 'quantifier does not follow a repeatable item'],
    ['a**', 'quantifier does not follow a repeatable item'],
    ['a*?+', 'quantifier does not follow a repeatable item'],
    ['a{2}*', 'quantifier does not follow a repeatable item'],
    ['^*', 'quantifier does not follow a repeatable item'],
    ['a{2,1}', 'numbers out of order in {} quantifier'],
    ['x{99999}', 'number too big in {} quantifier'],
    ['(?<n', 'syntax error in subpattern name (missing terminator?)'],
    ['(?<1a>x)', 'subpattern name must start with a non-digit'],
    ['\\k', '\\k is not followed by a braced, angle-bracketed, or quoted name'],
    ['\\1', 'reference to non-existent subpattern'],
  ])('%j → %j', (pattern, error) => {
    expect(pcre2Error(pattern)).toBe(error);
  });

  it('never throws, and reports nothing for the constructs it does not follow', () => {
    for (const p of ['(*UTF)a', '\\Qa(\\E', '\\p{Foo}', '\\q', '[[.a.]]', '\\12'])
      expect(pcre2Error(p)).toBeUndefined();
  });
});

describe('unbase64mem()', () => {
  it.each([
    ['aGVsbG8=', false, true],
    ['aGVs bG8=', false, true],
    ['aGk=', false, true],
    ['aGk= ', false, true],
    ['aGl=', false, false],
    ['aGk=x', false, false],
    ['aGVsbG8', false, false],
    ['a', false, false],
    ['==', false, false],
    ['!!!', false, false],
    ['a-_b', false, false],
    ['a-_b', true, true],
  ])('%j (URL-safe %j) → %j', (text, urlSafe, ok) => {
    expect(isBase64(text, urlSafe)).toBe(ok);
  });
});

describe('parse_nsec()', () => {
  it.each([
    ['1', 'ok'],
    ['50us', 'ok'],
    ['5ns', 'ok'],
    ['1.5', 'ok'],
    ['1y', 'ok'],
    ['infinity', 'ok'],
    ['1 2 3', 'ok'],
    ['', 'EINVAL'],
    ['bogus', 'EINVAL'],
    ['3.', 'EINVAL'],
    ['-1', 'ERANGE'],
    ['99999999999999999999', 'ERANGE'],
    ['18446744073709551615', 'ERANGE'],
  ])('%j → %s', (text, verdict) => {
    expect(parseNsec(text)).toBe(verdict);
  });
});

describe('cunescape()', () => {
  it('decodes C escapes and refuses a bad or NUL one', () => {
    expect(cunescape('a\\tb\\x41')).toBe('a\tbA');
    expect(cunescape('a\\qb')).toBeUndefined();
    expect(cunescape('a\\x00b')).toBeUndefined();
    expect(cunescape('a\\')).toBeUndefined();
  });
});
