// parseUnitFile(): systemd's config_parse()/parse_line() syntax (spec §4.4) — comments, continuations,
// sections, `Key=Value` splitting, and the file/line/column provenance every later stage relies on.
import {
  LONG_LINE_MAX,
  parseUnitFile,
  splitLines,
  stripWhitespace,
} from '../../../src/core/unit/parse-unit-file';

const FILE = '/etc/systemd/system/x.service';
const SECTIONS = ['Unit', 'Service', 'Install'];

const parse = (text: string) => parseUnitFile(text, FILE, SECTIONS);
/** The assignments as `Key=Value` strings, in file order. */
const pairs = (text: string): string[] => parse(text).assignments.map((a) => `${a.key}=${a.value}`);
const messages = (text: string): string[] => parse(text).diagnostics.map((d) => `${d.line}: ${d.message}`);

describe('comments are recognised only at the start of a line', () => {
  it.each([
    ['a # line', '[Service]\n# User=a\nUser=b\n', ['User=b']],
    ['a ; line', '[Service]\n; User=a\nUser=b\n', ['User=b']],
    ['an indented # line', '[Service]\n  \t# User=a\n', []],
    ['an indented ; line', '[Service]\n \t; User=a\n', []],
    ['# after a value is part of the value', '[Service]\nUser=a # b\n', ['User=a # b']],
    ['; after a value is part of the value', '[Service]\nUser=a;b\n', ['User=a;b']],
    ['# inside a key is part of the key', '[Service]\nUs#er=a\n', ['Us#er=a']],
    ['a comment ending in a backslash does not continue', '[Service]\n# x \\\nUser=a\n', ['User=a']],
    ['a # line inside a continuation is dropped', '[Service]\nUser=a \\\n# x\nb\n', ['User=a  b']],
    ['a ; line inside a continuation is dropped', '[Service]\nUser=a\\\n  ; x\nb\n', ['User=a b']],
    ['several comment lines inside a continuation', '[Service]\nUser=a\\\n#1\n;2\n#3\nb\n', ['User=a b']],
  ])('%s', (_name, text, expected) => {
    expect(pairs(text)).toEqual(expected);
    expect(parse(text).diagnostics).toEqual([]);
  });
});

describe('continuation lines', () => {
  it.each([
    ['one trailing backslash continues; it becomes a space', '[Service]\nUser=a\\\nb\n', ['User=a b']],
    ['three trailing backslashes continue (odd)', '[Service]\nUser=a\\\\\\\nb\n', ['User=a\\\\ b']],
    ['the next line is appended verbatim', '[Service]\nUser=a\\\n   b\n', ['User=a    b']],
    ['over three lines', '[Service]\nUser=a\\\nb\\\nc\n', ['User=a b c']],
    ['an empty line ends the continuation', '[Service]\nUser=a\\\n\nGroup=b\n', ['User=a', 'Group=b']],
    ['a backslash in the middle is kept', '[Service]\nUser=a\\b\n', ['User=a\\b']],
    ['a continued key', '[Service]\nUs\\\ner=a\n', ['Us er=a']],
    ['a continuation open at EOF is parsed (no newline)', '[Service]\nUser=a\\', ['User=a']],
    ['a continuation open at EOF is parsed (with newline)', '[Service]\nUser=a\\\n', ['User=a']],
    ['a continuation at EOF after a comment line', '[Service]\nUser=a\\\n# c\n', ['User=a']],
  ])('%s', (_name, text, expected) => {
    expect(pairs(text)).toEqual(expected);
  });

  it('two trailing backslashes (even) do not continue: the next line stands alone', () => {
    const text = '[Service]\nUser=a\\\\\nb\n';
    expect(pairs(text)).toEqual(['User=a\\\\']);
    expect(messages(text)).toEqual(["3: Missing '=', ignoring line."]);
  });

  it('a continued section header is a section header', () => {
    expect(pairs('[Service]\\\n\nUser=a\n')).toEqual(['User=a']);
    expect(messages('[Serv\\\nice]\nUser=a\n')).toEqual(["1: Unknown section 'Serv ice'. Ignoring."]);
  });
});

