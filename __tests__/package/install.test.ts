// The published package works outside a clone: `npm pack` of the repository, installed offline into an
// empty directory, gives a `unitgate` command that scores a unit and gates a change in a git
// repository, with nothing else installed and no warning printed. It packs the committed dist/.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeGitRepo, type GitRepo } from '../e2e/make-git-repo';
import { REPO_ROOT } from '../e2e/run-action';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
};

let root: string;
let consumer: string;
let npmEnv: NodeJS.ProcessEnv;

/** Runs a command (never synchronously: git and npm children run side by side with jest). */
function run(command: string, args: string[], cwd: string, env = npmEnv): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env, maxBuffer: 32 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** npm's warnings and notices (`npm warn EBADENGINE …`, `npm notice …`), which an install must not print. */
const npmComplaints = (text: string): string[] =>
  text.split('\n').filter((line) => /^npm (warn|WARN|notice|ERR)/.test(line));

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'unitgate-install-'));
  // An npm of its own: no npm_* settings inherited from the `npm test` that may have started jest, a
  // cache inside the temporary directory, and no network (the tarball has no dependencies to fetch).
  npmEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
  Object.assign(npmEnv, {
    npm_config_cache: path.join(root, 'npm-cache'),
    npm_config_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    npm_config_userconfig: path.join(root, 'npmrc'),
  });
  await writeFile(path.join(root, 'npmrc'), '');
  consumer = path.join(root, 'consumer');
  await mkdir(consumer);
  await writeFile(
    path.join(consumer, 'package.json'),
    JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }),
  );
});

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('the npm package', () => {
  let tarball: string;

  it('packs the CLI bundles, the schemas and the project documents, and nothing else', async () => {
    const packed = await run('npm', ['pack', '--json', '--pack-destination', root], REPO_ROOT);
    expect(packed.code).toBe(0);
    expect(npmComplaints(packed.stderr)).toEqual([]);
    const [result] = JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    expect(result?.filename).toBe(`${pkg.name}-${pkg.version}.tgz`);
    tarball = path.join(root, result?.filename ?? '');
    expect(result?.files.map((file) => file.path).sort()).toEqual([
      'CHANGELOG.md',
      'LICENSE',
      'README.md',
      'SECURITY.md',
      'dist/cli-review.js',
      'dist/cli.js',
      'package.json',
      'policies/schema.json',
      'schemas/unitgate-drift-1.schema.json',
      'schemas/unitgate-report-1.schema.json',
      'schemas/unitgate-snapshot-1.schema.json',
    ]);
  });

  it('installs offline into an empty project without a warning and without any dependency', async () => {
    const installed = await run('npm', ['install', '--no-audit', '--no-fund', tarball], consumer);
    expect(installed.code).toBe(0);
    expect(npmComplaints(installed.stderr)).toEqual([]);
    expect(installed.stderr).not.toMatch(/EBADENGINE|deprecated/);
    expect((await readdir(path.join(consumer, 'node_modules'))).sort()).toEqual([
      '.bin',
      '.package-lock.json',
      'unitgate',
    ]);
    // The schemas are reachable by package path, for editors and validators.
    const resolved = require.resolve('unitgate/schemas/unitgate-report-1.schema.json', {
      paths: [consumer],
    });
    expect(resolved).toBe(
      path.join(consumer, 'node_modules', 'unitgate', 'schemas', 'unitgate-report-1.schema.json'),
    );
  });
});

describe('the installed unitgate command', () => {
  const bin = (): string => path.join(consumer, 'node_modules', '.bin', 'unitgate');

  it('prints the package version, also through npx', async () => {
    const direct = await run(bin(), ['--version'], consumer);
    expect(direct).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
    const npx = await run('npx', ['--no-install', 'unitgate', '--version'], consumer);
    expect(npx.code).toBe(0);
    expect(npx.stdout).toBe(`${pkg.version}\n`);
  });

  it('scores a unit like systemd-analyze security --offline=true, threshold and exit code included', async () => {
    const unitDir = path.join(root, 'units');
    await mkdir(unitDir);
    await copyFile(path.join(REPO_ROOT, 'examples/units/api.service'), path.join(unitDir, 'api.service'));
    const scored = await run(bin(), ['security', '--offline=true', 'api.service'], unitDir);
    expect(scored.stderr).toBe('');
    expect(scored.code).toBe(0);
    expect(scored.stdout).toMatch(/^ {2}NAME +DESCRIPTION +EXPOSURE/m);
    expect(scored.stdout).toMatch(
      /→ Overall exposure level for api\.service: \d\.\d (OK|MEDIUM|EXPOSED|UNSAFE)/,
    );

    const strict = await run(bin(), ['security', '--offline=true', '--threshold=1', 'api.service'], unitDir);
    expect(strict.code).toBe(1);
  });

  describe('check, in a repository whose change weakens a unit', () => {
    const HARD =
      '[Service]\nExecStart=/usr/bin/api\nProtectSystem=strict\nPrivateTmp=yes\nNoNewPrivileges=yes\n';
    const WEAK = '[Service]\nExecStart=/usr/bin/api\nNoNewPrivileges=yes\n';
    let repo: GitRepo;
    beforeAll(async () => {
      repo = await makeGitRepo(
        { 'deploy/api.service': HARD },
        { 'deploy/api.service': WEAK },
        { shallow: false, checkout: 'head' },
      );
    });
    afterAll(() => repo?.cleanup());

    it('fails the weakened unit (exit 1), naming it and the regression', async () => {
      const checked = await run(bin(), ['check', '--base', 'origin/main'], repo.workspace);
      expect(checked.code).toBe(1);
      expect(checked.stdout).toContain('deploy/api.service');
      expect(checked.stdout).toMatch(/ProtectSystem/);
    });

    it('passes (exit 0) where nothing changed since the base', async () => {
      await repo.git('checkout', '-q', 'origin/main');
      const checked = await run(bin(), ['check', '--base', 'origin/main'], repo.workspace);
      expect(checked.stderr).toBe('');
      expect(checked.code).toBe(0);
    });
  });
});

// Keeps the `files` list honest the other way round: every file the CLI bundle requires at run time is
// one of the packed files (a new chunk of scripts/bundle.mjs must be added to package.json's `files`).
it('the CLI bundle requires only Node built-ins and packed files', () => {
  const dist = path.join(REPO_ROOT, 'dist');
  const packed = new Set(['cli.js', 'cli-review.js']);
  for (const name of packed) {
    const text = readFileSync(path.join(dist, name), 'utf8');
    // A require() in quotes is code ajv's standalone output would print, never run (`.code` strings).
    const required = [...text.matchAll(/(?<!')\brequire\("([^"]+)"\)/g)].map((match) => match[1] ?? '');
    expect(required.length).toBeGreaterThan(0);
    for (const request of required) {
      if (request.startsWith('./')) expect(packed).toContain(request.slice(2));
      else expect(builtinModules).toContain(request.replace(/^node:/, ''));
    }
  }
  expect(readdirSync(dist)).toEqual(expect.arrayContaining([...packed]));
});
