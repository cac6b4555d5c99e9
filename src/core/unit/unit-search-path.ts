// The unit search path `systemd-analyze security --offline` loads through, from the arguments'
// directories and the SYSTEMD_UNIT_PATH environment variable. Ported from verify_set_unit_path()
// (src/analyze/analyze-verify-util.c) and lookup_paths_init() with get_paths_from_environ()
// (src/basic/path-lookup.c in v252, src/libsystemd/sd-path/path-lookup.c in v257 and v262; the same
// rules in all three).
export interface UnitSearchPathInput {
  /** The directories of the arguments that hold their unit file, in argument order. */
  argumentDirs: readonly string[];
  /** SYSTEMD_UNIT_PATH as the analysing process sees it; `undefined` when it is not set. */
  unitPathVariable: string | undefined;
  /** The release's own search path (VersionTraits.searchPath), highest priority first. */
  defaults: readonly string[];
  /** The working directory, against which relative entries are made absolute. */
  cwd: string;
  /** VersionTraits.unitPathEmptyComponentRefused. */
  emptyComponentRefused: boolean;
}

/**
 * Why systemd-analyze gives up before loading any unit: SYSTEMD_UNIT_PATH has an empty entry (v262),
 * found by verify_set_unit_path() when an argument's directory is put in front of it ("Failed to set
 * unit load path"), else by lookup_paths_init() ("Failed to initialize unit search paths").
 */
export type UnitSearchPathError = 'set-unit-path' | 'init-search-paths';

/**
 * The directories searched, highest priority first. verify_set_unit_path() puts the arguments'
 * directories in front of SYSTEMD_UNIT_PATH, joined by `:`, and sets the variable: when it was unset
 * the result ends in `:`, and when it was set to the empty string nothing follows the directories.
 * lookup_paths_init() then takes the variable's entries (empty ones dropped, relative ones made
 * absolute against the working directory), followed by the defaults only when it ends in `:` (or is
 * unset), and keeps the first of repeated directories (strv_uniq()). With `--root` every entry is
 * looked up inside the root (patch_root_prefix_strv()): as the tree is the root, nothing changes here.
 */
export function unitSearchPath(input: UnitSearchPathInput): string[] | { error: UnitSearchPathError } {
  const { argumentDirs, defaults, cwd } = input;
  let variable = input.unitPathVariable;
  // v262 refuses an empty entry: one trailing `:` ("and the defaults") is the only empty part allowed
  // (observed with 262.1: `::`, `:/a`, `/a::`, `/a::/b:` are refused; `:`, `/a:` and `` are not).
  if (input.emptyComponentRefused && variable !== undefined) {
    const entries = variable.endsWith(':') ? variable.slice(0, -1) : variable;
    if (entries !== '' && entries.split(':').includes(''))
      return { error: argumentDirs.length > 0 ? 'set-unit-path' : 'init-search-paths' };
  }
  if (argumentDirs.length > 0) {
    const joined = [...new Set(argumentDirs)].join(':');
    variable = variable === '' ? joined : `${joined}:${variable ?? ''}`;
  }
  const entries: string[] = [];
  if (variable !== undefined) {
    for (const part of variable.split(':')) {
      if (part !== '') entries.push(makeAbsolute(part, cwd));
    }
  }
  if (variable === undefined || variable.endsWith(':')) entries.push(...defaults);
  return [...new Set(entries)];
}

/**
 * path_make_absolute_cwd() then path_simplify(): joined to the working directory when relative,
 * repeated slashes and `.` components dropped, `..` kept (as systemd keeps it).
 */
function makeAbsolute(path: string, cwd: string): string {
  const absolute = path.startsWith('/') ? path : `${cwd}/${path}`;
  const parts = absolute.split('/').filter((c) => c !== '' && c !== '.');
  return '/' + parts.join('/');
}
