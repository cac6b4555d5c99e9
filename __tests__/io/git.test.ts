// git.ts on real repositories in temporary directories: trees of commits and of the index, changed
// files, merge bases, and fetching a base commit a shallow clone lacks.
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeGitRepo, type GitRepo } from '../e2e/make-git-repo';
import {
  BlobReader,
  diffNames,
  ensureCommit,
  fetchHistory,
  git,
  GitError,
  gitTree,
  hasCommit,
  indexTree,
  isAncestor,
  listIndex,
  mergeBase,
} from '../../src/io/git';
import { MAX_UNIT_FILE_BYTES } from '../../src/core/unit/load-unit';

/** What a run reads through one BlobReader, closed after. */
async function readBlobs(cwd: string, names: string[]): Promise<Map<string, Buffer>> {
  const reader = new BlobReader(cwd);
  try {
    return await reader.readAll(names);
  } finally {
    await reader.close();
  }
}

const BASE = {
  'units/api.service': '[Service]\nExecStart=/bin/api\n',
  'units/old.service': '[Service]\nExecStart=/bin/old\n',
  'docs/notes.txt': 'notes\n',
};
const HEAD = {
  'units/api.service': '[Service]\nExecStart=/bin/api\nPrivateTmp=yes\n',
  'units/renamed.service': '[Service]\nExecStart=/bin/old\n',
  'units/new.service': '[Service]\nExecStart=/bin/new\n',
  'units/api.service.d/link.conf': { symlink: '../../docs/notes.txt' },
  'units/big.service': `[Service]\n#${'x'.repeat(MAX_UNIT_FILE_BYTES)}\n`,
  'docs/notes.txt': '[Service]\nNoNewPrivileges=yes\n',
};

const repos: GitRepo[] = [];
async function repo(options: Parameters<typeof makeGitRepo>[2] = {}): Promise<GitRepo> {
  const r = await makeGitRepo(BASE, HEAD, { checkout: 'head', ...options });
  repos.push(r);
  return r;
}
afterAll(() => Promise.all(repos.map((r) => r.cleanup())));

describe('gitTree', () => {
  it('reads the wanted files of a commit, symlinks and their targets, never a file over the limit', async () => {
    const r = await repo({ shallow: false });
    const tree = await gitTree(r.workspace, r.headSha, (p) => p.endsWith('.service'));
    expect(tree.paths).toEqual(expect.arrayContaining(Object.keys(HEAD)));
    expect(tree.readFile('/units/new.service')).toEqual({ text: HEAD['units/new.service'] });
    expect(tree.lstat('/units/api.service.d/link.conf')).toEqual({
      type: 'symlink',
      target: '../../docs/notes.txt',
    });
    // The link's target is read although it is not wanted by name (systemd follows the link).
    expect(tree.readFile('/docs/notes.txt')).toEqual({ text: HEAD['docs/notes.txt'] });
    expect(tree.readFile('/units/big.service')).toEqual({ error: expect.stringMatching(/bytes/) });
    expect(tree.readFile('/units/missing.service')).toEqual({ error: 'not a unit file or drop-in' });
    // The listing carries each entry's type, as lstat() gives it.
    const listed = tree.listDirectory?.('/units');
    expect([...(listed?.keys() ?? [])]).toEqual(tree.readDirectory('/units'));
    for (const [name, type] of listed ?? []) expect(type).toBe(tree.lstat(`/units/${name}`)?.type);
    expect(listed?.get('api.service.d')).toBe('directory');
    expect(tree.readDirectory('/units')).toEqual([
      'api.service',
      'api.service.d',
      'big.service',
      'new.service',
      'renamed.service',
    ]);
    expect(tree.readDirectory('/nowhere')).toBeUndefined();
  });

  it('an unknown commit is a GitError', async () => {
    const r = await repo();
    await expect(gitTree(r.workspace, 'f'.repeat(40), () => true)).rejects.toBeInstanceOf(GitError);
  });
});

describe('indexTree and listIndex', () => {
  it('read the staged content, not the working tree', async () => {
    const r = await repo();
    await writeFile(path.join(r.workspace, 'units/new.service'), 'staged\n');
    await r.git('add', 'units/new.service');
    await writeFile(path.join(r.workspace, 'units/new.service'), 'unstaged\n');
    const tree = await indexTree(r.workspace, () => true);
    expect(tree.commit).toBe('index');
    expect(tree.readFile('/units/new.service')).toEqual({ text: 'staged\n' });
    const sizes = new Map((await listIndex(r.workspace)).map((e) => [e.path, e.size]));
    expect(sizes.get('units/new.service')).toBe('staged\n'.length);
  });

  it('an unresolved merge conflict is a GitError naming the path', async () => {
    const r = await repo({ shallow: false });
    await r.git('checkout', '-q', '-b', 'other', r.baseSha);
    await writeFile(path.join(r.workspace, 'units/api.service'), 'other\n');
    await r.git('commit', '-q', '-am', 'other');
    await r.git('merge', r.headSha).catch(() => undefined);
    await expect(listIndex(r.workspace)).rejects.toThrow(/unresolved merge conflict in units\/api.service/);
  });
});

describe('diffNames', () => {
  it.each([
    ['two commits', (r: GitRepo) => diffNames(r.workspace, r.baseSha, r.headSha)],
    ['a commit and the working tree', (r: GitRepo) => diffNames(r.workspace, r.baseSha)],
    ['a commit and the index', (r: GitRepo) => diffNames(r.workspace, r.baseSha, { index: true })],
  ])('between %s: added, modified, renamed', async (_what, diff) => {
    const r = await repo({ shallow: false });
    const files = await diff(r);
    expect(files).toEqual(
      expect.arrayContaining([
        { path: 'units/api.service', status: 'modified' },
        { path: 'units/new.service', status: 'added' },
        { path: 'units/renamed.service', status: 'renamed', previousPath: 'units/old.service' },
      ]),
    );
  });

  it('a removed file is removed', async () => {
    const r = await repo({ shallow: false });
    await expect(diffNames(r.workspace, r.headSha, r.baseSha)).resolves.toEqual(
      expect.arrayContaining([{ path: 'units/new.service', status: 'removed' }]),
    );
  });
});

