// The GitHub Action: reads inputs and the event, runs the gate over the pull request (or the whole
// repository), and publishes annotations, a job summary, SARIF, a JSON report, outputs and a check
// run. Exit status: 0 pass, 1 gate failed, 2 tool or configuration error. Optional writes (check run,
// comment) that the token cannot make are warnings, never failures.
import * as core from '@actions/core';
import * as github from '@actions/github';
import {
  closeSync,
  constants,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  realpathSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { loadPolicy, builtInPolicy, formatPolicyError } from './core/policy/load-policy';
import type { GatePolicy, GateMode } from './core/policy/policy-types';
import { isSupportedVersion, type SystemdVersion } from './core/security/versions';
import { buildAnnotations, selectWithinBudget, checkRunBatches } from './core/report/annotations';
import { renderJobSummary } from './core/report/job-summary';
import { renderSarif } from './core/report/sarif';
import { renderJsonReport } from './core/report/json-report';
import { renderBadge } from './core/report/badge';
import { renderPullRequestComment, renderResolvedComment } from './core/report/pr-comment';
import { planSuggestions } from './core/report/suggestions';
import {
  createPublishBundle,
  parsePublishBundle,
  PUBLISH_BUNDLE_FILE,
  MAX_BUNDLE_BYTES,
} from './core/report/publish-bundle';
import { renderTrendJson, renderTrendMarkdown, type Trend } from './core/trend/trend';
import type { GateUnitInput } from './core/gate/evaluate-gate';
import { collectTrend } from './io/trend-history';
import { MAX_POLICY_BYTES, readPolicyFile } from './io/read-policy-file';
import { listPullPatches, postSuggestions, resolveStickyComment, upsertStickyComment } from './io/pr-comment';
import { formatExposure } from './core/security/render-security';
import type { GateVerdict } from './core/gate/gate-types';
import { commitSource, runGatePipeline, type TreeSource } from './io/gate-pipeline';
import { diffNames, ensureCommit, git, GitError, hasCommit, mergeBase, type ChangedFile } from './io/git';
import {
  createOctokit,
  getPull,
  listApprovals,
  listPullFiles,
  publishCheckRun,
  type Octokit,
  type RepoRef,
} from './io/github';

const VERSION = '0.1.0';
const DEFAULT_POLICY_PATH = '.github/unitgate.json';

class ConfigError extends Error {}

interface Inputs {
  policy: string;
  mode: string;
  threshold: string;
  systemdVersion: string;
  comment: boolean;
  checkRun: boolean;
  sarif: string;
  report: string;
  token: string;
  paths: string[];
  suggestions: boolean;
  trend: boolean;
  trendTags: string;
  trendLimit: number;
  badge: string;
  publish: 'direct' | 'artifact' | 'from-artifact';
  publishDir: string;
}

function positiveInt(name: string, fallback: number): number {
  const v = core.getInput(name).trim();
  if (v === '') return fallback;
  if (!/^[1-9][0-9]{0,2}$/.test(v))
    throw new ConfigError(`input "${name}" must be a number from 1 to 999, not "${v}"`);
  return Number(v);
}

function oneOf<T extends string>(name: string, values: readonly T[], fallback: T): T {
  const v = core.getInput(name).trim();
  if (v === '') return fallback;
  if (!(values as readonly string[]).includes(v))
    throw new ConfigError(`input "${name}" must be one of ${values.join(', ')}, not "${v}"`);
  return v as T;
}

function readInputs(): Inputs {
  const bool = (name: string, fallback: boolean): boolean => {
    const v = core.getInput(name).trim().toLowerCase();
    if (v === '') return fallback;
    if (['true', 'yes', '1', 'on'].includes(v)) return true;
    if (['false', 'no', '0', 'off'].includes(v)) return false;
    throw new ConfigError(`input "${name}" must be true or false, not "${v}"`);
  };
  return {
    policy: core.getInput('policy').trim(),
    mode: core.getInput('mode').trim(),
    threshold: core.getInput('threshold').trim(),
    systemdVersion: core.getInput('systemd-version').trim(),
    comment: bool('comment', true),
    checkRun: bool('check-run', true),
    sarif: core.getInput('sarif').trim(),
    report: core.getInput('report').trim(),
    token: core.getInput('token').trim(),
    paths: core
      .getInput('paths')
      .split(/[\n,]/)
      .map((p) => p.trim())
      .filter((p) => p !== ''),
    suggestions: bool('suggestions', false),
    trend: bool('trend', true),
    trendTags: core.getInput('trend-tags').trim() || 'v*',
    trendLimit: positiveInt('trend-limit', 5),
    badge: core.getInput('badge').trim(),
    publish: oneOf('publish', ['direct', 'artifact', 'from-artifact'], 'direct'),
    publishDir: core.getInput('publish-dir').trim() || 'unitgate-publish',
  };
}

/** A path inside the workspace, or a ConfigError: nothing outside the workspace is read or written. */
function insideWorkspace(workspace: string, path: string, what: string): string {
  const full = resolve(workspace, path);
  const rel = relative(workspace, full);
  if (rel.startsWith('..') || isAbsolute(rel))
    throw new ConfigError(`${what} "${path}" is outside the workspace`);
  return full;
}

/**
 * Writes `text` to `path` inside the workspace, never through a symlink: the checkout is the pull
 * request's, and a `unitgate.sarif -> ~/.bashrc` link in it must not make us write outside.
 */
function writeInsideWorkspace(workspace: string, path: string, what: string, text: string): string {
  const full = insideWorkspace(workspace, path, what);
  const root = realpathSync(workspace);
  const outside = (dir: string): boolean => {
    const rel = relative(root, realpathSync(dir));
    return rel.startsWith('..') || isAbsolute(rel);
  };
  // The nearest existing directory first, so that mkdir cannot create directories outside either.
  let existing = dirname(full);
  while (!existsSync(existing)) existing = dirname(existing);
  if (outside(existing))
    throw new ConfigError(`${what} "${path}" leads outside the workspace through a symlink`);
  let dir: string;
  try {
    mkdirSync(dirname(full), { recursive: true });
    dir = realpathSync(dirname(full));
  } catch (e) {
    throw new ConfigError(
      `cannot write ${what} "${path}": ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
    );
  }
  if (outside(dir)) throw new ConfigError(`${what} "${path}" leads outside the workspace through a symlink`);
  let fd: number;
  try {
    fd = openSync(
      join(dir, basename(full)),
      constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW,
      0o644,
    );
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP')
      throw new ConfigError(`${what} "${path}" is a symlink; refusing to write through it`);
    throw new ConfigError(`cannot write ${what} "${path}": ${code ?? String(e)}`);
  }
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  return full;
}

function parsePolicy(text: string, path: string): GatePolicy {
  const loaded = loadPolicy(text, path);
  if (!loaded.ok) {
    throw new ConfigError(
      `invalid policy ${path}:\n${loaded.errors.map((e) => `  ${formatPolicyError(e)}`).join('\n')}`,
    );
  }
  return loaded.policy;
}

/** The policy as checked out (head), validated: a pull request that breaks the policy file fails with exit 2. */
function readPolicy(workspace: string, inputs: Inputs): { policy: GatePolicy; path?: string; text?: string } {
  let path = inputs.policy;
  if (path === '' && existsSync(join(workspace, DEFAULT_POLICY_PATH))) path = DEFAULT_POLICY_PATH;
  if (path === '') return { policy: builtInPolicy() };
  const read = readPolicyFile(insideWorkspace(workspace, path, 'policy'), path);
  if (!read.ok) throw new ConfigError(read.message);
  const text = read.text;
  return { policy: parsePolicy(text, path), path, text };
}

/**
 * The policy that governs a pull request: the base commit's. A pull request must not be able to
 * loosen the rules it is judged by (raise a threshold, switch to report mode, drop a sign-off rule);
 * its policy changes take effect once merged. Without a policy at the base, the built-in one applies.
 */
async function basePolicy(
  workspace: string,
  baseSha: string,
  path: string,
): Promise<{ policy: GatePolicy; text?: string }> {
  const listing = await git(workspace, ['ls-tree', '-l', baseSha, '--', path], { allowFailure: true });
  const m = /^(\d+) blob [0-9a-f]+\s+(\d+)\t/.exec(listing);
  if (!m) return { policy: builtInPolicy() };
  if (m[1] === '120000')
    throw new ConfigError(`policy "${path}" is a symlink at the base commit; refusing to follow it`);
  if (Number(m[2]) > MAX_POLICY_BYTES)
    throw new ConfigError(`policy "${path}" is larger than 1 MiB at the base commit`);
  const text = await git(workspace, ['show', `${baseSha}:${path}`]);
  return { policy: parsePolicy(text, `${path} (base ${baseSha.slice(0, 12)})`), text };
}

function applyInputOverrides(policy: GatePolicy, inputs: Inputs): void {
  if (inputs.mode !== '') {
    if (!['enforce', 'report', 'ratchet'].includes(inputs.mode)) {
      throw new ConfigError(`input "mode" must be enforce, report or ratchet, not "${inputs.mode}"`);
    }
    policy.mode = inputs.mode as GateMode;
  }
  if (inputs.systemdVersion !== '') {
    const v = Number(inputs.systemdVersion);
    if (!isSupportedVersion(v)) {
      throw new ConfigError(
        `input "systemd-version" must be 252, 255, 257 or 262, not "${inputs.systemdVersion}"`,
      );
    }
    policy.systemdVersion = v as SystemdVersion;
  }
  if (inputs.threshold !== '') {
    const t = Number(inputs.threshold);
    if (!/^\d+(\.\d+)?$/.test(inputs.threshold) || t < 0 || t > 10) {
      throw new ConfigError(`input "threshold" must be a number from 0.0 to 10.0, not "${inputs.threshold}"`);
    }
    for (const p of policy.profiles.values()) p.threshold = Math.round(t * 10);
  }
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

function isWriteDenied(e: unknown): boolean {
  const status = (e as { status?: number }).status;
  return status === 403 || status === 404 || status === 401;
}

interface EventScope {
  headSha: string;
  /**
   * The commit the check run is attached to: a pull request's head commit (GitHub lists on a pull
   * request only check runs of its head sha, not of the test merge commit that is scored).
   */
  checkSha?: string;
  baseSha?: string;
  pullNumber?: number;
  pullBody?: string;
  changed?: ChangedFile[];
  /** A release: a pushed tag or a `release` event (the scores are recorded for the release). */
  release?: string;
}

async function resolveScope(
  workspace: string,
  octokit: Octokit | undefined,
  ref: RepoRef,
  messages: string[],
): Promise<EventScope> {
  const ctx = github.context;
  const payload = ctx.payload as Record<string, unknown>;
  const pr = payload.pull_request as
    | {
        number: number;
        body?: string | null;
        base: { sha: string };
        head: { sha: string };
        changed_files?: number;
      }
    | undefined;
  if (pr && ['pull_request', 'pull_request_target', 'pull_request_review'].includes(ctx.eventName)) {
    // GITHUB_SHA is the test merge commit on pull_request(_review), but the base branch's tip on
    // pull_request_target: scoring that would compare the base with itself and pass every change.
    let headSha = ctx.eventName === 'pull_request_target' ? pr.head.sha : ctx.sha;
    if (!headSha || !(await hasCommit(workspace, headSha))) headSha = pr.head.sha;
    await ensureCommit(workspace, headSha);
    await ensureCommit(workspace, pr.base.sha);
    const baseSha = (await mergeBase(workspace, pr.base.sha, headSha)) ?? pr.base.sha;
    let body = pr.body ?? '';
    let changed: ChangedFile[] | undefined;
    if (octokit) {
      try {
        const info = await getPull(octokit, ref, pr.number);
        body = info.body;
        const expected = info.changedFiles;
        changed = await listPullFiles(octokit, ref, pr.number, expected);
        if (!changed)
          messages.push(
            `The pull request changes ${expected} files or more; GitHub lists at most 3,000, so the changed files come from git diff.`,
          );
      } catch (e) {
        messages.push(
          `Could not list the pull request's files through the API (${(e as Error).message}); using git diff.`,
        );
      }
    }
    if (!changed) changed = await diffNames(workspace, baseSha, headSha);
    return { headSha, checkSha: pr.head.sha, baseSha, pullNumber: pr.number, pullBody: body, changed };
  }
  const tag = ctx.ref?.startsWith('refs/tags/') ? ctx.ref.slice('refs/tags/'.length) : undefined;
  const release = (payload.release as { tag_name?: string } | undefined)?.tag_name;
  if (ctx.eventName === 'release' || (ctx.eventName === 'push' && tag !== undefined)) {
    // A release: score every unit at the tagged commit; the trend puts it next to earlier releases.
    return { headSha: ctx.sha, release: release ?? tag ?? ctx.sha.slice(0, 12) };
  }
  if (ctx.eventName === 'push') {
    const before = String(payload.before ?? '');
    const headSha = ctx.sha;
    if (/^[0-9a-f]{40}$/.test(before) && !/^0+$/.test(before)) {
      try {
        await ensureCommit(workspace, before);
        return { headSha, baseSha: before };
      } catch (e) {
        messages.push(
          `Could not fetch the previous commit ${before.slice(0, 12)}: ${(e as Error).message}; scanning without a base.`,
        );
      }
    }
    return { headSha };
  }
  // workflow_dispatch, schedule and anything else: a whole-repository scan of the checked-out commit.
  return { headSha: ctx.sha };
}

