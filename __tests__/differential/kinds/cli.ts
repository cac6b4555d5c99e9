// Cases aimed at the command line around a unit: option combinations (the ones systemd-analyze accepts
// and the ones it refuses, per release), --threshold= edges, odd --security-policy= files read by
// systemd's own JSON parser, and descriptions with wide, combining and control characters (given
// through the policy's description_* fields, which the table and the JSON print).
import fc from 'fast-check';
import type { CaseFile, DifferentialCase } from '../cases';
import { SUPPORTED_VERSIONS, systemdRelease } from '../../../src/core/security/versions';

const UNIT = '[Service]\nExecStart=/bin/true\nPrivateTmp=yes\nUser=svc\n';
const UNIT_OPEN = '[Service]\nExecStart=/bin/true\n';

const OPTIONS = [
  '--json=help',
  '--json=bogus',
  '--json=pretty',
  '--json=short',
  '--json=off',
  '--man=no',
  '--man',
  '--man=bogus',
  '--generators=no',
  '--generators=bogus',
  '--recursive-errors=one',
  '--recursive-errors=help',
  '--recursive-errors=bogus',
  '-q',
  '--quiet',
  '--system',
  '--no-pager',
  '--no-legend',
  '--instance=foo',
  '--offline=bogus',
  '--threshold=0',
  '--threshold=100',
  '--threshold=101',
  '--threshold=-1',
  '--threshold=0x10',
  '--threshold=010',
  '--threshold=+5',
  '--threshold=',
  '--threshold=1e1',
  '--security-policy=$DIR/missing.json',
  '--security-policy=$DIR',
];

/** Policies: the JSON systemd reads its own way (exponents, 2^64, repeated keys, bad escapes). */
const NUMBERS = [
  '5e3',
  '1e3',
  '2e4',
  '5000.0',
  '5000.5',
  '-0',
  '-1',
  '01',
  '1.',
  '18446744073709551615',
  '18446744073709551616',
  '9007199254740993',
  '1e400',
  '0',
];
const STRINGS = [
  'plain',
  'a\\u0000b',
  '\\ud800',
  '\\udc00',
  '\\ud83d\\ude00',
  'tab\\there',
  '\u007f',
  'caf\u00e9',
  '\\u00e9',
  '漢字',
  '',
];
const policy = fc.oneof(
  fc
    .tuple(fc.constantFrom('weight', 'range'), fc.constantFrom(...NUMBERS))
    .map(([k, n]) => `{"PrivateTmp": {"${k}": ${n}}}`),
  fc
    .tuple(
      fc.constantFrom('description_bad', 'description_good', 'description_na'),
      fc.constantFrom(...STRINGS),
    )
    .map(([k, t]) => `{"PrivateTmp": {"${k}": "${t}"}, "UserOrDynamicUser": {"${k}": "${t}"}}`),
  fc.constantFrom(
    '{"PrivateTmp": {"weight": 10}, "PrivateTmp": {"weight": 2000}}',
    '{"PrivateTmp": {"weight": 2000, "weight": 1}}',
    '[1, 2]',
    '"x"',
    '\n  42',
    '{',
    '{"a" 1}',
    '{"a": 1x}',
    ' {"a":[1,]}',
    '{} {}',
    '',
    ' ',
    'null',
  ),
);

/**
 * `--profile=`: a portable profile by name (the ones each release ships, one it does not, a name for a
 * unit type no profile covers), by path (a .conf beside the unit, a missing one, a path without .conf,
 * empty), with the unit's own drop-ins, one of them named profile.conf (which wins: the profile's
 * drop-in has the lowest priority). One unit argument with a name: for a second one systemd-analyze
 * reads a freed string (see VersionTraits.portableProfileSecondUnit), which only v262 does the same
 * way every time.
 */
