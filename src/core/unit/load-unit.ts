// Finds a unit's fragment and drop-ins the way systemd's offline loader does, and parses them.
// Ported from unit_file_build_name_map(), unit_file_find_fragment(), unit_file_find_dropin_paths()
// (src/shared/unit-file.c) and unit_load_fragment()/unit_load_dropin() (src/core/load-fragment.c,
// src/core/load-dropin.c), v252–v262.
import { posix } from 'path';
import { parseUnitFile, type ParsedUnitFile } from './parse-unit-file';
import {
  chaseNonexistent,
  linkTargetPath,
  memoizeTree,
  resolvedEntry,
  resolveEntryIn,
  resolvePath,
  type EntryType,
  type Resolved,
  type UnitTree,
} from './unit-tree';
import {
  addDropInNames,
  parseUnitName,
  replaceInstance,
  templateOf,
  type UnitNameParts,
  type UnitType,
} from './unit-name';

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

/**
 * Unit types that load without a unit file (unit_load_fragment_and_dropin(u, false) in slice_load()
 * and device_load(), src/core/slice.c and device.c, v252–v262): such a unit is never "not found".
 */
const FRAGMENT_OPTIONAL: ReadonlySet<UnitType> = new Set(['slice', 'device']);

/**
 * Upper bound on one unit file or drop-in that unitgate reads (systemd has none). A larger file is a
 * load failure that names it and its size, never a file left out: leaving it out would score another
 * unit than the one systemd runs.
 */
export const MAX_UNIT_FILE_BYTES = 4 * 1024 * 1024;

/** The reason a file of `size` bytes is not read (the same words from every tree). */
export function tooLargeMessage(size: number): string {
  return `file is ${size} bytes, larger than the ${MAX_UNIT_FILE_BYTES} bytes unitgate reads`;
}

export interface LoadedUnit {
  /** The name systemd reports: the alias target's name, or the template instance. */
  id: string;
  /**
   * The name the unit was asked for (an alias, or an instance of one). unit_load_fragment()
   * (src/core/load-fragment.c, v252–v262) parses the main file while the unit's id is still this name
   * and merges it into `id` only after, before unit_load_dropin(): the main file's specifiers (%n, %N,
   * %p, %i, %f, %j…) expand from this name, the drop-ins' from `id`.
   */
  requestedName: string;
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
  /**
   * The unit file could not be opened (a link to nothing): systemd logs `NAME: Failed to open PATH:
   * REASON` before the message (unit_load_fragment(), log_unit_notice_errno()). `path` is in the tree.
   */
  openFailure?: { path: string; reason: string };
  /**
   * A masked unit (kind `masked`) with its drop-ins and no main file: systemd 252 still reads them
   * (VersionTraits.maskedUnitReadsDropIns), so what they log is logged before the "masked" message.
   */
  maskedWithDropIns?: LoadedUnit;
}

export type LoadOutcome = { ok: true; unit: LoadedUnit } | { ok: false; failure: LoadFailure };

export interface LoadOptions {
  /** Directories searched in order, highest priority first (absolute, inside the tree). */
  searchPath: readonly string[];
}

/**
 * A name's entry in the first search directory that has one, when it is a unit file (or a linked file,
 * or a mask). `resolved` is what resolving `path` gives when the lookup already told it (no symlink on
 * the way); `regularFile` says the directory listing reported a regular file whose size is not known
 * yet (see UnitLoader.readFragment()).
 */
interface FragmentEntry {
  kind: 'fragment';
  path: string;
  resolved: Resolved | undefined;
  regularFile: boolean;
  /** The entry is a link (a linked unit file or a mask): systemd opens it, following the link. */
  link?: true;
}

type NameMapEntry = FragmentEntry | { kind: 'alias'; target: string };

/**
 * What systemd logs about the links of the search path while it builds its unit name map at start-up
 * (unit_file_build_name_map(), unit_file_resolve_symlink(), src/shared/unit-file.c, v252–v262),
 * before it loads any unit: an alias it rejects (the text as logged), or an alias whose target lies in
 * a subdirectory of a search directory (`link` and `target` are paths in the tree).
 */
export type NameMapNotice =
  { kind: 'rejected-alias'; text: string } | { kind: 'suspicious-alias'; link: string; target: string };

