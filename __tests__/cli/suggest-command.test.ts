// `unitgate suggest`: the printed drop-in, saved where it says, really lowers the score — checked by
// loading the unit with the drop-in through the engine (memoryTree → loadUnit → deriveSecuritySettings
// → assessUnit), independently of the command — and reaches the profile's threshold for the examples.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli';
import { checkRequirement } from '../../src/core/policy/profile-checks';
import { builtInPolicy } from '../../src/core/policy/load-policy';
import { HARDENING_DROP_IN_NAME } from '../../src/core/advice/hardening-drop-in';
import { assessUnit } from '../../src/core/security/assess';
import { formatExposure } from '../../src/core/security/render-security';
import { deriveSecuritySettings } from '../../src/core/security/settings';
import { SUPPORTED_VERSIONS, systemdRelease, type SystemdVersion } from '../../src/core/security/versions';
import { loadUnit } from '../../src/core/unit/load-unit';
import { memoryTree } from '../../src/core/unit/unit-tree';

const ROOT = join(__dirname, '..', '..');
const EXAMPLES = ['api.service', 'worker.service', 'legacy.service'];
const PROFILES = ['baseline', 'api-service', 'worker', 'scheduler'];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'unitgate-suggest-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function suggest(args: string[], cwd = ROOT) {
  return runCli(['suggest', ...args], { cwd, env: {}, stdoutIsTTY: false });
}

/** Scores `name` from in-memory files (tree paths under `/`), as `unitgate security` does hermetically. */
function score(files: Record<string, string>, name: string, version: SystemdVersion = 252) {
  const systemd = systemdRelease(version);
  const loaded = loadUnit(memoryTree(files), name, { searchPath: ['/'] });
  if (!loaded.ok) throw new Error(loaded.failure.message);
  const derived = deriveSecuritySettings(loaded.unit, systemd);
  if (!derived.settings) throw new Error(`${name} failed to load`);
  return { settings: derived.settings, assessment: assessUnit(derived.settings, systemd) };
}

function headerExposure(stdout: string): { before: string; after: string } {
  const m = /^# Exposure: (\d+\.\d \S+) → (\d+\.\d \S+),/m.exec(stdout);
  if (!m) throw new Error(`no exposure line in:\n${stdout}`);
  return { before: m[1] as string, after: m[2] as string };
}

