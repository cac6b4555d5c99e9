// The report formats in one table: each with its renderer, the action input that names its file (if
// the action writes one) and whether `unitgate check --format` offers it. The action's inputs and
// outputs, the CLI's choices and the check of action.yml all read this table, so a new format is a
// renderer and one row here (plus its input in action.yml, which GitHub reads).
import type { GateVerdict } from '../gate/gate-types';
import type { Finding } from '../gate/findings';
import { renderBadge } from './badge';
import { renderCheckText } from './check-text';
import { renderCodeQuality } from './code-quality';
import { renderJobSummary } from './job-summary';
import { renderJsonReport, type JsonReportMeta } from './json-report';
import { renderJunit } from './junit';
import { renderPullRequestComment } from './pr-comment';
import { renderSarif } from './sarif';

/** Everything a renderer may read: the verdict (per-unit facts), its flat findings, and run facts. */
export interface ReportInput {
  verdict: GateVerdict;
  findings: readonly Finding[];
  /** The JSON report's run facts (tool version, time, repository, commits, policy). */
  meta: JsonReportMeta;
  /** Lines saying which base and policy were used (the CLI text starts with them). */
  header?: readonly string[];
  /** The trend as its JSON value, for the JSON report of the action. */
  trend?: unknown;
  /** Base of file links at head and at the merge base, for the Markdown formats. */
  blobUrl?: string;
  baseBlobUrl?: string;
}

export interface ReportFormat {
  /** The format's name: `unitgate check --format <name>`. */
  name: string;
  /** One line for `--help` and the docs. */
  description: string;
  /** Offered by `unitgate check --format`. */
  cli: boolean;
  /**
   * The action input naming the file the action writes, when it writes one: a path, `true` for
   * `fileName` in the default reports folder (the action's output-files.ts), `false` or '' to skip it.
   */
  actionInput?: {
    name: string;
    /** The file's name in the default reports folder. */
    fileName: string;
    /** An empty input writes the file to the default reports folder instead of skipping it. */
    emptyIsDefault?: boolean;
    /** The action output that receives the written path ('' when skipped). */
    output?: string;
  };
  render(input: ReportInput): string;
}

/** The home page of the tool, named in SARIF (tool.driver.informationUri and each rule's helpUri). */
const INFORMATION_URI = 'https://github.com/unitgate/unitgate';

const json = (value: unknown, indent?: number): string => JSON.stringify(value, null, indent) + '\n';

const links = (i: ReportInput) => ({
  ...(i.blobUrl ? { blobUrl: i.blobUrl } : {}),
  ...(i.baseBlobUrl ? { baseBlobUrl: i.baseBlobUrl } : {}),
});

export const REPORT_FORMATS = [
  {
    name: 'text',
    description: 'one line per unit with its findings at file:line',
    cli: true,
    render: (i) => renderCheckText(i.verdict, [...(i.header ?? [])], i.findings),
  },
  {
    name: 'json',
    description: 'the JSON report (schema: schemas/unitgate-report-1.schema.json)',
    cli: true,
    actionInput: { name: 'report', fileName: 'unitgate-report.json', emptyIsDefault: true, output: 'report' },
    render: (i) =>
      json(
        {
          ...renderJsonReport(i.verdict, i.meta, i.findings),
          ...(i.trend !== undefined ? { trend: i.trend } : {}),
        },
        2,
      ),
  },
  {
    name: 'sarif',
    description: 'SARIF 2.1.0 for code scanning',
    cli: true,
    actionInput: { name: 'sarif', fileName: 'unitgate.sarif', output: 'sarif-file' },
    render: (i) =>
      json(
        renderSarif(
          i.verdict,
          { toolVersion: i.meta.toolVersion, category: 'unitgate', informationUri: INFORMATION_URI },
          i.findings,
        ),
        2,
      ),
  },
  {
    name: 'markdown',
    description: 'the job summary',
    cli: true,
    render: (i) => renderJobSummary(i.verdict, links(i), i.findings),
  },
  {
    name: 'comment',
    description: 'the pull request comment',
    cli: true,
    render: (i) => renderPullRequestComment(i.verdict, links(i), i.findings) + '\n',
  },
  {
    // GitLab's own name for it (`artifacts: reports: codequality:`).
    name: 'codequality',
    description: 'a GitLab Code Quality report (docs/ci/gitlab.md)',
    cli: true,
    render: (i) => json(renderCodeQuality(i.findings), 2),
  },
  {
    // CLI only: in GitHub the action's annotations, check run and SARIF show the same, on the lines.
    name: 'junit',
    description: 'JUnit XML, one testcase per unit, failed with the check and file:line (docs/ci/generic.md)',
    cli: true,
    render: (i) => renderJunit(i.verdict, i.findings),
  },
  {
    name: 'badge',
    description: 'a shields.io endpoint badge with the highest exposure',
    cli: false,
    actionInput: { name: 'badge', fileName: 'unitgate-badge.json' },
    render: (i) => json(renderBadge(i.verdict)),
  },
] as const satisfies readonly ReportFormat[];

/** The formats `unitgate check --format` offers. */
export const CLI_FORMATS: readonly ReportFormat[] = REPORT_FORMATS.filter((f) => f.cli);

/** The formats the action writes to a file named by one of its inputs. */
export const FILE_FORMATS: readonly (ReportFormat & {
  actionInput: NonNullable<ReportFormat['actionInput']>;
})[] = REPORT_FORMATS.filter(
  (f): f is Extract<(typeof REPORT_FORMATS)[number], { actionInput: object }> => 'actionInput' in f,
);

/** The format of this name, or undefined. */
export function reportFormat(name: string): ReportFormat | undefined {
  return REPORT_FORMATS.find((f) => f.name === name);
}
