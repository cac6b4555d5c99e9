// Findings → a GitLab Code Quality report (a JSON array of issues: description, check_name,
// fingerprint, severity, location.path and location.lines.begin), for `unitgate check` in GitLab CI.
// Issues sit on head lines like SARIF results: a removed line at its head anchor, named in the text.
// The fields are the ones GitLab documents, checked against schemas/reference/gitlab-code-quality.schema.json.
import { isUnitFinding, locationOf, type Finding, type FindingLevel } from '../gate/findings';
import { baseLineNote, headPlace } from '../gate/locations';
import { fnv1a64 } from './sarif';

export interface CodeQualityIssue {
  description: string;
  check_name: string;
  fingerprint: string;
  severity: 'info' | 'minor' | 'major' | 'critical' | 'blocker';
  location: { path: string; lines: { begin: number } };
}

const SEVERITY: Record<FindingLevel, CodeQualityIssue['severity']> = {
  error: 'major',
  warning: 'minor',
  notice: 'info',
};

/**
 * GitLab's format is a subset of Code Climate's, whose descriptions are a single line: a line break
 * that a unit file's text brought into a message becomes a space.
 */
const oneLine = (text: string): string => text.replace(/\r\n|[\n\r\u2028\u2029]/g, ' ');

/**
 * One issue per unit finding (findings about the run itself have no file: the exit code and the
 * other formats carry them). Fingerprints are SARIF's (unit, check, kind), made unique within the
 * report, so an issue keeps its identity when its line moves.
 */
export function renderCodeQuality(findings: readonly Finding[]): CodeQualityIssue[] {
  const seen = new Map<string, number>();
  return findings.filter(isUnitFinding).map((f) => {
    const key = `${f.unit}\0${f.check}\0${f.kind}`;
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    const at = headPlace(locationOf(f));
    const accepted =
      f.level !== 'notice'
        ? ''
        : f.pendingApproval !== undefined
          ? `pending deviation (needs ${f.pendingApproval}): `
          : `accepted deviation (approved by ${f.acceptedBy ?? '?'}): `;
    return {
      description: oneLine(accepted + f.message + baseLineNote(locationOf(f))),
      check_name: f.ruleId,
      fingerprint: fnv1a64(n === 0 ? key : `${key}\0${n}`),
      severity: SEVERITY[f.level],
      // A path relative to the repository root, lines counted from 1, as GitLab and Code Climate ask.
      location: { path: at.file.replace(/^(\.\/)+/, ''), lines: { begin: Math.max(1, at.line) } },
    };
  });
}
