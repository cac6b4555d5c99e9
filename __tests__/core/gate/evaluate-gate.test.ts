// The gate's verdict on one unit and on the policy file: what a profile's checks, a regression and a
// change to the policy make the run say, where, and whether it fails. Each row is a pull request in
// miniature: the unit at base and head, the profile or policy, and the reviews.
import {
  evaluateGate,
  type Approval,
  type GateInput,
  type UnitSide,
} from '../../../src/core/gate/evaluate-gate';
import type { GateVerdict, Violation } from '../../../src/core/gate/gate-types';
import { scoreUnit } from '../../../src/core/gate/score-units';
import { builtInPolicy } from '../../../src/core/policy/load-policy';
import type { PolicyDifference } from '../../../src/core/policy/compare-policies';
import type { GateMode, GatePolicy, Profile } from '../../../src/core/policy/policy-types';
import { systemdRelease } from '../../../src/core/security/versions';
import { memoryTree } from '../../../src/core/unit/unit-tree';

const PATH = 'deploy/api.service';
const HEADER = '[Unit]\nDescription=api\n[Service]\nExecStart=/usr/bin/api\n';
const HEAD_SHA = 'c0ffee2222222222222222222222222222222222';

const DROP_IN = 'deploy/api.service.d/harden.conf';

/** The unit scored from its main file text, and a drop-in's when given. */
function side(text: string, dropIn?: string): UnitSide {
  const locator = {
    unitName: 'api.service',
    fileName: 'api.service',
    repoPath: PATH,
    searchPath: ['/deploy'],
  };
  const files = { [PATH]: text, ...(dropIn !== undefined ? { [DROP_IN]: dropIn } : {}) };
  return scoreUnit(memoryTree(files), locator, systemdRelease(252)).side;
}

const LAX: Profile = { name: 'lax', description: '', threshold: 100, requiredDirectives: [] };

function policyWith(
  opts: {
    profile?: Profile;
    mode?: GateMode;
    rows?: boolean;
    exposure?: boolean;
    owners?: string[];
    signoff?: GatePolicy['signoff'];
    maxExpiryDays?: number;
  } = {},
): GatePolicy {
  const profile = opts.profile ?? LAX;
  const base = builtInPolicy();
  return {
    ...base,
    mode: opts.mode ?? 'enforce',
    regression: { exposure: opts.exposure ?? false, rows: opts.rows ?? false },
    defaultProfile: profile.name,
    profiles: new Map([[profile.name, profile]]),
    units: [],
    deviations: {
      ...base.deviations,
      owners: opts.owners ?? [],
      ...(opts.maxExpiryDays !== undefined ? { maxExpiryDays: opts.maxExpiryDays } : {}),
    },
    signoff: opts.signoff ?? [],
  };
}

function run(
  head: string | UnitSide | undefined,
  opts: Parameters<typeof policyWith>[0] & { base?: string; extra?: Partial<GateInput> } = {},
): GateVerdict {
  const units: GateInput['units'] = [];
  if (head !== undefined || opts.base !== undefined) {
    units.push({
      path: PATH,
      change: head === undefined ? 'deleted' : opts.base === undefined ? 'added' : 'modified',
      ...(head !== undefined ? { head: typeof head === 'string' ? side(head) : head } : {}),
      ...(opts.base !== undefined ? { base: side(opts.base) } : {}),
    });
  }
  return evaluateGate({
    policy: policyWith(opts),
    systemd: systemdRelease(252),
    units,
    approvals: [],
    today: '2026-12-06',
    ...opts.extra,
  });
}

const findings = (v: GateVerdict): Violation[] => v.units[0]?.violations ?? [];

