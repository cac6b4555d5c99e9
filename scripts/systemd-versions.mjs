// The systemd releases unitgate reproduces, as the scripts see them: one generated data file per release
// (src/core/security/data/systemd-<version>.json, written by scripts/generate-systemd-data.mjs), the same
// set src/core/security/versions.ts imports (a jest test keeps the two equal).
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const DATA_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'src',
  'core',
  'security',
  'data',
);

/** The versions with a data file, oldest first. */
export function dataFileVersions(dir = DATA_DIR) {
  return readdirSync(dir)
    .map((name) => /^systemd-(\d+)\.json$/.exec(name)?.[1])
    .filter((v) => v !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}
