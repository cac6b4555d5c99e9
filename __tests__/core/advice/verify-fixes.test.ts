// Advice that is right (issue 8, part 3): every fix the gate offers is checked here independently of
// the code that made it — the fix is written as a drop-in next to the unit, the gate is run again on
// that tree, and the exposure it states must be the re-scored one and the violation it targets must be
// gone. Fixes never take away what the profile allows; suggestions re-score with the policy's
// assessor overrides; locations cite head lines for added lines and base lines for removed ones.
import { collectFindings, findingsByUnit } from '../../../src/core/gate/findings';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SecuritySettings } from '../../../src/core/security/settings';
import { builtInPolicy } from '../../../src/core/policy/load-policy';
import type { GatePolicy } from '../../../src/core/policy/policy-types';
import type { GateVerdict, UnitResult, Violation } from '../../../src/core/gate/gate-types';
import {
  FIX_DROP_IN_NAME,
  lossesAgainstProfile,
  MAX_UNITS_WITH_FIXES,
} from '../../../src/core/advice/verify-fixes';
import { groupByCause, deviationBlocks } from '../../../src/core/report/causes';
import { renderPullRequestComment } from '../../../src/core/report/pr-comment';
import { buildAnnotations } from '../../../src/core/report/annotations';
import { renderSarif } from '../../../src/core/report/sarif';
import { renderJsonReport } from '../../../src/core/report/json-report';
import { renderJobSummary } from '../../../src/core/report/job-summary';
import { planSuggestions } from '../../../src/core/report/suggestions';
import { systemdRelease } from '../../../src/core/security/versions';
import { memoryTree } from '../../../src/core/unit/unit-tree';
import { runGatePipeline, type PipelineInput } from '../../../src/io/gate-pipeline';

type Files = Record<string, string>;
const TODAY = '2025-06-01';
const UNIT_PATH = 'deploy/app.service';

function policyFor(profile: string, tweak?: (p: GatePolicy) => void): GatePolicy {
  const policy = builtInPolicy();
  policy.defaultProfile = profile;
  tweak?.(policy);
  return policy;
}

function run(head: Files, policy: GatePolicy, base?: Files) {
  const input: PipelineInput = {
    head: { tree: memoryTree(head), paths: Object.keys(head) },
    policy,
    approvals: [],
    today: TODAY,
    messages: [],
  };
  if (base) {
    input.base = { tree: memoryTree(base), paths: Object.keys(base) };
    const paths = [...new Set([...Object.keys(base), ...Object.keys(head)])];
    input.changed = paths
      .filter((p) => base[p] !== head[p])
      .map((p) => ({ path: p, status: base[p] === undefined ? ('added' as const) : ('modified' as const) }));
  }
  return runGatePipeline(input);
}

function unitOf(verdict: GateVerdict): UnitResult {
  const u = verdict.units.find((x) => x.path === UNIT_PATH);
  if (!u) throw new Error('unit not in the verdict');
  return u;
}

/** The head files with a fix saved as a drop-in that sorts after the unit's own. */
function withFix(head: Files, lines: readonly string[]): Files {
  return { ...head, [`${UNIT_PATH}.d/${FIX_DROP_IN_NAME}`]: ['[Service]', ...lines, ''].join('\n') };
}

function service(...lines: string[]): string {
  return ['[Unit]', 'Description=app', '', '[Service]', 'ExecStart=/usr/bin/app', ...lines, ''].join('\n');
}

const WORKER_LIKE = service('User=app', 'NoNewPrivileges=yes', 'ProtectSystem=strict');
const ROOT_BARE = service();
const HALF = service(
  'User=app',
  'NoNewPrivileges=yes',
  'ProtectSystem=full',
  'PrivateTmp=yes',
  'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK',
  'CapabilityBoundingSet=CAP_NET_BIND_SERVICE CAP_SYS_ADMIN',
  'AmbientCapabilities=CAP_NET_BIND_SERVICE',
);
const STRICT = service(
  'User=app',
  'NoNewPrivileges=yes',
  'ProtectSystem=strict',
  'ProtectHome=yes',
  'PrivateTmp=yes',
  'PrivateDevices=yes',
  'PrivateNetwork=yes',
  'RestrictAddressFamilies=AF_UNIX',
  'SystemCallFilter=@system-service',
);

