// The value checks systemd logs while parsing without changing a score ([Unit] keys, paths, users, bus
// names, Delegate= controllers, booleans no score reads). Each row's text is the one the real
// systemd-analyze of 252, 257 and 262 printed for that line.
import { loadUnit } from '../../../src/core/unit/load-unit';
import { memoryTree } from '../../../src/core/unit/unit-tree';
import { deriveSecuritySettings } from '../../../src/core/security/settings';
import { isDocumentationUrl } from '../../../src/core/security/load-fragment-unit';
import { isBusServiceName } from '../../../src/core/security/load-fragment-exec';
import { systemdRelease, type SystemdVersion } from '../../../src/core/security/versions';

const ETC = '/etc/systemd/system';
const ALL = [252, 257, 262] as const;

/** The messages of a unit `[Unit]` + `[Service]` (ExecStart= on line 1 of the [Service] section). */
function messages(
  unitLines: readonly string[],
  serviceLines: readonly string[],
  version: SystemdVersion,
): string[] {
  const text = ['[Unit]', ...unitLines, '[Service]', 'ExecStart=/bin/true', ...serviceLines, ''].join('\n');
  const loaded = loadUnit(memoryTree({ [`${ETC}/x.service`]: text }), 'x.service', { searchPath: [ETC] });
  if (!loaded.ok) throw new Error(loaded.failure.message);
  return deriveSecuritySettings(loaded.unit, systemdRelease(version)).diagnostics.map((d) => d.message);
}

describe('[Unit] checks', () => {
  it.each(ALL)('v%d: Documentation=, path conditions and dependencies', (v) => {
    expect(
      messages(
        [
          'Documentation=not-a-uri man:x(1) file:relative https://example.org',
          'Documentation=bogus %z man:ok',
          'ConditionPathExists=|!relative',
          'AssertPathIsMountPoint=/a/../b',
          'ConditionNeedsUpdate=!',
          'ConditionPathExists=!/%z',
          'ConditionPathExists=',
          'After=%i.service %P.service %u %n',
          'PartOf="x',
        ],
        [],
        v,
      ),
    ).toEqual([
      'Invalid URL, ignoring: not-a-uri',
      'Invalid URL, ignoring: file:relative',
      "Failed to resolve unit specifiers in 'bogus %z man:ok', ignoring: Invalid slot",
      'ConditionPathExists= path is not absolute, ignoring: relative',
      'AssertPathIsMountPoint= path is not normalized, ignoring: /a/../b',
      'ConditionNeedsUpdate= path is not absolute, ignoring: ',
      'Failed to resolve unit specifiers in /%z, ignoring: Invalid slot',
      "Failed to resolve unit specifiers in '%P.service', ignoring: Invalid slot",
    ]);
  });

  it.each([
    [252, 'Invalid syntax, ignoring: a"b'],
    [257, 'Failed to parse Documentation=a"b, ignoring: Invalid argument'],
    [262, 'Failed to parse Documentation=a"b, ignoring: Invalid argument'],
  ] as const)('v%d: an unbalanced quote in Documentation=', (v, expected) => {
    expect(messages(['Documentation=a"b'], [], v)).toEqual([expected]);
  });

  it.each([
    ['man:x(1)', true],
    ['info:x', true],
    ['https://example.org/x', true],
    ['http://', false],
    ['file:/usr/share/doc', true],
    ['file:/', false],
    ['file:relative', false],
    ['man:', false],
    ['man:caf\u00e9', false],
    ['not-a-uri', false],
    ['', false],
  ])('documentation_url_is_valid(%j) = %j', (url, valid) => {
    expect(isDocumentationUrl(url)).toBe(valid);
  });
});

describe('[Service] checks', () => {
  it.each(ALL)('v%d: users and groups the strict rules refuse are accepted with a notice', (v) => {
    expect(messages([], ['User=a.b', 'Group=svc', 'SupplementaryGroups=0 x$ wheel', 'User=4242'], v)).toEqual(
      [
        "Accepting user/group name 'a.b', which does not match strict user/group name rules.",
        "Accepting user/group name 'x$', which does not match strict user/group name rules.",
      ],
    );
  });

  it.each(ALL)('v%d: TemporaryFileSystem= and BusName=', (v) => {
    expect(
      messages(
        [],
        ['TemporaryFileSystem=/a:ro rel:ro %z /b/../c', 'TemporaryFileSystem="/a', 'BusName=', 'BusName=a'],
        v,
      ),
    ).toEqual([
      'TemporaryFileSystem= path is not absolute, ignoring: rel',
      'Failed to resolve unit specifiers in %z, ignoring: Invalid slot',
      'TemporaryFileSystem= path is not normalized, ignoring: /b/../c',
      'Failed to extract first word, ignoring: "/a',
      'Invalid bus name, ignoring: ',
      'Invalid bus name, ignoring: a',
    ]);
  });

  it.each([
    [252, ["Invalid controller name 'bpf-bind-network-interface', ignoring"]],
    [257, ["Invalid controller name 'bpf-bind-network-interface', ignoring"]],
    [262, []],
  ] as const)('v%d: Delegate= controllers', (v, expected) => {
    expect(messages([], ['Delegate=cpu memory bpf-bind-network-interface'], v)).toEqual(expected);
  });

  it('an unsplittable Delegate= list leaves delegation as it was', () => {
    const text = ['[Service]', 'ExecStart=/bin/true', 'Delegate="cpu', ''].join('\n');
    const loaded = loadUnit(memoryTree({ [`${ETC}/x.service`]: text }), 'x.service', { searchPath: [ETC] });
    if (!loaded.ok) throw new Error(loaded.failure.message);
    const d = deriveSecuritySettings(loaded.unit, systemdRelease(252));
    expect(d.settings?.delegate).toBe(false);
    expect(d.diagnostics.map((x) => x.message)).toEqual(['Invalid syntax, ignoring: "cpu']);
  });

  it.each([
    [252, 'Failed to parse boolean value, ignoring: bogus'],
    [257, 'Failed to parse PrivateIPC=bogus, ignoring: Invalid argument'],
    [262, 'Failed to parse PrivateIPC=bogus, ignoring: Invalid argument'],
  ] as const)('v%d: a boolean no score reads', (v, expected) => {
    expect(messages([], ['PrivateIPC=bogus', 'PrivateIPC=yes'], v)).toEqual([expected]);
  });

  it.each([
    ['org.example.Svc', true],
    [':1.42', true],
    ['a', false],
    ['org.1a', false],
    ['a..b', false],
    ['a.b.', false],
    ['not a.name', false],
    ['', false],
  ])('sd_bus_service_name_is_valid(%j) = %j', (name, valid) => {
    expect(isBusServiceName(name)).toBe(valid);
  });
});
