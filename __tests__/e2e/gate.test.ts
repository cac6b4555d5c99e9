// End-to-end scenarios of the gate: each one is a real git repository (a base commit and a head
// commit, pushed to a bare origin and checked out shallow like actions/checkout does), the bundled
// action (dist/index.js) run as a real process with a runner's environment, and the fake GitHub API
// validating every request against GitHub's OpenAPI description. Each scenario asserts what a user
// would see: exit code, outputs, annotations (file and line), the job summary, the JSON report, the
// SARIF file and the check run. Scenarios are independent and run concurrently, each with its own fake.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import type { JsonReport, JsonUnit } from '../../src/core/report/json-report';
import type { SarifLog, SarifResult } from '../../src/core/report/sarif';
import { expectValidReport } from '../core/report/report-schema';
import {
  READ_ONLY,
  startFakeGitHub,
  type FakeCheckRun,
  type FakeFile,
  type FakeGitHub,
  type PullRequestInit,
} from './fake-github';
import * as F from './gate-fixtures';
import {
  makeGitRepo,
  runAction,
  type ActionRun,
  type Annotation,
  type FileTree,
  type GitRepo,
  type GitRepoOptions,
} from './run-action';

// ---- harness for this file ----------------------------------------------------------------------

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

/** Adds the repository's pull request (its files, shas and refs as git made them) to the fake. */
function addPull(fake: FakeGitHub, repo: GitRepo, init: PullRequestInit = {}): void {
  fake.addPullRequest({ ...repo.pullRequest, ...init });
}

interface GateRun extends ActionRun {
  /** The JSON report the action wrote (undefined when it wrote none). */
  report: JsonReport | undefined;
  sarif: SarifLog | undefined;
  /** Every string a reader can see: stdout, stderr, summary, outputs, report, SARIF and check runs. */
  everything: string;
}

const STACK_FRAME = /^\s+at .+(:\d+:\d+\)?|\(native\)|\(<anonymous>\))$/m;

/**
 * Runs the action on `repo` against `fake` and checks what must hold for every run: it ended on its
 * own with 0, 1 or 2, printed no stack trace and nothing on stderr, and the fake saw no request GitHub
 * would reject.
 */
async function runGate(
  fake: FakeGitHub,
  repo: GitRepo,
  options: {
    eventName?: string;
    event?: Record<string, unknown>;
    inputs?: Record<string, string>;
    token?: string;
    env?: Record<string, string>;
    sha?: string;
  } = {},
): Promise<GateRun> {
  const run = await runAction({
    workspace: repo.workspace,
    eventName: options.eventName ?? 'pull_request',
    event: options.event ?? fake.pullRequestEvent(repo.pullNumber),
    ...(options.inputs ? { inputs: options.inputs } : {}),
    ...(options.env ? { env: options.env } : {}),
    ...(options.sha ? { sha: options.sha } : {}),
    token: options.token ?? fake.token,
    apiUrl: fake.url,
    // The reports go to RUNNER_TEMP by default: read them before the runner's temp directory goes.
    keepTemp: true,
  });
  try {
    return checkedRun(fake, run);
  } finally {
    rmSync(run.tempDir, { recursive: true, force: true });
  }
}

function checkedRun(fake: FakeGitHub, run: Awaited<ReturnType<typeof runAction>>): GateRun {
  expect(run.timedOut).toBe(false);
  expect([0, 1, 2]).toContain(run.exitCode);
  expect(run.stderr).toBe('');
  expect(run.stdout).not.toMatch(STACK_FRAME);
  fake.expectNoViolations();

  const reportText = run.outputs.report && existsSync(run.outputs.report) ? read(run.outputs.report) : '';
  const sarifText =
    run.outputs['sarif-file'] && existsSync(run.outputs['sarif-file']) ? read(run.outputs['sarif-file']) : '';
  const report = reportText ? (JSON.parse(reportText) as JsonReport) : undefined;
  const sarif = sarifText ? (JSON.parse(sarifText) as SarifLog) : undefined;
  if (sarif) expectValidSarif(sarif);
  if (report) expectValidReport(report);
  const everything = [run.stdout, run.stderr, run.summary, JSON.stringify(run.outputs), reportText, sarifText]
    .concat(fake.checkRuns.map((c) => JSON.stringify(c)))
    .join('\n');
  return { ...run, report, sarif, everything };
}

function read(file: string): string {
  return readFileSync(file, 'utf8');
}

/** The outputs every completed gate run sets: the report and SARIF under RUNNER_TEMP, not in the checkout. */
function expectFileOutputs(run: GateRun, repo: GitRepo): void {
  const folder = path.join(run.tempDir, 'runner-temp', 'unitgate');
  expect(run.outputs.report).toBe(path.join(folder, 'unitgate-report.json'));
  expect(run.outputs['sarif-file']).toBe(path.join(folder, 'unitgate.sarif'));
  expect(existsSync(path.join(repo.workspace, 'unitgate-report.json'))).toBe(false);
  expect(run.report?.version).toBe('unitgate-report/1');
  expect(run.sarif?.version).toBe('2.1.0');
}

function unitOf(run: GateRun, unitPath: string): JsonUnit {
  const u = run.report?.units.find((x) => x.path === unitPath);
  if (!u)
    throw new Error(`the report has no unit ${unitPath}: ${run.report?.units.map((x) => x.path).join(', ')}`);
  return u;
}

/** Annotations of one level about one file, without the final `setFailed` line. */
function annotationsOn(run: GateRun, file: string, level?: Annotation['level']): Annotation[] {
  return run.annotations.filter((a) => a.file === file && (level === undefined || a.level === level));
}

/** The only annotation whose title starts with `title`. */
function annotationTitled(run: GateRun, title: string): Annotation {
  const found = run.annotations.filter((a) => a.title?.startsWith(title));
  if (found.length !== 1) {
    throw new Error(
      `expected one annotation titled "${title}…", found ${found.length}:\n${run.annotations.map((a) => `${a.level} ${a.title}`).join('\n')}`,
    );
  }
  return found[0] as Annotation;
}

/** The table row of one unit in the job summary. */
function summaryRow(run: GateRun, unitPath: string): string {
  const row = run.summary.split('\n').find((line) => line.startsWith(`| \`${unitPath}\` |`));
  if (!row) throw new Error(`the job summary has no row for ${unitPath}:\n${run.summary}`);
  return row;
}

