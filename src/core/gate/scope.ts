// The scope stage: which units a change affects, over the two sides of the change given as values
// (a UnitTree and its path list each). A unit is in scope when any file systemd reads to load it, at
// base or at head, changed (see unitReadPaths()); base and head units are paired by unit name as well
// as by path, so a moved unit is compared with what it was.
import { posix } from 'path';
import type { GatePolicy } from '../policy/policy-types';
import { isExcluded } from '../policy/resolve-profile';
import { matchesGlob } from '../policy/match-glob';
import { systemdRelease, type SystemdRelease } from '../security/versions';
import type { SecurityPolicy } from '../security/security-policy';
import { UnitLoader } from '../unit/load-unit';
import type { UnitTree } from '../unit/unit-tree';
import {
  discoverUnits,
  locatorOn,
  sameLoading,
  type SkippedUnitFile,
  type UnitLocator,
} from './discover-units';
import { scoreUnit, type ScoredUnit } from './score-units';
import type { GateUnitInput, ReleaseSides, UnitSide } from './evaluate-gate';

/** One side of a change: its files as a tree, and the repository paths of all of them. */
export interface TreeSource {
  tree: UnitTree;
  paths: string[];
}

/** A file the change touches (`previousPath` for a rename). */
export interface ChangedPath {
  path: string;
  previousPath?: string;
}

export interface ScopeInput {
  head: TreeSource;
  base?: TreeSource;
  /** Files the change touches; `undefined` scans the whole repository. */
  changed?: readonly ChangedPath[];
  policy: GatePolicy;
  /** Repository path of the policy file, so a policy change puts every unit in scope. */
  policyPath?: string;
  /** Globs over repository paths; when given, only units whose main file matches one are considered. */
  pathFilters?: readonly string[];
  /** A repository directory ('' or absent: the root); when given, only units whose main file is under it are considered. */
  directory?: string;
  /** Receives what the run should say (a changed policy, files systemd would not load). */
  messages: string[];
}

/** The key base and head units are paired by: the path, or the name inside one root tree. */
export function unitKey(l: UnitLocator): string {
  return l.root !== undefined ? `${l.root}\0${l.fileName}` : l.repoPath;
}

/**
 * Every unit of a tree, found by discoverUnits and scored under the policy, keyed as the gate pairs
 * base and head units. `score` is scoreUnit, or a drop-in with its signature (the trend's cache).
 * `skipped` receives the unit-like files systemd would not load.
 */
export function scoreAll(
  source: TreeSource,
  policy: GatePolicy,
  score: typeof scoreUnit = scoreUnit,
  skipped?: SkippedUnitFile[],
): Map<string, ScoredUnit> {
  const systemd = systemdRelease(policy.systemdVersion);
  const overrides = policy.assessorOverrides.size > 0 ? policy.assessorOverrides : undefined;
  const locators = discoverUnits(
    source.paths,
    policy.unitTypes,
    systemd.traits.searchPath,
    systemd.traits.templateInstance,
    skipped,
  );
  const out = new Map<string, ScoredUnit>();
  // One loader per search path: units of one directory (or root tree) share directory reads.
  const loaders = new Map<string, UnitLoader>();
  for (const l of locators) {
    if (score !== scoreUnit) {
      out.set(unitKey(l), score(source.tree, l, systemd, overrides));
      continue;
    }
    const key = l.searchPath.join('\0');
    let loader = loaders.get(key);
    if (!loader) {
      loader = new UnitLoader(source.tree, l.searchPath);
      loaders.set(key, loader);
    }
    out.set(unitKey(l), scoreUnit(source.tree, l, systemd, overrides, loader));
  }
  return out;
}

/**
 * A mixed fleet's other releases (the policy's `systemdVersions` besides the primary): how each loads
 * and scores the units the primary release found. A unit loads the same way on most releases and is
 * then only scored again (ScoredUnit.sideOn); a root tree's unit (252 splits /usr) or a template (its
 * instance) may load otherwise and is then loaded again, its files counted for the scope too. Nothing
 * is scored before the gate asks for it, and only units in scope are.
 */
