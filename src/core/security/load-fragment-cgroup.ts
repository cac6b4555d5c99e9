// The parsers of the cgroup context directives (Delegate=, DevicePolicy=, DeviceAllow=, IPAddressAllow=, …):
// config_parse_*() of src/core/load-fragment.c and cgroup_context_add_device_allow() (src/core/cgroup.c),
// v252–v262, as VersionTraits selects.
import type { SourceLocation } from '../unit/parse-unit-file';
import { parseBoolean } from '../unit/parse-boolean';
import { EXTRACT_UNQUOTE, extractFirstWordRaw, extractWords } from '../unit/extract-word';
import { pathStartsWith, simplifyAndCheckPath } from '../unit/path-util';
import { CAN_DELEGATE } from './unit-vtable';
import { parseAddressPrefix } from './in-addr-prefix';
import { rejectValue, specifiers, warn, type Context, type Handler, ignoredPath } from './conf-parser';

export const handleDelegate: Handler = (ctx, a) => {
  if (!CAN_DELEGATE.has(ctx.unit.type))
    return warn(ctx, a, 'Delegate= setting not supported for this unit type, ignoring.');
  if (a.value === '') {
    ctx.s.delegate = true;
    return 'ok';
  }
  const b = parseBoolean(a.value);
  if (b !== undefined) {
    ctx.s.delegate = b;
    return 'ok';
  }
  // Anything that is not a boolean is a controller list (config_parse_delegate(), load-fragment.c,
  // v252–v262): an unknown controller is skipped with a warning and delegation is still turned on, but a
  // list that cannot be split (an unbalanced quote) leaves the setting as it was.
  const { words, invalid } = extractWords(a.value, true);
  for (const word of words)
    if (!ctx.traits.cgroupControllers.includes(word))
      warn(ctx, a, `Invalid controller name '${word}', ignoring`);
  if (invalid) return warn(ctx, a, `Invalid syntax, ignoring: ${a.value}`);
  ctx.s.delegate = true;
  return 'ok';
};

export const handleDevicePolicy: Handler = (ctx, a) => {
  if (!['auto', 'closed', 'strict'].includes(a.value))
    // DEFINE_CONFIG_PARSE_ENUM(config_parse_device_policy, …, "Failed to parse device policy").
    return rejectValue(ctx, a, { ownWords: 'Failed to parse device policy', enumParser: true });
  ctx.s.devicePolicy = a.value;
  return 'ok';
};

/**
 * Adds a device ACL entry, newest first. An entry of a path already listed is added again, whether a
 * DeviceAllow= line or another setting adds it (checked with 252.38, 257.13 and 262.1:
 * `char-rtc:r /dev/null:rw char-rtc:w`).
 */
export function addDeviceAllow(
  ctx: Context,
  path: string,
  permissions: string,
  location?: SourceLocation,
): void {
  const perms = permissions === '' ? 'rwm' : ['r', 'w', 'm'].filter((c) => permissions.includes(c)).join('');
  ctx.s.deviceAllow.unshift(location ? { path, permissions: perms, location } : { path, permissions: perms });
}

export const handleDeviceAllow: Handler = (ctx, a) => {
  if (a.value === '') {
    ctx.s.deviceAllow = [];
    return 'ok';
  }
  // config_parse_device_allow(): the path (unquoted, specifiers expanded) then the rights.
  const first = extractFirstWordRaw(a.value, EXTRACT_UNQUOTE);
  if (first.kind !== 'word')
    return warn(ctx, a, `Failed to extract device path and rights from '${a.value}', ignoring.`);
  const resolved = specifiers(ctx, a, first.word);
  if (resolved === undefined) return 'ok';
  let path = resolved;
  if (!path.startsWith('block-') && !path.startsWith('char-')) {
    const checked = simplifyAndCheckPath(path, a.key, 'any');
    if (!checked.ok) return warn(ctx, a, ignoredPath(checked.message));
    path = checked.path;
    if (!isValidDeviceNodePath(path)) return warn(ctx, a, `Invalid device node path '${path}', ignoring.`);
  }
  const rights = first.rest ?? '';
  if (rights !== '' && !/^[rwm]+$/.test(rights))
    return warn(ctx, a, `Invalid device rights '${rights}', ignoring.`);
  addDeviceAllow(ctx, path, rights, a);
  return 'ok';
};

