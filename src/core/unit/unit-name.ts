// Unit names: validation, type, template/instance and prefix handling, escaping.
// Ported from systemd's src/basic/unit-name.c (unit_name_is_valid, unit_name_to_prefix, …), v252–v262.
import { isNormalizedPath, pathEqual, simplifyPath } from './path-util';
import { utf8LongerThan } from './utf8';
import { codeAt } from './code-at';

export const UNIT_TYPES = [
  'service',
  'mount',
  'swap',
  'socket',
  'target',
  'device',
  'automount',
  'timer',
  'path',
  'slice',
  'scope',
] as const;
export type UnitType = (typeof UNIT_TYPES)[number];

const UNIT_TYPE_SET: ReadonlySet<string> = new Set(UNIT_TYPES);

/** UNIT_NAME_MAX in systemd. */
const UNIT_NAME_MAX = 256;

export interface UnitNameParts {
  /** Everything before `@` (or before the type suffix). */
  prefix: string;
  /** `undefined` for a plain unit, `''` for a template, the instance otherwise. */
  instance: string | undefined;
  type: UnitType;
}

function isValidNameChar(c: number): boolean {
  // VALID_CHARS "0-9a-zA-Z:-_.\\" in unit-name.c
  return (
    (c >= 0x30 && c <= 0x39) ||
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x61 && c <= 0x7a) ||
    c === 0x3a ||
    c === 0x2d ||
    c === 0x5f ||
    c === 0x2e ||
    c === 0x5c
  );
}

function isValidInstanceChar(c: number): boolean {
  return isValidNameChar(c) || c === 0x40; // instances may also contain '@'
}

/** Splits a unit name into prefix, instance and type, or returns undefined when it is not valid. */
export function parseUnitName(name: string): UnitNameParts | undefined {
  if (name.length === 0 || name.length >= UNIT_NAME_MAX) return undefined;
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const type = name.slice(dot + 1) as UnitType;
  if (!UNIT_TYPE_SET.has(type)) return undefined;
  const at = name.indexOf('@');
  if (at === 0) return undefined;
  if (at < 0) {
    for (let i = 0; i < dot; i++) if (!isValidNameChar(codeAt(name, i))) return undefined;
    return { prefix: name.slice(0, dot), instance: undefined, type };
  }
  if (at > dot) return undefined;
  for (let i = 0; i < at; i++) if (!isValidNameChar(codeAt(name, i))) return undefined;
  for (let i = at + 1; i < dot; i++) if (!isValidInstanceChar(codeAt(name, i))) return undefined;
  return { prefix: name.slice(0, at), instance: name.slice(at + 1, dot), type };
}

/**
 * Why systemd refuses `name` as a unit name (unit_name_is_valid(), src/basic/unit-name.c, v252), in
 * words for a report; `undefined` when the name is valid. The checks follow parseUnitName()'s order.
 */
export function unitNameProblem(name: string): string | undefined {
  if (parseUnitName(name)) return undefined;
  if (name.length === 0) return 'the name is empty';
  if (name.length >= UNIT_NAME_MAX) return `the name is longer than ${UNIT_NAME_MAX - 1} characters`;
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return 'the name has nothing before its type suffix';
  if (!UNIT_TYPE_SET.has(name.slice(dot + 1))) return `".${name.slice(dot + 1)}" is not a unit type`;
  const at = name.indexOf('@');
  if (at === 0) return 'a template or instance name needs a prefix before "@"';
  if (at > dot) return '"@" comes after the type suffix';
  const end = at < 0 ? dot : at;
  for (let i = 0; i < end; i++) {
    if (!isValidNameChar(codeAt(name, i)))
      return `${JSON.stringify(name[i])} is not allowed in a unit name, only letters, digits and ":-_.\\"`;
  }
  for (let i = at + 1; i < dot; i++) {
    if (!isValidInstanceChar(codeAt(name, i)))
      return `${JSON.stringify(name[i])} is not allowed in an instance name`;
  }
  return 'systemd does not accept this name';
}

export function isValidUnitName(name: string): boolean {
  return parseUnitName(name) !== undefined;
}

