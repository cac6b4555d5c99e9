// The directives a snapshot keeps of each file, with the values that can carry a secret replaced by
// their sha256: a snapshot (and the drift report made from it) says what a host-only file sets without
// publishing a password. The file's comments are never kept.
import { createHash } from 'node:crypto';
import { parseUnitFile } from '../unit/parse-unit-file';
import type { SnapshotDirective } from './snapshot-types';

/**
 * Keys whose values can carry a secret, in any section: environment assignments (`Environment=`,
 * `UnsetEnvironment=` takes `NAME=VALUE` too), credentials given inline or by path, journal fields, and
 * command lines (a password passed as an argument is common). `EnvironmentFile=` names a file whose
 * contents are never read; its path is kept. `[Mount] Options=` holds mount passwords (cifs).
 */
export const SECRET_BEARING_KEYS: ReadonlySet<string> = new Set([
  'Environment',
  'UnsetEnvironment',
  'SetCredential',
  'SetCredentialEncrypted',
  'LoadCredential',
  'LoadCredentialEncrypted',
  'LogExtraFields',
  'ExecStart',
  'ExecStartPre',
  'ExecStartPost',
  'ExecCondition',
  'ExecReload',
  'ExecStop',
  'ExecStopPost',
  'Options',
]);

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Every assignment of a file's text, in order, redacted (see SECRET_BEARING_KEYS). */
export function fileDirectives(text: string, path: string, sections: readonly string[]): SnapshotDirective[] {
  return parseUnitFile(text, path, sections).assignments.map((a) =>
    SECRET_BEARING_KEYS.has(a.key)
      ? { section: a.section, key: a.key, line: a.line, valueSha256: sha256Hex(a.value) }
      : { section: a.section, key: a.key, line: a.line, value: a.value },
  );
}

/** The file's identity across trees: `fragment`, or `NAME.d/FILE` for a drop-in. */
export function fileKey(role: 'fragment' | 'drop-in' | 'drop-in-directory', path: string): string {
  if (role === 'fragment') return 'fragment';
  const parts = path.split('/').filter((p) => p !== '');
  return role === 'drop-in-directory' ? `${parts.at(-1) ?? ''}/` : parts.slice(-2).join('/');
}
