import fc from 'fast-check';
import { discoverUnits, type UnitLocator } from '../../../src/core/gate/discover-units';
import { scoreUnit } from '../../../src/core/gate/score-units';
import { systemdRelease, type SystemdVersion } from '../../../src/core/security/versions';
import { createScoreCache } from '../../../src/core/trend/score-cache';
import { memoryTree } from '../../../src/core/unit/unit-tree';

type Files = Record<string, string | { symlink: string }>;

const HARDENED = '[Service]\nExecStart=/bin/true\nDynamicUser=yes\nProtectSystem=strict\nPrivateTmp=yes\n';
const PLAIN = '[Service]\nExecStart=/bin/true\n';

function locators(files: Files, version: SystemdVersion = 252): UnitLocator[] {
  const t = systemdRelease(version).traits;
  return discoverUnits(Object.keys(files).sort(), ['.service'], t.searchPath, t.templateInstance);
}

/** Scores every unit of each tree in turn through one cache and directly; both must agree exactly. */
function scoreBoth(trees: Files[], version: SystemdVersion = 252) {
  const cache = createScoreCache();
  const systemd = systemdRelease(version);
  for (const files of trees) {
    const tree = memoryTree(files);
    for (const l of locators(files, version)) {
      expect(cache.score(tree, l, systemd)).toEqual(scoreUnit(memoryTree(files), l, systemd));
    }
  }
  return cache.stats;
}