const PROFILE_DROP_INS: Record<string, string>[] = [
  {},
  { 'profile.conf': '[Service]\nPrivateNetwork=no\nDynamicUser=no\n' },
  { 'zz.conf': '[Service]\nProtectHome=no\nPrivateDevices=no\n' },
  { 'aa.conf': '[Service]\nPrivateTmp=no\n', 'zz.conf': '[Service]\nSystemCallFilter=\n' },
];
const profileCase: fc.Arbitrary<DifferentialCase> = fc
  .record({
    profile: fc.constantFrom(
      'default',
      'nonetwork',
      'strict',
      'trusted',
      'bogus',
      '$DIR/p.conf',
      '$DIR/missing.conf',
      '$DIR/p',
      '',
    ),
    dropIns: fc.constantFrom(...PROFILE_DROP_INS),
    unit: fc.constantFrom('ug-cli.service', 'ug-cli.socket', 'ug-cli.scope', 'ug-t@.service'),
    badFirst: fc.boolean(),
    second: fc.boolean(),
    json: fc.constantFrom([], ['--json=short'], ['--threshold=50']),
  })
  // A profile file's warnings name systemd's random temporary directory: a path only for services.
  .filter(({ profile, unit }) => !profile.includes('/') || unit.endsWith('.service'))
  .map(({ profile, dropIns, unit, badFirst, second, json }) => {
    const files: Record<string, CaseFile> = {
      [unit]: unit.endsWith('.socket') ? '[Socket]\nListenStream=/run/ug.sock\n' : UNIT_OPEN,
      'ug-two.service': UNIT,
      'p.conf': '[Service]\nPrivateNetwork=yes\nProtectSystem=strict\n',
    };
    for (const [name, text] of Object.entries(dropIns)) files[`${unit}.d/${name}`] = text;
    // Two units only with a profile path: with a NAME, offline_security_checks() copies the profile
    // for every unit after the first from a path it has freed (v252–v262), so what the second unit
    // gets depends on what reused that memory — undefined behaviour, not something to imitate. A
    // unit that fails to load (missing.service) is such a first unit too.
    const byPath = profile.includes('/');
    const two = second && byPath;
    return {
      files,
      args: [
        '--offline=true',
        `--profile=${profile}`,
        ...json,
        ...(badFirst ? ['$DIR/bad-name', ...(byPath ? ['$DIR/missing.service'] : [])] : []),
        `$DIR/${unit}`,
        ...(two ? ['$DIR/ug-two.service'] : []),
      ],
    };
  });

const optionsCase: fc.Arbitrary<DifferentialCase> = fc
  .record({
    options: fc.uniqueArray(fc.constantFrom(...OPTIONS), { maxLength: 3 }),
    policy: fc.option(policy, { nil: undefined, freq: 2 }),
    open: fc.boolean(),
    two: fc.boolean(),
  })
  .map(({ options, policy: p, open, two }) => {
    const files: Record<string, CaseFile> = {
      'ug-cli.service': open ? UNIT_OPEN : UNIT,
      'ug-two.service': UNIT,
    };
    if (p !== undefined) files['policy.json'] = p;
    return {
      files,
      args: [
        '--offline=true',
        ...options,
        ...(p !== undefined ? ['--security-policy=$DIR/policy.json'] : []),
        '$DIR/ug-cli.service',
        ...(two ? ['$DIR/ug-two.service'] : []),
      ],
    };
  });

export const cliCase: fc.Arbitrary<DifferentialCase> = fc.oneof(optionsCase, profileCase);
// Option vectors as getopt_long() (v252, v257) and option_parse() (v262) split them: abbreviations of
// every option of the program (ambiguous ones included), unknown options, missing values, options after
// the units, `--`, clusters of short options and values joined to them. Left out: what unitgate answers
// with its own text (--help, --version, --user, --introspect-cli, --image=PATH, --offline=false,
// --profile=NAME, --generators=yes: generators run) or does not check (--base-time= values, v262's
// --host=/--machine= checks). An option taking a value is not left bare where it would take a unit as its
// value in a way unitgate cannot follow (an image, a root, a time), nor given a stray value there.
const OWN_TEXT = new Set(['help', 'version', 'user', 'introspect-cli']);
const NO_BARE = new Set(['image', 'base-time', 'host', 'machine', 'root', 'generators', 'profile']);
const NO_STRAY = new Set(['image', 'base-time', 'root', 'profile']);
const ALL_LONG = [
  ...new Set(SUPPORTED_VERSIONS.flatMap((v) => systemdRelease(v).traits.analyzeOptions.map((o) => o.long))),
];
/** Values per option; an option missing here takes none. */
const OPTION_VALUES: Record<string, string[]> = {
  json: ['off', 'short', 'pretty', 'help', 'bogus'],
  threshold: ['0', '50', '100', '101', 'x'],
  offline: ['true', 'yes', '1', 'bogus'],
  man: ['yes', 'no', 'bogus'],
  generators: ['no', 'bogus'],
  'recursive-errors': ['yes', 'one', 'help', 'bogus'],
  root: ['', '/'],
  image: [''],
  'image-policy': ['*', 'bogus', 'root=verity'],
  'security-policy': [''],
  profile: ['', './x', './x.conf.d'],
  iterations: ['1', 'x', '0x10'],
  'base-time': ['now'],
  unit: ['', 'x.service'],
  fuzz: ['1', '2s', 'bogus'],
  instance: ['foo'],
  'scale-svg': ['2'],
  host: ['h'],
  machine: ['m'],
  'from-pattern': ['x'],
  'to-pattern': ['x'],
  'drm-device': ['x'],
  debugger: ['gdb'],
  'debugger-arguments': ['x'],
};

