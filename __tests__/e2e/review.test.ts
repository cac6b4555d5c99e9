// End-to-end scenarios of what the action publishes for review: the one sticky pull request comment
// (created once, edited in place, never duplicated by racing runs, marked resolved), hostile unit text
// rendered inert, the size cap on a pull request of 300 units, the trend across release tags checked
// number for number against `unitgate security`, one-click review suggestions, release runs, the
// shields.io badge, and the fork-safe artifact → workflow_run hand-over. Same harness as gate.test.ts:
// real git repositories, the bundled action (dist/index.js) as a real process with a runner's
// environment, and the fake GitHub API validating every request against GitHub's OpenAPI description.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { JsonReport } from '../../src/core/report/json-report';
import { STICKY_MARKER } from '../../src/core/report/pr-comment';
import { applySuggestion } from '../../src/core/report/suggestions';
import {
  READ_ONLY,
  commentableLines,
  startFakeGitHub,
  type FakeGitHub,
  type FakeIssueComment,
  type PullRequestInit,
} from './fake-github';
import * as F from './gate-fixtures';
import type { HistoryCommit } from './make-git-repo';
import {
  REPO_ROOT,
  makeGitRepo,
  runAction,
  type ActionRun,
  type FileTree,
  type GitRepo,
  type GitRepoOptions,
} from './run-action';

// ---- harness for this file (the same shape as gate.test.ts's) ------------------------------------

const CLI_ENTRY = path.join(REPO_ROOT, 'dist', 'cli.js');
const STACK_FRAME = /^\s+at .+(:\d+:\d+\)?|\(native\)|\(<anonymous>\))$/m;
const ZWSP = '\u200b';

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  await Promise.all(cleanups.map((cleanup) => cleanup()));
});

/** Runs `body` with a fake GitHub of its own (scenarios run concurrently), closing it afterwards. */
async function withFake<T>(body: (fake: FakeGitHub) => Promise<T>): Promise<T> {
  const fake = await startFakeGitHub();
  try {
    return await body(fake);
  } finally {
    await fake.close();
  }
}

/** A repository whose base and head commits hold `base`/`head` plus a few files that are not units. */
async function repoOf(base: FileTree, head: FileTree, options: GitRepoOptions = {}): Promise<GitRepo> {
  const repo = await makeGitRepo({ ...F.REPO_FILES, ...base }, { ...F.REPO_FILES, ...head }, options);
  cleanups.push(repo.cleanup);
  return repo;
}

/** A scratch directory removed after the file's tests. */
async function scratchDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), `unitgate-review-${prefix}-`));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Adds (or replaces: a push to the pull request) the repository's pull request in the fake. */
function addPull(fake: FakeGitHub, repo: GitRepo, init: PullRequestInit = {}): void {
  fake.addPullRequest({ ...repo.pullRequest, ...init });
}

/** The trend as the JSON report carries it (renderTrendJson). */
interface JsonTrend {
  pattern: string;
  versions: number[];
  releases: { kind: string; label: string; commit: string; systemdVersion: number }[];
  units: {
    unitPath: string;
    unitId: string;
    points: {
      label: string;
      commit: string;
      systemdVersion: number;
      exposure: number | null;
      score: string | null;
      level: string | null;
    }[];
  }[];
}

interface ReviewRun extends ActionRun {
  report: (JsonReport & { trend?: JsonTrend }) | undefined;
}

interface RunOptions {
  eventName?: string;
  event?: Record<string, unknown>;
  inputs?: Record<string, string>;
  token?: string;
  runId?: number;
  sha?: string;
  ref?: string;
  /** Another working directory than the repository's checkout (the workflow_run side). */
  workspace?: string;
}

/**
 * Runs the action against `fake` (on `repo`'s checkout unless `workspace` is given) and checks what
 * must hold for every run: it ended on its own with 0, 1 or 2, printed no stack trace and nothing on
 * stderr, and the fake saw no request GitHub would reject.
 */
async function runReview(
  fake: FakeGitHub,
  repo: GitRepo | undefined,
  options: RunOptions = {},
): Promise<ReviewRun> {
  const workspace = options.workspace ?? repo?.workspace;
  if (workspace === undefined) throw new Error('runReview: no workspace');
  const run = await runAction({
    workspace,
    eventName: options.eventName ?? 'pull_request',
    event: options.event ?? fake.pullRequestEvent(repo?.pullNumber ?? 1),
    ...(options.inputs ? { inputs: options.inputs } : {}),
    ...(options.runId !== undefined ? { runId: options.runId } : {}),
    ...(options.sha ? { sha: options.sha } : {}),
    ...(options.ref ? { ref: options.ref } : {}),
    token: options.token ?? fake.token,
    apiUrl: fake.url,
  });
  expect(run.timedOut).toBe(false);
  expect([0, 1, 2]).toContain(run.exitCode);
  expect(run.stderr).toBe('');
  expect(run.stdout).not.toMatch(STACK_FRAME);
  fake.expectNoViolations();
  const reportText = run.outputFiles.report;
  const report = reportText !== undefined ? (JSON.parse(reportText) as ReviewRun['report']) : undefined;
  return { ...run, report };
}

/** The sticky comments on the fake's pull requests (ours start with the marker). */
function stickyComments(fake: FakeGitHub, pullNumber = 1): FakeIssueComment[] {
  return fake.issueComments.filter((c) => c.issueNumber === pullNumber && c.body.startsWith(STICKY_MARKER));
}

/** The one sticky comment (fails the test when there is none or more than one). */
function theStickyComment(fake: FakeGitHub, pullNumber = 1): FakeIssueComment {
  const found = stickyComments(fake, pullNumber);
  expect(found).toHaveLength(1);
  return found[0] as FakeIssueComment;
}

/** Requests that change something on GitHub (anything but GET). */
function writeRequests(fake: FakeGitHub): string[] {
  // A GraphQL query is a POST that writes nothing.
  return fake.requests
    .filter((r) => r.method !== 'GET' && r.path !== '/graphql')
    .map((r) => `${r.method} ${r.path}`);
}

/** The revision stamp a run puts on the line after the marker. */
function revisionOf(body: string): number | undefined {
  const m = /^<!-- unitgate:revision (\d+) -->$/m.exec(body);
  return m ? Number(m[1]) : undefined;
}

/** Characters as GitHub counts them (code points). */
const charCount = (text: string): number => [...text].length;

