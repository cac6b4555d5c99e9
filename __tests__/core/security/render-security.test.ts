// renderJson()/renderTable(): `systemd-analyze security` output byte for byte — the JSON array in
// short and pretty form, the text table's column layout, and the overall line's glyph variants.
import { loadUnit } from '../../../src/core/unit/load-unit';
import { memoryTree } from '../../../src/core/unit/unit-tree';
import { deriveSecuritySettings } from '../../../src/core/security/settings';
import { systemdRelease } from '../../../src/core/security/versions';
import { assessUnit, type AssessedRow, type Assessment } from '../../../src/core/security/assess';
import {
  consoleWidth,
  encodeJsonShort,
  encodeTable,
  formatExposure,
  renderJson,
  renderOverallLine,
  renderTable,
  type TextOptions,
} from '../../../src/core/security/render-security';
import type { AssessorData } from '../../../src/core/security/versions';

const LEVELS = systemdRelease(252).data.levels;
const levelFor = (exposure: number) => LEVELS.find((l) => exposure >= l.min) ?? LEVELS[LEVELS.length - 1];

function row(
  name: string,
  set: boolean | null,
  description: string | null,
  exposure: string | null,
): AssessedRow {
  const assessor: AssessorData = {
    name,
    jsonField: name.replace(/=$/, ''),
    weight: 1000,
    range: 1,
    kind: 'bool',
    descriptionGood: null,
    descriptionBad: null,
    descriptionNa: null,
    url: 'https://example.invalid/',
  };
  const badness = set === null ? undefined : set ? 0 : 1;
  return { assessor, index: 0, badness, description, weight: 1000, range: 1, set, exposure };
}

function assessment(rows: AssessedRow[], exposure = 96, unitId = 'x.service'): Assessment {
  return { unitId, rows, exposure, level: levelFor(exposure) as Assessment['level'] };
}

const SAMPLE = assessment([
  row('A=', false, 'bad thing', '0.5'),
  row('Bee=', null, 'not applicable', null),
  row('C=', true, 'fine', null),
  row('D=', false, null, '10.0'),
]);

const PLAIN: TextOptions = { utf8: true, colors: false, emoji: true };

describe('renderJson', () => {
  it('short: the whole array on one line, keys in systemd order', () => {
    expect(renderJson(assessment([row('A=', false, 'bad thing', '0.5')]), 'short')).toBe(
      '[{"set":false,"name":"A=","json_field":"A","description":"bad thing","exposure":"0.5"}]\n',
    );
  });

  it('short: null set, description and exposure', () => {
    const out = renderJson(assessment([row('Bee=', null, null, null)]), 'short');
    expect(out).toBe('[{"set":null,"name":"Bee=","json_field":"Bee","description":null,"exposure":null}]\n');
  });

  it('pretty: tab indentation and "key" : value', () => {
    const out = renderJson(
      assessment([row('A=', false, 'bad thing', '0.5'), row('C=', true, 'fine', null)]),
      'pretty',
    );
    expect(out).toBe(
      [
        '[',
        '\t{',
        '\t\t"set" : false,',
        '\t\t"name" : "A=",',
        '\t\t"json_field" : "A",',
        '\t\t"description" : "bad thing",',
        '\t\t"exposure" : "0.5"',
        '\t},',
        '\t{',
        '\t\t"set" : true,',
        '\t\t"name" : "C=",',
        '\t\t"json_field" : "C",',
        '\t\t"description" : "fine",',
        '\t\t"exposure" : null',
        '\t}',
        ']',
        '',
      ].join('\n'),
    );
  });

  it.each(['short', 'pretty'] as const)('%s: escapes like JSON and keeps UTF-8 as is', (mode) => {
    const out = renderJson(assessment([row('R=~…', false, 'say "hi"\\', null)]), mode);
    expect(JSON.parse(out)).toEqual([
      { set: false, name: 'R=~…', json_field: 'R=~…', description: 'say "hi"\\', exposure: null },
    ]);
    expect(out).toContain('~…');
  });

  it.each(['short', 'pretty'] as const)('%s: an assessment without rows is an empty array', (mode) => {
    expect(JSON.parse(renderJson(assessment([]), mode))).toEqual([]);
  });

  it('short: the real worked example parses back to 81 rows in the same order', () => {
    const loaded = loadUnit(memoryTree({ '/u/x.service': '[Service]\nExecStart=/bin/true\n' }), 'x.service', {
      searchPath: ['/u'],
    });
    if (!loaded.ok) throw new Error(loaded.failure.message);
    const a = assessUnit(
      deriveSecuritySettings(loaded.unit, systemdRelease(252)).settings!,
      systemdRelease(252),
    );
    const parsed = JSON.parse(renderJson(a, 'short')) as { name: string }[];
    expect(parsed.map((o) => o.name)).toEqual(a.rows.map((r) => r.assessor.name));
    expect(JSON.parse(renderJson(a, 'pretty'))).toEqual(parsed);
  });
});

