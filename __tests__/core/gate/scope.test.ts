// The scope stage over in-memory trees: a unit is in scope when any file systemd reads for it changed
// (its file, drop-ins, link targets, masks), units are paired by name when moved, and unit-like files
// systemd would not load are reported.
import { builtInPolicy } from '../../../src/core/policy/load-policy';
import { selectScope, type ChangedPath } from '../../../src/core/gate/scope';
import { unitReadPaths } from '../../../src/core/gate/score-units';
import { memoryTree } from '../../../src/core/unit/unit-tree';

type Files = Record<string, string | { symlink: string }>;

const HARD = '[Service]\nExecStart=/bin/true\nProtectSystem=strict\nPrivateTmp=yes\nNoNewPrivileges=yes\n';
const WEAK = '[Service]\nProtectSystem=no\nPrivateTmp=no\nNoNewPrivileges=no\n';
const PLAIN = '[Service]\nExecStart=/bin/true\n';
const HARD_DROP_IN = '[Service]\nProtectSystem=strict\nPrivateTmp=yes\n';

/** Files that differ between the two sides (a file on one side only, or other content/link). */
function diff(base: Files, head: Files): ChangedPath[] {
  const paths = [...new Set([...Object.keys(base), ...Object.keys(head)])].sort();
  return paths.filter((p) => JSON.stringify(base[p]) !== JSON.stringify(head[p])).map((path) => ({ path }));
}

function scope(base: Files, head: Files, changed: ChangedPath[] = diff(base, head)) {
  const messages: string[] = [];
  const units = selectScope({
    head: { tree: memoryTree(head), paths: Object.keys(head) },
    base: { tree: memoryTree(base), paths: Object.keys(base) },
    changed,
    policy: builtInPolicy(),
    messages,
  });
  return {
    units: units.map((u) => `${u.change} ${u.path}${u.previousPath ? ` < ${u.previousPath}` : ''}`),
    scope: units,
    messages,
  };
}

const shared: Files = {
  'deploy/api.service': HARD,
  'deploy/api.service.d/harden.conf': { symlink: '../../shared/harden.conf' },
  'shared/harden.conf': '[Service]\nProtectHome=yes\n',
  'deploy/web.service': PLAIN,
};

const vendor: Files = {
  'rootfs/usr/lib/systemd/system/api.service': PLAIN,
  'rootfs/usr/lib/systemd/system/api.service.d/harden.conf': HARD_DROP_IN,
  'rootfs/usr/lib/systemd/system/web.service': PLAIN,
};

