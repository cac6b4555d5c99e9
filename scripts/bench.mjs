#!/usr/bin/env node
// Benchmarks: prints numbers and ratios, never fails (exit 0 whatever the figures). Not part of the tests.
// This file reads the options and runs the sections; the sections and their machinery are in bench/.
//
// usage: npm run bench -- [--only security,engine,trend] [--units 2000] [--per-unit-sample 200]
//                         [--repeat 3] [--timeout 120] [--engine-ms 1000] [--cpu-profile | --no-cpu-profile]
//                         [--trend-units 200] [--trend-tags 20] [--gate-changed 20] [--gate-untouched 100]
//                         [--cpu-profile-stages pipeline,assess,render] [--cpu-profile-cli] [--corpus DIR]
//                         [--json-out FILE] [--no-gnu-time] [--keep] [--list]
//
// Sections (run in this order; --only picks some; each module's header says what it measures and why):
//   security  bench/security.mjs: `unitgate security` against `systemd-analyze security --offline=true`
//             on the same units, whole processes (all units in one process with JSON and with table
//             output, one process per unit, peak RSS, and node alone reading the units and writing the
//             output).
//   engine    bench/engine.mjs: the scoring engine in process, per stage (bench/engine-child.ts, bundled
//             with src/ by esbuild); profiled when it misses its goal.
//   trend     bench/trend.mjs: `unitgate trend --format json` over scratch git repositories (units × tags).
//   gate      bench/gate.mjs: the bundled action (`node dist/index.js`) on a `pull_request` event, without
//             a token and against a local API stub (bench/api-stub.mjs).
//
// Floors: bench/floors.mjs lists the figures the project holds itself to (engine in process, unitgate
// ÷ systemd-analyze with JSON and table output, peak RSS, the gate without and with the trend, the
// trend); the sections measure them and the report ends with a table of all of them, from this run.
//
// Units: bench/unit-set.mjs — the first N distinct *.service files of ../shared/corpus that the real
// systemd-analyze scores, copied under one scratch root (the examples and fixtures without the corpus).
//
// To add a section: write bench/my-section.mjs with a header comment saying what it measures and why,
// exporting `async function mySection(ctx)` that calls ctx.row(metric, value, { goal, ratio, ok, data,
// floor }) (`floor`: the id of the floors.mjs floor the row measures, if any) and ctx.note(text); import
// it here and list it in SECTIONS. ctx.opts holds the options, ctx.work a scratch directory,
// ctx.unitSet(n) builds (once per n) a scratch root of n units. From bench/timing.mjs, timeProcess()
// spawns and measures one process (wall time, peak RSS), timeBatched() does so for an argument list
// that may exceed ARG_MAX, repeatWithin() repeats a run within a time budget; the engine section
// (engine.mjs + engine-child.ts) shows how to time in-process stages.
import { mkdtempSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { engineSection } from './bench/engine.mjs';
import { FLOORS } from './bench/floors.mjs';
import { gateSection } from './bench/gate.mjs';
import { CLI, REPO } from './bench/paths.mjs';
import { Report, fmtSec, log, machineInfo } from './bench/report.mjs';
import { securitySection } from './bench/security.mjs';
import { avoidGnuTime, unsetForChildren } from './bench/timing.mjs';
import { trendSection } from './bench/trend.mjs';
import { makeUnitSet, systemdAnalyze } from './bench/unit-set.mjs';

const SECTIONS = [
  { name: 'security', run: securitySection, about: 'unitgate vs systemd-analyze, whole processes' },
  { name: 'engine', run: engineSection, about: 'scoring engine in process, per stage' },
  { name: 'trend', run: trendSection, about: '`unitgate trend` over a git history (units × tags)' },
  { name: 'gate', run: gateSection, about: 'the bundled action on a pull_request event, whole process' },
];
const sectionNames = () => SECTIONS.map((s) => s.name).join(', ');

// ---------------------------------------------------------------------------------------------------
// Options: node:util parseArgs reads them; `apply` checks a value and sets it, in command-line order
// (so that of --cpu-profile, --no-cpu-profile and --cpu-profile-stages the last one given wins).

const positive = (name, v) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} takes a positive number, not ${v}`);
  return n;
};
const whole = (name, v) => Math.floor(positive(name, v));
const list = (v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const OPTIONS = {
  only: {
    value: 'A,B',
    help: `sections to run (${sectionNames()}); default all`,
    apply: (o, v) => (o.only = list(v)),
  },
  units: {
    value: 'N',
    help: 'units of the security and engine sections (2000)',
    apply: (o, v, n) => (o.units = whole(n, v)),
  },
  'per-unit-sample': {
    value: 'N',
    help: 'units run one process each in the security section (200)',
    apply: (o, v, n) => (o.perUnitSample = whole(n, v)),
  },
  repeat: {
    value: 'N',
    help: 'measured runs of each whole-process figure (3)',
    apply: (o, v, n) => (o.repeat = whole(n, v)),
  },
  timeout: {
    value: 'S',
    help: 'seconds before a measured process is killed (120)',
    apply: (o, v, n) => (o.timeoutS = positive(n, v)),
  },
  'engine-ms': {
    value: 'MS',
    help: 'minimum measured time of each engine stage (1000)',
    apply: (o, v, n) => (o.engineMs = positive(n, v)),
  },
  'engine-warmup-ms': {
    value: 'MS',
    help: 'warm-up of each engine stage before it is measured (2000)',
    apply: (o, v, n) => (o.engineWarmupMs = positive(n, v)),
  },
  'cpu-profile': {
    help: 'CPU-profile the engine and gate sections even when they meet their goal',
    apply: (o) => (o.cpuProfile = 'always'),
  },
  'no-cpu-profile': {
    help: 'never CPU-profile (default: CPU-profile what misses its goal)',
    apply: (o) => (o.cpuProfile = 'never'),
  },
  'trend-units': {
    value: 'N',
    help: 'units of the trend section (200)',
    apply: (o, v, n) => (o.trendUnits = whole(n, v)),
  },
  'trend-tags': {
    value: 'N',
    help: 'release tags of the trend section (20)',
    apply: (o, v, n) => (o.trendTags = whole(n, v)),
  },
  'gate-changed': {
    value: 'N',
    help: 'units the pull request of the gate section changes (20)',
    apply: (o, v, n) => (o.gateChanged = whole(n, v)),
  },
  'gate-untouched': {
    value: 'N',
    help: 'units of the gate section the pull request leaves alone (100)',
    apply: (o, v, n) => (o.gateUntouched = whole(n, v)),
  },
  'cpu-profile-stages': {
    value: 'A,B',
    help: 'engine stages to CPU-profile (pipeline); implies --cpu-profile',
    apply: (o, v) => {
      o.cpuProfile = 'always';
      o.cpuProfileStages = list(v);
    },
  },
  'cpu-profile-cli': {
    help: 'CPU-profile `unitgate security` on all units (security section)',
    apply: (o) => (o.cpuProfileCli = true),
  },
  corpus: {
    value: 'DIR',
    help: 'the corpus of real units (../shared/corpus)',
    apply: (o, v) => (o.corpus = v),
  },
  'json-out': {
    value: 'FILE',
    help: 'also write the figures as JSON to FILE',
    apply: (o, v) => (o.jsonOut = v),
  },
  'no-gnu-time': {
    help: 'measure peak RSS without /usr/bin/time (node hook, /proc polling)',
    apply: (o) => (o.noGnuTime = true),
  },
  keep: { help: 'keep the scratch files (and CPU profiles) and print where', apply: (o) => (o.keep = true) },
  list: {
    short: 'h',
    help: 'list the sections and options, run nothing (also -h, --help)',
    apply: (o) => (o.list = true),
  },
  help: { help: '', apply: (o) => (o.list = true) },
};

function parseOptions(argv) {
  const o = {
    only: undefined,
    units: 2000,
    perUnitSample: 200,
    repeat: 3,
    timeoutS: 120,
    engineMs: 1000,
    engineWarmupMs: 2000,
    trendUnits: 200,
    trendTags: 20,
    gateChanged: 20,
    gateUntouched: 100,
    cpuProfile: 'auto',
    cpuProfileStages: ['pipeline'],
    cpuProfileCli: false,
    corpus: join(REPO, '..', 'shared', 'corpus'),
    jsonOut: undefined,
    keep: false,
    list: false,
  };
  const config = Object.fromEntries(
    Object.entries(OPTIONS).map(([name, d]) => [
      name,
      { type: d.value ? 'string' : 'boolean', multiple: true, ...(d.short ? { short: d.short } : {}) },
    ]),
  );
  let tokens;
  try {
    ({ tokens } = parseArgs({ args: argv, options: config, strict: true, tokens: true }));
  } catch (e) {
    throw new Error(`${e.message} (see npm run bench -- --list)`, { cause: e });
  }
  for (const t of tokens) if (t.kind === 'option') OPTIONS[t.name].apply(o, t.value, t.name);
  const unknown = (o.only ?? []).filter((n) => !SECTIONS.some((s) => s.name === n));
  if (unknown.length > 0) throw new Error(`unknown section ${unknown.join(', ')} (have: ${sectionNames()})`);
  return o;
}

function printList() {
  console.log('sections (npm run bench -- --only NAME[,NAME]):');
  for (const s of SECTIONS) console.log(`  ${s.name.padEnd(10)} ${s.about}`);
  console.log('options:');
  const shown = Object.entries(OPTIONS).filter(([, d]) => d.help);
  const flag = ([name, d]) => `--${name}${d.value ? ` ${d.value}` : ''}`;
  const width = Math.max(...shown.map((e) => flag(e).length));
  for (const e of shown) console.log(`  ${flag(e).padEnd(width)}  ${e[1].help}`);
}

// ---------------------------------------------------------------------------------------------------
// Main

/** The floors table as JSON (for --json-out): each floor with this run's figures. */
const floorFigures = (report) =>
  FLOORS.map((f) => ({
    ...f,
    figures: report.rows
      .filter((r) => r.floor === f.id)
      .map(({ value, ratio, status, data }) => ({ value, ratio, status, data })),
  }));

async function main() {
  let opts;
  try {
    opts = parseOptions(process.argv.slice(2));
  } catch (e) {
    console.error(`bench: ${e.message}`);
    return;
  }
  if (opts.list) {
    printList();
    return;
  }
  avoidGnuTime(opts.noGnuTime === true);
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
  const unset = unsetForChildren();
  if (unset.length > 0)
    console.log(`note: measured processes run without ${unset.join(' and ')}, which this environment sets`);
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
  report.printFloors(
    FLOORS,
    chosen.map((s) => s.name),
  );
  if (busy()) console.log(`\nnote: ${busy()}`);
  console.log(
    `\nbench finished in ${fmtSec(performance.now() - started)} (a report: exit status is always 0)`,
  );
  if (opts.jsonOut)
    writeFileSync(
      opts.jsonOut,
      JSON.stringify({ machine: info, systemd: sa, results, floors: floorFigures(report) }, null, 2) + '\n',
    );
  if (opts.keep) console.log(`kept scratch files in ${work}`);
  else rmSync(work, { recursive: true, force: true });
}

main()
  .catch((e) => console.error(`bench: ${e.stack ?? e}`))
  .finally(() => {
    process.exitCode = 0; // a report, not a test
  });
