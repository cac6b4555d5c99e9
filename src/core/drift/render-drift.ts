// A drift report in each format `unitgate drift` writes: text for a terminal, Markdown for an issue or
// a job summary, JSON (schemas/unitgate-drift-1.schema.json) for other tools, SARIF 2.1.0 for code
// scanning. Every renderer reads the same flat list of differences. Host text (paths, directive
// values) is escaped for its format: a hostile file name must not inject Markdown or mentions.
import { DRIFT_KINDS, type DriftKind } from '../policy/policy-types';
import { encodeUriPath, escapeMarkdown, inlineCode, stripControls } from '../report/escape-markdown';
import { SARIF_SCHEMA_URI, SRCROOT, sarifRunHead, type SarifLevel } from '../report/sarif';
import { formatExposure } from '../security/render-security';
import { sha256Hex } from './redact';
import type { DriftDifference, DriftLevel, DriftReport } from './compute-drift';

/** One line per kind: what it means (rules of the SARIF log, the legends of the text formats). */
export const DRIFT_KIND_TITLES: Readonly<Record<DriftKind, string>> = {
  'exposure-increase': 'Exposure higher on the host than the repository predicts',
  'exposure-decrease': 'Exposure lower on the host than the repository predicts',
  'row-worse': 'An assessor row is worse on the host',
  'host-only-file': 'A unit file or drop-in only the host has',
  'changed-file': 'A unit file or drop-in whose content differs on the host',
  'missing-file': "A file of the repository's unit that the host does not have",
  'unreadable-file': 'A file or directory the snapshot could not read',
  'unit-error': 'The unit did not load or score on the host',
  'version-difference': "The host's systemd is not the policy's release",
  'unknown-unit': 'Units of the host that the repository does not define',
  'engine-disagreement': 'The real systemd-analyze disagrees with unitgate',
};

const LEVEL_WORD: Record<DriftLevel, string> = { fail: 'FAIL', warning: 'warn', allowed: 'allowed' };

function where(d: DriftDifference): string {
  return d.unit === null ? d.host : `${d.host} ${d.unit}`;
}

function summaryLine(report: DriftReport): string {
  const { fail, warning, allowed } = report.counts;
  const verdict = report.result === 'drift' ? 'drift found' : 'no failing drift';
  return `${verdict}: ${fail} failing, ${warning} warning${warning === 1 ? '' : 's'}, ${allowed} allowed`;
}

export function renderDriftText(report: DriftReport): string {
  const lines: string[] = [];
  lines.push(
    `unitgate drift: ${report.hosts.length} snapshot${report.hosts.length === 1 ? '' : 's'} against ${report.ref}` +
      `${report.commit ? ` (${report.commit.slice(0, 12)})` : ''}, policy ${report.policy.source}`,
  );
  for (const h of report.hosts) {
    const version =
      h.systemd.detected === null ? 'systemd unknown' : `systemd ${h.systemd.full ?? h.systemd.detected}`;
    lines.push('', `${h.host} (${h.snapshot}; ${version}, scored for ${h.systemd.scoredWith}):`);
    for (const u of h.units) {
      const exposure = (n: number | null): string => (n === null ? '-' : formatExposure(n));
      lines.push(
        `  ${u.differences === 0 ? 'ok   ' : 'DRIFT'} ${u.unit}  host ${exposure(u.hostExposure)}  predicted ${exposure(u.predictedExposure)}  (${u.repoPath})`,
      );
    }
    for (const d of report.differences.filter((x) => x.snapshot === h.snapshot))
      lines.push(
        `  ${LEVEL_WORD[d.level].padEnd(7)} ${d.kind}: ${d.unit !== null ? `${d.unit}: ` : ''}${stripControls(d.message)}`,
      );
  }
  for (const m of report.messages) lines.push('', `note: ${m}`);
  lines.push('', summaryLine(report));
  return lines.join('\n') + '\n';
}

