// The parsers of [Unit] directives that change no score but make systemd warn while parsing:
// Documentation=, the path conditions and asserts (ConditionPathExists= & co.) and the dependencies
// (After=, Requires=, …): config_parse_documentation(), config_parse_unit_condition_path() and
// config_parse_unit_deps() of src/core/load-fragment.c, v252–v262.
import { EXTRACT_UNQUOTE, extractAllWords } from '../unit/extract-word';
import { simplifyAndCheckPath } from '../unit/path-util';
import { expand, rejectValue, warn, type Handler, ignoredPath } from './conf-parser';

/** ascii_is_valid() (src/basic/utf8.c): every character below 0x80 (the value holds no NUL). */
function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return false;
  return true;
}

/** What follows the first of `prefixes` that `s` starts with (STARTSWITH_SET()), else undefined. */
function afterPrefix(s: string, prefixes: readonly string[]): string | undefined {
  for (const p of prefixes) if (s.startsWith(p)) return s.slice(p.length);
  return undefined;
}

/**
 * documentation_url_is_valid() (src/basic/util.c … src/shared/web-util.c, v252–v262): an http(s) or
 * `file:/` URL, or an `info:`/`man:` page, with something after the scheme, in ASCII.
 */
export function isDocumentationUrl(url: string): boolean {
  if (url === '') return false;
  const rest =
    afterPrefix(url, ['http://', 'https://']) ??
    afterPrefix(url, ['file:/']) ??
    afterPrefix(url, ['info:', 'man:']);
  return rest !== undefined && rest !== '' && isAscii(rest);
}

/**
 * Documentation= (config_parse_documentation()): the whole value goes through unit_full_printf() first
 * (a bad specifier drops the line), then config_parse_strv() splits it (an unbalanced quote ends the line,
 * keeping the words before), then every URL of the list that is not valid is dropped with a warning.
 * Words of earlier lines were checked when they were added, so only this line's words can warn.
 */
export const handleDocumentation: Handler = (ctx, a) => {
  if (a.value === '') return 'ok';
  const r = expand(ctx, a.value);
  if (!r.ok) return warn(ctx, a, `Failed to resolve unit specifiers in '${a.value}', ignoring: Invalid slot`);
  const { words, invalid } = extractAllWords(r.value, EXTRACT_UNQUOTE);
  if (invalid) rejectValue(ctx, a, { ownWords: 'Invalid syntax', value: r.value });
  for (const url of words) if (!isDocumentationUrl(url)) warn(ctx, a, `Invalid URL, ignoring: ${url}`);
  return 'ok';
};

/**
 * A path condition or assert (config_parse_unit_condition_path()): an empty value resets the list; the
 * `|` (trigger) and `!` (negate) prefixes are stepped over, the rest goes through unit_full_printf() and
 * path_simplify_and_warn(PATH_CHECK_ABSOLUTE). Both messages name the value after the prefixes.
 */
export const handleConditionPath: Handler = (ctx, a) => {
  if (a.value === '') return 'ok';
  let value = a.value;
  if (value.startsWith('|')) value = value.slice(1);
  if (value.startsWith('!')) value = value.slice(1);
  const r = expand(ctx, value);
  if (!r.ok) return warn(ctx, a, `Failed to resolve unit specifiers in ${value}, ignoring: Invalid slot`);
  const checked = simplifyAndCheckPath(r.value, a.key, 'absolute');
  if (!checked.ok) return warn(ctx, a, ignoredPath(checked.message));
  return 'ok';
};

/** The [Unit] keys parsed by config_parse_unit_condition_path() (load-fragment-gperf.gperf.in, v252–v262). */
export const CONDITION_PATH_KEYS: readonly string[] = [
  'PathExists',
  'PathExistsGlob',
  'PathIsDirectory',
  'PathIsSymbolicLink',
  'PathIsMountPoint',
  'PathIsReadWrite',
  'PathIsEncrypted',
  'DirectoryNotEmpty',
  'FileNotEmpty',
  'FileIsExecutable',
  'NeedsUpdate',
].flatMap((k) => [`Condition${k}`, `Assert${k}`]);

/**
 * The specifiers unit_name_printf() knows (src/core/unit-printf.c, v252–v262): the unit name's own
 * (%i %j %n %N %p), the system's (COMMON_SYSTEM_SPECIFIERS: %a %A %b %B %H %l %m %M %o %q %v %w %W) and
 * the credentials' (COMMON_CREDS_SPECIFIERS: %g %G %u %U). Any other letter or digit is -EBADSLT.
 */
const UNIT_NAME_SPECIFIERS = new Set('ijnNpaAbBHlmMoqvwWgGuU%');

/** Whether unit_name_printf() resolves every specifier of `word`. */
function unitNameSpecifiersResolve(word: string): boolean {
  for (let i = word.indexOf('%'); i >= 0 && i + 1 < word.length; i = word.indexOf('%', i + 2)) {
    const s = word.charAt(i + 1);
    if (/[0-9A-Za-z]/.test(s) && !UNIT_NAME_SPECIFIERS.has(s)) return false;
  }
  return true;
}

/**
 * A dependency (config_parse_unit_deps()): each word (split without unquoting, so a stray quote is part
 * of a name) goes through unit_name_printf(); a bad specifier skips that word with a warning. A name
 * that is not a valid unit name is dropped silently by unit_add_dependency_by_name() offline.
 */
export const handleUnitDeps: Handler = (ctx, a) => {
  if (a.value === '' || a.value.indexOf('%') < 0) return 'ok';
  for (const word of extractAllWords(a.value, 0).words)
    if (!unitNameSpecifiersResolve(word))
      warn(ctx, a, `Failed to resolve unit specifiers in '${word}', ignoring: Invalid slot`);
  return 'ok';
};

/** The [Unit] keys parsed by config_parse_unit_deps() (load-fragment-gperf.gperf.in, v252–v262). */
export const UNIT_DEPENDENCY_KEYS: readonly string[] = [
  'Requires',
  'Requisite',
  'Wants',
  'BindsTo',
  'Upholds',
  'PartOf',
  'Conflicts',
  'Before',
  'After',
  'OnSuccess',
  'OnFailure',
  'PropagatesReloadTo',
  'ReloadPropagatedFrom',
  'PropagatesStopTo',
  'StopPropagatedFrom',
  'JoinsNamespaceOf',
];
