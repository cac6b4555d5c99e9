// The ajv that knows policies/schema.json: strict mode, with the schema's annotations of the rules'
// lists (profile-lists.ts) as keywords. scripts/generate-validators.mjs compiles the policy validator
// with it ahead of time (policy-validator.generated.ts), so a run does not pay ajv's compile (about
// 0.1 s at start-up); the schema tests compile with it too.
import Ajv, { type Options } from 'ajv';
import { PROFILE_LIST_KEYWORDS } from './profile-lists';

/**
 * The options of loadPolicy()'s validator: every error, and `verbose` for each error's schema and
 * data, which the messages use (allowed keys, examples, the offending value).
 */
export const POLICY_VALIDATOR_OPTIONS = { allErrors: true, verbose: true } as const;

export function policySchemaAjv(options: Options = {}): Ajv {
  return new Ajv({ ...options, strict: true, keywords: [...PROFILE_LIST_KEYWORDS] });
}
