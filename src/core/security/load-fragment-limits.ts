// The parsers of resource limits and cgroup values that change no score but whose rejection systemd
// logs: Limit*= (config_parse_rlimit(), rlimit_parse() of src/basic/rlimit-util.c), Memory*= limits,
// CPUQuota=, the cgroup weights, CPU and NUMA node sets and the ManagedOOM*= settings
// (config_parse_*() of src/core/load-fragment.c, v252–v262). Each message and each value accepted
// silently was read off systemd-analyze 252, 257 and 262.
import {
  EXTRACT_DONT_COALESCE_SEPARATORS,
  EXTRACT_UNQUOTE,
  WordReader,
  WHITESPACE,
} from '../unit/extract-word';
import { expand, rejectValue, STRERROR, warn, type Handler, type Outcome } from './conf-parser';
import {
  failed,
  parsePermyriad,
  parsePermyriadUnbounded,
  parseSize,
  safeAtou,
  safeAtou64,
  type Parsed,
} from './parse-number';
import { parseTime } from './time-spec';

const UINT64_MAX = 2n ** 64n - 1n;
/** RLIM_INFINITY on Linux, and USEC_INFINITY: both UINT64_MAX. */
const INFINITY = UINT64_MAX;

// ---------------------------------------------------------------------------------------------
// Limit*=

type RlimitValue = (s: string) => Parsed;

/** Values at or above RLIM_INFINITY (which `infinity` names) are -ERANGE. */
function belowInfinity(r: Parsed): Parsed {
  return !failed(r) && r.value >= INFINITY ? { error: 'ERANGE' } : r;
}

/** rlimit_parse_size(): `infinity` or parse_size(). */
const rlimitSize: RlimitValue = (s) => (s === 'infinity' ? { value: INFINITY } : belowInfinity(parseSize(s)));

/** rlimit_parse_u64(): `infinity` or safe_atou64(). */
const rlimitU64: RlimitValue = (s) => (s === 'infinity' ? { value: INFINITY } : belowInfinity(safeAtou64(s)));

/** rlimit_parse_sec() and rlimit_parse_usec(): parse_time() in seconds (rounded up) or microseconds. */
function rlimitTime(unit: bigint): RlimitValue {
  return (s) => {
    const t = parseTime(s, unit);
    if (typeof t !== 'bigint') return { error: t };
    if (t === INFINITY) return { value: INFINITY };
    return belowInfinity({ value: (t + unit - 1n) / unit });
  };
}

/**
 * rlimit_parse_nice(): `+N` (0…19) and `-N` (0…20) are nice levels, mapped to 20-N and 20+N; a bare
 * number is the raw limit, 0…40. No `infinity`.
 */
const rlimitNice: RlimitValue = (s) => {
  const sign = s.startsWith('+') || s.startsWith('-') ? s.charAt(0) : '';
  const r = safeAtou64(sign === '' ? s : s.slice(1));
  if (failed(r)) return r;
  if (sign === '+') return r.value >= 20n ? { error: 'ERANGE' } : { value: 20n - r.value };
  if (sign === '-') return r.value > 20n ? { error: 'ERANGE' } : { value: 20n + r.value };
  return r.value > 40n ? { error: 'ERANGE' } : r;
};

/** rlimit_parse_table[] (rlimit-util.c, v252–v262): the value parser of each Limit*= resource. */
const RLIMIT_VALUES: Readonly<Record<string, RlimitValue>> = {
  LimitCPU: rlimitTime(1_000_000n),
  LimitFSIZE: rlimitSize,
  LimitDATA: rlimitSize,
  LimitSTACK: rlimitSize,
  LimitCORE: rlimitSize,
  LimitRSS: rlimitSize,
  LimitNOFILE: rlimitU64,
  LimitAS: rlimitSize,
  LimitNPROC: rlimitU64,
  LimitMEMLOCK: rlimitSize,
  LimitLOCKS: rlimitU64,
  LimitSIGPENDING: rlimitU64,
  LimitMSGQUEUE: rlimitSize,
  LimitNICE: rlimitNice,
  LimitRTPRIO: rlimitU64,
  LimitRTTIME: rlimitTime(1n),
};
export const RLIMIT_KEYS = Object.keys(RLIMIT_VALUES);

