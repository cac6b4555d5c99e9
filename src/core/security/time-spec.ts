// Whether a timer value parses: parse_sec() (src/basic/time-util.c) for time spans and
// calendar_spec_from_string() (src/shared/calendarspec.c), v252–v262. Only acceptance matters here
// (timer_verify() refuses a timer with no accepted value); the times themselves are never computed.

/**
 * extract_multiplier()'s table (time-util.c, v252–v262), in its order: the first name the text starts
 * with wins, so `ms` is milliseconds and `m` minutes. Multipliers in microseconds.
 */
const TIME_MULTIPLIERS: readonly (readonly [string, bigint])[] = [
  ['seconds', 1_000_000n],
  ['second', 1_000_000n],
  ['sec', 1_000_000n],
  ['s', 1_000_000n],
  ['minutes', 60_000_000n],
  ['minute', 60_000_000n],
  ['min', 60_000_000n],
  ['months', 2_629_800_000_000n],
  ['month', 2_629_800_000_000n],
  ['M', 2_629_800_000_000n],
  ['msec', 1_000n],
  ['ms', 1_000n],
  ['m', 60_000_000n],
  ['hours', 3_600_000_000n],
  ['hour', 3_600_000_000n],
  ['hr', 3_600_000_000n],
  ['h', 3_600_000_000n],
  ['days', 86_400_000_000n],
  ['day', 86_400_000_000n],
  ['d', 86_400_000_000n],
  ['weeks', 604_800_000_000n],
  ['week', 604_800_000_000n],
  ['w', 604_800_000_000n],
  ['years', 31_557_600_000_000n],
  ['year', 31_557_600_000_000n],
  ['y', 31_557_600_000_000n],
  ['usec', 1n],
  ['us', 1n],
  ['\u03bcs', 1n],
  ['\u00b5s', 1n],
];
const USEC_INFINITY = 2n ** 64n - 1n;
const LLONG_MAX = 2n ** 63n - 1n;
const WHITESPACE = /^[ \t\n\r]*/;

/**
 * parse_sec(), i.e. parse_time(t, USEC_PER_SEC) (time-util.c, v252–v262), reduced to its verdict:
 * `ok`, or the error it returns: -ERANGE for a minus sign or a span that reaches USEC_INFINITY,
 * -EINVAL for anything else it cannot read.
 */
export function parseTimeSpan(text: string): 'ok' | 'EINVAL' | 'ERANGE' {
  const r = parseTime(text);
  return typeof r === 'bigint' ? 'ok' : r;
}

/**
 * parse_time(t, &usec, default_unit) (time-util.c, v252–v262): the span in microseconds (`infinity`:
 * USEC_INFINITY), a number without a unit counting `defaultUnit` microseconds; or the error.
 */
export function parseTime(text: string, defaultUnit = 1_000_000n): bigint | 'EINVAL' | 'ERANGE' {
  return parseSpan(text, TIME_MULTIPLIERS, defaultUnit);
}

/** extract_nsec_multiplier()'s table (time-util.c, v252–v262): the same names, in nanoseconds, then ns. */
const NSEC_MULTIPLIERS: readonly (readonly [string, bigint])[] = [
  ...TIME_MULTIPLIERS.map(([name, usec]) => [name, usec * 1000n] as const),
  ['nsec', 1n],
  ['ns', 1n],
];

/**
 * parse_nsec() (time-util.c, v252–v262; TimerSlackNSec=): parse_sec()'s grammar with nanosecond units,
 * a bare number in nanoseconds.
 */
export function parseNsec(text: string): 'ok' | 'EINVAL' | 'ERANGE' {
  const r = parseSpan(text, NSEC_MULTIPLIERS, 1n);
  return typeof r === 'bigint' ? 'ok' : r;
}

/** The loop of parse_time() and parse_nsec(): the span in the table's unit, or the error. */
function parseSpan(
  text: string,
  multipliers: readonly (readonly [string, bigint])[],
  defaultMultiplier: bigint,
): bigint | 'EINVAL' | 'ERANGE' {
  let p = text.replace(WHITESPACE, '');
  if (p.startsWith('infinity')) return p.slice(8).replace(WHITESPACE, '') === '' ? USEC_INFINITY : 'EINVAL';
  let total = 0n;
  let something = false;
  for (;;) {
    p = p.replace(WHITESPACE, '');
    if (p === '') return something ? total : 'EINVAL';
    if (p.startsWith('-')) return 'ERANGE';
    // strtoll(p, &e, 10): an optional '+' then decimal digits.
    const number = /^\+?(\d+)/.exec(p);
    const whole = number ? BigInt(number[1] as string) : 0n;
    if (whole > LLONG_MAX) return 'ERANGE';
    let rest = number ? p.slice(number[0].length) : p;
    let fraction: string | undefined;
    if (rest.startsWith('.')) {
      fraction = (/^\d*/.exec(rest.slice(1)) as RegExpExecArray)[0];
      rest = rest.slice(1 + fraction.length);
    } else if (!number) return 'EINVAL';
    const afterSpace = rest.replace(WHITESPACE, '');
    const unit = multipliers.find(([name]) => afterSpace.startsWith(name));
    const multiplier = unit ? unit[1] : defaultMultiplier;
    const next = unit ? afterSpace.slice(unit[0].length) : afterSpace;
    // "12.34.56" is refused, "12.34 .56" and "12.34s.56" are not.
    if (!unit && next === rest && next !== '') return 'EINVAL';
    p = next;
    if (whole >= USEC_INFINITY / multiplier) return 'ERANGE';
    const k = whole * multiplier;
    if (k >= USEC_INFINITY - total) return 'ERANGE';
    total += k;
    something = true;
    if (fraction !== undefined) {
      let m = multiplier / 10n;
      for (const digit of fraction) {
        const f = BigInt(digit) * m;
        if (f >= USEC_INFINITY - total) return 'ERANGE';
        total += f;
        m /= 10n;
      }
      // "3.", "3.sec": a fraction needs a digit.
      if (fraction === '') return 'EINVAL';
    }
  }
}

