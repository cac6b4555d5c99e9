// The units every section measures: the first N distinct *.service files of the shared corpus that the
// real systemd-analyze scores (re-checked with it when it is on PATH, all at once as they will be
// measured), copied under one scratch root; and the systemd-analyze on this machine (the comparison).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { dataFileVersions } from '../systemd-versions.mjs';
import { REPO, UNIT_DIR } from './paths.mjs';
import { countArrays, timeBatched } from './timing.mjs';

let saInfo;
export function systemdAnalyze() {
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
export function engineVersion() {
  const supported = dataFileVersions();
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

export const SA_FIXED = (root) => ['security', '--offline=true', `--root=${root}`, '--json=short'];

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
export async function makeUnitSet(ctx, count) {
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