describe('encodeJsonShort', () => {
  const encoded = (a: Assessment, size = 1 << 16, offset = 0): Uint8Array | -1 => {
    const out = new Uint8Array(size);
    const end = encodeJsonShort(a, out, offset);
    return end < 0 ? -1 : out.subarray(offset, end);
  };
  const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
  const loaded = loadUnit(memoryTree({ '/u/x.service': '[Service]\nExecStart=/bin/true\n' }), 'x.service', {
    searchPath: ['/u'],
  });
  if (!loaded.ok) throw new Error(loaded.failure.message);
  const real = assessUnit(
    deriveSecuritySettings(loaded.unit, systemdRelease(262)).settings!,
    systemdRelease(262),
  );

  it.each([
    ['the sample', SAMPLE],
    ['no rows', assessment([])],
    ['a real unit (v262, with `…` in names and texts)', real],
    [
      'texts that need escaping or are not ASCII',
      assessment([
        row('Q"=', true, 'a "quoted" \\ back\tslash\u0001', null),
        row('Ü=', false, 'ünïcødé ✓ 😀 and a lone \ud800 surrogate', '1.0'),
      ]),
    ],
  ])('%s: the UTF-8 of renderJson(…, "short")', (_name, a) => {
    expect(encoded(a)).toEqual(utf8(renderJson(a, 'short')));
  });

  it('writes from the offset it is given, and only reports the end', () => {
    const out = new Uint8Array(4096).fill(0x7e);
    const end = encodeJsonShort(SAMPLE, out, 100);
    const expected = utf8(renderJson(SAMPLE, 'short'));
    expect(end).toBe(100 + expected.length);
    expect(out.subarray(100, end)).toEqual(expected);
    expect(out.subarray(0, 100).every((b) => b === 0x7e)).toBe(true);
  });

  it('returns -1 when the buffer cannot hold it all', () => {
    const size = utf8(renderJson(SAMPLE, 'short')).length;
    expect(encoded(SAMPLE, size - 1)).toBe(-1);
    expect(encoded(SAMPLE, size + 10, 11)).toBe(-1);
    expect(encoded(SAMPLE, size)).toEqual(utf8(renderJson(SAMPLE, 'short')));
  });
});

