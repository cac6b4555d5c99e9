// Finds a unit's fragment and drop-ins the way systemd's offline loader does, and parses them.
// Ported from unit_file_build_name_map(), unit_file_find_fragment(), unit_file_find_dropin_paths()
// (src/shared/unit-file.c) and unit_load_fragment()/unit_load_dropin() (src/core/load-fragment.c,
// src/core/load-dropin.c), v252–v262.
import { posix } from 'path';
import { parseUnitFile, type ParsedUnitFile } from './parse-unit-file';
import {
  linkTargetPath,
  memoizeTree,
  resolveEntryIn,
  resolvePath,
  type Resolved,
  type UnitTree,
} from './unit-tree';
import { parseUnitName, replaceInstance, templateOf, dropInNames, type UnitType } from './unit-name';

/** The sections each unit type reads (the `sections` member of systemd's unit vtables). */
export const UNIT_SECTIONS: Record<UnitType, readonly string[]> = {
  service: ['Unit', 'Service', 'Install'],
  socket: ['Unit', 'Socket', 'Install'],
  mount: ['Unit', 'Mount', 'Install'],
  swap: ['Unit', 'Swap', 'Install'],
  slice: ['Unit', 'Slice', 'Install'],
  timer: ['Unit', 'Timer', 'Install'],
  path: ['Unit', 'Path', 'Install'],
  target: ['Unit', 'Install'],
  automount: ['Unit', 'Automount', 'Install'],
  device: ['Unit', 'Install'],
  scope: ['Unit', 'Scope', 'Install'],
};

/** Upper bound on one unit file or drop-in; larger files are refused with a message, never read. */
export const MAX_UNIT_FILE_BYTES = 4 * 1024 * 1024;

export interface LoadedUnit {
  /** The name systemd reports: the alias target's name, or the template instance. */
  id: string;
  type: UnitType;
  /** `undefined` for plain units. */
  instance: string | undefined;
  /** The path of the main unit file inside the tree. */
  fragmentPath: string;
  /** Every name the unit is known by (id first). */
  names: string[];
  /** Main file first, then drop-ins in the order systemd applies them. */
  files: ParsedUnitFile[];
}

export type LoadFailureKind = 'not-found' | 'masked' | 'bad-setting' | 'error';

export interface LoadFailure {
  kind: LoadFailureKind;
  unitName: string;
  message: string;
}

export type LoadOutcome = { ok: true; unit: LoadedUnit } | { ok: false; failure: LoadFailure };

export interface LoadOptions {
  /** Directories searched in order, highest priority first (absolute, inside the tree). */
  searchPath: readonly string[];
}

type NameMapEntry = { kind: 'fragment'; path: string } | { kind: 'alias'; target: string };

/**
 * The lazily built equivalent of systemd's unit id map: for a name, the first search directory
 * that has an entry decides whether it is a unit file, a linked file, a mask or an alias.
 */
class NameMap {
  private readonly cache = new Map<string, NameMapEntry | null>();
  private aliasIndex: Map<string, string[]> | undefined;
  private readonly listings = new Map<string, ReadonlySet<string> | null | undefined>();

  constructor(
    private readonly tree: UnitTree,
    private readonly searchPath: readonly string[],
  ) {}

  get(name: string): NameMapEntry | undefined {
    const cached = this.cache.get(name);
    if (cached !== undefined) return cached ?? undefined;
    let found: NameMapEntry | null = null;
    for (const dir of this.searchPath) {
      const entry = this.entryIn(dir, name);
      if (entry) {
        found = entry;
        break;
      }
    }
    this.cache.set(name, found);
    return found ?? undefined;
  }

  private entryIn(dir: string, name: string): NameMapEntry | undefined {
    // Most names are in none or one of the search directories: their listings answer without a look.
    const listing = this.listingOf(dir);
    if (listing === null || (listing !== undefined && !listing.has(name))) return undefined;
    const path = joinName(dir, name);
    const entry = this.tree.lstat(path);
    if (!entry) return undefined;
    if (entry.type !== 'symlink') return { kind: 'fragment', path };
    const target = linkTargetPath(dir, entry.target);
    const inSearchPath = this.searchPath.some((d) => target.startsWith(d + '/'));
    if (!inSearchPath || target === '/dev/null') {
      // A linked unit file or a mask: the link itself is the fragment (unit_file_resolve_symlink()).
      return { kind: 'fragment', path };
    }
    const targetName = posix.basename(target);
    if (targetName === name) return undefined; // a self-alias has no effect and is skipped
    if (!isValidAlias(name, targetName)) return undefined;
    return { kind: 'alias', target: targetName };
  }

