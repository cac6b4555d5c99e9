// `unitgate security` over real directories: without --root the tree is the host, its search path led by
// the arguments' directories; with --root links resolve on the host, but nothing outside the root is read.
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
  ])('%s', (_name, target, message) => {
    const d = mkdtempSync(join(dir, 'case-'));
    writeFileSync(join(d, 'outside.service'), '[Service]\nExecStart=/bin/true\n');
    mkdirSync(join(d, 'units'));
    symlinkSync(target(join(d, 'units')), join(d, 'units', 'y.service'));
    const r = security([join(d, 'units', 'y.service')]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(message);
  });

  // 252.38: a link out of the search path is a linked unit file, opened wherever it leads.
  it('a link to a file outside the directory is followed', () => {
    const d = mkdtempSync(join(dir, 'case-'));
    writeFileSync(join(d, 'outside.service'), '[Service]\nExecStart=/bin/true\n');
    mkdirSync(join(d, 'units'));
    symlinkSync('../outside.service', join(d, 'units', 'y.service'));
    expect(security(['--json=short', join(d, 'units', 'y.service')]).exitCode).toBe(0);
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

// Which files systemd-analyze loads for its arguments (252.38, 257.13, 262.1 agree):
// offline_security_checks() puts each argument's directory before the search path without --root, and
// none with it.
describe('the search path of the arguments', () => {
  const unit = '[Service]\nExecStart=/bin/true\n';

  it("without --root, a drop-in beside one argument applies to another argument's unit", () => {
    const d = mkdtempSync(join(dir, 'case-'));
    mkdirSync(join(d, 'a/ug-b.service.d'), { recursive: true });
    mkdirSync(join(d, 'b'));
    writeFileSync(join(d, 'a/ug-a.service'), unit);
    writeFileSync(join(d, 'a/ug-b.service.d/x.conf'), '[Service]\nType=no-such-type\n');
    writeFileSync(join(d, 'b/ug-b.service'), unit);
    const r = security(['--json=short', join(d, 'a/ug-a.service'), join(d, 'b/ug-b.service')]);
    expect(r.stderr).toContain(`${d}/a/ug-b.service.d/x.conf:2: `);
  });

  it("without --root, a unit missing from its argument's directory is found in another's", () => {
    const d = mkdtempSync(join(dir, 'case-'));
    mkdirSync(join(d, 'a'));
    writeFileSync(join(d, 'a/ug-c.service'), unit);
    const r = security(['--json=short', join(d, 'a/ug-c.service'), join(d, 'b/ug-c.service')]);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('');
  });

  it('without --root, the directory of an argument that names no file there is not searched', () => {
    const d = mkdtempSync(join(dir, 'case-'));
    mkdirSync(join(d, 'a'));
    mkdirSync(join(d, 'b/ug-e.service.d'), { recursive: true });
    writeFileSync(join(d, 'a/ug-e.service'), unit);
    writeFileSync(join(d, 'b/ug-e.service.d/x.conf'), '[Service]\nType=no-such-type\n');
    const r = security(['--json=short', join(d, 'a/ug-e.service'), join(d, 'b/ug-e.service')]);
    expect(r.stderr).toBe('');
  });

  it('without --root, a bare name is looked up in the working directory', () => {
    const d = mkdtempSync(join(dir, 'case-'));
    writeFileSync(join(d, 'ug-cwd.service'), unit);
    const r = runCli(['security', '--offline=true', '--json=short', 'ug-cwd.service'], {
      cwd: d,
      env: {},
      stdoutIsTTY: false,
    });
    expect(r.exitCode).toBe(0);
  });

  it('with --root, a path is looked up by its name: a file outside the search path is not found', () => {
    const root = mkdtempSync(join(dir, 'root-'));
    mkdirSync(join(root, 'srv'));
    writeFileSync(join(root, 'srv/ug-x.service'), unit);
    const r = security([`--root=${root}`, '/srv/ug-x.service']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe('Unit ug-x.service not found.\n');
  });

  it('with --root, a path into /usr/lib is shadowed by the copy in /etc', () => {
    const root = mkdtempSync(join(dir, 'root-'));
    mkdirSync(join(root, 'usr/lib/systemd/system'), { recursive: true });
    mkdirSync(join(root, 'etc/systemd/system'), { recursive: true });
    writeFileSync(join(root, 'usr/lib/systemd/system/ug-y.service'), unit);
    writeFileSync(join(root, 'etc/systemd/system/ug-y.service'), unit + 'Type=no-such-type\n');
    const r = security([`--root=${root}`, '--json=short', '/usr/lib/systemd/system/ug-y.service']);
    expect(r.stderr).toMatch(new RegExp(`^${root}/etc/systemd/system/ug-y\\.service:3: `, 'm'));
  });

  it.each(['transient', 'generator', 'generator.early', 'generator.late'])(
    'with --root, /run/systemd/%s is not searched',
    (name) => {
      const root = mkdtempSync(join(dir, 'root-'));
      mkdirSync(join(root, 'run/systemd', name), { recursive: true });
      writeFileSync(join(root, 'run/systemd', name, 'ug-g.service'), unit);
      expect(security([`--root=${root}`, 'ug-g.service']).stderr).toBe('Unit ug-g.service not found.\n');
    },
  );
});
