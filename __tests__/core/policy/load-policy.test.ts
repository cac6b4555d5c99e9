import schema from '../../../policies/schema.json';
import {
  BUILT_IN_PROFILES,
  POLICY_DEFAULTS,
  builtInPolicy,
  formatPolicyError,
  loadPolicy,
  thresholdToExposure,
  type PolicyError,
} from '../../../src/core/policy/load-policy';
import type { GatePolicy, Profile } from '../../../src/core/policy/policy-types';
import { POLICY_VALIDATOR_OPTIONS, policySchemaAjv } from '../../../src/core/policy/policy-schema-ajv';
import { validate as generatedValidator } from '../../../src/core/policy/policy-validator.generated';
import { SUPPORTED_VERSIONS, systemdRelease } from '../../../src/core/security/versions';
import { assessorFields } from '../../../src/core/security/assessor-knowledge';

function load(policy: unknown): GatePolicy {
  const result = loadPolicy(typeof policy === 'string' ? policy : JSON.stringify(policy), 'unitgate.json');
  if (!result.ok) throw new Error(result.errors.map(formatPolicyError).join('\n'));
  return result.policy;
}

function errorsOf(policy: unknown): Pick<PolicyError, 'path' | 'message'>[] {
  const result = loadPolicy(typeof policy === 'string' ? policy : JSON.stringify(policy), 'unitgate.json');
  if (result.ok) throw new Error('expected the policy to be rejected');
  return result.errors.map(({ path, message }) => ({ path, message }));
}

function profile(policy: GatePolicy, name: string): Profile {
  const p = policy.profiles.get(name);
  if (!p) throw new Error(`no profile ${name}`);
  return p;
}

describe('loadPolicy: defaults', () => {
  it('an empty policy is the built-in policy', () => {
    expect({ ...load({}), source: 'x' }).toEqual({ ...builtInPolicy(), source: 'x' });
  });

  it('fills every default', () => {
    const p = builtInPolicy();
    expect(p).toMatchObject({
      source: 'built-in baseline',
      systemdVersion: 252,
      mode: 'enforce',
      defaultProfile: 'baseline',
      units: [],
      exclude: [],
      regression: { exposure: true, rows: true },
      deviations: {
        sources: ['pr-body', 'unit-file'],
        requiredFields: ['reason', 'owner', 'expires'],
        maxExpiryDays: 180,
        expiryWarningDays: 14,
      },
      signoff: [],
      unitTypes: ['.service'],
    });
    expect(p.assessorOverrides.size).toBe(0);
    expect([...p.profiles.keys()]).toEqual(['baseline', 'api-service', 'worker', 'scheduler']);
    expect(profile(p, 'baseline')).toMatchObject({ threshold: 96, requiredDirectives: [] });
    expect(profile(p, 'baseline').allowedCapabilities).toBeUndefined();
  });

  it('states the same defaults as policies/schema.json', () => {
    const props = schema.properties;
    expect(props.systemdVersion.default).toBe(POLICY_DEFAULTS.systemdVersion);
    expect(props.mode.default).toBe(POLICY_DEFAULTS.mode);
    expect(props.threshold.default).toBe(POLICY_DEFAULTS.threshold);
    expect(props.defaultProfile.default).toBe(POLICY_DEFAULTS.defaultProfile);
    expect(props.unitTypes.default).toEqual(POLICY_DEFAULTS.unitTypes);
    expect(schema.definitions.regression.default).toEqual(POLICY_DEFAULTS.regression);
    expect(schema.definitions.deviations.default).toEqual(POLICY_DEFAULTS.deviations);
    const d = schema.definitions.deviations.properties;
    expect([
      d.sources.default,
      d.requiredFields.default,
      d.maxExpiryDays.default,
      d.expiryWarningDays.default,
    ]).toEqual([
      POLICY_DEFAULTS.deviations.sources,
      POLICY_DEFAULTS.deviations.requiredFields,
      POLICY_DEFAULTS.deviations.maxExpiryDays,
      POLICY_DEFAULTS.deviations.expiryWarningDays,
    ]);
  });

  it('partial objects keep the defaults of the keys they leave out', () => {
    const p = load({ regression: { rows: false }, deviations: { sources: ['pr-body'] } });
    expect(p.regression).toEqual({ exposure: true, rows: false });
    expect(p.deviations).toEqual({
      owners: [],
      sources: ['pr-body'],
      requiredFields: ['reason', 'owner', 'expires'],
      maxExpiryDays: 180,
      expiryWarningDays: 14,
    });
  });

  it('returns fresh objects on every call, so callers may adjust them', () => {
    const a = builtInPolicy();
    profile(a, 'api-service').threshold = 99;
    profile(a, 'api-service').requiredDirectives.push('X=y');
    a.deviations.sources.pop();
    const b = builtInPolicy();
    expect(profile(b, 'api-service').threshold).toBe(35);
    expect(profile(b, 'api-service').requiredDirectives).not.toContain('X=y');
    expect(b.deviations.sources).toEqual(['pr-body', 'unit-file']);
  });
});

