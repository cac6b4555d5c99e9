// `unitgate check` decides what CI would, over real git repositories: the fork point (merge base) is
// the comparison, the base branch tip's policy governs, path arguments select units or exit 2, --cached
// reads the index, and deviation notes awaiting an owner's approval are PENDING unless
// --require-approval.
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runCliAsync } from '../../src/cli';
import { runGit } from '../e2e/make-git-repo';
import { expectValidReport } from '../core/report/report-schema';
import type { JsonReport } from '../../src/core/report/json-report';
import { SUPPORTED_VERSIONS } from '../../src/core/security/versions';

/** A hardened-enough unit; WEAK drops two of its protections (a regression against it). */
const HARD = '[Service]\nExecStart=/usr/bin/api\nProtectSystem=strict\nPrivateTmp=yes\nNoNewPrivileges=yes\n';
const WEAK = '[Service]\nExecStart=/usr/bin/api\nNoNewPrivileges=yes\n';
const HARDER = HARD + 'ProtectHome=yes\n';
const NOTE =
  '# unitgate-deviation: check=ProtectSystem owner=@olivia expires=2026-03-01 reason="writes its cache under /var"\n';
const POLICY_OWNERS = JSON.stringify({ deviations: { owners: ['@olivia'] } });

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'unitgate-check-cli-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

let counter = 0;
interface Repo {
  dir: string;
  git(...args: string[]): Promise<string>;
  /** Writes files into the working tree (null deletes). */
  write(files: Record<string, string | null>): Promise<void>;
  /** Writes, stages everything and commits; returns the new commit. */
  commit(files: Record<string, string | null>, message?: string): Promise<string>;
  check(...args: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }>;
}

/** The repository (or clone) in `dir`. */
function openRepo(dir: string): Repo {
  const repo: Repo = {
    dir,
    git: (...args) => runGit(dir, args),
    async write(changes) {
      for (const [path, text] of Object.entries(changes)) {
        const full = join(dir, path);
        if (text === null) await rm(full, { force: true });
        else {
          await mkdir(dirname(full), { recursive: true });
          await writeFile(full, text);
        }
      }
    },
    async commit(changes, message = 'change') {
      await repo.write(changes);
      await repo.git('add', '-A');
      await repo.git('commit', '-q', '--allow-empty', '-m', message);
      return (await repo.git('rev-parse', 'HEAD')).trim();
    },
    check: (...args) =>
      runCliAsync(['check', ...args], { cwd: dir, env: {}, stdoutIsTTY: false, today: '2026-01-01' }),
  };
  return repo;
}

async function makeRepo(files: Record<string, string>): Promise<Repo> {
  const dir = join(root, `r${++counter}`);
  await mkdir(dir);
  const repo = openRepo(dir);
  await repo.git('init', '-q', '-b', 'main');
  await repo.commit(files, 'base');
  return repo;
}

/** A repository whose `main` has `base`, and a `feature` branch checked out from it. */
async function featureRepo(base: Record<string, string>): Promise<Repo> {
  const repo = await makeRepo(base);
  await repo.git('checkout', '-q', '-b', 'feature');
  return repo;
}

describe('unitgate check: the base is the fork point', () => {
  it('--base main compares with the merge base, not with main moved on after the fork', async () => {
    const repo = await featureRepo({ 'deploy/api.service': HARD });
    await repo.commit({ 'deploy/worker.service': HARD }, 'add a worker');
    // main hardens the API after the fork: against main's tip the feature would look like a regression.
    await repo.git('checkout', '-q', 'main');
    await repo.commit({ 'deploy/api.service': HARDER }, 'harden the API');
    await repo.git('checkout', '-q', 'feature');
    const fork = (await repo.git('merge-base', 'main', 'feature')).trim();

    const r = await repo.check('--base', 'main');
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(`base: ${fork.slice(0, 12)}, where HEAD forked from main\n`);
    expect(r.stdout).toContain('deploy/worker.service');
    expect(r.stdout).not.toContain('deploy/api.service');
    expect(r.stdout).toMatch(/^PASS: 1 unit in scope/m);
  });

  it.each([
    ['a local main (no remote)', false],
    ['origin/HEAD of a clone', true],
  ])('after a commit, the default base still compares with the fork point: %s', async (_name, clone) => {
    let repo = await makeRepo({ 'deploy/api.service': HARD });
    if (clone) {
      const dir = join(root, `clone${++counter}`);
      await runGit(root, ['clone', '-q', repo.dir, dir]);
      repo = openRepo(dir);
      await repo.commit({ 'deploy/api.service': WEAK }, 'weaken on main, not pushed');
    } else {
      await repo.git('checkout', '-q', '-b', 'feature');
      await repo.commit({ 'deploy/api.service': WEAK }, 'weaken');
    }
    const r = await repo.check();
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain(`where HEAD forked from ${clone ? 'origin/HEAD' : 'main'}\n`);
    expect(r.stdout).toMatch(/^FAIL +deploy\/api\.service/m);
  });

  it.each([
    ['no remote, on main', [], /no base branch to compare with.*Pass --base REV/s],
    ['an unknown --base', ['--base', 'nope'], /unknown revision nope \(--base\)/],
  ])('%s: exit 2 with a hint', async (_name, args, message) => {
    const repo = await makeRepo({ 'deploy/api.service': HARD });
    await repo.commit({ 'deploy/api.service': WEAK });
    const r = await repo.check(...args);
    expect(r).toMatchObject({ exitCode: 2, stdout: '' });
    expect(r.stderr).toMatch(message);
  });

  it('a repository without a commit: exit 2', async () => {
    const dir = join(root, `empty${++counter}`);
    await mkdir(dir);
    await runGit(dir, ['init', '-q', '-b', 'main']);
    const r = await runCliAsync(['check'], { cwd: dir, env: {}, stdoutIsTTY: false, today: '2026-01-01' });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('HEAD has no commit yet');
  });
});

