import { STATUS_CODES } from 'node:http';

/** Options shared by every {@link HttpError}. */
export interface HttpErrorOptions {
  /** The underlying error; kept for logs, never sent to the client. */
  cause?: unknown;
  /** Response headers sent with the problem, e.g. `WWW-Authenticate` on 401 or `Allow` on 405. */
  headers?: Record<string, string>;
  /** The problem `type` URI (RFC 9457 §3.1.1); `about:blank` when absent. */
  type?: string;
}

/**
 * An error whose status and detail are meant for the client. Throw it from handlers, guards and pipes.
 * It reaches the wire as `application/problem+json`; a 5xx detail is shown only in debug mode.
 */
export class HttpError extends Error {
  readonly status: number;
  readonly type: string;
  readonly headers: Record<string, string> | undefined;
  /** Whether `detail` may reach the client: true for 4xx; 5xx details only in debug mode. */
  readonly expose: boolean;

  constructor(status: number, detail?: string, options: HttpErrorOptions = {}) {
    super(detail ?? STATUS_CODES[status] ?? 'Error', options.cause === undefined ? undefined : { cause: options.cause });
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new RangeError(`HttpError status must be an integer from 400 to 599, got ${String(status)}`);
    }
    this.name = new.target.name;
    this.status = status;
    this.type = options.type ?? 'about:blank';
    this.headers = options.headers;
    this.expose = status < 500;
  }
}

/** 400: the request is malformed (bad JSON, bad percent-encoding, forbidden keys). */
export class BadRequestError extends HttpError {
  constructor(detail?: string, options?: HttpErrorOptions) { super(400, detail, options); }
}

/** 401: credentials are missing or invalid. Pass `WWW-Authenticate` in `options.headers`. */
export class UnauthorizedError extends HttpError {
  constructor(detail?: string, options?: HttpErrorOptions) { super(401, detail, options); }
}

/** 403: the caller is known but may not do this; what a guard returning `false` produces. */
export class ForbiddenError extends HttpError {
  constructor(detail?: string, options?: HttpErrorOptions) { super(403, detail, options); }
}

/** 404: no such resource (or no such route). */
export class NotFoundError extends HttpError {
  constructor(detail?: string, options?: HttpErrorOptions) { super(404, detail, options); }
}

/** 405: the path exists but not for this method; carries the `Allow` header. */
export class MethodNotAllowedError extends HttpError {
  constructor(allow: string, detail?: string) { super(405, detail, { headers: { allow } }); }
}

/** 409: the request conflicts with the current state of the resource. */
export class ConflictError extends HttpError {
  constructor(detail?: string, options?: HttpErrorOptions) { super(409, detail, options); }
}

/** 413: the body is larger than the configured limit. */
export class PayloadTooLargeError extends HttpError {
  constructor(detail?: string, options?: HttpErrorOptions) { super(413, detail, options); }
}

/** 415: the body's media type or encoding is not one this route reads. */
export class UnsupportedMediaTypeError extends HttpError {
  constructor(detail?: string, options?: HttpErrorOptions) { super(415, detail, options); }
}

/** 429: too many requests; pass `Retry-After` in `options.headers`. */
export class TooManyRequestsError extends HttpError {
  constructor(detail?: string, options?: HttpErrorOptions) { super(429, detail, options); }
}

/** 500: an error the server could not handle; its detail is hidden unless the app runs in debug mode. */
export class InternalServerError extends HttpError {
  constructor(detail?: string, options?: HttpErrorOptions) { super(500, detail, options); }
}

/** 503: the service cannot answer now (shutting down, overloaded, timed out). */
export class ServiceUnavailableError extends HttpError {
  constructor(detail?: string, options?: HttpErrorOptions) { super(503, detail, options); }
}
