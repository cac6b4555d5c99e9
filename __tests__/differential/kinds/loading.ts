// Cases about what gets loaded: root trees with /etc over /usr/lib over /run, the generator and
// transient directories systemd-analyze never searches, masks, aliases of every unit type (valid,
// rejected, chained, into a subdirectory, instance to template), symlinked drop-in directories,
// merged-/usr `/lib -> usr/lib` links, paths given under --root, and without --root several arguments
// whose directories (and the drop-ins beside them) serve one another. The unit files are plain and
// valid, so that a disagreement is about loading, not about a setting's warning.
import fc from 'fast-check';
import type { CaseFile, DifferentialCase } from '../cases';

/** One unit per type, named so that a mount's or swap's name matches its path. */
const UNITS: Record<string, { name: string; text: string }> = {
  service: { name: 'ug-svc.service', text: '[Service]\nExecStart=/bin/true\nPrivateTmp=yes\n' },
  template: { name: 'ug-tpl@.service', text: '[Service]\nExecStart=/bin/true %i\nUser=ug-%i\n' },
  socket: { name: 'ug-sock.socket', text: '[Socket]\nListenStream=/run/ug.sock\n' },
  timer: { name: 'ug-tim.timer', text: '[Timer]\nOnActiveSec=5\n' },
  path: { name: 'ug-pth.path', text: '[Path]\nPathExists=/etc/ug\n' },
  target: { name: 'ug-tgt.target', text: '[Unit]\nDescription=ug target\n' },
  mount: { name: 'srv-ug.mount', text: '[Mount]\nWhat=/dev/ugdisk\nWhere=/srv/ug\n' },
  automount: { name: 'srv-ug.automount', text: '[Automount]\nWhere=/srv/ug\n' },
  swap: { name: 'dev-ugswap.swap', text: '[Swap]\nWhat=/dev/ugswap\n' },
  slice: { name: 'ug-slc.slice', text: '[Slice]\nCPUWeight=20\n' },
};
const KINDS = Object.keys(UNITS);
const SUFFIXES = ['service', 'socket', 'timer', 'path', 'target', 'mount', 'automount', 'swap', 'slice'];

const DIRS = [
  'etc/systemd/system',
  'etc/systemd/system',
  'usr/lib/systemd/system',
  'usr/lib/systemd/system',
  'lib/systemd/system',
  'run/systemd/system',
  'usr/local/lib/systemd/system',
  'etc/systemd/system.control',
  'run/systemd/system.attached',
  'run/systemd/generator',
  'run/systemd/generator.late',
  'run/systemd/transient',
];

/** A drop-in for a unit of `type`: its own section, so that only loading can make a difference. */
const SECTION: Record<string, string> = {
  service: 'Service',
  socket: 'Socket',
  timer: 'Timer',
  path: 'Path',
  mount: 'Mount',
  automount: 'Automount',
  swap: 'Swap',
  slice: 'Slice',
};
const dropIn = fc.constantFrom('Description=from a drop-in', 'own');
const dropInText = (line: string, type: string): string =>
  line === 'own' && SECTION[type]
    ? `[${SECTION[type]}]\n${type === 'service' ? 'ProtectHome=yes' : type === 'slice' ? 'CPUWeight=30' : '# nothing'}\n`
    : '[Unit]\nDescription=from a drop-in\n';
const typeOf = (name: string): string => name.slice(name.lastIndexOf('.') + 1);

/** An alias link: its name (a suffix and whether it is an instance or template) and how it points. */
const alias = fc.record({
  suffix: fc.constantFrom(...SUFFIXES, 'service', 'service'),
  form: fc.constantFrom('plain', 'plain', 'template', 'instance'),
  how: fc.constantFrom('absolute', 'relative', 'via-lib', 'subdir', 'chain', 'self', 'bad-name'),
  in: fc.constantFrom('etc/systemd/system', 'usr/lib/systemd/system', 'run/systemd/system'),
});

const aliasName = (i: number, suffix: string, form: string): string =>
  form === 'plain'
    ? `ug-al${i}.${suffix}`
    : form === 'template'
      ? `ug-al${i}@.${suffix}`
      : `ug-al${i}@x.${suffix}`;