export function isTemplateName(name: string): boolean {
  return parseUnitName(name)?.instance === '';
}

export function isInstanceName(name: string): boolean {
  const instance = parseUnitName(name)?.instance;
  return instance !== undefined && instance !== '';
}

/** `foo@bar.service` → `foo@.service`; other names unchanged. */
export function templateOf(name: string): string {
  const parts = parseUnitName(name);
  if (!parts || parts.instance === undefined) return name;
  return `${parts.prefix}@.${parts.type}`;
}

/** `foo@.service` + `bar` → `foo@bar.service`. */
export function replaceInstance(name: string, instance: string): string {
  const parts = parseUnitName(name);
  if (!parts || parts.instance === undefined) return name;
  return `${parts.prefix}@${instance}.${parts.type}`;
}

export function buildUnitName(prefix: string, instance: string | undefined, type: UnitType): string {
  return instance === undefined ? `${prefix}.${type}` : `${prefix}@${instance}.${type}`;
}

/** Reverses systemd's `\xNN` escaping and turns `-` into `/` (unit_name_unescape()). */
export function unescapeUnitNamePart(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '-') out += '/';
    else if (c === '\\' && s[i + 1] === 'x' && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 2, i + 4))) {
      out += String.fromCharCode(parseInt(s.slice(i + 2, i + 4), 16));
      i += 3;
    } else out += c;
  }
  return out;
}

/** unit_name_path_unescape(): `foo-bar` → `/foo/bar`, `-` → `/`. */
export function unescapeUnitNamePath(s: string): string {
  if (s === '-' || s === '') return '/';
  const u = unescapeUnitNamePart(s);
  return u.startsWith('/') ? u : `/${u}`;
}

const HASH_CHARS = 16;

/** unit_name_is_hashed(): a plain name whose prefix ends in `_` and 16 lowercase hex digits. */
export function isHashedUnitName(name: string): boolean {
  const parts = parseUnitName(name);
  if (!parts || parts.instance !== undefined) return false;
  return /_[0-9a-f]{16}$/.test(parts.prefix) && parts.prefix.length > HASH_CHARS;
}

/**
 * unit_name_escape() (do_escape(), src/basic/unit-name.c): `/` → `-`; `-`, `\\`, a leading `.` and
 * every byte outside `[0-9A-Za-z:_.]` → `\xNN` (per UTF-8 byte).
 */
export function escapeUnitNamePart(s: string): string {
  let out = '';
  const bytes = new TextEncoder().encode(s);
  bytes.forEach((b, i) => {
    const c = String.fromCharCode(b);
    const plain = b < 0x80 && b !== 0x2d && b !== 0x5c && isValidNameChar(b) && !(i === 0 && c === '.');
    if (c === '/') out += '-';
    else if (plain) out += c;
    else out += `\\x${b.toString(16).padStart(2, '0')}`;
  });
  return out;
}

/**
 * unit_name_from_path(): the unit name a path maps to (`/home/a-b` + `mount` → `home-a\\x2db.mount`,
 * `/` → `-.mount`). `undefined` when systemd refuses the path (not normalized, e.g. with `..`) or the
 * name is not valid; `'hashed'` when the name is too long and systemd would hash it.
 */
export function unitNameFromPath(path: string, type: UnitType): string | 'hashed' | undefined {
  const p = simplifyPath(path);
  let escaped: string;
  if (p === '' || pathEqual(p, '/')) escaped = '-';
  else {
    if (!isNormalizedPath(p)) return undefined;
    escaped = escapeUnitNamePart(p.replace(/\/+$/, '').replace(/^\/+/, ''));
  }
  const name = `${escaped}.${type}`;
  if (utf8LongerThan(name, UNIT_NAME_MAX - 1)) return 'hashed';
  const parts = parseUnitName(name);
  return parts && parts.instance === undefined ? name : undefined;
}

/**
 * unit_name_to_path(): the path a unit name stands for (`home-a\\x2db.mount` → `/home/a-b`), or
 * `undefined` when the prefix does not unescape to a normalized absolute path (or the name is hashed).
 */
