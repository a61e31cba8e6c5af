import type { IncomingMessage, ServerResponse } from 'node:http';
import { isStreamResult, writeStream, type EncodeStream } from './stream';

/** Sends a handler's return value. Chosen per route at start-up. */
export type Writer = (res: ServerResponse, result: unknown) => void;

/**
 * A result turned into bytes: the body and its full Content-Type. Stream results (a Readable, an async iterable, a
 * web ReadableStream, a `StreamResponse`) never become a Payload: both writers hand them to `writeStream`
 * (./stream.ts) before any stage, so negotiation, the cache tap and compression see buffered bodies only.
 */
export interface Payload {
  readonly body: string | Uint8Array;
  readonly type: string;
}

/**
 * Serializes a data result (anything but a string, bytes or `undefined`), e.g. by content negotiation. May throw
 * an HttpError (406) that the pipeline sends as a problem. `preset` is a Content-Type set before the write.
 */
export type Serialize = (req: IncomingMessage, res: ServerResponse, value: unknown, preset: string | undefined) => Payload;

/** Writes the status line, headers and body of a payload, e.g. compressed. Must honour HEAD (no body). */
export type Send = (res: ServerResponse, status: number, type: string, body: string | Uint8Array) => void;

/** Sees each payload just before it is sent (a response cache stores it); returns `true` when it answered itself (304). */
export type Tap = (res: ServerResponse, status: number, type: string, body: string | Uint8Array) => boolean;

const JSON_TYPE = 'application/json; charset=utf-8';
// JSON.stringify gives undefined for a function or symbol result; the body is then JSON null.
const stringify = (value: unknown): string => JSON.stringify(value) ?? 'null';
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
  /** Serializes data results (content negotiation); absent or `null`: JSON. */
  readonly serialize?: Serialize | null;
  /** Writes data results as JSON, e.g. compiled from the declared response type; absent or `null`: JSON.stringify. */
  readonly json?: ((value: unknown) => string) | null;
  /** Sends payloads (compression); absent or `null`: `writeHead` + `end`. */
  readonly send?: Send | null;
  /** Sees payloads before they are sent (response cache); absent or `null`: none. */
  readonly tap?: Tap | null;
  /** Compresses a stream that asks for it (`StreamResponse` `compress: true`); absent or `null`: streams go as they are. */
  readonly encodeStream?: EncodeStream | null;
}

/**
 * Sends a payload as it is: status, Content-Type and Content-Length, then the body. Content-Length is always set,
 * so HEAD answers carry the length GET would send.
 */
export const sendPlain: Send = (res, status, type, body) => {
  res.writeHead(status, { 'content-type': type, 'content-length': typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength });
  // RFC 9110 §9.3.2: HEAD answers exactly as GET would, minus the content; Content-Length stays. node:http drops
  // the body on a socket by itself; doing it here keeps in-process (inject) answers identical.
  if (res.req.method === 'HEAD') res.end();
  else res.end(body);
};

/**
 * Compiles the writer of one route. Objects, arrays, numbers, booleans and `null` → JSON (or the negotiated
 * format); a string → text/plain; a Buffer or Uint8Array → application/octet-stream; `undefined` → 204 (or the
 * `@HttpCode` status) with no body; a stream (./stream.ts) is piped with backpressure. A Content-Type set before
 * (by `@ResponseHeader` or `res.setHeader`) is kept. A 204 or 304 never carries content. Without stages (no negotiation, compression or cache) the writer is the
 * plain variant below, with nothing added per request.
 */
export function compileWriter(options: WriterOptions): Writer {
  const serialize = options.serialize ?? null;
  const send = options.send ?? null;
  const tap = options.tap ?? null;
  if (serialize !== null || send !== null || tap !== null) return compileStagedWriter(options, serialize, send ?? sendPlain, tap, options.encodeStream ?? null);
  const { status, explicit, ownsResponse } = options;
  const json = options.json ?? stringify;
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
    } else if (typeof result === 'object' && result !== null && isStreamResult(result)) {
      return writeStream(res, status, result);
    } else {
      payload = json(result);
      fallbackType = JSON_TYPE;
    }
    const type = (res.getHeader('content-type') as string | undefined) ?? fallbackType;
    // Inlined copy of sendPlain: this is the path of every app without output stages.
    res.writeHead(status, { 'content-type': type, 'content-length': typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength });
    if (res.req.method === 'HEAD') res.end();
    else res.end(payload);
  };
}

/** The writer with output stages: serialize (negotiation), tap (cache), send (compression), each chosen at start-up. */
function compileStagedWriter(options: WriterOptions, serialize: Serialize | null, send: Send, tap: Tap | null, encodeStream: EncodeStream | null): Writer {
  const { status, explicit, ownsResponse } = options;
  const json = options.json ?? stringify;
  const emptyStatus = explicit ? status : 204;
  const fixed = options.headers.length === 0 ? null : options.headers;
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
    const preset = res.getHeader('content-type') as string | undefined;
    let body: string | Uint8Array;
    let type: string;
    if (typeof result === 'string') {
      body = result;
      type = preset ?? TEXT_TYPE;
    } else if (result instanceof Uint8Array) {
      body = result;
      type = preset ?? BINARY_TYPE;
    } else if (typeof result === 'object' && result !== null && isStreamResult(result)) {
      // Streams skip negotiation and the cache tap; they are compressed only when they ask for it.
      return writeStream(res, status, result, encodeStream);
    } else if (serialize !== null) {
      const payload = serialize(res.req, res, result, preset);
      body = payload.body;
      type = payload.type;
    } else {
      body = json(result);
      type = preset ?? JSON_TYPE;
    }
    if (tap !== null && tap(res, status, type, body)) return;
    send(res, status, type, body);
  };
}
