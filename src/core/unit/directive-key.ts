// The directive a `Key=value` line assigns: one reading for fix lines, drop-in lines and the lines of
// a unit file (config_parse() splits a line at its first `=` and strips the blanks around the key).

const DIRECTIVE_KEY = /^[ \t]*([A-Za-z0-9_]+)[ \t]*=/;

/** The key of a `Key=value` line, or undefined when the line assigns nothing (no `=`, a comment, a section). */
export function directiveKey(line: string): string | undefined {
  return DIRECTIVE_KEY.exec(line)?.[1];
}

/** What lines are grouped by: their directive, or the whole line when it assigns nothing. */
export function lineKey(line: string): string {
  return directiveKey(line) ?? line;
}
