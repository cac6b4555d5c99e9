// One version string: package.json's, printed by `--version` and written into every report.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../src/cli';
import { UNITGATE_VERSION } from '../src/version';

const packageVersion = (
  JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }
).version;

it("is package.json's version", () => {
  expect(UNITGATE_VERSION).toBe(packageVersion);
});

it.each([['--version'], ['-V']])('%s prints it', (flag) => {
  const r = runCli([flag], { cwd: __dirname, env: {}, stdoutIsTTY: false });
  expect(r.stdout).toBe(`${packageVersion}\n`);
  expect(r.exitCode).toBe(0);
});
