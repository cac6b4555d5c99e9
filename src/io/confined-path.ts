// Paths the user names (policy, reports) must stay inside the directories they are meant for: a path
// with `..` or an absolute one is refused with a ConfigError, never resolved somewhere else.
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { ConfigError } from './config-error';

export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  // `..x` is a name inside the root; only `..` itself or `../…` leaves it.
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** `path` (relative to the first root, or absolute) when it lies inside one of `roots`; a ConfigError otherwise. */
export function confinedPath(roots: readonly string[], path: string, what: string): string {
  const full = resolve(roots[0] as string, path);
  if (!roots.some((r) => isInside(resolve(r), full)))
    throw new ConfigError(
      `${what} "${path}" is outside the workspace${roots.length > 1 ? ' and RUNNER_TEMP' : ''}`,
    );
  return full;
}
