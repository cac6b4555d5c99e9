// Scores each distinct unit once across many trees (the release tags of one repository): a drop-in
// for scoreUnit() that records what a scoring read from its tree and reuses the result for another
// tree that answers every one of those reads the same way. Pure over UnitTree.
import { MAX_UNIT_FILE_BYTES } from '../unit/load-unit';
import type { UnitTree } from '../unit/unit-tree';
import type { UnitLocator } from '../gate/discover-units';
import { scoreUnit, type ScoredUnit } from '../gate/score-units';
import type { SecurityPolicy } from '../security/security-policy';
import type { SystemdRelease } from '../security/versions';

const LSTAT = 'l';
const LIST = 'd';
const READ = 'r';
/** A directory's listing and the lstat answer of each entry in it. */
const SHAPE = 's';
type Op = typeof LSTAT | typeof LIST | typeof READ | typeof SHAPE;

/** A path that is not in the plain `/a/b` form (`//`, `/./`, `/../`, trailing `/`). */
const UNUSUAL_PATH = /\/\.{0,2}(\/|$)/;

/** What a tree answered to one lstat, as a string that is equal exactly when the answers are. */
function lstatAnswer(tree: UnitTree, path: string): string {
  const e = tree.lstat(path);
  if (!e) return '-';
  switch (e.type) {
    case 'symlink':
      return `l${e.target}`;
    case 'file':
      // Loading sees a file's size only as "empty" (masked) or "over the read limit"; its content is
      // compared where it is read. So editing one unit does not invalidate its neighbours, which every
      // load lists (alias scan of the search directories).
      return e.size === 0 ? 'f0' : e.size > MAX_UNIT_FILE_BYTES ? `f${e.size}` : 'f';
    default:
      return e.type;
  }
}

/** Answers of one tree, each computed once; keys are an Op followed by a path. */
class TreeAnswers {
  private readonly memo = new Map<string, string>();
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
      case LIST: {
        const names = this.tree.readDirectory(path);
        return names ? JSON.stringify(names) : '-';
      }
      case READ: {
        const r = this.tree.readFile(path);
        return 'text' in r ? `t${r.text}` : `e${r.error}`;
      }
      case SHAPE: {
        const self = this.get(LSTAT + path);
        const names = self === 'directory' ? this.tree.readDirectory(path) : undefined;
        if (!names) return `!${self}`;
        const prefix = path === '/' ? '/' : `${path}/`;
        return JSON.stringify(names.map((n) => [n, this.get(LSTAT + prefix + n)]));
      }
      default:
        return lstatAnswer(this.tree, path);
    }
  }

  private readonly lstatDeps = new Map<string, LstatDependencies>();

  /**
   * What can decide lstat(path). A load looks at every entry of the search directories it lists (the
   * alias scan), so those lstats fold into the directory's shape once the directory has been listed;
   * and nothing exists under a missing directory, so a lookup there depends only on its absence.
   */
  lstatDependencies(path: string): LstatDependencies {
    let d = this.lstatDeps.get(path);
    if (d) return d;
    d = { own: LSTAT + path };
    const slash = path.lastIndexOf('/');
    if (slash >= 0 && path !== '/' && !UNUSUAL_PATH.test(path)) {
      const parent = slash === 0 ? '/' : path.slice(0, slash);
      const parentAnswer = this.get(LSTAT + parent);
      if (parentAnswer === '-') d.missingParent = LSTAT + parent;
      else if (parentAnswer === 'directory' && this.get(SHAPE + parent)[0] === '[') {
        d.parentListing = LIST + parent;
        d.parentShape = SHAPE + parent;
      }
    }
    this.lstatDeps.set(path, d);
    return d;
  }
}

interface LstatDependencies {
  /** The lstat itself. */
  own: string;
  /** The parent's lstat, when the parent is missing. */
  missingParent?: string;
  /** The parent's listing and shape, when the parent is a listable directory. */
  parentListing?: string;
  parentShape?: string;
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
 * lstat, directory listing and file read the first scoring made (scoring is deterministic), for the
 * same locator, systemd version, assessor overrides (by identity) and host directory. Keeps the last `variants`
 * results per unit. The trees must be trees: lstat finds nothing under a missing directory, nor a
 * name missing from its directory's listing (true of git, memory and real directory trees).
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
    const recording: UnitTree = {
      ...(tree.hostDirectory !== undefined ? { hostDirectory: tree.hostDirectory } : {}),
      lstat: (p) => {
        const d = answers.lstatDependencies(p);
        const listed = d.parentListing !== undefined && reads.has(d.parentListing);
        note(d.missingParent ?? (listed ? (d.parentShape as string) : d.own));
        return tree.lstat(p);
      },
      readDirectory: (p) => (note(LIST + p), tree.readDirectory(p)),
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
