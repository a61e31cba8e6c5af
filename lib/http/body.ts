import type { IncomingMessage } from 'node:http';
import secureJson from 'secure-json-parse';
import { BadRequestError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../errors/http-error';
import { parseQuery } from './query';
import type { MultipartReader } from './uploads';

/** How a route reads its body: the limit in bytes and the media types it accepts. */
export interface BodyOptions {
  readonly limit: number;
  /** Deepest nesting of arrays and objects a JSON body may have (400 beyond). */
  readonly depth: number;
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

  (req as ReadingRequest)[READING] = new Reading(kind, options.limit, options.depth, target, done as BodyDone<unknown>);
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
  constructor(readonly kind: Kind, readonly limit: number, readonly depth: number, readonly target: unknown, readonly done: BodyDone<unknown>) {}

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
    body = parse(r.kind, text, r.depth);
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

function parse(kind: Kind, text: string, depth: number): unknown {
  if (kind === 'text') return text;
  if (kind === 'form') return parseQuery(text);
  return parseJson(text, depth, 'body');
}

const FORBIDDEN = 'The JSON body contains a forbidden key ("__proto__" or "constructor.prototype").';

/**
 * JSON.parse, then {@link vetJson}. `what` names the text in messages ("body", "message").
 */
export function parseJson(text: string, depth: number, what: string): unknown {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    if (text.trim() === '') return undefined;
    throw new BadRequestError(`The request ${what} is not valid JSON: ${err instanceof Error ? err.message : 'parse error'}.`);
  }
  return vetJson(text, value, depth, what);
}

/**
 * Refuses, with a 400, parsed JSON that nests deeper than `depth` (naming `limits.depth`: whatever walks the value
 * afterwards — validation, serializers, user code — stays far from the end of the stack), and `__proto__` or
 * `constructor.prototype` keys, as secure-json-parse does. The key scan (two regular expressions over the text)
 * only runs when the text could spell such a key: any spelling of "__proto__" or "constructor" holds the word
 * itself or a `\u` escape. Returns the value to use.
 */
export function vetJson(text: string, value: unknown, depth: number, what: string): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (nestsDeeper(text, depth)) throw new BadRequestError(`The JSON ${what} is nested deeper than ${depth} levels (limits.depth).`);
  if (!text.includes('__proto__') && !text.includes('constructor') && !text.includes('\\u')) return value;
  try {
    return secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch {
    // The text parsed before, so the only error left is the forbidden key.
    throw new BadRequestError(FORBIDDEN.replace('body', what));
  }
}

/**
 * Whether valid JSON text nests arrays and objects deeper than `max`. One pass over the structure: strings are
 * skipped with `indexOf` (a bracket inside one does not count), so the cost is the number of tokens outside strings.
 * A text of at most 2 × max characters cannot nest deeper (each level takes an opening and a closing bracket).
 */
export function nestsDeeper(text: string, max: number): boolean {
  const n = text.length;
  if (n <= 2 * max) return false;
  let depth = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // The closing quote is the next one not escaped by an odd run of backslashes.
      for (;;) {
        i = text.indexOf('"', i + 1);
        let b = i - 1;
        while (text.charCodeAt(b) === 0x5c) b--;
        if ((i - 1 - b) % 2 === 0) break;
      }
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return false;
}
