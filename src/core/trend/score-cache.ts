// Scores each distinct unit once across many trees (the release tags of one repository): a drop-in
// for scoreUnit() that records what a scoring read from its tree and reuses the result for another
// tree that answers every one of those reads the same way. Pure over UnitTree.
//
// Reads are recorded at the grain that can change a unit's result, so that adding, editing or
// removing one unit file keeps the other units' scores:
// - an lstat() or a file read: that path's answer;
// - one name looked up in a directory's listing: that entry's lstat() answer;
// - a whole search directory's listing: its entries but its regular unit files. systemd's name map
//   (unit_file_build_name_map(), src/shared/unit-file.c, systemd 252) visits every entry of every
//   search directory, but a regular unit file is only the fragment of its own name: it matters to a
//   unit only when loading that unit looks its name up (unit_file_find_fragment(): the unit's name,
//   its template, the names its aliases lead to), and each of those look-ups is recorded by name.
//   What is left can change any unit of the search path, so it is recorded whole: links (aliases,
//   linked unit files, masks: another unit's names), `NAME.d` entries (the drop-in directories of
//   unit_file_find_dropin_paths(), per unit, per template, per dash prefix and per type) and
//   anything else that is there (directories, `*.conf` when a drop-in directory links to it);
// - any other directory's listing: whole, each entry with its type.
// That split rests on how the loader goes through a search directory: the alias scan takes only
// the entries the listing says are links (load-unit.ts, NameMap.aliasesOf()), the drop-in scan
// only `*.d` and `*.conf` names. The tests compare cached and uncached scores over random histories.
import { MAX_UNIT_FILE_BYTES } from '../unit/load-unit';
import { parseUnitName } from '../unit/unit-name';
import type { EntryType, UnitTree } from '../unit/unit-tree';
import type { UnitLocator } from '../gate/discover-units';
import { scoreUnit, type ScoredUnit } from '../gate/score-units';
import type { SecurityPolicy } from '../security/security-policy';
import type { SystemdRelease } from '../security/versions';

const LSTAT = 'l';
const READ = 'r';
/** A directory's listing, each entry with its lstat answer. */
const LISTING = 'd';
/** A search directory's listing without its regular unit files, each entry with its lstat answer. */
const SEARCH_LISTING = 's';
type Op = typeof LSTAT | typeof READ | typeof LISTING | typeof SEARCH_LISTING;

/** A path that is not in the plain `/a/b` form (`//`, `/./`, `/../`, trailing `/`). */
const UNUSUAL_PATH = /\/\.{0,2}(\/|$)/;

const childPath = (dir: string, name: string): string => (dir === '/' ? `/${name}` : `${dir}/${name}`);

/** What a tree answered to one lstat, as a string that is equal exactly when the answers are. */
function lstatAnswer(tree: UnitTree, path: string): string {
  const e = tree.lstat(path);
  if (!e) return '-';
  switch (e.type) {
    case 'symlink':
      return `l${e.target}`;
    case 'file':
      // Loading sees a file's size only as "empty" (masked) or "over the read limit"; its content is
      // compared where it is read.
      return e.size === 0 ? 'f0' : e.size > MAX_UNIT_FILE_BYTES ? `f${e.size}` : 'f';
    default:
      return e.type;
  }
}

/** Answers of one tree, each computed once; keys are an Op followed by a path. */
class TreeAnswers {
  private readonly memo = new Map<string, string>();
  private readonly listings = new Map<string, ReadonlyMap<string, EntryType> | null>();
  private readonly lstatKeys = new Map<string, string>();
  constructor(readonly tree: UnitTree) {}

  get(key: string): string {
    let a = this.memo.get(key);
    if (a === undefined) {
      a = this.compute(key[0] as Op, key.slice(1));
      this.memo.set(key, a);
    }
    return a;
  }

  private compute(op: Op, path: string): string {
    switch (op) {
      case READ: {
        const r = this.tree.readFile(path);
        return 'text' in r ? `t${r.text}` : `e${r.error}`;
      }
      case LISTING:
      case SEARCH_LISTING: {
        const types = this.listing(path);
        if (!types) return '-';
        const kept: [string, string][] = [];
        for (const [name, type] of types) {
          if (op === SEARCH_LISTING && type === 'file' && parseUnitName(name)) continue;
          kept.push([name, this.get(LSTAT + childPath(path, name))]);
        }
        return JSON.stringify(kept);
      }
      default:
        return lstatAnswer(this.tree, path);
    }
  }

  /**
   * A directory's names with the type lstat() gives each (what a tree's listDirectory() answers). A
   * name lstat() does not find is left out: the loader passes over it either way.
   */
  listing(path: string): ReadonlyMap<string, EntryType> | undefined {
    let types = this.listings.get(path);
    if (types === undefined) {
      const names = this.tree.readDirectory(path);
      types = null;
      if (names) {
        const found = new Map<string, EntryType>();
        for (const name of names) {
          const e = this.tree.lstat(childPath(path, name));
          if (e) found.set(name, e.type);
        }
        types = found;
      }
      this.listings.set(path, types);
    }
    return types ?? undefined;
  }

