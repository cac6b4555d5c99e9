// Reading and checking deviation notes: the fenced blocks of a description (never inside HTML
// comments), the comment lines of unit files, and what makes a note invalid.
import {
  calendarDay,
  parsePullRequestNotes,
  parseUnitFileNotes,
  validateNote,
  withoutHtmlComments,
} from '../../../src/core/gate/deviation-notes';
import type { DeviationNote } from '../../../src/core/gate/gate-types';
import { POLICY_DEFAULTS } from '../../../src/core/policy/load-policy';
import type { DeviationPolicy } from '../../../src/core/policy/policy-types';

const POLICY: DeviationPolicy = { ...POLICY_DEFAULTS.deviations, owners: ['@olivia'] };
const CHECKS = ['ProtectSystem', 'PrivateTmp', 'exposure', 'profile-change'];

describe('calendarDay()', () => {
  it.each<[string, boolean]>([
    ['2027-02-28', true],
    ['2028-02-29', true],
    ['2027-02-29', false],
    ['2027-02-30', false],
    ['2027-04-31', false],
    ['2027-13-01', false],
    ['2027-00-10', false],
    ['2027-1-01', false],
    ['27-01-01', false],
    ['2027-01-01T00:00:00Z', false],
  ])('%s is a calendar day: %s', (text, ok) => {
    expect(calendarDay(text) !== undefined).toBe(ok);
  });
});

describe('withoutHtmlComments()', () => {
  it.each<[string, string, string]>([
    ['a closed comment', 'a <!-- hidden --> b', 'a  b'],
    ['several comments', '<!--1-->x<!--2-->y', 'xy'],
    ['a comment over lines', 'a\n<!--\nnote\n-->\nb', 'a\n\nb'],
    ['an unclosed comment hides the rest', 'a <!-- b\nc', 'a '],
    ['no comment', 'a -- b --> c', 'a -- b --> c'],
  ])('%s', (_, body, expected) => {
    expect(withoutHtmlComments(body)).toBe(expected);
  });
});

describe('parsePullRequestNotes()', () => {
  it('reads each fenced block, with its problems', () => {
    const body = [
      'Intro',
      '```unitgate-deviation',
      'unit: deploy/api.service',
      'check: ProtectSystem=',
      '# a comment line',
      '',
      'owner: @olivia',
      'colour: blue',
      'just words',
      '```',
      '~~~~ unitgate-deviation',
      'unit: deploy/web.service',
    ].join('\r\n');
    expect(parsePullRequestNotes(body)).toEqual([
      {
        source: 'pr-body',
        unit: 'deploy/api.service',
        check: 'ProtectSystem',
        owner: '@olivia',
        problems: ['unknown field "colour"', 'line "just words" is not "key: value"'],
      },
      { source: 'pr-body', unit: 'deploy/web.service', problems: ['the block is not closed'] },
    ]);
  });

  it('does not read blocks inside HTML comments', () => {
    expect(parsePullRequestNotes('<!--\n```unitgate-deviation\nunit: a.service\n```\n-->')).toEqual([]);
  });
});

describe('parseUnitFileNotes()', () => {
  it('reads key=value pairs, quoted values and their location', () => {
    const text =
      '[Service]\n; unitgate-deviation: check=PrivateTmp reason="needs \\"/tmp\\" shared" bogus=1 @@\n';
    expect(parseUnitFileNotes(text, 'deploy/api.service.d/x.conf', 'deploy/api.service')).toEqual([
      {
        source: 'unit-file',
        unit: 'deploy/api.service',
        check: 'PrivateTmp',
        reason: 'needs "/tmp" shared',
        location: { file: 'deploy/api.service.d/x.conf', line: 2, column: 1 },
        problems: ['unknown field "bogus"', 'cannot read "@@"'],
      },
    ]);
  });
});

describe('validateNote()', () => {
  const valid: DeviationNote = {
    source: 'pr-body',
    unit: 'deploy/api.service',
    check: 'ProtectSystem',
    owner: '@olivia',
    expires: '2027-01-31',
    reason: 'migration',
    problems: [],
  };
  it.each<[string, Partial<DeviationNote>, Partial<DeviationPolicy>, string[]]>([
    ['a complete note', {}, {}, []],
    [
      'a source the policy does not accept',
      { source: 'unit-file' },
      { sources: ['pr-body'] },
      ['the policy does not accept deviation notes written in unit files (a change cannot approve itself)'],
    ],
    [
      'the description as a source the policy does not accept',
      {},
      { sources: ['unit-file'] },
      ['the policy does not accept deviation notes from the pull request description'],
    ],
    ['no unit', { unit: '' }, {}, ['it names no unit']],
    ['a missing required field', { reason: '' }, {}, ['the required field "reason" is missing']],
    [
      'a required ticket',
      {},
      { requiredFields: ['ticket', 'check'] },
      ['the required field "ticket" is missing'],
    ],
    [
      'an owner that is no GitHub name',
      { owner: 'olivia' },
      {},
      ['owner "olivia" is not a GitHub @user or @org/team'],
    ],
    ['an expired note', { expires: '2026-12-01' }, {}, ['it expired on 2026-12-01']],
    [
      'an expiry beyond the policy',
      { expires: '2027-12-31' },
      {},
      ['it expires 390 days from today, more than the 180 days the policy allows'],
    ],
    [
      'an impossible day',
      { expires: '2027-02-30' },
      {},
      ['expires "2027-02-30" is not a calendar date (YYYY-MM-DD)'],
    ],
    [
      'a check nothing is called',
      { check: 'zzzzzzzz' },
      {},
      ['check "zzzzzzzz" is not an assessor, directive, `exposure` or violation kind'],
    ],
  ])('%s', (_, note, policy, problems) => {
    expect(
      validateNote({ ...valid, ...note }, { ...POLICY, ...policy }, '2026-12-06', CHECKS).problems,
    ).toEqual(problems);
  });
});
