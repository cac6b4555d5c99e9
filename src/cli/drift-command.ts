// `unitgate drift`: host snapshots against the repository at a commit, under the policy committed
// there. Exit 1 when a difference fails the policy's `drift` rules, 0 when none does, 2 on errors
// (a snapshot that cannot be read or parsed, a bad policy, no repository).
import { lstatSync, readFileSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import {
  computeDrift,
  driftFails,
  parseSnapshot,
  renderDriftJson,
  renderDriftMarkdown,
  renderDriftSarif,
  renderDriftText,
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

/** A snapshot of a large host is a few MiB; far more is not one. */
const MAX_SNAPSHOT_BYTES = 256 * 1024 * 1024;

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

export async function runDriftCommand(options: DriftOptions, cwd: string): Promise<CommandResult> {
  const fail = (message: string): CommandResult => ({
    exitCode: 2,
    stdout: '',
    stderr: `unitgate drift: ${message}\n`,
  });
  if (options.snapshots.length === 0) return fail('give at least one --snapshot FILE');
  const snapshots: { fileName: string; snapshot: Snapshot }[] = [];
  for (const file of options.snapshots) {
    const read = readSnapshot(resolve(cwd, file), file);
    if ('error' in read) return fail(read.error);
    snapshots.push({ fileName: file, snapshot: read.snapshot });
  }
  let repoDir: string;
  try {
    repoDir = (await git(cwd, ['rev-parse', '--show-toplevel'])).trim();
  } catch {
    return fail('not inside a git repository');
  }
  if (options.ref.startsWith('-')) return fail(`--ref ${options.ref} is not a revision`);
  try {
    const commit = (
      await git(repoDir, ['rev-parse', '--verify', '--quiet', `${options.ref}^{commit}`], {
        allowFailure: true,
      })
    ).trim();
    if (commit === '') return fail(`--ref ${options.ref} names no commit of this repository`);
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
    const stderr = [...findings.map((f) => f.message), `policy: ${governing.description}`]
      .map((m) => `unitgate drift: ${m}\n`)
      .join('');
    return { exitCode: driftFails(report) ? 1 : 0, stdout, stderr: options.format === 'text' ? '' : stderr };
  } catch (e) {
    if (e instanceof GitError || e instanceof ConfigError) return fail(e.message);
    throw e;
  }
}
