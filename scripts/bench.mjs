#!/usr/bin/env node
// Benchmarks: prints numbers and ratios, never fails (exit 0 whatever the figures). Not part of the tests.
//
// usage: npm run bench -- [--only security,engine,trend] [--units 2000] [--per-unit-sample 200]
//                         [--repeat 3] [--timeout 120] [--engine-ms 1000] [--profile | --no-profile]
//                         [--trend-units 200] [--trend-tags 20] [--gate-changed 20] [--gate-untouched 100]
//                         [--profile-stages pipeline,assess,render] [--profile-cli] [--corpus DIR]
//                         [--json-out FILE] [--no-gnu-time] [--keep] [--list]
//
// Sections (run in this order; --only picks some):
//   security  `unitgate security` against `systemd-analyze security --offline=true` on the same units,
//             whole processes (node start-up included): all units in one process, one process per
//             unit (a sample, extrapolated), peak RSS; and the floor of any Node.js implementation:
//             node reading the same unit files and writing as many bytes, scoring nothing.
//   engine    the scoring engine in process (src/ bundled on the fly with esbuild): load + derive +
//             assess, and each stage alone (parse, load, derive, assess, render). When it misses
//             its goal, the measured passes are profiled (V8's CPU profiler, as node --cpu-prof) and the
//             hottest functions are printed (--profile-stages picks other stages).
//   trend     `unitgate trend --format json` over scratch git repositories: --trend-units units (from
//             the same unit set, root-tree layout) and --trend-tags annotated/lightweight release tags,
//             each changing a few units (hardened or weakened); then the same with a unit added every
//             4th tag and one removed every 5th. Whole processes, git reads included, against the 5 s
//             goal. The head points are checked against `unitgate security --root=REPO`.
//   gate      the bundled action (`node dist/index.js`, node start-up included) on a `pull_request` event
//             with a runner's environment: a git repository whose head commit changes --gate-changed units
//             of --gate-changed + --gate-untouched, checked out at the test merge commit. Without a token
//             (no API: the changed files come from git diff, nothing is published) against the 1 s goal;
//             then against a local HTTP stub of the API (files listed, check run and comment posted), and
//             node start-up and the bundle's load time alone, to show where the time goes. Profiled
//             (node --cpu-prof) when it misses the goal.
//
// Units: the first N distinct *.service files of ../shared/corpus that the real systemd-analyze scores
// (exit 0 in the oracle of the local systemd version, re-checked with systemd-analyze when it is on
// PATH), copied under one scratch root as usr/lib/systemd/system/NNNN-name.service (+ NAME.d drop-ins).
// Without ../shared the *.service files of examples/units and __tests__/fixtures are used instead (and
// the output says so). Too few distinct units are made up to N with renamed replicas (said so too).
//
// To add a section: write `async function mySection(ctx)` that calls ctx.row()/ctx.note(), and list it
// in SECTIONS. ctx.unitSet(n) builds (once per n) a scratch root of n units; timeProcess() spawns and
// measures one process (wall time, peak RSS); timeBatched() does so for an argument list that may
// exceed ARG_MAX; the engine child (ENGINE_ENTRY) shows how to time in-process stages.
import { build } from 'esbuild';
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { cpus, tmpdir, totalmem, release, arch, loadavg } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(REPO, 'dist', 'cli.js');
const UNIT_DIR = '/usr/lib/systemd/system';
const SPAWN_ENV = { ...process.env, LC_ALL: 'C.UTF-8', SYSTEMD_COLORS: '0', SYSTEMD_PAGER: 'cat' };
delete SPAWN_ENV.NODE_OPTIONS; // the children are measured as a user would run them

// ---------------------------------------------------------------------------------------------------
// Options

const SECTIONS = [
  { name: 'security', run: securitySection, about: 'unitgate vs systemd-analyze, whole processes' },
  { name: 'engine', run: engineSection, about: 'scoring engine in process, per stage' },
  { name: 'trend', run: trendSection, about: '`unitgate trend` over a git history (units × tags)' },
  { name: 'gate', run: gateSection, about: 'the bundled action on a pull_request event, whole process' },
];

function parseOptions(argv) {
  const o = {
    only: undefined,
    units: 2000,
    perUnitSample: 200,
    repeat: 3,
    timeoutS: 120,
    engineMs: 1000,
    trendUnits: 200,
    trendTags: 20,
    gateChanged: 20,
    gateUntouched: 100,
    profile: 'auto',
    profileStages: ['pipeline'],
    profileCli: false,
    corpus: join(REPO, '..', 'shared', 'corpus'),
    jsonOut: undefined,
    keep: false,
    list: false,
  };
  const number = (name, v) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} takes a positive number, not ${v}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--only':
        o.only = value()
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        break;
      case '--units':
        o.units = Math.floor(number('units', value()));
        break;
      case '--per-unit-sample':
        o.perUnitSample = Math.floor(number('per-unit-sample', value()));
        break;
      case '--repeat':
        o.repeat = Math.floor(number('repeat', value()));
        break;
      case '--timeout':
        o.timeoutS = number('timeout', value());
        break;
      case '--trend-units':
        o.trendUnits = Math.floor(number('trend-units', value()));
        break;
      case '--trend-tags':
        o.trendTags = Math.floor(number('trend-tags', value()));
        break;
      case '--gate-changed':
        o.gateChanged = Math.floor(number('gate-changed', value()));
        break;
      case '--gate-untouched':
        o.gateUntouched = Math.floor(number('gate-untouched', value()));
        break;
      case '--engine-ms':
        o.engineMs = number('engine-ms', value());
        break;
      case '--profile':
        o.profile = 'always';
        break;
      case '--no-profile':
        o.profile = 'never';
        break;
      case '--profile-stages':
        o.profile = 'always';
        o.profileStages = value()
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean);
        break;
      case '--no-gnu-time':
        o.noGnuTime = true;
        break;
      case '--profile-cli':
        o.profileCli = true;
        break;
      case '--corpus':
        o.corpus = value();
        break;
      case '--json-out':
        o.jsonOut = value();
        break;
      case '--keep':
        o.keep = true;
        break;
      case '--list':
        o.list = true;
        break;
      case '-h':
      case '--help':
        o.list = true;
        break;
      default:
        throw new Error(`unknown option ${argv[i]} (see the header of scripts/bench.mjs)`);
    }
  }
  const unknown = (o.only ?? []).filter((n) => !SECTIONS.some((s) => s.name === n));
  if (unknown.length > 0) throw new Error(`unknown section ${unknown.join(', ')} (have: ${sectionNames()})`);
  return o;
}

const sectionNames = () => SECTIONS.map((s) => s.name).join(', ');

// ---------------------------------------------------------------------------------------------------
// Formatting and the report

const fmtInt = (n) => Math.round(n).toLocaleString('en-US');
const fmtRate = (n) => (n >= 100 ? fmtInt(n) : n >= 10 ? n.toFixed(1) : n.toPrecision(2));
const fmtSec = (ms) => (ms >= 10000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 1000).toFixed(2)} s`);
const fmtMiB = (kib) => `${(kib / 1024).toFixed(1)} MiB`;
const fmtRatio = (r) =>
  r >= 10 ? `${r.toFixed(0)}×` : r >= 0.1 ? `${r.toFixed(2)}×` : `${r.toPrecision(2)}×`;

function log(line) {
  process.stderr.write(`· ${line}\n`);
}

class Report {
  constructor() {
    this.rows = [];
    this.notes = [];
    this.section = '';
  }
  /** One table line; `ok` true/false gives OK/MISSED, undefined leaves the status empty (information). */
  row(metric, value, { goal = '', ratio = '', ok, data } = {}) {
    this.rows.push({
      section: this.section,
      metric,
      value,
      goal,
      ratio,
      status: ok === undefined ? '' : ok ? 'OK' : 'MISSED',
      data,
    });
  }
  note(text) {
    this.notes.push({ section: this.section, text });
  }
  print(sections) {
    const head = ['metric', 'value', 'goal', 'ratio', 'status'];
    for (const section of sections) {
      const rows = this.rows.filter((r) => r.section === section);
      const notes = this.notes.filter((n) => n.section === section);
      if (rows.length === 0 && notes.length === 0) continue;
      console.log(`\n== ${section} ==`);
      if (rows.length > 0) {
        const cells = rows.map((r) => [r.metric, r.value, r.goal, r.ratio, r.status]);
        const width = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
        const line = (c) =>
          c
            .map((x, i) => (i < 2 ? x.padEnd(width[i]) : x.padStart(width[i])))
            .join('  ')
            .trimEnd();
        console.log(line(head));
        console.log(width.map((w) => '-'.repeat(w)).join('  '));
        for (const c of cells) console.log(line(c));
      }
      for (const n of notes) console.log(`  ${n.text.replaceAll('\n', '\n  ')}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Timing helpers

