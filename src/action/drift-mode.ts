// Post-deploy drift on scheduled runs: the snapshot files a deployment pipeline uploaded (the
// `drift-snapshots` input, read here and only from the workspace or RUNNER_TEMP) are compared with the
// repository by the drift API (core/drift); its report is written to the job summary and kept in one
// sticky issue that is opened when drift appears, edited while it changes and closed once it is gone.
import { lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import {
  computeDrift,
  driftFails,
  hasDrift,
  MAX_SNAPSHOT_BYTES,
  parseSnapshot,
  renderDriftMarkdown,
  type Snapshot,
} from '../core/drift';
import { matchesGlob } from '../core/policy/match-glob';
import { ConfigError } from '../io/config-error';
import { confinedPath, isInside } from '../io/confined-path';
import type { Octokit, RepoRef } from '../io/github';
import type { TreeSource } from '../core/gate/scope';
import type { GatePolicy } from '../core/policy/policy-types';
import { syncStickyIssue, type StickyIssueResult } from '../io/sticky-issue';
import type { Runner } from './runner';

/** One snapshot file as read: `name` is what reports call it, `text` its content. */
export interface SnapshotFile {
  /** The path relative to the workspace, or `$RUNNER_TEMP/…` for a file there. */
  name: string;
  text: string;
}

/**
 * What the action knows of the repository when it asks for drift: the checked-out commit's tree (the
 * default branch on `schedule`), the policy that judges it, and today's date.
 */
export interface DriftContext {
  head: TreeSource;
  policy: GatePolicy;
  commit: string;
  today: string;
}

/** What a drift run concluded; `markdown` is the report as the job summary and the issue show it. */
export interface DriftOutcome {
  files: string[];
  markdown: string;
  fails: boolean;
  drift: boolean;
}

/** Files the walk of one glob may look at before it gives up (a glob over a huge tree is a mistake). */
const MAX_ENTRIES = 20_000;

const GLOB_CHARS = /[*?[\]{}]/;

/** The directory a glob's matches lie under (its segments before the first with a glob character). */
function staticBase(glob: string): { base: string; rest: string } {
  const segments = glob.split('/');
  const first = segments.findIndex((s) => GLOB_CHARS.test(s));
  if (first < 0) return { base: glob, rest: '' };
  return {
    base: segments.slice(0, first).join('/') || (glob.startsWith('/') ? '/' : '.'),
    rest: segments.slice(first).join('/'),
  };
}

function where(roots: readonly string[]): string {
  return roots.length > 1 ? 'the workspace and RUNNER_TEMP' : 'the workspace';
}

/** Files under `dir` (never through a symlinked directory; .git left out), as paths relative to it. */
function walk(dir: string, glob: string): string[] {
  const out: string[] = [];
  let seen = 0;
  const visit = (rel: string): void => {
    let entries;
    try {
      entries = readdirSync(join(dir, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (++seen > MAX_ENTRIES)
        throw new ConfigError(
          `input "drift-snapshots": "${glob}" walks more than ${MAX_ENTRIES} files; give a narrower glob`,
        );
      const path = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) {
        if (e.name !== '.git') visit(path);
      } else if (e.isFile() || e.isSymbolicLink()) out.push(path);
    }
  };
  visit('');
  return out;
}

/** How reports name a file: relative to the workspace, or under `$RUNNER_TEMP`. */
function displayName(full: string, workspace: string, runnerTemp: string | undefined): string {
  if (runnerTemp !== undefined && isInside(resolve(runnerTemp), full) && !isInside(resolve(workspace), full))
    return `$RUNNER_TEMP/${relative(resolve(runnerTemp), full).split(sep).join('/')}`;
  return relative(resolve(workspace), full).split(sep).join('/');
}

/**
 * Reads the files the `drift-snapshots` globs match: relative globs from the workspace, absolute ones
 * only inside the workspace or RUNNER_TEMP (where actions/download-artifact puts artifacts). A file
 * whose real path (symlinks resolved) leaves those directories is refused, and so is a glob that
 * matches nothing: a snapshot that did not arrive must not read as "no drift".
 */
export function readSnapshotFiles(
  globs: readonly string[],
  roots: readonly string[],
  workspace: string,
  runnerTemp: string | undefined,
): SnapshotFile[] {
  const realRoots = roots.map((r) => realpathSync(r));
  const files = new Map<string, SnapshotFile>();
  for (const glob of globs) {
    const normalized = glob.replace(/\\/g, '/');
    const { base, rest } = staticBase(normalized);
    const baseDir = confinedPath(roots, base, 'input "drift-snapshots":');
    const candidates =
      rest === ''
        ? [baseDir]
        : walk(baseDir, glob)
            .filter((p) => matchesGlob(rest, p))
            .map((p) => join(baseDir, p));
    const matched = candidates.filter((full) => {
      try {
        return statSync(full).isFile();
      } catch {
        return false;
      }
    });
    if (matched.length === 0)
      throw new ConfigError(
        `input "drift-snapshots": "${glob}" matches no file in ${where(roots)} (did the artifact download?)`,
      );
    for (const full of matched.sort()) {
      const real = realpathSync(full);
      if (!realRoots.some((r) => isInside(r, real)))
        throw new ConfigError(
          `input "drift-snapshots": "${displayName(full, workspace, runnerTemp)}" leads outside ${where(roots)} through a symlink`,
        );
      const size = lstatSync(real).size;
      if (size > MAX_SNAPSHOT_BYTES)
        throw new ConfigError(
          `input "drift-snapshots": "${displayName(full, workspace, runnerTemp)}" has ${size} bytes, more than the ${MAX_SNAPSHOT_BYTES} a snapshot may have`,
        );
      const name = displayName(full, workspace, runnerTemp);
      if (!files.has(real)) files.set(real, { name, text: readFileSync(real, 'utf8') });
    }
  }
  return [...files.values()];
}

/**
 * Compares the snapshot files with the repository. A file that is no snapshot is a ConfigError naming
 * it (one line, no stack): the run then ends with status 2 instead of reporting drift it did not
 * compute.
 */
export function runDriftReport(files: readonly SnapshotFile[], context: DriftContext): DriftOutcome {
  const snapshots: { fileName: string; snapshot: Snapshot }[] = files.map((f) => {
    const parsed = parseSnapshot(f.text, f.name);
    if (!parsed.ok) throw new ConfigError(`drift snapshot "${f.name}": ${parsed.message.split('\n')[0]}`);
    return { fileName: f.name, snapshot: parsed.snapshot };
  });
  const report = computeDrift({
    snapshots,
    repository: context.head,
    ref: context.commit,
    commit: context.commit,
    policy: context.policy,
    today: context.today,
  });
  return {
    files: files.map((f) => f.name),
    markdown: renderDriftMarkdown(report),
    fails: driftFails(report),
    drift: hasDrift(report),
  };
}

export interface DriftPublishing {
  runner: Runner;
  /** Absent without a token: the summary is still written. */
  octokit?: Octokit | undefined;
  ref: RepoRef;
  /** The token's login (tokenLogin()), whose issues are unitgate's. */
  author?: string;
  /** This run's page, linked from the issue. */
  runUrl?: string;
}

/** The job summary section of a drift outcome. */
export function driftSummary(outcome: DriftOutcome): string {
  const read = outcome.files.map((f) => `\`${f.replace(/`/g, "'")}\``).join(', ');
  return `\n${outcome.markdown.trim()}\n\n<sub>Snapshots read: ${read}.</sub>\n`;
}