/** Whether parse_sec() accepts the text (timer values: config_parse_timer()). */
export function isTimeSpan(text: string): boolean {
  return parseTimeSpan(text) === 'ok';
}

/** The shorthands calendar_spec_from_string() expands. */
const CALENDAR_WORDS = new Set([
  'minutely',
  'hourly',
  'daily',
  'monthly',
  'weekly',
  'yearly',
  'annually',
  'quarterly',
  'semiannually',
  'semi-annually',
]);

const WEEKDAYS = [
  ['mon', 'monday'],
  ['tue', 'tuesday'],
  ['wed', 'wednesday'],
  ['thu', 'thursday'],
  ['fri', 'friday'],
  ['sat', 'saturday'],
  ['sun', 'sunday'],
];

function isWeekday(w: string): boolean {
  const l = w.toLowerCase();
  return WEEKDAYS.some((names) => names.includes(l));
}

/** parse_weekdays(): `Mon`, `Mon,Fri`, `Mon..Fri`, combinations of these. */
function isWeekdayList(s: string): boolean {
  return s.split(',').every((item) => {
    const range = item.split('..');
    return range.length <= 2 && range.every(isWeekday);
  });
}

/**
 * One component (parse_chain()): `*`, or a comma list of `N`, `N..M`, each optionally `/STEP`, the
 * values within [min, max].
 */
function isChain(s: string, min: number, max: number, fraction = false): boolean {
  if (s === '*') return true;
  return s.split(',').every((item) => {
    const m = fraction
      ? /^(\d+)(?:\.\d+)?(?:\.\.(\d+)(?:\.\d+)?)?(?:\/(\d+)(?:\.\d+)?)?$/.exec(item)
      : /^(\d+)(?:\.\.(\d+))?(?:\/(\d+))?$/.exec(item);
    if (!m) return /^\*\/\d+$/.test(item);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (m[3] !== undefined && Number(m[3]) === 0) return false;
    return a >= min && a <= max && b >= min && b <= max && a <= b;
  });
}

/** parse_date(): `[YEAR-]MONTH-DAY`, each a chain. */
function isDate(s: string): boolean {
  const parts = s.split('-');
  if (parts.length === 3)
    return (
      isChain(parts[0] ?? '', 1970, 2199) && isChain(parts[1] ?? '', 1, 12) && isChain(parts[2] ?? '', 1, 31)
    );
  if (parts.length === 2) return isChain(parts[0] ?? '', 1, 12) && isChain(parts[1] ?? '', 1, 31);
  return false;
}

/** parse_calendar_time(): `HOUR:MINUTE[:SECOND]`, each a chain (seconds may have a fraction). */
function isTime(s: string): boolean {
  const parts = s.split(':');
  if (parts.length < 2 || parts.length > 3) return false;
  return (
    isChain(parts[0] ?? '', 0, 23) &&
    isChain(parts[1] ?? '', 0, 59) &&
    (parts[2] === undefined || isChain(parts[2], 0, 59, true))
  );
}

/**
 * calendar_spec_from_string() for the forms units use: a shorthand (`daily`…), `@EPOCH`, or
 * `[WEEKDAYS] [DATE] [TIME] [UTC]`, at least one of the three parts.
 */
export function isCalendarSpec(text: string): boolean {
  let s = text.trim();
  if (s === '') return false;
  if (/ UTC$/.test(s)) s = s.slice(0, -4).trimEnd();
  if (CALENDAR_WORDS.has(s)) return true;
  if (/^@\d+$/.test(s)) return true;
  const words = s.split(/\s+/);
  if (words.length > 3) return false;
  let i = 0;
  if (/^[A-Za-z]/.test(words[0] ?? '')) {
    if (!isWeekdayList(words[0] ?? '')) return false;
    i++;
  }
  const rest = words.slice(i);
  if (rest.length === 0) return i > 0;
  if (rest.length === 2) return isDate(rest[0] ?? '') && isTime(rest[1] ?? '');
  const only = rest[0] ?? '';
  return only.includes(':') ? isTime(only) : isDate(only);
}

