// The lists a profile holds for policy rules (`allowedCapabilities`, `forbiddenDirectives`…). What each
// list means is data in policies/schema.json, written on its key: `x-unitgate-list` says what the items
// are (allowed or forbidden, and so which direction of a change loosens the policy), `x-unitgate-names`
// which of the release's names the items must be. Loading a policy (inheritance, name checks) and
// comparing two (loosening) read these annotations: a new rule's list needs no code in the policy stage.
import type { KeywordDefinition } from 'ajv';
import schema from '../../../policies/schema.json';
import type { RuleListKey } from '../gate/gate-types';
import type { SystemdData } from '../security/versions';
import type { RuleLists } from './policy-types';

/** The schema keyword that marks a profile key as a rule's list, and says what its items are. */
export const LIST_ANNOTATION = 'x-unitgate-list';
/** The schema keyword that says which of the release's names a list's items must be. */
export const NAMES_ANNOTATION = 'x-unitgate-names';

/**
 * What a list's items are. `allow`: what a unit may have; an absent list is not checked (the loosest
 * value), and adding items loosens. `deny`: what a unit must not have; an absent list forbids nothing,
 * and removing items loosens.
 */
export const LIST_MEANINGS = ['allow', 'deny'] as const;
export type ListMeaning = (typeof LIST_MEANINGS)[number];

/** The release's name tables (versions.ts `SystemdData`) a list can be checked against, and what one name is called. */
export const NAME_SETS = {
  capabilities: 'capability',
  addressFamilies: 'address family',
} as const satisfies Partial<Record<keyof SystemdData, string>>;
export type NameSet = keyof typeof NAME_SETS;

/** One rule's list, as the schema annotates it. */
export interface ProfileList {
  key: RuleListKey;
  meaning: ListMeaning;
  /** Which of the release's names the items must be, when the schema says (`x-unitgate-names`). */
  names?: NameSet;
}

/** The annotations as ajv keywords: strict mode accepts them, and refuses a value not listed above. */
export const PROFILE_LIST_KEYWORDS: readonly KeywordDefinition[] = [
  { keyword: LIST_ANNOTATION, metaSchema: { enum: [...LIST_MEANINGS] } },
  { keyword: NAMES_ANNOTATION, metaSchema: { enum: Object.keys(NAME_SETS) } },
];

const isOneOf = <T extends string>(values: readonly T[], value: unknown): value is T =>
  (values as readonly unknown[]).includes(value);

/**
 * The annotated keys of the profile definition, in schema order. Throws on an annotation this module
 * cannot act on (an unknown value, names on a key that is no list): the schema is part of the program.
 */
export function profileListsOf(profileSchema: { properties: Record<string, object> }): ProfileList[] {
  return Object.entries(profileSchema.properties).flatMap(([key, property]): ProfileList[] => {
    const meaning = (property as Record<string, unknown>)[LIST_ANNOTATION];
    const names = (property as Record<string, unknown>)[NAMES_ANNOTATION];
    if (meaning === undefined && names === undefined) return [];
    if (!isOneOf(LIST_MEANINGS, meaning))
      throw new Error(
        `policies/schema.json: profile key '${key}': ${LIST_ANNOTATION} must be one of ${LIST_MEANINGS.join(', ')}, not ${JSON.stringify(meaning)}`,
      );
    if (names !== undefined && !isOneOf(Object.keys(NAME_SETS) as NameSet[], names))
      throw new Error(
        `policies/schema.json: profile key '${key}': ${NAMES_ANNOTATION} must be one of ${Object.keys(NAME_SETS).join(', ')}, not ${JSON.stringify(names)}`,
      );
    // The registry test checks that the annotated keys are exactly the rules' list keys.
    return [{ key: key as RuleListKey, meaning, ...(names !== undefined ? { names } : {}) }];
  });
}

/** The rules' lists of a profile, from policies/schema.json. */
export const PROFILE_LISTS: readonly ProfileList[] = profileListsOf(schema.definitions.profile);

/**
 * Each list of a profile: its own when it sets one, else its parent's (a list replaces the parent's
 * whole, it is not merged), copied. Absent stays absent: for an allow-list that means not checked.
 */
export function inheritLists(own: RuleLists, parent: RuleLists = {}): RuleLists {
  const lists: RuleLists = {};
  for (const { key } of PROFILE_LISTS) {
    const list = own[key] ?? parent[key];
    if (list) lists[key] = [...list];
  }
  return lists;
}