/** How the peak RSS of a child process is measured: GNU time when it works, else fallbacks. */
let rssProbe;
let cliOptions;
function peakRssMethod(work, noGnuTime = cliOptions?.noGnuTime) {
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
async function timeProcess(
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
async function repeatWithin(max, budgetMs, once) {
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

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** The JSON arrays in a `--json=short` output (one line per analysed unit). */
const countArrays = (buf) =>
  buf
    .toString('utf8')
    .split('\n')
    .filter((l) => l.startsWith('[')).length;

/** The bytes an argument vector takes against ARG_MAX (strings, NULs, pointers, and the environment). */
function argvBytes(args, env = SPAWN_ENV) {
  let n = 0;
  for (const a of args) n += Buffer.byteLength(a) + 1 + 8;
  for (const [k, v] of Object.entries(env)) n += Buffer.byteLength(`${k}=${v}`) + 1 + 8;
  return n + 16;
}

let argMaxCache;
function argMax() {
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
function batchesFor(fixed, units) {
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
async function timeBatched(command, fixed, units, opts) {
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

function machineInfo() {
  const cpu = cpus();
  let model = cpu[0]?.model?.trim() || 'unknown';
  if (model === 'unknown' || model.length < 4) {
    try {
      model = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? model;
    } catch {
      // not Linux
    }
  }
  let available = cpu.length;
  try {
    available = Number(execFileSync('nproc', { encoding: 'utf8' }).trim()) || available;
  } catch {
    // no nproc
  }
  return {
    node: process.version,
    v8: process.versions.v8,
    cpu: model,
    cores: cpu.length,
    coresAvailable: available,
    memoryGiB: totalmem() / 2 ** 30,
    kernel: `${process.platform} ${release()} ${arch()}`,
    loadavg: loadavg(),
  };
}

// ---------------------------------------------------------------------------------------------------
// systemd-analyze on this machine

let saInfo;
function systemdAnalyze() {
  if (saInfo !== undefined) return saInfo;
  const r = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8', timeout: 10000 });
  if (r.status !== 0 || !r.stdout) {
    saInfo = null;
    return saInfo;
  }
  const first = r.stdout.split('\n')[0];
  saInfo = { line: first.trim(), major: Number(/systemd (\d+)/.exec(first)?.[1]) || undefined };
  return saInfo;
}

/** The --systemd-version unitgate runs with: the local systemd-analyze's, when unitgate supports it. */
function engineVersion() {
  const supported = [252, 255, 257, 262];
  const major = systemdAnalyze()?.major;
  return supported.includes(major) ? major : 252;
}

// ---------------------------------------------------------------------------------------------------
// The unit set

/** A small text file without a newline where a unit or .conf should be: a symlink a checkout flattened. */
function isFlattenedLink(path) {
  const st = lstatSync(path);
  if (st.isSymbolicLink()) return true;
  if (!st.isFile() || st.size === 0 || st.size >= 256) return false;
  const text = readFileSync(path, 'utf8');
  return !text.includes('\n') && !text.includes('=') && !text.includes('[');
}

/** The drop-in files of a `NAME.d` directory (regular .conf files; flattened links skipped). */
function dropInFiles(dir) {
  if (!existsSync(dir) || !lstatSync(dir).isDirectory()) return [];
  return readdirSync(dir)
    .sort()
    .filter((n) => lstatSync(join(dir, n)).isFile() && !isFlattenedLink(join(dir, n)))
    .map((n) => ({ name: n, path: join(dir, n) }));
}

function* walkServices(dir) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const st = lstatSync(p);
    if (st.isDirectory() && !name.endsWith('.d')) yield* walkServices(p);
    else if (st.isFile() && name.endsWith('.service') && !isFlattenedLink(p)) yield p;
  }
}

/** Exit codes of the oracle of `version` by unit path under units/, or undefined without an oracle. */
function oracleExitCodes(corpus, version) {
  const file = join(corpus, `oracle-${version}.jsonl.gz`);
  if (!existsSync(file)) return undefined;
  const codes = new Map();
  for (const line of gunzipSync(readFileSync(file)).toString('utf8').split('\n')) {
    if (!line) continue;
    const r = JSON.parse(line);
    if (r.source === 'probes') continue;
    if (!codes.has(r.path) || r.exit_code === 0) codes.set(r.path, r.exit_code);
  }
  return { codes, file };
}

/** The BusName= values of a unit and its drop-ins (systemd refuses two loaded services with one name). */
function busNames(c) {
  const names = [];
  for (const p of [c.source, ...c.dropIns.map((d) => d.path)]) {
    for (const m of readFileSync(p, 'utf8').matchAll(/^[ \t]*BusName[ \t]*=[ \t]*(\S*)/gm)) names.push(m[1]);
  }
  return names;
}

/**
 * Candidate units in corpus order: { source (absolute path), name, dropIns, label, busNames }, distinct
 * by content (unit + drop-ins), without units that reuse an earlier unit's BusName= (systemd-analyze
 * refuses the second of two services with the same bus name when both are loaded).
 */
function corpusCandidates(corpus, version, describe) {
  const unitsDir = join(corpus, 'units');
  const oracle = oracleExitCodes(corpus, version);
  const seen = new Set();
  const buses = new Set();
  const out = [];
  let flattened = 0;
  let failing = 0;
  let duplicates = 0;
  let busClashes = 0;
  for (const source of readdirSync(unitsDir).sort()) {
    if (source === 'probes') continue;
    const dir = join(unitsDir, source);
    if (!lstatSync(dir).isDirectory()) continue;
    for (const path of walkServices(dir)) {
      const rel = relative(unitsDir, path);
      if (oracle && oracle.codes.has(rel) && oracle.codes.get(rel) !== 0) {
        failing++;
        continue;
      }
      const dropIns = dropInFiles(`${path}.d`);
      const hash = createHash('sha256');
      hash.update(readFileSync(path));
      for (const d of dropIns) hash.update(`\0${d.name}\0`).update(readFileSync(d.path));
      const digest = hash.digest('hex');
      if (seen.has(digest)) {
        duplicates++;
        continue;
      }
      const c = { source: path, name: path.split('/').at(-1), dropIns, label: rel };
      c.busNames = busNames(c);
      if (c.busNames.some((b) => buses.has(b))) {
        busClashes++;
        continue;
      }
      seen.add(digest);
      for (const b of c.busNames) buses.add(b);
      out.push(c);
    }
  }
  // Count flattened links for the description (walkServices skips them).
  const countFlattened = (d) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      const st = lstatSync(p);
      if (st.isDirectory()) countFlattened(p);
      else if (n.endsWith('.service') && isFlattenedLink(p)) flattened++;
    }
  };
  for (const s of readdirSync(unitsDir)) if (s !== 'probes') countFlattened(join(unitsDir, s));
  describe(
    `${out.length} distinct *.service files of ${corpus}/units that systemd-analyze scores ` +
      `(skipped: probes, ${flattened} flattened symlinks, ${duplicates} duplicates by content, ` +
      `${busClashes} reusing an earlier unit's BusName=` +
      (oracle ? `, ${failing} exiting non-zero in ${oracle.file.split('/').at(-1)})` : '; no oracle)'),
  );
  return out;
}

function fallbackCandidates(describe) {
  const out = [];
  const walk = function* (dir) {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      const st = lstatSync(p);
      if (st.isDirectory() && !name.endsWith('.d')) yield* walk(p);
      else if (st.isFile() && name.endsWith('.service')) yield p;
    }
  };
  for (const base of ['examples/units', '__tests__/fixtures']) {
    for (const p of walk(join(REPO, base))) {
      const c = {
        source: p,
        name: p.split('/').at(-1),
        dropIns: dropInFiles(`${p}.d`),
        label: relative(REPO, p),
      };
      c.busNames = busNames(c);
      out.push(c);
    }
  }
  describe(
    `NO SHARED CORPUS (${relative(REPO, join(REPO, '..', 'shared', 'corpus'))} missing): using the ` +
      `${out.length} *.service files of examples/units and __tests__/fixtures`,
  );
  return out;
}

/** Copies candidates into `root` as NNNN-name, with their drop-ins; returns the new names in order. */
function populate(root, picks) {
  const dir = join(root, UNIT_DIR);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const width = Math.max(4, String(picks.length - 1).length);
  return picks.map((c, i) => {
    const name = `${String(i).padStart(width, '0')}-${c.name}`;
    copyFileSync(c.source, join(dir, name));
    if (c.dropIns.length > 0) {
      mkdirSync(join(dir, `${name}.d`));
      for (const d of c.dropIns) copyFileSync(d.path, join(dir, `${name}.d`, d.name));
    }
    return name;
  });
}

const SA_FIXED = (root) => ['security', '--offline=true', `--root=${root}`, '--json=short'];

/** systemd-analyze over `names` in `root`: how many JSON arrays it printed, and its stderr. */
async function saArrays(root, names, work) {
  const r = await timeBatched(
    'systemd-analyze',
    SA_FIXED(root),
    names.map((n) => `${UNIT_DIR}/${n}`),
    { work, timeoutMs: 120000 },
  );
  if (r.error || r.timedOut) throw new Error(`systemd-analyze did not run: ${r.error ?? 'timeout'}`);
  return { arrays: countArrays(r.stdout), stderr: r.stderr };
}

/**
 * The names (in `root`) systemd-analyze does not score when given all of them at once: units it names
 * in a refusal on stderr, then a bisection for units that fail on their own.
 */
async function unscoredBySystemdAnalyze(root, names, work) {
  const bad = new Set();
  const first = await saArrays(root, names, work);
  if (first.arrays === names.length) return bad;
  for (const m of first.stderr.matchAll(/^(\S+): Two services allocated for the same bus name/gm)) {
    const hit = names.find((n) => n === m[1] || templateOf(n) === templateOf(m[1]));
    if (hit) bad.add(hit);
  }
  const check = async (list) => {
    if (list.length === 0 || (await saArrays(root, list, work)).arrays === list.length) return;
    if (list.length === 1) {
      bad.add(list[0]);
      return;
    }
    const half = Math.ceil(list.length / 2);
    await check(list.slice(0, half));
    await check(list.slice(half));
  };
  await check(names.filter((n) => !bad.has(n)));
  return bad;
}

/** foo@i.service -> foo@.service (how systemd names an analysed template in its messages). */
const templateOf = (name) => name.replace(/@[^@.]*(\.[a-z]+)$/, '@$1');

/**
 * Builds (once per count) a scratch root with `count` units: { root, names, paths, description, version }.
 * paths are the arguments the oracle used: /usr/lib/systemd/system/NAME, with --root=ROOT and cwd /.
 */
async function makeUnitSet(ctx, count) {
  const description = [];
  const describe = (s) => description.push(s);
  const version = engineVersion();
  const candidates = existsSync(join(ctx.opts.corpus, 'units'))
    ? corpusCandidates(ctx.opts.corpus, version, describe)
    : fallbackCandidates(describe);
  if (candidates.length === 0) throw new Error('no *.service units found to benchmark');
  const root = join(ctx.work, `root-${count}`);
  let picks = candidates.slice(0, count);
  const sa = systemdAnalyze();
  // Re-check with the real tool, all at once as they will be measured; replace what it refuses.
  if (sa) {
    let next = picks.length;
    let dropped = 0;
    for (let round = 0; round < 5; round++) {
      const names = populate(root, picks);
      const bad = await unscoredBySystemdAnalyze(root, names, ctx.work);
      if (bad.size === 0) break;
      dropped += bad.size;
      picks = picks.filter((_, i) => !bad.has(names[i]));
      const extra = candidates.slice(next, next + (count - picks.length));
      next += extra.length;
      picks.push(...extra);
    }
    if (dropped > 0) describe(`dropped ${dropped} that ${sa.line} refused`);
  }
  if (picks.length < count) {
    const distinct = picks.length;
    // Replicas (renamed) of units without BusName=, so that no two loaded services share a bus name.
    const pool = picks.filter((c) => c.busNames.length === 0);
    const source = pool.length > 0 ? pool : picks;
    for (let i = 0; picks.length < count; i++) picks.push(source[i % source.length]);
    describe(
      `only ${distinct} such units: ${count - distinct} renamed replicas (of the first units without ` +
        `BusName=) make up ${count}`,
    );
  }
  const names = populate(root, picks);
  const dropInDirs = picks.filter((p) => p.dropIns.length > 0).length;
  describe(`${count} units in ${root}${UNIT_DIR} (${dropInDirs} with a NAME.d drop-in dir)`);
  if (sa) {
    const check = await saArrays(root, names, ctx.work);
    describe(
      check.arrays === names.length
        ? `checked: ${sa.line} scores all ${names.length} in one run`
        : `WARNING: ${sa.line} scores only ${check.arrays} of ${names.length} in one run`,
    );
  } else describe('systemd-analyze not on PATH: units not re-checked with the real tool');
  return { root, names, paths: names.map((n) => `${UNIT_DIR}/${n}`), description, version };
}

// ---------------------------------------------------------------------------------------------------
// Section: security (whole processes)

async function securitySection(ctx) {
  const { opts, work } = ctx;
  const set = await ctx.unitSet(opts.units);
  const n = set.paths.length;
  const timeoutMs = opts.timeoutS * 1000;
  const sa = systemdAnalyze();
  const ugFixed = [
    CLI,
    'security',
    '--offline=true',
    `--root=${set.root}`,
    '--json=short',
    `--systemd-version=${set.version}`,
  ];
  const saFixed = SA_FIXED(set.root);
  ctx.note(`units: ${set.description.join('; ')}`);
  const shown = (fixed) => fixed.join(' ').replace(set.root, 'ROOT').replace(CLI, 'dist/cli.js');
  ctx.note(`commands (cwd /, LC_ALL=C.UTF-8, PATHS = ${UNIT_DIR}/NNNN-name.service …):`);
  ctx.note(`  node ${shown(ugFixed)} PATHS`);
  ctx.note(`  systemd-analyze ${shown(saFixed)} PATHS`);
  ctx.note(`peak RSS: ${peakRssMethod(work).label}`);
  const ugBatches = batchesFor(['node', ...ugFixed], set.paths).length;
  const saBatches = batchesFor(['systemd-analyze', ...saFixed], set.paths).length;
  ctx.note(
    `argument list: ${fmtInt(argvBytes(['node', ...ugFixed, ...set.paths]))} bytes of ARG_MAX ${fmtInt(argMax())}` +
      (ugBatches > 1 || saBatches > 1
        ? ` — DOES NOT FIT: "all units" runs are split into ${ugBatches} (unitgate) / ${saBatches} (systemd-analyze) processes, times added`
        : ' (fits: one process for all units)'),
  );

  // Warm the caches (node, dist/cli.js, the unit files) outside the measurements.
  await timeProcess('node', [...ugFixed, set.paths[0]], { work, node: true, timeoutMs });
  if (sa) await timeProcess('systemd-analyze', [...saFixed, ...set.paths.slice(0, 50)], { work, timeoutMs });

  // 1 + 2: all units in one process.
  const batchRuns = async (command, fixed, node) =>
    await repeatWithin(opts.repeat, 15000, () =>
      timeBatched(command, fixed, set.paths, { work, node, timeoutMs }),
    );
  let saAll;
  if (sa) {
    log(`systemd-analyze, ${n} units in one process (up to ${opts.repeat} runs)…`);
    saAll = summarize(await batchRuns('systemd-analyze', saFixed, false), n);
  }
  log(`unitgate, ${n} units in one process (up to ${opts.repeat} runs)…`);
  const ugAll = summarize(await batchRuns('node', ugFixed, true), n);

  // The floor of any Node.js implementation: a process that reads the same unit files and writes as
  // many bytes as unitgate printed, scoring nothing (what node start-up, file reads and the output
  // pipe cost alone).
  let floor;
  if (ugAll.ok) {
    const floorScript = join(work, 'node-floor.cjs');
    writeFileSync(
      floorScript,
      `const fs = require('fs');
const [root, bytes, ...paths] = process.argv.slice(2);
let read = 0;
for (const p of paths) if (p.startsWith('/')) read += fs.readFileSync(root + p).length;
const chunk = Buffer.alloc(64 * 1024, 0x20);
for (let n = 0, total = Number(bytes); n < total; n += chunk.length)
  fs.writeSync(1, chunk, 0, Math.min(chunk.length, total - n));
`,
    );
    const floorFixed = [floorScript, set.root, String(ugAll.last.stdout.length)];
    log(`node floor (read the ${n} units, write the same output, no scoring; up to ${opts.repeat} runs)…`);
    floor = summarize(
      await repeatWithin(opts.repeat, 15000, () =>
        timeBatched('node', floorFixed, set.paths, { work, node: true, timeoutMs }),
      ),
      n,
    );
  }

  // 3 + 4: one process per unit, on an even sample.
  const sampleSize = Math.min(opts.perUnitSample, n);
  const step = n / sampleSize;
  const sample = Array.from({ length: sampleSize }, (_, i) => set.paths[Math.floor(i * step)]);
  const perUnit = async (command, fixed, node) => {
    let wallMs = 0;
    let failures = 0;
    let timedOut = false;
    const deadline = performance.now() + timeoutMs;
    let done = 0;
    for (const p of sample) {
      const r = await timeProcess(command, [...fixed, p], { work, node, timeoutMs, rss: false });
      wallMs += r.wallMs;
      done++;
      if (r.code !== 0 || countArrays(r.stdout) !== 1) failures++;
      if (performance.now() > deadline) {
        timedOut = true;
        break;
      }
    }
    return { wallMs, failures, done, timedOut, unitsPerSecond: done / (wallMs / 1000) };
  };
  let saEach;
  if (sa) {
    log(`systemd-analyze, one process per unit, ${sampleSize} units…`);
    saEach = await perUnit('systemd-analyze', saFixed, false);
  }
  log(`unitgate, one process per unit, ${sampleSize} units…`);
  const ugEach = await perUnit('node', ugFixed, true);

  // The table.
  const allLabel = (r) =>
    r.ok
      ? `${fmtRate(r.unitsPerSecond)} units/s (${fmtSec(r.wallMs)}${r.runs > 1 ? `, median of ${r.runs}` : ''})`
      : r.problem;
  ctx.row(`unitgate, all ${n} units in 1 process`, allLabel(ugAll), { data: ugAll.data });
  if (saAll) ctx.row(`systemd-analyze, all ${n} units in 1 process`, allLabel(saAll), { data: saAll.data });
  const eachLabel = (r) =>
    `${fmtRate(r.unitsPerSecond)} units/s (${r.done} runs in ${fmtSec(r.wallMs)}; ${n} ≈ ${fmtSec((r.wallMs / r.done) * n)})` +
    (r.failures ? `, ${r.failures} failed` : '') +
    (r.timedOut ? ', stopped at timeout' : '');
  if (floor?.ok)
    ctx.row(`node alone: read ${n} units + write the output`, allLabel(floor), { data: floor.data });
  if (saEach) ctx.row(`systemd-analyze, 1 process per unit`, eachLabel(saEach), { data: saEach });
  ctx.row(`unitgate, 1 process per unit`, eachLabel(ugEach), { data: ugEach });

  if (saAll?.ok && floor?.ok)
    ctx.note(
      `the 10× goal means ${fmtSec(saAll.wallMs / 10)} for all units; node reading the units and writing the ` +
        `output, with no scoring at all, takes ${fmtSec(floor.wallMs)} (${fmtRatio(floor.unitsPerSecond / saAll.unitsPerSecond)} systemd-analyze)`,
    );
  if (saAll?.ok && ugAll.ok) {
    const r = ugAll.unitsPerSecond / saAll.unitsPerSecond;
    ctx.row(`unitgate (1 proc) ÷ systemd-analyze (1 proc)`, `${fmtRate(ugAll.unitsPerSecond)} units/s`, {
      goal: `≥ 10× (${fmtRate(saAll.unitsPerSecond * 10)}/s)`,
      ratio: fmtRatio(r),
      ok: r >= 10,
      data: { ratio: r },
    });
  }
  if (saEach && ugAll.ok) {
    const r = ugAll.unitsPerSecond / saEach.unitsPerSecond;
    ctx.row(`unitgate (1 proc) ÷ systemd-analyze (per unit)`, `${fmtRate(ugAll.unitsPerSecond)} units/s`, {
      goal: `≥ 200× (${fmtRate(saEach.unitsPerSecond * 200)}/s)`,
      ratio: fmtRatio(r),
      ok: r >= 200,
      data: { ratio: r },
    });
  }
  if (!sa) ctx.note('systemd-analyze is not on PATH: no ratios (install systemd to compare).');
  if (ugAll.peakKiB !== undefined) {
    const limit = 150 * 1024;
    ctx.row(`unitgate peak RSS, all ${n} units`, fmtMiB(ugAll.peakKiB), {
      goal: '< 150 MiB',
      ratio: fmtRatio(ugAll.peakKiB / limit),
      ok: ugAll.ok && ugAll.peakKiB < limit,
      data: { peakKiB: ugAll.peakKiB },
    });
  }
  if (saAll?.peakKiB !== undefined)
    ctx.row(`systemd-analyze peak RSS, all ${n} units`, fmtMiB(saAll.peakKiB), {
      data: { peakKiB: saAll.peakKiB },
    });

  // Sanity: every unit produced an array, and the two outputs agree.
  const arrays = (r) => (r ? `${countArrays(r.last.stdout)}/${n}` : '');
  ctx.note(
    `JSON arrays printed: unitgate ${arrays(ugAll)} (exit ${ugAll.last.code})` +
      (saAll ? `, systemd-analyze ${arrays(saAll)} (exit ${saAll.last.code})` : ''),
  );
  if (saAll && ugAll.ok && saAll.ok) {
    const a = ugAll.last.stdout.toString('utf8').split('\n');
    const b = saAll.last.stdout.toString('utf8').split('\n');
    let same = 0;
    for (let i = 0; i < a.length; i++) if (a[i] && a[i] === b[i]) same++;
    ctx.note(
      ugAll.last.stdout.equals(saAll.last.stdout)
        ? `outputs byte-identical (all ${n} arrays)`
        : a.length === b.length
          ? `outputs differ: ${same}/${n} arrays identical (unitgate --systemd-version=${set.version}, ${sa.line})`
          : 'outputs differ in the number of arrays (see above)',
    );
  }
  if (ugAll.batches > 1) ctx.note(`unitgate "1 process" figure is ${ugAll.batches} processes (ARG_MAX)`);

  if (opts.profileCli) {
    log(`profiling unitgate on all ${n} units (node --cpu-prof)…`);
    const dir = join(work, 'cli-prof');
    mkdirSync(dir, { recursive: true });
    await timeBatched('node', ['--cpu-prof', `--cpu-prof-dir=${dir}`, ...ugFixed], set.paths, {
      work,
      node: true,
      timeoutMs,
    });
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (file)
      ctx.note(
        `CPU profile of unitgate, all units in one process (${join(dir, file)}):\n${hotFunctions(join(dir, file), CLI)}`,
      );
  }
}

/** Reduces repeated "all units" runs to the median, keeping the last run's output for the checks. */
function summarize(runs, n) {
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
// by esbuild together with src/ (so the engine is measured as the CLI bundle runs it).
const ENGINE_ENTRY = `
import { readFileSync, readdirSync, lstatSync, readlinkSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { memoryTree } from './src/core/unit/unit-tree';
import { UnitLoader, UNIT_SECTIONS, type LoadedUnit } from './src/core/unit/load-unit';
import { parseUnitFile } from './src/core/unit/parse-unit-file';
import { isTemplateName, replaceInstance } from './src/core/unit/unit-name';
import { deriveSecuritySettings, type SecuritySettings } from './src/core/security/settings';
import { assessUnit, type Assessment } from './src/core/security/assess';
import { encodeJsonShort } from './src/core/security/render-security';
// What the CLI does with --json=short: each unit's array encoded as UTF-8 into its output batch.
const batch = new Uint8Array(1 << 20);
const encode = (a: Assessment): number => {
  const end = encodeJsonShort(a, batch, 0);
  if (end < 0) throw new Error('output batch too small');
  return end;
};
import { systemdProfile, type SystemdVersion } from './src/core/security/versions';

const cfg = JSON.parse(readFileSync(process.argv[2] as string, 'utf8'));
const profile = systemdProfile(cfg.version as SystemdVersion);
const files: Record<string, string | { symlink: string }> = {};
const walk = (real: string, tree: string): void => {
  for (const name of readdirSync(real)) {
    const r = real + '/' + name;
    const t = tree + '/' + name;
    const st = lstatSync(r);
    if (st.isDirectory()) walk(r, t);
    else if (st.isSymbolicLink()) files[t] = { symlink: readlinkSync(r) };
    else if (st.isFile()) files[t] = readFileSync(r, 'utf8');
  }
};
walk(cfg.root, '');
let t = performance.now();
const tree = memoryTree(files);
const treeMs = performance.now() - t;
// As the CLI does with --root: the arguments' directory first, then systemd's search path.
const searchPath = [cfg.dir, ...profile.traits.searchPath.filter((d: string) => d !== cfg.dir)];
const names: string[] = cfg.units.map((u: string) =>
  isTemplateName(u) ? replaceInstance(u, profile.traits.templateInstance) : u,
);
let sink = 0;

// The inputs of the single-stage passes: every unit's intermediate results, kept. Made only once the
// end-to-end stages are measured: a heap holding all of them makes V8 pretenure the engine's
// allocation sites (its objects then go straight to the old generation), which slows the end-to-end
// passes by a third — a cost of this harness, not of a CLI run, which keeps nothing between units.
const loaded: LoadedUnit[] = [];
const texts: { text: string; file: string }[][] = [];
const settings: SecuritySettings[] = [];
const assessments: Assessment[] = [];
let failures = 0;
let prepared = false;
const prepare = (): void => {
  if (prepared) return;
  prepared = true;
  const firstLoader = new UnitLoader(tree, searchPath);
  for (const name of names) {
    const o = firstLoader.load(name);
    if (!o.ok) { failures++; continue; }
    loaded.push(o.unit);
    texts.push(o.unit.files.map((f) => ({ file: f.file, text: (tree.readFile(f.file) as { text: string }).text ?? '' })));
    const d = deriveSecuritySettings(o.unit, profile);
    if (!d.settings) { failures++; continue; }
    settings.push(d.settings);
    assessments.push(assessUnit(d.settings, profile));
  }
};

const stages: Record<string, { units: () => number; prepared?: boolean; pass: () => void }> = {
  // Each pass uses a fresh UnitLoader (one CLI run has one), so its caches start empty every pass.
  pipeline: { units: () => names.length, pass: () => {
    const loader = new UnitLoader(tree, searchPath);
    for (const name of names) {
      const o = loader.load(name);
      if (!o.ok) continue;
      const d = deriveSecuritySettings(o.unit, profile);
      if (d.settings) sink += assessUnit(d.settings, profile).exposure;
    }
  } },
  'pipeline+render': { units: () => names.length, pass: () => {
    const loader = new UnitLoader(tree, searchPath);
    for (const name of names) {
      const o = loader.load(name);
      if (!o.ok) continue;
      const d = deriveSecuritySettings(o.unit, profile);
      if (d.settings) sink += encode(assessUnit(d.settings, profile));
    }
  } },
  load: { units: () => names.length, pass: () => {
    const loader = new UnitLoader(tree, searchPath);
    for (const name of names) sink += loader.load(name).ok ? 1 : 0;
  } },
  parse: { units: () => texts.length, prepared: true, pass: () => {
    for (const unit of texts)
      for (const f of unit) sink += parseUnitFile(f.text, f.file, UNIT_SECTIONS.service).assignments.length;
  } },
  derive: { units: () => loaded.length, prepared: true, pass: () => {
    for (const u of loaded) sink += deriveSecuritySettings(u, profile).diagnostics.length;
  } },
  assess: { units: () => settings.length, prepared: true, pass: () => {
    for (const s of settings) sink += assessUnit(s, profile).exposure;
  } },
  render: { units: () => assessments.length, prepared: true, pass: () => {
    for (const a of assessments) sink += encode(a);
  } },
};

const results: Record<string, unknown> = {};
for (const name of cfg.stages as string[]) {
  const stage = stages[name];
  if (!stage) continue;
  if (stage.prepared) prepare();
  t = performance.now();
  let passes = 0;
  do { stage.pass(); passes++; } while (performance.now() - t < cfg.warmupMs);
  // Profile only the measured passes (the inspector's Profiler is what node --cpu-prof uses).
  let session: Session | undefined;
  if (cfg.profileFile) {
    session = new Session();
    session.connect();
    session.post('Profiler.enable');
    session.post('Profiler.setSamplingInterval', { interval: 250 });
    session.post('Profiler.start');
  }
  passes = 0;
  t = performance.now();
  let elapsed = 0;
  do { stage.pass(); passes++; elapsed = performance.now() - t; } while (elapsed < cfg.minMs);
  if (session) {
    session.post('Profiler.stop', (err, r) => {
      if (!err) writeFileSync(cfg.profileFile, JSON.stringify(r.profile));
    });
    session.disconnect();
  }
  results[name] = { units: stage.units(), passes, ms: elapsed, unitsPerSecond: (stage.units() * passes) / (elapsed / 1000) };
}
prepare(); // for the counts below
process.stdout.write(JSON.stringify({
  units: names.length, loaded: loaded.length, scored: settings.length, failures, treeMs,
  results, maxRssKiB: process.resourceUsage().maxRSS, sink,
}) + '\\n');
`;

async function bundleEngine(work) {
  const outfile = join(work, 'engine-bench.cjs');
  if (existsSync(outfile)) return outfile;
  await build({
    stdin: { contents: ENGINE_ENTRY, resolveDir: REPO, sourcefile: 'bench-engine-entry.ts', loader: 'ts' },
    absWorkingDir: REPO,
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: false,
    sourcemap: false,
    logLevel: 'warning',
  });
  return outfile;
}

/** Runs the engine bundle on a unit set; with `profileFile`, writes a .cpuprofile of the measured passes. */
function runEngine(work, bundle, set, stages, { minMs, warmupMs, profileFile }) {
  const cfgFile = join(work, `engine-${stages.join('-')}.json`);
  writeFileSync(
    cfgFile,
    JSON.stringify({
      root: set.root,
      dir: UNIT_DIR,
      units: set.names,
      version: set.version,
      stages,
      minMs,
      warmupMs,
      profileFile,
    }),
  );
  const r = spawnSync('node', [bundle, cfgFile], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 600000,
  });
  if (r.status !== 0)
    throw new Error(`engine bench failed (${r.status ?? r.signal}): ${r.stderr.slice(0, 2000)}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1));
}

async function engineSection(ctx) {
  const { opts, work } = ctx;
  const set = await ctx.unitSet(opts.units);
  log('bundling the engine with esbuild…');
  const bundle = await bundleEngine(work);
  const stages = ['pipeline', 'pipeline+render', 'load', 'parse', 'derive', 'assess', 'render'];
  log(`engine in process, ${set.names.length} units, stages ${stages.join(', ')}…`);
  const warmupMs = Math.min(300, opts.engineMs / 2);
  const r = runEngine(work, bundle, set, stages, { minMs: opts.engineMs, warmupMs });
  const goal = 100000;
  const label = {
    pipeline: 'engine load+derive+assess (in process)',
    'pipeline+render': '  … + JSON output (what the CLI does)',
    load: '  loadUnit only (name map, drop-ins, parse)',
    parse: '  parseUnitFile only (unit + drop-ins)',
    derive: '  deriveSecuritySettings only',
    assess: '  assessUnit only',
    render: '  encodeJsonShort only',
  };
  for (const s of stages) {
    const x = r.results[s];
    if (!x) continue;
    const value = `${fmtRate(x.unitsPerSecond)} units/s (${(x.ms / x.passes).toFixed(1)} ms/pass)`;
    if (s === 'pipeline')
      ctx.row(label[s], value, {
        goal: `≥ ${fmtInt(goal)}/s`,
        ratio: fmtRatio(x.unitsPerSecond / goal),
        ok: x.unitsPerSecond >= goal,
        data: x,
      });
    else ctx.row(label[s], value, { data: x });
  }
  ctx.row('  memoryTree build, once', `${r.treeMs.toFixed(1)} ms`, { data: { treeMs: r.treeMs } });
  ctx.note(
    `${r.units} units (${r.loaded} loaded, ${r.scored} scored, ${r.failures} failed), systemd ${set.version} profile; ` +
      `each stage: warm-up ≥ ${warmupMs} ms, then ≥ ${opts.engineMs} ms of whole passes; child peak RSS ${fmtMiB(r.maxRssKiB)}`,
  );
  const missed = (r.results.pipeline?.unitsPerSecond ?? 0) < goal;
  if (opts.profile === 'always' || (opts.profile === 'auto' && missed)) {
    for (const stage of opts.profileStages) {
      if (!stages.includes(stage)) {
        ctx.note(`no stage ${stage} to profile (have: ${stages.join(', ')})`);
        continue;
      }
      log(`profiling stage ${stage} (V8 CPU profiler, measured passes only)…`);
      const file = join(work, `engine-${stage}.cpuprofile`);
      runEngine(work, bundle, set, [stage], {
        minMs: Math.max(2000, opts.engineMs),
        warmupMs,
        profileFile: file,
      });
      if (existsSync(file))
        ctx.note(
          `CPU profile of stage ${stage} (${label[stage].trim()})${stage === 'pipeline' && missed ? ', goal missed' : ''}, ` +
            `measured passes only, as node --cpu-prof records it ` +
            `(${opts.keep ? file : '--keep keeps the .cpuprofile'}):\n${hotFunctions(file, bundle)}`,
        );
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Section: trend (a git history, whole process)

const GIT_BENCH_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'bench',
  GIT_AUTHOR_EMAIL: 'bench@example.invalid',
  GIT_COMMITTER_NAME: 'bench',
  GIT_COMMITTER_EMAIL: 'bench@example.invalid',
};

function benchGit(cwd, args) {
  return execFileSync('git', ['-c', 'commit.gpgsign=false', '-c', 'core.autocrlf=false', ...args], {
    cwd,
    env: GIT_BENCH_ENV,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
}

const HARDEN = '\n[Service]\nProtectSystem=strict\nPrivateTmp=yes\nNoNewPrivileges=yes\n';
const WEAKEN = '\n[Service]\nProtectSystem=no\nPrivateNetwork=no\n';

/**
 * A git repository whose first commit holds the unit set (root-tree layout) and which then gets `tags`
 * releases: each changes 3 units (hardened on even tags, weakened on odd ones); with `churn`, every 4th
 * also adds a unit and every 5th removes one. Tags alternate lightweight and annotated.
 */
function makeTrendRepo(work, set, tags, churn) {
  const dir = join(work, `trend-repo-${set.names.length}x${tags}${churn ? '-churn' : ''}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, UNIT_DIR), { recursive: true });
  for (const n of set.names) copyFileSync(join(set.root, UNIT_DIR, n), join(dir, UNIT_DIR, n));
  benchGit(dir, ['init', '-q', '-b', 'main']);
  benchGit(dir, ['add', '-A']);
  benchGit(dir, ['commit', '-q', '-m', 'units']);
  const live = [...set.names];
  let edits = 0;
  let added = 0;
  let removed = 0;
  for (let t = 1; t <= tags; t++) {
    for (let k = 0; k < 3; k++) {
      const name = live[(t * 37 + k * 11) % live.length];
      const file = join(dir, UNIT_DIR, name);
      writeFileSync(file, readFileSync(file, 'utf8') + (t % 2 ? WEAKEN : HARDEN));
      edits++;
    }
    if (churn && t % 4 === 0) {
      const name = `added-${t}.service`;
      writeFileSync(join(dir, UNIT_DIR, name), `[Service]\nExecStart=/usr/bin/added-${t}\n` + HARDEN);
      live.push(name);
      added++;
    }
    if (churn && t % 5 === 0) {
      const [name] = live.splice((t * 53) % live.length, 1);
      rmSync(join(dir, UNIT_DIR, name));
      removed++;
    }
    benchGit(dir, ['add', '-A']);
    benchGit(dir, ['commit', '-q', '-m', `release ${t}`]);
    const tag = `v1.${t}.0`;
    benchGit(dir, t % 2 ? ['tag', tag] : ['tag', '-a', '-m', tag, tag]);
  }
  const about =
    `${edits} unit edits` +
    (churn ? `, ${added} units added, ${removed} removed` : '') +
    `, ${live.length} units at HEAD`;
  return { dir, about };
}

