// The registry: every assessor row of every supported release has exactly one knowledge entry, every
// entry belongs to a row of some release, and what is derived from the entries matches the data.
import {
  EFFECTIVE_FLAGS,
  KNOWN_ASSESSORS,
  STRENGTH_ORDERS,
  assessorFields,
  assessorReference,
  directivesOfAssessor,
  fixLinesOf,
  knowledgeOf,
} from '../../../src/core/security/assessor-knowledge';
import { NAMESPACE_FLAGS } from '../../../src/core/security/nsflags';
import { SUPPORTED_VERSIONS, systemdRelease } from '../../../src/core/security/versions';

const rowsOf = (version: (typeof SUPPORTED_VERSIONS)[number]) => systemdRelease(version).data.assessors;

describe('assessor knowledge registry', () => {
  it.each(SUPPORTED_VERSIONS)('systemd %s: every row has exactly one entry', (version) => {
    const fields = rowsOf(version).map((a) => a.jsonField);
    expect(new Set(fields).size).toBe(fields.length);
    expect(fields.filter((f) => knowledgeOf(f) === undefined)).toEqual([]);
  });

  it('every entry is a row of some supported release', () => {
    const rows = new Set(SUPPORTED_VERSIONS.flatMap((v) => rowsOf(v).map((a) => a.jsonField)));
    expect(KNOWN_ASSESSORS.filter((f) => !rows.has(f))).toEqual([]);
    expect(new Set(assessorFields())).toEqual(rows);
  });

  it('knows nothing of a json_field no release has', () => {
    expect(knowledgeOf('PrivateTmpp')).toBeUndefined();
    expect(knowledgeOf('constructor')).toBeUndefined();
    expect(fixLinesOf('PrivateTmpp')).toBeUndefined();
  });

  it.each(SUPPORTED_VERSIONS)('systemd %s: every bool row is scored by a flag of its own', (version) => {
    const missing = rowsOf(version)
      .filter((a) => a.kind === 'bool' && a.familyClass === undefined)
      .filter((a) => knowledgeOf(a.jsonField)?.flags?.[a.jsonField] === undefined)
      .map((a) => a.jsonField);
    expect(missing).toEqual([]);
  });

  it.each(SUPPORTED_VERSIONS)(
    'systemd %s: a row reads the directive its name starts with, and its fix sets one it reads',
    (version) => {
      for (const a of rowsOf(version)) {
        const reads = directivesOfAssessor(a);
        const fix = fixLinesOf(a.jsonField);
        expect(fix?.directives.length).toBeGreaterThan(0);
        for (const base of a.name.split('=')[0]?.split('/') ?? []) expect(reads).toContain(base);
        const keys = (fix?.directives ?? []).map((d) => d.slice(0, d.indexOf('=')));
        expect(keys.some((k) => reads.includes(k))).toBe(true);
      }
    },
  );

  it.each(SUPPORTED_VERSIONS)(
    'systemd %s: capability, namespace and syscall group fixes are made from the data',
    (version) => {
      const { capabilities } = systemdRelease(version).data;
      for (const a of rowsOf(version)) {
        const line = fixLinesOf(a.jsonField)?.directives[0] ?? '';
        if (a.kind === 'capability_bounding_set') {
          const names = line.replace('CapabilityBoundingSet=~', '').split(' ');
          expect(names.map((n) => capabilities[n])).toEqual(a.capabilityBits);
        }
        if (a.kind === 'restrict_namespaces') {
          expect(line).toBe(`RestrictNamespaces=~${a.namespace ?? ''}`);
          expect(NAMESPACE_FLAGS[a.namespace ?? '']).toBeDefined();
        }
        if (a.kind === 'system_call_filter' && !/privileged|resources/.test(a.jsonField)) {
          expect(line).toBe(`SystemCallFilter=~${a.syscallGroup ?? ''}`);
        }
      }
    },
  );

  it('derives the directive tables the scoring and the profile checks read', () => {
    expect(Object.keys(EFFECTIVE_FLAGS)).toEqual(
      expect.arrayContaining(['PrivateTmp', 'DynamicUser', 'Delegate', 'RemoveIPC', 'NoNewPrivileges']),
    );
    expect(Object.keys(STRENGTH_ORDERS).sort()).toEqual([
      'DevicePolicy',
      'KeyringMode',
      'NotifyAccess',
      'ProcSubset',
      'ProtectHome',
      'ProtectProc',
      'ProtectSystem',
    ]);
  });

  it('lists weights per release and the fix in the reference docs/assessors.md is made from', () => {
    const reference = assessorReference();
    expect(reference.map((r) => r.jsonField)).toEqual(assessorFields());
    const tmp = reference.find((r) => r.jsonField === 'PrivateTmp');
    expect(tmp?.perVersion.map((p) => p.version)).toEqual([...SUPPORTED_VERSIONS]);
    expect(tmp?.fix?.directives).toEqual(['PrivateTmp=yes']);
    expect(reference.filter((r) => r.judgement).map((r) => r.jsonField)).toEqual([
      'UserOrDynamicUser',
      'PrivateNetwork',
      'RootDirectoryOrRootImage',
      'RestrictAddressFamilies_AF_INET_INET6',
      'RestrictAddressFamilies_AF_UNIX',
      'IPAddressDeny',
    ]);
  });
});
