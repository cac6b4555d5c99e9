// Runs the bundled action (dist/index.js) as a real node process with a GitHub runner's environment,
// and reads back what a runner would: exit code, workflow commands on stdout (annotations), the
// GITHUB_OUTPUT / GITHUB_ENV / GITHUB_STATE files, the job summary. Inputs the test does not give
// are filled from action.yml's defaults, as the runner does (the toolkit does not).
import { parse as parseYaml } from 'yaml';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export {
  makeGitRepo,
  runGit,
  type FileTree,
  type GitRepo,
  type GitRepoOptions,
  type TreeEntry,
} from './make-git-repo';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
/**
 * The bundled action: dist/index.js, or the file UNITGATE_ACTION_ENTRY names. That variable lets a
 * change be tried end to end without rebuilding the committed dist/: bundle into a scratch directory
 * (`node -e "import('./scripts/bundle.mjs').then((m) => m.bundle({ outDir: '/tmp/x' }))"`) and run
 * `UNITGATE_ACTION_ENTRY=/tmp/x/index.js npx jest __tests__/e2e/…`.
 */
export const ACTION_ENTRY = process.env.UNITGATE_ACTION_ENTRY
  ? path.resolve(process.env.UNITGATE_ACTION_ENTRY)
  : path.join(REPO_ROOT, 'dist', 'index.js');
export const ACTION_YML = path.join(REPO_ROOT, 'action.yml');

export interface RunActionOptions {
  /** GITHUB_WORKSPACE, and the process's working directory. */
  workspace: string;
  /** GITHUB_EVENT_NAME, e.g. pull_request, pull_request_target, push, workflow_dispatch. */
  eventName: string;
  /** The webhook payload, written to a temp file passed as GITHUB_EVENT_PATH. */
  event: Record<string, unknown>;
  /** Action inputs by their action.yml name; missing ones get action.yml's default. */
  inputs?: Record<string, string | number | boolean>;
  /** Extra environment (wins over everything; `undefined` removes a variable). */
  env?: Record<string, string | undefined>;
  /** `${{ github.token }}` in input defaults (default: 'ghs_fakeTokenForTests', the fake's default token). */
  token?: string;
  /** GITHUB_API_URL, e.g. `fake.url`. Default: a closed local port, so nothing reaches the internet. */
  apiUrl?: string;
  /** GITHUB_REPOSITORY (default: event.repository.full_name, else octo-org/services). */
  repository?: string;
  /** GITHUB_SHA (default per event: PR merge_commit_sha or head sha, pull_request_target base sha, push after). */
  sha?: string;
  /** GITHUB_REF (default per event: refs/pull/N/merge, refs/heads/<base>, the push's ref). */
  ref?: string;
  /** GITHUB_RUN_ID (default 4242). */
  runId?: number;
  /** The script to run (default dist/index.js). */
  entry?: string;
  /** The action.yml for input defaults (default ./action.yml); null: no defaults, no input-name check. */
  actionYml?: string | null;
  /** Reject inputs that action.yml does not declare (default true, when there is an action.yml). */
  checkInputNames?: boolean;
  /** Kill the process after this long (default 60 s); the result then has `timedOut: true`. */
  timeoutMs?: number;
  /** Keep the temp directory (RUNNER_TEMP, event file, runner files) instead of removing it. */
  keepTemp?: boolean;
}

/** A workflow command printed on stdout: `::name k=v,k=v::message`. */
export interface WorkflowCommand {
  command: string;
  properties: Record<string, string>;
  message: string;
}

/** An `::error`, `::warning` or `::notice` command, with @actions/core's property names. */
export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  message: string;
  file?: string;
  line?: number;
  endLine?: number;
  col?: number;
  endColumn?: number;
  title?: string;
}

export interface ActionRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** From GITHUB_OUTPUT (heredoc `name<<ghadelimiter_…` and plain `name=value` forms). */
  outputs: Record<string, string>;
  /** The GITHUB_STEP_SUMMARY file's text. */
  summary: string;
  annotations: Annotation[];
  /** Every workflow command on stdout, annotations included (debug, group, add-mask, …). */
  commands: WorkflowCommand[];
  /** From GITHUB_ENV (exportVariable) and GITHUB_STATE (saveState); GITHUB_PATH lines (addPath). */
  exportedEnv: Record<string, string>;
  state: Record<string, string>;
  addedPaths: string[];
  /** The environment the process got (for debugging a test). */
  env: Record<string, string>;
  /** The temp directory (RUNNER_TEMP is `${tempDir}/runner-temp`); removed unless keepTemp. */
  tempDir: string;
  /**
   * The text of each file an output names (`report`, `sarif-file`…), read before the temp directory
   * goes: the action writes its reports under RUNNER_TEMP by default.
   */
  outputFiles: Record<string, string>;
}

