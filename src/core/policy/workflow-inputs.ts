// Workflow inputs against the policy. On pull-request events the workflow file comes from the pull
// request's head, so its author controls the inputs: there they may only tighten the base branch's
// policy, and an input that would loosen it is ignored and reported. Elsewhere (push to a branch,
// dispatch, schedule) the workflow is the repository's own and its inputs apply as given.
import { MODE_STRICTNESS, type GateMode, type GatePolicy } from './policy-types';
import type { SystemdVersion } from '../security/versions';
import type { RunFinding } from '../gate/gate-types';
import { formatExposure } from '../security/render-security';

export interface WorkflowInputs {
  mode?: GateMode;
  /** 0…100 scale. */
  threshold?: number;
  systemdVersion?: SystemdVersion;
}

/**
 * Applies the inputs to `policy` (in place) and returns the findings about inputs that were refused.
 * `fromPullRequest`: the workflow is the pull request's (inputs may only tighten).
 */
export function applyWorkflowInputs(
  policy: GatePolicy,
  inputs: WorkflowInputs,
  fromPullRequest: boolean,
  /** Receives what the inputs changed that is no refusal (a release a pull request's input adds). */
  messages?: string[],
): RunFinding[] {
  const findings: RunFinding[] = [];
  const refuse = (message: string): void => {
    findings.push({ kind: 'input-loosens-policy', level: 'warning', message });
  };
  if (inputs.mode !== undefined && inputs.mode !== policy.mode) {
    if (fromPullRequest && MODE_STRICTNESS[inputs.mode] < MODE_STRICTNESS[policy.mode])
      refuse(
        `The workflow input mode: ${inputs.mode} would loosen the policy's mode ${policy.mode}; a pull request's workflow may only tighten the policy, so ${policy.mode} applies. Set "mode" in the policy file on the base branch instead.`,
      );
    else policy.mode = inputs.mode;
  }
  if (inputs.threshold !== undefined) {
    for (const profile of policy.profiles.values()) {
      if (fromPullRequest && inputs.threshold > profile.threshold) {
        refuse(
          `The workflow input threshold: ${formatExposure(inputs.threshold)} would loosen the ${profile.name} profile's threshold ${formatExposure(profile.threshold)}; it stays ${formatExposure(profile.threshold)}.`,
        );
        continue;
      }
      profile.threshold = inputs.threshold;
    }
  }
  const version = inputs.systemdVersion;
  if (version !== undefined && fromPullRequest) {
    // Which releases the hosts run is the base policy's to say: a pull request's workflow may add one
    // (every unit is then scored on it too and fails when it fails there) but never drop or replace
    // one, and the primary release the reports lead with stays the policy's.
    if (!policy.systemdVersions.includes(version)) {
      policy.systemdVersions = [...policy.systemdVersions, version].sort((a, b) => a - b);
      messages?.push(
        `The workflow input systemd-version: ${version} adds systemd ${version} to the releases the policy scores (${policy.systemdVersions.join(', ')}); on pull requests an input may add a release, never replace one. Set "systemdVersions" in the policy file on the base branch to keep it.`,
      );
    }
  } else if (
    version !== undefined &&
    (version !== policy.systemdVersion || policy.systemdVersions.length > 1)
  ) {
    // The repository's own workflow (push, dispatch, schedule) chooses the one release it scores, as
    // a job per release of a matrix does.
    policy.systemdVersion = version;
    policy.systemdVersions = [version];
  }
  return findings;
}
