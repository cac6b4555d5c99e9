// The JSON report's published schema (schemas/unitgate-report-1.schema.json): it compiles in ajv's
// strict mode, its enums are the code's lists (this test fails when they drift), every property is
// documented, and every report the renderer makes from the fixture verdicts follows it.
import { collectFindings, type FindingLevel } from '../../../src/core/gate/findings';
import {
  RUN_FINDING_KINDS,
  type DeviationNote,
  type GateVerdict,
  type RunFinding,
  type UnitStatus,
} from '../../../src/core/gate/gate-types';
import { VIOLATION_KINDS } from '../../../src/core/gate/rules';
import type { GateMode } from '../../../src/core/policy/policy-types';
import {
  JSON_REPORT_SCHEMA_URL,
  JSON_REPORT_VERSION,
  renderJsonReport,
} from '../../../src/core/report/json-report';
import { SUPPORTED_VERSIONS, systemdRelease } from '../../../src/core/security/versions';
import { buildTrend, type TrendColumnKind } from '../../../src/core/trend/trend';
import { renderTrendJson } from '../../../src/core/report/trend-report';
import * as fixtures from './report-fixtures';
import { change, manyViolations, note, unit, verdict, violation } from './report-fixtures';
import { expectValidReport, reportSchema, reportSchemaErrors, strictAjv } from './report-schema';

const META = { toolVersion: '0.1.0', commit: 'abc123', baseCommit: 'def456' };

type Schema = Record<string, unknown> & {
  properties?: Record<string, Schema>;
  $defs?: Record<string, Schema>;
};
const schema = reportSchema as Schema;
const defs = schema.$defs as Record<string, Schema>;
const def = (name: string): Schema => {
  const d = defs[name];
  if (!d) throw new Error(`the schema has no $defs/${name}`);
  return d;
};

/** Every value of a union type, checked by the compiler: a key missing or extra does not compile. */
function all<T extends string>(values: Record<T, true>): string[] {
  return Object.keys(values).sort();
}

const UNIT_STATUSES = all<UnitStatus>({
  pass: true,
  fail: true,
  accepted: true,
  excluded: true,
  deleted: true,
  error: true,
});
const MODES = all<GateMode>({ enforce: true, report: true, ratchet: true });
const FINDING_LEVELS = all<FindingLevel>({ error: true, warning: true, notice: true });
const RUN_FINDING_LEVELS = all<RunFinding['level']>({ error: true, warning: true });
const NOTE_SOURCES = all<DeviationNote['source']>({ 'pr-body': true, 'unit-file': true });
const TREND_KINDS = all<TrendColumnKind>({ tag: true, base: true, head: true });
/** systemd's level names of every supported version (its data files name them). */
const EXPOSURE_LEVELS = [
  ...new Set(SUPPORTED_VERSIONS.flatMap((v) => systemdRelease(v).data.levels.map((l) => l.name))),
].sort();

const sorted = (values: unknown): string[] => [...(values as string[])].sort();

/** Every (sub)schema, with its JSON pointer. */
function walk(node: unknown, at: string, out: Array<[string, Schema]> = []): Array<[string, Schema]> {
  if (Array.isArray(node)) node.forEach((n, i) => walk(n, `${at}/${i}`, out));
  else if (node !== null && typeof node === 'object') {
    const s = node as Schema;
    out.push([at, s]);
    for (const [k, v] of Object.entries(s)) {
      // `properties` and `$defs` map names to schemas; `const` and `enum` hold values, not schemas.
      if (k === 'const' || k === 'enum' || k === 'examples') continue;
      walk(v, `${at}/${k}`, out);
    }
  }
  return out;
}

