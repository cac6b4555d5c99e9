// scripts/release.mjs, run in a scratch clone of this repository with its checks and bundle stubbed
// (--step-command): what it refuses, that a failing check changes nothing, and what a release leaves —
// the commit, the tags vX.Y.Z and vX, the CHANGELOG entry, the bumped versions and the pins. And the
// pins the README and the pre-commit hook carry now are the ones the script writes for this version.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runGit } from '../e2e/make-git-repo';
import { REPO_ROOT } from '../e2e/run-action';

const SCRIPT = path.join(REPO_ROOT, 'scripts', 'release.mjs');
const DATE = '2030-01-02';

const version = (
  JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }
).version;
const [major = 0, minor = 0, patch = 0] = version.split('.').map(Number);
/** The version the test releases: the next patch after package.json's. */
const NEXT = `${major}.${minor}.${patch + 1}`;

// The files the release reads or writes, copied from this working tree into the clone so that the test
// judges them as they are now, committed or not.
const WORKING_FILES = [
  'CHANGELOG.md',
  'README.md',
  '.pre-commit-hooks.yaml',
  'package.json',
  'package-lock.json',
  '.gitignore',
];

// A fixed identity and no user or system git configuration (no signing, no hooks of the machine).
const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Unit Gate',
  GIT_AUTHOR_EMAIL: 'unitgate@example.com',
  GIT_COMMITTER_NAME: 'Unit Gate',
  GIT_COMMITTER_EMAIL: 'unitgate@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

let root: string;
let clone: string;
let stepLog: string;
let stub: string;

const git = async (...args: string[]): Promise<string> => (await runGit(clone, args)).trim();
const read = (file: string): Promise<string> => readFile(path.join(clone, file), 'utf8');

/** Runs the release script in the clone; STUB_FAIL names a step the stub fails. */
function release(
  args: string[],
  failStep?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [SCRIPT, ...args, '--date', DATE, '--step-command', `"${process.execPath}" "${stub}"`],
      {
        cwd: clone,
        env: { ...process.env, ...GIT_ENV, STEP_LOG: stepLog, STUB_FAIL: failStep ?? '' },
      },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
      },
    );
  });
}

