// `unitgate trend`: each unit's exposure across the last release tags and HEAD, computed from git
// history (every tag scored as the gate scores it), printed as Markdown, JSON or CSV.
import { readPolicyFile } from '../io/read-policy-file';
import { relative, resolve } from 'node:path';
import { builtInPolicy, formatPolicyError, loadPolicy } from '../core/policy/load-policy';
import { DEFAULT_POLICY_PATH, type GatePolicy } from '../core/policy/policy-types';
import { renderTrendCsv, renderTrendJson, renderTrendMarkdown } from '../core/report/trend-report';
import { git, GitError } from '../io/git';
import { collectTrend } from '../io/trend-history';
import type { CommandResult } from './security-command';

export type TrendFormat = 'markdown' | 'json' | 'csv';

export interface TrendOptions {
  /** Glob over tag names. */
  tags: string;
  /** How many of the newest matching tags. */
  limit: number;
  format: TrendFormat;
  /** A policy file (working tree) for every commit; without it, each commit's own policy file. */
  policy?: string;
  /** Only units whose files are these paths (or under these directories), relative to cwd. */
  paths: string[];
}

/** Where the gate looks for the repository policy (as `unitgate check` and the action do). */

export async function runTrendCommand(options: TrendOptions, cwd: string): Promise<CommandResult> {
  let repoDir: string;
  try {
    repoDir = (await git(cwd, ['rev-parse', '--show-toplevel'])).trim();
  } catch {
    return { exitCode: 2, stdout: '', stderr: 'unitgate trend: not inside a git repository.\n' };
  }
  let policy: GatePolicy = builtInPolicy();
  if (options.policy !== undefined) {
    const read = readPolicyFile(resolve(cwd, options.policy), options.policy);
    if (!read.ok) return { exitCode: 2, stdout: '', stderr: `unitgate trend: ${read.message}\n` };
    const loaded = loadPolicy(read.text, options.policy);
    if (!loaded.ok) {
      return {
        exitCode: 2,
        stdout: '',
        stderr: `unitgate trend: invalid policy ${options.policy}:\n${loaded.errors.map((e) => `  ${formatPolicyError(e)}`).join('\n')}\n`,
      };
    }
    policy = loaded.policy;
  }
  // Repository-relative; the repository itself ('') selects everything.
  const unitPaths = options.paths.map((p) => relative(repoDir, resolve(cwd, p)));
  const messages: string[] = [];
  try {
    const trend = await collectTrend(repoDir, {
      pattern: options.tags,
      limit: options.limit,
      policy,
      ...(options.policy === undefined ? { policyPath: DEFAULT_POLICY_PATH } : {}),
      ...(unitPaths.length > 0 && !unitPaths.includes('') ? { unitPaths } : {}),
      messages,
    });
    const stdout =
      options.format === 'json'
        ? renderTrendJson(trend)
        : options.format === 'csv'
          ? renderTrendCsv(trend)
          : renderTrendMarkdown(trend, { maxUnits: Number.POSITIVE_INFINITY });
    return { exitCode: 0, stdout, stderr: messages.map((m) => `unitgate trend: ${m}\n`).join('') };
  } catch (e) {
    if (e instanceof GitError) return { exitCode: 2, stdout: '', stderr: `unitgate trend: ${e.message}\n` };
    throw e;
  }
}