const CHECK_LEVEL: Record<Annotation['level'], string> = {
  error: 'failure',
  warning: 'warning',
  notice: 'notice',
};

/**
 * The one check run: completed with `conclusion`, on `sha`, its annotations sent in batches of at most
 * 50 (the Checks API's limit) and holding every annotation the workflow commands printed.
 */
function expectCheckRun(fake: FakeGitHub, run: GateRun, sha: string, conclusion: string): FakeCheckRun {
  expect(fake.checkRuns).toHaveLength(1);
  const check = fake.checkRuns[0] as FakeCheckRun;
  expect(check).toMatchObject({ name: 'unitgate', headSha: sha, status: 'completed', conclusion });
  for (const batch of check.annotationBatches) expect(batch).toBeLessThanOrEqual(50);
  expect(check.annotationBatches.reduce((a, b) => a + b, 0)).toBe(check.annotations.length);
  const writes = [...fake.requestsTo('checks/create'), ...fake.requestsTo('checks/update')];
  expect(writes.filter((r) => r.status < 300)).toHaveLength(check.annotationBatches.length);
  expect(check.output.summary).toContain('unitgate: hardening gate');
  for (const a of run.annotations.filter((x) => x.file !== undefined)) {
    expect(check.annotations).toContainEqual(
      expect.objectContaining({
        path: a.file,
        start_line: a.line,
        end_line: a.line,
        annotation_level: CHECK_LEVEL[a.level],
        title: a.title,
      }),
    );
  }
  return check;
}

function sarifResults(run: GateRun): SarifResult[] {
  return run.sarif?.runs[0]?.results ?? [];
}

function sarifLocation(r: SarifResult): { uri: string; line: number } {
  const loc = r.locations[0]?.physicalLocation;
  return { uri: loc?.artifactLocation.uri ?? '', line: loc?.region.startLine ?? 0 };
}

// The official SARIF 2.1.0 schema (see __tests__/core/report/sarif.test.ts for the one fix it needs).
const sarifSchema = JSON.parse(
  readFileSync(path.join(__dirname, '..', 'fixtures', 'sarif-schema-2.1.0.json'), 'utf8'),
) as { definitions: { region: { anyOf?: unknown; properties: Record<string, unknown> } } };
if (Array.isArray(sarifSchema.definitions.region.properties.anyOf)) {
  sarifSchema.definitions.region.anyOf = sarifSchema.definitions.region.properties.anyOf;
  delete sarifSchema.definitions.region.properties.anyOf;
}
const sarifAjv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
sarifAjv.addFormat('uri', (s: string) => /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$/.test(s));
sarifAjv.addFormat('uri-reference', (s: string) => /^[^\s\\]*$/.test(s) && !/%(?![0-9A-Fa-f]{2})/.test(s));
sarifAjv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)));
const validateSarif = sarifAjv.compile(sarifSchema);

function expectValidSarif(sarif: SarifLog): void {
  const valid = validateSarif(sarif);
  expect(validateSarif.errors ?? []).toEqual([]);
  expect(valid).toBe(true);
}

/** A `workflow_dispatch` or `push` payload for the fake's repository. */
function repositoryPayload(): Record<string, unknown> {
  return {
    full_name: 'octo-org/services',
    name: 'services',
    owner: { login: 'octo-org' },
    default_branch: 'main',
  };
}

// ---- scenarios ------------------------------------------------------------------------------------

