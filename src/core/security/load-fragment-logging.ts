// The parsers of the exit-status, logging, terminal and timing directives that change no score but
// whose rejections systemd logs (config_parse_*() of src/core/load-fragment.c and src/shared/conf-parser.c).
// Every message here was read off systemd-analyze 252, 257 and 262; the generic parsers word their
// failures per release through rejectValue(), the load-fragment.c ones keep their own words.
import { EXTRACT_CUNESCAPE, EXTRACT_UNQUOTE, WordReader, cunescape } from '../unit/extract-word';
import { simplifyAndCheckPath } from '../unit/path-util';
import { expand, ignoredPath, rejectValue, unlocatedWarn, warn, type Handler } from './conf-parser';
import { ERRNO_NAMES } from './errno-names';
import { safeAtoi, safeAtou } from './parse-number';
import { parseNsec } from './time-spec';
import { handleUnsigned, signalError } from './load-fragment-values';

/** The text of an unknown specifier's error (-EBADSLT), as %m prints it. */
const INVALID_SLOT = 'Invalid slot';

/**
 * exit_status_mappings (src/basic/exit-status.c, v252): the names exit_status_from_string() takes (later
 * releases add VersionTraits extraExitStatusNames).
 */
const EXIT_STATUS_NAMES = new Set(
  (
    'SUCCESS FAILURE INVALIDARGUMENT NOTIMPLEMENTED NOPERMISSION NOTINSTALLED NOTCONFIGURED NOTRUNNING ' +
    'USAGE DATAERR NOINPUT NOUSER NOHOST UNAVAILABLE SOFTWARE OSERR OSFILE CANTCREAT IOERR TEMPFAIL ' +
    'PROTOCOL NOPERM CONFIG CHDIR NICE FDS EXEC MEMORY LIMITS OOM_ADJUST SIGNAL_MASK STDIN STDOUT CHROOT ' +
    'IOPRIO TIMERSLACK SECUREBITS SETSCHEDULER CPUAFFINITY GROUP USER CAPABILITIES CGROUP SETSID CONFIRM ' +
    'STDERR PAM NETWORK NAMESPACE NO_NEW_PRIVILEGES SECCOMP SELINUX_CONTEXT PERSONALITY APPARMOR ' +
    'ADDRESS_FAMILIES RUNTIME_DIRECTORY CHOWN SMACK_PROCESS_LABEL KEYRING STATE_DIRECTORY CACHE_DIRECTORY ' +
    'LOGS_DIRECTORY CONFIGURATION_DIRECTORY NUMA_POLICY CREDENTIALS BPF EXCEPTION'
  ).split(' '),
);

/**
 * config_parse_set_status() (load-fragment.c, v252–v262) for SuccessExitStatus=, RestartPreventExitStatus=
 * and RestartForceExitStatus=: an empty value resets; otherwise each word (extract_first_word() without
 * flags: quotes stay, a backslash escapes the next character) is an exit status (a name of the table, or
 * safe_atou8(): 0…255) or else a signal (signal_from_string()). Same words in every release.
 */
export const handleExitStatusSet: Handler = (ctx, a) => {
  if (a.value === '') return 'ok';
  const extra = ctx.traits.extraExitStatusNames;
  const reader = new WordReader(a.value);
  for (;;) {
    const kind = reader.read(0);
    if (kind === 'end') return 'ok';
    if (kind === 'error') return warn(ctx, a, `Invalid syntax, ignoring: ${a.value}`);
    const word = reader.word;
    if (EXIT_STATUS_NAMES.has(word) || extra.includes(word)) continue;
    const n = safeAtou(word);
    if ('value' in n && n.value <= 255n) continue;
    if (signalError(word) === undefined) continue;
    warn(ctx, a, `Failed to parse value, ignoring: ${word}`);
  }
};

