// SARIF output, validated against the official SARIF 2.1.0 schema (JSON Schema draft 2020-12; a copy in
// __tests__/fixtures, see its README) for a clean run, a failing run and an accepted deviation.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { VIOLATION_KINDS } from '../../../src/core/gate/rules';
import { fnv1a64, renderSarif, type SarifLog } from '../../../src/core/report/sarif';
import { ACCEPTED, CLEAN, FAILING, HOSTILE, verdict, unit, violation } from './report-fixtures';

interface Schema {
  $schema: string;
  definitions: { region: { anyOf?: unknown; properties: Record<string, unknown> } };
}
const schema = JSON.parse(
  readFileSync(join(__dirname, '../../fixtures/sarif-schema-2.1.0.json'), 'utf8'),
) as Schema;
// The official file has one mistake that makes it an invalid schema: region's "at least one of
// startLine, charOffset, byteOffset" `anyOf` sits inside `properties` (as if it were a property named
// anyOf). Move it to where it was meant to be — which makes validation stricter, not looser.
const region = schema.definitions.region;
if (Array.isArray(region.properties.anyOf)) {
  region.anyOf = region.properties.anyOf;
  delete region.properties.anyOf;
}

// strictRequired is a lint of schema style ("required" names of anyOf branches), not of validity.
const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
// The formats the schema uses, checked as RFC 3986 / RFC 3339 say (ajv ships none itself).
ajv.addFormat('uri', (s: string) => /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$/.test(s));
ajv.addFormat('uri-reference', (s: string) => /^[^\s\\]*$/.test(s) && !/%(?![0-9A-Fa-f]{2})/.test(s));
ajv.addFormat('date-time', (s: string) =>
  /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i.test(s),
);
const validate = ajv.compile(schema);

const OPTIONS = {
  toolVersion: '0.1.0',
  category: 'unitgate',
  informationUri: 'https://github.com/unitgate/unitgate',
};

function run(log: SarifLog) {
  const r = log.runs[0];
  if (!r) throw new Error('no run');
  return r;
}