describe('renderTable', () => {
  it('pads columns to the widest cell, right-aligns EXPOSURE and leaves an empty last cell unpadded', () => {
    expect(renderTable(SAMPLE, PLAIN)).toBe(
      [
        '  NAME DESCRIPTION    EXPOSURE',
        '✗ A=   bad thing           0.5',
        '  Bee= not applicable ',
        '✓ C=   fine           ',
        '✗ D=                      10.0',
        '',
        '→ Overall exposure level for x.service: 9.6 UNSAFE 😨',
        '',
      ].join('\n'),
    );
  });

  it('uses + and - for the check marks without UTF-8', () => {
    const out = renderTable(SAMPLE, { utf8: false, colors: false, emoji: false }).split('\n');
    expect(out.slice(1, 5).map((l) => l[0])).toEqual(['-', ' ', '+', '-']);
    expect(out[6]).toBe('-> Overall exposure level for x.service: 9.6 UNSAFE :-{');
  });

  // Widths as systemd-analyze 252–262 measure them (utf8_console_width()): CJK two cells, the
  // emoticons block one, a combining mark one cell of its own.
  it('measures wide characters as systemd does', () => {
    const out = renderTable(
      assessment([row('日本=', false, 'x', '0.1'), row('A=', true, '😀', null)]),
      PLAIN,
    ).split('\n');
    expect(out.slice(0, 3)).toEqual([
      '  NAME  DESCRIPTION EXPOSURE',
      '✗ 日本= x                0.1',
      '✓ A=    😀           ',
    ]);
  });

  it('counts a combining mark as a cell and pads past 256 spaces', () => {
    const long = 'y'.repeat(300);
    const out = renderTable(
      assessment([row('A=', false, 'e\u0301', '0.1'), row('B=', false, long, '0.2')]),
      PLAIN,
    ).split('\n');
    expect(out[1]).toBe(`✗ A=   e\u0301${' '.repeat(298)}      0.1`);
    expect(out[2]).toBe(`✗ B=   ${long}      0.2`);
  });

  it('counts a tab as the release does (one cell, eight on 262)', () => {
    const rows = [row('A=', false, 'a\tb', '0.1'), row('B=', false, 'c', '0.2')];
    expect(renderTable(assessment(rows), PLAIN).split('\n')[1]).toBe(`✗ A=   a\tb${' '.repeat(14)}0.1`);
    expect(renderTable(assessment(rows), { ...PLAIN, tabCells: 8 }).split('\n')[1]).toBe(
      `✗ A=   a\tb${' '.repeat(7)}0.1`,
    );
    const wide = [row('A=', false, 'a\tbcdefghijk', '0.1')];
    expect(renderTable(assessment(wide), { ...PLAIN, tabCells: 8 }).split('\n')[0]).toBe(
      `  NAME DESCRIPTION${' '.repeat(8)} EXPOSURE`,
    );
  });

  // A description of several lines (a security policy's): the row's further lines show the row's URL
  // in the NAME column, padded as an empty cell, as systemd-analyze 252–262 print them.
  it('prints a description of several lines as systemd does', () => {
    const out = renderTable(assessment([row('A=', false, 'one\ntwo', '0.1')]), PLAIN).split('\n');
    expect(out.slice(1, 3)).toEqual([
      `✗ A=   one${' '.repeat(14)}0.1`,
      `  https://example.invalid/     two         `,
    ]);
  });

  it('grows the EXPOSURE column for wider values, its header left-aligned (table.c, as systemd prints it)', () => {
    const out = renderTable(assessment([row('A=', false, 'd', '123456789.0')]), PLAIN).split('\n');
    expect(out.slice(0, 2)).toEqual(['  NAME DESCRIPTION EXPOSURE', '✗ A=   d           123456789.0']);
  });

  it('colours the header, the marks and the overall line on a terminal', () => {
    const out = renderTable(SAMPLE, { utf8: true, colors: true, emoji: true });
    const lines = out.split('\n');
    expect(lines[0]).toBe('\x1b[4m  NAME DESCRIPTION    EXPOSURE\x1b[0m');
    expect(lines[1]).toBe('\x1b[0;1;31m✗\x1b[0m A=   bad thing           0.5');
    expect(lines[2]).toBe('  Bee= not applicable ');
    expect(lines[3]).toBe('\x1b[0;1;32m✓\x1b[0m C=   fine           ');
    expect(lines[6]).toBe(
      '→ \x1b[0;1;39mOverall exposure level for x.service\x1b[0m: \x1b[0;1;31m9.6 UNSAFE\x1b[0m 😨',
    );
  });
});

describe('renderOverallLine', () => {
  it.each([
    [0, '0.0 PERFECT', '😇', ':-]'],
    [1, '0.1 SAFE', '😀', ':-}'],
    [10, '1.0 OK', '🙂', ':-)'],
    [50, '5.0 MEDIUM', '😐', ':-|'],
    [75, '7.5 EXPOSED', '🙁', ':-('],
    [96, '9.6 UNSAFE', '😨', ':-{'],
    [100, '10.0 DANGEROUS', '🤢', ':-['],
  ])('exposure %d → %s %s / %s', (exposure, text, emoji, ascii) => {
    const a = assessment([], exposure, 'web@blue.service');
    expect(renderOverallLine(a, { utf8: true, colors: false, emoji: true })).toBe(
      `\n→ Overall exposure level for web@blue.service: ${text} ${emoji}\n`,
    );
    expect(renderOverallLine(a, { utf8: true, colors: false, emoji: false })).toBe(
      `\n→ Overall exposure level for web@blue.service: ${text} ${ascii}\n`,
    );
    expect(renderOverallLine(a, { utf8: false, colors: false, emoji: true })).toBe(
      `\n-> Overall exposure level for web@blue.service: ${text} ${ascii}\n`,
    );
  });

  it('leaves a level without colour uncoloured (MEDIUM)', () => {
    const line = renderOverallLine(assessment([], 50), { utf8: true, colors: true, emoji: false });
    expect(line).toBe('\n→ \x1b[0;1;39mOverall exposure level for x.service\x1b[0m: 5.0 MEDIUM\x1b[0m :-|\n');
  });
});

