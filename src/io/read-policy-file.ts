// Reads a policy file from a checkout the way every command should: never through a symlink (a
// hostile change could point it anywhere) and never more than 1 MiB.
import { lstatSync, readFileSync } from 'node:fs';

export const MAX_POLICY_BYTES = 1024 * 1024;

export type PolicyFileRead = { ok: true; text: string } | { ok: false; message: string };

/** `full` is the file's path on disk; `shown` names it in messages. */
export function readPolicyFile(full: string, shown: string): PolicyFileRead {
  try {
    const st = lstatSync(full);
    if (st.isSymbolicLink())
      return { ok: false, message: `policy ${shown} is a symlink; refusing to follow it` };
    if (!st.isFile()) return { ok: false, message: `policy ${shown} is not a regular file` };
    if (st.size > MAX_POLICY_BYTES) return { ok: false, message: `policy ${shown} is larger than 1 MiB` };
    return { ok: true, text: readFileSync(full, 'utf8') };
  } catch (e) {
    return {
      ok: false,
      message: `cannot read policy ${shown}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
    };
  }
}