async function trendSection(ctx) {
  const { opts, work } = ctx;
  if (!existsSync(CLI)) {
    ctx.note(`${relative(REPO, CLI)} is missing: run \`npm run bundle\` first`);
    return;
  }
  const set = await ctx.unitSet(opts.trendUnits);
  const tags = opts.trendTags;
  const args = [CLI, 'trend', '--limit', String(tags), '--format', 'json'];
  const timeoutMs = opts.timeoutS * 1000;
  const goalMs = 5000;
  ctx.note(`units: ${set.description.join('; ')}`);
  ctx.note(`command (cwd = the repository): node ${args.join(' ').replace(CLI, 'dist/cli.js')}`);
  for (const churn of [false, true]) {
    log(
      `building a git history of ${set.names.length} units and ${tags} tags${churn ? ' (with churn)' : ''}…`,
    );
    const repo = makeTrendRepo(work, set, tags, churn);
    const label = churn ? 'edits + units added/removed' : 'a few units edited per tag';
    // The first run reads everything from disk once (and warms node); measured runs follow.
    const cold = await timeProcess('node', args, { work, node: true, cwd: repo.dir, timeoutMs });
    log(`unitgate trend, ${tags} tags × ${set.names.length} units, ${label} (up to ${opts.repeat} runs)…`);
    const runs = await repeatWithin(opts.repeat, 20000, () =>
      timeProcess('node', args, { work, node: true, cwd: repo.dir, timeoutMs }),
    );
    const good = runs.filter((r) => !r.timedOut && !r.error && r.code === 0);
    const metric = `trend, ${set.names.length} units × ${tags} tags + HEAD: ${label}`;
    if (good.length === 0) {
      const last = runs.at(-1);
      ctx.row(metric, last.timedOut ? 'timed out' : `failed (exit ${last.code})`, {
        goal: '< 5 s',
        ok: false,
      });
      ctx.note(last.stderr.slice(0, 2000));
      continue;
    }
    const wallMs = median(good.map((r) => r.wallMs));
    ctx.row(metric, `${fmtSec(wallMs)}${good.length > 1 ? ` (median of ${good.length})` : ''}`, {
      goal: '< 5 s',
      ratio: fmtRatio(wallMs / goalMs),
      ok: wallMs < goalMs,
      data: { wallMs, runs: good.length, coldMs: cold.wallMs, churn },
    });
    const peaks = good.map((r) => r.peakKiB).filter((x) => x !== undefined);
    ctx.row(
      '  first run (cold caches, not in the median); peak RSS',
      `${fmtSec(cold.wallMs)}; ${peaks.length ? fmtMiB(Math.max(...peaks)) : '?'}`,
      { data: { coldMs: cold.wallMs, peakKiB: peaks.length ? Math.max(...peaks) : undefined } },
    );
    ctx.note(
      `${label}: ${repo.about}; ${await checkTrendHead(ctx, repo.dir, good.at(-1).stdout, timeoutMs)}`,
    );
  }
}

