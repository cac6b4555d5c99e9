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
  if (inputs.systemdVersion !== undefined && inputs.systemdVersion !== policy.systemdVersion) {
    // Another version scores other rows and knows other settings: which one the services run on is
    // the policy's decision, not the pull request's.
    if (fromPullRequest)
      refuse(
        `The workflow input systemd-version: ${inputs.systemdVersion} differs from the policy's ${policy.systemdVersion}; on pull requests the policy's version applies. Set "systemdVersion" in the policy file on the base branch instead.`,
      );
    else policy.systemdVersion = inputs.systemdVersion;
  }
  return findings;
}
