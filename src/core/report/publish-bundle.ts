// The fork-safe hand-over between the two workflows: the `pull_request` run (read-only token, runs
// with the PR's code) writes its verdict as a bundle file for upload-artifact; a `workflow_run` run
// (write token, never checks out PR code) reads it back and publishes. The bundle is untrusted input
// there, so it is validated strictly (types, sizes, repository, pull request, commit) and every text
// in it is escaped again when the comment and check run are rendered from it.
import Ajv from 'ajv';
import { RUN_FINDING_KINDS, type GateVerdict } from '../gate/gate-types';
import { VIOLATION_KINDS } from '../gate/rules';
import type { Trend } from '../trend/trend';
import { SUPPORTED_VERSIONS } from '../security/versions';

export const PUBLISH_BUNDLE_VERSION = 'unitgate-publish/1';
export const PUBLISH_BUNDLE_FILE = 'unitgate-publish.json';
/** A bundle larger than this is refused before parsing. */
export const MAX_BUNDLE_BYTES = 8 * 1024 * 1024;

export interface PublishBundle {
  version: typeof PUBLISH_BUNDLE_VERSION;
  repository: string;
  pullNumber: number;
  headSha: string;
  /** The merge base the units were compared with: removed lines link to it. */
  baseSha?: string;
  /** The `pull_request` run whose job summary has every finding. */
  runUrl?: string;
  /** That run's id: stamps the comment so an older run never overwrites a newer one. */
  runId?: number;
  /** Rendered markdown would not be trusted: the trend travels as data and is rendered again. */
  trend?: Trend;
  verdict: GateVerdict;
}

const text = (max = 4000) => ({ type: 'string', maxLength: max });
const systemdVersion = { enum: [...SUPPORTED_VERSIONS] };
const sourceLocation = {
  type: 'object',
  required: ['file', 'line', 'column'],
  properties: {
    file: text(1024),
    line: { type: 'integer', minimum: 0 },
    column: { type: 'integer', minimum: 0 },
  },
  additionalProperties: false,
};
/** A finding's location: a base-commit line also says where it is anchored at head. */
const location = {
  ...sourceLocation,
  properties: {
    ...sourceLocation.properties,
    side: { enum: ['base', 'head'] },
    headAnchor: sourceLocation,
  },
};
const fix = {
  type: 'object',
  required: ['directives', 'explanation'],
  properties: {
    directives: { type: 'array', maxItems: 200, items: text(1000) },
    explanation: text(),
    exposureAfter: { type: 'integer', minimum: 0, maximum: 100 },
  },
  additionalProperties: false,
};
const violation = {
  type: 'object',
  required: ['kind', 'check', 'directives', 'message', 'location', 'weight', 'advisory'],
  properties: {
    kind: { enum: [...VIOLATION_KINDS] },
    check: text(200),
    directives: { type: 'array', maxItems: 50, items: text(200) },
    message: text(),
    location,
    weight: { type: 'number' },
    fix,
    cause: text(200),
    advisory: { type: 'boolean' },
  },
  additionalProperties: false,
};
const note = {
  type: 'object',
  required: ['source', 'unit', 'problems'],
  properties: {
    source: { enum: ['pr-body', 'unit-file'] },
    unit: text(1024),
    check: text(200),
    reason: text(),
    owner: text(200),
    expires: text(40),
    ticket: text(200),
    location: sourceLocation,
    problems: { type: 'array', maxItems: 50, items: text() },
    approvedBy: text(400),
    unapproved: text(),
    pendingApproval: text(),
  },
  additionalProperties: false,
};
const side = {
  type: 'object',
  required: ['exposure', 'level', 'badness'],
  properties: {
    exposure: { type: 'integer', minimum: 0, maximum: 100 },
    level: text(20),
    badness: { type: 'object', maxProperties: 200, additionalProperties: { type: ['integer', 'null'] } },
  },
  additionalProperties: false,
};
const change = {
  type: 'object',
  required: ['jsonField', 'name', 'delta', 'location', 'summary'],
  properties: {
    jsonField: text(200),
    name: text(200),
    baseBadness: { type: 'integer' },
    headBadness: { type: 'integer' },
    delta: { type: 'number' },
    location,
    summary: text(),
  },
  additionalProperties: true,
};
const unit = {
  type: 'object',
  required: ['path', 'unitId', 'profile', 'threshold', 'status', 'violations', 'accepted', 'changes'],
  properties: {
    path: text(1024),
    previousPath: text(1024),
    unitId: text(512),
    profile: text(200),
    threshold: { type: 'integer', minimum: 0, maximum: 100 },
    base: side,
    head: side,
    status: { enum: ['pass', 'fail', 'accepted', 'excluded', 'deleted', 'error'] },
    violations: { type: 'array', maxItems: 500, items: violation },
    accepted: {
      type: 'array',
      maxItems: 500,
      items: {
        type: 'object',
        required: ['violation', 'note', 'acceptedBy'],
        properties: { violation, note, acceptedBy: text(400), pendingApproval: text() },
        additionalProperties: false,
      },
    },
    changes: { type: 'array', maxItems: 200, items: change },
    note: text(),
  },
  additionalProperties: false,
};
const schema = {
  type: 'object',
  required: ['version', 'repository', 'pullNumber', 'headSha', 'verdict'],
  properties: {
    version: { const: PUBLISH_BUNDLE_VERSION },
    repository: { type: 'string', pattern: '^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$' },
    pullNumber: { type: 'integer', minimum: 1 },
    headSha: { type: 'string', pattern: '^[0-9a-f]{40}$' },
    baseSha: { type: 'string', pattern: '^[0-9a-f]{40}$' },
    runUrl: {
      type: 'string',
      maxLength: 500,
      pattern: '^https://[A-Za-z0-9.-]+(:[0-9]+)?/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+/actions/runs/[0-9]+$',
    },
    runId: { type: 'integer', minimum: 1 },
    trend: {
      type: 'object',
      required: ['pattern', 'versions', 'releases', 'units'],
      properties: {
        pattern: text(200),
        versions: { type: 'array', maxItems: 10, items: systemdVersion },
        releases: {
          type: 'array',
          maxItems: 60,
          items: {
            type: 'object',
            required: ['kind', 'label', 'commit', 'systemdVersion'],
            properties: {
              kind: { enum: ['tag', 'base', 'head'] },
              label: text(200),
              commit: { type: 'string', pattern: '^[0-9a-f]{40}$' },
              systemdVersion,
            },
            additionalProperties: false,
          },
        },
        units: {
          type: 'array',
          maxItems: 2000,
          items: {
            type: 'object',
            required: ['unitPath', 'unitId', 'points'],
            properties: {
              unitPath: text(1024),
              unitId: text(512),
              points: {
                type: 'array',
                maxItems: 60,
                items: {
                  type: 'object',
                  required: ['label', 'commit', 'exposure', 'level', 'systemdVersion'],
                  properties: {
                    label: text(200),
                    commit: { type: 'string', pattern: '^[0-9a-f]{40}$' },
                    exposure: { type: ['integer', 'null'], minimum: 0, maximum: 100 },
                    level: { type: ['string', 'null'], maxLength: 20 },
                    systemdVersion,
                    error: text(),
                  },
                  additionalProperties: false,
                },
              },
            },
            additionalProperties: false,
          },
        },
      },
      additionalProperties: false,
    },
    verdict: {
      type: 'object',
      required: ['result', 'mode', 'systemdVersion', 'units', 'notes', 'messages'],
      properties: {
        result: { enum: ['pass', 'fail'] },
        mode: { enum: ['enforce', 'report', 'ratchet'] },
        systemdVersion,
        maxExposure: { type: 'integer', minimum: 0, maximum: 100 },
        units: { type: 'array', maxItems: 5000, items: unit },
        notes: { type: 'array', maxItems: 1000, items: note },
        messages: { type: 'array', maxItems: 1000, items: text() },
        latestExpiry: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
        runFindings: {
          type: 'array',
          maxItems: 1000,
          items: {
            type: 'object',
            required: ['kind', 'level', 'message'],
            properties: {
              kind: { enum: [...RUN_FINDING_KINDS] },
              level: { enum: ['error', 'warning'] },
              message: text(),
            },
            additionalProperties: false,
          },
        },
      },
      additionalProperties: false,
    },
  },
  additionalProperties: false,
};

