// Turns the text of a policy file into a GatePolicy: JSON with positions, ajv validation against
// policies/schema.json, the checks a schema cannot express (profile names, extends cycles, capability
// and address family names), then defaults and the merge of the user's profiles over the built-in ones.
import type { ErrorObject, ValidateFunction } from 'ajv';
import baselineProfile from '../../../policies/profiles/baseline.json';
import apiServiceProfile from '../../../policies/profiles/api-service.json';
import workerProfile from '../../../policies/profiles/worker.json';
import schedulerProfile from '../../../policies/profiles/scheduler.json';
import type { AssessorOverride } from '../security/security-policy';
import {
  DEFAULT_VERSION,
  listVersions,
  systemdRelease,
  type SystemdRelease,
  type SystemdVersion,
} from '../security/versions';
import { globError } from './match-glob';
import { lineKey } from '../unit/directive-key';
import { formatJsonPath, parseJsonDocument, type JsonPathSegment } from './parse-json-document';
import { inheritLists, NAME_SETS, PROFILE_LISTS } from './profile-lists';
import { validate as generatedValidator } from './policy-validator.generated';
import type {
  DeviationPolicy,
  DriftKind,
  GateMode,
  GatePolicy,
  PolicyDocument,
  Profile,
  ProfileDocument,
  RegressionRule,
} from './policy-types';

/** One problem with a policy file. */
export interface PolicyError {
  /** The policy file, as the caller named it. */
  file: string;
  /** Where in the document: `$` is the whole file, `$.profiles.api.threshold`, `$.units[0].match`. */
  path: string;
  message: string;
  /** Where the offending key or value is written (1-based), when the path exists in the file. */
  line?: number;
  column?: number;
}

export type PolicyLoadResult = { ok: true; policy: GatePolicy } | { ok: false; errors: PolicyError[] };

/** The built-in profiles (policies/profiles/*.json), the article's template matrix plus `baseline`. */
export const BUILT_IN_PROFILES: ReadonlyMap<string, ProfileDocument> = new Map<string, ProfileDocument>([
  ['baseline', baselineProfile],
  ['api-service', apiServiceProfile],
  ['worker', workerProfile],
  ['scheduler', schedulerProfile],
]);

/** What a policy file that leaves a key out gets; policies/schema.json states the same `default`s. */
export const POLICY_DEFAULTS = {
  systemdVersion: DEFAULT_VERSION,
  mode: 'enforce' as GateMode,
  /** 0.0–10.0 scale, like the file. */
  threshold: 9.6,
  defaultProfile: 'baseline',
  regression: { exposure: true, rows: true } as RegressionRule,
  deviations: {
    owners: [],
    sources: ['pr-body', 'unit-file'],
    requiredFields: ['reason', 'owner', 'expires'],
    maxExpiryDays: 180,
    expiryWarningDays: 14,
  } as DeviationPolicy,
  unitTypes: ['.service'],
  drift: {
    fail: ['exposure-increase', 'host-only-file', 'changed-file', 'unreadable-file', 'unit-error'],
  } as { fail: readonly DriftKind[] },
} as const;

export const BUILT_IN_POLICY_SOURCE = 'built-in baseline';

// Compiled from policies/schema.json ahead of time by scripts/generate-validators.mjs, with
// POLICY_VALIDATOR_OPTIONS (policy-schema-ajv.ts): validating is a plain function call.
const validateDocument = generatedValidator as unknown as ValidateFunction<PolicyDocument>;

/** The policy's 0.0–10.0 threshold on systemd's 0…100 exposure scale, rounded to the nearest tenth. */
export function thresholdToExposure(threshold: number): number {
  // toFixed first: 2.55 * 10 is 25.499999999999996 in binary floating point, and should round to 26.
  return Math.round(Number((threshold * 10).toFixed(6)));
}

