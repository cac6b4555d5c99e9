// The runner of a real workflow step: log lines, debug lines and annotations are written to stdout
// through workflow-commands.ts (the one escaper, so nothing untrusted runs as a command); outputs and
// the job summary go through @actions/core's files.
import * as core from '@actions/core';
import { EOL } from 'node:os';
import type { Runner } from './runner';
import { annotationCommand, debugCommand, inertLines } from './workflow-commands';

function print(lines: readonly string[]): void {
  process.stdout.write(lines.map((l) => l + EOL).join(''));
}

export function createActionsRunner(): Runner {
  return {
    info: (m) => print(inertLines(m)),
    debug: (m) => print([debugCommand(m)]),
    warning: (m, p) => print([annotationCommand('warning', m, p)]),
    error: (m, p) => print([annotationCommand('error', m, p)]),
    notice: (m, p) => print([annotationCommand('notice', m, p)]),
    setOutput: (name, value) => core.setOutput(name, value),
    appendSummary: async (markdown) => {
      await core.summary.addRaw(markdown, true).write();
    },
  };
}