const PROFILES = ['worker', 'api-service', 'scheduler', 'baseline'];
const HEAD_ONLY: [string, string][] = [
  ['a worker-like unit', WORKER_LIKE],
  ['a bare root unit', ROOT_BARE],
  ['a half-hardened unit with capabilities', HALF],
];

describe('every fix is verified: the stated exposure is the re-scored one, and its target passes', () => {
  const cases = HEAD_ONLY.flatMap(([name, text]) => PROFILES.map((p) => [name, p, text] as const));
  it.each(cases)('%s, profile %s', (_name, profile, text) => {
    const policy = policyFor(profile);
    const head = { [UNIT_PATH]: text };
    const u = unitOf(run(head, policy).verdict);
    let checked = 0;
    for (const v of u.violations) {
      if (!v.fix || v.fix.directives.length === 0) continue;
      const fixed = unitOf(run(withFix(head, v.fix.directives), policy).verdict);
      expect(fixed.head?.exposure).toBe(v.fix.exposureAfter);
      const still = fixed.violations.filter((x) => x.kind === v.kind && x.check === v.check);
      expect(still).toEqual([]);
      checked++;
    }
    if (u.violations.some((v) => v.kind !== 'load-error')) expect(checked).toBeGreaterThan(0);
  });

  it.each([
    ['removed ProtectSystem=strict', STRICT.replace('ProtectSystem=strict\n', '')],
    [
      'removed PrivateNetwork=yes and the family list',
      STRICT.replace('PrivateNetwork=yes\nRestrictAddressFamilies=AF_UNIX\n', ''),
    ],
    ['weakened ProtectSystem=strict to full', STRICT.replace('ProtectSystem=strict', 'ProtectSystem=full')],
    [
      'widened the system call filter',
      STRICT.replace('SystemCallFilter=@system-service', 'SystemCallFilter=@system-service @privileged'),
    ],
  ])('regression fixes (%s) bring each regression back, re-scored', (_name, headText) => {
    const policy = policyFor('baseline');
    const base = { [UNIT_PATH]: STRICT };
    const head = { [UNIT_PATH]: headText };
    const u = unitOf(run(head, policy, base).verdict);
    const regressions = u.violations.filter((v) => v.kind.startsWith('regression'));
    expect(regressions.length).toBeGreaterThan(0);
    for (const v of regressions) {
      expect(v.fix?.directives.length).toBeGreaterThan(0);
      const fixed = unitOf(run(withFix(head, v.fix?.directives ?? []), policy, base).verdict);
      expect(fixed.head?.exposure).toBe(v.fix?.exposureAfter);
      expect(fixed.violations.filter((x) => x.kind === v.kind && x.check === v.check)).toEqual([]);
    }
  });
});