/** What a word names in each release: an option's long name, `?` (ambiguous or unknown). */
function resolves(prefix: string): string[] {
  return SUPPORTED_VERSIONS.map((v) => {
    const table = systemdRelease(v).traits.analyzeOptions;
    const exact = table.find((o) => o.long === prefix);
    if (exact) return exact.long;
    const partial = table.filter((o) => o.long.startsWith(prefix));
    return partial.length === 1 ? (partial[0] as { long: string }).long : '?';
  });
}

const longWord = fc
  .tuple(
    fc.constantFrom(...ALL_LONG),
    fc.nat(),
    fc.constantFrom('joined', 'separate', 'none', 'stray'),
    fc.nat(),
  )
  .map(([name, cut, form, pick]) => {
    const prefix = name.slice(0, 1 + (cut % name.length));
    const targets = resolves(prefix).filter((t) => t !== '?');
    if (targets.some((t) => OWN_TEXT.has(t))) return [] as string[];
    // A separate value after an option taking an optional one is a unit name: bare as well.
    if (form !== 'joined' && form !== 'stray' && targets.some((t) => NO_BARE.has(t))) return [] as string[];
    if (form === 'stray' && targets.some((t) => NO_STRAY.has(t))) return [] as string[];
    const values = [...new Set(targets.flatMap((t) => OPTION_VALUES[t] ?? []))];
    const value = values.length > 0 ? (values[pick % values.length] as string) : 'x';
    if (form === 'joined') return [`--${prefix}=${value}`];
    if (form === 'separate' && values.length > 0) return [`--${prefix}`, value];
    if (form === 'stray') return [`--${prefix}=x`];
    return [`--${prefix}`];
  });

const oddWord = fc.constantFrom(
  ['--bogus'],
  ['--foo=bar'],
  ['-z'],
  ['-qz'],
  ['-q'],
  ['-qq'],
  ['-qm'],
  ['-m'],
  ['-A', 'x'],
  ['-Hh'],
  ['-qH', 'h'],
  ['-qU', 'x.service'],
  ['-U'],
  ['-Ux.service'],
  ['-q-'],
  ['--=x'],
  ['--='],
  ['---x'],
  ['-'],
  ['--json'],
  ['--threshold'],
  ['--no-legend'],
  ['--table'],
  ['--global'],
  ['--mask'],
);

export const cliOptionVectorCase: fc.Arbitrary<DifferentialCase> = fc
  .record({
    words: fc.array(fc.oneof({ weight: 3, arbitrary: longWord }, { weight: 2, arbitrary: oddWord }), {
      minLength: 1,
      maxLength: 4,
    }),
    offline: fc.constantFrom('--offline=true', '--offline=yes', '--off=true', '--offl=1', '--offline'),
    unitAt: fc.nat(),
    dashDash: fc.boolean(),
    two: fc.boolean(),
  })
  .map(({ words, offline, unitAt, dashDash, two }) => {
    const options = words.filter((w) => w.length > 0);
    // --offline first: a bare option before it would take it as its value (and systemd then asks the
    // running manager, which unitgate never does).
    options.unshift(offline === '--offline' ? ['--offline', 'true'] : [offline]);
    const units = [
      ...(dashDash ? ['--'] : []),
      '$DIR/ug-cli.service',
      ...(two ? ['$DIR/ug-two.service'] : []),
    ];
    // The units anywhere among the options (getopt permutes), or after `--`, which ends them.
    const at = dashDash ? options.length : unitAt % (options.length + 1);
    options.splice(at, 0, units);
    return {
      files: { 'ug-cli.service': UNIT_OPEN, 'ug-two.service': UNIT },
      args: options.flat(),
    };
  });
