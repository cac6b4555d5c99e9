// Section security: `unitgate security` against `systemd-analyze security --offline=true` on the same
// units, whole processes (node start-up included): all units in one process (JSON and table output),
// one process per unit (a sample, extrapolated), peak RSS; and the least any Node.js program takes
// (node reading the same unit files and writing as many bytes, scoring nothing). What a user running
// either tool waits for; the floors.mjs floors of the JSON and table ratios and of peak RSS.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hotFunctions } from './cpu-profile.mjs';
import { floor } from './floors.mjs';
import { CLI, UNIT_DIR } from './paths.mjs';
import { fmtInt, fmtMiB, fmtRate, fmtRatio, fmtSec, log } from './report.mjs';
import {
  argMax,
  argvBytes,
  batchesFor,
  countArrays,
  peakRssMethod,
  interleavedWithin,
  repeatWithin,
  summarize,
  timeBatched,
  timeProcess,
} from './timing.mjs';
import { SA_FIXED, systemdAnalyze } from './unit-set.mjs';

export async function securitySection(ctx) {
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

  // 1 + 2: all units in one process, systemd-analyze and unitgate in turn (the ratios are the floors).
  const batchRun = (command, fixed, node) => () =>
    timeBatched(command, fixed, set.paths, { work, node, timeoutMs });
  const compared = async (what, saArgs, ugArgs) => {
    if (!sa) {
      log(`unitgate, ${n} units in one process${what} (up to ${opts.repeat} runs)…`);
      return [
        undefined,
        summarize(await repeatWithin(opts.repeat, 15000, batchRun('node', ugArgs, true)), n),
      ];
    }
    log(
      `systemd-analyze and unitgate in turn, ${n} units in one process${what} (up to ${opts.repeat} runs each)…`,
    );
    const [saRuns, ugRuns] = await interleavedWithin(
      opts.repeat,
      30000,
      batchRun('systemd-analyze', saArgs, false),
      batchRun('node', ugArgs, true),
    );
    return [summarize(saRuns, n), summarize(ugRuns, n)];
  };
  const [saAll, ugAll] = await compared('', saFixed, ugFixed);
  // The same without --json=short: the table a person reads (its own floor).
  const [saTable, ugTable] = await compared(
    ', table output',
    saFixed.filter((a) => a !== '--json=short'),
    ugFixed.filter((a) => a !== '--json=short'),
  );

  // The least any Node.js implementation takes: a process that reads the same unit files and writes as
  // many bytes as unitgate printed, scoring nothing (what node start-up, file reads and the output
  // pipe cost alone).
  let nodeAlone;
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
    log(`node alone (read the ${n} units, write the same output, no scoring; up to ${opts.repeat} runs)…`);
    nodeAlone = summarize(
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
  ctx.row(`unitgate, all ${n} units in 1 process, table output`, allLabel(ugTable), { data: ugTable.data });
  if (saTable)
    ctx.row(`systemd-analyze, all ${n} units in 1 process, table output`, allLabel(saTable), {
      data: saTable.data,
    });
  const eachLabel = (r) =>
    `${fmtRate(r.unitsPerSecond)} units/s (${r.done} runs in ${fmtSec(r.wallMs)}; ${n} ≈ ${fmtSec((r.wallMs / r.done) * n)})` +
    (r.failures ? `, ${r.failures} failed` : '') +
    (r.timedOut ? ', stopped at timeout' : '');
  if (nodeAlone?.ok)
    ctx.row(`node alone: read ${n} units + write the output`, allLabel(nodeAlone), { data: nodeAlone.data });
  if (saEach) ctx.row(`systemd-analyze, 1 process per unit`, eachLabel(saEach), { data: saEach });
  ctx.row(`unitgate, 1 process per unit`, eachLabel(ugEach), { data: ugEach });

  const jsonFloor = floor('security-json').min;
  if (saAll?.ok && nodeAlone?.ok)
    ctx.note(
      `the ${jsonFloor}× floor means ${fmtSec(saAll.wallMs / jsonFloor)} for all units; node reading the units and writing the ` +
        `output, with no scoring at all, takes ${fmtSec(nodeAlone.wallMs)} (${fmtRatio(nodeAlone.unitsPerSecond / saAll.unitsPerSecond)} systemd-analyze)`,
    );
  // The floors: unitgate against one systemd-analyze process, JSON and table output.
  const ratioRow = (what, ug, saRun, id) => {
    if (!saRun?.ok || !ug.ok) return;
    const min = floor(id).min;
    const r = ug.unitsPerSecond / saRun.unitsPerSecond;
    ctx.row(
      `unitgate (1 proc) ÷ systemd-analyze (1 proc), ${what}`,
      `${fmtRate(ug.unitsPerSecond)} units/s`,
      {
        goal: `≥ ${min}× (${fmtRate(saRun.unitsPerSecond * min)}/s)`,
        ratio: fmtRatio(r),
        ok: r >= min,
        data: { ratio: r },
        floor: id,
      },
    );
  };
  ratioRow('--json=short', ugAll, saAll, 'security-json');
  ratioRow('table', ugTable, saTable, 'security-table');
  if (saEach && ugAll.ok) {
    const r = ugAll.unitsPerSecond / saEach.unitsPerSecond;
    ctx.row(`unitgate (1 proc) ÷ systemd-analyze (per unit)`, `${fmtRate(ugAll.unitsPerSecond)} units/s`, {
      ratio: fmtRatio(r),
      data: { ratio: r },
    });
  }
  if (!sa) ctx.note('systemd-analyze is not on PATH: no ratios (install systemd to compare).');
  const limitMiB = floor('rss').maxMiB;
  for (const [what, run] of [
    ['', ugAll],
    [', table output', ugTable],
  ]) {
    if (run.peakKiB === undefined) continue;
    const limit = limitMiB * 1024;
    ctx.row(`unitgate peak RSS, all ${n} units${what}`, fmtMiB(run.peakKiB), {
      goal: `< ${limitMiB} MiB`,
      ratio: fmtRatio(run.peakKiB / limit),
      ok: run.ok && run.peakKiB < limit,
      data: { peakKiB: run.peakKiB },
      floor: 'rss',
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
  if (saTable?.ok && ugTable.ok) {
    const overall = (r) =>
      (r.last.stdout.toString('utf8').match(/^→ Overall exposure level for /gm) ?? []).length;
    ctx.note(
      `table output: unitgate ${overall(ugTable)}/${n} units (exit ${ugTable.last.code}), systemd-analyze ` +
        `${overall(saTable)}/${n} (exit ${saTable.last.code}); ` +
        (ugTable.last.stdout.equals(saTable.last.stdout) ? 'byte-identical' : 'OUTPUTS DIFFER'),
    );
  }
  if (ugAll.batches > 1) ctx.note(`unitgate "1 process" figure is ${ugAll.batches} processes (ARG_MAX)`);

  if (opts.cpuProfileCli) {
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
