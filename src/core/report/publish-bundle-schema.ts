// The schema of the publish bundle (publish-bundle.ts): what a `workflow_run` run accepts from an
// artifact of the `pull_request` run, strictly (types, sizes, closed objects). The validator is compiled
// ahead of time by scripts/generate-validators.mjs (publish-bundle-validator.generated.ts), with
// publishBundleAjv(), so a run does not pay ajv's compile.
import Ajv, { type Options } from 'ajv';
import { RUN_FINDING_KINDS } from '../gate/gate-types';
import { VIOLATION_KINDS } from '../gate/rules';
import { SUPPORTED_VERSIONS } from '../security/versions';

export const PUBLISH_BUNDLE_VERSION = 'unitgate-publish/1';

const text = (max = 4000) => ({ type: 'string', maxLength: max });
/** A definition used in several places is a `$ref`: ajv then compiles it once, as one function. */
type Definition = 'sourceLocation' | 'location' | 'fix' | 'violation' | 'note' | 'side' | 'change' | 'unit';
const ref = (name: Definition) => ({ $ref: `#/definitions/${name}` });
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
    headAnchor: ref('sourceLocation'),
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
    location: ref('location'),
    weight: { type: 'number' },
    fix: ref('fix'),
    cause: text(200),
    advisory: { type: 'boolean' },
    systemdVersions: { type: 'array', maxItems: 10, uniqueItems: true, items: systemdVersion },
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
    location: ref('sourceLocation'),
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
    location: ref('location'),
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
    base: ref('side'),
    head: ref('side'),
    status: { enum: ['pass', 'fail', 'accepted', 'excluded', 'deleted', 'error'] },
    violations: { type: 'array', maxItems: 500, items: ref('violation') },
    accepted: {
      type: 'array',
      maxItems: 500,
      items: {
        type: 'object',
        required: ['violation', 'note', 'acceptedBy'],
        properties: {
          violation: ref('violation'),
          note: ref('note'),
          acceptedBy: text(400),
          pendingApproval: text(),
        },
        additionalProperties: false,
      },
    },
    changes: { type: 'array', maxItems: 200, items: ref('change') },
    note: text(),
    releases: {
      type: 'array',
      maxItems: 10,
      items: {
        type: 'object',
        required: ['systemdVersion'],
        properties: { systemdVersion, base: ref('side'), head: ref('side') },
        additionalProperties: false,
      },
    },
  },
  additionalProperties: false,
};
const definitions: Record<Definition, object> = {
  sourceLocation,
  location,
  fix,
  violation,
  note,
  side,
  change,
  unit,
};

export const PUBLISH_BUNDLE_SCHEMA = {
  definitions,
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
        systemdVersions: { type: 'array', maxItems: 10, uniqueItems: true, items: systemdVersion },
        maxExposure: { type: 'integer', minimum: 0, maximum: 100 },
        units: { type: 'array', maxItems: 5000, items: ref('unit') },
        notes: { type: 'array', maxItems: 1000, items: ref('note') },
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

/** The ajv the bundle's validator is compiled with: the first error is enough to refuse a bundle. */
export function publishBundleAjv(options: Options = {}): Ajv {
  return new Ajv({ ...options, allErrors: false, strict: true, allowUnionTypes: true, inlineRefs: false });
}
