// The references the report formats without a published schema are checked against
// (schemas/reference/): GitLab's documented Code Quality fields as a JSON Schema, compiled by a strict
// ajv, and the Jenkins xUnit plugin's JUnit XSD, applied by xmllint (Debian: libxml2-utils).
//
// xmllint is an external tool, like the live systemd oracles: on a laptop without it the JUnit tests
// are skipped with a notice; under CI=true (.ci/run installs it) a missing xmllint fails them.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { strictAjv } from './report-schema';

const REFERENCE = join(__dirname, '../../../schemas/reference');
export const CODE_QUALITY_SCHEMA_PATH = join(REFERENCE, 'gitlab-code-quality.schema.json');
export const JUNIT_XSD_PATH = join(REFERENCE, 'junit-10.xsd');

const validateCodeQuality = strictAjv().compile(
  JSON.parse(readFileSync(CODE_QUALITY_SCHEMA_PATH, 'utf8')) as Record<string, unknown>,
);

/**
 * The problems of a Code Quality report's text, one line each; empty when GitLab would take it: a
 * JSON array valid against the reference schema, with no byte order mark (GitLab rejects one).
 */
export function codeQualityErrors(text: string): string[] {
  if (text.charCodeAt(0) === 0xfeff) return ['starts with a byte order mark'];
  let report: unknown;
  try {
    report = JSON.parse(text);
  } catch (e) {
    return [`not JSON: ${(e as Error).message}`];
  }
  if (validateCodeQuality(report)) return [];
  return (validateCodeQuality.errors ?? []).map(
    (e) => `${e.instancePath || '/'} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`,
  );
}

export function expectValidCodeQuality(text: string): void {
  const errors = codeQualityErrors(text);
  if (errors.length > 0) throw new Error(`not a valid Code Quality report:\n${errors.join('\n')}\n${text}`);
}

const XMLLINT_FOUND = spawnSync('xmllint', ['--version']).error === undefined;

/** Runs xmllint with the document on its standard input (`-`). */
export function xmllint(
  args: string[],
  xml: string,
): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('xmllint', [...args, '-'], {
    input: xml,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** xmllint's complaints about a JUnit report: not well-formed, or not valid against the XSD; '' when fine. */
export function junitErrors(xml: string): string {
  const r = xmllint(['--noout', '--nonet', '--schema', JUNIT_XSD_PATH], xml);
  return r.status === 0 ? '' : r.stderr || `xmllint exited ${r.status}`;
}

export function expectValidJunit(xml: string): void {
  const errors = junitErrors(xml);
  if (errors !== '') throw new Error(`not valid against ${JUNIT_XSD_PATH}:\n${errors}\n${xml}`);
}

/** An XPath 1.0 string expression evaluated on a document, e.g. `string(//failure/@message)`. */
export function xpathString(xml: string, expression: string): string {
  const r = xmllint(['--nonet', '--xpath', expression], xml);
  if (r.status !== 0) throw new Error(`xmllint --xpath ${expression} failed: ${r.stderr}`);
  // xmllint ends a string result with a line feed of its own.
  return r.stdout.replace(/\n$/, '');
}

/**
 * `describe` for tests that need xmllint: run when it is installed; without it, a failing test under
 * CI=true (CI must never skip them), else skipped with a notice saying how to install it.
 */
export function describeWithXmllint(title: string, body: () => void): void {
  if (XMLLINT_FOUND) describe(title, body);
  else if (process.env.CI === 'true')
    describe(title, () => {
      it('needs xmllint (CI=true)', () => {
        throw new Error('xmllint not found: install Debian libxml2-utils (.ci/run does)');
      });
    });
  else {
    console.warn(
      `${title}: SKIPPED, xmllint not found. Install it (Debian: apt-get install libxml2-utils); ` +
        '.ci/run does, and under CI=true these tests fail instead of skipping.',
    );
    describe.skip(`${title} (SKIPPED: no xmllint)`, body);
  }
}