describe("unitgate check: the base tip's policy governs", () => {
  const strict = JSON.stringify({ threshold: 5 });
  const loose = JSON.stringify({ threshold: 10 });

  it.each([
    ['the base policy fails a new unit the loosened working-tree policy would pass', loose, 1, 'FAIL '],
    ['an invalid working-tree policy is an error', '{"threshold": "high"', 2, ''],
  ])('%s', async (_name, proposed, exitCode, text) => {
    const repo = await featureRepo({ '.github/unitgate.json': strict, 'deploy/api.service': HARD });
    await repo.git('checkout', '-q', 'main');
    const tip = await repo.commit({ README: 'main moved on\n' });
    await repo.git('checkout', '-q', 'feature');
    await repo.write({
      '.github/unitgate.json': proposed,
      'deploy/new.service': '[Service]\nExecStart=/x\n',
    });
    const r = await repo.check('--base', 'main');
    expect(r.exitCode).toBe(exitCode);
    if (exitCode === 2) {
      expect(r.stderr).toContain('invalid policy .github/unitgate.json (as this change proposes it)');
      return;
    }
    expect(r.stdout).toContain(`policy: .github/unitgate.json at ${tip.slice(0, 12)} (main)\n`);
    expect(r.stdout).toContain(text);
    expect(r.stdout).toContain('This change edits .github/unitgate.json');
  });

  it('with no policy at the base, the built-in baseline governs and says so', async () => {
    const repo = await featureRepo({ 'deploy/api.service': HARD });
    const r = await repo.check('--format', 'json');
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toMatch(
      /^policy: built-in baseline \(no \.github\/unitgate\.json at [0-9a-f]{12}\) \(main\)$/m,
    );
    expectValidReport(JSON.parse(r.stdout));
  });
});

