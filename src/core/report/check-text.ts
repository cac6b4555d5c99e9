// Verdict → the text `unitgate check` prints: one line per unit (status, profile, exposure base → head)
// with its findings at file:line under it (the run's own findings first), then invalid deviation notes,
// messages and the result line.
import type { GateVerdict, UnitResult } from '../gate/gate-types';
import { collectFindings, findingsByUnit, isUnitFinding, type Finding } from '../gate/findings';
import { formatExposure } from '../security/render-security';

/** `header` (which base and policy were used) comes first. */
export function renderCheckText(
  verdict: GateVerdict,
  header: string[],
  findings: readonly Finding[] = collectFindings(verdict),
): string {
  const lines: string[] = [...header];
  const byUnit = findingsByUnit(findings);
  const pendingOf = (u: UnitResult) =>
    (byUnit.get(u.path) ?? []).filter((f) => f.pendingApproval !== undefined);
  // Findings about the run itself (a policy change, the inputs, the paths): no unit to sit under.
  for (const f of findings) if (!isUnitFinding(f)) lines.push(`${f.level}: ${f.message}`);
  for (const u of verdict.units) {
    const head = u.head ? `${formatExposure(u.head.exposure)} ${u.head.level}` : '—';
    const base = u.base ? `${formatExposure(u.base.exposure)} → ` : '';
    const status = u.status === 'accepted' && pendingOf(u).length > 0 ? 'pending' : u.status;
    lines.push(
      `${status.toUpperCase().padEnd(8)} ${u.path} (${u.profile}, threshold ${formatExposure(u.threshold)}): ${base}${head}${u.note ? ` — ${u.note}` : ''}`,
    );
    for (const f of byUnit.get(u.path) ?? []) {
      if (f.level !== 'notice') {
        lines.push(`  ${f.file}:${f.line}${f.side === 'base' ? ' (base)' : ''}: ${f.level}: ${f.message}`);
        if (f.fix && f.fix.directives.length > 0) lines.push(`    fix: ${f.fix.directives.join('  ')}`);
        continue;
      }
      const note = `${f.note?.owner ?? 'no owner'}, expires ${f.note?.expires ?? '?'}`;
      if (f.pendingApproval !== undefined)
        lines.push(`  PENDING deviation (${note}): ${f.message} — needs ${f.pendingApproval}`);
      else lines.push(`  accepted deviation (${note}, approved by ${f.acceptedBy}): ${f.message}`);
    }
  }
  for (const n of verdict.notes.filter((n) => n.problems.length > 0))
    lines.push(`invalid deviation note for ${n.unit || '?'}: ${n.problems.join('; ')}`);
  for (const m of verdict.messages) lines.push(m);
  const scored = verdict.units.length;
  const pending = verdict.units.filter((u) => pendingOf(u).length > 0).length;
  lines.push(
    `${verdict.result === 'pass' ? 'PASS' : 'FAIL'}: ${scored} unit${scored === 1 ? '' : 's'} in scope${
      pending > 0 ? `, ${pending} pending an owner's approval of a deviation note (CI fails until then)` : ''
    } (mode ${verdict.mode}, systemd ${verdict.systemdVersion})`,
  );
  return lines.join('\n') + '\n';
}
