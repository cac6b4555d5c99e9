// The GitLab Code Quality report: the fields GitLab documents (checked against
// schemas/reference/gitlab-code-quality.schema.json), one issue per unit finding on a head line,
// one-line descriptions and fingerprints unique within the report.
import { collectFindings } from '../../../src/core/gate/findings';
import type { GateVerdict } from '../../../src/core/gate/gate-types';
import { renderCodeQuality, type CodeQualityIssue } from '../../../src/core/report/code-quality';
import { reportFormat } from '../../../src/core/report/formats';
import { ACCEPTED, CLEAN, FAILING, HOSTILE, unit, verdict, violation } from './report-fixtures';
import { codeQualityErrors, expectValidCodeQuality } from './reference-schemas';

const render = (v: GateVerdict): string =>
  reportFormat('codequality')?.render({
    verdict: v,
    findings: collectFindings(v),
    meta: { toolVersion: '1.0.0' },
  }) ?? '';
const issues = (v: GateVerdict): CodeQualityIssue[] => JSON.parse(render(v)) as CodeQualityIssue[];

describe('the reference schema', () => {
  it.each([
    ['not an array', '{}'],
    ['a byte order mark', '\ufeff[]'],
    [
      'a missing check_name',
      '[{"description":"d","fingerprint":"f","severity":"major","location":{"path":"a","lines":{"begin":1}}}]',
    ],
    [
      'an unknown severity',
      '[{"description":"d","check_name":"c","fingerprint":"f","severity":"error","location":{"path":"a","lines":{"begin":1}}}]',
    ],
    [
      'line 0',
      '[{"description":"d","check_name":"c","fingerprint":"f","severity":"info","location":{"path":"a","lines":{"begin":0}}}]',
    ],
    [
      'no line',
      '[{"description":"d","check_name":"c","fingerprint":"f","severity":"info","location":{"path":"a"}}]',
    ],
    [
      'an absolute path',
      '[{"description":"d","check_name":"c","fingerprint":"f","severity":"info","location":{"path":"/a","lines":{"begin":1}}}]',
    ],
    [
      'a two-line description',
      '[{"description":"d\\ne","check_name":"c","fingerprint":"f","severity":"info","location":{"path":"a","lines":{"begin":1}}}]',
    ],
  ])('rejects %s', (_name, text) => {
    expect(codeQualityErrors(text)).not.toEqual([]);
  });

  it("accepts GitLab's own example and the positions form", () => {
    expectValidCodeQuality(
      '[{"description":"\'unused\' is assigned a value but never used.","check_name":"no-unused-vars",' +
        '"fingerprint":"7815696ecbf1c96e6894b779456d330e","severity":"minor","location":{"path":"lib/index.js","lines":{"begin":42}}},' +
        '{"description":"d","check_name":"c","fingerprint":"f","severity":"blocker","type":"issue",' +
        '"location":{"path":"a","positions":{"begin":{"line":3,"column":1}}}}]',
    );
  });
});

describe('renderCodeQuality', () => {
  it.each([
    ['a clean run', CLEAN],
    ['a failing run', FAILING],
    ['an accepted deviation', ACCEPTED],
    ['hostile text', HOSTILE],
    ['no unit', verdict({ units: [] })],
  ])('is valid against the reference schema: %s', (_name, v) => {
    const text = render(v);
    expectValidCodeQuality(text);
    expect(text.endsWith('\n')).toBe(true);
  });

  it('has exactly the documented fields: one issue per unit finding, errors major', () => {
    expect(issues(FAILING)).toEqual([
      {
        description: 'worker.service: exposure 9.6 UNSAFE is above the web threshold 5.0',
        check_name: 'unitgate/threshold',
        fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/) as unknown as string,
        severity: 'major',
        location: { path: 'units/worker.service', lines: { begin: 1 } },
      },
      expect.objectContaining({
        check_name: 'systemd/PrivateTmp',
        location: { path: 'units/worker.service.d/override.conf', lines: { begin: 3 } },
      }) as unknown as CodeQualityIssue,
      expect.objectContaining({
        check_name: 'systemd/ProtectSystem',
        location: { path: 'units/api.service', lines: { begin: 7 } },
      }) as unknown as CodeQualityIssue,
    ]);
  });

  it('says who accepted a deviation, as info', () => {
    const [issue] = issues(ACCEPTED);
    expect(issue?.severity).toBe('info');
    expect(issue?.description).toMatch(
      /^accepted deviation \(approved by @olivia\): api\.service: PrivateNetwork=/,
    );
  });

  it('says a deviation is pending, not approved, when a local check is waiting for the approval', () => {
    const v = ACCEPTED.units[0];
    const pending = verdict({
      units: [
        unit({
          status: 'accepted',
          accepted: (v?.accepted ?? []).map((a) => ({
            ...a,
            acceptedBy: '',
            pendingApproval: "@alice's approval",
          })),
        }),
      ],
    });
    expect(issues(pending)[0]?.description).toMatch(/^pending deviation \(needs @alice's approval\): /);
  });

  it('writes a line break of a message as a space: descriptions are one line', () => {
    const v = verdict({
      units: [unit({ status: 'fail', violations: [violation({ message: 'a\nb\r\nc\rd\u2028e' })] })],
    });
    expect(issues(v)[0]?.description).toBe('a b c d e');
  });

  it('keeps non-ASCII text and paths as UTF-8, without a byte order mark', () => {
    const v = verdict({
      units: [
        unit({
          path: 'déploiement/api.service',
          status: 'fail',
          violations: [
            violation({
              message: 'ProtectSystém= is not a directive: did you mean ProtectSystem=?',
              location: { file: 'déploiement/api.service', line: 2, column: 1 },
            }),
          ],
        }),
      ],
    });
    const text = render(v);
    expectValidCodeQuality(text);
    expect(text).toContain('"path": "déploiement/api.service"');
    expect(text).toContain('ProtectSystém=');
  });

  it('places a removed line at its head anchor, never on line 0, with a path relative to the repository', () => {
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
                headAnchor: { file: './units/api.service', line: 0, column: 1 },
              },
            }),
          ],
        }),
      ],
    });
    expect(issues(v)[0]?.location).toEqual({ path: 'units/api.service', lines: { begin: 1 } });
  });

  it('gives each issue its own fingerprint, stable when the line moves', () => {
    const twice = verdict({
      units: [
        unit({
          status: 'fail',
          violations: [
            violation(),
            violation({ location: { file: 'units/api.service', line: 9, column: 1 } }),
          ],
        }),
      ],
    });
    const prints = renderCodeQuality(collectFindings(twice)).map((i) => i.fingerprint);
    expect(new Set(prints).size).toBe(2);
    const moved = verdict({
      units: [
        unit({
          status: 'fail',
          violations: [violation({ location: { file: 'units/api.service', line: 30, column: 1 } })],
        }),
      ],
    });
    expect(renderCodeQuality(collectFindings(moved))[0]?.fingerprint).toBe(prints[0]);
  });
});