describe('fixes never take away what the profile allows (8.13)', () => {
  const worker = policyFor('worker');
  const systemd = systemdRelease(worker.systemdVersion);
  const settingsOf = (files: Files): SecuritySettings => {
    const { scope } = run(files, worker);
    const s = scope.find((x) => x.path === UNIT_PATH)?.head?.settings;
    if (!s) throw new Error('not scored');
    return s;
  };
  it.each(HEAD_ONLY)('worker profile, %s: no fix cuts the network or an allowed family', (_n, text) => {
    const head = { [UNIT_PATH]: text };
    const u = unitOf(run(head, worker).verdict);
    const before = settingsOf(head);
    for (const v of u.violations) {
      const lines = v.fix?.directives ?? [];
      expect(lines).not.toContain('PrivateNetwork=yes');
      expect(lines.filter((l) => l.startsWith('IPAddressDeny='))).toEqual([]);
      expect(lines.filter((l) => /^RestrictAddressFamilies=~.*AF_INET/.test(l))).toEqual([]);
      if (lines.length === 0) continue;
      const after = settingsOf(withFix(head, lines));
      const profile = worker.profiles.get('worker');
      if (!profile) throw new Error('no worker profile');
      expect(lossesAgainstProfile(before, after, profile, systemd)).toEqual([]);
    }
  });

  it('the threshold fix for a worker states the re-scored exposure and keeps AF_INET (issue: "2.4" was 3.0)', () => {
    const head = { [UNIT_PATH]: WORKER_LIKE };
    const u = unitOf(run(head, worker).verdict);
    const t = u.violations.find((v) => v.kind === 'threshold') as Violation;
    expect(t.fix?.exposureAfter).toBe(25); // systemd-analyze 252 with the same drop-in: 2.5
    expect(t.fix?.explanation).toContain('scores 2.5 (re-scored), at or below the threshold 2.5');
    const fixed = unitOf(run(withFix(head, t.fix?.directives ?? []), worker).verdict);
    expect(fixed.head?.exposure).toBe(25);
    expect(fixed.violations.find((v) => v.kind === 'threshold')).toBeUndefined();
  });

  it('a profile that allows a capability keeps it: the capability fix resets to exactly the allowed ones', () => {
    const policy = policyFor('worker', (p) => {
      const w = p.profiles.get('worker');
      if (w) w.allowedCapabilities = ['CAP_NET_BIND_SERVICE'];
    });
    const head = { [UNIT_PATH]: HALF };
    const u = unitOf(run(head, policy).verdict);
    const cap = u.violations.find((v) => v.kind === 'forbidden-capability') as Violation;
    expect(cap.fix?.directives).toEqual([
      'CapabilityBoundingSet=',
      'CapabilityBoundingSet=CAP_NET_BIND_SERVICE',
      'AmbientCapabilities=',
      'AmbientCapabilities=CAP_NET_BIND_SERVICE',
    ]);
    for (const v of u.violations) {
      const lines = v.fix?.directives ?? [];
      expect(lines.some((l) => /^CapabilityBoundingSet=~.*CAP_NET_BIND_SERVICE/.test(l))).toBe(false);
      if (lines.length === 0) continue;
      const after = run(withFix(head, lines), policy).scope[0]?.head?.settings;
      const before = run(head, policy).scope[0]?.head?.settings;
      const profile = policy.profiles.get('worker');
      if (!after || !before || !profile) throw new Error('not scored');
      expect(lossesAgainstProfile(before, after, profile, systemdRelease(policy.systemdVersion))).toEqual([]);
    }
  });
});

describe('suggestions re-score with the policy assessor overrides (8.11)', () => {
  const base = { [UNIT_PATH]: service('NoNewPrivileges=yes', 'ProtectSystem=strict', 'PrivateTmp=yes') };
  const head = { [UNIT_PATH]: service('NoNewPrivileges=yes', 'PrivateTmp=yes') };
  const patch = ['@@ -6,3 +6,2 @@', ' NoNewPrivileges=yes', '-ProtectSystem=strict', ' PrivateTmp=yes'].join(
    '\n',
  );
  it.each([
    ['no overrides', new Map()],
    ['a root service whose UserOrDynamicUser row weighs 1', new Map([['UserOrDynamicUser', { weight: 1 }]])],
    ['heavier ProtectSystem', new Map([['ProtectSystem', { weight: 5000 }]])],
    // With the overrides the head scores near 0; without them the restored unit scores ~8: the old
    // comparison (one side with, one without) dropped the suggestion.
    ['a passing row weighs 100000', new Map([['NoNewPrivileges', { weight: 100000 }]])],
  ])('%s: the removed line is suggested back', (_name, overrides) => {
    const policy = policyFor('baseline', (p) => {
      p.assessorOverrides = overrides;
    });
    const { verdict, scope } = run(head, policy, base);
    expect(verdict.result).toBe('fail');
    const suggestions = planSuggestions(verdict, scope, new Map([[UNIT_PATH, patch]]));
    expect(suggestions.map((s) => s.replacement)).toEqual([['NoNewPrivileges=yes', 'ProtectSystem=strict']]);
  });
});

