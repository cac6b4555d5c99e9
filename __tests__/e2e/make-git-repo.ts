// Real git repositories for end-to-end tests: a base commit, a head commit on a branch, the test
// merge commit GitHub makes for a pull request, a bare "origin" to fetch from, and a workspace checked
// out the way actions/checkout does it (the merge commit, shallow by default). Optionally a history of
// (tagged) release commits before the base, for the trend across releases.
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FakeFile, FileStatus } from './fake-github-resources';

/** A file's content, a symlink, an executable file, or `null` for "absent" (handy in `{...base, x: null}`). */
export type TreeEntry =
  string | Uint8Array | null | { symlink: string } | { content: string; executable?: boolean };
export type FileTree = Record<string, TreeEntry>;

export interface GitRepoOptions {
  /** Workspace fetched with depth 1, like actions/checkout's default `fetch-depth: 1` (default true). */
  shallow?: boolean;
  /** What the workspace has checked out: the PR's merge commit (actions/checkout on pull_request) or the head. */
  checkout?: 'merge' | 'head';
  /** Extra symlinks in the head tree: path → target (may point outside the workspace). */
  symlinks?: Record<string, string>;
  baseRef?: string;
  headRef?: string;
  pullNumber?: number;
  /**
   * Commits on the base branch before the base commit, oldest first, each holding exactly its `tree`;
   * `tag` names a release tag on it (annotated with `annotated`). The tags are pushed to origin, and a
   * full checkout (`shallow: false`) fetches them, as actions/checkout does with `fetch-depth: 0`.
   */
  history?: HistoryCommit[];
  /**
   * Files the base branch changed after the pull request's branch was made (over `base`; `null`
   * deletes): the base branch's tip is then a commit after the merge base, as when main moves on.
   */
  baseTip?: FileTree;
}

export interface HistoryCommit {
  tree: FileTree;
  tag?: string;
  annotated?: boolean;
}

export interface GitRepo {
  /** The checked-out clone: pass it as `workspace` to runAction. */
  workspace: string;
  /** The bare repository the workspace's `origin` remote points at (file:// URL in `originUrl`). */
  origin: string;
  originUrl: string;
  baseSha: string;
  headSha: string;
  /** The commit the head branch was made from (equals baseSha unless `baseTip` moved the base on). */
  forkSha: string;
  /** GitHub's test merge commit of head into base (refs/pull/N/merge); GITHUB_SHA on pull_request. */
  mergeSha: string;
  baseRef: string;
  headRef: string;
  pullNumber: number;
  /** The files that differ between base and head, as `pulls/list-files` reports them (with patches). */
  changedFiles: FakeFile[];
  /** The `history` commits, oldest first: their shas and tags. */
  history: Array<{ sha: string; tag?: string }>;
  /** Ready for `fake.addPullRequest(repo.pullRequest)`: number, head, base, merge sha, files. */
  pullRequest: {
    number: number;
    head: { sha: string; ref: string };
    base: { sha: string; ref: string };
    mergeCommitSha: string;
    files: FakeFile[];
  };
  /** Runs git in the workspace and returns its stdout. */
  git(...args: string[]): Promise<string>;
  /** Removes every directory this repo made. */
  cleanup(): Promise<void>;
}

// Fixed identity and dates (same trees → same shas) and no user or system git configuration.
const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Unit Gate',
  GIT_AUTHOR_EMAIL: 'unitgate@example.com',
  GIT_AUTHOR_DATE: '2025-01-01T00:00:00Z',
  GIT_COMMITTER_NAME: 'Unit Gate',
  GIT_COMMITTER_EMAIL: 'unitgate@example.com',
  GIT_COMMITTER_DATE: '2025-01-01T00:00:00Z',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_TERMINAL_PROMPT: '0',
};

/** Runs git asynchronously (never a sync child: an in-process fake server must keep serving). */
export function runGit(cwd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      ['-c', 'commit.gpgsign=false', '-c', 'core.autocrlf=false', ...args],
      { cwd, env: { ...process.env, ...GIT_ENV }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`git ${args.join(' ')} failed in ${cwd}:\n${stderr || error.message}`));
        else resolve(stdout);
      },
    );
  });
}

async function writeTree(dir: string, tree: FileTree): Promise<void> {
  for (const [file, entry] of Object.entries(tree)) {
    if (entry === null) continue;
    const target = path.join(dir, file);
    await mkdir(path.dirname(target), { recursive: true });
    if (typeof entry === 'string' || entry instanceof Uint8Array) {
      await writeFile(target, entry);
    } else if ('symlink' in entry) {
      await symlink(entry.symlink, target);
    } else {
      await writeFile(target, entry.content);
      if (entry.executable) await chmod(target, 0o755);
    }
  }
}

