import fc from 'fast-check';
import { discoverUnits, type UnitLocator } from '../../../src/core/gate/discover-units';
import { scoreUnit, type ScoredUnit } from '../../../src/core/gate/score-units';
import { systemdRelease, type SystemdVersion } from '../../../src/core/security/versions';
import { createScoreCache } from '../../../src/core/trend/score-cache';
import { memoryTree } from '../../../src/core/unit/unit-tree';

/** What a scored unit holds, without its closures (`sideOn`, which toEqual compares by identity). */
const facts = (s: ScoredUnit) => ({ locator: s.locator, files: s.files, side: s.side });

type Files = Record<string, string | { symlink: string }>;

const HARDENED = '[Service]\nExecStart=/bin/true\nDynamicUser=yes\nProtectSystem=strict\nPrivateTmp=yes\n';
const PLAIN = '[Service]\nExecStart=/bin/true\n';

function locators(files: Files, version: SystemdVersion = 252): UnitLocator[] {
  const t = systemdRelease(version).traits;
  return discoverUnits(Object.keys(files).sort(), ['.service'], t.searchPath, t.templateInstance);
}

/**
 * Scores every unit of each tree in turn through one cache and directly; both must agree exactly.
 * Returns the cache's counts and, per tree, the repository paths of the units scored again.
 */
function scoreBoth(trees: Files[], version: SystemdVersion = 252) {
  const cache = createScoreCache();
  const systemd = systemdRelease(version);
  const rescored: string[][] = [];
  for (const files of trees) {
    const tree = memoryTree(files);
    const scoredHere: string[] = [];
    for (const l of locators(files, version)) {
      const before = cache.stats.scored;
      expect(facts(cache.score(tree, l, systemd))).toEqual(facts(scoreUnit(memoryTree(files), l, systemd)));
      if (cache.stats.scored > before) scoredHere.push(l.repoPath);
    }
    rescored.push(scoredHere);
  }
  return { ...cache.stats, rescored };
}

describe('createScoreCache()', () => {
  const base: Files = {
    'units/a.service': HARDENED,
    'units/b.service': PLAIN,
    'units/c@.service': PLAIN,
    'units/web-front.service': HARDENED,
  };
  /** Stands for every unit of the tree after the change. */
  const ALL = ['*'];
  const expected = (rescored: string[], files: Files): string[] =>
    rescored === ALL ? locators(files).map((l) => l.repoPath) : rescored;

  it('reuses every unit of an identical tree (a new tree object)', () => {
    expect(scoreBoth([base, { ...base }])).toMatchObject({ scored: 4, reused: 4 });
  });

  // What each change scores again: the units whose result it can change, and no other.
  it.each<[string, Files, string[], string[]?]>([
    ['a neighbour edited', { 'units/b.service': PLAIN + 'User=foo\n' }, ['units/b.service']],
    ['the unit itself edited', { 'units/a.service': PLAIN }, ['units/a.service']],
    // A regular unit file is only the fragment of its own name: its neighbours never look at it.
    ['a unit file added', { 'units/d.service': PLAIN }, ['units/d.service']],
    ['a neighbour emptied (masked)', { 'units/b.service': '' }, ['units/b.service']],
    ["a template's instance added", { 'units/c@x.service': PLAIN }, ['units/c@x.service']],
    // The template is analysed as c@i.service (systemd 252): a file of that name is its fragment.
    [
      'the analysed instance of the template added',
      { 'units/c@i.service': HARDENED },
      ['units/c@.service', 'units/c@i.service'],
    ],
    ['an unrelated file elsewhere added', { 'docs/readme.md': 'x' }, []],
    // Links and drop-in directories can change any unit of the directory: all are scored again.
    ['an alias link added', { 'units/alias.service': { symlink: 'a.service' } }, ALL],
    ['a neighbour masked by a link', { 'units/b.service': { symlink: '/dev/null' } }, ALL],
    ['a neighbour turned into an alias of the unit', { 'units/b.service': { symlink: 'a.service' } }, ALL],
    ['a drop-in added for the unit', { 'units/a.service.d/weaken.conf': '[Service]\nDynamicUser=no\n' }, ALL],
    ['a per-type drop-in added', { 'units/service.d/x.conf': '[Service]\nPrivateNetwork=yes\n' }, ALL],
    ['a template drop-in added', { 'units/c@.service.d/x.conf': '[Service]\nUser=u\n' }, ALL],
    ['a prefix drop-in added', { 'units/web-.service.d/x.conf': '[Service]\nUser=u\n' }, ALL],
  ])('%s: scores again only the units it can change', (_name, change, rescored) => {
    // Every result, reused or not, equals a direct scoring (scoreBoth checks).
    const after = { ...base, ...change };
    expect(scoreBoth([base, after]).rescored[1]).toEqual(expected(rescored, after));
  });

  it.each<[string, string[], string[]]>([
    ['a unit removed', ['units/b.service'], []],
    ['an alias link removed', ['units/alias.service'], ALL],
    ['a drop-in directory removed', ['units/a.service.d/x.conf'], ALL],
  ])('%s: scores again only the units it can change', (_name, removed, rescored) => {
    const before: Files = {
      ...base,
      'units/alias.service': { symlink: 'a.service' },
      'units/a.service.d/x.conf': '[Service]\nDynamicUser=no\n',
    };
    const after = Object.fromEntries(Object.entries(before).filter(([p]) => !removed.includes(p)));
    expect(scoreBoth([before, after]).rescored[1]).toEqual(expected(rescored, after));
  });

  it('scores a renamed unit again and keeps its neighbours', () => {
    const { 'units/b.service': b, ...rest } = base;
    expect(scoreBoth([base, { ...rest, 'units/b2.service': b as string }]).rescored[1]).toEqual([
      'units/b2.service',
    ]);
  });

  it('scores only the unit again when one of its drop-ins is edited', () => {
    const withDropIn = { ...base, 'units/a.service.d/x.conf': '[Service]\nDynamicUser=no\n' };
    const edited = { ...withDropIn, 'units/a.service.d/x.conf': '[Service]\nPrivateNetwork=yes\n' };
    expect(scoreBoth([withDropIn, edited]).rescored[1]).toEqual(['units/a.service']);
  });

  it('scores a unit again when a file in a higher search directory overrides it', () => {
    // (Creating a search directory that was missing scores every unit again: each had looked there.)
    const lib: Files = {
      'root/etc/systemd/system/README': 'local units',
      'root/usr/lib/systemd/system/a.service': HARDENED,
      'root/usr/lib/systemd/system/b.service': PLAIN,
    };
    const overridden = { ...lib, 'root/etc/systemd/system/a.service': PLAIN };
    // One locator per name and root: the override is scored under a.service's first path.
    expect(scoreBoth([lib, overridden]).rescored[1]).toEqual(['root/etc/systemd/system/a.service']);
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
        expect(facts(cache.score(tree, l, systemd))).toEqual(
          facts(scoreUnit({ ...memoryTree(files), hostDirectory }, l, systemd)),
        );
      }
    }
    expect(cache.stats).toEqual({ scored: 6, reused: 3 });
  });

  it('returns to an earlier variant without scoring again', () => {
    const edited = { ...base, 'units/a.service': PLAIN };
    expect(scoreBoth([base, edited, base, edited])).toMatchObject({ scored: 5, reused: 11 });
  });
});

