// Gate scenarios as data: every directory beside this file is one scenario, its scenario.json typed
// by ScenarioFile below (every key is documented there; an unknown key refuses the scenario, so a
// misspelt expectation is never silently skipped). An action scenario runs in process through the
// action's own run(settings, deps): a real git repository (base, head, the test merge commit, a
// shallow checkout as actions/checkout makes it), the fake GitHub over HTTP validating every request
// and response against GitHub's OpenAPI description, and a runner that records what the action said
// (or, with `stdout`, the real @actions/core runner whose stdout is read as a runner reads it). Later
// runs (`then`) share the repository and the fake's state: a second push of the same pull request, or
// the `workflow_run` that publishes the bundle an earlier run wrote. A CLI scenario (`cli`) runs
// command lines through runCli in a copy of the head tree. The expected verdict and findings are
// compared with the flat findings list every output is made from.
import {
  appendFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createActionsRunner } from '../../src/action/actions-runner';
import type { ActionEvent } from '../../src/action/event-scope';
import { run, type ActionResult } from '../../src/action/run';
import type { Runner } from '../../src/action/runner';
import { parseActionSettings } from '../../src/action/settings';
import { runCli } from '../../src/cli';
import { collectFindings, type Finding } from '../../src/core/gate/findings';
import { STICKY_MARKER } from '../../src/core/report/pr-comment';
import {
  createPublishBundle,
  parsePublishBundle,
  PUBLISH_BUNDLE_FILE,
} from '../../src/core/report/publish-bundle';
import { createOctokit } from '../../src/io/github';
import { RecordingRunner } from '../action/recording-runner';
import { captureStdout, executedCommands } from '../action/workflow-commands';
import { expectValidReport } from '../core/report/report-schema';
import {
  READ_ONLY,
  startFakeGitHub,
  WRITE_ALL,
  type FakeGitHub,
  type OperationId,
  type ReviewState,
} from '../e2e/fake-github';
import { makeGitRepo, type FileTree, type GitRepo } from '../e2e/make-git-repo';
import { readActionInputs, ACTION_YML } from '../e2e/run-action';

type EventName =
  | 'pull_request'
  | 'pull_request_target'
  | 'pull_request_review'
  | 'push'
  | 'merge_group'
  | 'workflow_dispatch'
  | 'workflow_run';

/** One run of the action: the scenario's first, or a later one in `then`. */
interface ActionRun {
  /** Default pull_request. push, merge_group and workflow_dispatch check out the head commit. */
  event?: EventName;
  /** push only: the payload's `before` (default the base commit; "unrelated" is not an ancestor). */
  before?: 'base' | 'zero' | 'missing' | 'unrelated';
  /**
   * workflow_run only: the first workflow the event names. The run's workspace holds nothing but
   * the publish bundle the latest earlier run wrote (`publish: artifact`), changed by `tamper`.
   */
  firstRun?: { id: number; conclusion: string };
  /** workflow_run only: what a fork changes in the bundle before it is uploaded. */
  tamper?: { result?: 'pass' | 'fail'; runUrl?: string; runId?: number };
  /** Run with RUNNER_TEMP set to a fresh directory; `$RUNNER_TEMP` in inputs and outputs names it. */
  runnerTemp?: boolean;
  inputs?: Record<string, string>;
  /** GITHUB_RUN_ID (default 4242). */
  runId?: number;
  /** The day the run happens (deviation notes expire): YYYY-MM-DD. */
  today?: string;
  /**
   * Run through the real createActionsRunner() with GITHUB_STEP_SUMMARY and GITHUB_OUTPUT pointed at
   * temporary files, stdout captured (what was said is still recorded for the expectations).
   */
  stdout?: boolean;
  expect: Expectations;
}

interface Expectations {
  exitCode: number;
  result?: 'pass' | 'fail';
  findings?: ExpectedFinding[];
  messages?: string[];
  absentMessages?: string[];
  /** How many annotations of each level the step printed (absent levels are not checked). */
  annotations?: Partial<Record<'error' | 'warning' | 'notice', number>>;
  /** Substrings each of which some annotation's message must contain. */
  annotated?: string[];
  /** Outputs the run must have set, exactly ($RUNNER_TEMP substituted). */
  outputs?: Record<string, string>;
  /** Files the run must have written ($RUNNER_TEMP substituted, else relative to the workspace). */
  files?: string[];
  /**
   * With `stdout`: every workflow command a runner would execute from the step's stdout is one the
   * action issued (as many of each as it made calls; no unterminated stop-commands).
   */
  commands?: "only-the-action's";
  /** The check runs this run created, in order (`annotations`: how many; `summary`: substrings). */
  checkRuns?: Array<{ status?: string; conclusion?: string; annotations?: number; summary?: string[] }>;
  /** The pull request's whole list of issue comments after the run, in order. */
  comments?: ExpectedComment[];
  /** Nothing the run sent to GitHub (a request body) contains any of these. */
  published?: { absent: string[] };
  /** How many requests this run made to each operation. */
  requests?: Partial<Record<OperationId, number>>;
  /** The `result` output is the first output, set before the first request that publishes. */
  outputsFirst?: boolean;
  /** The run took less than this many milliseconds. */
  maxMs?: number;
  /** The fake must see requests GitHub would refuse (injected failures, read-only tokens). */
  violations?: 'allowed';
}

