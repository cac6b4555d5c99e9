// What the author of a pull request alone cannot do: choose a unit's profile, or make a deviation note
// count without an owner's approval of the current head. Each row is one pull request: base and head
// files, the policy of the base branch, the description, the reviews and the facts about the head.
import { evaluateGate, type Approval, type GateInput } from '../../../src/core/gate/evaluate-gate';
import type { GateVerdict, UnitResult } from '../../../src/core/gate/gate-types';
import { loadPolicy, formatPolicyError } from '../../../src/core/policy/load-policy';
import type { GatePolicy } from '../../../src/core/policy/policy-types';
import { systemdRelease } from '../../../src/core/security/versions';
import { memoryTree } from '../../../src/core/unit/unit-tree';
import { runGatePipeline } from '../../../src/io/gate-pipeline';

type Files = Record<string, string>;

const UNIT = [
  '[Unit]',
  'Description=API',
  '',
  '[Service]',
  'ExecStart=/usr/bin/api',
  'User=api',
  'NoNewPrivileges=yes',
  'ProtectSystem=strict',
  'PrivateTmp=yes',
  '',
].join('\n');
const WEAKER = UNIT.replace('ProtectSystem=strict\n', '');

const POLICY = {
  profiles: {
    strict: { threshold: 9.9, requiredDirectives: ['NoNewPrivileges=yes'] },
    loose: { threshold: 10 },
    guarded: { threshold: 10, owners: ['@bob'] },
  },
  units: [
    { match: 'deploy/strict/**', profile: 'strict' },
    { match: 'deploy/loose/**', profile: 'loose' },
    { match: 'deploy/guarded/**', profile: 'guarded' },
  ],
  deviations: { owners: ['@olivia', '@acme/security'] },
};

const HEAD = 'c0ffee2222222222222222222222222222222222';
const OLD = 'c0ffee1111111111111111111111111111111111';
const approved = (login: string, extra: Partial<Approval> = {}): Approval => ({
  login,
  teams: [],
  state: 'APPROVED',
  commitId: HEAD,
  submittedAt: '2026-12-01T10:00:00Z',
  ...extra,
});

function policyOf(doc: object): GatePolicy {
  const r = loadPolicy(JSON.stringify(doc), 'unitgate.json');
  if (!r.ok) throw new Error(r.errors.map(formatPolicyError).join('\n'));
  return r.policy;
}

interface Case {
  base?: Files;
  head: Files;
  /** Renamed files: head path → base path. */
  renamed?: Record<string, string>;
  policy?: object;
  body?: string;
  reviews?: Approval[];
  facts?: Partial<
    Pick<
      GateInput,
      'author' | 'headCommitAuthors' | 'headSha' | 'bodyEditedAt' | 'unreadableTeams' | 'awaitApproval'
    >
  >;
}

/** Scope from the pipeline over in-memory trees, then the gate with the pull request's facts. */
function judge(c: Case): GateVerdict {
  const base = c.base ?? {};
  const policy = policyOf(c.policy ?? POLICY);
  const renamedFrom = new Map(Object.entries(c.renamed ?? {}));
  const renamedTo = new Set(renamedFrom.values());
  const paths = [...new Set([...Object.keys(base), ...Object.keys(c.head)])];
  const changed = paths
    .filter((p) => base[p] !== c.head[p] && !renamedTo.has(p))
    .map((p) =>
      renamedFrom.has(p)
        ? { path: p, status: 'renamed' as const, previousPath: renamedFrom.get(p) as string }
        : {
            path: p,
            status: (base[p] === undefined ? 'added' : c.head[p] === undefined ? 'removed' : 'modified') as
              'added' | 'removed' | 'modified',
          },
    );
  const { scope } = runGatePipeline({
    head: { tree: memoryTree(c.head), paths: Object.keys(c.head) },
    base: { tree: memoryTree(base), paths: Object.keys(base) },
    changed,
    policy,
    approvals: [],
    today: '2026-12-06',
    messages: [],
  });
  return evaluateGate({
    policy,
    systemd: systemdRelease(policy.systemdVersion),
    units: scope,
    ...(c.body !== undefined ? { pullRequestBody: c.body } : {}),
    approvals: c.reviews ?? [approved('olivia')],
    author: 'mallory',
    headCommitAuthors: ['mallory'],
    headSha: HEAD,
    bodyEditedAt: '2026-12-01T09:00:00Z',
    today: '2026-12-06',
    ...c.facts,
  });
}