/** Empties a work tree but its .git. */
async function clearWorkTree(dir: string): Promise<void> {
  for (const name of await readdir(dir)) {
    if (name !== '.git') await rm(path.join(dir, name), { recursive: true, force: true });
  }
}

const STATUS: Record<string, FileStatus> = {
  A: 'added',
  D: 'removed',
  M: 'modified',
  R: 'renamed',
  C: 'copied',
  T: 'changed',
};

/** `pulls/list-files` entries for base..head, computed by git (renames detected like GitHub's). */
async function diffFiles(cwd: string, base: string, head: string): Promise<FakeFile[]> {
  const nameStatus = (await runGit(cwd, ['diff', '-M', '--name-status', '-z', base, head])).split('\0');
  const numstat = (await runGit(cwd, ['diff', '-M', '--numstat', '-z', base, head])).split('\0');
  const counts = new Map<string, { additions: number; deletions: number }>();
  for (let i = 0; i < numstat.length; i++) {
    const match = /^(-|\d+)\t(-|\d+)\t(.*)$/.exec(numstat[i] ?? '');
    if (!match) continue;
    // With -z a rename's numstat is "a\td\t" followed by the old and new names as separate fields.
    let name = match[3] ?? '';
    if (name === '') {
      name = numstat[i + 2] ?? '';
      i += 2;
    }
    counts.set(name, {
      additions: match[1] === '-' ? 0 : Number(match[1]),
      deletions: match[2] === '-' ? 0 : Number(match[2]),
    });
  }
  const entries: Array<{ letter: string; previous: string | undefined; filename: string }> = [];
  for (let i = 0; i < nameStatus.length;) {
    const code = nameStatus[i++] ?? '';
    if (code === '') continue;
    const letter = code[0] ?? 'M';
    const twoNames = letter === 'R' || letter === 'C';
    const previous = twoNames ? nameStatus[i++] : undefined;
    entries.push({ letter, previous, filename: nameStatus[i++] ?? '' });
  }
  // One `git diff` for every file (a process per file takes half a minute for 3,000 files): its
  // sections come in the order of --name-status, the same diff queue. Per-file diffs if they do not.
  const sections = (await runGit(cwd, ['diff', '-M', base, head]))
    .split(/^(?=diff --git )/m)
    .filter((section) => section.startsWith('diff --git '));
  const together = sections.length === entries.length;
  const files: FakeFile[] = [];
  for (const [index, { letter, previous, filename }] of entries.entries()) {
    const diff = together
      ? (sections[index] ?? '')
      : await runGit(cwd, ['diff', '-M', base, head, '--', ...(previous ? [previous] : []), filename]);
    const hunkStart = diff.search(/^@@ /m);
    const file: FakeFile = {
      filename,
      status: STATUS[letter] ?? 'modified',
      ...(counts.get(filename) ?? { additions: 0, deletions: 0 }),
    };
    if (previous !== undefined) file.previous_filename = previous;
    if (hunkStart >= 0) file.patch = diff.slice(hunkStart).replace(/\n$/, '');
    files.push(file);
  }
  return files;
}

/**
 * Makes a repository whose `baseRef` branch has `base` and whose `headRef` branch has one more commit
 * with exactly `head` (files not in `head`, or null there, are deleted), pushes both and the test
 * merge commit to a bare origin, and checks out a workspace like actions/checkout on a pull request.
 */
