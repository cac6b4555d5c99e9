import { loadPolicy } from '../../../src/core/policy/load-policy';
import { isExcluded, resolveProfile, type UnitFileText } from '../../../src/core/policy/resolve-profile';
import type { GatePolicy } from '../../../src/core/policy/policy-types';

function policyOf(doc: unknown): GatePolicy {
  const result = loadPolicy(JSON.stringify(doc), 'unitgate.json');
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.policy;
}

const policy = policyOf({
  defaultProfile: 'baseline',
  profiles: { 'api-internal': { extends: 'api-service' } },
  units: [
    { match: 'deploy/api/**', profile: 'api-service' },
    { match: '*-worker.service', profile: 'worker' },
    { match: 'deploy/**/*.timer-job.service', profile: 'scheduler' },
    { match: 'deploy/**', profile: 'api-internal' },
  ],
  exclude: [
    { match: 'vendor/**', reason: 'upstream units' },
    { match: 'legacy-*.service', reason: 'being retired' },
  ],
});

const MAIN = 'deploy/api/web.service';
const unit = (...lines: string[]): string => ['[Service]', 'ExecStart=/bin/true', ...lines, ''].join('\n');

describe('resolveProfile', () => {
  it.each<[string, string, string, UnitFileText[], { name: string; how: string; match?: string }]>([
    [
      'first matching glob over the repository path',
      'deploy/api/web.service',
      'web.service',
      [unit()],
      { name: 'api-service', how: 'glob', match: 'deploy/api/**' },
    ],
    [
      'glob over the unit name',
      'srv/queue-worker.service',
      'queue-worker.service',
      [unit()],
      { name: 'worker', how: 'glob', match: '*-worker.service' },
    ],
    [
      'the order of units[] decides',
      'deploy/api/a-worker.service',
      'a-worker.service',
      [unit()],
      { name: 'api-service', how: 'glob', match: 'deploy/api/**' },
    ],
    [
      '`**` spans directories',
      'deploy/x/y/nightly.timer-job.service',
      'nightly.timer-job.service',
      [unit()],
      { name: 'scheduler', how: 'glob', match: 'deploy/**/*.timer-job.service' },
    ],
    [
      'a later, broader glob',
      'deploy/billing/b.service',
      'b.service',
      [unit()],
      { name: 'api-internal', how: 'glob', match: 'deploy/**' },
    ],
    [
      'the default profile when nothing matches',
      'other/x.service',
      'x.service',
      [unit()],
      { name: 'baseline', how: 'default' },
    ],
    [
      'the default profile without any unit text',
      'other/x.service',
      'x.service',
      [],
      { name: 'baseline', how: 'default' },
    ],
    [
      'a comment wins over the globs',
      MAIN,
      'web.service',
      [unit('# unitgate: profile=worker')],
      { name: 'worker', how: 'comment' },
    ],
    [
      'a `;` comment',
      MAIN,
      'web.service',
      [unit('; unitgate: profile=scheduler')],
      { name: 'scheduler', how: 'comment' },
    ],
    [
      'spaces around the parts',
      MAIN,
      'web.service',
      [unit('   #unitgate:profile = worker  ')],
      { name: 'worker', how: 'comment' },
    ],
    [
      'a user-defined profile by comment',
      'other/x.service',
      'x.service',
      [unit('# unitgate: profile=api-internal')],
      { name: 'api-internal', how: 'comment' },
    ],
    [
      'other unitgate comments are not profile comments',
      MAIN,
      'web.service',
      [unit('# unitgate: deviation check=ProtectSystem reason=x', '# unitgate: profiles=worker')],
      { name: 'api-service', how: 'glob', match: 'deploy/api/**' },
    ],
    [
      'a directive value is not a comment',
      MAIN,
      'web.service',
      [unit('Description=# unitgate: profile=worker')],
      { name: 'api-service', how: 'glob', match: 'deploy/api/**' },
    ],
  ])('%s', (_, repoPath, unitName, files, expected) => {
    const r = resolveProfile(policy, repoPath, unitName, files);
    if ('error' in r) throw new Error(r.error);
    expect({
      name: r.profile.name,
      how: r.how,
      ...(r.match !== undefined ? { match: r.match } : {}),
    }).toEqual(expected);
  });

  it('locates the comment (bare strings are the main unit file)', () => {
    const r = resolveProfile(policy, MAIN, 'web.service', [unit('', '  # unitgate: profile=worker')]);
    expect(r).toMatchObject({ how: 'comment', location: { file: MAIN, line: 4, column: 23 } });
  });

  it('a drop-in comment wins over the main file’s, as a later line would', () => {
    const r = resolveProfile(policy, MAIN, 'web.service', [
      { path: MAIN, text: unit('# unitgate: profile=worker') },
      {
        path: 'deploy/api/web.service.d/10-job.conf',
        text: '[Service]\r\n; unitgate: profile=scheduler\r\n',
      },
    ]);
    expect(r).toMatchObject({
      profile: { name: 'scheduler' },
      how: 'comment',
      location: { file: 'deploy/api/web.service.d/10-job.conf', line: 2, column: 21 },
    });
  });

  it.each<[string, string, { error: string; location: { line: number; column: number } }]>([
    [
      'an unknown profile name',
      '# unitgate: profile=wroker',
      {
        error:
          "unknown profile 'wroker' in the unit's profile comment (the policy has: baseline, api-service, worker, scheduler, api-internal)",
        location: { line: 3, column: 21 },
      },
    ],
    [
      'no name',
      '# unitgate: profile=',
      {
        error: 'malformed profile comment: write `# unitgate: profile=NAME`',
        location: { line: 3, column: 20 },
      },
    ],
    [
      'no `=`',
      '# unitgate: profile worker',
      {
        error: 'malformed profile comment: write `# unitgate: profile=NAME`',
        location: { line: 3, column: 20 },
      },
    ],
    [
      'trailing words',
      '# unitgate: profile=worker please',
      {
        error: 'malformed profile comment: write `# unitgate: profile=NAME`',
        location: { line: 3, column: 20 },
      },
    ],
  ])('reports %s as an error value', (_, comment, expected) => {
    const r = resolveProfile(policy, MAIN, 'web.service', [{ path: MAIN, text: unit(comment) }]);
    expect(r).toEqual({ error: expected.error, location: { file: MAIN, ...expected.location } });
  });

  it('uses the policy’s default profile', () => {
    const p = policyOf({ defaultProfile: 'worker' });
    expect(resolveProfile(p, 'x.service', 'x.service', [])).toMatchObject({
      profile: { name: 'worker' },
      how: 'default',
    });
  });
});

describe('isExcluded', () => {
  it.each([
    ['vendor/foo/bar.service', 'bar.service', 'upstream units'],
    ['deploy/legacy-billing.service', 'legacy-billing.service', 'being retired'],
    ['deploy/api/web.service', 'web.service', undefined],
    ['vendorx/a.service', 'a.service', undefined],
  ])('%s (%s) → %s', (repoPath, unitName, reason) => {
    expect(isExcluded(policy, repoPath, unitName)?.reason).toBe(reason);
  });

  it('returns the exclusion itself', () => {
    expect(isExcluded(policy, 'vendor/x.service', 'x.service')).toEqual({
      match: 'vendor/**',
      reason: 'upstream units',
    });
  });
});
