// Where the bench finds the repository and what it measures (the bundled CLI and action), and the
// directory the unit sets use: one place, so that every section runs the same files.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = join(REPO, 'dist', 'cli.js');
export const ACTION = join(REPO, 'dist', 'index.js');
export const UNIT_DIR = '/usr/lib/systemd/system';