export function renderDriftMarkdown(report: DriftReport): string {
  const out: string[] = [];
  const icon = report.result === 'drift' ? '❌' : '✅';
  out.push(`## ${icon} unitgate drift`, '');
  out.push(
    `${report.hosts.length} host snapshot${report.hosts.length === 1 ? '' : 's'} compared with ${inlineCode(report.ref)}` +
      `${report.commit ? ` (${inlineCode(report.commit.slice(0, 12))})` : ''} under the policy ${inlineCode(report.policy.source)}: ${escapeMarkdown(summaryLine(report))}.`,
    '',
  );
  out.push('| host | systemd | scored for | units compared | drifting units |', '|---|---|---|---|---|');
  for (const h of report.hosts) {
    const version =
      h.systemd.detected === null ? 'unknown' : escapeMarkdown(h.systemd.full ?? String(h.systemd.detected));
    const drifting = h.units.filter((u) => u.differences > 0).map((u) => inlineCode(u.unit));
    out.push(
      `| ${escapeMarkdown(h.host)} | ${version} | ${h.systemd.scoredWith} | ${h.units.length} | ${drifting.join(', ') || '–'} |`,
    );
  }
  out.push('');
  if (report.differences.length > 0) {
    out.push('| level | kind | host | unit | what |', '|---|---|---|---|---|');
    for (const d of report.differences)
      out.push(
        `| ${LEVEL_WORD[d.level]} | ${d.kind} | ${escapeMarkdown(d.host)} | ${d.unit !== null ? inlineCode(d.unit) : '–'} | ${escapeMarkdown(stripControls(d.message)).replace(/\|/g, '\\|')} |`,
      );
    out.push('');
  }
  for (const m of report.messages) out.push(`> ${escapeMarkdown(m)}`, '');
  out.push(
    "> A drift report shows where hosts are weaker than the repository says: publish it only where the hosts' own configuration may be read.",
  );
  return out.join('\n') + '\n';
}

export function renderDriftJson(report: DriftReport): string {
  return JSON.stringify(report, null, 2) + '\n';
}

const SARIF_LEVEL: Record<DriftLevel, SarifLevel> = { fail: 'error', warning: 'warning', allowed: 'note' };

export interface DriftSarifOptions {
  toolVersion: string;
  informationUri: string;
  /** Code scanning category; `unitgate-drift` by default. */
  category?: string;
}

export function renderDriftSarif(report: DriftReport, options: DriftSarifOptions): string {
  const rules = DRIFT_KINDS.map((kind) => ({
    id: `drift/${kind}`,
    name: kind.replace(/(^|-)([a-z])/g, (_m, _d: string, c: string) => c.toUpperCase()),
    shortDescription: { text: DRIFT_KIND_TITLES[kind] },
    fullDescription: { text: `${DRIFT_KIND_TITLES[kind]} (unitgate drift, difference kind \`${kind}\`).` },
    helpUri: options.informationUri,
    defaultConfiguration: { level: report.policy.fail.includes(kind) ? 'error' : 'warning' },
    properties: { tags: ['security', 'systemd', 'drift'] },
  }));
  const results = report.differences.map((d) => {
    const ruleIndex = DRIFT_KINDS.indexOf(d.kind);
    const text = `${where(d)}: ${stripControls(d.message)}`;
    return {
      ruleId: `drift/${d.kind}`,
      ruleIndex,
      level: SARIF_LEVEL[d.level],
      message: { text },
      ...(d.repoPath !== null
        ? {
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: encodeUriPath(d.repoPath), uriBaseId: SRCROOT },
                  region: { startLine: 1 },
                },
              },
            ],
          }
        : {}),
      partialFingerprints: {
        'unitgate-drift/v1': sha256Hex(
          [d.kind, d.host, d.unit ?? '', d.hostPath ?? '', d.actual ?? ''].join('\0'),
        ).slice(0, 32),
      },
      ...(d.level === 'allowed' && d.allowance
        ? { suppressions: [{ kind: 'external', status: 'accepted', justification: d.allowance.reason }] }
        : {}),
      properties: {
        host: d.host,
        snapshot: d.snapshot,
        unit: d.unit,
        hostPath: d.hostPath,
        expected: d.expected,
        actual: d.actual,
      },
    };
  });
  const log = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        ...sarifRunHead({ ...options, category: options.category ?? 'unitgate-drift' }, rules),
        results,
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
