// Loads and scores located units from a tree (a commit or a working directory): the gate's view of
// one side of a change. Pure over the UnitTree interface.
import { findDropIns, type UnitLoader, type LoadedUnit } from '../unit/load-unit';
import { dropInNames } from '../unit/unit-name';
import { resolvePath, type UnitTree } from '../unit/unit-tree';
import { scoreUnitInTree } from '../engine';
import type { SecurityPolicy } from '../security/security-policy';
import type { SystemdProfile } from '../security/versions';
import { repoPathOf, type UnitLocator } from './discover-units';
import type { UnitSide } from './evaluate-gate';

export interface ScoredUnit {
  locator: UnitLocator;
  side: UnitSide;
  /** Repository paths of every file that went into the unit (main file and drop-ins). */
  files: string[];
}

/** Maps tree paths in a side's provenance to repository paths (they differ only by the leading `/`). */
function toRepoPaths(side: UnitSide): void {
  for (const file of side.unit?.files ?? []) {
    file.file = repoPathOf(file.file);
    for (const a of file.assignments) a.file = repoPathOf(a.file);
    for (const d of file.diagnostics) d.file = repoPathOf(d.file);
  }
  if (side.settings?.typeSection) side.settings.typeSection.file = repoPathOf(side.settings.typeSection.file);
}

/** A unit file that is a symlink leaving the repository is refused, never followed. */
function escapingSymlink(tree: UnitTree, repoPath: string): string | undefined {
  const entry = tree.lstat('/' + repoPath);
  if (entry?.type !== 'symlink') return undefined;
  const r = resolvePath(tree, '/' + repoPath);
  if (r.kind === 'missing' || r.kind === 'loop' || r.kind === 'other') {
    return `${repoPath} is a symlink to ${entry.target}, which is not a file in this repository; refused`;
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
): { path: string; target: string }[] {
  const candidates: string[] = [];
  for (const dir of searchPath) {
    for (const name of unit.names) for (const n of dropInNames(name)) candidates.push(`${dir}/${n}.d`);
    candidates.push(`${dir}/${unit.type}.d`);
  }
  candidates.push(...findDropIns(tree, searchPath, unit.id, unit.names.slice(1), unit.type));
  const refused: { path: string; target: string }[] = [];
  for (const path of new Set(candidates)) {
    const entry = tree.lstat(path);
    if (entry?.type !== 'symlink') continue;
    const r = resolvePath(tree, path);
    if (r.kind === 'missing' || r.kind === 'loop' || r.kind === 'other')
      refused.push({ path: repoPathOf(path), target: entry.target });
  }
  return refused;
}

export function scoreUnit(
  tree: UnitTree,
  locator: UnitLocator,
  systemd: SystemdProfile,
  overrides?: SecurityPolicy,
  /** A loader shared by all units with this search path (keeps scoring a tree linear). */
  loader?: UnitLoader,
): ScoredUnit {
  const refused = escapingSymlink(tree, locator.repoPath);
  if (refused)
    return {
      locator,
      side: { path: locator.repoPath, error: refused, texts: [] },
      files: [locator.repoPath],
    };
  const outcome = scoreUnitInTree({
    tree,
    unitName: locator.unitName,
    searchPath: locator.searchPath,
    systemd,
    overrides,
    loader,
  });
  if (!outcome.ok && outcome.stage === 'load') {
    return {
      locator,
      side: { path: locator.repoPath, error: outcome.message, texts: [] },
      files: [locator.repoPath],
    };
  }
  const unit = outcome.unit as LoadedUnit;
  const escaping = escapingDropIns(tree, locator.searchPath, unit);
  if (escaping.length > 0) {
    const error = escaping
      .map(
        (d) => `the drop-in ${d.path} is a symlink to ${d.target}, which is not in this repository; refused`,
      )
      .join('; ');
    return {
      locator,
      side: { path: locator.repoPath, error, texts: [] },
      files: [locator.repoPath, ...escaping.map((d) => d.path)],
    };
  }
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
  const files = unit.files.map((f) => repoPathOf(f.file));
  const side: UnitSide = {
    path: repoPathOf(unit.fragmentPath),
    unit,
    texts,
    ...(overrides ? { overrides } : {}),
  };
  if (outcome.ok) {
    side.settings = outcome.settings;
    side.assessment = outcome.assessment;
  } else if (outcome.stage === 'overrides') {
    side.error = `the assessor overrides cannot be applied: ${outcome.message}`;
  } else {
    side.error = outcome.message.split('\n')[0] ?? 'the unit failed to load';
  }
  toRepoPaths(side);
  return { locator, side, files };
}
