// The JUnit report: valid against the Jenkins xUnit plugin's XSD (schemas/reference/junit-10.xsd,
// through xmllint), one testcase per unit whose failure names the check and the file:line, and
// well-formed whatever text a unit file or a pull request brings (a fast-check property).
import fc from 'fast-check';
import { collectFindings } from '../../../src/core/gate/findings';
import type { GateVerdict } from '../../../src/core/gate/gate-types';
import { renderJunit, xmlAttribute, xmlSafe, xmlText } from '../../../src/core/report/junit';
import {
  ACCEPTED,
  CLEAN,
  FAILING,
  HOSTILE,
  HOSTILE_TEXT,
  note,
  unit,
  verdict,
  violation,
} from './report-fixtures';
import { describeWithXmllint, expectValidJunit, junitErrors, xpathString } from './reference-schemas';

const junit = (v: GateVerdict): string => renderJunit(v, collectFindings(v));

describe('XML text', () => {
  it.each([
    [
      'C0 controls but tab, LF and CR',
      'a\u0000b\u0001c\u001fd\u000be\u000cf',
      'a\\x00b\\x01c\\x1fd\\x0be\\x0cf',
    ],
    ['tab, LF, CR', 'a\tb\nc\rd', 'a\tb\nc\rd'],
    ['U+FFFE and U+FFFF', 'x\ufffey\uffff', 'x\\ufffey\\uffff'],
    ['unpaired surrogates', 'a\ud800b\udc00c', 'a\\ud800b\\udc00c'],
    [
      'a surrogate pair (U+1F600) and C1 controls (allowed in XML 1.0)',
      'a\ud83d\ude00b\u0085\u009f',
      'a\ud83d\ude00b\u0085\u009f',
    ],
    ['non-ASCII', 'größe — 設定', 'größe — 設定'],
  ])('keeps what XML 1.0 allows and writes the rest as C escapes: %s', (_name, input, output) => {
    expect(xmlSafe(input)).toBe(output);
  });

  it('escapes markup in character data, and CR so that it survives line-end normalization', () => {
    expect(xmlText('<a href="x">&amp;</a> ]]> \r\n')).toBe(
      '&lt;a href="x"&gt;&amp;amp;&lt;/a&gt; ]]&gt; &#13;\n',
    );
  });

  it('escapes quotes and whitespace in attribute values, which normalization would turn into spaces', () => {
    expect(xmlAttribute('a "b" <c> & \t\n\r\u0007')).toBe(
      'a &quot;b&quot; &lt;c&gt; &amp; &#9;&#10;&#13;\\x07',
    );
  });
});

