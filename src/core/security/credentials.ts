// LoadCredential[Encrypted]= and SetCredential[Encrypted]=: which credentials a unit ends up with and
// whether each is encrypted — what decides the implied TPM entry of the device ACL. Ported from
// config_parse_load_credential() and config_parse_set_credential() (src/core/load-fragment.c, v252–v256):
// credentials are keyed by name, a later line for the same name replaces the earlier one (and its
// "encrypted" flag), an empty value clears the list, invalid lines are ignored with a warning.
import { extractFirstWordRaw, EXTRACT_DONT_COALESCE_SEPARATORS, cunescape } from '../unit/extract-word';
import { isNormalizedPath, isValidFilename } from '../unit/path-util';
import type { SpecifierResult } from '../unit/specifiers';

/** Credential name → encrypted. */
export type CredentialMap = Map<string, boolean>;

/** credential_name_valid(): a valid file name and a valid fd name (printable ASCII, no `:`). */
export function isValidCredentialName(s: string): boolean {
  // eslint-disable-next-line no-control-regex
  return isValidFilename(s) && !/[\x00-\x1f\x7f-\uffff:]/.test(s) && s.length <= 255;
}

/** unbase64mem(): whitespace anywhere, groups of four, `=` padding only at the end. */
export function isValidBase64(s: string): boolean {
  const chars = [...s].filter((c) => !' \t\n\r'.includes(c));
  const value = (c: string | undefined): number | 'pad' | undefined =>
    c === undefined
      ? undefined
      : c === '='
        ? 'pad'
        : 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.indexOf(c) >= 0
          ? 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.indexOf(c)
          : -1;
  for (let i = 0; i < chars.length; i += 4) {
    const [a, b, c, d] = [0, 1, 2, 3].map((k) => value(chars[i + k]));
    if (a === undefined) break;
    if (a === -1 || b === -1 || c === -1 || d === -1) return false;
    // A group cut short by the end of the string is an error (-EPIPE), as is padding in front.
    if (b === undefined || c === undefined || d === undefined) return false;
    if (a === 'pad' || b === 'pad') return false;
    const last = i + 4 >= chars.length;
    if (c === 'pad') {
      if (d !== 'pad' || (b as number) & 15 || !last) return false;
      break;
    }
    if (d === 'pad') {
      if ((c as number) & 3 || !last) return false;
      break;
    }
  }
  return true;
}

export type CredentialLineResult = { ok: true } | { ok: false; message: string };

/** Applies one LoadCredential[Encrypted]= value to `map`. */
export function applyLoadCredential(
  map: CredentialMap,
  value: string,
  encrypted: boolean,
  expand: (s: string) => SpecifierResult,
): CredentialLineResult {
  if (value === '') {
    map.clear();
    return { ok: true };
  }
  const first = extractFirstWordRaw(value, EXTRACT_DONT_COALESCE_SEPARATORS, ':');
  if (first.kind !== 'word') return { ok: false, message: `Invalid syntax, ignoring: ${value}` };
  const id = expand(first.word);
  if (!id.ok) return { ok: false, message: `Failed to resolve unit specifiers in "${first.word}", ignoring` };
  if (!isValidCredentialName(id.value))
    return { ok: false, message: `Credential name "${id.value}" not valid, ignoring.` };
  const rest = first.rest ?? '';
  if (rest !== '') {
    const source = expand(rest);
    if (!source.ok) return { ok: false, message: `Failed to resolve unit specifiers in "${rest}", ignoring` };
    const q = source.value;
    if (q.startsWith('/') ? !isNormalizedPath(q) : !isValidCredentialName(q))
      return { ok: false, message: `Credential source "${q}" not valid, ignoring.` };
  }
  map.set(id.value, encrypted);
  return { ok: true };
}

/** Applies one SetCredential[Encrypted]= value to `map`. */
export function applySetCredential(
  map: CredentialMap,
  value: string,
  encrypted: boolean,
  expand: (s: string) => SpecifierResult,
): CredentialLineResult {
  if (value === '') {
    map.clear();
    return { ok: true };
  }
  const first = extractFirstWordRaw(value, EXTRACT_DONT_COALESCE_SEPARATORS, ':');
  if (first.kind === 'error')
    return { ok: false, message: `Failed to extract credential name, ignoring: ${value}` };
  if (first.kind === 'end' || first.rest === undefined || first.rest === '')
    return { ok: false, message: `Invalid syntax, ignoring: ${value}` };
  const id = expand(first.word);
  if (!id.ok) return { ok: false, message: `Failed to resolve unit specifiers in "${first.word}", ignoring` };
  if (!isValidCredentialName(id.value))
    return { ok: false, message: `Credential name "${id.value}" not valid, ignoring.` };
  if (encrypted ? !isValidBase64(first.rest) : cunescape(first.rest, true) === undefined)
    return {
      ok: false,
      message: encrypted
        ? 'Encrypted credential data not valid Base64 data, ignoring.'
        : `Can't unescape "${first.rest}", ignoring`,
    };
  map.set(id.value, encrypted);
  return { ok: true };
}
