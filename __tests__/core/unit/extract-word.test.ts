// extractWords()/extractFirstWord(): extract_first_word() word splitting — whitespace separators,
// backslash escapes, and quote removal when asked to unquote.
import {
  EXTRACT_CUNESCAPE,
  EXTRACT_DONT_COALESCE_SEPARATORS,
  EXTRACT_RELAX,
  EXTRACT_UNESCAPE_RELAX,
  EXTRACT_UNQUOTE,
  extractAllWords,
  extractFirstWordRaw,
  extractWords,
  cunescape,
} from '../../../src/core/unit/extract-word';

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

describe('extractFirstWordRaw (extract_first_word() with flags)', () => {
  const U = EXTRACT_UNQUOTE;
  it.each([
    ['an unbalanced quote is an error', '"CAP_A', U, { kind: 'error' }],
    [
      'with EXTRACT_RELAX the quoted rest is the word',
      '"CAP_A',
      U | EXTRACT_RELAX,
      { kind: 'word', word: 'CAP_A', rest: undefined },
    ],
    ['a trailing backslash is an error', 'a\\', 0, { kind: 'error' }],
    [
      'with EXTRACT_RELAX a trailing backslash is dropped',
      'a\\',
      EXTRACT_RELAX,
      { kind: 'word', word: 'a', rest: undefined },
    ],
    ['no flags: quotes are plain characters', '"a b"', 0, { kind: 'word', word: '"a', rest: 'b"' }],
    [
      'no flags: a backslash escapes the next character',
      '\\n\\;x',
      0,
      { kind: 'word', word: 'n;x', rest: undefined },
    ],
    [
      'C escapes with EXTRACT_CUNESCAPE',
      'a\\tb\\x41\\101\\u00e9',
      EXTRACT_CUNESCAPE,
      { kind: 'word', word: 'a\tbAA\u00e9', rest: undefined },
    ],
    ['an unknown C escape is an error', 'a\\;', EXTRACT_CUNESCAPE, { kind: 'error' }],
    [
      '…kept verbatim with EXTRACT_UNESCAPE_RELAX',
      'a\\; b',
      EXTRACT_CUNESCAPE | EXTRACT_UNESCAPE_RELAX,
      { kind: 'word', word: 'a\\;', rest: 'b' },
    ],
    ['\\x00 is refused', 'a\\x00', EXTRACT_CUNESCAPE, { kind: 'error' }],
    ['separators are coalesced', 'a   b', 0, { kind: 'word', word: 'a', rest: 'b' }],
    ['trailing separators end the input', 'a   ', 0, { kind: 'word', word: 'a', rest: undefined }],
    [
      'custom separators without coalescing',
      'a::b',
      EXTRACT_DONT_COALESCE_SEPARATORS,
      { kind: 'word', word: 'a::b', rest: undefined },
    ],
    ['only blanks: no word', '  \t ', U, { kind: 'end' }],
  ] as const)('%s: %j', (_name, input, flags, expected) => {
    expect(extractFirstWordRaw(input, flags)).toEqual(expected);
  });

  it.each([
    ['a:b', { kind: 'word', word: 'a', rest: 'b' }],
    ['a::b', { kind: 'word', word: 'a', rest: ':b' }],
    [':b', { kind: 'word', word: '', rest: 'b' }],
    ['a', { kind: 'word', word: 'a', rest: undefined }],
    ['', { kind: 'word', word: '', rest: undefined }],
  ] as const)('":" separators without coalescing (credential names): %j', (input, expected) => {
    expect(extractFirstWordRaw(input, EXTRACT_DONT_COALESCE_SEPARATORS, ':')).toEqual(expected);
  });

  it('extractAllWords keeps the words before an error', () => {
    expect(extractAllWords('CAP_A "CAP_B', EXTRACT_UNQUOTE)).toEqual({ words: ['CAP_A'], invalid: true });
    expect(extractAllWords('CAP_A "CAP_B', EXTRACT_UNQUOTE | EXTRACT_RELAX)).toEqual({
      words: ['CAP_A', 'CAP_B'],
      invalid: false,
    });
  });

  it.each([
    ['plain', 'plain', 'plain'],
    ['a\\nb', 'a\nb', 'a\nb'],
    ['a\\x00b', undefined, 'a\0b'],
    ['a\\qb', undefined, undefined],
    ['a\\', undefined, undefined],
  ])('cunescape(%j) → %j, with NUL accepted %j', (s, plain, withNul) => {
    expect(cunescape(s)).toBe(plain);
    expect(cunescape(s, true)).toBe(withNul);
  });
});
