// Whether a timer value parses: parse_sec() (src/basic/time-util.c) for time spans and
// calendar_spec_from_string() (src/shared/calendarspec.c), v252–v262. Only acceptance matters here
// (timer_verify() refuses a timer with no accepted value); the times themselves are never computed.

/** The units parse_sec() accepts after a number (time-util.c, parse_time()'s table). */
const TIME_UNITS = new Set([
  'seconds',
  'second',
  'sec',
  's',
  'minutes',
  'minute',
  'min',
  'months',
  'month',
  'M',
  'msec',
  'ms',
  'm',
  'hours',
  'hour',
  'hr',
  'h',
  'days',
  'day',
  'd',
  'weeks',
  'week',
  'w',
  'years',
  'year',
  'y',
  'usec',
  'us',
  'μs',
  'µs',
  'nsec',
  'ns',
  '',
]);

/**
 * parse_sec(): `infinity`, or one or more `NUMBER[.FRACTION][ ]UNIT` parts (a bare number is seconds);
 * no sign.
 */
export function isTimeSpan(text: string): boolean {
  const s = text.trim();
  if (s === 'infinity') return true;
  if (s === '') return false;
  const part = /^(\d+)(\.\d*)?\s*([A-Za-zμµ]*)\s*/;
  let rest = s;
  while (rest !== '') {
    const m = part.exec(rest);
    if (!m || !TIME_UNITS.has(m[3] ?? '')) return false;
    rest = rest.slice(m[0].length);
  }
  return true;
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
