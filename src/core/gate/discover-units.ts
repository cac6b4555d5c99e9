// Which unit files a repository holds and how systemd would load each one: a unit inside a root tree
// (`…/etc/systemd/system/x.service`, `…/usr/lib/systemd/system/x.service`) is looked up by name
// through that root's search path with systemd's precedence; any other unit file is loaded from its
// own directory with its `NAME.d/` drop-ins beside it. A file that looks like a unit and that systemd
// would never load (a name it rejects, a unit file inside a drop-in directory) is reported, not skipped.
import { posix } from 'path';
import { parseUnitName, unitNameProblem, UNIT_TYPES } from '../unit/unit-name';

export interface UnitLocator {
  /** The unit name systemd is asked for (templates already carry their instance). */
  unitName: string;
  /** The file name as it is in the repository (`foo@.service` for a template). */
  fileName: string;
  /** Repository path of the file that defined this locator. */
  repoPath: string;
  /** Tree directories (absolute, leading `/`) searched in order. */
  searchPath: string[];
  /** Root prefix inside the repository for root-tree layouts, `undefined` for a plain directory. */
  root?: string;
}

/** Unit directories of a root tree, in the suffix form found inside repository paths. */
const ROOT_UNIT_DIRS = [
  '/etc/systemd/system/',
  '/run/systemd/system/',
  '/usr/local/lib/systemd/system/',
  '/usr/lib/systemd/system/',
  '/lib/systemd/system/',
];

function rootOf(repoPath: string): { root: string; unitDir: string } | undefined {
  const p = '/' + repoPath;
  for (const dir of ROOT_UNIT_DIRS) {
    const i = p.lastIndexOf(dir);
    // Only the unit directory itself, not a drop-in directory inside it.
    if (i >= 0 && !p.slice(i + dir.length).includes('/'))
      return { root: p.slice(0, i), unitDir: dir.slice(0, -1) };
  }
  return undefined;
}

/** A unit-like file that is not scored, and why: the gate says so instead of skipping it silently. */
export interface SkippedUnitFile {
  repoPath: string;
  reason: string;
}

/**
 * Whether a directory name is one systemd reads drop-ins from: `NAME.TYPE.d` for a valid unit name
 * (templates and dash prefixes such as `foo-.service.d` included) or the per-type `TYPE.d`
 * (unit_file_find_dropin_paths(), src/shared/unit-file.c / dropin.c, v252). Any other `*.d` directory
 * (`units.d/`, `conf.d/`) is a plain directory whose unit files are units like any other.
 */
export function isDropInDirectoryName(name: string): boolean {
  if (!name.endsWith('.d')) return false;
  const stem = name.slice(0, -2);
  return (UNIT_TYPES as readonly string[]).includes(stem) || parseUnitName(stem) !== undefined;
}

function isIgnoredDirectory(repoPath: string): boolean {
  return repoPath.split('/').some((c) => c === 'node_modules' || c === '.git');
}

/**
 * Finds every unit file the gate should score in a list of repository paths.
 * @param unitTypes file name suffixes to score, e.g. `['.service']`
 * @param searchPath the systemd version's search path (for root-tree layouts)
 * @param templateInstance instance used to analyse a template
 * @param skipped receives the files with a unit suffix that systemd would not load, with the reason
 */
export function discoverUnits(
  paths: readonly string[],
  unitTypes: readonly string[],
  searchPath: readonly string[],
  templateInstance: string,
  skipped?: SkippedUnitFile[],
): UnitLocator[] {
  const found: UnitLocator[] = [];
  const seenInRoot = new Set<string>();
  for (const repoPath of paths) {
    if (isIgnoredDirectory(repoPath)) continue;
    const fileName = posix.basename(repoPath);
    if (!unitTypes.some((t) => fileName.endsWith(t))) continue;
    const parts = parseUnitName(fileName);
    if (!parts) {
      skipped?.push({
        repoPath,
        reason: `systemd rejects the unit name "${fileName}" and never loads this file: ${unitNameProblem(fileName) ?? 'invalid'}`,
      });
      continue;
    }
    const dir = posix.dirname('/' + repoPath);
    if (isDropInDirectoryName(posix.basename(dir))) {
      skipped?.push({
        repoPath,
        reason: `systemd does not load a unit file inside the drop-in directory ${posix.basename(dir)}/ (only its *.conf files apply to that unit)`,
      });
      continue;
    }
    const unitName = parts.instance === '' ? `${parts.prefix}@${templateInstance}.${parts.type}` : fileName;
    const layout = rootOf(repoPath);
    if (layout) {
      const key = `${layout.root}\0${fileName}`;
      if (seenInRoot.has(key)) continue;
      seenInRoot.add(key);
      found.push({
        unitName,
        fileName,
        repoPath,
        root: layout.root,
        searchPath: searchPath.map((d) => layout.root + d),
      });
    } else {
      found.push({ unitName, fileName, repoPath, searchPath: [dir] });
    }
  }
  return found;
}

/**
 * The same unit file as another release loads it: a root tree's search path and a template's
 * instance differ between releases (split /usr in 252, `test_instance` from 257), the file does not.
 */
export function locatorOn(
  l: UnitLocator,
  searchPath: readonly string[],
  templateInstance: string,
): UnitLocator {
  const parts = parseUnitName(l.fileName);
  const unitName =
    parts && parts.instance === '' ? `${parts.prefix}@${templateInstance}.${parts.type}` : l.unitName;
  const root = l.root;
  return {
    ...l,
    unitName,
    searchPath: root !== undefined ? searchPath.map((d) => root + d) : [...l.searchPath],
  };
}

/** Whether two locators load the same way (same name asked through the same search path). */
export function sameLoading(a: UnitLocator, b: UnitLocator): boolean {
  return a.unitName === b.unitName && a.searchPath.join('\0') === b.searchPath.join('\0');
}

/** Repository path of a tree path (`/deploy/x.service` → `deploy/x.service`). */
export function repoPathOf(treePath: string): string {
  return treePath.replace(/^\/+/, '');
}