/** CommonMark block-level HTML (type 6) that GitHub passes through: inside it no code span is parsed. */
const HTML_BLOCK_START =
  /^ {0,3}<\/?(address|article|aside|blockquote|details|dialog|div|dl|dt|dd|fieldset|figure|footer|form|h[1-6]|header|hr|li|main|nav|ol|p|section|summary|table|tbody|td|th|thead|tr|ul)(\s|\/?>|$)/i;

/**
 * What GitHub renders as markup or prose: fenced code blocks and code spans removed (their content is
 * literal), except inside HTML blocks, where no Markdown is parsed and everything stays; link
 * destinations removed (a mention or tag in a URL is neither). Whatever is left must carry no tag but
 * the comment's own and no @-mention that notifies.
 */
function outsideCode(md: string): string {
  const kept: string[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    kept.push(
      paragraph
        .join('\n')
        .replace(/(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g, '')
        .replace(/\]\([^)\s]*\)/g, ']'),
    );
    paragraph = [];
  };
  const lines = md.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const fence = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (fence) {
      flush();
      const close = new RegExp(`^ {0,3}${fence[1]?.[0] === '`' ? '`' : '~'}{${fence[1]?.length ?? 3},}\\s*$`);
      while (i + 1 < lines.length && !close.test(lines[i + 1] as string)) i++;
      i++;
      continue;
    }
    if (/^ {0,3}<!--/.test(line)) {
      flush();
      while (i < lines.length && !(lines[i] as string).includes('-->')) kept.push(lines[i++] as string);
      kept.push(lines[i] ?? '');
      continue;
    }
    if (HTML_BLOCK_START.test(line)) {
      flush();
      while (i < lines.length && (lines[i] as string).trim() !== '') kept.push(lines[i++] as string);
      continue;
    }
    if (line.trim() === '') flush();
    else paragraph.push(line);
  }
  flush();
  return kept.join('\n');
}

/** Asserts that Markdown a reader sees carries no live HTML but ours and no notifying @-mention. */
function expectInert(md: string): void {
  const markup = outsideCode(md);
  expect(markup).not.toMatch(/<img/i);
  expect(markup).not.toMatch(/@(?!\u200b)/);
  const tags = markup.match(/<\/?[A-Za-z][^>]*>/g) ?? [];
  for (const tag of tags) expect(tag).toMatch(/^<\/?(details|summary|code|br|sub)( open)?>$/);
  expect(markup.match(/<!-- unitgate:sticky v1 -->/g)).toHaveLength(1);
}