describe('loadPolicy: valid policies', () => {
  it('reads every key', () => {
    const p = load({
      $schema: 'https://github.com/unitgate/unitgate/blob/main/policies/schema.json',
      systemdVersion: 257,
      mode: 'ratchet',
      threshold: 8,
      defaultProfile: 'worker',
      profiles: { legacy: { description: 'Old units', threshold: 9.9 } },
      units: [{ match: 'deploy/api/**', profile: 'api-service' }],
      exclude: [{ match: 'vendor/**', reason: 'upstream units, hardened upstream' }],
      regression: { exposure: false, rows: true },
      deviations: { sources: ['pr-body'], requiredFields: ['reason', 'ticket'], maxExpiryDays: 30 },
      signoff: [
        {
          directives: ['SystemCallFilter=', 'CapabilityBoundingSet'],
          approvers: ['@alice', '@acme/runtime'],
        },
      ],
      unitTypes: ['.service', '.socket'],
      assessorOverrides: {
        PrivateNetwork: { weight: 0 },
        'CapabilityBoundingSet_CAP_NET_BIND_SERVICE_BROADCAST_RAW)': {
          range: 2,
          description_bad: 'binds',
          description_good: 'ok',
          description_na: 'n/a',
        },
      },
    });
    expect(p).toMatchObject({
      source: 'unitgate.json',
      systemdVersion: 257,
      mode: 'ratchet',
      defaultProfile: 'worker',
      units: [{ match: 'deploy/api/**', profile: 'api-service' }],
      exclude: [{ match: 'vendor/**', reason: 'upstream units, hardened upstream' }],
      regression: { exposure: false, rows: true },
      deviations: { sources: ['pr-body'], requiredFields: ['reason', 'ticket'], maxExpiryDays: 30 },
      signoff: [
        { directives: ['SystemCallFilter', 'CapabilityBoundingSet'], approvers: ['@alice', '@acme/runtime'] },
      ],
      unitTypes: ['.service', '.socket'],
    });
    expect(profile(p, 'legacy')).toEqual({
      name: 'legacy',
      description: 'Old units',
      threshold: 99,
      requiredDirectives: [],
    });
    expect(profile(p, 'baseline').threshold).toBe(80);
    expect(profile(p, 'api-service').threshold).toBe(35);
    expect([...p.assessorOverrides]).toEqual([
      ['PrivateNetwork', { weight: 0 }],
      [
        'CapabilityBoundingSet_CAP_NET_BIND_SERVICE_BROADCAST_RAW)',
        { range: 2, descriptionBad: 'binds', descriptionGood: 'ok', descriptionNa: 'n/a' },
      ],
    ]);
  });

  it.each([
    [0, 0],
    [3.5, 35],
    [2.55, 26],
    [2.54, 25],
    [0.05, 1],
    [9.99, 100],
    [10, 100],
  ])('threshold %d on the 0–10 scale is %d on the 0–100 scale', (threshold, exposure) => {
    expect(thresholdToExposure(threshold)).toBe(exposure);
    expect(profile(load({ threshold }), 'baseline').threshold).toBe(exposure);
  });

  it('accepts every name systemd knows for capabilities and address families', () => {
    const data = systemdRelease(252).data;
    const p = load({
      profiles: {
        all: {
          allowedCapabilities: Object.keys(data.capabilities),
          allowedAddressFamilies: Object.keys(data.addressFamilies),
        },
      },
    });
    expect(profile(p, 'all').allowedCapabilities).toHaveLength(41);
    expect(profile(p, 'all').allowedAddressFamilies).toContain('AF_LOCAL');
  });
});