/**
 * One search directory as the name map looks into it. `listing` tells whether `dir/NAME` exists:
 * `null` when the directory does not exist (or is no directory), its entries when it is a directory
 * reached without a symlink — with their types when the tree lists types — and `undefined` when the
 * path has a symlink on it: then each name is looked up as it is. Computed on first use.
 */
interface SearchDirectory {
  dir: string;
  listing: ReadonlySet<string> | ReadonlyMap<string, EntryType> | null | undefined;
  listed: boolean;
}

/**
 * The lazily built equivalent of systemd's unit id map: for a name, the first search directory
 * that has an entry decides whether it is a unit file, a linked file, a mask or an alias.
 */
class NameMap {
  private readonly cache = new Map<string, NameMapEntry | null>();
  private aliasIndex: Map<string, string[]> | undefined;
  private readonly dirs: SearchDirectory[];
  /** `dir + '/'` of each search directory, for the "does the link stay in the search path" test. */
  private readonly dirPrefixes: string[];

  constructor(
    private readonly tree: UnitTree,
    private readonly searchPath: readonly string[],
  ) {
    this.dirs = searchPath.map((dir) => ({ dir, listing: undefined, listed: false }));
    this.dirPrefixes = searchPath.map((d) => d + '/');
  }

  get(name: string): NameMapEntry | undefined {
    const cached = this.cache.get(name);
    if (cached !== undefined) return cached ?? undefined;
    let found: NameMapEntry | null = null;
    for (const dir of this.dirs) {
      const entry = this.entryIn(dir, name);
      if (entry) {
        found = entry;
        break;
      }
    }
    this.cache.set(name, found);
    return found ?? undefined;
  }

  private entryIn(searchDir: SearchDirectory, name: string): NameMapEntry | undefined {
    // Most names are in none or one of the search directories: their listings answer without a look.
    const listing = searchDir.listed ? searchDir.listing : this.list(searchDir);
    if (listing === null || (listing !== undefined && !listing.has(name))) return undefined;
    const dir = searchDir.dir;
    // A listed directory is normalized and absolute: the path is a plain concatenation.
    const path = listing === undefined ? joinName(dir, name) : dir === '/' ? '/' + name : dir + '/' + name;
    const type = listing instanceof Map ? listing.get(name) : undefined;
    if (type === 'file') return { kind: 'fragment', path, resolved: undefined, regularFile: true };
    // (The memoized tree answers a directory or anything else from the typed listing too.)
    const entry = this.tree.lstat(path);
    if (!entry) return undefined;
    if (entry.type !== 'symlink') {
      // Below a listed directory nothing on the path is a symlink: its resolution is the entry itself.
      const resolved = listing === undefined ? undefined : resolvedEntry(path, entry);
      return { kind: 'fragment', path, resolved, regularFile: false };
    }
    const target = this.aliasTarget(dir, entry.target);
    if (target === undefined) {
      // A linked unit file or a mask: the link itself is the fragment (unit_file_resolve_symlink()).
      return { kind: 'fragment', path, resolved: undefined, regularFile: false, link: true };
    }
    // A rejected alias (or a link to itself) is no entry: a later search directory may have the name.
    const targetName = posix.basename(target);
    if (aliasProblem(name, targetName) !== undefined) return undefined;
    return { kind: 'alias', target: targetName };
  }

  /**
   * The target of the link `dir/NAME` → `linkTarget` when it lies in the search path (an alias), else
   * `undefined` (a linked unit file or a mask). Like unit_file_resolve_symlink(), the target's
   * directories are resolved inside the tree (chase() with the root), so that `/lib/systemd/system/x`
   * through a merged-/usr `/lib -> usr/lib` link is the alias `/usr/lib/systemd/system/x`.
   */
  private aliasTarget(dir: string, linkTarget: string): string | undefined {
    const target = linkTargetPath(dir, linkTarget);
    if (target === '/dev/null') return undefined;
    if (this.dirPrefixes.some((d) => target.startsWith(d))) return target;
    const parent = chaseNonexistent(this.rooted, posix.dirname(target));
    if (parent === undefined) return undefined;
    const resolved = joinName(parent, posix.basename(target));
    return this.dirPrefixes.some((d) => resolved.startsWith(d)) ? resolved : undefined;
  }

