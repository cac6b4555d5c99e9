// The gate pipeline over real git commits: what a commit's tree gives the scope stage (files reached
// through links inside the repository, files too large to read, links leaving it), and that the
// working tree (`unitgate check`) and a commit (CI) score the same unit the same way.
import { builtInPolicy } from '../../src/core/policy/load-policy';
import { commitSource, runGatePipeline, worktreeSource } from '../../src/io/gate-pipeline';
import { BlobReader, diffNames } from '../../src/io/git';
import { MAX_UNIT_FILE_BYTES } from '../../src/core/unit/load-unit';
import { makeGitRepo, runGit, type FileTree, type GitRepo } from '../e2e/make-git-repo';

/** What a run reads through one BlobReader, closed after. */
async function readBlobs(cwd: string, names: string[]): Promise<Map<string, Buffer>> {
  const reader = new BlobReader(cwd);
  try {
    return await reader.readAll(names);
  } finally {
    await reader.close();
  }
}

const UNIT = '[Service]\nExecStart=/bin/true\nProtectSystem=strict\nPrivateTmp=yes\nNoNewPrivileges=yes\n';
const WEAK = '[Service]\nProtectSystem=no\nPrivateTmp=no\nNoNewPrivileges=no\n';

const repos: GitRepo[] = [];
afterAll(async () => {
  for (const r of repos) await r.cleanup();
});

async function gate(base: FileTree, head: FileTree) {
  const repo = await makeGitRepo(base, head, { shallow: false, checkout: 'head' });
  repos.push(repo);
  const messages: string[] = [];
  const result = runGatePipeline({
    head: await commitSource(repo.workspace, repo.headSha),
    base: await commitSource(repo.workspace, repo.baseSha),
    changed: await diffNames(repo.workspace, repo.baseSha, repo.headSha),
    policy: builtInPolicy(),
    approvals: [],
    today: '2026-01-01',
    messages,
  });
  return { ...result, messages, repo };
}

describe('runGatePipeline over commits', () => {
  it('applies a drop-in linked to a repository file of any name, and a change to that file is in scope', async () => {
    const base: FileTree = {
      'deploy/api.service': UNIT,
      'deploy/api.service.d/override.conf': { symlink: '../../docs/notes.txt' },
      'docs/notes.txt': '# nothing yet\n',
    };
    const { verdict } = await gate(base, { ...base, 'docs/notes.txt': WEAK });
    expect(verdict.result).toBe('fail');
    const unit = verdict.units.find((u) => u.path === 'deploy/api.service');
    expect(unit?.status).toBe('fail');
    expect(unit?.changes.map((c) => c.location.file)).toContain('deploy/api.service.d/override.conf');
  });

  it('the working tree (unitgate check) reads the linked drop-in like the commit does', async () => {
    const files: FileTree = {
      'deploy/api.service': UNIT,
      'deploy/api.service.d/override.conf': { symlink: '../../docs/notes.txt' },
      'docs/notes.txt': WEAK,
    };
    const repo = await makeGitRepo(files, files, { shallow: false, checkout: 'head' });
    repos.push(repo);
    const score = async (head: Awaited<ReturnType<typeof commitSource>>) =>
      runGatePipeline({ head, policy: builtInPolicy(), approvals: [], today: '2026-01-01', messages: [] })
        .verdict.units[0]?.head?.exposure;
    const fromCommit = await score(await commitSource(repo.workspace, repo.headSha));
    const fromWorktree = await score(await worktreeSource(repo.workspace));
    expect(fromCommit).toBeDefined();
    expect(fromCommit).toBe(fromWorktree);
  });

  it('a drop-in too large to read fails the unit with its path and size', async () => {
    const big = `[Service]\n${'# filler\n'.repeat(MAX_UNIT_FILE_BYTES / 9 + 10)}ProtectSystem=no\n`;
    const base: FileTree = { 'deploy/api.service': UNIT };
    const { verdict } = await gate(base, { ...base, 'deploy/api.service.d/big.conf': big });
    expect(verdict.result).toBe('fail');
    const unit = verdict.units[0];
    expect(unit?.status).toBe('error');
    expect(unit?.note).toContain('deploy/api.service.d/big.conf');
    expect(unit?.note).toContain(`file is ${Buffer.byteLength(big)} bytes`);
  });

  it('a drop-in linked outside the repository is refused', async () => {
    const base: FileTree = { 'deploy/api.service': UNIT };
    const { verdict } = await gate(base, {
      ...base,
      'deploy/api.service.d/x.conf': { symlink: '../../../../etc/passwd' },
    });
    expect(verdict.result).toBe('fail');
    expect(verdict.units[0]?.note).toMatch(/not in this repository; refused/);
  });

  it('a unit moved under conf.d/ and stripped is a regression, not deleted + added', async () => {
    const { verdict } = await gate(
      { 'deploy/api.service': UNIT },
      { 'deploy/conf.d/api.service': '[Service]\nExecStart=/bin/true\n' },
    );
    expect(verdict.result).toBe('fail');
    expect(verdict.units.map((u) => [u.path, u.previousPath, u.status])).toEqual([
      ['deploy/conf.d/api.service', 'deploy/api.service', 'fail'],
    ]);
  });
});

