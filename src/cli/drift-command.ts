// `unitgate drift`: host snapshots against the repository at a commit, under the policy committed
// there. Exit 1 when a difference fails the policy's `drift` rules, 0 when none does, 2 on errors
// (a snapshot that cannot be read or parsed, a bad policy, no repository).
import { lstatSync, readFileSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import {
  computeDrift,
  driftFails,
  MAX_SNAPSHOT_BYTES,
  parseSnapshot,
  renderDriftJson,
  renderDriftMarkdown,
  renderDriftSarif,
  renderDriftText,
  type DriftReport,
} from '../core/drift';
import type { Snapshot } from '../core/drift/snapshot-types';
import type { RunFinding } from '../core/gate/gate-types';
import { ConfigError } from '../io/config-error';
import { commitSource } from '../io/gate-pipeline';
import { git, GitError } from '../io/git';
import { readGoverningPolicy } from '../io/governing-policy';
import { UNITGATE_VERSION } from '../version';
import type { CommandResult } from './security-command';

export const DRIFT_FORMATS = ['text', 'json', 'markdown', 'sarif'] as const;
export type DriftFormat = (typeof DRIFT_FORMATS)[number];

export interface DriftOptions {
  snapshots: string[];
  ref: string;
  /** A policy file path in the repository, read at `ref` (default: .github/unitgate.json there). */
  policy?: string;
  format: DriftFormat;
  today: string;
}

function readSnapshot(path: string, shown: string): { snapshot: Snapshot } | { error: string } {
  try {
    const st = lstatSync(path);
    if (!st.isFile()) return { error: `${shown}: not a regular file` };
    if (st.size > MAX_SNAPSHOT_BYTES) return { error: `${shown}: larger than ${MAX_SNAPSHOT_BYTES} bytes` };
    const parsed = parseSnapshot(readFileSync(path, 'utf8'), shown);
    return parsed.ok ? { snapshot: parsed.snapshot } : { error: parsed.message };
  } catch (e) {
    return { error: `${shown}: cannot be read: ${(e as NodeJS.ErrnoException).code ?? String(e)}` };
  }
}

/** A drift report of the repository at `ref` against snapshot files, and what was said about its policy. */
export interface DriftAtRef {
  report: DriftReport;
  /** Run findings of reading the policy, then the policy's description. */
  notes: string[];
}

/**
 * Reads the snapshot files and compares them with the repository at `ref` under the policy committed
 * there (`unitgate drift`, and the dashboard of `unitgate trend --snapshot`). Throws ConfigError.
 */
export async function driftAtRef(
  options: Pick<DriftOptions, 'snapshots' | 'ref' | 'policy' | 'today'>,
  cwd: string,
): Promise<DriftAtRef> {
  if (options.snapshots.length === 0) throw new ConfigError('give at least one --snapshot FILE');
  const snapshots: { fileName: string; snapshot: Snapshot }[] = [];
  for (const file of options.snapshots) {
    const read = readSnapshot(resolve(cwd, file), file);
    if ('error' in read) throw new ConfigError(read.error);
    snapshots.push({ fileName: file, snapshot: read.snapshot });
  }
  let repoDir: string;
  try {
    repoDir = (await git(cwd, ['rev-parse', '--show-toplevel'])).trim();
  } catch {
    throw new ConfigError('not inside a git repository');
  }
  if (options.ref.startsWith('-')) throw new ConfigError(`--ref ${options.ref} is not a revision`);
  const commit = (
    await git(repoDir, ['rev-parse', '--verify', '--quiet', `${options.ref}^{commit}`], {
      allowFailure: true,
    })
  ).trim();
  if (commit === '') throw new ConfigError(`--ref ${options.ref} names no commit of this repository`);
  const findings: RunFinding[] = [];
  const requested = options.policy !== undefined ? relative(repoDir, resolve(cwd, options.policy)) : '';
  const governing = await readGoverningPolicy(
    repoDir,
    requested.split(sep).join('/'),
    commit,
    false,
    findings,
  );
  const repository = await commitSource(repoDir, commit);
  const report = computeDrift({
    snapshots,
    repository,
    ref: options.ref,
    commit,
    policy: governing.policy,
    today: options.today,
  });
  return { report, notes: [...findings.map((f) => f.message), `policy: ${governing.description}`] };
}

export async function runDriftCommand(options: DriftOptions, cwd: string): Promise<CommandResult> {
  try {
    const { report, notes } = await driftAtRef(options, cwd);
    const stdout =
      options.format === 'json'
        ? renderDriftJson(report)
        : options.format === 'markdown'
          ? renderDriftMarkdown(report)
          : options.format === 'sarif'
            ? renderDriftSarif(report, {
                toolVersion: UNITGATE_VERSION,
                informationUri: 'https://github.com/unitgate/unitgate/blob/main/docs/drift.md',
              })
            : renderDriftText(report);
    const stderr = notes.map((m) => `unitgate drift: ${m}\n`).join('');
    return { exitCode: driftFails(report) ? 1 : 0, stdout, stderr: options.format === 'text' ? '' : stderr };
  } catch (e) {
    if (e instanceof GitError || e instanceof ConfigError)
      return { exitCode: 2, stdout: '', stderr: `unitgate drift: ${e.message}\n` };
    throw e;
  }
}
