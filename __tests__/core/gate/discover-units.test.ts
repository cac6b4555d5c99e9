// discoverUnits(): which files are units, which `*.d` directories are systemd's drop-in directories,
// and that unit-like files systemd would not load are reported with the reason.
import {
  discoverUnits,
  isDropInDirectoryName,
  type SkippedUnitFile,
} from '../../../src/core/gate/discover-units';

describe('isDropInDirectoryName (unit_file_find_dropin_paths())', () => {
  it.each([
    ['api.service.d', true],
    ['api@.service.d', true],
    ['api@x.service.d', true],
    ['foo-.service.d', true],
    ['service.d', true],
    ['socket.d', true],
    ['units.d', false],
    ['conf.d', false],
    ['system.d', false],
    ['api.service', false],
    ['bad name.service.d', false],
  ])('%s → %s', (name, expected) => {
    expect(isDropInDirectoryName(name)).toBe(expected);
  });
});

describe('discoverUnits', () => {
  it.each<[string, string[], string[], string[]]>([
    ['a unit under units.d/', ['deploy/units.d/api.service'], ['deploy/units.d/api.service'], []],
    ['a unit under conf.d/', ['conf.d/api.service'], ['conf.d/api.service'], []],
    ['a drop-in is no unit', ['d/api.service', 'd/api.service.d/x.conf'], ['d/api.service'], []],
    [
      'a unit file inside a drop-in directory',
      ['d/api.service', 'd/api.service.d/extra.service'],
      ['d/api.service'],
      ['d/api.service.d/extra.service'],
    ],
    ['a rejected name', ['d/bad name!.service', 'd/@.service'], [], ['d/bad name!.service', 'd/@.service']],
    ['a suffix the policy does not score', ['d/x.socket', 'd/bad name.socket'], [], []],
  ])('%s', (_title, paths, units, skippedPaths) => {
    const skipped: SkippedUnitFile[] = [];
    const found = discoverUnits(paths, ['.service'], [], 'i', skipped);
    expect(found.map((l) => l.repoPath)).toEqual(units);
    expect(skipped.map((s) => s.repoPath)).toEqual(skippedPaths);
  });
});
