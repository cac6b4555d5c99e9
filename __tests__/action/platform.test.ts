// The runners the action refuses: on Windows it stops at once with one line saying which runner to
// use, `result` set to fail and exit status 2, before it reads git or talks to GitHub.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { unsupportedRunner } from '../../src/action/platform';
import { run } from '../../src/action/run';
import { parseActionSettings } from '../../src/action/settings';
import { RecordingRunner } from './recording-runner';

describe('unsupportedRunner', () => {
  it.each(['linux', 'darwin'] as const)('runs on %s', (platform) => {
    expect(unsupportedRunner(platform)).toBeUndefined();
  });

  it('refuses Windows in one line naming the runners to use', () => {
    const message = unsupportedRunner('win32');
    expect(message).toMatch(/Linux or macOS/);
    expect(message).toMatch(/runs-on: ubuntu-latest/);
    expect(message).not.toMatch(/\n/);
  });
});

describe('run() on a Windows runner', () => {
  let workspace: string;
  beforeEach(() => {
    // Not a git repository: reaching git would fail with another error.
    workspace = mkdtempSync(path.join(tmpdir(), 'unitgate-platform-'));
  });
  afterEach(() => rmSync(workspace, { recursive: true, force: true }));

  it('stops before anything else: exit 2, result fail, one error line, no report', async () => {
    const runner = new RecordingRunner();
    const result = await run(
      parseActionSettings(() => ''),
      {
        workspace,
        event: { name: 'push', payload: {}, sha: 'a'.repeat(40), ref: 'refs/heads/main' },
        environment: { repository: 'octo-org/services', serverUrl: 'https://github.com' },
        runner,
        now: () => new Date('2026-01-01T00:00:00Z'),
        platform: 'win32',
      },
    );
    expect(result).toEqual({ exitCode: 2 });
    expect(runner.outputs).toEqual({ result: 'fail' });
    expect(runner.said.filter((s) => s.kind === 'error').map((s) => s.text)).toEqual([
      unsupportedRunner('win32'),
    ]);
    expect(runner.said.filter((s) => s.kind !== 'error' && s.kind !== 'output')).toEqual([]);
  });

  it('runs on macOS as on Linux (here: the event has no base, which is the error it stops with)', async () => {
    const runner = new RecordingRunner();
    const result = await run(
      parseActionSettings(() => ''),
      {
        workspace,
        event: { name: 'push', payload: {}, sha: 'a'.repeat(40), ref: 'refs/heads/main' },
        environment: { repository: 'octo-org/services', serverUrl: 'https://github.com' },
        runner,
        now: () => new Date('2026-01-01T00:00:00Z'),
        platform: 'darwin',
      },
    );
    expect(result.exitCode).toBe(2);
    expect(runner.said.find((s) => s.kind === 'error')?.text).toMatch(/the push has no previous commit/);
  });
});
