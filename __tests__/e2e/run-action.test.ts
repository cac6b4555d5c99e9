// Tests of the end-to-end harness itself: action.yml input defaults, the runner-file and
// workflow-command parsers, makeGitRepo, and runAction driving a stand-in action bundled from
// the real @actions/core and @actions/github (so the parsers are checked against the toolkit's output).
import { mkdtemp, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { startFakeGitHub, type FakeGitHub } from './fake-github';
import {
  REPO_ROOT,
  inputEnvName,
  makeGitRepo,
  parseFileCommands,
  parseWorkflowCommands,
  readActionInputs,
  runAction,
  runGit,
  toAnnotations,
} from './run-action';

describe('readActionInputs', () => {
  it('reads names, required flags and defaults (plain, quoted, expressions, blocks)', () => {
    const yml = [
      'name: x',
      'inputs:',
      '  github-token:',
      '    description: Token',
      '    default: ${{ github.token }}',
      '  fail-on: # a comment',
      '    required: false',
      "    default: 'regression' # why",
      '  paths:',
      '    description: >-',
      '      folded',
      '      text',
      '    default: |',
      '      units/**',
      '      !units/legacy/**',
      '  "quoted name":',
      '    default: "a \\"b\\""',
      '  mode:',
      '    required: true',
      'outputs:',
      '  verdict:',
      '    description: y',
    ].join('\n');
    expect(readActionInputs(yml)).toEqual({
      'github-token': { description: 'Token', default: '${{ github.token }}' },
      'fail-on': { required: false, default: 'regression' },
      paths: { description: 'folded text', default: 'units/**\n!units/legacy/**\n' },
      'quoted name': { default: 'a "b"' },
      mode: { required: true },
    });
  });

  it('names inputs in the environment as the runner does', () => {
    expect(inputEnvName('github-token')).toBe('INPUT_GITHUB-TOKEN');
    expect(inputEnvName('fail on')).toBe('INPUT_FAIL_ON');
  });
});

describe('runner file and workflow command parsers', () => {
  it('parses heredoc and plain outputs', () => {
    const text =
      'verdict<<ghadelimiter_1\nfail\nghadelimiter_1\nreport<<ghadelimiter_2\na\n\nb\nghadelimiter_2\nx=1\n';
    expect(parseFileCommands(text)).toEqual({ verdict: 'fail', report: 'a\n\nb', x: '1' });
    expect(() => parseFileCommands('a<<D\nvalue\n')).toThrow(/unterminated/);
  });

  it('unescapes messages and properties', () => {
    const stdout = [
      'plain line',
      '::error file=units/a%2Cb%3Ac.service,line=3,endLine=4,col=1,endColumn=9,title=T%3A 1%2C 2::100%25 bad%0Anext%0D',
      '::warning::only a message with a literal %3A',
      '::debug::d',
      '::notice title=n::m',
    ].join('\n');
    const commands = parseWorkflowCommands(stdout);
    expect(commands.map((c) => c.command)).toEqual(['error', 'warning', 'debug', 'notice']);
    expect(toAnnotations(commands)).toEqual([
      {
        level: 'error',
        message: '100% bad\nnext\r',
        file: 'units/a,b:c.service',
        line: 3,
        endLine: 4,
        col: 1,
        endColumn: 9,
        title: 'T: 1, 2',
      },
      { level: 'warning', message: 'only a message with a literal %3A' },
      { level: 'notice', message: 'm', title: 'n' },
    ]);
  });
});

describe('makeGitRepo', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  it('makes base, head and merge commits and a shallow workspace that can fetch the base', async () => {
    const repo = await makeGitRepo(
      {
        'units/a.service': '[Service]\nExecStart=/bin/a\n',
        'units/old.service': '[Service]\nExecStart=/bin/o\n',
      },
      {
        'units/a.service': '[Service]\nExecStart=/bin/a\nUser=app\n',
        'units/new.service': '[Service]\nExecStart=/bin/o\n',
        'units/run.sh': { content: '#!/bin/sh\n', executable: true },
      },
      { symlinks: { 'units/escape.service': '/etc/systemd/system/sshd.service' }, pullNumber: 3 },
    );
    cleanups.push(repo.cleanup);
    expect((await repo.git('rev-parse', 'HEAD')).trim()).toBe(repo.mergeSha);
    expect((await repo.git('rev-parse', '--is-shallow-repository')).trim()).toBe('true');
    expect(await readlink(path.join(repo.workspace, 'units/escape.service'))).toBe(
      '/etc/systemd/system/sshd.service',
    );
    await expect(repo.git('cat-file', '-e', repo.baseSha)).rejects.toThrow();
    await repo.git('fetch', '-q', '--depth=1', 'origin', repo.baseSha);
    await expect(repo.git('cat-file', '-e', repo.baseSha)).resolves.toBe('');
    expect(repo.changedFiles.map((f) => [f.status, f.filename, f.previous_filename])).toEqual([
      ['modified', 'units/a.service', undefined],
      ['added', 'units/escape.service', undefined],
      ['renamed', 'units/new.service', 'units/old.service'],
      ['added', 'units/run.sh', undefined],
    ]);
    expect(repo.changedFiles[0]).toMatchObject({
      additions: 1,
      deletions: 0,
      patch: '@@ -1,2 +1,3 @@\n [Service]\n ExecStart=/bin/a\n+User=app',
    });
    expect(repo.pullRequest).toMatchObject({
      number: 3,
      head: { sha: repo.headSha },
      mergeCommitSha: repo.mergeSha,
    });
  });

  it('can check out the head with full history', async () => {
    const repo = await makeGitRepo(
      { 'a.service': 'x\n' },
      { 'a.service': 'y\n' },
      { shallow: false, checkout: 'head' },
    );
    cleanups.push(repo.cleanup);
    expect((await repo.git('rev-parse', 'HEAD')).trim()).toBe(repo.headSha);
    expect((await repo.git('rev-parse', 'origin/main')).trim()).toBe(repo.baseSha);
    expect((await runGit(repo.workspace, ['rev-parse', '--is-shallow-repository'])).trim()).toBe('false');
  });
});