const rootCase: fc.Arbitrary<DifferentialCase> = fc
  .record({
    kind: fc.constantFrom(...KINDS, 'service', 'service', 'template'),
    mainIn: fc.constantFrom(...DIRS),
    mergedUsr: fc.boolean(),
    etcCopy: fc.boolean(),
    mask: fc.constantFrom(undefined, undefined, undefined, 'etc', 'usr', 'empty'),
    aliases: fc.array(alias, { maxLength: 3 }),
    dropIn: fc.option(dropIn, { nil: undefined }),
    dropInLinked: fc.boolean(),
    typeDropIn: fc.option(dropIn, { nil: undefined, freq: 4 }),
    ask: fc.array(fc.constantFrom('name', 'alias', 'path', 'usr-path', 'outside', 'missing-slice'), {
      minLength: 1,
      maxLength: 3,
    }),
    json: fc.constantFrom('--json=short', undefined),
  })
  .map((t) => {
    const unit = UNITS[t.kind] as { name: string; text: string };
    const files: Record<string, CaseFile> = {};
    // A merged /usr: /lib is a link to usr/lib, and what would be under lib/ is under usr/lib/.
    const dirOf = (d: string): string => (t.mergedUsr && d.startsWith('lib/') ? 'usr/' + d : d);
    if (t.mergedUsr) files['lib'] = { symlink: 'usr/lib' };
    const mainDir = dirOf(t.mainIn);
    files[`${mainDir}/${unit.name}`] = unit.text;
    if (t.etcCopy && mainDir !== 'etc/systemd/system')
      files[`etc/systemd/system/${unit.name}`] = unit.text.replace('\n', '\nDescription=etc copy\n');
    if (t.mask === 'etc' || t.mask === 'usr')
      files[`${t.mask === 'etc' ? 'etc' : 'usr/lib'}/systemd/system/${unit.name}`] = { symlink: '/dev/null' };
    else if (t.mask === 'empty') files[`etc/systemd/system/${unit.name}`] = '';
    const names: string[] = [];
    t.aliases.forEach((a, i) => {
      const name = aliasName(i, a.suffix, a.form);
      const at = `${a.in}/${name}`;
      if (files[at] !== undefined) return;
      const target =
        a.how === 'absolute'
          ? `/${mainDir}/${unit.name}`
          : a.how === 'relative'
            ? `${'../'.repeat(a.in.split('/').length)}${mainDir}/${unit.name}`
            : a.how === 'via-lib'
              ? `/lib/systemd/system/${unit.name}`
              : a.how === 'subdir'
                ? `/usr/lib/systemd/system/sub/${unit.name}`
                : a.how === 'chain' && names.length > 0
                  ? (names[names.length - 1] as string)
                  : a.how === 'self'
                    ? name
                    : a.how === 'bad-name'
                      ? 'not a unit'
                      : unit.name;
      if (a.how === 'subdir') files[`usr/lib/systemd/system/sub/${unit.name}`] = unit.text;
      files[at] = { symlink: target };
      names.push(name.replace('@.', '@x.'));
    });
    const instance = unit.name.replace('@.', '@one.');
    if (t.dropIn) {
      if (t.dropInLinked) {
        files[`usr/lib/systemd/system/ug-shared/50-x.conf`] = dropInText(t.dropIn, typeOf(unit.name));
        files[`etc/systemd/system/${unit.name}.d`] = { symlink: '/usr/lib/systemd/system/ug-shared' };
      } else files[`etc/systemd/system/${unit.name}.d/50-x.conf`] = dropInText(t.dropIn, typeOf(unit.name));
    }
    if (t.typeDropIn)
      files[`usr/lib/systemd/system/${typeOf(unit.name)}.d/10-type.conf`] = dropInText(
        t.typeDropIn,
        typeOf(unit.name),
      );
    const args = t.ask.map((how, i) =>
      how === 'alias' && names.length > 0
        ? (names[i % names.length] as string)
        : how === 'path'
          ? `/${mainDir}/${unit.name}`
          : how === 'usr-path'
            ? `/usr/lib/systemd/system/${unit.name}`
            : how === 'outside'
              ? `/srv/${unit.name}`
              : how === 'missing-slice'
                ? 'ug-none.slice'
                : instance,
    );
    return { files, args: ['--offline=true', '--root=$DIR', ...(t.json ? [t.json] : []), ...args] };
  });

/**
 * Without --root: units in several directories given by path; each argument's directory is searched
 * for every unit, so a drop-in or a unit beside one argument serves another.
 */
const pathsCase: fc.Arbitrary<DifferentialCase> = fc
  .record({
    units: fc.array(
      fc.record({
        dir: fc.constantFrom('a', 'b', 'c/d'),
        kind: fc.constantFrom('service', 'service', 'template', 'socket', 'timer', 'slice'),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    dropIns: fc.array(fc.record({ dir: fc.constantFrom('a', 'b', 'c/d'), unit: fc.nat(2), text: dropIn }), {
      maxLength: 3,
    }),
    aliasIn: fc.option(fc.constantFrom('a', 'b'), { nil: undefined }),
    askElsewhere: fc.boolean(),
    repeat: fc.boolean(),
    json: fc.constantFrom('--json=short', undefined),
  })
  .map((t) => {
    const files: Record<string, CaseFile> = {};
    const args: string[] = [];
    t.units.forEach((u, i) => {
      const unit = UNITS[u.kind] as { name: string; text: string };
      files[`${u.dir}/${unit.name}`] = unit.text;
      args.push(`$DIR/${u.dir}/${unit.name}`);
      if (i === 0 && t.askElsewhere) args.push(`$DIR/${u.dir === 'a' ? 'b' : 'a'}/${unit.name}`);
    });
    t.dropIns.forEach((d, i) => {
      const unit = UNITS[(t.units[d.unit % t.units.length] as { kind: string }).kind] as { name: string };
      files[`${d.dir}/${unit.name.replace('@.', '@i.')}.d/${20 + i}-x.conf`] = dropInText(
        d.text,
        typeOf(unit.name),
      );
    });
    if (t.aliasIn !== undefined) {
      const first = UNITS[(t.units[0] as { kind: string }).kind] as { name: string };
      const suffix = first.name.split('.').pop() as string;
      const name = first.name.includes('@') ? `ug-alias@.${suffix}` : `ug-alias.${suffix}`;
      files[`${t.aliasIn}/${name}`] = { symlink: `../${(t.units[0] as { dir: string }).dir}/${first.name}` };
      args.push(`$DIR/${t.aliasIn}/${name}`);
    }
    if (t.repeat) args.push(args[0] as string);
    return { files, args: ['--offline=true', ...(t.json ? [t.json] : []), ...args] };
  });

export const loadingCase: fc.Arbitrary<DifferentialCase> = fc.oneof(
  { weight: 3, arbitrary: rootCase },
  { weight: 2, arbitrary: pathsCase },
);