describe('unitgate suggest', () => {
  const cases = EXAMPLES.flatMap((unit) =>
    PROFILES.flatMap((profile) => SUPPORTED_VERSIONS.map((v) => [unit, profile, v] as const)),
  );

  it.each(cases)(
    '%s, profile %s, systemd %s: the drop-in lowers the score to the threshold',
    (unit, name, version) => {
      const r = suggest([
        `examples/units/${unit}`,
        '--policy-profile',
        name,
        '--systemd-version',
        String(version),
      ]);
      expect(r.stderr).toBe('');
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toContain(`# Save it as examples/units/${unit}.d/${HARDENING_DROP_IN_NAME}\n`);
      expect(r.stdout).toContain(`/etc/systemd/system/${unit}.d/${HARDENING_DROP_IN_NAME}`);

      const text = readFileSync(join(ROOT, 'examples/units', unit), 'utf8');
      const before = score({ [`/${unit}`]: text }, unit, version);
      const after = score(
        { [`/${unit}`]: text, [`/${unit}.d/${HARDENING_DROP_IN_NAME}`]: r.stdout },
        unit,
        version,
      );
      const profile = builtInPolicy().profiles.get(name);
      if (!profile) throw new Error(name);

      expect(after.assessment.exposure).toBeLessThan(before.assessment.exposure);
      expect(after.assessment.exposure).toBeLessThanOrEqual(profile.threshold);
      for (const requirement of profile.requiredDirectives) {
        expect([
          requirement,
          checkRequirement(requirement, after.settings, systemdRelease(version)).met,
        ]).toEqual([requirement, true]);
      }
      // The header tells the truth about both scores.
      const shown = headerExposure(r.stdout);
      expect(shown.before).toBe(
        `${formatExposure(before.assessment.exposure)} ${before.assessment.level.name}`,
      );
      expect(shown.after).toBe(`${formatExposure(after.assessment.exposure)} ${after.assessment.level.name}`);
      expect(r.stdout).toContain(`at or below the ${name} threshold ${formatExposure(profile.threshold)}.`);
      // Judgement lines stay commented out: the network and the root directory are not taken away.
      expect(r.stdout).not.toMatch(/^(PrivateNetwork|RootDirectory|IPAddressDeny|DynamicUser)=/m);
    },
  );

  it('uses the profile a comment in the unit assigns, and the policy file in the working directory', () => {
    const unitDir = join(dir, 'comment');
    mkdirSync(join(unitDir, '.github'), { recursive: true });
    writeFileSync(
      join(unitDir, 'svc.service'),
      '# unitgate: profile=strict-api\n[Service]\nExecStart=/bin/svc\nUser=svc\n',
    );
    writeFileSync(
      join(unitDir, '.github/unitgate.json'),
      JSON.stringify({ profiles: { 'strict-api': { extends: 'api-service', threshold: 2 } } }),
    );
    const r = suggest(['svc.service'], unitDir);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('(profile strict-api, systemd 252)');
    expect(r.stdout).toContain('at or below the strict-api threshold 2.0.');
    expect(r.stdout).toMatch(/^# Save it as svc\.service\.d\/50-unitgate-hardening\.conf$/m);
  });

  it('resets a list of the unit that would defeat the appended one (a deny list before an allow list)', () => {
    const unitDir = join(dir, 'deny');
    mkdirSync(unitDir, { recursive: true });
    const text = '[Service]\nExecStart=/bin/svc\nUser=svc\nSystemCallFilter=~@mount\n';
    writeFileSync(join(unitDir, 'svc.service'), text);
    const r = suggest(['svc.service', '--policy-profile', 'api-service'], unitDir);
    expect(r.stdout).toMatch(/^SystemCallFilter=\n# .*\nSystemCallFilter=@system-service$/m);
    const after = score(
      { '/svc.service': text, [`/svc.service.d/${HARDENING_DROP_IN_NAME}`]: r.stdout },
      'svc.service',
    );
    expect(
      checkRequirement('SystemCallFilter=@system-service', after.settings, systemdRelease(252)).met,
    ).toBe(true);
  });

  it('says so when a later drop-in overrides what it sets, and finds drop-ins of a template', () => {
    const unitDir = join(dir, 'template');
    mkdirSync(join(unitDir, 'svc@.service.d'), { recursive: true });
    writeFileSync(join(unitDir, 'svc@.service'), '[Service]\nExecStart=/bin/svc %i\nUser=svc\n');
    writeFileSync(join(unitDir, 'svc@.service.d', 'override.conf'), '[Service]\nProtectSystem=no\n');
    const r = suggest(['svc@.service', '--policy-profile', 'worker'], unitDir);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('Hardened drop-in for svc@i.service');
    expect(r.stdout).toMatch(/^# Save it as svc@\.service\.d\/50-unitgate-hardening\.conf$/m);
    expect(r.stdout).toContain(
      '# A drop-in cannot meet these requirements here (edit the unit itself): ProtectSystem=strict.',
    );
  });

  it.each([
    [['examples/units/nope.service'], 2, /cannot read examples\/units\/nope\.service: ENOENT/],
    [
      ['examples/units/api.service', '--policy-profile', 'nope'],
      2,
      /unknown profile 'nope' \(the policy has: baseline, /,
    ],
    [['examples/units/api.service', '--systemd-version', '999'], 1, /Unsupported --systemd-version=999/],
    [
      ['examples/units/api.service', '--policy', 'missing.json'],
      2,
      /cannot read policy missing\.json: ENOENT/,
    ],
    [['not-a-unit'], 2, /not-a-unit is not a unit file name/],
    // `--profile` is `unitgate security`'s portable-service drop-in; suggest's policy profile is another option.
    [
      ['examples/units/api.service', '--profile', 'worker'],
      1,
      /^error: unknown option '--profile'\n\(Did you mean --policy-profile\?\)\n$/,
    ],
    [
      ['examples/units/api.service', '--profile'],
      1,
      /^error: unknown option '--profile'\n\(Did you mean --policy-profile\?\)\n$/,
    ],
  ])('%j → exit %i', (args, code, message) => {
    const r = suggest(args);
    expect(r.exitCode).toBe(code);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });
});

describe('unitgate suggest keeps what the profile allows (8.13)', () => {
  it.each(EXAMPLES)('%s, worker profile: no line (not even a commented one) cuts the network', (unit) => {
    const r = suggest([`examples/units/${unit}`, '--policy-profile', 'worker']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).not.toMatch(/^#?PrivateNetwork=yes$/m);
    expect(r.stdout).not.toMatch(/^#?IPAddressDeny=/m);
    expect(r.stdout).not.toMatch(/^#?RestrictAddressFamilies=~.*AF_INET/m);
    expect(r.stdout).not.toMatch(/^#?RestrictAddressFamilies=~.*AF_UNIX/m);
  });
});
