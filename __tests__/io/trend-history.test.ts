// trend-history.ts on a real repository: which tags make the releases (version order, the limit,
// tags of trees), the tag pattern check, and what collectTrend says about unusable policies and revisions.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { makeGitRepo, type GitRepo } from '../e2e/make-git-repo';
import { builtInPolicy } from '../../src/core/policy/load-policy';
import { GitError } from '../../src/io/git';
import { checkTagPattern, collectTrend, listReleaseTags } from '../../src/io/trend-history';

const unit = (extra: string): string => `[Service]\nExecStart=/bin/api\n${extra}`;
const POLICY = '.github/unitgate.json';
let r: GitRepo;

beforeAll(async () => {
  r = await makeGitRepo(
    { 'units/api.service': unit('PrivateTmp=yes\n'), [POLICY]: '{ "systemdVersion": 257 }\n' },
    { 'units/api.service': unit('PrivateTmp=yes\nNoNewPrivileges=yes\n'), 'units/db.service': unit('') },
    {
      shallow: false,
      checkout: 'head',
      history: [
        { tree: { 'units/api.service': unit('') }, tag: 'v1.9' },
        { tree: { 'units/api.service': unit(''), [POLICY]: '{ "systemdVersion": 1 }\n' }, tag: 'v1.10-rc1' },
        { tree: { 'units/api.service': unit('ProtectHome=yes\n') }, tag: 'v1.10', annotated: true },
        { tree: { 'units/api.service': unit('ProtectHome=yes\n') }, tag: 'release-2' },
      ],
    },
  );
  await r.git('tag', 'v9-tree', `${r.headSha}^{tree}`);
});
afterAll(() => r.cleanup());

describe('listReleaseTags', () => {
  it.each([
    ['v*', 10, ['v1.9', 'v1.10-rc1', 'v1.10']],
    ['v*', 2, ['v1.10-rc1', 'v1.10']],
    ['v*', 0, []],
    ['release-*', 10, ['release-2']],
    ['nothing-*', 10, []],
  ])('%s, last %i → %j (version order, tags of trees left out)', async (pattern, limit, names) => {
    const tags = await listReleaseTags(r.workspace, pattern, limit);
    expect(tags.map((t) => t.name)).toEqual(names);
    for (const t of tags) expect(t.commit).toMatch(/^[0-9a-f]{40}$/);
  });

  it('peels an annotated tag to its commit', async () => {
    const [tag] = await listReleaseTags(r.workspace, 'v1.10', 1);
    expect(tag?.commit).toBe(r.history[2]?.sha);
  });

  it.each(['', 'a b', '../heads/*', 'v~1', 'v^', 'a:b', 'a\\b', 'v\u0001'])(
    'the pattern %j is refused, before git sees it',
    async (pattern) => {
      expect(checkTagPattern(pattern)).toMatch(/invalid tag pattern/);
      await expect(listReleaseTags(r.workspace, pattern)).rejects.toBeInstanceOf(GitError);
    },
  );

  it.each(['v*', 'release-[0-9]*', 'v?.*'])('the pattern %j is accepted', (pattern) => {
    expect(checkTagPattern(pattern)).toBeUndefined();
  });
});

describe('collectTrend', () => {
  it('scores each release, the base and the head; an invalid policy at a release is said and replaced', async () => {
    const messages: string[] = [];
    const trend = await collectTrend(r.workspace, {
      policy: builtInPolicy(),
      policyPath: POLICY,
      base: r.baseSha,
      head: r.headSha,
      messages,
    });
    expect(trend.releases.map((c) => [c.kind, c.label])).toEqual([
      ['tag', 'v1.9'],
      ['tag', 'v1.10-rc1'],
      ['tag', 'v1.10'],
      ['base', 'base'],
      ['head', 'head'],
    ]);
    // The base's policy asks for 257; the release without a policy file is scored under the given one.
    expect(trend.releases.find((c) => c.kind === 'base')?.systemdVersion).toBe(257);
    expect(messages).toEqual([
      expect.stringMatching(/^\.github\/unitgate\.json at [0-9a-f]{12} is not a valid policy/),
    ]);
    const api = trend.units.find((u) => u.unitPath === 'units/api.service');
    const exposures = api?.points.map((p) => p.exposure) ?? [];
    expect(exposures.every((e) => typeof e === 'number')).toBe(true);
    expect(exposures.at(-1)).toBeLessThan(exposures[0] as number);
    const db = trend.units.find((u) => u.unitPath === 'units/db.service');
    expect(db?.points.map((p) => p.exposure === null)).toEqual([true, true, true, true, false]);
  });

  it('a base equal to the head is one column; unitPaths keeps only the units asked for', async () => {
    const trend = await collectTrend(r.workspace, {
      policy: builtInPolicy(),
      pattern: 'release-*',
      base: r.headSha,
      head: r.headSha,
      unitPaths: ['units/db.service'],
    });
    expect(trend.releases.map((c) => c.label)).toEqual(['release-2', 'head']);
    expect(trend.units.map((u) => u.unitPath)).toEqual(['units/db.service']);
  });

  it('no matching tag is said; the head alone remains', async () => {
    const messages: string[] = [];
    const trend = await collectTrend(r.workspace, { policy: builtInPolicy(), pattern: 'none-*', messages });
    expect(messages).toEqual(['No tag matches none-*: the trend has no releases.']);
    expect(trend.releases.map((c) => c.kind)).toEqual(['head']);
  });

  it.each([
    ['head', { head: 'no-such-branch' }],
    ['base', { base: 'no-such-branch' }],
  ])('an unknown %s revision is a GitError', async (_which, revisions) => {
    await expect(collectTrend(r.workspace, { policy: builtInPolicy(), ...revisions })).rejects.toThrow(
      /unknown revision no-such-branch/,
    );
  });

  it('a policy path with whitespace is not read: every commit uses the given policy', async () => {
    const messages: string[] = [];
    const trend = await collectTrend(r.workspace, {
      policy: builtInPolicy(),
      policyPath: 'a b.json',
      messages,
    });
    expect(messages).toEqual([]);
    expect(new Set(trend.releases.map((c) => c.systemdVersion))).toEqual(
      new Set([builtInPolicy().systemdVersion]),
    );
  });

  it('a repository without commits has no head column', async () => {
    const empty = path.join(r.origin, '..', 'empty');
    await r.git('init', '-q', empty);
    await writeFile(path.join(empty, 'x'), '');
    const trend = await collectTrend(empty, { policy: builtInPolicy() });
    expect(trend.releases).toEqual([]);
  });
});
