// `unitgate trend` end to end: a real git repository with five tagged releases (units hardened,
// weakened, added, removed, failing; the policy moving to systemd 257 at the last release), checked
// number for number against `unitgate security` run on the files as they are at each tag.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli, runCliAsync } from '../../src/cli';
import { builtInPolicy } from '../../src/core/policy/load-policy';
import { collectTrend, listReleaseTags } from '../../src/io/trend-history';
import { runGit } from './make-git-repo';

const API = '[Service]\nExecStart=/usr/bin/api\n';
const API_HARDENED = API + 'DynamicUser=yes\nProtectSystem=strict\nPrivateTmp=yes\nNoNewPrivileges=yes\n';
const API_HARDER = API_HARDENED + 'ProtectHome=yes\nPrivateDevices=yes\nCapabilityBoundingSet=\n';
const API_WEAKENED = API + 'DynamicUser=yes\nProtectSystem=full\n';
const API_HEAD = API_HARDER + 'RestrictNamespaces=yes\nSystemCallFilter=@system-service\n';
const WORKER = '[Unit]\nDescription=worker\n\n[Service]\nExecStart=/usr/bin/worker\nUser=worker\n';
const WORKER_DROP_IN = '[Service]\nProtectSystem=strict\nPrivateNetwork=yes\n';
const TEMPLATE = '[Service]\nExecStart=/usr/bin/tpl %i\nPrivateTmp=yes\n';

type Files = Record<string, string | null>;

/** The repository as each release leaves it (null deletes), applied in order. */
const RELEASES: { tag: string; annotated: boolean; files: Files }[] = [
  {
    tag: 'v1.0.0',
    annotated: true,
    files: {
      'units/api.service': API,
      'units/worker.service': WORKER,
      'units/legacy.service': '[Service]\nExecStart=/usr/bin/legacy\n',
      'units/tpl@.service': TEMPLATE,
      'README.md': 'units\n',
    },
  },
  {
    tag: 'v1.1.0',
    annotated: false,
    // broken.service has no ExecStart=: systemd refuses it.
    files: { 'units/api.service': API_HARDENED, 'units/broken.service': '[Service]\nUser=x\n' },
  },
  {
    tag: 'v1.2.0',
    annotated: true,
    files: {
      'units/api.service': API_HARDER,
      'units/worker.service.d/harden.conf': WORKER_DROP_IN,
      'units/new.service': '[Service]\nExecStart=/usr/bin/new\nPrivateNetwork=yes\n',
      'units/broken.service': '[Service]\nExecStart=/usr/bin/fixed\n',
    },
  },
  {
    tag: 'v1.3.0',
    annotated: false,
    files: { 'units/api.service': API_WEAKENED, 'units/legacy.service': null },
  },
  // Nothing changes in the units; the policy moves to systemd 257.
  { tag: 'v1.4.0', annotated: true, files: { '.github/unitgate.json': '{ "systemdVersion": 257 }\n' } },
];

interface JsonTrend {
  pattern: string;
  versions: number[];
  releases: { label: string; commit: string; systemdVersion: number }[];
  units: {
    unitPath: string;
    unitId: string;
    points: {
      label: string;
      commit: string;
      systemdVersion: number;
      exposure: number | null;
      score: string | null;
      level: string | null;
      error?: string;
    }[];
  }[];
}

let root: string;
let repo: string;
const cli = (cwd: string) => ({ cwd, env: {}, stdoutIsTTY: false });

async function apply(files: Files): Promise<void> {
  for (const [file, text] of Object.entries(files)) {
    const target = path.join(repo, file);
    if (text === null) await rm(target, { force: true });
    else {
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, text);
    }
  }
  await runGit(repo, ['add', '-A']);
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'unitgate-trend-'));
  repo = path.join(root, 'repo');
  await mkdir(repo);
  await runGit(repo, ['init', '-q', '-b', 'main']);
  for (const r of RELEASES) {
    await apply(r.files);
    await runGit(repo, ['commit', '-q', '-m', `release ${r.tag}`]);
    await runGit(repo, r.annotated ? ['tag', '-a', '-m', r.tag, r.tag] : ['tag', r.tag]);
  }
  // Tags that are not releases of this pattern, or not commits.
  await runGit(repo, ['tag', 'other-1.0', 'v1.0.0']);
  await runGit(repo, ['tag', 'v9-tree', 'HEAD^{tree}']);
  // The head: one more commit after the last release.
  await apply({ 'units/api.service': API_HEAD });
  await runGit(repo, ['commit', '-q', '-m', 'harden api again']);
}, 60000);

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

