// The action's inputs become typed settings once, before anything runs: defaults, the one boolean
// parser, the threshold on the policy's own scale, and a ConfigError naming the input for a bad value.
import { parseActionSettings, ConfigError } from '../../src/action/settings';
import { loadPolicy } from '../../src/core/policy/load-policy';

const settingsOf = (inputs: Record<string, string>) => parseActionSettings((name) => inputs[name] ?? '');

describe('parseActionSettings', () => {
  it('gives the defaults for unset inputs', () => {
    expect(settingsOf({})).toMatchObject({
      policy: '',
      paths: [],
      comment: true,
      checkRun: true,
      files: { json: 'unitgate-report.json', sarif: '', badge: '' },
      suggestions: false,
      trend: true,
      trendTags: 'v*',
      trendLimit: 5,
      publish: 'direct',
      publishDir: 'unitgate-publish',
    });
    expect(settingsOf({}).threshold).toBeUndefined();
    expect(settingsOf({}).mode).toBeUndefined();
  });

  it.each([
    ['yes', true],
    ['on', true],
    ['1', true],
    ['false', false],
    ['off', false],
    ['0', false],
  ])('reads the boolean %s as %s', (value, expected) => {
    expect(settingsOf({ comment: value }).comment).toBe(expected);
  });

  it.each(['0', '2.5', '2.55', '3.45', '9.6', '10'])(
    'converts the threshold %s as a policy file would',
    (threshold) => {
      const loaded = loadPolicy(`{ "threshold": ${threshold} }`, 'unitgate.json');
      if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
      const fromPolicy = loaded.policy.profiles.get('baseline')?.threshold;
      expect(settingsOf({ threshold }).threshold).toBe(fromPolicy);
    },
  );

  it.each([
    ['paths', ' deploy/*.service, \n units/** ', { paths: ['deploy/*.service', 'units/**'] }],
    ['mode', 'ratchet', { mode: 'ratchet' }],
    ['systemd-version', '257', { systemdVersion: 257 }],
    ['trend-limit', '12', { trendLimit: 12 }],
  ])('reads %s', (name, value, expected) => {
    expect(settingsOf({ [name]: value })).toMatchObject(expected);
  });

  it.each([
    ['comment', 'maybe', 'input "comment" must be true or false, not "maybe"'],
    ['mode', 'lenient', 'input "mode" must be one of enforce, ratchet, report, not "lenient"'],
    ['threshold', '11', 'input "threshold" must be a number from 0.0 to 10.0, not "11"'],
    ['threshold', '-1', 'input "threshold" must be a number from 0.0 to 10.0, not "-1"'],
    ['threshold', '3,5', 'input "threshold" must be a number from 0.0 to 10.0, not "3,5"'],
    ['systemd-version', '250', 'input "systemd-version" must be'],
    ['trend-limit', '0', 'input "trend-limit" must be a number from 1 to 999, not "0"'],
    ['paths', 'deploy/*.service\n**/x\\', 'input "paths": invalid glob'],
    ['paths', '[[:alpha:]]', 'input "paths": invalid glob "[[:alpha:]]"'],
    ['publish', 'always', 'input "publish" must be one of direct, artifact, from-artifact, not "always"'],
  ])('refuses %s: %s', (name, value, message) => {
    expect(() => settingsOf({ [name]: value })).toThrow(ConfigError);
    expect(() => settingsOf({ [name]: value })).toThrow(message);
  });
});
