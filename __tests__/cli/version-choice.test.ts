// Every place the release is chosen says which releases no live systemd-analyze checks, from the data
// (releases.json's `oracle` entry, carried into each release's generated data as `liveOracle`).
import { runCli, runCliAsync } from '../../src/cli';
import {
  RELEASES_WITHOUT_LIVE_ORACLE,
  SUPPORTED_VERSIONS,
  liveOracleNotice,
  systemdRelease,
} from '../../src/core/security/versions';

const cli = { cwd: '/', env: {}, stdoutIsTTY: false };

describe('releases without a live oracle', () => {
  it('are the releases whose data names no Debian suite', () => {
    for (const version of SUPPORTED_VERSIONS) {
      expect(RELEASES_WITHOUT_LIVE_ORACLE.includes(version)).toBe(
        systemdRelease(version).data.liveOracle === null,
      );
    }
    // 255: Ubuntu 24.04 ships it, and no Ubuntu archive is reachable where the oracles are built.
    expect(RELEASES_WITHOUT_LIVE_ORACLE).toEqual([255]);
  });

  it('are named by the notice', () => {
    expect(liveOracleNotice()).toBe(
      "255 is not checked against a live systemd-analyze (no reachable archive ships it): only through the spec's facts",
    );
  });

  it.each([['check'], ['suggest'], ['snapshot']])(
    "are named by `unitgate %s --help`'s --systemd-version",
    async (command) => {
      const r = await runCliAsync([command, '--help'], cli);
      expect(r.stdout.replace(/\s+/g, ' ')).toContain(liveOracleNotice());
    },
  );

  it("are named by `unitgate security --help`'s --systemd-version", () => {
    const r = runCli(['security', '--help'], cli);
    expect(`${r.stdout}${r.stderr}`.replace(/\s+/g, ' ')).toContain(liveOracleNotice());
  });
});
