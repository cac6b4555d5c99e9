// Unit specifier expansion (%i, %n, %p, …) for the directives where systemd expands them.
// Ported from unit_full_printf() / specifier_printf() (src/core/unit-printf.c, src/shared/specifier.c).
// Host-dependent specifiers (%H, %m, %b, …) cannot be known offline: they expand to stable placeholders,
// which never changes a score (only "is the user root/nobody/other" and "is a path set" matter).
import { parseUnitName, unescapeUnitNamePart, unescapeUnitNamePath } from './unit-name';

export interface SpecifierContext {
  /** The unit's id, e.g. `foo@bar.service`. */
  unitName: string;
  /** `system` resolves %u/%U/%h/%s for root, as PID 1 does. */
  scope: 'system' | 'user';
  /** Specifiers a newer release added (e.g. v256's `%D`), with the value they expand to. */
  extra?: Readonly<Record<string, string>>;
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

/** Placeholders for what only the analysing host knows. */
const HOST_VALUES: Record<string, string> = {
  H: 'localhost',
  l: 'localhost',
  q: 'localhost',
  m: '00000000000000000000000000000000',
  b: '00000000000000000000000000000000',
  v: 'unknown',
  a: 'x86-64',
  o: 'unknown',
  w: 'unknown',
  W: 'unknown',
  B: 'unknown',
  A: 'unknown',
  M: 'unknown',
  y: '/',
  Y: '/',
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
        const known = SYSTEM_DIRS[s] ?? HOST_VALUES[s] ?? ctx.extra?.[s];
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
