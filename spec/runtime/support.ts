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
