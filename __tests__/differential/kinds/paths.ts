// Case kind `paths`: executable paths that imply a directory (`.`, `..`, `a/.`, `/a/..`: v256+
// path_implies_directory()) or hold special characters, in every Exec*= key, with and without `-`;
// units asked for by an alias (plain, template, instance; under --root and by path), whose main file
// expands specifiers under the name asked for and may fail before the names merge; and the
// SYSTEMD_UNIT_PATH environment variable (trailing `:`, empty, empty entries, relative entries).
import fc from 'fast-check';
import type { CaseFile, DifferentialCase } from '../cases';

const EXEC_KEYS = [
  'ExecStart',
  'ExecStartPre',
  'ExecStartPost',
  'ExecCondition',
  'ExecReload',
  'ExecStop',
  'ExecStopPost',
];
const EXEC_PATHS = [
  '.',
  '..',
  'a/.',
  'a/..',
  '/a/.',
  '/a/..',
  '/.',
  '/..',
  '/a/b/..',
  '/a/./b',
  './a',
  '../a',
  '/bin/',
  'true',
  '/bin/true',
  '/bin/a\\x01b',
  '/bin/a\\x27b',
  '%n/.',
  '/a/%p/..',
];

const execLine: fc.Arbitrary<string> = fc
  .record({
    key: fc.constantFrom(...EXEC_KEYS),
    prefix: fc.constantFrom('', '', '-', '@', '-@', '+', ':'),
    path: fc.constantFrom(...EXEC_PATHS),
    args: fc.constantFrom('', ' x', ' ; /bin/true', ' ; ..'),
  })
  .map(({ key, prefix, path, args }) => `${key}=${prefix}${path}${args}`);

/** A service whose commands are the generated ones (ExecStart= kept valid unless a line replaces it). */
const execCase: fc.Arbitrary<DifferentialCase> = fc
  .record({
    lines: fc.array(execLine, { minLength: 1, maxLength: 4 }),
    dropIn: fc.option(fc.array(execLine, { minLength: 1, maxLength: 2 }), { nil: undefined, freq: 3 }),
  })
  .map(({ lines, dropIn }) => {
    const files: Record<string, CaseFile> = {
      'ug-exec.service': ['[Service]', 'ExecStart=/bin/true', ...lines, ''].join('\n'),
    };
    if (dropIn) files['ug-exec.service.d/10-exec.conf'] = ['[Service]', ...dropIn, ''].join('\n');
    return { files, args: ['--offline=true', '$DIR/ug-exec.service'] };
  });

const SPECIFIER_LINES = [
  'ReadWritePaths=n-%n N-%N p-%p P-%P i-%i f-%f j-%j J-%J',
  'ReadWritePaths=-rel-%n',
  'WorkingDirectory=rel-%p',
  'ReadOnlyPaths=r-%r',
  'ExecStartPre=a/%i',
  'Environment=X=%n',
];

/** What the target's main file holds: specifier lines, maybe a fatal one. */
const mainLines = fc.array(fc.constantFrom(...SPECIFIER_LINES), { minLength: 1, maxLength: 3 });

type AliasShape = 'plain' | 'template' | 'instance-link' | 'linked-file';