export interface ActionInput {
  description?: string;
  required?: boolean;
  default?: string;
}

/**
 * Reads the `inputs:` block of an action.yml with a YAML parser: each input's `description`,
 * `required` and `default` (the runner hands every default to the action as a string).
 */
export function readActionInputs(actionYmlText: string): Record<string, ActionInput> {
  const doc = parseYaml(actionYmlText) as { inputs?: Record<string, Record<string, unknown> | null> } | null;
  const inputs: Record<string, ActionInput> = {};
  for (const [name, spec] of Object.entries(doc?.inputs ?? {})) {
    const input: ActionInput = {};
    if (spec?.description !== undefined) input.description = String(spec.description);
    if (spec?.required !== undefined) input.required = spec.required === true || spec.required === 'true';
    if (spec?.default !== undefined && spec.default !== null) input.default = String(spec.default);
    inputs[name] = input;
  }
  return inputs;
}

/** The `${{ … }}` expressions an input default may use, evaluated as the runner would. */
function evaluateDefault(value: string, context: Record<string, unknown>): string {
  return value.replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_, expression: string) => {
    const [scope = '', ...rest] = expression.split('.');
    let node: unknown = context[scope];
    for (const key of rest)
      node = node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
    if (node === undefined && !(scope === 'github' && rest[0] === 'event')) {
      throw new Error(`runAction: cannot evaluate \${{ ${expression} }} in an action.yml default`);
    }
    return node === undefined || node === null ? '' : String(node);
  });
}

/** The key of an input in the environment: INPUT_ + upper-cased name, spaces as _, hyphens kept. */
export function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/** Parses GITHUB_OUTPUT / GITHUB_ENV / GITHUB_STATE: `name<<DELIM\nvalue\nDELIM` and `name=value`. */
export function parseFileCommands(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line === '') continue;
    const heredoc = /^([^=]+?)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name = '', delimiter] = heredoc;
      const value: string[] = [];
      while (i + 1 < lines.length && lines[i + 1] !== delimiter) value.push(lines[++i] ?? '');
      if (i + 1 >= lines.length) throw new Error(`unterminated heredoc for ${name} (delimiter ${delimiter})`);
      i += 1;
      result[name] = value.join('\n');
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0) throw new Error(`cannot parse file command line: ${JSON.stringify(line)}`);
    result[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return result;
}

// @actions/core escapes %, CR and LF in data, and also : and , in properties.
const UNESCAPE: Record<string, string> = { '%25': '%', '%0D': '\r', '%0A': '\n', '%3A': ':', '%2C': ',' };

function unescapeCommand(text: string, property: boolean): string {
  const pattern = property ? /%(25|0D|0A|3A|2C)/gi : /%(25|0D|0A)/gi;
  return text.replace(pattern, (match) => UNESCAPE[match.toUpperCase()] ?? match);
}

/** The workflow commands (`::command k=v,…::message`) in a process's stdout. */
export function parseWorkflowCommands(stdout: string): WorkflowCommand[] {
  const commands: WorkflowCommand[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const match = /^::([A-Za-z0-9_-]+)(?: ([^:]*))?::(.*)$/.exec(line);
    if (!match) continue;
    const properties: Record<string, string> = {};
    for (const pair of (match[2] ?? '').split(',')) {
      const eq = pair.indexOf('=');
      if (eq > 0) properties[pair.slice(0, eq)] = unescapeCommand(pair.slice(eq + 1), true);
    }
    commands.push({ command: match[1] ?? '', properties, message: unescapeCommand(match[3] ?? '', false) });
  }
  return commands;
}

