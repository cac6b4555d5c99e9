// UTF-8 byte lengths, as the file's bytes have them (systemd's limits, GitHub's) — one encoder for all.

const encoder = new TextEncoder();

/** The length of `s[from, to)` in UTF-8 bytes (a lone surrogate is U+FFFD, three bytes). */
export function utf8Length(s: string, from = 0, to = s.length): number {
  return encoder.encode(from === 0 && to === s.length ? s : s.slice(from, to)).length;
}

/**
 * Whether `s` takes more than `max` UTF-8 bytes. A UTF-16 code unit is at most three bytes, so a short
 * string is answered without encoding it (path and name checks run on every assignment).
 */
export function utf8LongerThan(s: string, max: number): boolean {
  if (s.length * 3 <= max) return false;
  return utf8Length(s) > max;
}
