// loadUnit() over a memoryTree: which fragment systemd picks for a name (search-path precedence,
// masks, aliases, templates) and which drop-ins it applies, in which order (spec §4.1).
import {
  compareBytes,
  loadUnit,
  MAX_UNIT_FILE_BYTES,
  UnitLoader,
  type LoadOutcome,
} from '../../../src/core/unit/load-unit';
import { memoryTree, type EntryType, type UnitTree } from '../../../src/core/unit/unit-tree';

const ETC = '/etc/systemd/system';
const RUN = '/run/systemd/system';
const LIB = '/usr/lib/systemd/system';
const SEARCH_PATH = [ETC, RUN, LIB];
const SERVICE = '[Service]\nExecStart=/bin/true\n';
const CONF = '[Service]\nUser=a\n';

type Files = Record<string, string | { symlink: string }>;

/**
 * loadUnit() over a memory tree, whose listings carry each entry's type (as getdents(2)'s d_type), and
 * over the same tree without them (where the loader asks lstat() instead): both must load alike.
 */
const load = (files: Files, name: string): LoadOutcome => {
  const typed = memoryTree(files);
  const untyped: UnitTree = {
    lstat: (p) => typed.lstat(p),
    readDirectory: (p) => typed.readDirectory(p),
    readFile: (p) => typed.readFile(p),
  };
  const outcome = loadUnit(typed, name, { searchPath: SEARCH_PATH });
  expect(loadUnit(untyped, name, { searchPath: SEARCH_PATH })).toEqual(outcome);
  return outcome;
};

function loaded(files: Files, name: string) {
  const r = load(files, name);
  if (!r.ok) throw new Error(`expected ${name} to load: ${r.failure.message}`);
  return r.unit;
}

/** The drop-in paths applied, in order (files[0] is the main file). */
const dropIns = (files: Files, name: string): string[] =>
  loaded(files, name)
    .files.slice(1)
    .map((f) => f.file);

describe('fragment', () => {
  it.each([
    [
      '/etc wins over /usr/lib',
      { [`${LIB}/x.service`]: SERVICE, [`${ETC}/x.service`]: SERVICE },
      `${ETC}/x.service`,
    ],
    [
      '/run wins over /usr/lib',
      { [`${LIB}/x.service`]: SERVICE, [`${RUN}/x.service`]: SERVICE },
      `${RUN}/x.service`,
    ],
    [
      '/etc wins over /run',
      { [`${RUN}/x.service`]: SERVICE, [`${ETC}/x.service`]: SERVICE },
      `${ETC}/x.service`,
    ],
    ['the only one', { [`${LIB}/x.service`]: SERVICE }, `${LIB}/x.service`],
    [
      'a link to a file outside the search path is a linked unit file',
      { [`${ETC}/x.service`]: { symlink: '/opt/app/x.service' }, '/opt/app/x.service': SERVICE },
      `${ETC}/x.service`,
    ],
  ])('%s', (_name, files, fragmentPath) => {
    const unit = loaded(files, 'x.service');
    expect(unit).toMatchObject({ id: 'x.service', type: 'service', instance: undefined, fragmentPath });
    expect(unit.files[0]?.file).toBe(fragmentPath);
    expect(unit.files[0]?.assignments.map((a) => a.key)).toEqual(['ExecStart']);
  });

  it('parses the main file with the sections of its unit type', () => {
    const unit = loaded({ [`${ETC}/x.socket`]: '[Socket]\nListenStream=1\n[Service]\nUser=a\n' }, 'x.socket');
    expect(unit.type).toBe('socket');
    expect(unit.files[0]?.assignments.map((a) => a.key)).toEqual(['ListenStream']);
  });
});

