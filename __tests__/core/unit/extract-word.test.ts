// extractWords()/extractFirstWord(): extract_first_word() word splitting — whitespace separators,
// backslash escapes, and quote removal when asked to unquote.
import { extractFirstWord, extractWords } from '../../../src/core/unit/extract-word';

describe('extractWords', () => {
  it.each([
    ['', false, []],
    ['   ', false, []],
    ['a', false, ['a']],
    ['a b  c', false, ['a', 'b', 'c']],
    [' \ta\t\nb\r ', false, ['a', 'b']],
    ['a\\ b', false, ['a b']],
    ['a\\\\b', false, ['a\\b']],
    ['\\"', false, ['"']],
    ['"a b" c', false, ['"a', 'b"', 'c']],
    ['"a b" c', true, ['a b', 'c']],
    ["'a b' c", true, ['a b', 'c']],
    ['a"b c"d', true, ['ab cd']],
    ['"it\'s"', true, ["it's"]],
    ['\'say "hi"\'', true, ['say "hi"']],
    ['"a\\"b"', true, ['a"b']],
    ['""', true, ['']],
    ['"" x', true, ['', 'x']],
    ['CAP_A CAP_B', true, ['CAP_A', 'CAP_B']],
  ] as const)('%j (unquote %s) → %j', (value, unquote, words) => {
    expect(extractWords(value, unquote)).toEqual({ words, invalid: false });
  });

  it.each([
    ['"a b', true, []],
    ['x "a', true, ['x']],
    ["x y 'z", true, ['x', 'y']],
    ['a\\', false, []],
    ['a b\\', true, ['a']],
  ] as const)('%j (unquote %s) is invalid, keeping the words before: %j', (value, unquote, words) => {
    expect(extractWords(value, unquote)).toEqual({ words, invalid: true });
  });
});

describe('extractFirstWord', () => {
  it.each([
    ['char-rtc r', { word: 'char-rtc', rest: 'r' }],
    ['/dev/null', { word: '/dev/null', rest: '' }],
    ['  /dev/null \t rw', { word: '/dev/null', rest: 'rw' }],
    ['"/dev/a b" rw', { word: '/dev/a b', rest: 'rw' }],
    ['/dev/a\\ b rw', { word: '/dev/a b', rest: 'rw' }],
    ['/dev/null r w', { word: '/dev/null', rest: 'r w' }],
  ])('%j → %j', (value, expected) => {
    expect(extractFirstWord(value, true)).toEqual(expected);
  });

  it.each(['', '   ', '"unterminated'])('%j has no first word', (value) => {
    expect(extractFirstWord(value, true)).toBeUndefined();
  });

  it('leaves quotes alone without unquoting', () => {
    expect(extractFirstWord('"a b" c', false)).toEqual({ word: '"a', rest: 'b" c' });
  });
});
