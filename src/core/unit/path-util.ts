// Path checks the unit-file parsers apply: simplification, "normalized", validity, prefix tests.
// Ported from src/basic/path-util.c (path_simplify_full(), path_is_normalized(), path_is_valid_full(),
// path_startswith_full(), filename_is_valid()) and src/shared/parse-helpers.c
// (path_simplify_and_warn()), v252–v256; lengths are counted in UTF-8 bytes like systemd does.
import { utf8Length, utf8LongerThan } from './utf8';
import { codeAt } from './code-at';

/** NAME_MAX and PATH_MAX of Linux. */
const NAME_MAX = 255;
const PATH_MAX = 4096;

/** The components of a path, as path_find_first_component() yields them (`.` and empty ones skipped). */
function components(p: string): string[] {
  return p.split('/').filter((c) => c !== '' && c !== '.');
}

/**
 * path_simplify(): collapses `//`, drops `.` components and trailing slashes, keeps `..`
 * (`///foo//./bar/.` → `/foo/bar`, `.//./foo` → `foo`, `./` → `.`). A component longer than
 * NAME_MAX stops the simplification there, as in systemd.
 */
export function simplifyPath(p: string): string {
  if (p === '' || isSimplePath(p)) return p;
  const absolute = p.startsWith('/');
  const out: string[] = [];
  const parts = p.split('/');
  for (let i = 0; i < parts.length; i++) {
    const c = parts[i] as string;
    if (c === '' || c === '.') continue;
    if (utf8LongerThan(c, NAME_MAX)) {
      // The invalid remainder is kept verbatim from this component on.
      const rest = parts.slice(i).join('/');
      return (absolute ? '/' : '') + [...out, rest].join('/');
    }
    out.push(c);
  }
  if (out.length === 0) return absolute ? '/' : '.';
  return (absolute ? '/' : '') + out.join('/');
}

/**
 * Whether path_simplify() leaves `p` as it is: no empty or `.` component, no trailing slash, and too
 * short for a component over NAME_MAX. Nearly every path in a unit file is; one scan answers it.
 */
function isSimplePath(p: string): boolean {
  const n = p.length;
  if (n * 3 > NAME_MAX) return false;
  // `.` alone and `/` alone are already simple; otherwise neither may end in `/`.
  if (n === 1) return true;
  if (codeAt(p, n - 1) === 0x2f /* / */) return false;
  for (let i = 0, start = 0; i <= n; i++) {
    if (i < n && codeAt(p, i) !== 0x2f) continue;
    const length = i - start;
    // An empty component (`//`, or a leading `/` is fine) or a `.` one.
    if (length === 0 && i > 0) return false;
    if (length === 1 && codeAt(p, start) === 0x2e /* . */) return false;
    start = i + 1;
  }
  return true;
}

/** path_is_valid_full(): non-empty, every component ≤ NAME_MAX, shorter than PATH_MAX; `..` optional. */
export function isValidPath(p: string, acceptDotDot = true): boolean {
  if (p === '') return false;
  // No component of a path this short can pass NAME_MAX bytes.
  if (acceptDotDot && p.length * 3 <= NAME_MAX) return true;
  if (utf8LongerThan(p, PATH_MAX - 1)) return false;
  // Each component p[start, i) between slashes (empty ones and `.` cannot be too long or `..`).
  const n = p.length;
  for (let start = 0, i = 0; i <= n; i++) {
    if (i < n && codeAt(p, i) !== 0x2f /* / */) continue;
    if (i - start > NAME_MAX / 3 && utf8Length(p, start, i) > NAME_MAX) return false;
    if (!acceptDotDot && i - start === 2 && p.startsWith('..', start)) return false;
    start = i + 1;
  }
  return true;
}

/** path_is_normalized(): valid, no `..` component, no `.` component, no `//`. */
export function isNormalizedPath(p: string): boolean {
  if (!isValidPath(p, false)) return false;
  if (p === '.' || p.startsWith('./') || p.endsWith('/.') || p.includes('/./')) return false;
  if (p.includes('//')) return false;
  return true;
}

/** filename_is_valid(): one non-empty component, not `.`/`..`, no `/`, ≤ NAME_MAX. */
export function isValidFilename(p: string): boolean {
  if (p === '' || p === '.' || p === '..') return false;
  if (p.includes('/')) return false;
  return !utf8LongerThan(p, NAME_MAX);
}

/**
 * path_startswith(): the remainder of `path` after `prefix`, compared component-wise (so `/dev`
 * starts with `/dev/` and the remainder is `''`), or undefined when it does not start with it.
 */
export function pathStartsWith(path: string, prefix: string): string | undefined {
  if (path.startsWith('/') !== prefix.startsWith('/')) return undefined;
  // Two simplified paths (most are) compare as strings: the prefix, then the end or a slash.
  if (
    path !== '' &&
    prefix !== '' &&
    path !== '.' &&
    prefix !== '.' &&
    isSimplePath(path) &&
    isSimplePath(prefix)
  ) {
    if (prefix === '/') return path.slice(1);
    if (!path.startsWith(prefix)) return undefined;
    if (path.length === prefix.length) return '';
    return path.charCodeAt(prefix.length) === 0x2f /* / */ ? path.slice(prefix.length + 1) : undefined;
  }
  const a = components(path);
  const b = components(prefix);
  if (b.length > a.length) return undefined;
  for (let i = 0; i < b.length; i++) if (a[i] !== b[i]) return undefined;
  return a.slice(b.length).join('/');
}

/** path_equal(): the same components (`/a//b/` equals `/a/b`). */
export function pathEqual(a: string, b: string): boolean {
  return pathStartsWith(a, b) === '' && pathStartsWith(b, a) === '';
}

export type PathCheck = 'absolute' | 'relative' | 'any';

/**
 * path_simplify_and_warn(): the simplified path, or why systemd refuses it (the message it logs,
 * without the ", ignoring" that non-fatal callers add).
 */
export function simplifyAndCheckPath(
  path: string,
  key: string,
  check: PathCheck,
): { ok: true; path: string } | { ok: false; message: string } {
  if (path.includes('\uFFFD')) return { ok: false, message: `${key}= path is not valid UTF-8: ${path}` };
  if (check === 'absolute' && !path.startsWith('/'))
    return { ok: false, message: `${key}= path is not absolute: ${path}` };
  if (check === 'relative' && path.startsWith('/'))
    return { ok: false, message: `${key}= path is absolute: ${path}` };
  const simplified = simplifyPath(path);
  if (!isValidPath(simplified))
    return {
      ok: false,
      // The one message without the path, so it ends in a full stop (", ignoring." when not fatal).
      message: `${key}= path has invalid length (${utf8Length(simplified)} bytes).`,
    };
  if (!isNormalizedPath(simplified))
    return { ok: false, message: `${key}= path is not normalized: ${simplified}` };
  return { ok: true, path: simplified };
}