/** The shape of a trend's output, and its head points against `unitgate security --root` on the same files. */
async function checkTrendHead(ctx, dir, stdout, timeoutMs) {
  const trend = JSON.parse(stdout.toString('utf8'));
  const scored = trend.units.reduce((n, u) => n + u.points.filter((p) => p.exposure !== null).length, 0);
  const files = readdirSync(join(dir, UNIT_DIR)).filter((n) => n.endsWith('.service'));
  const version = trend.versions.at(-1) ?? 252;
  const sec = await timeBatched(
    'node',
    [CLI, 'security', '--offline=true', `--root=${dir}`, `--systemd-version=${version}`],
    files.map((n) => `${UNIT_DIR}/${n}`),
    { work: ctx.work, node: true, timeoutMs },
  );
  const expected = new Map();
  for (const m of sec.stdout.toString('utf8').matchAll(/Overall exposure level for (\S+): (\d+)\.(\d) /g))
    expected.set(m[1], Number(m[2]) * 10 + Number(m[3]));
  const head = trend.releases.length - 1;
  let same = 0;
  let differ = 0;
  for (const u of trend.units) {
    const p = u.points[head];
    if (!p || p.exposure === null) continue;
    if (expected.get(u.unitId) === p.exposure) same++;
    else differ++;
  }
  const shape =
    `output ${trend.releases.length} columns (${trend.releases[0]?.label} … ${trend.releases.at(-1)?.label}), ` +
    `${trend.units.length} units, ${scored} scored points, systemd ${trend.versions.join(', ')}`;
  return differ === 0 && same === expected.size
    ? `${shape}; head points agree with \`unitgate security --root=REPO\` on all ${same} scored units`
    : `${shape}; HEAD POINTS: ${same} agree, ${differ} differ from \`unitgate security --root=REPO\` (${expected.size} scored there)`;
}

