import type { ServerResponse } from 'node:http';

/** Sends a handler's return value. Chosen per route at start-up. */
export type Writer = (res: ServerResponse, result: unknown) => void;

const JSON_TYPE = 'application/json; charset=utf-8';
const TEXT_TYPE = 'text/plain; charset=utf-8';
const BINARY_TYPE = 'application/octet-stream';

/** How a route's results are written, fixed at start-up. */
export interface WriterOptions {
  /** Success status: `@HttpCode`, else 200 (201 for POST). */
  readonly status: number;
  /** Whether `status` came from `@HttpCode` (then it also applies to an `undefined` result). */
  readonly explicit: boolean;
  /** Fixed headers from `@ResponseHeader`. */
  readonly headers: readonly [string, string][];
  /** The handler takes `@Res()`: it owns the response, and an `undefined` result writes nothing. */
  readonly ownsResponse: boolean;
}

/**
 * Compiles the writer of one route. Objects, arrays, numbers, booleans and `null` → JSON; a string →
 * text/plain; a Buffer or Uint8Array → application/octet-stream; `undefined` → 204 (or the `@HttpCode` status)
 * with no body. A Content-Type set before (by `@ResponseHeader` or `res.setHeader`) is kept. A 204 or 304 never
 * carries content. Content-Length is always set, so HEAD answers carry the length GET would send.
 */
export function compileWriter(options: WriterOptions): Writer {
  const { status, explicit, ownsResponse } = options;
  const emptyStatus = explicit ? status : 204;
  const fixed = options.headers.length === 0 ? null : options.headers;
  // RFC 9110 §15.3.5 / §15.4.5: 204 and 304 have no content, whatever the handler returned.
  const noContent = status === 204 || status === 304;
  return (res, result) => {
    if (res.headersSent || res.writableEnded) return;
    if (result === undefined && ownsResponse) return;
    if (fixed !== null) for (const [name, value] of fixed) res.setHeader(name, value);
    if (result === undefined || noContent) {
      res.statusCode = result === undefined ? emptyStatus : status;
      res.end();
      return;
    }
    let payload: string | Uint8Array;
    let fallbackType: string;
    if (typeof result === 'string') {
      payload = result;
      fallbackType = TEXT_TYPE;
    } else if (result instanceof Uint8Array) {
      payload = result;
      fallbackType = BINARY_TYPE;
    } else {
      payload = JSON.stringify(result) ?? 'null';
      fallbackType = JSON_TYPE;
    }
    const type = (res.getHeader('content-type') as string | undefined) ?? fallbackType;
    res.writeHead(status, { 'content-type': type, 'content-length': typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength });
    // RFC 9110 §9.3.2: HEAD answers exactly as GET would, minus the content; Content-Length stays. node:http drops
    // the body on a socket by itself; doing it here keeps in-process (inject) answers identical.
    if (res.req.method === 'HEAD') res.end();
    else res.end(payload);
  };
}
