// The profile's `threshold`: the unit's exposure must not be above it.
import { formatExposure } from '../../security/render-security';
import { thresholdFix } from '../../advice/verify-fixes';
import type { PolicyRule } from './policy-rule';

export const thresholdRule: PolicyRule<'threshold', 'threshold'> = {
  kind: 'threshold',
  policyKey: 'threshold',
  checkNames: () => [],
  title: 'Exposure above threshold',
  titleNamesCheck: false,
  sarif: {
    name: 'ExposureAboveThreshold',
    full: "The unit's exposure score (systemd-analyze security, 0.0 best to 10.0 worst) is above the threshold of its profile.",
    help: 'Add the hardening directives the finding lists until the exposure is at or below the threshold, or record an accepted deviation.',
  },
  check({ profile, settings, assessment, fallback, advisory }) {
    if (assessment.exposure <= profile.threshold) return [];
    return [
      {
        kind: 'threshold',
        check: 'exposure',
        directives: [],
        message: `${settings.unitId}: exposure ${formatExposure(assessment.exposure)} ${assessment.level.name} is above the ${profile.name} threshold ${formatExposure(
          profile.threshold,
        )}`,
        location: fallback,
        weight: assessment.exposure - profile.threshold,
        // Set by adviseFixes() (advice/verify-fixes.ts): re-scored, never estimated.
        advisory,
      },
    ];
  },
  fix: {
    causedByDirective: false,
    plan: (_v, ctx, head) => ({
      fix: thresholdFix(ctx, head, ctx.profile.threshold),
      passes: (a) => a.assessment.exposure <= ctx.profile.threshold,
    }),
  },
};
