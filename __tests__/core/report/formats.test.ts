// The one table of report formats: the action's inputs and outputs in action.yml, the CLI's --format
// choices and the action settings all follow it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CLI_FORMATS, FILE_FORMATS, REPORT_FORMATS, reportFormat } from '../../../src/core/report/formats';
import { parseActionSettings } from '../../../src/action/settings';
import { collectFindings } from '../../../src/core/gate/findings';
import { FAILING } from './report-fixtures';

const actionYml = readFileSync(path.join(__dirname, '../../../action.yml'), 'utf8');

/** The keys of a top-level block (`inputs:` or `outputs:`) of action.yml. */
function keysOf(block: string): string[] {
  const start = actionYml.indexOf(`\n${block}:\n`);
  const rest = actionYml.slice(start + block.length + 3);
  const end = rest.search(/\n\S/);
  return [...(end < 0 ? rest : rest.slice(0, end)).matchAll(/^ {2}([\w-]+):/gm)].map((m) => m[1] as string);
}

describe('REPORT_FORMATS', () => {
  it('names each format once', () => {
    const names = REPORT_FORMATS.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it("declares every file format's input and output in action.yml", () => {
    const inputs = keysOf('inputs');
    const outputs = keysOf('outputs');
    for (const f of FILE_FORMATS) {
      expect(inputs).toContain(f.actionInput.name);
      if (f.actionInput.output) expect(outputs).toContain(f.actionInput.output);
    }
  });

  it('gives the action settings the file of each format its input names, the default folder for `true`', () => {
    const settings = parseActionSettings((name) =>
      name === 'sarif' ? 'out/u.sarif' : name === 'badge' ? 'true' : '',
    );
    expect(settings.files).toEqual({
      json: { defaultName: 'unitgate-report.json' },
      sarif: { path: 'out/u.sarif' },
      badge: { defaultName: 'unitgate-badge.json' },
    });
  });

  it("lists every format in the README's generated table", () => {
    const readme = readFileSync(path.join(__dirname, '../../../README.md'), 'utf8');
    for (const f of REPORT_FORMATS) expect(readme).toContain(`| \`${f.name}\` | ${f.description} |`);
  });

  it('offers the CLI formats', () => {
    expect(CLI_FORMATS.map((f) => f.name)).toEqual([
      'text',
      'json',
      'sarif',
      'markdown',
      'comment',
      'codequality',
      'junit',
    ]);
  });

  it.each(REPORT_FORMATS.map((f) => f.name))('renders %s', (name) => {
    const text = reportFormat(name)?.render({
      verdict: FAILING,
      findings: collectFindings(FAILING),
      meta: { toolVersion: '1.0.0' },
    });
    expect(text).toMatch(/\S/);
    expect(text?.endsWith('\n')).toBe(true);
  });
});