describe('locations: head lines for added or changed lines, base lines for removed ones (8.12)', () => {
  const policy = policyFor('baseline');
  const dropIn = `${UNIT_PATH}.d/override.conf`;
  it.each([
    // [name, base files, head files, row, expected location]
    [
      'a removed line: the base line',
      { [UNIT_PATH]: service('User=app', 'ProtectSystem=strict', 'PrivateTmp=yes') },
      { [UNIT_PATH]: service('User=app', 'PrivateTmp=yes') },
      'ProtectSystem',
      { file: UNIT_PATH, line: 7, side: 'base', headAnchor: { file: UNIT_PATH, line: 4, column: 1 } },
    ],
    [
      'a changed value: the head line',
      { [UNIT_PATH]: service('User=app', 'PrivateTmp=yes', 'ProtectSystem=strict') },
      { [UNIT_PATH]: service('User=app', 'PrivateTmp=yes', 'Environment=A=1', 'ProtectSystem=full') },
      'ProtectSystem',
      { file: UNIT_PATH, line: 9 },
    ],
    [
      'a line removed from a drop-in while the main file keeps a weaker one: the drop-in line at base',
      {
        [UNIT_PATH]: service('User=app', 'ProtectSystem=full'),
        [dropIn]: '[Service]\nPrivateTmp=yes\nProtectSystem=strict\n',
      },
      { [UNIT_PATH]: service('User=app', 'ProtectSystem=full'), [dropIn]: '[Service]\nPrivateTmp=yes\n' },
      'ProtectSystem',
      { file: dropIn, line: 3, side: 'base', headAnchor: { file: dropIn, line: 1, column: 1 } },
    ],
    [
      'a line removed from a drop-in with a [Unit] section first: anchored on its [Service] header',
      {
        [UNIT_PATH]: service('User=app'),
        [dropIn]: '[Unit]\nDocumentation=man:app(8)\n\n[Service]\nPrivateTmp=yes\nProtectSystem=strict\n',
      },
      {
        [UNIT_PATH]: service('User=app'),
        [dropIn]: '[Unit]\nDocumentation=man:app(8)\n\n[Service]\nPrivateTmp=yes\n',
      },
      'ProtectSystem',
      { file: dropIn, line: 6, side: 'base', headAnchor: { file: dropIn, line: 4, column: 1 } },
    ],
    [
      'an added line (an improvement): the head line',
      { [UNIT_PATH]: service('User=app') },
      { [UNIT_PATH]: service('User=app', 'PrivateDevices=yes') },
      'PrivateDevices',
      { file: UNIT_PATH, line: 7 },
    ],
  ])('%s', (_name, base, head, row, expected) => {
    const u = unitOf(run(head, policy, base).verdict);
    const change = u.changes.find((c) => c.jsonField === row);
    expect(change?.location).toMatchObject(expected);
    if (!('side' in expected)) expect(change?.location.side).toBeUndefined();
    const v = u.violations.find((x) => x.kind === 'regression-row' && x.check === row);
    if (v) expect(v.location).toEqual(change?.location);
  });

  it('outputs that can only point at head place a base line at its head anchor and name it', () => {
    const base = { [UNIT_PATH]: service('User=app', 'ProtectSystem=strict', 'PrivateTmp=yes') };
    const head = { [UNIT_PATH]: service('User=app', 'PrivateTmp=yes') };
    const { verdict } = run(head, policy, base);
    const row = buildAnnotations(collectFindings(verdict)).find((a) =>
      a.title.startsWith('Hardening regressed: ProtectSystem'),
    );
    expect(row).toMatchObject({ path: UNIT_PATH, startLine: 4 });
    expect(row?.message).toContain(`(removed line ${UNIT_PATH}:7 at the base commit)`);
    const sarif = renderSarif(verdict, {
      toolVersion: '0',
      category: 'unitgate',
      informationUri: 'https://x/',
    });
    const lines = sarif.runs[0]?.results.map((r) => r.locations[0]?.physicalLocation.region.startLine);
    expect(lines).not.toContain(7);
    const json = renderJsonReport(verdict, { toolVersion: '0' });
    const change = json.units[0]?.changes.find((c) => c.jsonField === 'ProtectSystem');
    // The report keeps the head anchor too, for tools that can only point at head.
    expect(change?.location).toEqual({
      file: UNIT_PATH,
      line: 7,
      column: 1,
      side: 'base',
      headAnchor: { file: UNIT_PATH, line: 4, column: 1 },
    });
    const summary = renderJobSummary(verdict, { blobUrl: 'https://h/', baseBlobUrl: 'https://b/' });
    expect(summary).toContain(`(https://b/${UNIT_PATH}#L7) (base)`);
    expect(summary).not.toContain(`https://h/${UNIT_PATH}#L7`);
  });

  it('the comment links a base line at the base commit and a head line at head', () => {
    const base = { [UNIT_PATH]: service('User=app', 'ProtectSystem=strict', 'PrivateTmp=yes') };
    const head = { [UNIT_PATH]: service('User=app', 'PrivateTmp=yes', 'ProtectHome=read-only') };
    const { verdict } = run(head, policy, base);
    const md = renderPullRequestComment(verdict, { blobUrl: 'https://h/', baseBlobUrl: 'https://b/' });
    expect(md).toContain(`removed in [\`${UNIT_PATH}:7\`](https://b/${UNIT_PATH}#L7) (base)`);
    expect(md).toContain(`at [\`${UNIT_PATH}:8\`](https://h/${UNIT_PATH}#L8)`);
    expect(md).not.toContain(`https://h/${UNIT_PATH}#L7`);
  });
});

