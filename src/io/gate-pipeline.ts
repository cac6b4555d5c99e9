// The gate from repository to verdict, shared by the action and `unitgate check`: reads both sides
// of the change through git (or the working tree), finds the units the change touches, scores them at
// head and base, and runs the pure gate.
import type { GatePolicy } from '../core/policy/policy-types';
import { resolveProfile, isExcluded } from '../core/policy/resolve-profile';
import { matchesGlob } from '../core/policy/match-glob';
import { discoverUnits, type UnitLocator } from '../core/gate/discover-units';
import { scoreUnit, type ScoredUnit } from '../core/gate/score-units';
import { UnitLoader } from '../core/unit/load-unit';
import { evaluateGate, type Approval, type GateUnitInput } from '../core/gate/evaluate-gate';
import type { GateVerdict } from '../core/gate/gate-types';
import { systemdProfile } from '../core/security/versions';
import type { UnitTree } from '../core/unit/unit-tree';
import { git, gitTree, type ChangedFile } from './git';
import { createRealTree } from './node-unit-tree';

/** Files that can matter to loading a unit; only these are read from a commit. */
const UNIT_RELATED = /\.(service|socket|mount|swap|slice|timer|path|target|automount|scope|conf)$/;

export interface TreeSource {
  tree: UnitTree;
  paths: string[];
}

export async function commitSource(repoDir: string, sha: string): Promise<TreeSource> {
  const t = await gitTree(repoDir, sha, (p) => UNIT_RELATED.test(p));
  return { tree: t, paths: t.paths };
}

/** The working tree (tracked and untracked, not ignored files), read with the confined reader. */
export async function worktreeSource(repoDir: string): Promise<TreeSource> {
  const out = await git(repoDir, ['ls-files', '-z', '--cached', '--others', '--exclude-standard']);
  const paths = out.split('\0').filter((p) => p !== '');
  return { tree: createRealTree(repoDir), paths: [...new Set(paths)] };
}

export interface PipelineInput {
  head: TreeSource;
  base?: TreeSource;
  /** Files the change touches; `undefined` scans the whole repository. */
  changed?: ChangedFile[];
  policy: GatePolicy;
  /** Repository path of the policy file, so a policy change puts every unit in scope. */
  policyPath?: string;
  pullRequestBody?: string;
  approvals: Approval[];
  today: string;
  messages: string[];
  /** Globs over repository paths; when given, only units whose main file matches one are considered. */
  pathFilters?: string[];
}

function keyOf(l: UnitLocator): string {
  return l.root !== undefined ? `${l.root}\0${l.fileName}` : l.repoPath;
}

/**
 * Every unit of a tree, found by discoverUnits and scored under the policy, keyed as the gate pairs
 * base and head units. `score` is scoreUnit, or a drop-in with its signature (the trend's cache).
 */
export function scoreAll(
  source: TreeSource,
  policy: GatePolicy,
  score: typeof scoreUnit = scoreUnit,
): Map<string, ScoredUnit> {
  const systemd = systemdProfile(policy.systemdVersion);
  const overrides = policy.assessorOverrides.size > 0 ? policy.assessorOverrides : undefined;
  const locators = discoverUnits(
    source.paths,
    policy.unitTypes,
    systemd.traits.searchPath,
    systemd.traits.templateInstance,
  );
  const out = new Map<string, ScoredUnit>();
  // One loader per search path: units of one directory (or root tree) share directory reads.
  const loaders = new Map<string, UnitLoader>();
  for (const l of locators) {
    if (score !== scoreUnit) {
      out.set(keyOf(l), score(source.tree, l, systemd, overrides));
      continue;
    }
    const key = l.searchPath.join('\0');
    let loader = loaders.get(key);
    if (!loader) {
      loader = new UnitLoader(source.tree, l.searchPath);
      loaders.set(key, loader);
    }
    out.set(keyOf(l), scoreUnit(source.tree, l, systemd, overrides, loader));
  }
  return out;
}

export function runGatePipeline(input: PipelineInput): { verdict: GateVerdict; scope: GateUnitInput[] } {
  const { policy } = input;
  const systemd = systemdProfile(policy.systemdVersion);
  const heads = scoreAll(input.head, policy);
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
  const touches = (u: ScoredUnit | undefined): boolean => !!u && u.files.some((f) => changedPaths.has(f));

  const scope: GateUnitInput[] = [];
  const usedBase = new Set<string>();
  const wanted = (path: string): boolean =>
    !input.pathFilters ||
    input.pathFilters.length === 0 ||
    input.pathFilters.some((g) => matchesGlob(g, path));
  for (const [key, head] of heads) {
    if (!wanted(head.locator.repoPath)) continue;
    const previous = renamedFrom.get(head.locator.repoPath);
    const baseKey = previous !== undefined && !bases.has(key) ? previous : key;
    const base = bases.get(baseKey);
    const inScope = changed === undefined || policyChanged || touches(head) || touches(base);
    if (!inScope) continue;
    if (base) usedBase.add(baseKey);
    const unitName = head.side.unit?.id ?? head.locator.unitName;
    const resolved = resolveProfile(
      policy,
      head.locator.repoPath,
      unitName,
      head.side.texts.map((t) => t.text),
    );
    if ('error' in resolved) input.messages.push(`${head.locator.repoPath}: ${resolved.error}`);
    const profile =
      'error' in resolved
        ? (policy.profiles.get(policy.defaultProfile) as GateUnitInput['profile'])
        : resolved.profile;
    const exclusion = isExcluded(policy, head.locator.repoPath, unitName);
    scope.push({
      path: head.locator.repoPath,
      ...(previous !== undefined && base ? { previousPath: previous } : {}),
      change: !base
        ? 'added'
        : previous !== undefined
          ? 'renamed'
          : touches(head) || touches(base)
            ? 'modified'
            : 'policy',
      profile,
      ...('how' in resolved ? { profileSource: resolved.how } : {}),
      ...(exclusion ? { excluded: { reason: exclusion.reason } } : {}),
      head: head.side,
      ...(base ? { base: base.side } : {}),
    });
  }
  // Units that exist only at base and whose file the change removed.
  for (const [key, base] of bases) {
    if (usedBase.has(key) || heads.has(key) || !wanted(base.locator.repoPath)) continue;
    // A whole-repository scan with a base (push) reports every unit that is gone; a change only those it removed.
    if (changed !== undefined && !touches(base)) continue;
    const profile = policy.profiles.get(policy.defaultProfile) as GateUnitInput['profile'];
    scope.push({ path: base.locator.repoPath, change: 'deleted', profile, base: base.side });
  }
  scope.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  const verdict = evaluateGate({
    policy,
    systemd,
    units: scope,
    ...(input.pullRequestBody !== undefined ? { pullRequestBody: input.pullRequestBody } : {}),
    approvals: input.approvals,
    today: input.today,
    messages: input.messages,
  });
  return { verdict, scope };
}