describe('load failures', () => {
  it.each([
    ['a link to /dev/null', { [`${ETC}/x.service`]: { symlink: '/dev/null' } }, 'masked'],
    [
      'a /dev/null link in /etc masks /usr/lib',
      { [`${ETC}/x.service`]: { symlink: '/dev/null' }, [`${LIB}/x.service`]: SERVICE },
      'masked',
    ],
    ['an empty file', { [`${ETC}/x.service`]: '' }, 'masked'],
    [
      'an empty file in /etc masks /usr/lib',
      { [`${ETC}/x.service`]: '', [`${LIB}/x.service`]: SERVICE },
      'masked',
    ],
    [
      'an alias to a masked unit',
      {
        [`${ETC}/a.service`]: { symlink: `${LIB}/x.service` },
        [`${LIB}/x.service`]: { symlink: '/dev/null' },
      },
      'masked',
    ],
    ['no file at all', { [`${ETC}/y.service`]: SERVICE }, 'not-found'],
    ['a file outside the search path', { '/opt/x.service': SERVICE }, 'not-found'],
    ['a dangling link', { [`${ETC}/x.service`]: { symlink: '/opt/gone.service' } }, 'not-found'],
    ['a directory named like the unit', { [`${ETC}/x.service/file`]: 'x' }, 'not-found'],
    [
      'a symlink loop',
      {
        [`${ETC}/x.service`]: { symlink: '/opt/a' },
        '/opt/a': { symlink: '/opt/b' },
        '/opt/b': { symlink: '/opt/a' },
      },
      'not-found',
    ],
  ])('%s → %s', (_name, files, kind) => {
    const r = load(files as Files, 'x.service');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.failure).toMatchObject({ kind, unitName: 'x.service' });
  });

  it.each([
    ['masked', { [`${ETC}/x.service`]: { symlink: '/dev/null' } }, 'Unit x.service is masked.'],
    ['not found', {}, 'Unit x.service not found.'],
  ])('says %s like systemd', (_name, files, message) => {
    const r = load(files as Files, 'x.service');
    expect(!r.ok && r.failure.message).toBe(message);
  });

  it.each(['x', 'x.conf', '@x.service', 'x y.service'])('refuses the invalid unit name %j', (name) => {
    const r = load({ [`${ETC}/${name}`]: SERVICE }, name);
    expect(!r.ok && r.failure.kind).toBe('error');
  });
});

describe('files too large to read are load failures, never left out', () => {
  const big = `[Service]\n${'# filler\n'.repeat(MAX_UNIT_FILE_BYTES / 9)}ProtectSystem=no\n`;
  it.each([
    [
      'a drop-in',
      { [`${ETC}/x.service`]: SERVICE, [`${ETC}/x.service.d/big.conf`]: big },
      `${ETC}/x.service.d/big.conf`,
    ],
    [
      'a drop-in reached through a link',
      {
        [`${ETC}/x.service`]: SERVICE,
        [`${ETC}/x.service.d/big.conf`]: { symlink: '/opt/notes' },
        '/opt/notes': big,
      },
      `${ETC}/x.service.d/big.conf`,
    ],
    ['the unit file', { [`${ETC}/x.service`]: SERVICE + big.slice(10) }, `${ETC}/x.service`],
  ])('%s', (_name, files, path) => {
    const r = load(files as Files, 'x.service');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.failure.kind).toBe('error');
      expect(r.failure.message).toContain(path);
      expect(r.failure.message).toMatch(/file is \d+ bytes, larger than the 4194304 bytes unitgate reads/);
    }
  });

  it('a drop-in at the limit is read', () => {
    const conf = '[Service]\nUser=a\n';
    const atLimit = conf + '#'.repeat(MAX_UNIT_FILE_BYTES - conf.length - 1) + '\n';
    expect(
      dropIns({ [`${ETC}/x.service`]: SERVICE, [`${ETC}/x.service.d/a.conf`]: atLimit }, 'x.service'),
    ).toEqual([`${ETC}/x.service.d/a.conf`]);
  });
});

