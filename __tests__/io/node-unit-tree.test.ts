// node-unit-tree.ts over a real temporary directory: lookups stay inside it, links are reported and
// never followed by the OS, and files that are not regular or too large are errors.
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MAX_UNIT_FILE_BYTES } from '../../src/core/unit/load-unit';
import { createRealTree } from '../../src/io/node-unit-tree';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'unitgate-tree-'));
  await mkdir(path.join(dir, 'etc/systemd/system'), { recursive: true });
  await writeFile(path.join(dir, 'etc/systemd/system/api.service'), '[Service]\n');
  await writeFile(path.join(dir, 'etc/systemd/system/big.service'), 'x'.repeat(MAX_UNIT_FILE_BYTES + 1));
  await symlink('/etc/passwd', path.join(dir, 'etc/systemd/system/out.service'));
  await symlink('/dev/null', path.join(dir, 'etc/systemd/system/masked.service'));
  await writeFile(path.join(dir, 'etc/systemd/system/empty.service'), '');
  // Fewer UTF-16 units than the byte limit, more UTF-8 bytes than it.
  await writeFile(path.join(dir, 'etc/systemd/system/wide.service'), 'é'.repeat(MAX_UNIT_FILE_BYTES / 2 + 1));
  execFileSync('mkfifo', [path.join(dir, 'etc/systemd/system/fifo.service')]);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('createRealTree', () => {
  const tree = () => createRealTree(`${dir}/`);
  const unit = (name: string) => `/etc/systemd/system/${name}`;

  it.each([
    ['api.service', { type: 'file', size: 10 }],
    ['out.service', { type: 'symlink', target: '/etc/passwd' }],
    ['fifo.service', { type: 'other' }],
    ['missing.service', undefined],
    ['api.service/below', undefined], // a component that is a file
  ])('lstat %s', (name, expected) => {
    expect(tree().lstat(unit(name))).toEqual(expected);
  });

  it('lstat of the root and `..` stay inside the directory', () => {
    expect(tree().lstat('/')).toEqual({ type: 'directory' });
    expect(tree().lstat('/../../etc/systemd')).toEqual({ type: 'directory' });
    expect(tree().lstat('/../../etc/hostname')).toBeUndefined();
  });

  it.each([
    ['api.service', { text: '[Service]\n' }],
    ['big.service', { error: expect.stringMatching(/bytes/) }],
    ['out.service', { error: 'ELOOP' }], // O_NOFOLLOW: a link is never followed here
    ['fifo.service', { error: 'not a regular file' }], // reads as empty: checked again
    ['empty.service', { text: '' }], // a real empty file (a mask)
    [
      'wide.service',
      {
        error: `file is ${MAX_UNIT_FILE_BYTES + 2} bytes, larger than the ${MAX_UNIT_FILE_BYTES} bytes unitgate reads`,
      },
    ],
    ['../system', { error: 'not a regular file' }], // a directory
    ['missing.service', { error: 'ENOENT' }],
  ])('readFile %s', (name, expected) => {
    expect(tree().readFile(unit(name))).toEqual(expected);
  });

  it('lists directories with the entry types, and nothing for a missing one', () => {
    const t = tree();
    expect(t.readDirectory?.('/etc/systemd/system')?.sort()).toEqual([
      'api.service',
      'big.service',
      'empty.service',
      'fifo.service',
      'masked.service',
      'out.service',
      'wide.service',
    ]);
    expect(Object.fromEntries(t.listDirectory?.('/etc/systemd/system') ?? [])).toEqual({
      'api.service': 'file',
      'big.service': 'file',
      'empty.service': 'file',
      'fifo.service': 'other',
      'masked.service': 'symlink',
      'out.service': 'symlink',
      'wide.service': 'file',
    });
    expect(t.readDirectory?.('/nowhere')).toBeUndefined();
    expect(t.listDirectory?.('/nowhere')).toBeUndefined();
  });

  it('a host view names its canonical directory; a missing one its resolved path', () => {
    expect(createRealTree(dir, { hostView: true }).hostDirectory).toBe(realpathSync(dir));
    expect(createRealTree(`${dir}/none/..`, { hostView: true }).hostDirectory).toBe(dir);
    expect(createRealTree(dir).hostDirectory).toBeUndefined();
  });
});
