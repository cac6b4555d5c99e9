// The annotations of the rules' lists in policies/schema.json (x-unitgate-list, x-unitgate-names): only
// known values, only on the profile's keys, and the inheritance they drive.
import schema from '../../../policies/schema.json';
import { policySchemaAjv } from '../../../src/core/policy/policy-schema-ajv';
import {
  inheritLists,
  LIST_ANNOTATION,
  NAMES_ANNOTATION,
  PROFILE_LISTS,
  profileListsOf,
} from '../../../src/core/policy/profile-lists';
import { SUPPORTED_VERSIONS, systemdRelease } from '../../../src/core/security/versions';

const profileSchema = schema.definitions.profile;

/** The profile definition with `forbiddenDirectives` annotated by `annotations` instead. */
function annotated(annotations: Record<string, string>): typeof profileSchema {
  const copy = structuredClone(profileSchema) as typeof profileSchema;
  const key = copy.properties.forbiddenDirectives as Record<string, unknown>;
  delete key[LIST_ANNOTATION];
  Object.assign(key, annotations);
  return copy;
}

describe('the annotations of the profile’s rule lists', () => {
  it('reads the annotated keys in schema order', () => {
    const today = PROFILE_LISTS.filter((l) =>
      ['allowedCapabilities', 'allowedAddressFamilies', 'forbiddenDirectives'].includes(l.key),
    );
    expect(today).toEqual([
      { key: 'allowedCapabilities', meaning: 'allow', names: 'capabilities' },
      { key: 'allowedAddressFamilies', meaning: 'allow', names: 'addressFamilies' },
      { key: 'forbiddenDirectives', meaning: 'deny' },
    ]);
  });

  it.each<[string, Record<string, string>, boolean]>([
    ['an unknown meaning', { [LIST_ANNOTATION]: 'maybe' }, true],
    ['an unknown name table', { [LIST_ANNOTATION]: 'deny', [NAMES_ANNOTATION]: 'users' }, true],
    // ajv knows each keyword alone; only this module knows names belong to a list.
    ['names on a key that is no list', { [NAMES_ANNOTATION]: 'capabilities' }, false],
  ])('refuses %s', (_name, annotations, ajvRefuses) => {
    const broken = annotated(annotations);
    expect(() => profileListsOf(broken)).toThrow(/policies\/schema\.json: profile key 'forbiddenDirectives'/);
    const compile = (): unknown =>
      policySchemaAjv().compile({ ...schema, definitions: { ...schema.definitions, profile: broken } });
    if (ajvRefuses) expect(compile).toThrow(/value is invalid/);
    else expect(compile).not.toThrow();
  });

  it('is written on the profile’s keys only', () => {
    const found: string[] = [];
    const walk = (node: unknown, at: string): void => {
      if (typeof node !== 'object' || node === null) return;
      for (const [k, v] of Object.entries(node)) {
        if (k === LIST_ANNOTATION || k === NAMES_ANNOTATION) found.push(at);
        walk(v, `${at}/${k}`);
      }
    };
    walk(schema, '#');
    const expected = PROFILE_LISTS.map((l) => `#/definitions/profile/properties/${l.key}`);
    expect([...new Set(found)]).toEqual(expected);
  });

  it('names tables every supported release has', () => {
    for (const { names } of PROFILE_LISTS) {
      if (names === undefined) continue;
      for (const v of SUPPORTED_VERSIONS)
        expect(Object.keys(systemdRelease(v).data[names]).length).toBeGreaterThan(0);
    }
  });

  it('inherits a list whole: the profile’s own, else the parent’s, copied; absent stays absent', () => {
    const parent = { allowedCapabilities: ['CAP_CHOWN'], forbiddenDirectives: ['PrivateNetwork'] };
    const lists = inheritLists({ forbiddenDirectives: [] }, parent);
    expect(lists).toEqual({ allowedCapabilities: ['CAP_CHOWN'], forbiddenDirectives: [] });
    expect(lists.allowedCapabilities).not.toBe(parent.allowedCapabilities);
    expect('allowedAddressFamilies' in lists).toBe(false);
    expect(inheritLists({})).toEqual({});
  });
});