function currentRunUrl(): string | undefined {
  const server = process.env.GITHUB_SERVER_URL ?? 'https://github.com';
  const repo = process.env.GITHUB_REPOSITORY;
  const id = process.env.GITHUB_RUN_ID;
  return repo && id && /^\d+$/.test(id) ? `${server}/${repo}/actions/runs/${id}` : undefined;
}

function blobUrlFor(ref: RepoRef, sha: string): string {
  const server = process.env.GITHUB_SERVER_URL ?? 'https://github.com';
  return `${server}/${ref.owner}/${ref.repo}/blob/${sha}/`;
}

interface PublishContext {
  verdict: GateVerdict;
  inputs: Inputs;
  workspace: string;
  octokit: Octokit | undefined;
  ref: RepoRef;
  scope: EventScope;
  policySource: string;
  gateScope: GateUnitInput[];
  trend?: Trend;
}

/** Annotations, job summary, JSON report, SARIF, badge: what every run writes on the runner. */
async function writeRunnerReports(c: PublishContext): Promise<ReturnType<typeof buildAnnotations>> {
  const { verdict, inputs, workspace, ref, scope } = c;
  const annotations = buildAnnotations(verdict);
  const selected = selectWithinBudget(annotations, 10);
  for (const a of selected.printed) {
    const props = {
      file: a.path,
      startLine: a.startLine,
      endLine: a.endLine,
      title: a.title,
      ...(a.startColumn ? { startColumn: a.startColumn } : {}),
    };
    if (a.level === 'failure') core.error(a.message, props);
    else if (a.level === 'warning') core.warning(a.message, props);
    else core.notice(a.message, props);
  }
  if (selected.omitted > 0)
    core.info(`${selected.omitted} more findings are in the job summary, the check run and the reports.`);

  const blobUrl = blobUrlFor(ref, scope.checkSha ?? scope.headSha);
  let summary = renderJobSummary(verdict, { omittedAnnotations: selected.omitted, blobUrl });
  if (c.trend && c.trend.units.length > 0) {
    const trendMarkdown = renderTrendMarkdown(c.trend, { headingLevel: 2 });
    // The summary's own cap leaves the trend room only when it is small; the report always has it.
    if (summary.length + trendMarkdown.length < 1_000_000) summary += `\n${trendMarkdown}\n`;
  }
  await core.summary.addRaw(summary, true).write();

  const report = {
    ...renderJsonReport(verdict, {
      toolVersion: VERSION,
      generatedAt: new Date().toISOString(),
      repository: `${ref.owner}/${ref.repo}`,
      commit: scope.headSha,
      ...(scope.baseSha ? { baseCommit: scope.baseSha } : {}),
      ...(scope.pullNumber !== undefined ? { pullRequest: scope.pullNumber } : {}),
      policy: c.policySource,
    }),
    ...(c.trend ? { trend: JSON.parse(renderTrendJson(c.trend)) as unknown } : {}),
  };
  const reportPath = writeInsideWorkspace(
    workspace,
    inputs.report || 'unitgate-report.json',
    'report',
    JSON.stringify(report, null, 2) + '\n',
  );
  core.setOutput('report', reportPath);

  let sarifPath = '';
  if (inputs.sarif !== '') {
    const sarif = renderSarif(verdict, {
      toolVersion: VERSION,
      category: 'unitgate',
      informationUri: 'https://github.com/unitgate/unitgate',
    });
    sarifPath = writeInsideWorkspace(workspace, inputs.sarif, 'sarif', JSON.stringify(sarif, null, 2) + '\n');
  }
  core.setOutput('sarif-file', sarifPath);

  if (inputs.badge !== '') {
    writeInsideWorkspace(workspace, inputs.badge, 'badge', JSON.stringify(renderBadge(verdict)) + '\n');
  }
  return annotations;
}

