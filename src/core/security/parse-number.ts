// The number parsers systemd's value parsers are built on: safe_atoi(), safe_atou_full(), parse_mode()
// and parse_size() of src/basic/parse-util.c, parse_permyriad() of src/basic/percent-util.c (v252–v262),
// over glibc's strtol()/strtoul(). Each answers the value or the error the parser returns (-EINVAL: not a number;
// -ERANGE: a number that does not fit).
import type { Errno } from './conf-parser';

export type Parsed = { value: bigint } | { error: Errno };

/** isspace() in the C locale: what strtol() skips and strspn(s, WHITESPACE) steps over. */
const LEADING_SPACE = /^[ \t\n\v\f\r]*/;

const INT_MIN = -(2n ** 31n);
const INT_MAX = 2n ** 31n - 1n;
const UINT_MAX = 2n ** 32n - 1n;
/** LONG_MAX/ULONG_MAX on the 64-bit machines systemd is built for. */
const LONG_MAX = 2n ** 63n - 1n;
const ULONG_MAX = 2n ** 64n - 1n;

const DIGITS: Record<number, RegExp> = { 2: /^[01]+/, 8: /^[0-7]+/, 10: /^[0-9]+/, 16: /^[0-9A-Fa-f]+/ };

/**
 * strtol()/strtoul() on the whole string: optional sign, then digits of `base` (0: C's `0x` hex and
 * leading-0 octal prefixes). Undefined when nothing was converted or characters follow the number
 * (safe_ato*()'s -EINVAL); the magnitude is unbounded, the callers check the range.
 */
function strtoNumber(s: string, base: number): { negative: boolean; magnitude: bigint } | undefined {
  let rest = s;
  let negative = false;
  if (rest.startsWith('+') || rest.startsWith('-')) {
    negative = rest.startsWith('-');
    rest = rest.slice(1);
  }
  let b = base;
  if (b === 0 || b === 16) {
    if (/^0[xX][0-9A-Fa-f]/.test(rest)) {
      rest = rest.slice(2);
      b = 16;
    } else if (b === 0) b = rest.startsWith('0') ? 8 : 10;
  }
  const m = (DIGITS[b] as RegExp).exec(rest);
  if (!m || m[0].length !== rest.length) return undefined;
  const digits = m[0];
  const prefix = b === 16 ? '0x' : b === 8 ? '0o' : b === 2 ? '0b' : '';
  return { negative, magnitude: BigInt(prefix + digits) };
}

/** mangle_base(): with no explicit base, Python-style `0b`/`0o` prefixes choose binary and octal. */
function mangleBase(s: string): { s: string; base: number } {
  if (/^0[bB]/.test(s)) return { s: s.slice(2), base: 2 };
  if (/^0[oO]/.test(s)) return { s: s.slice(2), base: 8 };
  return { s, base: 0 };
}

/** safe_atoi(): an int, with mangle_base(). */
export function safeAtoi(text: string): Parsed {
  const { s, base } = mangleBase(text.replace(LEADING_SPACE, ''));
  const n = strtoNumber(s, base);
  if (!n) return { error: 'EINVAL' };
  const value = n.negative ? -n.magnitude : n.magnitude;
  // strtol() saturates at LONG_MIN/LONG_MAX with ERANGE; anything beyond an int is -ERANGE too.
  if (n.magnitude > LONG_MAX + 1n || value < INT_MIN || value > INT_MAX) return { error: 'ERANGE' };
  return { value };
}

/**
 * safe_atou_full(): an unsigned, in `base` (0: mangle_base() and C's prefixes); `refusePlusMinus` is
 * SAFE_ATO_REFUSE_PLUS_MINUS. A negative number parses but does not fit (-ERANGE), unless it is 0.
 */
export function safeAtou(text: string, base = 0, refusePlusMinus = false): Parsed {
  let s = text.replace(LEADING_SPACE, '');
  if (refusePlusMinus && (s.startsWith('+') || s.startsWith('-'))) return { error: 'EINVAL' };
  let b = base;
  if (b === 0) ({ s, base: b } = mangleBase(s));
  const n = strtoNumber(s, b);
  if (!n) return { error: 'EINVAL' };
  if (n.magnitude > ULONG_MAX) return { error: 'ERANGE' };
  if (n.negative && n.magnitude !== 0n) return { error: 'ERANGE' };
  if (n.magnitude > UINT_MAX) return { error: 'ERANGE' };
  return { value: n.magnitude };
}

/** safe_atou64(): an unsigned 64-bit number, with mangle_base() and C's prefixes. */
export function safeAtou64(text: string): Parsed {
  const { s, base } = mangleBase(text.replace(LEADING_SPACE, ''));
  const n = strtoNumber(s, base);
  if (!n) return { error: 'EINVAL' };
  if (n.magnitude > ULONG_MAX) return { error: 'ERANGE' };
  if (n.negative && n.magnitude !== 0n) return { error: 'ERANGE' };
  return { value: n.magnitude };
}

