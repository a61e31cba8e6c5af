import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Longest request id accepted from a client; longer ones are replaced, so logs stay bounded. */
export const MAX_REQUEST_ID_LENGTH = 128;

// Letters, digits and - _ . : + = / @ (UUIDs, ULIDs, trace ids): nothing that could break a log line or a header.
const VALID = /^[A-Za-z0-9\-_.:+=/@]{1,128}$/;

/** Whether a client-sent id may be reused: 1 to 128 characters from a safe set. */
export function isValidRequestId(value: unknown): value is string {
  return typeof value === 'string' && VALID.test(value);
}

/**
 * The id of a request: the client's header when valid, else a fresh one. `header` is lower-case.
 * HOT PATH: one header read, one regex test or one `randomUUID()` (served from node's pre-generated entropy cache).
 */
export function requestIdOf(req: IncomingMessage, header: string, generate: (() => string) | null): string {
  const sent = req.headers[header];
  if (typeof sent === 'string' && VALID.test(sent)) return sent;
  return generate === null ? randomUUID() : generate();
}
