// What a runner would execute from a step's stdout: a model of its workflow-command parser
// (`::name …::data` at the start of a trimmed line, `##[name …]data` anywhere in a line, nothing but
// the resume token between `::stop-commands::<token>` and `::<token>::`), and a stdout capture.

export interface Executed {
  command: string;
  /** The command's data, unescaped as the runner does. */
  data: string;
}

function unescapeData(s: string): string {
  return s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

/** The workflow commands a runner would execute from this output, in order. */
export function executedCommands(output: string): Executed[] {
  const executed: Executed[] = [];
  let stopToken: string | undefined;
  for (const line of output.split(/\r\n|\n|\r/)) {
    const trimmed = line.trim();
    let command: string | undefined;
    let data = '';
    const v2 = /^::([^\s:]+)(?:\s[^]*?)?::([^]*)$/.exec(trimmed);
    const v1 = /##\[([^\s\]]+)[^\]]*\]([^]*)$/.exec(line);
    if (v2) [, command, data] = v2 as unknown as [string, string, string];
    else if (v1) [, command, data] = v1 as unknown as [string, string, string];
    if (command === undefined) continue;
    if (stopToken !== undefined) {
      if (command === stopToken) stopToken = undefined;
      continue;
    }
    if (command === 'stop-commands') stopToken = data;
    executed.push({ command, data: unescapeData(data) });
  }
  if (stopToken !== undefined) executed.push({ command: 'unterminated stop-commands', data: stopToken });
  return executed;
}

/** Captures what the code under test writes to stdout. */
export async function captureStdout(body: () => Promise<void> | void): Promise<string> {
  let out = '';
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  });
  try {
    await body();
  } finally {
    spy.mockRestore();
  }
  return out;
}