/** `unitgate security` on one unit file as it is at `commit`: the overall exposure, or null if refused. */
async function securityAt(
  commit: string,
  unitPath: string,
  version: number,
): Promise<{ exposure: number | null; level: string | null; unitId?: string }> {
  const dir = path.join(root, `wt-${commit}`);
  if (!existsSync(dir)) await runGit(repo, ['worktree', 'add', '-q', '--detach', dir, commit]);
  const file = path.join(dir, unitPath);
  if (!existsSync(file)) return { exposure: null, level: null };
  const r = runCli(['security', `--systemd-version=${version}`, file], cli(dir));
  const m = /Overall exposure level for (\S+): (\d+)\.(\d) (\S+)/.exec(r.stdout);
  if (!m) {
    expect(r.exitCode).not.toBe(0);
    return { exposure: null, level: null };
  }
  return { exposure: Number(m[2]) * 10 + Number(m[3]), level: m[4] as string, unitId: m[1] as string };
}

describe('unitgate trend --format json', () => {
  let trend: JsonTrend;
  let stderr: string;

  beforeAll(async () => {
    const r = await runCliAsync(['trend', '--format', 'json'], cli(repo));
    expect(r.exitCode).toBe(0);
    stderr = r.stderr;
    trend = JSON.parse(r.stdout) as JsonTrend;
  }, 60000);

  it('has the five releases in version order, then the head; other tags left out', async () => {
    expect(stderr).toBe('');
    expect(trend.pattern).toBe('v*');
    expect(trend.releases.map((r) => r.label)).toEqual([
      'v1.0.0',
      'v1.1.0',
      'v1.2.0',
      'v1.3.0',
      'v1.4.0',
      'head',
    ]);
    for (const r of trend.releases.slice(0, 5))
      expect(r.commit).toBe((await runGit(repo, ['rev-parse', `${r.label}^{commit}`])).trim());
    expect(trend.releases[5]?.commit).toBe((await runGit(repo, ['rev-parse', 'HEAD'])).trim());
  });

  it('labels each release with the systemd version of the policy committed there', () => {
    expect(trend.releases.map((r) => r.systemdVersion)).toEqual([252, 252, 252, 252, 257, 257]);
    expect(trend.versions).toEqual([252, 257]);
  });

  it('lists every unit that existed at any release, including added and removed ones', () => {
    expect(trend.units.map((u) => u.unitPath)).toEqual([
      'units/api.service',
      'units/broken.service',
      'units/legacy.service',
      'units/new.service',
      'units/tpl@.service',
      'units/worker.service',
    ]);
  });

  it('shows units hardened, weakened, added, removed and failing where they were', () => {
    const byPath = new Map(trend.units.map((u) => [u.unitPath, u.points.map((p) => p.exposure)]));
    const api = byPath.get('units/api.service') as (number | null)[];
    expect(api[1]).toBeLessThan(api[0] as number); // hardened
    expect(api[2]).toBeLessThan(api[1] as number); // hardened more
    expect(api[3]).toBeGreaterThan(api[2] as number); // weakened
    expect(api[5]).toBeLessThan(api[4] as number); // hardened at head
    expect(byPath.get('units/legacy.service')?.map((e) => e === null)).toEqual([
      false,
      false,
      false,
      true,
      true,
      true,
    ]);
    expect(byPath.get('units/new.service')?.map((e) => e === null)).toEqual([
      true,
      true,
      false,
      false,
      false,
      false,
    ]);
    const broken = trend.units.find((u) => u.unitPath === 'units/broken.service');
    expect(broken?.points[0]).toMatchObject({ exposure: null });
    expect(broken?.points[0]?.error).toBeUndefined(); // absent
    expect(broken?.points[1]).toMatchObject({ exposure: null, error: expect.stringMatching(/ExecStart/) });
    expect(broken?.points[2]?.exposure).not.toBeNull();
    const worker = byPath.get('units/worker.service') as number[];
    expect(worker[2]).toBeLessThan(worker[1] as number); // the drop-in
  });

  it('matches `unitgate security` on each unit file as it is at each release, exactly', async () => {
    let compared = 0;
    for (const u of trend.units) {
      for (const p of u.points) {
        const expected = await securityAt(p.commit, u.unitPath, p.systemdVersion);
        expect({ unit: u.unitPath, release: p.label, exposure: p.exposure, level: p.level }).toEqual({
          unit: u.unitPath,
          release: p.label,
          exposure: expected.exposure,
          level: expected.level,
        });
        if (p.exposure !== null) {
          expect(p.score).toBe(`${Math.floor(p.exposure / 10)}.${p.exposure % 10}`);
          compared++;
        }
      }
    }
    expect(compared).toBe(29); // 6 api, worker, tpl; 3 legacy; 4 new, broken
  }, 60000);

  it('names templates with the instance of the version that scored them', () => {
    const tpl = trend.units.find((u) => u.unitPath === 'units/tpl@.service');
    expect(tpl?.unitId).toBe('tpl@test_instance.service');
  });
});

