// Exact unit names on file systems that fold them: a simulated case-insensitive file system (lookups
// answered for any case, as macOS's APFS and Windows do) read through withExactNames() answers exactly
// as a case-sensitive one, the detection probes only what it must, and the paths a folding working tree
// cannot hold apart are found. Then the same on a real folding file system, when this machine has one
// (macOS's temporary directory, or a casefolded tmpfs that root can mount on Linux); else skipped with a
// notice — the simulated cases above cover the logic either way.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { scoreUnitInTree } from '../../src/core/engine';
import { indexSource, worktreeSource } from '../../src/io/gate-pipeline';
import { createRealTree } from '../../src/io/node-unit-tree';
import { systemdRelease } from '../../src/core/security/versions';
import { memoryTree, type UnitTree } from '../../src/core/unit/unit-tree';
import { directoryFoldsNames, foldedCollisions, withExactNames } from '../../src/io/exact-name-tree';

/** The fold a case- and normalization-insensitive file system applies to a name. */
const fold = (name: string): string => name.normalize('NFD').toLowerCase();

/**
 * `tree` as a folding file system shows it: each component of a path is found under any case or
 * normalization form (the first listed entry that folds alike), and answered as that entry.
 */
function foldingView(tree: UnitTree): UnitTree & { lookups: string[] } {
  const lookups: string[] = [];
  const canonical = (path: string, followLast = false): string | undefined => {
    let dir = '/';
    const components = posix.normalize(path).split('/');
    for (const [i, component] of components.entries()) {
      if (component === '') continue;
      const names = tree.readDirectory(dir);
      const hit = names?.find((n) => fold(n) === fold(component));
      if (hit === undefined) return undefined;
      dir = posix.join(dir, hit);
      // As the kernel does, a link on the way is followed (the last one only when asked: readdir(3)).
      const entry = tree.lstat(dir);
      if (entry?.type === 'symlink' && (followLast || i < components.length - 1))
        dir = posix.resolve(posix.dirname(dir), entry.target);
    }
    return dir;
  };
  return {
    lookups,
    lstat(path) {
      lookups.push(path);
      const c = canonical(path);
      return c === undefined ? undefined : tree.lstat(c);
    },
    readDirectory(path) {
      const c = canonical(path, true);
      return c === undefined ? undefined : tree.readDirectory(c);
    },
    readFile(path) {
      const c = canonical(path);
      return c === undefined ? { error: 'ENOENT' } : tree.readFile(c);
    },
  };
}

const SYSTEM = '/etc/systemd/system';
const HARDENED =
  '[Service]\nExecStart=/usr/bin/api\nProtectSystem=strict\nPrivateTmp=yes\nNoNewPrivileges=yes\n';

