// The action's inputs, read and validated once into typed settings before anything runs: a bad input
// is a ConfigError naming the input, never a surprise halfway through a run.
import { isSupportedVersion, SUPPORTED_VERSIONS, type SystemdVersion } from '../core/security/versions';
import type { GateMode } from '../core/policy/policy-types';
import { thresholdToExposure } from '../core/policy/load-policy';
import { globError } from '../core/policy/match-glob';
import { parseBoolean } from '../core/unit/parse-boolean';
import { FILE_FORMATS } from '../core/report/formats';
import { FAIL_ON_LEVELS, type FailOn } from '../core/gate/fail-on';

import { ConfigError } from '../io/config-error';

export { ConfigError };

export type PublishMode = 'direct' | 'artifact' | 'from-artifact';

/** A report file the action writes: a path the workflow gave, or its name in the default folder. */
export type OutputFile = { path: string } | { defaultName: string };

export interface ActionSettings {
  /** Repository path of the policy file ('' = the default path, or the built-in policy). */
  policy: string;
  /** Overrides of the policy, as the workflow gave them (on pull requests they may only tighten). */
  mode?: GateMode;
  /** 0…100 scale. */
  threshold?: number;
  systemdVersion?: SystemdVersion;
  paths: string[];
  /** Globs of unit files left out besides the policy's `exclude` (ignored on pull requests). */
  exclude: string[];
  /**
   * The directory (repository-relative, '' for the root) whose units a run gates. On pull requests it
   * narrows nothing (see run.ts).
   */
  workingDirectory: string;
  /** The finding levels that fail the gate besides `error`, which always does. */
  failOn: FailOn;
  /** A ref or commit to compare with instead of the event's base (ignored on pull requests). */
  baseRef: string;
  comment: boolean;
  checkRun: boolean;
  /**
   * Per report format the action writes to a file (FILE_FORMATS: `json`, `sarif`, `badge`, …): the path
   * its input names, its name in the default reports folder (`true`), or absent to skip it.
   */
  files: Record<string, OutputFile>;
  token: string;
  suggestions: boolean;
  trend: boolean;
  trendTags: string;
  trendLimit: number;
  publish: PublishMode;
  publishDir: string;
  /**
   * Globs of drift snapshot files (workspace-relative, or absolute inside RUNNER_TEMP), read on
   * `schedule` and `workflow_dispatch` runs only (drift-mode.ts); empty: no drift report.
   */
  driftSnapshots: string[];
}

export const GATE_MODES: readonly GateMode[] = ['enforce', 'ratchet', 'report'];

/**
 * The `working-directory` input as a repository path without `./` or a trailing slash ('' for the
 * root); it must stay inside the repository.
 */
function workingDirectory(value: string): string {
  const dir = value
    .replace(/\/+$/, '')
    .split('/')
    .filter((part) => part !== '' && part !== '.')
    .join('/');
  if (value.startsWith('/') || dir.split('/').includes('..'))
    throw new ConfigError(
      `input "working-directory" must be a directory inside the repository, relative to its root, not "${value}"`,
    );
  return dir;
}

/** The `base-ref` input: a branch, tag or commit; never something git would read as an option. */
function gitRef(value: string): string {
  if (value !== '' && (value.startsWith('-') || /[\s~^:?*[\\]|\.\.|@\{/.test(value)))
    throw new ConfigError(`input "base-ref" must be a branch, tag or commit, not "${value}"`);
  return value;
}

/**
 * Reads every input through `getInput` (the runner fills in action.yml's defaults; an unset input
 * reads as ''). Throws ConfigError for the first invalid one.
 */
export function parseActionSettings(getInput: (name: string) => string): ActionSettings {
  const text = (name: string): string => getInput(name).trim();
  const bool = (name: string, fallback: boolean): boolean => {
    const v = text(name);
    if (v === '') return fallback;
    // The one boolean parser of the project (systemd's parse_boolean: yes/no, true/false, on/off, 1/0…).
    const b = parseBoolean(v);
    if (b === undefined) throw new ConfigError(`input "${name}" must be true or false, not "${v}"`);
    return b;
  };
  const oneOf = <T extends string>(name: string, values: readonly T[], fallback: T): T => {
    const v = text(name);
    if (v === '') return fallback;
    if (!(values as readonly string[]).includes(v))
      throw new ConfigError(`input "${name}" must be one of ${values.join(', ')}, not "${v}"`);
    return v as T;
  };
  const globs = (name: string): string[] => {
    const list = getInput(name)
      .split(/[\n,]/)
      .map((p) => p.trim())
      .filter((p) => p !== '');
    for (const glob of list) {
      const invalid = globError(glob);
      if (invalid !== undefined) throw new ConfigError(`input "${name}": ${invalid}`);
    }
    return list;
  };
  const files: Record<string, OutputFile> = {};
  for (const f of FILE_FORMATS) {
    const v = text(f.actionInput.name);
    // `true` and `false` are never taken for file names: a file called "true" is a typo, not a wish.
    if (v === 'false' || (v === '' && !f.actionInput.emptyIsDefault)) continue;
    files[f.name] = v === 'true' || v === '' ? { defaultName: f.actionInput.fileName } : { path: v };
  }
  const settings: ActionSettings = {
    policy: text('policy'),
    paths: globs('paths'),
    exclude: globs('exclude'),
    workingDirectory: workingDirectory(text('working-directory')),
    failOn: oneOf('fail-on', FAIL_ON_LEVELS, 'error'),
    baseRef: gitRef(text('base-ref')),
    comment: bool('comment', true),
    checkRun: bool('check-run', true),
    files,
    token: text('token'),
    suggestions: bool('suggestions', false),
    trend: bool('trend', true),
    trendTags: text('trend-tags') || 'v*',
    trendLimit: 5,
    publish: oneOf('publish', ['direct', 'artifact', 'from-artifact'], 'direct'),
    publishDir: text('publish-dir') || 'unitgate-publish',
    driftSnapshots: globs('drift-snapshots'),
  };
  const limit = text('trend-limit');
  if (limit !== '') {
    if (!/^[1-9][0-9]{0,2}$/.test(limit))
      throw new ConfigError(`input "trend-limit" must be a number from 1 to 999, not "${limit}"`);
    settings.trendLimit = Number(limit);
  }
  const mode = text('mode');
  if (mode !== '') settings.mode = oneOf('mode', GATE_MODES, 'enforce');
  const threshold = text('threshold');
  if (threshold !== '') {
    const t = Number(threshold);
    if (!/^\d+(\.\d+)?$/.test(threshold) || t < 0 || t > 10)
      throw new ConfigError(`input "threshold" must be a number from 0.0 to 10.0, not "${threshold}"`);
    settings.threshold = thresholdToExposure(t);
  }
  const version = text('systemd-version');
  if (version !== '') {
    const v = Number(version);
    if (!isSupportedVersion(v))
      throw new ConfigError(
        `input "systemd-version" must be ${SUPPORTED_VERSIONS.join(', ')}, not "${version}"`,
      );
    settings.systemdVersion = v as SystemdVersion;
  }
  return settings;
}
