// The action from typed settings to exit status, with git, GitHub and the runner injected: `main.ts`
// wires the real ones, the in-process gate scenarios pass a recording runner and an octokit that
// talks to the fake GitHub. Exit status: 0 pass, 1 gate failed, 2 tool or configuration error.
// Outputs (`result` first) are set before anything optional is published; optional writes (check
// run, comment) that fail are warnings, never failures.
import { lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectFindings, isUnitFinding } from '../core/gate/findings';
import { buildAnnotations, checkRunBatches, selectWithinBudget } from '../core/report/annotations';
import { renderJobSummary } from '../core/report/job-summary';
import { FILE_FORMATS, type ReportInput } from '../core/report/formats';
import { renderPullRequestComment, renderResolvedComment } from '../core/report/pr-comment';
import { planSuggestions } from '../core/report/suggestions';
import {
  createPublishBundle,
  MAX_BUNDLE_BYTES,
  parsePublishBundle,
  PUBLISH_BUNDLE_FILE,
} from '../core/report/publish-bundle';
import { type Trend } from '../core/trend/trend';
import { renderTrendJson, renderTrendMarkdown } from '../core/report/trend-report';
import type { Approval, GateUnitInput, PullRequestFacts } from '../core/gate/evaluate-gate';
import type { GatePolicy } from '../core/policy/policy-types';
import type { GateVerdict, RunFinding } from '../core/gate/gate-types';
import { matchesGlob } from '../core/policy/match-glob';
import { applyWorkflowInputs } from '../core/policy/workflow-inputs';
import { formatExposure } from '../core/security/render-security';
import { collectTrend } from '../io/trend-history';
import {
  listPullPatches,
  postSuggestions,
  resolveStickyComment,
  upsertStickyComment,
  type StickyCommentOptions,
} from '../io/sticky-comment';
import { commitSource, runGatePipeline, type TreeSource } from '../io/gate-pipeline';
import {
  BlobReader,
  diffNames,
  ensureCommit,
  fetchHistory,
  GitError,
  hasCommit,
  isAncestor,
  mergeBase,
  resolveCommit,
} from '../io/git';
import {
  getPull,
  headCommitLogins,
  listReviews,
  pullBodyEditedAt,
  MAX_CHECK_RUN_ANNOTATIONS,
  publishCheckRun,
  tokenLogin,
  type Octokit,
  type RepoRef,
} from '../io/github';
import {
  resolveEventScope,
  type ActionEvent,
  type EventScope,
  type ScopeGit,
  type ScopeGitHub,
} from './event-scope';
import { outputPath, outputRoots, writeConfined } from './output-files';
import { applyFailOn, levelFails, type FailOn } from '../core/gate/fail-on';
import { unsupportedRunner } from './platform';
import { confinedPath } from '../io/confined-path';
import { proposedPolicyChange, readGoverningPolicy, workspacePolicyText } from '../io/governing-policy';
import type { AnnotationProperties, Runner, RunnerEnvironment } from './runner';
import { ConfigError, type ActionSettings } from './settings';
import { UNITGATE_VERSION } from '../version';
import { expiringNotes, type ExpiringNote } from '../core/gate/note-expiry';
import { selectScope } from '../core/gate/scope';
import { publishDriftReport, readSnapshotFiles, runDriftReport, type DriftOutcome } from './drift-mode';
import { isScheduledRun, otherBranch, publishNoteExpiry } from './scheduled-reports';

export interface ActionDeps {
  /** GITHUB_WORKSPACE: the checked-out repository. */
  workspace: string;
  event: ActionEvent;
  environment: RunnerEnvironment;
  runner: Runner;
  /** An octokit for the token, or undefined without one. */
  octokit?: Octokit | undefined;
  /** Today as YYYY-MM-DD (deviation notes expire) and the time for report stamps. */
  now(): Date;
  /** The runner's operating system (process.platform); some are refused before anything runs. */
  platform?: NodeJS.Platform;
}

/** What a run ended with, for the entry point (exit status) and for in-process tests. */
export interface ActionResult {
  exitCode: number;
  verdict?: GateVerdict;
}

/** GitHub shows at most ten annotations of each level per step. */
const ANNOTATIONS_PER_LEVEL = 10;

function isWriteDenied(e: unknown): boolean {
  const status = (e as { status?: number }).status;
  return status === 403 || status === 404 || status === 401;
}

function repoRef(environment: RunnerEnvironment): RepoRef {
  const [owner = '', repo = ''] = environment.repository.split('/');
  return { owner, repo };
}

function blobUrlFor(environment: RunnerEnvironment, sha: string): string {
  return `${environment.serverUrl}/${environment.repository}/blob/${sha}/`;
}

