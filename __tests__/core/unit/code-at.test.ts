import fc from 'fast-check';
import { codeAt } from '../../../src/core/unit/code-at';

// codeAt() must be s.charCodeAt(i) for strings of every internal form V8 makes: flat one- and
// two-byte strings, slices of a longer text, joined strings, and positions outside the string.
describe('codeAt', () => {
  const forms = (s: string): string[] => {
    const text = `prefix ${s} suffix — ü`;
    return [s, text.slice(7, 7 + s.length), `${s.slice(0, 3)}${s.slice(3)}`, s + '', [s].join('')];
  };

  it('is charCodeAt for any string, form and position', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), fc.integer({ min: -2, max: 45 }), (s, i) => {
        for (const form of forms(s)) {
          expect(form).toBe(s);
          expect(codeAt(form, i)).toBe(s.charCodeAt(i));
        }
      }),
    );
  });

  it('gives NaN past the end, as charCodeAt does', () => {
    expect(codeAt('ab', 2)).toBeNaN();
    expect(codeAt('', 0)).toBeNaN();
  });
});
