import { evaluateGate, type UnitSide } from '../../../src/core/gate/evaluate-gate';
import type { Violation } from '../../../src/core/gate/gate-types';
import { scoreUnit } from '../../../src/core/gate/score-units';
import { builtInPolicy } from '../../../src/core/policy/load-policy';
import type { GateMode, Profile } from '../../../src/core/policy/policy-types';
import { deriveSecuritySettings } from '../../../src/core/security/settings';
import { editDistance, suggestKey } from '../../../src/core/security/unit-keys';
import { systemdRelease, type SystemdVersion } from '../../../src/core/security/versions';
import { UnitLoader } from '../../../src/core/unit/load-unit';
import { memoryTree } from '../../../src/core/unit/unit-tree';

const PATH = 'deploy/api.service';
const HEADER = '[Unit]\nDescription=api\n[Service]\nExecStart=/usr/bin/api\n';

function side(text: string, version: SystemdVersion = 252): UnitSide {
  const tree = memoryTree({ [PATH]: text });
  const locator = {
    unitName: 'api.service',
    fileName: 'api.service',
    repoPath: PATH,
    searchPath: ['/deploy'],
  };
  return scoreUnit(tree, locator, systemdRelease(version)).side;
}

const LAX: Profile = { name: 'lax', description: '', threshold: 100, requiredDirectives: [] };

function gate(
  head: string,
  opts: { base?: string; mode?: GateMode; profile?: Profile; version?: SystemdVersion } = {},
): Violation[] {
  const version = opts.version ?? 252;
  // The gate takes a unit's profile from the policy alone: the test's profile is the policy's default.
  const profile = opts.profile ?? LAX;
  const policy = {
    ...builtInPolicy(),
    mode: opts.mode ?? 'enforce',
    regression: { exposure: false, rows: false },
    defaultProfile: profile.name,
    profiles: new Map([[profile.name, profile]]),
    units: [],
  };
  const verdict = evaluateGate({
    policy,
    systemd: systemdRelease(version),
    units: [
      {
        path: PATH,
        change: opts.base === undefined ? 'added' : 'modified',
        head: side(head, version),
        ...(opts.base !== undefined ? { base: side(opts.base, version) } : {}),
      },
    ],
    approvals: [],
    today: '2026-12-06',
  });
  return verdict.units[0]?.violations ?? [];
}

/** The diagnostics the engine produces for a unit (the stream the CLI prints). */
function diagnostics(text: string, version: SystemdVersion = 252) {
  const loaded = new UnitLoader(memoryTree({ '/etc/systemd/system/x.service': text }), [
    '/etc/systemd/system',
  ]).load('x.service');
  if (!loaded.ok) throw new Error(loaded.failure.message);
  return deriveSecuritySettings(loaded.unit, systemdRelease(version)).diagnostics;
}