/** A unit and one or two aliases to it, asked for by those names (several arguments, some repeated). */
const aliasCase: fc.Arbitrary<DifferentialCase> = fc
  .record({
    shape: fc.constantFrom<AliasShape>('plain', 'template', 'instance-link', 'linked-file'),
    main: mainLines,
    dropIn: fc.option(mainLines, { nil: undefined, freq: 2 }),
    dropInOn: fc.constantFrom<'target' | 'alias'>('target', 'alias'),
    byPath: fc.boolean(),
    order: fc.constantFrom<'alias-first' | 'target-first' | 'alias-twice'>(
      'alias-first',
      'target-first',
      'alias-twice',
    ),
  })
  .map(({ shape, main, dropIn, dropInOn, byPath, order }) => {
    const lib = 'usr/lib/systemd/system';
    const etc = 'etc/systemd/system';
    const files: Record<string, CaseFile> = {};
    const text = ['[Service]', 'ExecStart=/bin/true', ...main, ''].join('\n');
    let target: string;
    let alias: string;
    let targetFile: string;
    let aliasDir = lib;
    if (shape === 'plain' || shape === 'linked-file') {
      targetFile = 'ug-real.service';
      target = 'ug-real.service';
      alias = 'ug-alias.service';
    } else {
      targetFile = 'ug-real@.service';
      target = 'ug-real@x.service';
      alias = shape === 'template' ? 'ug-alias@x.service' : 'ug-alias@y.service';
    }
    files[`${lib}/${targetFile}`] = text;
    if (shape === 'linked-file') {
      aliasDir = etc;
      files[`${etc}/${alias}`] = { symlink: `$DIR/${lib}/${targetFile}` };
    } else if (shape === 'template') files[`${lib}/ug-alias@.service`] = { symlink: targetFile };
    else if (shape === 'instance-link') files[`${lib}/${alias}`] = { symlink: targetFile };
    else files[`${lib}/${alias}`] = { symlink: targetFile };
    if (dropIn) {
      const owner = dropInOn === 'target' ? targetFile : shape === 'template' ? 'ug-alias@.service' : alias;
      files[`${etc}/${owner}.d/10-x.conf`] = ['[Service]', ...dropIn, ''].join('\n');
    }
    const names =
      order === 'alias-first' ? [alias, target] : order === 'target-first' ? [target, alias] : [alias, alias];
    const args = byPath
      ? names.map((n) => `$DIR/${n === alias ? aliasDir : lib}/${n}`)
      : ['--root=$DIR', ...names];
    return { files, args: ['--offline=true', ...args] };
  });

const UNIT_PATH_VALUES = [
  '$DIR/p1',
  '$DIR/p1:',
  '$DIR/p2:$DIR/p1',
  '$DIR/p2:$DIR/p1:',
  '',
  ':',
  '::',
  ':$DIR/p1',
  '$DIR/p1::',
  '$DIR/p1::$DIR/p2:',
  'rel:',
  '$DIR/./p2//:',
  '/etc/systemd/system:$DIR/p1',
];

/** SYSTEMD_UNIT_PATH pointing into the case, with units by name, by path and under --root. */
const unitPathCase: fc.Arbitrary<DifferentialCase> = fc
  .record({
    value: fc.constantFrom(...UNIT_PATH_VALUES),
    where: fc.constantFrom<'name' | 'path' | 'root'>('name', 'path', 'root'),
    dropIn: fc.boolean(),
  })
  .map(({ value, where, dropIn }) => {
    const unit = (from: string): string =>
      ['[Service]', 'ExecStart=/bin/true', `ReadWritePaths=from-${from}`, ''].join('\n');
    const files: Record<string, CaseFile> = {
      'p1/ug-a.service': unit('p1'),
      'p2/ug-a.service': unit('p2'),
      'p2/ug-b.service': unit('p2'),
      'q/ug-c.service': unit('q'),
      'etc/systemd/system/ug-a.service': unit('etc'),
      'etc/systemd/system/ug-b.service': unit('etc'),
    };
    if (dropIn) files['p2/ug-a.service.d/10-x.conf'] = '[Service]\nReadOnlyPaths=from-p2-drop-in\n';
    const args =
      where === 'name'
        ? ['ug-a.service', 'ug-b.service']
        : where === 'path'
          ? ['$DIR/q/ug-c.service', 'ug-a.service', 'ug-b.service']
          : ['--root=$DIR', 'ug-a.service', 'ug-b.service'];
    return { files, args: ['--offline=true', ...args], env: { SYSTEMD_UNIT_PATH: value } };
  });

export const pathsCase: fc.Arbitrary<DifferentialCase> = fc.oneof(
  { weight: 3, arbitrary: execCase },
  { weight: 3, arbitrary: aliasCase },
  { weight: 2, arbitrary: unitPathCase },
);
