// Checks a unit's effective settings against a profile: required directives (`ProtectSystem=strict`
// is met by the setting systemd would apply, whichever line or implication produced it), allowed
// capabilities and allowed address families.
import type { SecuritySettings } from '../security/settings';
import { EFFECTIVE_FLAGS, STRENGTH_ORDERS } from '../security/assessor-knowledge';
import { NAMESPACE_FLAGS, NAMESPACES_UNSET } from '../security/nsflags';
import { parseBoolean } from '../unit/parse-boolean';
import type { SystemdRelease } from '../security/versions';
import { extractWords } from '../unit/extract-word';

export interface RequirementResult {
  met: boolean;
  /** What the unit has instead, for the message (e.g. `ProtectSystem=full`). */
  actual: string;
}

function capabilityMask(words: string[], release: SystemdRelease): bigint {
  let mask = 0n;
  for (const w of words) {
    const bit = release.data.capabilities[w.toUpperCase()];
    if (bit !== undefined) mask |= 1n << BigInt(bit);
  }
  return mask;
}

export function capabilityNames(mask: bigint, release: SystemdRelease): string[] {
  return Object.entries(release.data.capabilities)
    .filter(([, bit]) => (mask & (1n << BigInt(bit))) !== 0n)
    .sort((a, b) => a[1] - b[1])
    .map(([name]) => name);
}

function lastValue(s: SecuritySettings, key: string): string | undefined {
  return s.provenance.get(key)?.at(-1)?.value;
}

/** Evaluates one `Key=value` requirement against the effective settings. */
export function checkRequirement(
  requirement: string,
  s: SecuritySettings,
  release: SystemdRelease,
): RequirementResult {
  const eq = requirement.indexOf('=');
  const key = requirement.slice(0, eq);
  const want = requirement.slice(eq + 1).trim();
  const boolGetter = EFFECTIVE_FLAGS[key];
  if (boolGetter) {
    const b = parseBoolean(want);
    const have = boolGetter(s);
    return {
      met: b === undefined ? lastValue(s, key) === want : have === b,
      actual: `${key}=${have ? 'yes' : 'no'}`,
    };
  }
  const rank = STRENGTH_ORDERS[key];
  if (rank) {
    const have = rank.of(s);
    const wanted = parseBoolean(want) === true ? 'yes' : parseBoolean(want) === false ? 'no' : want;
    const hi = rank.order.indexOf(have);
    const wi = rank.order.indexOf(wanted);
    return { met: wi >= 0 && hi >= wi, actual: `${key}=${have}` };
  }
  switch (key) {
    case 'SystemCallArchitectures': {
      const want = new Set(extractWords(requirement.slice(eq + 1), true).words);
      const have = s.systemCallArchitectures;
      const met = have.size > 0 && [...have].every((a) => want.has(a));
      return { met, actual: `${key}=${[...have].join(' ')}` };
    }
    case 'SystemCallFilter': {
      const filter = s.systemCallFilter;
      const groups = release.data.syscallGroups;
      const deny = want.startsWith('~');
      const names = extractWords(deny ? want.slice(1) : want, false).words;
      const wanted = new Set<string>();
      for (const n of names) for (const m of n.startsWith('@') ? (groups[n] ?? []) : [n]) wanted.add(m);
      const actual = !filter
        ? `${key}= (no filter)`
        : `${key}=${filter.allowList ? 'allow list' : 'deny list'} of ${filter.names.size}`;
      if (!filter) return { met: false, actual };
      if (deny) {
        // Every named call must be blocked: in the deny list, or absent from the allow list.
        const met = [...wanted].every((n) => (filter.allowList ? !filter.names.has(n) : filter.names.has(n)));
        return { met, actual };
      }
      const allowed = new Set([...wanted, ...(groups['@default'] ?? [])]);
      const met = filter.allowList && [...filter.names].every((n) => allowed.has(n));
      return { met, actual };
    }
    case 'CapabilityBoundingSet':
    case 'AmbientCapabilities': {
      const have = key === 'CapabilityBoundingSet' ? s.capabilityBoundingSet : s.ambientCapabilities;
      const allowed = capabilityMask(extractWords(want, true).words, release);
      const extra = have & ~allowed;
      return { met: extra === 0n, actual: `${key}=${capabilityNames(have, release).join(' ')}` };
    }
    case 'RestrictNamespaces': {
      // The unit keeps the set of namespace types it may still create (config_parse_restrict_namespaces(),
      // src/core/load-fragment.c, v252): the requirement is met when that set lies inside the one the
      // requirement allows, so `~user` is not met by `no` or by `user`.
      const have = s.restrictNamespaces;
      const actual = `${key}=${
        have === NAMESPACES_UNSET ? '(unset)' : have === 0 ? 'yes' : namespaceNames(have).join(' ')
      }`;
      if (have === NAMESPACES_UNSET) return { met: false, actual };
      const b = parseBoolean(want);
      if (b === false) return { met: true, actual };
      const allowed = b === true ? 0 : namespaceMask(want);
      return { met: allowed !== undefined && (have & ~allowed) === 0, actual };
    }
    case 'RestrictAddressFamilies': {
      const allowedFamilies = want === 'none' ? [] : extractWords(want, true).words;
      const allowed = new Set(
        allowedFamilies
          .map((f) => release.data.addressFamilies[f.toUpperCase()])
          .filter((n) => n !== undefined),
      );
      const af = s.addressFamilies;
      if (!s.addressFamiliesAllowList)
        return { met: false, actual: `${key}= (${af ? 'deny list' : 'not restricted'})` };
      const have = [...(af?.families ?? [])];
      return {
        met: have.every((f) => allowed.has(f)),
        actual: `${key}=${familyNames(have, release).join(' ') || 'none'}`,
      };
    }
    case 'UMask': {
      const wantMask = /^[0-7]+$/.test(want) ? parseInt(want, 8) : NaN;
      return {
        met: Number.isFinite(wantMask) && (s.umask & wantMask) === wantMask,
        actual: `${key}=${s.umask.toString(8).padStart(4, '0')}`,
      };
    }
    default: {
      const have = lastValue(s, key);
      return { met: have === want, actual: have === undefined ? `${key} not set` : `${key}=${have}` };
    }
  }
}

