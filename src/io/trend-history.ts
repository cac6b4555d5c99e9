// The history behind the trend: release tags from git, and every unit scored at each tag (and at the
// change's base and head) exactly as the gate scores it, read through git only — no external storage.
// Identical units across tags are scored once (createScoreCache).
import { loadPolicy, formatPolicyError } from '../core/policy/load-policy';
import type { GatePolicy } from '../core/policy/policy-types';
import { createScoreCache } from '../core/trend/score-cache';
import type { ScoredUnit } from '../core/gate/score-units';
import { isExcluded, resolveProfile } from '../core/policy/resolve-profile';
import { trendMoves, type SnapshotSide } from '../core/trend/moves';
import {
  buildTrend,
  type SnapshotUnit,
  type Trend,
  type TrendColumnKind,
  type TrendSnapshot,
} from '../core/trend/trend';
import { commitSource, scoreAll, type TreeSource } from './gate-pipeline';
import { BlobReader, git, GitError } from './git';

export const DEFAULT_TAG_PATTERN = 'v*';
export const DEFAULT_TAG_LIMIT = 10;
/** Commits read from git at the same time. */
const GIT_READS_IN_FLIGHT = 4;

export interface ReleaseTag {
  /** The tag name without `refs/tags/`. */
  name: string;
  /** The commit the tag points to (annotated tags peeled). */
  commit: string;
}

/**
 * A glob over tag names git can take: not empty, no whitespace or control characters, and none of
 * the characters git forbids in ref names besides the glob's own `* ? [ ]`.
 */
export function checkTagPattern(pattern: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  if (pattern === '' || /[\u0000-\u0020\u007f~^:\\]/.test(pattern) || pattern.includes('..'))
    return `invalid tag pattern ${JSON.stringify(pattern)}: a glob over tag names such as v* or release-*`;
  return undefined;
}

/**
 * The last `limit` tags matching the glob `pattern`, oldest first, in version order (`v1.9` before
 * `v1.10`; `v2.0-rc1` before `v2.0`), each peeled to its commit. Tags of trees or blobs are skipped.
 */
export async function listReleaseTags(
  repoDir: string,
  pattern: string = DEFAULT_TAG_PATTERN,
  limit: number = DEFAULT_TAG_LIMIT,
): Promise<ReleaseTag[]> {
  const problem = checkTagPattern(pattern);
  if (problem) throw new GitError(problem);
  const out = await git(repoDir, [
    '-c',
    'versionsort.suffix=-',
    'for-each-ref',
    '--sort=version:refname',
    '--format=%(refname)',
    `refs/tags/${pattern}`,
  ]);
  const refs = out.split('\n').filter((r) => r.startsWith('refs/tags/'));
  if (refs.length === 0 || limit <= 0) return [];
  // Peel every tag (annotated, nested) in one process; `^{commit}` of a tree or blob is "missing".
  const peeled = await git(repoDir, ['cat-file', '--batch-check=%(objectname) %(objecttype)'], {
    input: refs.map((r) => `${r}^{commit}`).join('\n') + '\n',
  });
  const tags: ReleaseTag[] = [];
  peeled.split('\n').forEach((line, i) => {
    const ref = refs[i];
    const [oid, type] = line.split(' ');
    if (ref !== undefined && type === 'commit' && oid) tags.push({ name: ref.slice(10), commit: oid });
  });
  return tags.slice(-limit);
}

export interface CollectTrendOptions {
  /** Glob over tag names (default `v*`). */
  pattern?: string;
  /** How many of the newest matching tags (default 10). */
  limit?: number;
  /** The policy to score under (and the fallback when `policyPath` is absent or invalid at a commit). */
  policy: GatePolicy;
  /**
   * Repository path of the policy file: when set, each commit is scored under the policy committed
   * there (its systemd version, unit types, assessor overrides), so each point is labelled with the
   * systemd version the gate used at that release.
   */
  policyPath?: string;
  /** The change's head commit (a `head` point; default: HEAD, when the repository has a commit). */
  head?: string;
  /** The change's base commit (a `base` point before `head`). */
  base?: string;
  /** Only units whose main file or drop-ins (at any snapshot) are these paths or lie under them. */
  unitPaths?: string[];
  /** Receives what the caller should show: policies that could not be used, missing tags. */
  messages?: string[];
  /**
   * Each point's profile, threshold and moves (why its score moved), which the dashboard shows: they
   * cost a profile resolution and a row comparison per unit and snapshot, so other outputs skip them.
   */
  explain?: boolean;
}

