// The published JSON report schema (schemas/unitgate-report-1.schema.json), compiled once in ajv's
// strict mode, for every test that checks a report: the renderer's, the gate scenarios', the e2e runs'.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';

export const REPORT_SCHEMA_PATH = join(__dirname, '../../../schemas/unitgate-report-1.schema.json');

export const reportSchema = JSON.parse(readFileSync(REPORT_SCHEMA_PATH, 'utf8')) as Record<string, unknown>;

/** A strict ajv: unknown keywords, formats or ambiguous types in the schema are errors, not ignored. */
export function strictAjv(): Ajv2020 {
  return new Ajv2020({ allErrors: true, strict: true });
}

const validate = strictAjv().compile(reportSchema);

/** The schema errors of a report (a parsed JSON value), one line each; empty when it is valid. */
export function reportSchemaErrors(report: unknown): string[] {
  if (validate(report)) return [];
  return (validate.errors ?? []).map(
    (e) => `${e.instancePath || '/'} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`,
  );
}

/** Throws with every schema error when a report does not follow the published schema. */
export function expectValidReport(report: unknown): void {
  const errors = reportSchemaErrors(report);
  if (errors.length > 0) throw new Error(`the report does not follow its schema:\n${errors.join('\n')}`);
}