describe('loadPolicy: profiles and extends', () => {
  const api = BUILT_IN_PROFILES.get('api-service');
  const apiDirectives = api?.requiredDirectives ?? [];

  it.each<[string, unknown, Partial<Profile>]>([
    [
      'extends a built-in profile: inherits threshold, directives, allow-lists',
      { profiles: { api: { extends: 'api-service' } } },
      {
        name: 'api',
        description: "Based on the 'api-service' profile.",
        threshold: 35,
        requiredDirectives: apiDirectives,
        allowedCapabilities: [],
        allowedAddressFamilies: ['AF_UNIX', 'AF_INET', 'AF_INET6'],
      },
    ],
    [
      'adds directives, replaces the lines of a directive it lists, drops removed ones',
      {
        profiles: {
          api: {
            extends: 'api-service',
            requiredDirectives: ['ProtectSystem=full', 'PrivateDevices=yes'],
            removeDirectives: ['MemoryDenyWriteExecute'],
          },
        },
      },
      {
        requiredDirectives: [
          ...apiDirectives.filter(
            (d) => !d.startsWith('ProtectSystem=') && !d.startsWith('MemoryDenyWriteExecute='),
          ),
          'ProtectSystem=full',
          'PrivateDevices=yes',
        ],
      },
    ],
    [
      'own threshold and allow-lists replace the parent’s',
      {
        profiles: {
          api: {
            extends: 'api-service',
            threshold: 4.2,
            allowedCapabilities: ['CAP_NET_BIND_SERVICE'],
            allowedAddressFamilies: ['AF_UNIX'],
          },
        },
      },
      { threshold: 42, allowedCapabilities: ['CAP_NET_BIND_SERVICE'], allowedAddressFamilies: ['AF_UNIX'] },
    ],
    [
      'forbidden directives are inherited unless the profile lists its own',
      {
        profiles: {
          net: { forbiddenDirectives: ['PrivateNetwork'] },
          child: { extends: 'net' },
        },
      },
      { name: 'child', forbiddenDirectives: ['PrivateNetwork'] },
    ],
    [
      'a profile’s own forbidden directives replace the parent’s',
      {
        profiles: {
          net: { forbiddenDirectives: ['PrivateNetwork'] },
          own: { extends: 'net', forbiddenDirectives: ['NoNewPrivileges=no'] },
        },
      },
      { name: 'own', forbiddenDirectives: ['NoNewPrivileges=no'] },
    ],
    [
      'a profile named like a built-in one changes it and keeps its description',
      { profiles: { 'api-service': { threshold: 4 } } },
      {
        name: 'api-service',
        description: api?.description,
        threshold: 40,
        requiredDirectives: apiDirectives,
      },
    ],
    [
      '`extends` naming the profile itself means the built-in profile',
      { profiles: { worker: { extends: 'worker', threshold: 3 } } },
      { name: 'worker', threshold: 30 },
    ],
    [
      'without `extends`, a profile starts from baseline and gets the top-level threshold',
      { threshold: 7, profiles: { legacy: { requiredDirectives: ['NoNewPrivileges=yes'] } } },
      {
        threshold: 70,
        requiredDirectives: ['NoNewPrivileges=yes'],
        description: "Based on the 'baseline' profile.",
      },
    ],
    [
      'without `extends`, a profile starts from the policy’s own baseline',
      {
        profiles: {
          baseline: { requiredDirectives: ['NoNewPrivileges=yes'], threshold: 9 },
          legacy: { requiredDirectives: ['PrivateTmp=yes'] },
        },
      },
      { name: 'legacy', threshold: 90, requiredDirectives: ['NoNewPrivileges=yes', 'PrivateTmp=yes'] },
    ],
    [
      'chains: a user profile extending a user profile',
      {
        profiles: {
          a: { extends: 'worker', threshold: 2 },
          b: { extends: 'a', requiredDirectives: ['PrivateNetwork=yes'] },
          c: { extends: 'b', description: 'C' },
        },
      },
      {
        name: 'c',
        description: 'C',
        threshold: 20,
        requiredDirectives: [
          ...(BUILT_IN_PROFILES.get('worker')?.requiredDirectives ?? []),
          'PrivateNetwork=yes',
        ],
      },
    ],
    [
      'a directive with several required lines is replaced as a whole',
      {
        profiles: {
          a: { requiredDirectives: ['SystemCallFilter=@system-service', 'SystemCallFilter=~@privileged'] },
          b: { extends: 'a', requiredDirectives: ['SystemCallFilter=@basic-io'] },
        },
      },
      { name: 'b', requiredDirectives: ['SystemCallFilter=@basic-io'] },
    ],
  ])('%s', (_, policy, expected) => {
    const p = load(policy);
    const name = expected.name ?? Object.keys((policy as { profiles: object }).profiles)[0] ?? '';
    expect(profile(p, name)).toMatchObject(expected);
  });

  it('reads deviation owners, global and per profile; a profile inherits the owners of its parent', () => {
    const p = load({
      deviations: { owners: ['@acme/security', '@olivia'] },
      profiles: {
        api: { extends: 'api-service', owners: ['@acme/api-owners'] },
        edge: { extends: 'api' },
        free: { owners: [] },
      },
    });
    expect(p.deviations.owners).toEqual(['@acme/security', '@olivia']);
    expect(profile(p, 'api').owners).toEqual(['@acme/api-owners']);
    expect(profile(p, 'edge').owners).toEqual(['@acme/api-owners']);
    expect(profile(p, 'free').owners).toEqual([]);
    expect(profile(p, 'baseline').owners).toBeUndefined();
    expect(load({}).deviations.owners).toEqual([]);
  });

  it('the top-level threshold does not loosen built-in profiles that have their own', () => {
    const p = load({ threshold: 8 });
    expect([...p.profiles.values()].map((x) => [x.name, x.threshold])).toEqual([
      ['baseline', 80],
      ['api-service', 35],
      ['worker', 25],
      ['scheduler', 25],
    ]);
  });
});

