#!/usr/bin/env node
// Writes __tests__/fixtures/github-openapi.json: GitHub's official OpenAPI description
// (@octokit/openapi, generated/api.github.com.json) cut down to the operations unitgate calls and
// the components they reference, with the fixes ajv needs. The fake GitHub of the end-to-end tests
// (__tests__/e2e/fake-github.ts) validates every request and response against it.
// usage: npm install --no-save @octokit/openapi && node scripts/trim-openapi.mjs   (commit the output)
// @octokit/openapi unpacks to ~385 MB, so it is not a dependency: install it only to regenerate.
//        node scripts/trim-openapi.mjs --check  (exit 1 if the committed file is not what it would write)
import { createRequire } from 'node:module';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUTPUT = path.join(ROOT, '__tests__', 'fixtures', 'github-openapi.json');
const require = createRequire(import.meta.url);

/** The operations unitgate uses, as [method, path template exactly as the spec spells it]. */
export const OPERATIONS = [
  ['get', '/repos/{owner}/{repo}/pulls/{pull_number}'],
  ['get', '/repos/{owner}/{repo}/pulls/{pull_number}/files'],
  ['get', '/repos/{owner}/{repo}/pulls/{pull_number}/reviews'],
  ['post', '/repos/{owner}/{repo}/pulls/{pull_number}/reviews'],
  ['get', '/repos/{owner}/{repo}/pulls/{pull_number}/comments'],
  ['post', '/repos/{owner}/{repo}/pulls/{pull_number}/comments'],
  ['get', '/orgs/{org}/teams/{team_slug}/memberships/{username}'],
  ['post', '/repos/{owner}/{repo}/check-runs'],
  ['patch', '/repos/{owner}/{repo}/check-runs/{check_run_id}'],
  ['get', '/repos/{owner}/{repo}/issues/{issue_number}/comments'],
  ['post', '/repos/{owner}/{repo}/issues/{issue_number}/comments'],
  ['patch', '/repos/{owner}/{repo}/issues/comments/{comment_id}'],
  ['delete', '/repos/{owner}/{repo}/issues/comments/{comment_id}'],
  // The sticky issues of scheduled runs (src/io/sticky-issue.ts).
  ['get', '/repos/{owner}/{repo}/issues'],
  ['post', '/repos/{owner}/{repo}/issues'],
  ['patch', '/repos/{owner}/{repo}/issues/{issue_number}'],
  ['get', '/repos/{owner}/{repo}/actions/runs/{run_id}/artifacts'],
  ['get', '/repos/{owner}/{repo}/commits/{commit_sha}/pulls'],
  ['get', '/repos/{owner}/{repo}/commits/{ref}'],
];

/** Schemas the fake uses for error bodies of statuses an operation does not declare (403, 5xx, 429). */
const EXTRA_SCHEMAS = ['basic-error', 'validation-error', 'validation-error-simple'];

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/** Calls `visit` on every `$ref` string under `node`. */
function forEachRef(node, visit) {
  if (Array.isArray(node)) {
    for (const item of node) forEachRef(item, visit);
  } else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') visit(value);
      else forEachRef(value, visit);
    }
  }
}

/**
 * Rewrites a (copied) spec fragment for ajv, in place, and returns it:
 * - drops `example`/`examples` (a few of GitHub's examples fail their own schema, and they are most
 *   of the file's size), but never a *property* that happens to be called so;
 * - `nullable: true` without `type` is an ajv compile error ("nullable" cannot be used without
 *   "type"): rewritten to `anyOf: [schema, {type: 'null'}]`;
 * - a nullable `enum` must list `null` itself for ajv to accept null.
 */
function fixForAjv(node, inPropertyMap = false) {
  if (Array.isArray(node)) return node.map((item) => fixForAjv(item));
  if (!node || typeof node !== 'object') return node;
  for (const key of Object.keys(node)) {
    if (!inPropertyMap && (key === 'example' || key === 'examples')) {
      delete node[key];
      continue;
    }
    node[key] = fixForAjv(node[key], !inPropertyMap && (key === 'properties' || key === 'patternProperties'));
  }
  if (inPropertyMap || node.nullable !== true) return node;
  if (node.type === undefined) {
    const { description, title, ...schema } = node;
    delete schema.nullable;
    return {
      ...(title === undefined ? {} : { title }),
      ...(description === undefined ? {} : { description }),
      anyOf: [schema, { type: 'null' }],
    };
  }
  if (Array.isArray(node.enum) && !node.enum.includes(null)) node.enum.push(null);
  return node;
}

