// UnitTree over a real directory: every path the core asks for is looked up *inside* that directory,
// symlinks are never followed by the OS (the core resolves them inside the tree), and file sizes are
// bounded. This is what makes `--root=DIR` and the action's workspace reads safe on hostile input.
import {
  lstatSync,
  readdirSync,
  readlinkSync,
  openSync,
  readSync,
  closeSync,
  fstatSync,
  realpathSync,
  constants,
  type Dirent,
} from 'node:fs';
import { posix } from 'node:path';
import type { EntryType, TreeEntry, UnitTree } from '../core/unit/unit-tree';
import { MAX_UNIT_FILE_BYTES } from '../core/unit/load-unit';

export interface RealTree extends UnitTree {
  /** The real path of a tree path, for messages. */
  realPath(treePath: string): string;
}

/** Extra files that exist only in memory (e.g. `--profile=` drop-ins), keyed by tree path. */
export type Overlay = ReadonlyMap<string, string>;

export interface RealTreeOptions {
  /**
   * The directory is a window onto the host, not a root of its own (the CLI's trees, with and
   * without --root): symlinks resolve against the host file system, so a link reaching /dev/null is
   * a mask — but nothing outside the directory is read (see UnitTree.hostDirectory).
   */
  hostView?: boolean;
}

export function createRealTree(
  rootDir: string,
  overlay: Overlay = new Map(),
  options: RealTreeOptions = {},
): RealTree {
  const root = rootDir === '/' ? '' : rootDir.replace(/\/+$/, '');
  let hostDirectory: string | undefined;
  if (options.hostView) {
    try {
      // Links are resolved from the canonical location, as the kernel would.
      hostDirectory = realpathSync(rootDir);
    } catch {
      hostDirectory = posix.resolve(rootDir);
    }
  }
  const real = (p: string): string => root + posix.normalize(p);
  const overlayDirs = new Map<string, Set<string>>();
  for (const p of overlay.keys()) {
    let child = p;
    let dir = posix.dirname(p);
    for (;;) {
      const set = overlayDirs.get(dir) ?? new Set<string>();
      set.add(posix.basename(child));
      overlayDirs.set(dir, set);
      if (dir === '/') break;
      child = dir;
      dir = posix.dirname(dir);
    }
  }
  return {
    ...(hostDirectory !== undefined ? { hostDirectory } : {}),
    realPath: real,
    lstat(path: string): TreeEntry | undefined {
      const o = overlay.get(path);
      if (o !== undefined) return { type: 'file', size: Buffer.byteLength(o) };
      let st;
      try {
        st = lstatSync(real(path), { throwIfNoEntry: false });
      } catch {
        st = undefined; // e.g. ENOTDIR: a component is a file
      }
      if (!st) return overlayDirs.has(path) ? { type: 'directory' } : undefined;
      if (st.isSymbolicLink()) return { type: 'symlink', target: readlinkSync(real(path)) };
      if (st.isFile()) return { type: 'file', size: st.size };
      if (st.isDirectory()) return { type: 'directory' };
      return { type: 'other' };
    },
    readDirectory(path: string): string[] | undefined {
      let names: string[] | undefined;
      try {
        names = readdirSync(real(path));
      } catch {
        names = undefined;
      }
      const extra = overlayDirs.get(path);
      if (!extra) return names;
      return [...new Set([...(names ?? []), ...extra])];
    },
    // The listing's d_type gives each entry's type with the names, so the loader need not lstat()
    // every unit file of a search directory (node looks at an entry itself only when the file
    // system reports DT_UNKNOWN). In-memory files take the place of real ones, as in lstat().
    listDirectory(path: string): ReadonlyMap<string, EntryType> | undefined {
      let entries: Dirent[] | undefined;
      try {
        entries = readdirSync(real(path), { withFileTypes: true });
      } catch {
        entries = undefined;
      }
      const extra = overlayDirs.get(path);
      if (!entries && !extra) return undefined;
      const types = new Map<string, EntryType>();
      for (const d of entries ?? []) types.set(d.name, direntType(d));
      for (const name of extra ?? []) {
        if (overlay.has(path === '/' ? `/${name}` : `${path}/${name}`)) types.set(name, 'file');
        else if (!types.has(name)) types.set(name, 'directory');
      }
      return types;
    },
    readFile(path: string): { text: string } | { error: string } {
      const o = overlay.get(path);
      if (o !== undefined) return { text: o };
      let fd: number | undefined;
      try {
        // O_NOFOLLOW: the core has already resolved every link; a link appearing now is refused.
        fd = openSync(real(path), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
        const st = fstatSync(fd);
        if (!st.isFile()) return { error: 'not a regular file' };
        if (st.size > MAX_UNIT_FILE_BYTES)
          return { error: `file is larger than ${MAX_UNIT_FILE_BYTES} bytes, not read` };
        const buf = Buffer.alloc(st.size);
        let off = 0;
        while (off < st.size) {
          const n = readSync(fd, buf, off, st.size - off, off);
          if (n <= 0) break;
          off += n;
        }
        return { text: buf.subarray(0, off).toString('utf8') };
      } catch (e) {
        return { error: (e as NodeJS.ErrnoException).code ?? String(e) };
      } finally {
        if (fd !== undefined) closeSync(fd);
      }
    },
  };
}

function direntType(d: Dirent): EntryType {
  if (d.isFile()) return 'file';
  if (d.isDirectory()) return 'directory';
  if (d.isSymbolicLink()) return 'symlink';
  return 'other';
}
