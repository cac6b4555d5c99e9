// Small hand-built gate verdicts for the report tests: a clean run, a failing run, an accepted
// deviation, and text a hostile unit file or PR body could carry.
import type {
  AcceptedDeviation,
  DeviationNote,
  GateVerdict,
  RowChange,
  UnitResult,
  Violation,
} from '../../../src/core/gate/gate-types';

export function violation(over: Partial<Violation> = {}): Violation {
  return {
    kind: 'regression-row',
    check: 'ProtectSystem',
    directives: ['ProtectSystem'],
    message: 'api.service: ProtectSystem= got worse: `ProtectSystem=strict` removed',
    location: { file: 'units/api.service', line: 7, column: 1 },
    weight: 9.6,
    advisory: false,
    ...over,
  };
}

export function note(over: Partial<DeviationNote> = {}): DeviationNote {
  return {
    source: 'pr-body',
    unit: 'units/api.service',
    check: 'PrivateNetwork',
    reason: 'talks to the database',
    owner: '@alice',
    expires: '2030-01-31',
    ticket: 'SEC-42',
    problems: [],
    ...over,
  };
}

export function change(over: Partial<RowChange> = {}): RowChange {
  return {
    jsonField: 'ProtectSystem',
    name: 'ProtectSystem=',
    baseBadness: 0,
    headBadness: 10,
    delta: 2.1,
    location: { file: 'units/api.service', line: 7, column: 1 },
    summary: '`ProtectSystem=strict` removed',
    ...over,
  };
}

export function unit(over: Partial<UnitResult> = {}): UnitResult {
  return {
    path: 'units/api.service',
    unitId: 'api.service',
    profile: 'web',
    threshold: 50,
    base: { exposure: 21, level: 'OK', badness: { ProtectSystem: 0, PrivateNetwork: 1 } },
    head: { exposure: 42, level: 'OK', badness: { ProtectSystem: 10, PrivateNetwork: 1 } },
    status: 'pass',
    violations: [],
    accepted: [],
    changes: [],
    ...over,
  };
}

export function verdict(over: Partial<GateVerdict> = {}): GateVerdict {
  const units = over.units ?? [unit()];
  const heads = units.map((u) => u.head?.exposure).filter((e): e is number => e !== undefined);
  return {
    result: units.some((u) => u.status === 'fail' || u.status === 'error') ? 'fail' : 'pass',
    mode: 'enforce',
    systemdVersion: 252,
    ...(heads.length > 0 ? { maxExposure: Math.max(...heads) } : {}),
    units,
    notes: [],
    messages: [],
    ...over,
  };
}

/** Every unit passes. */
export const CLEAN = verdict();

const thresholdViolation = violation({
  kind: 'threshold',
  check: 'exposure',
  directives: [],
  message: 'worker.service: exposure 9.6 UNSAFE is above the web threshold 5.0',
  location: { file: 'units/worker.service', line: 1, column: 1 },
  weight: 46,
  fix: {
    directives: ['ProtectSystem=strict', 'PrivateTmp=yes'],
    explanation: 'Removes the largest contributions.',
  },
});

/** One unit regressed a row and crossed its threshold; another only regressed. */
export const FAILING = verdict({
  units: [
    unit({
      path: 'units/worker.service',
      unitId: 'worker.service',
      base: { exposure: 83, level: 'EXPOSED', badness: {} },
      head: { exposure: 96, level: 'UNSAFE', badness: {} },
      status: 'fail',
      violations: [
        thresholdViolation,
        violation({
          check: 'PrivateTmp',
          directives: ['PrivateTmp'],
          message: 'worker.service: PrivateTmp= got worse: `PrivateTmp=yes` removed',
          location: { file: 'units/worker.service.d/override.conf', line: 3, column: 1 },
          weight: 1.9,
        }),
      ],
      changes: [
        change({
          jsonField: 'PrivateTmp',
          name: 'PrivateTmp=',
          baseBadness: 0,
          headBadness: 1,
          delta: 1.9,
          location: { file: 'units/worker.service.d/override.conf', line: 3, column: 1 },
          summary: '`PrivateTmp=yes` removed',
        }),
      ],
    }),
    unit({
      status: 'fail',
      violations: [violation()],
      changes: [change()],
    }),
  ],
});

const acceptedNote = note();
const accepted: AcceptedDeviation = {
  violation: violation({
    kind: 'regression-row',
    check: 'PrivateNetwork',
    directives: ['PrivateNetwork'],
    message: 'api.service: PrivateNetwork= got worse: `PrivateNetwork=yes` removed',
    location: { file: 'units/api.service', line: 9, column: 1 },
    weight: 4.4,
  }),
  note: acceptedNote,
  acceptedBy: '@olivia',
};

/** The only violation is covered by a valid deviation note from the PR body. */
export const ACCEPTED = verdict({
  units: [unit({ status: 'accepted', accepted: [accepted] })],
  notes: [acceptedNote],
});

/** Text a hostile unit file or PR body could carry, in every field that reaches a report. */
export const HOSTILE_TEXT =
  '@everyone <img src=x onerror=alert(1)> | `x` ](javascript:alert(1)) #1 ~~s~~ *b* _i_ \\';

export const HOSTILE = verdict({
  units: [
    unit({
      path: 'units/@everyone<b>|x.service',
      unitId: '@everyone<b>|x.service',
      profile: '<script>',
      status: 'fail',
      violations: [
        violation({
          message: HOSTILE_TEXT,
          location: { file: 'units/@everyone<b>|x.service', line: 2, column: 1 },
          fix: { directives: ['ExecStart=/bin/echo ``` @everyone'], explanation: HOSTILE_TEXT },
        }),
      ],
      accepted: [
        {
          violation: violation({ check: 'PrivateNetwork', message: HOSTILE_TEXT }),
          note: note({ owner: '@everyone', reason: HOSTILE_TEXT, expires: '<b>2030</b>' }),
          acceptedBy: '@everyone',
        },
      ],
      changes: [change({ summary: HOSTILE_TEXT, name: HOSTILE_TEXT })],
      note: HOSTILE_TEXT,
    }),
  ],
  notes: [note({ unit: HOSTILE_TEXT, owner: '@org/team', problems: [HOSTILE_TEXT], location: undefined })],
  messages: [HOSTILE_TEXT],
});

/** A unit with `n` violations on distinct lines, for budget and batching tests. */
export function manyViolations(n: number, over: Partial<Violation> = {}): UnitResult {
  return unit({
    status: 'fail',
    violations: Array.from({ length: n }, (_, i) =>
      violation({
        check: `Row${i}`,
        message: `violation ${i}`,
        location: { file: 'units/api.service', line: i + 1, column: 1 },
        weight: n - i,
        ...over,
      }),
    ),
  });
}