describe('loadPolicy: errors name the file, the JSON path and what is wrong', () => {
  it.each<[string, unknown, Pick<PolicyError, 'path' | 'message'>[]]>([
    // Unknown keys, at every level: the path ends in the offending key.
    [
      'unknown top-level key',
      { treshold: 5 },
      [{ path: '$.treshold', message: "unknown key 'treshold' (did you mean 'threshold'?)" }],
    ],
    [
      'unknown key without a near miss lists the allowed ones',
      { regression: { everything: true } },
      [{ path: '$.regression.everything', message: "unknown key 'everything' (allowed: exposure, rows)" }],
    ],
    [
      'a deviation owner that is not @user or @org/team',
      { deviations: { owners: ['olivia'] } },
      [
        {
          path: '$.deviations.owners[0]',
          message:
            "'olivia' is not valid: it must be a GitHub user (`@alice`) or team (`@org/team`), e.g. '@acme/security'",
        },
      ],
    ],
    [
      'unknown profile key',
      { profiles: { api: { extend: 'worker' } } },
      [{ path: '$.profiles.api.extend', message: "unknown key 'extend' (did you mean 'extends'?)" }],
    ],
    [
      'unknown key in units[]',
      { units: [{ match: '*', profile: 'worker', why: 'x' }] },
      [{ path: '$.units[0].why', message: "unknown key 'why' (allowed: match, profile)" }],
    ],
    [
      'unknown key in exclude[]',
      { exclude: [{ match: '*', reason: 'x', until: '2030' }] },
      [{ path: '$.exclude[0].until', message: "unknown key 'until' (allowed: match, reason)" }],
    ],
    [
      'an invalid units[] glob',
      { units: [{ match: 'api-[b-a].service', profile: 'worker' }] },
      [
        {
          path: '$.units[0].match',
          message:
            'invalid glob "api-[b-a].service": Invalid regular expression: /^(?:api-[b-a]\\.service)$/: Range out of order in character class',
        },
      ],
    ],
    [
      'an invalid exclude[] glob',
      { exclude: [{ match: '{**,vendor}/x', reason: 'x' }] },
      [
        {
          path: '$.exclude[0].match',
          message:
            'invalid glob "{**,vendor}/x": `**` inside {…} is not supported: write the alternatives out',
        },
      ],
    ],
    [
      'unknown key in deviations',
      { deviations: { maxExpiry: 5 } },
      [
        {
          path: '$.deviations.maxExpiry',
          message: "unknown key 'maxExpiry' (did you mean 'maxExpiryDays'?)",
        },
      ],
    ],
    [
      'unknown key in signoff[]',
      { signoff: [{ directives: ['SystemCallFilter'], approvers: ['@a'], teams: [] }] },
      [{ path: '$.signoff[0].teams', message: "unknown key 'teams' (allowed: directives, approvers)" }],
    ],
    [
      'unknown assessor json_field',
      { assessorOverrides: { PrivateTmpp: { weight: 1 } } },
      [
        {
          path: '$.assessorOverrides.PrivateTmpp',
          message: "unknown key 'PrivateTmpp' (did you mean 'PrivateTmp'?)",
        },
      ],
    ],
    [
      'the assessor json_field without systemd’s stray parenthesis',
      { assessorOverrides: { CapabilityBoundingSet_CAP_NET_BIND_SERVICE_BROADCAST_RAW: {} } },
      [
        {
          path: '$.assessorOverrides.CapabilityBoundingSet_CAP_NET_BIND_SERVICE_BROADCAST_RAW',
          message:
            "unknown key 'CapabilityBoundingSet_CAP_NET_BIND_SERVICE_BROADCAST_RAW' (did you mean 'CapabilityBoundingSet_CAP_NET_BIND_SERVICE_BROADCAST_RAW)'?)",
        },
      ],
    ],
    [
      'unknown key in an assessor override',
      { assessorOverrides: { PrivateTmp: { descriptionGood: 'x' } } },
      [
        {
          path: '$.assessorOverrides.PrivateTmp.descriptionGood',
          message: "unknown key 'descriptionGood' (did you mean 'description_good'?)",
        },
      ],
    ],
    // Types, ranges, enums, patterns.
    ['not an object', [], [{ path: '$', message: 'must be an object ({…}), not a list' }]],
    [
      'threshold as a string',
      { threshold: '5' },
      [{ path: '$.threshold', message: "must be a number, not the string '5'" }],
    ],
    [
      'threshold on the wrong scale',
      { profiles: { api: { threshold: 35 } } },
      [
        {
          path: '$.profiles.api.threshold',
          message:
            'must be at most 10, not 35 (thresholds use the 0.0–10.0 scale systemd-analyze prints; for 35 on the 0–100 scale write 3.5)',
        },
      ],
    ],
    [
      'negative threshold',
      { threshold: -1 },
      [{ path: '$.threshold', message: 'must be at least 0, not -1' }],
    ],
    [
      'unknown mode',
      { mode: 'strict' },
      [{ path: '$.mode', message: "must be one of 'enforce', 'report', 'ratchet', not 'strict'" }],
    ],
    [
      'unsupported systemd version',
      { systemdVersion: 250 },
      [{ path: '$.systemdVersion', message: `must be one of ${SUPPORTED_VERSIONS.join(', ')}, not 250` }],
    ],
    [
      'systemd version as a string',
      { systemdVersion: '252' },
      [{ path: '$.systemdVersion', message: `must be one of ${SUPPORTED_VERSIONS.join(', ')}, not '252'` }],
    ],
    [
      'malformed required directive',
      { profiles: { api: { requiredDirectives: ['NoNewPrivileges'] } } },
      [
        {
          path: '$.profiles.api.requiredDirectives[0]',
          message:
            "'NoNewPrivileges' is not valid: it must be a `Directive=value` line, e.g. 'ProtectSystem=strict'",
        },
      ],
    ],
    [
      'duplicate required directive',
      { profiles: { api: { requiredDirectives: ['A=b', 'C=d', 'A=b'] } } },
      [{ path: '$.profiles.api.requiredDirectives[2]', message: 'duplicate of item 0' }],
    ],
    [
      'malformed capability name',
      { profiles: { api: { allowedCapabilities: ['net_bind_service'] } } },
      [
        {
          path: '$.profiles.api.allowedCapabilities[0]',
          message:
            "'net_bind_service' is not valid: it must be a capability name as in capabilities(7), e.g. 'CAP_NET_BIND_SERVICE'",
        },
      ],
    ],
    [
      'invalid profile name',
      { profiles: { 'my api': {} } },
      [
        {
          path: '$.profiles["my api"]',
          message:
            "the key 'my api' is not valid: it must be a profile name: letters, digits, `.`, `_` and `-`, starting with a letter or digit, e.g. 'api-internal'",
        },
      ],
    ],
    [
      'missing key',
      { units: [{ match: '*' }] },
      [{ path: '$.units[0]', message: "missing required key 'profile'" }],
    ],
    [
      'empty exclusion reason',
      { exclude: [{ match: '*', reason: '' }] },
      [{ path: '$.exclude[0].reason', message: 'must not be empty' }],
    ],
    [
      'malformed approver',
      { signoff: [{ directives: ['SystemCallFilter'], approvers: ['alice'] }] },
      [
        {
          path: '$.signoff[0].approvers[0]',
          message:
            "'alice' is not valid: it must be a GitHub user (`@alice`) or team (`@org/team`), e.g. '@platform/runtime-owners'",
        },
      ],
    ],
    [
      'empty approvers',
      { signoff: [{ directives: ['X'], approvers: [] }] },
      [{ path: '$.signoff[0].approvers', message: 'must list at least 1 item' }],
    ],
    [
      'unknown deviation source',
      { deviations: { sources: ['slack'] } },
      [{ path: '$.deviations.sources[0]', message: "must be one of 'pr-body', 'unit-file', not 'slack'" }],
    ],
    [
      'expiry out of range',
      { deviations: { maxExpiryDays: 0 } },
      [{ path: '$.deviations.maxExpiryDays', message: 'must be at least 1, not 0' }],
    ],
    [
      'fractional expiry',
      { deviations: { maxExpiryDays: 1.5 } },
      [{ path: '$.deviations.maxExpiryDays', message: 'must be a whole number, not number 1.5' }],
    ],
    [
      'unknown unit type',
      { unitTypes: ['service'] },
      [
        {
          path: '$.unitTypes[0]',
          message:
            "must be one of '.service', '.socket', '.mount', '.swap', '.timer', '.path', '.slice', '.scope', '.target', '.device', '.automount', not 'service'",
        },
      ],
    ],
    [
      'zero range',
      { assessorOverrides: { PrivateTmp: { range: 0 } } },
      [{ path: '$.assessorOverrides.PrivateTmp.range', message: 'must be at least 1, not 0' }],
    ],
    // Checks after the schema.
    [
      'unknown capability',
      { profiles: { api: { allowedCapabilities: ['CAP_NET_BIND_SERVICE', 'CAP_NET_BIND'] } } },
      [
        {
          path: '$.profiles.api.allowedCapabilities[1]',
          message: "unknown capability 'CAP_NET_BIND' in systemd 252 (did you mean 'CAP_NET_BIND_SERVICE'?)",
        },
      ],
    ],
    [
      'unknown address family',
      { profiles: { api: { allowedAddressFamilies: ['AF_INET7'] } } },
      [
        {
          path: '$.profiles.api.allowedAddressFamilies[0]',
          message: "unknown address family 'AF_INET7' in systemd 252 (did you mean 'AF_INET'?)",
        },
      ],
    ],
    [
      'unknown default profile',
      { defaultProfile: 'api' },
      [{ path: '$.defaultProfile', message: "unknown profile 'api' (did you mean 'api-service'?)" }],
    ],
    [
      'unknown profile in units[]',
      { units: [{ match: '*', profile: 'wrker' }] },
      [{ path: '$.units[0].profile', message: "unknown profile 'wrker' (did you mean 'worker'?)" }],
    ],
    [
      'unknown extends',
      { profiles: { api: { extends: 'nothing-like-it' } } },
      [
        {
          path: '$.profiles.api.extends',
          message:
            "unknown profile 'nothing-like-it' (allowed: baseline, api-service, worker, scheduler, api)",
        },
      ],
    ],
    [
      'a profile extending itself',
      { profiles: { a: { extends: 'a' } } },
      [{ path: '$.profiles.a.extends', message: 'profiles extend each other in a cycle: a → a' }],
    ],
    [
      'an extends cycle, reported once',
      { profiles: { a: { extends: 'b' }, b: { extends: 'c' }, c: { extends: 'a' }, d: { extends: 'a' } } },
      [{ path: '$.profiles.a.extends', message: 'profiles extend each other in a cycle: a → b → c → a' }],
    ],
    [
      'a cycle through the implicit baseline parent',
      { profiles: { baseline: { extends: 'legacy' }, legacy: {} } },
      [
        {
          path: '$.profiles.baseline.extends',
          message:
            'profiles extend each other in a cycle: baseline → legacy → baseline (a profile without `extends` starts from `baseline`)',
        },
      ],
    ],
    [
      'removing a directive the parent does not require',
      { profiles: { api: { extends: 'api-service', removeDirectives: ['MemoryDenyWriteExecut'] } } },
      [
        {
          path: '$.profiles.api.removeDirectives[0]',
          message:
            "'MemoryDenyWriteExecut' is not among the required directives of 'api-service' (did you mean 'MemoryDenyWriteExecute'?)",
        },
      ],
    ],
    [
      'every error at once, in file order',
      { mode: 'x', treshold: 1, units: [{ match: '' }] },
      [
        { path: '$.mode', message: "must be one of 'enforce', 'report', 'ratchet', not 'x'" },
        { path: '$.treshold', message: "unknown key 'treshold' (did you mean 'threshold'?)" },
        { path: '$.units[0]', message: "missing required key 'profile'" },
        { path: '$.units[0].match', message: 'must not be empty' },
      ],
    ],
  ])('%s', (_, policy, expected) => {
    expect(errorsOf(policy)).toEqual(expected);
  });

  it.each([
    ['{"threshold": 5,}', '$', "not valid JSON: trailing comma before '}'", 1, 16],
    [
      '{\n  "threshold": 5,\n  "threshold": 6\n}',
      '$.threshold',
      "duplicate key 'threshold': JSON keeps only the last one, so remove one of them",
      3,
      3,
    ],
    ['', '$', 'not valid JSON: the file is empty; expected a JSON object', 1, 1],
  ])('bad JSON %j: %s %s at %i:%i', (text, path, message, line, column) => {
    expect(loadPolicy(text, 'unitgate.json')).toEqual({
      ok: false,
      errors: [{ file: 'unitgate.json', path, message, line, column }],
    });
  });

  it('points at the line and column of the offending key, or of the object that lacks one', () => {
    const text = [
      '{',
      '  "profiles": {',
      '    "api": {',
      '      "extends": "api-service",',
      '      "treshold": 3',
      '    }',
      '  },',
      '  "units": [',
      '    { "match": "deploy/**" }',
      '  ]',
      '}',
    ].join('\n');
    const result = loadPolicy(text, '.github/unitgate.json');
    if (result.ok) throw new Error('expected errors');
    expect(result.errors.map(formatPolicyError)).toEqual([
      ".github/unitgate.json:5:7: $.profiles.api.treshold: unknown key 'treshold' (did you mean 'threshold'?)",
      ".github/unitgate.json:9:5: $.units[0]: missing required key 'profile'",
    ]);
  });

  it('formats an error without a position as FILE: PATH: message', () => {
    expect(formatPolicyError({ file: 'p.json', path: '$.mode', message: 'bad' })).toBe('p.json: $.mode: bad');
  });
});

