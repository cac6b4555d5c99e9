// `unitgate check`: the pull-request gate for laptops and pre-commit. Compares the working tree with a
// base revision (default HEAD) under the repository's policy and prints what would fail in CI.
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { builtInPolicy, formatPolicyError, loadPolicy } from '../core/policy/load-policy';
import type { GatePolicy } from '../core/policy/policy-types';
import type { GateVerdict } from '../core/gate/gate-types';
import { formatExposure } from '../core/security/render-security';
import { renderSarif } from '../core/report/sarif';
import { renderJsonReport } from '../core/report/json-report';
import { renderJobSummary } from '../core/report/job-summary';
import { renderPullRequestComment } from '../core/report/pr-comment';
import { commitSource, runGatePipeline, worktreeSource } from '../io/gate-pipeline';
import { diffNames, git, GitError, type ChangedFile } from '../io/git';
import { readPolicyFile } from '../io/read-policy-file';
import type { CommandResult } from './security-command';

export interface CheckOptions {
  base?: string;
  policy?: string;
  format: 'text' | 'json' | 'sarif' | 'markdown' | 'comment';
  paths: string[];
  /** YYYY-MM-DD; deviation expiry is judged against it. */
  today: string;
}

const DEFAULT_POLICY_PATH = '.github/unitgate.json';

function renderText(verdict: GateVerdict): string {
  const lines: string[] = [];
  for (const u of verdict.units) {
    const head = u.head ? `${formatExposure(u.head.exposure)} ${u.head.level}` : '—';
    const base = u.base ? `${formatExposure(u.base.exposure)} → ` : '';
    lines.push(
      `${u.status.toUpperCase().padEnd(8)} ${u.path} (${u.profile}, threshold ${formatExposure(u.threshold)}): ${base}${head}${u.note ? ` — ${u.note}` : ''}`,
    );
    for (const v of u.violations) {
      lines.push(
        `  ${v.location.file}:${v.location.line}: ${v.advisory ? 'warning' : 'error'}: ${v.message}`,
      );
      if (v.fix && v.fix.directives.length > 0) lines.push(`    fix: ${v.fix.directives.join('  ')}`);
    }
    for (const a of u.accepted) {
      lines.push(
        `  accepted deviation (${a.note.owner ?? 'no owner'}, expires ${a.note.expires ?? '?'}): ${a.violation.message}`,
      );
    }
  }
  for (const n of verdict.notes.filter((n) => n.problems.length > 0))
    lines.push(`invalid deviation note for ${n.unit || '?'}: ${n.problems.join('; ')}`);
  for (const m of verdict.messages) lines.push(m);
  const scored = verdict.units.length;
  lines.push(
    `${verdict.result === 'pass' ? 'PASS' : 'FAIL'}: ${scored} unit${scored === 1 ? '' : 's'} in scope (mode ${verdict.mode}, systemd ${verdict.systemdVersion})`,
  );
  return lines.join('\n') + '\n';
}

export async function runCheckCommand(options: CheckOptions, cwd: string): Promise<CommandResult> {
  let repoDir: string;
  try {
    repoDir = (await git(cwd, ['rev-parse', '--show-toplevel'])).trim();
  } catch {
    return { exitCode: 2, stdout: '', stderr: 'unitgate check: not inside a git repository.\n' };
  }
  let policy: GatePolicy;
  let policyPath: string | undefined =
    options.policy !== undefined ? relative(repoDir, resolve(cwd, options.policy)) : undefined;
  if (policyPath === undefined && existsSync(join(repoDir, DEFAULT_POLICY_PATH)))
    policyPath = DEFAULT_POLICY_PATH;
  if (policyPath !== undefined) {
    const read = readPolicyFile(join(repoDir, policyPath), policyPath);
    if (!read.ok) return { exitCode: 2, stdout: '', stderr: `unitgate check: ${read.message}\n` };
    const loaded = loadPolicy(read.text, policyPath);
    if (!loaded.ok) {
      return {
        exitCode: 2,
        stdout: '',
        stderr: `unitgate check: invalid policy ${policyPath}:\n${loaded.errors.map((e) => `  ${formatPolicyError(e)}`).join('\n')}\n`,
      };
    }
    policy = loaded.policy;
  } else policy = builtInPolicy();

  const messages: string[] = [];
  try {
    const head = await worktreeSource(repoDir);
    const baseRef = options.base ?? 'HEAD';
    let base;
    let changed: ChangedFile[] | undefined;
    const baseSha = (
      await git(repoDir, ['rev-parse', '--verify', '--quiet', `${baseRef}^{commit}`], { allowFailure: true })
    ).trim();
    if (baseSha) {
      base = await commitSource(repoDir, baseSha);
      // Working tree against the base: tracked changes plus untracked files.
      changed = await diffNames(repoDir, baseSha);
      const untracked = (await git(repoDir, ['ls-files', '-z', '--others', '--exclude-standard']))
        .split('\0')
        .filter(Boolean);
      for (const p of untracked) changed.push({ path: p, status: 'added' });
    } else if (options.base !== undefined) {
      return { exitCode: 2, stdout: '', stderr: `unitgate check: unknown revision ${options.base}\n` };
    } else messages.push('No commit yet: every unit is checked without a base.');
    if (options.paths.length > 0) {
      const wanted = new Set(options.paths.map((p) => relative(repoDir, resolve(cwd, p))));
      changed = (changed ?? head.paths.map((p): ChangedFile => ({ path: p, status: 'modified' }))).filter(
        (f) => wanted.has(f.path) || (f.previousPath !== undefined && wanted.has(f.previousPath)),
      );
      for (const p of wanted)
        if (!changed.some((f) => f.path === p)) changed.push({ path: p, status: 'modified' });
    }
    const { verdict } = runGatePipeline({
      head,
      ...(base ? { base } : {}),
      ...(changed ? { changed } : {}),
      policy,
      ...(policyPath ? { policyPath } : {}),
      approvals: [],
      today: options.today,
      messages,
    });
    let stdout: string;
    switch (options.format) {
      case 'json':
        stdout = JSON.stringify(renderJsonReport(verdict, { toolVersion: '0.1.0' }), null, 2) + '\n';
        break;
      case 'sarif':
        stdout =
          JSON.stringify(
            renderSarif(verdict, {
              toolVersion: '0.1.0',
              category: 'unitgate',
              informationUri: 'https://github.com/unitgate/unitgate',
            }),
            null,
            2,
          ) + '\n';
        break;
      case 'markdown':
        stdout = renderJobSummary(verdict);
        break;
      case 'comment':
        // The sticky pull request comment the action would post, to preview it locally.
        stdout = renderPullRequestComment(verdict, {}) + '\n';
        break;
      default:
        stdout = renderText(verdict);
    }
    return { exitCode: verdict.result === 'fail' ? 1 : 0, stdout, stderr: '' };
  } catch (e) {
    if (e instanceof GitError) return { exitCode: 2, stdout: '', stderr: `unitgate check: ${e.message}\n` };
    throw e;
  }
}
