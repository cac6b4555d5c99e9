#!/usr/bin/env node
// Differential campaigns against the real systemd-analyze of each release (`npm run fuzz`): generated
// cases (__tests__/differential/generator.ts) run by the release's live oracle (scripts/systemd-oracle.sh)
// and by unitgate in process; every disagreement in stdout, stderr or exit code is counted by class.
// Prints the counts per release and class; with --keep, writes one counterexample per class to
// __tests__/differential/counterexamples/ (the jest suite replays every file there on every run).
//
// usage: npm run fuzz -- [--versions 252,257,262] [--cases 10000] [--seed 1] [--kind by-path]
//                        [--keep] [--json-out FILE]
import { build } from 'esbuild';
import { format, resolveConfig } from 'prettier';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const KEEP_DIR = path.join(ROOT, '__tests__', 'differential', 'counterexamples');

const USAGE = `usage: npm run fuzz -- [--versions 252,257,262] [--cases 10000] [--seed 1] [--kind KIND]
                       [--keep] [--json-out FILE]
  --versions V,V  releases to run (default: every release scripts/systemd-oracle.sh lists)
  --cases N       generated cases per release (10000)
  --seed S        the generator's seed (1); the same seed makes the same cases
  --kind KIND     only cases of one generator kind (__tests__/differential/kinds/)
  --keep          write one counterexample per disagreement class to __tests__/differential/counterexamples/
  --json-out FILE also write the counts per release and class as JSON`;

/** A usage mistake: the message and the usage, exit status 2, no stack trace. */
function usageError(message) {
  process.stderr.write(`fuzz: ${message}\n${USAGE}\n`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      versions: { type: 'string' },
      cases: { type: 'string', default: '10000' },
      seed: { type: 'string', default: '1' },
      kind: { type: 'string' },
      keep: { type: 'boolean', default: false },
      'json-out': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }));
} catch (e) {
  usageError(e.message);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const versions = (
  values.versions ??
  execFileSync('bash', [path.join(ROOT, 'scripts', 'systemd-oracle.sh'), 'versions'], { encoding: 'utf8' })
)
  .split(/[,\s]+/)
  .filter(Boolean)
  .map(Number);
const cases = Number(values.cases);
const seed = Number(values.seed);
if (!Number.isInteger(cases) || cases < 1) usageError(`--cases must be a positive integer: ${values.cases}`);
if (!Number.isInteger(seed)) usageError(`--seed must be an integer: ${values.seed}`);
if (versions.some((v) => !Number.isInteger(v)))
  usageError(`--versions must list release numbers: ${values.versions}`);

// The campaign is TypeScript beside the tests: bundle it with src/ into a scratch file and load that.
const scratch = mkdtempSync(path.join(tmpdir(), 'unitgate-fuzz-'));
const bundlePath = path.join(scratch, 'campaign.cjs');
await build({
  entryPoints: [path.join(ROOT, '__tests__', 'differential', 'campaign.ts')],
  outfile: bundlePath,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  logLevel: 'warning',
  // The bundle lives in a scratch directory: keep __dirname pointing at the sources it came from.
  define: { __dirname: JSON.stringify(path.join(ROOT, '__tests__', 'differential')) },
});
const { runCampaign } = createRequire(import.meta.url)(bundlePath);
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

const results = [];
for (const version of versions) {
  const started = Date.now();
  let result;
  try {
    result = runCampaign({
      version,
      cases,
      seed,
      kind: values.kind,
      progress: (done, bad) => {
        if (done % 500 === 0)
          process.stderr.write(`systemd ${version}: ${done}/${cases}, ${bad} disagreements\n`);
      },
    });
  } catch (e) {
    // A missing oracle or a broken chroot is the machine's state, not a bug: say what to run.
    process.stderr.write(`fuzz: systemd ${version}: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  const classes = Object.entries(result.classes).sort((a, b) => b[1].count - a[1].count);
  console.log(
    `\n## systemd ${version} (${result.describe}): ${result.cases} cases, ${result.cases - result.agreed} disagreements, ${classes.length} classes, ${seconds} s (seed ${seed}${values.kind ? `, kind ${values.kind}` : ''})`,
  );
  for (const [key, c] of classes) console.log(`${String(c.count).padStart(6)}  ${key}`);
  if (values.keep) {
    mkdirSync(KEEP_DIR, { recursive: true });
    for (const [key, c] of classes) {
      // Formatted as the repository's prettier formats JSON, so a kept file passes `npm run lint`.
      const raw = JSON.stringify({ versions: [version], class: key, case: c.example });
      const probe = path.join(KEEP_DIR, 'counterexample.json');
      const text = await format(raw, { ...(await resolveConfig(probe)), filepath: probe });
      const name = `${version}-${createHash('sha256').update(text).digest('hex').slice(0, 12)}.json`;
      if (!existsSync(path.join(KEEP_DIR, name))) writeFileSync(path.join(KEEP_DIR, name), text);
    }
  }
  results.push({
    version,
    describe: result.describe,
    cases: result.cases,
    agreed: result.agreed,
    classes: Object.fromEntries(classes.map(([k, c]) => [k, { count: c.count, report: c.report }])),
  });
}
if (values['json-out']) writeFileSync(values['json-out'], JSON.stringify({ seed, cases, results }, null, 1));
