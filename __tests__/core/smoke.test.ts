import { memoryTree } from '../../src/core/unit/unit-tree';
import { loadUnit } from '../../src/core/unit/load-unit';
import { deriveSecuritySettings } from '../../src/core/security/settings';
import { assessUnit } from '../../src/core/security/assess';
import { systemdRelease } from '../../src/core/security/versions';

describe('the worked example of the spec (§3)', () => {
  it.each([
    [252, 96],
    [257, 94],
    [262, 94],
  ] as const)('a bare ExecStart= service scores %s → %s', (version, exposure) => {
    const profile = systemdRelease(version);
    const tree = memoryTree({ '/u/x.service': '[Service]\nExecStart=/bin/true\n' });
    const loaded = loadUnit(tree, 'x.service', { searchPath: ['/u'] });
    if (!loaded.ok) throw new Error(loaded.failure.message);
    const derived = deriveSecuritySettings(loaded.unit, profile);
    if (!derived.settings) throw new Error('no settings');
    expect(assessUnit(derived.settings, profile).exposure).toBe(exposure);
  });
});