describe('keys and values', () => {
  it.each([
    ['whitespace around = is trimmed', '[Service]\n  User  =  a b  \n', 'User', 'a b'],
    ['tabs around = are trimmed', '[Service]\n\tUser\t=\ta\t\n', 'User', 'a'],
    ['the value splits at the first =', '[Service]\nEnvironment=A=B=C\n', 'Environment', 'A=B=C'],
    ['an empty value', '[Service]\nUser=\n', 'User', ''],
    ['a value of blanks is empty', '[Service]\nUser=   \n', 'User', ''],
    ['keys keep their case (keys are case-sensitive)', '[Service]\nuser=a\n', 'user', 'a'],
    ['quotes are not removed at this level', '[Service]\nUser="a b"\n', 'User', '"a b"'],
  ])('%s', (_name, text, key, value) => {
    const [a] = parse(text).assignments;
    expect(a).toMatchObject({ key, value });
  });

  it.each([
    ['a line without =', '[Service]\nUser\n', "2: Missing '=', ignoring line."],
    ['a line starting with =', '[Service]\n=a\n', "2: Missing key name before '=', ignoring line."],
    ['a line of only =', '[Service]\n  =\n', "2: Missing key name before '=', ignoring line."],
  ])('%s is ignored with a warning', (_name, text, message) => {
    expect(pairs(text)).toEqual([]);
    expect(messages(text)).toEqual([message]);
    expect(parse(text).fatal).toBeUndefined();
  });

  // parse_line() returns log_syntax_invalid_utf8()'s -EINVAL: the file ends there (systemd-analyze 252).
  it.each([
    ['an assignment', '[Service]\nUser=a\uFFFD\nGroup=b\n', 2, 'User=a\uFFFD'],
    ['a section header', '[Serv\uFFFDice]\nUser=a\n', 1, '[Serv\uFFFDice]'],
    // A continued line is located at its first line, as every location is (systemd logs the last one).
    ['a continued line (joined)', '[Service]\nUser=a \\\n b\uFFFD\n', 2, 'User=a   b\uFFFD'],
  ])('invalid UTF-8 in %s makes the file unreadable (Invalid argument)', (_name, text, line, shown) => {
    const r = parse(text);
    expect(r.fatal).toMatchObject({
      line,
      severity: 'error',
      kind: 'refused-unit',
      message: `String is not UTF-8 clean, ignoring assignment: ${shown}`,
    });
    expect(r.fatalReason).toBe('Invalid argument');
    expect(r.assignments.map((a) => a.key)).toEqual([]);
  });

  it('invalid UTF-8 in a comment is not looked at', () => {
    expect(parse('[Service]\n# \uFFFD\nUser=a\n').fatal).toBeUndefined();
  });
});

describe('line endings and byte order mark', () => {
  it.each([
    ['CRLF line endings', '[Service]\r\nUser=a\r\nGroup=b\r\n', ['User=a', 'Group=b']],
    ['CRLF inside a continuation', '[Service]\r\nUser=a\\\r\nb\r\n', ['User=a b']],
    ['CRLF comment lines', '[Service]\r\n# c\r\nUser=a\r\n', ['User=a']],
    ['a UTF-8 BOM before the first section header', '\uFEFF[Service]\nUser=a\n', ['User=a']],
    ['a UTF-8 BOM before a first-line assignment', '\uFEFF[Service]\r\nUser=a\r\n', ['User=a']],
  ])('%s', (_name, text, expected) => {
    expect(pairs(text)).toEqual(expected);
    expect(parse(text).diagnostics).toEqual([]);
  });

  it('a BOM is stripped after the comment check, so "BOM#…" on line 1 is not a comment', () => {
    // systemd 252 prints "x.service:1: Assignment outside of section. Ignoring." for this file too.
    const text = '\uFEFF# comment\n[Service]\nUser=a\n';
    expect(pairs(text)).toEqual(['User=a']);
    expect(messages(text)).toEqual(['1: Assignment outside of section. Ignoring.']);
  });

  it('CRLF does not change line numbers or columns', () => {
    const [a] = parse('[Unit]\r\n\r\n[Service]\r\n  User=a\r\n').assignments;
    expect(a).toMatchObject({ line: 4, column: 3, sectionLine: 3 });
  });
});

