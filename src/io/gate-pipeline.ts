// The gate from repository to verdict, shared by the action and `unitgate check`: reads both sides
// of the change through git (or the working tree) and hands them, as values, to the pure scope stage
// (core/gate/scope.ts: which units the change affects, scored at head and base) and the pure gate.
import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import type { GatePolicy } from '../core/policy/policy-types';
import { selectScope, scoreAll, type TreeSource } from '../core/gate/scope';
import {
  evaluateGate,
  type GateInput,
  type PullRequestFacts,
  type Approval,
  type GateUnitInput,
} from '../core/gate/evaluate-gate';
import type { GateVerdict } from '../core/gate/gate-types';
import { systemdRelease } from '../core/security/versions';
import { git, gitTree, indexTree, type BlobReader, type ChangedFile } from './git';
import { createRealTree } from './node-unit-tree';
import { ConfigError } from './config-error';
import { foldedCollisions } from './exact-name-tree';

export { scoreAll, type TreeSource };

/**
 * Files read up front from a commit: those that can be a unit file or drop-in by their name. Files
 * that symlinks among them lead to are read too, whatever their name (see gitTree()).
 */
const UNIT_RELATED = /\.(service|socket|mount|swap|slice|timer|path|target|automount|scope|conf)$/;

/** A commit's tree; `blobs` shares one reader between the commits of a run (the caller closes it). */
export async function commitSource(repoDir: string, sha: string, blobs?: BlobReader): Promise<TreeSource> {
  const t = await gitTree(repoDir, sha, (p) => UNIT_RELATED.test(p), blobs);
  return { tree: t, paths: t.paths };
}

/** The index (the staged content a commit would record), read from its blobs like a commit. */
export async function indexSource(repoDir: string): Promise<TreeSource> {
  const t = await indexTree(repoDir, (p) => UNIT_RELATED.test(p));
  return { tree: t, paths: t.paths };
}

/** Whether two repository paths are one entry of the working tree (a file system that folds names). */
export type SameEntry = (repoDir: string, a: string, b: string) => boolean;

const sameEntryOnDisk: SameEntry = (repoDir, a, b) => {
  const stat = (p: string) => lstatSync(join(repoDir, p), { throwIfNoEntry: false, bigint: true });
  const sa = stat(a);
  const sb = stat(b);
  return sa !== undefined && sb !== undefined && sa.dev === sb.dev && sa.ino === sb.ino;
};

/**
 * The working tree (tracked and untracked, not ignored files), read with the confined reader. Paths
 * that differ only in case (or Unicode normalization) are one file on a file system that folds names:
 * the working tree then holds one of them, with either's content, so it cannot be checked (ConfigError).
 */
export async function worktreeSource(
  repoDir: string,
  sameEntry: SameEntry = sameEntryOnDisk,
): Promise<TreeSource> {
  const list = async (...args: string[]): Promise<string[]> =>
    (await git(repoDir, ['ls-files', '-z', ...args])).split('\0').filter((p) => p !== '');
  // A tracked file deleted from the working tree is not there: its unit is deleted, not unreadable.
  const deleted = new Set(await list('--deleted'));
  const paths = [
    ...new Set((await list('--cached', '--others', '--exclude-standard')).filter((p) => !deleted.has(p))),
  ];
  for (const c of foldedCollisions(paths)) {
    if (!sameEntry(repoDir, c.aPrefix, c.bPrefix)) continue;
    const where = c.aPrefix === c.a && c.bPrefix === c.b ? '' : ` (${c.aPrefix} and ${c.bPrefix})`;
    throw new ConfigError(
      `${c.a} and ${c.b} differ only in letter case or Unicode form${where}, and this working tree's file system ` +
        'stores them as one: systemd tells them apart, so check the index (--cached) or a case-sensitive checkout',
    );
  }
  return { tree: createRealTree(repoDir), paths };
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
  /** What the gate must know of the pull request to judge approvals (see GateInput). */
  pullRequestFacts?: PullRequestFacts;
  /** The policy file as the change proposes it, compared with the governing one. */
  policyChange?: GateInput['policyChange'];
  today: string;
  messages: string[];
  /** Globs over repository paths; when given, only units whose main file matches one are considered. */
  pathFilters?: string[];
  /** A repository directory; when given, only units whose main file is under it are considered. */
  directory?: string;
  /** `unitgate check` without reviews: notes awaiting an owner's approval (GateInput.awaitApproval). */
  awaitApproval?: 'pending' | 'required';
}

export function runGatePipeline(input: PipelineInput): { verdict: GateVerdict; scope: GateUnitInput[] } {
  const { policy } = input;
  const scope = selectScope({
    head: input.head,
    ...(input.base ? { base: input.base } : {}),
    ...(input.changed ? { changed: input.changed } : {}),
    policy,
    ...(input.policyPath !== undefined ? { policyPath: input.policyPath } : {}),
    ...(input.pathFilters ? { pathFilters: input.pathFilters } : {}),
    ...(input.directory ? { directory: input.directory } : {}),
    messages: input.messages,
  });
  const verdict = evaluateGate({
    policy,
    systemd: systemdRelease(policy.systemdVersion),
    units: scope,
    ...(input.pullRequestBody !== undefined ? { pullRequestBody: input.pullRequestBody } : {}),
    approvals: input.approvals,
    ...input.pullRequestFacts,
    ...(input.policyChange ? { policyChange: input.policyChange } : {}),
    today: input.today,
    messages: input.messages,
    ...(input.awaitApproval ? { awaitApproval: input.awaitApproval } : {}),
  });
  return { verdict, scope };
}
