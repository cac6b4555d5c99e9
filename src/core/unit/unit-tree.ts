// The read-only view of a file tree that unit loading needs, and symlink resolution confined to it.
// The shell (src/io) implements UnitTree over a real directory; tests implement it over a plain object.
// Resolution follows chase_symlinks() with a root (src/basic/chase-symlinks.c): absolute link targets
// restart at the tree's root and `..` never climbs above it, so nothing outside the tree is ever read.
// A tree can instead be a window onto one directory of the host (`hostDirectory`: the CLI's trees,
// since systemd-analyze opens files with plain open() calls, with or without --root): links then
// resolve as on the host, and only a link that lands on /dev/null (a mask) may leave the window —
// every other path outside it is missing, never read.
import { utf8Length } from './utf8';
import { posix } from 'path';

export type TreeEntry =
  | { type: 'file'; size: number }
  | { type: 'directory' }
  | { type: 'symlink'; target: string }
  | { type: 'other' };

export type EntryType = TreeEntry['type'];

export interface UnitTree {
  /** The entry at an absolute path inside the tree, without following a final symlink. */
  lstat(path: string): TreeEntry | undefined;
  /** Names inside a directory (the path is already resolved). */
  readDirectory(path: string): string[] | undefined;
  /**
   * Optional, for trees that learn the type of each entry from the listing itself (the d_type that
   * getdents(2) returns): the names readDirectory() gives, in its order, each with the type lstat()
   * would give it. A file's size is not part of a listing (lstat() tells it). Without this method,
   * the loader asks lstat() about each entry it needs. A wrapper that changes what readDirectory()
   * or lstat() answer must not pass the wrapped tree's listDirectory() on unchanged.
   */
  listDirectory?(path: string): ReadonlyMap<string, EntryType> | undefined;
  /** The contents of a regular file (the path is already resolved). */
  readFile(path: string): { text: string } | { error: string };
  /**
   * Set when the tree is not a root of its own but the host directory at this absolute, canonical
   * path: tree path `/x` is host path `<hostDirectory>/x`, and `..` or absolute link targets are
   * resolved against the host file system (as systemd's open() calls do).
   */
  hostDirectory?: string;
}

/** How many symlinks resolution follows before giving up (CHASE_SYMLINKS_MAX). */
const MAX_SYMLINK_HOPS = 32;

export type Resolved =
  | { kind: 'file'; path: string; size: number }
  | { kind: 'directory'; path: string }
  | { kind: 'null' } // /dev/null: the systemd way of masking
  | { kind: 'missing' }
  | { kind: 'other'; path: string }
  | { kind: 'loop' };

/**
 * Follows every symlink in `path` inside the tree. A link to `/dev/null` resolves to `null` without
 * touching anything (masking); every other target is looked up inside the tree. In a host-directory
 * tree, a path that leaves the directory is `null` when it is /dev/null on the host, else missing.
 */