describe('withExactNames over a folding file system', () => {
  const files = {
    [`${SYSTEM}/api.service`]: '[Service]\nExecStart=/usr/bin/api\n',
    [`${SYSTEM}/API.service.d/hardening.conf`]: HARDENED,
    [`${SYSTEM}/web.service`]: '[Service]\nExecStart=/usr/bin/web\n',
    [`${SYSTEM}/web.service.d/10-shared.conf`]: { symlink: '../../shared/Hardening.conf' },
    '/etc/systemd/shared/hardening.conf': HARDENED,
    '/etc/systemd/café.service': '[Service]\nExecStart=/x\n',
  };

  it.each([
    [`${SYSTEM}/api.service`, { type: 'file' }],
    [`${SYSTEM}/API.service`, undefined],
    [`/ETC/systemd/system/api.service`, undefined],
    [`${SYSTEM}/API.service.d`, { type: 'directory' }],
    [`${SYSTEM}/api.service.d`, undefined],
    ['/etc/systemd/shared/Hardening.conf', undefined],
    ['/etc/systemd/café.service'.normalize('NFC'), { type: 'file' }],
    ['/etc/systemd/café.service'.normalize('NFD'), undefined],
    ['/../etc/./systemd//system/api.service', { type: 'file' }],
  ])('lstat %s', (path, expected) => {
    const folding = foldingView(memoryTree(files));
    // The simulation folds: without the guard, every one of these is found.
    expect(folding.lstat(path)).toBeDefined();
    const entry = withExactNames(folding).lstat(path);
    if (expected === undefined) expect(entry).toBeUndefined();
    else expect(entry).toMatchObject(expected);
  });

  it('reads, lists and types only exact names', () => {
    const tree = withExactNames(foldingView(memoryTree(files)));
    expect(tree.readFile(`${SYSTEM}/API.service`)).toEqual({ error: 'ENOENT' });
    expect(tree.readFile(`${SYSTEM}/api.service`)).toEqual({ text: files[`${SYSTEM}/api.service`] });
    expect(tree.readDirectory('/etc/Systemd/system')).toBeUndefined();
    expect(tree.readDirectory(SYSTEM)?.sort()).toEqual([
      'API.service.d',
      'api.service',
      'web.service',
      'web.service.d',
    ]);
    const listing = withExactNames(memoryTree(files)).listDirectory?.(`${SYSTEM}/API.service.d`);
    expect([...(listing ?? new Map()).entries()]).toEqual([['hardening.conf', 'file']]);
    expect(withExactNames(memoryTree(files)).listDirectory?.(`${SYSTEM}/api.service.d`)).toBeUndefined();
  });

  it.each([
    ['a drop-in linked to a name of another case', 'web.service', [SYSTEM], true],
    [
      'a unit asked for in another case, through a linked search directory',
      'Web.service',
      ['/srv/units'],
      true,
    ],
    // The loader finds these through directory listings, whose names are exact already.
    ['a drop-in directory of another case', 'api.service', [SYSTEM], false],
    ['a unit asked for in another case', 'Web.service', [SYSTEM], false],
  ])('scores as a case-sensitive file system does: %s', (_name, unitName, searchPath, misleads) => {
    const tree = { ...files, '/srv/units': { symlink: SYSTEM } };
    const score = (t: UnitTree) => {
      const outcome = scoreUnitInTree({ tree: t, unitName, searchPath, systemd: systemdRelease(252) });
      return outcome.ok ? outcome.assessment.exposure : `not loaded: ${outcome.message}`;
    };
    const caseSensitive = score(memoryTree(tree));
    // Where the simulation misleads the loader without the guard…
    if (misleads) expect(score(foldingView(memoryTree(tree)))).not.toEqual(caseSensitive);
    // …the guard gives the case-sensitive answer.
    expect(score(withExactNames(foldingView(memoryTree(tree))))).toEqual(caseSensitive);
  });

  it('a directory that does not fold costs one probe, however often it is looked in', () => {
    const sensitive = memoryTree({ '/d/a.service': 'x', '/d/b.service': 'y' });
    const asked: string[] = [];
    const tree = withExactNames({ ...sensitive, lstat: (p) => (asked.push(p), sensitive.lstat(p)) });
    for (let i = 0; i < 3; i++) expect(tree.lstat('/d/a.service')).toEqual({ type: 'file', size: 1 });
    expect(asked.filter((p) => p !== '/d/a.service')).toEqual(['/D', '/d/A.SERVICE']);
  });
});

describe('directoryFoldsNames', () => {
  it.each([
    ['a name of another case is found', ['Api.service'], ['aPI.SERVICE'], true],
    ['no name of another case is found', ['Api.service'], [], false],
    [
      'another form of a composed name is found',
      ['café'.normalize('NFC'), '42'],
      ['café'.normalize('NFD')],
      true,
    ],
    ['both cases listed: another name decides', ['a.conf', 'A.CONF', 'b'], [], false],
    ['no name with letters: nothing to confuse', ['10', '20-'], [], false],
    ['an empty directory', [], [], false],
  ])('%s', (_name, names, found, folds) => {
    const asked: string[] = [];
    const exists = (n: string) => (asked.push(n), found.includes(n));
    expect(directoryFoldsNames(names, exists)).toBe(folds);
    // A probe is never a listed name (that would prove nothing).
    for (const n of asked) expect(names).not.toContain(n);
  });
});

describe('foldedCollisions', () => {
  const NFC = 'units/café.service'.normalize('NFC');
  const NFD = 'units/café.service'.normalize('NFD');
  it.each([
    ['no collision', ['deploy/api.service', 'deploy/api.service.d/x.conf', 'deploy/web.service'], []],
    [
      'two unit files',
      ['deploy/API.service', 'deploy/api.service', 'deploy/web.service'],
      [['deploy/API.service', 'deploy/api.service', 'deploy/API.service', 'deploy/api.service']],
    ],
    [
      'two directories, named once',
      ['Deploy/a.service', 'deploy/b.service', 'deploy/c.service'],
      [['Deploy/a.service', 'deploy/b.service', 'Deploy', 'deploy']],
    ],
    ['normalization forms', [NFC, NFD], [[NFC, NFD, NFC, NFD]]],
    ['the same path twice is no collision', ['a/b.service', 'a/b.service'], []],
  ])('%s', (_name, paths, expected) => {
    expect(foldedCollisions(paths).map((c) => [c.a, c.b, c.aPrefix, c.bPrefix])).toEqual(expected);
  });
});

