// Scratch git repositories for the trend and gate sections: git with a fixed identity and no signing,
// and the two edits that change a unit's exposure (hardened, weakened).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { UNIT_DIR } from './paths.mjs';

const GIT_BENCH_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'bench',
  GIT_AUTHOR_EMAIL: 'bench@example.invalid',
  GIT_COMMITTER_NAME: 'bench',
  GIT_COMMITTER_EMAIL: 'bench@example.invalid',
};

export function benchGit(cwd, args) {
  return execFileSync('git', ['-c', 'commit.gpgsign=false', '-c', 'core.autocrlf=false', ...args], {
    cwd,
    env: GIT_BENCH_ENV,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
}

export const HARDEN = '\n[Service]\nProtectSystem=strict\nPrivateTmp=yes\nNoNewPrivileges=yes\n';
export const WEAKEN = '\n[Service]\nProtectSystem=no\nPrivateNetwork=no\n';

/** A new repository in `dir` (branch main) whose first commit holds the unit set (root-tree layout). */
export function commitUnitSet(dir, set, message) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, UNIT_DIR), { recursive: true });
  for (const n of set.names) copyFileSync(join(set.root, UNIT_DIR, n), join(dir, UNIT_DIR, n));
  benchGit(dir, ['init', '-q', '-b', 'main']);
  benchGit(dir, ['add', '-A']);
  benchGit(dir, ['commit', '-q', '-m', message]);
}
