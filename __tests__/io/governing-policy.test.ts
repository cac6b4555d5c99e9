// governing-policy.ts (with confined-path.ts and read-policy-file.ts) on a real repository: which policy
// judges a run, and every way a policy file is refused rather than followed or replaced.
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { makeGitRepo, type GitRepo } from '../e2e/make-git-repo';
import type { RunFinding } from '../../src/core/gate/gate-types';
import { ConfigError } from '../../src/io/config-error';
import { confinedPath, isInside } from '../../src/io/confined-path';
import { DEFAULT_POLICY_PATH } from '../../src/core/policy/policy-types';
import { indexPolicyText, readGoverningPolicy, workspacePolicyText } from '../../src/io/governing-policy';
import { MAX_POLICY_BYTES, readPolicyFile } from '../../src/io/read-policy-file';

const BASE_POLICY = '{ "systemdVersion": 255 }\n';
const HEAD_POLICY = '{ "systemdVersion": 257 }\n';
let r: GitRepo;

beforeAll(async () => {
  r = await makeGitRepo(
    {
      [DEFAULT_POLICY_PATH]: BASE_POLICY,
      'ci/other.json': '{}\n',
      'ci/link.json': { symlink: 'other.json' },
    },
    {
      [DEFAULT_POLICY_PATH]: HEAD_POLICY,
      'ci/other.json': '{}\n',
      'ci/bad.json': '{ "systemdVersion": "x" }\n',
    },
    { checkout: 'head', shallow: false },
  );
});
afterAll(() => r.cleanup());

describe('readGoverningPolicy', () => {
  it("a change is judged by the base tip's policy, not its own", async () => {
    const source = await readGoverningPolicy(r.workspace, '', r.baseSha, true, []);
    expect(source.policy.systemdVersion).toBe(255);
    expect(source.description).toBe(`${DEFAULT_POLICY_PATH} at ${r.baseSha.slice(0, 12)}`);
    expect(source.text).toBe(BASE_POLICY);
  });

  it("a pull request's workflow cannot point the policy elsewhere: said, and the default applies", async () => {
    const findings: RunFinding[] = [];
    const source = await readGoverningPolicy(r.workspace, 'ci/other.json', r.baseSha, true, findings);
    expect(source.path).toBe(DEFAULT_POLICY_PATH);
    expect(findings.map((f) => f.kind)).toEqual(['input-loosens-policy']);
  });

  it.each([
    ['a symlink at the base', 'ci/link.json', (r0) => r0.baseSha, false, /is a symlink at/],
    ['a directory at the base', 'ci', (r0) => r0.baseSha, false, /is not a file at/],
    [
      'missing at the base, asked for by name',
      'ci/none.json',
      (r0) => r0.baseSha,
      false,
      /does not exist at/,
    ],
    ['invalid at the head', 'ci/bad.json', (r0) => r0.headSha, false, /invalid policy ci\/bad.json \(at/],
    ['outside the workspace', '../x.json', (r0) => r0.baseSha, false, /outside the workspace/],
    ['outside the workspace, no base', '/etc/passwd', () => undefined, false, /outside the workspace/],
    ['missing in the workspace, asked for by name', 'ci/none.json', () => undefined, false, /ENOENT/],
  ] as [string, string, (g: GitRepo) => string | undefined, boolean, RegExp][])(
    '%s is a ConfigError',
    async (_what, requested, sha, fromPullRequest, message) => {
      const read = readGoverningPolicy(r.workspace, requested, sha(r), fromPullRequest, []);
      await expect(read).rejects.toBeInstanceOf(ConfigError);
      await expect(read).rejects.toThrow(message);
    },
  );

  it.each([['no default policy file in the workspace', () => undefined, '', false]] as [
    string,
    (g: GitRepo) => string | undefined,
    string,
    boolean,
  ][])('%s: the built-in baseline', async (_what, sha, requested, fromPullRequest) => {
    const dir = sha(r) === undefined ? path.join(r.origin, '..', 'empty-ws') : r.workspace;
    await mkdir(dir, { recursive: true });
    const source = await readGoverningPolicy(dir, requested, sha(r), fromPullRequest, []);
    expect(source.description).toMatch(/^built-in baseline/);
    expect(source.text).toBeUndefined();
  });

  it('without a base, the checked-out policy', async () => {
    const source = await readGoverningPolicy(r.workspace, './' + DEFAULT_POLICY_PATH, undefined, false, []);
    expect(source.policy.systemdVersion).toBe(257);
  });
});

describe('workspacePolicyText and indexPolicyText', () => {
  it('read the working tree and the index; absent is undefined', async () => {
    expect(workspacePolicyText(r.workspace, DEFAULT_POLICY_PATH)).toBe(HEAD_POLICY);
    expect(workspacePolicyText(r.workspace, 'ci/none.json')).toBeUndefined();
    await expect(indexPolicyText(r.workspace, DEFAULT_POLICY_PATH)).resolves.toBe(HEAD_POLICY);
    await expect(indexPolicyText(r.workspace, 'ci/none.json')).resolves.toBeUndefined();
  });

  it('a staged symlink or an oversized staged file is refused', async () => {
    await symlink('other.json', path.join(r.workspace, 'ci/staged-link.json'));
    await writeFile(path.join(r.workspace, 'ci/huge.json'), ' '.repeat(MAX_POLICY_BYTES + 1));
    await r.git('add', 'ci/staged-link.json', 'ci/huge.json');
    await expect(indexPolicyText(r.workspace, 'ci/staged-link.json')).rejects.toThrow(/symlink in the index/);
    await expect(indexPolicyText(r.workspace, 'ci/huge.json')).rejects.toThrow(
      /larger than 1 MiB in the index/,
    );
  });
});

describe('readPolicyFile', () => {
  it.each([
    ['a symlink', 'ci/staged-link.json', /is a symlink; refusing to follow it/],
    ['a directory', 'ci', /is not a regular file/],
    ['over 1 MiB', 'ci/huge.json', /is larger than 1 MiB/],
    ['absent', 'ci/none.json', /cannot read policy ci\/none.json: ENOENT/],
  ])('%s is refused', (_what, file, message) => {
    const read = readPolicyFile(path.join(r.workspace, file), file);
    expect(read).toEqual({ ok: false, message: expect.stringMatching(message) });
  });
});

describe('confinedPath', () => {
  it.each([
    [['/ws'], 'a/b.json', '/ws/a/b.json'],
    [['/ws'], '/ws/a.json', '/ws/a.json'],
    [['/ws', '/tmp/runner'], '/tmp/runner/report.md', '/tmp/runner/report.md'],
  ])('%j, %s → %s', (roots, p, expected) => {
    expect(confinedPath(roots, p, 'report')).toBe(expected);
  });

  it.each([
    [['/ws'], '../x', 'report "../x" is outside the workspace'],
    [['/ws'], '/wsx/a', 'report "/wsx/a" is outside the workspace'],
    [['/ws', '/tmp/runner'], '/etc/x', 'report "/etc/x" is outside the workspace and RUNNER_TEMP'],
  ])('%j, %s is refused', (roots, p, message) => {
    expect(() => confinedPath(roots, p, 'report')).toThrow(new ConfigError(message));
  });

  it('isInside: the root itself is inside, a sibling with the same prefix is not, a name starting with .. is', () => {
    expect(isInside('/ws', '/ws')).toBe(true);
    expect(isInside('/ws', '/ws2')).toBe(false);
    expect(isInside('/ws', '/ws/..x')).toBe(true);
  });
});