describe('aliases', () => {
  const files: Files = {
    [`${LIB}/real.service`]: SERVICE,
    [`${ETC}/alias.service`]: { symlink: `${LIB}/real.service` },
    [`${ETC}/alias.service.d/10-alias.conf`]: CONF,
    [`${LIB}/real.service.d/20-real.conf`]: CONF,
  };

  it('loads an alias as its target, reported under the target name', () => {
    const unit = loaded(files, 'alias.service');
    expect(unit).toMatchObject({ id: 'real.service', fragmentPath: `${LIB}/real.service` });
    expect(unit.names).toEqual(['real.service', 'alias.service']);
  });

  it.each(['alias.service', 'real.service'])(
    'applies the drop-ins of every name when loaded as %s',
    (name) => {
      expect(dropIns(files, name)).toEqual([
        `${ETC}/alias.service.d/10-alias.conf`,
        `${LIB}/real.service.d/20-real.conf`,
      ]);
    },
  );

  // unit_load_fragment() parses the main file before merge_by_names(): its specifiers see the name
  // asked for (checked with systemd-analyze 252, 257 and 262).
  it.each([
    ['alias.service', 'real.service', 'alias.service'],
    ['real.service', 'real.service', 'real.service'],
  ])('asked as %s: reported as %s, the main file parsed as %s', (name, id, requestedName) => {
    expect(loaded(files, name)).toMatchObject({ id, requestedName });
  });

  it('an alias of a template keeps the instance in the name asked for', () => {
    const unit = loaded(
      { [`${LIB}/t@.service`]: SERVICE, [`${LIB}/u@.service`]: { symlink: 't@.service' } },
      'u@x.service',
    );
    expect(unit).toMatchObject({ id: 't@x.service', requestedName: 'u@x.service', instance: 'x' });
  });

  it('follows a relative alias link by name through the search path', () => {
    const unit = loaded(
      { [`${LIB}/real.service`]: SERVICE, [`${ETC}/alias.service`]: { symlink: 'real.service' } },
      'alias.service',
    );
    expect(unit).toMatchObject({ id: 'real.service', fragmentPath: `${LIB}/real.service` });
  });

  it('ignores an alias to a unit of another type', () => {
    const r = load(
      { [`${LIB}/real.socket`]: SERVICE, [`${ETC}/alias.service`]: { symlink: `${LIB}/real.socket` } },
      'alias.service',
    );
    expect(!r.ok && r.failure.kind).toBe('not-found');
  });

  it('ignores a self-alias and uses the next directory', () => {
    const unit = loaded(
      { [`${ETC}/x.service`]: { symlink: `${LIB}/x.service` }, [`${LIB}/x.service`]: SERVICE },
      'x.service',
    );
    expect(unit.fragmentPath).toBe(`${LIB}/x.service`);
  });
});

describe('aliases, from listings that carry types', () => {
  /**
   * `files` as a tree that lists each entry with its type (as the node tree does), noting each name
   * looked at: by lstat() or looked up in a listing.
   */
  function typedTree(files: Files): { tree: UnitTree; asked: string[] } {
    const inner = memoryTree(files);
    const asked: string[] = [];
    class NotedListing extends Map<string, EntryType> {
      override has(name: string): boolean {
        asked.push(name);
        return super.has(name);
      }
      override get(name: string): EntryType | undefined {
        asked.push(name);
        return super.get(name);
      }
    }
    const tree: UnitTree = {
      ...inner,
      lstat: (p) => (asked.push(p.slice(p.lastIndexOf('/') + 1)), inner.lstat(p)),
      listDirectory: (p) => {
        const names = inner.readDirectory(p);
        if (!names) return undefined;
        return new NotedListing(names.map((n) => [n, inner.lstat(`${p}/${n}`)?.type as EntryType]));
      },
    };
    return { tree, asked };
  }

  it.each<[string, Files, string[]]>([
    [
      'an alias',
      { [`${ETC}/alias.service`]: { symlink: 'real.service' } },
      ['real.service', 'alias.service'],
    ],
    [
      'an alias shadowed by a unit file in a higher directory',
      { [`${ETC}/alias.service`]: SERVICE, [`${LIB}/alias.service`]: { symlink: 'real.service' } },
      ['real.service'],
    ],
    [
      'an alias in a higher directory than a unit file of the same name',
      { [`${ETC}/alias.service`]: { symlink: 'real.service' }, [`${LIB}/alias.service`]: SERVICE },
      ['real.service', 'alias.service'],
    ],
  ])('finds the names of %s as an untyped listing does', (_what, extra, names) => {
    const files = { [`${LIB}/real.service`]: SERVICE, [`${LIB}/other.service`]: SERVICE, ...extra };
    const { tree, asked } = typedTree(files);
    const typed = loadUnit(tree, 'real.service', { searchPath: SEARCH_PATH });
    expect(typed.ok && typed.unit.names).toEqual(names);
    expect(load(files, 'real.service')).toEqual(typed);
    // The alias scan looks at links only: a neighbouring unit file is not looked at.
    expect(asked).not.toContain('other.service');
  });
});

