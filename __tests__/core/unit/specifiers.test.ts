// expandSpecifiers(): unit_full_printf() / specifier_printf() for the directives where systemd expands
// specifiers; the analysing host's values (%H, %m, …) come from the facts handed in, else fixed
// placeholders.
import { expandSpecifiers, type HostFacts, type SpecifierContext } from '../../../src/core/unit/specifiers';

const expand = (value: string, unitName: string) => expandSpecifiers(value, { unitName, scope: 'system' });

describe('unit-name specifiers', () => {
  it.each([
    ['%n', 'foo-bar@baz-qux.service', 'foo-bar@baz-qux.service'],
    ['%N', 'foo-bar@baz-qux.service', 'foo-bar@baz-qux'],
    ['%N', 'a.b.socket', 'a.b'],
    ['%p', 'foo-bar@baz-qux.service', 'foo-bar'],
    ['%P', 'foo-bar@baz-qux.service', 'foo/bar'],
    ['%i', 'foo-bar@baz-qux.service', 'baz-qux'],
    ['%I', 'foo-bar@baz-qux.service', 'baz/qux'],
    ['%I', 'foo@a\\x2db.service', 'a-b'],
    ['%i', 'foo.service', ''],
    ['%i', 'foo@.service', ''],
    ['%j', 'foo-bar-baz.service', 'baz'],
    ['%j', 'foo.service', 'foo'],
    ['%J', 'foo-bar\\x2dbaz.service', 'bar-baz'],
    ['%f', 'foo@dev-sda1.service', '/dev/sda1'],
    ['%f', 'home-user.mount', '/home/user'],
    ['%f', '-.mount', '/'],
  ])('%s in %s → %j', (value, unitName, expected) => {
    expect(expand(value, unitName)).toEqual({ ok: true, value: expected });
  });
});

describe('system-manager and host specifiers', () => {
  it.each([
    ['%u', 'root'],
    ['%U', '0'],
    ['%g', 'root'],
    ['%G', '0'],
    ['%h', '/root'],
    ['%s', '/bin/sh'],
    ['%t', '/run'],
    ['%S', '/var/lib'],
    ['%C', '/var/cache'],
    ['%L', '/var/log'],
    ['%E', '/etc'],
    ['%T', '/tmp'],
    ['%V', '/var/tmp'],
    ['%H', 'localhost'],
    ['%m', '0'.repeat(32)],
    ['%b', '0'.repeat(32)],
    ['%a', 'x86-64'],
    ['%d', '/run/credentials/x.service'],
  ])('%s → %j', (value, expected) => {
    expect(expand(value, 'x.service')).toEqual({ ok: true, value: expected });
  });
});

describe('the deprecated cgroup specifiers (offline: no cgroup root, no slice)', () => {
  it.each([
    ['%c', 'x.service', '/x.service', ['%c']],
    ['%c', '_x.service', '/__x.service', ['%c']],
    ['a%rb%R', 'x.service', 'ab', ['%r', '%R']],
    ['%r%r', 'x.service', '', ['%r', '%r']],
  ])('%s in %s → %j, reported as deprecated', (value, unit, expected, deprecated) => {
    expect(expand(value, unit)).toEqual({ ok: true, value: expected, deprecated });
  });
});

describe('text around specifiers', () => {
  it.each([
    ['no specifiers', 'plain', 'plain'],
    ['%% is a literal %', '100%%', '100%'],
    ['%%i is not a specifier', '%%i', '%i'],
    ['mixed', '/srv/%p/%i.d', '/srv/web/a.d'],
    ['adjacent', '%p%i', 'weba'],
    ['specifiers are case-sensitive', '%I-%i', 'a-a'],
  ])('%s', (_name, value, expected) => {
    expect(expand(value, 'web@a.service')).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['%z', '%z'],
    ['a%Qb', '%Q'],
    ['%0', '%0'],
    ['%D', '%D'],
  ])('an unknown letter or digit specifier in %j is an error naming %s', (value, specifier) => {
    expect(expand(value, 'x.service')).toEqual({ ok: false, specifier });
  });

  it('does not depend on the scope for the unit-name specifiers', () => {
    const ctx: SpecifierContext = { unitName: 'a@b.service', scope: 'user' };
    expect(expandSpecifiers('%p:%i', ctx)).toEqual({ ok: true, value: 'a:b' });
  });
});