async function resolveCommit(repoDir: string, rev: string): Promise<string | undefined> {
  const out = await git(
    repoDir,
    ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`],
    {
      allowFailure: true,
    },
  );
  return out.trim() || undefined;
}

/** The policy of each commit; the same text is loaded once. */
async function policiesAt(
  blobReader: BlobReader,
  commits: string[],
  options: CollectTrendOptions,
): Promise<Map<string, GatePolicy>> {
  const result = new Map<string, GatePolicy>();
  const path = options.policyPath;
  if (path === undefined || /[\s]/.test(path)) {
    for (const c of commits) result.set(c, options.policy);
    return result;
  }
  const names = commits.map((c) => `${c}:${path}`);
  const blobs = await blobReader.readAll([...new Set(names)]);
  const loaded = new Map<string, GatePolicy | undefined>();
  for (const [i, c] of commits.entries()) {
    const blob = blobs.get(names[i] as string);
    if (!blob) {
      result.set(c, options.policy);
      continue;
    }
    const text = blob.toString('utf8');
    if (!loaded.has(text)) {
      const r = loadPolicy(text, path);
      if (!r.ok)
        options.messages?.push(
          `${path} at ${c.slice(0, 12)} is not a valid policy (${r.errors.map(formatPolicyError).join('; ')}); ` +
            `scored under ${options.policy.source} there.`,
        );
      loaded.set(text, r.ok ? r.policy : undefined);
    }
    result.set(c, loaded.get(text) ?? options.policy);
  }
  return result;
}

/** `start(item)` for every item, at most `limit` running at once, started in order; results in order. */
function inFlight<T, R>(items: readonly T[], limit: number, start: (item: T) => Promise<R>): Promise<R>[] {
  const out: Promise<R>[] = [];
  items.forEach((item, i) => {
    const before = out[i - limit];
    const p = before
      ? before.then(
          () => start(item),
          () => start(item),
        )
      : start(item);
    p.catch(() => undefined); // awaited by the caller; a failure after an earlier one is not "unhandled"
    out.push(p);
  });
  return out;
}

function selects(paths: readonly string[], files: readonly string[]): boolean {
  return files.some((f) => paths.some((p) => f === p || f.startsWith(p.endsWith('/') ? p : `${p}/`)));
}

/** The profile the gate would judge the unit by under `policy`, and its threshold (none when excluded). */
function thresholdOf(policy: GatePolicy, u: ScoredUnit): { profile?: string; threshold?: number } {
  const name = u.side.unit?.id ?? u.locator.unitName;
  if (isExcluded(policy, u.locator.repoPath, name)) return {};
  const r = resolveProfile(policy, u.locator.repoPath, name, u.side.texts);
  return 'profile' in r ? { profile: r.profile.name, threshold: r.profile.threshold } : {};
}

/**
 * Scores every unit at each of the last `limit` tags matching `pattern`, then at `base` and `head`,
 * as the gate would (discoverUnits + scoreUnit under the policy), and builds the trend.
 */
export async function collectTrend(repoDir: string, options: CollectTrendOptions): Promise<Trend> {
  // One git process reads the blobs of every release: a file unchanged between releases is read once.
  const blobs = new BlobReader(repoDir);
  try {
    return await collectTrendWith(repoDir, options, blobs);
  } finally {
    await blobs.close();
  }
}

async function collectTrendWith(
  repoDir: string,
  options: CollectTrendOptions,
  blobs: BlobReader,
): Promise<Trend> {
  const pattern = options.pattern ?? DEFAULT_TAG_PATTERN;
  const tags = await listReleaseTags(repoDir, pattern, options.limit ?? DEFAULT_TAG_LIMIT);
  if (tags.length === 0) options.messages?.push(`No tag matches ${pattern}: the trend has no releases.`);
  const columns: { kind: TrendColumnKind; label: string; commit: string }[] = tags.map((t) => ({
    kind: 'tag',
    label: t.name,
    commit: t.commit,
  }));
  const head = await resolveCommit(repoDir, options.head ?? 'HEAD');
  if (options.head !== undefined && !head) throw new GitError(`unknown revision ${options.head}`);
  if (options.base !== undefined) {
    const base = await resolveCommit(repoDir, options.base);
    if (!base) throw new GitError(`unknown revision ${options.base}`);
    if (base !== head) columns.push({ kind: 'base', label: 'base', commit: base });
  }
  if (head) columns.push({ kind: 'head', label: 'head', commit: head });

  const policies = await policiesAt(
    blobs,
    columns.map((c) => c.commit),
    options,
  );
  // Git reads overlap (a few processes at a time); scoring stays in release order for the cache.
  const commits = [...new Set(columns.map((c) => c.commit))];
  const reads = inFlight(commits, GIT_READS_IN_FLIGHT, (c) => commitSource(repoDir, c, blobs));
  const sources = new Map(commits.map((c, i) => [c, reads[i] as Promise<TreeSource>]));
  const cache = createScoreCache();
  const byCommit = new Map<string, ReturnType<typeof scoreAll>>();
  const scored: {
    column: (typeof columns)[number];
    policy: GatePolicy;
    units: ReturnType<typeof scoreAll>;
  }[] = [];
  for (const column of columns) {
    const policy = policies.get(column.commit) ?? options.policy;
    let units = byCommit.get(column.commit);
    if (!units) {
      let source: TreeSource;
      try {
        source = await (sources.get(column.commit) as Promise<TreeSource>);
      } catch (e) {
        // A release whose commit this clone lacks (shallow or partial) is left out; base and head are not.
        if (!(e instanceof GitError) || column.kind !== 'tag') throw e;
        options.messages?.push(`${column.label} left out: ${e.message}`);
        continue;
      }
      units = scoreAll(source, policy, cache.score);
      byCommit.set(column.commit, units);
    }
    scored.push({ column, policy, units });
  }

  const wanted = options.unitPaths;
  let keep: Set<string> | undefined;
  if (wanted !== undefined) {
    keep = new Set();
    for (const s of scored)
      for (const u of s.units.values())
        if (selects(wanted, [u.locator.repoPath, ...u.files])) keep.add(u.locator.repoPath);
  }
  // Each unit's side at the snapshot before, so that every point can say why its score moved.
  let previous = new Map<string, SnapshotSide>();
  const snapshots: TrendSnapshot[] = scored.map(({ column, policy, units }) => {
    const map = new Map<string, SnapshotUnit>();
    const sides = new Map<string, SnapshotSide>();
    for (const u of units.values()) {
      const path = u.locator.repoPath;
      if (keep && !keep.has(path)) continue;
      const a = u.side.assessment;
      const here: SnapshotSide = { side: u.side, commit: column.commit, label: column.label };
      sides.set(path, here);
      const before = previous.get(path);
      const moves = options.explain && a && before ? trendMoves(before, here) : [];
      map.set(path, {
        unitId: a?.unitId ?? u.side.unit?.id ?? u.locator.unitName,
        exposure: a ? a.exposure : null,
        level: a ? a.level.name : null,
        ...(!a ? { error: u.side.error ?? 'not scored' } : {}),
        ...(options.explain ? thresholdOf(policy, u) : {}),
        ...(moves.length > 0 ? { moves } : {}),
      });
    }
    previous = sides;
    return { ...column, systemdVersion: policy.systemdVersion, units: map };
  });
  return buildTrend(pattern, snapshots);
}
