import fc from 'fast-check';
import { formatJsonPath, parseJsonDocument } from '../../../src/core/policy/parse-json-document';

describe('parseJsonDocument', () => {
  it('returns what JSON.parse returns, for any JSON text', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (value, indent) => {
        const text = JSON.stringify(value, null, indent ? 2 : undefined);
        const parsed = parseJsonDocument(text);
        expect(parsed.ok && parsed.document.value).toStrictEqual(JSON.parse(text));
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('accepts exactly the texts JSON.parse accepts, for JSON text with characters inserted or replaced', () => {
    const pieces = [
      ...'{}[],:"\'\\/* \t\n\r019eE.+-truefalsnx\u00a0\u000b\ufeff\u2028é',
      '//',
      '/*',
      '\\u',
      '😀',
    ];
    const edit = fc.tuple(fc.nat(), fc.boolean(), fc.constantFrom(...pieces));
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.array(edit, { maxLength: 3 }), (value, edits) => {
        let text = JSON.stringify(value, null, 1);
        for (const [at, replace, piece] of edits) {
          const i = at % (text.length + 1);
          text = text.slice(0, i) + piece + text.slice(replace ? i + 1 : i);
        }
        fc.pre(!text.startsWith('\uFEFF')); // ignored by parseJsonDocument, refused by JSON.parse
        let expected: { ok: true; value: unknown } | { ok: false };
        try {
          expected = { ok: true, value: JSON.parse(text) as unknown };
        } catch {
          expected = { ok: false };
        }
        const parsed = parseJsonDocument(text);
        expect(parsed.ok ? { ok: true, value: parsed.document.value } : { ok: false }).toStrictEqual(
          expected,
        );
      }),
      { seed: 42, numRuns: 3000 },
    );
  });

  it('keeps a "__proto__" key as a plain property, as JSON.parse does', () => {
    const parsed = parseJsonDocument('{"__proto__": {"polluted": true}}');
    if (!parsed.ok) throw new Error(parsed.message);
    expect(Object.getPrototypeOf(parsed.document.value)).toBe(Object.prototype);
    expect(Object.keys(parsed.document.value as object)).toEqual(['__proto__']);
  });

  it('records where each value is: object members at their key, array items at the value', () => {
    const text = '{\n  "a": [1,\n    {"b c": true}],\n  "d": "x"\n}';
    const parsed = parseJsonDocument(text);
    if (!parsed.ok) throw new Error(parsed.message);
    expect(Object.fromEntries(parsed.document.positions)).toEqual({
      $: { line: 1, column: 1 },
      '$.a': { line: 2, column: 3 },
      '$.a[0]': { line: 2, column: 9 },
      '$.a[1]': { line: 3, column: 5 },
      '$.a[1]["b c"]': { line: 3, column: 6 },
      '$.d': { line: 4, column: 3 },
    });
  });

  it('reports keys written twice in one object', () => {
    const parsed = parseJsonDocument('{"a": 1, "b": {"a": 2}, "a": 3}');
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed.document.value).toEqual({ a: 3, b: { a: 2 } });
    expect(parsed.document.duplicateKeys).toEqual([{ path: ['a'], position: { line: 1, column: 25 } }]);
  });

  it('ignores a leading byte order mark', () => {
    expect(parseJsonDocument('\uFEFF{"a": 1}')).toMatchObject({ ok: true, document: { value: { a: 1 } } });
  });

  it.each([
    ['', 'the file is empty; expected a JSON object', 1, 1],
    ['  \n ', 'the file is empty; expected a JSON object', 1, 1],
    ['{"a": 1,}', "trailing comma before '}'", 1, 8],
    ['[1,\n 2,\n]', "trailing comma before ']'", 2, 3],
    ['{"a": 1 "b": 2}', "unexpected character '\"'; expected ',' or '}'", 1, 9],
    ['{"a" 1}', "unexpected character '1'; expected ':' after the key \"a\"", 1, 6],
    ['{a: 1}', "unexpected character 'a'; expected a key in double quotes", 1, 2],
    ["{'a': 1}", 'strings and keys need double quotes (") in JSON', 1, 2],
    ['{\n  // note\n  "a": 1}', 'comments are not allowed in JSON', 2, 3],
    ['{"a": tru}', "unexpected character 't'; expected a value", 1, 7],
    ['{"a": 01}', "unexpected character '1'; expected ',' or '}'", 1, 8],
    ['{"a": -}', "unexpected character '-'; expected a value", 1, 7],
    ['{"a": "x\n"}', 'string not closed before the end of the line', 1, 7],
    ['{"a": "\\x"}', "invalid escape sequence '\\x' in string", 1, 8],
    ['{"a": "\t"}', 'control character in string; write it as an escape (\\t, \\u0000)', 1, 8],
    ['{"a": 1}}', 'unexpected content after the end of the JSON value', 1, 9],
    ['{"a": [1, 2', "unexpected end of file; expected ',' or ']'", 1, 12],
    ['{"a": \u00a01}', 'unexpected character U+00A0; expected a value', 1, 7],
    [`${'['.repeat(300)}${']'.repeat(300)}`, 'nested deeper than 256 levels', 1, 257],
    // Every other refusal of strict JSON that JavaScript or JSON-with-comments parsers accept.
    ['{"a": 1 /* note */}', 'comments are not allowed in JSON', 1, 9],
    ['{"a": 1} // note', 'unexpected content after the end of the JSON value', 1, 10],
    ['{"a": 1 / 2}', 'comments are not allowed in JSON', 1, 9],
    ["['a']", 'strings and keys need double quotes (") in JSON', 1, 2],
    ['{"a": "x', 'string not closed before the end of the line', 1, 7],
    ['["x\r"]', 'string not closed before the end of the line', 1, 2],
    ['["\\u12g4"]', "invalid escape sequence '\\u' in string", 1, 3],
    ['["ok", "\\x\n', "invalid escape sequence '\\x' in string", 1, 9],
    ['[1 2]', "unexpected character '2'; expected ',' or ']'", 1, 4],
    ['[1.]', "unexpected character '.'; expected ',' or ']'", 1, 3],
    ['[1e]', "unexpected character 'e'; expected ',' or ']'", 1, 3],
    ['[1e+]', "unexpected character 'e'; expected ',' or ']'", 1, 3],
    ['[.5]', "unexpected character '.'; expected a value", 1, 2],
    ['[+1]', "unexpected character '+'; expected a value", 1, 2],
    ['[0x1F]', "unexpected character 'x'; expected ',' or ']'", 1, 3],
    ['[NaN]', "unexpected character 'N'; expected a value", 1, 2],
    ['[-Infinity]', "unexpected character '-'; expected a value", 1, 2],
    ['[truex]', "unexpected character 'x'; expected ',' or ']'", 1, 6],
    ['nullx', 'unexpected content after the end of the JSON value', 1, 5],
    ['{"a": 1 "b\\x": 2}', "unexpected character '\"'; expected ',' or '}'", 1, 9],
    ['{"a" 1.}', "unexpected character '1'; expected ':' after the key \"a\"", 1, 6],
    ['{"a"', 'unexpected end of file; expected \':\' after the key "a"', 1, 5],
    ['{,}', "unexpected character ','; expected a key in double quotes", 1, 2],
    ['[,1]', "unexpected character ','; expected a value", 1, 2],
    ['{"a": [1}', "unexpected character '}'; expected ',' or ']'", 1, 9],
    ['{"a": 1]', "unexpected character ']'; expected ',' or '}'", 1, 8],
    ['{} {}', 'unexpected content after the end of the JSON value', 1, 4],
    ['{"a":\u000b1}', 'unexpected character U+000B; expected a value', 1, 6],
    ['{"a":\uFEFF1}', 'unexpected character U+FEFF; expected a value', 1, 6],
    ['{"a":\u20281}', 'unexpected character U+2028; expected a value', 1, 6],
  ])('rejects %j: %s at %i:%i', (text, message, line, column) => {
    expect(parseJsonDocument(text)).toEqual({ ok: false, message, position: { line, column } });
  });
});

describe('formatJsonPath', () => {
  it.each([
    [[], '$'],
    [['profiles', 'api-service', 'threshold'], '$.profiles.api-service.threshold'],
    [['units', 0, 'match'], '$.units[0].match'],
    [['profiles', 'v2.api'], '$.profiles["v2.api"]'],
    [['$schema'], '$.$schema'],
    [
      ['assessorOverrides', 'CapabilityBoundingSet_CAP_NET_BIND_SERVICE_BROADCAST_RAW)'],
      '$.assessorOverrides["CapabilityBoundingSet_CAP_NET_BIND_SERVICE_BROADCAST_RAW)"]',
    ],
  ] as const)('%j → %s', (path, expected) => {
    expect(formatJsonPath(path)).toBe(expected);
  });
});
