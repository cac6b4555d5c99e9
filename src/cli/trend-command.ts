// `unitgate trend`: each unit's exposure across the last release tags and HEAD, computed from git
// history (every tag scored as the gate scores it), printed as Markdown, JSON or CSV, or written as a
// self-contained HTML dashboard.
import { readPolicyFile } from '../io/read-policy-file';
import { writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { builtInPolicy, formatPolicyError, loadPolicy } from '../core/policy/load-policy';
import { DEFAULT_POLICY_PATH, type GatePolicy } from '../core/policy/policy-types';
import { renderTrendCsv, renderTrendJson, renderTrendMarkdown } from '../core/report/trend-report';
import { dashboardDrift, renderTrendDashboard, type DashboardDrift } from '../core/report/trend-dashboard';
import { ConfigError } from '../io/config-error';
import { driftAtRef } from './drift-command';
import { UNITGATE_VERSION } from '../version';
import { git, GitError } from '../io/git';
import { collectTrend } from '../io/trend-history';
import type { CommandResult } from './security-command';

export type TrendFormat = 'markdown' | 'json' | 'csv' | 'html';

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
  /** Write the output to this file (relative to cwd) instead of printing it. */
  output?: string;
  /**
   * The repository's web address for the dashboard's file:line links; default: the `origin` remote's,
   * when it is an http(s) or ssh address of a forge.
   */
  repositoryUrl?: string;
  /** Snapshot files of hosts (`unitgate snapshot`): their drift from HEAD joins the dashboard (html only). */
  snapshots?: string[];
  /** YYYY-MM-DD, for the drift policy's allowances (the CLI's clock). */
  today?: string;
}

/**
 * A git remote as the web address of its repository: `https://host/owner/repo` from an https, ssh
 * (`ssh://git@host/…`) or scp-like (`git@host:…`) remote, without credentials or `.git`; undefined for
 * anything else (a local path, a file:// remote).
 */
export function remoteWebUrl(remote: string): string | undefined {
  const r = remote.trim();
  let host: string;
  let path: string;
  const url = /^(?:https?|ssh|git):\/\/(?:[^@/]*@)?([^/:]+)(?::\d+)?\/(.+)$/i.exec(r);
  const scp = /^(?:[^@/]+@)?([^/:]+):(?!\/)(.+)$/.exec(r);
  if (url) [host, path] = [url[1] as string, url[2] as string];
  else if (scp) [host, path] = [scp[1] as string, scp[2] as string];
  else return undefined;
  path = path.replace(/\/+$/, '').replace(/\.git$/, '');
  if (!/^[A-Za-z0-9.-]+$/.test(host) || !/^[A-Za-z0-9._~/-]+$/.test(path)) return undefined;
  return `https://${host.toLowerCase()}/${path}`;
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
      explain: options.format === 'html',
    });
    let drift: DashboardDrift[] | undefined;
    if (options.snapshots !== undefined && options.snapshots.length > 0) {
      if (options.format !== 'html')
        return {
          exitCode: 2,
          stdout: '',
          stderr: 'unitgate trend: --snapshot is shown by --format html only.\n',
        };
      const { report, notes } = await driftAtRef(
        {
          snapshots: options.snapshots,
          ref: 'HEAD',
          today: options.today ?? new Date().toISOString().slice(0, 10),
        },
        cwd,
      );
      messages.push(...notes.map((n) => `drift: ${n}`));
      drift = dashboardDrift(report);
    }
    let repositoryUrl = options.repositoryUrl;
    if (options.format === 'html' && repositoryUrl === undefined) {
      const remote = await git(repoDir, ['config', '--get', 'remote.origin.url'], { allowFailure: true });
      repositoryUrl = remoteWebUrl(remote);
    }
    const stdout =
      options.format === 'json'
        ? renderTrendJson(trend)
        : options.format === 'csv'
          ? renderTrendCsv(trend)
          : options.format === 'html'
            ? renderTrendDashboard(trend, {
                ...(repositoryUrl !== undefined ? { repositoryUrl } : {}),
                generator: `unitgate ${UNITGATE_VERSION}`,
                ...(drift !== undefined ? { drift } : {}),
              })
            : renderTrendMarkdown(trend, { maxUnits: Number.POSITIVE_INFINITY });
    const stderr = messages.map((m) => `unitgate trend: ${m}\n`).join('');
    if (options.output === undefined) return { exitCode: 0, stdout, stderr };
    try {
      writeFileSync(resolve(cwd, options.output), stdout);
    } catch (e) {
      return {
        exitCode: 2,
        stdout: '',
        stderr: `${stderr}unitgate trend: cannot write ${options.output}: ${(e as Error).message}\n`,
      };
    }
    return { exitCode: 0, stdout: '', stderr: `${stderr}unitgate trend: wrote ${options.output}\n` };
  } catch (e) {
    if (e instanceof GitError || e instanceof ConfigError)
      return { exitCode: 2, stdout: '', stderr: `unitgate trend: ${e.message}\n` };
    throw e;
  }
}
