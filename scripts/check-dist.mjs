#!/usr/bin/env node
// Fails when the committed dist/ is not what `npm run bundle` produces from the current sources:
// bundles into a temporary directory and compares byte for byte (and the executable bit of the CLI).
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundle, ENTRIES, ROOT } from './bundle.mjs';

const distDir = path.join(ROOT, 'dist');

/** First line number (1-based) where two texts differ, for a readable message. */
function firstDifferingLine(a, b) {
  const left = a.split('\n');
  const right = b.split('\n');
  const length = Math.max(left.length, right.length);
  for (let i = 0; i < length; i++) if (left[i] !== right[i]) return i + 1;
  return undefined;
}

async function main() {
  const tempDir = await mkdtemp(path.join(os.tmpdir(), 'unitgate-check-dist-'));
  try {
    const { written } = await bundle({ outDir: tempDir, log: () => {} });
    const committed = existsSync(distDir) ? (await readdir(distDir)).sort() : [];
    const problems = [];

    for (const name of written) {
      const fresh = await readFile(path.join(tempDir, name), 'utf8');
      const committedPath = path.join(distDir, name);
      if (!existsSync(committedPath)) {
        problems.push(`dist/${name}: missing`);
        continue;
      }
      const current = await readFile(committedPath, 'utf8');
      if (current !== fresh) {
        problems.push(
          `dist/${name}: stale (differs from a fresh bundle from line ${firstDifferingLine(current, fresh)})`,
        );
      }
      const entry = ENTRIES.find((e) => e.output === name);
      if (entry?.executable && ((await stat(committedPath)).mode & 0o111) === 0) {
        problems.push(`dist/${name}: not executable`);
      }
    }
    for (const name of committed) {
      if (!written.includes(name)) problems.push(`dist/${name}: not produced by the bundle (delete it)`);
    }

    if (problems.length > 0) {
      console.error('check-dist: dist/ does not match the sources:');
      for (const problem of problems) console.error(`  - ${problem}`);
      console.error('Run `npm run bundle` and commit dist/.');
      process.exit(1);
    }
    console.log(
      `check-dist: dist/ is up to date (${written.length ? written.join(', ') : 'no entry points yet'})`,
    );
  } finally {
    await rm(tempDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(2);
});