// Regression (252.38): `User=foo%` loaded as "foo%". specifier_printf() keeps a stray final `%` and any
// `%` followed by something that cannot be a specifier (not a letter, digit or `%`).
describe('characters that cannot be specifiers are kept', () => {
  it.each([
    ['foo%', 'foo%'],
    ['%', '%'],
    ['100%%%', '100%%'],
    ['%!', '%!'],
    ['a%-b', 'a%-b'],
    ['%/x', '%/x'],
    ['% ', '% '],
    ['%sbindir%/usbguard-daemon', '/bin/shbindir%/usbguard-daemon'],
  ])('%j → %j', (value, expected) => {
    expect(expand(value, 'x.service')).toEqual({ ok: true, value: expected });
  });

  it('a version can add specifiers (v256+: %D)', () => {
    const ctx: SpecifierContext = { unitName: 'x.service', scope: 'system', extra: { D: '/usr/share' } };
    expect(expandSpecifiers('%D/x', ctx)).toEqual({ ok: true, value: '/usr/share/x' });
  });
});

describe("the analysing host's specifiers, from the facts handed in", () => {
  const host: HostFacts = {
    hostName: 'build.example.org',
    machineId: 'a'.repeat(32),
    bootId: 'b'.repeat(32),
    kernelRelease: '6.1.0-18-amd64',
    architecture: 'arm64',
    osRelease: { ID: 'debian', VERSION_ID: '12', VARIANT_ID: '' },
  };
  const withHost = (value: string, facts: HostFacts = host, unitFilePath?: () => string | undefined) =>
    expandSpecifiers(value, {
      unitName: 'x.service',
      scope: 'system',
      host: facts,
      ...(unitFilePath ? { unitFilePath } : {}),
    });

  it.each([
    ['%H', 'build.example.org'],
    ['%l', 'build'],
    // specifier_pretty_hostname(): no PRETTY_HOSTNAME=, so the short host name.
    ['%q', 'build'],
    ['%m', 'a'.repeat(32)],
    ['%b', 'b'.repeat(32)],
    ['%v', '6.1.0-18-amd64'],
    ['%a', 'arm64'],
    ['%o', 'debian'],
    ['%w', '12'],
    // An empty or missing os-release field expands to nothing (specifier_printf() skips it).
    ['x%Wy', 'xy'],
    ['x%By', 'xy'],
    ['x%M%Ay', 'xy'],
    ['%y', '/'],
    ['%Y', '/'],
  ])('%s → %j', (value, expected) => {
    expect(withHost(value)).toEqual({ ok: true, value: expected });
  });

  it('%q is the pretty host name when there is one', () => {
    expect(withHost('%q', { ...host, prettyHostName: 'Build Box' })).toEqual({
      ok: true,
      value: 'Build Box',
    });
  });

  it('%y and %Y are the real path of the unit file and its directory', () => {
    const path = () => '/srv/root/usr/lib/systemd/system/x.service';
    expect(withHost('%y', host, path)).toEqual({ ok: true, value: path() });
    expect(withHost('%Y', host, path)).toEqual({ ok: true, value: '/srv/root/usr/lib/systemd/system' });
    expect(withHost('%Y', host, () => '/x.service')).toEqual({ ok: true, value: '/' });
  });

  it.each([
    ['%m', { ...host, machineId: undefined }],
    ['%o', { ...host, osRelease: undefined }],
    ['%H', { ...host, hostName: undefined }],
    ['%l', { ...host, hostName: undefined }],
  ])('a fact that cannot be read fails %s', (value, facts) => {
    expect(withHost(value, facts)).toEqual({ ok: false, specifier: value });
  });

  it('a unit file path that cannot be resolved fails %y', () => {
    expect(withHost('%y', host, () => undefined)).toEqual({ ok: false, specifier: '%y' });
  });
});
