// The action's inputs become typed settings once, before anything runs: defaults, the one boolean
// parser, the threshold on the policy's own scale, and a ConfigError naming the input for a bad value.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
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
      exclude: [],
      workingDirectory: '',
      failOn: 'error',
      baseRef: '',
      files: { json: { defaultName: 'unitgate-report.json' } },
      suggestions: false,
      trend: true,
      trendTags: 'v*',
      trendLimit: 5,
      publish: 'direct',
      publishDir: 'unitgate-publish',
      driftSnapshots: [],
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
    ['exclude', 'legacy/**\n old.service ', { exclude: ['legacy/**', 'old.service'] }],
    [
      'drift-snapshots',
      'snapshots/*.json,\n /runner/_temp/drift/**/*.json ',
      { driftSnapshots: ['snapshots/*.json', '/runner/_temp/drift/**/*.json'] },
    ],
    ['working-directory', './services/api/', { workingDirectory: 'services/api' }],
    ['working-directory', '.', { workingDirectory: '' }],
    ['fail-on', 'warning', { failOn: 'warning' }],
    ['fail-on', 'notice', { failOn: 'notice' }],
    ['base-ref', 'origin/main', { baseRef: 'origin/main' }],
    ['base-ref', 'v1.2.0', { baseRef: 'v1.2.0' }],
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
    ['exclude', 'legacy/[[:alpha:]]', 'input "exclude": invalid glob'],
    ['working-directory', '../other', 'input "working-directory" must be a directory inside the repository'],
    [
      'working-directory',
      '/srv/units',
      'input "working-directory" must be a directory inside the repository',
    ],
    ['fail-on', 'never', 'input "fail-on" must be one of error, warning, notice, not "never"'],
    ['fail-on', 'any', 'input "fail-on" must be one of error, warning, notice, not "any"'],
    [
      'base-ref',
      '--upload-pack=x',
      'input "base-ref" must be a branch, tag or commit, not "--upload-pack=x"',
    ],
    ['base-ref', 'main..feature', 'input "base-ref" must be a branch, tag or commit'],
  ])('refuses %s: %s', (name, value, message) => {
    expect(() => settingsOf({ [name]: value })).toThrow(ConfigError);
    expect(() => settingsOf({ [name]: value })).toThrow(message);
  });
});

describe('report file inputs', () => {
  it.each([
    ['true', { defaultName: 'unitgate.sarif' }],
    ['out/u.sarif', { path: 'out/u.sarif' }],
    ['false', undefined],
    ['', undefined],
  ])('reads sarif: "%s"', (value, expected) => {
    expect(settingsOf({ sarif: value }).files.sarif).toEqual(expected);
  });

  it.each([
    ['true', { defaultName: 'unitgate-report.json' }],
    ['', { defaultName: 'unitgate-report.json' }],
    ['reports/gate.json', { path: 'reports/gate.json' }],
    ['false', undefined],
  ])('reads report: "%s"', (value, expected) => {
    expect(settingsOf({ report: value }).files.json).toEqual(expected);
  });
});

describe('action.yml and the settings', () => {
  const actionYml = parseYaml(readFileSync(path.join(__dirname, '../../action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string }>;
  };

  it('reads every input action.yml declares, and no other', () => {
    const read = new Set<string>();
    parseActionSettings((name) => {
      read.add(name);
      return '';
    });
    expect([...read].sort()).toEqual(Object.keys(actionYml.inputs).sort());
  });

  it('accepts every default of action.yml, and with them writes the report and SARIF to the reports folder', () => {
    const defaults = parseActionSettings((name) => String(actionYml.inputs[name]?.default ?? ''));
    expect(defaults.files).toEqual({
      json: { defaultName: 'unitgate-report.json' },
      sarif: { defaultName: 'unitgate.sarif' },
    });
    expect(defaults).toMatchObject({ failOn: 'error', exclude: [], workingDirectory: '', baseRef: '' });
  });
});
