// Where the action may write its files: the workspace and RUNNER_TEMP (where workflows usually put
// outputs), never through a symlink and never anywhere else.
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { outputPath, outputRoots, writeConfined } from '../../src/action/output-files';
import { ConfigError } from '../../src/action/settings';

let root: string;
let workspace: string;
let runnerTemp: string;
let elsewhere: string;
beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'unitgate-outputs-'));
  workspace = path.join(root, 'workspace');
  runnerTemp = path.join(root, '_temp');
  elsewhere = path.join(root, 'elsewhere');
  for (const d of [workspace, runnerTemp, elsewhere]) mkdirSync(d);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('writeConfined() with RUNNER_TEMP', () => {
  it.each([
    [
      'a path relative to the workspace',
      'reports/unitgate.json',
      () => path.join(workspace, 'reports/unitgate.json'),
    ],
    ['an absolute path in the workspace', '<ws>/unitgate.json', () => path.join(workspace, 'unitgate.json')],
    ['a file in RUNNER_TEMP', '<temp>/unitgate.sarif', () => path.join(runnerTemp, 'unitgate.sarif')],
    [
      'a new directory in RUNNER_TEMP',
      '<temp>/unitgate/out/report.json',
      () => path.join(runnerTemp, 'unitgate/out/report.json'),
    ],
  ])('writes %s', (_name, given, expected) => {
    const p = given.replace('<ws>', workspace).replace('<temp>', runnerTemp);
    const written = writeConfined(outputRoots(workspace, runnerTemp), p, 'report', 'x\n');
    expect(written).toBe(expected());
    expect(readFileSync(expected(), 'utf8')).toBe('x\n');
  });

  it.each([
    ['another directory', '<elsewhere>/report.json', /outside the workspace and RUNNER_TEMP/],
    ['a way out of RUNNER_TEMP', '<temp>/../elsewhere/report.json', /outside the workspace and RUNNER_TEMP/],
    ['a way out of the workspace', '../elsewhere/report.json', /outside the workspace and RUNNER_TEMP/],
    ['a directory link in RUNNER_TEMP that leads elsewhere', '<temp>/out/report.json', /through a symlink/],
    ['a directory link in the workspace that leads elsewhere', 'out/report.json', /through a symlink/],
    ['a file link in RUNNER_TEMP', '<temp>/report.json', /is a symlink/],
  ])('refuses %s', (_name, given, message) => {
    symlinkSync(elsewhere, path.join(runnerTemp, 'out'));
    symlinkSync(elsewhere, path.join(workspace, 'out'));
    writeFileSync(path.join(elsewhere, 'target'), 'keep\n');
    symlinkSync(path.join(elsewhere, 'target'), path.join(runnerTemp, 'report.json'));
    const p = given.replace('<elsewhere>', elsewhere).replace('<temp>', runnerTemp);
    expect(() => writeConfined(outputRoots(workspace, runnerTemp), p, 'report', 'x\n')).toThrow(ConfigError);
    expect(() => writeConfined(outputRoots(workspace, runnerTemp), p, 'report', 'x\n')).toThrow(message);
    expect(readFileSync(path.join(elsewhere, 'target'), 'utf8')).toBe('keep\n');
    expect(() => readFileSync(path.join(elsewhere, 'report.json'))).toThrow();
  });

  it('refuses RUNNER_TEMP paths when the runner has no RUNNER_TEMP', () => {
    expect(outputRoots(workspace, undefined)).toEqual([workspace]);
    expect(outputRoots(workspace, path.join(root, 'missing'))).toEqual([workspace]);
    expect(() => writeConfined([workspace], path.join(runnerTemp, 'r.json'), 'report', 'x')).toThrow(
      /"[^"]+" is outside the workspace$/,
    );
  });

  it('accepts a RUNNER_TEMP that is itself reached through a link', () => {
    const link = path.join(root, 'temp-link');
    symlinkSync(runnerTemp, link);
    const written = writeConfined(outputRoots(workspace, link), path.join(link, 'badge.json'), 'badge', '{}');
    expect(readFileSync(path.join(runnerTemp, 'badge.json'), 'utf8')).toBe('{}');
    expect(written).toBe(path.join(link, 'badge.json'));
  });
});

describe('outputPath(): where a report goes', () => {
  it('keeps a path the workflow gave', () => {
    const roots = outputRoots(workspace, runnerTemp);
    expect(outputPath(roots, workspace, runnerTemp, { path: 'out/r.json' })).toBe('out/r.json');
    expect(() => readFileSync(path.join(workspace, '.unitgate', '.gitignore'))).toThrow();
  });

  it('puts a default report under $RUNNER_TEMP/unitgate/ on a runner', () => {
    const roots = outputRoots(workspace, runnerTemp);
    const file = outputPath(roots, workspace, runnerTemp, { defaultName: 'unitgate.sarif' });
    expect(file).toBe(path.join(runnerTemp, 'unitgate', 'unitgate.sarif'));
    expect(writeConfined(roots, file, 'sarif', '{}')).toBe(file);
  });

  it.each([
    ['no RUNNER_TEMP', undefined],
    ['a RUNNER_TEMP that does not exist', 'missing'],
  ])('puts a default report in the self-ignoring .unitgate/ with %s', (_name, temp) => {
    const t = temp === undefined ? undefined : path.join(root, temp);
    const roots = outputRoots(workspace, t);
    const file = outputPath(roots, workspace, t, { defaultName: 'unitgate-report.json' });
    expect(file).toBe(path.join('.unitgate', 'unitgate-report.json'));
    expect(readFileSync(path.join(workspace, '.unitgate', '.gitignore'), 'utf8')).toMatch(/^\*$/m);
  });

  it('leaves a .gitignore that is already there as it is', () => {
    mkdirSync(path.join(workspace, '.unitgate'));
    writeFileSync(path.join(workspace, '.unitgate', '.gitignore'), '*.json\n');
    outputPath([workspace], workspace, undefined, { defaultName: 'unitgate.sarif' });
    expect(readFileSync(path.join(workspace, '.unitgate', '.gitignore'), 'utf8')).toBe('*.json\n');
  });

  it('refuses a .unitgate that links elsewhere', () => {
    symlinkSync(elsewhere, path.join(workspace, '.unitgate'));
    expect(() => {
      const file = outputPath([workspace], workspace, undefined, { defaultName: 'unitgate.sarif' });
      writeConfined([workspace], file, 'sarif', '{}');
    }).toThrow(/leads outside the workspace through a symlink/);
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  it('never writes through a .unitgate/.gitignore that links elsewhere', () => {
    mkdirSync(path.join(workspace, '.unitgate'));
    symlinkSync(path.join(elsewhere, 'missing'), path.join(workspace, '.unitgate', '.gitignore'));
    const file = outputPath([workspace], workspace, undefined, { defaultName: 'unitgate.sarif' });
    writeConfined([workspace], file, 'sarif', '{}');
    expect(readdirSync(elsewhere)).toEqual([]);
  });
});
