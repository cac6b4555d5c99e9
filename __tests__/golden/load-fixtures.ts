// Reads the recorded fixtures of __tests__/fixtures/ (gzip-compressed JSON, see the README there).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

export const FIXTURES = join(__dirname, '..', 'fixtures');

export function readGzipJson<T>(...path: string[]): T {
  return JSON.parse(gunzipSync(readFileSync(join(FIXTURES, ...path))).toString('utf8')) as T;
}

/** The versions recorded with a real systemd-analyze (252.38-1~deb12u1, 257.13, 262). */
export const RECORDED_VERSIONS = [252, 257, 262] as const;
export type RecordedVersion = (typeof RECORDED_VERSIONS)[number];
