import { truncateUtf8, utf8Bytes } from '../../../src/core/report/utf8';
import { utf8Length as utf8ByteLength } from '../../../src/core/unit/utf8';

describe('utf8', () => {
  it.each([
    ['empty', ''],
    ['ASCII', 'ProtectSystem=strict'],
    ['two-byte', 'Überwachung'],
    ['three-byte', '→ … €'],
    ['four-byte', '😨🤢'],
    ['zero-width space', '@\u200beveryone'],
  ])('%s: byte length and bytes match Buffer', (_name, text) => {
    expect(utf8ByteLength(text)).toBe(Buffer.byteLength(text, 'utf8'));
    expect(utf8Bytes(text)).toEqual([...Buffer.from(text, 'utf8')]);
  });

  it('counts a lone surrogate as U+FFFD, as encoders write it', () => {
    expect(utf8ByteLength('a\ud800b')).toBe(Buffer.byteLength('a\ud800b', 'utf8'));
    expect(utf8Bytes('\udc00')).toEqual([0xef, 0xbf, 0xbd]);
  });

  it.each([
    ['fits', 'abc', 3, 'abc'],
    ['cut ASCII', 'abcdef', 5, 'ab…'],
    ['never inside a character', 'ééé', 5, 'é…'],
    ['never inside a pair', 'a😨b', 5, 'a…'],
    ['a lone surrogate is 3 bytes', 'a\ud800bcdef', 7, 'a\ud800…'],
    ['no room but for the ellipsis', 'abcdef', 3, '…'],
    ['less room than the ellipsis', 'abcdef', 1, '…'],
  ])('truncateUtf8: %s', (_name, text, max, expected) => {
    const out = truncateUtf8(text, max);
    expect(out).toBe(expected);
    expect(Buffer.byteLength(out, 'utf8')).toBeLessThanOrEqual(Math.max(max, 3));
  });
});
