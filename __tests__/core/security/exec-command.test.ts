// parseExecLine(): config_parse_exec()'s command splitting and first-word checks — how many commands an
// Exec*= line holds and whether systemd refuses it (each row was compared with systemd-analyze 252.38).
import { parseExecLine, type ExecLineOptions } from '../../../src/core/security/exec-command';
import { expandSpecifiers } from '../../../src/core/unit/specifiers';

const options = (extraPrefixes = '', pathImpliesDirectory = false): ExecLineOptions => ({
  extraPrefixes,
  pathImpliesDirectory,
  emptyPathValueQuoted: !pathImpliesDirectory,
  expand: (text) => expandSpecifiers(text, { unitName: 'x.service', scope: 'system' }),
});
const parse = (value: string, extraPrefixes = '') => parseExecLine(value, options(extraPrefixes));

// Regression: `\;` and `";"` were taken as separators.
describe('only an unquoted, unescaped lone ";" separates commands', () => {
  it.each([
    ['/bin/a', 1],
    ['/bin/a ; /bin/b', 2],
    ['/bin/a ; /bin/b ; /bin/c', 3],
    ['/bin/a \\; /bin/b', 1],
    ['/bin/a ";" /bin/b', 1],
    ["/bin/a ';' /bin/b", 1],
    ['/bin/a \\\\; /bin/b', 1],
    ['/bin/a a; /bin/b', 1],
    ['/bin/a ;b', 1],
    ['/bin/a ;', 1],
    ['; /bin/a', 1],
    ['/bin/a ; ; /bin/b', 2],
    [';', 0],
    ['-/bin/a ; /bin/b', 2],
  ])('%j → %d command(s)', (value, commands) => {
    expect(parse(value)).toMatchObject({ commands, fatal: false });
  });
});

// Regression: prefixes were stripped with /^[-@:+!|]+/, accepting repeats and `|`.
describe('prefixes: each at most once, + and !/!! exclusive', () => {
  it.each([
    ['-/bin/true'],
    ['@/bin/true x'],
    [':/bin/true'],
    ['+/bin/true'],
    ['!/bin/true'],
    ['!!/bin/true'],
    ['-@:+/bin/true x'],
    ['@-!!:/bin/true x'],
    ['true'],
    ['%sbindir%/usbguard-daemon -f'],
  ])('%j is accepted', (value) => {
    expect(parse(value)).toMatchObject({ commands: 1, fatal: false, messages: [] });
  });

  it.each([
    ['@@/bin/true x', 'Neither a valid executable name nor an absolute path: @/bin/true'],
    ['!!!/bin/true', 'Neither a valid executable name nor an absolute path: !/bin/true'],
    ['!+/bin/true', 'Neither a valid executable name nor an absolute path: +/bin/true'],
    ['+!/bin/true', 'Neither a valid executable name nor an absolute path: !/bin/true'],
    ['::/bin/true', 'Neither a valid executable name nor an absolute path: :/bin/true'],
    ['|/bin/true', 'Neither a valid executable name nor an absolute path: |/bin/true'],
    ['a/b', 'Neither a valid executable name nor an absolute path: a/b'],
    ['/bin/', 'Executable path specifies a directory: /bin/'],
    ['@/bin/true', 'Empty executable name or zeroeth argument: @/bin/true'],
    ['@', "Empty path in command line: '@'"],
    ['/bin/a\\x27b', "Executable name contains special characters: /bin/a'b"],
    ['/bin/%z', "Failed to resolve unit specifiers in '/bin/%z': unknown specifier"],
    ['/bin/a %z', 'Failed to resolve unit specifiers in %z: unknown specifier'],
  ])('%j is fatal: %s', (value, message) => {
    expect(parse(value)).toMatchObject({
      commands: 0,
      fatal: true,
      messages: [{ severity: 'error', message }],
    });
  });

  it.each([
    ['--/bin/true', 'Neither a valid executable name nor an absolute path, ignoring: -/bin/true'],
    ['-+!!@/bin/true', 'Neither a valid executable name nor an absolute path, ignoring: !!@/bin/true'],
    ['-a/b', 'Neither a valid executable name nor an absolute path, ignoring: a/b'],
    ['-', "Empty path in command line, ignoring: '-'"],
  ])('%j is dropped with a warning (the `-` prefix): %s', (value, message) => {
    expect(parse(value)).toMatchObject({
      commands: 0,
      fatal: false,
      messages: [{ severity: 'warning', message }],
    });
  });

  // Each row compared with systemd-analyze 252.39, 257.13 and 262.1.
  it.each([
    [
      '.',
      'Neither a valid executable name nor an absolute path: .',
      'Executable path specifies a directory: .',
    ],
    [
      '..',
      'Neither a valid executable name nor an absolute path: ..',
      'Executable path specifies a directory: ..',
    ],
    [
      'a/.',
      'Neither a valid executable name nor an absolute path: a/.',
      'Executable path specifies a directory: a/.',
    ],
    [
      'a/..',
      'Neither a valid executable name nor an absolute path: a/..',
      'Executable path specifies a directory: a/..',
    ],
    ['/a/.', undefined, 'Executable path specifies a directory: /a/.'],
    ['/a/b/..', undefined, 'Executable path specifies a directory: /a/b/..'],
    ['/.', undefined, 'Executable path specifies a directory: /.'],
    [
      '/bin/a\\x27b',
      "Executable name contains special characters: /bin/a'b",
      "Executable path contains special characters: /bin/a'b",
    ],
    ['/a/./b', undefined, undefined],
    [
      './a',
      'Neither a valid executable name nor an absolute path: ./a',
      'Neither a valid executable name nor an absolute path: ./a',
    ],
  ])('%j: up to v255 %j, from v256 %j (path_implies_directory())', (value, before, after) => {
    for (const [implies, message] of [
      [false, before],
      [true, after],
    ] as const) {
      const r = parseExecLine(value, options('', implies));
      if (message === undefined) expect(r).toMatchObject({ commands: 1, fatal: false, messages: [] });
      else expect(r).toMatchObject({ commands: 0, fatal: true, messages: [{ severity: 'error', message }] });
    }
  });

  it('a refused command after a separator keeps the ones before it', () => {
    expect(parse('/bin/a ; a/b')).toMatchObject({ commands: 1, fatal: true });
    expect(parse('/bin/a ; -a/b ; /bin/c')).toMatchObject({ commands: 1, fatal: false });
  });

  it('v258+ (traits: extra prefix "|") accepts `|`: the line is run by the shell', () => {
    expect(parse('|echo hi', '|')).toMatchObject({ commands: 1, fatal: false });
    expect(parse('-|/bin/true', '|')).toMatchObject({ commands: 1, fatal: false });
  });
});

describe('quoting and escapes', () => {
  it.each([
    ['an unbalanced quote in an argument is fatal', '/bin/a "b', { commands: 0, fatal: true }],
    ['…but dropped with the `-` prefix', '-/bin/a "b', { commands: 0, fatal: false }],
    ['an unbalanced quote in the first word ignores the line', '"/bin/a', { commands: 0, fatal: false }],
    ['an unknown escape is kept with a warning', '/bin/a \\q', { commands: 1, fatal: false }],
    ['a quoted path', '"/bin/a b" c', { commands: 1, fatal: false }],
  ])('%s', (_name, value, expected) => {
    expect(parse(value)).toMatchObject(expected);
  });
});