/**
 * Random histories: each tree takes one alternative of every slot (an empty alternative: nothing
 * there). The slots hold what can change a unit's result: its file edited, emptied, masked, renamed,
 * overridden from a higher search directory; aliases (relative, absolute, of a template, chained,
 * shadowed); drop-ins per unit, per template, per dash prefix, per type, linked from elsewhere;
 * instances of a template; and unrelated unit files coming and going.
 */
describe('createScoreCache() over random histories', () => {
  type Slot = Files[];
  const LIB = 'root/usr/lib/systemd/system';
  const ETC = 'root/etc/systemd/system';
  const DROP_IN = '[Service]\nPrivateNetwork=yes\n';
  const WEAKEN = '[Service]\nDynamicUser=no\nUser=root\n';
  const none: Files = {};

  const rootSlots: Slot[] = [
    [{ [`${LIB}/a.service`]: HARDENED }, { [`${LIB}/a.service`]: PLAIN }, { [`${LIB}/a.service`]: '' }, none],
    [
      { [`${LIB}/b.service`]: PLAIN },
      { [`${LIB}/b.service`]: { symlink: 'a.service' } },
      { [`${LIB}/b.service`]: { symlink: '/dev/null' } },
      none,
    ],
    // Overrides and shadowing across search directories.
    [
      none,
      { [`${ETC}/a.service`]: PLAIN },
      { [`${ETC}/a.service`]: { symlink: `/usr/lib/systemd/system/a.service` } },
      { [`${ETC}/b.service`]: HARDENED },
      { [`${ETC}/a.service`]: { symlink: '/dev/null' } },
    ],
    // Aliases: added, absolute, chained, to a template, one that a regular file shadows.
    [
      none,
      { [`${ETC}/al.service`]: { symlink: 'a.service' } },
      { [`${LIB}/al.service`]: { symlink: '/usr/lib/systemd/system/web-front.service' } },
      { [`${ETC}/al.service`]: { symlink: 'b.service' } },
      { [`${LIB}/al.service`]: { symlink: 'a.service' }, [`${ETC}/al.service`]: PLAIN },
    ],
    [
      none,
      { [`${ETC}/al2@.service`]: { symlink: 't@.service' } },
      { [`${LIB}/t@i.service`]: { symlink: 't@.service' } },
    ],
    // A rename: the same content under one of two names.
    [{ [`${LIB}/r1.service`]: HARDENED }, { [`${LIB}/r2.service`]: HARDENED }, none],
    // Templates and instances (systemd 252 analyses a template as @i, 257 as @test_instance).
    [none, { [`${LIB}/t@.service`]: HARDENED }, { [`${LIB}/t@.service`]: PLAIN }],
    [
      none,
      { [`${LIB}/t@i.service`]: PLAIN },
      { [`${LIB}/t@test_instance.service`]: WEAKEN },
      { [`${LIB}/t@x.service`]: PLAIN },
    ],
    [{ [`${LIB}/web-front.service`]: HARDENED }, { [`${LIB}/web-front.service`]: PLAIN }, none],
    // Drop-ins: per unit, template, dash prefix, type; in another search directory; emptied; masked.
    [
      none,
      { [`${ETC}/a.service.d/x.conf`]: WEAKEN },
      { [`${LIB}/a.service.d/x.conf`]: '' },
      { [`${ETC}/a.service.d/x.conf`]: { symlink: '/dev/null' } },
    ],
    [none, { [`${LIB}/t@.service.d/y.conf`]: WEAKEN }, { [`${LIB}/t@i.service.d/y.conf`]: DROP_IN }],
    [none, { [`${LIB}/web-.service.d/z.conf`]: WEAKEN }, { [`${ETC}/web-front.service.d/z.conf`]: DROP_IN }],
    [none, { [`${ETC}/service.d/z.conf`]: DROP_IN }, { [`${LIB}/service.d/z.conf`]: WEAKEN }],
    [none, { [`${LIB}/al.service.d/x.conf`]: WEAKEN }, { [`${LIB}/b.service.d/x.conf`]: WEAKEN }],
    [none, { [`${ETC}/a.service.d`]: { symlink: '/usr/lib/systemd/system' }, [`${LIB}/p.conf`]: WEAKEN }],
    // Unrelated units coming and going.
    [
      none,
      { [`${LIB}/n1.service`]: PLAIN },
      { [`${LIB}/n1.service`]: PLAIN, [`${ETC}/n2.service`]: HARDENED },
    ],
  ];
  const plainSlots: Slot[] = [
    [{ 'plain/x.service': PLAIN }, { 'plain/x.service': HARDENED }, none],
    [
      none,
      {
        'plain/x.service.d': { symlink: '../elsewhere' },
        'elsewhere/p.conf': '[Service]\nProtectHome=yes\n',
      },
    ],
    [
      none,
      { 'plain/y.service': { symlink: 'x.service' } },
      { 'plain/y.service': { symlink: '../../outside.service' } },
      { 'plain/y.service': PLAIN },
    ],
    [none, { 'plain/z.service': HARDENED }, { 'plain/z.service.d/q.conf': WEAKEN }],
  ];
  const slots = [...rootSlots, ...plainSlots];

  const treeArb = fc
    .tuple(...slots.map((alternatives) => fc.integer({ min: 0, max: alternatives.length - 1 })))
    .map((picks) => Object.assign({}, ...picks.map((p, i) => (slots[i] as Slot)[p])) as Files);

  it('agrees with scoreUnit, reusing and scoring again', () => {
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
      { numRuns: 40, seed: 20240611 },
    );
    // The histories exercise both paths.
    expect(total.scored).toBeGreaterThan(50);
    expect(total.reused).toBeGreaterThan(20);
  });

  it('agrees with scoreUnit over histories of one change at a time', () => {
    // Neighbouring trees differ in one slot, the way releases usually do: most units are reused, so
    // a change the cache misses would show here.
    const historyArb = fc
      .tuple(
        fc.tuple(...slots.map((a) => fc.integer({ min: 0, max: a.length - 1 }))),
        fc.array(fc.tuple(fc.nat(slots.length - 1), fc.nat()), { minLength: 1, maxLength: 8 }),
      )
      .map(([start, steps]) => {
        const picks = [...start];
        const trees = [picks.slice()];
        for (const [slot, choice] of steps) {
          picks[slot] = choice % (slots[slot] as Slot).length;
          trees.push(picks.slice());
        }
        return trees.map((p) => Object.assign({}, ...p.map((c, i) => (slots[i] as Slot)[c])) as Files);
      });
    const total = { scored: 0, reused: 0 };
    fc.assert(
      fc.property(historyArb, fc.constantFrom<SystemdVersion>(252, 257), (trees, v) => {
        const stats = scoreBoth(trees, v);
        total.scored += stats.scored;
        total.reused += stats.reused;
      }),
      { numRuns: 40, seed: 7 },
    );
    expect(total.reused).toBeGreaterThan(total.scored);
  });
});
