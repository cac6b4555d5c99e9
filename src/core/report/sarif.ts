// Verdict → a SARIF 2.1.0 log for GitHub code scanning: one run, one rule per violation kind plus one
// per assessor row a finding is about, results on the exact lines, accepted deviations as suppressed
// notes, fingerprints that survive line moves. A clean verdict is a valid log with no results.
import type { GateVerdict, ViolationKind } from '../gate/gate-types';
import { collectFindings, isUnitFinding, locationOf, type Finding, type UnitFinding } from '../gate/findings';
import { isSupportedVersion, systemdRelease, type AssessorData } from '../security/versions';
import { baseLineNote, headPlace } from '../gate/locations';
import { ruleOfKind, VIOLATION_KINDS, type RuleKind } from '../gate/rules';
import type { RuleSarifText } from '../gate/rules/policy-rule';
import { describeNote, titleOfKind } from './annotations';
import { codeBlock, encodeUriPath } from './escape-markdown';
import { fixForRow, fixForViolation } from '../advice/fixes';
import { utf8Bytes } from './utf8';

export const SARIF_SCHEMA_URI =
  'https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json';
/** The base every result URI is relative to: the repository root. */
export const SRCROOT = '%SRCROOT%';
/** Key of our entry in `partialFingerprints`. */
export const FINGERPRINT_KEY = 'unitgate/v1';

export interface SarifOptions {
  toolVersion: string;
  /** Code scanning category (`runs[0].automationDetails.id` is `<category>/`), e.g. `unitgate`. */
  category: string;
  /** Where the tool is documented (tool.driver.informationUri and each unitgate rule's helpUri). */
  informationUri: string;
  /** Absolute `file:` URI of the checkout, if known; otherwise %SRCROOT% is only described. */
  srcRoot?: string;
}

export type SarifLevel = 'error' | 'warning' | 'note' | 'none';

/**
 * What every SARIF run unitgate writes starts with (the gate's and drift's): the tool with its rules,
 * the code scanning category, and %SRCROOT% (a `file:` URI when known, else only described).
 */
export function sarifRunHead<Rule>(options: SarifOptions, rules: Rule[]) {
  const srcRoot = options.srcRoot
    ? options.srcRoot.endsWith('/')
      ? options.srcRoot
      : options.srcRoot + '/'
    : undefined;
  return {
    tool: {
      driver: {
        name: 'unitgate',
        version: options.toolVersion,
        ...(/^\d+\.\d+\.\d+/.test(options.toolVersion) ? { semanticVersion: options.toolVersion } : {}),
        informationUri: options.informationUri,
        rules,
      },
    },
    automationDetails: { id: `${options.category}/` },
    originalUriBaseIds: {
      [SRCROOT]: srcRoot
        ? { uri: srcRoot }
        : { description: { text: 'The root of the repository checkout.' } },
    },
  };
}

export interface SarifMessage {
  text: string;
  markdown?: string;
}

export interface SarifRule {
  id: string;
  name: string;
  shortDescription: SarifMessage;
  fullDescription: SarifMessage;
  help: SarifMessage;
  helpUri: string;
  defaultConfiguration: { level: SarifLevel };
  properties: { tags: string[] };
}

export interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: SarifLevel;
  message: SarifMessage;
  locations: {
    physicalLocation: {
      artifactLocation: { uri: string; uriBaseId: string };
      region: { startLine: number; startColumn?: number };
    };
  }[];
  partialFingerprints: Record<string, string>;
  suppressions?: { kind: 'external'; status: 'accepted'; justification: string }[];
  properties: Record<string, unknown>;
}

export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: {
    tool: {
      driver: {
        name: string;
        version: string;
        semanticVersion?: string;
        informationUri: string;
        rules: SarifRule[];
      };
    };
    automationDetails: { id: string };
    originalUriBaseIds: Record<string, { uri?: string; description?: SarifMessage }>;
    invocations: {
      executionSuccessful: boolean;
      toolExecutionNotifications?: { level: SarifLevel; message: SarifMessage }[];
    }[];
    columnKind: 'utf16CodeUnits';
    results: SarifResult[];
    properties: Record<string, unknown>;
  }[];
}