/** An issue comment: who wrote it, substrings its body has and has not ($STICKY_MARKER expanded). */
interface ExpectedComment {
  user?: string;
  body?: string[];
  absent?: string[];
}

/** A file a scenario.json gives: its text, or a copy of a file of the scenario directory. */
type GivenFile = string | { copyOf: string; count?: number };

/** One step of a CLI scenario, run in the same working directory as the ones before it. */
interface CliStep {
  /** Files to write (text) or delete (null) before the command runs, relative to the working directory. */
  write?: Record<string, string | null>;
  /** Text to add at the end of files (e.g. a line a person adds to a saved drop-in). */
  append?: Record<string, string>;
  argv?: string[];
  /** Saves the command's stdout there (relative to the working directory), e.g. as a drop-in. */
  saveStdoutAs?: string;
  expect?: {
    exitCode: number;
    stdout?: string[];
    absentStdout?: string[];
    stderr?: string;
    /**
     * The "# Exposure: X → Y" line: "lowered" (Y < X), "not-raised" (Y ≤ X) or "unchanged" (Y = X);
     * `fromPrevious`: X is the previous step's Y (the drop-in now in place was taken into account).
     */
    exposure?: 'lowered' | 'not-raised' | 'unchanged';
    fromPrevious?: boolean;
  };
}

interface ScenarioFile extends Partial<ActionRun> {
  title: string;
  item: string;
  /** The API lists only the first this many changed files (`changed_files` says as much). */
  apiFiles?: number;
  symlinks?: { base?: Record<string, string>; head?: Record<string, string> };
  /**
   * Files beside those of the base/ and head/ directories, for names a directory cannot hold (a
   * newline, `::`) or many generated units: with `count`, the path's `{i}` runs from 0 to count - 1.
   */
  files?: { base?: Record<string, GivenFile>; head?: Record<string, GivenFile> };
  pullRequest?: { author?: string; body?: string };
  reviews?: Array<{ user: string; state: ReviewState; commit?: 'head' | 'base' | 'merge' }>;
  teams?: Record<string, string[]>;
  /** Files the base branch changed after the fork point (the base tip's policy governs). */
  baseTip?: Record<string, string | null>;
  /** The fake GitHub's setup, for every run of the scenario. */
  api?: {
    /** The token the action is given: who it acts as (default github-actions[bot]) and what it may do. */
    token?: { login?: string; permissions?: 'read-only' | 'write-all' };
    /** Milliseconds a request may take. */
    timeoutMs?: number;
    fail?: Array<{ endpoint: OperationId | '*'; status: number; message?: string; times?: number }>;
    delay?: Array<{ endpoint: OperationId | 'graphql' | '*'; ms: number; times?: number }>;
    /** Issue comments on the pull request before the first run ($STICKY_MARKER expanded). */
    comments?: Array<{ user: string; body: string }>;
  };
  /** Later runs in the same repository and fake GitHub state, in order. */
  then?: ActionRun[];
  /** A CLI scenario: command lines run in order in a copy of the head tree (no action run). */
  cli?: CliStep[];
}

const RUN_KEYS = [
  'event',
  'before',
  'firstRun',
  'tamper',
  'runnerTemp',
  'inputs',
  'runId',
  'today',
  'stdout',
];
const KEYS = {
  scenario: [
    'title',
    'item',
    'apiFiles',
    'symlinks',
    'files',
    'pullRequest',
    'reviews',
    'teams',
    'baseTip',
    'api',
    'then',
    'cli',
    'expect',
    ...RUN_KEYS,
  ],
  then: [...RUN_KEYS, 'expect'],
  expect: [
    'exitCode',
    'result',
    'findings',
    'messages',
    'absentMessages',
    'annotations',
    'annotated',
    'outputs',
    'files',
    'commands',
    'checkRuns',
    'comments',
    'published',
    'requests',
    'outputsFirst',
    'maxMs',
    'violations',
  ],
  api: ['token', 'timeoutMs', 'fail', 'delay', 'comments'],
  cli: ['write', 'append', 'argv', 'saveStdoutAs', 'expect'],
  cliExpect: ['exitCode', 'stdout', 'absentStdout', 'stderr', 'exposure', 'fromPrevious'],
};

