// Golden set: real units (Debian 12/13 packages, systemd's units and test fixtures, upstream repos,
// real drop-in combinations, drop-in/masking probes) with what the real `systemd-analyze security
// --offline=true` printed on 252.38, 257.13 and 262. Each record is replayed through runCli exactly as
// it was recorded (same argument vectors, --root= the fixture tree, same environment) and the exit
// codes, the JSON array and the table must match byte for byte. See __tests__/fixtures/README.md.
import { lstatSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../src/cli';
import { FIXTURES, readGzipJson, RECORDED_VERSIONS } from './load-fixtures';

interface Expected {
  exit_code: number;
  exit_code_plain: number;
  /** The parsed `--json=short` array; null when the unit failed to load (nothing on stdout). */
  checks: unknown[] | null;
  /** The whole table; null when the unit failed to load. */
  plain_stdout: string | null;
}

interface GoldenCase {
  /** The corpus record (path under corpus/units/). */
  path: string;
  /** Directory under fixtures/golden/ whose root/ is passed as --root=. */
  tree: string;
  source: string;
  package: string;
  command: string[];
  command_plain: string[];
  expected: Record<string, Expected>;
}

interface GoldenFile {
  environments: Record<string, Record<string, string>>;
  trees: Record<string, string>;
  cases: GoldenCase[];
}

const golden = readGzipJson<GoldenFile>('golden', 'expected.json.gz');

function run(command: string[], root: string, version: number, env: Record<string, string>) {
  // command is ['systemd-analyze', 'security', …] with $ROOT for the scratch root it was recorded in.
  const args = command.slice(1).map((a) => a.replaceAll('$ROOT', root));
  return runCli([args[0] as string, `--systemd-version=${version}`, ...args.slice(1)], {
    cwd: '/',
    env,
    stdoutIsTTY: false,
  });
}

describe('golden fixtures', () => {
  it('cover every source of the corpus, with ~80+ records', () => {
    const sources = new Set(golden.cases.map((c) => c.source));
    for (const s of [
      'debian',
      'debian-trixie',
      'systemd',
      'systemd-tests',
      'github',
      'dropin-combos',
      'probes',
    ])
      expect(sources).toContain(s);
    expect(golden.cases.length).toBeGreaterThanOrEqual(80);
  });

  it('were recorded with TERM set on 252 only (emoji smileys), LC_ALL=C.UTF-8 and no colours', () => {
    for (const v of RECORDED_VERSIONS) {
      const env = golden.environments[String(v)];
      expect(env).toMatchObject({ LC_ALL: 'C.UTF-8', SYSTEMD_COLORS: '0' });
      expect(env?.TERM !== undefined).toBe(v === 252);
    }
  });

  it('keep aliases and masks as real symlinks (a checkout without symlink support breaks them)', () => {
    const unitDir = (tree: string) => join(FIXTURES, 'golden', tree, 'root/usr/lib/systemd/system');
    const alias = join(unitDir('debian__mariadb-server'), 'mysql.service');
    const mask = join(unitDir('debian__389-ds-base'), 'dirsrv.service');
    expect(lstatSync(alias).isSymbolicLink()).toBe(true);
    expect(readlinkSync(alias)).toBe('mariadb.service');
    expect(lstatSync(mask).isSymbolicLink()).toBe(true);
    expect(readlinkSync(mask)).toBe('/dev/null');
  });
});

describe.each(RECORDED_VERSIONS)('golden units, systemd %s', (version) => {
  const env = golden.environments[String(version)] as Record<string, string>;

  it.each(golden.cases.map((c) => [c.path, c] as const))('%s', (_path, c) => {
    const root = join(FIXTURES, 'golden', c.tree, 'root');
    const want = c.expected[String(version)] as Expected;

    const json = run(c.command, root, version, env);
    const plain = run(c.command_plain, root, version, env);
    // systemd's short JSON is compact, so the recorded array re-serialised is its exact stdout.
    const wantJson = want.checks === null ? '' : JSON.stringify(want.checks) + '\n';
    expect({ exitCode: json.exitCode, stdout: json.stdout }).toEqual({
      exitCode: want.exit_code,
      stdout: wantJson,
    });
    expect({ exitCode: plain.exitCode, stdout: plain.stdout }).toEqual({
      exitCode: want.exit_code_plain,
      stdout: want.plain_stdout ?? '',
    });
  });
});