export async function makeGitRepo(
  base: FileTree,
  head: FileTree,
  options: GitRepoOptions = {},
): Promise<GitRepo> {
  const baseRef = options.baseRef ?? 'main';
  const headRef = options.headRef ?? 'feature';
  const pullNumber = options.pullNumber ?? 1;
  const root = await mkdtemp(path.join(tmpdir(), 'unitgate-git-'));
  const seed = path.join(root, 'seed');
  const origin = path.join(root, 'origin.git');
  const workspace = path.join(root, 'workspace');
  const originUrl = pathToFileURL(origin).href; // file:// so that --depth is honoured

  await mkdir(seed);
  await runGit(seed, ['init', '-q', '-b', baseRef]);
  const history: GitRepo['history'] = [];
  for (const [index, commit] of (options.history ?? []).entries()) {
    await clearWorkTree(seed);
    await writeTree(seed, commit.tree);
    await runGit(seed, ['add', '-A']);
    await runGit(seed, ['commit', '-q', '--allow-empty', '-m', commit.tag ?? `history ${index + 1}`]);
    const sha = (await runGit(seed, ['rev-parse', 'HEAD'])).trim();
    if (commit.tag !== undefined) {
      await runGit(
        seed,
        commit.annotated ? ['tag', '-a', '-m', commit.tag, commit.tag] : ['tag', commit.tag],
      );
    }
    history.push({ sha, ...(commit.tag !== undefined ? { tag: commit.tag } : {}) });
  }
  await clearWorkTree(seed);
  await writeTree(seed, base);
  await runGit(seed, ['add', '-A']);
  await runGit(seed, ['commit', '-q', '--allow-empty', '-m', 'base']);
  const forkSha = (await runGit(seed, ['rev-parse', 'HEAD'])).trim();
  let baseSha = forkSha;

  await runGit(seed, ['checkout', '-q', '-b', headRef]);
  await clearWorkTree(seed);
  const headTree: FileTree = { ...head };
  for (const [link, target] of Object.entries(options.symlinks ?? {})) headTree[link] = { symlink: target };
  await writeTree(seed, headTree);
  await runGit(seed, ['add', '-A']);
  await runGit(seed, ['commit', '-q', '--allow-empty', '-m', 'head']);
  const headSha = (await runGit(seed, ['rev-parse', 'HEAD'])).trim();

  if (options.baseTip) {
    await runGit(seed, ['checkout', '-q', baseRef]);
    await clearWorkTree(seed);
    await writeTree(seed, { ...base, ...options.baseTip });
    await runGit(seed, ['add', '-A']);
    await runGit(seed, ['commit', '-q', '--allow-empty', '-m', 'base tip']);
    baseSha = (await runGit(seed, ['rev-parse', 'HEAD'])).trim();
  }

  await runGit(seed, ['checkout', '-q', '--detach', baseSha]);
  await runGit(seed, [
    'merge',
    '-q',
    '--no-ff',
    '--no-edit',
    '-m',
    `Merge ${headSha} into ${baseSha}`,
    headRef,
  ]);
  const mergeSha = (await runGit(seed, ['rev-parse', 'HEAD'])).trim();
  const changedFiles = await diffFiles(seed, forkSha, headSha);

  await runGit(root, ['init', '-q', '--bare', origin]);
  // GitHub serves any reachable commit by sha (what `git fetch origin <sha>` in a shallow clone needs).
  await runGit(origin, ['config', 'uploadpack.allowAnySHA1InWant', 'true']);
  await runGit(seed, [
    'push',
    '-q',
    originUrl,
    `${baseSha}:refs/heads/${baseRef}`,
    `${headSha}:refs/heads/${headRef}`,
    `${headSha}:refs/pull/${pullNumber}/head`,
    `${mergeSha}:refs/pull/${pullNumber}/merge`,
    ...history.flatMap(({ tag }) => (tag !== undefined ? [`refs/tags/${tag}:refs/tags/${tag}`] : [])),
  ]);
  await runGit(origin, ['symbolic-ref', 'HEAD', `refs/heads/${baseRef}`]);

  // As actions/checkout does it: init, add the remote, fetch the one ref, check it out detached.
  const checkout = options.checkout ?? 'merge';
  const shallow = options.shallow ?? true;
  const remoteRef =
    checkout === 'merge' ? `refs/remotes/pull/${pullNumber}/merge` : `refs/remotes/origin/${headRef}`;
  const sourceRef = checkout === 'merge' ? `refs/pull/${pullNumber}/merge` : `refs/heads/${headRef}`;
  await mkdir(workspace);
  await runGit(workspace, ['init', '-q', '-b', baseRef]);
  await runGit(workspace, ['remote', 'add', 'origin', originUrl]);
  await runGit(workspace, [
    'fetch',
    '-q',
    '--no-tags',
    ...(shallow ? ['--depth=1'] : []),
    'origin',
    `+${sourceRef}:${remoteRef}`,
    ...(shallow ? [] : ['+refs/heads/*:refs/remotes/origin/*', '+refs/tags/*:refs/tags/*']),
  ]);
  await runGit(workspace, ['checkout', '-q', '--force', '--detach', remoteRef]);

  return {
    workspace,
    origin,
    originUrl,
    baseSha,
    forkSha,
    headSha,
    mergeSha,
    baseRef,
    headRef,
    pullNumber,
    changedFiles,
    history,
    pullRequest: {
      number: pullNumber,
      head: { sha: headSha, ref: headRef },
      base: { sha: baseSha, ref: baseRef },
      mergeCommitSha: mergeSha,
      files: changedFiles,
    },
    git: (...args: string[]) => runGit(workspace, args),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}
