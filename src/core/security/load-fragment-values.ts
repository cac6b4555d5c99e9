// The parsers of directives whose values change no score but whose rejection systemd logs: time spans,
// counters, file modes, signals, scheduling and OOM settings, EnvironmentFile= (config_parse_sec() &
// co. of src/shared/conf-parser.c and config_parse_exec_*() of src/core/load-fragment.c, v252–v262).
// Each is checked against systemd-analyze 252, 257 and 262: the generic parsers moved to
// log_syntax_parse_error() in v257 (rejectValue()), the load-fragment.c ones kept their own words.
import type { Assignment } from '../unit/parse-unit-file';
import { simplifyAndCheckPath } from '../unit/path-util';
import { expand, rejectValue, STRERROR, warn, type Handler, type Outcome, ignoredPath } from './conf-parser';
import { failed, parseMode, parsePermyriad, safeAtoi, safeAtou, safeAtou64 } from './parse-number';
import { parseTimeSpan } from './time-spec';

/**
 * config_parse_sec() and config_parse_sec_fix_0() (DEFINE_PARSER(sec) / DEFINE_CONFIG_PARSE_PTR(),
 * conf-parser.c): parse_sec() of the raw value, an empty one included. v252 words them "Failed to parse
 * sec value" and "Failed to parse time value".
 */
function timeSpan(ownWords: string): Handler {
  return (ctx, a) => {
    const r = parseTimeSpan(a.value);
    return r === 'ok' ? 'ok' : rejectValue(ctx, a, { ownWords, errno: r });
  };
}
export const handleSec = timeSpan('Failed to parse sec value');
export const handleSecFix0 = timeSpan('Failed to parse time value');

/**
 * config_parse_service_timeout() (load-fragment.c) for TimeoutSec= and TimeoutStartSec=: parse_sec_fix_0()
 * with its own words in every release.
 */
export const handleServiceTimeout: Handler = (ctx, a) =>
  parseTimeSpan(a.value) === 'ok'
    ? 'ok'
    : warn(ctx, a, `Failed to parse ${a.key}= parameter, ignoring: ${a.value}`, 'invalid-value');

/** config_parse_unsigned() (DEFINE_PARSER(unsigned), conf-parser.c): safe_atou() of the raw value. */
export const handleUnsigned: Handler = (ctx, a) => {
  const r = safeAtou(a.value);
  return failed(r)
    ? rejectValue(ctx, a, { ownWords: 'Failed to parse unsigned value', errno: r.error })
    : 'ok';
};

/** config_parse_mode() (DEFINE_PARSER(mode), conf-parser.c): parse_mode(), an empty value refused too. */
export const handleMode: Handler = (ctx, a) => {
  const r = parseMode(a.value);
  return failed(r) ? rejectValue(ctx, a, { ownWords: 'Failed to parse mode value', errno: r.error }) : 'ok';
};

/** static_signal_table (src/basic/signal-util.c, v252–v262): the names after the `SIG` prefix. */
const SIGNAL_NAMES = new Set(
  'HUP INT QUIT ILL TRAP ABRT BUS FPE KILL USR1 SEGV USR2 PIPE ALRM TERM STKFLT CHLD CONT STOP TSTP TTIN TTOU URG XCPU XFSZ VTALRM PROF WINCH IO PWR SYS'.split(
    ' ',
  ),
);
/** _NSIG - 1 and SIGRTMAX - SIGRTMIN with glibc on Linux (SIGRTMIN 34, SIGRTMAX 64). */
const SIGNAL_MAX = 64n;
const REALTIME_SPAN = 30n;

/**
 * signal_from_string() (signal-util.c, v252–v262): a number 1…64, a name with or without `SIG`,
 * `RTMIN[+n]` or `RTMAX[-n]` within the real-time range. Undefined when valid, else the error.
 */
