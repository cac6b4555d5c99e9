#!/usr/bin/env node
// Writes what is derived from the policy schema, the built-in profiles and the per-version data:
//   - the `systemdVersion` enum of policies/schema.json, from the data files present
//     (src/core/security/data/systemd-<version>.json), and its `assessorOverrides` key enum, every
//     release's assessor json_fields;
//   - docs/assessors.md, every assessor row (weights per release, the directives it reads, its fix),
//     from the rows joined to their entries in src/core/security/assessor-knowledge.ts;
//   - docs/policy.md, the policy file reference (one table per schema object: key, type, default,
//     description; the supported releases; the built-in profiles with their template unit's exposure on
//     every release, computed by the engine, src/ bundled on the fly with esbuild);
//   - the README's action inputs/outputs tables, from action.yml;
//   - the files the CI recipes in docs/ci/ include (examples/ci/), so that the docs show the files the
//     recipe tests run.
//   node scripts/generate-docs.mjs           rewrite them
//   node scripts/generate-docs.mjs --check   exit 1 when one of them is not what this script writes
import { readFileSync, writeFileSync, mkdirSync, existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { dataFileVersions, DATA_DIR } from './systemd-versions.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DOC_PATH = path.join(ROOT, 'docs', 'policy.md');
export const SCHEMA_PATH = path.join(ROOT, 'policies', 'schema.json');
export const ASSESSORS_DOC_PATH = path.join(ROOT, 'docs', 'assessors.md');
/** Built-in profiles in the order the docs list them (the same order as BUILT_IN_PROFILES). */
const BUILT_IN_PROFILES = ['baseline', 'api-service', 'worker', 'scheduler'];

function readJson(relative) {
  return JSON.parse(readFileSync(path.join(ROOT, relative), 'utf8'));
}

/** `#/definitions/profile` → the schema object. */
function deref(schema, root) {
  if (schema && typeof schema.$ref === 'string') {
    const name = schema.$ref.replace('#/definitions/', '');
    return { ...root.definitions[name], definitionName: name };
  }
  return schema;
}

/** Table cells must not contain a bare `|` or a line break. */
function cell(text) {
  return String(text).replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function code(value) {
  return `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``;
}

function range(schema) {
  const hasMin = schema.minimum !== undefined;
  const hasMax = schema.maximum !== undefined;
  if (hasMin && hasMax) return ` ${schema.minimum}–${schema.maximum}`;
  if (hasMin) return ` ≥ ${schema.minimum}`;
  if (hasMax) return ` ≤ ${schema.maximum}`;
  return '';
}

/** A short type: `number 0–10`, `"enforce" | "report"`, `array of string`, a link to an object's section. */
function typeOf(schema, root, sectionOf) {
  const s = deref(schema, root);
  if (s.enum) return s.enum.map((v) => code(v)).join(' | ');
  if (s.type === 'array') return `array of ${typeOf(s.items, root, sectionOf)}`;
  if (s.type === 'object' && s.definitionName && sectionOf.has(s.definitionName)) {
    const section = sectionOf.get(s.definitionName);
    return `[object](#${section.anchor})`;
  }
  if (s.type === 'object' && s.additionalProperties && typeof s.additionalProperties === 'object') {
    return `object of ${typeOf(s.additionalProperties, root, sectionOf)}`;
  }
  if (s.type === 'string' && s.pattern) return `string \`${s.pattern}\``;
  return `${s.type}${range(s)}`;
}

function anchorOf(title) {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, '')
    .replace(/ /g, '-');
}

/**
 * The objects that get a table, in document order: the top level, then every object reached through a
 * property (directly, as array items, or as the values of a map), each once.
 */
function collectSections(root) {
  const sections = [{ title: 'Top level', schema: root, keyPrefix: '' }];
  const seen = new Set();
  for (let k = 0; k < sections.length; k++) {
    const { schema, keyPrefix } = sections[k];
    for (const [key, property] of Object.entries(schema.properties ?? {})) {
      let target = deref(property, root);
      let suffix = '';
      if (target.type === 'array' && target.items) {
        target = deref(target.items, root);
        suffix = '[]';
      } else if (
        target.type === 'object' &&
        target.additionalProperties &&
        typeof target.additionalProperties === 'object'
      ) {
        const placeholder = target.propertyNames?.enum ? '<json_field>' : '<name>';
        target = deref(target.additionalProperties, root);
        suffix = `.${placeholder}`;
      }
      if (target.type !== 'object' || !target.properties || !target.definitionName) continue;
      if (seen.has(target.definitionName)) continue;
      seen.add(target.definitionName);
      const keyPath = `${keyPrefix}${key}${suffix}`;
      sections.push({ title: `\`${keyPath}\``, schema: target, keyPrefix: `${keyPath}.` });
    }
  }
  for (const s of sections) s.anchor = anchorOf(s.title);
  return sections;
}

// A key's `x-unitgate-*` annotations (how a rule's list is inherited and compared) are not shown: they
// are for the loader (src/core/policy/profile-lists.ts), and each key's description says what they mean
// for the reader ("Absent: not checked").
function renderTable(section, root, sectionOf) {
  const required = new Set(section.schema.required ?? []);
  const lines = ['| key | type | default | description |', '|---|---|---|---|'];
  for (const [key, property] of Object.entries(section.schema.properties)) {
    const s = deref(property, root);
    const fallback = required.has(key) ? 'required' : '—';
    const def = property.default !== undefined ? property.default : s.default;
    lines.push(
      `| \`${key}\` | ${cell(typeOf(property, root, sectionOf))} | ${cell(def !== undefined ? code(def) : fallback)} | ${cell(s.description ?? '')} |`,
    );
  }
  return lines.join('\n');
}

/** Exposure (0…100) on the 0.0–10.0 scale systemd-analyze prints. */
const tenths = (exposure) => (exposure / 10).toFixed(1);

function renderProfile(name, profile, measurement) {
  const list = (values, none, absent) =>
    values === undefined ? absent : values.length === 0 ? none : values.map((v) => code(v)).join(', ');
  const threshold =
    profile.threshold !== undefined ? String(profile.threshold) : "the policy's `threshold` (default 9.6)";
  return [
    `### \`${name}\``,
    '',
    profile.description,
    '',
    `- threshold: ${threshold}`,
    `- required directives: ${list(profile.requiredDirectives, 'none', 'none')}`,
    `- allowed capabilities: ${list(profile.allowedCapabilities, 'none (empty bounding and ambient sets)', 'not checked')}`,
    `- allowed address families: ${list(profile.allowedAddressFamilies, 'none', 'not checked')}`,
    '',
    '| systemd | template unit | below the threshold by |',
    '|---|---|---|',
    ...measurement.exposures.map(
      (m) => `| ${m.version} | ${tenths(m.exposure)} | ${tenths(measurement.threshold - m.exposure)} |`,
    ),
  ].join('\n');
}

/**
 * policies/schema.json with its `systemdVersion` and `systemdVersions` enums listing `versions` and its
 * `assessorOverrides` key enum listing `fields` (the file's other bytes kept). Throws when an enum is
 * not where this expects it, rather than leave a stale list in place.
 */
export function renderSchema(text, versions, fields) {
  const at = /("systemdVersion": \{\s*"enum": )\[[^\]]*\]/;
  if (!at.test(text)) throw new Error('policies/schema.json: no `systemdVersion.enum` to write');
  const listed = /("systemdVersions": \{[^{]*"items": \{\s*"enum": )\[[^\]]*\]/;
  if (!listed.test(text)) throw new Error('policies/schema.json: no `systemdVersions.items.enum` to write');
  const withVersions = text
    .replace(at, (_, head) => `${head}[${versions.join(', ')}]`)
    .replace(listed, (_, head) => `${head}[${versions.join(', ')}]`);
  const keys = /("assessorOverrides": \{[^{]*"propertyNames": \{[^{]*?"enum": )\[[^\]]*\]/;
  const found = keys.exec(withVersions);
  if (!found) throw new Error('policies/schema.json: no `assessorOverrides.propertyNames.enum` to write');
  const indent = /\n( *)"enum": $/.exec(found[1])?.[1] ?? '';
  const list = fields.map((f) => `${indent}  ${JSON.stringify(f)}`).join(',\n');
  return withVersions.replace(keys, (_, head) => `${head}[\n${list}\n${indent}]`);
}

/**
 * What the docs take from the engine itself (src/ bundled in memory with esbuild, imported from a data
 * URL): every built-in profile's template unit (src/core/policy/profile-template.ts) scored on every
 * supported release, every assessor row with its knowledge entry, and the report formats.
 */
export async function loadEngine() {
  const bundled = await build({
    stdin: {
      contents: [
        "export { measureBuiltInProfiles } from './src/core/policy/profile-template';",
        "export { assessorReference } from './src/core/security/assessor-knowledge';",
        "export { REPORT_FORMATS } from './src/core/report/formats';",
        "export { RUN_FINDING_KINDS } from './src/core/gate/gate-types';",
        "export { VIOLATION_KINDS } from './src/core/gate/rules';",
        "export { liveOracleNotice } from './src/core/security/versions';",
      ].join('\n'),
      resolveDir: ROOT,
      sourcefile: 'measure-profiles.ts',
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    write: false,
    logLevel: 'warning',
  });
  const source = bundled.outputFiles[0].text;
  const {
    measureBuiltInProfiles,
    assessorReference,
    REPORT_FORMATS,
    VIOLATION_KINDS,
    RUN_FINDING_KINDS,
    liveOracleNotice,
  } = await import(`data:text/javascript;base64,${Buffer.from(source).toString('base64')}`);
  return {
    measurements: new Map(measureBuiltInProfiles().map((m) => [m.name, m])),
    assessors: assessorReference(),
    formats: REPORT_FORMATS,
    violationKinds: VIOLATION_KINDS,
    runFindingKinds: RUN_FINDING_KINDS,
    liveOracleNotice: liveOracleNotice(),
  };
}

/** The supported releases, from the data files: what each was generated from, what checks it live. */
function renderVersions(versions) {
  const lines = ['| `systemdVersion` | generated from | libseccomp | live oracle |', '|---|---|---|---|'];
  for (const v of versions) {
    const data = JSON.parse(readFileSync(path.join(DATA_DIR, `systemd-${v}.json`), 'utf8'));
    const oracle = data.liveOracle
      ? `systemd-analyze of Debian ${data.liveOracle.debianSuite}'s \`systemd\``
      : "none: the spec's facts only";
    lines.push(`| \`${v}\` | ${cell(data.describe)} | ${cell(data.libseccomp)} | ${cell(oracle)} |`);
  }
  return lines.join('\n');
}

/** The notice about releases without a live oracle, as a sentence (empty when every release has one). */
function noticeSentence(notice) {
  return notice ? `${notice.charAt(0).toUpperCase()}${notice.slice(1)}.` : '';
}

/** The whole of docs/policy.md, from the schema's text, the supported versions and the profiles' measurements. */
export function renderPolicyDocs(schemaText, versions, measurements, liveOracleNotice) {
  const root = JSON.parse(schemaText);
  const sections = collectSections(root);
  const sectionOf = new Map(
    sections.filter((s) => s.schema.definitionName).map((s) => [s.schema.definitionName, s]),
  );
  const out = [
    '<!-- Generated by scripts/generate-docs.mjs from policies/schema.json, policies/profiles/*.json and the',
    '     per-version data (src/core/security/data), the profile tables computed by the scoring engine.',
    '     Do not edit: change those files and run `node scripts/generate-docs.mjs`. -->',
    '',
    '# Policy file reference',
    '',
    root.description,
    '',
    `Schema: [\`policies/schema.json\`](../policies/schema.json), \`$id\` \`${root.$id}\`. Add`,
    `\`"$schema": "${root.$id}"\` to the file for completion in editors.`,
    '',
    'Thresholds are written on the 0.0–10.0 scale `systemd-analyze security` prints; unitgate compares them with',
    "systemd's internal 0–100 exposure, so `3.5` means 35 and a unit fails when its exposure is greater.",
    '',
  ];
  for (const section of sections) {
    out.push(`## ${section.title}`, '');
    if (section.schema.description && section !== sections[0]) out.push(section.schema.description, '');
    out.push(renderTable(section, root, sectionOf), '');
  }
  const fields = root.properties.assessorOverrides.propertyNames.enum;
  out.push(
    '## Assessor JSON field names',
    '',
    `The keys \`assessorOverrides\` accepts, in systemd's order (${fields.length}, every row of every supported release;`,
    "the stray `)` is systemd's own). [assessors.md](assessors.md) says what each reads and its fix.",
    '',
    ...fields.map((f) => `- \`${f}\``),
    '',
    '## Supported systemd releases',
    '',
    'The values `systemdVersion` (and the action input `systemd-version`, the CLI option `--systemd-version`)',
    "accepts, the release and libseccomp build each one's data was generated from, and the real",
    'systemd-analyze the differential tests compare unitgate with (scripts/systemd-oracle.sh):',
    '',
    renderVersions(versions),
    '',
    ...(liveOracleNotice ? [noticeSentence(liveOracleNotice), ''] : []),
    '## Built-in profiles',
    '',
    'The hardened template matrix of the article this project grew from, plus `baseline`. A profile in the policy',
    'file with the same name changes a built-in profile; `extends` builds on one. Under each profile, its',
    "template unit's exposure on every supported release: a unit with exactly the required directives, plus",
    '`ExecStart=`, `User=`, and `CapabilityBoundingSet=` and `RestrictAddressFamilies=` matching the',
    "allow-lists, scored by unitgate's engine when this page was generated (systemd-analyze 252 prints the same",
    'on 252). Thresholds leave a margin of at least 0.4 on every release.',
    '',
  );
  for (const name of BUILT_IN_PROFILES) {
    const measurement = measurements.get(name);
    if (!measurement) throw new Error(`no measurement for the built-in profile ${name}`);
    out.push(renderProfile(name, readJson(`policies/profiles/${name}.json`), measurement), '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/** docs/assessors.md: every assessor row of every supported release, from the engine's reference. */
export function renderAssessorDocs(versions, assessors) {
  const out = [
    '<!-- Generated by scripts/generate-docs.mjs from the per-version data (src/core/security/data) and the',
    '     entries of src/core/security/assessor-knowledge.ts. Do not edit: change those files and run',
    '     `node scripts/generate-docs.mjs`. -->',
    '',
    '# Assessor rows',
    '',
    "Every row of systemd's security assessment that unitgate reproduces, in systemd's order: its",
    'weight and range on each supported release (— where the release has no such row), the directives whose',
    'assignments decide it, and the lines unitgate offers as its fix. A fix marked *judgement* takes away',
    'what most services need; the hardening drop-in applies it only when the profile already forbids that.',
    'The json_field is the key of `assessorOverrides` in the [policy file](policy.md).',
    '',
    `| json_field | row | ${versions.map((v) => `${v}`).join(' | ')} | reads | fix |`,
    `|---|---|${versions.map(() => '---|').join('')}---|---|`,
  ];
  for (const a of assessors) {
    const byVersion = new Map(a.perVersion.map((p) => [p.version, p]));
    const weights = versions.map((v) => {
      const p = byVersion.get(v);
      return p ? `${p.weight}/${p.range}` : '—';
    });
    const fix = a.fix ? a.fix.directives.map((d) => code(d)).join('<br>') : '—';
    out.push(
      `| \`${cell(a.jsonField)}\` | ${cell(code(a.name))} | ${weights.map(cell).join(' | ')} | ${cell(
        a.reads.map((r) => `${r}=`).join(', '),
      )} | ${cell(fix)}${a.judgement ? ' (*judgement*)' : ''} |`,
    );
  }
  out.push(
    '',
    'Weights are written `weight/range`: a row adds `badness × weight / range` to the exposure sum.',
  );
  return `${out.join('\n').trimEnd()}\n`;
}

/** The `inputs:` and `outputs:` of action.yml, in their order: name, description and default. */
export function readActionMetadata(text) {
  const doc = parseYaml(text) ?? {};
  const entries = (block) =>
    Object.entries(block ?? {}).map(([name, spec]) => ({
      name,
      description: String(spec?.description ?? '').trim(),
      default: spec?.default === undefined || spec.default === null ? undefined : String(spec.default),
    }));
  return { inputs: entries(doc.inputs), outputs: entries(doc.outputs) };
}

const README_PATH = path.join(ROOT, 'README.md');
const START = '<!-- action-reference:start (generated by scripts/generate-docs.mjs from action.yml) -->';
const END = '<!-- action-reference:end -->';

export const REPORT_SCHEMA_PATH = path.join(ROOT, 'schemas', 'unitgate-report-1.schema.json');

/** The published report schema with its kind enums from the code (violation kinds keep their order). */
export function renderReportSchema(text, violationKinds, runFindingKinds) {
  const schema = JSON.parse(text);
  schema.$defs.violationKind.enum = [...violationKinds];
  schema.$defs.runFindingKind.enum = [...runFindingKinds];
  return `${JSON.stringify(schema, null, 2)}\n`;
}

const FORMATS_START =
  '<!-- report-formats:start (generated by scripts/generate-docs.mjs from src/core/report/formats.ts) -->';
const FORMATS_END = '<!-- report-formats:end -->';

/** The README's table of report formats, from the registry. */
function renderFormats(readme, formats) {
  const lines = [
    FORMATS_START,
    '',
    '| format | what it is | `unitgate check --format` | action input naming its file |',
    '|---|---|---|---|',
  ];
  for (const f of formats) {
    const input = f.actionInput ? `\`${f.actionInput.name}\`` : '';
    lines.push(`| \`${f.name}\` | ${cell(f.description)} | ${f.cli ? 'yes' : ''} | ${input} |`);
  }
  lines.push('', FORMATS_END);
  const a = readme.indexOf(FORMATS_START);
  const b = readme.indexOf(FORMATS_END);
  if (a < 0 || b < 0) return readme;
  return readme.slice(0, a) + lines.join('\n') + readme.slice(b + FORMATS_END.length);
}

const RELEASES_START =
  '<!-- systemd-releases:start (generated by scripts/generate-docs.mjs from src/core/security/data) -->';
const RELEASES_END = '<!-- systemd-releases:end -->';

/** The README's sentence on the releases `--systemd-version` takes, with the live-oracle notice. */
function renderReleases(readme, versions, liveOracleNotice) {
  const text = [
    `\`--systemd-version\` (the policy's \`systemdVersion\`, the action input \`systemd-version\`) takes ${versions.join(', ')}.`,
    noticeSentence(liveOracleNotice),
  ]
    .filter((part) => part)
    .join(' ');
  const block = [RELEASES_START, '', text, '', RELEASES_END].join('\n');
  const a = readme.indexOf(RELEASES_START);
  const b = readme.indexOf(RELEASES_END);
  if (a < 0 || b < 0) return readme;
  return readme.slice(0, a) + block + readme.slice(b + RELEASES_END.length);
}

/**
 * The README with its inputs/outputs tables from action.yml, its report formats from the registry and
 * its sentence on the supported releases from the data.
 */
export function renderReadme(readme, formats, versions, liveOracleNotice) {
  readme = renderFormats(readme, formats);
  readme = renderReleases(readme, versions, liveOracleNotice);
  const meta = readActionMetadata(readFileSync(path.join(ROOT, 'action.yml'), 'utf8'));
  const lines = [START, '', '### Inputs', '', '| input | default | description |', '|---|---|---|'];
  for (const i of meta.inputs) {
    lines.push(
      `| \`${i.name}\` | ${i.default === undefined || i.default === '' ? '' : code(i.default)} | ${cell(i.description)} |`,
    );
  }
  lines.push('', '### Outputs', '', '| output | description |', '|---|---|');
  for (const o of meta.outputs) lines.push(`| \`${o.name}\` | ${cell(o.description)} |`);
  lines.push('', END);
  const block = lines.join('\n');
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a < 0 || b < 0) return readme;
  return readme.slice(0, a) + block + readme.slice(b + END.length);
}

export const CI_DOCS_DIR = path.join(ROOT, 'docs', 'ci');

/**
 * A doc with each `<!-- include:FILE -->` … `<!-- include:end -->` block holding FILE (relative to the
 * repository) as a fenced code block, in the language its extension names.
 */
export function renderIncludes(doc, readFile = (file) => readFileSync(path.join(ROOT, file), 'utf8')) {
  return doc.replace(
    /(<!-- include:([^\s>]+) \(generated by scripts\/generate-docs\.mjs\) -->\n)[\s\S]*?(<!-- include:end -->)/g,
    (_all, start, file, end) => {
      const language = { yml: 'yaml', yaml: 'yaml', sh: 'sh' }[path.extname(file).slice(1)] ?? '';
      const text = readFile(file);
      return `${start}\n\`\`\`${language}\n${text}${text.endsWith('\n') ? '' : '\n'}\`\`\`\n\n${end}`;
    },
  );
}

/** docs/ci/*.md by path, each as it is and as this script writes it. */
function ciDocs() {
  if (!existsSync(CI_DOCS_DIR)) return [];
  return readdirSync(CI_DOCS_DIR)
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => {
      const file = path.join(CI_DOCS_DIR, name);
      const text = readFileSync(file, 'utf8');
      return { file, text, expected: renderIncludes(text) };
    });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const schemaText = readFileSync(SCHEMA_PATH, 'utf8');
  const versions = dataFileVersions();
  const engine = await loadEngine();
  const fields = engine.assessors.map((a) => a.jsonField);
  const expectedSchema = renderSchema(schemaText, versions, fields);
  const expected = renderPolicyDocs(expectedSchema, versions, engine.measurements, engine.liveOracleNotice);
  const expectedAssessors = renderAssessorDocs(versions, engine.assessors);
  const readme = existsSync(README_PATH) ? readFileSync(README_PATH, 'utf8') : '';
  const expectedReadme = renderReadme(readme, engine.formats, versions, engine.liveOracleNotice);
  const read = (file) => (existsSync(file) ? readFileSync(file, 'utf8') : '');
  const reportSchemaText = read(REPORT_SCHEMA_PATH);
  const expectedReportSchema = renderReportSchema(
    reportSchemaText,
    engine.violationKinds,
    engine.runFindingKinds,
  );
  if (process.argv.includes('--check')) {
    const stale = [];
    if (schemaText !== expectedSchema) stale.push("policies/schema.json's systemdVersion and assessor enums");
    if (read(DOC_PATH) !== expected) stale.push('docs/policy.md');
    if (read(ASSESSORS_DOC_PATH) !== expectedAssessors) stale.push('docs/assessors.md');
    if (reportSchemaText !== expectedReportSchema) stale.push("the report schema's kind enums");
    if (readme !== expectedReadme) stale.push("README.md's action reference, report formats or releases");
    for (const doc of ciDocs())
      if (doc.text !== doc.expected) stale.push(`${path.relative(ROOT, doc.file)}'s included examples`);
    for (const what of stale)
      console.error(`${what} is stale: run \`node scripts/generate-docs.mjs\` and commit the result.`);
    if (stale.length > 0) process.exit(1);
    console.log(
      "policies/schema.json's enums, docs/policy.md, docs/assessors.md, the report schema's kinds and the README's action reference and report formats are up to date.",
    );
  } else {
    writeFileSync(SCHEMA_PATH, expectedSchema);
    mkdirSync(path.dirname(DOC_PATH), { recursive: true });
    writeFileSync(DOC_PATH, expected);
    writeFileSync(ASSESSORS_DOC_PATH, expectedAssessors);
    writeFileSync(REPORT_SCHEMA_PATH, expectedReportSchema);
    writeFileSync(README_PATH, expectedReadme);
    for (const doc of ciDocs()) writeFileSync(doc.file, doc.expected);
    console.log(
      `wrote the enums of policies/schema.json and the report schema, ${path.relative(ROOT, DOC_PATH)}, ${path.relative(ROOT, ASSESSORS_DOC_PATH)} and the action reference in README.md`,
    );
  }
}