export function resolvePath(tree: UnitTree, path: string): Resolved {
  const split = (p: string): string[] => p.split('/').filter((c) => c.length > 0);
  // Components are tracked in host coordinates when the tree is a host directory, so that `..` can
  // climb out of it; `base` is the part that maps to the tree's root.
  const base = tree.hostDirectory === undefined ? [] : split(posix.normalize(tree.hostDirectory));
  const host = tree.hostDirectory !== undefined;
  let pending = split(posix.normalize(path));
  const done: string[] = [...base];
  let hops = 0;
  while (pending.length > 0) {
    const component = pending.shift() as string;
    if (component === '.') continue;
    if (component === '..') {
      // With a root, `..` stops at the root (chase_symlinks() with CHASE_PREFIX_ROOT).
      done.pop();
      continue;
    }
    const current = [...done, component];
    if (host && current.some((c, i) => i < base.length && base[i] !== c)) {
      // Outside the host directory: only a mask is recognised, nothing is read.
      const hostPath = posix.normalize('/' + [...current, ...pending].join('/'));
      return hostPath === '/dev/null' ? { kind: 'null' } : { kind: 'missing' };
    }
    if (current.length < base.length) {
      // An ancestor of the (canonical) host directory: a real directory on the way back in.
      done.push(component);
      continue;
    }
    const treePath = '/' + current.slice(base.length).join('/');
    // /dev/null is a mask, whichever way it is reached (in a host view of `/`, it is the host's).
    if (pending.length === 0 && (host ? '/' + current.join('/') : treePath) === '/dev/null')
      return { kind: 'null' };
    const entry = tree.lstat(treePath);
    if (!entry) return { kind: 'missing' };
    if (entry.type === 'symlink') {
      if (++hops > MAX_SYMLINK_HOPS) return { kind: 'loop' };
      const target = entry.target;
      if (posix.normalize(target) === '/dev/null' && pending.length === 0) return { kind: 'null' };
      const rest = split(target);
      // An absolute target restarts at the root: the tree's, or the host's for a host directory.
      if (target.startsWith('/')) done.length = 0;
      pending = [...rest, ...pending];
      continue;
    }
    if (pending.length > 0 && entry.type !== 'directory') return { kind: 'missing' };
    done.push(component);
    if (pending.length === 0) {
      const p = '/' + done.slice(base.length).join('/');
      if (entry.type === 'file') return { kind: 'file', path: p, size: entry.size };
      if (entry.type === 'directory') return { kind: 'directory', path: p };
      return { kind: 'other', path: p };
    }
  }
  if (host && done.length < base.length) return { kind: 'missing' };
  return { kind: 'directory', path: '/' + done.slice(base.length).join('/') };
}

/**
 * chase() with CHASE_NONEXISTENT (src/basic/chase.c): the symlinks of `path` resolved inside the tree
 * as far as its components exist, the rest appended as it is. The tree is taken as a root of its own
 * (an absolute link target restarts at its `/`). `undefined` after too many links.
 */
export function chaseNonexistent(tree: UnitTree, path: string): string | undefined {
  let pending = path.split('/').filter((c) => c.length > 0);
  const done: string[] = [];
  let hops = 0;
  while (pending.length > 0) {
    const component = pending.shift() as string;
    if (component === '.') continue;
    if (component === '..') {
      done.pop();
      continue;
    }
    const entry = tree.lstat('/' + [...done, component].join('/'));
    if (!entry) return '/' + [...done, component, ...pending].join('/');
    if (entry.type === 'symlink') {
      if (++hops > MAX_SYMLINK_HOPS) return undefined;
      if (entry.target.startsWith('/')) done.length = 0;
      pending = [...entry.target.split('/').filter((c) => c.length > 0), ...pending];
      continue;
    }
    done.push(component);
  }
  return '/' + done.join('/');
}

/**
 * resolvePath() of `path` = `<dir>/<name>` for a directory `dir` that resolvePath() has already
 * resolved (a tree path without symlinks) and a plain file name, when only the last component needs a
 * look: it is not a symlink. `undefined` when that shortcut does not apply (a symlink to follow, `.`
 * or `..`): then resolve the whole path. Following the same steps as resolvePath() would from `dir`
 * on, the result is the same — a last component that is no link adds no hop.
 */
export function resolveEntryIn(tree: UnitTree, path: string): Resolved | undefined {
  const slash = path.lastIndexOf('/');
  const name = path.slice(slash + 1);
  if (name === '' || name === '.' || name === '..') return undefined;
  const entry = tree.lstat(path);
  if (!entry) {
    if (path === '/dev/null' && tree.hostDirectory === undefined) return { kind: 'null' };
    return { kind: 'missing' };
  }
  return entry.type === 'symlink' ? undefined : resolvedEntry(path, entry);
}

