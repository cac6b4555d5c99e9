// Option value parsers shared by the CLI commands, with systemd-analyze's rules where we mirror it.

/** strtoul(…, 0) as safe_atou() uses it: optional blanks and `+`, then 0x/0 prefixes; no sign. */
export function parseUnsignedAuto(value: string): number | undefined {
  const v = value.replace(/^[ \t\n\r]+/, '');
  const m = /^\+?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(v);
  if (!m) return undefined;
  const digits = m[1] as string;
  if (/^0[xX]/.test(digits)) return parseInt(digits.slice(2), 16);
  if (digits.length > 1 && digits.startsWith('0')) return parseInt(digits, 8);
  return parseInt(digits, 10);
}

/** `--threshold=N`: 0…100 on systemd's scale (50 = 5.0). */
export function parseThreshold(value: string): number | undefined {
  const n = parseUnsignedAuto(value);
  return n === undefined || n > 100 ? undefined : n;
}
