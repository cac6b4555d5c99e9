// Phantom hardening: lines systemd ignores (unknown key, key of a later version, key in the wrong
// section, invalid value) and lines that make systemd refuse the unit, as findings on their line. They
// come from the diagnostics the engine produces while deriving the settings, the ones the CLI prints.
import type { Diagnostic, SourceLocation } from '../unit/parse-unit-file';
import type { GateMode } from '../policy/policy-types';
import { directivesOfAssessor } from '../security/assessor-knowledge';
import { SUPPORTED_VERSIONS, systemdRelease } from '../security/versions';
import type { Violation } from './gate-types';

/** The part of a unit side the checks read (a UnitSide). */
export interface DiagnosedSide {
  path: string;
  /** Everything systemd would log while loading the unit, in order. */
  diagnostics?: Diagnostic[];
  /** Set when the unit could be loaded and scored. */
  settings?: unknown;
}

const PHANTOM_KINDS = new Set(['unknown-key', 'key-unknown-to-version', 'wrong-section', 'invalid-value']);

export function isPhantom(d: Diagnostic): boolean {
  return PHANTOM_KINDS.has(d.kind) && d.key !== undefined;
}

let assessed: Set<string> | undefined;

/** Every directive an assessor row reads, in any supported version. */
export function assessedDirectives(): ReadonlySet<string> {
  if (!assessed) {
    assessed = new Set();
    for (const v of SUPPORTED_VERSIONS)
      for (const a of systemdRelease(v).data.assessors)
        for (const d of directivesOfAssessor(a)) assessed.add(d);
  }
  return assessed;
}

/** Whether the line is about a directive the score depends on (its key, or the key it was meant to be). */
function readByAssessor(d: Diagnostic): boolean {
  const keys = assessedDirectives();
  return keys.has(d.key as string) || (d.suggestion !== undefined && keys.has(d.suggestion));
}

/** Why systemd does not apply the line, in words a reviewer can act on. */
export function phantomReason(d: Diagnostic, version: number): string {
  const key = d.key as string;
  const ignored = 'systemd ignores this line, so the unit does not get the protection it appears to ask for';
  switch (d.kind) {
    case 'unknown-key':
      return `${key}= is not a systemd setting${d.suggestion ? ` (did you mean ${d.suggestion}=?)` : ''}; ${ignored}`;
    case 'key-unknown-to-version':
      return `${key}= is not known to systemd ${version}${
        d.addedIn !== undefined ? ` (systemd ${d.addedIn} is the first supported version that reads it)` : ''
      }; ${ignored}`;
    case 'wrong-section':
      return `${key}= is in [${d.section ?? '?'}], where systemd does not read it${
        d.expectedSection ? ` (it belongs in [${d.expectedSection}])` : ''
      }; ${ignored}`;
    default:
      return `systemd does not accept \`${key}=${d.value ?? ''}\` ("${d.message}"); the setting keeps its previous value, so the unit does not get the protection it appears to ask for`;
  }
}

function where(d: Diagnostic): SourceLocation {
  return { file: d.file, line: d.line, column: d.column };
}

function identity(d: Diagnostic): string {
  return `${d.key ?? ''}\0${d.section ?? ''}\0${d.value ?? ''}\0${d.file}`;
}

/**
 * Findings for the head side's phantom lines. Errors when the key (or the key it was meant to be) is
 * read by an assessor in any supported version, or when the unit cannot load; otherwise warnings. In
 * ratchet mode a phantom the base already had (same key, section, value and file) is advisory, and in
 * report mode every one is.
 */
export function phantomViolations(
  unitId: string,
  head: DiagnosedSide,
  base: DiagnosedSide | undefined,
  version: number,
  mode: GateMode,
): Violation[] {
  const before = new Set((base?.diagnostics ?? []).filter(isPhantom).map(identity));
  const cannotLoad = head.settings === undefined;
  const out: Violation[] = [];
  for (const d of head.diagnostics ?? []) {
    if (!isPhantom(d)) continue;
    const serious = cannotLoad || readByAssessor(d);
    const old = mode === 'ratchet' && before.has(identity(d));
    const key = d.key as string;
    const fix =
      d.kind === 'unknown-key' && d.suggestion
        ? {
            directives: [`${d.suggestion}=${d.value ?? ''}`],
            explanation: `Spell the setting as systemd does: \`${d.suggestion}=\`.`,
          }
        : d.kind === 'wrong-section' && d.expectedSection
          ? {
              directives: [`${key}=${d.value ?? ''}`],
              explanation: `Move the line to the [${d.expectedSection}] section.`,
            }
          : undefined;
    out.push({
      kind: 'phantom-setting',
      check: key,
      directives: d.suggestion ? [key, d.suggestion] : [key],
      message: `${unitId}: ${d.file}:${d.line}: ${phantomReason(d, version)}`,
      location: where(d),
      weight: serious ? 20 : 1,
      ...(fix ? { fix } : {}),
      advisory: !serious || old || mode === 'report',
    });
  }
  return out;
}

/** The last phantom line about `key` (as written, or as the key it was meant to be), if any. */
export function phantomFor(side: DiagnosedSide, key: string): Diagnostic | undefined {
  let found: Diagnostic | undefined;
  for (const d of side.diagnostics ?? [])
    if (isPhantom(d) && (d.key === key || d.suggestion === key)) found = d;
  return found;
}

/** The line that makes systemd refuse the unit (its message), or the main file's first line. */
export function refusal(side: DiagnosedSide): { location: SourceLocation; message?: string } {
  const d = (side.diagnostics ?? []).find((x) => x.kind === 'refused-unit');
  return d
    ? { location: where(d), message: `${d.file}:${d.line}: ${d.message}` }
    : { location: { file: side.path, line: 1, column: 1 } };
}