describe('sections', () => {
  it.each([
    [
      'an unknown section warns and its assignments are dropped',
      '[Foo]\nUser=a\n',
      ["1: Unknown section 'Foo'. Ignoring."],
    ],
    ['an X- section is ignored silently', '[X-Foo]\nUser=a\nBar=b\n', []],
    ['section names are case-sensitive', '[service]\nUser=a\n', ["1: Unknown section 'service'. Ignoring."]],
    ['an empty section name is unknown', '[]\nUser=a\n', ["1: Unknown section ''. Ignoring."]],
    [
      'an assignment before any section warns',
      'User=a\n[Service]\n',
      ['1: Assignment outside of section. Ignoring.'],
    ],
    ['a blank-only file is empty', '\n  \n\t\n', []],
  ])('%s', (_name, text, expected) => {
    expect(pairs(text)).toEqual([]);
    expect(messages(text)).toEqual(expected);
    expect(parse(text).fatal).toBeUndefined();
  });

  it('a known section after an ignored one is read again', () => {
    const text = '[X-Meta]\nA=1\n[Foo]\nB=2\n[Service]\nUser=a\n';
    expect(pairs(text)).toEqual(['User=a']);
    expect(parse(text).sections).toEqual([{ name: 'Service', line: 5 }]);
  });

  it('records every known section header with its line, repeated headers included', () => {
    const r = parse('[Unit]\nDescription=x\n\n[Service]\nUser=a\n[Service]\nGroup=b\n');
    expect(r.sections).toEqual([
      { name: 'Unit', line: 1 },
      { name: 'Service', line: 4 },
      { name: 'Service', line: 6 },
    ]);
    expect(r.assignments.map((a) => [a.section, a.sectionLine])).toEqual([
      ['Unit', 1],
      ['Service', 4],
      ['Service', 6],
    ]);
  });

  it('an indented header is a header', () => {
    expect(parse('  [Service]\nUser=a\n').sections).toEqual([{ name: 'Service', line: 1 }]);
  });

  it.each([
    [
      'an unterminated header',
      '[Service]\nUser=a\n[Install\nWantedBy=b\n',
      3,
      "Invalid section header '[Install'",
    ],
    ['text after the ]', '[Service] x\nUser=a\n', 1, "Invalid section header '[Service] x'"],
    ['an indented bad header', '[Service]\n   [Foo\n', 2, "Invalid section header '[Foo'"],
  ])('%s is fatal and stops parsing', (_name, text, line, message) => {
    const r = parse(text);
    expect(r.fatal).toMatchObject({ file: FILE, line, severity: 'error', message });
    // What came before the bad header has been read, nothing after it.
    expect(r.assignments.every((a) => a.line < line)).toBe(true);
    expect(r.assignments.some((a) => a.key === 'WantedBy')).toBe(false);
  });

  it('uses the section list it is given (unit-type specific)', () => {
    const r = parseUnitFile('[Socket]\nListenStream=80\n[Service]\nUser=a\n', FILE, ['Unit', 'Socket']);
    expect(r.assignments.map((a) => a.key)).toEqual(['ListenStream']);
    expect(r.diagnostics.map((d) => d.message)).toEqual(["Unknown section 'Service'. Ignoring."]);
  });
});

