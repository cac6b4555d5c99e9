// What a directive parser works with and how it logs: the unit being loaded and its facts, log_syntax()
// warnings and fatal errors, config_parse_line()'s unknown keys (src/shared/conf-parser.c) and
// unit_full_printf() (src/core/unit-printf.c), v252–v262.
import type { Assignment, Diagnostic, DiagnosticKind } from '../unit/parse-unit-file';
import type { LoadedUnit } from '../unit/load-unit';
import { isStrictUserName, parseUid } from '../unit/unit-name';
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
  /** The assignment being applied (where messages logged without a line are recorded). */
  current?: Assignment;
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
  ctx.diagnostics.push(
    located(a, {
      file: a.file,
      line: a.line,
      column: a.column,
      severity: 'warning',
      message,
      kind: kind ?? (/ignor/i.test(message) ? 'invalid-value' : 'other'),
      key: a.key,
      section: a.section,
      value: a.value,
    }),
  );
  return 'ok';
}

/** A diagnostic about a continued assignment names its last line, as systemd does (config_parse()). */
function located(a: Assignment, d: Diagnostic): Diagnostic {
  if (a.lastLine !== undefined) d.logLine = a.lastLine;
  return d;
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
  ctx.diagnostics.push(located(a, d));
}

/**
 * A message systemd logs without the file and line (log_notice()/log_struct(), not log_syntax()), at
 * the point the assignment is parsed; its location is ours.
 */
export function unlocatedWarn(ctx: Context, a: Assignment, message: string): Outcome {
  ctx.diagnostics.push({
    file: a.file,
    line: a.line,
    column: a.column,
    severity: 'warning',
    message,
    unlocated: true,
    kind: 'other',
    key: a.key,
    section: a.section,
    value: a.value,
  });
  return 'ok';
}

/**
 * valid_user_group_name() with VALID_USER_RELAX|VALID_USER_WARN (src/basic/user-util.c, v252–v262), for
 * User=, Group= and SupplementaryGroups=: a name accepted only by the relaxed rules is logged, a numeric
 * ID never (it returns before the check).
 */
export function acceptUserGroupName(ctx: Context, a: Assignment, name: string): void {
  if (parseUid(name) === undefined && !isStrictUserName(name))
    unlocatedWarn(
      ctx,
      a,
      `Accepting user/group name '${name}', which does not match strict user/group name rules.`,
    );
}

/** How a parser words a value it rejects, in the releases before log_syntax_parse_error(). */
export interface RejectedValue {
  /** The parser's own words (v252), followed by ", ignoring: VALUE" (or ": VALUE" when critical). */
  ownWords: string;
  /** An enum parser (DEFINE_CONFIG_PARSE_ENUM()): v253–v256 word it "Failed to parse KEY= value". */
  enumParser?: boolean;
  /** A parser that keeps its own words in every release (never moved to log_syntax_parse_error()). */
  keepsOwnWords?: boolean;
  /** The parser's error is fatal (config_parse_bool() with `ltype` set, e.g. DynamicUser=). */
  critical?: boolean;
  /** The value the message names when it is not the assignment's (e.g. after specifier expansion). */
  value?: string;
  /** The parser's error when it is not -EINVAL (log_syntax_parse_error() prints its strerror()). */
  errno?: Errno;
}

/** The errors a value parser returns, with glibc's strerror() text. */
export const STRERROR = {
  EINVAL: 'Invalid argument',
  ERANGE: 'Numerical result out of range',
} as const;
export type Errno = keyof typeof STRERROR;

/**
 * A value the directive's parser rejects, worded as the release words it (VersionTraits
 * valueErrorWording): from v257 log_syntax_parse_error() (src/shared/conf-parser.c), "Failed to parse
 * KEY=VALUE, ignoring: ERROR" ("Failed to parse KEY=VALUE: ERROR" when critical, ERROR the strerror() of
 * the parser's error, "Invalid argument" unless told); before, the parser's own words.
 */
export function rejectValue(ctx: Context, a: Assignment, r: RejectedValue): Outcome {
  const wording = ctx.traits.valueErrorWording;
  const value = r.value ?? a.value;
  if (wording === 'parse-error' && !r.keepsOwnWords) {
    const reason = STRERROR[r.errno ?? 'EINVAL'];
    const message = `Failed to parse ${a.key}=${value}${r.critical ? '' : ', ignoring'}: ${reason}`;
    return r.critical ? fatal(ctx, a, message) : warn(ctx, a, message, 'invalid-value');
  }
  const words =
    wording !== 'own-words' && r.enumParser && !r.keepsOwnWords
      ? `Failed to parse ${a.key}= value`
      : r.ownWords;
  return r.critical
    ? fatal(ctx, a, `${words}: ${value}`)
    : warn(ctx, a, `${words}, ignoring: ${value}`, 'invalid-value');
}

/**
 * An error that ends the file: config_parse() returns the parser's error (conf-parser.c, v252–v262). In
 * the main file -ENOEXEC refuses the unit ("bad setting"), any other error (`reason`, its strerror()
 * text) fails the load; a drop-in only loses the rest of its lines (unit_load_dropin() ignores it).
 */
export function fatal(ctx: Context, a: Assignment, message: string, reason?: string): Outcome {
  if (reason !== undefined) ctx.fatalReason = reason;
  ctx.diagnostics.push(
    located(a, {
      file: a.file,
      line: a.line,
      column: a.column,
      severity: 'error',
      message,
      kind: ctx.inMainFile ? 'refused-unit' : 'invalid-value',
      key: a.key,
      section: a.section,
      value: a.value,
    }),
  );
  return 'fatal';
}

/** unit_full_printf() for this unit and version. */
export function expand(ctx: Context, value: string): SpecifierResult {
  const r = expandSpecifiers(value, ctx.specifierContext);
  if (r.ok && r.deprecated && ctx.current)
    for (const specifier of r.deprecated)
      unlocatedWarn(
        ctx,
        ctx.current,
        `${ctx.specifierContext.unitName}: Specifier '${specifier}' used in unit configuration, which is deprecated. ` +
          'Please update your unit file, as it does not work as intended.',
      );
  return r;
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

/**
 * A message of path_simplify_and_warn() without PATH_CHECK_FATAL: ", ignoring" goes before the path
 * (", ignoring." ends the invalid-length message, which names no path).
 */
export function ignoredPath(message: string): string {
  return message.includes(': ')
    ? message.replace(': ', ', ignoring: ')
    : `${message.endsWith('.') ? message.slice(0, -1) : message}, ignoring.`;
}