const unitNote = (fields: string): string => `# unitgate-deviation: ${fields}\n`;
const NOTE = 'check=ProtectSystem owner=@olivia expires=2027-01-31 reason="migrating the data directory"';
const bodyNote = (fields: Record<string, string>): string =>
  ['Weakens the unit for the migration.', '', '```unitgate-deviation']
    .concat(Object.entries(fields).map(([k, v]) => `${k}: ${v}`))
    .concat('```', '')
    .join('\n');
const BODY_FIELDS = {
  unit: 'deploy/api.service',
  check: 'ProtectSystem',
  owner: '@olivia',
  expires: '2027-01-31',
  reason: 'migrating the data directory',
};

function unitOf(v: GateVerdict, path = 'deploy/api.service'): UnitResult {
  const u = v.units.find((x) => x.path === path);
  if (!u) throw new Error(`no unit ${path}: ${v.units.map((x) => x.path).join(', ')}`);
  return u;
}

/** Every finding's kind and message, and every run message, as one text to search. */
function textOf(v: GateVerdict): string {
  return [
    ...v.units.flatMap((u) => u.violations.map((x) => `${x.kind}: ${x.message}`)),
    ...v.notes.flatMap((n) => n.problems),
    ...v.messages,
  ].join('\n');
}

describe('deviation notes: who may approve them', () => {
  const weakened = (note = unitNote(NOTE)): Pick<Case, 'base' | 'head'> => ({
    base: { 'deploy/api.service': UNIT },
    head: { 'deploy/api.service': note + WEAKER },
  });

  it.each<[string, Case, { status: UnitResult['status']; acceptedBy?: string; says?: string }]>([
    [
      'an owner approved the head commit: accepted',
      { ...weakened() },
      { status: 'accepted', acceptedBy: '@olivia' },
    ],
    [
      'a member of an owner team approved: accepted, naming the team',
      {
        ...weakened(unitNote(NOTE.replace('@olivia', '@acme/security'))),
        reviews: [approved('sam', { teams: ['acme/security'] })],
      },
      { status: 'accepted', acceptedBy: '@sam (@acme/security)' },
    ],
    [
      'the author approves their own note',
      { ...weakened(), facts: { author: 'olivia', headCommitAuthors: ['olivia'] } },
      { status: 'fail', says: "@olivia is the pull request's author" },
    ],
    [
      'the approver authored or committed the head commit',
      { ...weakened(), facts: { headCommitAuthors: ['mallory', 'olivia'] } },
      { status: 'fail', says: '@olivia authored or committed the head commit' },
    ],
    [
      'the approval is of an older commit',
      { ...weakened(), reviews: [approved('olivia', { commitId: OLD })] },
      { status: 'fail', says: '@olivia approved commit c0ffee1, not the head c0ffee2' },
    ],
    [
      'the latest review is a dismissal',
      {
        ...weakened(),
        reviews: [
          approved('olivia'),
          approved('olivia', { state: 'DISMISSED', submittedAt: '2026-12-01T11:00:00Z' }),
        ],
      },
      { status: 'fail', says: "@olivia's latest review is DISMISSED" },
    ],
    [
      'a later comment does not withdraw an approval',
      {
        ...weakened(),
        reviews: [
          approved('olivia'),
          approved('olivia', { state: 'COMMENTED', submittedAt: '2026-12-01T11:00:00Z' }),
        ],
      },
      { status: 'accepted', acceptedBy: '@olivia' },
    ],
    [
      'changes requested after the approval',
      {
        ...weakened(),
        reviews: [
          approved('olivia', { state: 'CHANGES_REQUESTED', submittedAt: '2026-12-01T11:00:00Z' }),
          approved('olivia'),
        ],
      },
      { status: 'fail', says: "@olivia's latest review is CHANGES_REQUESTED" },
    ],
    [
      'no review from the owner',
      { ...weakened(), reviews: [approved('bob')] },
      { status: 'fail', says: 'no review from @olivia' },
    ],
    [
      'the owner team cannot be read with the token',
      {
        ...weakened(unitNote(NOTE.replace('@olivia', '@acme/security'))),
        reviews: [approved('sam')],
        facts: { unreadableTeams: ['acme/security'] },
      },
      { status: 'fail', says: 'members: read' },
    ],
    [
      'the owner is not one the base policy names',
      { ...weakened(unitNote(NOTE.replace('@olivia', '@mallory'))), reviews: [approved('mallory')] },
      { status: 'fail', says: 'owner @mallory is not one of the owners the base policy names' },
    ],
    [
      'a profile adds its owners for its units',
      {
        base: { 'deploy/guarded/api.service': UNIT },
        head: { 'deploy/guarded/api.service': unitNote(NOTE.replace('@olivia', '@bob')) + WEAKER },
        reviews: [approved('bob')],
      },
      { status: 'accepted', acceptedBy: '@bob' },
    ],
    [
      'the facts about the pull request are unknown',
      { ...weakened(), facts: { author: undefined } },
      { status: 'fail', says: 'no approval can be verified' },
    ],
    [
      'a note in the description, approved after its last edit: accepted',
      {
        base: { 'deploy/api.service': UNIT },
        head: { 'deploy/api.service': WEAKER },
        body: bodyNote(BODY_FIELDS),
      },
      { status: 'accepted', acceptedBy: '@olivia' },
    ],
    [
      'a note in the description edited after the approval',
      {
        base: { 'deploy/api.service': UNIT },
        head: { 'deploy/api.service': WEAKER },
        body: bodyNote(BODY_FIELDS),
        facts: { bodyEditedAt: '2026-12-01T10:30:00Z' },
      },
      { status: 'fail', says: '@olivia approved before the pull request description was last edited' },
    ],
    [
      'a note in the description whose last edit time is unknown',
      {
        base: { 'deploy/api.service': UNIT },
        head: { 'deploy/api.service': WEAKER },
        body: bodyNote(BODY_FIELDS),
        facts: { bodyEditedAt: undefined },
      },
      { status: 'fail', says: "the time of the pull request description's last edit is unknown" },
    ],
    [
      'a note hidden in an HTML comment of the description',
      {
        base: { 'deploy/api.service': UNIT },
        head: { 'deploy/api.service': WEAKER },
        body: `<!--\n${bodyNote(BODY_FIELDS)}-->\n`,
      },
      { status: 'fail' },
    ],
    [
      'a note after an unclosed HTML comment',
      {
        base: { 'deploy/api.service': UNIT },
        head: { 'deploy/api.service': WEAKER },
        body: `text <!-- hidden\n${bodyNote(BODY_FIELDS)}`,
      },
      { status: 'fail' },
    ],
  ])('%s', (_, c, expected) => {
    const v = judge(c);
    const u = unitOf(v, Object.keys(c.head)[0]);
    expect(u.status).toBe(expected.status);
    if (expected.acceptedBy) {
      expect(u.accepted.length).toBeGreaterThan(0);
      for (const a of u.accepted) expect(a.acceptedBy).toBe(expected.acceptedBy);
    } else {
      expect(u.accepted).toEqual([]);
    }
    if (expected.says) expect(textOf(v)).toContain(expected.says);
  });

  it('ignores notes inside HTML comments entirely', () => {
    const v = judge({
      base: { 'deploy/api.service': UNIT },
      head: { 'deploy/api.service': WEAKER },
      body: `<!-- ${bodyNote(BODY_FIELDS)} -->`,
    });
    expect(v.notes).toEqual([]);
  });

  it('with no owners configured accepts no note and says so once, naming the key to set', () => {
    const v = judge({
      base: { 'deploy/api.service': UNIT, 'deploy/web.service': UNIT },
      head: { 'deploy/api.service': unitNote(NOTE) + WEAKER, 'deploy/web.service': unitNote(NOTE) + WEAKER },
      policy: { ...POLICY, deviations: {} },
    });
    expect(v.units.map((u) => u.status)).toEqual(['fail', 'fail']);
    const said = v.messages.filter((m) => m.includes('deviations.owners'));
    expect(said).toHaveLength(1);
    expect(said[0]).toContain('names no deviation owners');
    expect(v.units[0]?.violations.map((x) => x.kind)).not.toContain('invalid-deviation');
  });

  it('says on the finding why a note naming it does not count', () => {
    const v = judge({ ...weakened(), reviews: [] });
    const row = unitOf(v).violations.find((x) => x.kind === 'regression-row');
    expect(row?.message).toContain(
      'a deviation note for ProtectSystem is not accepted: no review from @olivia',
    );
  });
});