// ---------------------------------------------------------------------------------------------------
// Section: gate (the bundled action on a pull request, whole process)

const ACTION = join(REPO, 'dist', 'index.js');
const GATE_REPOSITORY = 'octo-org/services';

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
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, UNIT_DIR), { recursive: true });
  for (const n of set.names) copyFileSync(join(set.root, UNIT_DIR, n), join(dir, UNIT_DIR, n));
  benchGit(dir, ['init', '-q', '-b', 'main']);
  benchGit(dir, ['add', '-A']);
  benchGit(dir, ['commit', '-q', '-m', 'base']);
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

/**
 * A local stand-in for the few API operations the action calls on a pull request (the pull request,
 * its files, comments, check runs): enough for octokit, nothing validated (the e2e tests do that).
 */
async function startApiStub(repo) {
  const { createServer } = await import('node:http');
  const requests = [];
  let run = 0;
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url, 'http://stub');
      const route = `${req.method} ${url.pathname.replace(`/repos/${GATE_REPOSITORY}`, '')}`;
      requests.push({ route, at: performance.now(), run });
      const reply = (status, body) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify(body));
      };
      const user = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' };
      if (route === 'GET /pulls/1')
        return reply(200, {
          number: 1,
          body: '',
          changed_files: repo.changedPaths.length,
          base: { sha: repo.baseSha, ref: 'main' },
          head: { sha: repo.headSha, ref: 'feature' },
          user: { login: 'octocat' },
        });
      if (route === 'GET /pulls/1/files') {
        const page = Number(url.searchParams.get('page') ?? 1);
        const files = page === 1 ? repo.changedPaths : [];
        return reply(
          200,
          files.map((filename) => ({ filename, status: 'modified', additions: 4, deletions: 0 })),
        );
      }
      // Who may approve: the reviews, the head commit's author and committer, the description's last edit.
      if (route === 'GET /pulls/1/reviews') return reply(200, []);
      if (route.startsWith('GET /commits/') && !route.endsWith('/pulls'))
        return reply(200, {
          sha: repo.headSha,
          author: { login: 'octocat' },
          committer: { login: 'octocat' },
        });
      if (route === 'POST /graphql')
        return reply(200, {
          data: { repository: { pullRequest: { lastEditedAt: null, createdAt: '2025-01-01T00:00:00Z' } } },
        });
      if (route === 'GET /issues/1/comments') return reply(200, []);
      if (route === 'POST /issues/1/comments')
        return reply(201, { id: 1, body: '', user, created_at: new Date().toISOString() });
      if (route === 'POST /check-runs') return reply(201, { id: 1 });
      if (route === 'PATCH /check-runs/1') return reply(200, { id: 1 });
      reply(404, { message: 'Not Found' });
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    /** Marks the start of the next run: requests are counted per run. */
    nextRun: () => run++,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
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
    const report = JSON.parse(readFileSync(join(repo.dir, 'unitgate-report.json'), 'utf8'));
    const summary = readFileSync(join(runDir, 'summary'), 'utf8');
    return { units: report.units.length, result: report.result, summaryBytes: Buffer.byteLength(summary) };
  } catch (e) {
    return { error: e.message };
  }
}