/** Refuses keys the format does not know: a typo must not silently skip an expectation. */
function checkKeys(value: unknown, allowed: string[], where: string): void {
  if (value === undefined) return;
  const unknown = Object.keys(value as object).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) throw new Error(`${where}: unknown key(s) ${unknown.join(', ')}`);
}

function checkScenario(s: ScenarioFile): void {
  checkKeys(s, KEYS.scenario, 'scenario.json');
  checkKeys(s.api, KEYS.api, 'scenario.json api');
  if (s.cli) {
    s.cli.forEach((step, i) => {
      checkKeys(step, KEYS.cli, `scenario.json cli[${i}]`);
      checkKeys(step.expect, KEYS.cliExpect, `scenario.json cli[${i}].expect`);
    });
    if (s.expect || s.then) throw new Error('scenario.json: a cli scenario has no action run');
    return;
  }
  if (!s.expect) throw new Error('scenario.json: no expect');
  checkKeys(s.expect, KEYS.expect, 'scenario.json expect');
  (s.then ?? []).forEach((later, i) => {
    checkKeys(later, KEYS.then, `scenario.json then[${i}]`);
    checkKeys(later.expect, KEYS.expect, `scenario.json then[${i}].expect`);
  });
}

const DIR = __dirname;
const DEFAULT_TODAY = '2026-12-01';
const DEFAULT_RUN_ID = 4242;
const INPUT_DEFAULTS = Object.fromEntries(
  Object.entries(readActionInputs(readFileSync(ACTION_YML, 'utf8'))).map(([name, input]) => [
    name,
    input.default ?? '',
  ]),
);

/** A side's files, read as bytes (a scenario may hold bytes that are not UTF-8), links as links. */
function readTree(root: string): FileTree {
  const tree: FileTree = {};
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      const rel = path.relative(root, full).split(path.sep).join('/');
      const st = lstatSync(full);
      if (st.isSymbolicLink()) tree[rel] = { symlink: readlinkSync(full) };
      else if (st.isDirectory()) walk(full);
      else tree[rel] = readFileSync(full);
    }
  };
  try {
    walk(root);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  return tree;
}

/** A side's tree: its directory, the scenario's symlinks and given files. */
function sideTree(
  dir: string,
  links: Record<string, string> | undefined,
  given: Record<string, GivenFile> | undefined,
): FileTree {
  const out = readTree(dir);
  for (const [link, target] of Object.entries(links ?? {})) out[link] = { symlink: target };
  for (const [name, file] of Object.entries(given ?? {})) {
    if (typeof file === 'string') {
      out[name] = file;
      continue;
    }
    const bytes = readFileSync(path.join(dir, '..', file.copyOf));
    if (file.count === undefined) out[name] = bytes;
    else for (let i = 0; i < file.count; i++) out[name.split('{i}').join(String(i))] = bytes;
  }
  return out;
}

const ZERO_SHA = '0'.repeat(40);