describe('unitgate end to end', () => {
  it.concurrent(
    '1. hardening improved: passes, and the summary shows base → head with a lower exposure',
    async () => {
      await withFake(async (fake) => {
        const repo = await repoOf(
          { [F.API_PATH]: F.API_PLAIN, [F.WORKER_PATH]: F.WORKER },
          { [F.API_PATH]: F.API_HARDENED, [F.WORKER_PATH]: F.WORKER },
        );
        addPull(fake, repo);
        const run = await runGate(fake, repo);

        expect(run.exitCode).toBe(0);
        expectFileOutputs(run, repo);
        const api = unitOf(run, F.API_PATH);
        expect(run.outputs).toMatchObject({
          result: 'pass',
          'failed-units': '[]',
          'max-exposure': api.head?.display,
        });
        // Only the changed unit is in scope; the untouched worker is not scored.
        expect(run.report?.units.map((u) => u.path)).toEqual([F.API_PATH]);
        expect(api).toMatchObject({ status: 'pass', violations: [], profile: 'baseline' });
        expect(api.base?.value).toBeGreaterThan(api.head?.value ?? Infinity);
        expect(api.delta).toBeLessThan(0);
        expect(run.report?.run).toMatchObject({ commit: repo.mergeSha, baseCommit: repo.baseSha });

        // Summary: the headline, and the unit's row with base → head, a negative delta and a pass.
        expect(run.summary).toContain('## ✅ unitgate: hardening gate passed');
        const row = summaryRow(run, F.API_PATH);
        const arrow = `${api.base?.display} ${api.base?.level} → ${api.head?.display} ${api.head?.level}`;
        expect(row).toContain(arrow);
        expect(row).toMatch(/\| −\d\.\d \|/);
        expect(row).toContain('✅ pass');
        // "Why it moved" points at the lines that improved it, e.g. ProtectSystem=strict.
        expect(run.summary).toContain(
          `deploy/api.service:${F.lineOf(F.API_HARDENED, 'ProtectSystem=strict')}`,
        );

        expect(run.annotations).toEqual([]);
        expect(sarifResults(run)).toEqual([]);
        expect(run.sarif?.runs[0]?.properties).toMatchObject({ result: 'pass', mode: 'enforce' });
        expectCheckRun(fake, run, repo.headSha, 'success');
      });
    },
  );

  it.concurrent(
    '2. weakened without a note: fails on the exact lines, the removed directive on [Service]',
    async () => {
      await withFake(async (fake) => {
        const repo = await repoOf(
          { [F.API_PATH]: F.API_HARDENED, [F.WORKER_PATH]: F.WORKER },
          { [F.API_PATH]: F.API_WEAKENED, [F.WORKER_PATH]: F.WORKER },
        );
        addPull(fake, repo);
        const run = await runGate(fake, repo);

        expect(run.exitCode).toBe(1);
        expectFileOutputs(run, repo);
        expect(run.outputs).toMatchObject({ result: 'fail', 'failed-units': JSON.stringify([F.API_PATH]) });
        expect(run.outputs['max-exposure']).toBe(unitOf(run, F.API_PATH).head?.display);

        const capLine = F.lineOf(F.API_WEAKENED, 'CapabilityBoundingSet=CAP_SYS_ADMIN');
        const serviceLine = F.lineOf(F.API_WEAKENED, '[Service]');
        const cap = annotationTitled(run, 'Hardening regressed: CapabilityBoundingSet_CAP_SYS_ADMIN');
        expect(cap).toMatchObject({ level: 'error', file: F.API_PATH, line: capLine });
        expect(cap.message).toContain('`CapabilityBoundingSet=` → `CapabilityBoundingSet=CAP_SYS_ADMIN`');
        const protect = annotationTitled(run, 'Hardening regressed: ProtectSystem');
        expect(protect).toMatchObject({ level: 'error', file: F.API_PATH, line: serviceLine });
        expect(protect.message).toContain('`ProtectSystem=strict` removed');
        expect(protect.message).toContain('ProtectSystem=strict'); // the fix to paste
        const rose = annotationTitled(run, 'Exposure rose');
        expect(rose).toMatchObject({ level: 'error', file: F.API_PATH, line: capLine });
        // The final verdict line names the unit; nothing is said about the untouched worker.
        expect(run.annotations.at(-1)).toEqual({
          level: 'error',
          message: `unitgate: 1 unit failed the hardening gate: ${F.API_PATH}`,
        });
        expect(run.everything).not.toContain('worker.service');

        const api = unitOf(run, F.API_PATH);
        expect(api.status).toBe('fail');
        expect(api.violations.map((v) => [v.kind, v.check, v.location.file, v.location.line])).toEqual(
          expect.arrayContaining([
            ['regression-row', 'CapabilityBoundingSet_CAP_SYS_ADMIN', F.API_PATH, capLine],
            // A removed line is cited where it was, at the base commit (its annotation anchors at head).
            ['regression-row', 'ProtectSystem', F.API_PATH, F.lineOf(F.API_HARDENED, 'ProtectSystem=strict')],
            ['regression-exposure', 'exposure', F.API_PATH, capLine],
          ]),
        );
        expect(run.report?.counts).toMatchObject({ units: 1, fail: 1, violations: api.violations.length });

        expect(run.summary).toContain('## ❌ unitgate: hardening gate failed — 1 unit of 1');
        expect(summaryRow(run, F.API_PATH)).toContain('❌ fail');
        expect(run.summary).toContain(`deploy/api.service:${capLine}`);
        expect(run.summary).toContain(
          `deploy/api.service:${F.lineOf(F.API_HARDENED, 'ProtectSystem=strict')}`,
        );

        const results = sarifResults(run);
        expect(results).toHaveLength(api.violations.length);
        expect(results.every((r) => r.level === 'error' && r.suppressions === undefined)).toBe(true);
        const sarifProtect = results.find((r) => r.ruleId === 'systemd/ProtectSystem') as SarifResult;
        expect(sarifLocation(sarifProtect)).toEqual({ uri: F.API_PATH, line: serviceLine });

        const check = expectCheckRun(fake, run, repo.headSha, 'failure');
        expect(check.annotations).toHaveLength(api.violations.length);
      });
    },
  );

  it.concurrent(
    '3. weakened with a valid deviation note: passes, shown as an accepted deviation',
    async () => {
      await withFake(async (fake) => {
        // The base policy names the owners; a member of the owner team (not the author) approved the head.
        const policy = F.policyText({ deviations: { owners: ['@acme/platform'] } });
        const repo = await repoOf(
          { [F.API_PATH]: F.API_HARDENED, [F.POLICY_PATH]: policy },
          { [F.API_PATH]: F.API_SYS_ADMIN, [F.POLICY_PATH]: policy },
        );
        const expires = F.isoDay(30);
        const note = {
          unit: F.API_PATH,
          reason: 'the mount helper needs it',
          owner: '@acme/platform',
          expires,
        };
        const body = [
          F.deviationBody({ ...note, check: 'CapabilityBoundingSet', ticket: 'OPS-1234' }),
          F.deviationBody({ ...note, check: 'exposure', ticket: 'OPS-1234' }),
        ].join('\n');
        addPull(fake, repo, { body, user: 'carol' });
        fake.addTeamMember('acme', 'platform', 'olivia');
        fake.addReview(repo.pullNumber, { user: 'olivia', state: 'APPROVED' });
        const run = await runGate(fake, repo);

        expect(run.exitCode).toBe(0);
        expectFileOutputs(run, repo);
        expect(run.outputs).toMatchObject({ result: 'pass', 'failed-units': '[]' });

        const api = unitOf(run, F.API_PATH);
        expect(api.status).toBe('accepted');
        expect(api.violations).toEqual([]);
        expect(api.accepted.map((a) => a.violation.kind).sort()).toEqual([
          'regression-exposure',
          'regression-row',
        ]);
        for (const a of api.accepted) {
          expect(a.note).toMatchObject({ source: 'pr-body', owner: '@acme/platform', expires, valid: true });
          expect(a.acceptedBy).toBe('@olivia (@acme/platform)');
        }
        expect(run.report?.counts).toMatchObject({
          accepted: 1,
          fail: 0,
          acceptedDeviations: 2,
          invalidNotes: 0,
        });

        // Notice annotations on the line that kept CAP_SYS_ADMIN, with owner and expiry.
        const capLine = F.lineOf(F.API_SYS_ADMIN, 'CapabilityBoundingSet=CAP_SYS_ADMIN');
        const notices = annotationsOn(run, F.API_PATH, 'notice');
        expect(notices).toHaveLength(2);
        for (const n of notices) {
          expect(n.line).toBe(capLine);
          expect(n.title).toMatch(/^Accepted deviation: /);
          expect(n.message).toContain(`owner @acme/platform, expires ${expires}, ticket OPS-1234`);
        }
        expect(run.annotations.filter((a) => a.level === 'error')).toEqual([]);

        // Summary: the unit passes with the accepted deviation, owner and expiry.
        expect(run.summary).toContain('1 unit with accepted deviations');
        const row = summaryRow(run, F.API_PATH);
        expect(row).toContain('✅ pass');
        expect(row).toContain('⚠️ accepted');
        expect(row).toContain(expires);
        expect(run.summary).toContain('#### Accepted deviations');
        expect(run.summary).toContain('(noted in the PR description)');

        // SARIF: suppressed notes with the note as justification.
        const results = sarifResults(run);
        expect(results).toHaveLength(2);
        for (const r of results) {
          expect(r.level).toBe('note');
          expect(r.suppressions).toEqual([
            {
              kind: 'external',
              status: 'accepted',
              justification: expect.stringContaining(`owner @acme/platform, expires ${expires}`),
            },
          ]);
          expect(sarifLocation(r)).toEqual({ uri: F.API_PATH, line: capLine });
        }
        expectCheckRun(fake, run, repo.headSha, 'success');
      });
    },
  );

  it.concurrent('4. an expired deviation note does not count: fails, saying the note expired', async () => {
    await withFake(async (fake) => {
      const repo = await repoOf({ [F.API_PATH]: F.API_HARDENED }, { [F.API_PATH]: F.API_SYS_ADMIN });
      const expired = F.isoDay(-1);
      const body = F.deviationBody({
        unit: F.API_PATH,
        check: 'CapabilityBoundingSet',
        reason: 'the mount helper needs it',
        owner: '@acme/platform',
        expires: expired,
      });
      addPull(fake, repo, { body });
      const run = await runGate(fake, repo);

      expect(run.exitCode).toBe(1);
      expectFileOutputs(run, repo);
      expect(run.outputs).toMatchObject({ result: 'fail', 'failed-units': JSON.stringify([F.API_PATH]) });
      const invalid = annotationTitled(run, 'Invalid deviation note');
      expect(invalid.level).toBe('error');
      expect(invalid.file).toBe(F.API_PATH);
      expect(invalid.message).toContain(`it expired on ${expired}`);
      // The findings the note meant to accept are still open.
      expect(annotationTitled(run, 'Hardening regressed: CapabilityBoundingSet_CAP_SYS_ADMIN').level).toBe(
        'error',
      );

      const api = unitOf(run, F.API_PATH);
      expect(api.accepted).toEqual([]);
      expect(api.violations.map((v) => v.kind)).toContain('invalid-deviation');
      expect(run.report?.notes).toEqual([
        expect.objectContaining({ valid: false, expires: expired, problems: [`it expired on ${expired}`] }),
      ]);
      expect(run.summary).toContain('### Invalid deviation notes');
      expect(run.summary).toContain(`it expired on ${expired}`);
      expect(sarifResults(run).some((r) => r.ruleId === 'unitgate/invalid-deviation')).toBe(true);
      expectCheckRun(fake, run, repo.headSha, 'failure');
    });
  });

  it.concurrent(
    '5. a drop-in-only change puts the unit in scope and the annotations point into the drop-in',
    async () => {
      await withFake(async (fake) => {
        const repo = await repoOf(
          { [F.API_PATH]: F.API_HARDENED, [F.API_DROPIN_PATH]: F.OVERRIDE_HARMLESS },
          { [F.API_PATH]: F.API_HARDENED, [F.API_DROPIN_PATH]: F.OVERRIDE_WEAKENS },
        );
        expect(repo.changedFiles.map((f) => f.filename)).toEqual([F.API_DROPIN_PATH]);
        addPull(fake, repo);
        const run = await runGate(fake, repo);

        expect(run.exitCode).toBe(1);
        expectFileOutputs(run, repo);
        expect(run.outputs).toMatchObject({ result: 'fail', 'failed-units': JSON.stringify([F.API_PATH]) });
        expect(run.report?.units.map((u) => [u.path, u.status])).toEqual([[F.API_PATH, 'fail']]);

        const capLine = F.lineOf(F.OVERRIDE_WEAKENS, 'CapabilityBoundingSet=CAP_SYS_ADMIN');
        const protectLine = F.lineOf(F.OVERRIDE_WEAKENS, 'ProtectSystem=full');
        expect(
          annotationTitled(run, 'Hardening regressed: CapabilityBoundingSet_CAP_SYS_ADMIN'),
        ).toMatchObject({
          level: 'error',
          file: F.API_DROPIN_PATH,
          line: capLine,
        });
        const protect = annotationTitled(run, 'Hardening regressed: ProtectSystem');
        expect(protect).toMatchObject({ level: 'error', file: F.API_DROPIN_PATH, line: protectLine });
        expect(protect.message).toContain('`ProtectSystem=strict` → `ProtectSystem=full`');
        expect(annotationsOn(run, F.API_PATH)).toEqual([]);

        expect(run.summary).toContain(`deploy/api.service.d/override.conf:${protectLine}`);
        expect(sarifResults(run).map(sarifLocation)).toContainEqual({
          uri: F.API_DROPIN_PATH,
          line: capLine,
        });
        const check = expectCheckRun(fake, run, repo.headSha, 'failure');
        expect(new Set(check.annotations.map((a) => a.path))).toEqual(new Set([F.API_DROPIN_PATH]));
      });
    },
  );

  it.concurrent(
    '6. a fork pull request with a read-only token: same verdict, writes are warnings, never exit 2',
    async () => {
      const forkToken = 'ghs_forkReadOnlyToken';
      const cases = [
        {
          name: 'passing',
          head: F.API_HARDENED.replace('Restart=on-failure', 'Restart=always'),
          exitCode: 0,
        },
        { name: 'failing', head: F.API_WEAKENED, exitCode: 1 },
      ];
      await Promise.all(
        cases.map(async ({ head, exitCode }) => {
          // The same pull request (same trees, same commits), once with the writable token of a branch
          // in the repository, once from a fork with a read-only token; each run has its own checkout.
          const [repo, forkRepo] = await Promise.all([
            repoOf({ [F.API_PATH]: F.API_HARDENED }, { [F.API_PATH]: head }),
            repoOf({ [F.API_PATH]: F.API_HARDENED }, { [F.API_PATH]: head }),
          ]);
          expect(forkRepo.mergeSha).toBe(repo.mergeSha);
          const fork = { user: 'forker', head: { ...repo.pullRequest.head, repo: 'forker/services' } };
          const [own, forked] = await Promise.all([
            withFake(async (fake) => {
              addPull(fake, repo);
              const run = await runGate(fake, repo);
              return { run, checkRuns: fake.checkRuns.length };
            }),
            withFake(async (fake) => {
              fake.setToken(forkToken, { permissions: READ_ONLY });
              addPull(fake, forkRepo, fork);
              const event = fake.pullRequestEvent(forkRepo.pullNumber);
              expect(event).toMatchObject({
                pull_request: { head: { repo: { full_name: 'forker/services', fork: true } } },
              });
              const run = await runGate(fake, forkRepo, { event, token: forkToken });
              // Reads worked; the one write was refused with 403.
              expect(fake.requestsTo('pulls/get').map((r) => r.status)).toEqual([200]);
              expect(fake.requestsTo('pulls/list-files').every((r) => r.status === 200)).toBe(true);
              expect(fake.requestsTo('checks/create').map((r) => r.status)).toEqual([403]);
              expect(fake.checkRuns).toEqual([]);
              return { run, checkRuns: fake.checkRuns.length };
            }),
          ]);
          expect(own.checkRuns).toBe(1);
          expect(own.run.exitCode).toBe(exitCode);
          expect(forked.run.exitCode).toBe(exitCode);
          expect(forked.run.outputs.result).toBe(exitCode === 0 ? 'pass' : 'fail');
          // The verdict is the same, finding for finding.
          // (Only the time the report was generated may differ.)
          const withoutTime = (r: typeof own.run.report) =>
            r ? { ...r, run: { ...r.run, generatedAt: null } } : r;
          expect(withoutTime(forked.run.report)).toEqual(withoutTime(own.run.report));
          expect(forked.run.sarif).toEqual(own.run.sarif);
          expect(forked.run.outputs).toEqual({
            ...own.run.outputs,
            report: expect.any(String),
            'sarif-file': expect.any(String),
          });
          expect(forked.run.summary).toBe(own.run.summary);
          // The refused write is a warning, and the only difference in the annotations.
          const warning = forked.run.annotations.filter((a) => a.level === 'warning');
          expect(warning).toHaveLength(2);
          expect(warning[0]?.message).toMatch(/^Could not create the check run \(the token may be read-only/);
          expect(warning[1]?.message).toMatch(/^Could not write the pull request comment: .*read-only/);
          expect(forked.run.annotations.filter((a) => a.level !== 'warning')).toEqual(own.run.annotations);
        }),
      );
    },
  );

  it.concurrent(
    '7. more than 3,000 changed files: the changed files come from git and the unit is found',
    async () => {
      await withFake(async (fake) => {
        const docs: FileTree = {};
        for (let i = 0; i < 3100; i++)
          docs[`assets/pages/page-${String(i).padStart(4, '0')}.md`] = `page ${i}\n`;
        const repo = await repoOf(
          { [F.API_PATH]: F.API_HARDENED, [F.WORKER_PATH]: F.WORKER },
          { ...docs, [F.API_PATH]: F.API_WEAKENED, [F.WORKER_PATH]: F.WORKER },
        );
        expect(repo.changedFiles).toHaveLength(3101);
        // The unit sorts last, so it is beyond the 3,000 files GitHub lists.
        expect(
          repo.changedFiles.findIndex((f: FakeFile) => f.filename === F.API_PATH),
        ).toBeGreaterThanOrEqual(3000);
        addPull(fake, repo);
        const run = await runGate(fake, repo);

        expect(run.exitCode).toBe(1);
        expectFileOutputs(run, repo);
        expect(run.outputs).toMatchObject({ result: 'fail', 'failed-units': JSON.stringify([F.API_PATH]) });
        // Scope is the change (git diff), not the whole repository: the worker is not in it.
        expect(run.report?.units.map((u) => u.path)).toEqual([F.API_PATH]);
        // git's list of changed files is what the gate scores; the API's count only cross-checks it.
        expect(fake.requestsTo('pulls/list-files')).toEqual([]);
        expect(annotationTitled(run, 'Hardening regressed: ProtectSystem')).toMatchObject({
          file: F.API_PATH,
        });

        // It never asked for a page GitHub does not serve (3,000 files: 30 pages of 100). It knows the
        // count from pulls/get (changed_files), so today it does not list the files at all.
        expect(fake.requestsTo('pulls/list-files').length).toBeLessThanOrEqual(30);
        for (const r of fake.requestsTo('pulls/list-files')) {
          const perPage = Number(r.query.per_page ?? 30);
          const page = Number(r.query.page ?? 1);
          expect(perPage).toBeLessThanOrEqual(100);
          expect((page - 1) * perPage).toBeLessThan(3000);
        }
        expect(fake.requestsTo('pulls/get')).toHaveLength(1);
        expectCheckRun(fake, run, repo.headSha, 'failure');
      });
    },
  );

  it.concurrent(
    '8. malicious symlinks are refused, nothing outside the workspace is read, no stack trace',
    async () => {
      const outside = mkdtempSync(path.join(tmpdir(), 'unitgate-outside-'));
      cleanups.push(async () => rmSync(outside, { recursive: true, force: true }));
      const secretDropIn = path.join(outside, 'secret.conf');
      writeFileSync(
        secretDropIn,
        '[Service]\n# outside-secret-marker\nEnvironment=LEAKED=outside-secret-marker\nNoNewPrivileges=no\n',
      );
      const environMarker = 'environ-secret-marker-4711';
      const base = { [F.API_PATH]: F.API_HARDENED, [F.WORKER_PATH]: F.WORKER };

      await withFake(async (fake) => {
        const repo = await repoOf(base, base, {
          symlinks: {
            'deploy/passwd.service': '/etc/passwd',
            'deploy/environ.service': '/proc/self/environ',
            'deploy/api.service.d/10-outside.conf': secretDropIn,
            'deploy/api.service.d/20-climb.conf': '../../../../../../../../etc/passwd',
            'deploy/worker.service.d': outside,
          },
        });
        addPull(fake, repo);
        const run = await runGate(fake, repo, { env: { UNITGATE_SECRET: environMarker } });

        expect(run.exitCode).toBe(1);
        expectFileOutputs(run, repo);
        const refused = {
          'deploy/passwd.service':
            'deploy/passwd.service is a symlink to /etc/passwd, which is not a file in this repository; refused',
          'deploy/environ.service':
            'deploy/environ.service is a symlink to /proc/self/environ, which is not a file in this repository; refused',
          [F.API_PATH]:
            `the drop-in deploy/api.service.d/10-outside.conf is a symlink to ${secretDropIn}, which is not in this repository; refused; ` +
            'the drop-in deploy/api.service.d/20-climb.conf is a symlink to ../../../../../../../../etc/passwd, which is not in this repository; refused',
          [F.WORKER_PATH]: `the drop-in deploy/worker.service.d is a symlink to ${outside}, which is not in this repository; refused`,
        };
        expect(JSON.parse(run.outputs['failed-units'] ?? '')).toEqual(Object.keys(refused).sort());
        for (const [unit, note] of Object.entries(refused)) {
          const u = unitOf(run, unit);
          expect(u).toMatchObject({ status: 'error', note, head: null });
          expect(annotationsOn(run, unit, 'error')).toEqual([
            expect.objectContaining({ line: 1, message: expect.stringContaining(note) }),
          ]);
          expect(summaryRow(run, unit)).toContain('💥 error');
        }

        // Nothing from outside the repository got in: not /etc/passwd, not the environment, not the
        // drop-in outside (nor what it sets).
        for (const leak of [F.PASSWD_MARKER, 'outside-secret-marker', environMarker, '/bin/bash', 'LEAKED']) {
          expect(run.everything).not.toContain(leak);
        }
        expect(readFileSync('/etc/passwd', 'utf8')).toContain(F.PASSWD_MARKER); // the marker is a real one
        expectCheckRun(fake, run, repo.headSha, 'failure');
      });

      // The report and SARIF paths are in the checkout, which the pull request controls: a symlink there
      // must not make the action write outside the workspace.
      const victim = path.join(outside, 'victim.txt');
      writeFileSync(victim, 'precious\n');
      const repo = await repoOf(
        base,
        { ...base, 'README.md': 'changed\n' },
        {
          symlinks: { 'unitgate.sarif': victim, reports: outside },
        },
      );
      for (const { inputs, message } of [
        {
          inputs: { report: 'reports/gate.json' },
          message: 'report "reports/gate.json" leads outside the workspace and RUNNER_TEMP through a symlink',
        },
        {
          inputs: { sarif: 'unitgate.sarif' },
          message: 'sarif "unitgate.sarif" is a symlink; refusing to write through it',
        },
      ]) {
        await withFake(async (fake) => {
          addPull(fake, repo);
          const run = await runGate(fake, repo, { inputs });
          expect(run.exitCode).toBe(2);
          expect(run.annotations).toEqual([{ level: 'error', message }]);
          expect(fake.checkRuns).toEqual([]);
        });
      }
      expect(read(victim)).toBe('precious\n');
      expect(existsSync(path.join(outside, 'gate.json'))).toBe(false);
    },
  );

  it.concurrent(
    '9. an invalid policy: exit 2 with the JSON path of every problem, no stack trace',
    async () => {
      await withFake(async (fake) => {
        const repo = await repoOf(
          { [F.API_PATH]: F.API_HARDENED },
          { [F.API_PATH]: F.API_WEAKENED, [F.POLICY_PATH]: F.INVALID_POLICY },
        );
        addPull(fake, repo);
        const run = await runGate(fake, repo);

        expect(run.exitCode).toBe(2);
        expect(run.outputs.result).toBe('fail');
        const errors = run.annotations.filter((a) => a.level === 'error');
        expect(errors).toHaveLength(1);
        const message = errors[0]?.message ?? '';
        expect(message).toMatch(/^invalid policy \.github\/unitgate\.json \(as this change proposes it\):\n/);
        expect(message).toContain(
          `.github/unitgate.json:${F.lineOf(F.INVALID_POLICY, '  "treshold": 3.5,')}:3: $.treshold: unknown key 'treshold' (did you mean 'threshold'?)`,
        );
        expect(message).toMatch(/\$\.profiles\.api\.threshold: must be a number, not the string 'high'/);
        expect(run.everything).not.toMatch(STACK_FRAME);
        expect(run.everything).not.toContain('internal error');
        // A configuration error is not a verdict: no report, no check run.
        expect(run.report).toBeUndefined();
        expect(fake.checkRuns).toEqual([]);
      });
    },
  );

  it.concurrent(
    '10. a shallow checkout fetches the base commit; without a remote it stops with exit 2',
    async () => {
      await withFake(async (fake) => {
        const base = { [F.API_PATH]: F.API_PLAIN };
        const head = { [F.API_PATH]: F.API_PARTIAL };
        const repo = await repoOf(base, head, { shallow: true });
        expect((await repo.git('rev-parse', '--is-shallow-repository')).trim()).toBe('true');
        await expect(repo.git('cat-file', '-e', repo.baseSha)).rejects.toThrow();
        addPull(fake, repo);
        const run = await runGate(fake, repo);

        expect(run.exitCode).toBe(0);
        expectFileOutputs(run, repo);
        await expect(repo.git('cat-file', '-e', repo.baseSha)).resolves.toBe('');
        const api = unitOf(run, F.API_PATH);
        expect(api.base?.value).toBeGreaterThan(api.head?.value ?? Infinity);
        expect(run.report?.run.baseCommit).toBe(repo.baseSha);
        expect(summaryRow(run, F.API_PATH)).toContain(`${api.base?.display} ${api.base?.level} → `);
      });
      await withFake(async (fake) => {
        const repo = await repoOf(
          { [F.API_PATH]: F.API_PLAIN },
          { [F.API_PATH]: F.API_PARTIAL },
          { shallow: true },
        );
        await repo.git('remote', 'remove', 'origin');
        addPull(fake, repo);
        const run = await runGate(fake, repo);

        expect(run.exitCode).toBe(2);
        const errors = run.annotations.filter((a) => a.level === 'error');
        expect(errors).toHaveLength(1);
        expect(errors[0]?.message).toContain(
          `the base commit ${repo.baseSha.slice(0, 12)} is not in this checkout and could not be fetched from origin`,
        );
        expect(errors[0]?.message).toContain('fetch-depth: 0');
        expect(run.everything).not.toMatch(STACK_FRAME);
        expect(fake.checkRuns).toEqual([]);
      });
    },
  );

  it.concurrent('11. 5xx and 429 answers are retried and the run passes', async () => {
    // Two runs, because @octokit/plugin-retry's backoff grows with every retry of the whole process
    // (its retry count lives on the `request` options all requests share): 1 s, 4 s, 9 s…
    const base = { [F.API_PATH]: F.API_PLAIN };
    const head = { [F.API_PATH]: F.API_HARDENED };
    await Promise.all([
      withFake(async (fake) => {
        const repo = await repoOf(base, head);
        addPull(fake, repo);
        fake.failNext('pulls/get', { status: 429, retryAfter: 1 });
        fake.failNext('checks/create', { status: 502, times: 2 });
        const run = await runGate(fake, repo);

        expect(run.exitCode).toBe(0);
        expect(run.outputs.result).toBe('pass');
        expect(fake.requestsTo('pulls/get').map((r) => r.status)).toEqual([429, 200]);
        expect(fake.requestsTo('checks/create').map((r) => r.status)).toEqual([502, 502, 201]);
        expect(run.report?.messages).toEqual([]);
        expect(run.annotations).toEqual([]);
        expect(unitOf(run, F.API_PATH).status).toBe('pass');
        expectCheckRun(fake, run, repo.headSha, 'success');
      }),
      withFake(async (fake) => {
        const repo = await repoOf(base, head);
        addPull(fake, repo);
        fake.failNext('checks/create', { status: 503 });
        const run = await runGate(fake, repo);

        expect(run.exitCode).toBe(0);
        expect(fake.requestsTo('checks/create').map((r) => r.status)).toEqual([503, 201]);
        expect(run.annotations).toEqual([]);
        expectCheckRun(fake, run, repo.headSha, 'success');
      }),
    ]);
  });

  it.concurrent('12. owner sign-off: fails without an approval of the team, passes with one', async () => {
    const base = { [F.API_PATH]: F.API_HARDENED, [F.POLICY_PATH]: F.SIGNOFF_POLICY };
    const head = { [F.API_PATH]: F.API_SYSCALLS_CHANGED, [F.POLICY_PATH]: F.SIGNOFF_POLICY };
    const filterLine = F.lineOf(F.API_SYSCALLS_CHANGED, 'SystemCallFilter=~@privileged @resources');
    await Promise.all([
      withFake(async (fake) => {
        const repo = await repoOf(base, head);
        // Approved, but by someone outside @acme/security; alice is in the team but did not approve.
        addPull(fake, repo, { user: 'carol' });
        fake.addTeamMember('acme', 'security', 'alice');
        fake.addReview(repo.pullNumber, { user: 'bob', state: 'APPROVED' });
        fake.addReview(repo.pullNumber, { user: 'alice', state: 'COMMENTED', body: 'looking' });
        const run = await runGate(fake, repo);

        expect(run.exitCode).toBe(1);
        expect(run.outputs).toMatchObject({ result: 'fail', 'failed-units': JSON.stringify([F.API_PATH]) });
        const signoff = annotationTitled(run, 'Sign-off required');
        expect(signoff).toMatchObject({ level: 'error', file: F.API_PATH, line: filterLine });
        expect(signoff.message).toContain(
          'SystemCallFilter= changed; the policy requires an approving review of the head commit from @acme/security',
        );
        // Nothing but the sign-off fails it: the change is a tightening.
        expect(unitOf(run, F.API_PATH).violations.map((v) => v.kind)).toEqual(['signoff-required']);
        expect(
          fake.requestsTo('teams/get-membership-for-user-in-org').map((r) => [r.path, r.status]),
        ).toEqual([['/orgs/acme/teams/security/memberships/bob', 404]]);
        expectCheckRun(fake, run, repo.headSha, 'failure');
      }),
      withFake(async (fake) => {
        const repo = await repoOf(base, head);
        addPull(fake, repo, { user: 'carol' });
        fake.addTeamMember('acme', 'security', 'alice');
        const review = fake.addReview(repo.pullNumber, { user: 'alice', state: 'APPROVED' });
        const event = {
          ...fake.pullRequestEvent(repo.pullNumber, 'submitted'),
          review: { id: review.id, state: 'approved', user: { login: 'alice' }, commit_id: repo.headSha },
        };
        const run = await runGate(fake, repo, { eventName: 'pull_request_review', event });

        expect(run.exitCode).toBe(0);
        expect(run.outputs).toMatchObject({ result: 'pass', 'failed-units': '[]' });
        expect(unitOf(run, F.API_PATH)).toMatchObject({ status: 'pass', violations: [] });
        expect(run.report?.messages).toContainEqual(
          'api.service: change to SystemCallFilter approved by @alice (@acme/security)',
        );
        expect(run.summary).toMatch(/change to SystemCallFilter approved by @\u200b?alice/);
        expect(
          fake.requestsTo('teams/get-membership-for-user-in-org').map((r) => [r.path, r.status]),
        ).toEqual([['/orgs/acme/teams/security/memberships/alice', 200]]);
        expectCheckRun(fake, run, repo.headSha, 'success');
      }),
    ]);
  });

  it.concurrent(
    '13. workflow_dispatch scans every unit without a base; push compares with `before`',
    async () => {
      const base = { [F.API_PATH]: F.API_PLAIN, [F.WORKER_PATH]: F.WORKER, [F.LEGACY_PATH]: F.LEGACY };
      const head = { [F.API_PATH]: F.API_HARDENED, [F.WORKER_PATH]: F.WORKER, [F.LEGACY_PATH]: F.LEGACY };
      const sender = { login: 'octocat' };
      await Promise.all([
        withFake(async (fake) => {
          const repo = await repoOf(base, head, { checkout: 'head' });
          const event = { inputs: {}, ref: 'refs/heads/main', repository: repositoryPayload(), sender };
          const run = await runGate(fake, repo, { eventName: 'workflow_dispatch', event, sha: repo.headSha });

          expect(run.exitCode).toBe(0);
          expectFileOutputs(run, repo);
          expect(run.report?.units.map((u) => u.path)).toEqual([F.API_PATH, F.LEGACY_PATH, F.WORKER_PATH]);
          for (const u of run.report?.units ?? []) {
            expect(u.base).toBeNull();
            expect(summaryRow(run, u.path)).toContain(`new → ${u.head?.display} ${u.head?.level}`);
          }
          expect(run.report?.run).toMatchObject({ commit: repo.headSha, baseCommit: null });
          const legacy = unitOf(run, F.LEGACY_PATH);
          expect(run.outputs['max-exposure']).toBe(legacy.head?.display);
          expect(fake.requestsTo('pulls/get')).toEqual([]);
          expectCheckRun(fake, run, repo.headSha, 'success');
        }),
        withFake(async (fake) => {
          const repo = await repoOf(base, head, { checkout: 'head' });
          const event = {
            ref: 'refs/heads/main',
            before: repo.baseSha,
            after: repo.headSha,
            repository: repositoryPayload(),
            sender,
            pusher: { name: 'octocat' },
            commits: [],
          };
          const run = await runGate(fake, repo, { eventName: 'push', event });

          expect(run.exitCode).toBe(0);
          expectFileOutputs(run, repo);
          expect(run.report?.run).toMatchObject({ commit: repo.headSha, baseCommit: repo.baseSha });
          const api = unitOf(run, F.API_PATH);
          expect(api.base?.value).toBeGreaterThan(api.head?.value ?? Infinity);
          expect(summaryRow(run, F.API_PATH)).toContain(
            `${api.base?.display} ${api.base?.level} → ${api.head?.display} ${api.head?.level}`,
          );
          expect(fake.requestsTo('pulls/get')).toEqual([]);
          expectCheckRun(fake, run, repo.headSha, 'success');
        }),
      ]);
    },
  );

  it.concurrent(
    '14. report mode never fails (many findings, annotations in batches); ratchet fails only regressions',
    async () => {
      await Promise.all([
        withFake(async (fake) => {
          // Report mode comes from the base branch's policy: a pull request's workflow input cannot loosen it.
          const policy = F.policyText({ mode: 'report' });
          const repo = await repoOf(
            { [F.API_PATH]: F.API_HARDENED, [F.POLICY_PATH]: policy },
            { [F.API_PATH]: F.API_PLAIN, [F.POLICY_PATH]: policy },
          );
          addPull(fake, repo);
          const run = await runGate(fake, repo);

          expect(run.exitCode).toBe(0);
          expectFileOutputs(run, repo);
          const api = unitOf(run, F.API_PATH);
          expect(api.status).toBe('fail');
          expect(run.outputs).toMatchObject({ result: 'pass', 'failed-units': JSON.stringify([F.API_PATH]) });
          expect(run.report).toMatchObject({ result: 'pass', mode: 'report' });
          const findings = api.violations.length;
          expect(findings).toBeGreaterThan(50);
          // Warnings only, at most 10 as workflow commands; the rest is said to be elsewhere.
          expect(run.annotations.every((a) => a.level === 'warning')).toBe(true);
          expect(run.annotations).toHaveLength(10);
          expect(run.stdout).toContain(`${findings - 10} more findings are in the job summary`);
          expect(run.summary).toContain('mode `report` (never fails)');
          expect(run.summary).toContain(`${findings - 10} findings could not be shown as annotations`);
          expect(sarifResults(run).every((r) => r.level === 'warning')).toBe(true);
          const check = expectCheckRun(fake, run, repo.headSha, 'neutral');
          expect(check.annotations).toHaveLength(findings);
          expect(check.annotationBatches).toEqual([50, findings - 50]);
          expect(fake.requestsTo('checks/create')[0]?.body).toMatchObject({ status: 'in_progress' });
          expect(check.annotations.every((a) => a.annotation_level === 'warning')).toBe(true);
        }),
        withFake(async (fake) => {
          // Every unit must meet api-service; legacy never did and does not get worse, the API does.
          const policy = F.policyText({ mode: 'ratchet', defaultProfile: 'api-service' });
          const repo = await repoOf(
            { [F.API_PATH]: F.API_HARDENED, [F.LEGACY_PATH]: F.LEGACY, [F.POLICY_PATH]: policy },
            {
              [F.API_PATH]: F.API_SYS_ADMIN,
              [F.LEGACY_PATH]: F.LEGACY.replace('Legacy reporting daemon', 'Legacy reporting daemon (v2)'),
              [F.POLICY_PATH]: policy,
            },
          );
          addPull(fake, repo);
          const run = await runGate(fake, repo);

          expect(run.exitCode).toBe(1);
          expectFileOutputs(run, repo);
          expect(run.outputs).toMatchObject({ result: 'fail', 'failed-units': JSON.stringify([F.API_PATH]) });
          const legacy = unitOf(run, F.LEGACY_PATH);
          expect(legacy.status).toBe('pass');
          expect(legacy.delta).toBe(0);
          expect(legacy.violations.length).toBeGreaterThan(0);
          expect(legacy.violations.every((v) => v.advisory)).toBe(true);
          expect(annotationsOn(run, F.LEGACY_PATH).every((a) => a.level === 'warning')).toBe(true);
          expect(summaryRow(run, F.LEGACY_PATH)).toMatch(/✅ pass \(\d+ advisory\)/);

          const api = unitOf(run, F.API_PATH);
          expect(api.status).toBe('fail');
          const failing = api.violations.filter((v) => !v.advisory).map((v) => v.kind);
          // The capability the pull request adds is also a violation the base did not have.
          expect(new Set(failing)).toEqual(
            new Set(['regression-row', 'regression-exposure', 'forbidden-capability']),
          );
          expect(
            annotationTitled(run, 'Hardening regressed: CapabilityBoundingSet_CAP_SYS_ADMIN'),
          ).toMatchObject({
            level: 'error',
            file: F.API_PATH,
            line: F.lineOf(F.API_SYS_ADMIN, 'CapabilityBoundingSet=CAP_SYS_ADMIN'),
          });
          expect(run.summary).toContain('mode `ratchet`');
          expectCheckRun(fake, run, repo.headSha, 'failure');
        }),
      ]);
    },
  );

  it.concurrent(
    '15. pull_request_target scores the pull request head, not the base branch it runs on',
    async () => {
      await withFake(async (fake) => {
        // The pull request weakens the unit and tries to switch the gate to report mode.
        const repo = await repoOf(
          { [F.API_PATH]: F.API_HARDENED },
          { [F.API_PATH]: F.API_WEAKENED, [F.POLICY_PATH]: F.policyText({ mode: 'report' }) },
        );
        // actions/checkout on pull_request_target checks out the base branch (GITHUB_SHA).
        await repo.git('fetch', '-q', '--depth=1', 'origin', '+refs/heads/main:refs/remotes/origin/main');
        await repo.git('checkout', '-q', '--detach', 'origin/main');
        addPull(fake, repo);
        const run = await runGate(fake, repo, { eventName: 'pull_request_target' });
        expect(run.env.GITHUB_SHA).toBe(repo.baseSha);

        expect(run.exitCode).toBe(1);
        expectFileOutputs(run, repo);
        expect(run.outputs).toMatchObject({ result: 'fail', 'failed-units': JSON.stringify([F.API_PATH]) });
        expect(run.report).toMatchObject({
          mode: 'enforce', // the policy of the checkout (the base), not the pull request's
          run: { commit: repo.headSha, baseCommit: repo.baseSha },
        });
        expect(annotationTitled(run, 'Hardening regressed: ProtectSystem')).toMatchObject({
          level: 'error',
          file: F.API_PATH,
          line: F.lineOf(F.API_WEAKENED, '[Service]'),
        });
        expectCheckRun(fake, run, repo.headSha, 'failure');
      });
    },
  );
});