describe('unitgate check: path arguments', () => {
  let repo: Repo;
  beforeAll(async () => {
    repo = await featureRepo({
      'deploy/a.service': HARD,
      'deploy/web/b.service': HARD,
      'deploy/web/c.service': HARD,
      'docs/notes.txt': 'notes\n',
    });
    await repo.write({ 'deploy/a.service': WEAK, 'deploy/web/b.service': WEAK });
  });

  it.each([
    ['no path: every unit the change touches', [], ['deploy/a.service', 'deploy/web/b.service'], 1],
    ['a file', ['deploy/a.service'], ['deploy/a.service'], 1],
    ['a directory: every unit under it', ['deploy/web'], ['deploy/web/b.service', 'deploy/web/c.service'], 1],
    ['a glob', ['deploy/*.service'], ['deploy/a.service'], 1],
    ['an unchanged unit', ['deploy/web/c.service'], ['deploy/web/c.service'], 0],
    ['a path with no unit', ['docs'], [], 0],
  ])('%s', async (_name, args, units, exitCode) => {
    const r = await repo.check(...args);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(exitCode);
    const inScope = [...r.stdout.matchAll(/^(?:PASS|FAIL) +(\S+)/gm)].map((m) => m[1]);
    expect(inScope.sort()).toEqual(units);
  });

  it.each([
    ['a subdirectory', (dir: string) => join(dir, 'deploy')],
    ['a symlink to a subdirectory', (dir: string) => join(dir, '..', `link${counter}`)],
  ])('paths are relative to the working directory: %s', async (_name, cwdOf) => {
    const cwd = cwdOf(repo.dir);
    if (cwd.includes('link')) await symlink(join(repo.dir, 'deploy'), cwd);
    const r = await runCliAsync(['check', 'a.service', 'web/*.service'], {
      cwd,
      env: {},
      stdoutIsTTY: false,
      today: '2026-01-01',
    });
    expect(r.stderr).toBe('');
    const inScope = [...r.stdout.matchAll(/^(?:PASS|FAIL) +(\S+)/gm)].map((m) => m[1]);
    expect(inScope.sort()).toEqual(['deploy/a.service', 'deploy/web/b.service', 'deploy/web/c.service']);
  });

  it('a unit deleted in the working tree is reported as deleted', async () => {
    const other = await featureRepo({ 'deploy/a.service': HARD, 'deploy/b.service': HARD });
    await other.write({ 'deploy/a.service': null });
    const r = await other.check();
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^DELETED +deploy\/a\.service/m);
    expect(r.exitCode).toBe(0);
  });

  it.each([['nope.service'], ['deploy/missing/'], ['deploy/*.socket'], ['../outside']])(
    '%s matches nothing: exit 2 naming it',
    async (arg) => {
      const r = await repo.check('deploy/a.service', arg);
      expect(r.exitCode).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`${arg}`);
    },
  );

  it.each([
    ['deploy/[[:alpha:]].service', 'invalid glob "deploy/[[:alpha:]].service"'],
    ['deploy/{**,a}.service', '`**` inside {…} is not supported'],
  ])('%s is not a valid glob: exit 2 saying why', async (arg, message) => {
    const r = await repo.check('deploy/a.service', arg);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
  });
});

describe('unitgate check --cached', () => {
  it.each([
    ['a weakening staged, the working tree restored', WEAK, HARD, [1, 0]],
    ['a weakening in the working tree only', HARD, WEAK, [0, 1]],
  ])('%s', async (_name, staged, worktree, [cachedExit, worktreeExit]) => {
    const repo = await featureRepo({ 'deploy/api.service': HARD });
    await repo.write({ 'deploy/api.service': staged });
    await repo.git('add', 'deploy/api.service');
    await repo.write({ 'deploy/api.service': worktree });
    const cached = await repo.check('--cached');
    expect(cached.stderr).toBe('');
    expect(cached.exitCode).toBe(cachedExit);
    expect(cached.stdout).toContain('(checking the index)');
    const work = await repo.check('deploy/api.service');
    expect(work.exitCode).toBe(worktreeExit);
  });

  it.each([
    ['an invalid policy staged (the working tree has a valid one): exit 2', ['--cached'], 2],
    ['the same without --cached: the working tree policy is valid', [], 0],
  ])('%s', async (_name, args, exitCode) => {
    const repo = await featureRepo({ '.github/unitgate.json': '{}', 'deploy/api.service': HARD });
    await repo.write({ '.github/unitgate.json': '{"mode": "lenient"}' });
    await repo.git('add', '.github/unitgate.json');
    // A valid policy that tightens (a loosening would need an owner's approval, as in CI).
    await repo.write({ '.github/unitgate.json': '{"threshold": 9.4}' });
    const r = await repo.check(...args);
    expect(r.exitCode).toBe(exitCode);
    if (exitCode === 2) expect(r.stderr).toContain('(as this change proposes it)');
  });

  it('a merge conflict in the index: exit 2', async () => {
    const repo = await featureRepo({ 'deploy/api.service': HARD });
    await repo.commit({ 'deploy/api.service': HARD.replace('/usr/bin/api', '/usr/bin/a') });
    await repo.git('checkout', '-q', 'main');
    await repo.commit({ 'deploy/api.service': HARD.replace('/usr/bin/api', '/usr/bin/b') });
    await repo.git('checkout', '-q', 'feature');
    await expect(repo.git('merge', '-q', 'main')).rejects.toThrow();
    const r = await repo.check('--cached');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('unresolved merge conflict in deploy/api.service');
  });

  it('a new unit staged but deleted from the working tree is still checked', async () => {
    const repo = await featureRepo({ 'deploy/api.service': HARD });
    await repo.write({ 'deploy/new.service': '[Service]\nExecStart=/x\n' });
    await repo.git('add', 'deploy/new.service');
    await repo.write({ 'deploy/new.service': null });
    const r = await repo.check('--cached');
    expect(r.stdout).toMatch(/^PASS +deploy\/new\.service/m);
  });
});

