// The dashboard renderer on hand-made trends: every repository string escaped, links only to an
// http(s) repository, drift rendered when given, nothing fetched, and the CSP hashes current.
import { createHash } from 'node:crypto';
import {
  DASHBOARD_SCRIPT,
  DASHBOARD_SCRIPT_SHA256,
  DASHBOARD_STYLE,
  DASHBOARD_STYLE_SHA256,
  dashboardDrift,
  escapeHtml,
  renderTrendDashboard,
  type DashboardDrift,
} from '../../../src/core/report/trend-dashboard';
import type { Trend, TrendPoint } from '../../../src/core/trend/trend';
import {
  driftDifference,
  type DriftDifference,
  type DriftHostResult,
  type DriftReport,
} from '../../../src/core/drift';

const C1 = 'a'.repeat(40);
const C2 = 'b'.repeat(40);

function point(
  label: string,
  commit: string,
  exposure: number | null,
  extra: Partial<TrendPoint> = {},
): TrendPoint {
  const level = exposure === null ? null : exposure >= 90 ? 'UNSAFE' : exposure >= 75 ? 'EXPOSED' : 'OK';
  return { label, commit, exposure, level, systemdVersion: 252, threshold: 50, profile: 'api', ...extra };
}

const HOSTILE = '<script>alert(1)</script>';

const trend: Trend = {
  pattern: 'v*',
  versions: [252],
  releases: [
    { kind: 'tag', label: 'v1', commit: C1, systemdVersion: 252 },
    { kind: 'tag', label: `v2"${HOSTILE}`, commit: C2, systemdVersion: 252 },
  ],
  units: [
    {
      unitPath: `units/${HOSTILE}.service`,
      unitId: `${HOSTILE}.service`,
      points: [
        point('v1', C1, 42),
        point(`v2"${HOSTILE}`, C2, 96, {
          moves: [
            {
              check: 'ProtectSystem',
              name: 'ProtectSystem=',
              delta: 1.5,
              summary: `\`ProtectSystem=${HOSTILE}\` added`,
              file: `units/${HOSTILE}.service`,
              line: 7,
              commit: C2,
              label: `v2"${HOSTILE}`,
            },
          ],
        }),
      ],
    },
    {
      unitPath: 'units/gone.service',
      unitId: 'gone.service',
      points: [point('v1', C1, 80), point(`v2"${HOSTILE}`, C2, null, { error: `bad ${HOSTILE}` })],
    },
  ],
};

const hash = (text: string): string => createHash('sha256').update(text, 'utf8').digest('base64');

