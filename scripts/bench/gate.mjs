// Section gate: the bundled action (`node dist/index.js`, node start-up included) on a `pull_request`
// event with a runner's environment, on a git repository whose head commit changes --gate-changed of
// --gate-changed + --gate-untouched units, checked out at the test merge commit: what a pull request's
// check costs. Without a token (no API: the changed files come from git diff, nothing is published),
// without and with the trend (the two gate floors); then against a local API stub (api-stub.mjs), and
// node start-up and the bundle's load time alone, to show where the time goes. Profiled (node
// --cpu-prof) when it misses a floor.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { GATE_REPOSITORY, startApiStub } from './api-stub.mjs';
import { hotFunctions } from './cpu-profile.mjs';
import { floor } from './floors.mjs';
import { HARDEN, WEAKEN, benchGit, commitUnitSet } from './git-repo.mjs';
import { ACTION, REPO, UNIT_DIR } from './paths.mjs';
import { fmtInt, fmtMiB, fmtRatio, fmtSec, log } from './report.mjs';
import { SPAWN_ENV, median, repeatWithin, timeProcess } from './timing.mjs';

/** action.yml's input defaults (plain or quoted scalars), `${{ github.token }}` replaced by `token`. */
function actionInputDefaults(token) {
  const defaults = {};
  let current;
  let inInputs = false;
  for (const line of readFileSync(join(REPO, 'action.yml'), 'utf8').split('\n')) {
    if (/^\S/.test(line)) inInputs = /^inputs:\s*$/.test(line);
    if (!inInputs) continue;
    const name = /^ {2}([A-Za-z0-9_-]+):\s*$/.exec(line);
    if (name) current = name[1];
    const value = /^ {4}default:\s*(.*)$/.exec(line);
    if (current && value) {
      const v = value[1]
        .trim()
        .replace(/^'(.*)'$/, '$1')
        .replace(/^"(.*)"$/, '$1');
      defaults[current] = v.replace(/\$\{\{\s*github\.token\s*\}\}/, token);
    }
  }
  return defaults;
}

/**
 * A git repository like a pull request's checkout: the unit set at the base commit (main), a head
 * commit (feature) changing `changed` of them (hardened and weakened in turn), and the test merge
 * commit checked out (detached), as actions/checkout does on `pull_request` (full history: no fetch).
 */
function makeGateRepo(work, set, changed) {
  const dir = join(work, `gate-repo-${set.names.length}-${changed}`);
  commitUnitSet(dir, set, 'base');
  const baseSha = benchGit(dir, ['rev-parse', 'HEAD']).trim();
  benchGit(dir, ['checkout', '-q', '-b', 'feature']);
  const step = Math.max(1, Math.floor(set.names.length / changed));
  const changedPaths = [];
  for (let k = 0; k < changed; k++) {
    const name = set.names[(k * step) % set.names.length];
    const file = join(dir, UNIT_DIR, name);
    writeFileSync(file, readFileSync(file, 'utf8') + (k % 2 ? WEAKEN : HARDEN));
    changedPaths.push(`${UNIT_DIR.slice(1)}/${name}`);
  }
  benchGit(dir, ['commit', '-q', '-am', 'head']);
  const headSha = benchGit(dir, ['rev-parse', 'HEAD']).trim();
  benchGit(dir, ['checkout', '-q', '--detach', baseSha]);
  benchGit(dir, ['merge', '-q', '--no-ff', '--no-edit', '-m', 'merge', 'feature']);
  const mergeSha = benchGit(dir, ['rev-parse', 'HEAD']).trim();
  return { dir, baseSha, headSha, mergeSha, changedPaths };
}

/**
 * The environment a runner gives the action for a `pull_request` event (fresh runner files in
 * `runDir`), with action.yml's input defaults and the machine's GITHUB_/INPUT_/RUNNER_ variables removed.
 */
