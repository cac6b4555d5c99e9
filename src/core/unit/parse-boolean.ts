// parse_boolean() (src/basic/parse-util.c, v252–v262): the words systemd reads as yes or no, in unit files
// and wherever this project takes a boolean the way systemd does (action inputs, CLI options, policies).

const TRUE_WORDS = new Set(['1', 'yes', 'y', 'true', 't', 'on']);
const FALSE_WORDS = new Set(['0', 'no', 'n', 'false', 'f', 'off']);

/** The words of parse_boolean() as units usually spell them, for a lookup without lowercasing. */
const BOOLEAN_WORDS = new Map<string, boolean>([
  ...[...TRUE_WORDS].map((w): [string, boolean] => [w, true]),
  ...[...FALSE_WORDS].map((w): [string, boolean] => [w, false]),
]);

/** parse_boolean(): case-insensitive. */
export function parseBoolean(value: string): boolean | undefined {
  const exact = BOOLEAN_WORDS.get(value);
  if (exact !== undefined) return exact;
  const v = value.toLowerCase();
  if (TRUE_WORDS.has(v)) return true;
  if (FALSE_WORDS.has(v)) return false;
  return undefined;
}