  /** The tree as a root of its own: what chase() with a root resolves in. */
  private get rooted(): UnitTree {
    const tree = this.tree;
    return (this.rootedTree ??= {
      lstat: (p) => tree.lstat(p),
      readDirectory: (p) => tree.readDirectory(p),
      readFile: (p) => tree.readFile(p),
    });
  }
  private rootedTree: UnitTree | undefined;

  /**
   * The notices of unit_file_build_name_map() (see NameMapNotice): search directory by search
   * directory, its entries in the order the directory lists them; a name an earlier directory took (a
   * unit file, a linked file, a mask or a valid alias) is not looked at again. A directory reached twice
   * (252's /lib/systemd/system in a merged-/usr root) is read twice, and its rejected aliases are
   * logged twice, as the real 252 does.
   */
  notices(): NameMapNotice[] {
    const notices: NameMapNotice[] = [];
    const taken = new Set<string>();
    for (const dir of this.searchPath) {
      const types = this.tree.listDirectory?.(dir);
      const names = types ? types.keys() : (this.tree.readDirectory(dir) ?? NO_NAMES);
      for (const name of names) {
        if (taken.has(name) || !parseUnitName(name)) continue;
        const path = joinName(dir, name);
        const type = types?.get(name) ?? this.tree.lstat(path)?.type;
        if (type === 'file') taken.add(name);
        if (type !== 'symlink') continue;
        const entry = this.tree.lstat(path);
        if (entry?.type !== 'symlink') continue;
        const target = this.aliasTarget(dir, entry.target);
        if (target === undefined) {
          taken.add(name);
          continue;
        }
        const problem = aliasProblem(name, posix.basename(target));
        if (problem === 'self') continue;
        if (problem !== undefined) {
          notices.push({ kind: 'rejected-alias', text: problem });
          continue;
        }
        taken.add(name);
        const home = this.dirPrefixes.find((d) => target.startsWith(d)) as string;
        if (target.slice(home.length).includes('/'))
          notices.push({ kind: 'suspicious-alias', link: path, target });
      }
    }
    return notices;
  }

  /** Computes a search directory's `listing` (see SearchDirectory). */
  private list(searchDir: SearchDirectory): SearchDirectory['listing'] {
    const dir = searchDir.dir;
    let listing: SearchDirectory['listing'];
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
        const typed = this.tree.listDirectory?.(dir);
        if (typed) listing = typed;
        else {
          const names = this.tree.readDirectory(dir);
          listing = names === undefined ? undefined : new Set(names);
        }
      }
    }
    searchDir.listing = listing;
    searchDir.listed = true;
    return listing;
  }

  /** All names whose alias symlinks (in any search directory) point at `name`. */
  aliasesOf(name: string): readonly string[] {
    if (!this.aliasIndex) {
      this.aliasIndex = new Map();
      for (const dir of this.searchPath) {
        const resolved = resolvePath(this.tree, dir);
        if (resolved.kind !== 'directory') continue;
        for (const entryName of this.possibleAliases(resolved.path)) {
          if (!parseUnitName(entryName)) continue;
          const entry = this.get(entryName);
          if (entry?.kind !== 'alias') continue;
          const list = this.aliasIndex.get(entry.target) ?? [];
          if (!list.includes(entryName)) list.push(entryName);
          this.aliasIndex.set(entry.target, list);
        }
      }
    }
    return this.aliasIndex.get(name) ?? NO_NAMES;
  }

  /**
   * The entries of a search directory that can be aliases. Only a link is one: unit_file_build_name_map()
   * (systemd 252) takes any other entry as the fragment of its own name. Where a name is a link in
   * one search directory and something else in another, the first directory decides (get()), and
   * the scan meets the name in the directory where it is a link. Without types in the listing,
   * every entry (get() looks at each).
   */
  private possibleAliases(dir: string): Iterable<string> {
    const types = this.tree.listDirectory?.(dir);
    if (!types) return this.tree.readDirectory(dir) ?? NO_NAMES;
    const links: string[] = [];
    for (const [entryName, type] of types) if (type === 'symlink') links.push(entryName);
    return links;
  }

  /** Follows aliases until a fragment (unit_ids_map_get()). */
  fragmentOf(name: string): FragmentEntry | undefined {
    let current = name;
    for (let hops = 0; hops < 64; hops++) {
      const entry = this.get(current);
      if (!entry) return undefined;
      if (entry.kind === 'fragment') return entry;
      current = entry.target;
    }
    return undefined;
  }
}

