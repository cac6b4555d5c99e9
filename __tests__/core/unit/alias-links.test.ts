// Alias links as systemd's name map judges them (unit_validate_alias_symlink_or_warn(), v252–v262;
// the texts as the real 252.38, 257.13 and 262.1 print them), and units that load without a file.
import { aliasProblem, UnitLoader } from '../../../src/core/unit/load-unit';
import { memoryTree } from '../../../src/core/unit/unit-tree';

describe('aliasProblem', () => {
  it.each([
    ['a.service', 'b.service', undefined],
    ['a@x.service', 'b@.service', undefined],
    ['a@.service', 'b@.service', undefined],
    ['a@x.service', 'b@x.service', undefined],
    ['a.device', 'b.device', undefined],
    ['a.service', 'a.service', 'self'],
    ['a.mount', 'b.mount', 'a.mount: symlinks are not allowed for units of this type, rejecting.'],
    ['a.slice', 'b.slice', 'a.slice: symlinks are not allowed for units of this type, rejecting.'],
    ['a@x.device', 'b@x.device', 'a@x.device: templates not allowed for device units, rejecting.'],
    ['a.socket', 'b.service', 'a.socket: symlink target "b.service" has incompatible suffix, rejecting.'],
    [
      'a@.service',
      'b.service',
      'a@.service: symlink target name type "b.service" does not match source, rejecting.',
    ],
    [
      'a.service',
      'b@.service',
      'a.service: symlink target name type "b@.service" does not match source, rejecting.',
    ],
    [
      'a@x.service',
      'b@y.service',
      'a@x.service: unit symlink target "b@y.service" instance name doesn\'t match, rejecting.',
    ],
    [
      'a.service',
      'bad name',
      'a.service points to "bad name" which is not a valid unit name: Invalid cross-device link',
    ],
  ])('%s → %s', (alias, target, problem) => {
    expect(aliasProblem(alias, target)).toBe(problem);
  });
});

describe('the name map', () => {
  const unit = '[Service]\nExecStart=/bin/true\n';
  const searchPath = ['/etc/systemd/system', '/usr/lib/systemd/system'];

  it('reports rejected and suspicious aliases, not the names an earlier directory took', () => {
    const tree = memoryTree({
      '/etc/systemd/system/x.socket': { symlink: '/usr/lib/systemd/system/x.service' },
      '/etc/systemd/system/y.service': { symlink: '/usr/lib/systemd/system/sub/x.service' },
      '/etc/systemd/system/z.mount': '[Mount]\n',
      '/usr/lib/systemd/system/z.mount': { symlink: 'w.mount' },
      '/usr/lib/systemd/system/x.service': unit,
      '/usr/lib/systemd/system/sub/x.service': unit,
    });
    expect(new UnitLoader(tree, searchPath).nameMapNotices()).toEqual([
      {
        kind: 'rejected-alias',
        text: 'x.socket: symlink target "x.service" has incompatible suffix, rejecting.',
      },
      {
        kind: 'suspicious-alias',
        link: '/etc/systemd/system/y.service',
        target: '/usr/lib/systemd/system/sub/x.service',
      },
    ]);
  });

  it('follows an alias through a merged-/usr link inside the root', () => {
    const tree = memoryTree({
      '/lib': { symlink: 'usr/lib' },
      '/etc/systemd/system/a.service': { symlink: '/lib/systemd/system/b.service' },
      '/usr/lib/systemd/system/b.service': unit,
    });
    const outcome = new UnitLoader(tree, ['/etc/systemd/system', '/usr/lib/systemd/system']).load(
      'a.service',
    );
    expect(outcome.ok && outcome.unit.id).toBe('b.service');
  });

  it('loads an instance through an alias to another template', () => {
    const tree = memoryTree({
      '/etc/systemd/system/a@x.service': { symlink: '/usr/lib/systemd/system/b@.service' },
      '/usr/lib/systemd/system/b@.service': unit,
    });
    const outcome = new UnitLoader(tree, searchPath).load('a@x.service');
    expect(outcome.ok && outcome.unit.id).toBe('b@x.service');
  });

  it.each([
    ['x.slice', true],
    ['x.device', true],
    ['x.mount', false],
    ['x.service', false],
  ])('%s without a unit file loads: %s', (name, loads) => {
    const tree = memoryTree({ '/etc/systemd/system/x.slice.d/a.conf': '[Slice]\nCPUWeight=5\n' });
    const outcome = new UnitLoader(tree, searchPath).load(name);
    expect(outcome.ok).toBe(loads);
    if (outcome.ok && name === 'x.slice')
      expect(outcome.unit.files.map((f) => f.file)).toEqual(['', '/etc/systemd/system/x.slice.d/a.conf']);
  });
});
