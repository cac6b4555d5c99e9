// The one escaper of workflow commands: annotations and debug lines are one line whatever their text
// holds, escaped as @actions/core's command.ts escapes them; plain log lines with command syntax are
// printed between stop-commands markers.
import {
  annotationCommand,
  debugCommand,
  escapeData,
  escapeProperty,
  inertLines,
} from '../../src/action/workflow-commands';
import type { AnnotationProperties } from '../../src/action/runner';
import { collectFindings } from '../../src/core/gate/findings';
import { buildAnnotations } from '../../src/core/report/annotations';
import { HOSTILE } from '../core/report/report-fixtures';

const AT: AnnotationProperties = {
  file: 'units/api.service',
  startLine: 7,
  endLine: 7,
  title: 'Hardening regressed: ProtectSystem (api.service)',
};

describe('annotationCommand()', () => {
  it.each([
    [
      'an error with a column',
      'error',
      'ProtectSystem= got worse',
      { ...AT, startColumn: 3 },
      '::error file=units/api.service,line=7,endLine=7,col=3,title=Hardening regressed%3A ProtectSystem (api.service)::ProtectSystem= got worse',
    ],
    [
      'a warning',
      'warning',
      'ProtectSystem= got worse',
      { ...AT, title: 't' },
      '::warning file=units/api.service,line=7,endLine=7,title=t::ProtectSystem= got worse',
    ],
    [
      'a notice without title',
      'notice',
      'ProtectSystem= got worse',
      { ...AT, title: '' },
      '::notice file=units/api.service,line=7,endLine=7::ProtectSystem= got worse',
    ],
    ['no properties', 'error', 'the gate failed', {}, '::error::the gate failed'],
    [
      'newlines, percent signs and commas',
      'error',
      '50% done\r\nnext: a,b',
      { ...AT, file: 'a,b:c%.service', title: 'x,y' },
      '::error file=a%2Cb%3Ac%25.service,line=7,endLine=7,title=x%2Cy::50%25 done%0D%0Anext: a,b',
    ],
    [
      'a message that looks like a command',
      'error',
      'x\n::set-output name=a::b',
      AT,
      '::error file=units/api.service,line=7,endLine=7,title=Hardening regressed%3A ProtectSystem (api.service)::x%0A::set-output name=a::b',
    ],
  ] as const)('%s', (_name, command, message, props, expected) => {
    expect(annotationCommand(command, message, props)).toBe(expected);
  });

  it('never lets a message or property of a hostile verdict start a new line', () => {
    for (const a of buildAnnotations(collectFindings(HOSTILE))) {
      const line = annotationCommand('error', a.message, {
        file: a.path,
        startLine: a.startLine,
        title: a.title,
      });
      expect(line).not.toMatch(/[\r\n]/);
    }
  });

  it.each([
    ['data', escapeData, 'a%b\rc\nd:e,f', 'a%25b%0Dc%0Ad:e,f'],
    ['property', escapeProperty, 'a%b\rc\nd:e,f', 'a%25b%0Dc%0Ad%3Ae%2Cf'],
  ])('escapes %s as @actions/core does', (_name, fn, input, expected) => {
    expect(fn(input)).toBe(expected);
  });
});

describe('debugCommand()', () => {
  it('is one line', () => {
    expect(debugCommand('a\n::error::b')).toBe('::debug::a%0A::error::b');
  });
});

describe('inertLines()', () => {
  it('prints plain text as is', () => {
    expect(inertLines('unitgate: 2 units in scope')).toEqual(['unitgate: 2 units in scope']);
  });

  it.each(['x\n::error::y', 'deploy/##[error]x'])('wraps %j between stop-commands markers', (m) => {
    expect(inertLines(m, () => 'tok')).toEqual(['::stop-commands::tok', m, '::tok::']);
  });
});
