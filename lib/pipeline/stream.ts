import type { ServerResponse } from 'node:http';
import { Readable, pipeline } from 'node:stream';
import { ReadableStream } from 'node:stream/web';

/** What a handler may return to stream its response: a Node Readable, an async iterable (generator) or a web ReadableStream. */
export type StreamSource = Readable | AsyncIterable<unknown> | ReadableStream<unknown> | globalThis.ReadableStream<unknown>;

/** Options of {@link StreamResponse}. */
export interface StreamResponseOptions {
  /** Status code (default: the route's success status). */
  status?: number;
  /** Extra response headers. */
  headers?: Record<string, string | number | readonly string[]>;
  /** Content-Type (default: one set before, else `application/octet-stream`). */
  contentType?: string;
  /**
   * Compress with the app's `compression` settings (when on, the type is compressible and the client accepts a
   * coding). Default false: streams are sent as they come, as a live feed must be.
   */
  compress?: boolean;
}

/** Returns the coding stream for a response of `type` (and sets Content-Encoding), or `null` for none. */
export type EncodeStream = (res: ServerResponse, type: string) => NodeJS.ReadWriteStream | null;

/**
 * A streamed response with its status, headers and content type. The source is written with `stream.pipeline`
 * (backpressure, constant memory); when the client goes away the source is destroyed (a generator's `finally`
 * runs) and `ctx.signal` aborts. Never cached; compressed only with `compress: true`.
 * @example return new StreamResponse(createReadStream(path), { contentType: 'text/csv', headers: { 'content-disposition': 'attachment' } });
 */
export class StreamResponse {
  readonly source: StreamSource;
  readonly options: StreamResponseOptions;
  constructor(source: StreamSource, options: StreamResponseOptions = {}) {
    this.source = source;
    this.options = options;
  }
}

/**
 * A source that prepares its own response before the head is written (an SSE stream sets its headers and
 * registers for shutdown). Called with the response; no per-request cost for other sources.
 */
export const STREAM_OPEN: unique symbol = Symbol('rivet.streamOpen');
interface Openable { [STREAM_OPEN](res: ServerResponse): void }

/**
 * Whether a handler result is streamed. HOT PATH for object results: three property reads, no allocation;
 * a plain object or array has neither `pipe` nor `Symbol.asyncIterator` and is not a ReadableStream.
 */
export function isStreamResult(value: object): boolean {
  return value instanceof StreamResponse
    || typeof (value as { pipe?: unknown }).pipe === 'function'
    || typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function'
    || value instanceof ReadableStream;
}

const BINARY_TYPE = 'application/octet-stream';

/**
 * Writes a stream result: status and headers without Content-Length (chunked), then the source through
 * `pipeline`. HEAD answers the head only and destroys the source. A source that fails after the head was sent
 * aborts the connection (the client sees a truncated body, never a silent success).
 */
export function writeStream(res: ServerResponse, status: number, result: object, encodeStream: EncodeStream | null = null): void {
  let source: StreamSource;
  let type: string | undefined;
  let compress = false;
  if (result instanceof StreamResponse) {
    source = result.source;
    const o = result.options;
    if (o.status !== undefined) status = o.status;
    if (o.headers !== undefined) for (const name in o.headers) res.setHeader(name, o.headers[name] as string);
    type = o.contentType;
    compress = o.compress === true;
  } else {
    source = result as StreamSource;
  }
  const readable = toReadable(source);
  if (typeof (source as Partial<Openable>)[STREAM_OPEN] === 'function') (source as unknown as Openable)[STREAM_OPEN](res);
  if (type !== undefined) res.setHeader('content-type', type);
  else if (!res.hasHeader('content-type')) res.setHeader('content-type', BINARY_TYPE);
  res.statusCode = status;
  const encoder = compress && encodeStream !== null ? encodeStream(res, res.getHeader('content-type') as string) : null;
  if (res.req.method === 'HEAD') {
    readable.destroy();
    res.end();
    return;
  }
  // The head goes out now: an SSE client (or a slow first chunk) sees the status at once.
  res.flushHeaders();
  if (encoder === null) pipeline(readable, res, onPiped);
  else pipeline(readable, encoder, res, onPiped);
}

// pipeline already destroyed both ends on failure; a client abort (ERR_STREAM_PREMATURE_CLOSE) is not an error.
function onPiped(): void {}

function toReadable(source: StreamSource): Readable {
  if (source instanceof Readable) return source;
  if (source instanceof ReadableStream) return Readable.fromWeb(source as ReadableStream<unknown>);
  if (typeof (source as { pipe?: unknown }).pipe === 'function') return source as unknown as Readable;
  return Readable.from(chunks(source as AsyncIterable<unknown>), { objectMode: false });
}

/** Strings and bytes pass as they are; any other value is sent as a line of JSON (NDJSON). */
async function* chunks(source: AsyncIterable<unknown>): AsyncGenerator<string | Uint8Array> {
  for await (const chunk of source) {
    if (typeof chunk === 'string' || chunk instanceof Uint8Array) yield chunk;
    else if (chunk !== undefined) yield `${JSON.stringify(chunk)}\n`;
  }
}