/** Every kind, in a fixed order so rule indices are stable. */
const KINDS: readonly ViolationKind[] = VIOLATION_KINDS;

/** SARIF texts of the kinds the gate decides itself; each policy rule brings its own (gate/rules/*). */
const KIND_RULES: Record<Exclude<ViolationKind, RuleKind>, RuleSarifText> = {
  'regression-exposure': {
    name: 'ExposureRegressed',
    full: "The unit's exposure score rose compared with the base commit.",
    help: 'Restore the hardening the change removed (the finding lists the directives), or record an accepted deviation.',
  },
  'regression-row': {
    name: 'AssessorRowRegressed',
    full: 'One systemd-analyze security row got worse compared with the base commit.',
    help: 'Restore the directive the finding names, or record an accepted deviation.',
  },
  'signoff-required': {
    name: 'SignoffRequired',
    full: 'A guarded directive changed without an approving review from the people the policy names.',
    help: 'Ask one of the approvers named in the finding for an approving review.',
  },
  'load-error': {
    name: 'UnitFailsToLoad',
    full: 'systemd would refuse to load the unit as it is at the head commit.',
    help: 'Fix the unit file syntax or the directive the finding names.',
  },
  'invalid-deviation': {
    name: 'InvalidDeviationNote',
    full: 'A deviation note is expired, incomplete or from a source the policy does not accept.',
    help: 'Complete the note (reason, owner, expiry within the allowed window) or remove it.',
  },
  'phantom-setting': {
    name: 'PhantomSetting',
    full: 'A line systemd ignores: an unknown key, a key the systemd version does not know, a key in the wrong section or a value systemd does not accept.',
    help: 'Fix the spelling, section or value (see the message), or remove the line: the unit does not get the protection it appears to ask for.',
  },
  'profile-change': {
    name: 'ProfileChanged',
    full: "The unit's profile differs from the one it had at the base commit (a profile comment, or a move to a path another policy glob matches), or a new unit carries a profile comment, which is ignored.",
    help: 'Keep the unit under its profile, change the policy instead, or have an owner approve a deviation note with `check: profile-change`.',
  },
  'unknown-profile': {
    name: 'UnknownProfile',
    full: 'A `# unitgate: profile=` comment names no profile of the policy; the gate does not fall back to the default profile.',
    help: 'Name a profile the policy defines, or remove the comment.',
  },
};

const U64 = (1n << 64n) - 1n;

/** FNV-1a, 64 bit, over the UTF-8 bytes of `text`: 16 lowercase hex digits. */
export function fnv1a64(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (const b of utf8Bytes(text)) {
    h ^= BigInt(b);
    h = (h * 0x100000001b3n) & U64;
  }
  return h.toString(16).padStart(16, '0');
}

function kindRule(kind: ViolationKind, informationUri: string): SarifRule {
  const r = ruleOfKind(kind)?.sarif ?? KIND_RULES[kind as Exclude<ViolationKind, RuleKind>];
  return {
    id: `unitgate/${kind}`,
    name: r.name,
    shortDescription: { text: titleOfKind(kind) },
    fullDescription: { text: r.full },
    help: { text: `${r.full} ${r.help}`, markdown: `${r.full}\n\n**Fix:** ${r.help}` },
    helpUri: informationUri,
    defaultConfiguration: { level: 'error' },
    properties: { tags: ['security', 'systemd', 'hardening', kind] },
  };
}

function assessorRule(a: AssessorData): SarifRule {
  const fix = fixForRow(a.jsonField);
  const full =
    `systemd-analyze security row ${a.name} (weight ${a.weight}, range ${a.range})` +
    (a.descriptionBad ? `: fails when "${a.descriptionBad}".` : '.');
  const fixText = fix ? ` Fix: add ${fix.directives.join(' and ')}. ${fix.explanation}` : '';
  const fixMarkdown = fix ? `\n\n**Fix:** ${fix.explanation}\n\n${codeBlock(fix.directives, 'ini')}` : '';
  return {
    id: `systemd/${a.jsonField}`,
    name: a.jsonField.replace(/[^A-Za-z0-9_]/g, ''),
    shortDescription: { text: `${a.name} hardening` },
    fullDescription: { text: full },
    help: { text: full + fixText, markdown: `${full}${fixMarkdown}\n\nSee [${a.name}](${a.url}).` },
    helpUri: a.url,
    defaultConfiguration: { level: 'error' },
    properties: { tags: ['security', 'systemd', 'hardening', 'assessor'] },
  };
}