class OtherReleases {
  readonly releases: SystemdRelease[];
  private readonly loadedOtherwise = new Map<ScoredUnit, Map<number, ScoredUnit | undefined>>();

  constructor(
    policy: GatePolicy,
    private readonly overrides: SecurityPolicy | undefined,
  ) {
    this.releases = policy.systemdVersions.filter((v) => v !== policy.systemdVersion).map(systemdRelease);
  }

  /** The unit as `release` loads it, when that differs from how the primary release did. */
  private otherwise(tree: UnitTree, u: ScoredUnit, release: SystemdRelease): ScoredUnit | undefined {
    let byRelease = this.loadedOtherwise.get(u);
    if (!byRelease) this.loadedOtherwise.set(u, (byRelease = new Map()));
    if (!byRelease.has(release.version)) {
      const l = locatorOn(u.locator, release.traits.searchPath, release.traits.templateInstance);
      byRelease.set(
        release.version,
        sameLoading(l, u.locator) ? undefined : scoreUnit(tree, l, release, this.overrides),
      );
    }
    return byRelease.get(release.version);
  }

  /** Files the other releases read for the unit beyond those the primary reads. */
  files(tree: UnitTree, u: ScoredUnit): string[] {
    return this.releases.flatMap((r) => this.otherwise(tree, u, r)?.files ?? []);
  }

  private side(tree: UnitTree, u: ScoredUnit, release: SystemdRelease): UnitSide {
    const other = this.otherwise(tree, u, release);
    if (other) return other.side;
    return u.sideOn ? u.sideOn(release) : scoreUnit(tree, u.locator, release, this.overrides).side;
  }

  /** The unit's sides on each other release, each scored when first read. */
  sides(
    head: { tree: UnitTree; unit: ScoredUnit },
    base: { tree: UnitTree; unit: ScoredUnit } | undefined,
  ): ReleaseSides[] {
    return this.releases.map((systemd) => {
      let h: UnitSide | undefined;
      let b: UnitSide | undefined;
      const side = (at: { tree: UnitTree; unit: ScoredUnit }): UnitSide =>
        this.side(at.tree, at.unit, systemd);
      return {
        systemd,
        get head(): UnitSide {
          return (h ??= side(head));
        },
        get base(): UnitSide | undefined {
          return base ? (b ??= side(base)) : undefined;
        },
      };
    });
  }
}

