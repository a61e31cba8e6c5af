import type { IncomingMessage } from 'node:http';
import { BadRequestError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../errors/http-error';
import { parseJson, type JsonLimits } from './json';
import { parseQuery } from './query';
import type { MultipartReader } from './uploads';

/** How a route reads its body: the limit in bytes and the media types it accepts. */
export interface BodyOptions {
  readonly limit: number;
  /** Deepest nesting and most properties per object a JSON body may have (400 beyond). */
  readonly json: JsonLimits;
  /** Whether a `text/plain` body is accepted (routes whose `@Body()` is typed `string`). */
  readonly text: boolean;
  /** Reads `multipart/form-data` (routes with `@UploadedFile` parameters); absent: multipart is a 415. */
  readonly multipart?: MultipartReader | null;
}

/**
 * Receives the outcome of {@link readBodyThen}: `err` is `null` and `body` the parsed body (or `undefined`), else
 * `err` is the client error. `target` is whatever the caller passed along, so the caller needs no closure per request.
 */
export type BodyDone<T> = (target: T, err: unknown, body: unknown) => void;

type Kind = 'json' | 'form' | 'text';

/** The media type family of a Content-Type header, or `null` when Rivet does not read it. */
function kindOf(contentType: string): Kind | null {
  // What JSON clients send, spelled as they send it: two comparisons instead of slicing and lower-casing.
  if (contentType === 'application/json' || contentType === 'application/json; charset=utf-8') return 'json';
  const semi = contentType.indexOf(';');
  const type = (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
  if (type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'))) return 'json';
  if (type === 'application/x-www-form-urlencoded') return 'form';
  if (type === 'text/plain') return 'text';
  return null;
}

/** Whether the request carries a body at all (RFC 9112 §6.3: Content-Length or Transfer-Encoding). */
function hasBody(req: IncomingMessage): boolean {
  const len = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (len !== undefined && len !== '0');
}

/**
 * Reads and parses the request body. No body → `undefined`. Errors are client errors: 413 over the limit
 * (checked against Content-Length before reading, and while reading), 415 for an unsupported media type
 * or content encoding, 400 for malformed JSON or JSON carrying `__proto__` / `constructor.prototype`.
 */
export function readBody(req: IncomingMessage, options: BodyOptions): Promise<unknown> {
  return new Promise((resolve, reject) => readBodyThen(req, options, null, (_, err, body) => (err === null ? resolve(body) : reject(err))));
}

/**
 * {@link readBody} for the request path: calls `done(target, err, body)` exactly once, synchronously when there is
 * nothing to read or the headers already refuse the body, else from the stream's events. No promise, no
 * microtask hop and no closure per request: the stream listeners are shared and find their state on the request.
 */
export function readBodyThen<T>(req: IncomingMessage, options: BodyOptions, target: T, done: BodyDone<T>): void {
  if (!hasBody(req)) return done(target, null, undefined);
  const contentType = req.headers['content-type'];
  const kind = contentType === undefined ? null : kindOf(contentType);
  // Only routes that declare upload parameters read multipart, decided at start-up; checked off the JSON path.
  if (kind === null && options.multipart != null && /^\s*multipart\/form-data\s*;/i.test(contentType!)) {
    options.multipart(req).then((fields) => done(target, null, fields), (err: unknown) => done(target, err, undefined));
    return;
  }
  if (kind === null || (kind === 'text' && !options.text)) {
    const accepted = options.text ? 'application/json, application/x-www-form-urlencoded or text/plain' : 'application/json or application/x-www-form-urlencoded';
    return done(target, new UnsupportedMediaTypeError(`Content-Type ${contentType === undefined ? '(none)' : JSON.stringify(contentType)} is not supported here; send ${accepted}.`), undefined);
  }
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
    return done(target, new UnsupportedMediaTypeError(`Content-Encoding ${JSON.stringify(encoding)} is not supported.`), undefined);
  }
  const declared = Number(req.headers['content-length']);
  if (declared > options.limit) return done(target, tooLarge(req, options.limit), undefined);

  (req as ReadingRequest)[READING] = new Reading(kind, options.limit, options.json, target, done as BodyDone<unknown>);
  req.on('data', onData);
  req.on('end', onEnd);
  req.on('error', onError);
}

const READING: unique symbol = Symbol('rivet.bodyReading');
type ReadingRequest = IncomingMessage & { [READING]: Reading };

/** One body being read; its listeners stay on the request once it is settled, and then do nothing. */
class Reading {
  received = 0;
  /** The first chunk; most bodies arrive in one, which is then decoded without a copy. */
  first: Buffer | null = null;
  rest: Buffer[] | null = null;
  settled = false;
  constructor(readonly kind: Kind, readonly limit: number, readonly json: JsonLimits, readonly target: unknown, readonly done: BodyDone<unknown>) {}

  settle(err: unknown, body: unknown): void {
    this.settled = true;
    this.first = this.rest = null;
    this.done(this.target, err, body);
  }
}

// Shared by every request: `this` is the request.
function onData(this: ReadingRequest, chunk: Buffer): void {
  const r = this[READING];
  if (r.settled) return;
  r.received += chunk.length;
  if (r.received > r.limit) return r.settle(tooLarge(this, r.limit), undefined);
  if (r.first === null) r.first = chunk;
  else (r.rest ??= [r.first]).push(chunk);
}

function onEnd(this: ReadingRequest): void {
  const r = this[READING];
  if (r.settled) return;
  // Decoded once at the end, so a multi-byte character split across chunks stays whole.
  const text = r.first === null ? '' : r.rest === null ? r.first.toString() : Buffer.concat(r.rest, r.received).toString();
  let body: unknown;
  try {
    body = parse(r.kind, text, r.json);
  } catch (err) {
    return r.settle(err, undefined);
  }
  r.settle(null, body);
}

function onError(this: ReadingRequest, err: Error): void {
  const r = this[READING];
  if (r.settled) return;
  r.settle(new BadRequestError('The request body could not be read.', { cause: err }), undefined);
}

function tooLarge(req: IncomingMessage, limit: number): PayloadTooLargeError {
  // Stop reading: the connection is closed after the 413 so the rest of the body is never buffered.
  req.pause();
  return new PayloadTooLargeError(`The request body exceeds the limit of ${limit} bytes.`, { headers: { connection: 'close' } });
}

function parse(kind: Kind, text: string, json: JsonLimits): unknown {
  if (kind === 'text') return text;
  if (kind === 'form') return parseQuery(text, 'form body');
  return parseJson(text, json, 'body');
}


