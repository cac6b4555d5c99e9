// The option splitter of `unitgate security` against what the real tools print (probed on 252.39,
// 257.13 and 262.1): glibc's getopt_long() texts up to v257, v262's option_parse() texts after.
import { AnalyzeArgv, type ArgvItem } from '../../src/cli/analyze-argv';
import { systemdRelease, type SystemdVersion } from '../../src/core/security/versions';

/** Every item until the first error or the end, as short strings. */
function split(version: SystemdVersion, argv: string[], posixlyCorrect = false): string[] {
  const args = new AnalyzeArgv(argv, systemdRelease(version).traits, [], posixlyCorrect);
  const out: string[] = [];
  for (;;) {
    const item: ArgvItem = args.next();
    if (item.kind === 'error') return [...out, `error: ${item.message}`];
    if (item.kind === 'end') return [...out, `units: ${item.positional.join(' ')}`];
    out.push(item.value === undefined ? item.option.long : `${item.option.long}=${item.value}`);
  }
}

describe('getopt_long() (252, 257) and option_parse() (262)', () => {
  it.each([
    [252, ['--thr', '5', 'a', '--js=short'], ['threshold=5', 'json=short', 'units: a']],
    [262, ['--thr', '5', 'a', '--js=short'], ['threshold=5', 'json=short', 'units: a']],
    [252, ['a', '--', '--json=short'], ['units: a --json=short']],
    [252, ['-qHhost', '-U', 'x', '-'], ['quiet', 'host=host', 'unit=x', 'units: -']],
    [262, ['-qm'], ['quiet', 'mask', 'units: ']],
    [252, ['--man', 'a'], ['man', 'units: a']],
    [
      252,
      ['--r'],
      [
        "error: systemd-analyze: option '--r' is ambiguous; possibilities: '--require' '--root' '--recursive-errors'",
      ],
    ],
    [
      262,
      ['--r=x'],
      [
        "error: systemd-analyze: option '--r' is ambiguous; possibilities: --recursive-errors, --root, --require",
      ],
    ],
    [252, ['--foo=bar'], ["error: systemd-analyze: unrecognized option '--foo=bar'"]],
    [262, ['--foo=bar'], ["error: systemd-analyze: unrecognized option '--foo'"]],
    [252, ['--he=x'], ["error: systemd-analyze: option '--help' doesn't allow an argument"]],
    [262, ['--he=x'], ["error: systemd-analyze: option '--he' doesn't allow an argument"]],
    [257, ['--ro'], ["error: systemd-analyze: option '--root' requires an argument"]],
    [262, ['--ro'], ["error: systemd-analyze: option '--ro' requires an argument"]],
    [252, ['-qz'], ['quiet', "error: systemd-analyze: invalid option -- 'z'"]],
    [262, ['-qz'], ['quiet', "error: systemd-analyze: unrecognized option '-z'"]],
    [257, ['-H'], ["error: systemd-analyze: option requires an argument -- 'H'"]],
    [262, ['-H'], ["error: systemd-analyze: option '-H' requires an argument"]],
    [252, ['--instance=x'], ["error: systemd-analyze: unrecognized option '--instance=x'"]],
    [262, ['--=x'], ["error: systemd-analyze: unrecognized option '--'"]],
    [262, ['-q-'], ['quiet', "error: systemd-analyze: unrecognized option '--'"]],
  ] as [SystemdVersion, string[], string[]][])('%s %j', (version, argv, expected) =>
    expect(split(version, argv)).toEqual(expected),
  );

  it('glibc lists every option for an empty name, in table order', () => {
    const [line] = split(257, ['--=x']);
    expect(line).toMatch(
      /^error: systemd-analyze: option '--=x' is ambiguous; possibilities: '--help' '--version' /,
    );
    expect(line).toMatch(/'--scale-svg' '--detailed'$/);
  });

  it('$POSIXLY_CORRECT stops glibc at the first non-option, not v262', () => {
    expect(split(252, ['a', '--json=short'], true)).toEqual(['units: a --json=short']);
    expect(split(262, ['a', '--json=short'], true)).toEqual(['json=short', 'units: a']);
  });
});