const NO_NAMES: readonly string[] = [];

/** Unit types whose units may have aliases (unit_type_may_alias(), src/basic/unit-name.c, v252–v262). */
const TYPES_MAY_ALIAS: ReadonlySet<UnitType> = new Set([
  'service',
  'socket',
  'target',
  'device',
  'timer',
  'path',
]);
/** Unit types that may be templates (unit_type_may_template(), same file). */
export const TYPES_MAY_TEMPLATE: ReadonlySet<UnitType> = new Set([
  'service',
  'socket',
  'target',
  'timer',
  'path',
]);

type NameKind = 'plain' | 'template' | 'instance';
const nameKind = (parts: UnitNameParts): NameKind =>
  parts.instance === undefined ? 'plain' : parts.instance === '' ? 'template' : 'instance';

/**
 * Why the alias link `alias` → `target` (both file names, the link's a valid unit name) is rejected,
 * as systemd logs it at LOG_NOTICE (which systemd-analyze shows); `self` for a link to its own name
 * (logged at debug level only); `undefined` when the alias is valid. Ported from
 * unit_validate_alias_symlink_or_warn() (src/shared/install.c, v252–v262): an instance may alias a
 * template of its type, other names only a name of their own kind and type.
 */
export function aliasProblem(alias: string, target: string): string | 'self' | undefined {
  const a = parseUnitName(alias);
  if (!a) return `${alias}: not a valid name for a unit file: Invalid argument`;
  if (!TYPES_MAY_ALIAS.has(a.type))
    return `${alias}: symlinks are not allowed for units of this type, rejecting.`;
  const aKind = nameKind(a);
  if (aKind !== 'plain' && !TYPES_MAY_TEMPLATE.has(a.type))
    return `${alias}: templates not allowed for ${a.type} units, rejecting.`;
  if (alias === target) return 'self';
  const t = parseUnitName(target);
  // unit_name_to_instance()'s -EINVAL becomes EXDEV, whose text %m prints.
  if (!t) return `${alias} points to "${target}" which is not a valid unit name: Invalid cross-device link`;
  const tKind = nameKind(t);
  if (tKind !== aKind && !(aKind === 'instance' && tKind === 'template'))
    return `${alias}: symlink target name type "${target}" does not match source, rejecting.`;
  if (tKind === 'instance' && a.instance !== t.instance)
    return `${alias}: unit symlink target "${target}" instance name doesn't match, rejecting.`;
  if (t.type !== a.type) return `${alias}: symlink target "${target}" has incompatible suffix, rejecting.`;
  return undefined;
}

/**
 * A loaded unit. Built by a constructor, not a literal, like the parser's records (see
 * parse-unit-file.ts): callers that keep many units must not make V8 pretenure every later one.
 */
class LoadedUnitRecord implements LoadedUnit {
  constructor(
    public id: string,
    public requestedName: string,
    public type: UnitType,
    public instance: string | undefined,
    public fragmentPath: string,
    public names: string[],
    public files: ParsedUnitFile[],
  ) {}
}