/** The writes to GitHub: check run, sticky comment, review suggestions. Each failure is a warning. */
async function publishToGitHub(
  c: Pick<PublishContext, 'verdict' | 'inputs' | 'octokit' | 'ref' | 'trend'> & {
    checkSha: string;
    pullNumber?: number;
    runUrl?: string;
    revision?: number;
    gateScope?: GateUnitInput[];
  },
): Promise<void> {
  const { verdict, inputs, octokit, ref } = c;
  if (!octokit) return;
  const annotations = buildAnnotations(verdict);
  const blobUrl = blobUrlFor(ref, c.checkSha);
  if (inputs.checkRun) {
    try {
      const conclusion =
        verdict.result === 'fail' ? 'failure' : verdict.mode === 'report' ? 'neutral' : 'success';
      const title =
        verdict.result === 'fail' ? 'Service hardening gate failed' : 'Service hardening gate passed';
      const text = renderJobSummary(verdict, { maxBytes: 65000, blobUrl });
      await publishCheckRun(octokit, ref, c.checkSha, conclusion, title, text, checkRunBatches(annotations));
    } catch (e) {
      if (isWriteDenied(e)) {
        core.warning(
          `Could not create the check run (the token may be read-only, as on fork pull requests): ${(e as Error).message}`,
        );
      } else core.warning(`Could not create the check run: ${(e as Error).message}`);
    }
  }
  if (c.pullNumber === undefined) return;
  const log = (m: string): void => core.info(m);
  const stamp = c.revision !== undefined ? { revision: c.revision } : {};
  if (inputs.comment) {
    const result =
      verdict.units.length === 0
        ? await resolveStickyComment(
            octokit,
            ref,
            c.pullNumber,
            renderResolvedComment(c.runUrl ? { runUrl: c.runUrl } : {}),
            log,
            stamp,
          )
        : await upsertStickyComment(
            octokit,
            ref,
            c.pullNumber,
            renderPullRequestComment(verdict, {
              ...(c.runUrl ? { runUrl: c.runUrl } : {}),
              blobUrl,
              ...(c.trend && c.trend.units.length > 0
                ? { trendMarkdown: renderTrendMarkdown(c.trend, { headingLevel: 3 }) }
                : {}),
            }),
            log,
            stamp,
          );
    if (result.warning) core.warning(`Could not write the pull request comment: ${result.warning}`);
  }
  if (inputs.suggestions && c.gateScope) {
    try {
      const { patches, renames } = await listPullPatches(octokit, ref, c.pullNumber);
      const planned = planSuggestions(verdict, c.gateScope, patches, { renames });
      if (planned.length > 0) {
        const posted = await postSuggestions(octokit, ref, c.pullNumber, c.checkSha, planned, log);
        if (posted.warning) core.warning(`Could not post review suggestions: ${posted.warning}`);
      }
    } catch (e) {
      core.warning(`Could not prepare review suggestions: ${(e as Error).message}`);
    }
  }
}

