// SystemCallFilter= keeps the names libseccomp knows (real or pseudo syscalls) and drops the others,
// which decides whether a deny list exists at all (checked against systemd-analyze 252.38).
import { memoryTree } from '../../../src/core/unit/unit-tree';
import { loadUnit } from '../../../src/core/unit/load-unit';
import { deriveSecuritySettings } from '../../../src/core/security/settings';
import { assessUnit } from '../../../src/core/security/assess';
import { systemdRelease } from '../../../src/core/security/versions';

function swapRow(filter: string): string | null {
  const profile = systemdRelease(252);
  const tree = memoryTree({ '/u/x.service': `[Service]\nExecStart=/bin/true\nSystemCallFilter=${filter}\n` });
  const loaded = loadUnit(tree, 'x.service', { searchPath: ['/u'] });
  if (!loaded.ok) throw new Error(loaded.failure.message);
  const settings = deriveSecuritySettings(loaded.unit, profile).settings;
  if (!settings) throw new Error('not loaded');
  return (
    assessUnit(settings, profile).rows.find((r) => r.assessor.jsonField === 'SystemCallFilter_swap')
      ?.description ?? null
  );
}

describe('SystemCallFilter= names', () => {
  it.each([
    ['~bogus_call', 'Service does not filter system calls'],
    [
      '~read',
      'System call deny list defined for service, and @swap is not included (e.g. swapoff is allowed)',
    ],
    [
      '~clock_adjtime64',
      'System call deny list defined for service, and @swap is not included (e.g. swapoff is allowed)',
    ],
    ['~bogus_call swapon swapoff', 'System call deny list defined for service, and @swap is included'],
  ])('%s → %s', (filter, description) => {
    expect(swapRow(filter)).toBe(description);
  });
});