function execNode(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // execFile, not execFileSync: the in-process fakes of concurrent scenarios must keep serving.
    execFile(process.execPath, args, { cwd, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') reject(error);
      else resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
}

/** A unit's exposure as `unitgate security --offline=true FILE` prints it: `{ score: '9.2', level: 'UNSAFE' }`. */
interface CliScore {
  unitId: string;
  score: string;
  level: string;
}

/**
 * `node dist/cli.js security --offline=true FILE` on a unit given as its files (the unit file and its
 * drop-ins, by repository path), written to a scratch directory with the same layout.
 */
async function cliScore(files: Record<string, string>, unitPath: string, version = 252): Promise<CliScore> {
  const dir = await scratchDir('cli');
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.join(dir, path.dirname(file)), { recursive: true });
    await writeFile(path.join(dir, file), text);
  }
  const r = await execNode(
    [CLI_ENTRY, 'security', '--offline=true', `--systemd-version=${version}`, path.join(dir, unitPath)],
    dir,
  );
  const m = /Overall exposure level for (\S+): (\d+\.\d) (\S+)/.exec(r.stdout);
  if (!m) throw new Error(`unitgate security scored nothing (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  return { unitId: m[1] as string, score: m[2] as string, level: m[3] as string };
}

/** The unit file and its drop-ins (`NAME.d/*.conf`) as they are at `commit`, by repository path. */
async function unitFilesAt(repo: GitRepo, commit: string, unitPath: string): Promise<Record<string, string>> {
  const listed = (await repo.git('ls-tree', '-r', '--name-only', commit, '--', unitPath, `${unitPath}.d`))
    .split('\n')
    .filter((p) => p === unitPath || (p.startsWith(`${unitPath}.d/`) && p.endsWith('.conf')));
  const files: Record<string, string> = {};
  for (const p of listed) files[p] = await repo.git('show', `${commit}:${p}`);
  return files;
}

/** `cliScore` of a unit at a commit, or null when the unit file is not there. */
async function cliScoreAt(
  repo: GitRepo,
  commit: string,
  unitPath: string,
  version = 252,
): Promise<CliScore | null> {
  const files = await unitFilesAt(repo, commit, unitPath);
  return files[unitPath] === undefined ? null : cliScore(files, unitPath, version);
}

/** The table row of `unitPath` in a Markdown table (the first one whose first cell is its code span), as cells. */
function tableRow(md: string, unitPath: string): string[] {
  const row = md.split('\n').find((line) => line.startsWith(`| \`${unitPath}\``));
  if (!row) throw new Error(`no table row for ${unitPath} in:\n${md}`);
  return row
    .slice(2, -2)
    .split(' | ')
    .map((cell) => cell.trim());
}

/** The trend section of a comment or job summary (its own table follows the per-unit one). */
function trendOf(md: string): string {
  const at = md.indexOf('Exposure trend');
  if (at < 0) throw new Error(`no trend section in:\n${md}`);
  return md.slice(at);
}

/** A `push`, `release` or `workflow_run` payload's repository, like the fake's. */
function repositoryPayload(): Record<string, unknown> {
  return {
    full_name: 'octo-org/services',
    name: 'services',
    owner: { login: 'octo-org' },
    default_branch: 'main',
  };
}

/** One small unhardened service: `ExecStart=` and `User=` only (9.2 UNSAFE on systemd 252). */
function smallUnit(name: string, extra = ''): string {
  return `[Unit]\nDescription=${name}\n\n[Service]\nUser=${name}\nExecStart=/usr/bin/${name}\n${extra}`;
}

/** Five releases of the orders services: the API hardened, weakened, hardened again; a drop-in on the worker. */
const WORKER_DROPIN_PATH = 'deploy/worker.service.d/harden.conf';
const WORKER_DROPIN_V1 = '[Service]\nPrivateNetwork=yes\n';
const WORKER_DROPIN_V2 =
  '[Service]\nPrivateNetwork=yes\nProtectKernelTunables=yes\nProtectKernelModules=yes\n';
const RELEASES: HistoryCommit[] = [
  {
    tag: 'v1.0.0',
    annotated: true,
    tree: {
      ...F.REPO_FILES,
      [F.API_PATH]: F.API_PLAIN,
      [F.WORKER_PATH]: F.WORKER,
      [F.LEGACY_PATH]: F.LEGACY,
    },
  },
  {
    tag: 'v1.1.0',
    tree: {
      ...F.REPO_FILES,
      [F.API_PATH]: F.API_PARTIAL,
      [F.WORKER_PATH]: F.WORKER,
      [F.LEGACY_PATH]: F.LEGACY,
    },
  },
  {
    tag: 'v1.2.0',
    annotated: true,
    tree: {
      ...F.REPO_FILES,
      [F.API_PATH]: F.API_HARDENED,
      [F.WORKER_PATH]: F.WORKER,
      [WORKER_DROPIN_PATH]: WORKER_DROPIN_V1,
      [F.LEGACY_PATH]: F.LEGACY,
    },
  },
  {
    // A regression was released; the legacy daemon is retired.
    tag: 'v1.3.0',
    tree: {
      ...F.REPO_FILES,
      [F.API_PATH]: F.API_WEAKENED,
      [F.WORKER_PATH]: F.WORKER,
      [WORKER_DROPIN_PATH]: WORKER_DROPIN_V1,
    },
  },
  {
    tag: 'v1.4.0',
    annotated: true,
    tree: {
      ...F.REPO_FILES,
      [F.API_PATH]: F.API_NO_PROTECT_SYSTEM,
      [F.WORKER_PATH]: F.WORKER,
      [WORKER_DROPIN_PATH]: WORKER_DROPIN_V1,
    },
  },
];
const AFTER_RELEASES: FileTree = {
  [F.API_PATH]: F.API_NO_PROTECT_SYSTEM,
  [F.WORKER_PATH]: F.WORKER,
  [WORKER_DROPIN_PATH]: WORKER_DROPIN_V1,
};

// ---- scenarios ------------------------------------------------------------------------------------

describe('unitgate review end to end', () => {
  it.concurrent(
    '1. the first run creates exactly one sticky comment; later runs edit it in place, older ones leave it',
    async () => {
      await withFake(async (fake) => {
        const base = { [F.API_PATH]: F.API_HARDENED };
        const first = await repoOf(base, { [F.API_PATH]: F.API_WEAKENED });
        addPull(fake, first);
        fake.addIssueComment(first.pullNumber, 'Looks good to me', 'alice');
        const firstEvent = fake.pullRequestEvent(first.pullNumber);
        const run1 = await runReview(fake, first, { runId: 4242 });

        expect(run1.exitCode).toBe(1);
        // A copy: the fake edits its comment objects in place.
        const created = { ...theStickyComment(fake) };
        expect(created.body.startsWith(`${STICKY_MARKER}\n`)).toBe(true);
        expect(created.user).toBe('github-actions[bot]');
        expect(revisionOf(created.body)).toBe(4242);
        expect(created.body).toContain('## ❌ unitgate: hardening gate failed — 1 unit of 1');
        expect(created.body).toContain('https://github.com/octo-org/services/actions/runs/4242');
        expect(fake.requestsTo('issues/create-comment').map((r) => r.status)).toEqual([201]);
        expect(fake.issueComments.map((c) => c.user)).toEqual(['alice', 'github-actions[bot]']);
        expect(run1.stdout).toContain(`unitgate comment created (id ${created.id})`);

        // A push to the pull request: the same base, a new head commit that fixes the unit.
        const second = await repoOf(base, {
          [F.API_PATH]: F.API_HARDENED.replace('Restart=on-failure', 'Restart=always'),
        });
        expect(second.baseSha).toBe(first.baseSha);
        expect(second.headSha).not.toBe(first.headSha);
        addPull(fake, second);
        const run2 = await runReview(fake, second, {
          runId: 4243,
          event: fake.pullRequestEvent(1, 'synchronize'),
        });

        expect(run2.exitCode).toBe(0);
        const updated = theStickyComment(fake);
        expect(updated.id).toBe(created.id);
        expect(revisionOf(updated.body)).toBe(4243);
        expect(updated.body).toContain('## ✅ unitgate: hardening gate passed');
        expect(updated.body).not.toBe(created.body);
        expect(fake.requestsTo('issues/create-comment')).toHaveLength(1);
        expect(fake.requestsTo('issues/update-comment').map((r) => [r.path, r.status])).toEqual([
          [`/repos/octo-org/services/issues/comments/${created.id}`, 200],
        ]);
        expect(run2.stdout).toContain(`unitgate comment updated (id ${created.id})`);

        // The same run again (a re-run of the same head): nothing to write.
        const run3 = await runReview(fake, second, {
          runId: 4243,
          event: fake.pullRequestEvent(1, 'synchronize'),
        });
        expect(run3.exitCode).toBe(0);
        expect(theStickyComment(fake).body).toBe(updated.body);
        expect(fake.requestsTo('issues/update-comment')).toHaveLength(1);
        expect(run3.stdout).toContain(`unitgate comment unchanged (id ${created.id})`);

        // The first run's event finishing late (a slow runner): it must not overwrite the newer comment.
        const run4 = await runReview(fake, first, { runId: 4242, event: firstEvent });
        expect(run4.exitCode).toBe(1);
        expect(theStickyComment(fake).body).toBe(updated.body);
        expect(fake.requestsTo('issues/create-comment')).toHaveLength(1);
        expect(fake.requestsTo('issues/update-comment')).toHaveLength(1);
        expect(run4.stdout).toContain(`unitgate comment older (id ${created.id})`);
        expect(fake.requestsTo('issues/delete-comment')).toEqual([]);
        expect(fake.issueComments).toHaveLength(2);
      });
    },
  );

  it.concurrent(
    '2. two concurrent runs on the same pull request leave exactly one sticky comment',
    async () => {
      const base = { [F.API_PATH]: F.API_HARDENED };
      const head = { [F.API_PATH]: F.API_SYS_ADMIN };
      await Promise.all([
        withFake(async (fake) => {
          // Two runs of the same pull request (a push and a re-run), each on its own runner checkout.
          const [a, b] = await Promise.all([repoOf(base, head), repoOf(base, head)]);
          addPull(fake, a);
          const event = fake.pullRequestEvent(1, 'synchronize');
          const runs = await Promise.all([
            runReview(fake, a, { runId: 5001, event }),
            runReview(fake, b, { runId: 5002, event }),
          ]);

          expect(runs.map((r) => r.exitCode)).toEqual([1, 1]);
          const kept = theStickyComment(fake);
          // Whatever the interleaving, the newest run's body wins.
          expect(revisionOf(kept.body)).toBe(5002);
          const creates = fake.requestsTo('issues/create-comment').length;
          const deletes = fake.requestsTo('issues/delete-comment').filter((r) => r.status === 204).length;
          // Each comment created beyond the first was deleted again.
          expect(deletes).toBe(creates - 1);
          expect(fake.issueComments).toHaveLength(1);
        }),
        withFake(async (fake) => {
          // The worst interleaving, made certain: both racers created their comment before either looked
          // again (as if both had been cut off right after creating). The next run converges on one.
          const repo = await repoOf(base, head);
          addPull(fake, repo);
          const one = fake.addIssueComment(
            1,
            `${STICKY_MARKER}\n<!-- unitgate:revision 6001 -->\nfirst racer`,
          );
          fake.addIssueComment(1, 'an unrelated review remark', 'bob');
          const two = fake.addIssueComment(
            1,
            `${STICKY_MARKER}\n<!-- unitgate:revision 6002 -->\nsecond racer`,
          );
          // Someone pasting the marker is not us: never touched.
          const forged = fake.addIssueComment(1, `${STICKY_MARKER}\nforged by a person`, 'mallory');
          const run = await runReview(fake, repo, { runId: 6003 });

          expect(run.exitCode).toBe(1);
          const ours = stickyComments(fake).filter((c) => c.user === 'github-actions[bot]');
          expect(ours).toHaveLength(1);
          expect(ours[0]?.id).toBe(one.id); // the oldest is kept
          expect(revisionOf(ours[0]?.body ?? '')).toBe(6003);
          expect(ours[0]?.body).toContain('## ❌ unitgate: hardening gate failed');
          expect(fake.requestsTo('issues/delete-comment').map((r) => r.path)).toEqual([
            `/repos/octo-org/services/issues/comments/${two.id}`,
          ]);
          expect(fake.issueComments.find((c) => c.id === forged.id)?.body).toBe(forged.body);
          expect(fake.issueComments.map((c) => c.user)).toEqual(['github-actions[bot]', 'bob', 'mallory']);
        }),
      ]);
    },
  );

  it.concurrent(
    '3. a later run with no unit in scope marks the comment resolved; without a comment it posts none',
    async () => {
      await withFake(async (fake) => {
        const base = { [F.API_PATH]: F.API_HARDENED, [F.WORKER_PATH]: F.WORKER };
        const touching = await repoOf(base, { [F.API_PATH]: F.API_SYS_ADMIN, [F.WORKER_PATH]: F.WORKER });
        addPull(fake, touching);
        const run1 = await runReview(fake, touching, { runId: 7001 });
        expect(run1.exitCode).toBe(1);
        const comment = theStickyComment(fake);

        // The author reverts the unit: the pull request now only changes the README.
        const docsOnly = await repoOf(base, {
          ...base,
          'README.md': `${F.REPO_FILES['README.md'] as string}\nDeployment notes.\n`,
        });
        expect(docsOnly.changedFiles.map((f) => f.filename)).toEqual(['README.md']);
        addPull(fake, docsOnly);
        const run2 = await runReview(fake, docsOnly, {
          runId: 7002,
          event: fake.pullRequestEvent(1, 'synchronize'),
        });

        expect(run2.exitCode).toBe(0);
        expect(run2.report?.units).toEqual([]);
        const resolved = theStickyComment(fake);
        expect(resolved.id).toBe(comment.id);
        expect(resolved.body.startsWith(`${STICKY_MARKER}\n<!-- unitgate:revision 7002 -->\n`)).toBe(true);
        expect(resolved.body).toContain('## ✅ unitgate: nothing to check any more');
        expect(resolved.body).toContain('earlier findings are resolved');
        expect(resolved.body).not.toContain('❌');
        expect(fake.requestsTo('issues/create-comment')).toHaveLength(1);
        expect(run2.stdout).toContain('unitgate comment marked resolved (updated)');
      });
      await withFake(async (fake) => {
        const repo = await repoOf(
          { [F.API_PATH]: F.API_HARDENED },
          {
            [F.API_PATH]: F.API_HARDENED,
            'README.md': 'docs only\n',
          },
        );
        addPull(fake, repo);
        const run = await runReview(fake, repo);
        expect(run.exitCode).toBe(0);
        expect(fake.issueComments).toEqual([]);
        expect(fake.requestsTo('issues/create-comment')).toEqual([]);
      });
    },
  );

  it.concurrent(
    '4. a Description of `@everyone <img src=x onerror=alert(1)>` and a hostile path render inert',
    async () => {
      await withFake(async (fake) => {
        const hostile = '@everyone <img src=x onerror=alert(1)>';
        const dir = `deploy/${hostile}`;
        const unitPath = `${dir}/evil@everyone.service`;
        const described = (text: string) => text.replace('Description=Orders API', `Description=${hostile}`);
        // The base policy names the hostile login as a deviation owner, and that user approves the head.
        const policy = F.policyText({ deviations: { owners: ['@everyone'] } });
        const repo = await repoOf(
          { [unitPath]: described(F.API_HARDENED), [F.API_PATH]: F.API_HARDENED, [F.POLICY_PATH]: policy },
          {
            [unitPath]: described(F.API_WEAKENED),
            [F.API_PATH]: described(F.API_SYS_ADMIN),
            [F.POLICY_PATH]: policy,
          },
        );
        // A deviation note whose every field is hostile too (accepted: shown with owner and reason).
        const body = F.deviationBody({
          unit: unitPath,
          check: 'CapabilityBoundingSet',
          reason: hostile,
          owner: '@everyone',
          expires: F.isoDay(30),
          ticket: hostile,
        });
        addPull(fake, repo, { body: `${hostile}\n\n${body}` });
        fake.addReview(repo.pullNumber, { user: 'everyone', state: 'APPROVED' });
        const run = await runReview(fake, repo);

        expect(run.exitCode).toBe(1);
        expect(run.report?.units.map((u) => u.path).sort()).toEqual([F.API_PATH, unitPath].sort());
        const comment = theStickyComment(fake).body;
        expectInert(comment);
        // Neutralised where it would notify (prose, HTML), literal in code spans (which never notify).
        expect(comment).toContain(`owner @${ZWSP}everyone`);
        expect(comment).toContain(`reason: @${ZWSP}everyone &lt;img src=x onerror=alert(1)&gt;`);
        // Still a table, with a row per unit (the hostile path as code, literally), and the details.
        expect(comment).toContain('| Unit | Profile | Exposure (base → head) | Δ | Threshold | Verdict |');
        const row = tableRow(comment, unitPath);
        expect(row.slice(1, 4)).toEqual([
          'baseline',
          expect.stringMatching(/^\d\.\d OK → \d\.\d OK$/),
          expect.stringMatching(/^\+/),
        ]);
        expect(row[5]).toMatch(/^❌ fail — 2 violations<br>⚠️ accepted: /);
        expect(tableRow(comment, F.API_PATH)[5]).toBe('❌ fail — 2 violations');
        expect(comment).toContain(
          `<summary>❌ <code>deploy/@${ZWSP}everyone &lt;img src=x onerror=alert(1)&gt;/evil@${ZWSP}everyone.service</code>`,
        );
        // Links to the lines at head keep the path percent-encoded.
        expect(comment).toContain(
          'deploy/@everyone%20%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E/evil@everyone.service#L',
        );
        // The check run carries the same text as Markdown: inert as well.
        for (const check of fake.checkRuns) {
          expect(outsideCode(check.output.text ?? '')).not.toMatch(/<img|@(?!\u200b)/i);
          expect(outsideCode(check.output.summary ?? '')).not.toMatch(/<img|@(?!\u200b)/i);
        }
      });
    },
  );

  it.concurrent(
    '5. a pull request touching 300 units keeps the comment under the 65,536-character cap',
    async () => {
      await withFake(async (fake) => {
        const base: FileTree = {};
        const head: FileTree = {};
        for (let i = 0; i < 300; i++) {
          const name = `svc-${String(i).padStart(3, '0')}`;
          const file = `deploy/fleet/region-eu-central-1/cluster-a/${name}.service`;
          // Each loses its bit of hardening: 300 failing units, each with findings and a "why it moved".
          base[file] = smallUnit(name, 'PrivateTmp=yes\nNoNewPrivileges=yes\nProtectSystem=strict\n');
          head[file] = smallUnit(name);
        }
        const repo = await repoOf(base, head);
        expect(repo.changedFiles).toHaveLength(300);
        addPull(fake, repo);
        // No check run: its ~25 annotation batches are writes, which octokit spaces 1 s apart (GitHub's
        // advice for content-creating requests); gate.test.ts covers the batches.
        const run = await runReview(fake, repo, { inputs: { 'check-run': 'false' } });

        expect(run.exitCode).toBe(1);
        expect(run.report?.counts).toMatchObject({ units: 300, fail: 300 });
        const body = theStickyComment(fake).body;
        expect(charCount(body)).toBeLessThan(65536);
        expect(fake.requestsTo('issues/create-comment').map((r) => r.status)).toEqual([201]);
        expect(
          body.startsWith(
            `${STICKY_MARKER}\n<!-- unitgate:revision 4242 -->\n## ❌ unitgate: hardening gate failed — 300 units of 300`,
          ),
        ).toBe(true);
        expect(body).toContain('| Unit | Profile | Exposure (base → head) | Δ | Threshold | Verdict |');
        const rows = body.split('\n').filter((l) => l.startsWith('| `deploy/fleet/'));
        expect(rows.length).toBeGreaterThan(0);
        const runLink =
          '[the job summary of this run](https://github.com/octo-org/services/actions/runs/4242)';
        if (rows.length < 300) {
          expect(body).toContain(
            `_${300 - rows.length} more units (failing units come first) are listed in ${runLink}._`,
          );
        }
        // Not every unit's details fit: the cut is said, with the way to the rest.
        const details = body.match(/<details( open)?><summary>❌/g)?.length ?? 0;
        expect(details).toBeLessThan(300);
        expect(body).toContain(
          `_Details of ${300 - details} units are cut to fit this comment; see ${runLink}._`,
        );
        expect(
          body.trimEnd().endsWith(`<sub>unitgate · every finding, fix and message: ${runLink}</sub>`),
        ).toBe(true);
        // Cut between blocks, never inside one.
        expect(body.match(/<details/g)?.length).toBe(body.match(/<\/details>/g)?.length);
        expectInert(body);
      });
    },
  );

  it.concurrent(
    '6. the trend over 5 tagged releases shows exactly what `unitgate security` gives at each tag',
    async () => {
      await withFake(async (fake) => {
        const repo = await repoOf(
          AFTER_RELEASES,
          {
            [F.API_PATH]: F.API_HARDENED,
            [F.WORKER_PATH]: F.WORKER,
            [WORKER_DROPIN_PATH]: WORKER_DROPIN_V2,
          },
          { history: RELEASES, shallow: false },
        );
        expect(repo.history.map((h) => h.tag)).toEqual(['v1.0.0', 'v1.1.0', 'v1.2.0', 'v1.3.0', 'v1.4.0']);
        expect((await repo.git('tag', '--list')).split('\n').filter(Boolean)).toHaveLength(5);
        addPull(fake, repo);
        const run = await runReview(fake, repo);

        expect(run.exitCode).toBe(0);
        const trend = run.report?.trend;
        if (!trend) throw new Error(`the report has no trend:\n${run.stdout}`);
        const columns = [
          ...repo.history.map((h) => ({ label: h.tag as string, commit: h.sha })),
          { label: 'base', commit: repo.baseSha },
          { label: 'head', commit: repo.mergeSha },
        ];
        expect(trend.releases.map((r) => [r.label, r.commit])).toEqual(
          columns.map((c) => [c.label, c.commit]),
        );
        // The units the pull request touches (the worker through its drop-in); legacy is not in scope.
        expect(trend.units.map((u) => u.unitPath)).toEqual([F.API_PATH, F.WORKER_PATH]);

        const comment = theStickyComment(fake).body;
        expect(comment).toContain('<details><summary>📈 Trend across releases</summary>');
        expect(comment).toContain(
          '| Unit | `v1.0.0` | `v1.1.0` | `v1.2.0` | `v1.3.0` | `v1.4.0` | `base` | `head` |',
        );
        let compared = 0;
        for (const unit of trend.units) {
          const expected = await Promise.all(
            columns.map((c, i) => cliScoreAt(repo, c.commit, unit.unitPath, unit.points[i]?.systemdVersion)),
          );
          expect(unit.points.map((p) => [p.label, p.score, p.level])).toEqual(
            columns.map((c, i) => [c.label, expected[i]?.score ?? null, expected[i]?.level ?? null]),
          );
          expect(unit.points.map((p) => p.exposure)).toEqual(
            expected.map((e) => (e ? Number(e.score.replace('.', '')) : null)),
          );
          // The comment's trend table: the same numbers, in the same order.
          expect(tableRow(trendOf(comment), unit.unitPath).slice(1)).toEqual(
            expected.map((e) => e?.score ?? '—'),
          );
          compared += expected.filter(Boolean).length;
        }
        expect(compared).toBe(14);
        // The numbers move the way the history went (a sanity check of the fixture itself).
        const api = trend.units[0]?.points.map((p) => p.exposure) as number[];
        expect(api[1]).toBeLessThan(api[0] as number);
        expect(api[2]).toBeLessThan(api[1] as number);
        expect(api[3]).toBeGreaterThan(api[2] as number);
        expect(api[6]).toBeLessThan(api[5] as number);
        const worker = trend.units[1]?.points.map((p) => p.exposure) as number[];
        expect(worker[2]).toBeLessThan(worker[1] as number);
        expect(worker[6]).toBeLessThan(worker[5] as number);
        // The job summary has the trend too.
        expect(run.summary).toContain('## Exposure trend');
      });
    },
  );

  it.concurrent(
    '7. suggestions: a review restores `ProtectSystem=strict` on a diff line, and applying it gives the base score',
    async () => {
      await withFake(async (fake) => {
        const repo = await repoOf(
          { [F.API_PATH]: F.API_HARDENED },
          { [F.API_PATH]: F.API_NO_PROTECT_SYSTEM },
        );
        addPull(fake, repo);
        const run = await runReview(fake, repo, { inputs: { suggestions: 'true' } });

        expect(run.exitCode).toBe(1);
        expect(fake.reviews).toHaveLength(1);
        expect(fake.reviews[0]).toMatchObject({
          user: 'github-actions[bot]',
          state: 'COMMENTED',
          commitId: repo.headSha,
        });
        expect(fake.reviews[0]?.body).toContain('**unitgate** suggests a fix');
        expect(fake.reviewComments).toHaveLength(1);
        const suggestion = fake.reviewComments[0];
        if (!suggestion) throw new Error('no review comment');
        expect(suggestion).toMatchObject({ path: F.API_PATH, side: 'RIGHT', reviewId: fake.reviews[0]?.id });
        const patch = repo.changedFiles.find((f) => f.filename === F.API_PATH)?.patch ?? '';
        const onDiff = commentableLines(patch).RIGHT;
        expect(onDiff.has(suggestion.line as number)).toBe(true);
        if (suggestion.startLine !== null) expect(onDiff.has(suggestion.startLine)).toBe(true);

        const block = /^```suggestion\n([\s\S]*?)\n```$/m.exec(suggestion.body);
        if (!block) throw new Error(`no suggestion block in:\n${suggestion.body}`);
        const replacement = (block[1] as string).split('\n');
        expect(replacement).toContain('ProtectSystem=strict');

        // "Commit suggestion": the head file with the block in place of the commented lines. (The
        // shallow checkout holds the merge commit, whose file is the head's.)
        const headText = await repo.git('show', `${repo.mergeSha}:${F.API_PATH}`);
        expect(headText).toBe(F.API_NO_PROTECT_SYSTEM);
        const applied = applySuggestion(headText, {
          line: suggestion.line as number,
          ...(suggestion.startLine !== null ? { startLine: suggestion.startLine } : {}),
          replacement,
        });
        const [fixed, baseScore, headScore] = await Promise.all([
          cliScore({ [F.API_PATH]: applied }, F.API_PATH),
          cliScore({ [F.API_PATH]: F.API_HARDENED }, F.API_PATH),
          cliScore({ [F.API_PATH]: F.API_NO_PROTECT_SYSTEM }, F.API_PATH),
        ]);
        expect(headScore.score).not.toBe(baseScore.score);
        expect(fixed).toEqual(baseScore);
        const api = run.report?.units.find((u) => u.path === F.API_PATH);
        expect([api?.base?.display, api?.base?.level]).toEqual([baseScore.score, baseScore.level]);
        // The same by hand: the removed line back where the review puts it.
        expect(applied.split('\n').filter((l) => l === 'ProtectSystem=strict')).toHaveLength(1);

        // A second run on the same head does not post the same suggestion again.
        const again = await runReview(fake, repo, { inputs: { suggestions: 'true' } });
        expect(again.exitCode).toBe(1);
        expect(fake.reviews).toHaveLength(1);
        expect(fake.reviewComments).toHaveLength(1);
      });
    },
  );

  it.concurrent(
    '8. a release (tag push, `release` event) scans every unit: scores and trend in the summary and report',
    async () => {
      const tag = 'v2.0.0';
      const head: FileTree = {
        [F.API_PATH]: F.API_HARDENED,
        [F.WORKER_PATH]: F.WORKER,
        [WORKER_DROPIN_PATH]: WORKER_DROPIN_V2,
      };
      const releaseRepo = async (): Promise<GitRepo> => {
        const repo = await repoOf(AFTER_RELEASES, head, {
          history: RELEASES,
          shallow: false,
          checkout: 'head',
        });
        // The release: the head commit tagged and pushed, checked out as actions/checkout does on a tag.
        await repo.git('tag', '-a', '-m', tag, tag, repo.headSha);
        await repo.git('push', '-q', 'origin', `refs/tags/${tag}`);
        return repo;
      };
      const check = async (fake: FakeGitHub, repo: GitRepo, run: ReviewRun): Promise<void> => {
        expect(run.exitCode).toBe(0);
        expect(run.report?.run).toMatchObject({ commit: repo.headSha, baseCommit: null });
        expect(run.report?.units.map((u) => u.path)).toEqual([F.API_PATH, F.WORKER_PATH]);
        for (const u of run.report?.units ?? []) {
          const expected = await cliScoreAt(repo, repo.headSha, u.path);
          expect([u.head?.display, u.head?.level]).toEqual([expected?.score, expected?.level]);
          expect(tableRow(run.summary, u.path)[2]).toBe(`new → ${expected?.score} ${expected?.level}`);
        }
        // The trend: the last 5 releases (the new one included) and the released commit, every unit
        // that existed at any of them, each number what `unitgate security` gives on the files there.
        const trend = run.report?.trend;
        const columns = [
          ...repo.history.slice(1).map((h) => ({ label: h.tag as string, commit: h.sha })),
          { label: tag, commit: repo.headSha },
          { label: 'head', commit: repo.headSha },
        ];
        expect(trend?.releases.map((r) => [r.label, r.commit])).toEqual(
          columns.map((c) => [c.label, c.commit]),
        );
        expect(trend?.units.map((u) => u.unitPath)).toEqual([F.API_PATH, F.LEGACY_PATH, F.WORKER_PATH]);
        const trendSection = trendOf(run.summary);
        expect(trendSection).toContain(
          `| Unit | \`v1.1.0\` | \`v1.2.0\` | \`v1.3.0\` | \`v1.4.0\` | \`${tag}\` | \`head\` |`,
        );
        for (const u of trend?.units ?? []) {
          const expected = await Promise.all(columns.map((c) => cliScoreAt(repo, c.commit, u.unitPath)));
          expect(u.points.map((p) => [p.label, p.score, p.level])).toEqual(
            columns.map((c, i) => [c.label, expected[i]?.score ?? null, expected[i]?.level ?? null]),
          );
          expect(tableRow(trendSection, u.unitPath).slice(1)).toEqual(expected.map((e) => e?.score ?? '—'));
        }
        // Nobody to comment to; the check run is on the released commit.
        expect(fake.issueComments).toEqual([]);
        expect(fake.checkRuns.map((c) => [c.headSha, c.conclusion])).toEqual([[repo.headSha, 'success']]);
      };
      await Promise.all([
        withFake(async (fake) => {
          const repo = await releaseRepo();
          const event = {
            ref: `refs/tags/${tag}`,
            before: '0'.repeat(40),
            after: repo.headSha,
            created: true,
            deleted: false,
            base_ref: 'refs/heads/main',
            repository: repositoryPayload(),
            sender: { login: 'octocat' },
            pusher: { name: 'octocat' },
            commits: [],
          };
          const run = await runReview(fake, repo, { eventName: 'push', event });
          expect(run.env.GITHUB_REF).toBe(`refs/tags/${tag}`);
          await check(fake, repo, run);
        }),
        withFake(async (fake) => {
          const repo = await releaseRepo();
          const event = {
            action: 'published',
            release: { tag_name: tag, name: tag, draft: false, prerelease: false, target_commitish: 'main' },
            repository: repositoryPayload(),
            sender: { login: 'octocat' },
          };
          const run = await runReview(fake, repo, {
            eventName: 'release',
            event,
            sha: repo.headSha,
            ref: `refs/tags/${tag}`,
          });
          await check(fake, repo, run);
        }),
      ]);
    },
  );

  it.concurrent('9. the badge input writes a shields.io endpoint JSON with the worst exposure', async () => {
    await withFake(async (fake) => {
      const repo = await repoOf(
        { [F.API_PATH]: F.API_PLAIN, [F.WORKER_PATH]: F.WORKER, [F.LEGACY_PATH]: F.LEGACY },
        {
          [F.API_PATH]: F.API_HARDENED,
          [F.WORKER_PATH]: F.WORKER.replace('Orders queue worker', 'Orders queue worker (v2)'),
          [F.LEGACY_PATH]: F.LEGACY,
        },
      );
      addPull(fake, repo);
      const run = await runReview(fake, repo, { inputs: { badge: 'badges/unitgate.json' } });

      expect(run.exitCode).toBe(0);
      const file = path.join(repo.workspace, 'badges', 'unitgate.json');
      const badge = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
      // https://shields.io/badges/endpoint-badge: schemaVersion 1, label and message strings, a color.
      expect(Object.keys(badge).sort()).toEqual(['color', 'label', 'message', 'schemaVersion']);
      expect(badge.schemaVersion).toBe(1);
      expect(typeof badge.label).toBe('string');
      expect(badge.label).not.toBe('');
      expect(badge.message).toMatch(/^\d{1,2}\.\d (PERFECT|SAFE|OK|MEDIUM|EXPOSED|UNSAFE|DANGEROUS)$/);
      // The worst of the units in scope (the changed API and worker; legacy is untouched).
      const units = run.report?.units ?? [];
      expect(units.map((u) => u.path)).toEqual([F.API_PATH, F.WORKER_PATH]);
      const worst = units.reduce((a, b) => ((a.head?.value ?? 0) >= (b.head?.value ?? 0) ? a : b));
      expect(badge.message).toBe(`${worst.head?.display} ${worst.head?.level}`);
      expect(run.outputs['max-exposure']).toBe(worst.head?.display);
      const expected = await cliScore({ [F.WORKER_PATH]: F.WORKER }, F.WORKER_PATH);
      expect(badge.message).toBe(`${expected.score} ${expected.level}`);
      const colors: Record<string, string> = {
        PERFECT: 'brightgreen',
        SAFE: 'green',
        OK: 'yellowgreen',
        MEDIUM: 'yellow',
        EXPOSED: 'orange',
        UNSAFE: 'red',
        DANGEROUS: 'red',
      };
      expect(badge.color).toBe(colors[expected.level]);
      expect(await readFile(file, 'utf8')).toBe(`${JSON.stringify(badge)}\n`);
    });
  });

  it.concurrent(
    '10. fork-safe: artifact run with a read-only token writes nothing; workflow_run posts the same comment',
    async () => {
      const base = { [F.API_PATH]: F.API_HARDENED, [F.WORKER_PATH]: F.WORKER };
      const head = { [F.API_PATH]: F.API_WEAKENED, [F.WORKER_PATH]: F.WORKER.replace('=strict', '=full') };
      const prRunId = 8101;
      const workflowRunEvent = (headSha: string, pullRequests: Array<{ number: number }> = []) => ({
        action: 'completed',
        workflow_run: {
          id: prRunId,
          name: 'unitgate',
          event: 'pull_request',
          status: 'completed',
          conclusion: 'failure',
          head_sha: headSha,
          head_branch: 'feature',
          html_url: `https://github.com/octo-org/services/actions/runs/${prRunId}`,
          // GitHub leaves it empty when the pull request comes from a fork.
          pull_requests: pullRequests,
          head_repository: { full_name: 'fork-owner/services' },
        },
        workflow: { name: 'unitgate' },
        repository: repositoryPayload(),
        sender: { login: 'fork-owner' },
      });
      /** A workflow_run workspace holding only the bundle (the run never checks out the PR's code). */
      const bundleWorkspace = async (text: string): Promise<string> => {
        const dir = await scratchDir('workflow-run');
        await mkdir(path.join(dir, 'unitgate-publish'));
        await writeFile(path.join(dir, 'unitgate-publish', 'unitgate-publish.json'), text);
        return dir;
      };
      const [direct, fork, forkForTampering] = await Promise.all([
        repoOf(base, head),
        repoOf(base, head),
        repoOf(base, head),
      ]);

      // The reference: the direct mode's comment and check run for the same pull request and run.
      const reference = await withFake(async (fake) => {
        addPull(fake, direct);
        const run = await runReview(fake, direct, { runId: prRunId });
        expect(run.exitCode).toBe(1);
        return { comment: theStickyComment(fake).body, checkRuns: fake.checkRuns };
      });

      const bundleText = await withFake(async (fake) => {
        addPull(fake, fork, { head: { ...fork.pullRequest.head, repo: 'fork-owner/services' } });
        const forkToken = 'ghs_forkReadOnlyToken';
        fake.setToken(forkToken, { permissions: READ_ONLY });
        const artifact = await runReview(fake, fork, {
          runId: prRunId,
          token: forkToken,
          inputs: { publish: 'artifact' },
        });
        expect(artifact.exitCode).toBe(1); // the verdict, as in the direct mode
        expect(writeRequests(fake)).toEqual([]);
        expect(fake.requests.length).toBeGreaterThan(0); // it did read the pull request
        expect(artifact.annotations.filter((a) => a.level === 'warning')).toEqual([]);
        const bundleFile = path.join(fork.workspace, 'unitgate-publish', 'unitgate-publish.json');
        expect(artifact.stdout).toContain(`Wrote ${bundleFile} for the workflow_run side to publish.`);
        const text = await readFile(bundleFile, 'utf8');
        // The pull_request run's link and id travel with it (the comment's pointer and revision stamp).
        expect(JSON.parse(text)).toMatchObject({
          version: 'unitgate-publish/1',
          repository: 'octo-org/services',
          pullNumber: 1,
          headSha: fork.headSha,
          runUrl: `https://github.com/octo-org/services/actions/runs/${prRunId}`,
          runId: prRunId,
        });

        // The workflow_run side: a write token, a workspace with the bundle only, its own run id.
        const workspace = await bundleWorkspace(text);
        const published = await runReview(fake, undefined, {
          workspace,
          eventName: 'workflow_run',
          event: workflowRunEvent(fork.headSha),
          inputs: { publish: 'from-artifact' },
          runId: 9001,
          sha: fork.baseSha,
          ref: 'refs/heads/main',
        });
        expect(published.exitCode).toBe(0);
        expect(published.outputs.result).toBe('fail');
        expect(published.stdout).toContain('Published the unitgate results of pull request #1 (fail).');
        // Byte for byte the comment the direct mode posts, and the same check run.
        expect(theStickyComment(fake).body).toBe(reference.comment);
        const strip = (c: (typeof reference.checkRuns)[number]) => ({
          name: c.name,
          headSha: c.headSha,
          conclusion: c.conclusion,
          output: c.output,
          annotations: c.annotations,
        });
        expect(fake.checkRuns.map(strip)).toEqual(reference.checkRuns.map(strip));
        return text;
      });

      // Tampered bundles: each refused with exit 2 and a clear message, nothing written.
      const bundle = JSON.parse(bundleText) as Record<string, unknown> & {
        verdict: { units: Array<Record<string, unknown>> };
      };
      const tampered = (change: (b: typeof bundle) => void): string => {
        const copy = structuredClone(bundle);
        change(copy);
        return JSON.stringify(copy);
      };
      const otherHead = 'e'.repeat(40);
      const cases: Array<{ name: string; text: string; message: string }> = [
        {
          name: 'another repository',
          text: tampered((b) => (b.repository = 'evil-org/services')),
          message: 'refusing the publish bundle: the bundle is for evil-org/services, not octo-org/services',
        },
        {
          name: 'another head commit',
          text: tampered((b) => (b.headSha = otherHead)),
          message: `refusing the publish bundle: the bundle is for commit ${otherHead.slice(0, 12)}, the run is for ${forkForTampering.headSha.slice(0, 12)}`,
        },
        {
          name: 'a pull request whose head is another commit',
          text: tampered((b) => (b.pullNumber = 2)),
          message:
            'refusing the publish bundle: the bundle is for pull request #2, which did not trigger this run',
        },
        {
          name: 'a malformed verdict',
          text: tampered((b) => ((b.verdict.units[0] as Record<string, unknown>).status = '<img src=x>')),
          message: 'refusing the publish bundle: the bundle is malformed at /verdict/units/0/status',
        },
        {
          name: 'an oversized bundle',
          text: `${bundleText.trimEnd()}${' '.repeat(8 * 1024 * 1024)}\n`,
          message: 'the publish bundle is larger than 8388608 bytes',
        },
      ];
      await withFake(async (fake) => {
        addPull(fake, forkForTampering);
        fake.addPullRequest({
          number: 2,
          head: { sha: otherHead, ref: 'other' },
          base: forkForTampering.pullRequest.base,
        });
        const runs = await Promise.all(
          cases.map(async (c) => ({
            c,
            run: await runReview(fake, undefined, {
              workspace: await bundleWorkspace(c.text),
              eventName: 'workflow_run',
              event: workflowRunEvent(forkForTampering.headSha),
              inputs: { publish: 'from-artifact' },
              runId: 9002,
            }),
          })),
        );
        for (const { c, run } of runs) {
          expect({ name: c.name, exitCode: run.exitCode }).toEqual({ name: c.name, exitCode: 2 });
          const errors = run.annotations.filter((a) => a.level === 'error');
          expect(errors).toHaveLength(1);
          expect(errors[0]?.message).toContain(c.message);
          expect(run.outputs.result).toBe('fail');
        }
        expect(writeRequests(fake)).toEqual([]);
        expect(fake.issueComments).toEqual([]);
        expect(fake.checkRuns).toEqual([]);
      });
    },
  );
});
