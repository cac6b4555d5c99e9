// Section engine: the scoring engine in process (src/ bundled with esbuild from engine-child.ts): load +
// derive + assess, and each stage alone (parse, load, derive, assess, render) — the cost of scoring
// without node start-up or I/O. When it misses its goal, the measured passes are profiled (V8's CPU
// profiler, as node --cpu-prof) and the hottest functions are printed (--cpu-profile-stages picks others).
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hotFunctions } from './cpu-profile.mjs';
import { floor } from './floors.mjs';
import { REPO, UNIT_DIR } from './paths.mjs';
import { fmtInt, fmtMiB, fmtRate, fmtRatio, log } from './report.mjs';

const ENGINE_CHILD = join(REPO, 'scripts', 'bench', 'engine-child.ts');

async function bundleEngine(work) {
  const outfile = join(work, 'engine-bench.cjs');
  if (existsSync(outfile)) return outfile;
  await build({
    entryPoints: [ENGINE_CHILD],
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

export async function engineSection(ctx) {
  const { opts, work } = ctx;
  const set = await ctx.unitSet(opts.units);
  log('bundling the engine with esbuild…');
  const bundle = await bundleEngine(work);
  const stages = ['pipeline', 'pipeline+render', 'load', 'parse', 'derive', 'assess', 'render'];
  log(`engine in process, ${set.names.length} units, stages ${stages.join(', ')}…`);
  // Warm-up: what a stage measures is the engine once V8 has compiled it, not the compiler. On the
  // 2-core development machine V8's optimizing compiler needs 1–2 s of running the pipeline before pass
  // times settle: after 300 ms of warm-up, the next second of passes still ran 15–55% slower than the
  // passes after a 2 s warm-up (measured in turn, four runs each).
  const warmupMs = opts.engineWarmupMs;
  const r = runEngine(work, bundle, set, stages, { minMs: opts.engineMs, warmupMs });
  const goal = floor('engine').min;
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
        floor: 'engine',
      });
    else ctx.row(label[s], value, { data: x });
  }
  ctx.row('  memoryTree build, once', `${r.treeMs.toFixed(1)} ms`, { data: { treeMs: r.treeMs } });
  ctx.note(
    `${r.units} units (${r.loaded} loaded, ${r.scored} scored, ${r.failures} failed), systemd ${set.version} profile; ` +
      `each stage: warm-up ≥ ${warmupMs} ms, then ≥ ${opts.engineMs} ms of whole passes; child peak RSS ${fmtMiB(r.maxRssKiB)}`,
  );
  const missed = (r.results.pipeline?.unitsPerSecond ?? 0) < goal;
  if (opts.cpuProfile === 'always' || (opts.cpuProfile === 'auto' && missed)) {
    for (const stage of opts.cpuProfileStages) {
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