describe('unitgate trend (other formats and options)', () => {
  it('prints Markdown with the table, the version change marked, and Mermaid charts', async () => {
    const r = await runCliAsync(['trend'], cli(repo));
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('| Unit | `v1.0.0` | `v1.1.0` | `v1.2.0` | `v1.3.0` | `v1.4.0` † | `head` |');
    expect(r.stdout).toMatch(
      /^\| `units\/legacy\.service` \| \d\.\d \| \d\.\d \| \d\.\d \| — \| — \| — \|$/m,
    );
    expect(r.stdout).toMatch(
      /^\| `units\/broken\.service` \| — \| failed \| \d\.\d \| \d\.\d \| \d\.\d † \| \d\.\d \|$/m,
    );
    expect(r.stdout).toContain('† from `v1.4.0` on, scored with systemd 257 (before: 252)');
    expect(r.stdout).toContain('```mermaid\nxychart-beta\n  title "api.service"');
  });

  it('prints CSV, one row per unit and release', async () => {
    const r = await runCliAsync(['trend', '--format', 'csv'], cli(repo));
    const rows = r.stdout.split('\r\n').filter(Boolean);
    expect(rows[0]).toBe('unit_path,unit_id,release,commit,systemd_version,exposure,level,error');
    expect(rows).toHaveLength(1 + 6 * 6);
  });

  it('--limit keeps the newest releases', async () => {
    const r = await runCliAsync(['trend', '--limit', '2', '--format', 'json'], cli(repo));
    expect((JSON.parse(r.stdout) as JsonTrend).releases.map((x) => x.label)).toEqual([
      'v1.3.0',
      'v1.4.0',
      'head',
    ]);
  });

  it('PATHS keep the units whose files are there, drop-ins included, relative to the working directory', async () => {
    const r = await runCliAsync(
      ['trend', '--format', 'json', 'worker.service.d/harden.conf'],
      cli(path.join(repo, 'units')),
    );
    expect((JSON.parse(r.stdout) as JsonTrend).units.map((u) => u.unitPath)).toEqual([
      'units/worker.service',
    ]);
    const dir = await runCliAsync(['trend', '--format', 'json', 'units'], cli(repo));
    expect((JSON.parse(dir.stdout) as JsonTrend).units).toHaveLength(6);
  });

  it('--policy scores every commit under one policy file', async () => {
    const policy = path.join(root, 'policy-255.json');
    await writeFile(policy, '{ "systemdVersion": 255 }');
    const r = await runCliAsync(['trend', '--format', 'json', '--policy', policy], cli(repo));
    expect((JSON.parse(r.stdout) as JsonTrend).versions).toEqual([255]);
  });

  it('--tags picks another pattern; no match leaves the head alone and says so', async () => {
    const other = await runCliAsync(['trend', '--tags', 'other-*', '--format', 'json'], cli(repo));
    expect((JSON.parse(other.stdout) as JsonTrend).releases.map((x) => x.label)).toEqual([
      'other-1.0',
      'head',
    ]);
    const none = await runCliAsync(['trend', '--tags', 'release-*', '--format', 'json'], cli(repo));
    expect(none.exitCode).toBe(0);
    expect(none.stderr).toBe('unitgate trend: No tag matches release-*: the trend has no releases.\n');
    expect((JSON.parse(none.stdout) as JsonTrend).releases.map((x) => x.label)).toEqual(['head']);
  });

  it.each([
    [['trend', '--limit', '0'], 1, /--limit takes a number/],
    [['trend', '--limit', 'x'], 1, /--limit takes a number/],
    [['trend', '--format', 'xml'], 1, /invalid/],
    [
      ['trend', '--format', 'html', '--repository-url', 'javascript:alert(1)'],
      1,
      /--repository-url takes an http\(s\) address/,
    ],
    [['trend', '--tags', 'a b'], 2, /invalid tag pattern/],
    [['trend', '--tags', '../heads/*'], 2, /invalid tag pattern/],
    [['trend', '--policy', 'missing.json'], 2, /cannot read policy/],
  ])('%j exits %d', async (argv, code, message) => {
    const r = await runCliAsync(argv, cli(repo));
    expect(r.exitCode).toBe(code);
    expect(r.stderr).toMatch(message);
  });

  it('exits 2 outside a git repository', async () => {
    const r = await runCliAsync(['trend'], cli(root));
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe('unitgate trend: not inside a git repository.\n');
  });
});

