import type { IncomingMessage } from 'node:http';
import { parse as parseQueryString } from 'node:querystring';
import secureJson from 'secure-json-parse';
import { BadRequestError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../errors/http-error';
import type { MultipartReader } from './uploads';

/** How a route reads its body: the limit in bytes and the media types it accepts. */
export interface BodyOptions {
  readonly limit: number;
  /** Whether a `text/plain` body is accepted (routes whose `@Body()` is typed `string`). */
  readonly text: boolean;
  /** Reads `multipart/form-data` (routes with `@UploadedFile` parameters); absent: multipart is a 415. */
  readonly multipart?: MultipartReader | null;
}

type Kind = 'json' | 'form' | 'text';

/** The media type family of a Content-Type header, or `null` when Rivet does not read it. */
function kindOf(contentType: string): Kind | null {
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
  if (!hasBody(req)) return Promise.resolve(undefined);
  const contentType = req.headers['content-type'];
  const kind = contentType === undefined ? null : kindOf(contentType);
  // Only routes that declare upload parameters read multipart, decided at start-up; checked off the JSON path.
  if (kind === null && options.multipart != null && /^\s*multipart\/form-data\s*;/i.test(contentType!)) return options.multipart(req);
  if (kind === null || (kind === 'text' && !options.text)) {
    const accepted = options.text ? 'application/json, application/x-www-form-urlencoded or text/plain' : 'application/json or application/x-www-form-urlencoded';
    return Promise.reject(new UnsupportedMediaTypeError(`Content-Type ${contentType === undefined ? '(none)' : JSON.stringify(contentType)} is not supported here; send ${accepted}.`));
  }
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
    return Promise.reject(new UnsupportedMediaTypeError(`Content-Encoding ${JSON.stringify(encoding)} is not supported.`));
  }
  const declared = Number(req.headers['content-length']);
  if (declared > options.limit) return Promise.reject(tooLarge(req, options.limit));

  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > options.limit) {
        cleanup();
        reject(tooLarge(req, options.limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      try {
        resolve(parse(kind, Buffer.concat(chunks, received).toString('utf8')));
      } catch (err) {
        reject(err);
      }
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(new BadRequestError('The request body could not be read.', { cause: err }));
    };
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

function tooLarge(req: IncomingMessage, limit: number): PayloadTooLargeError {
  // Stop reading: the connection is closed after the 413 so the rest of the body is never buffered.
  req.pause();
  return new PayloadTooLargeError(`The request body exceeds the limit of ${limit} bytes.`, { headers: { connection: 'close' } });
}

function parse(kind: Kind, text: string): unknown {
  if (kind === 'text') return text;
  if (kind === 'form') return parseQueryString(text);
  if (text.trim() === '') return undefined;
  try {
    return secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch (err) {
    if (err instanceof SyntaxError && err.message === 'Object contains forbidden prototype property') {
      throw new BadRequestError('The JSON body contains a forbidden key ("__proto__" or "constructor.prototype").');
    }
    throw new BadRequestError(`The request body is not valid JSON: ${err instanceof Error ? err.message : 'parse error'}.`);
  }
}
