import type { LoggerOptions } from '../../lib';

/** A log line as pino writes it. */
export type LogLine = Record<string, unknown> & { level: number; msg: string };

/** A `logger.destination` that keeps the parsed lines, for asserting on logs. */
export function captureLogs(): { lines: LogLine[]; destination: NonNullable<LoggerOptions['destination']>; access(): LogLine[] } {
  const lines: LogLine[] = [];
  return {
    lines,
    destination: { write: (line: string) => { lines.push(JSON.parse(line) as LogLine); } },
    access: () => lines.filter((l) => l.msg === 'request completed' || l.msg === 'request failed' || l.msg === 'request aborted by the client'),
  };
}

/** Resolves once `predicate` holds, polling every 5 ms (fails after `ms`). */
export { waitFor as until } from '../helpers/wait';

/** The fixture server (spec/runtime/fixtures/server.ts) as a child process, its JSON stdout lines collected. */
export interface ForkedServer<L> {
  child: import('node:child_process').ChildProcess;
  /** Every JSON line the process printed so far. */
  lines: L[];
  /** The URL from its `{ listening }` line. */
  listening: Promise<string>;
  /** Its exit code. */
  exited: Promise<number | null>;
}

/** Forks the fixture server with extra environment variables and parses its stdout line by line. */
export function forkServer<L extends object>(env: Record<string, string>): ForkedServer<L> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { fork } = require('node:child_process') as typeof import('node:child_process');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { join } = require('node:path') as typeof import('node:path');
  const child = fork(join(__dirname, 'fixtures/server.ts'), [], {
    execArgv: ['-r', join(__dirname, 'fixtures/register.js')],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const lines: L[] = [];
  let buffered = '';
  const listening = new Promise<string>((resolve) => {
    child.stdout!.on('data', (c: Buffer) => {
      buffered += c.toString();
      let nl: number;
      while ((nl = buffered.indexOf('\n')) !== -1) {
        const line = JSON.parse(buffered.slice(0, nl)) as L & { listening?: string };
        buffered = buffered.slice(nl + 1);
        if (line.listening !== undefined) resolve(line.listening);
        lines.push(line);
      }
    });
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, lines, listening, exited };
}
