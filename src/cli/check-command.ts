// `unitgate check`: the pull-request gate for laptops and pre-commit, deciding what CI would. Compares
// the working tree (or, with --cached, the index) with the merge base of a base branch and HEAD, under
// the policy of that base branch's tip, and prints what would fail in CI.
import { realpathSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { isInside } from '../io/confined-path';
import type { RunFinding } from '../core/gate/gate-types';
import { collectFindings } from '../core/gate/findings';
import { reportFormat } from '../core/report/formats';
import { globError, matchesGlob } from '../core/policy/match-glob';
import type { SystemdVersion } from '../core/security/versions';
import { ConfigError } from '../io/config-error';
import { commitSource, indexSource, runGatePipeline, worktreeSource } from '../io/gate-pipeline';
import { diffNames, git, GitError, mergeBase, type ChangedFile } from '../io/git';
import {
  indexPolicyText,
  proposedPolicyChange,
  readGoverningPolicy,
  workspacePolicyText,
} from '../io/governing-policy';
import type { CommandResult } from './security-command';
import { UNITGATE_VERSION } from '../version';

export interface CheckOptions {
  /** The branch the change will be merged into; compared at its merge base with HEAD. */
  base?: string;
  policy?: string;
  /** A format of REPORT_FORMATS that the CLI offers (`text`, `json`, …). */
  format: string;
  /**
   * Files, directories and globs (relative to the working directory) the check is limited to; none
   * with `cached` (the staged change as a whole is the scope).
   */
  paths: string[];
  /** Check the index (what `git commit` would record) instead of the working tree. */
  cached?: boolean;
  /** Overrides the policy's systemd version. */
  systemdVersion?: SystemdVersion;
  /** Deviation notes awaiting an owner's approval fail, as they do in CI, instead of being pending. */
  requireApproval?: boolean;
  /** YYYY-MM-DD; deviation expiry is judged against it. */
  today: string;
}

/**
 * Where a change forks from when no --base is given, first found wins: the remote's default branch,
 * then the usual names. A local branch that is the one checked out is no fork point (comparing HEAD
 * with itself would check nothing once the change is committed).
 */
const DEFAULT_BASES = [
  'refs/remotes/origin/HEAD',
  'refs/remotes/origin/main',
  'refs/remotes/origin/master',
  'refs/heads/main',
  'refs/heads/master',
];

interface Base {
  /** The base as the user knows it (`origin/main`, or what --base said). */
  name: string;
  /** The base's tip: its policy governs. */
  tip: string;
  /** The merge base of the tip and HEAD: what the change is compared with. */
  forkPoint: string;
}

const short = (sha: string): string => sha.slice(0, 12);

async function commitOf(repoDir: string, rev: string): Promise<string | undefined> {
  const out = await git(
    repoDir,
    ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`],
    {
      allowFailure: true,
    },
  );
  return out.trim() || undefined;
}

/** The base branch and the fork point, as CI compares a pull request with where it branched off. */
async function resolveBase(repoDir: string, requested: string | undefined): Promise<Base> {
  const head = await commitOf(repoDir, 'HEAD');
  if (head === undefined)
    throw new ConfigError(
      'HEAD has no commit yet, so the change has no fork point to be compared with: commit first, then pass --base REV.',
    );
  let name: string;
  let tip: string | undefined;
  if (requested !== undefined) {
    name = requested;
    tip = await commitOf(repoDir, requested);
    if (tip === undefined) throw new ConfigError(`unknown revision ${requested} (--base)`);
  } else {
    const current = (await git(repoDir, ['symbolic-ref', '--quiet', 'HEAD'], { allowFailure: true })).trim();
    name = '';
    for (const ref of DEFAULT_BASES) {
      if (ref === current) continue;
      tip = await commitOf(repoDir, ref);
      if (tip !== undefined) {
        name = ref.replace(/^refs\/(remotes|heads)\//, '');
        break;
      }
    }
    if (tip === undefined)
      throw new ConfigError(
        `no base branch to compare with: none of ${DEFAULT_BASES.map((r) => r.replace(/^refs\/(remotes|heads)\//, '')).join(', ')} ` +
          'exists (other than the branch checked out). Pass --base REV, the branch this change will be merged into ' +
          '(e.g. --base origin/develop); it is compared with its merge base with HEAD.',
      );
  }
  const forkPoint = await mergeBase(repoDir, tip, head);
  if (forkPoint === undefined)
    throw new ConfigError(`${name} and HEAD have no common ancestor: there is no fork point to compare with`);
  return { name, tip, forkPoint };
}

/**
 * The files the path arguments name: a file, every file under a directory, or every file a glob
 * matches (globs as the policy's, relative to the working directory). An argument that matches
 * nothing is a ConfigError naming it: a typo must not make the check pass on nothing.
 */
function selectPaths(
  args: string[],
  candidates: string[],
  repoDir: string,
  cwd: string,
  where: string,
): Set<string> {
  const wanted = new Set<string>();
  const unmatched: string[] = [];
  for (const arg of args) {
    const full = resolve(cwd, arg);
    if (!isInside(repoDir, full)) throw new ConfigError(`${arg} is outside the repository`);
    const rel = relative(repoDir, full).split(sep).join('/');
    const isGlob = /[*?[{]/.test(arg);
    const invalid = isGlob ? globError(rel) : undefined;
    if (invalid !== undefined) throw new ConfigError(invalid);
    let matched: string[];
    if (isGlob) matched = candidates.filter((p) => matchesGlob(rel, p));
    else if (candidates.includes(rel)) matched = [rel];
    else matched = candidates.filter((p) => rel === '' || p.startsWith(`${rel}/`));
    if (matched.length === 0) unmatched.push(arg);
    for (const p of matched) wanted.add(p);
  }
  if (unmatched.length > 0)
    throw new ConfigError(
      `${unmatched.map((a) => `"${a}"`).join(', ')} ${unmatched.length === 1 ? 'matches' : 'match'} no file of ${where} or of the base`,
    );
  return wanted;
}

export async function runCheckCommand(options: CheckOptions, where: string): Promise<CommandResult> {
  let repoDir: string;
  let cwd: string;
  try {
    // Git names the top level by its real path: so must the directory paths are relative to.
    cwd = realpathSync(where);
    repoDir = (await git(cwd, ['rev-parse', '--show-toplevel'])).trim();
  } catch {
    return { exitCode: 2, stdout: '', stderr: 'unitgate check: not inside a git repository.\n' };
  }
  if (options.cached && options.paths.length > 0) {
    // A pre-commit configuration that passes file names would make them a scope: a staged drop-in,
    // linked file or policy also changes units those names leave out, so they are refused, not used.
    const named = options.paths.length === 1 ? `"${options.paths[0]}"` : `${options.paths.length} paths`;
    return {
      exitCode: 2,
      stdout: '',
      stderr:
        `unitgate check: --cached checks everything staged and takes no paths (got ${named}): a staged drop-in, ` +
        'linked file or policy affects units a list of files leaves out. Drop the paths (pre-commit: pass_filenames: false).\n',
    };
  }
  try {
    const base = await resolveBase(repoDir, options.base);
    // The base tip's policy governs, as in CI: a change cannot loosen the rules it is judged by.
    const findings: RunFinding[] = [];
    const requested = options.policy !== undefined ? relative(repoDir, resolve(cwd, options.policy)) : '';
    const governing = await readGoverningPolicy(
      repoDir,
      requested.split(sep).join('/'),
      base.tip,
      false,
      findings,
    );
    const messages: string[] = findings.map((f) => f.message);
    const proposed = options.cached
      ? await indexPolicyText(repoDir, governing.path)
      : workspacePolicyText(repoDir, governing.path);
    // As in CI: the change's policy must be valid, and what it loosens needs an owner's approval.
    const policyChange = proposedPolicyChange(governing, proposed);
    if (policyChange) {
      messages.push(
        `This change edits ${governing.path}; it is judged by the policy of ${base.name}, and the new policy applies once merged.`,
      );
    }
    const policy =
      options.systemdVersion !== undefined
        ? {
            ...governing.policy,
            // An explicit release on the command line is the one scored (a mixed fleet's list too).
            systemdVersion: options.systemdVersion,
            systemdVersions: [options.systemdVersion],
          }
        : governing.policy;

    const head = options.cached ? await indexSource(repoDir) : await worktreeSource(repoDir);
    const baseSource = await commitSource(repoDir, base.forkPoint);
    let changed: ChangedFile[];
    if (options.cached) changed = await diffNames(repoDir, base.forkPoint, { index: true });
    else {
      // The working tree against the fork point: tracked changes plus untracked files.
      changed = await diffNames(repoDir, base.forkPoint);
      const untracked = (await git(repoDir, ['ls-files', '-z', '--others', '--exclude-standard']))
        .split('\0')
        .filter(Boolean);
      for (const p of untracked) changed.push({ path: p, status: 'added' });
    }
    if (options.paths.length > 0) {
      const candidates = [...new Set([...head.paths, ...baseSource.paths])];
      const where = options.cached ? 'the index' : 'the working tree';
      const wanted = selectPaths(options.paths, candidates, repoDir, cwd, where);
      changed = changed.filter(
        (f) => wanted.has(f.path) || (f.previousPath !== undefined && wanted.has(f.previousPath)),
      );
      // A named file the change leaves as it is is checked all the same (as if modified).
      for (const p of wanted)
        if (!changed.some((f) => f.path === p || f.previousPath === p))
          changed.push({ path: p, status: 'modified' });
    }
    const { verdict } = runGatePipeline({
      head,
      base: baseSource,
      changed,
      policy,
      policyPath: governing.path,
      ...(policyChange ? { policyChange } : {}),
      approvals: [],
      today: options.today,
      messages,
      awaitApproval: options.requireApproval ? 'required' : 'pending',
    });
    const header = [
      `base: ${short(base.forkPoint)}, where HEAD forked from ${base.name}${options.cached ? ' (checking the index)' : ''}`,
      `policy: ${governing.description} (${base.name})`,
    ];
    const format = reportFormat(options.format);
    if (!format?.cli) throw new ConfigError(`unknown format "${options.format}"`);
    const stdout = format.render({
      verdict,
      findings: collectFindings(verdict),
      meta: { toolVersion: UNITGATE_VERSION },
      header,
    });
    let stderr = '';
    // Machine-readable outputs stay clean: which base and policy were used goes to stderr.
    if (options.format !== 'text') stderr = header.join('\n') + '\n';
    return { exitCode: verdict.result === 'fail' ? 1 : 0, stdout, stderr };
  } catch (e) {
    if (e instanceof GitError || e instanceof ConfigError)
      return { exitCode: 2, stdout: '', stderr: `unitgate check: ${e.message}\n` };
    throw e;
  }
}
