// `unitgate security` over real directories: without --root a unit's directory is a window onto the
// host (links resolve as there, nothing outside is read); with --root the tree is a root of its own.
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli';

let dir: string;
beforeAll(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'unitgate-security-cli-')));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const security = (args: string[]) =>
  runCli(['security', '--offline=true', ...args], { cwd: dir, env: {}, stdoutIsTTY: false });

/** A relative link from `linkDir` that climbs to the file system root and on to `target`. */
const climbTo = (linkDir: string, target: string): string =>
  '../'.repeat(linkDir.split('/').filter(Boolean).length + 2) + target.replace(/^\//, '');

// Regression (252.38): `ln -s ../../../../../../../dev/null d/y.service` then `systemd-analyze security
// --offline=true d/y.service` says "masked"; unitgate said "not found" because `..` stopped at d/.
describe('symlinks of a unit analysed without --root', () => {
  it.each([
    [
      'a relative link climbing to /dev/null masks the unit',
      (d: string) => climbTo(d, '/dev/null'),
      'Unit y.service is masked.',
    ],
    ['an absolute link to /dev/null masks the unit', () => '/dev/null', 'Unit y.service is masked.'],
    [
      'a link to a file outside the directory is not followed',
      () => '../outside.service',
      'Unit y.service not found.',
    ],
  ])('%s', (_name, target, message) => {
    const d = mkdtempSync(join(dir, 'case-'));
    writeFileSync(join(d, 'outside.service'), '[Service]\nExecStart=/bin/true\n');
    mkdirSync(join(d, 'units'));
    symlinkSync(target(join(d, 'units')), join(d, 'units', 'y.service'));
    const r = security([join(d, 'units', 'y.service')]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(message);
  });

  it('a link that leaves the directory and comes back is followed', () => {
    const d = mkdtempSync(join(dir, 'case-'));
    mkdirSync(join(d, 'units'));
    writeFileSync(join(d, 'units', 'real.service'), '[Service]\nExecStart=/bin/true\n');
    symlinkSync('../units/real.service', join(d, 'units', 'y.service'));
    expect(security(['--json=short', join(d, 'units', 'y.service')]).exitCode).toBe(0);
  });

  it("with --root, a link reaching the root's /dev/null is looked up inside the root: not found", () => {
    // systemd-analyze 252.38 --root=DIR: "Failed to open …/y.service", "Unit y.service not found."
    const root = mkdtempSync(join(dir, 'root-'));
    const units = join(root, 'etc/systemd/system');
    mkdirSync(units, { recursive: true });
    symlinkSync('../../../dev/null', join(units, 'y.service'));
    const r = security([`--root=${root}`, 'y.service']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('Unit y.service not found.');
  });
});

// systemd names the file on this machine in a setting's warning: with --root the root is part of it,
// without it the unit's own directory (recorded with systemd-analyze 252.38).
describe('the file a warning names', () => {
  const unit = '[Service]\nExecStart=/bin/true\nType=no-such-type\n';

  it('is the path under --root', () => {
    const root = mkdtempSync(join(dir, 'root-'));
    mkdirSync(join(root, 'usr/lib/systemd/system'), { recursive: true });
    writeFileSync(join(root, 'usr/lib/systemd/system/w.service'), unit);
    const r = security([`--root=${root}`, '--json=short', 'w.service']);
    expect(r.stderr).toMatch(new RegExp(`^${root}/usr/lib/systemd/system/w\\.service:3: `, 'm'));
  });

  it('is left out where systemd logs without one (OnFailureIsolate=, log_notice())', () => {
    const d = mkdtempSync(join(dir, 'case-'));
    writeFileSync(join(d, 'i.service'), '[Unit]\nOnFailureIsolate=false\n[Service]\nExecStart=/bin/true\n');
    const r = security(['--json=short', join(d, 'i.service')]);
    expect(r.stderr).toBe('OnFailureIsolate is deprecated. Please use OnFailureJobMode= instead\n');
  });

  it("is the unit's own path without --root, given relative or absolute", () => {
    const d = mkdtempSync(join(dir, 'case-'));
    writeFileSync(join(d, 'w.service'), unit);
    for (const argument of [join(d, 'w.service'), 'w.service']) {
      const r = runCli(['security', '--offline=true', '--json=short', argument], {
        cwd: d,
        env: {},
        stdoutIsTTY: false,
      });
      expect(r.stderr).toMatch(new RegExp(`^${d}/w\\.service:3: `, 'm'));
    }
  });
});

// With --root, systemd opens unit files and drop-ins with a plain open() of the root-prefixed path,
// so their links resolve on the host: only the name map's alias check resolves inside the root
// (unit_file_resolve_symlink()). unitgate reads nothing outside the root: there, only /dev/null counts.
// Each expectation was recorded with systemd-analyze 252.38.
describe('--root: links of unit files resolve as on the host', () => {
  const makeRoot = (): { root: string; units: string } => {
    const root = mkdtempSync(join(dir, 'root-'));
    const units = join(root, 'etc/systemd/system');
    mkdirSync(units, { recursive: true });
    mkdirSync(join(root, 'opt'));
    return { root, units };
  };

  it('a relative link climbing past the root onto /dev/null masks the unit', () => {
    const { root, units } = makeRoot();
    symlinkSync(climbTo(units, '/dev/null'), join(units, 'y.service'));
    const r = security([`--root=${root}`, 'y.service']);
    expect([r.exitCode, r.stderr]).toEqual([1, 'Unit y.service is masked.\n']);
  });

  it('an absolute link is followed on the host, never into the root: the file cannot be opened', () => {
    const { root, units } = makeRoot();
    const name = `unitgate-test-${process.pid}-${Date.now()}.service`;
    writeFileSync(join(root, 'opt', name), '[Service]\nExecStart=/bin/true\n');
    symlinkSync(`/opt/${name}`, join(units, 'y.service'));
    const r = security([`--root=${root}`, 'y.service']);
    expect([r.exitCode, r.stdout, r.stderr]).toEqual([
      1,
      '',
      `y.service: Failed to open ${units}/y.service: No such file or directory\nUnit y.service not found.\n`,
    ]);
  });

  it('a relative link that stays inside the root is followed', () => {
    const { root, units } = makeRoot();
    writeFileSync(join(root, 'opt', 'there.service'), '[Service]\nExecStart=/bin/true\n');
    symlinkSync('../../../opt/there.service', join(units, 'y.service'));
    expect(security([`--root=${root}`, '--json=short', 'y.service']).exitCode).toBe(0);
  });

  it('a link to a directory fails to load', () => {
    const { root, units } = makeRoot();
    symlinkSync('../../../opt', join(units, 'y.service'));
    const r = security([`--root=${root}`, 'y.service']);
    expect([r.exitCode, r.stderr]).toEqual([
      1,
      'Unit y.service failed to load properly, please adjust/correct and reload service manager: Is a directory\n',
    ]);
  });

  it('a drop-in linked to an absolute path is not read; one linked inside the root is', () => {
    const { root, units } = makeRoot();
    mkdirSync(join(root, 'usr/lib/systemd/system'), { recursive: true });
    writeFileSync(join(root, 'usr/lib/systemd/system/ok.service'), '[Service]\nExecStart=/bin/true\n');
    writeFileSync(join(root, 'opt', 'user.conf'), '[Service]\nUser=nobody\n');
    writeFileSync(join(root, 'opt', 'private.conf'), '[Service]\nPrivateTmp=yes\n');
    mkdirSync(join(units, 'ok.service.d'));
    symlinkSync('/opt/private.conf', join(units, 'ok.service.d', 'abs.conf'));
    symlinkSync('../../../../opt/user.conf', join(units, 'ok.service.d', 'rel.conf'));
    const r = security([`--root=${root}`, '--json=short', 'ok.service']);
    const rows = JSON.parse(r.stdout) as { json_field: string; set: boolean | null }[];
    const set = (field: string): boolean | null | undefined => rows.find((x) => x.json_field === field)?.set;
    expect([set('UserOrDynamicUser'), set('PrivateTmp')]).toEqual([false, false]);
    expect(r.stderr).toBe(
      `${units}/ok.service.d/rel.conf:2: Special user nobody configured, this is not safe!\n`,
    );
  });
});
