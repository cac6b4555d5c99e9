// RuntimeDirectory=, StateDirectory=, CacheDirectory=, LogsDirectory= and ConfigurationDirectory=:
// config_parse_exec_directories() (src/core/load-fragment.c, v252–v262). They change no score; what
// matters is what systemd logs about each word. Checked against systemd-analyze 252, 257 and 262.
import type { Assignment } from '../unit/parse-unit-file';
import {
  EXTRACT_CUNESCAPE,
  EXTRACT_DONT_COALESCE_SEPARATORS,
  EXTRACT_RETAIN_ESCAPE,
  EXTRACT_UNESCAPE_SEPARATORS,
  EXTRACT_UNQUOTE,
  extractAllWords,
  extractFirstWordRaw,
} from '../unit/extract-word';
import { pathStartsWith, simplifyAndCheckPath } from '../unit/path-util';
import { expand, ignoredPath, warn, type Context, type Handler } from './conf-parser';

/**
 * The fields of one `SOURCE[:DESTINATION[:FLAGS]]` word: extract_many_words() over ":" with
 * EXTRACT_CUNESCAPE|EXTRACT_UNESCAPE_SEPARATORS, so `\:` is a colon inside a field. v252 coalesces
 * separators (so `:y` is `y`, and a word of colons only has no field) and reads two fields; from v256
 * (VersionTraits execDirectoryFlags) it keeps empty fields (EXTRACT_DONT_COALESCE_SEPARATORS) and
 * reads a third, the flags.
 */
function tupleFields(word: string, keepEmpty: boolean): string[] {
  // A word without separator or escape is one field, itself (most are: `foo`, `foo/bar`).
  if (word !== '' && word.indexOf(':') < 0 && word.indexOf('\\') < 0) return [word];
  const flags =
    EXTRACT_CUNESCAPE | EXTRACT_UNESCAPE_SEPARATORS | (keepEmpty ? EXTRACT_DONT_COALESCE_SEPARATORS : 0);
  const fields: string[] = [];
  let rest: string | undefined = word;
  while (rest !== undefined && fields.length < (keepEmpty ? 3 : 2)) {
    const step = extractFirstWordRaw(rest, flags, ':');
    if (step.kind !== 'word') break;
    fields.push(step.word);
    rest = step.rest;
  }
  return fields;
}

/** unit_path_printf() of one field; logs and answers undefined when a specifier does not resolve. */
function printfField(ctx: Context, a: Assignment, field: string): string | undefined {
  const r = expand(ctx, field);
  if (r.ok) return r.value;
  warn(ctx, a, `Failed to resolve unit specifiers in "${field}", ignoring: Invalid slot`);
  return undefined;
}

/** A relative path field through path_simplify_and_warn(PATH_CHECK_RELATIVE): the simplified path. */
function relativePath(ctx: Context, a: Assignment, field: string): string | undefined {
  const checked = simplifyAndCheckPath(field, a.key, 'relative');
  if (checked.ok) return checked.path;
  warn(ctx, a, ignoredPath(checked.message));
  return undefined;
}

/**
 * config_parse_exec_directories(): an empty value resets the list; each word (unquoted; an unbalanced
 * quote ends the line after the words before it) is a source, relative and not below `private`, an
 * optional destination (a relative path, refused for ConfigurationDirectory=) and, from v256, flags
 * (`ro`). A bad field skips its word; a word without any field (v252) ends the line.
 */
export const handleExecDirectories: Handler = (ctx, a) => {
  if (a.value === '') return 'ok';
  const withFlags = ctx.traits.execDirectoryFlags;
  // The word keeps its escapes (EXTRACT_RETAIN_ESCAPE): `\:` is unescaped by the split into fields.
  const { words, invalid } = extractAllWords(a.value, EXTRACT_UNQUOTE | EXTRACT_RETAIN_ESCAPE);
  for (const tuple of words) {
    const [rawSource, rawDestination, flags] = tupleFields(tuple, withFlags);
    if (rawSource === undefined)
      return warn(ctx, a, `Invalid syntax in ${a.key}=, ignoring: ${tuple}`, 'invalid-value');
    const sourceExpanded = printfField(ctx, a, rawSource);
    if (sourceExpanded === undefined) continue;
    const source = relativePath(ctx, a, sourceExpanded);
    if (source === undefined) continue;
    if (pathStartsWith(source, 'private') !== undefined) {
      warn(ctx, a, `${a.key}= path can't be 'private', ignoring assignment: ${tuple}`);
      continue;
    }
    if (rawDestination !== undefined && rawDestination !== '') {
      if (a.key === 'ConfigurationDirectory') {
        const what = withFlags ? 'Additional' : 'Destination';
        warn(ctx, a, `${what} parameter is not supported for ConfigurationDirectory, ignoring: ${tuple}`);
        continue;
      }
      const destination = printfField(ctx, a, rawDestination);
      if (destination === undefined || relativePath(ctx, a, destination) === undefined) continue;
    }
    // exec_directory_flags_from_string(): `ro` is the only flag.
    if (flags !== undefined && flags !== '' && flags !== 'ro')
      warn(ctx, a, `Invalid flags for ${a.key}=, ignoring: ${flags}`);
  }
  if (invalid)
    warn(ctx, a, `Invalid syntax ${a.key}=${a.value}, ignoring: Invalid argument`, 'invalid-value');
  return 'ok';
};

/** The keys config_parse_exec_directories() parses (load-fragment-gperf.gperf.in, v252–v262). */
export const EXEC_DIRECTORY_KEYS: readonly string[] = [
  'RuntimeDirectory',
  'StateDirectory',
  'CacheDirectory',
  'LogsDirectory',
  'ConfigurationDirectory',
];
