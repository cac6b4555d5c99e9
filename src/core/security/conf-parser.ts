// What a directive parser works with and how it logs: the unit being loaded and its facts, log_syntax()
// warnings and fatal errors, config_parse_line()'s unknown keys (src/shared/conf-parser.c) and
// unit_full_printf() (src/core/unit-printf.c), v252–v262.
import type { Assignment, Diagnostic, DiagnosticKind } from '../unit/parse-unit-file';
import type { LoadedUnit } from '../unit/load-unit';
import { expandSpecifiers, type SpecifierContext, type SpecifierResult } from '../unit/specifiers';
import { isKnownKey, suggestKey, versionAddingKey } from './unit-keys';
import type { SystemdRelease, VersionTraits } from './versions';
import type { ExecLineOptions } from './exec-command';
import type { CredentialMap } from './credentials';
import type { CapabilityMask } from './capability-util';
import type { PrefixEntry } from './in-addr-prefix';
import type { SettingsRecord } from './settings-record';
import type { SocketPort } from './load-fragment-triggers';

export interface ServiceFacts {
  type: string | undefined;
  execStart: number;
  execStop: number;
  successAction: string;
  restart: string;
  remainAfterExit: boolean;
  exitType: string;
  busName: string | undefined;
  pamName: string | undefined;
  killMode: string;
  /** Credential name → encrypted, for LoadCredential*= and SetCredential*= (two separate lists). */
  loadCredentials?: CredentialMap;
  setCredentials?: CredentialMap;
  mountImages: number;
  /** The Listen*= values socket_verify() sees (those that parsed), after the last reset. */
  ports: SocketPort[];
  /** Socket Accept=, Service= (a loadable service was named), MaxConnections=, Symlinks= (paths kept). */
  accept: boolean;
  socketService: boolean;
  maxConnections: number;
  symlinks: number;
  /** Timer values that parsed (after the last empty assignment), OnClockChange=, OnTimezoneChange=. */
  timerValues: number;
  onClockChange: boolean;
  onTimezoneChange: boolean;
  pathTriggers: number;
  /** WorkingDirectory=~ and PrivatePIDs= (read by unit_verify_contexts(), v257+). */
  workingDirectoryHome: boolean;
  privatePids: boolean;
  /** Mount/Swap What=, Mount/Automount Where= (as parsed; undefined when unset). */
  what: string | undefined;
  where: string | undefined;
  /** Automount ExtraOptions=, Mount Options= and Type=. */
  extraOptions: string | undefined;
  options: string | undefined;
  fstype: string | undefined;
}

export type Outcome = 'ok' | 'fatal';

export interface Context {
  unit: LoadedUnit;
  traits: VersionTraits;
  profile: SystemdRelease;
  s: SettingsRecord;
  facts: ServiceFacts;
  diagnostics: Diagnostic[];
  capabilityNames: Map<string, number>;
  knownCapabilityMask: CapabilityMask;
  familyNames: Map<string, number>;
  syscallArchitectures: Set<string>;
  knownSyscalls: Set<string>;
  /** The profile's system call groups, by name. */
  syscallGroups: Map<string, readonly string[]>;
  ipPrefixes: { allow: PrefixEntry[]; deny: PrefixEntry[] };
  ipFilterPaths: { ingress: number; egress: number };
  /** unit_full_printf()'s view of this unit. */
  specifierContext: SpecifierContext;
  /** parseExecLine()'s options for this unit (made by the first Exec*= line). */
  execOptions?: ExecLineOptions;
  /** Whether the assignments being applied are the main file's (its errors refuse the unit). */
  inMainFile: boolean;
  /**
   * Set by a parser that returns an error other than -ENOEXEC (config_parse_image_policy()'s -EBADSLT…):
   * its strerror() text. unit_load_fragment() then fails the load with it instead of logging "fatal error".
   */
  fatalReason?: string;
}

export type Handler = (ctx: Context, a: Assignment) => Outcome;

/**
 * Logs a warning about an assignment. Unless told otherwise, a message that says systemd ignores the
 * value (or a part of it) is an invalid value; the others (deprecations, conversions) are `other`.
 */
