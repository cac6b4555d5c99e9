// resolvePath() over a memoryTree: chase_symlinks() confined to the tree's root — relative and absolute
// links, `..` clamped at the root, /dev/null masks, loops — plus the in-memory tree itself.
import {
  linkTargetPath,
  memoizeTree,
  memoryTree,
  resolveEntryIn,
  resolvePath,
  withFiles,
  type EntryType,
  type UnitTree,
} from '../../../src/core/unit/unit-tree';

const tree = memoryTree({
  '/etc/systemd/system/real.service': 'abc',
  '/etc/systemd/system/empty.service': '',
  '/etc/systemd/system/rel.service': { symlink: 'real.service' },
  '/etc/systemd/system/up.service': { symlink: '../../../usr/lib/systemd/system/lib.service' },
  '/etc/systemd/system/abs.service': { symlink: '/usr/lib/systemd/system/lib.service' },
  '/etc/systemd/system/escape.service': {
    symlink: '../../../../../../../usr/lib/systemd/system/lib.service',
  },
  '/etc/systemd/system/chain.service': { symlink: 'rel.service' },
  '/etc/systemd/system/masked.service': { symlink: '/dev/null' },
  '/etc/systemd/system/masked-rel.service': { symlink: '../../../dev/null' },
  '/etc/systemd/system/masked-dots.service': { symlink: '/dev/./null' },
  '/etc/systemd/system/dangling.service': { symlink: 'nowhere.service' },
  '/etc/systemd/system/loop-a.service': { symlink: 'loop-b.service' },
  '/etc/systemd/system/loop-b.service': { symlink: 'loop-a.service' },
  '/etc/systemd/system/self.service': { symlink: 'self.service' },
  '/etc/systemd/system/dirlink': { symlink: '/usr/lib/systemd/system' },
  '/etc/systemd/system/x.service.d/10-a.conf': 'x',
  '/usr/lib/systemd/system/lib.service': 'hello',
  '/usr/lib/systemd/system/über.service': 'ü',
  '/srv/root-link': { symlink: '/' },
  '/srv/dotdot': { symlink: '..' },
});

