// The pure drift API: snapshots taken of in-memory trees, parsed back (errors name the file and the
// JSON path), compared with an in-memory repository under the policy's `drift` rules, and rendered —
// the JSON against schemas/unitgate-drift-1.schema.json, the SARIF against SARIF 2.1.0.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import {
  computeDrift,
  driftFails,
  parseSnapshot,
  renderDriftJson,
  renderDriftMarkdown,
  renderDriftSarif,
  renderDriftText,
  type DriftReport,
} from '../../../src/core/drift';
import { detectSystemdVersion, releaseForHost } from '../../../src/core/drift/host-version';
import { takeSnapshot } from '../../../src/core/drift/take-snapshot';
import type { Snapshot } from '../../../src/core/drift/snapshot-types';
import { builtInPolicy, loadPolicy } from '../../../src/core/policy/load-policy';
import { comparePolicies } from '../../../src/core/policy/compare-policies';
import { DRIFT_KINDS, type GatePolicy } from '../../../src/core/policy/policy-types';
import { systemdRelease } from '../../../src/core/security/versions';
import { memoryTree } from '../../../src/core/unit/unit-tree';
import { repositoryOf, snapshotOf } from './drift-fixtures';

const ROOT = join(__dirname, '..', '..', '..');

const HARDENED =
  '[Service]\nExecStart=/usr/bin/app --password=swordfish\nProtectSystem=strict\nPrivateTmp=yes\nNoNewPrivileges=yes\n';
const PLAIN = '[Service]\nExecStart=/usr/bin/other\n';

const REPOSITORY = {
  'deploy/app.service': HARDENED,
  'deploy/other.service': PLAIN,
};
const repository = (files: Record<string, string> = REPOSITORY) => repositoryOf(files);

function policy(drift: object = {}): GatePolicy {
  const loaded = loadPolicy(JSON.stringify({ drift }), 'unitgate.json');
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  return loaded.policy;
}

function drift(snapshot: Snapshot, p: GatePolicy = policy(), today = '2025-06-01'): DriftReport {
  const parsed = parseSnapshot(JSON.stringify(snapshot), 'web-1.json');
  if (!parsed.ok) throw new Error(parsed.message);
  return computeDrift({
    snapshots: [{ fileName: 'web-1.json', snapshot: parsed.snapshot }],
    repository: repository(),
    ref: 'HEAD',
    policy: p,
    today,
  });
}

const HOST = {
  '/usr/lib/systemd/system/app.service': HARDENED,
  '/usr/lib/systemd/system/other.service': PLAIN,
  '/usr/lib/systemd/system/unknown.service': PLAIN,
};

describe('snapshots', () => {
  it('keep directives, hash the values that can carry secrets, and validate', () => {
    const s = snapshotOf(HOST);
    const app = s.units.find((u) => u.name === 'app.service');
    expect(app?.files[0]).toMatchObject({
      role: 'fragment',
      key: 'fragment',
      readable: true,
      size: HARDENED.length,
    });
    expect(app?.files[0]?.readable && app.files[0].directives).toContainEqual({
      section: 'Service',
      key: 'ProtectSystem',
      line: 3,
      value: 'strict',
    });
    expect(JSON.stringify(s)).not.toContain('swordfish');
    expect(parseSnapshot(JSON.stringify(s), 'x.json')).toMatchObject({ ok: true });
  });

  it('record an unreadable drop-in instead of leaving it out', () => {
    const tree = memoryTree({ ...HOST, '/etc/systemd/system/app.service.d/secret.conf': '[Service]\n' });
    const unreadable = {
      ...tree,
      readFile: (p: string) => (p.endsWith('secret.conf') ? { error: 'EACCES' } : tree.readFile(p)),
    };
    const taken = takeSnapshot({
      tree: unreadable,
      systemd: systemdRelease(252),
      unitTypes: ['.service'],
      requested: [],
      onlyRequested: false,
    });
    const app = taken.units.find((u) => u.name === 'app.service');
    expect(app?.state).toBe('error');
    expect(app?.files).toContainEqual({
      path: '/etc/systemd/system/app.service.d/secret.conf',
      role: 'drop-in',
      key: 'app.service.d/secret.conf',
      readable: false,
      error: 'EACCES',
    });
  });

  it('are refused with one line naming the file and the JSON path', () => {
    expect(parseSnapshot('{"schema": ', 'h.json')).toEqual({
      ok: false,
      message: expect.stringMatching(/^h\.json:1: \$: not valid JSON/),
    });
    const s = snapshotOf(HOST) as unknown as { units: { exposure: unknown }[] };
    (s.units[0] as { exposure: unknown }).exposure = 'high';
    const r = parseSnapshot(JSON.stringify(s, null, 2), 'h.json');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toMatch(/^h\.json:\d+: \$\.units\[0\]\.exposure: /);
    expect(!r.ok && r.message.split('\n')).toHaveLength(1);
    expect(parseSnapshot('{"schema":"unitgate-report/1"}', 'h.json')).toMatchObject({
      ok: false,
      message: expect.stringContaining('$.schema: not a unitgate snapshot'),
    });
    const old = { ...snapshotOf(HOST), systemd: { ...snapshotOf(HOST).systemd, scoredWith: 250 } };
    expect(parseSnapshot(JSON.stringify(old), 'h.json')).toMatchObject({
      ok: false,
      message: expect.stringContaining('$.systemd.scoredWith'),
    });
  });
});

