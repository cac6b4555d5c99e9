// Loads and scores located units from a tree (a commit or a working directory): the gate's view of
// one side of a change. Pure over the UnitTree interface.
import { UnitLoader, type LoadedUnit } from '../unit/load-unit';
import { dropInNames, parseUnitName, templateOf } from '../unit/unit-name';
import { posix } from 'path';
import { linkTargetPath, resolvePath, type UnitTree } from '../unit/unit-tree';
import { scoreLoadedUnit } from '../engine';
import type { SecurityPolicy } from '../security/security-policy';
import type { SystemdRelease } from '../security/versions';
import { repoPathOf, type UnitLocator } from './discover-units';
import type { UnitSide } from './evaluate-gate';

export interface ScoredUnit {
  locator: UnitLocator;
  /** The unit's side of the change, scored when first read (scoreUnit()). */
  readonly side: UnitSide;
  /**
   * Repository paths of every file systemd reads, or would read, to load the unit: see
   * unitReadPaths(). A change to any of them changes the unit.
   */
  files: string[];
  /**
   * The same loaded unit scored as another release does (a mixed fleet), when first asked for and
   * once per release: loading does not depend on the release when the name and search path are the
   * same (see sameLoading()), so only derivation and assessment run again. Absent from scorers that
   * cannot (the trend's cache): the caller then loads the unit again.
   */
  sideOn?(systemd: SystemdRelease): UnitSide;
}

/**
 * Every path whose change can change how systemd loads a unit known by `names`: in each search
 * directory, each name's entry (the fragment, an alias link, one that shadows another) and every
 * `*.conf` entry of each drop-in directory the names have (unit_file_find_dropin_paths(), v252) —
 * those that lose to a file of the same name elsewhere too, and `/dev/null` links that mask one —
 * with the targets of the links among them (a linked unit file, a shared drop-in) and the drop-in
 * directories that are links. `extra` are tree paths to count as well (the unit's loaded files).
 */
export function unitReadPaths(
  tree: UnitTree,
  searchPath: readonly string[],
  names: readonly string[],
  type: string,
  extra: readonly string[] = [],
): string[] {
  const out = new Set<string>();
  const withTarget = (path: string): void => {
    const entry = tree.lstat(path);
    if (!entry) return;
    out.add(path);
    if (entry.type !== 'symlink') return;
    const r = resolvePath(tree, path);
    if (r.kind === 'file' || r.kind === 'directory' || r.kind === 'other') out.add(r.path);
  };
  const dirNames = new Set<string>();
  for (const n of names) for (const d of dropInNames(n)) dirNames.add(d);
  dirNames.add(type);
  for (const dir of searchPath) {
    for (const n of names) withTarget(`${dir}/${n}`);
    for (const d of dirNames) {
      const path = `${dir}/${d}.d`;
      const entry = tree.lstat(path);
      if (!entry) continue;
      out.add(path);
      const r = resolvePath(tree, path);
      if (r.kind !== 'directory') continue;
      const prefix = r.path === '/' ? '' : r.path;
      for (const f of tree.readDirectory(r.path) ?? []) if (f.endsWith('.conf')) withTarget(`${prefix}/${f}`);
    }
  }
  for (const p of extra) withTarget(p);
  return [...out].map(repoPathOf);
}

/** Maps tree paths in a side's provenance to repository paths (they differ only by the leading `/`). */
function toRepoPaths(side: UnitSide): void {
  for (const file of side.unit?.files ?? []) {
    file.file = repoPathOf(file.file);
    for (const a of file.assignments) a.file = repoPathOf(a.file);
    for (const d of file.diagnostics) d.file = repoPathOf(d.file);
  }
  if (side.settings?.typeSection) side.settings.typeSection.file = repoPathOf(side.settings.typeSection.file);
  // Parse-time records are shared with the files above; repoPathOf() leaves a repository path as it is.
  for (const d of side.diagnostics ?? []) d.file = repoPathOf(d.file);
}

/**
 * The tree as a window onto the repository, for telling where links lead: a link that leaves it (an
 * absolute target other than /dev/null, or `..` above the top) leads nowhere. systemd opens unit files
 * and drop-ins with plain open() calls, so such a link reads the host's file, never the repository's
 * (systemd-analyze 252 leaves out a drop-in linked to `/docs/x.conf`, with and without --root, although
 * `<root>/docs/x.conf` exists): the gate cannot know that file and refuses the unit. Nothing is read
 * through the window; the marker only stands for "somewhere on the host" (see resolvePath()).
 */
function repositoryWindow(tree: UnitTree): UnitTree {
  return {
    lstat: (p) => tree.lstat(p),
    readDirectory: (p) => tree.readDirectory(p),
    readFile: (p) => tree.readFile(p),
    hostDirectory: '/\u0000repository',
  };
}

/** Whether a link leads out of the repository, to nothing, or to no regular file or directory. */
function leaves(window: UnitTree, path: string): boolean {
  const r = resolvePath(window, path);
  return r.kind === 'missing' || r.kind === 'loop' || r.kind === 'other';
}

/**
 * A unit file that is a symlink leaving the repository is refused, never followed. An alias (a link
 * to a unit file in the search path, which systemd resolves by name, with the root prefixed to an
 * absolute target: unit_file_resolve_symlink()) is not followed for its content and is let through.
 */
