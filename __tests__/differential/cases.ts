// One differential case: a small tree of files and a `systemd-analyze security` command line, run by
// the real tool of one release and by unitgate; stdout, stderr and the exit code must be identical.
// Cases are data (JSON), so a counterexample found by a campaign is kept as a fixture and replayed by
// every later run (counterexamples/).
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runCli } from '../../src/cli';
import type { HostFacts } from '../../src/core/unit/specifiers';
import { readHostFacts } from '../../src/io/host-facts';
import { ORACLE_ENV, type Oracle, type ToolRun } from './oracles';

/** A file of a case: text, raw bytes (base64: invalid UTF-8, NUL…), or a symbolic link. */
export type CaseFile = string | { base64: string } | { symlink: string };

export interface DifferentialCase {
  /** The files, by path relative to the case directory (`etc/systemd/system/a.service`). */
  files: Record<string, CaseFile>;
  /** The arguments after `systemd-analyze security`; `$DIR` stands for the case directory. */
  args: string[];
  /**
   * Extra environment both tools get (`$DIR` stands for the case directory): HOME and XDG_RUNTIME_DIR
   * for `--user`, whose manager refuses to start without a runtime directory; SYSTEMD_UNIT_PATH.
   */
  env?: Record<string, string>;
}

export interface CaseOutcome {
  oracle: ToolRun;
  unitgate: ToolRun;
  /** Empty when both agree; else which of `exit`, `stdout`, `stderr` differ. */
  differs: ('exit' | 'stdout' | 'stderr')[];
}

/** Writes the case's files under `dir` (emptied first). */
export function materialize(c: DifferentialCase, dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [path, file] of Object.entries(c.files)) {
    const at = join(dir, path);
    mkdirSync(dirname(at), { recursive: true });
    if (typeof file === 'string') writeFileSync(at, file);
    else if ('base64' in file) writeFileSync(at, Buffer.from(file.base64, 'base64'));
    else symlinkSync(file.symlink.replaceAll('$DIR', dir), at);
  }
}

const oracleHosts = new Map<string, HostFacts>();

/**
 * The host facts the oracle's tool sees: a chroot shares this machine's kernel (host name, boot id,
 * release, architecture) but has its own /etc/machine-id and os-release.
 */
function oracleHostFacts(oracle: Oracle): HostFacts {
  let facts = oracleHosts.get(oracle.root);
  if (!facts) oracleHosts.set(oracle.root, (facts = readHostFacts(oracle.root)));
  return facts;
}

/** Runs the case (already written under `dir`) with both tools. */
export function runCase(c: DifferentialCase, dir: string, oracle: Oracle): CaseOutcome {
  const args = c.args.map((a) => a.replaceAll('$DIR', dir));
  const extra = Object.fromEntries(
    Object.entries(c.env ?? {}).map(([k, v]) => [k, v.replaceAll('$DIR', dir)]),
  );
  const real = oracle.analyze(['security', ...args], [dir], extra);
  const ours = runCli(['security', `--systemd-version=${oracle.version}`, ...args], {
    cwd: '/',
    env: { ...ORACLE_ENV, ...extra },
    stdoutIsTTY: false,
    hostFacts: oracleHostFacts(oracle),
  });
  const differs: CaseOutcome['differs'] = [];
  if (real.exitCode !== ours.exitCode) differs.push('exit');
  if (real.stdout !== ours.stdout) differs.push('stdout');
  if (real.stderr !== ours.stderr) differs.push('stderr');
  return { oracle: real, unitgate: ours, differs };
}

/** A readable report of a disagreement: the case, then the first differing line of each stream. */
export function describeDifference(
  c: DifferentialCase,
  outcome: CaseOutcome,
  oracle: Oracle,
  dir: string,
): string {
  const lines = [`unitgate differs from ${oracle.describe} (${outcome.differs.join(', ')})`];
  lines.push(`case: ${JSON.stringify(c)}`);
  const env = Object.entries(c.env ?? {}).map(([k, v]) => `${k}=${v} `);
  lines.push(`command: ${env.join('')}systemd-analyze security ${c.args.join(' ')}   ($DIR = ${dir})`);
  if (outcome.differs.includes('exit'))
    lines.push(`exit: systemd-analyze ${outcome.oracle.exitCode}, unitgate ${outcome.unitgate.exitCode}`);
  for (const stream of ['stdout', 'stderr'] as const) {
    if (!outcome.differs.includes(stream)) continue;
    const a = outcome.oracle[stream].split('\n');
    const b = outcome.unitgate[stream].split('\n');
    let i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    lines.push(
      `${stream} line ${i + 1}:`,
      `  systemd-analyze ${JSON.stringify(a[i] ?? '<end>')}`,
      `  unitgate        ${JSON.stringify(b[i] ?? '<end>')}`,
    );
  }
  return lines.join('\n');
}

/**
 * The class of a disagreement, for campaign counts: the streams that differ and the first differing
 * line of the first of them, with paths, numbers and quoted values blurred (so that one bug counts once).
 */
export function differenceClass(outcome: CaseOutcome, dir: string): string {
  const stream = outcome.differs.includes('stdout')
    ? 'stdout'
    : outcome.differs.includes('stderr')
      ? 'stderr'
      : undefined;
  if (!stream) return `exit ${outcome.oracle.exitCode} vs ${outcome.unitgate.exitCode}`;
  const a = outcome.oracle[stream].split('\n');
  const b = outcome.unitgate[stream].split('\n');
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const blur = (line: string | undefined): string =>
    (line ?? '<end>')
      .replaceAll(dir, '$DIR')
      .replace(/\$DIR\/\S*/g, '$PATH')
      .replace(/"[^"]*"|'[^']*'|`[^`]*`/g, 'Q')
      .replace(/=\S*/g, '=V')
      .replace(/\d+(\.\d+)?/g, 'N')
      .slice(0, 120);
  return `${outcome.differs.join('+')}: systemd-analyze ${blur(a[i])} | unitgate ${blur(b[i])}`;
}