/**
 * The `workflow_run` side of the fork-safe pattern: publishes the bundle a `pull_request` run left as an
 * artifact. Runs no gate and reads no pull request code; the bundle is validated before anything is
 * written, and everything in it is rendered (and escaped) again.
 */
async function publishFromArtifact(
  inputs: Inputs,
  workspace: string,
  octokit: Octokit | undefined,
  ref: RepoRef,
): Promise<number> {
  const run = (
    github.context.payload as {
      workflow_run?: { head_sha?: string; html_url?: string; pull_requests?: { number: number }[] };
    }
  ).workflow_run;
  if (!run?.head_sha)
    throw new ConfigError(
      'publish: from-artifact runs on the workflow_run event (the event has no workflow_run)',
    );
  const file = join(insideWorkspace(workspace, inputs.publishDir, 'publish-dir'), PUBLISH_BUNDLE_FILE);
  let text: string;
  try {
    const st = lstatSync(file);
    if (!st.isFile()) throw new ConfigError(`${file} is not a regular file`);
    if (st.size > MAX_BUNDLE_BYTES)
      throw new ConfigError(`the publish bundle is larger than ${MAX_BUNDLE_BYTES} bytes`);
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(
      `cannot read the publish bundle ${inputs.publishDir}/${PUBLISH_BUNDLE_FILE}: ${(e as NodeJS.ErrnoException).code ?? e}`,
    );
  }
  const listed = (run.pull_requests ?? []).map((p) => p.number);
  let pullNumbers = listed;
  if (pullNumbers.length === 0 && octokit) {
    // GitHub leaves workflow_run.pull_requests empty for forks: trust the bundle's number only when that
    // pull request's head really is the commit this run is about.
    const claimed = (JSON.parse(text) as { pullNumber?: unknown }).pullNumber;
    if (typeof claimed === 'number' && Number.isInteger(claimed) && claimed > 0) {
      const pull = await getPull(octokit, ref, claimed).catch(() => undefined);
      if (pull && pull.headSha === run.head_sha) pullNumbers = [claimed];
    }
  }
  const checked = parsePublishBundle(text, {
    repository: `${ref.owner}/${ref.repo}`,
    pullNumbers,
    headSha: run.head_sha,
  });
  if (!checked.ok) throw new ConfigError(`refusing the publish bundle: ${checked.error}`);
  const b = checked.bundle;
  await core.summary
    .addRaw(renderJobSummary(b.verdict, { blobUrl: blobUrlFor(ref, b.headSha) }), true)
    .write();
  await publishToGitHub({
    verdict: b.verdict,
    inputs,
    octokit,
    ref,
    ...(b.trend ? { trend: b.trend } : {}),
    checkSha: b.headSha,
    pullNumber: b.pullNumber,
    ...(b.runUrl ? { runUrl: b.runUrl } : {}),
    ...(b.runId !== undefined ? { revision: b.runId } : {}),
  });
  core.setOutput('result', b.verdict.result);
  core.setOutput(
    'max-exposure',
    b.verdict.maxExposure !== undefined ? formatExposure(b.verdict.maxExposure) : '',
  );
  core.setOutput(
    'failed-units',
    JSON.stringify(
      b.verdict.units.filter((u) => u.status === 'fail' || u.status === 'error').map((u) => u.path),
    ),
  );
  core.info(`Published the unitgate results of pull request #${b.pullNumber} (${b.verdict.result}).`);
  return 0;
}

