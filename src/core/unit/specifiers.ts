// Unit specifier expansion (%i, %n, %p, …) for the directives where systemd expands them.
// Ported from unit_full_printf() / specifier_printf() (src/core/unit-printf.c, src/shared/specifier.c).
// Host-dependent specifiers (%H, %m, %b, %o, …) expand from the facts of the machine systemd-analyze
// runs on, which the shell reads and hands in (HostFacts); %y/%Y from the unit file's path as systemd
// names it. Without them (the gate, suggestions, the trend) they expand to stable placeholders: a score
// never depends on them (only "is the user root/nobody/other" and "is a path set" matter), and a pull
// request's verdict must not depend on the name or machine id of whichever runner judged it.
import { parseUnitName, unescapeUnitNamePart, unescapeUnitNamePath } from './unit-name';

export interface SpecifierContext {
  /** The unit's id, e.g. `foo@bar.service`. */
  unitName: string;
  /** `system` resolves %u/%U/%h/%s for root, as PID 1 does. */
  scope: 'system' | 'user';
  /** Specifiers a newer release added (e.g. v256's `%D`), with the value they expand to. */
  extra?: Readonly<Record<string, string>>;
  /** The analysing machine's facts; placeholders (PLACEHOLDER_HOST_FACTS) when not given. */
  host?: HostFacts;
  /**
   * For %y and %Y: the unit file's real path on the analysing machine (specifier_real_path() and
   * specifier_real_directory() of src/shared/specifier.c chase the symlinks of u->fragment_path, with
   * the `--root` prefix, on the host), or `undefined` when it cannot be resolved. Asked only when a
   * value uses them; `/` for both when not given.
   */
  unitFilePath?: () => string | undefined;
}

/**
 * What systemd-analyze reads from the machine it runs on when it expands specifiers. The manager calls
 * specifier_printf() with no root (unit_full_printf_full(), src/core/unit-printf.c, v252–v262), so even
 * with `--root` these come from the analysing machine's own `/`, never from the root (checked with 252,
 * 257 and 262: a root's /etc/machine-id, /etc/os-release and /etc/machine-info are not read).
 * A fact that cannot be read is `undefined`: systemd then fails to resolve the specifier.
 */
export interface HostFacts {
  /** %H: gethostname_malloc() (src/basic/hostname-util.c): the kernel's host name. */
  hostName: string | undefined;
  /** %q: PRETTY_HOSTNAME= of /etc/machine-info (get_pretty_hostname()); else the short host name. */
  prettyHostName?: string | undefined;
  /** %m: /etc/machine-id (sd_id128_get_machine()), 32 lower-case hex digits. */
  machineId: string | undefined;
  /** %b: the kernel's boot id (sd_id128_get_boot()), 32 lower-case hex digits. */
  bootId: string | undefined;
  /** %v: uname's release (specifier_kernel_release()). */
  kernelRelease: string | undefined;
  /** %a: uname_architecture()'s name (`x86-64`, `arm64`, …). */
  architecture: string | undefined;
  /**
   * %o %w %W %B %M %A: ID=, VERSION_ID=, VARIANT_ID=, BUILD_ID=, IMAGE_ID=, IMAGE_VERSION= of
   * os-release (parse_os_release()); a missing field expands to nothing. `undefined`: no os-release.
   */
  osRelease: Readonly<Record<string, string>> | undefined;
}

/**
 * The stable stand-ins for the analysing host (the gate and everything else that judges units rather
 * than imitating one machine's systemd-analyze).
 */
export const PLACEHOLDER_HOST_FACTS: HostFacts = {
  hostName: 'localhost',
  machineId: '00000000000000000000000000000000',
  bootId: '00000000000000000000000000000000',
  kernelRelease: 'unknown',
  architecture: 'x86-64',
  osRelease: {
    ID: 'unknown',
    VERSION_ID: 'unknown',
    VARIANT_ID: 'unknown',
    BUILD_ID: 'unknown',
    IMAGE_ID: 'unknown',
    IMAGE_VERSION: 'unknown',
  },
};

/** The os-release field each specifier reads (specifier_os_*(), src/shared/specifier.c). */
const OS_RELEASE_FIELDS: Readonly<Record<string, string>> = {
  o: 'ID',
  w: 'VERSION_ID',
  W: 'VARIANT_ID',
  B: 'BUILD_ID',
  M: 'IMAGE_ID',
  A: 'IMAGE_VERSION',
};

/**
 * A host specifier's value: a string (empty ones expand to nothing, as specifier_printf() skips an
 * empty lookup), `undefined` when the letter is not a host specifier, `null` when the fact cannot be
 * read (the lookup fails).
 */
function hostValue(s: string, ctx: SpecifierContext): string | null | undefined {
  const host = ctx.host ?? PLACEHOLDER_HOST_FACTS;
  switch (s) {
    case 'H':
      return host.hostName ?? null;
    case 'l':
      // gethostname_short_malloc(): the host name up to its first dot.
      return host.hostName === undefined ? null : shortHostName(host.hostName);
    case 'q':
      // specifier_pretty_hostname() (unit-printf.c): the pretty name, else the short host name.
      if (host.prettyHostName) return host.prettyHostName;
      return host.hostName === undefined ? null : shortHostName(host.hostName);
    case 'm':
      return host.machineId ?? null;
    case 'b':
      return host.bootId ?? null;
    case 'v':
      return host.kernelRelease ?? null;
    case 'a':
      return host.architecture ?? null;
    case 'y':
    case 'Y': {
      if (!ctx.unitFilePath) return '/';
      const path = ctx.unitFilePath();
      if (path === undefined) return null;
      return s === 'y' ? path : parentDirectory(path);
    }
  }
  const field = OS_RELEASE_FIELDS[s];
  if (field === undefined) return undefined;
  return host.osRelease === undefined ? null : (host.osRelease[field] ?? '');
}