function currentRunUrl(environment: RunnerEnvironment): string | undefined {
  return environment.repository && environment.runId !== undefined
    ? `${environment.serverUrl}/${environment.repository}/actions/runs/${environment.runId}`
    : undefined;
}

function scopeGit(workspace: string): ScopeGit {
  return {
    hasCommit: (sha) => hasCommit(workspace, sha),
    ensureCommit: (sha) => ensureCommit(workspace, sha),
    deepen: (sha) => fetchHistory(workspace, sha),
    mergeBase: (a, b) => mergeBase(workspace, a, b),
    isAncestor: (a, b) => isAncestor(workspace, a, b),
    diffNames: (a, b) => diffNames(workspace, a, b),
    resolveCommit: (ref) => resolveCommit(workspace, ref),
  };
}

function scopeGitHub(octokit: Octokit | undefined, ref: RepoRef): ScopeGitHub | undefined {
  if (!octokit) return undefined;
  return {
    getPull: (n) => getPull(octokit, ref, n),
    pullsOfCommit: async (sha) => {
      const { data } = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({
        ...ref,
        commit_sha: sha,
      });
      return data.map((p) => p.number);
    },
  };
}

/** `paths` globs that match no unit file of the head tree: a typo there would filter out every unit. */
function unmatchedGlobs(globs: readonly string[], paths: readonly string[]): string[] {
  return globs.filter((g) => !paths.some((p) => matchesGlob(g, p)));
}

function failedUnits(verdict: GateVerdict): string[] {
  return verdict.units.filter((u) => u.status === 'fail' || u.status === 'error').map((u) => u.path);
}

/**
 * The action's outputs: set before anything optional is published, `result` first (`fail` too when a
 * scheduled run's drift fails, whatever the gate said).
 */
function setResultOutputs(runner: Runner, verdict: GateVerdict, driftFails = false): void {
  runner.setOutput('result', driftFails ? 'fail' : verdict.result);
  runner.setOutput(
    'max-exposure',
    verdict.maxExposure !== undefined ? formatExposure(verdict.maxExposure) : '',
  );
  runner.setOutput('failed-units', JSON.stringify(failedUnits(verdict)));
}

interface Context {
  settings: ActionSettings;
  deps: ActionDeps;
  ref: RepoRef;
  scope: EventScope;
  policyDescription: string;
  verdict: GateVerdict;
  gateScope: GateUnitInput[];
  trend?: Trend;
}

/**
 * The runner with at most `limits` annotations of each level: GitHub shows ten per step and drops the
 * rest without a word, so later ones (a check run that could not be written, say) become log lines.
 */
function withAnnotationBudget(
  runner: Runner,
  limits: Record<'error' | 'warning' | 'notice', number>,
): Runner {
  const used = { error: 0, warning: 0, notice: 0 };
  const annotate =
    (level: 'error' | 'warning' | 'notice') =>
    (message: string, properties?: AnnotationProperties): void => {
      if (used[level] < limits[level]) {
        used[level]++;
        runner[level](message, properties);
      } else runner.info(`${level}: ${message}`);
    };
  return {
    info: (m) => runner.info(m),
    debug: (m) => runner.debug(m),
    setOutput: (name, value) => runner.setOutput(name, value),
    appendSummary: (markdown) => runner.appendSummary(markdown),
    error: annotate('error'),
    warning: annotate('warning'),
    notice: annotate('notice'),
  };
}

/** The verdict's own error line counts against the ten error annotations GitHub shows. */
function verdictLine(verdict: GateVerdict, failOn: FailOn = 'error'): string | undefined {
  if (verdict.result !== 'fail') return undefined;
  const failed = failedUnits(verdict);
  const runErrors = (verdict.runFindings ?? []).filter((f) => f.level === 'error').length;
  if (failed.length === 0 && runErrors === 0 && failOn !== 'error') {
    const failing = collectFindings(verdict).filter((f) => levelFails(f.level, failOn)).length;
    return `unitgate: the run has ${failing} finding${failing === 1 ? '' : 's'} that fail the gate (fail-on: ${failOn})`;
  }
  if (failed.length === 0)
    return `unitgate: the run has ${runErrors} error${runErrors === 1 ? '' : 's'}; the gate failed`;
  return `unitgate: ${failed.length} unit${failed.length === 1 ? '' : 's'} failed the hardening gate: ${failed.join(', ')}`;
}