describe('the capability violation is on the line that grants the capability (8.12)', () => {
  const policy = policyFor('worker');
  const dropIn = `${UNIT_PATH}.d/caps.conf`;
  it.each([
    [
      'a later drop-in adds CAP_SYS_ADMIN to the bounding set',
      {
        [UNIT_PATH]: service('User=app', 'CapabilityBoundingSet=', 'AmbientCapabilities='),
        [dropIn]: '[Service]\nCapabilityBoundingSet=CAP_SYS_ADMIN\n',
      },
      { file: dropIn, line: 2 },
    ],
    [
      'the ambient set grants it, the bounding set line comes later',
      {
        [UNIT_PATH]: service(
          'User=app',
          'AmbientCapabilities=CAP_NET_ADMIN',
          'CapabilityBoundingSet=CAP_NET_ADMIN',
        ),
      },
      // Both lines put CAP_NET_ADMIN in a set; the one applied last decides.
      { file: UNIT_PATH, line: 8 },
    ],
    [
      'the bounding set is emptied, then AmbientCapabilities= grants it (not the bounding line)',
      {
        [UNIT_PATH]: service(
          'User=app',
          'AmbientCapabilities=CAP_NET_RAW',
          'CapabilityBoundingSet=~CAP_NET_RAW CAP_SYS_ADMIN',
          'CapabilityBoundingSet=',
        ),
      },
      { file: UNIT_PATH, line: 7 },
    ],
    [
      'a first `~` list grants everything it does not name',
      { [UNIT_PATH]: service('User=app', 'CapabilityBoundingSet=~CAP_SYS_ADMIN') },
      { file: UNIT_PATH, line: 7 },
    ],
    [
      'no capability line at all: the [Service] header',
      { [UNIT_PATH]: service('User=app') },
      { file: UNIT_PATH, line: 4 },
    ],
  ])('%s', (_name, head, expected) => {
    const u = unitOf(run(head, policy).verdict);
    const v = u.violations.find((x) => x.kind === 'forbidden-capability');
    expect(v?.location).toMatchObject(expected);
  });
});

