// A headless Chromium for browser tests, driven through the DevTools protocol over its pipe
// (`--remote-debugging-pipe`: NUL-terminated JSON on file descriptors 3 and 4), so that no WebSocket
// client or browser-automation package is needed. Debian's `chromium` package; the flags keep it off
// the network (it would otherwise reach for updates, sync and field trials).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';

/** Where Debian (and most distributions) install it; UNITGATE_CHROMIUM overrides. */
export function findChromium(env = process.env): string | undefined {
  const candidates = [env.UNITGATE_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find((c): c is string => c !== undefined && c !== '' && existsSync(c));
}

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-extensions',
  '--disable-dev-shm-usage',
  '--hide-scrollbars',
  '--mute-audio',
];

type Json = Record<string, unknown>;

interface Pending {
  resolve: (v: Json) => void;
  reject: (e: Error) => void;
  method: string;
}

/** One page (a target attached in flat mode): commands and the events it emits. */
export interface Page {
  send(method: string, params?: Json): Promise<Json>;
  /** Every event of this page so far, in order (Runtime.consoleAPICalled, Log.entryAdded, …). */
  events: { method: string; params: Json }[];
  /** Resolves at the next event `method` (or one already seen, when `seen` is true). */
  waitFor(method: string, timeoutMs?: number): Promise<Json>;
  /** Evaluates an expression in the page and returns its value (by value: JSON-able results). */
  evaluate<T>(expression: string): Promise<T>;
}

export class Chromium {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners: { sessionId: string; method: string; fn: (p: Json) => void }[] = [];
  private readonly pageEvents = new Map<string, { method: string; params: Json }[]>();
  private buffer = '';
  readonly stderr: string[] = [];

  private constructor(
    private readonly child: ChildProcess,
    private readonly userDataDir: string,
  ) {
    const input = child.stdio[4] as Readable;
    input.setEncoding('utf8');
    input.on('data', (chunk: string) => this.receive(chunk));
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => this.stderr.push(chunk));
    child.on('exit', () => {
      for (const p of this.pending.values()) p.reject(new Error(`chromium exited during ${p.method}`));
      this.pending.clear();
    });
  }

  static async launch(executable: string): Promise<Chromium> {
    const userDataDir = await mkdtemp(path.join(tmpdir(), 'unitgate-chromium-'));
    const child = spawn(
      executable,
      [...CHROMIUM_FLAGS, `--user-data-dir=${userDataDir}`, '--remote-debugging-pipe', 'about:blank'],
      { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] },
    );
    const browser = new Chromium(child, userDataDir);
    await browser.call('Browser.getVersion', {}, undefined);
    return browser;
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\0')) >= 0) {
      const message = JSON.parse(this.buffer.slice(0, end)) as Json;
      this.buffer = this.buffer.slice(end + 1);
      if (typeof message.id === 'number') {
        const p = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (!p) continue;
        const error = message.error as { message?: string } | undefined;
        if (error) p.reject(new Error(`${p.method}: ${error.message ?? JSON.stringify(error)}`));
        else p.resolve((message.result ?? {}) as Json);
      } else if (typeof message.method === 'string') {
        const sessionId = (message.sessionId as string | undefined) ?? '';
        const params = (message.params ?? {}) as Json;
        this.pageEvents.get(sessionId)?.push({ method: message.method, params });
        for (const l of [...this.listeners])
          if (l.sessionId === sessionId && l.method === message.method) l.fn(params);
      }
    }
  }

  private call(method: string, params: Json, sessionId: string | undefined): Promise<Json> {
    const id = this.nextId++;
    const out = this.child.stdio[3] as Writable;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, method });
      out.write(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }) + '\0');
    });
  }

  /** A new tab, attached, with the Page, Runtime and Log domains on (so errors are recorded from the start). */
  async newPage(): Promise<Page> {
    const { targetId } = (await this.call('Target.createTarget', { url: 'about:blank' }, undefined)) as {
      targetId: string;
    };
    const { sessionId } = (await this.call(
      'Target.attachToTarget',
      { targetId, flatten: true },
      undefined,
    )) as {
      sessionId: string;
    };
    const events: { method: string; params: Json }[] = [];
    this.pageEvents.set(sessionId, events);
    const send = (method: string, params: Json = {}): Promise<Json> => this.call(method, params, sessionId);
    const waitFor = (method: string, timeoutMs = 20000): Promise<Json> =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          const i = this.listeners.indexOf(listener);
          if (i >= 0) this.listeners.splice(i, 1);
          reject(new Error(`timed out waiting for ${method}`));
        }, timeoutMs);
        const listener = {
          sessionId,
          method,
          fn: (p: Json) => {
            clearTimeout(timer);
            this.listeners.splice(this.listeners.indexOf(listener), 1);
            resolve(p);
          },
        };
        this.listeners.push(listener);
      });
    const evaluate = async <T>(expression: string): Promise<T> => {
      const r = (await send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true })) as {
        result: { value?: unknown };
        exceptionDetails?: { text?: string; exception?: { description?: string } };
      };
      if (r.exceptionDetails)
        throw new Error(
          `evaluate failed: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text ?? ''}`,
        );
      return r.result.value as T;
    };
    await send('Page.enable');
    await send('Runtime.enable');
    await send('Log.enable');
    return { send, events, waitFor, evaluate };
  }

  async close(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      await this.call('Browser.close', {}, undefined).catch(() => undefined);
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    await rm(this.userDataDir, { recursive: true, force: true });
  }
}