describe('templates and instances', () => {
  const files: Files = {
    [`${LIB}/foo@.service`]: SERVICE,
    [`${LIB}/foo@.service.d/10-template.conf`]: CONF,
    [`${ETC}/foo@bar.service.d/20-instance.conf`]: CONF,
    [`${ETC}/foo@other.service.d/30-other.conf`]: CONF,
  };

  it('loads an instance from its template file', () => {
    const unit = loaded(files, 'foo@bar.service');
    expect(unit).toMatchObject({
      id: 'foo@bar.service',
      instance: 'bar',
      fragmentPath: `${LIB}/foo@.service`,
    });
  });

  it('applies the drop-ins of the template and of the instance only', () => {
    expect(dropIns(files, 'foo@bar.service')).toEqual([
      `${LIB}/foo@.service.d/10-template.conf`,
      `${ETC}/foo@bar.service.d/20-instance.conf`,
    ]);
  });

  it('prefers an instance file over the template', () => {
    const unit = loaded({ ...files, [`${LIB}/foo@bar.service`]: SERVICE }, 'foo@bar.service');
    expect(unit).toMatchObject({
      id: 'foo@bar.service',
      instance: 'bar',
      fragmentPath: `${LIB}/foo@bar.service`,
    });
  });

  it('does not find an instance without a template', () => {
    const r = load({ [`${LIB}/foo.service`]: SERVICE }, 'foo@bar.service');
    expect(!r.ok && r.failure.kind).toBe('not-found');
  });
});