/** The event as the runner would give it, consistent with the repository and the fake's pull request. */
function eventFor(step: ActionRun, scenario: ScenarioFile, repo: GitRepo, fake: FakeGitHub): ActionEvent {
  const name = step.event ?? 'pull_request';
  const author = scenario.pullRequest?.author ?? 'octocat';
  const repository = { full_name: `${fake.repo.owner}/${fake.repo.name}` };
  switch (name) {
    case 'pull_request':
    case 'pull_request_target':
    case 'pull_request_review':
      return {
        name,
        payload:
          name === 'pull_request_review'
            ? { ...fake.pullRequestEvent(repo.pullNumber, 'submitted'), review: { state: 'approved' } }
            : fake.pullRequestEvent(repo.pullNumber),
        // GITHUB_SHA: the test merge commit on pull_request, the base branch's tip on _target.
        sha: name === 'pull_request_target' ? repo.baseSha : repo.mergeSha,
        ref: `refs/pull/${repo.pullNumber}/merge`,
      };
    case 'push': {
      const before = step.before ?? 'base';
      const beforeSha = before === 'zero' ? ZERO_SHA : before === 'unrelated' ? repo.mergeSha : repo.forkSha;
      return {
        name,
        payload: {
          ref: `refs/heads/${repo.baseRef}`,
          ...(before === 'missing' ? {} : { before: beforeSha }),
          after: repo.headSha,
          pusher: { name: author },
          sender: { login: author },
          repository,
        },
        sha: repo.headSha,
        ref: `refs/heads/${repo.baseRef}`,
      };
    }
    case 'merge_group': {
      const headRef = `refs/heads/gh-readonly-queue/${repo.baseRef}/pr-${repo.pullNumber}-${repo.headSha}`;
      return {
        name,
        payload: {
          action: 'checks_requested',
          merge_group: {
            head_sha: repo.headSha,
            head_ref: headRef,
            base_sha: repo.baseSha,
            base_ref: `refs/heads/${repo.baseRef}`,
          },
          repository,
          sender: { login: author },
        },
        sha: repo.headSha,
        ref: headRef,
      };
    }
    case 'workflow_dispatch':
      return {
        name,
        payload: { inputs: {}, ref: `refs/heads/${repo.baseRef}`, repository, sender: { login: author } },
        sha: repo.headSha,
        ref: `refs/heads/${repo.baseRef}`,
      };
    case 'workflow_run': {
      if (!step.firstRun) throw new Error('scenario.json: a workflow_run needs firstRun');
      return {
        name,
        payload: {
          workflow_run: {
            id: step.firstRun.id,
            head_sha: repo.headSha,
            conclusion: step.firstRun.conclusion,
            pull_requests: [{ number: repo.pullNumber }],
          },
        },
        sha: repo.baseSha,
        ref: `refs/heads/${repo.baseRef}`,
      };
    }
    default:
      throw new Error(`scenario.json: the runner does not make "${name}" events`);
  }
}

/** An expected finding: the fields it must have; `times` stands for that many such findings. */
type ExpectedFinding = Partial<Finding> & { times?: number };

function expand(expected: ExpectedFinding[]): Array<Partial<Finding>> {
  return expected.flatMap(({ times, ...fields }) => Array.from({ length: times ?? 1 }, () => fields));
}

/** Finds, for each expected finding, a distinct actual one that has every field it gives. */
function unmatched(expected: Array<Partial<Finding>>, actual: Finding[]): Array<Partial<Finding>> {
  const left = [...actual];
  const missing: Array<Partial<Finding>> = [];
  for (const e of expected) {
    const i = left.findIndex((a) =>
      Object.entries(e).every(([k, v]) => (a as unknown as Record<string, unknown>)[k] === v),
    );
    if (i < 0) missing.push(e);
    else left.splice(i, 1);
  }
  return missing;
}

const marker = (text: string): string => text.split('$STICKY_MARKER').join(STICKY_MARKER);

/** Sends every call to both runners: the real one prints, the recording one remembers. */
function tee(real: Runner, recording: RecordingRunner): Runner {
  return {
    info: (m) => (real.info(m), recording.info(m)),
    debug: (m) => (real.debug(m), recording.debug(m)),
    error: (m, p) => (real.error(m, p), recording.error(m, p)),
    warning: (m, p) => (real.warning(m, p), recording.warning(m, p)),
    notice: (m, p) => (real.notice(m, p), recording.notice(m, p)),
    setOutput: (n, v) => (real.setOutput(n, v), recording.setOutput(n, v)),
    appendSummary: async (md) => {
      await real.appendSummary(md);
      await recording.appendSummary(md);
    },
  };
}