async function gateSection(ctx) {
  const { opts, work } = ctx;
  if (!existsSync(ACTION)) {
    ctx.note(`${relative(REPO, ACTION)} is missing: run \`npm run bundle\` first`);
    return;
  }
  const changed = opts.gateChanged;
  const set = await ctx.unitSet(changed + opts.gateUntouched);
  const timeoutMs = opts.timeoutS * 1000;
  const goalMs = 1000;
  ctx.note(`units: ${set.description.join('; ')}`);
  log(`building a pull request: ${changed} of ${set.names.length} units changed…`);
  const repo = makeGateRepo(work, set, changed);
  const runDir = join(work, 'gate-run');
  const label = `action, pull_request, ${changed} of ${set.names.length} units changed`;

  // 1. No token: nothing is called (the changed files come from git diff), nothing is published.
  log(`node dist/index.js without a token (up to ${opts.repeat} runs after a cold one)…`);
  const env = gateRunnerEnv(repo, runDir, { apiUrl: 'http://127.0.0.1:9', token: '' });
  const local = await timeAction(ctx, repo, env, timeoutMs);
  if (local.wallMs === undefined) {
    const last = local.runs.at(-1);
    ctx.row(`${label}: no token`, last.timedOut ? 'timed out' : `failed (exit ${last.code})`, {
      goal: '< 1 s',
      ok: false,
    });
    ctx.note(`stdout: ${last.stdout.toString('utf8').slice(-2000)}\nstderr: ${last.stderr.slice(0, 2000)}`);
    return;
  }
  const outcome = gateOutcome(repo, runDir);
  ctx.row(
    `${label}: no token (git diff, no publishing)`,
    `${fmtSec(local.wallMs)}${local.good.length > 1 ? ` (median of ${local.good.length})` : ''}`,
    {
      goal: '< 1 s',
      ratio: fmtRatio(local.wallMs / goalMs),
      ok: local.wallMs < goalMs,
      data: { wallMs: local.wallMs, runs: local.good.length, coldMs: local.cold.wallMs, ...outcome },
    },
  );
  const peaks = local.good.map((r) => r.peakKiB).filter((x) => x !== undefined);
  ctx.row(
    '  first run (cold caches, not in the median); peak RSS',
    `${fmtSec(local.cold.wallMs)}; ${peaks.length ? fmtMiB(Math.max(...peaks)) : '?'}`,
    { data: { coldMs: local.cold.wallMs, peakKiB: peaks.length ? Math.max(...peaks) : undefined } },
  );
  ctx.note(
    outcome.error
      ? `could not read the run's report: ${outcome.error}`
      : `each run: exit ${local.good.at(-1).code}, report with ${outcome.units} units in scope (${outcome.result}), ` +
          `job summary ${fmtInt(outcome.summaryBytes)} bytes; no release tags, so the trend has base and head only`,
  );

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

  // 4. A profile when it misses (or with --profile): V8's CPU profiler over one whole run.
  const missed = local.wallMs >= goalMs;
  if (opts.profile === 'always' || (opts.profile === 'auto' && missed)) {
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

// ---------------------------------------------------------------------------------------------------
// CPU profiles

/** The top functions of a .cpuprofile by self and by total time, with the src/ module they come from. */
function hotFunctions(profileFile, bundleFile, top = 12) {
  const prof = JSON.parse(readFileSync(profileFile, 'utf8'));
  // esbuild (not minified) starts each module of a bundle with a `// path/to/module.ts` line.
  const moduleAt = [];
  try {
    let current = '';
    for (const line of readFileSync(bundleFile, 'utf8').split('\n')) {
      const m = /^\/\/ ((?:src|node_modules)\/\S+|bench-engine-entry\.ts)$/.exec(line);
      if (m) current = m[1];
      moduleAt.push(current);
    }
  } catch {
    // bundle unreadable: no module names
  }
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const bundleName = bundleFile.split('/').at(-1);
  const key = (n) => {
    const f = n.callFrame;
    const name = f.functionName || '(anonymous)';
    if (!f.url) return name;
    if (f.url.endsWith(bundleName))
      return `${name}  ${moduleAt[f.lineNumber] || bundleName} (bundle line ${f.lineNumber + 1})`;
    return `${name}  ${f.url.replace(/^file:\/\//, '')}${f.url.startsWith('node:') ? '' : `:${f.lineNumber + 1}`}`;
  };
  const self = new Map();
  const total = new Map();
  let all = 0;
  const visit = (id, onPath) => {
    const n = byId.get(id);
    const k = key(n);
    const hits = n.hitCount ?? 0;
    all += hits;
    self.set(k, (self.get(k) ?? 0) + hits);
    const path = onPath.has(k) ? onPath : new Set(onPath).add(k);
    for (const p of path) total.set(p, (total.get(p) ?? 0) + hits);
    for (const c of n.children ?? []) visit(c, path);
  };
  visit(prof.nodes[0].id, new Set());
  const pct = (h) => `${((100 * h) / all).toFixed(1).padStart(5)}%`;
  const skip = (k) => /^\((root|program|idle)\)$/.test(k);
  const list = (m, only = () => true) =>
    [...m.entries()]
      .filter(([k, h]) => !skip(k) && only(k) && h / all >= 0.001)
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, h]) => `  ${pct(h)}  ${k}`)
      .join('\n');
  const ours = (k) => / src\//.test(k) && !/ src\/cli\.ts:/.test(k);
  return `self time:\n${list(self)}\ntotal time (incl. callees), src/ functions:\n${list(total, ours)}`;
}