function comparePaths(a: { path: string }, b: { path: string }): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/** The units the change affects, each with its head and base side, sorted by path. */
export function selectScope(input: ScopeInput): GateUnitInput[] {
  const { policy } = input;
  const skipped: SkippedUnitFile[] = [];
  const heads = scoreAll(input.head, policy, scoreUnit, skipped);
  const bases = input.base ? scoreAll(input.base, policy) : new Map<string, ScoredUnit>();

  const changed = input.changed;
  const changedPaths = new Set<string>();
  const renamedFrom = new Map<string, string>();
  for (const f of changed ?? []) {
    changedPaths.add(f.path);
    if (f.previousPath) {
      changedPaths.add(f.previousPath);
      renamedFrom.set(f.path, f.previousPath);
    }
  }
  const policyChanged = input.policyPath !== undefined && changedPaths.has(input.policyPath);
  if (policyChanged) input.messages.push(`The policy ${input.policyPath} changed: every unit is in scope.`);
  const others = new OtherReleases(
    policy,
    policy.assessorOverrides.size > 0 ? policy.assessorOverrides : undefined,
  );
  const treeOf = new Map<ScoredUnit, UnitTree>();
  for (const u of heads.values()) treeOf.set(u, input.head.tree);
  if (input.base) for (const u of bases.values()) treeOf.set(u, input.base.tree);
  const touches = (u: ScoredUnit | undefined): boolean =>
    !!u &&
    (u.files.some((f) => changedPaths.has(f)) ||
      (others.releases.length > 0 &&
        others.files(treeOf.get(u) as UnitTree, u).some((f) => changedPaths.has(f))));
  const filters = input.pathFilters ?? [];
  const directory = input.directory ? `${input.directory}/` : '';
  const wanted = (path: string): boolean =>
    path.startsWith(directory) && (filters.length === 0 || filters.some((g) => matchesGlob(g, path)));

  // Files with a unit suffix that systemd would not load: said, never skipped without a word.
  for (const s of skipped) {
    if (!wanted(s.repoPath) || (changed !== undefined && !changedPaths.has(s.repoPath))) continue;
    input.messages.push(`${s.repoPath}: not scored: ${s.reason}.`);
  }

  // Base units by repository path, and by file name (a unit moved elsewhere keeps its name).
  const baseKeyByPath = new Map<string, string>();
  const baseKeysByName = new Map<string, string[]>();
  for (const [key, base] of bases) {
    baseKeyByPath.set(base.locator.repoPath, key);
    const list = baseKeysByName.get(base.locator.fileName) ?? [];
    list.push(key);
    baseKeysByName.set(base.locator.fileName, list);
  }
  const usedBase = new Set<string>();
  for (const key of heads.keys()) if (bases.has(key)) usedBase.add(key);
  /** The base unit a head unit without one at its key was before: git's rename, else its name. */
  const previousOf = (key: string, head: ScoredUnit): string | undefined => {
    if (bases.has(key)) return undefined;
    const renamed = renamedFrom.get(head.locator.repoPath);
    const byRename = renamed !== undefined ? baseKeyByPath.get(renamed) : undefined;
    if (byRename !== undefined && !usedBase.has(byRename)) return byRename;
    // A unit moved to another directory (or out of git's rename detection): same name, gone at head.
    for (const candidate of baseKeysByName.get(head.locator.fileName) ?? [])
      if (!usedBase.has(candidate) && !heads.has(candidate)) return candidate;
    return undefined;
  };

  const scope: GateUnitInput[] = [];
  for (const [key, head] of [...heads].sort((a, b) =>
    comparePaths({ path: a[1].locator.repoPath }, { path: b[1].locator.repoPath }),
  )) {
    if (!wanted(head.locator.repoPath)) continue;
    const previousKey = previousOf(key, head);
    const baseKey = previousKey ?? key;
    const base = bases.get(baseKey);
    const inScope = changed === undefined || policyChanged || touches(head) || touches(base);
    if (!inScope) continue;
    if (base) usedBase.add(baseKey);
    const previous = previousKey !== undefined ? base?.locator.repoPath : undefined;
    if (previous !== undefined && !renamedFrom.has(head.locator.repoPath))
      input.messages.push(
        `${head.locator.repoPath}: compared with ${previous} at base (the same unit name, moved).`,
      );
    const unitName = head.side.unit?.id ?? head.locator.unitName;
    // The gate chooses the profile (decideProfile): from the base policy and both sides, never from
    // what the change alone says.
    const exclusion = isExcluded(policy, head.locator.repoPath, unitName);
    scope.push({
      path: head.locator.repoPath,
      ...(previous !== undefined ? { previousPath: previous } : {}),
      change: !base
        ? 'added'
        : previous !== undefined
          ? 'renamed'
          : touches(head) || touches(base)
            ? 'modified'
            : 'policy',
      ...(exclusion ? { excluded: { reason: exclusion.reason } } : {}),
      head: head.side,
      ...(base ? { base: base.side } : {}),
      ...(others.releases.length > 0
        ? {
            releases: others.sides(
              { tree: input.head.tree, unit: head },
              base && input.base ? { tree: input.base.tree, unit: base } : undefined,
            ),
          }
        : {}),
    });
  }
  // Units that exist only at base and whose file the change removed.
  for (const [key, base] of bases) {
    if (usedBase.has(key) || heads.has(key) || !wanted(base.locator.repoPath)) continue;
    // A whole-repository scan with a base (push) reports every unit that is gone; a change only those it removed.
    if (changed !== undefined && !touches(base)) continue;
    const elsewhere = [...heads.values()].find(
      (h) => posix.basename(h.locator.repoPath) === base.locator.fileName,
    );
    if (elsewhere)
      input.messages.push(
        `${base.locator.repoPath}: removed; a unit of the same name remains at ${elsewhere.locator.repoPath}.`,
      );
    scope.push({ path: base.locator.repoPath, change: 'deleted', base: base.side });
  }
  scope.sort(comparePaths);
  return scope;
}
