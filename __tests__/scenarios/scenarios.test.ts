// Gate scenarios as data: every directory beside this file is one scenario (README.md says the
// format). Each runs in process through the action's own run(settings, deps): a real git repository
// (base, head, the test merge commit, a shallow checkout as actions/checkout makes it), the fake
// GitHub over HTTP validating every request and response against GitHub's OpenAPI description, and a
// runner that records what the action said. The expected verdict and findings are compared with the
// flat findings list every output is made from.
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ActionEvent } from '../../src/action/event-scope';
import { run } from '../../src/action/run';
import { parseActionSettings } from '../../src/action/settings';
import { RecordingRunner } from '../action/recording-runner';
import { collectFindings, type Finding } from '../../src/core/gate/findings';
import { createPublishBundle, parsePublishBundle } from '../../src/core/report/publish-bundle';
import { createOctokit } from '../../src/io/github';
import { startFakeGitHub, type FakeGitHub, type ReviewState } from '../e2e/fake-github';
import { makeGitRepo, type FileTree, type GitRepo } from '../e2e/make-git-repo';
import { readActionInputs, ACTION_YML } from '../e2e/run-action';
import { expectValidReport } from '../core/report/report-schema';

type EventName =
  | 'pull_request'
  | 'pull_request_target'
  | 'pull_request_review'
  | 'push'
  | 'merge_group'
  | 'workflow_dispatch';

interface ScenarioFile {
  title: string;
  item: string;
  /** Default pull_request. push, merge_group and workflow_dispatch check out the head commit. */
  event?: EventName;
  /** push only: the payload's `before` (default the base commit; "unrelated" is not an ancestor). */
  before?: 'base' | 'zero' | 'missing' | 'unrelated';
  /** The API lists only the first this many changed files (`changed_files` says as much). */
  apiFiles?: number;
  /** Run with RUNNER_TEMP set to a fresh directory; `$RUNNER_TEMP` in inputs and outputs names it. */
  runnerTemp?: boolean;
  inputs?: Record<string, string>;
  symlinks?: { base?: Record<string, string>; head?: Record<string, string> };
  pullRequest?: { author?: string; body?: string };
  reviews?: Array<{ user: string; state: ReviewState; commit?: 'head' | 'base' | 'merge' }>;
  teams?: Record<string, string[]>;
  /** Files the base branch changed after the fork point (the base tip's policy governs). */
  baseTip?: Record<string, string | null>;
  /** The day the run happens (deviation notes expire): YYYY-MM-DD. */
  today?: string;
  expect: {
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
  };
}

const DIR = __dirname;
const DEFAULT_TODAY = '2026-12-01';
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

function withLinks(tree: FileTree, links: Record<string, string> | undefined): FileTree {
  const out = { ...tree };
  for (const [link, target] of Object.entries(links ?? {})) out[link] = { symlink: target };
  return out;
}

const ZERO_SHA = '0'.repeat(40);