describe('drop-in directories', () => {
  it('reads the dash-prefix directories of a-b-c.service', () => {
    const files: Files = {
      [`${LIB}/a-b-c.service`]: SERVICE,
      [`${ETC}/a-.service.d/10-a.conf`]: CONF,
      [`${RUN}/a-b-.service.d/20-ab.conf`]: CONF,
      [`${LIB}/a-b-c.service.d/30-abc.conf`]: CONF,
      [`${ETC}/a-b.service.d/40-not-a-prefix.conf`]: CONF,
      [`${ETC}/b-.service.d/50-not-a-prefix.conf`]: CONF,
    };
    expect(dropIns(files, 'a-b-c.service')).toEqual([
      `${ETC}/a-.service.d/10-a.conf`,
      `${RUN}/a-b-.service.d/20-ab.conf`,
      `${LIB}/a-b-c.service.d/30-abc.conf`,
    ]);
  });

  it('reads the dash-prefix directories of an instance, with and without its instance', () => {
    const files: Files = {
      [`${LIB}/web-app@.service`]: SERVICE,
      [`${ETC}/web-.service.d/10.conf`]: CONF,
      [`${ETC}/web-@blue.service.d/20.conf`]: CONF,
      [`${ETC}/web-@.service.d/30.conf`]: CONF,
      [`${ETC}/web-@green.service.d/40-other-instance.conf`]: CONF,
    };
    expect(dropIns(files, 'web-app@blue.service')).toEqual([
      `${ETC}/web-.service.d/10.conf`,
      `${ETC}/web-@blue.service.d/20.conf`,
      `${ETC}/web-@.service.d/30.conf`,
    ]);
  });

  it('reads the per-type directory, only for units of that type', () => {
    const files: Files = {
      [`${LIB}/x.service`]: SERVICE,
      [`${LIB}/x.socket`]: '[Socket]\nListenStream=1\n',
      [`${ETC}/service.d/10-all-services.conf`]: CONF,
      [`${ETC}/socket.d/20-all-sockets.conf`]: '[Socket]\nListenStream=2\n',
    };
    expect(dropIns(files, 'x.service')).toEqual([`${ETC}/service.d/10-all-services.conf`]);
    expect(dropIns(files, 'x.socket')).toEqual([`${ETC}/socket.d/20-all-sockets.conf`]);
  });

  it('sorts drop-ins by file name across all directories', () => {
    const files: Files = {
      [`${LIB}/x.service`]: SERVICE,
      [`${LIB}/x.service.d/10-a.conf`]: CONF,
      [`${ETC}/service.d/50-z.conf`]: CONF,
      [`${RUN}/x.service.d/a.conf`]: CONF,
      [`${ETC}/x.service.d/99-last.conf`]: CONF,
      [`${ETC}/x.service.d/00-first.conf`]: CONF,
      [`${LIB}/x.service.d/Z.conf`]: CONF,
    };
    expect(dropIns(files, 'x.service')).toEqual([
      `${ETC}/x.service.d/00-first.conf`,
      `${LIB}/x.service.d/10-a.conf`,
      `${ETC}/service.d/50-z.conf`,
      `${ETC}/x.service.d/99-last.conf`,
      `${LIB}/x.service.d/Z.conf`,
      `${RUN}/x.service.d/a.conf`,
    ]);
  });

  it.each([
    ['/etc masks /usr/lib', 'x.service', [`${ETC}/x.service.d/a.conf`, `${LIB}/x.service.d/a.conf`], 0],
    ['/run masks /usr/lib', 'x.service', [`${LIB}/x.service.d/a.conf`, `${RUN}/x.service.d/a.conf`], 1],
    // The unit's names come before the per-type directory, whatever the search directory.
    [
      'a unit directory masks the per-type directory',
      'x.service',
      [`${ETC}/service.d/a.conf`, `${LIB}/x.service.d/a.conf`],
      1,
    ],
    // Search directories are the outer loop: /etc's shorter prefix beats /run's own name.
    [
      '/etc/x-.service.d masks /run/x-y.service.d',
      'x-y.service',
      [`${RUN}/x-y.service.d/a.conf`, `${ETC}/x-.service.d/a.conf`],
      1,
    ],
    [
      'the template masks a prefix in the same directory',
      'p-q@i.service',
      [`${ETC}/p-.service.d/a.conf`, `${ETC}/p-q@.service.d/a.conf`],
      1,
    ],
  ] as const)('a same-named drop-in: %s', (_name, unitName, paths, winner) => {
    const files: Files = { [`${LIB}/${unitName.replace(/@.*\./, '@.')}`]: SERVICE };
    for (const p of paths) files[p] = CONF;
    expect(dropIns(files, unitName)).toEqual([paths[winner]]);
  });

  it('a drop-in linked to /dev/null masks the same name in lower directories', () => {
    const files: Files = {
      [`${LIB}/x.service`]: SERVICE,
      [`${ETC}/x.service.d/a.conf`]: { symlink: '/dev/null' },
      [`${LIB}/x.service.d/a.conf`]: CONF,
      [`${LIB}/x.service.d/b.conf`]: CONF,
    };
    expect(dropIns(files, 'x.service')).toEqual([`${LIB}/x.service.d/b.conf`]);
  });

  it('follows a drop-in symlink to its file', () => {
    const files: Files = {
      [`${LIB}/x.service`]: SERVICE,
      [`${ETC}/x.service.d/a.conf`]: { symlink: '/opt/shared.conf' },
      '/opt/shared.conf': CONF,
    };
    const unit = loaded(files, 'x.service');
    expect(unit.files[1]?.assignments.map((a) => `${a.key}=${a.value}`)).toEqual(['User=a']);
    expect(unit.files[1]?.file).toBe(`${ETC}/x.service.d/a.conf`);
  });

  it.each([
    ['a.txt', 'not .conf'],
    ['a.conf.bak', 'not .conf'],
    ['a.conf~', 'not .conf'],
    ['a.CONF', 'suffix is case-sensitive'],
    ['.hidden.conf', 'hidden'],
    ['conf', 'no dot'],
  ])('ignores %j (%s)', (name) => {
    const files: Files = {
      [`${LIB}/x.service`]: SERVICE,
      [`${ETC}/x.service.d/${name}`]: CONF,
      [`${ETC}/x.service.d/ok.conf`]: CONF,
    };
    expect(dropIns(files, 'x.service')).toEqual([`${ETC}/x.service.d/ok.conf`]);
  });

  it('ignores a directory named like a drop-in', () => {
    const files: Files = { [`${LIB}/x.service`]: SERVICE, [`${ETC}/x.service.d/dir.conf/inner.conf`]: CONF };
    expect(dropIns(files, 'x.service')).toEqual([]);
  });

  it('follows a symlinked drop-in directory', () => {
    const files: Files = {
      [`${LIB}/x.service`]: SERVICE,
      [`${ETC}/x.service.d`]: { symlink: '/opt/dropins' },
      '/opt/dropins/a.conf': CONF,
    };
    expect(dropIns(files, 'x.service')).toEqual(['/opt/dropins/a.conf']);
  });

  it('parses each drop-in with its own provenance', () => {
    const files: Files = {
      [`${LIB}/x.service`]: SERVICE,
      [`${ETC}/x.service.d/a.conf`]: '\n[Service]\nUser=a\n',
    };
    const [main, dropIn] = loaded(files, 'x.service').files;
    expect(main?.assignments[0]).toMatchObject({ file: `${LIB}/x.service`, line: 2 });
    expect(dropIn?.assignments[0]).toMatchObject({
      file: `${ETC}/x.service.d/a.conf`,
      line: 3,
      sectionLine: 2,
    });
  });
});

