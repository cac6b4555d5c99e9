// Properties of parseUnitFile() on generated input: it never throws, its provenance always points
// inside the file, a structured file round-trips, and a very large file parses completely.
import fc from 'fast-check';
import {
  parseUnitFile,
  splitLines,
  stripWhitespace,
  type ParsedUnitFile,
} from '../../../src/core/unit/parse-unit-file';

const SECTIONS = ['Unit', 'Service', 'Install'];

/** Characters that matter to the unit-file syntax, plus some that do not. */
const UNIT_CHAR = fc.constantFrom(
  '[',
  ']',
  '=',
  '\\',
  '\n',
  '\r',
  '#',
  ';',
  ' ',
  '\t',
  '\0',
  '\uFEFF',
  '\uFFFD',
  'S',
  'e',
  'r',
  'v',
  'i',
  'c',
  'U',
  'n',
  't',
  'X',
  '-',
  'a',
  '1',
  '%',
  '"',
  "'",
  'é',
  '😀',
);

/** Unit-ish text: lines built from section headers, assignments, comments and continuations. */
const UNIT_LINE = fc.oneof(
  fc.constantFrom(
    '[Unit]',
    '[Service]',
    '[Install]',
    '[X-Meta]',
    '[Bogus]',
    '[Service',
    '',
    '  ',
    '#',
    ';x',
    '\\',
  ),
  fc
    .tuple(
      fc.constantFrom('User', 'ExecStart', 'A', ' Key ', ''),
      fc.string({ unit: UNIT_CHAR, maxLength: 12 }),
    )
    .map(([k, v]) => `${k}=${v}`),
  fc.string({ unit: UNIT_CHAR, maxLength: 20 }),
);
const UNIT_TEXT = fc
  .tuple(fc.array(UNIT_LINE, { maxLength: 30 }), fc.constantFrom('\n', '\r\n'))
  .map(([lines, eol]) => lines.join(eol));

/** Number of lines as the parser counts them (read_line(): \n, \r and NUL end lines). */
const lineCount = (text: string): number => Math.max(1, splitLines(text).length);

function checkInvariants(text: string, r: ParsedUnitFile): void {
  const lines = lineCount(text);
  for (const a of r.assignments) {
    expect(a.line).toBeGreaterThanOrEqual(1);
    expect(a.line).toBeLessThanOrEqual(lines);
    expect(a.column).toBeGreaterThanOrEqual(1);
    expect(a.sectionLine).toBeGreaterThanOrEqual(1);
    expect(a.sectionLine).toBeLessThan(a.line);
    expect(SECTIONS).toContain(a.section);
    expect(a.key.length).toBeGreaterThan(0);
    expect(stripWhitespace(a.key)).toBe(a.key);
    expect(stripWhitespace(a.value)).toBe(a.value);
    expect(a.file).toBe('/x.service');
    expect(r.sections.some((h) => h.name === a.section && h.line === a.sectionLine)).toBe(true);
  }
  // Assignments come out in file order.
  for (let i = 1; i < r.assignments.length; i++) {
    expect((r.assignments[i] as { line: number }).line).toBeGreaterThan(
      (r.assignments[i - 1] as { line: number }).line,
    );
  }
  for (const d of [...r.diagnostics, ...(r.fatal ? [r.fatal] : [])]) {
    expect(d.line).toBeGreaterThanOrEqual(1);
    expect(d.line).toBeLessThanOrEqual(lines);
    expect(d.column).toBeGreaterThanOrEqual(1);
  }
  for (const h of r.sections) expect(h.line).toBeLessThanOrEqual(lines);
}

describe('parseUnitFile never throws and keeps provenance inside the file', () => {
  it.each([
    ['unit-like characters', fc.string({ unit: UNIT_CHAR, maxLength: 200 })],
    ['unit-like lines', UNIT_TEXT],
    ['any Unicode string', fc.string({ unit: 'binary', maxLength: 200 })],
    [
      'random bytes decoded as UTF-8',
      fc.uint8Array({ maxLength: 300 }).map((b) => new TextDecoder().decode(b)),
    ],
  ] as const)('%s', (_name, arbitrary) => {
    fc.assert(
      fc.property(arbitrary, (text: string) => {
        checkInvariants(text, parseUnitFile(text, '/x.service', SECTIONS));
      }),
      { numRuns: 300 },
    );
  });
});