describe('unitgate check --cached: the staged change is the scope', () => {
  /** The units a run printed, in order of the report. */
  const unitsOf = (stdout: string): string[] =>
    [...stdout.matchAll(/^(?:PASS|FAIL|DELETED) +(\S+)/gm)].map((m) => m[1] as string);
  const SHARED = '[Service]\nProtectSystem=strict\nPrivateTmp=yes\n';
  const BARE = '[Service]\nExecStart=/usr/bin/api\nNoNewPrivileges=yes\n';

  it('a staged drop-in puts its unit in scope (an unstaged one does not count)', async () => {
    const repo = await featureRepo({ 'deploy/api.service': HARD, 'deploy/worker.service': HARD });
    await repo.write({ 'deploy/api.service.d/50-loosen.conf': '[Service]\nProtectSystem=no\n' });
    await repo.git('add', 'deploy/api.service.d/50-loosen.conf');
    await repo.write({ 'deploy/worker.service.d/50-loosen.conf': '[Service]\nProtectSystem=no\n' });
    const r = await repo.check('--cached');
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(1);
    expect(unitsOf(r.stdout)).toEqual(['deploy/api.service']);
    expect(r.stdout).toMatch(/^FAIL +deploy\/api\.service/m);
  });

  it('a staged change to a file a drop-in links to puts every unit using it in scope', async () => {
    const repo = await makeRepo({
      'deploy/api.service': BARE,
      'deploy/worker.service': BARE,
      'deploy/other.service': BARE,
      'shared/hardening.txt': SHARED,
    });
    for (const unit of ['api', 'worker']) {
      await mkdir(join(repo.dir, `deploy/${unit}.service.d`));
      await symlink(
        '../../shared/hardening.txt',
        join(repo.dir, `deploy/${unit}.service.d/10-hardening.conf`),
      );
    }
    await repo.commit({}, 'share the hardening');
    await repo.git('checkout', '-q', '-b', 'feature');
    // Only the shared file changes, and its name is no unit's: the links decide the scope.
    await repo.write({ 'shared/hardening.txt': '[Service]\nPrivateTmp=yes\n' });
    await repo.git('add', 'shared/hardening.txt');
    const r = await repo.check('--cached');
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(1);
    expect(unitsOf(r.stdout).sort()).toEqual(['deploy/api.service', 'deploy/worker.service']);
  });

  it('a staged symlink change (a drop-in retargeted) is read from the index, not the working tree', async () => {
    const repo = await makeRepo({
      'deploy/api.service': BARE,
      'shared/strict.txt': SHARED,
      'shared/loose.txt': '[Service]\nPrivateTmp=yes\n',
    });
    await mkdir(join(repo.dir, 'deploy/api.service.d'));
    const link = join(repo.dir, 'deploy/api.service.d/10-hardening.conf');
    await symlink('../../shared/strict.txt', link);
    await repo.commit({}, 'link the hardening');
    await repo.git('checkout', '-q', '-b', 'feature');
    await rm(link);
    await symlink('../../shared/loose.txt', link);
    await repo.git('add', 'deploy/api.service.d/10-hardening.conf');
    // The working tree goes back to the strict target: only the staged link is checked.
    await rm(link);
    await symlink('../../shared/strict.txt', link);
    const cached = await repo.check('--cached');
    expect(cached.stderr).toBe('');
    expect(unitsOf(cached.stdout)).toEqual(['deploy/api.service']);
    expect(cached.exitCode).toBe(1);
    const work = await repo.check();
    expect(work.exitCode).toBe(0);
  });

  it('a staged policy change puts every unit in scope, judged by the base policy', async () => {
    const repo = await featureRepo({
      '.github/unitgate.json': '{}',
      'deploy/api.service': HARD,
      'deploy/worker.service': HARD,
    });
    await repo.write({ '.github/unitgate.json': '{"threshold": 9.4}' });
    await repo.git('add', '.github/unitgate.json');
    const r = await repo.check('--cached');
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(unitsOf(r.stdout).sort()).toEqual(['deploy/api.service', 'deploy/worker.service']);
    expect(r.stdout).toContain('This change edits .github/unitgate.json');
  });

  it('nothing staged: no unit in scope, whatever the working tree holds', async () => {
    const repo = await featureRepo({ 'deploy/api.service': HARD });
    await repo.write({ 'deploy/api.service': WEAK });
    const r = await repo.check('--cached');
    expect(r.exitCode).toBe(0);
    expect(unitsOf(r.stdout)).toEqual([]);
  });

  it.each([
    ['one file name', ['deploy/api.service'], '(got "deploy/api.service")'],
    [
      'file names after the options',
      ['deploy/api.service', 'deploy/api.service.d/50-x.conf'],
      '(got 2 paths)',
    ],
  ])(
    '%s with --cached (a pre-commit that passes file names): exit 2, nothing checked',
    async (_n, names, got) => {
      const repo = await featureRepo({ 'deploy/api.service': HARD });
      await repo.write({ 'deploy/api.service': WEAK });
      await repo.git('add', 'deploy/api.service');
      const r = await repo.check('--cached', ...names);
      expect(r.exitCode).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`--cached checks everything staged and takes no paths ${got}`);
      expect(r.stderr).toContain('pass_filenames: false');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    },
  );
});