describe('deviation notes: sign-off is never waived', () => {
  const signoff = {
    ...POLICY,
    signoff: [{ directives: ['ProtectSystem'], approvers: ['@acme/security'] }],
  };
  it.each<[string, string, Approval[], string[]]>([
    [
      'a note for the directive accepts the regression, not the sign-off',
      NOTE,
      [approved('olivia')],
      ['signoff-required'],
    ],
    [
      'a note without check: is invalid and waives nothing',
      NOTE.replace('check=ProtectSystem ', ''),
      [approved('olivia')],
      ['signoff-required', 'regression-row', 'regression-exposure', 'invalid-deviation'],
    ],
    [
      'a note naming signoff-required does not waive it',
      NOTE.replace('check=ProtectSystem', 'check=signoff-required'),
      [approved('olivia')],
      ['signoff-required', 'regression-row', 'regression-exposure'],
    ],
    [
      'the sign-off comes from a team member of the head commit: still required',
      NOTE,
      [approved('olivia'), approved('mallory', { teams: ['acme/security'] })],
      ['signoff-required'],
    ],
    [
      'a team member other than the author signs off',
      NOTE,
      [approved('olivia'), approved('sam', { teams: ['acme/security'] })],
      [],
    ],
  ])('%s', (_, note, reviews, open) => {
    const v = judge({
      base: { 'deploy/api.service': UNIT },
      head: { 'deploy/api.service': unitNote(note) + WEAKER },
      policy: signoff,
      reviews,
    });
    expect(
      unitOf(v)
        .violations.map((x) => x.kind)
        .sort(),
    ).toEqual([...open].sort());
  });

  it('explains a missing sign-off with the reviewers that did not count', () => {
    const v = judge({
      base: { 'deploy/api.service': UNIT },
      head: { 'deploy/api.service': WEAKER },
      policy: signoff,
      reviews: [approved('mallory', { teams: ['acme/security'] })],
    });
    const s = unitOf(v).violations.find((x) => x.kind === 'signoff-required');
    expect(s?.message).toContain("@mallory is the pull request's author");
    expect(s?.message).toContain('a deviation note cannot replace it');
  });
});