describe('profile checks as findings', () => {
  const profile = (p: Partial<Profile>): Profile => ({ ...LAX, name: 'tight', ...p });

  it.each<[string, string, Partial<Profile>, Partial<Violation> & { says: string[]; line: number }]>([
    [
      'a required namespace restriction is not met by RestrictNamespaces=no',
      'RestrictNamespaces=no',
      { requiredDirectives: ['RestrictNamespaces=~user'] },
      {
        kind: 'missing-directive',
        says: [
          'the tight profile requires `RestrictNamespaces=~user`',
          'the unit has `RestrictNamespaces=cgroup ipc net mnt pid user uts`',
        ],
        line: 5,
      },
    ],
    [
      'one capability beyond the allow list, named in the singular',
      'CapabilityBoundingSet=CAP_NET_BIND_SERVICE CAP_NET_RAW',
      { allowedCapabilities: ['CAP_NET_BIND_SERVICE'] },
      {
        kind: 'forbidden-capability',
        says: ['keeps 1 capability the tight profile does not allow: CAP_NET_RAW'],
        line: 5,
      },
    ],
    [
      'an unrestricted bounding set: the first eight capabilities, then an ellipsis, at the [Service] header',
      '',
      { allowedCapabilities: [] },
      {
        kind: 'forbidden-capability',
        says: [
          'capabilities the tight profile does not allow: CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER, CAP_FSETID, CAP_KILL, CAP_SETGID, CAP_SETUID, …',
        ],
        line: 3,
      },
    ],
    [
      'an ambient capability the profile does not allow, at the line that grants it',
      'CapabilityBoundingSet=CAP_NET_RAW\nAmbientCapabilities=CAP_NET_RAW',
      { allowedCapabilities: [] },
      { kind: 'forbidden-capability', says: ['CAP_NET_RAW'], line: 6 },
    ],
    [
      'no address family list: any family, against a profile that allows none',
      '',
      { allowedAddressFamilies: [] },
      {
        kind: 'forbidden-address-family',
        says: ['may open sockets of any address family; the tight profile allows none'],
        line: 3,
      },
    ],
    [
      'a family beyond the allow list',
      'RestrictAddressFamilies=AF_UNIX AF_PACKET',
      { allowedAddressFamilies: ['AF_UNIX'] },
      {
        kind: 'forbidden-address-family',
        says: ['may use address families the tight profile does not allow: AF_PACKET'],
        line: 5,
      },
    ],
  ])('%s', (_name, lines, p, want) => {
    const vs = findings(run(`${HEADER}${lines}\n`, { profile: profile(p) }));
    const v = vs.find((x) => x.kind === want.kind);
    expect(v).toBeDefined();
    for (const s of want.says) expect(v?.message).toContain(s);
    expect(v?.location).toMatchObject({ file: PATH, line: want.line });
    expect(v?.advisory).toBe(false);
  });

  it('report mode lists every profile finding as a warning and passes', () => {
    const verdict = run(`${HEADER}`, {
      mode: 'report',
      profile: profile({ requiredDirectives: ['NoNewPrivileges=yes'] }),
    });
    expect(findings(verdict).map((v) => [v.kind, v.advisory])).toEqual([['missing-directive', true]]);
    expect(verdict.result).toBe('pass');
  });
});

describe('regressions: what changed, said in the message', () => {
  it.each<[string, string, string, string, number]>([
    ['a line removed', 'ProtectSystem=strict\n', '', '`ProtectSystem=strict` removed', 5],
    [
      'a value weakened',
      'ProtectSystem=strict\n',
      'ProtectSystem=full\n',
      '`ProtectSystem=strict` → `ProtectSystem=full`',
      5,
    ],
    [
      // The last line is the same, but an earlier one adds a family: the finding is on the added line.
      'an earlier line of the same directive added',
      'RestrictAddressFamilies=AF_UNIX\n',
      'RestrictAddressFamilies=AF_PACKET\nRestrictAddressFamilies=AF_UNIX\n',
      '`RestrictAddressFamilies=` changed',
      5,
    ],
  ])('%s', (_name, base, head, says, line) => {
    const verdict = run(`${HEADER}${head}`, { base: `${HEADER}${base}`, rows: true, exposure: true });
    const rows = findings(verdict).filter((v) => v.kind === 'regression-row');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows[0]?.message).toContain(says);
    expect(findings(verdict).find((v) => v.kind === 'regression-exposure')?.message).toContain(`(${says})`);
    expect(verdict.result).toBe('fail');
    expect(rows[0]?.location.line).toBe(line);
  });
});