describe('the host version', () => {
  it('is read off the library name, cross-checked with dpkg, and unknown when nothing tells it', () => {
    const status = {
      path: '/var/lib/dpkg/status',
      text: 'Package: systemd\nStatus: install ok installed\nVersion: 257.13-1~deb13u1\n',
    };
    expect(
      detectSystemdVersion({
        libraryFiles: ['/usr/lib/x86_64-linux-gnu/systemd/libsystemd-shared-257.so'],
        dpkgStatus: status,
      }),
    ).toMatchObject({ major: 257, full: '257.13-1~deb13u1', source: 'libsystemd-shared', notes: [] });
    expect(detectSystemdVersion({ libraryFiles: [], dpkgStatus: status })).toMatchObject({
      major: 257,
      source: 'dpkg-status',
    });
    expect(
      detectSystemdVersion({
        libraryFiles: ['/usr/lib/systemd/libsystemd-shared-256.so'],
        dpkgStatus: status,
      }).notes[0],
    ).toContain('says systemd 257.13');
    expect(detectSystemdVersion({ libraryFiles: [] })).toEqual({
      major: null,
      full: null,
      source: 'unknown',
      evidence: null,
      notes: [],
    });
    expect(releaseForHost(256)).toMatchObject({ version: 255, differs: true });
    expect(releaseForHost(262)).toMatchObject({ version: 262, differs: false });
    expect(releaseForHost(null)).toMatchObject({ version: 252, differs: true });
  });
});

describe('computeDrift()', () => {
  it('finds nothing when the host runs what the repository says', () => {
    const r = drift(snapshotOf(HOST));
    expect(r.differences.filter((d) => d.unit !== null)).toEqual([]);
    expect(r.differences.map((d) => d.kind)).toEqual(['unknown-unit']);
    expect(driftFails(r)).toBe(false);
  });

  it('accepts a host-only drop-in the policy allows, until it expires', () => {
    const host = { ...HOST, '/etc/systemd/system/other.service.d/50-site.conf': '[Service]\nNice=5\n' };
    const allowing = policy({
      allowHostDropIns: [
        {
          match: '/etc/systemd/system/*.service.d/50-site.conf',
          reason: 'site tuning',
          expires: '2025-12-31',
        },
      ],
    });
    const allowed = drift(snapshotOf(host), allowing);
    expect(allowed.differences.find((d) => d.kind === 'host-only-file')).toMatchObject({
      level: 'allowed',
      allowance: { reason: 'site tuning' },
    });
    expect(driftFails(allowed)).toBe(false);
    const expired = drift(snapshotOf(host), allowing, '2026-01-01');
    expect(expired.differences.find((d) => d.kind === 'host-only-file')).toMatchObject({
      level: 'fail',
      message: expect.stringContaining('expired on 2025-12-31'),
    });
    expect(driftFails(expired)).toBe(true);
  });

  it('fails on what the policy lists and always on unreadable files', () => {
    const host = {
      ...HOST,
      '/usr/lib/systemd/system/app.service': HARDENED.replace('ProtectSystem=strict\n', ''),
    };
    const lenient = policy({ fail: [] });
    expect(lenient.drift.fail).toEqual(['unreadable-file']);
    const r = drift(snapshotOf(host), lenient);
    expect(r.differences.find((d) => d.kind === 'changed-file')).toMatchObject({
      level: 'warning',
      unit: 'app.service',
    });
    expect(driftFails(r)).toBe(false);
    expect(driftFails(drift(snapshotOf(host)))).toBe(true);
  });

  it('renders JSON that its schema accepts, SARIF 2.1.0, text and Markdown', () => {
    const host = {
      ...HOST,
      '/etc/systemd/system/app.service.d/override.conf':
        '[Service]\nProtectSystem=no\nEnvironment=TOKEN=abc|`x`\n',
    };
    const r = drift(snapshotOf(host));
    const validate = new Ajv({ strict: true, allErrors: true }).compile(
      JSON.parse(readFileSync(join(ROOT, 'schemas', 'unitgate-drift-1.schema.json'), 'utf8')) as object,
    );
    expect(validate(JSON.parse(renderDriftJson(r)))).toBe(true);

    const sarifSchema = JSON.parse(
      readFileSync(join(ROOT, '__tests__', 'fixtures', 'sarif-schema-2.1.0.json'), 'utf8'),
    ) as { definitions: { region: { anyOf?: unknown; properties: Record<string, unknown> } } };
    const region = sarifSchema.definitions.region;
    if (Array.isArray(region.properties.anyOf)) {
      region.anyOf = region.properties.anyOf;
      delete region.properties.anyOf;
    }
    const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
    ajv.addFormat('uri', (s: string) => /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$/.test(s));
    ajv.addFormat('uri-reference', (s: string) => /^[^\s\\]*$/.test(s));
    ajv.addFormat('date-time', () => true);
    const validateSarif = ajv.compile(sarifSchema);
    const sarif = JSON.parse(
      renderDriftSarif(r, { toolVersion: '0.0.0', informationUri: 'https://example.com/drift' }),
    ) as {
      runs: {
        results: {
          ruleId: string;
          locations?: { physicalLocation: { artifactLocation: { uri: string } } }[];
        }[];
      }[];
    };
    expect(validateSarif(sarif)).toBe(true);
    const hostOnly = sarif.runs[0]?.results.find((x) => x.ruleId === 'drift/host-only-file');
    expect(hostOnly?.locations?.[0]?.physicalLocation.artifactLocation.uri).toBe('deploy/app.service');

    expect(renderDriftText(r)).toMatch(/FAIL\s+exposure-increase: app\.service: exposure on the host is/);
    const md = renderDriftMarkdown(r);
    expect(md).toContain('| FAIL | host-only-file | web-1 | `app.service` |');
    expect(md).not.toContain('TOKEN=abc');
  });
});