describe('provenance', () => {
  it.each([
    ['the first assignment', '[Service]\nUser=a\n', 'User', { line: 2, column: 1, sectionLine: 1 }],
    [
      'after comments and blank lines',
      '# c\n\n[Service]\n; c\n\nUser=a\n',
      'User',
      { line: 6, column: 1, sectionLine: 3 },
    ],
    ['an indented assignment', '[Service]\n    User=a\n', 'User', { line: 2, column: 5, sectionLine: 1 }],
    ['a tab-indented assignment', '[Service]\n\t\tUser=a\n', 'User', { line: 2, column: 3, sectionLine: 1 }],
    [
      'a continued assignment is at its first line',
      '[Service]\nUser=a\\\nb\\\nc\nGroup=g\n',
      'User',
      { line: 2, column: 1 },
    ],
    [
      'the line after a continuation',
      '[Service]\nUser=a\\\nb\\\nc\nGroup=g\n',
      'Group',
      { line: 5, column: 1 },
    ],
    ['a continuation at EOF', '[Service]\n  User=a\\\n', 'User', { line: 2, column: 3 }],
    ['a header indented under a comment', '#\n [Service]\nUser=a\n', 'User', { line: 3, sectionLine: 2 }],
  ])('%s', (_name, text, key, where) => {
    const a = parse(text).assignments.find((x) => x.key === key);
    expect(a).toMatchObject({ file: FILE, section: 'Service', ...where });
  });

  it('diagnostics point at the line and column of the offending line', () => {
    expect(parse('[Service]\n\n   Bogus\n').diagnostics).toEqual([
      {
        file: FILE,
        line: 3,
        column: 4,
        severity: 'warning',
        message: "Missing '=', ignoring line.",
        kind: 'other',
      },
    ]);
  });

  it('records the file name it was given', () => {
    const r = parseUnitFile('[Service]\nUser=a\n', '/run/x.service.d/10-a.conf', SECTIONS);
    expect(r.file).toBe('/run/x.service.d/10-a.conf');
    expect(r.assignments[0]?.file).toBe('/run/x.service.d/10-a.conf');
  });
});

describe('line length limit (LONG_LINE_MAX)', () => {
  it('accepts a line of exactly LONG_LINE_MAX characters', () => {
    const value = 'a'.repeat(LONG_LINE_MAX - 'User='.length);
    const r = parse(`[Service]\nUser=${value}\n`);
    expect(r.fatal).toBeUndefined();
    expect(r.assignments[0]?.value.length).toBe(value.length);
  });

  it('refuses a longer line', () => {
    const r = parse(`[Service]\nUser=${'a'.repeat(LONG_LINE_MAX)}\n`);
    expect(r.fatal).toMatchObject({ line: 2, message: 'Line too long' });
  });

  it('refuses a continuation that grows beyond the limit', () => {
    const half = 'a'.repeat(LONG_LINE_MAX / 2 + 1);
    const r = parse(`[Service]\nUser=${half}\\\n${half}\n`);
    expect(r.fatal).toMatchObject({ line: 3, message: 'Continuation line too long' });
  });
});

describe('stripWhitespace', () => {
  it.each([
    ['', ''],
    ['a', 'a'],
    [' a ', 'a'],
    ['\t\r\n a b \n\r\t', 'a b'],
    ['\u00a0a\u00a0', '\u00a0a\u00a0'], // only systemd's WHITESPACE set: no-break space stays
    ['\va\f', '\va\f'],
  ])('%j → %j', (input, expected) => {
    expect(stripWhitespace(input)).toBe(expected);
  });
});

// Regressions found by comparing with the real systemd-analyze 252.38 (each row was run there).
describe('a UTF-8 BOM is stripped once, on the first line that has one (config_parse(): bom_seen)', () => {
  it.each([
    [
      'a BOM in the middle of the file',
      '[Service]\nExecStart=/bin/true\n\uFEFFUser=foo\n',
      ['ExecStart=/bin/true', 'User=foo'],
    ],
    [
      'only the first BOM: a second one stays part of the key',
      '\uFEFF[Service]\n\uFEFFUser=foo\n',
      ['\uFEFFUser=foo'],
    ],
    [
      'a comment line does not use up the BOM',
      '[Service]\n# c\n\uFEFFUser=foo\n\uFEFFGroup=g\n',
      ['User=foo', '\uFEFFGroup=g'],
    ],
    ['a BOM inside a continuation', '[Service]\nUser=a\\\n\uFEFFb\n', ['User=a b']],
  ])('%s', (_name, text, expected) => {
    expect(pairs(text)).toEqual(expected);
  });
});