describe('a change to the policy file', () => {
  const loosen: PolicyDifference = {
    path: 'profiles.worker.threshold',
    before: '2.5',
    after: '6',
    loosens: true,
  };
  const tighten: PolicyDifference = { path: 'mode', before: 'ratchet', after: 'enforce', loosens: false };
  const approved: Approval = {
    login: 'olivia',
    teams: [],
    state: 'APPROVED',
    commitId: HEAD_SHA,
    submittedAt: '2026-12-01T10:00:00Z',
  };
  const facts = { author: 'mallory', headCommitAuthors: ['mallory'], headSha: HEAD_SHA };
  const change = (...differences: PolicyDifference[]) => ({ path: '.github/unitgate.json', differences });

  it.each<
    [string, Partial<GateInput>, string[], { result: 'pass' | 'fail'; finding?: string; message?: string }]
  >([
    ['no difference: nothing to say', { policyChange: change() }, [], { result: 'pass' }],
    [
      'a tightening is said, and passes',
      { policyChange: change(tighten) },
      [],
      { result: 'pass', message: 'This change tightens .github/unitgate.json:\nmode: ratchet → enforce' },
    ],
    [
      'a loosening approved by an owner on the head commit passes, and says who approved it',
      { policyChange: change(loosen, tighten), approvals: [approved], ...facts },
      ['@olivia'],
      {
        result: 'pass',
        message:
          'The loosening of .github/unitgate.json was approved by @olivia:\nprofiles.worker.threshold: 2.5 → 6 (looser)\nmode: ratchet → enforce',
      },
    ],
    [
      'a loosening without a review fails, naming the owners',
      { policyChange: change(loosen), ...facts },
      ['@olivia'],
      {
        result: 'fail',
        finding:
          'This change loosens .github/unitgate.json for every later pull request (profiles.worker.threshold); it needs an approving review of the head commit from @olivia (no review from @olivia).',
      },
    ],
    [
      'a loosening approved by its own author fails',
      { policyChange: change(loosen), approvals: [{ ...approved, login: 'mallory' }], ...facts },
      ['@mallory', '@olivia'],
      { result: 'fail', finding: "@mallory is the pull request's author" },
    ],
    [
      'a loosening when the base policy names no owners can never be approved',
      { policyChange: change(loosen), approvals: [approved], ...facts },
      [],
      {
        result: 'fail',
        finding: 'from an owner (the base policy names no deviations.owners who could approve it)',
      },
    ],
  ])('%s', (_name, extra, owners, want) => {
    const verdict = run(undefined, { owners, extra });
    expect(verdict.result).toBe(want.result);
    if (want.finding) {
      expect(verdict.runFindings).toHaveLength(1);
      expect(verdict.runFindings?.[0]).toMatchObject({ kind: 'policy-loosened', level: 'error' });
      expect(verdict.runFindings?.[0]?.message).toContain(want.finding);
    } else expect(verdict.runFindings).toBeUndefined();
    if (want.message) expect(verdict.messages).toContain(want.message);
    else if (!want.finding) expect(verdict.messages).toEqual([]);
  });
});

