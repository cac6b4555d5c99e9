// unitSearchPath(): verify_set_unit_path() and lookup_paths_init() on SYSTEMD_UNIT_PATH (each row was
// compared with systemd-analyze 252.39, 257.13 and 262.1).
import { unitSearchPath } from '../../../src/core/unit/unit-search-path';

const DEFAULTS = ['/etc/systemd/system', '/usr/lib/systemd/system'];
const path = (unitPathVariable: string | undefined, argumentDirs: string[] = [], refused = false) =>
  unitSearchPath({
    argumentDirs,
    unitPathVariable,
    defaults: DEFAULTS,
    cwd: '/w',
    emptyComponentRefused: refused,
  });

describe('SYSTEMD_UNIT_PATH', () => {
  it.each<[string | undefined, string[], string[]]>([
    [undefined, [], DEFAULTS],
    [undefined, ['/d'], ['/d', ...DEFAULTS]],
    ['/p', [], ['/p']],
    ['/p:', [], ['/p', ...DEFAULTS]],
    ['/p:/q', ['/d'], ['/d', '/p', '/q']],
    ['', [], []],
    ['', ['/d'], ['/d']],
    [':', ['/d'], ['/d', ...DEFAULTS]],
    ['rel/./x//', [], ['/w/rel/x']],
    ['/etc/systemd/system:', ['/etc/systemd/system'], DEFAULTS],
    ['/p::/q', [], ['/p', '/q']],
  ])('%j with argument directories %j: %j', (variable, dirs, expected) => {
    expect(path(variable, dirs)).toEqual(expected);
  });

  it.each([['::'], [':/a'], ['/a::'], ['/a::/b:'], ['rel::']])('v262 refuses %j', (variable) => {
    expect(path(variable, ['/d'], true)).toEqual({ error: 'set-unit-path' });
    expect(path(variable, [], true)).toEqual({ error: 'init-search-paths' });
    expect(Array.isArray(path(variable, [], false))).toBe(true);
  });

  it.each([[':'], ['/a:'], [''], ['/a:/b:']])('v262 accepts %j', (variable) => {
    expect(Array.isArray(path(variable, ['/d'], true))).toBe(true);
  });
});
