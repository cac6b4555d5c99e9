// Fixes as the gate and the reports offer them: a row's own lines (its entry in
// security/assessor-knowledge.ts, checked against systemd 252.38's `systemd-analyze security
// --offline=true` when written and re-checked against unitgate's engine for every supported version in
// __tests__/core/advice/fixes.test.ts), a violation's fix, and several fixes merged into one block.
import type { Fix, Violation } from '../gate/gate-types';
import { fixLinesOf } from '../security/assessor-knowledge';
import { lineKey } from '../unit/directive-key';

/** What the caller knows about the unit or its profile that makes a fix more precise. */
export interface FixHint {
  /**
   * Address families the unit's profile allows. The allow-list fix for exotic sockets
   * (RestrictAddressFamilies_OTHER) names these instead of `AF_UNIX AF_INET AF_INET6`.
   */
  addressFamilies?: string[];
}

/** Families the exotic-socket allow list may keep: anything else is "other" to systemd. */
const NON_EXOTIC_FAMILIES = new Set([
  'AF_UNIX',
  'AF_LOCAL',
  'AF_FILE',
  'AF_INET',
  'AF_INET6',
  'AF_NETLINK',
  'AF_PACKET',
]);

function copy(fix: Fix): Fix {
  return { directives: [...fix.directives], explanation: fix.explanation };
}

/**
 * The directive lines that make one assessor row pass (badness 0), e.g. `ProtectSystem` →
 * `ProtectSystem=strict`. Undefined for a json_field no supported systemd version has.
 */
export function fixForRow(jsonField: string, hint?: FixHint): Fix | undefined {
  const fix = fixLinesOf(jsonField);
  if (!fix) return undefined;
  if (jsonField === 'RestrictAddressFamilies_OTHER' && hint?.addressFamilies) {
    const families = hint.addressFamilies.filter((f) => NON_EXOTIC_FAMILIES.has(f));
    if (families.length > 0) {
      return {
        directives: [`RestrictAddressFamilies=${families.join(' ')}`],
        explanation: `An allow list of the families the profile allows; it must replace any deny-list (\`RestrictAddressFamilies=~…\`) line, which an allow list after it cannot undo.`,
      };
    }
  }
  return copy(fix);
}

/** What a fix is derived from: a violation or the finding made of it (findings.ts). */
export type FixSource = Pick<Violation, 'check' | 'fix'> & { kind: string };

/**
 * The fix to show for a violation: the gate's own when it set one, otherwise one derived from the check
 * (an assessor row, a `Directive=value` requirement, a capability or address family). Undefined for
 * violations no directive can fix (load errors, sign-off, invalid deviation notes).
 */
export function fixForViolation(violation: FixSource, hint?: FixHint): Fix | undefined {
  // The gate verified its fixes (verify-fixes.ts): one with no lines means none passed, and a guess
  // from the check must not take its place.
  if (violation.fix) return violation.fix.directives.length > 0 ? violation.fix : undefined;
  const row = fixForRow(violation.check, hint);
  if (row) return row;
  if (violation.kind === 'missing-directive' && violation.check.includes('=')) {
    return { directives: [violation.check], explanation: `The profile requires \`${violation.check}\`.` };
  }
  if (violation.kind === 'forbidden-capability' && /^CAP_[A-Z_]+$/.test(violation.check)) {
    return {
      directives: [`CapabilityBoundingSet=~${violation.check}`, `AmbientCapabilities=~${violation.check}`],
      explanation: `Drops ${violation.check}, which the profile does not allow.`,
    };
  }
  if (violation.kind === 'forbidden-address-family' && /^AF_[A-Z0-9_]+$/.test(violation.check)) {
    return {
      directives: [`RestrictAddressFamilies=~${violation.check}`],
      explanation: `Forbids ${violation.check} sockets, which the profile does not allow.`,
    };
  }
  return violation.fix;
}

/** Empty assignments reset a list, allow lists start one, `~` deny lists subtract from it. */
function pasteRank(line: string): number {
  const value = line.slice(line.indexOf('=') + 1);
  if (value === '') return 0;
  return value.startsWith('~') ? 2 : 1;
}

/**
 * All directive lines of several fixes as one block to paste: duplicates removed, and for each
 * directive resets first, then allow lists, then `~` deny lists — the order in which systemd's list
 * parsers (config_parse_address_families(), config_parse_syscall_filter()…) combine them as intended.
 */
export function mergeFixes(fixes: readonly Fix[]): string[] {
  const lines: string[] = [];
  for (const f of fixes) for (const d of f.directives) if (!lines.includes(d)) lines.push(d);
  const firstSeen = new Map<string, number>();
  lines.forEach((l, i) => {
    const key = lineKey(l);
    if (!firstSeen.has(key)) firstSeen.set(key, i);
  });
  return lines
    .map((line, i) => ({ line, i, key: firstSeen.get(lineKey(line)) ?? i }))
    .sort((a, b) => a.key - b.key || pasteRank(a.line) - pasteRank(b.line) || a.i - b.i)
    .map((x) => x.line);
}