describe('diagnostics: one structured record per message systemd prints', () => {
  it.each([
    [
      'misspelt key',
      `${HEADER}ProtectSytem=strict\n`,
      252,
      {
        kind: 'unknown-key',
        key: 'ProtectSytem',
        section: 'Service',
        value: 'strict',
        line: 5,
        suggestion: 'ProtectSystem',
        message: "Unknown key 'ProtectSytem' in section [Service], ignoring.",
      },
    ],
    [
      'key a later version adds',
      `${HEADER}PrivatePIDs=yes\n`,
      252,
      {
        kind: 'key-unknown-to-version',
        key: 'PrivatePIDs',
        addedIn: 257,
        message: "Unknown key 'PrivatePIDs' in section [Service], ignoring.",
      },
    ],
    [
      'key in the wrong section',
      `[Unit]\nDescription=api\nProtectSystem=strict\n[Service]\nExecStart=/usr/bin/api\n`,
      252,
      {
        kind: 'wrong-section',
        key: 'ProtectSystem',
        section: 'Unit',
        expectedSection: 'Service',
        line: 3,
        message: "Unknown key 'ProtectSystem' in section [Unit], ignoring.",
      },
    ],
    [
      'invalid value',
      `${HEADER}ProtectSystem=stricct\n`,
      252,
      {
        kind: 'invalid-value',
        key: 'ProtectSystem',
        value: 'stricct',
        message: 'Failed to parse protect system value, ignoring: stricct',
      },
    ],
    [
      'invalid value, v257 wording',
      `${HEADER}ProtectSystem=stricct\n`,
      257,
      {
        kind: 'invalid-value',
        message: 'Failed to parse ProtectSystem=stricct, ignoring: Invalid argument',
      },
    ],
    [
      'unknown key in [Install]',
      `${HEADER}[Install]\nWantedBy=multi-user.target\nProtectSystem=strict\n`,
      252,
      { kind: 'wrong-section', section: 'Install', expectedSection: 'Service' },
    ],
    [
      'invalid UTF-8 in an assignment of the main file',
      `${HEADER}ProtectSystem=str\uFFFDict\n`,
      252,
      {
        kind: 'refused-unit',
        severity: 'error',
        line: 5,
        message: 'String is not UTF-8 clean, ignoring assignment: ProtectSystem=str\uFFFDict',
      },
    ],
    ['a deprecation', `${HEADER}KillMode=none\n`, 252, { kind: 'other', key: 'KillMode' }],
  ])('%s', (_name, text, version, expected) => {
    const ds = diagnostics(text, version as SystemdVersion);
    expect(ds).toHaveLength(1);
    expect(ds[0]).toMatchObject(expected);
  });

  it.each([['X-Vendor=1'], ['PrivatePIDs=yes']])(
    '%s is not reported (extension, or known to 257)',
    (line) => {
      expect(diagnostics(`${HEADER}${line}\n`, 257)).toEqual([]);
    },
  );

  it.each([
    ['ProtectSytem', 'Service', 'ProtectSystem'],
    ['NoNewPrivilege', 'Service', 'NoNewPrivileges'],
    ['privatetmp', 'Service', 'PrivateTmp'],
    ['Foo', 'Service', undefined],
    ['CompletelyDifferent', 'Service', undefined],
  ])('suggestKey(%s in [%s]) = %s', (key, section, expected) => {
    expect(suggestKey(section, key)).toBe(expected);
  });

  it.each([
    ['kitten', 'sitting', 3],
    ['ProtectSytem', 'ProtectSystem', 1],
    ['a', 'a', 0],
  ])('editDistance(%s, %s) = %d', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });
});