const validate = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true }).compile(schema);

export function createPublishBundle(
  verdict: GateVerdict,
  meta: Pick<
    PublishBundle,
    'repository' | 'pullNumber' | 'headSha' | 'baseSha' | 'runUrl' | 'runId' | 'trend'
  >,
): PublishBundle {
  return {
    version: PUBLISH_BUNDLE_VERSION,
    repository: meta.repository,
    pullNumber: meta.pullNumber,
    headSha: meta.headSha,
    ...(meta.baseSha !== undefined ? { baseSha: meta.baseSha } : {}),
    // Without them the published comment would lose its run link and its revision stamp (so an older
    // run's bundle could overwrite a newer comment), and differ from the one the direct mode posts.
    ...(meta.runUrl !== undefined ? { runUrl: meta.runUrl } : {}),
    ...(meta.runId !== undefined ? { runId: meta.runId } : {}),
    ...(meta.trend ? { trend: meta.trend } : {}),
    verdict,
  };
}

export type BundleCheck = { ok: true; bundle: PublishBundle } | { ok: false; error: string };

/**
 * Parses and checks a bundle from an artifact. `expected` comes from the trusted `workflow_run`
 * event: the bundle must be for this repository, and for the run's pull request and head commit.
 */
export function parsePublishBundle(
  text: string,
  expected: { repository: string; pullNumbers: number[]; headSha?: string },
): BundleCheck {
  if (text.length > MAX_BUNDLE_BYTES)
    return { ok: false, error: `the bundle is larger than ${MAX_BUNDLE_BYTES} bytes` };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `the bundle is not JSON: ${(e as Error).message}` };
  }
  if (!validate(doc)) {
    const first = validate.errors?.[0];
    return {
      ok: false,
      error: `the bundle is malformed at ${first?.instancePath || '/'}: ${first?.message ?? 'invalid'}`,
    };
  }
  const bundle = doc as unknown as PublishBundle;
  if (bundle.repository.toLowerCase() !== expected.repository.toLowerCase()) {
    return { ok: false, error: `the bundle is for ${bundle.repository}, not ${expected.repository}` };
  }
  if (
    bundle.runUrl &&
    !bundle.runUrl.toLowerCase().includes(`/${expected.repository.toLowerCase()}/actions/runs/`)
  ) {
    return { ok: false, error: `the bundle's run link is not a run of ${expected.repository}` };
  }
  if (!expected.pullNumbers.includes(bundle.pullNumber)) {
    return {
      ok: false,
      error: `the bundle is for pull request #${bundle.pullNumber}, which did not trigger this run`,
    };
  }
  if (expected.headSha && bundle.headSha !== expected.headSha) {
    return {
      ok: false,
      error: `the bundle is for commit ${bundle.headSha.slice(0, 12)}, the run is for ${expected.headSha.slice(0, 12)}`,
    };
  }
  return { ok: true, bundle };
}