export async function run(): Promise<number> {
  try {
    const inputs = readInputs();
    const workspace = resolve(process.env.GITHUB_WORKSPACE ?? process.cwd());
    if (inputs.publish === 'from-artifact') {
      const [o, r] = (process.env.GITHUB_REPOSITORY ?? '/').split('/') as [string, string];
      return await publishFromArtifact(
        inputs,
        workspace,
        inputs.token ? createOctokit(inputs.token, (m) => core.info(m)) : undefined,
        { owner: o, repo: r },
      );
    }
    const headPolicy = readPolicy(workspace, inputs);
    const policyPath = headPolicy.path ?? (inputs.policy || DEFAULT_POLICY_PATH);
    const [owner, repo] = (process.env.GITHUB_REPOSITORY ?? '/').split('/') as [string, string];
    const ref = { owner, repo };
    const octokit = inputs.token ? createOctokit(inputs.token, (m) => core.info(m)) : undefined;
    const messages: string[] = [];
    const scope = await resolveScope(workspace, octokit, ref, messages);
    let policy = headPolicy.policy;
    let policySource = headPolicy.path ?? 'built-in baseline';
    if (scope.pullNumber !== undefined && scope.baseSha) {
      const base = await basePolicy(workspace, scope.baseSha, policyPath);
      policy = base.policy;
      policySource =
        base.text !== undefined
          ? `${policyPath} at the base commit`
          : 'built-in baseline (no policy at the base commit)';
      if ((base.text ?? '') !== (headPolicy.text ?? '')) {
        messages.push(
          `This pull request changes ${policyPath}; it is judged by the base branch's policy, and the new policy applies once merged.`,
        );
      }
    }
    applyInputOverrides(policy, inputs);
    const head: TreeSource = await commitSource(workspace, scope.headSha);
    const base = scope.baseSha ? await commitSource(workspace, scope.baseSha) : undefined;

    let approvals: { login: string; teams: string[] }[] = [];
    if (octokit && scope.pullNumber !== undefined && policy.signoff.length > 0) {
      const teams = [
        ...new Set(
          policy.signoff
            .flatMap((r) => r.approvers)
            .filter((a) => a.includes('/'))
            .map((a) => a.replace(/^@/, '')),
        ),
      ];
      try {
        approvals = await listApprovals(
          octokit,
          ref,
          scope.pullNumber,
          teams,
          (m) => messages.push(m),
          scope.checkSha,
        );
      } catch (e) {
        messages.push(`Could not read the pull request's reviews: ${(e as Error).message}`);
      }
    }

    const { verdict, scope: gateScope } = runGatePipeline({
      head,
      ...(base ? { base } : {}),
      ...(scope.changed ? { changed: scope.changed } : {}),
      policy,
      policyPath,
      ...(scope.pullBody !== undefined ? { pullRequestBody: scope.pullBody } : {}),
      approvals,
      today: today(),
      messages,
      pathFilters: inputs.paths,
    });

    const runId = Number(process.env.GITHUB_RUN_ID);
    const runUrl = currentRunUrl();
    let trend: Trend | undefined;
    const trendMessages: string[] = [];
    if (inputs.trend && (scope.pullNumber !== undefined || scope.release)) {
      try {
        trend = await collectTrend(workspace, {
          pattern: inputs.trendTags,
          limit: inputs.trendLimit,
          policy,
          // A release's own tag is already a column; a pull request adds its base and head.
          ...(scope.release ? {} : { head: scope.headSha }),
          ...(scope.baseSha ? { base: scope.baseSha } : {}),
          ...(scope.release ? {} : { unitPaths: verdict.units.map((u) => u.path) }),
          messages: trendMessages,
        });
        // Without release tags there is no trend to show (base and head are in the table already).
        if (!trend.releases.some((r) => r.kind === 'tag')) trend = undefined;
        // A repository without release tags is normal: only say something when a tag could not be used.
        verdict.messages.push(...trendMessages.filter((m) => !m.startsWith('No tag matches')));
      } catch (e) {
        verdict.messages.push(`The trend across releases is not available: ${(e as Error).message}`);
      }
    }
    const context: PublishContext = {
      verdict,
      inputs,
      workspace,
      octokit,
      ref,
      scope,
      policySource,
      gateScope,
      ...(trend ? { trend } : {}),
    };
    await writeRunnerReports(context);
    if (inputs.publish === 'artifact') {
      if (scope.pullNumber === undefined) throw new ConfigError('publish: artifact is for pull_request runs');
      const bundle = createPublishBundle(verdict, {
        repository: `${ref.owner}/${ref.repo}`,
        pullNumber: scope.pullNumber,
        headSha: scope.checkSha ?? scope.headSha,
        ...(trend ? { trend } : {}),
        ...(runUrl ? { runUrl } : {}),
        ...(Number.isInteger(runId) && runId > 0 ? { runId } : {}),
      });
      const written = writeInsideWorkspace(
        workspace,
        join(inputs.publishDir, PUBLISH_BUNDLE_FILE),
        'publish bundle',
        JSON.stringify(bundle) + '\n',
      );
      core.info(`Wrote ${written} for the workflow_run side to publish.`);
    } else {
      await publishToGitHub({
        verdict,
        inputs,
        octokit,
        ref,
        ...(trend ? { trend } : {}),
        checkSha: scope.checkSha ?? scope.headSha,
        ...(scope.pullNumber !== undefined ? { pullNumber: scope.pullNumber } : {}),
        ...(runUrl ? { runUrl } : {}),
        ...(Number.isInteger(runId) && runId > 0 ? { revision: runId } : {}),
        gateScope,
      });
    }
    const failed = verdict.units
      .filter((u) => u.status === 'fail' || u.status === 'error')
      .map((u) => u.path);
    core.setOutput('result', verdict.result);
    core.setOutput(
      'max-exposure',
      verdict.maxExposure !== undefined ? formatExposure(verdict.maxExposure) : '',
    );
    core.setOutput('failed-units', JSON.stringify(failed));
    for (const m of verdict.messages) core.info(m);
    if (verdict.result === 'fail') {
      core.setFailed(
        `unitgate: ${failed.length} unit${failed.length === 1 ? '' : 's'} failed the hardening gate: ${failed.join(', ')}`,
      );
      return 1;
    }
    core.info(
      `unitgate: ${verdict.units.length} unit${verdict.units.length === 1 ? '' : 's'} in scope, gate ${verdict.result === 'pass' ? 'passed' : 'failed'} (${verdict.mode}).`,
    );
    return 0;
  } catch (e) {
    const known = e instanceof ConfigError || e instanceof GitError;
    const message = known
      ? (e as Error).message
      : `internal error: ${(e as Error).message ?? String(e)} (set ACTIONS_STEP_DEBUG for details)`;
    if (!known) core.debug((e as Error).stack ?? String(e));
    // A configuration or tool error is not a gate verdict: report it plainly and exit 2.
    core.setOutput('result', 'fail');
    core.error(message);
    process.exitCode = 2;
    return 2;
  }
}

if (require.main === module) {
  void run().then((code) => {
    process.exitCode = code;
  });
}