function escapingSymlink(tree: UnitTree, locator: UnitLocator): string | undefined {
  const path = '/' + locator.repoPath;
  const entry = tree.lstat(path);
  if (entry?.type !== 'symlink') return undefined;
  if (locator.root !== undefined) {
    const target = entry.target.startsWith('/')
      ? posix.normalize(locator.root + entry.target)
      : linkTargetPath(posix.dirname(path), entry.target);
    const alias = locator.searchPath.some((d) => target.startsWith(d + '/'));
    if (alias && tree.lstat(target) !== undefined) return undefined;
  }
  if (leaves(repositoryWindow(tree), path)) {
    return `${locator.repoPath} is a symlink to ${entry.target}, which is not a file in this repository; refused`;
  }
  return undefined;
}

/**
 * Drop-ins (and `NAME.d/` directories) that are symlinks leaving the repository. The loader skips
 * them, as systemd-analyze --offline --root would; on a host, systemd would read whatever they point
 * at, so the gate cannot score the unit systemd would run and refuses it instead of ignoring them.
 */
function escapingDropIns(
  tree: UnitTree,
  searchPath: readonly string[],
  unit: LoadedUnit,
  loader: UnitLoader,
): { path: string; target: string }[] {
  const candidates: string[] = [];
  for (const dir of searchPath) {
    for (const name of unit.names) for (const n of dropInNames(name)) candidates.push(`${dir}/${n}.d`);
    candidates.push(`${dir}/${unit.type}.d`);
  }
  candidates.push(...loader.dropInPaths(unit));
  const refused: { path: string; target: string }[] = [];
  const window = repositoryWindow(tree);
  for (const path of new Set(candidates)) {
    const entry = tree.lstat(path);
    if (entry?.type !== 'symlink') continue;
    if (leaves(window, path)) refused.push({ path: repoPathOf(path), target: entry.target });
  }
  return refused;
}

export function scoreUnit(
  tree: UnitTree,
  locator: UnitLocator,
  systemd: SystemdRelease,
  overrides?: SecurityPolicy,
  /** A loader shared by all units with this search path (keeps scoring a tree linear). */
  loader?: UnitLoader,
): ScoredUnit {
  // What a unit that did not load reads: found from the name it is asked by (and its template).
  const readByName = (): string[] => {
    const parts = parseUnitName(locator.unitName);
    const names = [locator.unitName];
    if (parts?.instance) names.push(templateOf(locator.unitName));
    return unitReadPaths(tree, locator.searchPath, names, parts?.type ?? 'service', ['/' + locator.repoPath]);
  };
  const refused = escapingSymlink(tree, locator);
  if (refused)
    return withSameSide({
      locator,
      side: { path: locator.repoPath, error: refused, texts: [] },
      files: readByName(),
    });
  const unitLoader = loader ?? new UnitLoader(tree, locator.searchPath);
  const loaded = unitLoader.load(locator.unitName);
  if (!loaded.ok) {
    return withSameSide({
      locator,
      side: { path: locator.repoPath, error: loaded.failure.message, texts: [] },
      files: readByName(),
    });
  }
  const unit = loaded.unit;
  const escaping = escapingDropIns(tree, locator.searchPath, unit, unitLoader);
  if (escaping.length > 0) {
    const error = escaping
      .map(
        (d) => `the drop-in ${d.path} is a symlink to ${d.target}, which is not in this repository; refused`,
      )
      .join('; ');
    return withSameSide({
      locator,
      side: { path: locator.repoPath, error, texts: [] },
      files: [...new Set([...readByName(), ...escaping.map((d) => d.path)])],
    });
  }
  // Everything read from the tree is read now (a memoising caller records the reads of this call).
  const texts: { path: string; text: string }[] = [];
  for (const f of unit.files) {
    const read = tree.readFile(f.file);
    // Symlinked files were resolved by the loader; read through it for the comment scan.
    const r =
      'text' in read
        ? read
        : (() => {
            const resolved = resolvePath(tree, f.file);
            return resolved.kind === 'file' ? tree.readFile(resolved.path) : read;
          })();
    if ('text' in r) texts.push({ path: repoPathOf(f.file), text: r.text });
  }
  const files = unitReadPaths(
    tree,
    locator.searchPath,
    unit.names,
    unit.type,
    unit.files.map((f) => f.file),
  );
  // The score itself (derivation and assessment, which read nothing more) is made when the side is
  // first asked for: the scope stage needs every unit's files, but the scores of the units in scope only.
  const scoredSide = (release: SystemdRelease): UnitSide => {
    const outcome = scoreLoadedUnit(unit, release, overrides);
    const side: UnitSide = {
      path: repoPathOf(unit.fragmentPath),
      unit,
      texts,
      ...(overrides ? { overrides } : {}),
    };
    side.diagnostics = outcome.diagnostics;
    if (outcome.ok) {
      side.settings = outcome.settings;
      side.assessment = outcome.assessment;
    } else if (outcome.stage === 'overrides') {
      side.error = `the assessor overrides cannot be applied: ${outcome.message}`;
    } else {
      side.error = outcome.message.split('\n')[0] ?? 'the unit failed to load';
    }
    toRepoPaths(side);
    return side;
  };
  const sides = new Map<number, UnitSide>();
  const sideOn = (release: SystemdRelease): UnitSide => {
    let side = sides.get(release.version);
    if (!side) sides.set(release.version, (side = scoredSide(release)));
    return side;
  };
  return {
    locator,
    files,
    get side(): UnitSide {
      return sideOn(systemd);
    },
    sideOn,
  };
}

/** A unit that did not load: systemd refuses it before any release's rules apply, on every release. */
function withSameSide(scored: Omit<ScoredUnit, 'sideOn'>): ScoredUnit {
  return { ...scored, sideOn: () => scored.side };
}
