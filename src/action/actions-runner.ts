// The runner through @actions/core. Every log line is safe against workflow-command injection: text
// that contains `::` (a unit path with a newline and `::error::` in it, say) is printed between
// `::stop-commands::` markers, so the runner shows it and runs nothing from it. Annotation messages
// and properties are escaped by @actions/core itself.
import * as core from '@actions/core';
import { randomUUID } from 'node:crypto';
import type { Runner } from './runner';

/** Prints untrusted text so that no line of it can be taken for a workflow command. */
function printInert(message: string): void {
  if (!message.includes('::')) {
    core.info(message);
    return;
  }
  const token = randomUUID();
  core.info(`::stop-commands::${token}`);
  core.info(message);
  core.info(`::${token}::`);
}

export function createActionsRunner(): Runner {
  return {
    info: printInert,
    debug: (m) => core.debug(m),
    warning: (m, p) => core.warning(m, p),
    error: (m, p) => core.error(m, p),
    notice: (m, p) => core.notice(m, p),
    setOutput: (name, value) => core.setOutput(name, value),
    appendSummary: async (markdown) => {
      await core.summary.addRaw(markdown, true).write();
    },
  };
}