describe('who approved what: the reasons a review does not count', () => {
  const facts = { author: 'mallory', headCommitAuthors: ['mallory', 'ci-bot'], headSha: HEAD_SHA };
  const review = (extra: Partial<Approval>): Approval => ({ login: 'olivia', teams: [], ...extra });
  const signoff = [{ directives: ['User'], approvers: ['@olivia', '@ci-bot'] }];
  const BASE = `${HEADER}User=api\n`;
  const HEAD = `${HEADER}User=root\n`;

  it.each<[string, Approval[], string]>([
    [
      'a review without a state',
      [review({ commitId: HEAD_SHA })],
      "@olivia's latest review is of unknown state, not an approval",
    ],
    [
      'changes requested',
      [review({ state: 'CHANGES_REQUESTED', commitId: HEAD_SHA })],
      "@olivia's latest review is CHANGES_REQUESTED",
    ],
    [
      'an approval without its commit',
      [review({ state: 'APPROVED' })],
      '@olivia approved an unknown commit, not the head c0ffee2',
    ],
    [
      'an approval of an older commit',
      [review({ state: 'APPROVED', commitId: 'c0ffee1111' })],
      '@olivia approved commit c0ffee1, not the head c0ffee2',
    ],
    [
      'the pusher of the head commit',
      [review({ login: 'ci-bot', state: 'APPROVED', commitId: HEAD_SHA })],
      '@ci-bot authored or committed the head commit',
    ],
    [
      // A later comment does not withdraw the approval; a later request for changes does.
      'an approval, then changes requested',
      [
        review({ state: 'APPROVED', commitId: HEAD_SHA, submittedAt: '2026-12-01T10:00:00Z' }),
        review({ state: 'CHANGES_REQUESTED', commitId: HEAD_SHA, submittedAt: '2026-12-01T11:00:00Z' }),
        review({ state: 'COMMENTED', commitId: HEAD_SHA, submittedAt: '2026-12-01T12:00:00Z' }),
      ],
      "@olivia's latest review is CHANGES_REQUESTED",
    ],
  ])('sign-off with %s fails, saying why, on the changed line', (_name, approvals, reason) => {
    const verdict = run(HEAD, { base: BASE, signoff, extra: { ...facts, approvals } });
    const v = findings(verdict).find((x) => x.kind === 'signoff-required');
    expect(v?.message).toContain(
      'User= changed; the policy requires an approving review of the head commit from @olivia',
    );
    expect(v?.message).toContain(reason);
    expect(v?.location).toMatchObject({ file: PATH, line: 5 });
    expect(verdict.result).toBe('fail');
  });

  it.each<[string, Approval[]]>([
    ['an approval of the head', [review({ state: 'APPROVED', commitId: HEAD_SHA })]],
    [
      'an approval after a comment, whatever order the reviews come in',
      [
        review({ state: 'COMMENTED', commitId: HEAD_SHA, submittedAt: '2026-12-01T12:00:00Z' }),
        review({ state: 'APPROVED', commitId: HEAD_SHA, submittedAt: '2026-12-01T10:00:00Z' }),
      ],
    ],
  ])('sign-off with %s passes and says who approved', (_name, approvals) => {
    const verdict = run(HEAD, { base: BASE, signoff, extra: { ...facts, approvals } });
    expect(findings(verdict)).toEqual([]);
    expect(verdict.result).toBe('pass');
    expect(verdict.messages).toContain('api.service: change to User approved by @olivia');
  });

  it('a removed sign-off directive points at the unit header', () => {
    const verdict = run(HEADER, { base: BASE, signoff, extra: facts });
    expect(findings(verdict).find((x) => x.kind === 'signoff-required')?.location).toMatchObject({ line: 3 });
  });

  it('an unchanged sign-off directive needs no review', () => {
    expect(run(BASE, { base: BASE, signoff, extra: facts }).result).toBe('pass');
  });
});