export function toAnnotations(commands: WorkflowCommand[]): Annotation[] {
  const annotations: Annotation[] = [];
  for (const { command, properties: p, message } of commands) {
    if (command !== 'error' && command !== 'warning' && command !== 'notice') continue;
    const annotation: Annotation = { level: command, message };
    if (p.file !== undefined) annotation.file = p.file;
    if (p.line !== undefined) annotation.line = Number(p.line);
    if (p.endLine !== undefined) annotation.endLine = Number(p.endLine);
    if (p.col !== undefined) annotation.col = Number(p.col);
    if (p.endColumn !== undefined) annotation.endColumn = Number(p.endColumn);
    if (p.title !== undefined) annotation.title = p.title;
    annotations.push(annotation);
  }
  return annotations;
}

function pick(event: Record<string, unknown>, ...keys: string[]): unknown {
  let node: unknown = event;
  for (const key of keys)
    node = node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
  return node;
}

/** GITHUB_SHA / GITHUB_REF and friends as the runner sets them for `eventName`. */
function refsFor(options: RunActionOptions): Record<string, string> {
  const e = options.event;
  const str = (value: unknown) => (typeof value === 'string' ? value : undefined);
  let sha: string | undefined;
  let ref: string | undefined;
  const extra: Record<string, string> = {};
  if (options.eventName === 'pull_request' || options.eventName === 'pull_request_review') {
    const number = pick(e, 'pull_request', 'number') ?? pick(e, 'number');
    sha = str(pick(e, 'pull_request', 'merge_commit_sha')) ?? str(pick(e, 'pull_request', 'head', 'sha'));
    ref = `refs/pull/${String(number)}/merge`;
    extra.GITHUB_HEAD_REF = str(pick(e, 'pull_request', 'head', 'ref')) ?? '';
    extra.GITHUB_BASE_REF = str(pick(e, 'pull_request', 'base', 'ref')) ?? '';
  } else if (options.eventName === 'pull_request_target') {
    sha = str(pick(e, 'pull_request', 'base', 'sha'));
    ref = `refs/heads/${str(pick(e, 'pull_request', 'base', 'ref')) ?? 'main'}`;
    extra.GITHUB_HEAD_REF = str(pick(e, 'pull_request', 'head', 'ref')) ?? '';
    extra.GITHUB_BASE_REF = str(pick(e, 'pull_request', 'base', 'ref')) ?? '';
  } else if (options.eventName === 'push') {
    sha = str(pick(e, 'after'));
    ref = str(pick(e, 'ref'));
  }
  ref = options.ref ?? ref ?? `refs/heads/${str(pick(e, 'repository', 'default_branch')) ?? 'main'}`;
  sha = options.sha ?? sha ?? '0'.repeat(40);
  const refName = ref.replace(/^refs\/(heads|tags)\//, '').replace(/^refs\/pull\//, '');
  return {
    GITHUB_SHA: sha,
    GITHUB_REF: ref,
    GITHUB_REF_NAME: refName,
    GITHUB_REF_TYPE: ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    GITHUB_HEAD_REF: '',
    GITHUB_BASE_REF: '',
    ...extra,
  };
}

/** Runs the action once and returns everything a runner would see. Never throws for a failing action. */
export async function runAction(options: RunActionOptions): Promise<ActionRun> {
  const tempDir = await mkdtemp(path.join(tmpdir(), 'unitgate-run-'));
  const runnerTemp = path.join(tempDir, 'runner-temp');
  const files = {
    event: path.join(tempDir, 'event.json'),
    output: path.join(tempDir, 'github_output'),
    summary: path.join(tempDir, 'step_summary.md'),
    env: path.join(tempDir, 'github_env'),
    state: path.join(tempDir, 'github_state'),
    path: path.join(tempDir, 'github_path'),
  };
  await mkdir(runnerTemp);
  await writeFile(files.event, JSON.stringify(options.event, null, 2));
  for (const file of [files.output, files.summary, files.env, files.state, files.path])
    await writeFile(file, '');

  const repository =
    options.repository ??
    (pick(options.event, 'repository', 'full_name') as string | undefined) ??
    'octo-org/services';
  const apiUrl = options.apiUrl ?? 'http://127.0.0.1:9';
  const runId = options.runId ?? 4242;
  const refs = refsFor(options);
  const actor = (pick(options.event, 'sender', 'login') as string | undefined) ?? 'octocat';

  // The machine's environment minus anything a real runner would set differently.
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || /^(GITHUB_|INPUT_|RUNNER_|ACTIONS_)/.test(key)) continue;
    env[key] = value;
  }
  Object.assign(env, {
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: options.eventName,
    GITHUB_EVENT_PATH: files.event,
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_REPOSITORY: repository,
    GITHUB_REPOSITORY_OWNER: repository.split('/')[0] ?? '',
    GITHUB_RUN_ID: String(runId),
    GITHUB_RUN_NUMBER: '1',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_JOB: 'unitgate',
    GITHUB_WORKFLOW: 'unitgate',
    GITHUB_ACTION: '__run',
    GITHUB_ACTOR: actor,
    GITHUB_TRIGGERING_ACTOR: actor,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: apiUrl,
    GITHUB_GRAPHQL_URL: `${apiUrl}/graphql`,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_ENV: files.env,
    GITHUB_STATE: files.state,
    GITHUB_PATH: files.path,
    RUNNER_TEMP: runnerTemp,
    RUNNER_TOOL_CACHE: path.join(tempDir, 'tool-cache'),
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_NAME: 'fake-runner',
    RUNNER_ENVIRONMENT: 'github-hosted',
    ...refs,
  });

  // Inputs: the test's, then action.yml's defaults (expressions evaluated), as INPUT_<NAME>.
  const actionYml = options.actionYml === undefined ? ACTION_YML : options.actionYml;
  const declared =
    actionYml !== null && existsSync(actionYml)
      ? readActionInputs(readFileSync(actionYml, 'utf8'))
      : undefined;
  const given = options.inputs ?? {};
  if (declared && options.checkInputNames !== false) {
    const unknown = Object.keys(given).filter((name) => !(name in declared));
    if (unknown.length > 0) {
      throw new Error(
        `runAction: action.yml declares no input ${unknown.join(', ')} (it has: ${Object.keys(declared).join(', ')})`,
      );
    }
  }
  const context = {
    github: {
      token: options.token ?? 'ghs_fakeTokenForTests',
      workspace: options.workspace,
      repository,
      repository_owner: env.GITHUB_REPOSITORY_OWNER,
      sha: refs.GITHUB_SHA,
      ref: refs.GITHUB_REF,
      event_name: options.eventName,
      event: options.event,
      run_id: String(runId),
      server_url: env.GITHUB_SERVER_URL,
      api_url: apiUrl,
      action_path: REPO_ROOT,
    },
    runner: { temp: runnerTemp, os: 'Linux', arch: 'X64' },
  };
  for (const [name, input] of Object.entries(declared ?? {})) {
    if (input.default !== undefined && !(name in given))
      env[inputEnvName(name)] = evaluateDefault(input.default, context);
  }
  for (const [name, value] of Object.entries(given)) env[inputEnvName(name)] = String(value);

  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }

  const entry = options.entry ?? ACTION_ENTRY;
  if (!existsSync(entry)) throw new Error(`runAction: ${entry} does not exist (run \`npm run bundle\`)`);
  const result = await spawnNode(entry, options.workspace, env, options.timeoutMs ?? 60_000);

  const commands = parseWorkflowCommands(result.stdout);
  const run: ActionRun = {
    ...result,
    outputs: parseFileCommands(await readFile(files.output, 'utf8')),
    summary: await readFile(files.summary, 'utf8'),
    annotations: toAnnotations(commands),
    commands,
    exportedEnv: parseFileCommands(await readFile(files.env, 'utf8')),
    state: parseFileCommands(await readFile(files.state, 'utf8')),
    addedPaths: (await readFile(files.path, 'utf8')).split(/\r?\n/).filter((line) => line !== ''),
    env,
    tempDir,
    outputFiles: {},
  };
  for (const [name, value] of Object.entries(run.outputs)) {
    if (!path.isAbsolute(value) || !existsSync(value)) continue;
    const text = await readFile(value, 'utf8').catch(() => undefined);
    if (text !== undefined) run.outputFiles[name] = text;
  }
  if (!options.keepTemp) await rm(tempDir, { recursive: true, force: true });
  return run;
}

/** `spawn`, never `spawnSync`: a synchronous child would block the in-process fake GitHub (both hang). */
function spawnNode(
  entry: string,
  cwd: string,
  env: Record<string, string>,
  timeoutMs: number,
): Promise<{
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [entry], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      resolve({
        exitCode,
        signal,
        timedOut,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      });
    });
  });
}
