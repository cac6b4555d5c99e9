import {
  buildTrend,
  versionChangeMarks,
  type Trend,
  type TrendSnapshot,
} from '../../../src/core/trend/trend';
import {
  csvField,
  mermaidLabel,
  renderTrendCsv,
  renderTrendJson,
  renderTrendMarkdown,
} from '../../../src/core/report/trend-report';

type UnitScore = { unitId?: string; exposure: number | null; level?: string | null; error?: string };

/** A snapshot from `{ path: score }`; `null` exposure with an error is a failed unit. */
function snap(
  label: string,
  systemdVersion: number,
  units: Record<string, UnitScore>,
  commit = `${label}-sha`,
): TrendSnapshot {
  return {
    kind: label === 'head' || label === 'base' ? label : 'tag',
    label,
    commit,
    systemdVersion,
    units: new Map(
      Object.entries(units).map(([path, u]) => [
        path,
        {
          unitId: u.unitId ?? path.split('/').at(-1) ?? path,
          exposure: u.exposure,
          level: u.level === undefined ? (u.exposure === null ? null : 'MEDIUM') : u.level,
          ...(u.error !== undefined ? { error: u.error } : {}),
        },
      ]),
    ),
  };
}

const history: TrendSnapshot[] = [
  snap('v1.0.0', 252, { 'units/a.service': { exposure: 96 }, 'units/b.service': { exposure: 50 } }),
  snap('v1.1.0', 252, {
    'units/a.service': { exposure: 82 },
    'units/b.service': { exposure: 50 },
    'units/c.service': { exposure: 21, level: 'OK' },
  }),
  snap('v1.2.0', 257, {
    'units/a.service': { exposure: 83 },
    'units/c.service': { exposure: null, level: null, error: 'Unit c.service has a bad setting.' },
  }),
  snap('head', 257, {
    'units/a.service': { exposure: 41, level: 'OK' },
    'units/c.service': { exposure: 20 },
  }),
];

describe('buildTrend()', () => {
  const trend = buildTrend('v*', history);

  it('keeps release order and lists the systemd versions in order of first use', () => {
    expect(trend.pattern).toBe('v*');
    expect(trend.releases.map((r) => r.label)).toEqual(['v1.0.0', 'v1.1.0', 'v1.2.0', 'head']);
    expect(trend.versions).toEqual([252, 257]);
  });

  it('has one row per unit of any snapshot, in path order, with one point per snapshot', () => {
    expect(trend.units.map((u) => u.unitPath)).toEqual([
      'units/a.service',
      'units/b.service',
      'units/c.service',
    ]);
    for (const u of trend.units) expect(u.points).toHaveLength(4);
  });

  it.each([
    ['units/a.service', [96, 82, 83, 41]],
    ['units/b.service', [50, 50, null, null]],
    ['units/c.service', [null, 21, null, 20]],
  ])('%s: exposures %j', (path, exposures) => {
    const u = trend.units.find((x) => x.unitPath === path);
    expect(u?.points.map((p) => p.exposure)).toEqual(exposures);
  });

  it('labels each point with its release, commit and systemd version; absent points have no level', () => {
    const b = trend.units[1];
    expect(b?.points[2]).toEqual({
      label: 'v1.2.0',
      commit: 'v1.2.0-sha',
      exposure: null,
      level: null,
      systemdVersion: 257,
    });
    expect(trend.units[0]?.points[3]).toMatchObject({ level: 'OK', systemdVersion: 257 });
  });

  it('keeps why a unit failed', () => {
    expect(trend.units[2]?.points[2]?.error).toBe('Unit c.service has a bad setting.');
  });

  it('takes the unit id from the newest snapshot that has the unit', () => {
    const t = buildTrend('v*', [
      snap('v1', 252, { 'x/t@.service': { unitId: 't@i.service', exposure: 10 } }),
      snap('v2', 257, { 'x/t@.service': { unitId: 't@test_instance.service', exposure: 10 } }),
      snap('head', 257, {}),
    ]);
    expect(t.units[0]?.unitId).toBe('t@test_instance.service');
  });

  it('builds an empty trend from no snapshots', () => {
    expect(buildTrend('v*', [])).toEqual({ pattern: 'v*', versions: [], releases: [], units: [] });
  });
});

