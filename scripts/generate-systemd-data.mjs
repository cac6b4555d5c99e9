#!/usr/bin/env node
// Regenerates src/core/security/data/systemd-<version>.json from the systemd research data set
// (assessor tables, syscall groups, libseccomp resolution, name tables). Each file records in
// `generatedBy` this script, the release label and the data set's files it read, so that it can be traced
// to its inputs and reproduced (--check); the loader ignores the field.
// usage: node scripts/generate-systemd-data.mjs [--check] [<systemd-data dir>]
//   <systemd-data dir> defaults to spec/systemd-data, the committed copy of the files it reads (see its
//   README); --check rewrites nothing and exits 1 when a committed file differs from what the inputs give.
// The generated files are committed; run this again only when the research data changes. A new release
// needs its data files and row in spec/systemd-data, then its row in src/core/security/versions.ts.
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const check = args.includes('--check');
const dataDir = args.find((a) => !a.startsWith('--')) ?? join(ROOT, 'spec', 'systemd-data');
if (!existsSync(join(dataDir, 'levels.json'))) {
  console.error(`usage: node scripts/generate-systemd-data.mjs [--check] [<systemd-data dir>]`);
  console.error(`no systemd research data set at ${dataDir}`);
  process.exit(2);
}
const outDir = join(ROOT, 'src', 'core', 'security', 'data');
const read = (p) => JSON.parse(readFileSync(join(dataDir, p), 'utf8'));
const SHARED_INPUTS = [
  'libseccomp-x86_64-resolution.json',
  'syscall-groups-effective-x86_64.json',
  'names/capabilities.json',
  'names/address-families.json',
  'names/syscall-architectures.json',
  'levels.json',
];

// Which research label and libseccomp build each supported systemd version maps to: spec/systemd-data's
// releases.json (a new release is a row there, plus its assessors/ and syscall-groups/ files).
const VERSIONS = JSON.parse(readFileSync(join(dataDir, 'releases.json'), 'utf8')).releases;

const resolution = read('libseccomp-x86_64-resolution.json').syscalls;
const effective = read('syscall-groups-effective-x86_64.json').effective;
const capabilities = read('names/capabilities.json').capabilities;
const families = read('names/address-families.json').families;
const archNames = read('names/syscall-architectures.json');
const levels = read('levels.json').levels;

let stale = 0;
if (!check) mkdirSync(outDir, { recursive: true });
for (const [version, v] of Object.entries(VERSIONS)) {
  const assessors = read(`assessors/${v.label}.json`).assessors;
  const groupTable = read(`syscall-groups/${v.label}.json`);
  const exists = (name) => (resolution[name]?.[v.libseccomp] ?? -1) >= 0;

  // Fully expanded groups: every syscall that resolves to a real x86-64 number. Names that
  // libseccomp does not know, or knows only as a pseudo number, can never be counted by the
  // assessor (systemd's assess_system_call_filter skips them), so they are dropped here.
  const expanded = {};
  const expand = (group, seen = new Set()) => {
    if (seen.has(group)) return [];
    seen.add(group);
    const out = [];
    for (const member of groupTable.groups[group]?.members ?? []) {
      if (member.startsWith('@')) out.push(...expand(member, seen));
      else if (exists(member)) out.push(member);
    }
    return out;
  };
  for (const group of groupTable.order) expanded[group] = [...new Set(expand(group))];

  const walk = effective[v.label][v.libseccomp];
  const rows = assessors.map((a) => ({
    name: a.name,
    jsonField: a.json_field,
    weight: a.weight,
    range: a.range,
    kind: a.kind,
    ...(a.default_dependencies_only ? { defaultDependenciesOnly: true } : {}),
    ...(a.capability_bits ? { capabilityBits: a.capability_bits } : {}),
    ...(a.syscall_group ? { syscallGroup: a.syscall_group } : {}),
    ...(a.json_field.startsWith('RestrictNamespaces_') ? { namespace: a.json_field.slice(19) } : {}),
    ...(a.json_field.startsWith('RestrictAddressFamilies_')
      ? {
          familyClass: {
            AF_INET_INET6: 'inet',
            AF_UNIX: 'unix',
            AF_NETLINK: 'netlink',
            AF_PACKET: 'packet',
            OTHER: 'other',
          }[a.json_field.slice(24)],
        }
      : {}),
    descriptionGood: a.description_good,
    descriptionBad: a.description_bad,
    descriptionNa: a.description_na,
    url: a.url,
  }));
  const assessedGroups = {};
  for (const row of rows) if (row.syscallGroup) assessedGroups[row.syscallGroup] = walk[row.syscallGroup];

  const ownInputs = [
    `assessors/${v.label}.json`,
    `syscall-groups/${v.label}.json`,
    `portable-profiles/${v.label}.json`,
  ];
  const data = {
    generatedBy: {
      script: 'scripts/generate-systemd-data.mjs',
      from: `the systemd research data set (label ${v.label}, libseccomp ${v.libseccomp})`,
      inputs: [...ownInputs, ...SHARED_INPUTS].map((p) => `spec/systemd-data/${p}`),
    },
    version: Number(version),
    describe: v.describe,
    libseccomp: v.libseccomp,
    // The live oracle the differential tests run (scripts/systemd-oracle.sh), or null when no reachable
    // archive ships the release: its behaviour then rests on the spec's facts alone, which every place
    // the version is chosen says.
    liveOracle: v.oracle ? { debianSuite: v.oracle.debianSuite } : null,
    assessors: rows,
    // Walk order used by the assessor (nested groups inlined, duplicates kept, non-existent calls dropped).
    assessedGroups,
    syscallGroups: expanded,
    // Every name this libseccomp knows on x86-64, real or pseudo (seccomp_syscall_resolve_name() != -1):
    // the parser keeps these and drops the rest (seccomp_parse_syscall_filter()).
    knownSyscalls: Object.keys(resolution)
      .filter((name) => (resolution[name]?.[v.libseccomp] ?? -1) !== -1)
      .sort(),
    capabilities,
    addressFamilies: families,
    syscallArchitectures:
      Number(version) >= 255 ? archNames.accepted_v255_plus : archNames.accepted_v250_v254,
    levels: levels.map((l) => ({
      min: l.min_exposure_int,
      name: l.name,
      glyph: l.glyph_utf8,
      glyphAscii: l.glyph_ascii,
      color: l.color,
    })),
    // The portable profiles the release ships (`systemd-analyze security --profile=NAME`): per
    // profile name, per file (`<unit type>.conf`), its text.
    portableProfiles: read(`portable-profiles/${v.label}.json`).profiles,
  };
  const file = join(outDir, `systemd-${version}.json`);
  const text = JSON.stringify(data, null, 1) + '\n';
  if (check) {
    const same = existsSync(file) && readFileSync(file, 'utf8') === text;
    if (!same) stale++;
    console.log(`${relative(ROOT, file)}: ${same ? 'reproduced' : 'DIFFERS from what the inputs give'}`);
  } else {
    writeFileSync(file, text);
    console.log(`systemd-${version}.json: ${rows.length} assessors, ${Object.keys(expanded).length} groups`);
  }
}
if (stale > 0) process.exit(1);