describe('which units a change affects', () => {
  it.each<[string, Files, Files, string[]]>([
    ['an edited unit file', { 'a/x.service': HARD }, { 'a/x.service': WEAK }, ['modified a/x.service']],
    [
      'an unrelated file does not bring a unit in',
      { 'a/x.service': HARD, 'README.md': 'a' },
      { 'a/x.service': HARD, 'README.md': 'b' },
      [],
    ],
    [
      'a shared drop-in reached through a symlink',
      shared,
      { ...shared, 'shared/harden.conf': '[Service]\nProtectHome=no\n' },
      ['modified deploy/api.service'],
    ],
    [
      'a drop-in linked to a file of any name',
      {
        'd/api.service': HARD,
        'd/api.service.d/o.conf': { symlink: '../../docs/notes.txt' },
        'docs/notes.txt': '',
      },
      {
        'd/api.service': HARD,
        'd/api.service.d/o.conf': { symlink: '../../docs/notes.txt' },
        'docs/notes.txt': WEAK,
      },
      ['modified d/api.service'],
    ],
    [
      'a drop-in directory that is a link, its target edited',
      { 'd/api.service': HARD, 'd/api.service.d': { symlink: '../common.d' }, 'common.d/a.conf': '' },
      { 'd/api.service': HARD, 'd/api.service.d': { symlink: '../common.d' }, 'common.d/a.conf': WEAK },
      ['modified d/api.service'],
    ],
    [
      'the target of a linked unit file',
      { 'etc/api.service': { symlink: '../vendor/units/api.service' }, 'vendor/units/api.service': HARD },
      { 'etc/api.service': { symlink: '../vendor/units/api.service' }, 'vendor/units/api.service': WEAK },
      ['modified etc/api.service', 'modified vendor/units/api.service'],
    ],
    [
      'a vendor drop-in masked by a /dev/null link in /etc',
      vendor,
      { ...vendor, 'rootfs/etc/systemd/system/api.service.d/harden.conf': { symlink: '/dev/null' } },
      ['modified rootfs/usr/lib/systemd/system/api.service'],
    ],
    [
      'a per-type drop-in (service.d) reaches every unit of the directory',
      { 'a/x.service': PLAIN, 'a/y.service': PLAIN },
      { 'a/x.service': PLAIN, 'a/y.service': PLAIN, 'a/service.d/weak.conf': WEAK },
      ['modified a/x.service', 'modified a/y.service'],
    ],
    [
      'a removed drop-in (read at base only)',
      { 'a/x.service': PLAIN, 'a/x.service.d/h.conf': HARD_DROP_IN },
      { 'a/x.service': PLAIN },
      ['modified a/x.service'],
    ],
    [
      'a unit under units.d/ is a unit',
      { 'deploy/units.d/api.service': HARD },
      { 'deploy/units.d/api.service': WEAK },
      ['modified deploy/units.d/api.service'],
    ],
    [
      'a unit moved to another directory is paired with its base by name',
      { 'deploy/api.service': HARD },
      { 'deploy/conf.d/api.service': WEAK },
      ['renamed deploy/conf.d/api.service < deploy/api.service'],
    ],
    [
      'a unit added next to one of the same name that stays keeps both',
      { 'a/api.service': HARD },
      { 'a/api.service': HARD, 'b/api.service': WEAK },
      ['added b/api.service'],
    ],
  ])('%s', (_title, base, head, expected) => {
    expect(scope(base, head).units).toEqual(expected);
  });

  it("git's rename pairs the unit even when another base unit has the same name", () => {
    const base = { 'a/api.service': HARD, 'b/api.service': HARD };
    const head = { 'a/api.service': HARD, 'c/api.service': WEAK };
    const r = scope(base, head, [
      { path: 'c/api.service', previousPath: 'b/api.service' },
      { path: 'b/api.service' },
    ]);
    expect(r.units).toEqual(['renamed c/api.service < b/api.service']);
  });

  it('a unit removed while its name lives on elsewhere is reported as such', () => {
    const r = scope({ 'a/api.service': HARD, 'b/api.service': HARD }, { 'b/api.service': HARD });
    expect(r.units).toEqual(['deleted a/api.service']);
    expect(r.messages).toContainEqual(
      expect.stringContaining('a unit of the same name remains at b/api.service'),
    );
  });

  it('a moved and stripped unit is compared with its base side', () => {
    const r = scope({ 'deploy/api.service': HARD }, { 'deploy/units.d/api.service': PLAIN });
    const unit = r.scope[0];
    expect(unit?.base?.settings).toBeDefined();
    expect(unit?.head?.settings).toBeDefined();
    expect(r.messages).toContainEqual(expect.stringContaining('compared with deploy/api.service at base'));
  });

  it.each<[string, Files, RegExp]>([
    [
      'a name systemd rejects',
      { 'deploy/bad name!.service': WEAK },
      /bad name!\.service.*" " is not allowed/,
    ],
    ['a template without prefix', { 'deploy/@.service': WEAK }, /needs a prefix before "@"/],
    [
      'a unit file inside a drop-in directory',
      { 'deploy/api.service': HARD, 'deploy/api.service.d/extra.service': WEAK },
      /extra\.service: not scored: systemd does not load a unit file inside the drop-in directory api\.service\.d/,
    ],
    [
      'a unit file inside a dash-prefix drop-in directory',
      { 'deploy/foo-.service.d/x.service': WEAK },
      /inside the drop-in directory foo-\.service\.d/,
    ],
  ])('%s is reported, not skipped silently', (_title, head, message) => {
    const r = scope({}, head);
    expect(r.messages.join('\n')).toMatch(message);
  });
});