describe('the policy drift section', () => {
  it('defaults to failing the secure kinds', () => {
    expect(builtInPolicy().drift).toEqual({
      fail: ['exposure-increase', 'host-only-file', 'changed-file', 'unreadable-file', 'unit-error'],
      allowHostDropIns: [],
    });
  });

  it('names the path of a bad entry', () => {
    const r = loadPolicy(
      '{"drift": {"fail": ["bogus"], "allowHostDropIns": [{"match": "/etc/**"}]}}',
      'p.json',
    );
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors.map((e) => e.path)).toEqual(
      expect.arrayContaining(['$.drift.fail[0]', '$.drift.allowHostDropIns[0]']),
    );
  });

  it('knows every kind the drift report uses', () => {
    const schema = JSON.parse(readFileSync(join(ROOT, 'policies', 'schema.json'), 'utf8')) as {
      definitions: { drift: { properties: { fail: { items: { enum: string[] } } } } };
    };
    expect(schema.definitions.drift.properties.fail.items.enum).toEqual([...DRIFT_KINDS]);
  });

  it('counts a loosening of the drift section as a policy loosening', () => {
    const base = policy();
    const fewer = comparePolicies(base, policy({ fail: ['exposure-increase'] }));
    expect(fewer).toContainEqual(expect.objectContaining({ path: 'drift.fail', loosens: true }));
    const more = comparePolicies(base, policy({ fail: [...base.drift.fail, 'row-worse'] }));
    expect(more).toContainEqual(expect.objectContaining({ path: 'drift.fail', loosens: false }));
    const allowed = comparePolicies(base, policy({ allowHostDropIns: [{ match: '/etc/**', reason: 'x' }] }));
    expect(allowed).toContainEqual(
      expect.objectContaining({ path: 'drift.allowHostDropIns', loosens: true }),
    );
    const longer = comparePolicies(
      policy({ allowHostDropIns: [{ match: '/etc/x.conf', reason: 'x', expires: '2025-01-01' }] }),
      policy({ allowHostDropIns: [{ match: '/etc/x.conf', reason: 'x', expires: '2026-01-01' }] }),
    );
    expect(longer).toContainEqual(expect.objectContaining({ path: 'drift.allowHostDropIns', loosens: true }));
    const removed = comparePolicies(
      policy({ allowHostDropIns: [{ match: '/etc/x.conf', reason: 'x' }] }),
      base,
    );
    expect(removed).toContainEqual(
      expect.objectContaining({ path: 'drift.allowHostDropIns', loosens: false }),
    );
  });
});