/** The syslog facility names of log_facility_unshifted_table (src/basic/syslog-util.c, v252–v262). */
const FACILITIES = [
  'kern',
  'user',
  'mail',
  'daemon',
  'auth',
  'syslog',
  'lpr',
  'news',
  'uucp',
  'cron',
  'authpriv',
  'ftp',
  ...[0, 1, 2, 3, 4, 5, 6, 7].map((n) => `local${n}`),
];
const LEVELS = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'];

/** A DEFINE_STRING_TABLE_LOOKUP_WITH_FALLBACK() lookup: a name, or safe_atou() up to `max`. */
function nameOrNumber(names: readonly string[], max: bigint, s: string): boolean {
  if (names.includes(s)) return true;
  const r = safeAtou(s);
  return 'value' in r && r.value <= max;
}

/**
 * config_parse_log_facility() (conf-parser.c): log_facility_unshifted_from_string(), a name or a number up
 * to LOG_FAC(~0) = 127; an empty value is refused. Any failure is -EINVAL.
 */
export const handleSyslogFacility: Handler = (ctx, a) =>
  nameOrNumber(FACILITIES, 127n, a.value)
    ? 'ok'
    : rejectValue(ctx, a, { ownWords: 'Failed to parse log facility' });

/**
 * config_parse_log_level() (conf-parser.c) for SyslogLevel= and LogLevelMax=: log_level_from_string(), a
 * name or a number up to LOG_DEBUG (7); an empty value is refused. Any failure is -EINVAL.
 */
export const handleLogLevel: Handler = (ctx, a) =>
  nameOrNumber(LEVELS, 7n, a.value) ? 'ok' : rejectValue(ctx, a, { ownWords: 'Failed to parse log level' });

/** config_parse_unit_string_printf() (SyslogIdentifier=): only an unknown specifier is logged. */
export const handleSyslogIdentifier: Handler = (ctx, a) => {
  const r = expand(ctx, a.value);
  return r.ok
    ? 'ok'
    : warn(ctx, a, `Failed to resolve unit specifiers in '${a.value}', ignoring: ${INVALID_SLOT}`);
};

/**
 * journal_field_valid() without protected fields (src/libsystemd/sd-journal/journal-file.c): 1…64
 * characters of A-Z, 0-9 and `_`, not starting with a digit or `_`.
 */
function isJournalFieldName(name: string): boolean {
  return /^[A-Z][A-Z0-9_]{0,63}$/.test(name);
}

/**
 * config_parse_log_extra_fields() (load-fragment.c, v252–v262): an empty value resets; words are taken
 * with EXTRACT_CUNESCAPE|EXTRACT_UNQUOTE (a bad one ends the line), each through unit_full_printf(), and
 * must be FIELD=VALUE with a valid journal field name. Same words in every release.
 */
export const handleLogExtraFields: Handler = (ctx, a) => {
  if (a.value === '') return 'ok';
  const reader = new WordReader(a.value);
  for (;;) {
    const kind = reader.read(EXTRACT_CUNESCAPE | EXTRACT_UNQUOTE);
    if (kind === 'end') return 'ok';
    if (kind === 'error') return warn(ctx, a, `Invalid syntax, ignoring: ${a.value}`);
    const word = reader.word;
    const r = expand(ctx, word);
    if (!r.ok) {
      warn(ctx, a, `Failed to resolve unit specifiers in ${word}, ignoring: ${INVALID_SLOT}`);
      continue;
    }
    const eq = r.value.indexOf('=');
    if (eq < 0) warn(ctx, a, `Log field lacks '=' character, ignoring: ${r.value}`);
    else if (!isJournalFieldName(r.value.slice(0, eq)))
      warn(ctx, a, `Log field name is invalid, ignoring: ${r.value}`);
  }
};

/**
 * log_namespace_name_valid() (v252–v262): a file name that is a
 * valid unit instance and a safe string (so `[A-Za-z0-9:_.@-]`), neither `.` nor `..`, at most 222 bytes
 * (NAME_MAX less a machine ID and a dot).
 */
