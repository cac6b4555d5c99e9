// The ajv that validates snapshots against schemas/unitgate-snapshot-1.schema.json: strict mode, every
// error. scripts/generate-validators.mjs compiles the validator with it ahead of time
// (snapshot-validator.generated.ts); the schema tests compile with it too.
import Ajv, { type Options } from 'ajv';

export const SNAPSHOT_VALIDATOR_OPTIONS = { allErrors: true } as const;

export function snapshotAjv(options: Options = {}): Ajv {
  return new Ajv({ ...SNAPSHOT_VALIDATOR_OPTIONS, ...options, strict: true });
}