/** Loads a policy file's text. `file` only names the file in error messages and `GatePolicy.source`. */
export function loadPolicy(text: string, file: string): PolicyLoadResult {
  const parsed = parseJsonDocument(text);
  if (!parsed.ok) {
    return {
      ok: false,
      errors: [{ file, path: '$', message: `not valid JSON: ${parsed.message}`, ...parsed.position }],
    };
  }
  const { value, positions, duplicateKeys } = parsed.document;
  const located = (path: JsonPathSegment[], message: string): PolicyError => {
    // A missing key has no position of its own: point at the nearest enclosing value that has one.
    for (let n = path.length; n >= 0; n--) {
      const position = positions.get(formatJsonPath(path.slice(0, n)));
      if (position) return { file, path: formatJsonPath(path), message, ...position };
    }
    return { file, path: formatJsonPath(path), message };
  };

  const problems: Problem[] = duplicateKeys.map((d) => ({
    path: d.path,
    message: `duplicate key '${String(d.path[d.path.length - 1])}': JSON keeps only the last one, so remove one of them`,
  }));
  if (!validateDocument(value)) {
    problems.push(...(validateDocument.errors ?? []).flatMap((e) => describeAjvError(e, value)));
  } else {
    const built = buildPolicy(value, file);
    if ('problems' in built) problems.push(...built.problems);
    else if (problems.length === 0) return { ok: true, policy: built.policy };
  }
  return { ok: false, errors: sortByPosition(problems.map((p) => located(p.path, p.message))) };
}

/** The policy used when the repository has no policy file: defaults and the built-in profiles. */
export function builtInPolicy(): GatePolicy {
  const built = buildPolicy({}, BUILT_IN_POLICY_SOURCE);
  if ('problems' in built) throw new Error(`the built-in policy is invalid: ${built.problems[0]?.message}`);
  return built.policy;
}

/** Renders an error the way a compiler does: `FILE:LINE:COLUMN: PATH: message`. */
export function formatPolicyError(error: PolicyError): string {
  const where = error.line !== undefined ? `${error.file}:${error.line}:${error.column ?? 1}` : error.file;
  return `${where}: ${error.path}: ${error.message}`;
}

interface Problem {
  path: JsonPathSegment[];
  message: string;
}

function sortByPosition(errors: PolicyError[]): PolicyError[] {
  const key = (e: PolicyError): number => (e.line ?? 0) * 1e6 + (e.column ?? 0);
  return errors
    .map((e, i) => ({ e, i }))
    .sort((a, b) => key(a.e) - key(b.e) || a.i - b.i)
    .map((x) => x.e);
}

// ---------------------------------------------------------------------------------------------------
// Schema errors → messages that name the key or value and say what is expected.

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** ajv's instancePath (a JSON pointer) → path segments; array indexes become numbers. */
function pointerToPath(pointer: string, data: unknown): JsonPathSegment[] {
  if (pointer === '') return [];
  const path: JsonPathSegment[] = [];
  let node = data;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      path.push(Number(key));
      node = node[Number(key)];
    } else {
      path.push(key);
      node = isRecord(node) ? node[key] : undefined;
    }
  }
  return path;
}

/** Levenshtein distance, for "did you mean" on misspelt keys. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution =
        (previous[j - 1] ?? 0) + (a[i - 1]?.toLowerCase() === b[j - 1]?.toLowerCase() ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The candidate the user most likely meant: same letters, a truncation of it, or a near miss. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  const same = candidates.find((c) => c.toLowerCase() === lower);
  if (same !== undefined) return same;
  if (lower.length >= 3) {
    const extended = candidates
      .filter((c) => c.toLowerCase().startsWith(lower))
      .sort((a, b) => a.length - b.length);
    if (extended[0] !== undefined) return extended[0];
  }
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** ` (did you mean 'x'?)`, or the allowed values when they are few, or nothing. */
function hint(word: string, candidates: readonly string[]): string {
  const guess = closest(word, candidates);
  if (guess !== undefined) return ` (did you mean '${guess}'?)`;
  if (candidates.length > 0 && candidates.length <= 14) return ` (allowed: ${candidates.join(', ')})`;
  return '';
}