/** Annotations (within GitHub's per-step limits, verdict included), job summary, JSON report, SARIF, badge. */
async function writeRunnerReports(c: Context): Promise<void> {
  const { verdict, settings, deps, scope } = c;
  const runner = deps.runner;
  const roots = outputRoots(deps.workspace, deps.environment.runnerTemp);
  const findings = collectFindings(verdict);
  const verdictError = verdictLine(verdict, settings.failOn);
  const used = { error: verdictError ? 1 : 0, warning: 0 };
  let omitted = 0;
  for (const f of findings) {
    // Findings about the run itself have no line; in report mode they are warnings (findings.ts).
    if (isUnitFinding(f) || f.level === 'notice') continue;
    const level = f.level;
    if (used[level] >= ANNOTATIONS_PER_LEVEL) {
      omitted++;
      continue;
    }
    used[level]++;
    if (level === 'error') runner.error(f.message, { title: 'unitgate' });
    else runner.warning(f.message, { title: 'unitgate' });
  }
  // Each level on its own: the warnings the run findings used leave the notices their ten.
  const annotations = buildAnnotations(findings);
  const ofLevel = (level: string, room: number) =>
    selectWithinBudget(
      annotations.filter((a) => a.level === level),
      Math.max(0, room),
    );
  const levels = [
    ofLevel('failure', ANNOTATIONS_PER_LEVEL - used.error),
    ofLevel('warning', ANNOTATIONS_PER_LEVEL - used.warning),
    ofLevel('notice', ANNOTATIONS_PER_LEVEL),
  ];
  const printed = levels.flatMap((l) => l.printed);
  omitted += levels.reduce((n, l) => n + l.omitted, 0);
  for (const a of printed) {
    const props = {
      file: a.path,
      startLine: a.startLine,
      endLine: a.endLine,
      title: a.title,
      ...(a.startColumn ? { startColumn: a.startColumn } : {}),
    };
    if (a.level === 'failure') runner.error(a.message, props);
    else if (a.level === 'warning') runner.warning(a.message, props);
    else runner.notice(a.message, props);
  }
  if (omitted > 0)
    runner.info(`${omitted} more findings are in the job summary, the check run and the reports.`);

  const blobUrl = blobUrlFor(deps.environment, scope.checkSha ?? scope.headSha);
  // Removed lines are cited at the merge base: they link the base commit's blob.
  const baseBlobUrl = scope.baseSha ? blobUrlFor(deps.environment, scope.baseSha) : undefined;
  let summary = renderJobSummary(
    verdict,
    { omittedAnnotations: omitted, blobUrl, ...(baseBlobUrl ? { baseBlobUrl } : {}) },
    findings,
  );
  if (c.trend && c.trend.units.length > 0) {
    const trendMarkdown = renderTrendMarkdown(c.trend, { headingLevel: 2 });
    // The summary's own cap leaves the trend room only when it is small; the report always has it.
    if (summary.length + trendMarkdown.length < 1_000_000) summary += `\n${trendMarkdown}\n`;
  }
  await runner.appendSummary(summary);

  const input: ReportInput = {
    verdict,
    findings,
    meta: {
      toolVersion: UNITGATE_VERSION,
      generatedAt: deps.now().toISOString(),
      repository: deps.environment.repository,
      commit: scope.headSha,
      ...(scope.baseSha ? { baseCommit: scope.baseSha } : {}),
      ...(scope.pullNumber !== undefined ? { pullRequest: scope.pullNumber } : {}),
      policy: c.policyDescription,
    },
    ...(c.trend ? { trend: JSON.parse(renderTrendJson(c.trend)) as unknown } : {}),
    blobUrl,
    ...(baseBlobUrl ? { baseBlobUrl } : {}),
  };
  // Every format the action writes to a file, as its input names it (REPORT_FORMATS).
  for (const format of FILE_FORMATS) {
    const file = settings.files[format.name];
    const written = file
      ? writeConfined(
          roots,
          outputPath(roots, deps.workspace, deps.environment.runnerTemp, file),
          format.actionInput.name,
          format.render(input),
        )
      : '';
    if (format.actionInput.output) runner.setOutput(format.actionInput.output, written);
  }
}

interface PublishTarget {
  verdict: GateVerdict;
  trend?: Trend;
  checkSha: string;
  /** The merge base the verdict compared with (removed lines link its blobs). */
  baseSha?: string;
  pullNumber?: number;
  runUrl?: string;
  revision?: number;
  gateScope?: GateUnitInput[];
}