/** The namespace types a `RestrictNamespaces=` list allows; undefined when a word is not one. */
function namespaceMask(value: string): number | undefined {
  const invert = value.startsWith('~');
  let flags = 0;
  for (const word of extractWords(invert ? value.slice(1) : value, false).words) {
    const flag = NAMESPACE_FLAGS[word];
    if (flag === undefined) return undefined;
    flags |= flag;
  }
  const all = Object.values(NAMESPACE_FLAGS).reduce((m, f) => m | f, 0);
  return invert ? all & ~flags : flags;
}

function namespaceNames(mask: number): string[] {
  return Object.entries(NAMESPACE_FLAGS)
    .filter(([, flag]) => (mask & flag) !== 0)
    .map(([name]) => name);
}

export function familyNames(families: number[], release: SystemdRelease): string[] {
  const byNumber = new Map<number, string>();
  for (const [name, n] of Object.entries(release.data.addressFamilies)) {
    if (!byNumber.has(n) || name === 'AF_UNIX' || name === 'AF_NETLINK') byNumber.set(n, name);
  }
  return families.map((f) => byNumber.get(f) ?? String(f)).sort();
}

/** Capabilities the unit keeps (bounding ∪ ambient) that the allowed list does not contain. */
export function forbiddenCapabilities(
  s: SecuritySettings,
  allowed: string[],
  release: SystemdRelease,
): string[] {
  const keep = (s.capabilityBoundingSet | s.ambientCapabilities) & ~capabilityMask(allowed, release);
  return capabilityNames(keep, release);
}

/**
 * Address families the unit may use beyond the allowed list; `['(any)']` when it does not restrict
 * them with an allow list at all.
 */
export function forbiddenAddressFamilies(
  s: SecuritySettings,
  allowed: string[],
  release: SystemdRelease,
): string[] {
  if (!s.addressFamiliesAllowList) return ['(any)'];
  const ok = new Set(allowed.map((f) => release.data.addressFamilies[f.toUpperCase()]));
  return familyNames(
    [...(s.addressFamilies?.families ?? [])].filter((f) => !ok.has(f)),
    release,
  );
}