function gateRunnerEnv(repo, runDir, { apiUrl, token }) {
  rmSync(runDir, { recursive: true, force: true });
  mkdirSync(join(runDir, 'runner-temp'), { recursive: true });
  const event = {
    action: 'synchronize',
    number: 1,
    pull_request: {
      number: 1,
      body: '',
      changed_files: repo.changedPaths.length,
      merge_commit_sha: repo.mergeSha,
      base: { sha: repo.baseSha, ref: 'main' },
      head: { sha: repo.headSha, ref: 'feature' },
      user: { login: 'octocat' },
    },
    repository: { full_name: GATE_REPOSITORY, name: 'services', owner: { login: 'octo-org' } },
    sender: { login: 'octocat' },
  };
  writeFileSync(join(runDir, 'event.json'), JSON.stringify(event));
  const files = ['output', 'summary', 'env', 'state', 'path'];
  for (const f of files) writeFileSync(join(runDir, f), '');
  const env = {};
  for (const [k, v] of Object.entries(SPAWN_ENV))
    if (!/^(GITHUB_|INPUT_|RUNNER_|ACTIONS_)/.test(k)) env[k] = v;
  Object.assign(env, {
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: join(runDir, 'event.json'),
    GITHUB_WORKSPACE: repo.dir,
    GITHUB_REPOSITORY: GATE_REPOSITORY,
    GITHUB_REPOSITORY_OWNER: 'octo-org',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_NUMBER: '1',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_ACTOR: 'octocat',
    GITHUB_JOB: 'gate',
    GITHUB_WORKFLOW: 'unitgate',
    GITHUB_SHA: repo.mergeSha,
    GITHUB_REF: 'refs/pull/1/merge',
    GITHUB_HEAD_REF: 'feature',
    GITHUB_BASE_REF: 'main',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: apiUrl,
    GITHUB_GRAPHQL_URL: `${apiUrl}/graphql`,
    GITHUB_OUTPUT: join(runDir, 'output'),
    GITHUB_STEP_SUMMARY: join(runDir, 'summary'),
    GITHUB_ENV: join(runDir, 'env'),
    GITHUB_STATE: join(runDir, 'state'),
    GITHUB_PATH: join(runDir, 'path'),
    RUNNER_TEMP: join(runDir, 'runner-temp'),
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
  });
  for (const [name, value] of Object.entries(actionInputDefaults(token)))
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  return env;
}
/** Runs the action `repeat` times (after one cold run) and returns the median and the runs. */
async function timeAction(ctx, repo, env, timeoutMs, beforeEach = () => undefined) {
  const once = () => {
    beforeEach();
    return timeProcess('node', [ACTION], { work: ctx.work, node: true, cwd: repo.dir, timeoutMs, env });
  };
  const cold = await once();
  const runs = await repeatWithin(ctx.opts.repeat, 20000, once);
  const good = runs.filter((r) => !r.timedOut && !r.error && (r.code === 0 || r.code === 1));
  return { cold, runs, good, wallMs: good.length ? median(good.map((r) => r.wallMs)) : undefined };
}

/** What the last run wrote: the JSON report's units and verdict, the job summary's size. */
function gateOutcome(repo, runDir) {
  try {
    // The action's default reports folder on a runner: $RUNNER_TEMP/unitgate/.
    const report = JSON.parse(
      readFileSync(join(runDir, 'runner-temp', 'unitgate', 'unitgate-report.json'), 'utf8'),
    );
    const summary = readFileSync(join(runDir, 'summary'), 'utf8');
    return { units: report.units.length, result: report.result, summaryBytes: Buffer.byteLength(summary) };
  } catch (e) {
    return { error: e.message };
  }
}