describe('createScoreCache()', () => {
  const base: Files = {
    'units/a.service': HARDENED,
    'units/b.service': PLAIN,
    'units/c@.service': PLAIN,
  };

  it('reuses every unit of an identical tree (a new tree object)', () => {
    expect(scoreBoth([base, { ...base }])).toEqual({ scored: 3, reused: 3 });
  });

  it.each<[string, Files, number]>([
    ['a neighbour edited', { 'units/b.service': PLAIN + 'User=foo\n' }, 1],
    ['the unit itself edited', { 'units/a.service': PLAIN }, 1],
    // A new entry in the directory: every unit there lists it (systemd's alias scan).
    ['a drop-in added for the unit', { 'units/a.service.d/weaken.conf': '[Service]\nDynamicUser=no\n' }, 3],
    ['a per-type drop-in added', { 'units/service.d/x.conf': '[Service]\nPrivateNetwork=yes\n' }, 3],
    ['a template drop-in added', { 'units/c@.service.d/x.conf': '[Service]\nUser=u\n' }, 3],
    ['a neighbour turned into an alias of the unit', { 'units/b.service': { symlink: 'a.service' } }, 3],
    ['a neighbour emptied (masked)', { 'units/b.service': '' }, 3],
    ['an unrelated file elsewhere added', { 'docs/readme.md': 'x' }, 0],
  ])('%s: only the units it can affect are scored again', (_name, change, rescored) => {
    // Every result, reused or not, equals a direct scoring (scoreBoth checks).
    const stats = scoreBoth([base, { ...base, ...change }]);
    expect(stats.scored - 3).toBe(rescored);
  });

  it('scores only the unit again when one of its drop-ins is edited', () => {
    const withDropIn = { ...base, 'units/a.service.d/x.conf': '[Service]\nDynamicUser=no\n' };
    const edited = { ...withDropIn, 'units/a.service.d/x.conf': '[Service]\nPrivateNetwork=yes\n' };
    expect(scoreBoth([withDropIn, edited])).toEqual({ scored: 4, reused: 2 });
  });

  it('keeps results apart by systemd version and by assessor overrides', () => {
    const cache = createScoreCache();
    const tree = memoryTree(base);
    const [l] = locators(base);
    const a252 = cache.score(tree, l as UnitLocator, systemdRelease(252));
    const a257 = cache.score(tree, l as UnitLocator, systemdRelease(257));
    const overrides = new Map([['PrivateTmp', { weight: 5000 }]]);
    const withOverrides = cache.score(tree, l as UnitLocator, systemdRelease(252), overrides);
    expect(cache.stats).toEqual({ scored: 3, reused: 0 });
    expect(a257).not.toBe(a252);
    expect(withOverrides.side.assessment?.exposure).not.toBe(a252.side.assessment?.exposure);
    expect(cache.score(tree, l as UnitLocator, systemdRelease(252), overrides)).toBe(withOverrides);
  });

  it('passes a host directory through and keeps results apart by it', () => {
    const files: Files = {
      'a.service': HARDENED,
      'm.service': { symlink: '/dev/null' },
      'o.service': { symlink: '../o.service' },
    };
    const cache = createScoreCache();
    const systemd = systemdRelease(257);
    for (const hostDirectory of ['/srv/units', '/srv/units', '/opt/units']) {
      for (const l of discoverUnits(Object.keys(files), ['.service'], [], 'i').map((x) => ({
        ...x,
        searchPath: ['/'],
      }))) {
        const tree = { ...memoryTree(files), hostDirectory };
        expect(cache.score(tree, l, systemd)).toEqual(
          scoreUnit({ ...memoryTree(files), hostDirectory }, l, systemd),
        );
      }
    }
    expect(cache.stats).toEqual({ scored: 6, reused: 3 });
  });

  it('returns to an earlier variant without scoring again', () => {
    const edited = { ...base, 'units/a.service': PLAIN };
    expect(scoreBoth([base, edited, base, edited])).toEqual({ scored: 4, reused: 8 });
  });

  it('agrees with scoreUnit over random histories of a root tree and a plain directory', () => {
    const dir = '/usr/lib/systemd/system';
    const etc = '/etc/systemd/system';
    const choices: Record<string, (string | { symlink: string } | null)[]> = {
      [`root${dir}/a.service`]: [HARDENED, PLAIN, '', null],
      [`root${dir}/b.service`]: [PLAIN, { symlink: 'a.service' }, { symlink: '/dev/null' }, null],
      [`root${etc}/a.service`]: [null, PLAIN, { symlink: `${dir}/a.service` }],
      [`root${etc}/a.service.d/x.conf`]: [null, '[Service]\nPrivateNetwork=yes\n', ''],
      [`root${dir}/t@.service`]: [null, HARDENED],
      [`root${dir}/t@.service.d/y.conf`]: [null, '[Service]\nUser=root\n'],
      [`root${etc}/service.d/z.conf`]: [null, '[Service]\nNoNewPrivileges=yes\n'],
      'plain/x.service': [PLAIN, HARDENED, null],
      'plain/x.service.d': [null, { symlink: '../elsewhere' }],
      'elsewhere/p.conf': [null, '[Service]\nProtectHome=yes\n'],
      'plain/y.service': [null, { symlink: 'x.service' }, { symlink: '../../outside.service' }],
    };
    const keys = Object.keys(choices);
    const treeArb = fc
      .tuple(...keys.map((k) => fc.integer({ min: 0, max: (choices[k] as unknown[]).length - 1 })))
      .map((picks) => {
        const files: Files = {};
        picks.forEach((p, i) => {
          const v = (choices[keys[i] as string] as (string | { symlink: string } | null)[])[p];
          if (v !== null && v !== undefined) files[keys[i] as string] = v;
        });
        return files;
      });
    const total = { scored: 0, reused: 0 };
    fc.assert(
      fc.property(
        fc.array(treeArb, { minLength: 2, maxLength: 6 }),
        fc.constantFrom<SystemdVersion>(252, 257),
        (trees, v) => {
          const stats = scoreBoth(trees, v);
          total.scored += stats.scored;
          total.reused += stats.reused;
        },
      ),
      { numRuns: 60, seed: 20240611 },
    );
    // The histories exercise both paths.
    expect(total.scored).toBeGreaterThan(50);
    expect(total.reused).toBeGreaterThan(50);
  });
});
