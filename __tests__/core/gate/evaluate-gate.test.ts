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
import { systemdProfile } from '../../../src/core/security/versions';
import { memoryTree } from '../../../src/core/unit/unit-tree';

const PATH = 'deploy/api.service';
const HEADER = '[Unit]\nDescription=api\n[Service]\nExecStart=/usr/bin/api\n';
const HEAD_SHA = 'c0ffee2222222222222222222222222222222222';

function side(text: string): UnitSide {
  const locator = {
    unitName: 'api.service',
    fileName: 'api.service',
    repoPath: PATH,
    searchPath: ['/deploy'],
  };
  return scoreUnit(memoryTree({ [PATH]: text }), locator, systemdProfile(252)).side;
}

const LAX: Profile = { name: 'lax', description: '', threshold: 100, requiredDirectives: [] };

function policyWith(
  opts: { profile?: Profile; mode?: GateMode; rows?: boolean; exposure?: boolean; owners?: string[] } = {},
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
    deviations: { ...base.deviations, owners: opts.owners ?? [] },
  };
}

function run(
  head: string | undefined,
  opts: Parameters<typeof policyWith>[0] & { base?: string; extra?: Partial<GateInput> } = {},
): GateVerdict {
  return evaluateGate({
    policy: policyWith(opts),
    systemd: systemdProfile(252),
    units:
      head === undefined
        ? []
        : [
            {
              path: PATH,
              change: opts.base === undefined ? 'added' : 'modified',
              head: side(head),
              ...(opts.base !== undefined ? { base: side(opts.base) } : {}),
            },
          ],
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