describe('deviation notes: what a valid note holds', () => {
  it.each<[string, Case, string]>([
    [
      'an impossible expiry date',
      {
        base: { 'deploy/api.service': UNIT },
        head: { 'deploy/api.service': unitNote(NOTE.replace('2027-01-31', '2027-02-30')) + WEAKER },
      },
      'expires "2027-02-30" is not a calendar date',
    ],
    [
      'a mistyped check, with a suggestion',
      {
        base: { 'deploy/api.service': UNIT },
        head: { 'deploy/api.service': unitNote(NOTE.replace('ProtectSystem', 'ProtectSytem')) + WEAKER },
      },
      `check "ProtectSytem" is not an assessor, directive, \`exposure\` or violation kind (did you mean 'ProtectSystem'?)`,
    ],
    [
      'a note without check',
      {
        base: { 'deploy/api.service': UNIT },
        head: { 'deploy/api.service': unitNote(NOTE.replace('check=ProtectSystem ', '')) + WEAKER },
      },
      'it names no check: write `check:`',
    ],
    [
      'a unit name several units in scope share',
      {
        base: { 'deploy/a/api.service': UNIT, 'deploy/b/api.service': UNIT },
        head: { 'deploy/a/api.service': WEAKER, 'deploy/b/api.service': WEAKER },
        body: bodyNote({ ...BODY_FIELDS, unit: 'api.service' }),
      },
      'unit "api.service" is ambiguous: 2 units in this change have that name (deploy/a/api.service, deploy/b/api.service)',
    ],
  ])('%s is invalid', (_, c, says) => {
    const v = judge(c);
    expect(v.result).toBe('fail');
    const invalid = v.units.flatMap((u) => u.violations).filter((x) => x.kind === 'invalid-deviation');
    expect(invalid).toHaveLength(1);
    expect(invalid[0]?.message).toContain(says);
    expect(v.units.flatMap((u) => u.accepted)).toEqual([]);
  });

  it.each<[string, string]>([
    ['an assessor json_field', 'ProtectSystem'],
    ['an assessor name', 'ProtectSystem='],
    ['a violation kind', 'regression-row'],
  ])('a check naming %s is valid', (_, check) => {
    const v = judge({
      base: { 'deploy/api.service': UNIT },
      head: { 'deploy/api.service': unitNote(NOTE.replace('ProtectSystem', check)) + WEAKER },
    });
    expect(unitOf(v).status).toBe('accepted');
  });

  it('a unit name unique in scope still names the unit', () => {
    const v = judge({
      base: { 'deploy/api.service': UNIT },
      head: { 'deploy/api.service': WEAKER },
      body: bodyNote({ ...BODY_FIELDS, unit: 'api.service' }),
    });
    expect(unitOf(v).status).toBe('accepted');
  });
});