describe('policies/schema.json', () => {
  type Node = Record<string, unknown>;
  const walk = (node: unknown, at: string, visit: (n: Node, at: string) => void): void => {
    if (typeof node !== 'object' || node === null) return;
    if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${at}[${i}]`, visit));
    visit(node as Node, at);
    for (const [k, v] of Object.entries(node))
      if (k !== 'enum' && k !== 'default' && k !== 'examples') walk(v, `${at}/${k}`, visit);
  };

  it('has an $id and is valid draft-07 for ajv (strict, knowing only the annotations of the rules’ lists)', () => {
    expect(schema.$id).toBe('https://github.com/unitgate/unitgate/blob/main/policies/schema.json');
    expect(() => policySchemaAjv().compile(schema)).not.toThrow();
  });

  it('closes every object (additionalProperties: false) and describes every property', () => {
    const problems: string[] = [];
    walk(schema, '#', (n, at) => {
      if (n.type === 'object' && n.properties && n.additionalProperties !== false)
        problems.push(`${at}: open object`);
      if (n.properties) {
        for (const [key, p] of Object.entries(n.properties as Record<string, Node>)) {
          const target =
            typeof p.$ref === 'string'
              ? (schema.definitions as Record<string, Node>)[p.$ref.replace('#/definitions/', '')]
              : p;
          if (typeof target?.description !== 'string' || target.description === '')
            problems.push(`${at}/${key}: no description`);
        }
      }
      // Error messages read "must be <description>, e.g. <example>" for values that fail a pattern.
      if (
        typeof n.pattern === 'string' &&
        (typeof n.description !== 'string' || !Array.isArray(n.examples))
      ) {
        problems.push(`${at}: pattern without description and examples`);
      }
    });
    expect(problems).toEqual([]);
  });

  it('refuses an override of a row the policy’s release does not have (a row only later releases have)', () => {
    // The schema lists every release's rows; a release without the row must not silently ignore it.
    const rows = systemdRelease(252).data.assessors;
    const at = rows.findIndex((a) => a.jsonField === 'ProtectClock');
    const [removed] = rows.splice(at, 1);
    try {
      expect(errorsOf({ systemdVersion: 252, assessorOverrides: { ProtectClock: { weight: 1 } } })).toEqual([
        {
          path: '$.assessorOverrides.ProtectClock',
          message: "systemd 252 has no assessor 'ProtectClock' (did you mean 'ProtectProc'?)",
        },
      ]);
      expect(
        load({
          systemdVersion: 257,
          assessorOverrides: { ProtectClock: { weight: 1 } },
        }).assessorOverrides.get('ProtectClock'),
      ).toEqual({ weight: 1 });
    } finally {
      if (removed) rows.splice(at, 0, removed);
    }
  });

  it("lists every supported release's assessor json_fields, a row only some releases have included", () => {
    const union = SUPPORTED_VERSIONS.flatMap((v) => systemdRelease(v).data.assessors.map((a) => a.jsonField));
    expect(schema.properties.assessorOverrides.propertyNames.enum).toEqual(assessorFields());
    expect(new Set(assessorFields())).toEqual(new Set(union));
  });
});

describe('the ahead-of-time policy validator (policy-validator.generated.ts)', () => {
  // scripts/generate-validators.mjs --check (in CI) proves the file is what the generator writes; this
  // proves it judges documents as ajv compiling the schema now would, errors and all.
  const compiled = policySchemaAjv(POLICY_VALIDATOR_OPTIONS).compile(schema);
  const generated = generatedValidator as unknown as typeof compiled;
  it.each([
    ['an empty policy', {}],
    ['a wrong type and an unknown key', { threshold: 'high', tresholds: 3 }],
    ['a bad profile', { profiles: { api: { extends: 7, threshold: 11, forbiddenDirectives: [1] } } }],
    ['a bad unit entry', { units: [{ match: '', profile: 'x', extra: true }] }],
    ['a bad deviation policy', { deviations: { maxExpiryDays: -1, owners: 'me' } }],
    ['not an object', [1, 2]],
  ])('%s', (_name, doc) => {
    expect(generated(doc)).toBe(compiled(doc));
    expect(generated.errors ?? null).toEqual(compiled.errors ?? null);
  });
});

describe('built-in profiles (policies/profiles/*.json)', () => {
  const ajv = policySchemaAjv({ allErrors: true });
  ajv.addSchema(schema);
  const validateProfile = ajv.compile({ $ref: `${schema.$id}#/definitions/profile` });

  it.each([...BUILT_IN_PROFILES])('%s validates against #/definitions/profile', (name, doc) => {
    expect(validateProfile(doc) ? [] : validateProfile.errors).toEqual([]);
    expect(doc.description).toMatch(/\S/);
  });

  it.each([...BUILT_IN_PROFILES])('%s loads as a user profile of a policy', (name, doc) => {
    expect(profile(load({ profiles: { [`copy-of-${name}`]: doc } }), `copy-of-${name}`)).toMatchObject({
      requiredDirectives: doc.requiredDirectives,
    });
  });
});