describe('renderJunit', () => {
  it('has one testcase per unit; a failed unit is a failed testcase naming the check and file:line', () => {
    const xml = junit(FAILING);
    expect(xml).toMatch(
      /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="unitgate" tests="2" failures="2" errors="0">/,
    );
    expect(xml).toContain(
      '<testcase name="units/worker.service" classname="unitgate.web">\n' +
        '      <failure message="exposure at units/worker.service:1: worker.service: exposure 9.6 UNSAFE is above the web threshold 5.0 (and 1 more)" type="unitgate/threshold">',
    );
    // Every error of the unit is in the failure's text, with its fix.
    expect(xml).toContain('units/worker.service:1: exposure: worker.service: exposure 9.6 UNSAFE');
    expect(xml).toContain('  fix: ProtectSystem=strict  PrivateTmp=yes');
    expect(xml).toContain(
      'units/worker.service.d/override.conf:3: PrivateTmp: worker.service: PrivateTmp= got worse',
    );
    expect(xml).toContain(
      '<failure message="ProtectSystem at units/api.service:7: api.service: ProtectSystem= got worse: `ProtectSystem=strict` removed" type="systemd/ProtectSystem">',
    );
    expect(xml).toContain('<property name="result" value="fail"/>');
  });

  it('passes a clean unit, with its exposure in its output', () => {
    const xml = junit(CLEAN);
    expect(xml).toContain('tests="1" failures="0" errors="0" skipped="0"');
    expect(xml).not.toContain('<failure');
    expect(xml).toContain('<system-out>pass: profile web, threshold 5.0, exposure 2.1 → 4.2 OK</system-out>');
  });

  it('passes an accepted deviation and says who approved it', () => {
    const xml = junit(ACCEPTED);
    expect(xml).not.toContain('<failure');
    expect(xml).toContain(
      'accepted deviation (@alice, expires 2030-01-31, approved by @olivia): units/api.service:9: PrivateNetwork:',
    );
  });

  it('reports warnings in the output and fails nothing in report mode', () => {
    const v = { ...FAILING, mode: 'report' as const, result: 'pass' as const };
    const xml = junit(v);
    expect(xml).toContain('failures="0"');
    expect(xml).toContain('warning: units/worker.service:1: exposure: worker.service: exposure 9.6 UNSAFE');
  });

  it('skips an excluded unit, with the reason', () => {
    const xml = junit(
      verdict({ units: [unit({ status: 'excluded', note: 'retired in Q3', head: undefined })] }),
    );
    expect(xml).toContain('skipped="1"');
    expect(xml).toContain('<skipped message="excluded: retired in Q3"/>');
  });

  it('names a removed line at the base commit', () => {
    const v = verdict({
      units: [
        unit({
          status: 'fail',
          violations: [
            violation({
              location: {
                file: 'units/api.service',
                line: 12,
                column: 1,
                side: 'base',
                headAnchor: { file: 'units/api.service', line: 4, column: 1 },
              },
            }),
          ],
        }),
      ],
    });
    expect(junit(v)).toContain(
      'message="ProtectSystem at units/api.service:12 (removed line, at the base commit): api.service:',
    );
  });

  it('makes the findings about the run one more testcase, failed by its errors', () => {
    const v = verdict({
      units: [],
      result: 'fail',
      runFindings: [
        { kind: 'policy-loosened', level: 'error', message: 'the change raises the threshold of web' },
        { kind: 'paths-match-nothing', level: 'warning', message: '"x/**" matches nothing' },
      ],
    });
    const xml = junit(v);
    expect(xml).toContain('<testcase name="policy, inputs and scope of the run" classname="unitgate.run">');
    expect(xml).toContain(
      '<failure message="policy-loosened: the change raises the threshold of web" type="unitgate/policy-loosened">',
    );
    expect(xml).toContain('warning: paths-match-nothing: "x/**" matches nothing');
  });

  it('lists invalid deviation notes and the result in the suite output', () => {
    const xml = junit(verdict({ notes: [note({ problems: ['`expires` is not a date'] })] }));
    expect(xml).toMatch(
      /<system-out>invalid deviation note for units\/api\.service: `expires` is not a date\nPASS: 1 unit in scope \(mode enforce, systemd 252\)<\/system-out>\n {2}<\/testsuite>/,
    );
  });
});

describeWithXmllint('renderJunit against the JUnit XSD (xmllint)', () => {
  it.each([
    ['a clean run', CLEAN],
    ['a failing run', FAILING],
    ['an accepted deviation', ACCEPTED],
    ['hostile text', HOSTILE],
    ['no unit in scope', verdict({ units: [] })],
    ['an excluded unit', verdict({ units: [unit({ status: 'excluded', note: 'legacy' })] })],
  ])('is valid: %s', (_name, v) => {
    expectValidJunit(junit(v));
  });

  it('keeps hostile text as text', () => {
    const xml = junit(HOSTILE);
    expect(xpathString(xml, 'string(//testcase[1]/@name)')).toBe('units/@everyone<b>|x.service');
    expect(xpathString(xml, 'string(//testcase[1]/failure/@message)')).toContain(HOSTILE_TEXT);
    expect(xpathString(xml, 'count(//testcase/failure)')).toBe('1');
  });

  it('is well-formed and valid, and keeps every text, whatever a unit file or pull request holds', () => {
    // Any code unit: lone surrogates, controls, markup, quotes, line breaks.
    const text = fc.string({ unit: 'binary', maxLength: 40 });
    const anyText = fc.oneof(
      text,
      fc.string({
        unit: fc.constantFrom('<', '>', '&', '"', "'", '\r', '\n', '\t', '\u0000', '\ud800', ']'),
        maxLength: 20,
      }),
    );
    fc.assert(
      fc.property(
        anyText,
        anyText,
        anyText,
        anyText,
        fc.array(anyText, { maxLength: 2 }),
        anyText,
        (message, file, path, profile, fix, ownerNote) => {
          const v = verdict({
            units: [
              unit({
                path: `p/${path}`,
                profile,
                status: 'fail',
                note: ownerNote,
                violations: [
                  violation({
                    message,
                    check: profile,
                    location: { file: `u/${file}`, line: 3, column: 1 },
                    fix: { directives: fix, explanation: message },
                  }),
                ],
              }),
            ],
            messages: [message],
          });
          const xml = junit(v);
          expect(junitErrors(xml)).toBe('');
          const failure = xpathString(xml, 'string(//testcase[1]/failure/@message)');
          expect(failure).toBe(xmlSafe(`${profile} at u/${file}:3: ${message}`));
          expect(xpathString(xml, 'string(//testcase[1]/@name)')).toBe(xmlSafe(`p/${path}`));
        },
      ),
      { numRuns: 150 },
    );
  });
});
