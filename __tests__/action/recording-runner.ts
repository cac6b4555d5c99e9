// A runner that records what the action said, in order, for in-process tests of run().
import type { AnnotationProperties, Runner } from '../../src/action/runner';

export interface Said {
  kind: 'info' | 'debug' | 'error' | 'warning' | 'notice' | 'output' | 'summary';
  text: string;
  properties?: AnnotationProperties;
}

export class RecordingRunner implements Runner {
  /** Everything, in order; `timeline` is shared with other recorders (e.g. the requests made). */
  constructor(readonly timeline: string[] = []) {}
  said: Said[] = [];
  outputs: Record<string, string> = {};
  summary = '';
  private say(s: Said): void {
    this.said.push(s);
    this.timeline.push(s.kind === 'output' ? `output ${s.text.split('=')[0]}` : s.kind);
  }
  info(text: string): void {
    this.say({ kind: 'info', text });
  }
  debug(text: string): void {
    this.say({ kind: 'debug', text });
  }
  error(text: string, properties?: AnnotationProperties): void {
    this.say({ kind: 'error', text, ...(properties ? { properties } : {}) });
  }
  warning(text: string, properties?: AnnotationProperties): void {
    this.say({ kind: 'warning', text, ...(properties ? { properties } : {}) });
  }
  notice(text: string, properties?: AnnotationProperties): void {
    this.say({ kind: 'notice', text, ...(properties ? { properties } : {}) });
  }
  setOutput(name: string, value: string): void {
    this.outputs[name] = value;
    this.say({ kind: 'output', text: `${name}=${value}` });
  }
  async appendSummary(markdown: string): Promise<void> {
    this.summary += markdown;
    this.say({ kind: 'summary', text: markdown });
  }
  /** The log lines (debug ones marked `::debug::`), in order. */
  get lines(): string[] {
    return this.said
      .filter((s) => s.kind === 'info' || s.kind === 'debug')
      .map((s) => (s.kind === 'debug' ? `::debug::${s.text}` : s.text));
  }
  /** The annotations (error, warning, notice), in order. */
  get annotations(): Array<{ level: string; message: string; properties?: AnnotationProperties }> {
    return this.said
      .filter((s) => s.kind === 'error' || s.kind === 'warning' || s.kind === 'notice')
      .map((s) => ({
        level: s.kind,
        message: s.text,
        ...(s.properties ? { properties: s.properties } : {}),
      }));
  }
  /** Every message, one per line. */
  get text(): string {
    return this.said.map((s) => `${s.kind}: ${s.text}`).join('\n');
  }
  count(kind: Said['kind']): number {
    return this.said.filter((s) => s.kind === kind).length;
  }
}
