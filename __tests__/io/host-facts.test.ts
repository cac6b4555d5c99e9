// readHostFacts(): the analysing machine's files below a root, the kernel's facts from the kernel.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, release } from 'node:os';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseEnvFile, readHostFacts } from '../../src/io/host-facts';

describe('parseEnvFile (parse_env_file)', () => {
  it.each([
    ['ID=debian', { ID: 'debian' }],
    ['PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"', { PRETTY_NAME: 'Debian GNU/Linux 12 (bookworm)' }],
    ["NAME='a \\b'", { NAME: 'a \\b' }],
    ['X="a\\"b\\\\c\\n"', { X: 'a"b\\c\\n' }],
    ['  KEY = value  ', { KEY: 'value' }],
    ['# ID=no\n; ID=no\nID=yes', { ID: 'yes' }],
    ['NOEQUALS\nA=1', { A: '1' }],
  ])('%j', (text, expected) => {
    expect(parseEnvFile(text)).toEqual(expected);
  });
});

describe('readHostFacts', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'unitgate-host-'));
    mkdirSync(join(root, 'etc'));
    mkdirSync(join(root, 'usr/lib'), { recursive: true });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('reads machine-id, os-release (through its link) and machine-info below the root', () => {
    writeFileSync(join(root, 'etc/machine-id'), 'ABCDEF0123456789abcdef0123456789\n');
    writeFileSync(join(root, 'usr/lib/os-release'), 'ID=debian\nVERSION_ID="13"\n');
    symlinkSync('../usr/lib/os-release', join(root, 'etc/os-release'));
    writeFileSync(join(root, 'etc/machine-info'), 'PRETTY_HOSTNAME="Build Box"\n');
    const facts = readHostFacts(root);
    expect(facts.machineId).toBe('abcdef0123456789abcdef0123456789');
    expect(facts.osRelease).toEqual({ ID: 'debian', VERSION_ID: '13' });
    expect(facts.prettyHostName).toBe('Build Box');
    expect(facts.hostName).toBe(hostname());
    expect(facts.kernelRelease).toBe(release());
  });

  it('falls back to /usr/lib/os-release, and leaves unreadable facts unset', () => {
    writeFileSync(join(root, 'usr/lib/os-release'), 'ID=arch\n');
    writeFileSync(join(root, 'etc/machine-id'), 'uninitialized\n');
    const facts = readHostFacts(root);
    expect(facts.osRelease).toEqual({ ID: 'arch' });
    expect(facts.machineId).toBeUndefined();
    expect(facts.prettyHostName).toBeUndefined();
  });

  it('has no os-release when neither file exists, and refuses an all-zero machine id', () => {
    writeFileSync(join(root, 'etc/machine-id'), '0'.repeat(32));
    const facts = readHostFacts(root);
    expect(facts.osRelease).toBeUndefined();
    expect(facts.machineId).toBeUndefined();
  });
});
