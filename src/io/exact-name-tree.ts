// Exact names on file systems that fold them. systemd unit names are case-sensitive, but a
// case-insensitive file system (macOS's default APFS, Windows, a Linux directory with casefolding) answers
// a lookup of `foo.service` with `Foo.service`, and one that ignores Unicode normalization answers `é` with
// `e` + U+0301: a drop-in directory or alias of another unit would then be read as this one's. The
// working tree's paths that only such a file system confuses are found here too (foldedCollisions()).
import { posix } from 'node:path';
import type { UnitTree } from '../core/unit/unit-tree';

/** Swaps the case of every ASCII letter: a name that a case-insensitive directory also answers to. */
function flipAsciiCase(name: string): string {
  return name.replace(/[A-Za-z]/g, (c) => (c <= 'Z' ? c.toLowerCase() : c.toUpperCase()));
}

/** The same name in the other Unicode normalization form, when it has one. */
function otherNormalization(name: string): string {
  const nfd = name.normalize('NFD');
  return nfd !== name ? nfd : name.normalize('NFC');
}

/**
 * Whether a directory answers for names it does not hold: for one of its entries, a variant of the name
 * (other ASCII case, other normalization form) that is not an entry itself is found all the same. A
 * directory holding no name with such a variant cannot confuse one name with another of its entries.
 */
export function directoryFoldsNames(names: readonly string[], exists: (name: string) => boolean): boolean {
  // One probe per kind decides it: a file system folds all names of a directory or none. Only names
  // with a non-ASCII character can have another normalization form (a search directory lists
  // thousands of ASCII names: they are not normalized one by one).
  const probes: [(n: string) => boolean, (n: string) => string][] = [
    [(n) => /[A-Za-z]/.test(n), flipAsciiCase],
    [(n) => NON_ASCII.test(n), otherNormalization],
  ];
  for (const [candidate, variantOf] of probes) {
    const name = names.find((n) => candidate(n) && variantOf(n) !== n && !names.includes(variantOf(n)));
    if (name !== undefined && exists(variantOf(name))) return true;
  }
  return false;
}

const NON_ASCII = /[^\p{ASCII}]/u;

/**
 * The tree with every lookup held to exact names: in a directory that folds names, a path whose
 * component the directory does not list byte for byte is missing, as it is on a Linux file system,
 * never another entry. Directories that do not fold (the usual Linux case) cost one probe each.
 */
export function withExactNames(tree: UnitTree): UnitTree {
  const folds = new Map<string, ReadonlySet<string> | null>();
  /** The names of a directory that folds names, or `null` when it does not (or cannot be listed). */
  const foldingListing = (dir: string): ReadonlySet<string> | null => {
    let known = folds.get(dir);
    if (known === undefined) {
      const names = tree.readDirectory(dir);
      const folding =
        names !== undefined &&
        directoryFoldsNames(names, (n) => tree.lstat(dir === '/' ? `/${n}` : `${dir}/${n}`) !== undefined);
      known = folding ? new Set(names) : null;
      folds.set(dir, known);
    }
    return known;
  };
  // Whether every component of a directory's path is exact, memoized: a lookup then costs a map hit.
  const exactDirs = new Map<string, boolean>([['/', true]]);
  const exactIn = (dir: string, name: string): boolean =>
    exactDir(dir) && (foldingListing(dir)?.has(name) ?? true);
  const exactDir = (dir: string): boolean => {
    let known = exactDirs.get(dir);
    if (known === undefined) {
      const slash = dir.lastIndexOf('/');
      known = exactIn(slash === 0 ? '/' : dir.slice(0, slash), dir.slice(slash + 1));
      exactDirs.set(dir, known);
    }
    return known;
  };
  const exact = (path: string): boolean => {
    let p = path;
    if (!p.startsWith('/') || p.includes('//') || p.includes('/.') || (p.length > 1 && p.endsWith('/'))) {
      // An absolute path normalizes without `..` (it stops at the root, as the trees' lookups do).
      p = posix.normalize(`/${p}`);
      if (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
    }
    if (p === '/') return true;
    const slash = p.lastIndexOf('/');
    return exactIn(slash === 0 ? '/' : p.slice(0, slash), p.slice(slash + 1));
  };
  const listDirectory = tree.listDirectory?.bind(tree);
  return {
    ...(tree.hostDirectory !== undefined ? { hostDirectory: tree.hostDirectory } : {}),
    lstat: (path) => (exact(path) ? tree.lstat(path) : undefined),
    readDirectory: (path) => (exact(path) ? tree.readDirectory(path) : undefined),
    ...(listDirectory ? { listDirectory: (path) => (exact(path) ? listDirectory(path) : undefined) } : {}),
    readFile: (path) => (exact(path) ? tree.readFile(path) : { error: 'ENOENT' }),
  };
}

/** Two paths of one tree that a folding file system stores as one (`a` listed first). */
export interface FoldedCollision {
  a: string;
  b: string;
  /** Where they part: the first components (with their directories) that differ only when folded. */
  aPrefix: string;
  bPrefix: string;
}

/** The key under which a case- and normalization-insensitive file system finds a name. */
function foldKey(name: string): string {
  // toUpperCase() first, so that ß and SS meet; NFD, so that composed and decomposed forms meet.
  return name.normalize('NFD').toUpperCase().toLowerCase();
}

/**
 * Pairs of repository paths that differ only in case or Unicode normalization somewhere along the way
 * (`deploy/API.service` and `deploy/api.service`, `Deploy/a.service` and `deploy/b.service`): on a
 * folding file system each pair is one file or directory, whatever git holds. Pure; whether the file
 * system folds is the caller's question (one pair per parting point).
 */
export function foldedCollisions(paths: readonly string[]): FoldedCollision[] {
  const seen = new Map<string, { prefix: string; path: string }>();
  const found = new Map<string, FoldedCollision>();
  for (const path of paths) {
    let prefix = '';
    let key = '';
    for (const component of path.split('/')) {
      prefix = prefix === '' ? component : `${prefix}/${component}`;
      key = key === '' ? foldKey(component) : `${key}/${foldKey(component)}`;
      const first = seen.get(key);
      if (first === undefined) seen.set(key, { prefix, path });
      else if (first.prefix !== prefix) {
        const id = `${first.prefix}\0${prefix}`;
        if (!found.has(id)) found.set(id, { a: first.path, b: path, aPrefix: first.prefix, bPrefix: prefix });
        break;
      }
    }
  }
  return [...found.values()];
}