/** The writes to GitHub: check run, sticky comment, review suggestions. Each failure is a warning. */
async function publishToGitHub(settings: ActionSettings, deps: ActionDeps, t: PublishTarget): Promise<void> {
  const { verdict } = t;
  const octokit = deps.octokit;
  const runner = deps.runner;
  if (!octokit) return;
  const ref = repoRef(deps.environment);
  const blobUrl = blobUrlFor(deps.environment, t.checkSha);
  const links = { blobUrl, ...(t.baseSha ? { baseBlobUrl: blobUrlFor(deps.environment, t.baseSha) } : {}) };
  const findings = collectFindings(verdict);
  if (settings.checkRun) {
    try {
      const annotations = buildAnnotations(findings);
      const published = annotations.slice(0, MAX_CHECK_RUN_ANNOTATIONS);
      const conclusion =
        verdict.result === 'fail' ? 'failure' : verdict.mode === 'report' ? 'neutral' : 'success';
      const title =
        verdict.result === 'fail' ? 'Service hardening gate failed' : 'Service hardening gate passed';
      let text = renderJobSummary(verdict, { maxBytes: 64000, ...links }, findings);
      if (published.length < annotations.length)
        text += `\n\n${annotations.length - published.length} more annotations are in the job summary and the reports.`;
      await publishCheckRun(octokit, ref, t.checkSha, conclusion, title, text, checkRunBatches(published));
    } catch (e) {
      if (isWriteDenied(e))
        runner.warning(
          `Could not create the check run (the token may be read-only, as on fork pull requests): ${(e as Error).message}`,
        );
      else runner.warning(`Could not create the check run: ${(e as Error).message}`);
    }
  }
  if (t.pullNumber === undefined) return;
  const log = (m: string): void => runner.info(m);
  const stamp: StickyCommentOptions = t.revision !== undefined ? { revision: t.revision } : {};
  if (settings.comment) {
    // Only the token's own comments are ours: anyone (another app too) can paste the marker.
    const author = await tokenLogin(octokit).catch((e: unknown) => {
      runner.info(
        `Could not tell who the token acts as (${(e as Error).message}); only comments by github-actions[bot] are taken for unitgate's.`,
      );
      return undefined;
    });
    if (author) stamp.author = author;
    const result =
      verdict.units.length === 0 && (verdict.runFindings ?? []).length === 0
        ? await resolveStickyComment(
            octokit,
            ref,
            t.pullNumber,
            renderResolvedComment(t.runUrl ? { runUrl: t.runUrl } : {}),
            log,
            stamp,
          )
        : await upsertStickyComment(
            octokit,
            ref,
            t.pullNumber,
            renderPullRequestComment(
              verdict,
              {
                ...(t.runUrl ? { runUrl: t.runUrl } : {}),
                ...links,
                ...(t.trend && t.trend.units.length > 0
                  ? { trendMarkdown: renderTrendMarkdown(t.trend, { headingLevel: 3 }) }
                  : {}),
              },
              findings,
            ),
            log,
            stamp,
          );
    if (result.warning) runner.warning(`Could not write the pull request comment: ${result.warning}`);
  }
  if (settings.suggestions && t.gateScope) {
    try {
      const { patches, renames } = await listPullPatches(octokit, ref, t.pullNumber);
      const planned = planSuggestions(verdict, t.gateScope, patches, { renames });
      if (planned.length > 0) {
        const posted = await postSuggestions(octokit, ref, t.pullNumber, t.checkSha, planned, log);
        if (posted.warning) runner.warning(`Could not post review suggestions: ${posted.warning}`);
      }
    } catch (e) {
      runner.warning(`Could not prepare review suggestions: ${(e as Error).message}`);
    }
  }
}

interface WorkflowRunPayload {
  id?: number;
  head_sha?: string;
  conclusion?: string | null;
  pull_requests?: { number: number }[];
}

/**
 * The `workflow_run` side of the fork-safe pattern: publishes the bundle a `pull_request` run left as an
 * artifact. Runs no gate and reads no pull request code; the bundle is validated before anything is
 * written, and everything in it is rendered (and escaped) again. The bundle is the pull request's
 * (its workflow wrote it): it can never make the outcome better than the first workflow's conclusion,
 * and the run link and id come from the event, not from the bundle.
 */