export async function gateSection(ctx) {
  const { opts, work } = ctx;
  if (!existsSync(ACTION)) {
    ctx.note(`${relative(REPO, ACTION)} is missing: run \`npm run bundle\` first`);
    return;
  }
  const changed = opts.gateChanged;
  const set = await ctx.unitSet(changed + opts.gateUntouched);
  const timeoutMs = opts.timeoutS * 1000;
  ctx.note(`units: ${set.description.join('; ')}`);
  log(`building a pull request: ${changed} of ${set.names.length} units changed…`);
  const repo = makeGateRepo(work, set, changed);
  const runDir = join(work, 'gate-run');
  const label = `action, pull_request, ${changed} of ${set.names.length} units changed`;

  // 1. No token: nothing is called (the changed files come from git diff), nothing is published.
  // Without the trend (trend: false), then with it (action.yml's default): each against its floor.
  let local;
  let missed = false;
  for (const trend of [false, true]) {
    const f = floor(trend ? 'gate-trend' : 'gate');
    const goal = `< ${f.maxMs / 1000} s`;
    const variant = trend ? 'with the trend' : 'trend: false';
    log(`node dist/index.js without a token, ${variant} (up to ${opts.repeat} runs after a cold one)…`);
    const env = gateRunnerEnv(repo, runDir, { apiUrl: 'http://127.0.0.1:9', token: '' });
    env.INPUT_TREND = String(trend);
    const measured = await timeAction(ctx, repo, env, timeoutMs);
    if (measured.wallMs === undefined) {
      const last = measured.runs.at(-1);
      ctx.row(`${label}: no token, ${variant}`, last.timedOut ? 'timed out' : `failed (exit ${last.code})`, {
        goal,
        ok: false,
        floor: f.id,
      });
      ctx.note(`stdout: ${last.stdout.toString('utf8').slice(-2000)}\nstderr: ${last.stderr.slice(0, 2000)}`);
      return;
    }
    const outcome = gateOutcome(repo, runDir);
    ctx.row(
      `${label}: no token (git diff, no publishing), ${variant}`,
      `${fmtSec(measured.wallMs)}${measured.good.length > 1 ? ` (median of ${measured.good.length})` : ''}`,
      {
        goal,
        ratio: fmtRatio(measured.wallMs / f.maxMs),
        ok: measured.wallMs < f.maxMs,
        data: {
          wallMs: measured.wallMs,
          runs: measured.good.length,
          coldMs: measured.cold.wallMs,
          trend,
          ...outcome,
        },
        floor: f.id,
      },
    );
    const peaks = measured.good.map((r) => r.peakKiB).filter((x) => x !== undefined);
    ctx.row(
      '  first run (cold caches, not in the median); peak RSS',
      `${fmtSec(measured.cold.wallMs)}; ${peaks.length ? fmtMiB(Math.max(...peaks)) : '?'}`,
      { data: { coldMs: measured.cold.wallMs, peakKiB: peaks.length ? Math.max(...peaks) : undefined } },
    );
    ctx.note(
      outcome.error
        ? `${variant}: could not read the run's report: ${outcome.error}`
        : `${variant}: each run exit ${measured.good.at(-1).code}, report with ${outcome.units} units in scope (${outcome.result}), ` +
            `job summary ${fmtInt(outcome.summaryBytes)} bytes` +
            (trend ? '; no release tags, so the trend has base and head only' : ''),
    );
    missed ||= measured.wallMs >= f.maxMs;
    local = measured;
  }

  // 2. Where the time goes: node itself, then loading the bundle (no run: require.main is not it).
  const bare = await repeatWithin(opts.repeat, 10000, () =>
    timeProcess('node', ['-e', '0'], { work, node: true, timeoutMs, rss: false }),
  );
  const load = await repeatWithin(opts.repeat, 10000, () =>
    timeProcess('node', ['-e', `require(${JSON.stringify(ACTION)})`], {
      work,
      node: true,
      timeoutMs,
      rss: false,
    }),
  );
  const bareMs = median(bare.map((r) => r.wallMs));
  const loadMs = median(load.map((r) => r.wallMs));
  ctx.row('  node start-up alone (node -e 0)', fmtSec(bareMs), { data: { wallMs: bareMs } });
  ctx.row('  node + loading dist/index.js (no run)', fmtSec(loadMs), { data: { wallMs: loadMs } });
  ctx.row('  → the gate itself (run − load)', fmtSec(Math.max(0, local.wallMs - loadMs)), {
    data: { wallMs: local.wallMs - loadMs },
  });

  // 3. With the API (a local stub): files listed, then the check run and the comment posted.
  const stub = await startApiStub(repo);
  try {
    log('node dist/index.js against a local API stub…');
    const apiEnv = gateRunnerEnv(repo, runDir, { apiUrl: stub.url, token: 'ghs_benchStubToken' });
    const api = await timeAction(ctx, repo, apiEnv, timeoutMs, stub.nextRun);
    const perRun = stub.requests.length / (api.runs.length + 1);
    const writes = stub.requests.filter((r) => !r.route.startsWith('GET '));
    const unknown = [...new Set(stub.requests.map((r) => r.route))].filter(
      (r) =>
        !/^(GET \/pulls\/1(\/files|\/reviews)?|GET \/commits\/[0-9a-f]{40}|POST \/graphql|GET \/issues\/1\/comments|POST \/issues\/1\/comments|POST \/check-runs|PATCH \/check-runs\/1)$/.test(
          r,
        ),
    );
    if (api.wallMs !== undefined) {
      ctx.row(`${label}: local API stub (check run + comment)`, fmtSec(api.wallMs), {
        data: { wallMs: api.wallMs, requestsPerRun: perRun },
      });
      // octokit's throttling plugin starts writes at least 1 s apart (GitHub's advice for requests
      // that create content): the gap between a run's first and last write is that wait.
      const writeGaps = [];
      for (let i = 1; i < writes.length; i++)
        if (writes[i].run === writes[i - 1].run) writeGaps.push(writes[i].at - writes[i - 1].at);
      ctx.note(
        `local API stub: ${perRun.toFixed(0)} requests per run (${[...new Set(stub.requests.map((r) => r.route))].join(', ')})` +
          (writeGaps.length
            ? `; consecutive writes ${fmtInt(Math.min(...writeGaps))}–${fmtInt(Math.max(...writeGaps))} ms apart ` +
              '(@octokit/plugin-throttling spaces writes ≥ 1 s: a run that posts a check run and a comment cannot end in under 1 s)'
            : '') +
          (unknown.length ? `; UNEXPECTED: ${unknown.join(', ')}` : ''),
      );
    } else {
      const last = api.runs.at(-1);
      ctx.row(`${label}: local API stub`, last.timedOut ? 'timed out' : `failed (exit ${last.code})`, {});
      ctx.note(last.stdout.toString('utf8').slice(-2000));
    }
  } finally {
    await stub.close();
  }

  // 4. A CPU profile when it misses (or with --cpu-profile): V8's CPU profiler over one whole run.
  if (opts.cpuProfile === 'always' || (opts.cpuProfile === 'auto' && missed)) {
    log('profiling one run (node --cpu-prof)…');
    const profDir = join(work, 'gate-prof');
    rmSync(profDir, { recursive: true, force: true });
    const profEnv = gateRunnerEnv(repo, runDir, { apiUrl: 'http://127.0.0.1:9', token: '' });
    await timeProcess('node', ['--cpu-prof', `--cpu-prof-dir=${profDir}`, ACTION], {
      work,
      node: true,
      cwd: repo.dir,
      timeoutMs,
      env: profEnv,
      rss: false,
    });
    const file = existsSync(profDir)
      ? readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'))
      : undefined;
    if (file)
      ctx.note(
        `CPU profile of one run without a token${missed ? ' (goal missed)' : ''}, whole process as node --cpu-prof ` +
          `records it (${opts.keep ? join(profDir, file) : '--keep keeps the .cpuprofile'}):\n` +
          hotFunctions(join(profDir, file), ACTION),
      );
  }
}
