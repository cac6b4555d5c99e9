// Case kind `host`: the specifiers systemd-analyze expands from the machine it runs on (%H %l %q %m
// %b %v %a and os-release's %o %w %W %B %M %A) and from the unit file's real path (%y %Y), in values
// systemd prints back (relative paths it ignores with a warning, refused working directories and
// commands, environment values it keeps), next to specifiers that do not depend on the host; the unit given by path, as a template,
// or under --root in /etc or /usr/lib, directly or through a link, with a drop-in.
import fc from 'fast-check';
import type { CaseFile, DifferentialCase } from '../cases';

const HOST_SPECIFIERS = ['H', 'l', 'q', 'm', 'b', 'v', 'a', 'o', 'w', 'W', 'B', 'A', 'M', 'y', 'Y'];
const OTHER_SPECIFIERS = ['n', 'N', 'p', 'i', 'I', 'f', 'j', 'T', 'V', 'E', 'u', 'h', '%'];

/** A value around one to three specifiers, mostly host ones: `x%H/z`, `%o-%w`, `rel%m`… */
const specifierValue: fc.Arbitrary<string> = fc
  .array(
    fc.record({
      before: fc.constantFrom('', 'x', 'rel/', '-', '.'),
      specifier: fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(...HOST_SPECIFIERS) },
        { weight: 1, arbitrary: fc.constantFrom(...OTHER_SPECIFIERS) },
      ),
    }),
    { minLength: 1, maxLength: 3 },
  )
  .chain((parts) =>
    fc
      .constantFrom('', '/z', '.d', '%', '%%')
      .map((after) => parts.map((p) => `${p.before}%${p.specifier}`).join('') + after),
  );

/** Lines whose expanded value systemd prints back (or refuses), and lines it only keeps. */
const hostLine: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: specifierValue.map((v) => `ReadWritePaths=${v}`) },
  { weight: 2, arbitrary: specifierValue.map((v) => `ReadOnlyPaths=-${v}`) },
  { weight: 2, arbitrary: specifierValue.map((v) => `WorkingDirectory=${v}`) },
  { weight: 1, arbitrary: specifierValue.map((v) => `ExecStartPre=${v}`) },
  { weight: 1, arbitrary: specifierValue.map((v) => `InaccessiblePaths=${v}`) },
  { weight: 1, arbitrary: specifierValue.map((v) => `Environment=HOST=${v}`) },
);

type Placement = 'by-path' | 'template' | 'root-etc' | 'root-usr' | 'root-link';

/** One service using host specifiers, in one of the places systemd finds units. */
export const hostCase: fc.Arbitrary<DifferentialCase> = fc
  .record({
    placement: fc.constantFrom<Placement>('by-path', 'template', 'root-etc', 'root-usr', 'root-link'),
    main: fc.array(hostLine, { minLength: 1, maxLength: 4 }),
    dropIn: fc.option(fc.array(hostLine, { minLength: 1, maxLength: 2 }), { nil: undefined, freq: 3 }),
    json: fc.constantFrom('--json=short', undefined),
  })
  .map(({ placement, main, dropIn, json }) => {
    const name = placement === 'template' ? 'ug-host@.service' : 'ug-host.service';
    const text = (lines: string[], exec: boolean): string =>
      ['[Service]', ...(exec ? ['ExecStart=/bin/true'] : []), ...lines, ''].join('\n');
    const files: Record<string, CaseFile> = {};
    const options = ['--offline=true', ...(json ? [json] : [])];
    if (placement === 'by-path' || placement === 'template') {
      files[name] = text(main, true);
      if (dropIn) files[`${name}.d/10-host.conf`] = text(dropIn, false);
      return { files, args: [...options, `$DIR/${name}`] };
    }
    const dir = placement === 'root-usr' ? 'usr/lib/systemd/system' : 'etc/systemd/system';
    if (placement === 'root-link') {
      // A linked unit file: the link in /etc, the file in /usr/lib (%y names the file it leads to).
      files[`usr/lib/systemd/system/${name}`] = text(main, true);
      files[`etc/systemd/system/${name}`] = { symlink: `$DIR/usr/lib/systemd/system/${name}` };
    } else files[`${dir}/${name}`] = text(main, true);
    if (dropIn) files[`etc/systemd/system/${name}.d/10-host.conf`] = text(dropIn, false);
    return { files, args: [...options, '--root=$DIR', name] };
  });
