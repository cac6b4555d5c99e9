// Which profile the files of one side of a unit ask for, and whether the policy excludes it. A
// `# unitgate: profile=NAME` comment in the unit file or a drop-in wins, then the first `units[].match`
// glob, then the default. The gate compares the base side with the head side (decideProfile in
// evaluate-gate.ts): a pull request cannot choose its own profile.
import type { SourceLocation } from '../unit/parse-unit-file';
import { matchesGlob } from './match-glob';
import type { Exclusion, GatePolicy, Profile } from './policy-types';

/** A unit file or drop-in; a bare string is taken to be the text of the main unit file. */
export type UnitFileText = string | { path: string; text: string };

export type ProfileResolution =
  | {
      profile: Profile;
      how: 'comment' | 'glob' | 'default';
      /** The comment that assigned the profile. */
      location?: SourceLocation;
      /** The `units[].match` glob that assigned the profile. */
      match?: string;
    }
  | {
      /** The comment names no profile of the policy, or is malformed. */
      error: string;
      location: SourceLocation;
    };

// systemd comment lines start with `#` or `;` (config_parse() in src/shared/conf-parser.c).
const PROFILE_COMMENT = /^([ \t]*[#;][ \t]*unitgate:[ \t]*profile\b)(.*)$/;
const PROFILE_VALUE = /^[ \t]*=[ \t]*([A-Za-z0-9][A-Za-z0-9._-]*)[ \t]*$/;

interface ProfileComment {
  name?: string;
  location: SourceLocation;
}

/** `# unitgate: profile=NAME` comments in file order; the last one counts, as a later drop-in line would. */
function findProfileComments(repoPath: string, files: readonly UnitFileText[]): ProfileComment[] {
  const found: ProfileComment[] = [];
  for (const f of files) {
    const { path, text } = typeof f === 'string' ? { path: repoPath, text: f } : f;
    text.split('\n').forEach((raw, index) => {
      const line = raw.replace(/\r$/, '');
      const m = PROFILE_COMMENT.exec(line);
      if (!m) return;
      const prefix = m[1] as string;
      const value = PROFILE_VALUE.exec(m[2] as string);
      const name = value?.[1];
      const column = name !== undefined ? line.indexOf(name, prefix.length) + 1 : prefix.length + 1;
      found.push({
        ...(name !== undefined ? { name } : {}),
        location: { file: path, line: index + 1, column },
      });
    });
  }
  return found;
}

/**
 * The profile for a unit. `repoPath` is the main unit file's repository path, `unitName` the unit's
 * name (both are tried against each glob); `files` are the unit file and its drop-ins in the order
 * systemd applies them. An unknown or malformed profile comment is returned as an error.
 */
export function resolveProfile(
  policy: GatePolicy,
  repoPath: string,
  unitName: string,
  files: readonly UnitFileText[],
): ProfileResolution {
  const comment = findProfileComments(repoPath, files).pop();
  if (comment) {
    if (comment.name === undefined) {
      return {
        error: 'malformed profile comment: write `# unitgate: profile=NAME`',
        location: comment.location,
      };
    }
    const profile = policy.profiles.get(comment.name);
    if (!profile) {
      const known = [...policy.profiles.keys()].join(', ');
      return {
        error: `unknown profile '${comment.name}' in the unit's profile comment (the policy has: ${known})`,
        location: comment.location,
      };
    }
    return { profile, how: 'comment', location: comment.location };
  }
  for (const assignment of policy.units) {
    if (!matchesUnit(assignment.match, repoPath, unitName)) continue;
    const profile = policy.profiles.get(assignment.profile);
    // loadPolicy rejects assignments to unknown profiles, so this holds for any loaded policy.
    if (!profile) throw new Error(`policy assigns unknown profile '${assignment.profile}'`);
    return { profile, how: 'glob', match: assignment.match };
  }
  const profile = policy.profiles.get(policy.defaultProfile);
  if (!profile) throw new Error(`policy's default profile '${policy.defaultProfile}' does not exist`);
  return { profile, how: 'default' };
}

/** The first `exclude` entry that matches the unit, if any. */
export function isExcluded(policy: GatePolicy, repoPath: string, unitName: string): Exclusion | undefined {
  return policy.exclude.find((x) => matchesUnit(x.match, repoPath, unitName));
}

function matchesUnit(glob: string, repoPath: string, unitName: string): boolean {
  return matchesGlob(glob, repoPath) || matchesGlob(glob, unitName);
}