describe('renderSarif()', () => {
  it('uses the draft the schema declares', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  it.each([
    ['clean', CLEAN],
    ['failing', FAILING],
    ['accepted deviation', ACCEPTED],
    ['hostile text', HOSTILE],
    [
      'report mode',
      verdict({ mode: 'report', units: [unit({ violations: [violation({ advisory: true })] })] }),
    ],
    ['no unit scored', verdict({ units: [], maxExposure: undefined })],
  ])('%s: is valid SARIF 2.1.0 (also after a JSON round trip)', (_name, v) => {
    const log = JSON.parse(JSON.stringify(renderSarif(v, OPTIONS))) as unknown;
    const ok = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it.each([
    ['a wrong version', (log: SarifLog) => Object.assign(log, { version: '2.0.0' })],
    [
      'line 0',
      (log: SarifLog) =>
        Object.assign(run(log).results[0]?.locations[0]?.physicalLocation.region ?? {}, { startLine: 0 }),
    ],
    ['an unknown level', (log: SarifLog) => Object.assign(run(log).results[0] ?? {}, { level: 'fatal' })],
    ['a stray property', (log: SarifLog) => Object.assign(run(log), { bogus: true })],
  ])('the validator rejects %s (it is not vacuous)', (_name, spoil) => {
    const log = renderSarif(FAILING, OPTIONS);
    spoil(log);
    expect(validate(JSON.parse(JSON.stringify(log)))).toBe(false);
  });

  it('describes the tool, the category and the source root', () => {
    const r = run(renderSarif(CLEAN, { ...OPTIONS, srcRoot: 'file:///home/runner/work/r' }));
    expect(r.tool.driver).toMatchObject({
      name: 'unitgate',
      version: '0.1.0',
      semanticVersion: '0.1.0',
      informationUri: OPTIONS.informationUri,
    });
    expect(r.automationDetails).toEqual({ id: 'unitgate/' });
    expect(r.originalUriBaseIds).toEqual({ '%SRCROOT%': { uri: 'file:///home/runner/work/r/' } });
    expect(r.invocations).toEqual([{ executionSuccessful: true }]);
    expect(r.results).toEqual([]);
  });

  it('has one rule per violation kind, in a fixed order, with help and a level', () => {
    const rules = run(renderSarif(CLEAN, OPTIONS)).tool.driver.rules;
    // The first kinds are frozen (rule indices of earlier logs follow them); later rules' kinds follow.
    const frozen = 13;
    expect(rules.slice(frozen).map((r) => r.id)).toEqual(
      VIOLATION_KINDS.slice(frozen).map((kind) => `unitgate/${kind}`),
    );
    expect(rules.slice(0, frozen).map((r) => r.id)).toEqual([
      'unitgate/threshold',
      'unitgate/regression-exposure',
      'unitgate/regression-row',
      'unitgate/missing-directive',
      'unitgate/forbidden-capability',
      'unitgate/forbidden-address-family',
      'unitgate/signoff-required',
      'unitgate/load-error',
      'unitgate/invalid-deviation',
      'unitgate/phantom-setting',
      'unitgate/profile-change',
      'unitgate/unknown-profile',
      'unitgate/forbidden-directive',
    ]);
    for (const r of rules) {
      expect(r.shortDescription.text).not.toBe('');
      expect(r.help.text).not.toBe('');
      expect(r.defaultConfiguration.level).toBe('error');
      expect(r.properties.tags).toContain('security');
    }
  });

  it('adds a rule for each assessor row a finding is about, with the fix in its help', () => {
    const r = run(renderSarif(FAILING, OPTIONS));
    const ids = r.tool.driver.rules.map((x) => x.id);
    expect(ids.slice(VIOLATION_KINDS.length)).toEqual(['systemd/PrivateTmp', 'systemd/ProtectSystem']);
    const rule = r.tool.driver.rules.find((x) => x.id === 'systemd/ProtectSystem');
    expect(rule?.helpUri).toBe(
      'https://www.freedesktop.org/software/systemd/man/systemd.exec.html#ProtectSystem=',
    );
    expect(rule?.help.markdown).toContain('```ini\nProtectSystem=strict\n```');
    expect(rule?.help.text).toContain('Fix: add ProtectSystem=strict.');
  });

  it('reports each finding on its line with rule index, level and a line-free fingerprint', () => {
    const r = run(renderSarif(FAILING, OPTIONS));
    expect(r.results).toHaveLength(3);
    for (const res of r.results) expect(r.tool.driver.rules[res.ruleIndex]?.id).toBe(res.ruleId);
    const [threshold, privateTmp, protectSystem] = r.results;
    expect(threshold).toMatchObject({
      ruleId: 'unitgate/threshold',
      level: 'error',
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: 'units/worker.service', uriBaseId: '%SRCROOT%' },
            region: { startLine: 1, startColumn: 1 },
          },
        },
      ],
    });
    expect(threshold?.message.text).toContain(
      'Fix — add to [Service] (or a drop-in):\nProtectSystem=strict\nPrivateTmp=yes',
    );
    expect(privateTmp).toMatchObject({
      ruleId: 'systemd/PrivateTmp',
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: 'units/worker.service.d/override.conf' },
            region: { startLine: 3 },
          },
        },
      ],
    });
    expect(protectSystem?.partialFingerprints).toEqual({
      'unitgate/v1': fnv1a64('units/api.service\0ProtectSystem\0regression-row'),
    });
  });

  it('keeps fingerprints when the finding moves to another line', () => {
    const at = (line: number) =>
      run(
        renderSarif(
          verdict({
            units: [
              unit({ violations: [violation({ location: { file: 'units/api.service', line, column: 1 } })] }),
            ],
          }),
          OPTIONS,
        ),
      ).results[0]?.partialFingerprints;
    expect(at(3)).toEqual(at(30));
  });

  it('reports accepted deviations as suppressed notes with the justification', () => {
    const [res] = run(renderSarif(ACCEPTED, OPTIONS)).results;
    expect(res).toMatchObject({
      ruleId: 'systemd/PrivateNetwork',
      level: 'note',
      suppressions: [
        {
          kind: 'external',
          status: 'accepted',
          justification: 'owner @alice, expires 2030-01-31, ticket SEC-42; reason: talks to the database',
        },
      ],
    });
    expect(res?.message.text).toMatch(/^accepted deviation: /);
  });

  it.each([
    ['advisory', verdict({ units: [unit({ violations: [violation({ advisory: true })] })] }), 'warning'],
    ['report mode', verdict({ mode: 'report', units: [unit({ violations: [violation()] })] }), 'warning'],
  ])('%s findings are warnings', (_name, v, level) => {
    expect(run(renderSarif(v, OPTIONS)).results[0]?.level).toBe(level);
  });

  it('percent-encodes artifact URIs and carries run messages as notifications', () => {
    const r = run(renderSarif(HOSTILE, OPTIONS));
    expect(r.results[0]?.locations[0]?.physicalLocation.artifactLocation.uri).toBe(
      'units/@everyone%3Cb%3E%7Cx.service',
    );
    expect(r.invocations[0]?.toolExecutionNotifications?.[0]?.message.text).toContain('@everyone');
  });

  it.each([
    ['', 'cbf29ce484222325'],
    ['a', 'af63dc4c8601ec8c'],
    ['foobar', '85944171f73967e8'],
  ])('fnv1a64(%j) = %s (published FNV-1a 64 test vectors)', (input, hash) => {
    expect(fnv1a64(input)).toBe(hash);
  });
});