  /**
   * The key that decides lstat(path): nothing exists under a missing directory, so there the
   * parent's absence decides it (one key for the many names looked up in a missing search directory).
   */
  lstatKey(path: string): string {
    let key = this.lstatKeys.get(path);
    if (key === undefined) {
      key = LSTAT + path;
      const slash = path.lastIndexOf('/');
      if (slash >= 0 && path !== '/' && !UNUSUAL_PATH.test(path)) {
        const parent = LSTAT + (slash === 0 ? '/' : path.slice(0, slash));
        if (this.get(parent) === '-') key = parent;
      }
      this.lstatKeys.set(path, key);
    }
    return key;
  }
}

/**
 * A directory's listing as one scoring sees it: looking a name up records that entry, going through
 * the listing records the listing (`listingKey`).
 */
class RecordedListing implements ReadonlyMap<string, EntryType> {
  constructor(
    private readonly types: ReadonlyMap<string, EntryType>,
    private readonly dir: string,
    private readonly listingKey: string,
    private readonly note: (key: string) => void,
  ) {}

  has(name: string): boolean {
    this.note(LSTAT + childPath(this.dir, name));
    return this.types.has(name);
  }
  get(name: string): EntryType | undefined {
    this.note(LSTAT + childPath(this.dir, name));
    return this.types.get(name);
  }
  get size(): number {
    // The count includes the regular unit files a search directory's key leaves out.
    this.note(LISTING + this.dir);
    return this.types.size;
  }
  forEach(
    callback: (type: EntryType, name: string, map: ReadonlyMap<string, EntryType>) => void,
    thisArg?: unknown,
  ): void {
    for (const [name, type] of this.entries()) callback.call(thisArg, type, name, this);
  }
  entries(): MapIterator<[string, EntryType]> {
    this.note(this.listingKey);
    return this.types.entries();
  }
  keys(): MapIterator<string> {
    this.note(this.listingKey);
    return this.types.keys();
  }
  values(): MapIterator<EntryType> {
    this.note(this.listingKey);
    return this.types.values();
  }
  [Symbol.iterator](): MapIterator<[string, EntryType]> {
    return this.entries();
  }
}

interface Entry {
  /** Op + path → answer: what decided every read the scoring made. */
  reads: Map<string, string>;
  result: ScoredUnit;
}

export interface ScoreCache {
  /** scoreUnit(), remembered. */
  score: typeof scoreUnit;
  /** Units actually scored and units answered from the cache. */
  stats: { scored: number; reused: number };
}

/**
 * A memoising scoreUnit(). A result is reused only when the new tree gives the same answer to every
 * read the first scoring made, at the grain described at the top of this file (scoring is
 * deterministic), for the same locator, systemd version, assessor overrides (by identity) and host
 * directory. Keeps the last `variants` results per unit. The trees must be trees: lstat finds nothing
 * under a missing directory, nor a name missing from its directory's listing (true of git, memory and
 * real directory trees).
 */
export function createScoreCache(variants = 4): ScoreCache {
  const trees = new WeakMap<UnitTree, TreeAnswers>();
  const overrideIds = new WeakMap<SecurityPolicy, number>();
  const entries = new Map<string, Entry[]>();
  const stats = { scored: 0, reused: 0 };
  const answersOf = (tree: UnitTree): TreeAnswers => {
    let a = trees.get(tree);
    if (!a) {
      a = new TreeAnswers(tree);
      trees.set(tree, a);
    }
    return a;
  };
  let nextId = 1;
  const overridesId = (o: SecurityPolicy | undefined): number => {
    if (!o) return 0;
    let id = overrideIds.get(o);
    if (id === undefined) {
      id = nextId++;
      overrideIds.set(o, id);
    }
    return id;
  };

  const score = (
    tree: UnitTree,
    locator: UnitLocator,
    systemd: SystemdRelease,
    overrides?: SecurityPolicy,
  ): ScoredUnit => {
    const key = [
      tree.hostDirectory ?? '',
      systemd.version,
      overridesId(overrides),
      locator.unitName,
      locator.fileName,
      locator.repoPath,
      locator.root ?? '',
      ...locator.searchPath,
    ].join('\0');
    const answers = answersOf(tree);
    const list = entries.get(key) ?? [];
    for (const e of list) {
      let same = true;
      for (const [k, a] of e.reads) {
        if (answers.get(k) !== a) {
          same = false;
          break;
        }
      }
      if (same) {
        stats.reused++;
        return e.result;
      }
    }
    const reads = new Map<string, string>();
    const note = (key: string): void => {
      if (!reads.has(key)) reads.set(key, answers.get(key));
    };
    const listingKey = (dir: string): string =>
      (locator.searchPath.includes(dir) ? SEARCH_LISTING : LISTING) + dir;
    // The recording tree lists with types (as a tree that knows d_type does), so that the loader
    // looks at a search directory's regular unit files by name only, never one by one through lstat.
    const recording: UnitTree = {
      ...(tree.hostDirectory !== undefined ? { hostDirectory: tree.hostDirectory } : {}),
      lstat: (p) => (note(answers.lstatKey(p)), tree.lstat(p)),
      readDirectory: (p) => (note(listingKey(p)), tree.readDirectory(p)),
      listDirectory: (p) => {
        const types = answers.listing(p);
        if (!types) return (note(listingKey(p)), undefined);
        return new RecordedListing(types, p, listingKey(p), note);
      },
      readFile: (p) => (note(READ + p), tree.readFile(p)),
    };
    const result = scoreUnit(recording, locator, systemd, overrides);
    stats.scored++;
    list.unshift({ reads, result });
    if (list.length > variants) list.length = variants;
    entries.set(key, list);
    return result;
  };
  return { score, stats };
}
