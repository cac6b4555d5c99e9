// Writes the action's files (report, SARIF, badge, publish bundle) where the workflow asked, but only
// inside the workspace or RUNNER_TEMP, and never through a symlink: the checkout is the pull
// request's, and a `unitgate.sarif -> ~/.bashrc` link in it must not make us write outside.
import {
  closeSync,
  constants,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  realpathSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { confinedPath, isInside } from '../io/confined-path';
import { ConfigError, type OutputFile } from './settings';

/** The default reports folder inside the workspace, when the runner has no RUNNER_TEMP. */
export const LOCAL_REPORTS_DIR = '.unitgate';

/** The directories files may go to: the workspace, and RUNNER_TEMP when the runner has one. */
export function outputRoots(workspace: string, runnerTemp: string | undefined): string[] {
  return runnerTemp && existsSync(runnerTemp) ? [workspace, runnerTemp] : [workspace];
}

/** Writes `text` to `path`, confined as confinedPath() says and never through a symlink. */
export function writeConfined(roots: readonly string[], path: string, what: string, text: string): string {
  const full = confinedPath(roots, path, what);
  const realRoots = roots.map((r) => realpathSync(r));
  const outside = (dir: string): boolean => !realRoots.some((r) => isInside(r, realpathSync(dir)));
  // The nearest existing directory first, so that mkdir cannot create directories outside either.
  let existing = dirname(full);
  while (!existsSync(existing)) existing = dirname(existing);
  const where = roots.length > 1 ? 'the workspace and RUNNER_TEMP' : 'the workspace';
  if (outside(existing)) throw new ConfigError(`${what} "${path}" leads outside ${where} through a symlink`);
  let dir: string;
  try {
    mkdirSync(dirname(full), { recursive: true });
    dir = realpathSync(dirname(full));
  } catch (e) {
    throw new ConfigError(
      `cannot write ${what} "${path}": ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
    );
  }
  if (outside(dir)) throw new ConfigError(`${what} "${path}" leads outside ${where} through a symlink`);
  let fd: number;
  try {
    fd = openSync(
      join(dir, basename(full)),
      constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW,
      0o644,
    );
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP')
      throw new ConfigError(`${what} "${path}" is a symlink; refusing to write through it`);
    throw new ConfigError(`cannot write ${what} "${path}": ${code ?? String(e)}`);
  }
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  return full;
}

/**
 * Where a report goes: the path the workflow gave, else its name in `$RUNNER_TEMP/unitgate/`, else in
 * the workspace's `.unitgate/`, a folder that ignores itself (`git add -A` must not pick reports up in a
 * local run). The folder's `.gitignore` is written only when it is missing, and confined like any file.
 */
export function outputPath(
  roots: readonly string[],
  workspace: string,
  runnerTemp: string | undefined,
  file: OutputFile,
): string {
  if ('path' in file) return file.path;
  if (runnerTemp !== undefined && roots.includes(runnerTemp))
    return join(runnerTemp, 'unitgate', file.defaultName);
  const ignore = join(LOCAL_REPORTS_DIR, '.gitignore');
  let missing = false;
  try {
    lstatSync(join(workspace, ignore));
  } catch (e) {
    missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
  }
  if (missing)
    writeConfined(roots, ignore, 'reports folder', '# unitgate reports of local runs: never committed\n*\n');
  return join(LOCAL_REPORTS_DIR, file.defaultName);
}