  /**
   * The names in a search directory when its listing tells whether `dir/name` exists: `null` when it
   * does not exist (or is no directory), its names when it is a directory reached without a symlink.
   * `undefined` when the path has a symlink on it: then each name is looked up as it is.
   */
  private listingOf(dir: string): ReadonlySet<string> | null | undefined {
    if (this.listings.has(dir)) return this.listings.get(dir);
    let listing: ReadonlySet<string> | null | undefined;
    const normalized =
      dir === '/' || (dir.startsWith('/') && !dir.endsWith('/') && posix.normalize(dir) === dir);
    if (normalized) {
      listing = null;
      let prefix = '';
      let plain = true;
      for (const component of dir.split('/')) {
        if (component === '') continue;
        prefix += '/' + component;
        const entry = this.tree.lstat(prefix);
        if (entry?.type === 'symlink') listing = undefined;
        if (entry?.type !== 'directory') {
          plain = false;
          break;
        }
      }
      if (plain) {
        const names = this.tree.readDirectory(dir);
        listing = names === undefined ? undefined : new Set(names);
      }
    }
    this.listings.set(dir, listing);
    return listing;
  }

  /** All names whose alias symlinks (in any search directory) point at `name`. */
  aliasesOf(name: string): string[] {
    if (!this.aliasIndex) {
      this.aliasIndex = new Map();
      for (const dir of this.searchPath) {
        const resolved = resolvePath(this.tree, dir);
        if (resolved.kind !== 'directory') continue;
        for (const entryName of this.tree.readDirectory(resolved.path) ?? []) {
          if (!parseUnitName(entryName)) continue;
          const entry = this.get(entryName);
          if (entry?.kind !== 'alias') continue;
          const list = this.aliasIndex.get(entry.target) ?? [];
          if (!list.includes(entryName)) list.push(entryName);
          this.aliasIndex.set(entry.target, list);
        }
      }
    }
    return this.aliasIndex.get(name) ?? [];
  }

  /** Follows aliases until a fragment path (unit_ids_map_get()). */
  fragmentOf(name: string): string | undefined {
    let current = name;
    for (let hops = 0; hops < 64; hops++) {
      const entry = this.get(current);
      if (!entry) return undefined;
      if (entry.kind === 'fragment') return entry.path;
      current = entry.target;
    }
    return undefined;
  }
}

/** unit_validate_alias_symlink_or_warn(): same type, and template-ness must match. */
function isValidAlias(alias: string, target: string): boolean {
  const a = parseUnitName(alias);
  const t = parseUnitName(target);
  if (!a || !t || a.type !== t.type) return false;
  const aTemplate = a.instance === '';
  const tTemplate = t.instance === '';
  if (aTemplate !== tTemplate) return false;
  if (a.instance && t.instance === '') return false;
  return true;
}

/**
 * Loads units by name through one search path, like `systemd-analyze --offline` after it has put the
 * arguments' directories first in the path. Directory lookups, the alias index and path resolution
 * are shared between the units it loads, so loading N units from one tree stays linear in N.
 */
export class UnitLoader {
  private readonly source: UnitTree;
  private readonly tree: UnitTree;
  private readonly names: NameMap;
  private readonly resolved = new Map<string, Resolved>();
  private dropIns: DropInFinder | undefined;

  constructor(
    tree: UnitTree,
    private readonly searchPath: readonly string[],
  ) {
    this.source = tree;
    this.tree = memoizeTree(tree);
    this.names = new NameMap(this.tree, searchPath);
  }

