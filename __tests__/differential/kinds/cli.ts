// Cases aimed at the command line around a unit: option combinations (the ones systemd-analyze accepts
// and the ones it refuses, per release), --threshold= edges, odd --security-policy= files read by
// systemd's own JSON parser, and descriptions with wide, combining and control characters (given
// through the policy's description_* fields, which the table and the JSON print).
import fc from 'fast-check';
import type { CaseFile, DifferentialCase } from '../cases';

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
    // Two units only with a profile path (a name's second unit is undefined behaviour in systemd).
    const two = second && profile.includes('/');
    return {
      files,
      args: [
        '--offline=true',
        `--profile=${profile}`,
        ...json,
        ...(badFirst ? ['$DIR/bad-name', '$DIR/missing.service'] : []),
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
