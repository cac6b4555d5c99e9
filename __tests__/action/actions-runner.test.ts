// The runner through @actions/core prints nothing a runner would execute from untrusted text: a unit
// path with a newline and `::error::`, `::stop-commands::` or a legacy `##[error]` in it is shown, never
// run. The step's stdout is captured and read the way the runner reads it (workflow-commands.ts). A
// whole run with such a path is the gate scenario 08.18-workflow-command-injection.
import { createActionsRunner } from '../../src/action/actions-runner';
import { captureStdout, executedCommands } from './workflow-commands';

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