describe('runAction with a stand-in action built from the real toolkit', () => {
  let fake: FakeGitHub;
  let dir: string;
  let entry: string;
  let actionYml: string;

  beforeAll(async () => {
    fake = await startFakeGitHub();
    dir = await mkdtemp(path.join(tmpdir(), 'unitgate-standin-'));
    entry = path.join(dir, 'index.js');
    actionYml = path.join(dir, 'action.yml');
    await writeFile(
      actionYml,
      [
        'name: stand-in',
        'inputs:',
        '  github-token:',
        '    default: ${{ github.token }}',
        '  fail-on:',
        '    default: regression',
        '  pr-number:',
        '    default: ${{ github.event.pull_request.number }}',
        'runs:',
        '  using: node20',
        '  main: index.js',
      ].join('\n'),
    );
    const source = `
      import * as core from '@actions/core';
      import * as github from '@actions/github';
      async function main() {
        const octokit = github.getOctokit(core.getInput('github-token', { required: true }));
        const { owner, repo } = github.context.repo;
        const { data: files } = await octokit.rest.pulls.listFiles({
          owner, repo, pull_number: Number(core.getInput('pr-number')),
        });
        core.setOutput('files', files.map((f) => f.filename).join('\\n'));
        core.setOutput('fail-on', core.getInput('fail-on'));
        core.setOutput('sha', github.context.sha);
        core.setOutput('cwd', process.cwd());
        core.error('100% bad\\nsecond line', { file: 'units/a,b:c.service', startLine: 3, title: 'T: 1, 2' });
        core.warning('careful');
        core.exportVariable('UNITGATE_X', 'y');
        core.saveState('state', 'kept');
        await core.summary.addHeading('unitgate').addRaw('body').write();
        core.setFailed('gate failed');
      }
      main();
    `;
    await build({
      stdin: { contents: source, resolveDir: REPO_ROOT, loader: 'js' },
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      outfile: entry,
      logLevel: 'error',
    });
  });

  afterAll(async () => {
    await fake?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('gives the process a runner environment and reads back outputs, annotations and the summary', async () => {
    fake.addPullRequest({ number: 8, files: ['units/a.service', 'units/b.service'] });
    const run = await runAction({
      entry,
      actionYml,
      workspace: dir,
      eventName: 'pull_request',
      event: fake.pullRequestEvent(8),
      inputs: { 'fail-on': 'never' },
      token: fake.token,
      apiUrl: fake.url,
    });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(1);
    expect(run.timedOut).toBe(false);
    expect(run.outputs).toEqual({
      files: 'units/a.service\nunits/b.service',
      'fail-on': 'never',
      sha: fake.pullRequests.get(8)?.mergeCommitSha,
      cwd: dir,
    });
    expect(run.annotations).toEqual([
      {
        level: 'error',
        message: '100% bad\nsecond line',
        file: 'units/a,b:c.service',
        line: 3,
        title: 'T: 1, 2',
      },
      { level: 'warning', message: 'careful' },
      { level: 'error', message: 'gate failed' },
    ]);
    expect(run.summary).toBe('<h1>unitgate</h1>\nbody');
    expect(run.exportedEnv).toEqual({ UNITGATE_X: 'y' });
    expect(run.state).toEqual({ state: 'kept' });
    expect(run.env).toMatchObject({
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_REF: 'refs/pull/8/merge',
      GITHUB_REPOSITORY: 'octo-org/services',
      GITHUB_HEAD_REF: 'feature',
      GITHUB_BASE_REF: 'main',
      'INPUT_PR-NUMBER': '8',
      'INPUT_GITHUB-TOKEN': fake.token,
    });
    expect(fake.requestsTo('pulls/list-files')).toHaveLength(1);
    fake.expectNoViolations();
  });

  it('rejects an input action.yml does not declare', async () => {
    await expect(
      runAction({
        entry,
        actionYml,
        workspace: dir,
        eventName: 'push',
        event: {},
        inputs: { 'fail-onn': 'x' },
      }),
    ).rejects.toThrow(/declares no input fail-onn/);
  });

  it('kills a process that runs too long', async () => {
    const hang = path.join(dir, 'hang.js');
    await writeFile(hang, 'setInterval(() => {}, 1000);\n');
    const run = await runAction({
      entry: hang,
      actionYml: null,
      workspace: dir,
      eventName: 'push',
      event: {},
      timeoutMs: 300,
    });
    expect(run).toMatchObject({ timedOut: true, exitCode: null, signal: 'SIGKILL' });
  });
});