/** What resolvePath() gives for a path whose every component, `entry` included, is no symlink. */
export function resolvedEntry(path: string, entry: Exclude<TreeEntry, { type: 'symlink' }>): Resolved {
  switch (entry.type) {
    case 'file':
      return { kind: 'file', path, size: entry.size };
    case 'directory':
      return { kind: 'directory', path };
    default:
      return { kind: 'other', path };
  }
}

/**
 * A UnitTree that asks the underlying tree at most once per path (lstat, directory listing, file
 * contents), for loaders that resolve the same directories for many units. When the tree lists
 * directories with types, an lstat() inside a directory already listed is answered from the listing
 * where it can be (nothing there, a directory, something else): only files and symlinks, whose size
 * or target the listing lacks, are looked at.
 */
export function memoizeTree(tree: UnitTree): UnitTree {
  // `null` records "asked, and there is nothing": one map lookup answers both questions.
  const lstats = new Map<string, TreeEntry | null>();
  const listings = new Map<string, string[] | null>();
  const typedListings = new Map<string, ReadonlyMap<string, EntryType> | null>();
  const files = new Map<string, { text: string } | { error: string }>();
  const listDirectory = tree.listDirectory?.bind(tree);

  const typedListing = (path: string): ReadonlyMap<string, EntryType> | undefined => {
    let l = typedListings.get(path);
    if (l === undefined) {
      l = (listDirectory as (p: string) => ReadonlyMap<string, EntryType> | undefined)(path) ?? null;
      typedListings.set(path, l);
    }
    return l ?? undefined;
  };

  /** lstat() of `path` from the listing of its directory, when that was listed and tells enough. */
  const fromListing = (path: string): TreeEntry | null | undefined => {
    const slash = path.lastIndexOf('/');
    const name = path.slice(slash + 1);
    if (name === '' || name === '.' || name === '..') return undefined;
    const listing = typedListings.get(slash === 0 ? '/' : path.slice(0, slash));
    if (!listing) return undefined;
    const type = listing.get(name);
    if (type === undefined) return null;
    if (type === 'directory' || type === 'other') return { type };
    return undefined;
  };

  return {
    lstat(path) {
      let e = lstats.get(path);
      if (e === undefined) {
        if (listDirectory) e = fromListing(path);
        if (e === undefined) e = tree.lstat(path) ?? null;
        lstats.set(path, e);
      }
      return e ?? undefined;
    },
    readDirectory(path) {
      let l = listings.get(path);
      if (l === undefined) {
        if (listDirectory) {
          // One listing answers both readDirectory() and listDirectory().
          const typed = typedListing(path);
          l = typed ? [...typed.keys()] : null;
        } else l = tree.readDirectory(path) ?? null;
        listings.set(path, l);
      }
      return l ?? undefined;
    },
    ...(listDirectory ? { listDirectory: typedListing } : {}),
    readFile(path) {
      let f = files.get(path);
      if (!f) {
        f = tree.readFile(path);
        files.set(path, f);
      }
      return f;
    },
    // Resolution depends on where the tree sits on the host; the cache must not hide it.
    ...(tree.hostDirectory !== undefined ? { hostDirectory: tree.hostDirectory } : {}),
  };
}

/**
 * `tree` with files that exist only in memory laid over it (`--profile=`'s drop-in, a suggested
 * drop-in): each takes the place of whatever is at its path, and its directories exist. Every way of
 * looking at the tree sees them, the typed listings included.
 */
