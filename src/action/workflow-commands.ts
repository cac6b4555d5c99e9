// The one place that writes workflow commands to the log, and the one escaper they go through: every
// log line, debug line and annotation of the action is printed from here, so no untrusted text (a unit
// path with a newline and `::error::` in it, say) can be read by the runner as a command of its own.
import { randomUUID } from 'node:crypto';
import type { AnnotationProperties } from './runner';

/** A command's data (after the second `::`): as escapeData() of @actions/core's command.ts. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A command's `key=value` property: as escapeProperty() of @actions/core's command.ts. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

type AnnotationCommand = 'error' | 'warning' | 'notice';

/** `::error file=…,line=…,endLine=…,col=…,title=…::message`, one line whatever the text holds. */
export function annotationCommand(
  command: AnnotationCommand,
  message: string,
  p: AnnotationProperties = {},
): string {
  const props: [string, string | number | undefined][] = [
    ['file', p.file],
    ['line', p.startLine],
    ['endLine', p.endLine],
    ['col', p.startColumn],
    ['title', p.title],
  ];
  // Like the toolkit, leave out empty properties.
  const list = props
    .filter(([, v]) => v !== undefined && v !== '' && v !== 0)
    .map(([k, v]) => `${k}=${escapeProperty(String(v))}`)
    .join(',');
  return `::${command}${list ? ' ' + list : ''}::${escapeData(message)}`;
}

/** `::debug::message`, one line. */
export function debugCommand(message: string): string {
  return `::debug::${escapeData(message)}`;
}

/**
 * A plain log line as the lines to print so that none of it runs as a command: as is when it holds no
 * command syntax, else between `::stop-commands::<token>` and `::<token>::` with a fresh random token.
 * The runner reads `::name::` at the start of a line and its first syntax, `##[name]`, anywhere in one.
 */
export function inertLines(message: string, token: () => string = randomUUID): string[] {
  if (!message.includes('::') && !message.includes('##[')) return [message];
  const t = token();
  return [`::stop-commands::${t}`, message, `::${t}::`];
}
