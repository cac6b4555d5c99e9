import { JSON_REPORT_VERSION, renderJsonReport } from '../../../src/core/report/json-report';
import { ACCEPTED, CLEAN, FAILING, HOSTILE, note, unit, verdict, violation } from './report-fixtures';

const META = { toolVersion: '0.1.0', commit: 'abc123', baseCommit: 'def456' };

describe('renderJsonReport()', () => {
  it('a clean verdict, field by field', () => {
    expect(
      renderJsonReport(CLEAN, {
        ...META,
        generatedAt: '2025-01-02T03:04:05Z',
        repository: 'o/r',
        pullRequest: 7,
        policy: '.github/unitgate.json',
      }),
    ).toEqual({
      $schema: 'https://github.com/unitgate/unitgate/blob/main/schemas/unitgate-report-1.schema.json',
      version: 'unitgate-report/1',
      tool: { name: 'unitgate', version: '0.1.0' },
      run: {
        generatedAt: '2025-01-02T03:04:05Z',
        repository: 'o/r',
        commit: 'abc123',
        baseCommit: 'def456',
        pullRequest: 7,
        policy: '.github/unitgate.json',
      },
      result: 'pass',
      mode: 'enforce',
      systemdVersion: 252,
      maxExposure: { value: 42, display: '4.2', level: 'OK' },
      counts: {
        units: 1,
        pass: 1,
        fail: 0,
        accepted: 0,
        excluded: 0,
        deleted: 0,
        error: 0,
        violations: 0,
        advisory: 0,
        acceptedDeviations: 0,
        invalidNotes: 0,
      },
      units: [
        {
          path: 'units/api.service',
          previousPath: null,
          unitId: 'api.service',
          profile: 'web',
          status: 'pass',
          threshold: { value: 50, display: '5.0' },
          base: { value: 21, display: '2.1', level: 'OK', badness: { PrivateNetwork: 1, ProtectSystem: 0 } },
          head: { value: 42, display: '4.2', level: 'OK', badness: { PrivateNetwork: 1, ProtectSystem: 10 } },
          delta: 21,
          note: null,
          violations: [],
          accepted: [],
          changes: [],
        },
      ],
      notes: [],
      messages: [],
      findings: [],
      runFindings: [],
    });
  });

  it('is the version the docs name', () => {
    expect(JSON_REPORT_VERSION).toBe('unitgate-report/1');
  });

  it('gives every violation its location and a fix', () => {
    const r = renderJsonReport(FAILING, META);
    expect(r.result).toBe('fail');
    expect(r.counts).toMatchObject({ units: 2, fail: 2, violations: 3 });
    const worker = r.units.find((u) => u.unitId === 'worker.service');
    expect(worker?.violations.map((v) => [v.kind, v.check, v.location, v.fix?.directives])).toEqual([
      [
        'threshold',
        'exposure',
        { file: 'units/worker.service', line: 1, column: 1 },
        ['ProtectSystem=strict', 'PrivateTmp=yes'],
      ],
      [
        'regression-row',
        'PrivateTmp',
        { file: 'units/worker.service.d/override.conf', line: 3, column: 1 },
        ['PrivateTmp=yes'],
      ],
    ]);
    expect(worker?.changes[0]).toEqual({
      jsonField: 'PrivateTmp',
      name: 'PrivateTmp=',
      baseBadness: 0,
      headBadness: 1,
      delta: 1.9,
      location: { file: 'units/worker.service.d/override.conf', line: 3, column: 1 },
      summary: '`PrivateTmp=yes` removed',
    });
    expect(worker?.delta).toBe(13);
  });

  it('keeps accepted deviations with their note', () => {
    const r = renderJsonReport(ACCEPTED, META);
    expect(r.counts).toMatchObject({ accepted: 1, acceptedDeviations: 1, violations: 0 });
    expect(r.units[0]?.accepted[0]).toMatchObject({
      violation: {
        kind: 'regression-row',
        check: 'PrivateNetwork',
        fix: { directives: ['PrivateNetwork=yes'] },
      },
      note: {
        source: 'pr-body',
        owner: '@alice',
        expires: '2030-01-31',
        ticket: 'SEC-42',
        problems: [],
        valid: true,
        location: null,
      },
    });
    expect(r.notes).toHaveLength(1);
  });

  it.each([
    ['an invalid note', verdict({ notes: [note({ problems: ['expired'] })] }), { invalidNotes: 1 }],
    [
      'an advisory finding',
      verdict({ units: [unit({ violations: [violation({ advisory: true })] })] }),
      { advisory: 1, violations: 0 },
    ],
    [
      'a load error',
      verdict({
        units: [unit({ status: 'error', violations: [violation({ kind: 'load-error', check: 'load' })] })],
      }),
      { error: 1 },
    ],
  ])('counts %s', (_name, v, counts) => {
    expect(renderJsonReport(v, META).counts).toMatchObject(counts);
  });

  it('has no fix where no directive helps', () => {
    const r = renderJsonReport(
      verdict({ units: [unit({ violations: [violation({ kind: 'signoff-required', check: 'User' })] })] }),
      META,
    );
    expect(r.units[0]?.violations[0]?.fix).toBeNull();
  });

  it.each([
    ['clean', CLEAN],
    ['failing', FAILING],
    ['accepted', ACCEPTED],
    ['hostile', HOSTILE],
    ['empty', verdict({ units: [] })],
  ])(
    '%s: survives a JSON round trip unchanged (no undefined anywhere) and keeps text verbatim',
    (_name, v) => {
      const r = renderJsonReport(v, META);
      expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    },
  );

  it('keeps unit text verbatim: JSON needs no Markdown escaping', () => {
    const r = renderJsonReport(HOSTILE, META);
    expect(r.messages[0]).toContain('@everyone <img src=x onerror=alert(1)>');
  });

  it('lists the run findings as the gate rated them, and in findings as every output sees them', () => {
    const runFindings = [
      { kind: 'input-loosens-policy' as const, level: 'error' as const, message: 'mode loosens the policy' },
    ];
    const enforce = renderJsonReport(verdict({ runFindings }), META);
    expect(enforce.runFindings).toEqual(runFindings);
    expect(enforce.findings).toEqual([
      {
        unit: '',
        unitId: '',
        file: '',
        line: 0,
        column: 0,
        side: 'head',
        kind: 'input-loosens-policy',
        check: 'input-loosens-policy',
        level: 'error',
        message: 'mode loosens the policy',
        fix: null,
        acceptedBy: null,
      },
    ]);
    const report = renderJsonReport(verdict({ mode: 'report', runFindings }), META);
    expect(report.runFindings).toEqual(runFindings);
    expect(report.findings.map((f) => f.level)).toEqual(['warning']);
  });

  it('keeps a note pending approval and the exposure a verified fix reaches', () => {
    const pending = 'an approving review by @alice of the head commit';
    const r = renderJsonReport(
      verdict({
        units: [
          unit({
            status: 'accepted',
            accepted: [
              {
                violation: violation({
                  fix: { directives: ['ProtectSystem=strict'], explanation: 'x', exposureAfter: 21 },
                }),
                note: note({ pendingApproval: pending }),
                acceptedBy: '@alice (pending approval)',
                pendingApproval: pending,
              },
            ],
          }),
        ],
      }),
      META,
    );
    expect(r.units[0]?.accepted[0]).toMatchObject({
      pendingApproval: pending,
      note: { pendingApproval: pending },
      violation: { fix: { exposureAfter: { value: 21, display: '2.1' } } },
    });
    expect(r.findings).toMatchObject([
      { level: 'notice', acceptedBy: '@alice (pending approval)', fix: { exposureAfter: { value: 21 } } },
    ]);
    expect(renderJsonReport(CLEAN, META).notes).toEqual([]);
    expect(renderJsonReport(ACCEPTED, META).units[0]?.accepted[0]).toMatchObject({
      pendingApproval: null,
      note: { pendingApproval: null },
    });
  });

  it('reports no highest exposure when nothing was scored', () => {
    expect(renderJsonReport(verdict({ units: [] }), META).maxExposure).toBeNull();
  });
});
