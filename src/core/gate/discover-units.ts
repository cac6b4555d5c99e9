// Which unit files a repository holds and how systemd would load each one: a unit inside a root tree
// (`…/etc/systemd/system/x.service`, `…/usr/lib/systemd/system/x.service`) is looked up by name
// through that root's search path with systemd's precedence; any other unit file is loaded from its
// own directory with its `NAME.d/` drop-ins beside it.
import { posix } from 'path';
import { parseUnitName } from '../unit/unit-name';

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

function isIgnoredDirectory(repoPath: string): boolean {
  return repoPath.split('/').some((c) => c === 'node_modules' || c === '.git');
}

/**
 * Finds every unit file the gate should score in a list of repository paths.
 * @param unitTypes file name suffixes to score, e.g. `['.service']`
 * @param searchPath the systemd version's search path (for root-tree layouts)
 * @param templateInstance instance used to analyse a template
 */
export function discoverUnits(
  paths: readonly string[],
  unitTypes: readonly string[],
  searchPath: readonly string[],
  templateInstance: string,
): UnitLocator[] {
  const found: UnitLocator[] = [];
  const seenInRoot = new Set<string>();
  for (const repoPath of paths) {
    if (isIgnoredDirectory(repoPath)) continue;
    const fileName = posix.basename(repoPath);
    if (!unitTypes.some((t) => fileName.endsWith(t))) continue;
    const parts = parseUnitName(fileName);
    if (!parts) continue;
    const dir = posix.dirname('/' + repoPath);
    if (posix.basename(dir).endsWith('.d')) continue; // inside a drop-in directory
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

/** Repository path of a tree path (`/deploy/x.service` → `deploy/x.service`). */
export function repoPathOf(treePath: string): string {
  return treePath.replace(/^\/+/, '');
}