/** Runs `body` with the step's summary and output files pointed at `dir`; restores the environment. */
async function withStepFiles<T>(dir: string, body: () => Promise<T>): Promise<T> {
  const saved = { summary: process.env.GITHUB_STEP_SUMMARY, output: process.env.GITHUB_OUTPUT };
  process.env.GITHUB_STEP_SUMMARY = path.join(dir, 'summary.md');
  process.env.GITHUB_OUTPUT = path.join(dir, 'output');
  writeFileSync(process.env.GITHUB_STEP_SUMMARY, '');
  writeFileSync(process.env.GITHUB_OUTPUT, '');
  try {
    return await body();
  } finally {
    for (const [name, value] of [
      ['GITHUB_STEP_SUMMARY', saved.summary],
      ['GITHUB_OUTPUT', saved.output],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/** What `commands: "only-the-action's"` finds wrong with a step's stdout. */
function foreignCommands(stdout: string, runner: RecordingRunner): string[] {
  const executed = executedCommands(stdout);
  const count = (name: string): number => executed.filter((e) => e.command === name).length;
  // The runner stops commands around each log line that looks like one (and only those).
  const guarded = runner.said.filter(
    (s) => s.kind === 'info' && (s.text.includes('::') || s.text.includes('##[')),
  ).length;
  const issued: Record<string, number> = {
    error: runner.count('error'),
    warning: runner.count('warning'),
    notice: runner.count('notice'),
    debug: runner.count('debug'),
    'stop-commands': guarded,
  };
  const problems = Object.entries(issued)
    .filter(([name, n]) => count(name) !== n)
    .map(([name, n]) => `stdout executes ${count(name)} ${name} commands, the action issued ${n}`);
  const others = executed.filter((e) => !(e.command in issued));
  if (others.length > 0)
    problems.push(`stdout executes commands the action never issued: ${JSON.stringify(others)}`);
  return problems;
}

const scenarios = readdirSync(DIR)
  .filter((name) => lstatSync(path.join(DIR, name)).isDirectory())
  .sort();

let fake: FakeGitHub;
const repos: GitRepo[] = [];
const temps: string[] = [];
beforeAll(async () => {
  fake = await startFakeGitHub();
});
afterAll(async () => {
  await fake?.close();
  await Promise.all(repos.map((r) => r.cleanup()));
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

it('has scenarios', () => {
  expect(scenarios.length).toBeGreaterThan(0);
});

describe.each(scenarios)('%s', (name) => {
  const dir = path.join(DIR, name);
  const scenario = JSON.parse(readFileSync(path.join(dir, 'scenario.json'), 'utf8')) as ScenarioFile;

  it(scenario.title, async () => {
    checkScenario(scenario);
    if (scenario.cli) {
      runCliScenario(dir, scenario, scenario.cli);
      return;
    }
    fake.reset();
    const eventName = scenario.event ?? 'pull_request';
    const onPull = eventName === 'pull_request' || eventName === 'pull_request_target';
    const repo = await makeGitRepo(
      sideTree(path.join(dir, 'base'), scenario.symlinks?.base, scenario.files?.base),
      sideTree(path.join(dir, 'head'), scenario.symlinks?.head, scenario.files?.head),
      {
        ...(scenario.baseTip ? { baseTip: scenario.baseTip } : {}),
        // actions/checkout checks out GITHUB_SHA: the test merge commit on pull requests, else the head.
        ...(onPull ? {} : { checkout: 'head' as const }),
      },
    );
    repos.push(repo);
    fake.addPullRequest({
      ...repo.pullRequest,
      ...(scenario.apiFiles !== undefined
        ? { files: repo.pullRequest.files.slice(0, scenario.apiFiles) }
        : {}),
      user: scenario.pullRequest?.author ?? 'octocat',
      body: scenario.pullRequest?.body ?? '',
    });
    for (const r of scenario.reviews ?? []) {
      const commitId =
        r.commit === 'base' ? repo.baseSha : r.commit === 'merge' ? repo.mergeSha : repo.headSha;
      fake.addReview(repo.pullNumber, { user: r.user, state: r.state, commitId });
    }
    for (const [team, members] of Object.entries(scenario.teams ?? {})) {
      const [org, slug] = team.replace(/^@/, '').split('/') as [string, string];
      for (const login of members) fake.addTeamMember(org, slug, login);
    }
    const api = scenario.api ?? {};
    let token = fake.token;
    if (api.token) {
      if (api.token.login) token = 'ghs_scenarioInstallationToken';
      fake.setToken(token, {
        ...(api.token.login ? { login: api.token.login } : {}),
        permissions: api.token.permissions === 'read-only' ? READ_ONLY : WRITE_ALL,
      });
    }
    for (const f of api.fail ?? [])
      fake.failNext(f.endpoint, {
        status: f.status,
        ...(f.message ? { message: f.message } : {}),
        ...(f.times ? { times: f.times } : {}),
      });
    for (const d of api.delay ?? []) fake.delayNext(d.endpoint, d.ms, d.times ?? 1);
    for (const c of api.comments ?? []) fake.addIssueComment(repo.pullNumber, marker(c.body), c.user);

    const steps: ActionRun[] = [{ ...scenario, expect: scenario.expect! }, ...(scenario.then ?? [])];
    let bundle: string | undefined;
    for (const [i, step] of steps.entries()) {
      const label = i === 0 ? 'the run' : `then[${i - 1}]`;
      let workspace = repo.workspace;
      if (step.event === 'workflow_run') {
        if (bundle === undefined) throw new Error(`${label}: no earlier run wrote a publish bundle`);
        workspace = tempDir('unitgate-workflow-run-');
        mkdirSync(path.join(workspace, 'unitgate-publish'));
        writeFileSync(
          path.join(workspace, 'unitgate-publish', PUBLISH_BUNDLE_FILE),
          JSON.stringify(tampered(bundle, step.tamper)),
        );
      }
      await runStep(label, step, { scenario, repo, workspace, token, timeoutMs: api.timeoutMs });
      const written = path.join(repo.workspace, 'unitgate-publish', PUBLISH_BUNDLE_FILE);
      if (step.event !== 'workflow_run' && existsSync(written)) bundle = readFileSync(written, 'utf8');
    }
  });
});

function tampered(bundle: string, tamper: ActionRun['tamper']): unknown {
  const forged = JSON.parse(bundle) as { verdict: { result: string }; runUrl?: string; runId?: number };
  if (tamper?.result) forged.verdict.result = tamper.result;
  if (tamper?.runUrl !== undefined) forged.runUrl = tamper.runUrl;
  if (tamper?.runId !== undefined) forged.runId = tamper.runId;
  return forged;
}

interface StepContext {
  scenario: ScenarioFile;
  repo: GitRepo;
  workspace: string;
  token: string;
  timeoutMs: number | undefined;
}

async function runStep(label: string, step: ActionRun, ctx: StepContext): Promise<void> {
  const { scenario, repo } = ctx;
  const runnerTemp = step.runnerTemp ? tempDir('unitgate-runner-temp-') : '';
  const expand$ = (text: string): string => text.split('$RUNNER_TEMP').join(runnerTemp);
  const inputs: Record<string, string> = {
    ...INPUT_DEFAULTS,
    token: ctx.token,
    ...Object.fromEntries(Object.entries(step.inputs ?? {}).map(([k, v]) => [k, expand$(v)])),
  };
  const timeline: string[] = [];
  const recording = new RecordingRunner(timeline);
  const octokit = createOctokit(ctx.token, () => {}, fake.url, ctx.timeoutMs);
  octokit.hook.before('request', (o) => {
    timeline.push(`request ${o.method} ${o.url}`);
  });
  const requestsBefore = fake.requests.length;
  const checkRunsBefore = fake.checkRuns.length;
  const go = (runner: Runner): Promise<ActionResult> =>
    run(
      parseActionSettings((input) => inputs[input] ?? ''),
      {
        workspace: ctx.workspace,
        event: eventFor(step, scenario, repo, fake),
        environment: {
          repository: `${fake.repo.owner}/${fake.repo.name}`,
          serverUrl: 'https://github.com',
          runId: step.runId ?? DEFAULT_RUN_ID,
          ...(runnerTemp ? { runnerTemp } : {}),
        },
        runner,
        octokit,
        now: () => new Date(`${step.today ?? DEFAULT_TODAY}T12:00:00Z`),
      },
    );
  const started = Date.now();
  let result!: ActionResult;
  let stdout = '';
  let outputFile = '';
  if (step.stdout) {
    const files = tempDir('unitgate-step-');
    stdout = await withStepFiles(files, () =>
      captureStdout(async () => {
        result = await go(tee(createActionsRunner(), recording));
      }),
    );
    outputFile = readFileSync(path.join(files, 'output'), 'utf8');
  } else {
    result = await go(recording);
  }
  const ms = Date.now() - started;
  const runner = recording;
  const expected = step.expect;
  if (expected.violations === 'allowed') fake.takeViolations();
  else fake.expectNoViolations();
  if (runner.outputs.report) expectValidReport(JSON.parse(readFileSync(runner.outputs.report, 'utf8')));

  const findings = result.verdict ? collectFindings(result.verdict) : [];
  const said = [
    ...runner.lines,
    ...runner.annotations.map((a) => a.message),
    runner.summary,
    ...(result.verdict?.messages ?? []),
    ...findings.map((f) => f.message),
  ].join('\n');
  const problems: string[] = [];
  if (result.exitCode !== expected.exitCode)
    problems.push(`exit code ${result.exitCode}, expected ${expected.exitCode}`);
  if (expected.result && runner.outputs.result !== expected.result)
    problems.push(`result ${runner.outputs.result}, expected ${expected.result}`);
  if (expected.findings) {
    const wanted = expand(expected.findings);
    for (const m of unmatched(wanted, findings)) problems.push(`no finding matches ${JSON.stringify(m)}`);
    if (findings.length !== wanted.length)
      problems.push(`${findings.length} findings, expected ${wanted.length}`);
  }
  for (const m of expected.messages ?? [])
    if (!said.includes(m)) problems.push(`nothing said contains ${JSON.stringify(m)}`);
  for (const m of expected.absentMessages ?? [])
    if (said.includes(m)) problems.push(`something said contains ${JSON.stringify(m)}`);
  for (const [level, count] of Object.entries(expected.annotations ?? {})) {
    const printed = runner.annotations.filter((a) => a.level === level).length;
    if (printed !== count) problems.push(`${printed} ${level} annotations, expected ${count}`);
  }
  for (const m of expected.annotated ?? [])
    if (!runner.annotations.some((a) => a.message.includes(m)))
      problems.push(`no annotation contains ${JSON.stringify(m)}`);
  for (const [output, value] of Object.entries(expected.outputs ?? {}))
    if (runner.outputs[output] !== expand$(value))
      problems.push(
        `output ${output} is ${JSON.stringify(runner.outputs[output])}, expected ${JSON.stringify(expand$(value))}`,
      );
  if (step.stdout) {
    // The outputs went to the output file with their delimiter, `result` among them.
    const written = /^result<<(ghadelimiter_[0-9a-f-]+)\n(.*)\n\1$/m.exec(outputFile);
    if (written?.[2] !== runner.outputs.result)
      problems.push(`the output file says result ${JSON.stringify(written?.[2])}`);
    if (expected.commands) problems.push(...foreignCommands(stdout, runner));
  } else if (expected.commands) problems.push('`commands` needs `stdout: true`');
  if (result.verdict) {
    // Every verdict must travel through the publish bundle (`publish: artifact` → from-artifact):
    // a field its schema does not know refuses the bundle, and the fork's results are never posted.
    const meta = {
      repository: `${fake.repo.owner}/${fake.repo.name}`,
      pullNumber: repo.pullNumber,
      headSha: repo.headSha,
    };
    const checked = parsePublishBundle(JSON.stringify(createPublishBundle(result.verdict, meta)), {
      ...meta,
      pullNumbers: [repo.pullNumber],
    });
    if (!checked.ok) problems.push(`the verdict does not pass through the publish bundle: ${checked.error}`);
  }
  for (const file of expected.files ?? []) {
    const full = path.resolve(repo.workspace, expand$(file));
    if (!existsSync(full)) problems.push(`no file ${full}`);
  }
  problems.push(...publishingProblems(expected, requestsBefore, checkRunsBefore, timeline));
  if (expected.maxMs !== undefined && ms >= expected.maxMs)
    problems.push(`the run took ${ms} ms, expected less than ${expected.maxMs}`);
  if (problems.length > 0) {
    const brief = findings.map((f) =>
      JSON.stringify({
        unit: f.unit,
        file: f.file,
        line: f.line,
        kind: f.kind,
        check: f.check,
        level: f.level,
      }),
    );
    throw new Error(
      `${label}:\n${problems.join('\n')}\n\nfindings:\n${brief.join('\n')}\n\nmessages:\n${[
        ...runner.lines,
        ...runner.annotations.filter((a) => !a.properties?.file).map((a) => `${a.level}: ${a.message}`),
      ].join('\n')}`,
    );
  }
}

/** The expectations on what reached GitHub: check runs, comments, request bodies and counts, order. */
function publishingProblems(
  expected: Expectations,
  requestsBefore: number,
  checkRunsBefore: number,
  timeline: string[],
): string[] {
  const problems: string[] = [];
  const requests = fake.requests.slice(requestsBefore);
  if (expected.checkRuns) {
    const created = fake.checkRuns.slice(checkRunsBefore);
    if (created.length !== expected.checkRuns.length)
      problems.push(`${created.length} check runs, expected ${expected.checkRuns.length}`);
    expected.checkRuns.forEach((want, i) => {
      const got = created[i];
      if (!got) return;
      if (want.status !== undefined && got.status !== want.status)
        problems.push(`check run ${i} is ${got.status}, expected ${want.status}`);
      if (want.conclusion !== undefined && got.conclusion !== want.conclusion)
        problems.push(`check run ${i} concluded ${String(got.conclusion)}, expected ${want.conclusion}`);
      if (want.annotations !== undefined && got.annotations.length !== want.annotations)
        problems.push(
          `check run ${i} has ${got.annotations.length} annotations, expected ${want.annotations}`,
        );
      for (const m of want.summary ?? [])
        if (!(got.output.summary ?? '').includes(m))
          problems.push(`check run ${i}'s summary does not contain ${JSON.stringify(m)}`);
    });
  }
  if (expected.comments) {
    const comments = fake.issueComments;
    if (comments.length !== expected.comments.length)
      problems.push(`${comments.length} issue comments, expected ${expected.comments.length}`);
    expected.comments.forEach((want, i) => {
      const got = comments[i];
      if (!got) return;
      if (want.user !== undefined && got.user !== want.user)
        problems.push(`comment ${i} is by ${got.user}, expected ${want.user}`);
      for (const m of want.body ?? [])
        if (!got.body.includes(marker(m)))
          problems.push(`comment ${i} does not contain ${JSON.stringify(m)}`);
      for (const m of want.absent ?? [])
        if (got.body.includes(marker(m))) problems.push(`comment ${i} contains ${JSON.stringify(m)}`);
    });
  }
  if (expected.published) {
    const sent = JSON.stringify(requests.filter((r) => r.method !== 'GET').map((r) => r.body));
    for (const m of expected.published.absent)
      if (sent.includes(m)) problems.push(`something sent to GitHub contains ${JSON.stringify(m)}`);
  }
  for (const [operation, count] of Object.entries(expected.requests ?? {})) {
    const made = requests.filter((r) => r.operationId === operation).length;
    if (made !== count) problems.push(`${made} ${operation} requests, expected ${count}`);
  }
  if (expected.outputsFirst) {
    // Publishing: any request that writes (GraphQL only reads here).
    const firstOutput = timeline.findIndex((t) => t.startsWith('output '));
    const firstWrite = timeline.findIndex(
      (t) => /^request (POST|PATCH|PUT|DELETE) /.test(t) && !t.endsWith('/graphql'),
    );
    if (timeline[firstOutput] !== 'output result')
      problems.push(`the first output is ${String(timeline[firstOutput])}, not result`);
    if (firstWrite < 0 || firstOutput > firstWrite)
      problems.push('result is not set before the first publishing request');
  }
  return problems;
}

/** Runs a CLI scenario's command lines in a copy of its head tree. */
function runCliScenario(dir: string, scenario: ScenarioFile, steps: CliStep[]): void {
  const cwd = tempDir('unitgate-cli-scenario-');
  for (const [name, entry] of Object.entries(
    sideTree(path.join(dir, 'head'), scenario.symlinks?.head, scenario.files?.head),
  )) {
    const full = path.join(cwd, name);
    mkdirSync(path.dirname(full), { recursive: true });
    if (entry && typeof entry === 'object' && 'symlink' in entry) symlinkSync(entry.symlink, full);
    else if (typeof entry === 'string' || entry instanceof Uint8Array) writeFileSync(full, entry);
  }
  let previousAfter: number | undefined;
  steps.forEach((step, i) => {
    for (const [name, text] of Object.entries(step.write ?? {})) {
      const full = path.join(cwd, name);
      if (text === null) rmSync(full, { force: true });
      else {
        mkdirSync(path.dirname(full), { recursive: true });
        writeFileSync(full, text);
      }
    }
    for (const [name, text] of Object.entries(step.append ?? {})) appendFileSync(path.join(cwd, name), text);
    if (!step.argv) return;
    const r = runCli(step.argv, { cwd, env: {}, stdoutIsTTY: false, today: scenario.today ?? DEFAULT_TODAY });
    if (step.saveStdoutAs) {
      const full = path.join(cwd, step.saveStdoutAs);
      mkdirSync(path.dirname(full), { recursive: true });
      writeFileSync(full, r.stdout);
    }
    const want = step.expect;
    const problems: string[] = [];
    const exposure = /^# Exposure: (\d+\.\d) \S+ → (\d+\.\d) \S+,/m.exec(r.stdout);
    const [before, after] = exposure ? [Number(exposure[1]), Number(exposure[2])] : [NaN, NaN];
    if (want) {
      if (r.exitCode !== want.exitCode) problems.push(`exit code ${r.exitCode}, expected ${want.exitCode}`);
      for (const m of want.stdout ?? [])
        if (!r.stdout.includes(m)) problems.push(`stdout does not contain ${JSON.stringify(m)}`);
      for (const m of want.absentStdout ?? [])
        if (r.stdout.includes(m)) problems.push(`stdout contains ${JSON.stringify(m)}`);
      if (want.stderr !== undefined && r.stderr !== want.stderr)
        problems.push(`stderr is ${JSON.stringify(r.stderr)}, expected ${JSON.stringify(want.stderr)}`);
      if (want.exposure && !exposure) problems.push('no "# Exposure: X → Y" line');
      if (want.exposure === 'lowered' && !(after < before))
        problems.push(`exposure ${before} → ${after} not lowered`);
      if (want.exposure === 'not-raised' && !(after <= before))
        problems.push(`exposure ${before} → ${after} raised`);
      if (want.exposure === 'unchanged' && after !== before)
        problems.push(`exposure ${before} → ${after} changed`);
      if (want.fromPrevious && before !== previousAfter)
        problems.push(`exposure starts from ${before}, the previous step ended at ${String(previousAfter)}`);
    }
    previousAfter = after;
    if (problems.length > 0)
      throw new Error(
        `cli[${i}] ${step.argv.join(' ')}:\n${problems.join('\n')}\n\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`,
      );
  });
}