describe('renderTrendDashboard()', () => {
  it('allows its own script and style by their hashes, and nothing else', () => {
    expect(DASHBOARD_SCRIPT_SHA256).toBe(hash(DASHBOARD_SCRIPT));
    expect(DASHBOARD_STYLE_SHA256).toBe(hash(DASHBOARD_STYLE));
    const html = renderTrendDashboard(trend);
    expect(html).toContain(
      `content="default-src 'none'; style-src 'sha256-${DASHBOARD_STYLE_SHA256}'; script-src 'sha256-${DASHBOARD_SCRIPT_SHA256}';`,
    );
    expect(html).toContain(`<script>${DASHBOARD_SCRIPT}</script>`);
    expect(html).toContain(`<style>${DASHBOARD_STYLE}</style>`);
  });

  it('renders names, paths, labels, errors and summaries from the repository as text', () => {
    const html = renderTrendDashboard(trend, { repositoryUrl: 'https://github.com/o/r' });
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).not.toContain('alert(1)</script>');
    expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;.service');
    expect(html).toContain('bad &#60;script&#62;');
    expect(html).toContain('<code>ProtectSystem=&#60;script&#62;alert(1)&#60;/script&#62;</code> added');
    // An attribute cannot be closed early by a quote.
    expect(html).toContain('data-release="v2&#34;&#60;script&#62;');
    expect(escapeHtml(`<>&"'`)).toBe('&#60;&#62;&#38;&#34;&#39;');
  });

  it('shows each value as text with its level, and the threshold crossing as a symbol', () => {
    const html = renderTrendDashboard(trend);
    expect(html).toMatch(
      /<td class="lv-ok"[^>]*><span class="v">4\.2<\/span><span class="lv">OK<\/span><\/td>/,
    );
    expect(html).toMatch(
      /<td class="lv-unsafe"[^>]*><span class="v">9\.6<\/span> <span class="move" aria-label="worse">▲<\/span> <span class="over" aria-label="over the threshold">⚠<\/span><span class="lv">UNSAFE<\/span><\/td>/,
    );
    expect(html).toContain('<span class="v">failed</span><span class="lv">FAILED</span>');
    expect(html).toMatch(/<th scope="col"/);
    expect(html).toMatch(/<th scope="row"/);
    expect(html).toContain('4.2 → 9.6 UNSAFE (+5.4, <span class="worse">▲ worse</span>)');
    expect(html).toContain(
      '<strong>failed</strong> to load: bad &#60;script&#62;alert(1)&#60;/script&#62; (was 8.0 EXPOSED)',
    );
  });

  it('links causes to file:line at the commit of an http(s) repository, else shows them as text', () => {
    const linked = renderTrendDashboard(trend, { repositoryUrl: 'https://github.com/o/r.git/' });
    expect(linked).toContain(
      `<a class="loc" href="https://github.com/o/r/blob/${C2}/units/%3Cscript%3Ealert(1)%3C/script%3E.service#L7">`,
    );
    for (const url of [undefined, 'javascript:alert(1)', 'https://user:token@github.com/o/r', 'file:///x']) {
      const html = renderTrendDashboard(trend, url === undefined ? {} : { repositoryUrl: url });
      expect(html).not.toContain('<a class="loc"');
      expect(html).toContain(
        '<span class="loc">units/&#60;script&#62;alert(1)&#60;/script&#62;.service:7</span>',
      );
    }
  });

  it('loads nothing: no external script, style, image or font', () => {
    const html = renderTrendDashboard(trend, { repositoryUrl: 'https://github.com/o/r' });
    expect(html).not.toMatch(/\s(src|srcset)=/);
    expect(html).not.toMatch(/<link\b/);
    expect(html).not.toMatch(/url\(/);
    const urls = html.match(/https?:\/\/[^"'\s<]+/g) ?? [];
    expect(urls.every((u) => u.startsWith('https://github.com/o/r/blob/'))).toBe(true);
  });

  it('renders drift only when given, escaped', () => {
    expect(renderTrendDashboard(trend)).not.toContain('id="drift"');
    const drift: DashboardDrift[] = [
      {
        unit: 'api.service',
        host: `web-1<b>`,
        exposureDifference: 12,
        causes: ['ProtectSystem=strict missing on the host'],
      },
      { unit: 'worker.service', host: 'web-2', exposureDifference: -3, causes: [] },
    ];
    const html = renderTrendDashboard(trend, { drift });
    expect(html).toContain('<li><a href="#drift">Drift on hosts</a></li>');
    expect(html).toContain('<div><dt>Drifted on hosts</dt><dd>2</dd></div>');
    expect(html).toContain(
      '<tr><th scope="row">api.service</th><td>web-1&#60;b&#62;</td><td class="mono">+1.2 ▲ worse on the host</td>' +
        '<td><ul class="causes"><li>ProtectSystem=strict missing on the host</li></ul></td></tr>',
    );
    expect(html).toContain('<td class="mono">−0.3 ▼ better on the host</td><td>—</td>');
    expect(renderTrendDashboard(trend, { drift: [] })).toContain(
      'No deployed unit differs from its committed copy.',
    );
  });

  it('says so when there are no units, and marks a change of systemd version', () => {
    const empty = renderTrendDashboard({ ...trend, units: [] });
    expect(empty).toContain('<p>No units found in these commits.</p>');
    const versions = renderTrendDashboard({
      ...trend,
      versions: [252, 257],
      releases: trend.releases.map((r, i) => ({ ...r, systemdVersion: i === 0 ? 252 : 257 })),
    });
    expect(versions).toContain(
      'from v2&#34;&#60;script&#62;alert(1)&#60;/script&#62; on, scored with systemd 257 (before: 252)',
    );
  });
});

describe('dashboardDrift', () => {
  const difference = (
    d: Partial<DriftDifference> & Pick<DriftDifference, 'snapshot' | 'host'>,
  ): DriftDifference =>
    driftDifference({ kind: 'changed-file', level: 'fail', unit: 'api.service', message: 'a message', ...d });
  const host = (snapshot: string, name: string, units: DriftHostResult['units']): DriftHostResult => ({
    snapshot,
    host: name,
    takenAt: '2026-12-01T00:00:00Z',
    systemd: { detected: 252, full: '252', source: 'systemctl', scoredWith: 252, policy: 252 },
    units,
    unknownUnits: [],
  });
  const unit = (name: string, hostExposure: number | null, predictedExposure: number | null) => ({
    unit: name,
    repoPath: `units/${name}`,
    hostExposure,
    predictedExposure,
    differences: 0,
  });
  const report = (hosts: DriftHostResult[], differences: DriftDifference[]): DriftReport => ({
    schema: 'unitgate-drift/1',
    ref: 'HEAD',
    commit: null,
    policy: { source: 'built-in', systemdVersion: 252, fail: ['changed-file'] },
    result: 'drift',
    counts: { fail: 0, warning: 0, allowed: 0 },
    hosts,
    differences,
    messages: [],
  });

  it("lists each host's units with differences in the report's order, then what concerns the whole host", () => {
    const drift = dashboardDrift(
      report(
        [
          host('a.json', 'web-1', [
            unit('api.service', 84, 72),
            unit('quiet.service', 50, 50),
            unit('db.service', null, 40),
          ]),
          host('b.json', 'web-2', [unit('api.service', 60, 72)]),
        ],
        [
          difference({
            snapshot: 'a.json',
            host: 'web-1',
            unit: null,
            kind: 'version-difference',
            level: 'warning',
            message: 'systemd 257 on the host',
          }),
          difference({
            snapshot: 'a.json',
            host: 'web-1',
            unit: 'db.service',
            kind: 'unit-error',
            message: 'cannot be scored',
          }),
          difference({ snapshot: 'a.json', host: 'web-1', message: 'drop-in changed' }),
          difference({
            snapshot: 'b.json',
            host: 'web-2',
            kind: 'exposure-decrease',
            level: 'allowed',
            message: 'better',
          }),
          difference({
            snapshot: 'a.json',
            host: 'web-1',
            kind: 'row-worse',
            level: 'warning',
            message: 'PrivateTmp= lost',
          }),
        ],
      ),
    );
    expect(drift).toEqual([
      {
        unit: 'api.service',
        host: 'web-1',
        exposureDifference: 12,
        causes: ['fail: drop-in changed', 'warning: PrivateTmp= lost'],
      },
      { unit: 'db.service', host: 'web-1', exposureDifference: 0, causes: ['fail: cannot be scored'] },
      { unit: '(host)', host: 'web-1', exposureDifference: 0, causes: ['warning: systemd 257 on the host'] },
      { unit: 'api.service', host: 'web-2', exposureDifference: -12, causes: ['allowed: better'] },
    ]);
  });

  it('keeps two snapshots of one host apart, and lists nothing for a clean report', () => {
    const hosts = [
      host('monday.json', 'web-1', [unit('api.service', 80, 72)]),
      host('tuesday.json', 'web-1', [unit('api.service', 72, 72)]),
    ];
    const drift = dashboardDrift(
      report(hosts, [difference({ snapshot: 'monday.json', host: 'web-1', message: 'changed on monday' })]),
    );
    expect(drift).toEqual([
      { unit: 'api.service', host: 'web-1', exposureDifference: 8, causes: ['fail: changed on monday'] },
    ]);
    expect(dashboardDrift(report(hosts, []))).toEqual([]);
  });
});
