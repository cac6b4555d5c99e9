// `unitgate suggest UNIT`: prints a hardened drop-in for a unit file — the directives that fix every
// failing row and every missing requirement of its profile — with where to save it and the score
// before → after, computed by loading the unit with the drop-in in place.
import { existsSync, readFileSync } from 'node:fs';
import { readPolicyFile } from '../io/read-policy-file';
import { posix } from 'node:path';
import { builtInPolicy, formatPolicyError, loadPolicy } from '../core/policy/load-policy';
import { DEFAULT_POLICY_PATH, type GatePolicy, type Profile } from '../core/policy/policy-types';
import { resolveProfile } from '../core/policy/resolve-profile';
import {
  HARDENING_DROP_IN_NAME,
  planHardeningDropIn,
  renderHardeningDropIn,
} from '../core/advice/hardening-drop-in';
import { systemdRelease, type SystemdVersion } from '../core/security/versions';
import { isTemplateName, parseUnitName, replaceInstance } from '../core/unit/unit-name';
import { createRealTree } from '../io/node-unit-tree';
import type { CommandResult } from './security-command';

export interface SuggestOptions {
  /** The unit file, as the user named it. */
  unit: string;
  /**
   * `--policy-profile`: a profile name of the policy; default: the unit's profile comment, a `units` glob,
   * the default.
   */
  policyProfile?: string;
  /** Policy file; default `.github/unitgate.json` in the working directory when there is one. */
  policy?: string;
  /** Overrides the policy's systemd version. */
  systemdVersion?: SystemdVersion;
}

function fail(message: string): CommandResult {
  return { exitCode: 2, stdout: '', stderr: `unitgate suggest: ${message}\n` };
}

function readPolicy(options: SuggestOptions, cwd: string): GatePolicy | CommandResult {
  const path =
    options.policy ?? (existsSync(posix.join(cwd, DEFAULT_POLICY_PATH)) ? DEFAULT_POLICY_PATH : undefined);
  if (path === undefined) return builtInPolicy();
  const read = readPolicyFile(posix.resolve(cwd, path), path);
  if (!read.ok) return fail(read.message);
  const loaded = loadPolicy(read.text, path);
  if (!loaded.ok) {
    return fail(
      `invalid policy ${path}:\n${loaded.errors.map((e) => `  ${formatPolicyError(e)}`).join('\n')}`,
    );
  }
  return loaded.policy;
}

export function runSuggestCommand(options: SuggestOptions, cwd: string): CommandResult {
  const policy = readPolicy(options, cwd);
  if ('exitCode' in policy) return policy;
  const version = options.systemdVersion ?? policy.systemdVersion;
  const systemd = systemdRelease(version);

  const abs = posix.resolve(cwd, options.unit);
  const fileName = posix.basename(abs);
  if (!parseUnitName(fileName)) return fail(`${options.unit} is not a unit file name`);
  const unitName = isTemplateName(fileName)
    ? replaceInstance(fileName, systemd.traits.templateInstance)
    : fileName;
  // Hermetic: the unit and its NAME.d/ drop-ins beside it (a suggestion must not depend on the host).
  const tree = createRealTree(posix.dirname(abs));
  const dropInPath = `/${fileName}.d/${HARDENING_DROP_IN_NAME}`;

  let profile: Profile;
  if (options.policyProfile !== undefined) {
    const p = policy.profiles.get(options.policyProfile);
    if (!p) {
      return fail(
        `unknown profile '${options.policyProfile}' (the policy has: ${[...policy.profiles.keys()].join(', ')})`,
      );
    }
    profile = p;
  } else {
    let text: string;
    try {
      text = readFileSync(abs, 'utf8');
    } catch (e) {
      return fail(`cannot read ${options.unit}: ${(e as NodeJS.ErrnoException).code ?? e}`);
    }
    const relative = posix.relative(cwd, abs);
    const resolved = resolveProfile(policy, relative, unitName, [{ path: relative, text }]);
    if ('error' in resolved) return fail(`${options.unit}: ${resolved.error}`);
    profile = resolved.profile;
  }

  const plan = planHardeningDropIn({
    tree,
    unitName,
    searchPath: ['/'],
    dropInPath,
    profile,
    systemd,
    ...(policy.assessorOverrides.size > 0 ? { overrides: policy.assessorOverrides } : {}),
  });
  if ('error' in plan) return fail(plan.error);
  const savePath = posix.join(posix.dirname(options.unit), `${fileName}.d`, HARDENING_DROP_IN_NAME);
  return {
    exitCode: 0,
    stdout: renderHardeningDropIn(plan, {
      savePath,
      unitFileName: fileName,
      profile,
      systemdVersion: version,
    }),
    stderr: '',
  };
}
