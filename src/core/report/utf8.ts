// Byte sizes of report text as GitHub counts them (UTF-8): the job summary's 1 MiB, the Checks API's
// 64 KB per annotation message. TextEncoder writes a lone surrogate as U+FFFD (3 bytes), as GitHub reads it.

import { utf8Length } from '../unit/utf8';

const encoder = new TextEncoder();

/** Cuts `text` so its UTF-8 form fits in `maxBytes`, ending with `…` when cut (never inside a pair). */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (utf8Length(text) <= maxBytes) return text;
  // encodeInto stops before the first character that does not fit whole; `read` counts UTF-16 units.
  const { read } = encoder.encodeInto(text, new Uint8Array(Math.max(0, maxBytes - 3))); // 3: the ellipsis
  return text.slice(0, read) + '…';
}

/** The UTF-8 encoding of `text`. */
export function utf8Bytes(text: string): number[] {
  return Array.from(encoder.encode(text));
}
