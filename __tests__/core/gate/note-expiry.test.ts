// Which unit-file deviation notes a scheduled run lists: expired ones always, the others only within
// the policy's warning window, soonest first; unreadable dates and notes the policy ignores are not.
import { expiringNotes, type NoteSourceUnit } from '../../../src/core/gate/note-expiry';
import { builtInPolicy } from '../../../src/core/policy/load-policy';

const policy = (over: Partial<ReturnType<typeof builtInPolicy>['deviations']> = {}) => ({
  ...builtInPolicy().deviations,
  ...over,
});

const note = (check: string, expires: string) =>
  `# unitgate-deviation: check=${check} owner=@acme/security expires=${expires} reason="needs it"`;

const UNITS: NoteSourceUnit[] = [
  {
    path: 'deploy/api.service',
    head: {
      texts: [
        {
          path: 'deploy/api.service',
          text: [
            '[Service]',
            note('PrivateNetwork', '2026-03-10'),
            'ExecStart=/bin/api',
            note('exposure', '2026-02-27'),
          ].join('\n'),
        },
        { path: 'deploy/api.service.d/10-caps.conf', text: `${note('allowedCapabilities', '2026-03-02')}\n` },
      ],
    },
  },
  {
    path: 'deploy/worker.service',
    head: {
      texts: [
        {
          path: 'deploy/worker.service',
          text: [
            note('ProtectSystem', '2026-03-01'),
            note('PrivateTmp', '2027-02-30'),
            '# unitgate-deviation: check=x',
          ].join('\n'),
        },
      ],
    },
  },
];

describe('expiringNotes', () => {
  it('lists expired notes and those within the window, soonest first, with file and line', () => {
    expect(expiringNotes(UNITS, policy({ expiryWarningDays: 14 }), '2026-03-01')).toEqual([
      {
        unit: 'deploy/api.service',
        file: 'deploy/api.service',
        line: 4,
        check: 'exposure',
        owner: '@acme/security',
        expires: '2026-02-27',
        daysLeft: -2,
      },
      expect.objectContaining({ unit: 'deploy/worker.service', line: 1, expires: '2026-03-01', daysLeft: 0 }),
      expect.objectContaining({
        unit: 'deploy/api.service',
        file: 'deploy/api.service.d/10-caps.conf',
        line: 1,
        daysLeft: 1,
      }),
      expect.objectContaining({ file: 'deploy/api.service', line: 2, daysLeft: 9 }),
    ]);
  });

  it.each([
    [0, ['exposure', 'ProtectSystem']],
    [1, ['exposure', 'ProtectSystem', 'allowedCapabilities']],
  ])('a window of %d days lists %j', (expiryWarningDays, checks) => {
    const listed = expiringNotes(UNITS, policy({ expiryWarningDays }), '2026-03-01');
    expect(listed.map((n) => n.check)).toEqual(checks);
  });

  it('lists nothing when the policy does not accept notes in unit files', () => {
    expect(expiringNotes(UNITS, policy({ sources: ['pr-body'] }), '2026-03-01')).toEqual([]);
  });

  it('reads a file several units share once', () => {
    const shared = { path: 'deploy/common.conf', text: note('exposure', '2026-01-01') };
    const units = ['a', 'b'].map((n) => ({ path: `deploy/${n}.service`, head: { texts: [shared] } }));
    expect(expiringNotes(units, policy(), '2026-03-01')).toHaveLength(1);
  });

  it('refuses a today that is not a calendar date', () => {
    expect(() => expiringNotes(UNITS, policy(), '2026-02-30')).toThrow(/not a calendar date/);
  });
});