function isLogNamespace(s: string): boolean {
  return /^[A-Za-z0-9:_.@-]{1,222}$/.test(s) && s !== '.' && s !== '..';
}

/**
 * config_parse_log_namespace() (load-fragment.c, v252–v262): an empty value resets; unit_full_printf(),
 * then the name is checked. Same words in every release.
 */
export const handleLogNamespace: Handler = (ctx, a) => {
  if (a.value === '') return 'ok';
  const r = expand(ctx, a.value);
  if (!r.ok)
    return warn(ctx, a, `Failed to resolve unit specifiers in ${a.value}, ignoring: ${INVALID_SLOT}`);
  return isLogNamespace(r.value)
    ? 'ok'
    : warn(ctx, a, `Specified log namespace name is not valid, ignoring: ${r.value}`);
};

const QUANTIFIER_ERROR = 'quantifier does not follow a repeatable item';
const POSIX_CLASSES = new Set(
  'alpha lower upper alnum ascii blank cntrl digit graph print punct space word xdigit'.split(' '),
);

/**
 * The compile error PCRE2 (10.42–10.45, as the 257 and 262 oracles link it) reports for the common
 * mistakes in a pattern: unbalanced parentheses, an unterminated class, an unknown POSIX class, a
 * quantifier with nothing to repeat, `{n,m}` out of order, a trailing backslash, a bare `\k`, a
 * back reference past the last group, an unterminated group name. Undefined when the pattern is fine or uses a construct this
 * reading does not follow (`(*…)`, `\Q…\E`, properties…): nothing is reported then.
 */
