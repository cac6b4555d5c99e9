// The GitHub Action's entry point: reads the inputs, the event and the runner's environment, and runs
// the action with the real git, GitHub and runner. Everything else lives in src/action/.
import * as core from '@actions/core';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { run } from './action/run';
import { ConfigError, parseActionSettings, type ActionSettings } from './action/settings';
import type { ActionEvent } from './action/event-scope';
import { createActionsRunner } from './action/actions-runner';
import { createOctokit } from './io/github';

/** The event payload the runner wrote (GITHUB_EVENT_PATH); an empty object when there is none. */
function readEvent(): ActionEvent {
  const path = process.env.GITHUB_EVENT_PATH;
  let payload: Record<string, unknown> = {};
  if (path) {
    try {
      payload = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    } catch (e) {
      throw new ConfigError(`cannot read the event payload ${path}: ${(e as Error).message}`);
    }
  }
  return {
    name: process.env.GITHUB_EVENT_NAME ?? '',
    payload,
    sha: process.env.GITHUB_SHA ?? '',
    ref: process.env.GITHUB_REF ?? '',
  };
}

async function main(): Promise<number> {
  const runner = createActionsRunner();
  let settings: ActionSettings;
  let event: ActionEvent;
  try {
    settings = parseActionSettings((name) => core.getInput(name));
    event = readEvent();
  } catch (e) {
    runner.setOutput('result', 'fail');
    runner.error(e instanceof ConfigError ? e.message : `internal error: ${String(e)}`);
    return 2;
  }
  const runId = Number(process.env.GITHUB_RUN_ID);
  const result = await run(settings, {
    workspace: resolve(process.env.GITHUB_WORKSPACE ?? process.cwd()),
    event,
    environment: {
      repository: process.env.GITHUB_REPOSITORY ?? '',
      serverUrl: process.env.GITHUB_SERVER_URL ?? 'https://github.com',
      ...(Number.isSafeInteger(runId) && runId > 0 ? { runId } : {}),
      ...(process.env.RUNNER_TEMP ? { runnerTemp: process.env.RUNNER_TEMP } : {}),
    },
    runner,
    octokit: settings.token ? createOctokit(settings.token, (m) => runner.info(m)) : undefined,
    now: () => new Date(),
    platform: process.platform,
  });
  return result.exitCode;
}

if (require.main === module) {
  void main().then((code) => {
    process.exitCode = code;
  });
}