/**
 * Writes the outcome to the job summary and brings the drift issue in line: opened or edited while
 * there is drift, closed when it is gone. A failed issue write is a warning: the step's result is
 * the drift's, whatever GitHub said.
 */
export async function publishDriftReport(
  outcome: DriftOutcome,
  p: DriftPublishing,
): Promise<StickyIssueResult | undefined> {
  await p.runner.appendSummary(driftSummary(outcome));
  if (!p.octokit) return undefined;
  // Nothing that changes from run to run (a run link) goes into the body: an unchanged report must
  // leave the issue alone.
  const result = await syncStickyIssue(
    p.octokit,
    p.ref,
    'drift',
    outcome.drift
      ? {
          title: 'unitgate: deployed units drift from the repository',
          body: `${outcome.markdown.trim()}\n\nKept up to date by unitgate's scheduled runs: edited when the drift changes, closed when it is gone.\n`,
        }
      : undefined,
    (m) => p.runner.info(m),
    {
      ...(p.author ? { author: p.author } : {}),
      closingComment: `The deployed units match the repository again${p.runUrl ? ` ([run](${p.runUrl}))` : ''}: closed by unitgate.`,
    },
  );
  if (result.warning) p.runner.warning(`Drift issue: ${result.warning}`);
  return result;
}