describe('merge bases and ancestry', () => {
  it.each([
    ['base', 'head', true],
    ['head', 'base', false],
    ['head', 'head', true],
  ] as const)('%s is an ancestor of %s: %s', async (a, b, expected) => {
    const r = await repo({ shallow: false });
    const sha = { base: r.baseSha, head: r.headSha };
    await expect(isAncestor(r.workspace, sha[a], sha[b])).resolves.toBe(expected);
  });

  it('commits that share no history have no merge base, and are not ancestors', async () => {
    const r = await repo({ shallow: false });
    await r.git('checkout', '-q', '--orphan', 'lonely');
    await r.git('commit', '-q', '--allow-empty', '-m', 'lonely');
    const lonely = (await r.git('rev-parse', 'HEAD')).trim();
    await expect(mergeBase(r.workspace, lonely, r.baseSha)).resolves.toBeUndefined();
    await expect(isAncestor(r.workspace, lonely, r.headSha)).resolves.toBe(false);
  });

  it('the merge base of a moved-on base branch is the fork point', async () => {
    const r = await makeGitRepo(BASE, HEAD, { shallow: false, baseTip: { 'units/tip.service': 'x\n' } });
    repos.push(r);
    await expect(mergeBase(r.workspace, r.baseSha, r.headSha)).resolves.toBe(r.forkSha);
  });
});

describe('ensureCommit', () => {
  it('fetches a base commit a shallow clone lacks; deepening the head finds the merge base', async () => {
    const r = await repo({ shallow: true });
    await expect(hasCommit(r.workspace, r.baseSha)).resolves.toBe(false);
    await ensureCommit(r.workspace, r.baseSha);
    await expect(hasCommit(r.workspace, r.baseSha)).resolves.toBe(true);
    // The shallow head still hides its parents: no merge base until its history is deepened too.
    await expect(isAncestor(r.workspace, r.baseSha, r.headSha)).resolves.toBe(false);
    await fetchHistory(r.workspace, r.headSha);
    await expect(isAncestor(r.workspace, r.baseSha, r.headSha)).resolves.toBe(true);
  });

  it('a commit the remote does not have either is a GitError that says how to check out', async () => {
    const r = await repo({ shallow: true });
    await expect(ensureCommit(r.workspace, 'f'.repeat(40))).rejects.toThrow(/fetch-depth: 0/);
  });

  it('a present commit needs no fetch', async () => {
    const r = await repo({ shallow: true });
    await expect(ensureCommit(r.workspace, r.headSha, 'no-such-remote')).resolves.toBeUndefined();
  });
});

describe('git and readBlobs', () => {
  it('a failing command is a GitError with git’s message; allowFailure gives ""', async () => {
    const r = await repo();
    await expect(git(r.workspace, ['rev-parse', '--verify', 'nope'])).rejects.toThrow(
      /git rev-parse .* failed/,
    );
    await expect(git(r.workspace, ['rev-parse', '--verify', 'nope'], { allowFailure: true })).resolves.toBe(
      '',
    );
  });

  it('reads many blobs at once, a missing one left out', async () => {
    const r = await repo();
    const oid = (await r.git('rev-parse', `${r.headSha}:units/new.service`)).trim();
    const blobs = await readBlobs(r.workspace, [oid, 'e'.repeat(40)]);
    expect([...blobs.keys()]).toEqual([oid]);
    expect(blobs.get(oid)?.toString()).toBe(HEAD['units/new.service']);
    await expect(readBlobs(r.workspace, [])).resolves.toEqual(new Map());
  });

  it('a BlobReader serves many reads, in any order and at once, through one process', async () => {
    const r = await repo({ shallow: false });
    const reader = new BlobReader(r.workspace);
    try {
      const names = [`${r.headSha}:units/new.service`, `${r.baseSha}:units/old.service`, `${r.headSha}:nope`];
      const [first, second] = await Promise.all([
        reader.readAll(names),
        reader.readAll([`${r.baseSha}:units/api.service`, names[0] as string]),
      ]);
      expect([...first.keys()]).toEqual(names.slice(0, 2));
      expect(first.get(names[0] as string)?.toString()).toBe(HEAD['units/new.service']);
      expect(first.get(names[1] as string)?.toString()).toBe(BASE['units/old.service']);
      expect(second.get(`${r.baseSha}:units/api.service`)?.toString()).toBe(BASE['units/api.service']);
      // The same name is read once: the second read shares the first one's buffer.
      expect(second.get(names[0] as string)).toBe(first.get(names[0] as string));
      await expect(reader.readAll([`${r.headSha}:units/new.service\nHEAD`])).rejects.toThrow(GitError);
    } finally {
      await reader.close();
    }
    // After close, nothing more can be read: a read then fails rather than answering "missing".
    await expect(reader.readAll([`${r.headSha}:units/api.service`])).rejects.toThrow(/has ended/);
  });

  it('a BlobReader whose git fails fails every read', async () => {
    const reader = new BlobReader(path.join(tmpdir(), 'unitgate-no-such-directory'));
    await expect(reader.readAll(['HEAD:x'])).rejects.toThrow(GitError);
    await reader.close();
  });
});