describe('deviation notes the gate cannot place or accept', () => {
  const facts = { author: 'mallory', headCommitAuthors: ['mallory'], headSha: HEAD_SHA };
  const strict: Profile = { ...LAX, name: 'strict', threshold: 1 };
  const note = (fields: string) => `# unitgate-deviation: ${fields}\n`;
  const approval: Approval = {
    login: 'olivia',
    teams: [],
    state: 'APPROVED',
    commitId: HEAD_SHA,
    submittedAt: '2026-12-01T10:00:00Z',
  };
  const body = (fields: Record<string, string>) =>
    ['```unitgate-deviation', ...Object.entries(fields).map(([k, v]) => `${k}: ${v}`), '```', ''].join('\n');

  it('a note with `check: exposure` accepts the threshold finding once an owner approved the head', () => {
    const verdict = run(
      `${note('check=exposure owner=@olivia expires=2027-01-31 reason="legacy daemon"')}${HEADER}`,
      {
        profile: strict,
        owners: ['@olivia'],
        extra: { ...facts, approvals: [approval] },
      },
    );
    expect(verdict.units[0]?.status).toBe('accepted');
    expect(verdict.units[0]?.accepted.map((a) => [a.violation.kind, a.acceptedBy])).toEqual([
      ['threshold', '@olivia'],
    ]);
    expect(verdict.result).toBe('pass');
  });

  it('a note naming a unit the change does not touch is said, and accepts nothing', () => {
    const verdict = run(`${HEADER}`, {
      profile: strict,
      owners: ['@olivia'],
      extra: {
        ...facts,
        approvals: [approval],
        bodyEditedAt: '2026-12-01T09:00:00Z',
        pullRequestBody: body({
          unit: 'deploy/other.service',
          check: 'exposure',
          owner: '@olivia',
          expires: '2027-01-31',
          reason: 'x',
        }),
      },
    });
    expect(verdict.messages).toContain(
      'A deviation note names deploy/other.service, which is not a unit this change touches.',
    );
    expect(verdict.result).toBe('fail');
  });

  it.each<[string, 'pending' | 'required', string, string]>([
    [
      'pending',
      'pending',
      'accepted',
      "an approving review by @olivia of the pull request's head commit after the description was last edited",
    ],
    [
      'required',
      'required',
      'fail',
      "it needs an approving review by @olivia of the pull request's head commit after the description was last edited",
    ],
  ])(
    'a local check (%s) of a description note says what approval it still needs',
    (_n, awaitApproval, status, says) => {
      const verdict = run(`${HEADER}`, {
        profile: strict,
        owners: ['@olivia'],
        extra: {
          awaitApproval,
          pullRequestBody: body({
            unit: PATH,
            check: 'exposure',
            owner: '@olivia',
            expires: '2027-01-31',
            reason: 'x',
          }),
        },
      });
      const u = verdict.units[0];
      expect(u?.status).toBe(status);
      const text = [
        ...(u?.accepted.map((a) => a.pendingApproval ?? '') ?? []),
        ...(u?.violations.map((v) => v.message) ?? []),
      ].join('\n');
      expect(text).toContain(says);
    },
  );
});

describe('units the gate cannot score, and removed units', () => {
  it('a removed unit is reported as removed and passes', () => {
    const verdict = run(undefined, { base: `${HEADER}` });
    expect(verdict.units[0]).toMatchObject({
      status: 'deleted',
      note: 'the unit was removed',
      violations: [],
    });
    expect(verdict.result).toBe('pass');
  });

  it('a drop-in linked out of the repository makes the unit an error at its first line', () => {
    const locator = {
      unitName: 'api.service',
      fileName: 'api.service',
      repoPath: PATH,
      searchPath: ['/deploy'],
    };
    const tree = memoryTree({
      [PATH]: HEADER,
      'deploy/api.service.d/harden.conf': { symlink: '/etc/harden.conf' },
    });
    const verdict = run(scoreUnit(tree, locator, systemdRelease(252)).side);
    const [v] = findings(verdict);
    expect(verdict.units[0]?.status).toBe('error');
    expect(v).toMatchObject({ kind: 'load-error', location: { file: PATH, line: 1 }, advisory: false });
    expect(v?.message).toContain(
      'systemd would refuse this unit: the drop-in deploy/api.service.d/harden.conf is a symlink',
    );
    expect(verdict.result).toBe('fail');
  });

  it('ratchet: when the base could not be scored, every finding at head is new', () => {
    const profile: Profile = { ...LAX, name: 'strict', requiredDirectives: ['NoNewPrivileges=yes'] };
    const verdict = run(`${HEADER}`, { base: `${HEADER}User=a:b\n`, mode: 'ratchet', profile });
    expect(findings(verdict).map((v) => [v.kind, v.advisory])).toEqual([['missing-directive', false]]);
    expect(verdict.result).toBe('fail');
  });
});