// ---------------------------------------------------------------------------------------------------
// Main

async function main() {
  let opts;
  try {
    opts = cliOptions = parseOptions(process.argv.slice(2));
  } catch (e) {
    console.error(`bench: ${e.message}`);
    return;
  }
  if (opts.list) {
    console.log('sections (npm run bench -- --only NAME[,NAME]):');
    for (const s of SECTIONS) console.log(`  ${s.name.padEnd(10)} ${s.about}`);
    console.log('options: see the header of scripts/bench.mjs');
    return;
  }
  const started = performance.now();
  const work = mkdtempSync(join(tmpdir(), 'unitgate-bench-'));
  const report = new Report();
  const unitSets = new Map();
  const ctx = {
    opts,
    work,
    row: (...a) => report.row(...a),
    note: (t) => report.note(t),
    unitSet: async (count) => {
      if (!unitSets.has(count)) {
        log(`building a set of ${count} units…`);
        unitSets.set(count, makeUnitSet(ctx, count));
      }
      return await unitSets.get(count);
    },
  };
  const info = machineInfo();
  const sa = systemdAnalyze();
  console.log(
    `unitgate bench — node ${info.node} (V8 ${info.v8}), ${info.cpu}, ${info.cores} cores` +
      `${info.coresAvailable !== info.cores ? ` (${info.coresAvailable} available)` : ''}, ` +
      `${info.memoryGiB.toFixed(1)} GiB, ${info.kernel}; ${sa ? sa.line : 'systemd-analyze: not on PATH'}`,
  );
  if (!existsSync(CLI)) console.log(`note: ${relative(REPO, CLI)} is missing: run \`npm run bundle\` first`);
  const busy = () => {
    const [one] = loadavg();
    return one > info.coresAvailable * 0.75
      ? `load average ${one.toFixed(2)} on ${info.coresAvailable} cores: the machine is busy, figures are noisy`
      : undefined;
  };
  if (busy()) console.log(`note: ${busy()}`);
  const chosen = SECTIONS.filter((s) => !opts.only || opts.only.includes(s.name));
  const results = {};
  for (const s of chosen) {
    report.section = s.name;
    const t = performance.now();
    try {
      await s.run(ctx);
    } catch (e) {
      report.note(`SECTION FAILED: ${e.stack ?? e}`);
    }
    report.note(`(section took ${fmtSec(performance.now() - t)})`);
    results[s.name] = report.rows.filter((r) => r.section === s.name);
  }
  report.print(chosen.map((s) => s.name));
  if (busy()) console.log(`\nnote: ${busy()}`);
  console.log(
    `\nbench finished in ${fmtSec(performance.now() - started)} (a report: exit status is always 0)`,
  );
  if (opts.jsonOut)
    writeFileSync(opts.jsonOut, JSON.stringify({ machine: info, systemd: sa, results }, null, 2) + '\n');
  if (opts.keep) console.log(`kept scratch files in ${work}`);
  else rmSync(work, { recursive: true, force: true });
}

main()
  .catch((e) => console.error(`bench: ${e.stack ?? e}`))
  .finally(() => {
    process.exitCode = 0; // a report, not a test
  });