function shortHostName(name: string): string {
  const dot = name.indexOf('.');
  return dot < 0 ? name : name.slice(0, dot);
}

/** path_extract_directory() of an absolute path: `/a/b` → `/a`, `/a` → `/`. */
function parentDirectory(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? '/' : path.slice(0, slash);
}

export type SpecifierResult =
  | {
      ok: true;
      value: string;
      /** The deprecated specifiers the value used (`%c`, `%r`, `%R`), in order, once per use. */
      deprecated?: string[];
    }
  | { ok: false; specifier: string };

const SYSTEM_DIRS: Record<string, string> = {
  t: '/run',
  S: '/var/lib',
  C: '/var/cache',
  L: '/var/log',
  E: '/etc',
  T: '/tmp',
  V: '/var/tmp',
  h: '/root',
  s: '/bin/sh',
  u: 'root',
  U: '0',
  g: 'root',
  G: '0',
};

/** POSSIBLE_SPECIFIERS in src/shared/specifier.c: an unknown one of these is an error. */
const POSSIBLE_SPECIFIERS = /^[0-9A-Za-z%]$/;

/**
 * specifier_printf() (src/shared/specifier.c, v252–v262): `%%` is `%`; a known specifier expands;
 * an unknown letter or digit is an error (-EBADSLT); any other character after `%` — and a `%` at the
 * very end — is kept literally (`foo%` stays `foo%`, `%/` stays `%/`).
 */
export function expandSpecifiers(value: string, ctx: SpecifierContext): SpecifierResult {
  let next = value.indexOf('%');
  if (next < 0) return { ok: true, value };
  // The unit name's parts, worked out at the first specifier that needs them.
  let name: UnitNameParts | undefined;
  let deprecated: string[] | undefined;
  let out = '';
  let from = 0;
  for (; next >= 0; next = value.indexOf('%', from)) {
    // The text up to the `%` is copied as it is, in one piece.
    out += value.slice(from, next);
    const s = value[next + 1];
    from = next + 2;
    switch (s) {
      case '%':
        out += '%';
        break;
      case 'n':
        out += ctx.unitName;
        break;
      case 'N':
        out += ctx.unitName.slice(0, ctx.unitName.lastIndexOf('.'));
        break;
      case 'p':
        out += (name ??= unitNameParts(ctx.unitName)).prefix;
        break;
      case 'P':
        out += unescapeUnitNamePart((name ??= unitNameParts(ctx.unitName)).prefix);
        break;
      case 'i':
        out += (name ??= unitNameParts(ctx.unitName)).instance;
        break;
      case 'I':
        out += unescapeUnitNamePart((name ??= unitNameParts(ctx.unitName)).instance);
        break;
      case 'j':
        out += (name ??= unitNameParts(ctx.unitName)).lastComponent;
        break;
      case 'J':
        out += unescapeUnitNamePart((name ??= unitNameParts(ctx.unitName)).lastComponent);
        break;
      case 'f': {
        const { prefix, instance } = (name ??= unitNameParts(ctx.unitName));
        out += unescapeUnitNamePath(instance !== '' ? instance : prefix);
        break;
      }
      case 'd':
        // specifier_credentials_dir(): the runtime directory's credentials/ plus the unit id.
        out += `/run/credentials/${ctx.unitName}`;
        break;
      // The deprecated cgroup specifiers (unit-printf.c, v252–v262): each use logs "Specifier '%r' used
      // in unit configuration, which is deprecated." (bad_specifier()); offline, the manager has no
      // cgroup root and the unit no slice, so `%r` and `%R` are empty and `%c` is the unit's default
      // cgroup path (checked with v252, v257, v262).
      case 'c':
        // unit_default_cgroup_path(): the (empty) cgroup root, no slice, the escaped unit id.
        (deprecated ??= []).push('%c');
        out += `/${cgEscape(ctx.unitName)}`;
        break;
      case 'r':
      case 'R':
        (deprecated ??= []).push(`%${s}`);
        break;
      default: {
        if (s === undefined) {
          // "If string ended with a stray %, also end with %".
          out += '%';
          break;
        }
        const host = hostValue(s, ctx);
        if (host === null) return { ok: false, specifier: `%${s}` };
        const known = SYSTEM_DIRS[s] ?? host ?? ctx.extra?.[s];
        if (known !== undefined) out += known;
        else if (POSSIBLE_SPECIFIERS.test(s)) return { ok: false, specifier: `%${s}` };
        else out += `%${s}`;
      }
    }
  }
  if (from < value.length) out += value.slice(from);
  return deprecated ? { ok: true, value: out, deprecated } : { ok: true, value: out };
}

/** cg_escape() (src/basic/cgroup-util.c) for a unit id: `_` in front of a name starting with `_` or `.`. */
function cgEscape(id: string): string {
  return id.startsWith('_') || id.startsWith('.') ? `_${id}` : id;
}

interface UnitNameParts {
  prefix: string;
  instance: string;
  /** The prefix after its last `-` (%j). */
  lastComponent: string;
}

/** The parts of the unit name the specifiers use (a name that does not parse is its own prefix). */
function unitNameParts(unitName: string): UnitNameParts {
  const parts = parseUnitName(unitName);
  const prefix = parts?.prefix ?? unitName;
  const dash = prefix.lastIndexOf('-');
  return {
    prefix,
    instance: parts?.instance ?? '',
    lastComponent: dash >= 0 ? prefix.slice(dash + 1) : prefix,
  };
}
