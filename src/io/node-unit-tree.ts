// UnitTree over a real directory: every path the core asks for is looked up *inside* that directory,
// symlinks are never followed by the OS (the core resolves them inside the tree), and file sizes are
// bounded. This is what makes `--root=DIR` and the action's workspace reads safe on hostile input.
// Names are matched exactly, also where the file system folds case (see exact-name-tree.ts).
import {
  lstatSync,
  readdirSync,
  readlinkSync,
  readFileSync,
  realpathSync,
  constants,
  opendirSync,
  type Dir,
  type Dirent,
} from 'node:fs';
import { posix } from 'node:path';
import type { EntryType, TreeEntry, UnitTree } from '../core/unit/unit-tree';
import { MAX_UNIT_FILE_BYTES, tooLargeMessage } from '../core/unit/load-unit';
import { withExactNames } from './exact-name-tree';

export interface RealTreeOptions {
  /**
   * The directory is a window onto the host, not a root of its own (the CLI's trees, with and
   * without --root): symlinks resolve against the host file system, so a link reaching /dev/null is
   * a mask — but nothing outside the directory is read (see UnitTree.hostDirectory).
   */
  hostView?: boolean;
}

export function createRealTree(rootDir: string, options: RealTreeOptions = {}): UnitTree {
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
  // Unit names are case-sensitive; the directory's file system may not be.
  return withExactNames({
    ...(hostDirectory !== undefined ? { hostDirectory } : {}),
    lstat(path: string): TreeEntry | undefined {
      let st;
      try {
        st = lstatSync(real(path), { throwIfNoEntry: false });
      } catch {
        st = undefined; // e.g. ENOTDIR: a component is a file
      }
      if (!st) return undefined;
      if (st.isSymbolicLink()) return { type: 'symlink', target: readlinkSync(real(path)) };
      if (st.isFile()) return { type: 'file', size: st.size };
      if (st.isDirectory()) return { type: 'directory' };
      return { type: 'other' };
    },
    readDirectory(path: string): string[] | undefined {
      try {
        return readdirSync(real(path));
      } catch {
        return undefined;
      }
    },
    // The listing's d_type gives each entry's type with the names, so the loader need not lstat()
    // every unit file of a search directory (node looks at an entry itself only when the file
    // system reports DT_UNKNOWN).
    // In the directory's own order (readdir(3)), not sorted as readdirSync() sorts: systemd logs what
    // it finds about a directory's links in that order (unit_file_build_name_map()).
    listDirectory(path: string): ReadonlyMap<string, EntryType> | undefined {
      const types = new Map<string, EntryType>();
      let dir: Dir | undefined;
      try {
        dir = opendirSync(real(path), { bufferSize: 256 });
        for (let d = dir.readSync(); d !== null; d = dir.readSync()) types.set(d.name, direntType(d));
      } catch {
        return undefined;
      } finally {
        dir?.closeSync();
      }
      return types;
    },
    readFile(path: string): { text: string } | { error: string } {
      const file = real(path);
      let text: string;
      try {
        // One call: node opens, reads to the end and closes in C++, about a third of the cost of
        // open/fstat/read/close from JavaScript (unitgate security reads thousands of files).
        // O_NOFOLLOW: the core has already resolved every link; a link appearing now is refused.
        // O_NONBLOCK: a FIFO put in the file's place cannot block the run.
        text = readFileSync(file, { encoding: 'utf8', flag: READ_FLAGS as unknown as string });
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        return { error: code === 'EISDIR' ? NOT_REGULAR : (code ?? String(e)) };
      }
      // The core asks only for what a listing or lstat() showed as a regular file. An empty read is
      // checked again, because it is what a FIFO or a device put in its place would give, and an
      // empty unit file is a mask: it must be a real empty file to count as one.
      if (text === '') {
        const st = lstatSync(file, { throwIfNoEntry: false });
        if (!st?.isFile()) return { error: NOT_REGULAR };
      }
      // At most 3 UTF-8 bytes per UTF-16 unit: only a long text needs its bytes counted.
      if (text.length > MAX_UNIT_FILE_BYTES / 3) {
        const size = Buffer.byteLength(text, 'utf8');
        if (size > MAX_UNIT_FILE_BYTES) return { error: tooLargeMessage(size) };
      }
      return { text };
    },
  });
}

/** How unit files are opened (see readFile()); node takes numeric flags, its types only strings. */
const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
const NOT_REGULAR = 'not a regular file';

function direntType(d: Dirent): EntryType {
  if (d.isFile()) return 'file';
  if (d.isDirectory()) return 'directory';
  if (d.isSymbolicLink()) return 'symlink';
  return 'other';
}
