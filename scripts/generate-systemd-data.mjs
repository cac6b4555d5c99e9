#!/usr/bin/env node
// Regenerates src/core/security/data/systemd-<version>.json from the systemd research data set
// (assessor tables, syscall groups, libseccomp resolution, name tables).
// usage: node scripts/generate-systemd-data.mjs <systemd-data dir>
// The generated files are committed; run this again only when the research data changes.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const dataDir = process.argv[2];
if (!dataDir) {
  console.error('usage: node scripts/generate-systemd-data.mjs <systemd-data dir>');
  process.exit(2);
}
const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'core', 'security', 'data');
const read = (p) => JSON.parse(readFileSync(join(dataDir, p), 'utf8'));

// Which research label and which libseccomp build each supported systemd version maps to.
const VERSIONS = {
  252: { label: 'v252.38-debian12', libseccomp: '2.5.4 (Debian 12)', describe: 'systemd 252.38 (Debian 12)' },
  255: {
    label: 'v255',
    libseccomp: '2.5.4 (Debian 12)',
    describe: 'systemd 255 (upstream tag; Ubuntu 24.04 base)',
  },
  257: { label: 'v257.13-debian13', libseccomp: '2.6.0 (Debian 13)', describe: 'systemd 257.13 (Debian 13)' },
  262: { label: 'v262', libseccomp: '2.6.1 (Debian forky)', describe: 'systemd 262 (Debian forky)' },
};

const resolution = read('libseccomp-x86_64-resolution.json').syscalls;
const effective = read('syscall-groups-effective-x86_64.json').effective;
const capabilities = read('names/capabilities.json').capabilities;
const families = read('names/address-families.json').families;
const archNames = read('names/syscall-architectures.json');
const levels = read('levels.json').levels;

mkdirSync(outDir, { recursive: true });
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

  const data = {
    version: Number(version),
    describe: v.describe,
    libseccomp: v.libseccomp,
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
  };
  writeFileSync(join(outDir, `systemd-${version}.json`), JSON.stringify(data, null, 1) + '\n');
  console.log(`systemd-${version}.json: ${rows.length} assessors, ${Object.keys(expanded).length} groups`);
}