describe('formatExposure', () => {
  it.each([
    [0, '0.0'],
    [1, '0.1'],
    [9, '0.9'],
    [10, '1.0'],
    [96, '9.6'],
    [100, '10.0'],
  ])('%d → %s', (n, s) => {
    expect(formatExposure(n)).toBe(s);
  });
});

// Read off systemd-analyze 252, 257 and 262 through table cells: every code point is at least one
// cell (marks, zero-width and control characters too), emoji past U+1F567 are narrow, a tab is one
// cell (eight on 262).
describe('consoleWidth (utf8_console_width())', () => {
  it.each([
    ['', 1, 0],
    ['abc', 1, 3],
    ['✓✗→…', 1, 4],
    ['😀', 1, 1],
    ['🌀', 1, 2],
    ['日本', 1, 4],
    ['한', 1, 2],
    ['e\u0301', 1, 2],
    ['\x1b', 1, 1],
    ['a\u200bb', 1, 3],
    ['a\tb', 1, 3],
    ['a\tb', 8, 10],
  ])('%j (tab %d cells) → %d', (s, tab, w) => {
    expect(consoleWidth(s, tab)).toBe(w);
  });
});

describe('encodeTable', () => {
  const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
  const encoded = (a: Assessment, options: TextOptions, size = 1 << 16, offset = 0): Uint8Array | -1 => {
    const out = new Uint8Array(size);
    const end = encodeTable(a, options, out, offset);
    return end < 0 ? -1 : out.subarray(offset, end);
  };
  const scored = (text: string, version: 252 | 262 = 262): Assessment => {
    const loaded = loadUnit(memoryTree({ '/u/x.service': text }), 'x.service', { searchPath: ['/u'] });
    if (!loaded.ok) throw new Error(loaded.failure.message);
    const release = systemdRelease(version);
    return assessUnit(deriveSecuritySettings(loaded.unit, release).settings!, release);
  };
  // Real units share their release's assessor table, so the row memo carries over from one to the next.
  const bare = scored('[Service]\nExecStart=/bin/true\n');
  const hardened = scored(
    '[Service]\nExecStart=/bin/true\nDynamicUser=yes\nPrivateNetwork=yes\nDeviceAllow=/dev/null rw\nDeviceAllow=/dev/zero r\n',
  );
  const OPTIONS: [string, TextOptions][] = [
    ['UTF-8', PLAIN],
    ['ASCII', { utf8: false, colors: false, emoji: false }],
    ['colours', { utf8: true, colors: true, emoji: true }],
    ['tabs of eight cells', { ...PLAIN, tabCells: 8 }],
  ];

  it.each(OPTIONS)('%s: the UTF-8 of renderTable(), whatever was encoded before', (_name, options) => {
    for (const a of [bare, hardened, bare, SAMPLE, hardened, bare])
      expect(encoded(a, options)).toEqual(utf8(renderTable(a, options)));
  });

  it('several-line descriptions, wide and tab characters, and a lone surrogate', () => {
    const a = assessment([
      row('A=', false, 'first line\nsecond, longer line\n', '0.5'),
      row('B\t=', true, '漢字 ✓ and a lone \ud800', null),
      row('C=', null, null, null),
    ]);
    for (const options of OPTIONS.map(([, o]) => o))
      expect(encoded(a, options)).toEqual(utf8(renderTable(a, options)));
  });

  it('writes from the offset it is given; -1 when the buffer cannot hold it all', () => {
    const expected = utf8(renderTable(bare, PLAIN));
    const out = new Uint8Array(expected.length + 100).fill(0x7e);
    expect(encodeTable(bare, PLAIN, out, 100)).toBe(100 + expected.length);
    expect(out.subarray(100)).toEqual(expected);
    expect(out.subarray(0, 100).every((b) => b === 0x7e)).toBe(true);
    expect(encoded(bare, PLAIN, expected.length - 1)).toBe(-1);
    expect(encoded(bare, PLAIN, expected.length + 10, 11)).toBe(-1);
  });
});