describe('schemas/unitgate-report-1.schema.json', () => {
  it('is a valid draft 2020-12 schema that compiles in strict mode', () => {
    const ajv = strictAjv();
    expect(ajv.validateSchema(reportSchema)).toBe(true);
    expect(() => ajv.compile(reportSchema)).not.toThrow();
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  it('is the schema the report names, for the version it renders', () => {
    expect(schema.$id).toBe(JSON_REPORT_SCHEMA_URL);
    expect(schema.$id).toBe(
      'https://github.com/unitgate/unitgate/blob/main/schemas/unitgate-report-1.schema.json',
    );
    expect(schema.properties?.$schema?.const).toBe(JSON_REPORT_SCHEMA_URL);
    expect(schema.properties?.version?.const).toBe(JSON_REPORT_VERSION);
  });

  it.each([
    ['violationKind', () => def('violationKind').enum, [...VIOLATION_KINDS]],
    ['runFindingKind', () => def('runFindingKind').enum, [...RUN_FINDING_KINDS]],
    ['unitStatus', () => sorted(def('unitStatus').enum), UNIT_STATUSES],
    ['mode', () => sorted(def('mode').enum), MODES],
    ['findingLevel', () => sorted(def('findingLevel').enum), FINDING_LEVELS],
    ['exposureLevel', () => sorted(def('exposureLevel').enum), EXPOSURE_LEVELS],
    ['runFinding.level', () => sorted(def('runFinding').properties?.level?.enum), RUN_FINDING_LEVELS],
    ['note.source', () => sorted(def('note').properties?.source?.enum), NOTE_SOURCES],
    ['trendRelease.kind', () => sorted(def('trendRelease').properties?.kind?.enum), TREND_KINDS],
  ])('%s is the code’s list', (_name, inSchema, inCode) => {
    // Violation kinds keep their order: SARIF rule indices depend on it.
    expect(inSchema()).toEqual(inCode);
  });

  it('gives every property and definition a title and a description', () => {
    const undocumented: string[] = [];
    for (const [at, s] of walk(reportSchema, '#')) {
      for (const group of ['properties', '$defs'] as const) {
        for (const [name, sub] of Object.entries(s[group] ?? {})) {
          if (typeof sub.title !== 'string' || typeof sub.description !== 'string')
            undocumented.push(`${at}/${group}/${name}`);
        }
      }
    }
    expect(undocumented).toEqual([]);
  });

  it('closes every object shape and requires every field but the documented optional ones', () => {
    const open: string[] = [];
    const optional: string[] = [];
    for (const [at, s] of walk(reportSchema, '#')) {
      if (!s.properties) continue;
      if (s.additionalProperties !== false) open.push(at);
      const required = new Set(s.required as string[]);
      for (const name of Object.keys(s.properties))
        if (!required.has(name)) optional.push(`${at}/properties/${name}`);
    }
    expect(open).toEqual([]);
    expect(optional).toEqual([
      // A mixed fleet's fields (several systemd releases scored) are there only for one.
      '#/properties/systemdVersions',
      '#/properties/trend',
      '#/$defs/location/properties/side',
      '#/$defs/location/properties/headAnchor',
      '#/$defs/violation/properties/systemdVersions',
      '#/$defs/unit/properties/releases',
      '#/$defs/finding/properties/systemdVersions',
      '#/$defs/trendPoint/properties/error',
    ]);
  });

  it.each([
    ['an unknown field', (r: Record<string, unknown>) => ({ ...r, surprise: 1 })],
    ['a missing field', ({ findings: _f, ...r }: Record<string, unknown>) => r],
    ['another version', (r: Record<string, unknown>) => ({ ...r, version: 'unitgate-report/2' })],
    [
      'an unknown kind',
      (r: Record<string, unknown>) => ({ ...r, runFindings: [{ kind: 'x', level: 'error', message: '' }] }),
    ],
    [
      'an exposure off the scale',
      (r: Record<string, unknown>) => ({ ...r, maxExposure: { value: 101, display: '10.1', level: null } }),
    ],
  ])('rejects a report with %s', (_name, spoil) => {
    const r = JSON.parse(JSON.stringify(renderJsonReport(fixtures.FAILING, META))) as Record<string, unknown>;
    expect(reportSchemaErrors(r)).toEqual([]);
    expect(reportSchemaErrors(spoil(r))).not.toEqual([]);
  });
});

/** Every verdict report-fixtures.ts exports. */
const FIXTURE_VERDICTS = Object.entries(fixtures).filter(
  (e): e is [string, GateVerdict] =>
    typeof e[1] === 'object' && e[1] !== null && 'units' in e[1] && 'result' in e[1],
);

const baseLine = {
  file: 'units/api.service',
  line: 9,
  column: 1,
  side: 'base' as const,
  headAnchor: { file: 'units/api.service', line: 4, column: 1 },
};

/** Verdicts with the shapes the fixtures leave out: base lines, pending notes, run findings, fixes… */
const MORE_VERDICTS: Array<[string, GateVerdict]> = [
  ['many violations', verdict({ units: [manyViolations(30)] })],
  [
    'a removed line cited at the base',
    verdict({
      units: [
        unit({
          status: 'fail',
          violations: [violation({ location: baseLine })],
          changes: [change({ location: baseLine })],
        }),
      ],
    }),
  ],
  [
    'verified and unverified fixes',
    verdict({
      units: [
        unit({
          status: 'fail',
          violations: [
            violation({ fix: { directives: ['ProtectSystem=strict'], explanation: 'x', exposureAfter: 21 } }),
            violation({ check: 'PrivateTmp', fix: { directives: [], explanation: 'none passed' } }),
          ],
        }),
      ],
    }),
  ],
  [
    'a note pending approval (local check)',
    verdict({
      units: [
        unit({
          status: 'accepted',
          accepted: [
            {
              violation: violation(),
              note: note({ pendingApproval: 'an approving review by @alice' }),
              acceptedBy: '@alice (pending approval)',
              pendingApproval: 'an approving review by @alice',
            },
          ],
        }),
      ],
      notes: [
        note({
          source: 'unit-file',
          location: { file: 'units/api.service', line: 2, column: 1 },
          check: undefined,
          owner: undefined,
          problems: ['no check: given'],
          unapproved: 'the policy names no deviation owners',
        }),
      ],
    }),
  ],
  ...(['enforce', 'report', 'ratchet'] as const).map((mode): [string, GateVerdict] => [
    `run findings in ${mode} mode`,
    verdict({
      mode,
      result: mode === 'report' ? 'pass' : 'fail',
      runFindings: [
        { kind: 'input-loosens-policy', level: 'error', message: 'mode: report loosens enforce' },
        { kind: 'paths-match-nothing', level: 'warning', message: '`units/*.sevrice` matches nothing' },
      ],
    }),
  ]),
  [
    'units not scored at head',
    verdict({
      units: [
        unit({ status: 'deleted', head: undefined, note: 'deleted' }),
        unit({ status: 'excluded', base: undefined, head: undefined, note: 'excluded by the policy' }),
        unit({
          status: 'error',
          head: undefined,
          previousPath: 'old/api.service',
          violations: [violation({ kind: 'load-error', check: 'load', directives: [] })],
        }),
      ],
    }),
  ],
  [
    'every level at once',
    verdict({
      latestExpiry: '2027-03-01',
      units: [
        unit({
          status: 'fail',
          violations: [violation(), violation({ advisory: true, check: 'PrivateTmp' })],
        }),
        fixtures.ACCEPTED.units[0] as GateVerdict['units'][number],
      ],
    }),
  ],
];

describe('renderJsonReport() follows the schema', () => {
  it('covers every verdict the fixtures export', () => {
    expect(FIXTURE_VERDICTS.map(([name]) => name).sort()).toEqual([
      'ACCEPTED',
      'CLEAN',
      'FAILING',
      'HOSTILE',
    ]);
  });

  it.each([...FIXTURE_VERDICTS, ...MORE_VERDICTS])('%s', (_name, v) => {
    const report = JSON.parse(JSON.stringify(renderJsonReport(v, META))) as unknown;
    expectValidReport(report);
    const full = renderJsonReport(v, {
      ...META,
      generatedAt: '2026-12-01T12:00:00.000Z',
      repository: 'acme/api',
      pullRequest: 7,
      policy: '.github/unitgate.json',
    });
    expectValidReport(JSON.parse(JSON.stringify(full)));
  });

  it('with the trend the action adds', () => {
    const trend = buildTrend('v*', [
      {
        kind: 'tag',
        label: 'v1.0',
        commit: 'a'.repeat(40),
        systemdVersion: 252,
        units: new Map([['units/api.service', { unitId: 'api.service', exposure: 42, level: 'OK' }]]),
      },
      {
        kind: 'head',
        label: 'head',
        commit: 'b'.repeat(40),
        systemdVersion: 255,
        units: new Map([
          ['units/api.service', { unitId: 'api.service', exposure: null, level: null, error: 'bad unit' }],
        ]),
      },
    ]);
    const report = {
      ...renderJsonReport(fixtures.FAILING, META),
      trend: JSON.parse(renderTrendJson(trend)) as unknown,
    };
    expectValidReport(JSON.parse(JSON.stringify(report)));
  });

  it('lists the findings of the flat list, with their side', () => {
    const v = MORE_VERDICTS[1]?.[1] as GateVerdict;
    const r = renderJsonReport(v, META);
    expect(r.findings).toHaveLength(collectFindings(v).length);
    expect(r.findings[0]).toEqual({
      unit: 'units/api.service',
      unitId: 'api.service',
      file: 'units/api.service',
      line: 9,
      column: 1,
      side: 'base',
      kind: 'regression-row',
      check: 'ProtectSystem',
      level: 'error',
      message: 'api.service: ProtectSystem= got worse: `ProtectSystem=strict` removed',
      fix: null,
      acceptedBy: null,
    });
    expect(r.units[0]?.violations[0]?.location).toEqual(baseLine);
    expect(r.units[0]?.changes[0]?.location).toEqual(baseLine);
  });
});