describe('a structured file round-trips', () => {
  const KEY = fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,10}$/);
  // Values without backslashes, line breaks or surrounding blanks come back verbatim.
  const VALUE = fc.stringMatching(/^([!-[\]-~]([ -[\]-~]{0,15}[!-[\]-~])?)?$/);
  const ENTRY = fc.oneof(
    fc.record({ kind: fc.constant('section' as const), name: fc.constantFrom('Unit', 'Service', 'Install') }),
    fc.record({
      kind: fc.constant('assignment' as const),
      key: KEY,
      value: VALUE,
      indent: fc.constantFrom('', ' ', '\t  '),
    }),
    fc.record({
      kind: fc.constant('comment' as const),
      text: fc.constantFrom('# c', '; c', '  # =x', '#\\'),
    }),
    fc.record({ kind: fc.constant('blank' as const) }),
  );

  it('every assignment under a known section comes back with its line and column', () => {
    fc.assert(
      fc.property(fc.array(ENTRY, { maxLength: 40 }), (entries) => {
        const lines: string[] = [];
        const expected: { section: string; key: string; value: string; line: number; column: number }[] = [];
        let section: string | undefined;
        for (const e of entries) {
          if (e.kind === 'section') {
            section = e.name;
            lines.push(`[${e.name}]`);
          } else if (e.kind === 'assignment') {
            lines.push(`${e.indent}${e.key}=${e.value}`);
            if (section)
              expected.push({
                section,
                key: e.key,
                value: e.value,
                line: lines.length,
                column: e.indent.length + 1,
              });
          } else if (e.kind === 'comment') lines.push(e.text);
          else lines.push('');
        }
        const r = parseUnitFile(lines.join('\n'), '/x.service', SECTIONS);
        expect(r.fatal).toBeUndefined();
        expect(
          r.assignments.map(({ section: s, key, value, line, column }) => ({
            section: s,
            key,
            value,
            line,
            column,
          })),
        ).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});

describe('large input', () => {
  it('parses a 10 MB file completely', () => {
    const chunks: string[] = ['# generated\n[Unit]\nDescription=big\n[Service]\n'];
    let size = chunks[0]!.length;
    let assignments = 1;
    for (let i = 0; size < 10 * 1024 * 1024; i++) {
      const chunk =
        i % 10 === 0
          ? `# comment ${i}\nEnvironment=A${i}=1 \\\n  B${i}=2\n`
          : `Environment=VAR_${i}=${'x'.repeat(40)}\n`;
      chunks.push(chunk);
      size += chunk.length;
      assignments++;
    }
    const text = chunks.join('');
    const r = parseUnitFile(text, '/big.service', SECTIONS);
    expect(r.fatal).toBeUndefined();
    expect(r.diagnostics).toEqual([]);
    expect(r.assignments).toHaveLength(assignments);
    const last = r.assignments[r.assignments.length - 1];
    expect(last?.line).toBe(lineCount(text));
  });

  it('refuses a single 10 MB line without reading on', () => {
    const r = parseUnitFile(
      `[Service]\nUser=${'a'.repeat(10 * 1024 * 1024)}\nGroup=b\n`,
      '/big.service',
      SECTIONS,
    );
    expect(r.fatal?.message).toBe('Line too long');
    expect(r.assignments).toEqual([]);
  });

  it('joins 150,000 continued lines in linear time', () => {
    const started = Date.now();
    const r = parseUnitFile(
      `[Service]\nEnvironment=${'A=1 \\\n'.repeat(150_000)}B=2\n`,
      '/big.service',
      SECTIONS,
    );
    expect(r.fatal).toBeUndefined();
    expect(r.assignments).toHaveLength(1);
    expect(r.assignments[0]?.value).toHaveLength(150_000 * 5 + 3);
    expect(Date.now() - started).toBeLessThan(5000); // quadratic work takes tens of seconds
  });

  it('parses 10 MB of lines without a "=" before the only one, at the end, in linear time', () => {
    const started = Date.now();
    const r = parseUnitFile(`[Service]\n${'abcdefgh\n'.repeat(1_100_000)}A=\uFFFD`, '/big.service', SECTIONS);
    expect(r.diagnostics).toHaveLength(1_100_000);
    // The last line is not UTF-8 clean: systemd refuses the file there.
    expect(r.fatal).toMatchObject({ line: 1_100_002, kind: 'refused-unit' });
    expect(Date.now() - started).toBeLessThan(5000); // quadratic work takes tens of seconds
  });
});
