#!/usr/bin/env node
// Replays a corpus of real `systemd-analyze security --offline` runs through unitgate, in process and
// through the same code path as the CLI (dist/cli.js's runCli), and reports exact parity per version:
// the JSON array, the table, the exit statuses and the warnings and errors on stderr. Any difference
// in any of them makes this script exit non-zero.
// usage: npm run parity -- <corpus dir> [--version 252] [--show 15] [--cli FILE]
// (--cli: another bundle of src/cli.ts to replay through instead of dist/cli.js, e.g. one made with
// `npx esbuild src/cli.ts --bundle --platform=node --format=cjs --outfile=FILE` while dist/ is stale)
// The corpus dir holds units/ and oracle-<version>.jsonl.gz; each record names the argument vectors
// systemd-analyze ran (with $ROOT for a scratch root) and what it printed.
import { createRequire } from 'node:module';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  cpSync,
  mkdirSync,
  readdirSync,
  lstatSync,
  symlinkSync,
  unlinkSync,
} from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join, dirname, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { dataFileVersions } from './systemd-versions.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

const args = process.argv.slice(2);
const corpus = args.find((a) => !a.startsWith('--'));
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
if (!corpus || !existsSync(join(corpus, 'units'))) {
  console.error('usage: npm run parity -- <corpus dir> [--version N] [--show N]');
  process.exit(2);
}
const { runCli } = require(opt('cli') ? resolve(opt('cli')) : join(here, '..', 'dist', 'cli.js'));
const versions = opt('version') ? [opt('version')] : dataFileVersions().map(String);
const show = Number(opt('show', '15'));
const work = mkdtempSync(join(tmpdir(), 'unitgate-parity-'));
const roots = new Map();

// A checkout without symlink support (git's core.symlinks=false) turns every symlink into a small file
// holding the link target. Unit trees depend on symlinks (aliases, masks), so restore them: a file whose
// whole content is `/dev/null` or a unit file name, without a newline, was a symlink.
const FLATTENED_LINK =
  /^(\/dev\/null|[A-Za-z0-9@._\\:-]+\.(service|socket|target|timer|path|mount|swap|slice|automount))$/;
function restoreSymlinks(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = lstatSync(p);
    if (st.isDirectory()) restoreSymlinks(p);
    else if (st.isFile() && st.size > 0 && st.size < 256) {
      const text = readFileSync(p, 'utf8');
      if (FLATTENED_LINK.test(text)) {
        unlinkSync(p);
        symlinkSync(text, p);
      }
    }
  }
}

function rootFor(r) {
  const probe = r.source === 'probes';
  const src = probe
    ? join(corpus, 'units', 'probes', r.package, 'root')
    : join(corpus, 'units', dirname(r.path));
  if (!roots.has(src)) {
    const root = join(work, String(roots.size));
    if (probe) cpSync(src, root, { recursive: true, verbatimSymlinks: true });
    else {
      const dst = join(root, 'usr/lib/systemd/system');
      mkdirSync(dirname(dst), { recursive: true });
      cpSync(src, dst, { recursive: true, verbatimSymlinks: true });
    }
    restoreSymlinks(root);
    roots.set(src, root);
  }
  return roots.get(src);
}

/**
 * The machine each oracle's recording was made on: systemd-analyze expands the host specifiers (%H,
 * %l, %q, %m, %b, %v, %a, %o, …) from its own machine, so a record's host facts are part of the record
 * and replay hands them to unitgate (never the replaying machine's). Keyed by oracle version; each
 * value says where in the corpus it was read. A fact no record prints cannot be read off the corpus
 * (its %H, %m, %b and %v uses are in Environment=, ExecStart= arguments, LogsDirectory= and
 * Condition*=, which systemd never prints): it gets a fixed stand-in, the same for every version.
 */
const UNPRINTED_FACTS = {
  machineId: '00000000000000000000000000000001',
  bootId: '00000000000000000000000000000002',
  kernelRelease: 'unrecorded',
  architecture: 'x86-64',
  osRelease: { ID: 'debian' },
};
const USBGUARD = 'github/USBGuard__usbguard/usbguard.service';
const RECORDING_HOSTS = {
  // `ReadWritePaths=%localstatedir%/log/usbguard` printed as `vmocalstatedir%/log/usbguard`: %l is `vm`
  // (stderr of USBGUARD, line 1, in each of the three recordings: the chroots share the host's name).
  252: { facts: { ...UNPRINTED_FACTS, hostName: 'vm' }, readFrom: `${USBGUARD}: %l` },
  257: { facts: { ...UNPRINTED_FACTS, hostName: 'vm' }, readFrom: `${USBGUARD}: %l` },
  262: { facts: { ...UNPRINTED_FACTS, hostName: 'vm' }, readFrom: `${USBGUARD}: %l` },
};

function recordingHost(version) {
  const host = RECORDING_HOSTS[version];
  if (!host) {
    console.error(
      `parity: no recording host facts for ${version}: add its entry to RECORDING_HOSTS in scripts/parity.mjs`,
    );
    process.exit(2);
  }
  return host;
}

const baseEnv = { LC_ALL: 'C.UTF-8', SYSTEMD_COLORS: '0', SYSTEMD_PAGER: 'cat' };
let environment = { cwd: '/', env: baseEnv, stdoutIsTTY: false };

/**
 * systemd prints emoji smileys only when $TERM is set (emoji_enabled()). The oracles were recorded in
 * different places (a terminal session for one version, chroots without TERM for others), so replay
 * each with the TERM its recording had, read off the first summary line it contains.
 */
