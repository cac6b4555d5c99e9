// The read-only view of a file tree that unit loading needs, and symlink resolution confined to it.
// The shell (src/io) implements UnitTree over a real directory; tests implement it over a plain object.
// Resolution follows chase_symlinks() with a root (src/basic/chase-symlinks.c): absolute link targets
// restart at the tree's root and `..` never climbs above it, so nothing outside the tree is ever read.
import { posix } from 'path';

export type TreeEntry =
  | { type: 'file'; size: number }
  | { type: 'directory' }
  | { type: 'symlink'; target: string }
  | { type: 'other' };

export interface UnitTree {
  /** The entry at an absolute path inside the tree, without following a final symlink. */
  lstat(path: string): TreeEntry | undefined;
  /** Names inside a directory (the path is already resolved). */
  readDirectory(path: string): string[] | undefined;
  /** The contents of a regular file (the path is already resolved). */
  readFile(path: string): { text: string } | { error: string };
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
 * touching anything (masking); every other target is looked up inside the tree.
 */
export function resolvePath(tree: UnitTree, path: string): Resolved {
  let pending = posix
    .normalize(path)
    .split('/')
    .filter((c) => c.length > 0);
  const done: string[] = [];
  let hops = 0;
  while (pending.length > 0) {
    const component = pending.shift() as string;
    if (component === '.') continue;
    if (component === '..') {
      done.pop();
      continue;
    }
    const current = '/' + [...done, component].join('/');
    const entry = tree.lstat(current);
    if (!entry) {
      if (current === '/dev/null') return { kind: 'null' };
      return { kind: 'missing' };
    }
    if (entry.type === 'symlink') {
      if (++hops > MAX_SYMLINK_HOPS) return { kind: 'loop' };
      const target = entry.target;
      if (posix.normalize(target) === '/dev/null' && pending.length === 0) return { kind: 'null' };
      const rest = target.split('/').filter((c) => c.length > 0);
      if (target.startsWith('/')) done.length = 0;
      pending = [...rest, ...pending];
      continue;
    }
    if (pending.length > 0 && entry.type !== 'directory') return { kind: 'missing' };
    done.push(component);
    if (pending.length === 0) {
      const p = '/' + done.join('/');
      if (entry.type === 'file') return { kind: 'file', path: p, size: entry.size };
      if (entry.type === 'directory') return { kind: 'directory', path: p };
      return { kind: 'other', path: p };
    }
  }
  return { kind: 'directory', path: '/' + done.join('/') };
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
      entries.set(path, { type: 'file', size: new TextEncoder().encode(value).length });
      contents.set(path, value);
    } else entries.set(path, { type: 'symlink', target: value.symlink });
  }
  return {
    lstat: (p) => entries.get(p),
    readDirectory: (p) => (children.has(p) ? [...(children.get(p) as Set<string>)].sort() : undefined),
    readFile: (p) => {
      const text = contents.get(p);
      return text === undefined ? { error: 'No such file or directory' } : { text };
    },
  };
}