describe('the latest expiry a pasted note may use', () => {
  it.each<[string, number, string | undefined]>([
    ['2026-12-06', 90, '2027-03-06'],
    ['2026-12-06', 0, '2026-12-06'],
    ['2026-12-06', -1, undefined],
    ['not a date', 90, undefined],
  ])('today %s, at most %d days: %s', (today, maxExpiryDays, latest) => {
    expect(run(HEADER, { maxExpiryDays, extra: { today } }).latestExpiry).toBe(latest);
  });
});

describe('where a regression points when no line was simply added', () => {
  const gateOf = (base: UnitSide, head: UnitSide): Violation[] => {
    const verdict = evaluateGate({
      policy: policyWith({ rows: true }),
      systemd: systemdRelease(252),
      units: [{ path: PATH, change: 'modified', base, head }],
      approvals: [],
      today: '2026-12-06',
    });
    return findings(verdict);
  };

  it('lines swapped between the main file and a drop-in: the drop-in line systemd applies last', () => {
    const vs = gateOf(
      side(`${HEADER}ProtectSystem=full\n`, '[Service]\nProtectSystem=strict\n'),
      side(`${HEADER}ProtectSystem=strict\n`, '[Service]\nProtectSystem=full\n'),
    );
    const v = vs.find((x) => x.kind === 'regression-row' && x.directives.includes('ProtectSystem'));
    expect(v?.location).toMatchObject({ file: DROP_IN, line: 2 });
  });

  it('a protection only implied at base (DynamicUser=): the removed line at the base commit', () => {
    const vs = gateOf(side(`${HEADER}DynamicUser=yes\n`), side(HEADER));
    const v = vs.find((x) => x.kind === 'regression-row' && x.check === 'ProtectSystem');
    expect(v?.message).toContain('ProtectSystem= got worse: `DynamicUser=yes` removed');
    expect(v?.location).toMatchObject({ file: PATH, line: 5, side: 'base', headAnchor: { line: 3 } });
  });
});

describe('the line that grants a forbidden capability', () => {
  const profile: Profile = { ...LAX, name: 'tight', allowedCapabilities: [] };
  it.each<[string, string, string | undefined, { file: string; line: number }]>([
    [
      'bounding set in the main file, ambient set in a drop-in: the drop-in, applied last',
      'CapabilityBoundingSet=CAP_NET_RAW\n',
      '[Service]\nAmbientCapabilities=CAP_NET_RAW\n',
      { file: DROP_IN, line: 2 },
    ],
    [
      'an ambient grant taken back later: the default bounding set grants it, at the header',
      'AmbientCapabilities=CAP_NET_RAW\nAmbientCapabilities=~CAP_NET_RAW\n',
      undefined,
      { file: PATH, line: 3 },
    ],
    [
      'a deny line keeps the rest: the deny line grants them',
      'CapabilityBoundingSet=~CAP_SYS_ADMIN\n',
      undefined,
      { file: PATH, line: 5 },
    ],
  ])('%s', (_name, lines, dropIn, at) => {
    const verdict = evaluateGate({
      policy: policyWith({ profile }),
      systemd: systemdRelease(252),
      units: [{ path: PATH, change: 'added', head: side(`${HEADER}${lines}`, dropIn) }],
      approvals: [],
      today: '2026-12-06',
    });
    expect(findings(verdict).find((v) => v.kind === 'forbidden-capability')?.location).toMatchObject(at);
  });
});