export function unitNameToPath(name: string): string | undefined {
  const parts = parseUnitName(name);
  if (!parts || isHashedUnitName(name)) return undefined;
  const f = parts.prefix;
  if (f === '') return undefined;
  if (f === '-') return '/';
  let w = '';
  for (let i = 0; i < f.length; i++) {
    const c = f[i] as string;
    if (c === '-') w += '/';
    else if (c === '\\') {
      if (f[i + 1] !== 'x' || !/^[0-9a-fA-F]{2}$/.test(f.slice(i + 2, i + 4))) return undefined;
      w += String.fromCharCode(parseInt(f.slice(i + 2, i + 4), 16));
      i += 3;
    } else w += c;
  }
  if (w.startsWith('/') || w.endsWith('/')) return undefined;
  const s = `/${w}`;
  return isNormalizedPath(s) ? s : undefined;
}

/**
 * The names whose `NAME.d/` drop-in directories systemd consults for a unit, in its visiting order
 * (unit_file_find_dirs(), src/shared/unit-file.c): the name itself, its template when it is an
 * instance (recursively), then its dash prefixes (`a-b-c.service` → `a-b-.service`, `a-.service`),
 * each of those recursing the same way. The per-type name (`service`) is added by the caller.
 */
export function dropInNames(name: string): string[] {
  const out: string[] = [];
  addDropInNames(name, parseUnitName(name), out);
  return out;
}

/**
 * dropInNames() of `name` whose parts (from parseUnitName()) are `parts`, appended to `out`. The
 * names derived from a valid name are valid too and their parts are known, so none is parsed again.
 */
export function addDropInNames(name: string, parts: UnitNameParts | undefined, out: string[]): void {
  out.push(name);
  if (!parts) return;
  const { type } = parts;
  const instance = parts.instance !== undefined && parts.instance !== '' ? parts.instance : undefined;
  if (instance !== undefined) {
    addDropInNames(`${parts.prefix}@.${type}`, { prefix: parts.prefix, instance: '', type }, out);
  }
  let prefix = parts.prefix;
  let chopped = false;
  for (;;) {
    const dash = prefix.lastIndexOf('-');
    if (dash <= 0) return; // no dash, or only a leading one: done
    if (dash + 1 < prefix.length || chopped) {
      prefix = prefix.slice(0, dash + 1);
      break;
    }
    // Trailing dash: chop it off and try again, but only once.
    prefix = prefix.slice(0, dash);
    chopped = true;
  }
  addDropInNames(buildUnitName(prefix, instance, type), { prefix, instance, type }, out);
}

/** Strict user-name rules (valid_user_group_name() without VALID_USER_RELAX). */
export function isStrictUserName(u: string): boolean {
  if (u.length === 0 || u.length > 31) return false;
  if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(u)) return false;
  return true;
}

const UID_INVALID = 4294967295;

/** parse_uid(): a decimal UID that is not (uid_t)-1 or the 16-bit -1. */
export function parseUid(s: string): number | undefined {
  if (!/^(0|[1-9][0-9]*)$/.test(s) || s.length > 10) return undefined;
  const n = Number(s);
  if (n >= UID_INVALID || n === 65535) return undefined;
  return n;
}

/**
 * Relaxed user/group name check used for User=, Group=, SupplementaryGroups=
 * (valid_user_group_name() with VALID_USER_RELAX|VALID_USER_ALLOW_NUMERIC, src/basic/user-util.c).
 */
export function isValidRelaxedUserName(u: string): boolean {
  if (u.length === 0) return false;
  if (parseUid(u) !== undefined) return true;
  if (u.startsWith(' ') || u.endsWith(' ')) return false;
  if (/^[0-9]+$/.test(u)) return false;
  // A leading '-' followed only by digits — including nothing at all: `-` is refused too.
  if (/^-[0-9]*$/.test(u)) return false;
  if (u === '.' || u === '..') return false;
  if (u.indexOf('\uFFFD') >= 0) return false;
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(u)) return false;
  if (u.indexOf(':') >= 0 || u.indexOf('/') >= 0) return false;
  return true;
}
