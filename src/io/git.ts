// Git access for the gate: trees of commits (and of the index) as UnitTrees (read through git, never through the
// working tree, so a hostile checkout cannot make us follow a symlink), changed files, merge bases and
// fetching a missing base commit. Nothing from the repository is ever executed.
import { execFile, spawn } from 'node:child_process';
import { posix } from 'node:path';
import { heldListings, resolvePath, type TreeEntry, type UnitTree } from '../core/unit/unit-tree';
import { MAX_UNIT_FILE_BYTES, tooLargeMessage } from '../core/unit/load-unit';

export class GitError extends Error {}

/** Runs git with a fixed, safe environment (no pager, no prompts, no hooks that run repository code). */
export function git(
  cwd: string,
  args: string[],
  options: { input?: string; allowFailure?: boolean } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      [
        '-c',
        'core.hooksPath=/dev/null',
        '-c',
        'core.fsmonitor=false',
        '-c',
        'protocol.file.allow=always',
        ...args,
      ],
      {
        cwd,
        maxBuffer: 256 * 1024 * 1024,
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', LC_ALL: 'C' },
        encoding: 'utf8',
      },
      (error, stdout, stderr) => {
        if (error && !options.allowFailure)
          reject(new GitError(`git ${args.join(' ')} failed: ${(stderr || error.message).trim()}`));
        else resolve(error ? '' : stdout);
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

export interface TreeListingEntry {
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  oid: string;
  size: number;
  path: string;
}

/** Every file of a commit (`git ls-tree -r -l -z`). */
export async function listTree(cwd: string, commit: string): Promise<TreeListingEntry[]> {
  const out = await git(cwd, ['ls-tree', '-r', '-l', '-z', '--full-tree', commit]);
  const entries: TreeListingEntry[] = [];
  for (const record of out.split('\0')) {
    if (!record) continue;
    const tab = record.indexOf('\t');
    const [mode, type, oid, size] = record.slice(0, tab).split(/\s+/) as [string, string, string, string];
    entries.push({
      mode,
      type: type as TreeListingEntry['type'],
      oid,
      size: size === '-' ? 0 : Number(size),
      path: record.slice(tab + 1),
    });
  }
  return entries;
}

/**
 * Reads blobs (or any `git cat-file` object name, such as `COMMIT:PATH`) through one long-lived
 * `git cat-file --batch` process, each name once: the trend reads every release of a repository
 * through one reader, so a file unchanged across releases is read once and a release costs no extra
 * process. Answers come in request order; the output is parsed as it arrives and each blob is copied
 * once into a buffer of its own size. A name git reports missing has no entry in the result. Should the
 * process fail, every read waiting on it, and every later one, fails with a GitError.
 */
export class BlobReader {
  private child: ReturnType<typeof spawn> | undefined;
  private readonly read = new Map<string, Promise<Buffer | undefined>>();
  /** Requests written and not yet answered, in order. */
  private readonly waiting: {
    name: string;
    done: (blob: Buffer | undefined) => void;
    fail: (e: Error) => void;
  }[] = [];
  private failure: GitError | undefined;
  private exited: Promise<void> | undefined;
  // Parser state: bytes of an incomplete header line, the blob being filled, the newline after a blob.
  private header = Buffer.alloc(0);
  private blob: Buffer | undefined;
  private filled = 0;
  private skipNewline = false;

  constructor(private readonly cwd: string) {}

  /** The blobs named, by name; names git does not know are left out. */
  async readAll(names: readonly string[]): Promise<Map<string, Buffer>> {
    const pending = names.map((name) => this.readOne(name));
    const blobs = await Promise.all(pending);
    const result = new Map<string, Buffer>();
    names.forEach((name, i) => {
      const blob = blobs[i];
      if (blob) result.set(name, blob);
    });
    return result;
  }

  /** Ends the process; resolves when it has exited (a failure after the last answer is not reported). */
  async close(): Promise<void> {
    if (!this.child) return;
    this.child.stdin?.end();
    await this.exited;
  }

  private readOne(name: string): Promise<Buffer | undefined> {
    let p = this.read.get(name);
    if (!p) {
      // git reads one object name per line: a name with a line break would be two requests.
      if (/[\n\r]/.test(name))
        p = Promise.reject(new GitError(`not an object name: ${JSON.stringify(name)}`));
      else if (this.failure) p = Promise.reject(this.failure);
      else
        p = new Promise((done, fail) => {
          this.waiting.push({ name, done, fail });
          this.process().stdin?.write(name + '\n');
        });
      p.catch(() => undefined); // the caller awaits it; a failure shared by later reads is not "unhandled"
      this.read.set(name, p);
    }
    return p;
  }

  private process(): ReturnType<typeof spawn> {
    if (this.child) return this.child;
    const child = spawn('git', ['cat-file', '--batch'], {
      cwd: this.cwd,
      env: { ...process.env, LC_ALL: 'C' },
    });
    this.child = child;
    child.stdout?.on('data', (c: Buffer) => this.take(c));
    child.stdin?.on('error', () => undefined); // reported by 'close' below, with the exit status
    this.exited = new Promise((resolve) => {
      let settled = false;
      const end = (why: string): void => {
        if (settled) return;
        settled = true;
        this.failure = new GitError(why);
        for (const w of this.waiting.splice(0)) w.fail(this.failure);
        resolve();
      };
      child.on('error', (e) => end(`git cat-file --batch failed: ${e.message}`));
      child.on('close', (code) =>
        end(code === 0 ? 'git cat-file --batch has ended' : `git cat-file --batch exited with ${code}`),
      );
    });
    return child;
  }

  private answer(blob: Buffer | undefined): void {
    this.waiting.shift()?.done(blob);
  }

  private take(c: Buffer): void {
    let pos = 0;
    while (pos < c.length) {
      if (this.skipNewline) {
        pos++;
        this.skipNewline = false;
        continue;
      }
      if (this.blob) {
        const n = Math.min(this.blob.length - this.filled, c.length - pos);
        c.copy(this.blob, this.filled, pos, pos + n);
        this.filled += n;
        pos += n;
        if (this.filled === this.blob.length) {
          this.answer(this.blob);
          this.blob = undefined;
          this.skipNewline = true;
        }
        continue;
      }
      const nl = c.indexOf(0x0a, pos);
      if (nl < 0) {
        this.header = Buffer.concat([this.header, c.subarray(pos)]);
        return;
      }
      const line = Buffer.concat([this.header, c.subarray(pos, nl)])
        .toString('utf8')
        .split(' ');
      this.header = Buffer.alloc(0);
      pos = nl + 1;
      if (line[line.length - 1] === 'missing' || line[line.length - 1] === 'ambiguous') {
        this.answer(undefined);
        continue;
      }
      const blob = Buffer.allocUnsafe(Number(line[2]));
      if (blob.length === 0) {
        this.answer(blob);
        this.skipNewline = true;
      } else {
        this.blob = blob;
        this.filled = 0;
      }
    }
  }
}

export interface GitTree extends UnitTree {
  /** Repository paths of every file (blobs and symlinks) in the commit. */
  paths: string[];
  commit: string;
}

/**
 * A UnitTree over one commit. Blobs whose path may matter to unit loading (unit files, drop-ins, and
 * symlinks) are read up front with one git process, then the files those symlinks lead to inside the
 * commit, whatever their names (systemd reads a drop-in linked to `docs/notes.txt`); everything is
 * then served from memory. A file larger than MAX_UNIT_FILE_BYTES is not read: reading it gives an
 * error naming its size, which the loader turns into a load failure.
 */
export async function gitTree(
  cwd: string,
  commit: string,
  wanted: (path: string) => boolean,
  /** A reader shared with other trees of the repository (the caller closes it); else one of its own. */
  blobs?: BlobReader,
): Promise<GitTree> {
  const listing = await listTree(cwd, commit);
  if (blobs) return treeOfListing(commit, listing, wanted, blobs);
  const own = new BlobReader(cwd);
  try {
    return await treeOfListing(commit, listing, wanted, own);
  } finally {
    await own.close();
  }
}

/**
 * Every file of the index (the staged content, what `git commit` would record), with the sizes of its
 * blobs. An unmerged path is a GitError: there is no one staged content to check.
 */
export async function listIndex(cwd: string): Promise<TreeListingEntry[]> {
  const out = await git(cwd, ['ls-files', '--stage', '-z']);
  const entries: TreeListingEntry[] = [];
  for (const record of out.split('\0')) {
    if (!record) continue;
    const tab = record.indexOf('\t');
    const [mode, oid, stage] = record.slice(0, tab).split(' ') as [string, string, string];
    const path = record.slice(tab + 1);
    if (stage !== '0') throw new GitError(`the index has an unresolved merge conflict in ${path}`);
    entries.push({ mode, type: mode === '160000' ? 'commit' : 'blob', oid, size: 0, path });
  }
  const blobs = entries.filter((e) => e.type === 'blob');
  if (blobs.length > 0) {
    const sizes = await git(cwd, ['cat-file', '--batch-check=%(objectname) %(objectsize)'], {
      input: blobs.map((e) => e.oid).join('\n') + '\n',
    });
    const sizeOf = new Map<string, number>();
    for (const line of sizes.split('\n')) {
      const [oid, size] = line.split(' ');
      if (oid && size && /^\d+$/.test(size)) sizeOf.set(oid, Number(size));
    }
    for (const e of blobs) {
      const size = sizeOf.get(e.oid);
      if (size === undefined) throw new GitError(`the index names a missing object ${e.oid} (${e.path})`);
      e.size = size;
    }
  }
  return entries;
}

/** A UnitTree over the index, read like gitTree() reads a commit: never through the working tree. */
export async function indexTree(cwd: string, wanted: (path: string) => boolean): Promise<GitTree> {
  const listing = await listIndex(cwd);
  const blobs = new BlobReader(cwd);
  try {
    return await treeOfListing('index', listing, wanted, blobs);
  } finally {
    await blobs.close();
  }
}

async function treeOfListing(
  commit: string,
  listing: TreeListingEntry[],
  wanted: (path: string) => boolean,
  reader: BlobReader,
): Promise<GitTree> {
  const entries = new Map<string, TreeEntry>();
  const children = new Map<string, Set<string>>();
  const addChild = (dir: string, name: string): void => {
    let set = children.get(dir);
    if (!set) {
      set = new Set();
      children.set(dir, set);
      if (dir !== '/') {
        entries.set(dir, { type: 'directory' });
        addChild(posix.dirname(dir), posix.basename(dir));
      }
    }
    set.add(name);
  };
  children.set('/', new Set());
  entries.set('/', { type: 'directory' });
  const links: TreeListingEntry[] = [];
  const files: TreeListingEntry[] = [];
  const oidOf = new Map<string, string>();
  for (const e of listing) {
    if (e.type !== 'blob') continue;
    const p = '/' + e.path;
    addChild(posix.dirname(p), posix.basename(p));
    entries.set(p, { type: 'file', size: e.size });
    if (e.mode === '120000') links.push(e);
    else {
      oidOf.set(p, e.oid);
      if (wanted(e.path) && e.size <= MAX_UNIT_FILE_BYTES) files.push(e);
    }
  }
  const contents = new Map<string, string>();
  const linkBlobs = await reader.readAll([...new Set(links.map((e) => e.oid))]);
  for (const e of links) {
    const blob = linkBlobs.get(e.oid);
    if (blob) entries.set('/' + e.path, { type: 'symlink', target: blob.toString('utf8') });
  }
  const tree: GitTree = {
    commit,
    paths: listing.filter((e) => e.type === 'blob').map((e) => e.path),
    lstat: (p) => entries.get(p),
    // git's listing gives every entry's type, as a directory listing with d_type does.
    ...heldListings(children, entries),
    readFile: (p) => {
      const text = contents.get(p);
      if (text !== undefined) return { text };
      const entry = entries.get(p);
      if (entry?.type === 'file' && entry.size > MAX_UNIT_FILE_BYTES)
        return { error: tooLargeMessage(entry.size) };
      return { error: 'not a unit file or drop-in' };
    },
  };
  // The files links lead to, inside the commit: read as well (a link leaving it resolves to nothing).
  const read = new Set(files.map((e) => '/' + e.path));
  const targets = new Map<string, string>();
  for (const e of links) {
    const r = resolvePath(tree, '/' + e.path);
    if (r.kind !== 'file' || read.has(r.path) || r.size > MAX_UNIT_FILE_BYTES) continue;
    const oid = oidOf.get(r.path);
    if (oid !== undefined) targets.set(r.path, oid);
  }
  const wantedOids = [...new Set([...files.map((e) => e.oid), ...targets.values()])];
  const blobs = await reader.readAll(wantedOids);
  for (const e of files) {
    const blob = blobs.get(e.oid);
    if (blob) contents.set('/' + e.path, blob.toString('utf8'));
  }
  for (const [path, oid] of targets) {
    const blob = blobs.get(oid);
    if (blob) contents.set(path, blob.toString('utf8'));
  }
  return tree;
}

export async function hasCommit(cwd: string, sha: string): Promise<boolean> {
  const out = await git(cwd, ['cat-file', '-t', sha], { allowFailure: true });
  return out.trim() === 'commit';
}

/** Makes sure a commit is available locally, fetching it (and enough history) in a shallow clone. */
/**
 * Fetches a commit and up to 100 commits of history behind it (in a shallow clone this deepens the
 * history there, so merge bases can be found). Failure is not an error here: callers check what they need.
 */
export async function fetchHistory(cwd: string, sha: string, remote = 'origin'): Promise<void> {
  await git(cwd, ['fetch', '--no-tags', '--no-recurse-submodules', '--depth=100', remote, sha], {
    allowFailure: true,
  });
}

export async function ensureCommit(cwd: string, sha: string, remote = 'origin'): Promise<void> {
  if (await hasCommit(cwd, sha)) return;
  await fetchHistory(cwd, sha, remote);
  if (await hasCommit(cwd, sha)) return;
  throw new GitError(
    `the base commit ${sha.slice(0, 12)} is not in this checkout and could not be fetched from ${remote}. ` +
      'Check out with `fetch-depth: 0` (actions/checkout) or give the job `contents: read` so the base can be fetched.',
  );
}

/**
 * The commit a branch, tag or commit name stands for: as the checkout knows it, as origin's branch,
 * else fetched from origin by that name (a shallow checkout has neither). Undefined when none works.
 * The caller refuses names that start with `-` (the `base-ref` input does), so none reads as an option.
 */
export async function resolveCommit(
  cwd: string,
  ref: string,
  remote = 'origin',
): Promise<string | undefined> {
  const verify = async (name: string): Promise<string | undefined> =>
    (
      await git(cwd, ['rev-parse', '--verify', '--quiet', `${name}^{commit}`], {
        allowFailure: true,
      })
    ).trim() || undefined;
  const known = (await verify(ref)) ?? (await verify(`refs/remotes/${remote}/${ref}`));
  if (known) return known;
  await git(cwd, ['fetch', '--no-tags', '--no-recurse-submodules', '--depth=100', remote, ref], {
    allowFailure: true,
  });
  return verify('FETCH_HEAD');
}

export async function mergeBase(cwd: string, a: string, b: string): Promise<string | undefined> {
  const out = await git(cwd, ['merge-base', a, b], { allowFailure: true });
  return out.trim() || undefined;
}

export interface ChangedFile {
  path: string;
  status: 'added' | 'modified' | 'removed' | 'renamed';
  previousPath?: string;
}

/**
 * `git diff --name-status -M` between two commits, or between a commit and the working tree (no
 * `head`), or between a commit and the index (`head` = `{ index: true }`).
 */
export async function diffNames(
  cwd: string,
  base: string,
  head?: string | { index: true },
): Promise<ChangedFile[]> {
  const out = await git(cwd, [
    'diff',
    '--no-ext-diff',
    '--no-textconv',
    '--name-status',
    '-M',
    '-z',
    ...(typeof head === 'object' ? ['--cached', base] : [base, ...(head ? [head] : [])]),
  ]);
  const parts = out.split('\0').filter((p) => p !== '');
  const files: ChangedFile[] = [];
  for (let i = 0; i < parts.length;) {
    const status = parts[i++] as string;
    if (status.startsWith('R')) {
      const from = parts[i++] as string;
      const to = parts[i++] as string;
      files.push({ path: to, status: 'renamed', previousPath: from });
    } else {
      const path = parts[i++] as string;
      files.push({
        path,
        status: status.startsWith('A') ? 'added' : status.startsWith('D') ? 'removed' : 'modified',
      });
    }
  }
  return files;
}

/** Whether `ancestor` is an ancestor of (or the same commit as) `descendant`. */
export async function isAncestor(cwd: string, ancestor: string, descendant: string): Promise<boolean> {
  const base = await mergeBase(cwd, ancestor, descendant);
  return (
    base ===
    (
      await git(cwd, ['rev-parse', '--verify', '--quiet', `${ancestor}^{commit}`], { allowFailure: true })
    ).trim()
  );
}