/** The event as the runner would give it, consistent with the repository and the fake's pull request. */
function eventFor(scenario: ScenarioFile, repo: GitRepo, fake: FakeGitHub): ActionEvent {
  const name = scenario.event ?? 'pull_request';
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
      const before = scenario.before ?? 'base';
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

it('has scenarios', () => {
  expect(scenarios.length).toBeGreaterThan(0);
});

describe.each(scenarios)('%s', (name) => {
  const dir = path.join(DIR, name);
  const scenario = JSON.parse(readFileSync(path.join(dir, 'scenario.json'), 'utf8')) as ScenarioFile;

  it(scenario.title, async () => {
    fake.reset();
    const eventName = scenario.event ?? 'pull_request';
    const onPull = eventName === 'pull_request' || eventName === 'pull_request_target';
    const repo = await makeGitRepo(
      withLinks(readTree(path.join(dir, 'base')), scenario.symlinks?.base),
      withLinks(readTree(path.join(dir, 'head')), scenario.symlinks?.head),
      {
        ...(scenario.baseTip ? { baseTip: scenario.baseTip } : {}),
        // actions/checkout checks out GITHUB_SHA: the test merge commit on pull requests, else the head.
        ...(onPull ? {} : { checkout: 'head' as const }),
      },
    );
    repos.push(repo);
    const runnerTemp = scenario.runnerTemp ? mkdtempSync(path.join(tmpdir(), 'unitgate-runner-temp-')) : '';
    if (runnerTemp) temps.push(runnerTemp);
    const expand$ = (text: string): string => text.split('$RUNNER_TEMP').join(runnerTemp);
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
    const inputs: Record<string, string> = {
      ...INPUT_DEFAULTS,
      token: fake.token,
      ...Object.fromEntries(Object.entries(scenario.inputs ?? {}).map(([k, v]) => [k, expand$(v)])),
    };
    const runner = new RecordingRunner();
    const result = await run(
      parseActionSettings((input) => inputs[input] ?? ''),
      {
        workspace: repo.workspace,
        event: eventFor(scenario, repo, fake),
        environment: {
          repository: `${fake.repo.owner}/${fake.repo.name}`,
          serverUrl: 'https://github.com',
          runId: 4242,
          ...(runnerTemp ? { runnerTemp } : {}),
        },
        runner,
        octokit: createOctokit(fake.token, () => {}, fake.url),
        now: () => new Date(`${scenario.today ?? DEFAULT_TODAY}T12:00:00Z`),
      },
    );
    fake.expectNoViolations();
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
    if (result.exitCode !== scenario.expect.exitCode)
      problems.push(`exit code ${result.exitCode}, expected ${scenario.expect.exitCode}`);
    if (scenario.expect.result && runner.outputs.result !== scenario.expect.result)
      problems.push(`result ${runner.outputs.result}, expected ${scenario.expect.result}`);
    if (scenario.expect.findings) {
      const expected = expand(scenario.expect.findings);
      for (const m of unmatched(expected, findings)) problems.push(`no finding matches ${JSON.stringify(m)}`);
      if (findings.length !== expected.length)
        problems.push(`${findings.length} findings, expected ${expected.length}`);
    }
    for (const m of scenario.expect.messages ?? [])
      if (!said.includes(m)) problems.push(`nothing said contains ${JSON.stringify(m)}`);
    for (const m of scenario.expect.absentMessages ?? [])
      if (said.includes(m)) problems.push(`something said contains ${JSON.stringify(m)}`);
    for (const [level, count] of Object.entries(scenario.expect.annotations ?? {})) {
      const printed = runner.annotations.filter((a) => a.level === level).length;
      if (printed !== count) problems.push(`${printed} ${level} annotations, expected ${count}`);
    }
    for (const m of scenario.expect.annotated ?? [])
      if (!runner.annotations.some((a) => a.message.includes(m)))
        problems.push(`no annotation contains ${JSON.stringify(m)}`);
    for (const [name, value] of Object.entries(scenario.expect.outputs ?? {}))
      if (runner.outputs[name] !== expand$(value))
        problems.push(
          `output ${name} is ${JSON.stringify(runner.outputs[name])}, expected ${JSON.stringify(expand$(value))}`,
        );
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
      if (!checked.ok)
        problems.push(`the verdict does not pass through the publish bundle: ${checked.error}`);
    }
    for (const file of scenario.expect.files ?? []) {
      const full = path.resolve(repo.workspace, expand$(file));
      if (!existsSync(full)) problems.push(`no file ${full}`);
    }
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
        `${problems.join('\n')}\n\nfindings:\n${brief.join('\n')}\n\nmessages:\n${[
          ...runner.lines,
          ...runner.annotations.filter((a) => !a.properties?.file).map((a) => `${a.level}: ${a.message}`),
        ].join('\n')}`,
      );
    }
  });
});