describe('profiles: the pull request does not choose its own', () => {
  const commented = (name: string, text = UNIT): string => `# unitgate: profile=${name}\n${text}`;

  it.each<[string, Case, { profile: string; kinds: string[]; status: UnitResult['status']; says?: string }]>([
    [
      'an unchanged profile comment of the base is honoured',
      {
        base: { 'deploy/strict/api.service': commented('loose') },
        head: { 'deploy/strict/api.service': commented('loose', WEAKER) },
        policy: { ...POLICY, regression: { exposure: false, rows: false } },
      },
      { profile: 'loose', kinds: [], status: 'pass' },
    ],
    [
      'a profile comment added to an existing unit',
      {
        base: { 'deploy/strict/api.service': UNIT },
        head: { 'deploy/strict/api.service': commented('loose') },
      },
      {
        profile: 'strict',
        kinds: ['profile-change'],
        status: 'fail',
        says: "the profile changes from 'strict' by the policy's `units` match 'deploy/strict/**' at the base commit to 'loose' by the comment at deploy/strict/api.service:1",
      },
    ],
    [
      'a profile comment removed from an existing unit',
      {
        base: { 'deploy/strict/api.service': commented('loose') },
        head: { 'deploy/strict/api.service': UNIT },
      },
      { profile: 'loose', kinds: ['profile-change'], status: 'fail' },
    ],
    [
      'a profile comment on a new unit is ignored and reported',
      {
        head: { 'deploy/strict/api.service': commented('loose', UNIT.replace('NoNewPrivileges=yes\n', '')) },
      },
      {
        profile: 'strict',
        kinds: ['missing-directive', 'profile-change'],
        status: 'fail',
        says: "the profile comment added by this pull request is ignored: a new unit takes its profile from the policy, which gives 'strict' (the comment asks for 'loose')",
      },
    ],
    [
      'an unknown profile in a new unit',
      { head: { 'deploy/api.service': commented('baselin') } },
      { profile: 'baseline', kinds: ['unknown-profile'], status: 'fail', says: "unknown profile 'baselin'" },
    ],
    [
      'an unknown profile in an existing unit, at base and head',
      {
        base: { 'deploy/api.service': commented('gone') },
        head: { 'deploy/api.service': commented('gone', WEAKER) },
      },
      {
        profile: 'baseline',
        kinds: ['unknown-profile', 'unknown-profile', 'regression-row', 'regression-exposure'],
        status: 'fail',
        says: 'the gate does not fall back to the default profile',
      },
    ],
    [
      'moving the file to where another glob matches',
      {
        base: { 'deploy/strict/api.service': UNIT },
        head: { 'deploy/loose/api.service': UNIT },
        renamed: { 'deploy/loose/api.service': 'deploy/strict/api.service' },
      },
      {
        profile: 'strict',
        kinds: ['profile-change'],
        status: 'fail',
        says: "to 'loose' by the policy's `units` match 'deploy/loose/**'",
      },
    ],
    [
      'moving the file, with an owner-approved note for the change: the new profile governs',
      {
        base: { 'deploy/strict/api.service': UNIT },
        head: {
          'deploy/loose/api.service': unitNote(NOTE.replace('ProtectSystem', 'profile-change')) + UNIT,
        },
        renamed: { 'deploy/loose/api.service': 'deploy/strict/api.service' },
      },
      { profile: 'loose', kinds: [], status: 'accepted' },
    ],
    [
      'a note for the profile change that no owner approved',
      {
        base: { 'deploy/strict/api.service': UNIT },
        head: {
          'deploy/loose/api.service': unitNote(NOTE.replace('ProtectSystem', 'profile-change')) + UNIT,
        },
        renamed: { 'deploy/loose/api.service': 'deploy/strict/api.service' },
        reviews: [approved('mallory')],
      },
      { profile: 'strict', kinds: ['profile-change'], status: 'fail', says: 'no review from @olivia' },
    ],
  ])('%s', (_, c, expected) => {
    const v = judge(c);
    const u = unitOf(v, Object.keys(c.head)[0]);
    expect(u.profile).toBe(expected.profile);
    expect(u.violations.map((x) => x.kind).sort()).toEqual([...expected.kinds].sort());
    expect(u.status).toBe(expected.status);
    if (expected.says) expect(textOf(v)).toContain(expected.says);
  });

  it.each<[string, string, Approval[], UnitResult['status']]>([
    ['without a note fails', UNIT, [approved('olivia')], 'fail'],
    [
      'with an owner-approved note for the change is accepted',
      unitNote(NOTE.replace('ProtectSystem', 'profile-change')) + WEAKER,
      [approved('olivia')],
      'accepted',
    ],
  ])('moving a gated unit to an excluded path %s', (_, text, reviews, status) => {
    const v = judge({
      base: { 'deploy/strict/api.service': UNIT },
      head: { 'vendor/api.service': text },
      renamed: { 'vendor/api.service': 'deploy/strict/api.service' },
      policy: { ...POLICY, exclude: [{ match: 'vendor/**', reason: 'upstream units' }] },
      reviews,
    });
    const u = unitOf(v, 'vendor/api.service');
    expect(u.status).toBe(status);
    const kinds = [...u.violations, ...u.accepted.map((a) => a.violation)].map((x) => x.kind);
    expect(kinds).toEqual(['profile-change']);
    expect(textOf(v) + u.accepted.map((a) => a.violation.message).join('')).toContain(
      "moved from deploy/strict/api.service, gated as 'strict', to vendor/api.service, which the policy excludes (upstream units)",
    );
  });

  it('a unit excluded at base and head stays excluded', () => {
    const v = judge({
      base: { 'vendor/api.service': UNIT },
      head: { 'vendor/api.service': WEAKER },
      policy: { ...POLICY, exclude: [{ match: 'vendor/**', reason: 'upstream units' }] },
    });
    expect(unitOf(v, 'vendor/api.service')).toMatchObject({ status: 'excluded', violations: [] });
  });

  it('reports a profile comment of a new unit on its line, as a warning', () => {
    const v = judge({ head: { 'deploy/strict/api.service': commented('strict') } });
    const u = unitOf(v, 'deploy/strict/api.service');
    expect(u.violations).toEqual([
      expect.objectContaining({
        kind: 'profile-change',
        advisory: true,
        location: { file: 'deploy/strict/api.service', line: 1, column: 21 },
      }),
    ]);
    expect(u.status).toBe('pass');
  });
});