describe('unitgate check --systemd-version', () => {
  it.each([...SUPPORTED_VERSIONS])('%s is used for the verdict', async (version) => {
    const repo = await featureRepo({ 'deploy/api.service': HARD });
    await repo.write({ 'deploy/api.service': HARDER });
    const r = await repo.check('--systemd-version', String(version));
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(`(mode enforce, systemd ${version})`);
  });

  it('an unknown option is a usage error (exit 2: exit 1 means CI would fail)', async () => {
    const repo = await featureRepo({ 'deploy/api.service': HARD });
    expect((await repo.check('--bsae', 'main')).exitCode).toBe(2);
  });

  it('an unsupported version is a usage error', async () => {
    const repo = await featureRepo({ 'deploy/api.service': HARD });
    const r = await repo.check('--systemd-version', '250');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`choose one of ${SUPPORTED_VERSIONS.join(', ')}.`);
  });
});

describe('unitgate check: deviation notes awaiting approval', () => {
  it.each([
    [
      'a note an owner could approve is PENDING and passes',
      POLICY_OWNERS,
      [],
      0,
      /^PENDING +deploy\/api\.service/m,
    ],
    [
      '--require-approval fails it, as CI does',
      POLICY_OWNERS,
      ['--require-approval'],
      1,
      /^FAIL +deploy\/api\.service/m,
    ],
    ['with no owners configured nothing can approve it: it fails', '{}', [], 1, /no deviation owners/],
  ])('%s', async (_name, policy, args, exitCode, text) => {
    const repo = await featureRepo({ '.github/unitgate.json': policy, 'deploy/api.service': HARD });
    await repo.commit({
      'deploy/api.service': NOTE + '[Service]\nExecStart=/usr/bin/api\nPrivateTmp=yes\nNoNewPrivileges=yes\n',
    });
    const r = await repo.check(...args);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(exitCode);
    expect(r.stdout).toMatch(text);
    if (exitCode === 0) {
      expect(r.stdout).toContain('PENDING deviation (@olivia, expires 2026-03-01)');
      expect(r.stdout).toContain('needs an approving review by @olivia');
      expect(r.stdout).toContain("1 pending an owner's approval");
    }
  });

  it.each([
    ['a policy loosening an owner could approve is pending and passes', [], 0],
    ['--require-approval fails it, as CI does', ['--require-approval'], 1],
  ])('%s', async (_name, args, exitCode) => {
    const strict = JSON.stringify({ deviations: { owners: ['@olivia'] }, threshold: 9.5 });
    const loose = JSON.stringify({ deviations: { owners: ['@olivia'] }, threshold: 9.9 });
    const repo = await featureRepo({ '.github/unitgate.json': strict, 'deploy/api.service': HARD });
    await repo.commit({ '.github/unitgate.json': loose });
    const r = await repo.check(...args);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(exitCode);
    expect(r.stdout).toContain('This change loosens .github/unitgate.json for every later pull request');
    expect(r.stdout).toContain('@olivia');
  });

  it('--format json: the pending note follows the report schema and says what approval it needs', async () => {
    const repo = await featureRepo({ '.github/unitgate.json': POLICY_OWNERS, 'deploy/api.service': HARD });
    await repo.commit({
      'deploy/api.service': NOTE + '[Service]\nExecStart=/usr/bin/api\nPrivateTmp=yes\nNoNewPrivileges=yes\n',
    });
    const r = await repo.check('--format', 'json');
    expect(r.exitCode).toBe(0);
    const report = JSON.parse(r.stdout) as JsonReport;
    expectValidReport(report);
    expect(report.units[0]?.accepted[0]?.pendingApproval).toContain('an approving review by @olivia');
    expect(report.findings.map((f) => [f.level, f.acceptedBy])).toContainEqual([
      'notice',
      '@olivia (pending approval)',
    ]);
  });
});
