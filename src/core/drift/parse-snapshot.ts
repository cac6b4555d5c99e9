// A snapshot file's text → a Snapshot, or one line naming the file, the JSON path and what is wrong.
// Validated against schemas/unitgate-snapshot-1.schema.json (ajv standalone code, compiled ahead of
// time by scripts/generate-validators.mjs), then the checks a schema cannot make: the release it was
// scored for must be one this unitgate scores, or the repository could not be scored alike.
import type { ErrorObject, ValidateFunction } from 'ajv';
import { formatJsonPath, parseJsonDocument, type JsonPathSegment } from '../policy/parse-json-document';
import { isSupportedVersion, SUPPORTED_VERSIONS } from '../security/versions';
import { validate as generatedValidator } from './snapshot-validator.generated';
import { SNAPSHOT_FORMAT, type Snapshot } from './snapshot-types';

const validateSnapshot = generatedValidator as unknown as ValidateFunction<Snapshot>;

export type SnapshotParseResult = { ok: true; snapshot: Snapshot } | { ok: false; message: string };

function pathOf(pointer: string): JsonPathSegment[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((raw) => raw.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((k) => (/^\d+$/.test(k) ? Number(k) : k));
}

/** The most telling error: the deepest one that is not a summary of alternatives (`oneOf`). */
function mostTelling(errors: readonly ErrorObject[]): ErrorObject | undefined {
  const concrete = errors.filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'anyOf');
  const pool = concrete.length > 0 ? concrete : errors;
  return [...pool].sort((a, b) => b.instancePath.length - a.instancePath.length)[0];
}

function describe(e: ErrorObject): { path: JsonPathSegment[]; message: string } {
  const path = pathOf(e.instancePath);
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties':
      return { path: [...path, String(params.additionalProperty)], message: 'unknown key' };
    case 'required':
      return { path, message: `missing required key '${String(params.missingProperty)}'` };
    case 'const':
      return { path, message: `must be ${JSON.stringify(params.allowedValue)}` };
    case 'enum':
      return {
        path,
        message: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
      };
    default:
      return { path, message: e.message ?? `fails the schema keyword '${e.keyword}'` };
  }
}

export function parseSnapshot(text: string, fileName: string): SnapshotParseResult {
  const fail = (path: JsonPathSegment[], message: string, line?: number): SnapshotParseResult => ({
    ok: false,
    message: `${fileName}${line !== undefined ? `:${line}` : ''}: ${formatJsonPath(path)}: ${message}`,
  });
  const parsed = parseJsonDocument(text);
  if (!parsed.ok) return fail([], `not valid JSON: ${parsed.message}`, parsed.position.line);
  const { value, positions } = parsed.document;
  const schema = (value as { schema?: unknown } | null)?.schema;
  if (typeof value === 'object' && value !== null && schema !== SNAPSHOT_FORMAT)
    return fail(
      ['schema'],
      `not a unitgate snapshot of this format (expected "${SNAPSHOT_FORMAT}", found ${JSON.stringify(schema ?? null)})`,
    );
  if (!validateSnapshot(value)) {
    const e = mostTelling(validateSnapshot.errors ?? []);
    if (!e) return fail([], 'does not match the snapshot schema');
    const d = describe(e);
    return fail(d.path, d.message, positions.get(formatJsonPath(d.path))?.line);
  }
  const scored = value.systemd.scoredWith;
  if (!isSupportedVersion(scored))
    return fail(
      ['systemd', 'scoredWith'],
      `scored for systemd ${scored}, which this unitgate does not score (it scores ${SUPPORTED_VERSIONS.join(', ')})`,
    );
  return { ok: true, snapshot: value };
}
