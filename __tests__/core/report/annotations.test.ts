import { collectFindings } from '../../../src/core/gate/findings';
import {
  buildAnnotations,
  checkRunBatches,
  selectWithinBudget,
  toCheckRunAnnotation,
  type Annotation,
} from '../../../src/core/report/annotations';
import { ACCEPTED, CLEAN, FAILING, manyViolations, unit, verdict, violation } from './report-fixtures';

function annotation(over: Partial<Annotation> = {}): Annotation {
  return {
    level: 'failure',
    path: 'units/api.service',
    startLine: 7,
    endLine: 7,
    title: 'Hardening regressed: ProtectSystem (api.service)',
    message: 'ProtectSystem= got worse',
    ...over,
  };
}

describe('buildAnnotations(collectFindings())', () => {
  it('has nothing to say about a clean verdict', () => {
    expect(buildAnnotations(collectFindings(CLEAN))).toEqual([]);
  });

  it('puts each violation on its line, heaviest failure first, with the fix', () => {
    const out = buildAnnotations(collectFindings(FAILING));
    expect(out.map((a) => [a.level, a.path, a.startLine])).toEqual([
      ['failure', 'units/worker.service', 1],
      ['failure', 'units/api.service', 7],
      ['failure', 'units/worker.service.d/override.conf', 3],
    ]);
    expect(out[0]).toMatchObject({
      title: 'Exposure above threshold (worker.service)',
      rawDetails: 'ProtectSystem=strict\nPrivateTmp=yes',
    });
    expect(out[0]?.message).toContain('worker.service: exposure 9.6 UNSAFE is above the web threshold 5.0');
    expect(out[0]?.message).toContain('ProtectSystem=strict\nPrivateTmp=yes');
    // The gate set no fix on the row regression: the report derives one from the row.
    expect(out[1]).toMatchObject({
      title: 'Hardening regressed: ProtectSystem (api.service)',
      rawDetails: 'ProtectSystem=strict',
    });
    expect(out[2]).toMatchObject({ startColumn: 1, endLine: 3, rawDetails: 'PrivateTmp=yes' });
  });

  it('shows accepted deviations as notices with owner and expiry', () => {
    const out = buildAnnotations(collectFindings(ACCEPTED));
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ level: 'notice', path: 'units/api.service', startLine: 9 });
    expect(out[0]?.message).toBe(
      'accepted deviation: api.service: PrivateNetwork= got worse: `PrivateNetwork=yes` removed — owner @alice, expires 2030-01-31, ticket SEC-42; reason: talks to the database; approved by @olivia',
    );
    expect(out[0]?.title).toBe('Accepted deviation: Hardening regressed (api.service)');
  });

  it.each([
    [
      'advisory findings are warnings',
      verdict({ units: [unit({ violations: [violation({ advisory: true })] })] }),
      'warning',
    ],
    [
      'report mode never fails',
      verdict({ mode: 'report', units: [unit({ violations: [violation()] })] }),
      'warning',
    ],
    ['enforce mode fails', verdict({ units: [unit({ violations: [violation()] })] }), 'failure'],
  ])('%s', (_name, v, level) => {
    expect(buildAnnotations(collectFindings(v))[0]?.level).toBe(level);
  });

  it('orders failures, then warnings, then notices; then by weight, path and line', () => {
    const v = verdict({
      units: [
        unit({
          violations: [
            violation({ advisory: true, weight: 99, location: { file: 'b', line: 1, column: 1 } }),
            violation({ weight: 1, location: { file: 'b', line: 9, column: 1 } }),
            violation({ weight: 1, location: { file: 'a', line: 9, column: 1 } }),
            violation({ weight: 1, location: { file: 'a', line: 2, column: 1 } }),
            violation({ weight: 5, location: { file: 'z', line: 1, column: 1 } }),
          ],
          accepted: ACCEPTED.units[0]?.accepted ?? [],
        }),
      ],
    });
    expect(buildAnnotations(collectFindings(v)).map((a) => `${a.level}:${a.path}:${a.startLine}`)).toEqual([
      'failure:z:1',
      'failure:a:2',
      'failure:a:9',
      'failure:b:9',
      'warning:b:1',
      'notice:units/api.service:9',
    ]);
  });

  it('normalises paths and clamps lines', () => {
    const v = verdict({
      units: [
        unit({ violations: [violation({ location: { file: './x\\y.service', line: 0, column: 0 } })] }),
      ],
    });
    const [a] = buildAnnotations(collectFindings(v));
    expect(a).toMatchObject({ path: 'x/y.service', startLine: 1, endLine: 1 });
    expect(a).not.toHaveProperty('startColumn');
  });
});

describe('selectWithinBudget()', () => {
  it('keeps 10 per level by default and counts the rest', () => {
    const list = [
      ...Array.from({ length: 12 }, (_, i) => annotation({ startLine: i + 1 })),
      ...Array.from({ length: 3 }, () => annotation({ level: 'warning' })),
      ...Array.from({ length: 11 }, () => annotation({ level: 'notice' })),
    ];
    const s = selectWithinBudget(list);
    expect(s.printed.filter((a) => a.level === 'failure').map((a) => a.startLine)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ]);
    expect(s.printed.filter((a) => a.level === 'warning')).toHaveLength(3);
    expect(s.printed.filter((a) => a.level === 'notice')).toHaveLength(10);
    expect(s.omitted).toBe(3);
    expect(s.omittedByLevel).toEqual({ failure: 2, warning: 0, notice: 1 });
  });

  it.each([0, 1, 5])('respects a budget of %i', (perLevel) => {
    const s = selectWithinBudget(
      buildAnnotations(collectFindings(verdict({ units: [manyViolations(8)] }))),
      perLevel,
    );
    expect(s.printed).toHaveLength(Math.min(perLevel, 8));
    expect(s.omitted).toBe(8 - Math.min(perLevel, 8));
  });
});

describe('checkRunBatches()', () => {
  it('sends every annotation in batches of 50', () => {
    const annotations = buildAnnotations(collectFindings(verdict({ units: [manyViolations(120)] })));
    const batches = checkRunBatches(annotations);
    expect(batches.map((b) => b.length)).toEqual([50, 50, 20]);
    expect(batches.flat()).toHaveLength(120);
    expect(batches[0]?.[0]).toEqual({
      path: 'units/api.service',
      start_line: 1,
      end_line: 1,
      annotation_level: 'failure',
      title: 'Hardening regressed: Row0 (api.service)',
      message: 'violation 0',
    });
  });

  it('returns no batch for no annotations', () => {
    expect(checkRunBatches([])).toEqual([]);
  });

  it('maps the fix to raw_details and respects the API size limits', () => {
    const a = toCheckRunAnnotation(
      annotation({ title: 'T'.repeat(400), message: 'é'.repeat(40000), rawDetails: 'PrivateTmp=yes' }),
    );
    expect(a.title).toHaveLength(255);
    expect(Buffer.byteLength(a.message, 'utf8')).toBeLessThan(64 * 1024);
    expect(a.raw_details).toBe('PrivateTmp=yes');
    expect(a.annotation_level).toBe('failure');
  });
});