describe('resolvePath', () => {
  it.each([
    [
      'a regular file',
      '/etc/systemd/system/real.service',
      { kind: 'file', path: '/etc/systemd/system/real.service', size: 3 },
    ],
    [
      'an empty file',
      '/etc/systemd/system/empty.service',
      { kind: 'file', path: '/etc/systemd/system/empty.service', size: 0 },
    ],
    [
      'the size in UTF-8 bytes',
      '/usr/lib/systemd/system/über.service',
      { kind: 'file', path: '/usr/lib/systemd/system/über.service', size: 2 },
    ],
    ['a directory', '/etc/systemd/system', { kind: 'directory', path: '/etc/systemd/system' }],
    ['the root', '/', { kind: 'directory', path: '/' }],
    [
      'a relative symlink',
      '/etc/systemd/system/rel.service',
      { kind: 'file', path: '/etc/systemd/system/real.service', size: 3 },
    ],
    [
      'a relative symlink with ..',
      '/etc/systemd/system/up.service',
      { kind: 'file', path: '/usr/lib/systemd/system/lib.service', size: 5 },
    ],
    [
      'an absolute symlink (restarts at the root)',
      '/etc/systemd/system/abs.service',
      { kind: 'file', path: '/usr/lib/systemd/system/lib.service', size: 5 },
    ],
    [
      '.. never climbs above the root',
      '/etc/systemd/system/escape.service',
      { kind: 'file', path: '/usr/lib/systemd/system/lib.service', size: 5 },
    ],
    [
      '.. in the path itself is clamped too',
      '/../../etc/systemd/system/real.service',
      { kind: 'file', path: '/etc/systemd/system/real.service', size: 3 },
    ],
    [
      '. and // in the path',
      '/etc//systemd/./system/real.service',
      { kind: 'file', path: '/etc/systemd/system/real.service', size: 3 },
    ],
    [
      'a chain of symlinks',
      '/etc/systemd/system/chain.service',
      { kind: 'file', path: '/etc/systemd/system/real.service', size: 3 },
    ],
    [
      'a symlinked directory in the middle',
      '/etc/systemd/system/dirlink/lib.service',
      { kind: 'file', path: '/usr/lib/systemd/system/lib.service', size: 5 },
    ],
    [
      'a symlink to a directory',
      '/etc/systemd/system/dirlink',
      { kind: 'directory', path: '/usr/lib/systemd/system' },
    ],
    [
      'a link to / then a path',
      '/srv/root-link/etc/systemd/system/real.service',
      { kind: 'file', path: '/etc/systemd/system/real.service', size: 3 },
    ],
    ['a link to ..', '/srv/dotdot/srv/dotdot/etc', { kind: 'directory', path: '/etc' }],
  ])('%s', (_name, path, expected) => {
    expect(resolvePath(tree, path)).toEqual(expected);
  });

  it.each([
    ['an absolute link to /dev/null', '/etc/systemd/system/masked.service'],
    ['a link to a non-normalised /dev/null', '/etc/systemd/system/masked-dots.service'],
  ])('%s is a mask (kind null)', (_name, path) => {
    expect(resolvePath(tree, path)).toEqual({ kind: 'null' });
  });

  it.each([
    ['a missing file', '/etc/systemd/system/nope.service'],
    ['a missing directory', '/nope/x'],
    ['a dangling symlink', '/etc/systemd/system/dangling.service'],
    ['a file used as a directory', '/etc/systemd/system/real.service/x'],
    ['a path below a /dev/null mask', '/etc/systemd/system/masked.service/x'],
    // Only a link whose target *is* /dev/null masks; a relative one is looked up inside the tree,
    // as `systemd-analyze --root=DIR` does (252.38 reports such a unit as "not found").
    ['a relative link reaching /dev/null', '/etc/systemd/system/masked-rel.service'],
    ['/dev/null itself when the tree has no /dev', '/dev/null'],
  ])('%s is missing', (_name, path) => {
    expect(resolvePath(tree, path)).toEqual({ kind: 'missing' });
  });

  it.each([
    ['two links pointing at each other', '/etc/systemd/system/loop-a.service'],
    ['a link to itself', '/etc/systemd/system/self.service'],
  ])('%s is a loop', (_name, path) => {
    expect(resolvePath(tree, path)).toEqual({ kind: 'loop' });
  });

  it('follows 32 links (CHASE_SYMLINKS_MAX) but not 33', () => {
    const chain = (n: number): UnitTree => {
      const files: Record<string, string | { symlink: string }> = { '/d/target': 'x' };
      for (let i = 1; i <= n; i++) files[`/d/l${i}`] = { symlink: i === n ? 'target' : `l${i + 1}` };
      return memoryTree(files);
    };
    expect(resolvePath(chain(32), '/d/l1')).toMatchObject({ kind: 'file', path: '/d/target' });
    expect(resolvePath(chain(33), '/d/l1')).toEqual({ kind: 'loop' });
  });

  it('reports entries that are neither file, directory nor link as other', () => {
    const fifoTree: UnitTree = {
      lstat: (p) => (p === '/fifo' ? { type: 'other' } : p === '/' ? { type: 'directory' } : undefined),
      readDirectory: () => [],
      readFile: () => ({ error: 'not a file' }),
    };
    expect(resolvePath(fifoTree, '/fifo')).toEqual({ kind: 'other', path: '/fifo' });
    expect(resolvePath(fifoTree, '/fifo/x')).toEqual({ kind: 'missing' });
  });
});