/** Returns the trimmed, ajv-ready document. */
export function trimSpec(spec, operations = OPERATIONS) {
  const paths = {};
  for (const [method, template] of operations) {
    const item = spec.paths[template];
    const operation = item?.[method];
    if (!operation) throw new Error(`${method.toUpperCase()} ${template} is not in the spec`);
    paths[template] ??= Object.fromEntries(Object.entries(item).filter(([key]) => !HTTP_METHODS.has(key)));
    paths[template][method] = operation;
  }

  // Follow $refs transitively from the kept operations (and the extra error schemas).
  const kept = new Set(EXTRA_SCHEMAS.map((name) => `#/components/schemas/${name}`));
  const queue = [...kept];
  const resolve = (ref) => {
    const [, , section, name, ...rest] = ref.split('/');
    if (!ref.startsWith('#/components/') || rest.length > 0 || !section || !name) {
      throw new Error(`unsupported $ref ${ref}`);
    }
    const target = spec.components[section]?.[name];
    if (target === undefined) throw new Error(`dangling $ref ${ref}`);
    return { section, name, target };
  };
  const enqueue = (ref) => {
    // components/examples are dropped below, so refs to them are not followed.
    if (ref.startsWith('#/components/examples/') || kept.has(ref)) return;
    kept.add(ref);
    queue.push(ref);
  };
  forEachRef(paths, enqueue);
  while (queue.length > 0) forEachRef(resolve(queue.shift()).target, enqueue);

  const components = {};
  for (const section of Object.keys(spec.components)) {
    for (const name of Object.keys(spec.components[section])) {
      if (!kept.has(`#/components/${section}/${name}`)) continue;
      components[section] ??= {};
      components[section][name] = spec.components[section][name];
    }
  }

  const usedTags = new Set(
    Object.values(paths).flatMap((item) => Object.values(item).flatMap((op) => op.tags ?? [])),
  );
  const trimmed = {
    openapi: spec.openapi,
    info: {
      ...spec.info,
      'x-unitgate-trimmed-from': describeSource(),
    },
    tags: (spec.tags ?? []).filter((tag) => usedTags.has(tag.name)),
    servers: spec.servers,
    externalDocs: spec.externalDocs,
    paths,
    components,
  };
  return fixForAjv(structuredClone(trimmed));
}

function describeSource() {
  const { version } = require('@octokit/openapi/package.json');
  return `@octokit/openapi@${version} generated/api.github.com.json, by scripts/trim-openapi.mjs`;
}

/** Compiles every request and response validator with openapi-backend, so a bad schema fails here. */
async function checkCompiles(document) {
  const { OpenAPIBackend } = require('openapi-backend');
  // Formats are the fake's business (it registers them); this only proves every schema compiles.
  const api = new OpenAPIBackend({
    definition: structuredClone(document),
    quick: true,
    strict: true,
    ajvOpts: { validateFormats: false },
  });
  await api.init();
  for (const operation of api.getOperations()) {
    api.validator.buildRequestValidatorsForOperation(operation);
    api.validator.buildStatusBasedResponseValidatorForOperation(operation);
  }
  return api.getOperations().length;
}

async function main() {
  const spec = require('@octokit/openapi/generated/api.github.com.json');
  const trimmed = trimSpec(spec);
  const count = await checkCompiles(trimmed);
  const text = `${JSON.stringify(trimmed, null, 2)}\n`;
  if (process.argv.includes('--check')) {
    if (existsSync(OUTPUT) && readFileSync(OUTPUT, 'utf8') === text) {
      console.log(`${path.relative(ROOT, OUTPUT)} is up to date (${count} operations)`);
      return;
    }
    console.error(
      `${path.relative(ROOT, OUTPUT)} is stale: run \`node scripts/trim-openapi.mjs\` and commit it`,
    );
    process.exitCode = 1;
    return;
  }
  writeFileSync(OUTPUT, text);
  const schemas = Object.keys(trimmed.components.schemas ?? {}).length;
  console.log(
    `wrote ${path.relative(ROOT, OUTPUT)}: ${count} operations, ${schemas} schemas, ${(text.length / 1024).toFixed(0)} KiB`,
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
