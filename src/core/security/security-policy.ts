// `--security-policy=FILE`: per-assessor weight/range/description overrides keyed by json_field.
// Ported from security_assessor_find_in_policy(), access_weight(), access_range() and the
// access_description_*() helpers of src/analyze/analyze-security.c (v250–v262).

export interface AssessorOverride {
  weight?: number;
  range?: number;
  descriptionGood?: string;
  descriptionBad?: string;
  descriptionNa?: string;
}

/** Overrides by json_field. An empty map is the same as no policy. */
export type SecurityPolicy = ReadonlyMap<string, AssessorOverride>;

export type PolicyParseResult = { ok: true; policy: SecurityPolicy } | { ok: false; message: string };

// 2^64 - 1 rounds to 2^64 as a double; anything above it cannot be a uint64_t.
const MAX_U64 = 2 ** 64;

/** json_variant_is_unsigned(): a non-negative integral JSON number (reals that are integral count). */
function asUnsigned(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < MAX_U64 ? v : undefined;
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

/**
 * Parses a policy file. `rejectNonObject` reproduces v262, which refuses a top-level value that is not
 * an object; older versions silently ignore it.
 */
export function parseSecurityPolicy(
  text: string,
  fileName: string,
  rejectNonObject: boolean,
): PolicyParseResult {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    const m = /position (\d+)/.exec(String((e as Error).message));
    const at = lineColumnOf(text, m ? Number(m[1]) : text.length);
    return {
      ok: false,
      message: `Failed to parse '${fileName}' at ${at.line}:${at.column}: Invalid argument`,
    };
  }
  const policy = new Map<string, AssessorOverride>();
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    if (rejectNonObject)
      return { ok: false, message: `Failed to parse '${fileName}' at 1:2: Invalid argument` };
    return { ok: true, policy };
  }
  for (const [field, value] of Object.entries(doc as Record<string, unknown>)) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) continue;
    const v = value as Record<string, unknown>;
    const o: AssessorOverride = {};
    const weight = asUnsigned(v.weight);
    if (weight !== undefined) o.weight = weight;
    const range = asUnsigned(v.range);
    if (range !== undefined) o.range = range;
    if (typeof v.description_good === 'string') o.descriptionGood = v.description_good;
    if (typeof v.description_bad === 'string') o.descriptionBad = v.description_bad;
    if (typeof v.description_na === 'string') o.descriptionNa = v.description_na;
    policy.set(field, o);
  }
  return { ok: true, policy };
}
