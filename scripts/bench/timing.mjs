// Timing of whole processes: wall time from spawn to exit and peak RSS (GNU time when it works, else
// a node hook or /proc polling), runs repeated within a time budget, and "all units" runs split to fit
// ARG_MAX. Every section measures through these, so that their figures compare.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fmtRate, fmtSec } from './report.mjs';

/**
 * The environment of every measured child: no colours, no pager, a fixed locale, and none of the
 * variables of UNSET_FOR_CHILDREN.
 */
export const SPAWN_ENV = { ...process.env, LC_ALL: 'C.UTF-8', SYSTEMD_COLORS: '0', SYSTEMD_PAGER: 'cat' };

/**
 * What the children run without, so that they are measured as node runs them by default:
 * NODE_OPTIONS changes how node runs any script, and NODE_EXTRA_CA_CERTS makes node read and parse a
 * certificate bundle at every start, before any script runs — a shell that points it at a system
 * bundle (144 certificates) made `node -e 0` take 94 ms instead of 35 ms, a cost of that shell, not of
 * unitgate (whose `security` makes no connection), and one systemd-analyze does not pay.
 */
const UNSET_FOR_CHILDREN = ['NODE_OPTIONS', 'NODE_EXTRA_CA_CERTS'];
for (const name of UNSET_FOR_CHILDREN) delete SPAWN_ENV[name];

/** The variables of UNSET_FOR_CHILDREN that this environment sets (the bench says so). */
export const unsetForChildren = () => UNSET_FOR_CHILDREN.filter((name) => process.env[name] !== undefined);

let noGnuTime = false;
/** --no-gnu-time: measure peak RSS with the fallbacks even when GNU time works. */
export function avoidGnuTime(avoid) {
  noGnuTime = avoid;
}

/** How the peak RSS of a child process is measured: GNU time when it works, else fallbacks. */
let rssProbe;
export function peakRssMethod(work) {
  if (rssProbe) return rssProbe;
  const out = join(work, 'time-probe');
  try {
    if (noGnuTime) throw new Error('--no-gnu-time');
    const r = spawnSync('/usr/bin/time', ['-f', '%M', '-o', out, 'true'], { stdio: 'ignore', timeout: 5000 });
    if (r.status === 0 && /^\d+\s*$/.test(readFileSync(out, 'utf8'))) {
      rssProbe = { kind: 'time', label: 'GNU time %M (exact)' };
      return rssProbe;
    }
  } catch {
    // no usable /usr/bin/time: fall through
  }
  const hook = join(work, 'maxrss-hook.cjs');
  writeFileSync(
    hook,
    "process.on('exit', () => { try { require('fs').writeFileSync(process.env.UNITGATE_BENCH_MAXRSS, " +
      'String(process.resourceUsage().maxRSS)); } catch {} });\n',
  );
  rssProbe = {
    kind: 'fallback',
    hook,
    label: 'node: process.resourceUsage().maxRSS at exit (exact); others: /proc VmHWM polled (lower bound)',
  };
  return rssProbe;
}

/**
 * Spawns one process and measures it: wall time from spawn to exit (stdout is read as it comes, as a
 * pipe reader would), peak RSS in KiB. `node: true` marks a node child (for the RSS fallback);
 * `rss: false` spawns the command bare (no wrapper, no hook: nothing added to its wall time);
 * `env` replaces the environment (default SPAWN_ENV).
 * Never rejects: a failure to start or a timeout is in the result.
 */
