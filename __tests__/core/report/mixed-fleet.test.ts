// A mixed fleet's verdict (the policy scores several systemd releases) in every output: each release's
// exposures side by side, and the releases a finding holds for, in the JSON report (valid against its
// published schema), SARIF and the publish bundle; a single release's outputs have none of it.
import { collectFindings } from '../../../src/core/gate/findings';
import { renderJobSummary, renderUnitRow } from '../../../src/core/report/job-summary';
import { renderJsonReport } from '../../../src/core/report/json-report';
import { renderPullRequestComment } from '../../../src/core/report/pr-comment';
import { createPublishBundle, parsePublishBundle } from '../../../src/core/report/publish-bundle';
import { renderSarif } from '../../../src/core/report/sarif';
import { expectValidReport } from './report-schema';
import { FAILING, unit, verdict, violation } from './report-fixtures';

const side = (exposure: number, level: string) => ({ exposure, level, badness: {} });

const FLEET = verdict({
  result: 'fail',
  systemdVersion: 252,
  systemdVersions: [252, 257],
  maxExposure: 67,
  units: [
    unit({
      status: 'fail',
      threshold: 66,
      base: side(64, 'MEDIUM'),
      head: side(67, 'MEDIUM'),
      releases: [
        { systemdVersion: 252, base: side(64, 'MEDIUM'), head: side(67, 'MEDIUM') },
        { systemdVersion: 257, base: side(62, 'MEDIUM'), head: side(65, 'MEDIUM') },
      ],
      violations: [
        violation({
          kind: 'threshold',
          check: 'exposure',
          directives: [],
          message: 'api.service on systemd 252: exposure 6.7 MEDIUM is above the baseline threshold 6.6',
          systemdVersions: [252],
        }),
        violation(),
      ],
    }),
  ],
});

describe('a mixed fleet in the reports', () => {
  it('the unit table shows each release’s exposures and deltas, named', () => {
    const u = FLEET.units[0];
    if (!u) throw new Error('no unit');
    const row = renderUnitRow(u, []);
    expect(row).toContain('6.4 MEDIUM → 6.7 MEDIUM (252) · 6.2 MEDIUM → 6.5 MEDIUM (257)');
    expect(row).toContain('+0.3 (252) · +0.3 (257)');
  });

  it('the summary names every release scored and whose highest exposure it gives', () => {
    const md = renderJobSummary(FLEET);
    expect(md).toContain('systemd 252 and 257 (each unit scored on every one)');
    expect(md).toContain('on systemd 252');
  });

  it('the comment gives each release’s move in the unit’s heading', () => {
    const md = renderPullRequestComment(FLEET);
    expect(md).toContain('252: 6.4 → 6.7 (+0.3) · 257: 6.2 → 6.5 (+0.3)');
  });

  it('the JSON report lists the releases, each unit’s scores per release and a finding’s releases, and follows its schema', () => {
    const report = renderJsonReport(FLEET, { toolVersion: '0.0.0-test' });
    expectValidReport(JSON.parse(JSON.stringify(report)));
    expect(report.systemdVersions).toEqual([252, 257]);
    expect(report.units[0]?.releases?.map((r) => [r.systemdVersion, r.head?.display, r.delta])).toEqual([
      [252, '6.7', 3],
      [257, '6.5', 3],
    ]);
    expect(report.units[0]?.violations.map((v) => v.systemdVersions)).toEqual([[252], undefined]);
    expect(report.findings.find((f) => f.kind === 'threshold')?.systemdVersions).toEqual([252]);
  });

  it('SARIF carries the releases on the run and on a finding that holds for some', () => {
    const log = renderSarif(FLEET, {
      toolVersion: '0.0.0-test',
      informationUri: 'https://example.com',
      category: 'unitgate',
    });
    const run = log.runs[0];
    expect(run?.properties.systemdVersions).toEqual([252, 257]);
    const threshold = run?.results.find((r) => r.properties.kind === 'threshold');
    expect(threshold?.properties.systemdVersions).toEqual([252]);
    const row = run?.results.find((r) => r.properties.kind === 'regression-row');
    expect(row?.properties.systemdVersions).toBeUndefined();
  });

  it('the publish bundle accepts a mixed fleet’s verdict', () => {
    const bundle = createPublishBundle(FLEET, {
      repository: 'acme/orders',
      pullNumber: 7,
      headSha: 'a'.repeat(40),
    });
    const parsed = parsePublishBundle(JSON.stringify(bundle), {
      repository: 'acme/orders',
      pullNumbers: [7],
      headSha: 'a'.repeat(40),
    });
    expect(parsed.ok).toBe(true);
  });

  it('a single release’s outputs have none of it', () => {
    const report = renderJsonReport(FAILING, { toolVersion: '0.0.0-test' });
    expect('systemdVersions' in report).toBe(false);
    expect(report.units.some((u) => 'releases' in u)).toBe(false);
    expect(collectFindings(FAILING).some((f) => f.systemdVersions !== undefined)).toBe(false);
    expect(renderJobSummary(FAILING)).not.toContain('each unit scored');
  });
});