describe('deviation notes awaiting approval in a local check (awaitApproval)', () => {
  // `unitgate check` knows no pull request: no author, no head commit facts, no reviews.
  const local = (awaitApproval?: 'pending' | 'required'): Case['facts'] => ({
    author: undefined,
    headCommitAuthors: undefined,
    headSha: undefined,
    ...(awaitApproval ? { awaitApproval } : {}),
  });
  const weakened = (note = NOTE): Pick<Case, 'base' | 'head'> => ({
    base: { 'deploy/api.service': UNIT },
    head: { 'deploy/api.service': unitNote(note) + WEAKER },
  });
  it.each<[string, Case, { status: UnitResult['status']; pending?: string; says?: string }]>([
    [
      'pending: a note an owner could approve is accepted as pending, saying what approval it needs',
      { ...weakened(), reviews: [], facts: local('pending') },
      { status: 'accepted', pending: "an approving review by @olivia of the pull request's head commit" },
    ],
    [
      'pending: a team owner needs one of its members',
      { ...weakened(NOTE.replace('@olivia', '@acme/security')), reviews: [], facts: local('pending') },
      { status: 'accepted', pending: 'an approving review by a member of @acme/security' },
    ],
    [
      'required: the same note fails, saying what approval it needs',
      { ...weakened(), reviews: [], facts: local('required') },
      { status: 'fail', says: 'not accepted: it needs an approving review by @olivia' },
    ],
    [
      'the action (no awaitApproval) still fails the same note',
      { ...weakened(), reviews: [], facts: local() },
      { status: 'fail', says: 'no approval can be verified' },
    ],
    [
      'the action with the pull request known and no review still fails it',
      { ...weakened(), reviews: [] },
      { status: 'fail', says: 'no review from @olivia' },
    ],
    [
      'pending: an owner the policy does not name cannot approve it, so it fails',
      { ...weakened(NOTE.replace('@olivia', '@mallory')), reviews: [], facts: local('pending') },
      { status: 'fail', says: 'owner @mallory is not one of the owners' },
    ],
    [
      'pending: with no owners configured nothing can approve it, so it fails',
      { ...weakened(), policy: { ...POLICY, deviations: {} }, reviews: [], facts: local('pending') },
      { status: 'fail', says: 'names no deviation owners' },
    ],
    [
      'pending: an expired note is invalid and fails',
      { ...weakened(NOTE.replace('2027-01-31', '2026-11-30')), reviews: [], facts: local('pending') },
      { status: 'fail' },
    ],
  ])('%s', (_, c, expected) => {
    const v = judge(c);
    const u = unitOf(v);
    expect(u.status).toBe(expected.status);
    expect(v.result).toBe(expected.status === 'fail' ? 'fail' : 'pass');
    if (expected.pending) {
      expect(u.accepted.map((a) => a.violation.kind).sort()).toEqual([
        'regression-exposure',
        'regression-row',
      ]);
      for (const a of u.accepted) {
        expect(a.pendingApproval).toContain(expected.pending);
        expect(a.acceptedBy).toContain('(pending approval)');
      }
    } else expect(u.accepted).toEqual([]);
    if (expected.says) expect(textOf(v)).toContain(expected.says);
  });

  it('pending never waives a sign-off', () => {
    const v = judge({
      ...weakened(),
      policy: { ...POLICY, signoff: [{ directives: ['ProtectSystem'], approvers: ['@acme/security'] }] },
      reviews: [],
      facts: local('pending'),
    });
    expect(unitOf(v).status).toBe('fail');
    expect(unitOf(v).violations.map((x) => x.kind)).toEqual(['signoff-required']);
  });
});