async function publishFromArtifact(settings: ActionSettings, deps: ActionDeps): Promise<number> {
  const run = deps.event.payload.workflow_run as WorkflowRunPayload | undefined;
  if (!run?.head_sha)
    throw new ConfigError(
      'publish: from-artifact runs on the workflow_run event (the event has no workflow_run)',
    );
  const ref = repoRef(deps.environment);
  const file = join(confinedPath([deps.workspace], settings.publishDir, 'publish-dir'), PUBLISH_BUNDLE_FILE);
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
      `cannot read the publish bundle ${settings.publishDir}/${PUBLISH_BUNDLE_FILE}: ${(e as NodeJS.ErrnoException).code ?? e}`,
    );
  }
  let pullNumbers = (run.pull_requests ?? []).map((p) => p.number);
  if (pullNumbers.length === 0 && deps.octokit) {
    // GitHub leaves workflow_run.pull_requests empty for forks: trust the bundle's number only when that
    // pull request's head really is the commit this run is about.
    let claimed: unknown;
    try {
      claimed = (JSON.parse(text) as { pullNumber?: unknown }).pullNumber;
    } catch {
      claimed = undefined;
    }
    if (typeof claimed === 'number' && Number.isSafeInteger(claimed) && claimed > 0) {
      const pull = await getPull(deps.octokit, ref, claimed).catch(() => undefined);
      if (pull && pull.headSha === run.head_sha) pullNumbers = [claimed];
    }
  }
  const checked = parsePublishBundle(text, {
    repository: deps.environment.repository,
    pullNumbers,
    headSha: run.head_sha,
  });
  if (!checked.ok) throw new ConfigError(`refusing the publish bundle: ${checked.error}`);
  const b = checked.bundle;
  const verdict = b.verdict;
  if (run.conclusion !== 'success' && verdict.result === 'pass') {
    // The first workflow failed (or was cancelled) but its bundle says "pass": it cannot be believed.
    verdict.result = 'fail';
    verdict.messages.push(
      `The pull request's workflow ended "${run.conclusion ?? 'unknown'}" while its bundle says the gate passed; published as failed.`,
    );
  }
  const runId = Number.isSafeInteger(run.id) && (run.id as number) > 0 ? (run.id as number) : undefined;
  const runUrl =
    runId !== undefined
      ? `${deps.environment.serverUrl}/${deps.environment.repository}/actions/runs/${runId}`
      : undefined;
  setResultOutputs(deps.runner, verdict);
  await deps.runner.appendSummary(
    renderJobSummary(verdict, {
      blobUrl: blobUrlFor(deps.environment, b.headSha),
      ...(b.baseSha ? { baseBlobUrl: blobUrlFor(deps.environment, b.baseSha) } : {}),
    }),
  );
  await publishToGitHub(settings, deps, {
    verdict,
    ...(b.trend ? { trend: b.trend } : {}),
    checkSha: b.headSha,
    ...(b.baseSha ? { baseSha: b.baseSha } : {}),
    pullNumber: b.pullNumber,
    ...(runUrl ? { runUrl } : {}),
    ...(runId !== undefined ? { revision: runId } : {}),
  });
  deps.runner.info(`Published the unitgate results of pull request #${b.pullNumber} (${verdict.result}).`);
  // The publishing job did its work; the check run and the comment carry the gate's outcome.
  return 0;
}

/** Every `org/team` the policy names as an approver or owner: their membership decides approvals. */
function policyTeams(policy: GatePolicy): string[] {
  const names = [
    ...policy.signoff.flatMap((r) => r.approvers),
    ...policy.deviations.owners,
    ...[...policy.profiles.values()].flatMap((p) => p.owners ?? []),
  ];
  return [...new Set(names.filter((a) => a.includes('/')).map((a) => a.replace(/^@/, '')))];
}

/**
 * The reviews of the pull request and who may not approve it (its author, the head commit's author,
 * committer and pusher), and when its description was last edited. What cannot be read stays unknown
 * and the gate then accepts no approval that depends on it: it fails closed and says why.
 */
async function pullRequestFacts(
  octokit: Octokit,
  ref: RepoRef,
  pullNumber: number,
  scope: EventScope,
  policy: GatePolicy,
  messages: string[],
): Promise<{ approvals: Approval[]; facts: PullRequestFacts }> {
  const headSha = scope.pullHeadSha ?? scope.checkSha ?? scope.headSha;
  const facts: PullRequestFacts = { headSha, ...(scope.pullAuthor ? { author: scope.pullAuthor } : {}) };
  let approvals: Approval[] = [];
  try {
    const reviews = await listReviews(octokit, ref, pullNumber, policyTeams(policy), (m) => messages.push(m));
    approvals = reviews.approvals;
    facts.unreadableTeams = reviews.unreadableTeams;
  } catch (e) {
    messages.push(`Could not read the pull request's reviews (${(e as Error).message}): no approval counts.`);
  }
  try {
    const logins = await headCommitLogins(octokit, ref, headSha);
    facts.headCommitAuthors = [...new Set([...logins, ...(scope.pusher ? [scope.pusher] : [])])];
  } catch (e) {
    messages.push(
      `Could not read who wrote the head commit ${headSha.slice(0, 12)} (${(e as Error).message}): no approval counts.`,
    );
  }
  try {
    facts.bodyEditedAt = await pullBodyEditedAt(octokit, ref, pullNumber);
  } catch (e) {
    messages.push(
      `Could not read when the pull request's description was last edited (${(e as Error).message}): deviation notes in it do not count.`,
    );
  }
  return { approvals, facts };
}