/**
 * config_parse_rlimit() (load-fragment.c, v252–v262): rlimit_parse() takes `SOFT:HARD` or one value
 * for both (an empty value included, which no resource parser reads). A soft limit above the hard one
 * keeps its own words in every release; any other error moved to log_syntax_parse_error() in v257.
 */
export const handleRlimit: Handler = (ctx, a) => {
  const parse = RLIMIT_VALUES[a.key];
  if (parse === undefined) return 'ok';
  const colon = a.value.indexOf(':');
  const soft = parse(colon < 0 ? a.value : a.value.slice(0, colon));
  const hard = failed(soft) || colon < 0 ? soft : parse(a.value.slice(colon + 1));
  if (failed(soft) || failed(hard))
    return rejectValue(ctx, a, {
      ownWords: 'Failed to parse resource value',
      errno: failed(soft) ? soft.error : (hard as { error: 'EINVAL' | 'ERANGE' }).error,
    });
  if (soft.value > hard.value)
    return warn(ctx, a, `Soft resource limit chosen higher than hard limit, ignoring: ${a.value}`);
  return 'ok';
};

// ---------------------------------------------------------------------------------------------
// cgroup values

/** The memory limits config_parse_memory_limit() lets be 0 (the others then say "out of range"). */
const MEMORY_ZERO_ALLOWED = new Set(['MemoryMin', 'MemoryLow', 'MemorySwapMax', 'MemoryZSwapMax']);

/**
 * config_parse_memory_limit() (load-fragment.c, v252–v262, its own words in every release): empty or
 * `infinity`, else parse_permyriad() (a share of the physical memory: only 0% gives 0 bytes) or
 * parse_size(); UINT64_MAX bytes, and 0 for MemoryHigh=/MemoryMax=, are out of range.
 */
export const handleMemoryLimit: Handler = (ctx, a) => {
  if (a.value === '' || a.value === 'infinity') return 'ok';
  const share = parsePermyriad(a.value);
  let bytes: bigint;
  if (!failed(share)) bytes = share.value;
  else {
    const size = parseSize(a.value);
    if (failed(size))
      return warn(ctx, a, `Invalid memory limit '${a.value}', ignoring: ${STRERROR[size.error]}`);
    bytes = size.value;
  }
  if (bytes >= UINT64_MAX || (bytes === 0n && !MEMORY_ZERO_ALLOWED.has(a.key)))
    return warn(ctx, a, `Memory limit '${a.value}' out of range, ignoring.`);
  return 'ok';
};

/** config_parse_cpu_quota() (load-fragment.c, v252–v262): parse_permyriad_unbounded(), above 0. */
export const handleCpuQuota: Handler = (ctx, a) => {
  if (a.value === '') return 'ok';
  const r = parsePermyriadUnbounded(a.value);
  return !failed(r) && r.value > 0n ? 'ok' : warn(ctx, a, `Invalid CPU quota '${a.value}', ignoring.`);
};

/**
 * config_parse_cg_weight() and config_parse_cg_cpu_weight() (load-fragment.c; cg_weight_parse(),
 * src/basic/cgroup-util.c, v252–v262): empty, or safe_atou64() within 1…10000 (-ERANGE outside);
 * CPUWeight= and StartupCPUWeight= also take `idle`. log_syntax_parse_error() from v257.
 */
function cgroupWeight(cpu: boolean): Handler {
  return (ctx, a) => {
    if (a.value === '' || (cpu && a.value === 'idle')) return 'ok';
    const r = safeAtou64(a.value);
    const errno = failed(r) ? r.error : r.value < 1n || r.value > 10000n ? 'ERANGE' : undefined;
    return errno === undefined
      ? 'ok'
      : rejectValue(ctx, a, { ownWords: cpu ? 'Invalid CPU weight' : 'Invalid weight', errno });
  };
}
export const handleIoWeight = cgroupWeight(false);
export const handleCpuWeight = cgroupWeight(true);

/** CPU_SIZE_MAX (src/shared/cpu-set-util.c): CPUs 0…8191 fit in a set. */
const CPU_SET_SIZE = 8192;

/**
 * parse_range() (parse-util.c, v252–v262): `N` or `N-M`, each by safe_atou(); undefined when it does
 * not parse.
 */
