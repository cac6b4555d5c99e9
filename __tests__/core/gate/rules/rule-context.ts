// A unit scored from inline text, as the context a policy rule's check reads (shared by the rule tests).
import { scoreUnit } from '../../../../src/core/gate/score-units';
import type { RuleContext } from '../../../../src/core/gate/rules/policy-rule';
import type { FixContext, Scored } from '../../../../src/core/advice/verify-fixes';
import type { Profile } from '../../../../src/core/policy/policy-types';
import type { Assessment } from '../../../../src/core/security/assess';
import type { SecuritySettings } from '../../../../src/core/security/settings';
import { systemdRelease } from '../../../../src/core/security/versions';
import { memoryTree } from '../../../../src/core/unit/unit-tree';
import type { LoadedUnit } from '../../../../src/core/unit/load-unit';

export const PATH = 'deploy/api.service';
export const HEADER = '[Unit]\nDescription=api\n[Service]\nExecStart=/usr/bin/api\n';

/** A profile that checks nothing but what `over` sets. */
export function profile(over: Partial<Profile> = {}): Profile {
  return { name: 'api', description: '', threshold: 100, requiredDirectives: [], ...over };
}

/** The rule context of `HEADER + lines` under `p`, and what a fix planner needs for it. */
export function contextOf(
  lines: string,
  p: Profile,
): { ctx: RuleContext; fixContext: FixContext; head: Scored } {
  const systemd = systemdRelease(252);
  const locator = {
    unitName: 'api.service',
    fileName: 'api.service',
    repoPath: PATH,
    searchPath: ['/deploy'],
  };
  const side = scoreUnit(memoryTree({ [PATH]: HEADER + lines }), locator, systemd).side;
  const settings = side.settings as SecuritySettings;
  const assessment = side.assessment as Assessment;
  return {
    ctx: {
      profile: p,
      head: side,
      settings,
      assessment,
      systemd,
      fallback: { file: PATH, line: 3, column: 1 },
      advisory: false,
    },
    fixContext: { unit: side.unit as LoadedUnit, systemd, profile: p },
    head: { settings, assessment },
  };
}