describe('search directories', () => {
  it.each([
    ['missing', {}],
    ['a file', { '/etc/systemd': 'not a directory' }],
    ['below a file', { '/etc': 'not a directory' }],
  ] as const)('a search directory that is %s is passed over', (_what, files) => {
    expect(loaded({ ...files, [`${LIB}/x.service`]: SERVICE }, 'x.service').fragmentPath).toBe(
      `${LIB}/x.service`,
    );
  });

  it.each([`${ETC}/`, '/etc//systemd/system', '/etc/systemd/./system'])(
    'a search directory written as %s is looked into as it is written',
    (dir) => {
      const r = loadUnit(memoryTree({ [`${ETC}/x.service`]: SERVICE }), 'x.service', {
        searchPath: [dir, LIB],
      });
      expect(r.ok && r.unit.fragmentPath).toBe(`${ETC}/x.service`);
    },
  );

  it('asks for each name in a search directory behind a symlink (the host follows it)', () => {
    // A tree whose lstat() follows the link on the way, as lstat(2) does for a real directory.
    const inner = memoryTree({ [`/opt/units/x.service`]: SERVICE, [ETC]: { symlink: '/opt/units' } });
    const asked: string[] = [];
    const tree: UnitTree = {
      lstat: (p) => {
        asked.push(p);
        return inner.lstat(p.startsWith(`${ETC}/`) ? p.replace(ETC, '/opt/units') : p);
      },
      readDirectory: (p) => inner.readDirectory(p),
      readFile: (p) => inner.readFile(p.startsWith(`${ETC}/`) ? p.replace(ETC, '/opt/units') : p),
    };
    const r = loadUnit(tree, 'x.service', { searchPath: [ETC, LIB] });
    expect(r.ok && r.unit.fragmentPath).toBe(`${ETC}/x.service`);
    expect(asked).toContain(`${ETC}/x.service`);
  });

  it('does not look up names its listing of a plain directory does not have', () => {
    const inner = memoryTree({ [`${LIB}/x.service`]: SERVICE, [`${ETC}/other.service`]: SERVICE });
    const asked: string[] = [];
    const tree: UnitTree = { ...inner, lstat: (p) => (asked.push(p), inner.lstat(p)) };
    expect(loadUnit(tree, 'x.service', { searchPath: SEARCH_PATH }).ok).toBe(true);
    expect(asked).not.toContain(`${ETC}/x.service`);
    expect(asked).not.toContain(`${RUN}/x.service`);
  });
});

describe('UnitLoader.dropInPaths', () => {
  it('finds nothing when there are no directories', () => {
    const loader = new UnitLoader(memoryTree({}), SEARCH_PATH);
    expect(loader.dropInPaths({ id: 'x.service', names: ['x.service'], type: 'service' })).toEqual([]);
  });

  it('lists the drop-ins of every name, in the order systemd applies them', () => {
    const loader = new UnitLoader(
      memoryTree({
        [`${LIB}/a.service`]: '[Service]\nExecStart=/bin/true\n',
        [`${LIB}/a.service.d/20-b.conf`]: '[Service]\n',
        [`${ETC}/alias.service.d/10-a.conf`]: '[Service]\n',
        [`${LIB}/service.d/05-all.conf`]: '[Service]\n',
      }),
      SEARCH_PATH,
    );
    expect(
      loader.dropInPaths({ id: 'a.service', names: ['a.service', 'alias.service'], type: 'service' }),
    ).toEqual([
      `${LIB}/service.d/05-all.conf`,
      `${ETC}/alias.service.d/10-a.conf`,
      `${LIB}/a.service.d/20-b.conf`,
    ]);
  });
});

describe('compareBytes', () => {
  it.each([
    ['a', 'b', -1],
    ['b', 'a', 1],
    ['a', 'a', 0],
    ['Z', 'a', -1],
    ['10', '9', -1],
    ['a', 'a.conf', -1],
  ])('%j vs %j → %d', (a, b, sign) => {
    expect(Math.sign(compareBytes(a, b))).toBe(sign);
  });
});
