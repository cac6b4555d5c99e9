// Word splitting as systemd's extract_first_word() does it (src/basic/extract-word.c): whitespace
// separators, backslash escapes, and with `unquote` single/double quotes removed.

export interface ExtractResult {
  words: string[];
  /** Set when the value has bad syntax (unbalanced quote, trailing backslash); `words` holds what came before. */
  invalid: boolean;
}

function isSeparator(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r';
}

/** Splits a whole value into words. */
export function extractWords(value: string, unquote: boolean): ExtractResult {
  const words: string[] = [];
  let i = 0;
  const n = value.length;
  for (;;) {
    while (i < n && isSeparator(value[i] as string)) i++;
    if (i >= n) return { words, invalid: false };
    let word = '';
    let quote: string | null = null;
    for (;;) {
      if (i >= n) {
        if (quote !== null) return { words, invalid: true };
        break;
      }
      const c = value[i] as string;
      if (c === '\\') {
        if (i + 1 >= n) return { words, invalid: true };
        word += value[i + 1];
        i += 2;
        continue;
      }
      if (quote !== null) {
        if (c === quote) quote = null;
        else word += c;
        i++;
        continue;
      }
      if (unquote && (c === '"' || c === "'")) {
        quote = c;
        i++;
        continue;
      }
      if (isSeparator(c)) break;
      word += c;
      i++;
    }
    words.push(word);
  }
}

/**
 * Takes the first word and returns the rest with leading separators skipped, as the
 * DeviceAllow= parser needs (path, then the permission letters).
 */
export function extractFirstWord(
  value: string,
  unquote: boolean,
): { word: string; rest: string } | undefined {
  const { words, invalid } = extractWords(value, unquote);
  if (invalid && words.length === 0) return undefined;
  const first = words[0];
  if (first === undefined) return undefined;
  // Find where the first word ends in the raw text to return the remainder verbatim.
  let i = 0;
  const n = value.length;
  while (i < n && isSeparator(value[i] as string)) i++;
  let quote: string | null = null;
  for (; i < n; i++) {
    const c = value[i] as string;
    if (c === '\\') {
      i++;
      continue;
    }
    if (quote !== null) {
      if (c === quote) quote = null;
      continue;
    }
    if (unquote && (c === '"' || c === "'")) {
      quote = c;
      continue;
    }
    if (isSeparator(c)) break;
  }
  while (i < n && isSeparator(value[i] as string)) i++;
  return { word: first, rest: value.slice(i) };
}
