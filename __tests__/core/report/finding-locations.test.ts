// One record holds a finding's location: every output cites the line the flat findings list names. A
// removed line (side: 'base') is cited at the merge base by the outputs that can link it (JSON, job
// summary, comment, check text) and, by those that can only point at head (annotations, check run,
// SARIF), at its head anchor with the base line named in the message.
import { collectFindings } from '../../../src/core/gate/findings';
import { buildAnnotations, checkRunBatches } from '../../../src/core/report/annotations';
import { REPORT_FORMATS, type ReportInput } from '../../../src/core/report/formats';
import type { GateVerdict } from '../../../src/core/gate/gate-types';
import type { SarifLog } from '../../../src/core/report/sarif';
import type { JsonReport } from '../../../src/core/report/json-report';
import { note, unit, verdict, violation } from './report-fixtures';

const BASE_LINE = 'units/api.service.d/override.conf:12';
const HEAD_ANCHOR = { file: 'units/api.service', line: 4, column: 1 };
const removed = {
  file: 'units/api.service.d/override.conf',
  line: 12,
  column: 1,
  side: 'base' as const,
  headAnchor: HEAD_ANCHOR,
};

/** One failing finding on a removed line and one accepted one on another removed line. */
function baseVerdict(mode: GateVerdict['mode'] = 'enforce'): GateVerdict {
  return verdict({
    mode,
    units: [
      unit({
        status: 'fail',
        violations: [violation({ location: removed })],
        accepted: [
          {
            violation: violation({
              check: 'PrivateNetwork',
              directives: ['PrivateNetwork'],
              message: 'api.service: PrivateNetwork= got worse',
              location: { ...removed, line: 13 },
            }),
            note: note(),
            acceptedBy: '@olivia',
          },
        ],
        // No "why it moved" rows: only findings may cite lines here.
        changes: [],
      }),
    ],
  });
}

function input(v: GateVerdict): ReportInput {
  return {
    verdict: v,
    findings: collectFindings(v),
    meta: { toolVersion: '1.0.0' },
    blobUrl: 'https://github.com/o/r/blob/head/',
    baseBlobUrl: 'https://github.com/o/r/blob/base/',
  };
}

function render(name: string, v: GateVerdict): string {
  const format = REPORT_FORMATS.find((f) => f.name === name);
  if (!format) throw new Error(name);
  return format.render(input(v));
}

describe.each(['enforce', 'report'] as const)('a finding on a removed line (%s mode)', (mode) => {
  const v = baseVerdict(mode);

  it('is one record with the base line and its head anchor', () => {
    const [f] = collectFindings(v);
    expect(f).toMatchObject({ file: removed.file, line: 12, side: 'base', headAnchor: HEAD_ANCHOR });
  });

  it('JSON: the findings list cites the base line', () => {
    const report = JSON.parse(render('json', v)) as JsonReport;
    expect(report.findings.map((f) => `${f.file}:${f.line}:${f.side}`)).toEqual([
      `${BASE_LINE}:base`,
      'units/api.service.d/override.conf:13:base',
    ]);
  });

  it.each(['markdown', 'comment'])('%s: links the base line at the base commit, never at head', (name) => {
    const md = render(name, v);
    expect(md).toContain(
      `[\`${BASE_LINE}\`](https://github.com/o/r/blob/base/units/api.service.d/override.conf#L12) (base)`,
    );
    expect(md).not.toContain('blob/head/units/api.service.d/override.conf');
    expect(md).not.toContain('units/api.service:4');
  });

  it('check text: cites the base line and says so', () => {
    const text = render('text', v);
    expect(text).toContain(`  ${BASE_LINE} (base): ${mode === 'report' ? 'warning' : 'error'}: `);
  });

  it('annotations and the check run: at the head anchor, naming the base line', () => {
    const annotations = buildAnnotations(collectFindings(v));
    expect(annotations).toHaveLength(2);
    for (const a of annotations) {
      expect([a.path, a.startLine]).toEqual([HEAD_ANCHOR.file, HEAD_ANCHOR.line]);
      expect(a.message).toMatch(
        /\(removed line units\/api\.service\.d\/override\.conf:1[23] at the base commit\)/,
      );
    }
    expect(annotations[0]?.message).toContain(`removed line ${BASE_LINE} at the base commit`);
    const [batch] = checkRunBatches(annotations);
    expect(batch?.map((a) => `${a.path}:${a.start_line}`)).toEqual([
      'units/api.service:4',
      'units/api.service:4',
    ]);
  });

  it('SARIF: at the head anchor, naming the base line', () => {
    const sarif = JSON.parse(render('sarif', v)) as SarifLog;
    const results = sarif.runs[0]?.results ?? [];
    expect(results).toHaveLength(2);
    for (const r of results) {
      const loc = r.locations[0]?.physicalLocation;
      expect([loc?.artifactLocation.uri, loc?.region.startLine]).toEqual([
        HEAD_ANCHOR.file,
        HEAD_ANCHOR.line,
      ]);
    }
    expect(results[0]?.message.text).toContain(`(removed line ${BASE_LINE} at the base commit)`);
    expect(results[1]?.message.text).toContain(
      '(removed line units/api.service.d/override.conf:13 at the base commit)',
    );
  });

  it('GitLab Code Quality: at the head anchor, naming the base line, fingerprints unique', () => {
    const issues = JSON.parse(render('codequality', v)) as {
      description: string;
      fingerprint: string;
      severity: string;
      location: { path: string; lines: { begin: number } };
    }[];
    expect(issues.map((i) => `${i.location.path}:${i.location.lines.begin}`)).toEqual([
      'units/api.service:4',
      'units/api.service:4',
    ]);
    expect(issues[0]?.description).toContain(`(removed line ${BASE_LINE} at the base commit)`);
    expect(issues.map((i) => i.severity)).toEqual([mode === 'report' ? 'minor' : 'major', 'info']);
    expect(new Set(issues.map((i) => i.fingerprint)).size).toBe(2);
  });
});