describe('line endings as read_line() sees them: \\n, \\r and NUL, one of each per line end', () => {
  it.each([
    ['a lone CR ends the line', '[Service]\nUser=a\rb\n', ['User=a'], ["3: Missing '=', ignoring line."]],
    [
      'NUL ends the line',
      '[Service]\nUser=foo\0PrivateNetwork=yes\n',
      ['User=foo', 'PrivateNetwork=yes'],
      [],
    ],
    ['CR CR is two line ends', '[Service]\nUser=a\r\rGroup=b\n', ['User=a', 'Group=b'], []],
    ['LF CR is one line end', '[Service]\nUser=a\n\rGroup=b\n\r', ['User=a', 'Group=b'], []],
    ['CR LF NUL is one line end', '[Service]\r\n\0User=a\r\n\0', ['User=a'], []],
    ['a NUL then LF is two line ends', '[Service]\nUser=a\0\nGroup=b\n', ['User=a', 'Group=b'], []],
    ['no line end at EOF', '[Service]\nUser=a', ['User=a'], []],
  ])('%s', (_name, text, expected, msgs) => {
    expect(pairs(text)).toEqual(expected);
    expect(messages(text)).toEqual(msgs);
  });

  it.each([
    ['\\r\\n counts once', '[Service]\r\nUser=a\r\nGroup=b\r\n', 3],
    ['\\n\\r counts once', '[Service]\n\rUser=a\n\rGroup=b\n\r', 3],
    ['\\n\\n counts twice', '[Service]\n\nUser=a\n\nGroup=b\n', 5],
    ['\\r\\n\\r\\n counts twice', '[Service]\r\n\r\nUser=a\r\n\r\nGroup=b\r\n', 5],
    ['\\n\\r\\n counts twice', '[Service]\n\r\nUser=a\n\r\nGroup=b\n', 5],
    ['a lone \\r counts once', '[Service]\rUser=a\rGroup=b\r', 3],
  ])('line numbers: %s', (_name, text, groupLine) => {
    expect(parse(text).assignments.find((a) => a.key === 'Group')?.line).toBe(groupLine);
  });

  it.each([
    ['a', ['a']],
    ['a\n', ['a']],
    ['a\n\n', ['a', '']],
    ['a\r\nb', ['a', 'b']],
    ['a\n\rb', ['a', 'b']],
    ['a\n\r\nb', ['a', '', 'b']],
    ['a\r\rb', ['a', '', 'b']],
    ['a\0b', ['a', 'b']],
    ['a\0\0b', ['a', '', 'b']],
    ['a\r\n\0b', ['a', 'b']],
    ['\n', ['']],
    ['', []],
  ])('splitLines(%j) → %j', (text, lines) => {
    expect(splitLines(text)).toEqual(lines);
  });
});

describe('a continuation open at end of file goes through the same line parser', () => {
  it.each([
    [
      'an unterminated section header is fatal',
      '[Service]\nExecStart=/bin/true\n[Foo\\',
      "Invalid section header '[Foo'",
    ],
    [
      'bad characters in a section header are fatal',
      '[Service]\nUser=a\n[Fo"o]\\',
      `Bad characters in section header '[Fo"o]'`,
    ],
  ])('%s', (_name, text, message) => {
    const r = parse(text);
    expect(r.fatal).toMatchObject({ severity: 'error', message });
    expect(r.fatalReason).toBe('Bad message');
  });

  it.each([
    ['a section header', '[Unit]\nDescription=x\n[Service]\\', [], ['Unit', 'Service']],
    ['a line without =', '[Service]\nUser=a\nbogus\\', ["3: Missing '=', ignoring line."], ['Service']],
    ['an unknown section', '[Service]\n[Foo]\\', ["2: Unknown section 'Foo'. Ignoring."], ['Service']],
  ])('%s', (_name, text, msgs, sections) => {
    const r = parse(text);
    expect(r.fatal).toBeUndefined();
    expect(messages(text)).toEqual(msgs);
    expect(r.sections.map((s) => s.name)).toEqual(sections);
  });

  it('a bad character in a section header in the middle of the file is fatal too', () => {
    const r = parse("[Service]\nUser=a\n[Ser'vice]\nGroup=b\n");
    expect(r.fatal).toMatchObject({ line: 3, message: "Bad characters in section header '[Ser'vice]'" });
    expect(pairs("[Service]\nUser=a\n[Ser'vice]\nGroup=b\n")).toEqual(['User=a']);
  });
});