/** What parse_timestamp() accepts besides v252's forms (VersionTraits.timestampForms). */
export interface TimestampForms {
  /**
   * v257+ (checked with 257.13 and 262.1): `T` between date and time, a `Z` right after the time, a
   * numeric offset (`+0100`, `-09:30`) or a time zone name as the last word; v252 knows `UTC` (in any
   * case) and the local zone's abbreviation only.
   */
  iso8601: boolean;
}

const WEEKDAY_ABBREVIATIONS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const WEEKDAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
/** USEC_TIMESTAMP_FORMATTABLE_MAX (time-util.h): 9999-12-30 23:59:59 UTC, in seconds. */
const TIMESTAMP_MAX_SECONDS = 253_402_214_399;

/**
 * Whether parse_timestamp() (src/basic/time-util.c) accepts `text`, as `--base-time=` is checked:
 * `now`, `±SPAN`, `SPAN ago`, `SPAN left`, `@SPAN`; else `today`, `yesterday`, `tomorrow` or
 * `[WEEKDAY ]DATE[ TIME]` / `TIME`, with an optional time zone as the last word. Dates count from
 * 1970 up to USEC_TIMESTAMP_FORMATTABLE_MAX, read in UTC (the zone of the machines the oracles run
 * on; a local zone east or west of it moves the first and last accepted second). Time zone names are
 * judged by their shape, not against the machine's tzdata.
 */
export function isTimestamp(text: string, forms: TimestampForms): boolean {
  if (text === 'now') return true;
  if (text.startsWith('+') || text.startsWith('-') || text.startsWith('@')) return isTimeSpan(text.slice(1));
  for (const suffix of [' ago', ' left'])
    if (text.endsWith(suffix)) return isTimeSpan(text.slice(0, -suffix.length));
  let rest = text;
  const lastSpace = rest.lastIndexOf(' ');
  if (lastSpace > 0 && isTimeZoneWord(rest.slice(lastSpace + 1), forms)) rest = rest.slice(0, lastSpace);
  if (rest === 'today' || rest === 'yesterday' || rest === 'tomorrow') return true;
  return isDateTime(rest, forms);
}

function isTimeZoneWord(word: string, forms: TimestampForms): boolean {
  if (!forms.iso8601) return word.toUpperCase() === 'UTC';
  if (word === 'UTC' || word === 'GMT') return true;
  if (/^[+-]\d\d:?\d\d$/.test(word)) return true;
  // An IANA zone name (Area/Location): its shape only.
  return /^[A-Z][A-Za-z_-]*(\/[A-Za-z0-9_+-]+)+$/.test(word);
}

/** `[WEEKDAY ]YYYY-MM-DD[ HH:MM[:SS[.FRACTION]]]` or `HH:MM[:SS[.FRACTION]]` (strptime() formats). */
function isDateTime(text: string, forms: TimestampForms): boolean {
  let rest = text;
  let weekday: number | undefined;
  const first = /^([A-Za-z]+) +/.exec(rest);
  if (first) {
    const word = (first[1] as string).toLowerCase();
    const day = WEEKDAY_ABBREVIATIONS.includes(word)
      ? WEEKDAY_ABBREVIATIONS.indexOf(word)
      : WEEKDAY_NAMES.indexOf(word);
    if (day < 0) return false;
    weekday = day;
    rest = rest.slice(first[0].length);
  }
  const date = /^(\d{2}|\d{4})-(\d{1,2})-(\d{1,2})/.exec(rest);
  if (!date) return weekday === undefined && timeOfDay(rest, forms) !== undefined;
  rest = rest.slice(date[0].length);
  let year = Number(date[1]);
  if ((date[1] as string).length === 2) year += year < 69 ? 2000 : 1900;
  const month = Number(date[2]);
  const day = Number(date[3]);
  if (month < 1 || month > 12 || day < 1 || day > 31) return false;
  let seconds = 0;
  if (rest !== '') {
    const separator = forms.iso8601 ? /^( +|T)/.exec(rest) : /^ +/.exec(rest);
    if (!separator) return false;
    const time = timeOfDay(rest.slice(separator[0].length), forms);
    if (time === undefined) return false;
    seconds = time;
  }
  // mktime() normalises a day past the month's end (2020-02-30 is 2020-03-01).
  const epoch = Date.UTC(year, month - 1, day) / 1000 + seconds;
  if (epoch < 0 || epoch > TIMESTAMP_MAX_SECONDS) return false;
  return weekday === undefined || new Date(Date.UTC(year, month - 1, day)).getUTCDay() === weekday;
}

/** `HH:MM[:SS[.FRACTION]]` (and on v257+ a `Z` after it): its seconds, or undefined. */
function timeOfDay(text: string, forms: TimestampForms): number | undefined {
  const m = /^(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d+))?)?(Z|z)?$/.exec(text);
  if (!m || (m[5] !== undefined && !forms.iso8601)) return undefined;
  const h = Number(m[1]);
  const min = Number(m[2]);
  const s = m[3] === undefined ? 0 : Number(m[3]);
  // strptime()'s %S takes up to 61 (leap seconds).
  if (h > 23 || min > 59 || s > 61) return undefined;
  return h * 3600 + min * 60 + s;
}