describe('versionChangeMarks()', () => {
  it.each([
    [
      [252, 252, 252],
      [undefined, undefined, undefined],
    ],
    [
      [252, 257, 257],
      [undefined, '†', undefined],
    ],
    [
      [252, 257, 252, 262],
      [undefined, '†', '‡', '§'],
    ],
    [
      [252, 255, 257, 262, 252, 255],
      [undefined, '†', '‡', '§', '¶', '††'],
    ],
  ])('versions %j → %j', (versions, marks) => {
    const t = buildTrend(
      'v*',
      versions.map((v, i) => snap(`v${i}`, v, {})),
    );
    expect(versionChangeMarks(t)).toEqual(marks);
  });
});

describe('renderTrendMarkdown()', () => {
  const trend = buildTrend('v*', history);
  const md = renderTrendMarkdown(trend);
  const table = md.split('\n').filter((l) => l.startsWith('|'));

  it('prints a table unit × release with X.Y scores, — for absent and failed for failing units', () => {
    expect(table[0]).toBe('| Unit | `v1.0.0` | `v1.1.0` | `v1.2.0` † | `head` |');
    expect(table[1]).toBe('|---|---:|---:|---:|---:|');
    expect(table.slice(2)).toEqual([
      '| `units/a.service` | 9.6 | 8.2 | 8.3 † | 4.1 |',
      '| `units/b.service` | 5.0 | 5.0 | — | — |',
      '| `units/c.service` | — | 2.1 | failed | 2.0 |',
    ]);
  });

  it('says which systemd version scored the releases and marks the change as one of scoring version', () => {
    expect(md).toContain('Scored as systemd 252 would (`systemd-analyze security --offline=true`), except:');
    expect(md).toContain(
      '- † from `v1.2.0` on, scored with systemd 257 (before: 252): a change of scoring version, not of the units.',
    );
  });

  it('names the tag pattern and counts only the releases', () => {
    expect(md).toContain('over the last 3 releases (tags matching `v*`), then `head`.');
  });

  it('has no version marks when one version scored everything', () => {
    const one = renderTrendMarkdown(
      buildTrend(
        'v*',
        history.map((s) => ({ ...s, systemdVersion: 255 })),
      ),
    );
    expect(one).not.toMatch(/[†‡]/);
    expect(one).toContain('Scored as systemd 255 would (`systemd-analyze security --offline=true`).');
  });

  it('draws a Mermaid xychart-beta line per unit that moved, over the points where it was scored', () => {
    const charts = [...md.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(charts).toEqual([
      [
        'xychart-beta',
        '  title "a.service"',
        '  x-axis ["v1.0.0 (252)", "v1.1.0 (252)", "v1.2.0 (257)", "head (257)"]',
        '  y-axis "exposure" 0 --> 10',
        '  line [9.6, 8.2, 8.3, 4.1]',
        '',
      ].join('\n'),
      [
        'xychart-beta',
        '  title "c.service"',
        '  x-axis ["v1.1.0 (252)", "head (257)"]',
        '  y-axis "exposure" 0 --> 10',
        '  line [2.1, 2.0]',
        '',
      ].join('\n'),
    ]);
  });

  it('draws no chart for units whose score did not move', () => {
    const flat = buildTrend('v*', [
      snap('v1', 252, { 'u/x.service': { exposure: 30 } }),
      snap('v2', 252, { 'u/x.service': { exposure: 30 } }),
    ]);
    expect(renderTrendMarkdown(flat)).not.toContain('```mermaid');
    expect(renderTrendMarkdown(trend, { maxCharts: 0 })).not.toContain('```mermaid');
  });

  it('shows at most maxUnits rows, those that moved most, and counts the rest', () => {
    const many = buildTrend('v*', [
      snap('v1', 252, {
        'u/a.service': { exposure: 10 },
        'u/b.service': { exposure: 90 },
        'u/c.service': { exposure: 50 },
      }),
      snap('v2', 252, {
        'u/a.service': { exposure: 10 },
        'u/b.service': { exposure: 20 },
        'u/c.service': { exposure: 45 },
      }),
    ]);
    const out = renderTrendMarkdown(many, { maxUnits: 2 });
    const rows = out.split('\n').filter((l) => l.startsWith('| `u/'));
    expect(rows).toEqual(['| `u/b.service` | 9.0 | 2.0 |', '| `u/c.service` | 5.0 | 4.5 |']);
    expect(out).toContain('1 more unit moved less and is not shown');
  });

  it('says so when there are no units', () => {
    expect(renderTrendMarkdown(buildTrend('v*', [snap('head', 252, {})]))).toContain('No units found');
  });

  it('can leave out the heading', () => {
    expect(renderTrendMarkdown(trend, { headingLevel: 0 })).not.toMatch(/^#/m);
    expect(renderTrendMarkdown(trend, { headingLevel: 2 })).toMatch(/^## Exposure trend$/m);
  });

  describe('hostile names', () => {
    const hostile = [
      'evil|name`x`.service',
      'a\nb.service',
      '<img src=x onerror=alert(1)>.service',
      '@everyone"%%{init: {"theme":"dark"}}%%.service',
      '[x](javascript:alert(1)).service',
      '\u202etxt.service',
    ];
    const t = buildTrend('v*|`x`', [
      snap('v1|`<b>`', 252, Object.fromEntries(hostile.map((h) => [`u/${h}`, { unitId: h, exposure: 50 }]))),
      snap('head"]', 252, Object.fromEntries(hostile.map((h) => [`u/${h}`, { unitId: h, exposure: 40 }]))),
    ]);
    const out = renderTrendMarkdown(t, { maxCharts: 10 });
    const lines = out.split('\n');

    it('keeps every table row one row with the right number of cells', () => {
      const rows = lines.filter((l) => l.startsWith('|'));
      expect(rows).toHaveLength(2 + hostile.length);
      for (const r of rows) {
        // Cells split on pipes that are not escaped.
        expect(r.split(/(?<!\\)\|/).length - 2).toBe(3);
      }
    });

    it('puts names in code spans (no HTML, links or mentions) and no raw newline or bidi override', () => {
      const rows = lines.filter((l) => l.startsWith('| `'));
      expect(rows).toHaveLength(hostile.length);
      for (const r of rows) expect(r).toMatch(/^\| (`+)[^`][^\n]*?[^`]\1 \| 5\.0 \| 4\.0 \|$/);
      expect(out).not.toContain('\u202e');
    });

    it('keeps Mermaid labels inside their quotes, without directives or comments', () => {
      const chartLines = lines.filter((l) => /^\s+(title|x-axis)/.test(l));
      expect(chartLines.length).toBeGreaterThan(0);
      for (const l of chartLines) {
        expect(l).not.toContain('%');
        expect(l).not.toContain('`');
        expect(l).not.toMatch(/[<>#{}]/);
        // Quotes come in pairs and only around labels.
        expect((l.match(/"/g) ?? []).length % 2).toBe(0);
      }
      const charts = [...out.matchAll(/^```mermaid\n([\s\S]*?)^```$/gm)].map((m) => m[1] as string);
      expect(charts).toHaveLength(hostile.length);
      for (const c of charts) expect(c).not.toMatch(/%|`|\n\s*\n/);
      // Each chart is one fenced block that ends where it should.
      expect(out.match(/^```mermaid$/gm)?.length).toBe(out.match(/^```$/gm)?.length);
    });
  });
});

describe('mermaidLabel()', () => {
  it.each([
    ['v1.2.3', 'v1.2.3'],
    ['foo@bar.service', 'foo@bar.service'],
    ['a"b', 'a_b'],
    ['%%{init}%%', '___init___'],
    ['`md`', '_md_'],
    ['x#quot;', 'x_quot_'],
    ['line\nbreak', 'line break'],
    ['<b>', '_b_'],
    ['ünïcødé-名前', 'ünïcødé-名前'],
  ])('%j → %j', (text, label) => {
    expect(mermaidLabel(text)).toBe(label);
  });

  it('cuts long labels', () => {
    expect(mermaidLabel('x'.repeat(100), 10)).toBe('xxxxxxxxx…');
  });
});

describe('renderTrendJson()', () => {
  it('gives exposures as integers and as printed scores, with versions and commits', () => {
    const doc = JSON.parse(renderTrendJson(buildTrend('v*', history))) as {
      versions: number[];
      releases: unknown[];
      units: { unitPath: string; points: Record<string, unknown>[] }[];
    };
    expect(doc.versions).toEqual([252, 257]);
    expect(doc.releases).toHaveLength(4);
    expect(doc.units[0]?.points[0]).toEqual({
      label: 'v1.0.0',
      commit: 'v1.0.0-sha',
      systemdVersion: 252,
      exposure: 96,
      score: '9.6',
      level: 'MEDIUM',
    });
    expect(doc.units[2]?.points[2]).toMatchObject({ exposure: null, score: null, error: expect.any(String) });
  });
});

describe('csvField()', () => {
  it.each([
    ['plain', 'plain'],
    ['', ''],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\rlf', '"cr\rlf"'],
    ['=HYPERLINK("http://evil")', '"\'=HYPERLINK(""http://evil"")"'],
    ['+1', "'+1"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=1', "'\t=1"],
    ['\r=1', '"\'\r=1"'],
    ['a=b', 'a=b'],
    ['9.6', '9.6'],
  ])('%j → %j', (value, field) => {
    expect(csvField(value)).toBe(field);
  });
});

describe('renderTrendCsv()', () => {
  const trend: Trend = buildTrend('v*', history);
  const csv = renderTrendCsv(trend);

  it('has a header and one CRLF-terminated row per unit and snapshot', () => {
    const rows = csv.split('\r\n');
    expect(rows.at(-1)).toBe('');
    expect(rows[0]).toBe('unit_path,unit_id,release,commit,systemd_version,exposure,level,error');
    expect(rows).toHaveLength(1 + 3 * 4 + 1);
    expect(rows[1]).toBe('units/a.service,a.service,v1.0.0,v1.0.0-sha,252,9.6,MEDIUM,');
    expect(rows[6]).toBe('units/b.service,b.service,v1.1.0,v1.1.0-sha,252,5.0,MEDIUM,');
    expect(rows[7]).toBe('units/b.service,b.service,v1.2.0,v1.2.0-sha,257,,,');
    expect(rows[11]).toBe(
      'units/c.service,c.service,v1.2.0,v1.2.0-sha,257,,,Unit c.service has a bad setting.',
    );
  });

  it('quotes and defuses hostile names', () => {
    const t = buildTrend('v*', [
      snap('v1', 252, { '=cmd|"/c calc"!A0.service': { unitId: '-x,"y".service', exposure: 10 } }),
    ]);
    const row = renderTrendCsv(t).split('\r\n')[1];
    expect(row).toBe('"\'=cmd|""/c calc""!A0.service","\'-x,""y"".service",v1,v1-sha,252,1.0,MEDIUM,');
  });
});

describe('buildTrend() profile, threshold and moves', () => {
  const move = {
    check: 'ProtectSystem',
    name: 'ProtectSystem=',
    delta: 2,
    summary: '`ProtectSystem=strict` removed',
    file: 'a.service',
    line: 3,
    commit: 'c1',
    label: 'v1',
  };
  const t = buildTrend('v*', [
    {
      kind: 'tag',
      label: 'v1',
      commit: 'c1',
      systemdVersion: 252,
      units: new Map([
        ['a.service', { unitId: 'a.service', exposure: 50, level: 'MEDIUM', profile: 'api', threshold: 50 }],
      ]),
    },
    {
      kind: 'tag',
      label: 'v2',
      commit: 'c2',
      systemdVersion: 252,
      units: new Map([
        [
          'a.service',
          {
            unitId: 'a.service',
            exposure: 70,
            level: 'MEDIUM',
            profile: 'api',
            threshold: 60,
            moves: [move],
          },
        ],
      ]),
    },
  ]);

  it('keeps each point’s profile, threshold and the rows that moved it', () => {
    expect(t.units[0]?.points.map((p) => [p.profile, p.threshold, p.moves])).toEqual([
      ['api', 50, undefined],
      ['api', 60, [move]],
    ]);
  });
});