function parseRange(word: string): { lower: bigint; upper: bigint } | undefined {
  const reader = new WordReader(word);
  if (reader.read(EXTRACT_DONT_COALESCE_SEPARATORS, '-') !== 'word') return undefined;
  const lower = safeAtou(reader.word);
  if (failed(lower)) return undefined;
  if (reader.pos < 0) return { lower: lower.value, upper: lower.value };
  const rest = word.slice(reader.pos);
  if (rest === '') return undefined;
  const upper = safeAtou(rest);
  return failed(upper) ? undefined : { lower: lower.value, upper: upper.value };
}

/**
 * CPUAffinity= (config_parse_exec_cpu_affinity(), `numa` besides a set) and AllowedCPUs=,
 * AllowedMemoryNodes= and their Startup*= forms (config_parse_allowed_cpuset() &co.): the value
 * through unit_full_printf(), then words split at white space and commas (unquoted), each a CPU or a
 * range. Up to v257 parse_cpu_set_extend() stops at the first word it cannot use (a reversed range
 * is only skipped); v262's config_parse_cpu_set() words each bad word its own way and goes on
 * (VersionTraits cpuSetSkipsBadWords).
 */
function cpuSet(numa: boolean): Handler {
  return (ctx, a): Outcome => {
    if (numa && a.value === 'numa') return 'ok';
    const r = expand(ctx, a.value);
    if (!r.ok)
      return warn(ctx, a, `Failed to resolve unit specifiers in '${a.value}', ignoring: Invalid slot`);
    const value = r.value;
    const perWord = ctx.traits.cpuSetSkipsBadWords;
    const reader = new WordReader(value);
    for (;;) {
      const kind = reader.read(EXTRACT_UNQUOTE, WHITESPACE + ',');
      if (kind === 'end') return 'ok';
      if (kind === 'error')
        return warn(
          ctx,
          a,
          perWord
            ? `Failed to parse ${a.key}= setting, ignoring assignment: ${value}`
            : `Invalid value for ${a.key}: ${value}`,
          'invalid-value',
        );
      const word = reader.word;
      const range = parseRange(word);
      if (range === undefined) {
        if (!perWord) return warn(ctx, a, `Failed to parse CPU affinity '${word}'`, 'invalid-value');
        warn(ctx, a, `Failed to parse CPU range, ignoring assignment: ${word}`);
      } else if (range.lower > range.upper) {
        warn(
          ctx,
          a,
          perWord
            ? `Invalid CPU range (${range.lower} > ${range.upper}), ignoring assignment: ${word}`
            : `Range '${word}' is invalid, ${range.lower} > ${range.upper}, ignoring.`,
        );
      } else if (range.upper >= BigInt(CPU_SET_SIZE)) {
        if (!perWord)
          return warn(ctx, a, `Cannot add CPU ${range.upper} to set: ${STRERROR.ERANGE}`, 'invalid-value');
        warn(ctx, a, `Failed to set CPU(s), ignoring assignment: ${word}`);
      }
    }
  };
}
export const handleCpuAffinity = cpuSet(true);
export const handleCpuSet = cpuSet(false);

// ---------------------------------------------------------------------------------------------
// ManagedOOM*=

/**
 * config_parse_managed_oom_mode() (load-fragment.c, v252–v262): empty, `auto` or `kill`; anything
 * else "Invalid syntax" in every release.
 */
export const handleManagedOomMode: Handler = (ctx, a) =>
  ['', 'auto', 'kill'].includes(a.value) ? 'ok' : warn(ctx, a, `Invalid syntax, ignoring: ${a.value}`);

/** config_parse_managed_oom_mem_pressure_limit(): empty or parse_permyriad(), own words throughout. */
export const handleManagedOomPressureLimit: Handler = (ctx, a) =>
  a.value === '' || !failed(parsePermyriad(a.value))
    ? 'ok'
    : warn(ctx, a, `Failed to parse memory pressure limit value, ignoring: ${a.value}`);

/**
 * config_parse_managed_oom_preference() (DEFINE_CONFIG_PARSE_ENUM(), load-fragment.c): none, avoid or
 * omit; an empty value is no word of the table.
 */
export const handleManagedOomPreference: Handler = (ctx, a) =>
  ['none', 'avoid', 'omit'].includes(a.value)
    ? 'ok'
    : rejectValue(ctx, a, { ownWords: 'Failed to parse ManagedOOMPreference=', enumParser: true });