/** The outcome of reading a fragment, before the unit's names are known. */
type FragmentText = { text: string } | { error: string } | 'masked' | 'not-found' | 'dangling' | 'directory';

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

  /**
   * The drop-in files of a unit, in application order: every `*.conf` of every `NAME.d/` directory
   * (the unit's names, their templates and dash prefixes, then the per-type directory) in every search
   * directory, one per file name — the earliest directory wins — sorted by file name. Uses this
   * loader's directory listings, so asking for every unit of a tree stays linear.
   */
  dropInPaths(unit: Pick<LoadedUnit, 'id' | 'names' | 'type'>): string[] {
    this.dropIns ??= new DropInFinder(this.tree, this.searchPath, this.resolve);
    return this.dropIns.findFiles(unit.id, undefined, unit.names, unit.type).map((f) => f.path);
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

  /**
   * Resolves and reads a unit's fragment (unit_load_fragment()): a link to /dev/null or an empty
   * file is a mask, anything but a regular file is not found.
   */
  private readFragment(fragment: FragmentEntry): FragmentText {
    if (fragment.regularFile) {
      // The listing says "regular file" but not how large: read it, and an empty read is the empty
      // file that masks. Should the read fail or be too large to be surely under the limit (at most
      // 3 UTF-8 bytes per UTF-16 unit), the size from lstat() decides as below.
      const read = this.source.readFile(fragment.path);
      if ('text' in read && read.text.length <= MAX_UNIT_FILE_BYTES / 3)
        return read.text === '' ? 'masked' : read;
    }
    const resolved = fragment.resolved ?? this.resolve(fragment.path);
    if (resolved.kind === 'null' || (resolved.kind === 'file' && resolved.size === 0)) return 'masked';
    // A link (a linked unit file) that leads nowhere, or to a directory, which systemd opens.
    if ((resolved.kind === 'missing' || resolved.kind === 'directory') && fragment.link)
      return resolved.kind === 'missing' ? 'dangling' : 'directory';
    if (resolved.kind !== 'file') return 'not-found';
    // A unit's own file is read for it alone: not kept (drop-ins, which units share, are).
    return readUnitText(this.source, resolved.path, resolved.size);
  }

  /** What systemd logs about the search path's links before it loads any unit (see NameMapNotice). */
  nameMapNotices(): NameMapNotice[] {
    return this.names.notices();
  }

  /** Loads one unit; template names must already carry their instance. */
  load(unitName: string): LoadOutcome {
    const names = this.names;
    const parts = parseUnitName(unitName);
    if (!parts) return fail('error', unitName, `Failed to prepare filename ${unitName}: Invalid argument`);
    // Scopes are only ever created at run time (transient): scope_load() refuses to load one from a
    // file with ENOENT before it looks for any (src/core/scope.c, v252 to v262).
    if (parts.type === 'scope') return fail('not-found', unitName, `Unit ${unitName} not found.`);

    let fragment = names.fragmentOf(unitName);
    let instance = parts.instance === '' ? undefined : parts.instance;
    let lookupName = unitName;
    if (!fragment && instance !== undefined) {
      lookupName = templateOf(unitName);
      fragment = names.fragmentOf(lookupName);
    }
    if (!fragment) {
      if (!FRAGMENT_OPTIONAL.has(parts.type))
        return fail('not-found', unitName, `Unit ${unitName} not found.`);
      // A slice or device without a unit file loads all the same, with its drop-ins.
      const empty = parseUnitFile('', '', UNIT_SECTIONS[parts.type]);
      return this.withDropIns(unitName, unitName, parts, parts.type, instance, '', [unitName], empty);
    }
    const fragmentPath = fragment.path;
    const mainText = this.readFragment(fragment);
    if (mainText === 'not-found') return fail('not-found', unitName, `Unit ${unitName} not found.`);
    if (mainText === 'dangling') {
      const failure: LoadFailure = {
        kind: 'not-found',
        unitName,
        message: `Unit ${unitName} not found.`,
        openFailure: { path: fragmentPath, reason: 'No such file or directory' },
      };
      return { ok: false, failure };
    }
    if (mainText === 'directory') {
      // fopen() of a directory works; stat_verify_regular() then refuses it (EISDIR).
      return fail(
        'error',
        unitName,
        `Unit ${unitName} failed to load properly, please adjust/correct and reload service manager: Is a directory`,
      );
    }

    // The reported id comes from the fragment's file name (merge_by_names() in unit_load_fragment()).
    const fragmentName = fragmentPath.slice(fragmentPath.lastIndexOf('/') + 1);
    let id = fragmentName;
    const idParts = id === unitName ? parts : parseUnitName(id);
    if (!idParts || idParts.type !== parts.type) id = unitName;
    else if (idParts.instance === '' && instance !== undefined) id = replaceInstance(id, instance);
    else if (idParts.instance === undefined) instance = undefined;
    const type = parts.type;
    // A mask is reported under the name the fragment gives too (merge_by_names() runs for it as well),
    // unless the instance was found through its template's name: then under the name asked for
    // (systemd-analyze 252.38, 257.13 and 262.1 agree).
    if (mainText === 'masked') {
      const name = lookupName !== unitName ? unitName : id;
      return this.masked(name, unitName, parts, name === id ? idParts : parts, type, instance, fragmentPath);
    }

    const allNames = new Array<string>();
    allNames.push(id);
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

    if ('error' in mainText) return fail('error', id, `Failed to open ${fragmentPath}: ${mainText.error}`);
    const main = parseUnitFile(mainText.text, fragmentPath, UNIT_SECTIONS[type]);
    return this.withDropIns(
      id,
      unitName,
      id === unitName ? parts : undefined,
      type,
      instance,
      fragmentPath,
      allNames,
      main,
    );
  }

  /** A masked unit: the failure, and the drop-ins systemd 252 still reads (LoadFailure.maskedWithDropIns). */
  private masked(
    id: string,
    unitName: string,
    parts: UnitNameParts,
    idParts: UnitNameParts | undefined,
    type: UnitType,
    instance: string | undefined,
    fragmentPath: string,
  ): LoadOutcome {
    const empty = parseUnitFile('', fragmentPath, UNIT_SECTIONS[type]);
    const names = id === unitName ? [id] : [id, unitName];
    const withDropIns = this.withDropIns(
      id,
      unitName,
      id === unitName ? parts : idParts,
      type,
      instance,
      fragmentPath,
      names,
      empty,
    );
    const failure: LoadFailure = { kind: 'masked', unitName: id, message: `Unit ${id} is masked.` };
    if (withDropIns.ok) failure.maskedWithDropIns = withDropIns.unit;
    return { ok: false, failure };
  }

  /** The unit with its main file and its drop-ins (unit_load_dropin()). */
  private withDropIns(
    id: string,
    requestedName: string,
    idParts: UnitNameParts | undefined,
    type: UnitType,
    instance: string | undefined,
    fragmentPath: string,
    allNames: string[],
    main: ParsedUnitFile,
  ): LoadOutcome {
    const sections = UNIT_SECTIONS[type];
    const files = new Array<ParsedUnitFile>();
    files.push(main);

    this.dropIns ??= new DropInFinder(this.tree, this.searchPath, this.resolve);
    for (const dropIn of this.dropIns.findFiles(id, idParts, allNames, type)) {
      const text = this.readDropIn(dropIn);
      if (text === undefined) continue;
      // systemd logs an unreadable drop-in and loads the unit without it; scoring a unit without a
      // file systemd would read (too large for us, or unreadable here only) would score another unit.
      if ('error' in text)
        return fail(
          'error',
          id,
          `Unit ${id} failed to load: cannot read its drop-in ${dropIn.path}: ${text.error}`,
        );
      files.push(parseUnitFile(text.text, dropIn.path, sections));
    }
    return {
      ok: true,
      unit: new LoadedUnitRecord(id, requestedName, type, instance, fragmentPath, allNames, files),
    };
  }

  /** A drop-in's text; `undefined` when it is masked (a link to /dev/null) or no regular file. */
  private readDropIn(dropIn: DropInFile): { text: string } | { error: string } | undefined {
    const tree = this.tree;
    if (dropIn.regularFile) {
      // As for fragments (readFragment()): the listing said "regular file", its size is unknown.
      const read = tree.readFile(dropIn.path);
      if ('text' in read && read.text.length <= MAX_UNIT_FILE_BYTES / 3) return read;
    }
    const r = dropIn.resolved ?? this.resolve(dropIn.path);
    if (r.kind !== 'file') return undefined;
    return readUnitText(tree, r.path, r.size);
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
  if (size > MAX_UNIT_FILE_BYTES) return { error: tooLargeMessage(size) };
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
 * A drop-in file found in a drop-in directory (a resolved path, without symlinks): `resolved` when
 * its lstat() already told what it resolves to, `regularFile` when the listing reported a regular
 * file (size unknown), neither for a symlink, which is resolved when read.
 */
interface DropInFile {
  path: string;
  resolved: Resolved | undefined;
  regularFile: boolean;
}

/** A search directory that exists, with the names of the `NAME.d` entries it holds (without `.d`). */
interface DropInRoot {
  dir: string;
  dropInDirs: ReadonlySet<string>;
}

const NO_DROP_INS: readonly DropInFile[] = [];

/**
 * A name up to the first `-`, `@` or `.` after its first character. Every name dropInNames() derives
 * from a unit name has the unit name's head: templates keep the prefix, and dash prefixes are cut at
 * a dash no earlier than the prefix's first `-`, which comes after the head ends (or is where it
 * ends); so a unit whose head no `NAME.d` entry has needs no look at its drop-in names at all.
 */
function nameHead(name: string): string {
  for (let i = 1; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === 0x2d /* - */ || c === 0x40 /* @ */ || c === 0x2e /* . */) return name.slice(0, i);
  }
  return name;
}

/** findDropIns() for many units of one tree: the search directories are listed once. */
class DropInFinder {
  /**
   * The search directories that exist: a drop-in directory can only exist where its search
   * directory lists it, so only listed names are resolved.
   */
  private readonly roots: DropInRoot[] = [];
  /** Every `NAME` with a `NAME.d` entry in some root: the only names worth looking for. */
  private readonly anyDropInDir = new Set<string>();
  /** nameHead() of each of those: a unit whose name has another head has no drop-in directory. */
  private readonly dropInHeads = new Set<string>();

  constructor(
    private readonly tree: UnitTree,
    searchPath: readonly string[],
    private readonly resolve: (path: string) => Resolved,
  ) {
    for (const dir of searchPath) {
      const r = resolve(dir);
      if (r.kind !== 'directory') continue;
      const entries = tree.readDirectory(r.path);
      if (entries === undefined) continue;
      const dropInDirs = new Set<string>();
      for (const e of entries) {
        if (e.endsWith('.d')) {
          const name = e.slice(0, -2);
          dropInDirs.add(name);
          this.anyDropInDir.add(name);
          this.dropInHeads.add(nameHead(name));
        }
      }
      this.roots.push({ dir, dropInDirs });
    }
  }

  /**
   * The drop-ins of a unit known by `names` (its id first; `idParts` when already parsed), in
   * application order.
   */
  findFiles(
    id: string,
    idParts: UnitNameParts | undefined,
    names: readonly string[],
    type: UnitType,
  ): readonly DropInFile[] {
    if (this.roots.length === 0) return NO_DROP_INS;
    const dirs: string[] = [];
    const candidates: string[] = [];
    for (let i = 0; i < names.length; i++) {
      const name = names[i] as string;
      if (!this.dropInHeads.has(nameHead(name))) continue;
      candidates.length = 0;
      addDropInNames(name, i === 0 && idParts && name === id ? idParts : parseUnitName(name), candidates);
      // Root by root, name by name (unit_file_find_dirs() for each search directory in turn).
      for (const root of this.roots)
        for (const n of candidates) if (this.anyDropInDir.has(n)) this.addDir(dirs, root, n);
    }
    for (const root of this.roots) this.addDir(dirs, root, type);
    if (dirs.length === 0) return NO_DROP_INS;

    const tree = this.tree;
    const byName = new Map<string, DropInFile>();
    for (const dir of dirs) {
      const typed = tree.listDirectory?.(dir);
      for (const name of typed ? typed.keys() : (tree.readDirectory(dir) ?? [])) {
        if (!name.endsWith('.conf') || isHiddenOrBackup(name) || byName.has(name)) continue;
        const path = joinName(dir, name);
        const listed = typed?.get(name);
        if (listed === 'file') byName.set(name, { path, resolved: undefined, regularFile: true });
        else if (listed === 'symlink') byName.set(name, { path, resolved: undefined, regularFile: false });
        else if (listed === undefined) {
          const entry = tree.lstat(path);
          // In a resolved directory a file resolves to itself; a symlink is followed when read.
          if (entry?.type === 'file')
            byName.set(name, { path, resolved: resolvedEntry(path, entry), regularFile: false });
          else if (entry?.type === 'symlink')
            byName.set(name, { path, resolved: undefined, regularFile: false });
        }
      }
    }
    return [...byName.keys()].sort(compareBytes).map((name) => byName.get(name) as DropInFile);
  }

  /** Adds the directory `root/NAME.d` when the root has it and it resolves to a directory. */
  private addDir(dirs: string[], root: DropInRoot, name: string): void {
    if (!root.dropInDirs.has(name)) return;
    const r = this.resolve(root.dir + '/' + name + '.d');
    if (r.kind === 'directory' && !dirs.includes(r.path)) dirs.push(r.path);
  }
}

/** strcmp() order on the UTF-8 bytes (code-unit order is identical for the ASCII names that occur). */
export function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