/** parse_mode(): octal, no sign, at most 07777. */
export function parseMode(text: string): Parsed {
  const r = safeAtou(text, 8, true);
  if ('value' in r && r.value > 0o7777n) return { error: 'ERANGE' };
  return r;
}

/** Whether a parser answered an error rather than a value. */
export function failed(p: Parsed): p is { error: Errno } {
  return 'error' in p;
}

/**
 * parse_permyriad_unbounded() (src/basic/percent-util.c, v252–v262): `N‱`, `N[.d]‰` or `N[.d[d]]%`,
 * the whole part by safe_atoi(), not negative; the value in permyriad, or the error.
 */
export function parsePermyriadUnbounded(text: string): Parsed {
  const forms: [string, number, bigint][] = [
    ['‱', 0, 1n],
    ['‰', 1, 10n],
    ['%', 2, 100n],
  ];
  for (const [symbol, places, perUnit] of forms) {
    if (!text.endsWith(symbol)) {
      if (symbol === '%') return { error: 'EINVAL' };
      continue;
    }
    const body = text.slice(0, -symbol.length);
    const dot = places > 0 ? body.indexOf('.') : -1;
    const fraction = dot < 0 ? '' : body.slice(dot + 1);
    if (dot >= 0 && (fraction.length === 0 || fraction.length > places || !/^[0-9]+$/.test(fraction)))
      return { error: 'EINVAL' };
    const n = safeAtoi(dot < 0 ? body : body.slice(0, dot));
    if (failed(n)) return n;
    if (n.value < 0n) return { error: 'ERANGE' };
    const q = BigInt(fraction.padEnd(places, '0') || '0');
    if (n.value > (INT_MAX - q) / perUnit) return { error: 'ERANGE' };
    return { value: n.value * perUnit + q };
  }
  return { error: 'EINVAL' };
}

/** parse_permyriad(): parse_permyriad_unbounded() at most 100%. */
export function parsePermyriad(text: string): Parsed {
  const r = parsePermyriadUnbounded(text);
  return !failed(r) && r.value > 10000n ? { error: 'ERANGE' } : r;
}

/** parse_size()'s IEC table (base 1024, src/basic/parse-util.c, v252–v262), largest first. */
const IEC_SUFFIXES: readonly (readonly [string, bigint])[] = [
  ['E', 1024n ** 6n],
  ['P', 1024n ** 5n],
  ['T', 1024n ** 4n],
  ['G', 1024n ** 3n],
  ['M', 1024n ** 2n],
  ['K', 1024n],
  ['B', 1n],
  ['', 1n],
];
/** strspn(p, WHITESPACE): systemd's WHITESPACE is space, tab, newline and carriage return. */
const LEADING_WHITESPACE = /^[ \t\n\r]*/;

/**
 * parse_size(t, 1024) (parse-util.c, v252–v262): one or more `NUMBER[.FRACTION][SUFFIX]` parts, the
 * suffixes in falling order (`1G 512M`), a part without a suffix last. A minus sign is -ERANGE, a sum
 * beyond ULONG_MAX too; anything else unreadable -EINVAL.
 */
export function parseSize(text: string): Parsed {
  let p = text;
  let total = 0n;
  let start = 0;
  do {
    p = p.replace(LEADING_WHITESPACE, '');
    // strtoull(p, &e, 10): more white space, an optional sign, decimal digits.
    const m = /^[ \t\n\v\f\r]*([+-]?)([0-9]+)/.exec(p);
    if (m && BigInt(m[2] as string) > ULONG_MAX) return { error: 'ERANGE' };
    if (!m) return { error: 'EINVAL' };
    if (m[1] === '-') return { error: 'ERANGE' };
    const whole = BigInt(m[2] as string);
    let e = p.slice(m[0].length);
    let fraction = 0;
    if (e.startsWith('.')) {
      e = e.slice(1);
      const digits = /^[0-9]+/.exec(e)?.[0];
      if (digits !== undefined) {
        if (BigInt(digits) > ULONG_MAX) return { error: 'ERANGE' };
        fraction = Number(BigInt(digits));
        for (let i = 0; i < digits.length; i++) fraction /= 10;
        e = e.slice(digits.length);
      }
    }
    e = e.replace(LEADING_WHITESPACE, '');
    let i = start;
    while (i < IEC_SUFFIXES.length && !e.startsWith((IEC_SUFFIXES[i] as readonly [string, bigint])[0])) i++;
    const entry = IEC_SUFFIXES[i];
    if (entry === undefined) return { error: 'EINVAL' };
    const [suffix, factor] = entry;
    if (whole + (fraction > 0 ? 1n : 0n) > ULONG_MAX / factor) return { error: 'ERANGE' };
    const part = whole * factor + BigInt(Math.trunc(fraction * Number(factor)));
    if (part > ULONG_MAX - total) return { error: 'ERANGE' };
    total += part;
    p = e.slice(suffix.length);
    start = i + 1;
  } while (p !== '');
  return { value: total };
}