describe('phantom-setting findings', () => {
  it.each([
    ['misspelt assessed key', 'ProtectSytem=strict', 'error', 'did you mean ProtectSystem=?'],
    ['assessed key unknown to 252', 'PrivatePIDs=yes', 'warning', 'not known to systemd 252'],
    ['invalid value of an assessed key', 'ProtectSystem=stricct', 'error', 'systemd does not accept'],
    ['misspelt key no assessor reads', 'TimeoutStartSex=5', 'warning', 'did you mean TimeoutStartSec=?'],
    ['unknown key without a suggestion', 'Frobnicate=yes', 'warning', 'is not a systemd setting;'],
    ['invalid value no assessor reads', 'Restart=sometimes', 'warning', 'systemd does not accept'],
  ])('%s: %s is a %s', (_name, line, level, text) => {
    const vs = gate(`${HEADER}${line}\n`).filter((v) => v.kind === 'phantom-setting');
    expect(vs).toHaveLength(1);
    const v = vs[0] as Violation;
    expect(v.location).toMatchObject({ file: PATH, line: 5 });
    expect(v.advisory).toBe(level === 'warning');
    expect(v.message).toContain(`${PATH}:5: `);
    expect(v.message).toContain(text);
  });

  it('a key in the wrong section names the section it belongs in, and is an error when assessed', () => {
    const [v] = gate('[Unit]\nDescription=api\nProtectSystem=strict\n[Service]\nExecStart=/usr/bin/api\n');
    expect(v).toMatchObject({ kind: 'phantom-setting', advisory: false, location: { line: 3 } });
    expect(v?.message).toContain('is in [Unit], where systemd does not read it (it belongs in [Service])');
  });

  it('the message says the unit does not get the protection it appears to ask for', () => {
    const [v] = gate(`${HEADER}ProtectSytem=strict\n`);
    expect(v?.message).toBe(
      `api.service: ${PATH}:5: ProtectSytem= is not a systemd setting (did you mean ProtectSystem=?); ` +
        'systemd ignores this line, so the unit does not get the protection it appears to ask for',
    );
    expect(v?.fix?.directives).toEqual(['ProtectSystem=strict']);
  });

  it.each<[string, GateMode, string, string, boolean]>([
    [
      'ratchet: a phantom the base had is advisory',
      'ratchet',
      'ProtectSytem=strict',
      'ProtectSytem=strict',
      true,
    ],
    ['ratchet: a new phantom is an error', 'ratchet', 'NoNewPrivileges=yes', 'ProtectSytem=strict', false],
    ['ratchet: same key, new value is new', 'ratchet', 'ProtectSytem=full', 'ProtectSytem=strict', false],
    [
      'enforce: an old phantom is still an error',
      'enforce',
      'ProtectSytem=strict',
      'ProtectSytem=strict',
      false,
    ],
    ['report: everything is advisory', 'report', 'NoNewPrivileges=yes', 'ProtectSytem=strict', true],
  ])('%s', (_name, mode, base, head, advisory) => {
    const vs = gate(`${HEADER}${head}\n`, { base: `${HEADER}${base}\n`, mode });
    expect(vs.filter((v) => v.kind === 'phantom-setting').map((v) => v.advisory)).toEqual([advisory]);
  });

  it('ratchet compares by key, section, value and file, not by line', () => {
    const vs = gate(`${HEADER}# moved down\n\nProtectSytem=strict\n`, {
      base: `${HEADER}ProtectSytem=strict\n`,
      mode: 'ratchet',
    });
    expect(vs).toMatchObject([{ kind: 'phantom-setting', advisory: true, location: { line: 7 } }]);
  });

  it('a unit systemd refuses is a load-error at the line that causes it, and its phantoms are errors', () => {
    const vs = gate(`${HEADER}TimeoutStartSex=5\nProtectSystem=str\uFFFDict\n`);
    expect(vs.map((v) => [v.kind, v.location.line, v.advisory])).toEqual(
      expect.arrayContaining([
        ['load-error', 6, false],
        ['phantom-setting', 5, false],
      ]),
    );
    expect(vs.find((v) => v.kind === 'load-error')?.message).toContain(
      `${PATH}:6: String is not UTF-8 clean, ignoring assignment`,
    );
  });

  it('a fatal setting in the main file is a load-error at its line', () => {
    const vs = gate(`${HEADER}User=a:b\n`);
    expect(vs).toMatchObject([{ kind: 'load-error', location: { line: 5 }, advisory: false }]);
  });

  it('invalid UTF-8 in a drop-in only drops that drop-in: a phantom, not a refusal', () => {
    const tree = memoryTree({
      [PATH]: HEADER,
      'deploy/api.service.d/harden.conf': '[Service]\nProtectSystem=str\uFFFDict\n',
    });
    const locator = {
      unitName: 'api.service',
      fileName: 'api.service',
      repoPath: PATH,
      searchPath: ['/deploy'],
    };
    const s = scoreUnit(tree, locator, systemdRelease(252)).side;
    expect(s.settings).toBeDefined();
    expect(s.diagnostics).toMatchObject([
      { kind: 'invalid-value', file: 'deploy/api.service.d/harden.conf' },
    ]);
  });
});

describe('required directives and their phantoms', () => {
  const STRICT: Profile = { ...LAX, name: 'strict', requiredDirectives: ['ProtectSystem=strict'] };

  it.each([
    ['misspelt', `${HEADER}ProtectSytem=strict\n`, 5, 'did you mean ProtectSystem=?'],
    [
      'in the wrong section',
      `[Unit]\nProtectSystem=strict\n[Service]\nExecStart=/x\n`,
      2,
      'belongs in [Service]',
    ],
    ['with an invalid value', `${HEADER}ProtectSystem=stricct\n`, 5, 'systemd does not accept'],
  ])('%s: the finding points at the phantom line and says why it does not count', (_n, text, line, why) => {
    const v = gate(text, { profile: STRICT }).find((x) => x.kind === 'missing-directive');
    expect(v?.location).toMatchObject({ file: PATH, line });
    expect(v?.message).toContain(`${PATH}:${line} does not count: `);
    expect(v?.message).toContain(why);
  });

  it('without a phantom it stays at the [Service] header', () => {
    const v = gate(HEADER, { profile: STRICT }).find((x) => x.kind === 'missing-directive');
    expect(v?.location.line).toBe(3);
    expect(v?.message).toContain('no such setting');
    expect(v?.message).not.toContain('does not count');
  });
});
