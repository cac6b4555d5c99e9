import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import schema from '../../../policies/schema.json';
import { SUPPORTED_VERSIONS, isSupportedVersion, systemdRelease } from '../../../src/core/security/versions';

// One list of versions: the rows of versions.ts, and everything derived from the data files by the
// scripts (policies/schema.json's enum is written by scripts/generate-docs.mjs).
describe('the supported versions registry', () => {
  const dataDir = path.join(__dirname, '../../../src/core/security/data');
  const dataFiles = readdirSync(dataDir)
    .map((name) => /^systemd-(\d+)\.json$/.exec(name)?.[1])
    .filter((v): v is string => v !== undefined)
    .map(Number)
    .sort((a, b) => a - b);

  it('lists exactly the generated data files, oldest first', () => {
    expect(SUPPORTED_VERSIONS).toEqual(dataFiles);
  });

  it('is the releases the data is generated for (spec/systemd-data/releases.json)', () => {
    const releases = JSON.parse(
      readFileSync(path.join(__dirname, '../../../spec/systemd-data/releases.json'), 'utf8'),
    ) as { releases: Record<string, unknown> };
    expect(Object.keys(releases.releases).map(Number)).toEqual(SUPPORTED_VERSIONS);
  });

  it('is the enum of policies/schema.json', () => {
    expect(schema.properties.systemdVersion.enum).toEqual(SUPPORTED_VERSIONS);
  });

  it.each([...SUPPORTED_VERSIONS])('%i has its own data and every switch', (version) => {
    const profile = systemdRelease(version);
    expect(profile.version).toBe(version);
    expect(profile.data.version).toBe(version);
    expect(Object.keys(profile.traits).sort()).toEqual(
      Object.keys(systemdRelease(SUPPORTED_VERSIONS[0]!).traits).sort(),
    );
  });

  it('accepts only those versions', () => {
    expect([0, 251, 253, 256, 258, 1000].filter(isSupportedVersion)).toEqual([]);
    expect(SUPPORTED_VERSIONS.every(isSupportedVersion)).toBe(true);
  });
});