export function withFiles(tree: UnitTree, files: ReadonlyMap<string, string>): UnitTree {
  if (files.size === 0) return tree;
  /** Directory → the names the extra files add to it (their own, or a directory on their way). */
  const added = new Map<string, Set<string>>();
  for (const path of files.keys()) {
    let child = path;
    let dir = posix.dirname(path);
    for (;;) {
      let names = added.get(dir);
      if (!names) added.set(dir, (names = new Set()));
      names.add(posix.basename(child));
      if (dir === '/') break;
      child = dir;
      dir = posix.dirname(dir);
    }
  }
  const listDirectory = tree.listDirectory?.bind(tree);
  return {
    lstat(path) {
      const text = files.get(path);
      if (text !== undefined) return { type: 'file', size: utf8Length(text) };
      return tree.lstat(path) ?? (added.has(path) ? { type: 'directory' } : undefined);
    },
    readDirectory(path) {
      const names = tree.readDirectory(path);
      const extra = added.get(path);
      return extra ? [...new Set([...(names ?? []), ...extra])].sort() : names;
    },
    ...(listDirectory
      ? {
          listDirectory(path: string): ReadonlyMap<string, EntryType> | undefined {
            const types = listDirectory(path);
            const extra = added.get(path);
            if (!extra) return types;
            const merged = new Map(types ?? []);
            for (const name of extra) {
              if (files.has(path === '/' ? `/${name}` : `${path}/${name}`)) merged.set(name, 'file');
              else if (!merged.has(name)) merged.set(name, 'directory');
            }
            return merged;
          },
        }
      : {}),
    readFile: (path) => {
      const text = files.get(path);
      return text !== undefined ? { text } : tree.readFile(path);
    },
    ...(tree.hostDirectory !== undefined ? { hostDirectory: tree.hostDirectory } : {}),
  };
}

/** Normalises a link target the way systemd's name map does (relative to the link's directory). */
export function linkTargetPath(linkDir: string, target: string): string {
  return posix.normalize(target.startsWith('/') ? target : posix.join(linkDir, target));
}

/** An in-memory UnitTree, for tests and for units that do not come from a disk. */
export function memoryTree(files: Record<string, string | { symlink: string }>): UnitTree {
  const entries = new Map<string, TreeEntry>();
  const contents = new Map<string, string>();
  const children = new Map<string, Set<string>>();
  const addDir = (dir: string): void => {
    if (entries.has(dir)) return;
    entries.set(dir, { type: 'directory' });
    if (dir !== '/') {
      const parent = posix.dirname(dir);
      addDir(parent);
      children.get(parent)?.add(posix.basename(dir));
    }
    children.set(dir, new Set());
  };
  addDir('/');
  for (const [rawPath, value] of Object.entries(files)) {
    const path = posix.normalize(rawPath.startsWith('/') ? rawPath : `/${rawPath}`);
    addDir(posix.dirname(path));
    children.get(posix.dirname(path))?.add(posix.basename(path));
    if (typeof value === 'string') {
      entries.set(path, { type: 'file', size: utf8Length(value) });
      contents.set(path, value);
    } else entries.set(path, { type: 'symlink', target: value.symlink });
  }
  return {
    lstat: (p) => entries.get(p),
    ...heldListings(children, entries),
    readFile: (p) => {
      const text = contents.get(p);
      return text === undefined ? { error: 'No such file or directory' } : { text };
    },
  };
}

/**
 * readDirectory() and listDirectory() of a tree that holds every entry: each directory's names
 * (sorted), each with its entry's type, as a directory listing with d_type gives them.
 */
export function heldListings(
  children: ReadonlyMap<string, ReadonlySet<string>>,
  entries: ReadonlyMap<string, TreeEntry>,
): Required<Pick<UnitTree, 'readDirectory' | 'listDirectory'>> {
  const readDirectory = (dir: string): string[] | undefined => {
    const names = children.get(dir);
    return names ? [...names].sort() : undefined;
  };
  const listDirectory = (dir: string): ReadonlyMap<string, EntryType> | undefined => {
    const names = readDirectory(dir);
    if (names === undefined) return undefined;
    const types = new Map<string, EntryType>();
    const prefix = dir === '/' ? '/' : dir + '/';
    for (const name of names) {
      const entry = entries.get(prefix + name);
      if (entry) types.set(name, entry.type);
    }
    return types;
  };
  return { readDirectory, listDirectory };
}
