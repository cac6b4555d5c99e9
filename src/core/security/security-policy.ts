// `--security-policy=FILE`: per-assessor weight/range/description overrides keyed by json_field.
// Ported from security_assessor_find_in_policy(), access_weight(), access_range() and the
// access_description_*() helpers of src/analyze/analyze-security.c (v250–v262); the file is read with
// systemd's own JSON parser (systemd-json.ts), whose rules differ from JSON.parse() in ways users see.
import { asUnsigned64, memberOf, parseSystemdJson, type Exp10, type SystemdJsonValue } from './systemd-json';

export interface AssessorOverride {
  weight?: number;
  range?: number;
  /** The weight or range exactly, when it is beyond 2^53 (systemd computes in uint64_t). */
  exactWeight?: bigint;
  exactRange?: bigint;
  descriptionGood?: string;
  descriptionBad?: string;
  descriptionNa?: string;
}

/** Overrides by json_field. An empty map is the same as no policy. */
export type SecurityPolicy = ReadonlyMap<string, AssessorOverride>;

export type PolicyParseResult = { ok: true; policy: SecurityPolicy } | { ok: false; message: string };

/** How a release reads the file: its JSON parser's switches (see VersionTraits). */
export interface PolicyReading {
  /** v262: a top-level value that is not an object is refused (before: ignored). */
  rejectNonObject: boolean;
  /** exp10() of the release's C library, which scales JSON exponents. */
  exp10?: Exp10;
}

/** Line and column (1-based) of a character offset, for systemd-style "at L:C" messages. */
export function lineColumnOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Parses a policy file (its bytes, or text). `fileName` is the name systemd prints: the absolute path
 * (parse_path_argument() makes it so).
 */
export function parseSecurityPolicy(
  content: Uint8Array | string,
  fileName: string,
  reading: PolicyReading | boolean,
): PolicyParseResult {
  const how: PolicyReading = typeof reading === 'boolean' ? { rejectNonObject: reading } : reading;
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  const parsed = parseSystemdJson(bytes, {
    ...(how.exp10 ? { exp10: how.exp10 } : {}),
    topLevelObjectOnly: how.rejectNonObject,
  });
  if (!parsed.ok)
    return {
      ok: false,
      message: `Failed to parse '${fileName}' at ${parsed.line}:${parsed.column}: ${parsed.error}`,
    };
  const policy = new Map<string, AssessorOverride>();
  const doc = parsed.value;
  // security_assessor_find_in_policy(): a policy that is not an object is ignored.
  if (doc.type !== 'object') return { ok: true, policy };
  const seen = new Set<string>();
  for (const [field, value] of doc.members) {
    // json_variant_by_key() finds the first member of a repeated key; later ones are never read.
    if (seen.has(field)) continue;
    seen.add(field);
    if (value.type !== 'object') continue;
    const o: AssessorOverride = {};
    const weight = asUnsigned64(memberOf(value, 'weight'));
    if (weight !== undefined) {
      o.weight = Number(weight);
      if (weight > MAX_SAFE) o.exactWeight = weight;
    }
    const range = asUnsigned64(memberOf(value, 'range'));
    if (range !== undefined) {
      o.range = Number(range);
      if (range > MAX_SAFE) o.exactRange = range;
    }
    const text = (key: string): string | undefined => {
      const v: SystemdJsonValue | undefined = memberOf(value, key);
      return v?.type === 'string' ? v.value : undefined;
    };
    const good = text('description_good');
    if (good !== undefined) o.descriptionGood = good;
    const bad = text('description_bad');
    if (bad !== undefined) o.descriptionBad = bad;
    const na = text('description_na');
    if (na !== undefined) o.descriptionNa = na;
    policy.set(field, o);
  }
  return { ok: true, policy };
}