export function signalError(text: string): 'EINVAL' | 'ERANGE' | undefined {
  const n = safeAtoi(text);
  if (!failed(n)) return n.value >= 1n && n.value <= SIGNAL_MAX ? undefined : 'ERANGE';
  const s = text.startsWith('SIG') ? text.slice(3) : text;
  if (SIGNAL_NAMES.has(s)) return undefined;
  for (const [base, sign] of [
    ['RTMIN', '+'],
    ['RTMAX', '-'],
  ] as const) {
    if (!s.startsWith(base)) continue;
    const rest = s.slice(base.length);
    if (rest === '') return undefined;
    if (!rest.startsWith(sign)) return 'EINVAL';
    const offset = safeAtoi(rest);
    if (failed(offset)) return offset.error;
    const within =
      sign === '+'
        ? offset.value >= 0n && offset.value <= REALTIME_SPAN
        : offset.value <= 0n && offset.value >= -REALTIME_SPAN;
    return within ? undefined : 'ERANGE';
  }
  return 'EINVAL';
}

/** config_parse_signal() (conf-parser.c): KillSignal= & co.; an empty value is refused too. */
export const handleSignal: Handler = (ctx, a) => {
  const e = signalError(a.value);
  return e === undefined ? 'ok' : rejectValue(ctx, a, { ownWords: 'Failed to parse signal name', errno: e });
};

/**
 * A bounded integer of load-fragment.c that keeps its words in every release (config_parse_exec_nice():
 * parse_nice(), -20…19; config_parse_exec_oom_score_adjust(): parse_oom_score_adjust(), -1000…1000).
 * An empty value resets it.
 */
function boundedInteger(min: bigint, max: bigint, outOfRange: string, unparsable: string): Handler {
  return (ctx, a) => {
    if (a.value === '') return 'ok';
    const r = safeAtoi(a.value);
    if (!failed(r) && r.value >= min && r.value <= max) return 'ok';
    if (!failed(r) || r.error === 'ERANGE') return warn(ctx, a, `${outOfRange}, ignoring: ${a.value}`);
    return warn(ctx, a, `${unparsable} '${a.value}', ignoring: ${STRERROR[r.error]}`);
  };
}
export const handleNice = boundedInteger(
  -20n,
  19n,
  'Nice priority out of range',
  'Failed to parse nice priority',
);
export const handleOomScoreAdjust = boundedInteger(
  -1000n,
  1000n,
  'OOM score adjust value out of range',
  'Failed to parse the OOM score adjust value',
);

/**
 * A DEFINE_STRING_TABLE_LOOKUP_WITH_FALLBACK() lookup (string-table.h): a name of the table, or a
 * number (safe_atou()) up to `max`.
 */
function tableOrNumber(names: readonly string[], max: bigint): (s: string) => boolean {
  return (s) => {
    if (names.includes(s)) return true;
    const r = safeAtou(s);
    return !failed(r) && r.value <= max;
  };
}

/** A load-fragment.c parser with its own words whose empty value resets the setting. */
function checkedWord(valid: (s: string) => boolean, ownWords: string): Handler {
  return (ctx, a) =>
    a.value === '' || valid(a.value) ? 'ok' : warn(ctx, a, `${ownWords}, ignoring: ${a.value}`);
}

/**
 * config_parse_exec_io_class(): ioprio_class_from_string() (src/basic/ioprio-util.c), a class name or a
 * number up to the release's limit (VersionTraits ioprioClassNumberMax).
 */
const IOPRIO_CLASSES = ['none', 'realtime', 'best-effort', 'idle'];
export const handleIoSchedulingClass: Handler = (ctx, a) =>
  checkedWord(
    tableOrNumber(IOPRIO_CLASSES, BigInt(ctx.traits.ioprioClassNumberMax)),
    'Failed to parse IO scheduling class',
  )(ctx, a);

/** config_parse_exec_io_priority(): ioprio_parse_priority(), safe_atoi() within 0…7. */
export const handleIoSchedulingPriority = checkedWord((s) => {
  const r = safeAtoi(s);
  return !failed(r) && r.value >= 0n && r.value <= 7n;
}, 'Failed to parse IO priority');

/** config_parse_exec_cpu_sched_policy(): sched_policy_from_string() (src/basic/process-util.c, INT_MAX). */
export const handleCpuSchedulingPolicy = checkedWord(
  tableOrNumber(['other', 'batch', 'idle', 'fifo', 'rr'], 2n ** 31n - 1n),
  'Failed to parse CPU scheduling policy',
);

/**
 * config_parse_exec_cpu_sched_prio(): safe_atoi() of the raw value (an empty one is not special), then
 * the outer bounds 0…99 (the policy may be set later).
 */