  private readonly resolve = (path: string): Resolved => {
    let r = this.resolved.get(path);
    if (!r) {
      // Most paths are an entry of a directory resolved before: only their last component is new.
      const slash = path.lastIndexOf('/');
      if (slash >= 0 && path !== '/') {
        const dir = slash === 0 ? '/' : path.slice(0, slash);
        const parent = this.resolve(dir);
        if (parent.kind === 'directory') {
          // `path` itself when it already is `<parent>/<name>` (`//name` is not).
          const exact = parent.path === dir && (slash === 0 || dir !== '/');
          r = resolveEntryIn(this.tree, exact ? path : joinName(parent.path, path.slice(slash + 1)));
        }
      }
      r ??= resolvePath(this.tree, path);
      this.resolved.set(path, r);
    }
    return r;
  };

  /** Loads one unit; template names must already carry their instance. */
  load(unitName: string): LoadOutcome {
    const tree = this.tree;
    const names = this.names;
    const parts = parseUnitName(unitName);
    if (!parts) return fail('error', unitName, `Failed to prepare filename ${unitName}: Invalid argument`);

    let fragmentPath = names.fragmentOf(unitName);
    let instance = parts.instance === '' ? undefined : parts.instance;
    let lookupName = unitName;
    if (!fragmentPath && instance !== undefined) {
      lookupName = templateOf(unitName);
      fragmentPath = names.fragmentOf(lookupName);
    }
    if (!fragmentPath) return fail('not-found', unitName, `Unit ${unitName} not found.`);

    const resolved = this.resolve(fragmentPath);
    if (resolved.kind === 'null' || (resolved.kind === 'file' && resolved.size === 0)) {
      return fail('masked', unitName, `Unit ${unitName} is masked.`);
    }
    if (resolved.kind !== 'file') {
      return fail('not-found', unitName, `Unit ${unitName} not found.`);
    }

    // The reported id comes from the fragment's file name (merge_by_names() in unit_load_fragment()).
    const fragmentName = fragmentPath.slice(fragmentPath.lastIndexOf('/') + 1);
    let id = fragmentName;
    const idParts = id === unitName ? parts : parseUnitName(id);
    if (!idParts || idParts.type !== parts.type) id = unitName;
    else if (idParts.instance === '' && instance !== undefined) id = replaceInstance(id, instance);
    else if (idParts.instance === undefined) instance = undefined;
    const type = parts.type;

    const allNames = [id];
    if (unitName !== id) allNames.push(unitName);
    for (const alias of names.aliasesOf(fragmentName)) {
      addName(
        allNames,
        instance !== undefined && alias.includes('@') ? replaceInstance(alias, instance) : alias,
      );
    }
    if (lookupName !== unitName) {
      for (const alias of names.aliasesOf(lookupName))
        addName(allNames, replaceInstance(alias, instance ?? ''));
    }

    // A unit's own file is read for it alone: not kept (drop-ins, which units share, are).
    const mainText = readUnitText(this.source, resolved.path, resolved.size);
    if ('error' in mainText) return fail('error', id, `Failed to open ${fragmentPath}: ${mainText.error}`);
    const sections = UNIT_SECTIONS[type];
    const files: ParsedUnitFile[] = [parseUnitFile(mainText.text, fragmentPath, sections)];

    this.dropIns ??= new DropInFinder(tree, this.searchPath, this.resolve);
    for (const dropIn of this.dropIns.find(id, allNames.slice(1), type)) {
      const r = this.resolve(dropIn);
      if (r.kind === 'null') continue;
      if (r.kind !== 'file') continue;
      const text = readUnitText(tree, r.path, r.size);
      if ('error' in text) {
        files.push({
          file: dropIn,
          assignments: [],
          sections: [],
          diagnostics: [{ file: dropIn, line: 1, column: 1, severity: 'warning', message: text.error }],
        });
        continue;
      }
      files.push(parseUnitFile(text.text, dropIn, sections));
    }
    return { ok: true, unit: { id, type, instance, fragmentPath, names: allNames, files } };
  }
}

function addName(names: string[], name: string): void {
  if (!names.includes(name)) names.push(name);
}

/**
 * posix.join(dir, name) for one file name `name` (no `/`, not `.` or `..`), without parsing `dir`
 * when it is plainly absolute and normalized.
 */
function joinName(dir: string, name: string): string {
  if (dir === '/') return '/' + name;
  if (dir.startsWith('/') && !dir.endsWith('/') && !dir.includes('//') && !dir.includes('/.'))
    return dir + '/' + name;
  return posix.join(dir, name);
}