describe('links leaving the repository are refused, even when the repository has a file there', () => {
  // systemd opens these on the host (systemd-analyze 252, with and without --root): not the
  // repository's file, so the gate cannot score what systemd would run.
  const harden = { 'hardening/strict.conf': HARD_DROP_IN };
  it.each<[string, Files, string, RegExp | undefined]>([
    [
      'a drop-in linked to an absolute path',
      { ...harden, 'd/api.service': PLAIN, 'd/api.service.d/h.conf': { symlink: '/hardening/strict.conf' } },
      'd/api.service',
      /the drop-in d\/api\.service\.d\/h\.conf is a symlink to \/hardening\/strict\.conf, which is not in this repository; refused/,
    ],
    [
      'a drop-in whose link climbs above the repository and back',
      {
        ...harden,
        'd/api.service': PLAIN,
        'd/api.service.d/h.conf': { symlink: '../../../repo/hardening/strict.conf' },
      },
      'd/api.service',
      /not in this repository; refused/,
    ],
    [
      'a unit file linked to an absolute path',
      { 'v/api.service': HARD, 'd/api.service': { symlink: '/v/api.service' } },
      'd/api.service',
      /d\/api\.service is a symlink to \/v\/api\.service, which is not a file in this repository; refused/,
    ],
    [
      'an alias with an absolute target in a root tree is no linked file',
      {
        'usr/lib/systemd/system/api.service': HARD,
        'etc/systemd/system/web.service': { symlink: '/usr/lib/systemd/system/api.service' },
      },
      'etc/systemd/system/web.service',
      undefined,
    ],
    [
      'a relative link inside the repository is followed',
      {
        ...harden,
        'd/api.service': PLAIN,
        'd/api.service.d/h.conf': { symlink: '../../hardening/strict.conf' },
      },
      'd/api.service',
      undefined,
    ],
  ])('%s', (_title, head, unit, error) => {
    const side = scope({}, head).scope.find((u) => u.path === unit)?.head;
    expect(side).toBeDefined();
    if (error) expect(side?.error).toMatch(error);
    else expect(side?.error).toBeUndefined();
  });
});

describe('unitReadPaths: the files a unit reads', () => {
  it.each<[string, Files, string[], string[], string[]]>([
    [
      'a masked vendor drop-in and the mask',
      {
        '/etc/systemd/system/api.service.d/h.conf': { symlink: '/dev/null' },
        '/usr/lib/systemd/system/api.service': PLAIN,
        '/usr/lib/systemd/system/api.service.d/h.conf': HARD_DROP_IN,
      },
      ['/etc/systemd/system', '/usr/lib/systemd/system'],
      ['api.service'],
      [
        'etc/systemd/system/api.service.d',
        'etc/systemd/system/api.service.d/h.conf',
        'usr/lib/systemd/system/api.service',
        'usr/lib/systemd/system/api.service.d',
        'usr/lib/systemd/system/api.service.d/h.conf',
      ],
    ],
    [
      'a linked unit file and its target',
      { '/d/api.service': { symlink: '../v/api.service' }, '/v/api.service': PLAIN },
      ['/d'],
      ['api.service'],
      ['d/api.service', 'v/api.service'],
    ],
    [
      'template and dash-prefix drop-in directories of an instance',
      {
        '/d/a-b@.service': PLAIN,
        '/d/a-b@.service.d/t.conf': PLAIN,
        '/d/a-.service.d/p.conf': PLAIN,
        '/d/a-b@x.service.d/i.conf': PLAIN,
        '/d/a-b@x.service.d/notes.txt': PLAIN,
      },
      ['/d'],
      ['a-b@x.service', 'a-b@.service'],
      [
        'd/a-.service.d',
        'd/a-.service.d/p.conf',
        'd/a-b@.service',
        'd/a-b@.service.d',
        'd/a-b@.service.d/t.conf',
        'd/a-b@x.service.d',
        'd/a-b@x.service.d/i.conf',
      ],
    ],
  ])('%s', (_title, files, searchPath, names, expected) => {
    expect(unitReadPaths(memoryTree(files), searchPath, names, 'service').sort()).toEqual(expected);
  });
});
