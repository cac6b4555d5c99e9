// The runner through @actions/core prints nothing a runner would execute from untrusted text: a unit
// path with a newline and `::error::`, `::stop-commands::` or a legacy `##[error]` in it is shown, never
// run. The step's stdout is captured and read the way the runner reads it (a model of its command
// parser: `::name …::data` at the start of a trimmed line, `##[name …]data` anywhere in a line, nothing
// but the resume token between `::stop-commands::<token>` and `::<token>::`).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { run } from '../../src/action/run';
import { parseActionSettings } from '../../src/action/settings';
import type { Runner } from '../../src/action/runner';
import { createActionsRunner } from '../../src/action/actions-runner';
import { makeGitRepo, type GitRepo } from '../e2e/make-git-repo';

interface Executed {
  command: string;
  /** The command's data, unescaped as the runner does. */
  data: string;
}

function unescapeData(s: string): string {
  return s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

/** The workflow commands a runner would execute from this output, in order. */
function executedCommands(output: string): Executed[] {
  const executed: Executed[] = [];
  let stopToken: string | undefined;
  for (const line of output.split(/\r\n|\n|\r/)) {
    const trimmed = line.trim();
    let command: string | undefined;
    let data = '';
    const v2 = /^::([^\s:]+)(?:\s[^]*?)?::([^]*)$/.exec(trimmed);
    const v1 = /##\[([^\s\]]+)[^\]]*\]([^]*)$/.exec(line);
    if (v2) [, command, data] = v2 as unknown as [string, string, string];
    else if (v1) [, command, data] = v1 as unknown as [string, string, string];
    if (command === undefined) continue;
    if (stopToken !== undefined) {
      if (command === stopToken) stopToken = undefined;
      continue;
    }
    if (command === 'stop-commands') stopToken = data;
    executed.push({ command, data: unescapeData(data) });
  }
  if (stopToken !== undefined) executed.push({ command: 'unterminated stop-commands', data: stopToken });
  return executed;
}

/** Captures what the code under test writes to stdout. */
async function captureStdout(body: () => Promise<void> | void): Promise<string> {
  let out = '';
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  });
  try {
    await body();
  } finally {
    spy.mockRestore();
  }
  return out;
}

const INJECTED =
  'x\n::error::INJECTED\n::stop-commands::pwn\n##[error]LEGACY\n::pwn::\n::set-output name=result::pass';

describe('the actions runner', () => {
  it.each([
    ['a path with newlines and commands', `deploy/${INJECTED}/api.service`],
    ['a legacy ##[ command without ::', 'deploy/x\n##[error]LEGACY/api.service'],
    ['a legacy command on the first line', '##[warning]LEGACY'],
    ['a line that starts with :: after spaces', '  ::error::INJECTED'],
    ['a carriage return', 'deploy/x\r::error::INJECTED/api.service'],
  ])('info() shows %s and executes nothing from it', async (_name, message) => {
    const out = await captureStdout(() => createActionsRunner().info(message));
    const executed = executedCommands(out);
    // Only the action's own stop marker (its resume line is not executed but consumed).
    expect(executed.map((e) => e.command)).toEqual(['stop-commands']);
    // The runner still shows the text.
    for (const part of message.split(/\r|\n/)) expect(out).toContain(part);
  });

  it('info() prints plain text as is', async () => {
    const out = await captureStdout(() => createActionsRunner().info('unitgate: 2 units in scope'));
    expect(out).toBe('unitgate: 2 units in scope\n');
  });

  it.each(['error', 'warning', 'notice'] as const)(
    '%s() is one annotation whatever its message and file say',
    async (level) => {
      const message = `deploy/${INJECTED}/api.service: ProtectSystem= was removed`;
      const out = await captureStdout(() =>
        createActionsRunner()[level](message, { file: `deploy/${INJECTED}/api.service`, title: INJECTED }),
      );
      const executed = executedCommands(out);
      expect(executed.map((e) => e.command)).toEqual([level]);
      expect(executed[0]?.data).toBe(message);
    },
  );

  it('debug() is one debug command', async () => {
    const out = await captureStdout(() => createActionsRunner().debug(INJECTED));
    expect(executedCommands(out)).toEqual([{ command: 'debug', data: INJECTED }]);
  });
});