describe('one item per cause, with one fix and a deviation block (8.15)', () => {
  const policy = policyFor('api-service');
  const hardened = [
    'User=app',
    'NoNewPrivileges=yes',
    'ProtectHome=yes',
    'PrivateTmp=yes',
    'PrivateDevices=yes',
    'ProtectKernelTunables=yes',
    'ProtectKernelModules=yes',
    'ProtectControlGroups=yes',
  ];
  const base = { [UNIT_PATH]: service(...hardened, 'ProtectSystem=strict') };
  const head = { [UNIT_PATH]: service(...hardened) };

  it('a removed ProtectSystem=strict: row regression, exposure rise and missing requirement are one item', () => {
    const { verdict } = run(head, policy, base);
    const u = unitOf(verdict);
    const kinds = u.violations
      .filter((v) => v.cause === 'ProtectSystem')
      .map((v) => v.kind)
      .sort();
    expect(kinds).toEqual(['missing-directive', 'regression-exposure', 'regression-row']);
    const items = groupByCause(findingsByUnit(collectFindings(verdict)).get(u.path) ?? []).filter(
      (i) => i.cause === 'ProtectSystem',
    );
    expect(items).toHaveLength(1);
    expect(items[0]?.fixes.map((f) => f.directives)).toEqual([['ProtectSystem=strict']]);
    const md = renderPullRequestComment(verdict);
    // Fixes in one comment never set one directive two ways.
    const values = new Set(md.match(/^\s*ProtectSystem=\S+$/gm)?.map((l) => l.trim()));
    expect([...values]).toEqual(['ProtectSystem=strict']);
  });

  it('each failing unit gets a ready-to-paste deviation block within maxExpiryDays', () => {
    const { verdict } = run(head, policy, base);
    expect(verdict.latestExpiry).toBe('2025-11-28'); // 2025-06-01 + 180 days
    const blocks = deviationBlocks(
      unitOf(verdict),
      findingsByUnit(collectFindings(verdict)).get(unitOf(verdict).path) ?? [],
      verdict.latestExpiry,
    );
    const block = blocks.find((b) => b.includes('check: ProtectSystem'));
    expect(block).toBe(
      [
        '```unitgate-deviation',
        `unit: ${UNIT_PATH}`,
        'check: ProtectSystem',
        'reason: <fill in: why the service needs this>',
        'owner: <fill in: an owner the policy names>',
        'expires: 2025-11-28',
        '```',
      ].join('\n'),
    );
    expect(renderPullRequestComment(verdict)).toContain(block);
    // One block per check: the cause's three findings need one note.
    expect(blocks.filter((b) => b.includes('check: ProtectSystem'))).toHaveLength(1);
  });
});

describe('fixes in one comment agree (8.15)', () => {
  it("a rise of several rows is fixed by those rows' fixes, and needs no deviation block of its own", () => {
    const unit = readFileSync(join(__dirname, '../../../examples/units/api.service'), 'utf8');
    const base = { [UNIT_PATH]: unit };
    const head = {
      [UNIT_PATH]: unit,
      [`${UNIT_PATH}.d/override.conf`]:
        '[Service]\nCapabilityBoundingSet=CAP_NET_BIND_SERVICE\nProtectSystem=full\n',
    };
    const policy = policyFor('api-service');
    const { verdict } = run(head, policy, base);
    const u = unitOf(verdict);
    const rise = u.violations.find((v) => v.kind === 'regression-exposure') as Violation;
    const rowLines = u.violations
      .filter((v) => v.kind === 'regression-row')
      .flatMap((v) => v.fix?.directives ?? []);
    expect(rise.fix?.directives).toEqual(['CapabilityBoundingSet=', 'ProtectSystem=strict']);
    for (const l of rise.fix?.directives ?? []) expect(rowLines).toContain(l);
    // systemd-analyze 252 with these lines as a last drop-in: 1.4, the base score.
    expect(rise.fix?.exposureAfter).toBe(u.base?.exposure);
    const checks = deviationBlocks(
      u,
      findingsByUnit(collectFindings(verdict)).get(u.path) ?? [],
      verdict.latestExpiry,
    ).map((b) => /check: (\S+)/.exec(b)?.[1]);
    expect(checks.sort()).toEqual(['CapabilityBoundingSet', 'ProtectSystem']);
  });
});

describe('verification is bounded', () => {
  it(`fixes are verified for the first ${MAX_UNITS_WITH_FIXES} failing units; later ones say so and offer no guess`, () => {
    const files: Files = {};
    for (let i = 0; i <= MAX_UNITS_WITH_FIXES; i++)
      files[`u/s${String(i).padStart(4, '0')}.service`] = service(`User=u${i}`);
    const { verdict } = run(files, policyFor('worker'));
    const withFixes = verdict.units.filter((u) =>
      u.violations.some((v) => (v.fix?.directives.length ?? 0) > 0),
    );
    expect(withFixes).toHaveLength(MAX_UNITS_WITH_FIXES);
    const last = verdict.units.at(-1) as UnitResult;
    const threshold = last.violations.find((v) => v.kind === 'threshold');
    expect(threshold?.fix).toEqual({
      directives: [],
      explanation: expect.stringContaining('No fix computed'),
    });
  });
});