/** Loads one unit by name (see UnitLoader; use a UnitLoader to load many units from one tree). */
export function loadUnit(tree: UnitTree, unitName: string, options: LoadOptions): LoadOutcome {
  return new UnitLoader(tree, options.searchPath).load(unitName);
}

function readUnitText(tree: UnitTree, path: string, size: number): { text: string } | { error: string } {
  if (size > MAX_UNIT_FILE_BYTES)
    return { error: `file is larger than ${MAX_UNIT_FILE_BYTES} bytes, not read` };
  return tree.readFile(path);
}

function fail(kind: LoadFailureKind, unitName: string, message: string): LoadOutcome {
  return { ok: false, failure: { kind, unitName, message } };
}

/** Suffixes of editor backups and package-manager leftovers that systemd never reads (hidden_or_backup_file()). */
const BACKUP_SUFFIXES = [
  '~',
  '.rpmnew',
  '.rpmsave',
  '.rpmorig',
  '.dpkg-old',
  '.dpkg-new',
  '.dpkg-tmp',
  '.dpkg-dist',
  '.dpkg-bak',
  '.dpkg-backup',
  '.dpkg-remove',
  '.ucf-new',
  '.ucf-old',
  '.ucf-dist',
  '.swp',
  '.bak',
  '.old',
  '.new',
];

function isHiddenOrBackup(name: string): boolean {
  return name.startsWith('.') || BACKUP_SUFFIXES.some((s) => name.endsWith(s));
}

/**
 * The drop-in files of a unit, in application order: every `*.conf` of every `NAME.d/` directory
 * (the unit's names, their templates and dash prefixes, then the per-type directory) in every search
 * directory, one per file name — the earliest directory wins — sorted by file name.
 */
export function findDropIns(
  tree: UnitTree,
  searchPath: readonly string[],
  id: string,
  aliases: readonly string[],
  type: UnitType,
  resolve: (path: string) => Resolved = (p) => resolvePath(tree, p),
): string[] {
  return new DropInFinder(tree, searchPath, resolve).find(id, aliases, type);
}

/** findDropIns() for many units of one tree: the search directories are listed once. */
class DropInFinder {
  /**
   * The search directories that exist, with the names they hold: a drop-in directory can only exist
   * where its search directory lists it, so only listed names are resolved.
   */
  private readonly roots: { dir: string; entries: Set<string> }[] = [];

  constructor(
    private readonly tree: UnitTree,
    searchPath: readonly string[],
    private readonly resolve: (path: string) => Resolved,
  ) {
    for (const dir of searchPath) {
      const r = resolve(dir);
      if (r.kind !== 'directory') continue;
      const entries = tree.readDirectory(r.path);
      if (entries !== undefined) this.roots.push({ dir, entries: new Set(entries) });
    }
  }

  find(id: string, aliases: readonly string[], type: UnitType): string[] {
    if (this.roots.length === 0) return [];
    const dirs: string[] = [];
    const addDirsFor = (name: string): void => {
      const candidates = dropInNames(name).map((n) => `${n}.d`);
      for (const root of this.roots) for (const n of candidates) this.addDir(dirs, root, n);
    };
    addDirsFor(id);
    for (const alias of aliases) addDirsFor(alias);
    for (const root of this.roots) this.addDir(dirs, root, `${type}.d`);
    if (dirs.length === 0) return [];

    const tree = this.tree;
    const byName = new Map<string, string>();
    for (const dir of dirs) {
      for (const name of tree.readDirectory(dir) ?? []) {
        if (!name.endsWith('.conf') || isHiddenOrBackup(name) || byName.has(name)) continue;
        const path = joinName(dir, name);
        const entry = tree.lstat(path);
        if (!entry || (entry.type !== 'file' && entry.type !== 'symlink')) continue;
        byName.set(name, path);
      }
    }
    return [...byName.keys()].sort(compareBytes).map((name) => byName.get(name) as string);
  }

  private addDir(dirs: string[], root: { dir: string; entries: Set<string> }, name: string): void {
    if (!root.entries.has(name)) return;
    const r = this.resolve(root.dir + '/' + name);
    if (r.kind === 'directory' && !dirs.includes(r.path)) dirs.push(r.path);
  }
}

/** strcmp() order on the UTF-8 bytes (code-unit order is identical for the ASCII names that occur). */
export function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
