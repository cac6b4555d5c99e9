// Verdict and findings → a JUnit XML report, for the test views of CI systems that read no SARIF or
// Code Quality (GitLab's test report, Jenkins' JUnit plugin, Buildkite's test analytics). One testsuite
// for the run, one testcase per unit in scope: a unit the gate fails is a failed testcase whose message
// names the check and the file:line, so that a view listing only messages still says what to fix.
// Valid against the Jenkins xUnit plugin's JUnit XSD (schemas/reference/junit-10.xsd).
import type { GateVerdict, UnitResult } from '../gate/gate-types';
import { findingsByUnit, isUnitFinding, type Finding } from '../gate/findings';
import { formatExposure } from '../security/render-security';

/**
 * Code points XML 1.0 does not allow anywhere in a document, not even as character references: C0
 * controls other than tab, line feed and carriage return, U+FFFE, U+FFFF and unpaired surrogates.
 */
const NOT_XML_CHAR =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * A text with the code points XML cannot carry written out as C escapes (`\x01`, `\ufffe`, as
 * systemd prints control characters), so that a report stays well-formed and still shows where a unit
 * file holds such a byte. Everything else is kept as it is.
 */
export function xmlSafe(text: string): string {
  return text.replace(NOT_XML_CHAR, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x20 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`;
  });
}

/** Character data: markup characters escaped, and CR as a reference (parsers turn a bare CR into LF). */
export function xmlText(text: string): string {
  return xmlSafe(text).replace(/[&<>\r]/g, (c) => TEXT_ESCAPES[c] ?? c);
}

/**
 * An attribute value in double quotes: also the quote, and tab and line breaks as references, which
 * attribute-value normalization would otherwise turn into spaces.
 */
export function xmlAttribute(text: string): string {
  return xmlSafe(text).replace(/[&<>"\t\n\r]/g, (c) => ATTRIBUTE_ESCAPES[c] ?? c);
}

const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#13;' };
const ATTRIBUTE_ESCAPES: Record<string, string> = {
  ...TEXT_ESCAPES,
  '"': '&quot;',
  '\t': '&#9;',
  '\n': '&#10;',
};

interface TestCase {
  name: string;
  classname: string;
  failure?: { message: string; type: string; details: string };
  skipped?: string;
  out: string[];
}

/** `file:line`, or the removed line's place at the base commit; nothing for findings about the run. */
function place(f: Finding): string {
  if (f.file === '') return '';
  return f.side === 'base' ? `${f.file}:${f.line} (removed line, at the base commit)` : `${f.file}:${f.line}`;
}

/** One line per finding: where, which check, what. */
function findingLine(f: Finding): string {
  const where = place(f);
  return `${where ? `${where}: ` : ''}${f.check}: ${f.message}`;
}

/** What a view that shows only the failure message must still say: the check, the line, the first error. */
function failureOf(errors: Finding[]): TestCase['failure'] {
  const first = errors[0];
  if (!first) return undefined;
  const where = place(first);
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  const details = errors.flatMap((f) => [
    findingLine(f),
    ...(f.fix && f.fix.directives.length > 0 ? [`  fix: ${f.fix.directives.join('  ')}`] : []),
  ]);
  return {
    message: `${first.check}${where ? ` at ${where}` : ''}: ${first.message}${more}`,
    type: first.ruleId,
    details: details.join('\n'),
  };
}

/** Warnings and accepted (or pending) deviations: said, never failing. */
function advisoryLines(findings: Finding[]): string[] {
  const lines: string[] = [];
  for (const f of findings) {
    if (f.level === 'warning') lines.push(`warning: ${findingLine(f)}`);
    else if (f.level === 'notice') {
      const note = `${f.note?.owner ?? 'no owner'}, expires ${f.note?.expires ?? '?'}`;
      lines.push(
        f.pendingApproval !== undefined
          ? `pending deviation (${note}, needs ${f.pendingApproval}): ${findingLine(f)}`
          : `accepted deviation (${note}, approved by ${f.acceptedBy ?? '?'}): ${findingLine(f)}`,
      );
    }
  }
  return lines;
}

/** Jenkins splits a classname at its last dot into package and class: a profile's dots would split it. */
const classOf = (profile: string): string => `unitgate.${(profile || 'none').replace(/\./g, '_')}`;

function unitCase(u: UnitResult, findings: Finding[]): TestCase {
  const exposure = u.head
    ? `${u.base ? `${formatExposure(u.base.exposure)} → ` : ''}${formatExposure(u.head.exposure)} ${u.head.level}`
    : '—';
  const summary =
    `${u.status}: profile ${u.profile}, threshold ${formatExposure(u.threshold)}, exposure ${exposure}` +
    (u.previousPath !== undefined ? `, renamed from ${u.previousPath}` : '') +
    (u.note ? ` — ${u.note}` : '');
  const failure = failureOf(findings.filter((f) => f.level === 'error'));
  return {
    name: u.path,
    classname: classOf(u.profile),
    ...(failure ? { failure } : {}),
    ...(!failure && u.status === 'excluded' ? { skipped: `excluded: ${u.note ?? ''}` } : {}),
    out: [summary, ...advisoryLines(findings)],
  };
}

function renderCase(c: TestCase): string[] {
  const lines = [`    <testcase name="${xmlAttribute(c.name)}" classname="${xmlAttribute(c.classname)}">`];
  if (c.failure)
    lines.push(
      `      <failure message="${xmlAttribute(c.failure.message)}" type="${xmlAttribute(c.failure.type)}">` +
        `${xmlText(c.failure.details)}</failure>`,
    );
  if (c.skipped !== undefined) lines.push(`      <skipped message="${xmlAttribute(c.skipped)}"/>`);
  if (c.out.length > 0) lines.push(`      <system-out>${xmlText(c.out.join('\n'))}</system-out>`);
  lines.push('    </testcase>');
  return lines;
}

/**
 * The JUnit report of a verdict. Findings about the run itself (a loosened policy, inputs, scope) are
 * one more testcase, present only when there are some; the verdict's messages and result line are the
 * suite's output. No times: the core has no clock, and a gate's duration says nothing.
 */
export function renderJunit(verdict: GateVerdict, findings: readonly Finding[]): string {
  const byUnit = findingsByUnit(findings);
  const cases: TestCase[] = [];
  const run = findings.filter((f) => !isUnitFinding(f));
  if (run.length > 0) {
    const failure = failureOf(run.filter((f) => f.level === 'error'));
    cases.push({
      name: 'policy, inputs and scope of the run',
      classname: 'unitgate.run',
      ...(failure ? { failure } : {}),
      out: advisoryLines(run),
    });
  }
  for (const u of verdict.units) cases.push(unitCase(u, byUnit.get(u.path) ?? []));

  const failures = cases.filter((c) => c.failure).length;
  const skipped = cases.filter((c) => c.skipped !== undefined).length;
  const counts = `tests="${cases.length}" failures="${failures}" errors="0"`;
  const properties: [string, string][] = [
    ['result', verdict.result],
    ['mode', verdict.mode],
    ['systemd-version', String(verdict.systemdVersion)],
    ...(verdict.maxExposure !== undefined
      ? [['max-exposure', formatExposure(verdict.maxExposure)] as [string, string]]
      : []),
  ];
  const suiteOut = [
    ...verdict.notes
      .filter((n) => n.problems.length > 0)
      .map((n) => `invalid deviation note for ${n.unit || '?'}: ${n.problems.join('; ')}`),
    ...verdict.messages,
    `${verdict.result.toUpperCase()}: ${verdict.units.length} unit${verdict.units.length === 1 ? '' : 's'} in scope (mode ${verdict.mode}, systemd ${verdict.systemdVersion})`,
  ];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="unitgate" ${counts}>`,
    `  <testsuite name="unitgate" ${counts} skipped="${skipped}">`,
    '    <properties>',
    ...properties.map(
      ([name, value]) => `      <property name="${xmlAttribute(name)}" value="${xmlAttribute(value)}"/>`,
    ),
    '    </properties>',
    ...cases.flatMap(renderCase),
    `    <system-out>${xmlText(suiteOut.join('\n'))}</system-out>`,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
