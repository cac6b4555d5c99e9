// A host's units as a snapshot, over a UnitTree of its root: which units its search path holds (or the
// ones asked for), the files that define each — every one read, hashed and its directives kept
// (redact.ts) — and the exposure with its rows, scored through the engine for one release. What cannot
// be read is recorded as such: a unit file, a drop-in, a drop-in directory or a search directory that
// cannot be listed. Nothing is skipped silently, because a snapshot that leaves out what it could not
// see would compare clean.
import { scoreUnitInTree } from '../engine';
import { columnsOf, setOf } from '../security/assess';
import type { SystemdRelease } from '../security/versions';
import { UNIT_SECTIONS, UnitLoader } from '../unit/load-unit';
import { dropInNames, isTemplateName, parseUnitName, replaceInstance, templateOf } from '../unit/unit-name';
import { resolvePath, type UnitTree } from '../unit/unit-tree';
import { utf8Length } from '../unit/utf8';
import { fileDirectives, fileKey, sha256Hex } from './redact';
import type { SnapshotFile, SnapshotRow, SnapshotUnit } from './snapshot-types';

export interface TakeSnapshotInput {
  tree: UnitTree;
  systemd: SystemdRelease;
  /** Unit file suffixes to find in the search path (`.service`). */
  unitTypes: readonly string[];
  /** Names asked for; with none, every unit of the search path of those types. */
  requested: readonly string[];
  /** Only the requested units (no scan of the search path). */
  onlyRequested: boolean;
}

export interface TakenSnapshot {
  searchPath: string[];
  unreadableDirectories: { path: string; error: string }[];
  units: SnapshotUnit[];
}

const CANNOT_LIST = 'cannot be listed';

/** The names of the units in the search path (templates with the release's instance), sorted. */
function unitsInSearchPath(
  tree: UnitTree,
  searchPath: readonly string[],
  unitTypes: readonly string[],
  instance: string,
  unreadable: { path: string; error: string }[],
): string[] {
  const names = new Set<string>();
  for (const dir of searchPath) {
    const resolved = resolvePath(tree, dir);
    if (resolved.kind !== 'directory') continue;
    const listing = tree.readDirectory(resolved.path);
    if (listing === undefined) {
      unreadable.push({ path: dir, error: CANNOT_LIST });
      continue;
    }
    for (const file of listing) {
      if (!unitTypes.some((t) => file.endsWith(t))) continue;
      const parts = parseUnitName(file);
      if (!parts) continue;
      names.add(isTemplateName(file) ? replaceInstance(file, instance) : file);
    }
  }
  return [...names].sort();
}

/** The first search directory's entry for the name (or its template): the unit's fragment. */
function fragmentEntry(tree: UnitTree, searchPath: readonly string[], name: string): string | undefined {
  const parts = parseUnitName(name);
  const candidates = parts?.instance ? [name, templateOf(name)] : [name];
  for (const candidate of candidates)
    for (const dir of searchPath) {
      const path = `${dir}/${candidate}`;
      if (tree.lstat(path) !== undefined) return path;
    }
  return undefined;
}

function readFileRecord(
  tree: UnitTree,
  role: 'fragment' | 'drop-in',
  path: string,
  sections: readonly string[],
): SnapshotFile | undefined {
  const resolved = resolvePath(tree, path);
  // A mask (/dev/null) or a link to nothing defines nothing; the unit's state says so.
  if (resolved.kind !== 'file') return undefined;
  const read = tree.readFile(resolved.path);
  const key = fileKey(role, path);
  if ('error' in read) return { path, role, key, readable: false, error: read.error };
  return {
    path,
    role,
    key,
    readable: true,
    sha256: sha256Hex(read.text),
    size: utf8Length(read.text),
    directives: fileDirectives(read.text, path, sections),
  };
}

