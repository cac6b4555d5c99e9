// Case kind `syntax`: what systemd's config parser says about a unit's lines before any directive is
// scored. Misspelt keys, keys in the wrong section ([Unit], [Install]), unknown and `X-` sections,
// repeated section headers, a section header in a drop-in, lines without `=`, continuations with
// comments inside them (and one left open at the end of the file), quoting, repeated keys, odd bytes
// (invalid UTF-8, a byte order mark, CR line ends, NUL) in the unit and in its drop-ins, invalid values
// of the directives unitgate parses (worded differently per release), errno names in any case, and
// user names only the relaxed rules accept.
import fc from 'fast-check';
import type { CaseFile, DifferentialCase } from '../cases';

/** Invalid (and a few valid) values of directives unitgate parses, each worded per release when refused. */
const VALUE_LINES = [
  'NoNewPrivileges=bogus',
  'NoNewPrivileges=',
  'PrivateDevices=maybe',
  'ProtectKernelLogs=2',
  'RemoveIPC=yess',
  'PrivateMounts=bogus',
  'PrivateTmp=bogus',
  'PrivateTmp=disconnected',
  'PrivateUsers=bogus',
  'PrivateUsers=self',
  'ProtectControlGroups=bogus',
  'ProtectHostname=bogus',
  'ProtectHostname=yes:host',
  'ProtectHostname=yes:-bad',
  'ProtectHome=bogus',
  'ProtectHome=',
  'ProtectSystem=bogus',
  'ProtectSystem=stricct',
  'KeyringMode=bogus',
  'ProtectProc=bogus',
  'ProcSubset=bogus',
  'NotifyAccess=bogus',
  'KillMode=bogus',
  'Type=bogus',
  'Restart=bogus',
  'ExitType=bogus',
  'RemainAfterExit=bogus',
  'UMask=bogus',
  'UMask=0999',
  'DevicePolicy=bogus',
  'Personality=bogus',
  'SystemCallArchitectures=bogus',
  'SystemCallArchitectures=native bogus',
  'SystemCallFilter=bogus_call',
  'SystemCallFilter=@bogusgroup',
  'SystemCallFilter=read:EBOGUS',
  'SystemCallFilter=~read:EBOGUS',
  'SystemCallFilter=~@privileged:eperm',
  'SystemCallFilter=~@mount:Eacces',
  'SystemCallFilter=~ptrace:EPERM',
  'SystemCallFilter=~ptrace:kill',
  'RestrictAddressFamilies=AF_BOGUS',
  'RestrictNamespaces=bogus',
  'User=a.b',
  'User=1a',
  'User=Foo_bar',
  'Group=x$',
  'SupplementaryGroups=wheel a.b 1x',
  'DefaultDependencies=bogus',
  'Environment=CG=%c',
  'ReadWritePaths=/run/x%r',
  'ExecStartPre=/bin/echo %R %r',
  'User=u%r',
];

/** Keys systemd does not know, or knows only elsewhere (keys are case-sensitive). */
const UNKNOWN_KEY_LINES = [
  'Nonewprivileges=yes',
  'protectSystem=strict',
  'ProtectSytem=strict',
  'PrivateTemp=yes',
  'Bogus=1',
  'X-Custom=1',
  'Description=in the wrong section',
  'WantedBy=multi-user.target',
];

/** Lines of the unit's own section: values, unknown keys, junk, quoting, repeated keys. */
const serviceLine = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...VALUE_LINES) },
  { weight: 3, arbitrary: fc.constantFrom(...UNKNOWN_KEY_LINES) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'junk line without equals',
      '=no key',
      '  # indented comment',
      '; comment',
      '',
      'ProtectSystem = strict',
      'Environment="A=1 2" B=3',
      "Environment='A=1",
      'SystemCallFilter="@system-service"',
      'ProtectSystem=strict # not a comment',
      'ProtectSystem=strict\\\n# comment inside\n  ',
      'SystemCallFilter=@system-service \\\n# comment\n  ~@privileged',
      'Foo=a\\\n  b',
      'junk\\\n  continued',
      'NoNewPrivileges=yes',
      'NoNewPrivileges=no',
    ),
  },
);

