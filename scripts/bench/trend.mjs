// Section trend: `unitgate trend --format json` over scratch git repositories of --trend-units units
// and --trend-tags release tags (annotated and lightweight), each changing a few units; then the same
// with units added and removed. Whole processes, git reads included: what a workflow step waits for.
// The head points are checked against `unitgate security --root=REPO` on the same files.
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { floor } from './floors.mjs';
import { HARDEN, WEAKEN, benchGit, commitUnitSet } from './git-repo.mjs';
import { CLI, REPO, UNIT_DIR } from './paths.mjs';
import { fmtMiB, fmtRatio, fmtSec, log } from './report.mjs';
import { median, repeatWithin, timeBatched, timeProcess } from './timing.mjs';

/**
 * A git repository whose first commit holds the unit set (root-tree layout) and which then gets `tags`
 * releases: each changes 3 units (hardened on even tags, weakened on odd ones); with `churn`, every 4th
 * also adds a unit and every 5th removes one. Tags alternate lightweight and annotated.
 */
function makeTrendRepo(work, set, tags, churn) {
  const dir = join(work, `trend-repo-${set.names.length}x${tags}${churn ? '-churn' : ''}`);
  commitUnitSet(dir, set, 'units');
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

export async function trendSection(ctx) {
  const { opts, work } = ctx;
  if (!existsSync(CLI)) {
    ctx.note(`${relative(REPO, CLI)} is missing: run \`npm run bundle\` first`);
    return;
  }
  const set = await ctx.unitSet(opts.trendUnits);
  const tags = opts.trendTags;
  const args = [CLI, 'trend', '--limit', String(tags), '--format', 'json'];
  const timeoutMs = opts.timeoutS * 1000;
  const goalMs = floor('trend').maxMs;
  const goal = `< ${goalMs / 1000} s`;
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
        goal,
        ok: false,
        floor: 'trend',
      });
      ctx.note(last.stderr.slice(0, 2000));
      continue;
    }
    const wallMs = median(good.map((r) => r.wallMs));
    ctx.row(metric, `${fmtSec(wallMs)}${good.length > 1 ? ` (median of ${good.length})` : ''}`, {
      goal,
      ratio: fmtRatio(wallMs / goalMs),
      ok: wallMs < goalMs,
      data: { wallMs, runs: good.length, coldMs: cold.wallMs, churn },
      floor: 'trend',
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