async function steps(): Promise<string[]> {
  const text = await readFile(stepLog, 'utf8').catch(() => '');
  await writeFile(stepLog, '');
  return text.split('\n').filter(Boolean);
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'unitgate-release-'));
  clone = path.join(root, 'clone');
  stepLog = path.join(root, 'steps.log');
  stub = path.join(root, 'stub-step.mjs');
  // The stub logs each step with the version package.json has when it runs; its "bundle" appends that
  // version to dist/cli.js, as the real bundle embeds it, so the release commit must carry it.
  await writeFile(
    stub,
    [
      "import { appendFileSync, readFileSync } from 'node:fs';",
      'const step = process.argv[2];',
      "const { version } = JSON.parse(readFileSync('package.json', 'utf8'));",
      'appendFileSync(process.env.STEP_LOG, `${step} ${version}\\n`);',
      "if (step === 'bundle') appendFileSync('dist/cli.js', `// bundled at ${version}\\n`);",
      'process.exit(step === process.env.STUB_FAIL ? 1 : 0);',
    ].join('\n'),
  );
  await runGit(root, ['clone', '-q', REPO_ROOT, clone]);
  for (const file of WORKING_FILES) await copyFile(path.join(REPO_ROOT, file), path.join(clone, file));
  // Something to release, whatever the real Unreleased section holds today.
  const changelog = await read('CHANGELOG.md');
  await writeFile(
    path.join(clone, 'CHANGELOG.md'),
    changelog.replace(/^## \[Unreleased\]\n/m, '## [Unreleased]\n\n### Fixed\n\n- A test entry.\n'),
  );
  await git('add', '-A');
  await git('commit', '-q', '--allow-empty', '-m', 'the working tree under test');
  // A major tag from an earlier release, which the release must move.
  await git('tag', '-f', `v${major}`, 'HEAD~1');
}, 60000);

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('scripts/release.mjs in a scratch clone', () => {
  it('refuses a dirty working tree, before running anything', async () => {
    await writeFile(path.join(clone, 'stray.txt'), 'left over');
    const result = await release([NEXT, '--skip-tests']);
    await rm(path.join(clone, 'stray.txt'));
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'release: the working tree is not clean (?? stray.txt): commit or stash first\n',
    );
    expect(await steps()).toEqual([]);
  });

  it.each([
    [version, `release: ${version} is not greater than the current version ${version}\n`],
    ['0.0.1', `release: 0.0.1 is not greater than the current version ${version}\n`],
    ['1.2', 'release: "1.2" is not a version: give MAJOR.MINOR.PATCH, e.g. 1.2.3\n'],
  ])('refuses %s with one line', async (wanted, message) => {
    const result = await release([wanted, '--skip-tests']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(message);
    expect(await steps()).toEqual([]);
  });

  it('changes nothing when a check fails', async () => {
    const head = await git('rev-parse', 'HEAD');
    const result = await release([NEXT, '--skip-tests'], 'lint');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('release: the lint check failed (npm run lint); nothing was changed\n');
    expect(await steps()).toEqual([`build ${version}`, `lint ${version}`]);
    expect(await git('rev-parse', 'HEAD')).toBe(head);
    expect(await git('status', '--porcelain')).toBe('');
    expect(await git('tag', '--list', `v${NEXT}`)).toBe('');
  });

  it('resets the tree when the bundle fails after the bump', async () => {
    const result = await release([NEXT, '--skip-tests'], 'bundle');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/dist\/ failed.*the working tree is back at HEAD\n$/);
    expect(await git('status', '--porcelain')).toBe('');
    await steps();
  });

  describe('a release', () => {
    let before: string;
    let result: { code: number; stdout: string; stderr: string };
    beforeAll(async () => {
      before = await git('rev-parse', 'HEAD');
      result = await release([NEXT, '--skip-tests']);
    });

    it('runs the checks before the bump and the bundle after it, then prints the push commands', async () => {
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(await steps()).toEqual([
        `build ${version}`,
        `lint ${version}`,
        `check-dist ${version}`,
        `docs ${version}`,
        `validators ${version}`,
        `systemd-data ${version}`,
        `bundle ${NEXT}`,
      ]);
      expect(result.stdout).toContain(
        ['  git push origin HEAD', `  git push origin v${NEXT}`, `  git push --force origin v${major}`].join(
          '\n',
        ),
      );
    });

    it('commits once, tags vX.Y.Z and moves vX to it, and leaves a clean tree', async () => {
      const head = await git('rev-parse', 'HEAD');
      expect(await git('rev-parse', 'HEAD~1')).toBe(before);
      expect(await git('log', '-1', '--format=%s')).toBe(`Release v${NEXT}`);
      expect(await git('rev-parse', `v${NEXT}^{commit}`)).toBe(head);
      expect(await git('rev-parse', `v${major}^{commit}`)).toBe(head);
      expect(await git('cat-file', '-t', `v${NEXT}`)).toBe('tag');
      expect(await git('status', '--porcelain')).toBe('');
      expect(await git('show', `v${NEXT}:dist/cli.js`)).toMatch(new RegExp(`// bundled at ${NEXT}$`));
    });

    it('bumps package.json and package-lock.json', async () => {
      expect((JSON.parse(await read('package.json')) as { version: string }).version).toBe(NEXT);
      const lock = JSON.parse(await read('package-lock.json')) as {
        version: string;
        packages: Record<string, { version?: string }>;
      };
      expect(lock.version).toBe(NEXT);
      expect(lock.packages['']?.version).toBe(NEXT);
      // Only the version lines changed: the rest of package.json keeps its bytes.
      const diff = await git(
        'diff',
        '--numstat',
        'HEAD~1',
        'HEAD',
        '--',
        'package.json',
        'package-lock.json',
      );
      expect(diff.split('\n').sort()).toEqual(['1\t1\tpackage.json', '2\t2\tpackage-lock.json']);
    });

    it('dates the Unreleased entries under the new version, with the compare links', async () => {
      const changelog = await read('CHANGELOG.md');
      expect(changelog).toContain(
        `## [Unreleased]\n\n## [${NEXT}] - ${DATE}\n\n### Fixed\n\n- A test entry.\n`,
      );
      expect(changelog).toContain(
        [
          `[Unreleased]: https://github.com/unitgate/unitgate/compare/v${NEXT}...HEAD`,
          `[${NEXT}]: https://github.com/unitgate/unitgate/compare/v${version}...v${NEXT}`,
          `[${version}]: `,
        ].join('\n'),
      );
    });

    it('pins the action to the major tag and the pre-commit hook to the new tag', async () => {
      const readme = await read('README.md');
      expect(readme).toMatch(/rev: v\d/);
      expect([...readme.matchAll(/rev: (\S+)/g)].map((m) => m[1])).toEqual(
        expect.arrayContaining([`v${NEXT}`]),
      );
      expect(readme).not.toContain(`rev: v${version}`);
      expect(await read('.pre-commit-hooks.yaml')).toContain(`rev: v${NEXT}`);
      expect([...readme.matchAll(/unitgate\/unitgate@(v[\d.]+)/g)].map((m) => m[1])).toEqual(
        expect.arrayContaining([`v${major}`]),
      );
    });

    it('refuses the next release while nothing is under Unreleased', async () => {
      const again = await release([`${major}.${minor}.${patch + 2}`, '--skip-tests']);
      expect(again.code).toBe(2);
      expect(again.stderr).toBe(
        'release: CHANGELOG.md: nothing under "## [Unreleased]": add the changes of this release first\n',
      );
      expect(await steps()).toEqual([]);
    });
  });
});

describe('the pins in this repository', () => {
  // What the release script writes for package.json's version: the action by its major tag (or a full
  // commit SHA), the pre-commit hook by the release tag.
  it.each(['README.md', '.pre-commit-hooks.yaml'])('%s pins what a release of this version pins', (file) => {
    const text = readFileSync(path.join(REPO_ROOT, file), 'utf8');
    // Pins by commit SHA and placeholders are the reader's business; version pins must be current.
    for (const [, pin] of text.matchAll(/unitgate\/unitgate@(v\d+(?:\.\d+)*)/g)) {
      expect([`v${major}`, `v${version}`]).toContain(pin);
    }
    const revs = [...text.matchAll(/\brev: ['"]?(v\d+\.\d+\.\d+)/g)].map((match) => match[1]);
    expect(revs.length).toBeGreaterThan(0);
    for (const rev of revs) expect(rev).toBe(`v${version}`);
  });
});