describe('readBlobs', () => {
  it('returns every blob whole, empty and multi-megabyte ones included, in one pass', async () => {
    const large = 'x'.repeat(3 * 1024 * 1024 + 7) + '\n';
    const repo = await makeGitRepo({ a: '', b: large, c: 'line\n' }, { a: '', b: large, c: 'line\n' });
    repos.push(repo);
    const oids = (await runGit(repo.workspace, ['rev-parse', 'HEAD:a', 'HEAD:b', 'HEAD:c', 'HEAD:c']))
      .trim()
      .split('\n');
    const blobs = await readBlobs(repo.workspace, [...oids, '0'.repeat(40)]);
    expect(blobs.get(oids[0] as string)?.length).toBe(0);
    expect(blobs.get(oids[1] as string)?.toString()).toBe(large);
    expect(blobs.get(oids[2] as string)?.toString()).toBe('line\n');
    expect(blobs.size).toBe(3);
  });
});

describe('worktreeSource: paths that differ only in case', () => {
  const files: FileTree = {
    'deploy/API.service': UNIT,
    'deploy/api.service': WEAK,
    'deploy/web.service': UNIT,
  };

  it('on a case-sensitive file system both are there, each read as itself', async () => {
    const repo = await makeGitRepo(files, files, { shallow: false, checkout: 'head' });
    repos.push(repo);
    const source = await worktreeSource(repo.workspace);
    expect(source.paths).toEqual(expect.arrayContaining(['deploy/API.service', 'deploy/api.service']));
    expect(source.tree.readFile('/deploy/API.service')).toEqual({ text: UNIT });
    expect(source.tree.readFile('/deploy/api.service')).toEqual({ text: WEAK });
  });

  it('where the file system stores them as one, the working tree is refused naming both', async () => {
    const repo = await makeGitRepo(files, files, { shallow: false, checkout: 'head' });
    repos.push(repo);
    const asked: string[][] = [];
    // What a case-insensitive file system answers: the two names are one entry.
    const folding = (_dir: string, a: string, b: string) => {
      asked.push([a, b]);
      return a.toLowerCase() === b.toLowerCase();
    };
    await expect(worktreeSource(repo.workspace, folding)).rejects.toThrow(
      /^deploy\/API\.service and deploy\/api\.service differ only in letter case .*\(--cached\)/,
    );
    expect(asked).toEqual([['deploy/API.service', 'deploy/api.service']]);
  });

  it('directories that differ only in case are named with the paths under them', async () => {
    const tree: FileTree = { 'Deploy/a.service': UNIT, 'deploy/b.service': UNIT };
    const repo = await makeGitRepo(tree, tree, { shallow: false, checkout: 'head' });
    repos.push(repo);
    await expect(worktreeSource(repo.workspace, () => true)).rejects.toThrow(
      'Deploy/a.service and deploy/b.service differ only in letter case or Unicode form (Deploy and deploy)',
    );
  });
});