/** The drop-in directories of the unit that exist but cannot be listed (their files are unknown). */
function unlistedDropInDirectories(
  tree: UnitTree,
  searchPath: readonly string[],
  names: readonly string[],
  type: string,
): SnapshotFile[] {
  const dirNames = new Set<string>();
  for (const n of names) for (const d of dropInNames(n)) dirNames.add(d);
  dirNames.add(type);
  const out: SnapshotFile[] = [];
  for (const dir of searchPath)
    for (const d of dirNames) {
      const path = `${dir}/${d}.d`;
      const resolved = resolvePath(tree, path);
      if (resolved.kind !== 'directory' || tree.readDirectory(resolved.path) !== undefined) continue;
      out.push({
        path,
        role: 'drop-in-directory',
        key: fileKey('drop-in-directory', path),
        readable: false,
        error: CANNOT_LIST,
      });
    }
  return out;
}

function rowsOf(assessment: Parameters<typeof columnsOf>[0]): SnapshotRow[] {
  const c = columnsOf(assessment);
  return c.order.map((index) => {
    const assessor = c.assessors[index];
    return {
      field: assessor?.jsonField ?? '',
      name: assessor?.name ?? '',
      set: setOf(c, index),
      description: c.description[index] ?? null,
      exposure: c.exposure[index] ?? null,
    };
  });
}

export function takeSnapshot(input: TakeSnapshotInput): TakenSnapshot {
  const { tree, systemd } = input;
  const searchPath = [...systemd.traits.searchPath];
  const unreadableDirectories: { path: string; error: string }[] = [];
  const instance = systemd.traits.templateInstance;
  const found = input.onlyRequested
    ? []
    : unitsInSearchPath(tree, searchPath, input.unitTypes, instance, unreadableDirectories);
  const requested = input.requested.map((n) => (isTemplateName(n) ? replaceInstance(n, instance) : n));
  const loader = new UnitLoader(tree, searchPath);
  const units: SnapshotUnit[] = [];
  const seen = new Set<string>();
  for (const name of [...new Set([...requested, ...found])]) {
    const parts = parseUnitName(name);
    if (!parts) {
      units.push(failed(name, requested.includes(name), 'error', `invalid unit name "${name}"`));
      continue;
    }
    const sections = UNIT_SECTIONS[parts.type];
    const outcome = scoreUnitInTree({ tree, unitName: name, searchPath, systemd, loader });
    const unit = outcome.unit ?? (outcome.ok ? undefined : outcome.failure?.maskedWithDropIns);
    // A unit is recorded under the name systemd reports (an alias's target, a template's instance):
    // an alias of a unit already recorded adds nothing but its name.
    const id = outcome.unit?.id ?? name;
    if (seen.has(id)) continue;
    seen.add(id);
    const names = unit?.names ?? [name];
    const files: SnapshotFile[] = [];
    const fragment = unit?.fragmentPath || fragmentEntry(tree, searchPath, name);
    if (fragment) {
      const record = readFileRecord(tree, 'fragment', fragment, sections);
      if (record) files.push(record);
    }
    const dropIns = loader.dropInPaths({ id, names, type: parts.type });
    for (const path of dropIns) {
      const record = readFileRecord(tree, 'drop-in', path, sections);
      if (record) files.push(record);
    }
    files.push(...unlistedDropInDirectories(tree, searchPath, names, parts.type));
    const requestedName = requested.includes(name);
    if (outcome.ok) {
      units.push({
        name: id,
        names,
        requested: requestedName,
        state: 'loaded',
        files,
        exposure: outcome.assessment.exposure,
        level: outcome.assessment.level.name,
        rows: rowsOf(outcome.assessment),
        error: null,
      });
      continue;
    }
    const state =
      outcome.failure?.kind === 'masked'
        ? 'masked'
        : outcome.failure?.kind === 'not-found'
          ? 'not-found'
          : 'error';
    units.push({ ...failed(name, requestedName, state, outcome.message.split('\n')[0] ?? ''), names, files });
  }
  units.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { searchPath, unreadableDirectories, units };
}

function failed(name: string, requested: boolean, state: SnapshotUnit['state'], error: string): SnapshotUnit {
  return { name, names: [name], requested, state, files: [], exposure: null, level: null, rows: [], error };
}