/**
 * valid_device_node_path() (src/basic/path-util.c): below `/dev` or `/run/systemd/inaccessible`
 * component-wise — so `/dev` itself qualifies — no trailing slash, normalized.
 */
function isValidDeviceNodePath(path: string): boolean {
  if (
    pathStartsWith(path, '/dev/') === undefined &&
    pathStartsWith(path, '/run/systemd/inaccessible/') === undefined
  )
    return false;
  return !path.endsWith('/');
}

function isLocalhostName(word: string): boolean {
  const w = word.toLowerCase().replace(/\.$/, '');
  return (
    w === 'localhost' ||
    w.endsWith('.localhost') ||
    w === 'localhost.localdomain' ||
    w.endsWith('.localhost.localdomain')
  );
}

const KEYWORD_PREFIXES: Record<string, string[]> = {
  any: ['0.0.0.0/0', '::/0'],
  'link-local': ['169.254.0.0/16', 'fe80::/64'],
  multicast: ['224.0.0.0/4', 'ff00::/8'],
};

export function ipPrefixList(field: 'allow' | 'deny'): Handler {
  return (ctx, a) => {
    const list = ctx.ipPrefixes[field];
    if (a.value === '') {
      list.length = 0;
      return 'ok';
    }
    const { words, invalid } = extractWords(a.value, false);
    for (const word of words) {
      const expanded =
        KEYWORD_PREFIXES[word] ?? (isLocalhostName(word) ? ['127.0.0.0/8', '::1/128'] : [word]);
      for (const w of expanded) {
        const p = parseAddressPrefix(w);
        if (!p) {
          // config_parse_in_addr_prefixes() (src/shared/in-addr-prefix-util.c): v257 names the setting.
          warn(
            ctx,
            a,
            ctx.traits.valueErrorWording === 'parse-error'
              ? `Invalid address prefix is specified in [${a.section}] ${a.key}=, ignoring assignment: ${w}`
              : `Address prefix is invalid, ignoring assignment: ${w}`,
          );
          continue;
        }
        list.push(p);
      }
    }
    if (invalid) warn(ctx, a, `Invalid syntax, ignoring: ${a.value}`);
    return 'ok';
  };
}

export function ipFilterPath(field: 'ingress' | 'egress'): Handler {
  return (ctx, a) => {
    if (a.value === '') {
      ctx.ipFilterPaths[field] = 0;
      return 'ok';
    }
    const v = specifiers(ctx, a, a.value);
    if (v === undefined) return 'ok';
    // path_simplify_and_warn(PATH_CHECK_ABSOLUTE): relative or non-normalized paths are ignored.
    const checked = simplifyAndCheckPath(v, a.key, 'absolute');
    if (!checked.ok) return warn(ctx, a, ignoredPath(checked.message));
    ctx.ipFilterPaths[field]++;
    return 'ok';
  };
}

/**
 * cgroup v1 settings: v252–v257 still parse CPUShares= and MemoryLimit= with a warning naming the
 * replacement (config_parse_cg_cpu_weight(), config_parse_memory_limit()); v262 ignores removed options
 * (config_parse_warn_compat() with DISABLED_LEGACY).
 */
export const handleLegacyCgroupOption: Handler = (ctx, a) => {
  if (ctx.traits.cgroupRemovedOptions.includes(a.key))
    return warn(ctx, a, `Support for option ${a.key}= has been removed and it is ignored`);
  const replacement = ctx.traits.cgroupDeprecated[a.key];
  if (replacement === undefined || a.value === '') return 'ok';
  return warn(
    ctx,
    a,
    `Unit uses ${a.key}=; please use ${replacement}= instead. Support for ${a.key}= will be removed soon.`,
  );
};