export async function timeProcess(
  command,
  args,
  { work, node = false, timeoutMs, cwd = '/', rss = true, env: baseEnv = SPAWN_ENV } = {},
) {
  const probe = rss ? peakRssMethod(work) : { kind: 'none' };
  const rssFile = join(work, `rss-${process.pid}-${Math.random().toString(36).slice(2)}`);
  let file = command;
  let argv = args;
  const env = { ...baseEnv };
  if (probe.kind === 'time') {
    file = '/usr/bin/time';
    argv = ['-f', '%M', '-o', rssFile, command, ...args];
  } else if (probe.kind === 'fallback' && node) {
    argv = ['--require', probe.hook, ...args];
    env.UNITGATE_BENCH_MAXRSS = rssFile;
  }
  return await new Promise((resolve) => {
    const chunks = [];
    const errChunks = [];
    let polledKiB = 0;
    let timedOut = false;
    const started = performance.now();
    // Its own process group, so that a timeout ends the wrapper and the measured child together.
    const child = spawn(file, argv, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    child.stdout.on('data', (c) => chunks.push(c));
    child.stderr.on('data', (c) => errChunks.push(c));
    const poll =
      probe.kind === 'fallback' && !node
        ? setInterval(() => {
            try {
              const m = /VmHWM:\s*(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
              if (m) polledKiB = Math.max(polledKiB, Number(m[1]));
            } catch {
              // exited between two polls
            }
          }, 1)
        : undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, timeoutMs ?? 120000);
    const finish = (code, signal, error) => {
      const wallMs = performance.now() - started;
      clearTimeout(timer);
      if (poll) clearInterval(poll);
      let peakKiB = polledKiB || undefined;
      try {
        const text = readFileSync(rssFile, 'utf8').trim().split('\n').at(-1);
        if (/^\d+$/.test(text)) peakKiB = Number(text);
        rmSync(rssFile, { force: true });
      } catch {
        // no RSS file (timeout, or the fallback was polling)
      }
      resolve({
        wallMs,
        peakKiB,
        code,
        signal,
        timedOut,
        error,
        stdout: Buffer.concat(chunks),
        stderr: Buffer.concat(errChunks).toString('utf8'),
      });
    };
    child.on('error', (e) => finish(null, null, e));
    child.on('close', (code, signal) => finish(code, signal));
  });
}

/** Runs `once` up to `max` times while the runs so far took less than `budgetMs`; returns all results. */
export async function repeatWithin(max, budgetMs, once) {
  const runs = [];
  let spent = 0;
  while (runs.length < max && (runs.length === 0 || spent < budgetMs)) {
    const r = await once();
    runs.push(r);
    spent += r.wallMs;
    if (r.timedOut || r.error) break;
  }
  return runs;
}

/**
 * repeatWithin() for two commands compared with each other, run in turn (A B A B …): a slow stretch
 * of a shared machine then falls on both sides alike instead of on whichever ran during it.
 */
export async function interleavedWithin(max, budgetMs, onceA, onceB) {
  const a = [];
  const b = [];
  let spent = 0;
  while (a.length < max && (a.length === 0 || spent < budgetMs)) {
    const ra = await onceA();
    a.push(ra);
    const rb = await onceB();
    b.push(rb);
    spent += ra.wallMs + rb.wallMs;
    if (ra.timedOut || ra.error || rb.timedOut || rb.error) break;
  }
  return [a, b];
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** The JSON arrays in a `--json=short` output (one line per analysed unit). */
export const countArrays = (buf) =>
  buf
    .toString('utf8')
    .split('\n')
    .filter((l) => l.startsWith('[')).length;

/** The bytes an argument vector takes against ARG_MAX (strings, NULs, pointers, and the environment). */
export function argvBytes(args, env = SPAWN_ENV) {
  let n = 0;
  for (const a of args) n += Buffer.byteLength(a) + 1 + 8;
  for (const [k, v] of Object.entries(env)) n += Buffer.byteLength(`${k}=${v}`) + 1 + 8;
  return n + 16;
}

let argMaxCache;
export function argMax() {
  if (argMaxCache === undefined) {
    try {
      argMaxCache = Number(execFileSync('getconf', ['ARG_MAX'], { encoding: 'utf8' }).trim()) || 131072;
    } catch {
      argMaxCache = 131072;
    }
  }
  return argMaxCache;
}

/** Splits unit arguments into batches that fit ARG_MAX next to the fixed arguments (with a margin). */
export function batchesFor(fixed, units) {
  const limit = argMax() - 8192 - argvBytes(fixed);
  const batches = [];
  let current = [];
  let size = 0;
  for (const u of units) {
    const b = Buffer.byteLength(u) + 1 + 8;
    if (current.length > 0 && size + b > limit) {
      batches.push(current);
      current = [];
      size = 0;
    }
    current.push(u);
    size += b;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** One "all units" run, batched when the arguments do not fit ARG_MAX: wall times add up, RSS is the max. */
export async function timeBatched(command, fixed, units, opts) {
  const batches = batchesFor([command, ...fixed], units);
  const parts = [];
  for (const b of batches) {
    parts.push(await timeProcess(command, [...fixed, ...b], opts));
    if (parts.at(-1).timedOut || parts.at(-1).error) break;
  }
  return {
    batches: batches.length,
    wallMs: parts.reduce((s, p) => s + p.wallMs, 0),
    peakKiB: parts.some((p) => p.peakKiB === undefined)
      ? undefined
      : Math.max(...parts.map((p) => p.peakKiB)),
    code: parts.find((p) => p.code !== 0)?.code ?? 0,
    timedOut: parts.some((p) => p.timedOut),
    error: parts.find((p) => p.error)?.error,
    stdout: Buffer.concat(parts.map((p) => p.stdout)),
    stderr: parts.map((p) => p.stderr).join(''),
  };
}

/** Reduces repeated "all units" runs to the median, keeping the last run's output for the checks. */
export function summarize(runs, n) {
  const last = runs.at(-1);
  const good = runs.filter((r) => !r.timedOut && !r.error);
  const problem = last.error
    ? `did not start: ${last.error.message}`
    : last.timedOut
      ? `timed out after ${fmtSec(last.wallMs)} (< ${fmtRate(n / (last.wallMs / 1000))} units/s)`
      : undefined;
  const wallMs = good.length ? median(good.map((r) => r.wallMs)) : last.wallMs;
  const peaks = good.map((r) => r.peakKiB).filter((x) => x !== undefined);
  return {
    ok: good.length > 0,
    problem,
    runs: good.length,
    wallMs,
    unitsPerSecond: n / (wallMs / 1000),
    peakKiB: peaks.length ? Math.max(...peaks) : undefined,
    batches: last.batches,
    last,
    data: { wallMs, runs: good.length, unitsPerSecond: n / (wallMs / 1000), exit: last.code },
  };
}

// ---------------------------------------------------------------------------------------------------
// Section: engine (in process)

// The bundled child: reads the unit set into a memoryTree, then times each stage. TypeScript, compiled