export function pcre2Error(p: string): string | undefined {
  /** start: nothing to repeat; atom: repeatable; quantified: `?`/`+` may follow; done: nothing may. */
  let state: 'start' | 'atom' | 'quantified' | 'done' | 'unknown' = 'start';
  let depth = 0;
  let groups = 0;
  let maxReference = 0;
  let i = 0;
  // A quantifier where one may stand: 'ok', else the error (undefined: not known).
  const quantifier = (): string | undefined | 'ok' => {
    if (state === 'unknown') return undefined;
    return state === 'atom' ? 'ok' : QUANTIFIER_ERROR;
  };
  while (i < p.length) {
    const c = p[i] as string;
    if (c === '\\') {
      const n = p[i + 1];
      if (n === undefined) return '\\ at end of pattern';
      if (n === 'k') {
        if (!['{', '<', "'"].includes(p[i + 2] ?? ''))
          return '\\k is not followed by a braced, angle-bracketed, or quoted name';
        return undefined;
      }
      if (n >= '1' && n <= '9') {
        if (/[0-9]/.test(p[i + 2] ?? '')) return undefined;
        maxReference = Math.max(maxReference, Number(n));
        state = 'atom';
      } else if ('bBAzZG'.includes(n)) state = 'unknown';
      else if ('dDwWsShHvVRnrtfeaxX0'.includes(n) || !/[A-Za-z0-9]/.test(n)) state = 'atom';
      else return undefined;
      i += 2;
      continue;
    }
    if (c === '[') {
      let j = i + 1;
      if (p[j] === '^') j++;
      if (p[j] === ']') j++;
      for (; j < p.length && p[j] !== ']'; j++) {
        if (p[j] === '\\') {
          j++;
          continue;
        }
        if (p[j] !== '[') continue;
        const next = p[j + 1];
        if (next === '.' || next === '=') return undefined;
        if (next !== ':') continue;
        const m = /^\[:(\^?)([A-Za-z]*):\]/.exec(p.slice(j));
        if (!m) continue;
        if (!POSIX_CLASSES.has(m[2] as string)) return 'unknown POSIX class name';
        j += m[0].length - 1;
      }
      if (j >= p.length) return 'missing terminating ] for character class';
      i = j + 1;
      state = 'atom';
      continue;
    }
    if (c === '(') {
      const next = p[i + 1];
      if (next === '*') return undefined;
      if (next === '?') {
        const rest = p.slice(i + 2);
        if (rest === '') return 'missing closing parenthesis';
        if (/^<[0-9]/.test(rest)) return 'subpattern name must start with a non-digit';
        const named = /^<[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
        if (named) {
          if (rest[named[0].length] !== '>') return 'syntax error in subpattern name (missing terminator?)';
          groups++;
          i += 3 + named[0].length;
        } else {
          const m = /^(?:[:=!>|]|<[=!])/.exec(rest);
          if (!m) return undefined;
          i += 2 + m[0].length;
        }
      } else {
        groups++;
        i++;
      }
      depth++;
      state = 'start';
      continue;
    }
    if (c === ')') {
      if (depth === 0) return 'unmatched closing parenthesis';
      depth--;
      i++;
      state = 'atom';
      continue;
    }
    if (c === '|') {
      state = 'start';
      i++;
      continue;
    }
    if (c === '^' || c === '$') {
      state = 'start';
      i++;
      continue;
    }
    if (c === '*' || c === '+' || c === '?') {
      // `?` and `+` after a quantifier make it lazy or possessive.
      if (state === 'quantified' && c !== '*') state = 'done';
      else {
        const q = quantifier();
        if (q !== 'ok') return q;
        state = 'quantified';
      }
      i++;
      continue;
    }
    if (c === '{') {
      const m = /^\{(\d+)(?:,(\d*))?\}/.exec(p.slice(i));
      if (m) {
        const q = quantifier();
        if (q !== 'ok') return q;
        const min = Number(m[1]);
        const max = m[2] === undefined || m[2] === '' ? undefined : Number(m[2]);
        if (min > 65535 || (max !== undefined && max > 65535)) return 'number too big in {} quantifier';
        if (max !== undefined && min > max) return 'numbers out of order in {} quantifier';
        state = 'quantified';
        i += m[0].length;
        continue;
      }
      // `{,n}` is a quantifier from PCRE2 10.43 only; other braces are literal.
      if (p[i + 1] === ',') return undefined;
    }
    state = 'atom';
    i++;
  }
  if (depth > 0) return 'missing closing parenthesis';
  if (maxReference > groups) return 'reference to non-existent subpattern';
  return undefined;
}

/**
 * config_parse_log_filter_patterns() (load-fragment.c, v253–v262): an empty value resets; a leading `~`
 * makes a deny pattern, which must not be empty then; the pattern (no specifiers) is compiled by
 * pattern_compile_and_log(), which logs a bad one with log_error(), without file and line.
 */
export const handleLogFilterPatterns: Handler = (ctx, a) => {
  if (a.value === '') return 'ok';
  const pattern = a.value.startsWith('~') ? a.value.slice(1) : a.value;
  if (pattern === '') return warn(ctx, a, `Regex pattern invalid, ignoring: ${a.key}=${a.value}`);
  const error = pcre2Error(pattern);
  return error === undefined ? 'ok' : unlocatedWarn(ctx, a, `Bad pattern "${pattern}": ${error}`);
};

/**
 * config_parse_syscall_errno() (load-fragment.c, v252–v262): empty and `kill` are taken; else
 * parse_errno(): an errno name (any case) or safe_atoi() within 0…4095, where 0 is refused on its own.
 * Same words in every release (`log` is no action here on 257 or 262 either).
 */
export const handleSystemCallErrorNumber: Handler = (ctx, a) => {
  if (a.value === '' || a.value === 'kill' || ERRNO_NAMES.has(a.value.toUpperCase())) return 'ok';
  const r = safeAtoi(a.value);
  if ('value' in r && r.value === 0n) return warn(ctx, a, `Invalid error number, ignoring: ${a.value}`);
  if ('value' in r && r.value > 0n && r.value < 4096n) return 'ok';
  return warn(ctx, a, `Failed to parse error number, ignoring: ${a.value}`);
};

/** config_parse_exec_utmp_mode() (DEFINE_CONFIG_PARSE_ENUM(), load-fragment.c): init, login or user. */
export const handleUtmpMode: Handler = (ctx, a) =>
  ['init', 'login', 'user'].includes(a.value)
    ? 'ok'
    : rejectValue(ctx, a, { ownWords: 'Failed to parse utmp mode', enumParser: true });

/** config_parse_nsec() (conf-parser.c) for TimerSlackNSec=: parse_nsec(), an empty value refused. */
export const handleTimerSlackNSec: Handler = (ctx, a) => {
  const r = parseNsec(a.value);
  return r === 'ok' ? 'ok' : rejectValue(ctx, a, { ownWords: 'Failed to parse nsec value', errno: r });
};

/**
 * config_parse_unit_path_printf() without `fatal` (TTYPath=): an empty value unsets; specifiers, then
 * path_simplify_and_warn() with PATH_CHECK_ABSOLUTE, a bad path ignored.
 */
export const handleTtyPath: Handler = (ctx, a) => {
  if (a.value === '') return 'ok';
  const r = expand(ctx, a.value);
  if (!r.ok)
    return warn(ctx, a, `Failed to resolve unit specifiers in '${a.value}', ignoring: ${INVALID_SLOT}`);
  const checked = simplifyAndCheckPath(r.value, a.key, 'absolute');
  return checked.ok ? 'ok' : warn(ctx, a, ignoredPath(checked.message));
};

/** config_parse_tty_size() (TTYRows=, TTYColumns=): empty unsets, else config_parse_unsigned(). */
export const handleTtySize: Handler = (ctx, a) => (a.value === '' ? 'ok' : handleUnsigned(ctx, a));

/**
 * config_parse_exec_input_text() (load-fragment.c, v252–v262): an empty value resets; cunescape() (a NUL
 * escape refused), then unit_full_printf() of the unescaped text. Same words in every release.
 */
export const handleStandardInputText: Handler = (ctx, a) => {
  if (a.value === '') return 'ok';
  const text = cunescape(a.value);
  if (text === undefined)
    return warn(ctx, a, `Failed to decode C escaped text '${a.value}', ignoring: Invalid argument`);
  const r = expand(ctx, text);
  return r.ok
    ? 'ok'
    : warn(ctx, a, `Failed to resolve unit specifiers in '${text}', ignoring: ${INVALID_SLOT}`);
};

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * unbase64mem() (src/basic/hexdecoct.c): whitespace anywhere is skipped; groups of four characters, `=`
 * padding only as the last one or two of the last group, with the padded group's unused bits zero and
 * nothing after it. `urlSafe`: `-` and `_` are letters too (after v252).
 */
export function isBase64(text: string, urlSafe: boolean): boolean {
  const chars = [...text].filter((c) => !' \t\n\r'.includes(c));
  const value = (c: string | undefined): number | undefined => {
    if (c === undefined) return undefined;
    if (c === '=') return 64;
    const v = BASE64.indexOf(c);
    if (v >= 0) return v;
    if (urlSafe && c === '-') return 62;
    if (urlSafe && c === '_') return 63;
    return undefined;
  };
  for (let i = 0; i < chars.length; i += 4) {
    const [a, b, c, d] = [0, 1, 2, 3].map((k) => value(chars[i + k]));
    if (a === undefined || b === undefined || c === undefined || d === undefined) return false;
    if (a === 64 || b === 64) return false;
    const last = i + 4 >= chars.length;
    if (c === 64) return d === 64 && (b & 15) === 0 && last;
    if (d === 64) return (c & 3) === 0 && last;
  }
  return true;
}

/**
 * config_parse_exec_input_data() (load-fragment.c, v252–v262): an empty value resets; the raw value (no
 * specifiers) must be base64. Same words in every release.
 */
export const handleStandardInputData: Handler = (ctx, a) =>
  a.value === '' || isBase64(a.value, ctx.traits.base64UrlAlphabet)
    ? 'ok'
    : warn(ctx, a, `Failed to decode base64 data, ignoring: ${a.value}`);