describe('resolveEntryIn', () => {
  const dirs = [
    '/',
    '/etc/systemd/system',
    '/etc/systemd/system/x.service.d',
    '/usr/lib/systemd/system',
    '/srv',
  ];
  const entries = dirs.flatMap((dir) =>
    [...(tree.readDirectory(dir) ?? []), 'missing.service'].map(
      (name) => (dir === '/' ? '' : dir) + '/' + name,
    ),
  );

  it.each(entries)('%s: what resolvePath() gives, or undefined for a link to follow', (path) => {
    const r = resolveEntryIn(tree, path);
    if (tree.lstat(path)?.type === 'symlink') expect(r).toBeUndefined();
    else expect(r).toEqual(resolvePath(tree, path));
  });

  it('leaves `.` and `..` to resolvePath()', () => {
    expect(resolveEntryIn(tree, '/etc/.')).toBeUndefined();
    expect(resolveEntryIn(tree, '/etc/..')).toBeUndefined();
  });

  it('knows a missing /dev/null as the mask, except in a host-directory tree', () => {
    const t = memoryTree({ '/dev/zero': '' });
    expect(resolveEntryIn(t, '/dev/null')).toEqual(resolvePath(t, '/dev/null'));
    expect(resolveEntryIn(t, '/dev/null')).toEqual({ kind: 'null' });
    const host: UnitTree = { ...t, hostDirectory: '/srv/units' };
    expect(resolveEntryIn(host, '/dev/null')).toEqual({ kind: 'missing' });
  });
});

describe('linkTargetPath', () => {
  it.each([
    ['/etc/systemd/system', 'real.service', '/etc/systemd/system/real.service'],
    ['/etc/systemd/system', '../x.service', '/etc/systemd/x.service'],
    ['/etc/systemd/system', '/usr/lib/systemd/system/a.service', '/usr/lib/systemd/system/a.service'],
    ['/etc/systemd/system', '/usr//lib/./systemd/system/a.service', '/usr/lib/systemd/system/a.service'],
    ['/etc/systemd/system', '/dev/null', '/dev/null'],
  ])('%s + %s → %s', (dir, target, expected) => {
    expect(linkTargetPath(dir, target)).toBe(expected);
  });
});

describe('memoryTree', () => {
  it('creates parent directories and lists them sorted', () => {
    expect(tree.readDirectory('/')).toEqual(['etc', 'srv', 'usr']);
    expect(tree.readDirectory('/etc/systemd/system/x.service.d')).toEqual(['10-a.conf']);
    expect(tree.readDirectory('/nope')).toBeUndefined();
  });

  it('lists a directory with each entry’s type, in readDirectory()’s order', () => {
    const listed = tree.listDirectory?.('/etc/systemd/system');
    expect([...(listed?.keys() ?? [])]).toEqual(tree.readDirectory('/etc/systemd/system'));
    for (const [name, type] of listed ?? [])
      expect(type).toBe(tree.lstat(`/etc/systemd/system/${name}`)?.type);
    expect(Object.fromEntries(tree.listDirectory?.('/') ?? [])).toEqual({
      etc: 'directory',
      srv: 'directory',
      usr: 'directory',
    });
    expect(tree.listDirectory?.('/nope')).toBeUndefined();
  });

  it('accepts paths without a leading slash', () => {
    const t = memoryTree({ 'a/b.service': 'x' });
    expect(t.lstat('/a/b.service')).toEqual({ type: 'file', size: 1 });
  });

  it('reports symlinks without following them', () => {
    expect(tree.lstat('/etc/systemd/system/rel.service')).toEqual({
      type: 'symlink',
      target: 'real.service',
    });
    expect(tree.lstat('/etc/systemd/system')).toEqual({ type: 'directory' });
    expect(tree.lstat('/etc/systemd/system/nope')).toBeUndefined();
  });

  it('reads file contents, and errors for anything else', () => {
    expect(tree.readFile('/usr/lib/systemd/system/lib.service')).toEqual({ text: 'hello' });
    expect(tree.readFile('/etc/systemd/system')).toEqual({ error: 'No such file or directory' });
    expect(tree.readFile('/etc/systemd/system/rel.service')).toEqual({ error: 'No such file or directory' });
  });
});

