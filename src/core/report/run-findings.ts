// Findings about the run itself (a policy change that loosens the gate, workflow inputs that were
// refused, globs that match nothing) as markdown, for the job summary and the pull request comment:
// they come first, because a run that fails on them fails for no unit's sake.
import type { RunFindingKind } from '../gate/gate-types';
import { isUnitFinding, type Finding } from '../gate/findings';
import { codeBlock, escapeMarkdown, truncateText } from './escape-markdown';

const TITLES: Record<RunFindingKind, string> = {
  'input-loosens-policy': 'Workflow input ignored',
  'paths-match-nothing': 'Glob matches nothing',
  'scope-incomplete': 'Changed files not verified',
  'policy-loosened': 'Policy loosened',
};

/** At most this many run findings are shown; the JSON report has them all. */
const MAX_SHOWN = 20;

/** `### This run` with one item per run finding (its first line, then the rest as a block), or nothing. */
export function renderRunFindings(all: readonly Finding[]): string[] {
  const findings = all.filter((f) => !isUnitFinding(f));
  if (findings.length === 0) return [];
  const out = ['### This run', ''];
  for (const f of findings.slice(0, MAX_SHOWN)) {
    const [first = '', ...rest] = f.message.split('\n');
    // The finding's level is the mode's (a run finding is a warning in `report` mode).
    const icon = f.level === 'error' ? '❌' : '⚠️';
    out.push(
      `- ${icon} **${TITLES[f.kind as RunFindingKind]}** — ${escapeMarkdown(truncateText(first, 2000))}`,
    );
    // The rest is data (a policy's differences): shown as is, never as markdown.
    if (rest.length > 0) out.push('', codeBlock(rest.slice(0, 100).map((l) => truncateText(l, 300))), '');
  }
  if (findings.length > MAX_SHOWN)
    out.push(`- … and ${findings.length - MAX_SHOWN} more (see the JSON report)`);
  out.push('');
  return out;
}
