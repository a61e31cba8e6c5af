import type { ServerResponse } from 'node:http';

/** Sends a handler's return value. Chosen per route at start-up. */
export type Writer = (res: ServerResponse, result: unknown) => void;

const JSON_TYPE = 'application/json; charset=utf-8';
const TEXT_TYPE = 'text/plain; charset=utf-8';
const BINARY_TYPE = 'application/octet-stream';

/**
 * Compiles the writer of one route: `status` from `@HttpCode` (else 200, 201 for POST), fixed headers from
 * `@ResponseHeader`. Objects, arrays, numbers, booleans and `null` → JSON; a string → text/plain; a Buffer or
 * Uint8Array → application/octet-stream; `undefined` → 204 (or the `@HttpCode` status) with no body. A
 * handler that already answered through `@Res()` is left alone. Content-Length is always set, so HEAD
 * answers carry the length GET would send.
 */
export function compileWriter(status: number, explicit: boolean, headers: readonly [string, string][]): Writer {
  const emptyStatus = explicit ? status : 204;
  const fixed = headers.length === 0 ? null : headers;
  return (res, result) => {
    if (res.headersSent || res.writableEnded) return;
    if (fixed !== null) for (const [name, value] of fixed) res.setHeader(name, value);
    if (result === undefined) {
      res.statusCode = emptyStatus;
      res.end();
      return;
    }
    let payload: string | Uint8Array;
    let type: string;
    if (typeof result === 'string') {
      payload = result;
      type = (res.getHeader('content-type') as string | undefined) ?? TEXT_TYPE;
    } else if (result instanceof Uint8Array) {
      payload = result;
      type = (res.getHeader('content-type') as string | undefined) ?? BINARY_TYPE;
    } else {
      payload = JSON.stringify(result) ?? 'null';
      type = JSON_TYPE;
    }
    res.writeHead(status, { 'content-type': type, 'content-length': typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength });
    // RFC 9110 §9.3.2: HEAD answers exactly as GET would, minus the content; Content-Length stays. node:http drops
    // the body on a socket by itself; doing it here keeps in-process (inject) answers identical.
    if (res.req.method === 'HEAD') res.end();
    else res.end(payload);
  };
}