function show(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the string ${show(value)}`;
  return `${typeof value} ${JSON.stringify(value)}`;
}

const TYPE_NOUNS: Record<string, string> = {
  number: 'a number',
  integer: 'a whole number',
  string: 'a string',
  boolean: 'true or false',
  array: 'a list ([…])',
  object: 'an object ({…})',
};

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/** "must be <description>, e.g. <example>" from the schema of the failing value. */
function expectation(schemaOfValue: unknown): string {
  if (!isRecord(schemaOfValue) || typeof schemaOfValue.description !== 'string') return '';
  const description = lowerFirst(schemaOfValue.description.replace(/\.$/, ''));
  const example = Array.isArray(schemaOfValue.examples) ? schemaOfValue.examples[0] : undefined;
  return example === undefined ? description : `${description}, e.g. ${show(example)}`;
}

function describeAjvError(e: ErrorObject, data: unknown): Problem[] {
  const path = pointerToPath(e.instancePath, data);
  const parent = isRecord(e.parentSchema) ? e.parentSchema : {};
  const params = e.params as Record<string, unknown>;

  // A key of an object whose keys are constrained (profile names, assessor json_fields): ajv reports
  // the inner error with `propertyName`, then a summary `propertyNames` error we leave out.
  if (e.keyword === 'propertyNames') return [];
  if (e.propertyName !== undefined) {
    const key = e.propertyName;
    if (e.keyword === 'enum') {
      const allowed = (Array.isArray(e.schema) ? e.schema : []).map(String);
      return [{ path: [...path, key], message: `unknown key '${key}'${hint(key, allowed)}` }];
    }
    return [
      { path: [...path, key], message: `the key '${key}' is not valid: it must be ${expectation(parent)}` },
    ];
  }

  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = isRecord(parent.properties) ? Object.keys(parent.properties) : [];
      return [{ path: [...path, key], message: `unknown key '${key}'${hint(key, allowed)}` }];
    }
    case 'required':
      return [{ path, message: `missing required key '${String(params.missingProperty)}'` }];
    case 'type':
      return [
        {
          path,
          message: `must be ${TYPE_NOUNS[String(params.type)] ?? String(params.type)}, not ${kindOf(e.data)}`,
        },
      ];
    case 'enum': {
      const allowed = (Array.isArray(e.schema) ? e.schema : []).map(show);
      return [{ path, message: `must be one of ${allowed.join(', ')}, not ${show(e.data)}` }];
    }
    case 'minimum':
    case 'maximum': {
      const bound = e.keyword === 'minimum' ? 'at least' : 'at most';
      let message = `must be ${bound} ${String(params.limit)}, not ${show(e.data)}`;
      const last = path[path.length - 1];
      if (last === 'threshold' && typeof e.data === 'number' && e.data > 10 && e.data <= 100) {
        message += ` (thresholds use the 0.0–10.0 scale systemd-analyze prints; for ${e.data} on the 0–100 scale write ${e.data / 10})`;
      }
      return [{ path, message }];
    }
    case 'minLength':
      return [{ path, message: 'must not be empty' }];
    case 'minItems':
      return [
        { path, message: `must list at least ${String(params.limit)} item${params.limit === 1 ? '' : 's'}` },
      ];
    case 'uniqueItems': {
      // Which of `i` and `j` is the later copy depends on how ajv compared the items (it scans
      // primitive items of an enum or scalar type otherwise than objects): the later is the larger.
      const [i, j] = [Number(params.i), Number(params.j)];
      return [{ path: [...path, Math.max(i, j)], message: `duplicate of item ${Math.min(i, j)}` }];
    }
    case 'pattern':
      return [{ path, message: `${show(e.data)} is not valid: it must be ${expectation(parent)}` }];
    default:
      return [{ path, message: e.message ?? `fails the schema keyword '${e.keyword}'` }];
  }
}

// ---------------------------------------------------------------------------------------------------
// After the schema: names, the extends graph, the merge and the defaults.

/**
 * Items of a profile's lists that must be names of the policy's releases (`x-unitgate-names`: their
 * capabilities, their address families) and are not, in one release or more: the schema only checks
 * their spelling, and a name a release does not know would be checked against nothing on its hosts.
 */
function unknownNames(name: string, p: ProfileDocument, releases: readonly SystemdRelease[]): Problem[] {
  return PROFILE_LISTS.flatMap(({ key, names }) => {
    if (names === undefined) return [];
    return (p[key] ?? []).flatMap((item, i) => {
      const missing = releases.filter((r) => !(item in r.data[names]));
      const first = missing[0];
      if (first === undefined) return [];
      const known = Object.keys(first.data[names]);
      return [
        {
          path: ['profiles', name, key, i],
          message: `unknown ${NAME_SETS[names]} '${item}' in systemd ${listVersions(missing.map((r) => r.version))}${hint(item, known)}`,
        },
      ];
    });
  });
}

/**
 * The primary release and every release the policy scores (oldest first), or the problem with them:
 * `systemdVersion` alone, `systemdVersions` alone (its first item is the primary), or both, when the
 * primary is one of the list. Anything else is a contradiction, refused on the key that names it.
 */
function releasesOf(
  doc: PolicyDocument,
): { primary: SystemdVersion; versions: SystemdVersion[] } | { problem: Problem } {
  const list = doc.systemdVersions;
  const primary = doc.systemdVersion ?? list?.[0] ?? POLICY_DEFAULTS.systemdVersion;
  if (list === undefined) return { primary, versions: [primary] };
  if (!list.includes(primary)) {
    return {
      problem: {
        path: ['systemdVersion'],
        message: `systemd ${primary} is not one of systemdVersions [${list.join(', ')}]: add it there, or leave systemdVersion out (the first of systemdVersions is then the primary release)`,
      },
    };
  }
  return { primary, versions: [...list].sort((a, b) => a - b) };
}

type Parent =
  { kind: 'built-in'; name: string } | { kind: 'user'; name: string } | { kind: 'unknown'; name: string };

function profileFromBuiltIn(name: string, doc: ProfileDocument, defaultThreshold: number): Profile {
  return {
    name,
    description: doc.description ?? '',
    threshold: doc.threshold !== undefined ? thresholdToExposure(doc.threshold) : defaultThreshold,
    requiredDirectives: [...(doc.requiredDirectives ?? [])],
    ...inheritLists(doc),
  };
}

function buildPolicy(doc: PolicyDocument, source: string): { policy: GatePolicy } | { problems: Problem[] } {
  const problems: Problem[] = [];
  const chosen = releasesOf(doc);
  if ('problem' in chosen) return { problems: [chosen.problem] };
  const { primary: systemdVersion, versions: systemdVersions } = chosen;
  const releases = systemdVersions.map(systemdRelease);
  const defaultThreshold = thresholdToExposure(doc.threshold ?? POLICY_DEFAULTS.threshold);
  const userProfiles = new Map(Object.entries(doc.profiles ?? {}));

  const builtIns = new Map<string, Profile>();
  for (const [name, d] of BUILT_IN_PROFILES)
    builtIns.set(name, profileFromBuiltIn(name, d, defaultThreshold));

  for (const [name, p] of userProfiles) problems.push(...unknownNames(name, p, releases));

  // The schema accepts the json_fields of every supported release; one of the policy's releases must
  // have it (a row only some releases have), or the override would silently change nothing.
  const fields = [...new Set(releases.flatMap((r) => r.data.assessors.map((a) => a.jsonField)))];
  for (const field of Object.keys(doc.assessorOverrides ?? {})) {
    if (!fields.includes(field)) {
      const message = `systemd ${listVersions(systemdVersions)} has no assessor '${field}'${hint(field, fields)}`;
      problems.push({ path: ['assessorOverrides', field], message });
    }
  }

  // A profile's parent: its `extends`; else the built-in profile of the same name; else `baseline`.
  const parentOf = (name: string, p: ProfileDocument): Parent => {
    const target = p.extends;
    if (target === undefined) {
      if (builtIns.has(name) || !userProfiles.has('baseline')) {
        return { kind: 'built-in', name: builtIns.has(name) ? name : 'baseline' };
      }
      return { kind: 'user', name: 'baseline' };
    }
    // `extends` naming the profile itself means the built-in profile it overrides.
    if (target === name) return builtIns.has(name) ? { kind: 'built-in', name } : { kind: 'user', name };
    if (userProfiles.has(target)) return { kind: 'user', name: target };
    if (builtIns.has(target)) return { kind: 'built-in', name: target };
    return { kind: 'unknown', name: target };
  };

  const knownNames = [...new Set([...builtIns.keys(), ...userProfiles.keys()])];
  const broken = new Set<string>();
  const reportedCycles = new Set<string>();
  for (const [name, p] of userProfiles) {
    const parent = parentOf(name, p);
    if (parent.kind === 'unknown') {
      problems.push({
        path: ['profiles', name, 'extends'],
        message: `unknown profile '${parent.name}'${hint(parent.name, knownNames)}`,
      });
      broken.add(name);
      continue;
    }
    const chain = [name];
    for (let at: Parent = parent; at.kind === 'user';) {
      const seen = chain.indexOf(at.name);
      if (seen !== -1) {
        const cycle = [...chain.slice(seen), at.name];
        cycle.slice(0, -1).forEach((n) => broken.add(n));
        const key = [...new Set(cycle)].sort().join('\n');
        if (!reportedCycles.has(key)) {
          reportedCycles.add(key);
          const first = cycle[0] as string;
          const implicit = userProfiles.get(first)?.extends === undefined;
          problems.push({
            path: implicit ? ['profiles', first] : ['profiles', first, 'extends'],
            message:
              `profiles extend each other in a cycle: ${cycle.join(' → ')}` +
              (cycle.some((n) => userProfiles.get(n)?.extends === undefined)
                ? ' (a profile without `extends` starts from `baseline`)'
                : ''),
          });
        }
        break;
      }
      chain.push(at.name);
      const next = userProfiles.get(at.name);
      if (!next) break;
      at = parentOf(at.name, next);
    }
  }

  const resolved = new Map<string, Profile>(builtIns);
  const resolving = new Map<string, Profile | undefined>();
  const resolveUser = (name: string): Profile | undefined => {
    if (resolving.has(name)) return resolving.get(name);
    const p = userProfiles.get(name);
    if (!p || broken.has(name)) {
      resolving.set(name, undefined);
      return undefined;
    }
    const parentRef = parentOf(name, p);
    const parent = parentRef.kind === 'built-in' ? builtIns.get(parentRef.name) : resolveUser(parentRef.name);
    if (!parent) {
      // An ancestor is broken (reported there); this profile cannot be resolved either.
      resolving.set(name, undefined);
      return undefined;
    }
    const profile = mergeProfile(
      name,
      p,
      parent,
      parentRef.kind === 'built-in' && parentRef.name === name,
      problems,
    );
    resolving.set(name, profile);
    return profile;
  };
  for (const name of userProfiles.keys()) {
    const profile = resolveUser(name);
    if (profile) resolved.set(name, profile);
  }

  const defaultProfile = doc.defaultProfile ?? POLICY_DEFAULTS.defaultProfile;
  if (!knownNames.includes(defaultProfile)) {
    problems.push({
      path: ['defaultProfile'],
      message: `unknown profile '${defaultProfile}'${hint(defaultProfile, knownNames)}`,
    });
  }
  doc.drift?.allowHostDropIns?.forEach((entry, i) => {
    const error = globError(entry.match);
    if (error !== undefined)
      problems.push({ path: ['drift', 'allowHostDropIns', i, 'match'], message: error });
  });
  // An invalid glob fails the policy: it would match nothing and assign or exclude nothing unnoticed.
  for (const key of ['units', 'exclude'] as const) {
    doc[key]?.forEach((entry, i) => {
      const error = globError(entry.match);
      if (error !== undefined) problems.push({ path: [key, i, 'match'], message: error });
    });
  }
  doc.units?.forEach((u, i) => {
    if (!knownNames.includes(u.profile)) {
      problems.push({
        path: ['units', i, 'profile'],
        message: `unknown profile '${u.profile}'${hint(u.profile, knownNames)}`,
      });
    }
  });
  if (problems.length > 0) return { problems };

  const assessorOverrides = new Map<string, AssessorOverride>();
  for (const [field, o] of Object.entries(doc.assessorOverrides ?? {})) {
    assessorOverrides.set(field, {
      ...(o.weight !== undefined ? { weight: o.weight } : {}),
      ...(o.range !== undefined ? { range: o.range } : {}),
      ...(o.description_good !== undefined ? { descriptionGood: o.description_good } : {}),
      ...(o.description_bad !== undefined ? { descriptionBad: o.description_bad } : {}),
      ...(o.description_na !== undefined ? { descriptionNa: o.description_na } : {}),
    });
  }

  return {
    policy: {
      source,
      systemdVersion,
      systemdVersions,
      mode: doc.mode ?? POLICY_DEFAULTS.mode,
      defaultProfile,
      profiles: resolved,
      units: (doc.units ?? []).map((u) => ({ ...u })),
      exclude: (doc.exclude ?? []).map((x) => ({ ...x })),
      regression: { ...POLICY_DEFAULTS.regression, ...doc.regression },
      deviations: {
        owners: [...(doc.deviations?.owners ?? POLICY_DEFAULTS.deviations.owners)],
        sources: [...(doc.deviations?.sources ?? POLICY_DEFAULTS.deviations.sources)],
        requiredFields: [...(doc.deviations?.requiredFields ?? POLICY_DEFAULTS.deviations.requiredFields)],
        maxExpiryDays: doc.deviations?.maxExpiryDays ?? POLICY_DEFAULTS.deviations.maxExpiryDays,
        expiryWarningDays: doc.deviations?.expiryWarningDays ?? POLICY_DEFAULTS.deviations.expiryWarningDays,
      },
      signoff: (doc.signoff ?? []).map((rule) => ({
        directives: [...new Set(rule.directives.map((d) => d.replace(/=$/, '')))],
        approvers: [...rule.approvers],
      })),
      unitTypes: [...(doc.unitTypes ?? POLICY_DEFAULTS.unitTypes)],
      assessorOverrides,
      drift: {
        // What cannot be read on a host is never clean: unreadable files fail whatever the list says.
        fail: [
          ...new Set<DriftKind>([...(doc.drift?.fail ?? POLICY_DEFAULTS.drift.fail), 'unreadable-file']),
        ],
        allowHostDropIns: (doc.drift?.allowHostDropIns ?? []).map((a) => ({ ...a })),
      },
    },
  };
}

/**
 * A user profile over its parent: the parent's required directives, minus `removeDirectives` and minus
 * any directive the profile lists itself, then the profile's own; threshold, the rules' lists
 * (profile-lists.ts) and owners are inherited unless set.
 */
function mergeProfile(
  name: string,
  p: ProfileDocument,
  parent: Profile,
  overridesBuiltIn: boolean,
  problems: Problem[],
): Profile {
  const removed = new Set(p.removeDirectives ?? []);
  p.removeDirectives?.forEach((d, i) => {
    if (!parent.requiredDirectives.some((r) => lineKey(r) === d)) {
      problems.push({
        path: ['profiles', name, 'removeDirectives', i],
        message: `'${d}' is not among the required directives of '${parent.name}'${hint(
          d,
          parent.requiredDirectives.map(lineKey),
        )}`,
      });
    }
  });
  const own = p.requiredDirectives ?? [];
  const replaced = new Set(own.map(lineKey));
  const inherited = parent.requiredDirectives.filter(
    (d) => !removed.has(lineKey(d)) && !replaced.has(lineKey(d)),
  );
  const owners = p.owners ?? parent.owners;
  return {
    name,
    description:
      p.description ?? (overridesBuiltIn ? parent.description : `Based on the '${parent.name}' profile.`),
    threshold: p.threshold !== undefined ? thresholdToExposure(p.threshold) : parent.threshold,
    requiredDirectives: [...inherited, ...own],
    ...inheritLists(p, parent),
    ...(owners ? { owners: [...owners] } : {}),
  };
}