export const handleCpuSchedulingPriority: Handler = (ctx, a) => {
  const r = safeAtoi(a.value);
  if (failed(r)) return warn(ctx, a, `Failed to parse CPU scheduling priority, ignoring: ${a.value}`);
  if (r.value < 0n || r.value > 99n)
    return warn(ctx, a, `CPU scheduling priority is out of range, ignoring: ${a.value}`);
  return 'ok';
};

/**
 * config_parse_unit_env_file() (load-fragment.c): an empty value resets the list; the value goes
 * through unit_full_printf(), then the path after an optional `-` through path_simplify_and_warn()
 * (PATH_CHECK_ABSOLUTE).
 */
export const handleEnvironmentFile: Handler = (ctx, a): Outcome => {
  if (a.value === '') return 'ok';
  const r = expand(ctx, a.value);
  if (!r.ok) return warn(ctx, a, `Failed to resolve unit specifiers in '${a.value}', ignoring: Invalid slot`);
  return checkPath(ctx, a, r.value.startsWith('-') ? r.value.slice(1) : r.value);
};

function checkPath(ctx: Parameters<Handler>[0], a: Assignment, path: string): Outcome {
  const checked = simplifyAndCheckPath(path, a.key, 'absolute');
  return checked.ok ? 'ok' : warn(ctx, a, ignoredPath(checked.message));
}

/**
 * config_parse_tasks_max() (load-fragment.c, v252–v262, its own words in every release): an empty
 * value resets, `infinity` lifts the limit, a percentage (parse_permyriad()) is taken as is; anything
 * else through safe_atou64(), which must give 1…UINT64_MAX-1.
 */
export const handleTasksMax: Handler = (ctx, a) => {
  if (a.value === '' || a.value === 'infinity' || !failed(parsePermyriad(a.value))) return 'ok';
  const r = safeAtou64(a.value);
  if (failed(r))
    return warn(ctx, a, `Invalid maximum tasks value '${a.value}', ignoring: ${STRERROR[r.error]}`);
  if (r.value === 0n || r.value === 2n ** 64n - 1n)
    return warn(ctx, a, `Maximum tasks value '${a.value}' out of range, ignoring.`);
  return 'ok';
};

/** exec_input_table (src/core/execute.c, v252–v262) without `fd` and `file`, which take an argument. */
const EXEC_INPUTS = ['null', 'tty', 'tty-force', 'tty-fail', 'socket', 'data'];

/** fdname_is_valid() (src/basic/fd-util.c … fdset.c): printable ASCII but `:`, at most 255 bytes. */
export function isFdName(s: string): boolean {
  return /^[\x20-\x39\x3b-\x7e]*$/.test(s) && s.length <= 255;
}

/**
 * config_parse_exec_input() (load-fragment.c, v252–v262, its own words in every release): `fd:NAME`
 * (unit_fd_printf(), fdname_is_valid()), `file:PATH` (unit_path_printf(), path_simplify_and_warn() with
 * PATH_CHECK_ABSOLUTE|PATH_CHECK_FATAL, whose message says nothing of ignoring, though the parser goes
 * on) or a word of exec_input_table; an empty value is no word of it.
 */
export const handleStandardInput: Handler = (ctx, a) => {
  const fd = a.value.startsWith('fd:') ? a.value.slice(3) : undefined;
  const file = a.value.startsWith('file:') ? a.value.slice(5) : undefined;
  const argument = fd ?? file;
  if (argument === undefined)
    return EXEC_INPUTS.includes(a.value)
      ? 'ok'
      : warn(ctx, a, `Failed to parse input specifier, ignoring: ${a.value}`, 'invalid-value');
  const r = expand(ctx, argument);
  if (!r.ok)
    return warn(ctx, a, `Failed to resolve unit specifiers in '${argument}', ignoring: Invalid slot`);
  if (fd !== undefined)
    return isFdName(r.value)
      ? 'ok'
      : warn(ctx, a, `Invalid file descriptor name, ignoring: ${r.value}`, 'invalid-value');
  const checked = simplifyAndCheckPath(r.value, a.key, 'absolute');
  return checked.ok ? 'ok' : warn(ctx, a, checked.message, 'invalid-value');
};