/**
 * A directory of a file system that folds case: the temporary directory when it does (macOS), else a
 * casefolded tmpfs mounted here (Linux with CONFIG_UNICODE, as root); why not, when neither works.
 */
function foldingDirectory(): { dir: string; unmount?: string } | { reason: string } {
  const scratch = mkdtempSync(join(tmpdir(), 'unitgate-casefold-'));
  writeFileSync(join(scratch, 'Probe'), '');
  if (existsSync(join(scratch, 'probe'))) return { dir: scratch };
  rmSync(join(scratch, 'Probe'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'casefold', 'tmpfs', scratch], { stdio: 'pipe' });
  } catch (e) {
    rmSync(scratch, { recursive: true, force: true });
    const stderr = String((e as { stderr?: Buffer }).stderr ?? e)
      .trim()
      .split('\n')[0]
      ?.replace(scratch, 'DIR');
    return { reason: `cannot mount a casefolded tmpfs (${stderr})` };
  }
  const dir = join(scratch, 'folded');
  mkdirSync(dir);
  try {
    execFileSync('chattr', ['+F', dir], { stdio: 'pipe' });
  } catch (e) {
    execFileSync('umount', [scratch]);
    rmSync(scratch, { recursive: true, force: true });
    return { reason: `chattr +F failed (${String(e).split('\n')[0]})` };
  }
  return { dir, unmount: scratch };
}

const folding = foldingDirectory();
if ('reason' in folding) {
  console.warn(
    `exact names on a real case-insensitive file system SKIPPED: ${folding.reason}. ` +
      'The simulated file system of this file covers the same logic.',
  );
}
const onFoldingFs = 'reason' in folding ? describe.skip : describe;

onFoldingFs('on a real case-insensitive file system', () => {
  const dir = 'dir' in folding ? folding.dir : '';
  afterAll(() => {
    if ('unmount' in folding && folding.unmount !== undefined) {
      execFileSync('umount', [folding.unmount]);
      rmSync(folding.unmount, { recursive: true, force: true });
    } else rmSync(dir, { recursive: true, force: true });
  });
  const git = (cwd: string, ...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
      cwd,
      input: '',
    }).toString();

  it('a lookup never opens the entry of another case', () => {
    mkdirSync(join(dir, 'units/API.service.d'), { recursive: true });
    writeFileSync(join(dir, 'units/Web.service'), HARDENED);
    writeFileSync(join(dir, 'units/API.service.d/x.conf'), HARDENED);
    // The file system does fold here: the test would prove nothing otherwise.
    expect(existsSync(join(dir, 'units/web.service'))).toBe(true);
    const tree = createRealTree(dir);
    expect(tree.lstat('/units/Web.service')).toMatchObject({ type: 'file' });
    expect(tree.lstat('/units/web.service')).toBeUndefined();
    expect(tree.readFile('/units/web.service')).toEqual({ error: 'ENOENT' });
    expect(tree.readDirectory('/units/api.service.d')).toBeUndefined();
    expect(tree.readDirectory('/UNITS')).toBeUndefined();
  });

  it('a checkout of two paths differing in case: the working tree is refused, the index is read', async () => {
    const repo = join(dir, 'repo');
    mkdirSync(repo);
    git(repo, 'init', '-q');
    const oid = (text: string) =>
      execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd: repo, input: text }).toString().trim();
    // Two entries git itself would not make from this working tree (as a clone from Linux has them).
    git(repo, 'config', 'core.ignorecase', 'false');
    git(repo, 'update-index', '--add', '--cacheinfo', `100644,${oid(HARDENED)},deploy/API.service`);
    git(
      repo,
      'update-index',
      '--add',
      '--cacheinfo',
      `100644,${oid('[Service]\nExecStart=/x\n')},deploy/api.service`,
    );
    git(repo, 'commit', '-q', '-m', 'two units');
    git(repo, 'config', 'core.ignorecase', 'true');
    git(repo, 'checkout', '-q', '--', '.');
    await expect(worktreeSource(repo)).rejects.toThrow(
      'deploy/API.service and deploy/api.service differ only in letter case',
    );
    const index = await indexSource(repo);
    expect(index.tree.readFile('/deploy/API.service')).toEqual({ text: HARDENED });
    expect(index.tree.readFile('/deploy/api.service')).toEqual({ text: '[Service]\nExecStart=/x\n' });
  });
});