export function warn(ctx: Context, a: Assignment, message: string, kind?: DiagnosticKind): Outcome {
  ctx.diagnostics.push({
    file: a.file,
    line: a.line,
    column: a.column,
    severity: 'warning',
    message,
    kind: kind ?? (/ignor/i.test(message) ? 'invalid-value' : 'other'),
    key: a.key,
    section: a.section,
    value: a.value,
  });
  return 'ok';
}

/**
 * config_parse_line() (conf-parser.c, v252–v262) finds no parser for the key in this section: "Unknown
 * key", unless it is an `X-` extension. Classified for the gate: known to a later version, known in
 * another section of this unit, or unknown (with the nearest known key).
 */
export function unknownKey(ctx: Context, a: Assignment, sections: readonly string[]): void {
  if (a.key.startsWith('X-') || isKnownKey(ctx.profile.version, a.section, a.key)) return;
  const message = `Unknown key '${a.key}' in section [${a.section}], ignoring.`;
  const d: Diagnostic = {
    file: a.file,
    line: a.line,
    column: a.column,
    severity: 'warning',
    message,
    kind: 'unknown-key',
    key: a.key,
    section: a.section,
    value: a.value,
  };
  const addedIn = versionAddingKey(a.section, a.key);
  const elsewhere = sections.find((s) => s !== a.section && isKnownKey(ctx.profile.version, s, a.key));
  if (addedIn !== undefined) {
    d.kind = 'key-unknown-to-version';
    d.addedIn = addedIn;
  } else if (elsewhere !== undefined) {
    d.kind = 'wrong-section';
    d.expectedSection = elsewhere;
  } else {
    const suggestion = suggestKey(a.section, a.key);
    if (suggestion !== undefined) d.suggestion = suggestion;
  }
  ctx.diagnostics.push(d);
}

/**
 * An error that ends the file: config_parse() returns the parser's error (conf-parser.c, v252–v262). In
 * the main file -ENOEXEC refuses the unit ("bad setting"), any other error (`reason`, its strerror()
 * text) fails the load; a drop-in only loses the rest of its lines (unit_load_dropin() ignores it).
 */
export function fatal(ctx: Context, a: Assignment, message: string, reason?: string): Outcome {
  if (reason !== undefined) ctx.fatalReason = reason;
  ctx.diagnostics.push({
    file: a.file,
    line: a.line,
    column: a.column,
    severity: 'error',
    message,
    kind: ctx.inMainFile ? 'refused-unit' : 'invalid-value',
    key: a.key,
    section: a.section,
    value: a.value,
  });
  return 'fatal';
}

/**
 * How the release words a value its parser could not parse: v252–v255 word it per parser (`legacy`,
 * e.g. "Failed to parse boolean value, ignoring: VALUE"); from v256 most parsers log through
 * log_syntax_parse_error() (src/shared/conf-parser.h): "Failed to parse KEY=VALUE, ignoring:" and the
 * error (-EINVAL for every caller here), without ", ignoring" where the failure is fatal.
 */
export function parseFailureMessage(
  ctx: Context,
  a: Assignment,
  legacy: string,
  options: { value?: string; fatal?: boolean } = {},
): string {
  if (!ctx.traits.logSyntaxParseError) return legacy;
  const setting = `${a.key}=${options.value ?? a.value}`;
  return options.fatal
    ? `Failed to parse ${setting}: Invalid argument`
    : `Failed to parse ${setting}, ignoring: Invalid argument`;
}

/** Warns that `value` (the assignment's, or what specifier expansion made of it) could not be parsed. */
export function parseFailure(ctx: Context, a: Assignment, value: string, legacy: string): Outcome {
  return warn(ctx, a, parseFailureMessage(ctx, a, legacy, { value }), 'invalid-value');
}

/** unit_full_printf() for this unit and version. */
export function expand(ctx: Context, value: string): SpecifierResult {
  return expandSpecifiers(value, ctx.specifierContext);
}

export function specifiers(ctx: Context, a: Assignment, value: string): string | undefined {
  const r = expand(ctx, value);
  if (r.ok) return r.value;
  warn(
    ctx,
    a,
    `Failed to resolve unit specifiers in ${value}: unknown specifier ${r.specifier}`,
    'invalid-value',
  );
  return undefined;
}