/** The gate over the event's change (or the whole repository), reported and published. */
async function runGate(settings: ActionSettings, deps: ActionDeps): Promise<ActionResult> {
  const { workspace, runner } = deps;
  const ref = repoRef(deps.environment);
  const messages: string[] = [];
  const runFindings: RunFinding[] = [];
  const scope = await resolveEventScope(
    deps.event,
    scopeGit(workspace),
    scopeGitHub(deps.octokit, ref),
    messages,
    settings.baseRef,
  );
  // base-ref, exclude and working-directory follow the rule of every input (core/policy/workflow-inputs.ts):
  // on pull-request events the workflow is the author's, so an input may only tighten the base policy.
  if (settings.baseRef !== '' && scope.pullRequestEvent)
    runFindings.push({
      kind: 'input-loosens-policy',
      level: 'warning',
      message: `The workflow input base-ref (${settings.baseRef}) is ignored on pull requests: a pull request is compared with the merge base of its base branch, which its workflow cannot choose.`,
    });
  if (settings.baseRef !== '' && scope.release !== undefined)
    messages.push(
      `The workflow input base-ref (${settings.baseRef}) is ignored on releases: a release scores every unit.`,
    );
  const governing = await readGoverningPolicy(
    workspace,
    settings.policy,
    scope.policySha,
    scope.pullRequestEvent,
    runFindings,
  );
  const policy = governing.policy;
  runner.info(`unitgate: judged by ${governing.description}`);
  const policyChange =
    scope.policySha !== undefined && scope.pullRequestEvent
      ? proposedPolicyChange(governing, workspacePolicyText(workspace, governing.path))
      : undefined;
  if (policyChange)
    messages.push(
      `This change edits ${governing.path}; it is judged by the base branch's policy, and the new policy applies once merged.`,
    );
  runFindings.push(
    ...applyWorkflowInputs(
      policy,
      {
        ...(settings.mode ? { mode: settings.mode } : {}),
        ...(settings.threshold !== undefined ? { threshold: settings.threshold } : {}),
        ...(settings.systemdVersion ? { systemdVersion: settings.systemdVersion } : {}),
      },
      scope.pullRequestEvent,
      messages,
    ),
  );

  // One git process reads the blobs of both commits; a file the change leaves alone is read once.
  const blobs = new BlobReader(workspace);
  let head: TreeSource;
  let base: TreeSource | undefined;
  try {
    head = await commitSource(workspace, scope.headSha, blobs);
    base = scope.baseSha ? await commitSource(workspace, scope.baseSha, blobs) : undefined;
  } finally {
    await blobs.close();
  }
  if (settings.exclude.length > 0) {
    if (scope.pullRequestEvent)
      runFindings.push({
        kind: 'input-loosens-policy',
        level: 'warning',
        message: `The workflow input exclude (${settings.exclude.join(', ')}) would leave units out of the gate; on pull requests every unit the change touches is gated. Use the policy's "exclude" on the base branch instead.`,
      });
    else
      policy.exclude.push(
        ...settings.exclude.map((match) => ({
          match,
          reason: `excluded by the workflow input exclude (${match})`,
        })),
      );
  }
  // working-directory narrows the gate to a directory except on pull-request events, where every unit
  // the change touches is gated wherever it is (a pull request's workflow cannot move a changed unit
  // out of scope by pointing elsewhere); units outside it are then named in a warning.
  const directory = scope.pullRequestEvent ? '' : settings.workingDirectory;
  if (directory !== '' && !head.paths.some((p) => p.startsWith(`${directory}/`)))
    runFindings.push({
      kind: 'paths-match-nothing',
      level: 'error',
      message: `The working-directory "${directory}" has no file in the repository: check it for a typo (no unit would be gated).`,
    });
  let pathFilters = settings.paths;
  if (pathFilters.length > 0 && scope.pullRequestEvent) {
    // Which units a change is judged on is the policy's decision (its `exclude`), not the workflow's.
    runFindings.push({
      kind: 'input-loosens-policy',
      level: 'warning',
      message: `The workflow input paths (${pathFilters.join(', ')}) would leave units out of the gate; on pull requests every unit the change touches is gated. Use the policy's "exclude" on the base branch instead.`,
    });
    pathFilters = [];
  }
  for (const glob of unmatchedGlobs(pathFilters, head.paths))
    runFindings.push({
      kind: 'paths-match-nothing',
      level: 'error',
      message: `The paths glob "${glob}" matches no file of the repository: check it for a typo (no unit would be gated through it).`,
    });

  const approvalsPull = scope.pullNumber ?? scope.notesPull;
  const facts =
    deps.octokit && approvalsPull !== undefined
      ? await pullRequestFacts(deps.octokit, ref, approvalsPull, scope, policy, messages)
      : { approvals: [], facts: {} };
  const { verdict, scope: gateScope } = runGatePipeline({
    head,
    ...(base ? { base } : {}),
    ...(scope.changed ? { changed: scope.changed } : {}),
    policy,
    policyPath: governing.path,
    ...(scope.pullBody !== undefined ? { pullRequestBody: scope.pullBody } : {}),
    approvals: facts.approvals,
    pullRequestFacts: facts.facts,
    ...(policyChange ? { policyChange } : {}),
    today: deps.now().toISOString().slice(0, 10),
    messages,
    pathFilters,
    ...(directory !== '' ? { directory } : {}),
  });
  const wd = settings.workingDirectory;
  const outside =
    scope.pullRequestEvent && wd !== '' ? verdict.units.filter((u) => !u.path.startsWith(`${wd}/`)) : [];
  if (outside.length > 0)
    runFindings.push({
      kind: 'input-loosens-policy',
      level: 'warning',
      message: `The workflow input working-directory (${wd}) would leave ${outside.map((u) => u.path).join(', ')} out of the gate; on pull requests every unit the change touches is gated.`,
    });
  verdict.runFindings = [...runFindings, ...(verdict.runFindings ?? [])];
  if (verdict.mode !== 'report' && runFindings.some((f) => f.level === 'error')) verdict.result = 'fail';
  // After the run findings: fail-on counts them too (a refused input is a warning like any other).
  applyFailOn(verdict, settings.failOn);

  // Scheduled runs: drift is computed before any output, so that a snapshot that cannot be read ends
  // the run (status 2) before anything says "pass"; it is published with the rest further down.
  const today = deps.now().toISOString().slice(0, 10);
  const scheduled = isScheduledRun(deps.event);
  let drift: DriftOutcome | undefined;
  if (settings.driftSnapshots.length > 0 && !scheduled)
    verdict.messages.push(
      `The input drift-snapshots is ignored on ${deps.event.name || 'this'} events: post-deploy drift is reported by schedule and workflow_dispatch runs, not by changes.`,
    );
  else if (settings.driftSnapshots.length > 0) {
    const runnerTemp = deps.environment.runnerTemp;
    const files = readSnapshotFiles(
      settings.driftSnapshots,
      outputRoots(workspace, runnerTemp),
      workspace,
      runnerTemp,
    );
    drift = runDriftReport(files, {
      head,
      policy,
      commit: scope.headSha,
      today,
    });
  }

  let trend: Trend | undefined;
  if (settings.trend && (scope.pullNumber !== undefined || scope.release)) {
    const trendMessages: string[] = [];
    try {
      trend = await collectTrend(workspace, {
        pattern: settings.trendTags,
        limit: settings.trendLimit,
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

  // The result first: whatever happens to the optional writes below, the workflow can read it.
  setResultOutputs(runner, verdict, drift?.fails);
  const failLine = verdictLine(verdict, settings.failOn);
  const driftLine = drift?.fails
    ? 'unitgate: the deployed units drift from the repository (see the job summary)'
    : undefined;
  // Every annotation until the verdict line goes through the budget, which keeps that line its place.
  const budgeted: ActionDeps = {
    ...deps,
    runner: withAnnotationBudget(runner, {
      error: ANNOTATIONS_PER_LEVEL - (failLine ? 1 : 0) - (driftLine ? 1 : 0),
      warning: ANNOTATIONS_PER_LEVEL,
      notice: ANNOTATIONS_PER_LEVEL,
    }),
  };
  const context: Context = {
    settings,
    deps: budgeted,
    ref,
    scope,
    policyDescription: governing.description,
    verdict,
    gateScope,
    ...(trend ? { trend } : {}),
  };
  await writeRunnerReports(context);
  const runUrl = currentRunUrl(deps.environment);
  const runId = deps.environment.runId;
  if (settings.publish === 'artifact') {
    if (scope.pullNumber === undefined) throw new ConfigError('publish: artifact is for pull_request runs');
    const bundle = createPublishBundle(verdict, {
      repository: deps.environment.repository,
      pullNumber: scope.pullNumber,
      headSha: scope.checkSha ?? scope.headSha,
      ...(scope.baseSha ? { baseSha: scope.baseSha } : {}),
      ...(trend ? { trend } : {}),
      ...(runUrl ? { runUrl } : {}),
      ...(runId !== undefined ? { runId } : {}),
    });
    const written = writeConfined(
      outputRoots(workspace, deps.environment.runnerTemp),
      join(settings.publishDir, PUBLISH_BUNDLE_FILE),
      'publish bundle',
      JSON.stringify(bundle) + '\n',
    );
    runner.info(`Wrote ${written} for the workflow_run side to publish.`);
  } else {
    await publishToGitHub(settings, budgeted, {
      verdict,
      ...(trend ? { trend } : {}),
      checkSha: scope.checkSha ?? scope.headSha,
      ...(scope.baseSha ? { baseSha: scope.baseSha } : {}),
      ...(scope.pullNumber !== undefined ? { pullNumber: scope.pullNumber } : {}),
      ...(runUrl ? { runUrl } : {}),
      ...(runId !== undefined ? { revision: runId } : {}),
      gateScope,
    });
  }
  if (scheduled) {
    // The whole repository's notes, whatever the inputs narrowed the gate to.
    const whole = scope.changed === undefined && pathFilters.length === 0 && directory === '';
    const units = (whole ? gateScope : selectScope({ head, policy, messages: [] })).filter(
      (u) => !u.excluded,
    );
    await publishScheduled(budgeted, {
      notes: expiringNotes(units, policy.deviations, today),
      warningDays: policy.deviations.expiryWarningDays,
      blobUrl: blobUrlFor(deps.environment, scope.headSha),
      ...(drift ? { drift } : {}),
    });
  }
  for (const m of verdict.messages) runner.info(m);
  if (failLine || driftLine) {
    if (failLine) runner.error(failLine);
    if (driftLine) runner.error(driftLine);
    return { exitCode: 1, verdict };
  }
  runner.info(
    `unitgate: ${verdict.units.length} unit${verdict.units.length === 1 ? '' : 's'} in scope, gate passed (${verdict.mode}).`,
  );
  return { exitCode: 0, verdict };
}

/**
 * A scheduled run's reminders: the expiring deviation notes and the drift (when computed), each to the
 * job summary and its sticky issue. The issue writes are optional: failures are warnings.
 */
async function publishScheduled(
  deps: ActionDeps,
  r: { notes: ExpiringNote[]; warningDays: number; blobUrl: string; drift?: DriftOutcome },
): Promise<void> {
  const { runner, octokit, event, environment } = deps;
  const ref = repoRef(environment);
  const runUrl = currentRunUrl(environment);
  let author: string | undefined;
  if (octokit)
    author = await tokenLogin(octokit).catch((e: unknown) => {
      runner.info(
        `Could not tell who the token acts as (${(e as Error).message}); only issues by github-actions[bot] are taken for unitgate's.`,
      );
      return undefined;
    });
  const branch = otherBranch(event);
  const defaultBranch = (event.payload.repository as { default_branch?: unknown } | undefined)
    ?.default_branch;
  await publishNoteExpiry({
    notes: r.notes,
    warningDays: r.warningDays,
    runner,
    octokit,
    ref,
    ...(author ? { author } : {}),
    blobUrl: r.blobUrl,
    ...(typeof defaultBranch === 'string'
      ? {
          issueBlobUrl: `${environment.serverUrl}/${environment.repository}/blob/${encodeURIComponent(defaultBranch)}/`,
        }
      : {}),
    ...(runUrl ? { runUrl } : {}),
    ...(branch !== undefined ? { branch } : {}),
  });
  if (r.drift)
    await publishDriftReport(r.drift, {
      runner,
      octokit,
      ref,
      ...(author ? { author } : {}),
      ...(runUrl ? { runUrl } : {}),
    });
}

/** Runs the action; never throws (a configuration or tool error is exit status 2 with its reason). */
export async function run(settings: ActionSettings, deps: ActionDeps): Promise<ActionResult> {
  try {
    const unsupported = deps.platform !== undefined ? unsupportedRunner(deps.platform) : undefined;
    if (unsupported !== undefined) throw new ConfigError(unsupported);
    if (settings.publish === 'from-artifact') return { exitCode: await publishFromArtifact(settings, deps) };
    return await runGate(settings, deps);
  } catch (e) {
    const known = e instanceof ConfigError || e instanceof GitError;
    const message = known
      ? (e as Error).message
      : `internal error: ${(e as Error).message ?? String(e)} (set ACTIONS_STEP_DEBUG for details)`;
    if (!known) deps.runner.debug((e as Error).stack ?? String(e));
    // A configuration or tool error is not a gate verdict: report it plainly and exit 2.
    deps.runner.setOutput('result', 'fail');
    deps.runner.error(message);
    return { exitCode: 2 };
  }
}