function messageText(f: UnitFinding): string {
  // A removed line sits at its head anchor in SARIF: the message names the line at the base commit.
  const message = f.message + baseLineNote(locationOf(f));
  if (f.level === 'notice') return `accepted deviation: ${message} — ${describeNote(f.note ?? {})}`;
  const fix = fixForViolation(f);
  if (!fix || fix.directives.length === 0) return message;
  return `${message}\nFix — add to [Service] (or a drop-in):\n${fix.directives.join('\n')}\n${fix.explanation}`;
}

/**
 * The verdict as a SARIF 2.1.0 log (an object; serialise with JSON.stringify). Results: `error` for
 * failing findings, `warning` for advisory ones (and all in `report` mode), `note` with an accepted
 * external suppression for accepted deviations.
 */
export function renderSarif(
  verdict: GateVerdict,
  options: SarifOptions,
  all: readonly Finding[] = collectFindings(verdict),
): SarifLog {
  const version = isSupportedVersion(verdict.systemdVersion) ? verdict.systemdVersion : 252;
  const assessors = new Map(systemdRelease(version).data.assessors.map((a) => [a.jsonField, a]));
  const profiles = new Map(verdict.units.map((u) => [u.path, u.profile]));
  const findings = all.filter(isUnitFinding);

  const rules: SarifRule[] = KINDS.map((k) => kindRule(k, options.informationUri));
  const assessorIds = [
    ...new Set(findings.map((f) => f.ruleId).filter((id) => id.startsWith('systemd/'))),
  ].sort();
  for (const id of assessorIds) {
    const a = assessors.get(id.slice('systemd/'.length));
    if (a) rules.push(assessorRule(a));
  }
  const index = new Map(rules.map((r, i) => [r.id, i]));

  const results: SarifResult[] = findings.map((f) => {
    const level: SarifLevel = f.level === 'notice' ? 'note' : f.level;
    // SARIF locations are head files: a removed line is placed at its head anchor.
    const at = headPlace(locationOf(f));
    const region: { startLine: number; startColumn?: number } = { startLine: Math.max(1, at.line) };
    if (at.column > 0) region.startColumn = at.column;
    const result: SarifResult = {
      ruleId: f.ruleId,
      ruleIndex: index.get(f.ruleId) as number,
      level,
      message: { text: messageText(f) },
      locations: [
        {
          physicalLocation: {
            artifactLocation: {
              uri: encodeUriPath(at.file.replace(/^(\.\/)+/, '')),
              uriBaseId: SRCROOT,
            },
            region,
          },
        },
      ],
      // Stable across line moves: the unit, the check and the kind, never a line number.
      partialFingerprints: { [FINGERPRINT_KEY]: fnv1a64(`${f.unit}\0${f.check}\0${f.kind}`) },
      properties: {
        unit: f.unit,
        unitId: f.unitId,
        profile: profiles.get(f.unit) ?? '',
        kind: f.kind,
        check: f.check,
        directives: f.directives,
        advisory: f.advisory,
        weight: f.weight,
        ...(f.systemdVersions ? { systemdVersions: f.systemdVersions } : {}),
      },
    };
    if (f.level === 'notice')
      result.suppressions = [
        { kind: 'external', status: 'accepted', justification: describeNote(f.note ?? {}) },
      ];
    return result;
  });

  const notifications = verdict.messages.map((m) => ({ level: 'note' as const, message: { text: m } }));
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        ...sarifRunHead(options, rules),
        invocations: [
          {
            executionSuccessful: true,
            ...(notifications.length > 0 ? { toolExecutionNotifications: notifications } : {}),
          },
        ],
        columnKind: 'utf16CodeUnits',
        results,
        properties: {
          result: verdict.result,
          mode: verdict.mode,
          systemdVersion: verdict.systemdVersion,
          ...(verdict.systemdVersions ? { systemdVersions: verdict.systemdVersions } : {}),
          ...(verdict.maxExposure !== undefined ? { maxExposure: verdict.maxExposure } : {}),
        },
      },
    ],
  };
}