function recordingEnvironment(records, version) {
  const sample = records.find((r) => r.plain_stdout && r.overall_line);
  const last = sample ? sample.plain_stdout.trimEnd().split('\n').at(-1) : '';
  const asciiSmiley = /:-.$/.test(last);
  return {
    cwd: '/',
    env: asciiSmiley ? baseEnv : { ...baseEnv, TERM: 'xterm-256color' },
    stdoutIsTTY: false,
    hostFacts: recordingHost(version).facts,
  };
}

function run(argv, root, version) {
  const a = argv.slice(1).map((x) => x.replaceAll('$ROOT', root));
  return runCli([a[0], `--systemd-version=${version}`, ...a.slice(1)], environment);
}

let failed = false;
const started = process.hrtime.bigint();
let runs = 0;
for (const version of versions) {
  const file = join(corpus, `oracle-${version}.jsonl.gz`);
  if (!existsSync(file)) continue;
  const records = gunzipSync(readFileSync(file))
    .toString('utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  environment = recordingEnvironment(records, version);
  console.log(
    `replaying ${records.length} records of ${file} (TERM ${environment.env.TERM ? 'set' : 'unset'}, ` +
      `host ${environment.hostFacts.hostName} as read from ${recordingHost(version).readFrom})`,
  );
  let exact = 0;
  const diffs = [];
  // stderr (warnings and errors) of the JSON run, counted apart: the recordings name the scratch
  // root $ROOT.
  let stderrExact = 0;
  let stderrTruncated = 0;
  const stderrDiffs = [];
  for (const r of records) {
    const root = rootFor(r);
    const problems = [];
    const j = run(r.command, root, version);
    runs++;
    if (j.exitCode !== r.exit_code) problems.push(`json run exit ${j.exitCode} != ${r.exit_code}`);
    if (r.checks) {
      let got;
      try {
        got = j.stdout.trim() ? JSON.parse(j.stdout) : null;
      } catch {
        got = 'unparseable';
      }
      if (JSON.stringify(got) !== JSON.stringify(r.checks)) {
        if (Array.isArray(got)) {
          const have = new Map(got.map((c) => [c.json_field, c]));
          const bad = r.checks.filter((c) => JSON.stringify(c) !== JSON.stringify(have.get(c.json_field)));
          const sameOrder = got.map((c) => c.json_field).join() === r.checks.map((c) => c.json_field).join();
          problems.push(
            `json rows ${bad
              .slice(0, 3)
              .map(
                (c) =>
                  `${c.json_field}: want ${JSON.stringify([c.set, c.exposure, c.description])} got ${JSON.stringify([have.get(c.json_field)?.set, have.get(c.json_field)?.exposure, have.get(c.json_field)?.description])}`,
              )
              .join('; ')}${sameOrder ? '' : ' (order differs)'}`,
          );
        } else problems.push(`json: got ${String(got).slice(0, 80)}`);
      }
    }
    if (typeof r.stderr === 'string') {
      const got = j.stderr.replaceAll(root, '$ROOT');
      // A few recordings cut stderr short (it then ends without a newline): their part must match.
      const truncated = r.stderr !== '' && !r.stderr.endsWith('\n');
      if (truncated) stderrTruncated++;
      if (got === r.stderr || (truncated && got.startsWith(r.stderr))) stderrExact++;
      else {
        const a = got.split('\n');
        const b = r.stderr.split('\n');
        let i = 0;
        while (i < a.length && i < b.length && a[i] === b[i]) i++;
        stderrDiffs.push(
          `  ${r.path}: stderr line ${i + 1}: got ${JSON.stringify((a[i] ?? '<end>').slice(0, 110))} want ${JSON.stringify((b[i] ?? '<end>').slice(0, 110))}`,
        );
      }
    }
    const p = run(r.command_plain, root, version);
    runs++;
    const wantPlainExit = r.exit_code_plain ?? r.exit_code;
    if (p.exitCode !== wantPlainExit) problems.push(`plain run exit ${p.exitCode} != ${wantPlainExit}`);
    if (r.plain_stdout != null && p.stdout !== r.plain_stdout) {
      const a = p.stdout.split('\n');
      const b = r.plain_stdout.split('\n');
      let i = 0;
      while (i < a.length && i < b.length && a[i] === b[i]) i++;
      problems.push(
        `table line ${i + 1}: got ${JSON.stringify((a[i] ?? '<end>').slice(0, 90))} want ${JSON.stringify((b[i] ?? '<end>').slice(0, 90))}`,
      );
    }
    if (problems.length === 0) exact++;
    else
      diffs.push(
        `  ${r.path}: ${problems.join('; ')}${j.stderr ? ` [stderr: ${j.stderr.trim().split('\n')[0].slice(0, 100)}]` : ''}`,
      );
  }
  for (const line of diffs.slice(0, show)) console.log(line);
  console.log(`parity ${version}: ${exact}/${records.length} exact`);
  for (const line of stderrDiffs.slice(0, show)) console.log(line);
  console.log(
    `parity ${version} stderr: ${stderrExact}/${records.length} exact` +
      (stderrTruncated ? ` (${stderrTruncated} recorded cut short: their recorded part)` : ''),
  );
  if (exact !== records.length || stderrExact !== records.length) failed = true;
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
console.log(`replayed ${runs} invocations in ${seconds.toFixed(1)} s`);
rmSync(work, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