// Regression (252.38): `ln -s ../../../../../../../dev/null d/y.service` analysed as `d/y.service`
// (no --root) is masked for systemd, but was "not found": `..` was clamped at the unit's directory.
// A host-directory tree resolves links as the host does, yet reads nothing outside the directory.
describe('resolvePath in a host-directory tree (no --root)', () => {
  const hostTree: UnitTree = {
    ...memoryTree({
      '/real.service': 'abc',
      '/deep-null.service': { symlink: '../../../../../../../dev/null' },
      '/exact-null.service': { symlink: '../../../dev/null' },
      '/short-null.service': { symlink: '../../dev/null' },
      '/abs-null.service': { symlink: '/dev/null' },
      '/back-in.service': { symlink: '../d/real.service' },
      '/abs-in.service': { symlink: '/tmp/x/d/real.service' },
      '/abs-out.service': { symlink: '/etc/passwd' },
      '/sibling.service': { symlink: '../other/x.service' },
      '/sub': { symlink: '../../../../dev/null' },
      '/up': { symlink: '..' },
    }),
    hostDirectory: '/tmp/x/d',
  };

  it.each([
    ['a relative link climbing to /dev/null', '/deep-null.service'],
    ['a relative link reaching exactly /dev/null', '/exact-null.service'],
    ['an absolute link to /dev/null', '/abs-null.service'],
  ])('%s is a mask', (_name, path) => {
    expect(resolvePath(hostTree, path)).toEqual({ kind: 'null' });
  });

  it.each([
    ['a link leaving the directory for another file', '/short-null.service'],
    ['an absolute link outside the directory (never read)', '/abs-out.service'],
    ['a link to a sibling directory (never read)', '/sibling.service'],
    ['a path below a /dev/null link', '/sub/x'],
    ['the parent directory itself', '/up'],
  ])('%s is missing', (_name, path) => {
    expect(resolvePath(hostTree, path)).toEqual({ kind: 'missing' });
  });

  it.each([
    ['a link leaving and re-entering the directory', '/back-in.service'],
    ['an absolute link into the directory', '/abs-in.service'],
  ])('%s resolves inside the tree', (_name, path) => {
    expect(resolvePath(hostTree, path)).toEqual({ kind: 'file', path: '/real.service', size: 3 });
  });

  it('memoizeTree keeps the host directory', () => {
    expect(resolvePath(memoizeTree(hostTree), '/deep-null.service')).toEqual({ kind: 'null' });
  });

  it('a tree with its own root still clamps `..` (as systemd-analyze --root=DIR)', () => {
    const { hostDirectory: _ignored, ...rooted } = hostTree;
    expect(resolvePath(rooted, '/deep-null.service')).toEqual({ kind: 'missing' });
    expect(resolvePath(rooted, '/abs-null.service')).toEqual({ kind: 'null' });
  });
});

describe('withFiles', () => {
  // A tree with typed listings, like the node tree: in-memory files must show in them too.
  const base = memoryTree({ '/etc/systemd/system/a.service': '[Service]\n' });
  const typed: UnitTree = {
    ...base,
    listDirectory: (p) => {
      const names = base.readDirectory(p);
      if (!names) return undefined;
      const dir = p === '/' ? '' : p;
      return new Map(names.map((n): [string, EntryType] => [n, base.lstat(`${dir}/${n}`)?.type ?? 'other']));
    },
  };
  const tree = withFiles(typed, new Map([['/etc/systemd/system/a.service.d/x.conf', '[Service]\nUser=u\n']]));

  it('adds the file and its directories to every view of the tree', () => {
    expect(tree.lstat('/etc/systemd/system/a.service.d/x.conf')).toEqual({ type: 'file', size: 17 });
    expect(tree.lstat('/etc/systemd/system/a.service.d')).toEqual({ type: 'directory' });
    expect(tree.readDirectory('/etc/systemd/system')).toEqual(['a.service', 'a.service.d']);
    expect([...(tree.listDirectory?.('/etc/systemd/system') ?? [])]).toEqual([
      ['a.service', 'file'],
      ['a.service.d', 'directory'],
    ]);
    expect(tree.readFile('/etc/systemd/system/a.service.d/x.conf')).toEqual({ text: '[Service]\nUser=u\n' });
    expect(tree.readFile('/etc/systemd/system/a.service')).toEqual({ text: '[Service]\n' });
  });

  it('is the tree itself when there is nothing to add', () => {
    expect(withFiles(typed, new Map())).toBe(typed);
  });
});