describe('collectTrend()', () => {
  it('adds the base and head of a change after the releases, scored under the policy at each', async () => {
    const messages: string[] = [];
    const t = await collectTrend(repo, {
      limit: 2,
      policy: builtInPolicy(),
      policyPath: '.github/unitgate.json',
      base: 'v1.2.0',
      head: 'HEAD',
      unitPaths: ['units/api.service'],
      messages,
    });
    expect(messages).toEqual([]);
    expect(t.releases.map((r) => [r.kind, r.label, r.systemdVersion])).toEqual([
      ['tag', 'v1.3.0', 252],
      ['tag', 'v1.4.0', 257],
      ['base', 'base', 252],
      ['head', 'head', 257],
    ]);
    expect(t.releases[2]?.commit).toBe((await runGit(repo, ['rev-parse', 'v1.2.0^{commit}'])).trim());
    expect(t.units.map((u) => u.unitPath)).toEqual(['units/api.service']);
  });

  it('has no base column when the base is the head, and reports an unknown revision', async () => {
    const t = await collectTrend(repo, { limit: 1, policy: builtInPolicy(), base: 'HEAD' });
    expect(t.releases.map((r) => r.kind)).toEqual(['tag', 'head']);
    await expect(collectTrend(repo, { policy: builtInPolicy(), base: 'no-such-ref' })).rejects.toThrow(
      'unknown revision no-such-ref',
    );
  });

  it('falls back to the given policy where the committed one is invalid, and says so', async () => {
    const messages: string[] = [];
    const t = await collectTrend(repo, {
      limit: 5,
      policy: builtInPolicy(),
      policyPath: 'units/api.service', // not JSON
      messages,
    });
    expect(t.versions).toEqual([252]);
    expect(messages.length).toBeGreaterThan(0);
    expect(messages[0]).toMatch(
      /^units\/api\.service at [0-9a-f]{12} is not a valid policy \(.*\); scored under built-in baseline there\.$/,
    );
  });
});

describe('listReleaseTags()', () => {
  let tagsRepo: string;
  beforeAll(async () => {
    tagsRepo = path.join(root, 'tags');
    await mkdir(tagsRepo);
    await runGit(tagsRepo, ['init', '-q']);
    for (const tag of ['v1.10.0', 'v1.9.0', 'v2.0.0', 'v2.0.0-rc1', 'v1.2.0']) {
      await writeFile(path.join(tagsRepo, 'f'), tag);
      await runGit(tagsRepo, ['add', '-A']);
      await runGit(tagsRepo, ['commit', '-q', '-m', tag]);
      await runGit(tagsRepo, ['tag', '-a', '-m', tag, tag]);
    }
    // A tag of a tag: peeled to the commit.
    await runGit(tagsRepo, ['tag', '-a', '-m', 'nested', 'v3.0.0', 'v2.0.0']);
  });

  it('sorts by version (pre-releases first), peels tags to commits, keeps the newest `limit`', async () => {
    const tags = await listReleaseTags(tagsRepo, 'v*', 10);
    expect(tags.map((t) => t.name)).toEqual([
      'v1.2.0',
      'v1.9.0',
      'v1.10.0',
      'v2.0.0-rc1',
      'v2.0.0',
      'v3.0.0',
    ]);
    const v2 = (await runGit(tagsRepo, ['rev-parse', 'v2.0.0^{commit}'])).trim();
    expect(tags.at(-1)?.commit).toBe(v2);
    expect(tags.at(-2)?.commit).toBe(v2);
    expect((await listReleaseTags(tagsRepo, 'v1.*', 2)).map((t) => t.name)).toEqual(['v1.9.0', 'v1.10.0']);
    expect(await listReleaseTags(tagsRepo, 'x*', 2)).toEqual([]);
  });
});
