// The policy a run is judged by, for the action and `unitgate check` alike. For a change it is the base
// branch tip's (a change cannot loosen the rules it is judged by; its own policy edits apply once
// merged); for a whole-repository scan it is the checked-out one. A policy that exists but cannot be read or validated is an error, never a
// fallback to the built-in one.
import { join } from 'node:path';
import { builtInPolicy, formatPolicyError, loadPolicy } from '../core/policy/load-policy';
import { comparePolicies, type PolicyDifference } from '../core/policy/compare-policies';
import { DEFAULT_POLICY_PATH, type GatePolicy } from '../core/policy/policy-types';
import type { RunFinding } from '../core/gate/gate-types';
import { ConfigError } from './config-error';
import { confinedPath } from './confined-path';
import { git } from './git';
import { MAX_POLICY_BYTES, readPolicyFile } from './read-policy-file';

export interface PolicySource {
  policy: GatePolicy;
  /** Repository path of the policy file (whether or not it exists). */
  path: string;
  /** How the report names it, e.g. `.github/unitgate.json at 1a2b3c4d5e6f`. */
  description: string;
  /** The file's text where it was read (undefined: the built-in policy applies). */
  text?: string;
}

/** A validated policy, or a ConfigError listing every problem with its JSON path. */
export function parsePolicy(text: string, shown: string, label = ''): GatePolicy {
  const loaded = loadPolicy(text, shown);
  if (!loaded.ok)
    throw new ConfigError(
      `invalid policy ${shown}${label}:\n${loaded.errors.map((e) => `  ${formatPolicyError(e)}`).join('\n')}`,
    );
  return loaded.policy;
}

/** The policy file as it is at `sha`, or undefined when the commit has none there. */
async function policyTextAt(workspace: string, sha: string, path: string): Promise<string | undefined> {
  const listing = await git(workspace, ['ls-tree', '-l', sha, '--', path], { allowFailure: true });
  const m = /^(\d+) (\w+) [0-9a-f]+\s+(-|\d+)\t/.exec(listing);
  if (!m) return undefined;
  if (m[1] === '120000')
    throw new ConfigError(`policy "${path}" is a symlink at ${sha.slice(0, 12)}; refusing to follow it`);
  if (m[2] !== 'blob') throw new ConfigError(`policy "${path}" is not a file at ${sha.slice(0, 12)}`);
  if (Number(m[3]) > MAX_POLICY_BYTES)
    throw new ConfigError(`policy "${path}" is larger than 1 MiB at ${sha.slice(0, 12)}`);
  return git(workspace, ['show', `${sha}:${path}`]);
}

/**
 * Reads the policy at `policySha` (a change) or from the workspace (no base). `requested` is the
 * `policy` input. On pull-request events the workflow is the pull request's: a `policy` input that
 * points away from the default file, while the base tip has one, is refused and reported; one that
 * names a file the base tip does not have is an error (never the built-in baseline).
 */
export async function readGoverningPolicy(
  workspace: string,
  requested: string,
  policySha: string | undefined,
  fromPullRequest: boolean,
  findings: RunFinding[],
): Promise<PolicySource> {
  let path = requested === '' ? DEFAULT_POLICY_PATH : requested.replace(/^\.\//, '');
  if (policySha === undefined) {
    const full = confinedPath([workspace], path, 'policy');
    const read = readPolicyFile(full, path);
    if (!read.ok) {
      if (requested === '' && read.message.includes('ENOENT'))
        return { policy: builtInPolicy(), path, description: 'built-in baseline' };
      throw new ConfigError(read.message);
    }
    return { policy: parsePolicy(read.text, path), path, description: path, text: read.text };
  }
  confinedPath([workspace], path, 'policy');
  const at = policySha.slice(0, 12);
  if (fromPullRequest && path !== DEFAULT_POLICY_PATH) {
    const governing = await policyTextAt(workspace, policySha, DEFAULT_POLICY_PATH);
    if (governing !== undefined) {
      findings.push({
        kind: 'input-loosens-policy',
        level: 'warning',
        message: `The workflow input policy: ${requested} is not the base branch's policy ${DEFAULT_POLICY_PATH}; a pull request's workflow cannot choose the policy it is judged by, so ${DEFAULT_POLICY_PATH} applies.`,
      });
      path = DEFAULT_POLICY_PATH;
    }
  }
  const text = await policyTextAt(workspace, policySha, path);
  if (text === undefined) {
    // A pull request's workflow naming a policy the base does not have would otherwise be judged by the
    // built-in baseline: with the real policy kept at another path, that is a way to choose a looser one.
    if (fromPullRequest && path !== DEFAULT_POLICY_PATH)
      throw new ConfigError(
        `policy "${path}" does not exist at the base branch tip ${at}. A pull request's workflow cannot point the gate at a policy its base does not have: merge the policy file first, or keep it at ${DEFAULT_POLICY_PATH}.`,
      );
    if (requested !== '' && !fromPullRequest)
      throw new ConfigError(`policy "${path}" does not exist at ${at}`);
    return { policy: builtInPolicy(), path, description: `built-in baseline (no ${path} at ${at})` };
  }
  return {
    policy: parsePolicy(text, `${path} (at ${at})`),
    path,
    description: `${path} at ${at}`,
    text,
  };
}

/** What a change does to the governing policy file: every difference, or undefined when it leaves it as it is. */
export interface PolicyChange {
  path: string;
  differences: PolicyDifference[];
}

/**
 * The change's own policy text against the governing one, for the action and `unitgate check` alike. It
 * does not govern the change, but it must be valid (once merged it would stop every later run), and what
 * it loosens needs an owner's approval (core/gate: evaluatePolicyChange).
 */
export function proposedPolicyChange(
  governing: PolicySource,
  proposed: string | undefined,
): PolicyChange | undefined {
  if ((proposed ?? '') === (governing.text ?? '')) return undefined;
  const next =
    proposed !== undefined
      ? parsePolicy(proposed, governing.path, ' (as this change proposes it)')
      : builtInPolicy();
  return { path: governing.path, differences: comparePolicies(governing.policy, next) };
}

/** The policy file in the workspace (the pull request's version), when it differs from the governing one. */
export function workspacePolicyText(workspace: string, path: string): string | undefined {
  const read = readPolicyFile(join(workspace, path), path);
  return read.ok ? read.text : undefined;
}

/** The policy file as the index (the staged content) has it, or undefined when it is not staged. */
export async function indexPolicyText(workspace: string, path: string): Promise<string | undefined> {
  const listing = await git(workspace, ['ls-files', '--stage', '-z', '--', path]);
  const m = /^(\d+) ([0-9a-f]+) \d\t/.exec(listing);
  if (!m) return undefined;
  if (m[1] === '120000')
    throw new ConfigError(`policy "${path}" is a symlink in the index; refusing to follow it`);
  const size = Number((await git(workspace, ['cat-file', '-s', m[2] as string])).trim());
  if (size > MAX_POLICY_BYTES) throw new ConfigError(`policy "${path}" is larger than 1 MiB in the index`);
  return git(workspace, ['cat-file', 'blob', m[2] as string]);
}