/** A section header after the unit's own section, with a few lines in it. */
const otherSection = fc.record({
  header: fc.constantFrom('[Unit]', '[Install]', '[Bogus]', '[X-Vendor]', '[Service]', '[Socket]'),
  lines: fc.array(
    fc.oneof(fc.constantFrom(...UNKNOWN_KEY_LINES), fc.constantFrom(...VALUE_LINES.slice(0, 8))),
    { maxLength: 3 },
  ),
});

/** The unit types of the cases: the own section and the line a unit of the type needs to load. */
const TYPES: Record<string, { section: string; needs: string }> = {
  service: { section: '[Service]', needs: 'ExecStart=/bin/true' },
  socket: { section: '[Socket]', needs: 'ListenStream=/run/ug-syntax.sock' },
  timer: { section: '[Timer]', needs: 'OnCalendar=daily' },
};

const unitText = (type: string) =>
  fc
    .record({
      unitLines: fc.array(
        fc.constantFrom('Description=x', 'Bogus=1', 'NoNewPrivileges=yes', 'After=a.target'),
        {
          maxLength: 2,
        },
      ),
      lines: fc.array(serviceLine, { maxLength: 10 }),
      after: fc.array(otherSection, { maxLength: 2 }),
      openContinuation: fc.boolean(),
    })
    .map(({ unitLines, lines, after, openContinuation }) =>
      [
        ...(unitLines.length > 0 ? ['[Unit]', ...unitLines] : []),
        TYPES[type]?.section ?? '[Service]',
        TYPES[type]?.needs ?? '',
        ...lines,
        ...after.flatMap((s) => [s.header, ...s.lines]),
        ...(openContinuation ? ['Foo=open\\'] : []),
        '',
      ].join('\n'),
    );

/** Odd bytes, as a prefix or suffix of a file. */
const oddBytes = fc.constantFrom(
  Buffer.from([0x4e, 0x6f, 0xff, 0xfe, 0x3d, 0x31, 0x0a]), // `No\xff\xfe=1`
  Buffer.from('Description=caf\xe9\n', 'latin1'),
  Buffer.from('[Service]\r\nPrivateTmp=yes\r\nFoo=1\r\n'),
  Buffer.from('[Service]\nPrivateTmp=y\0es\n'),
  Buffer.from('\ufeff[Service]\nPrivateTmp=yes\n'),
  Buffer.from('[Service]\rNoNewPrivileges=bogus\rBar=1\r'),
);

export const syntaxCase: fc.Arbitrary<DifferentialCase> = fc
  .constantFrom('service', 'service', 'service', 'socket', 'timer')
  .chain((type) =>
    fc.record({
      type: fc.constant(type),
      main: unitText(type),
      dropIns: fc.array(unitText(type), { maxLength: 2 }),
      bytes: fc.option(
        fc.record({ odd: oddBytes, where: fc.constantFrom('main-end', 'drop-in-start', 'drop-in-end') }),
        { nil: undefined, freq: 3 },
      ),
      json: fc.constantFrom('--json=short', '--json=off'),
    }),
  )
  .map(({ type, main, dropIns, bytes, json }) => {
    const name = `ug-syntax.${type}`;
    const files: Record<string, CaseFile> = { [name]: main };
    dropIns.forEach((d, i) => {
      files[`${name}.d/${10 + i}-x.conf`] = d;
    });
    if (bytes) {
      const raw = (text: string, before: boolean): CaseFile => ({
        base64: (before
          ? Buffer.concat([bytes.odd, Buffer.from(text)])
          : Buffer.concat([Buffer.from(text), bytes.odd])
        ).toString('base64'),
      });
      if (bytes.where === 'main-end') files[name] = raw(main, false);
      else
        files[`${name}.d/50-odd.conf`] = raw(
          dropIns[0] ?? '[Service]\nNoNewPrivileges=bogus\n',
          bytes.where === 'drop-in-start',
        );
    }
    return { files, args: ['--offline=true', json, `$DIR/${name}`] };
  });