describe('a run whose unit path carries workflow commands', () => {
  const repos: GitRepo[] = [];
  const temps: string[] = [];
  afterAll(async () => {
    for (const r of repos) await r.cleanup();
    for (const t of temps) rmSync(t, { recursive: true, force: true });
  });

  it('prints the path and executes no command from it (log, annotations, outputs, summary)', async () => {
    const dir = `deploy/${INJECTED}`;
    const hardened =
      '[Service]\nExecStart=/usr/bin/api\nProtectSystem=strict\nPrivateTmp=yes\nNoNewPrivileges=yes\n';
    const repo = await makeGitRepo(
      { [`${dir}/api.service`]: hardened },
      {
        [`${dir}/api.service`]: '[Service]\nExecStart=/usr/bin/api\nProtectSystem=no\n',
        // A name systemd rejects: the log line that says so carries the path.
        [`${dir}/bad name.service`]: hardened,
      },
    );
    repos.push(repo);
    const temp = mkdtempSync(path.join(tmpdir(), 'unitgate-step-'));
    temps.push(temp);
    const saved = { summary: process.env.GITHUB_STEP_SUMMARY, output: process.env.GITHUB_OUTPUT };
    process.env.GITHUB_STEP_SUMMARY = path.join(temp, 'summary.md');
    process.env.GITHUB_OUTPUT = path.join(temp, 'output');
    writeFileSync(process.env.GITHUB_STEP_SUMMARY, '');
    writeFileSync(process.env.GITHUB_OUTPUT, '');

    // Counts what the action asked for, so every executed command can be matched with a call.
    const real = createActionsRunner();
    const calls = { error: 0, warning: 0, notice: 0, debug: 0, info: [] as string[] };
    const runner: Runner = {
      ...real,
      info: (m) => {
        calls.info.push(m);
        real.info(m);
      },
      error: (m, p) => {
        calls.error++;
        real.error(m, p);
      },
      warning: (m, p) => {
        calls.warning++;
        real.warning(m, p);
      },
      notice: (m, p) => {
        calls.notice++;
        real.notice(m, p);
      },
      debug: (m) => {
        calls.debug++;
        real.debug(m);
      },
    };
    let exitCode = -1;
    const inputs: Record<string, string> = { comment: 'false', 'check-run': 'false', trend: 'false' };
    let out: string;
    try {
      out = await captureStdout(async () => {
        ({ exitCode } = await run(
          parseActionSettings((name) => inputs[name] ?? ''),
          {
            workspace: repo.workspace,
            event: {
              name: 'pull_request',
              payload: {
                number: repo.pullNumber,
                pull_request: {
                  number: repo.pullNumber,
                  user: { login: 'mallory' },
                  body: '',
                  base: { sha: repo.baseSha, ref: repo.baseRef },
                  head: { sha: repo.headSha },
                },
              },
              sha: repo.mergeSha,
              ref: `refs/pull/${repo.pullNumber}/merge`,
            },
            environment: { repository: 'octo-org/services', serverUrl: 'https://github.com', runId: 1 },
            runner,
            now: () => new Date('2026-12-01T12:00:00Z'),
          },
        ));
      });
    } finally {
      process.env.GITHUB_STEP_SUMMARY = saved.summary;
      process.env.GITHUB_OUTPUT = saved.output;
      if (saved.summary === undefined) delete process.env.GITHUB_STEP_SUMMARY;
      if (saved.output === undefined) delete process.env.GITHUB_OUTPUT;
    }

    expect(exitCode).toBe(1);
    // The unit was gated and its path said somewhere (annotations, the verdict line).
    expect(out).toContain('api.service');
    expect(calls.error).toBeGreaterThan(0);
    expect(calls.info.some((m) => m.includes('::error::INJECTED'))).toBe(true);
    const executed = executedCommands(out);
    const count = (name: string): number => executed.filter((e) => e.command === name).length;
    const printedWithCommands = calls.info.filter((m) => m.includes('::') || m.includes('##[')).length;
    expect({
      error: count('error'),
      warning: count('warning'),
      notice: count('notice'),
      debug: count('debug'),
      'stop-commands': count('stop-commands'),
      total: executed.length,
    }).toEqual({
      error: calls.error,
      warning: calls.warning,
      notice: calls.notice,
      debug: calls.debug,
      'stop-commands': printedWithCommands,
      total: calls.error + calls.warning + calls.notice + calls.debug + printedWithCommands,
    });
    // The outputs went to the output file with their delimiter: result is the gate's.
    const outputs = readFileSync(path.join(temp, 'output'), 'utf8');
    expect(outputs).toMatch(/^result<<(ghadelimiter_[0-9a-f-]+)\nfail\n\1\n/);
    // The summary is markdown, not a command channel; it still names the unit.
    expect(readFileSync(path.join(temp, 'summary.md'), 'utf8')).toContain('api.service');
  });
});
