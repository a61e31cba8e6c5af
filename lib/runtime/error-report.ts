import type { IncomingMessage } from 'node:http';
import { REQUEST_ID } from '../errors/problem';

/** Where unexpected errors go when the app has no logger: one block per error, rate-limited. */
export interface StderrReportOptions {
  readonly write?: (text: string) => void;
  readonly now?: () => number;
  /** Errors printed in a burst before the rate applies. Default 10. */
  readonly burst?: number;
  /** Errors printed per second once the burst is spent. Default 1. */
  readonly perSecond?: number;
}

/**
 * Reports an unexpected error of a request on stderr, for apps that run without a logger: the method, path, request
 * id (when ids are on) and the error's stack, so that no 500 is silent. A token bucket keeps a flood of failing
 * requests from flooding the terminal; the next line printed says how many were left out.
 */
export function stderrReporter(options: StderrReportOptions = {}): (req: IncomingMessage, err: unknown) => void {
  const write = options.write ?? ((text: string) => { process.stderr.write(text); });
  const now = options.now ?? Date.now;
  const burst = options.burst ?? 10;
  const perSecond = options.perSecond ?? 1;
  let tokens = burst;
  let at = now();
  let skipped = 0;
  return (req, err) => {
    const t = now();
    tokens = Math.min(burst, tokens + ((t - at) / 1000) * perSecond);
    at = t;
    if (tokens < 1) { skipped++; return; }
    tokens--;
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const id = (req as IncomingMessage & { [REQUEST_ID]?: string })[REQUEST_ID];
    const head = `[rivet] ${req.method ?? 'GET'} ${q === -1 ? url : url.slice(0, q)} failed with 500${id === undefined ? '' : ` (request id ${id})`}`;
    const note = skipped > 0 ? ` [${skipped} more error${skipped === 1 ? '' : 's'} not shown]` : '';
    skipped = 0;
    write(`${head}${note}: ${describe(err)}\n`);
  };
}

/** The stack of an error (with its causes), or what was thrown when it is not an error. */
export function describe(err: unknown): string {
  if (!(err instanceof Error)) {
    let text: string;
    try { text = typeof err === 'string' ? JSON.stringify(err) : String(err); } catch { text = typeof err; }
    return `a non-Error value was thrown: ${text} (throw an Error to get a stack trace)`;
  }
  let out = err.stack ?? `${err.name}: ${err.message}`;
  for (let cause = err.cause, depth = 0; cause !== undefined && depth < 5; cause = cause instanceof Error ? cause.cause : undefined, depth++) {
    out += `\nCaused by: ${cause instanceof Error ? cause.stack ?? cause.message : String(cause)}`;
  }
  return out;
}
