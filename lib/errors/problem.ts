import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import { HttpError } from './http-error';
import { ValidationFailedError, type ValidationIssue } from './validation-error';

/** An RFC 9457 problem details body, as Rivet sends it. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance: string;
  /** Validation failures only: the first 100 issues. */
  errors?: ValidationIssue[];
  /** Validation failures with more than 100 issues: how many were not listed. */
  omittedErrors?: number;
  /** Debug mode only. */
  stack?: string;
  /** The request id (`X-Request-ID`), when the app assigns ids (`requestId` option). */
  requestId?: string;
}

/** Set on a request by the request-id feature (lib/runtime); `sendError` copies it into the problem body. */
export const REQUEST_ID: unique symbol = Symbol('rivet.requestId');
/** Where `sendError` leaves a server error (5xx) for the access log; errors/ stays a leaf and logs nothing itself. */
export const REQUEST_ERROR: unique symbol = Symbol('rivet.requestError');

type AnnotatedRequest = IncomingMessage & { [REQUEST_ID]?: string; [REQUEST_ERROR]?: unknown };

/** How an app answers errors; chosen once in `createApp` and handed to every place that sends a problem. */
export interface ErrorPolicy {
  /** Stack traces and 5xx details in problem bodies (`createApp({ debug: true })`). */
  readonly debug: boolean;
  /**
   * Told once per request of an unexpected server error (anything thrown that is not an {@link HttpError}, or a 5xx
   * `HttpError` wrapping a `cause`); `null` when the access log reports it (`logger` on).
   */
  readonly report: ((req: IncomingMessage, err: unknown) => void) | null;
  /**
   * Exception filters (lib/pipeline/filters.ts): answers the error in the app's own format and returns `true`, or
   * returns `false` for the problem+json below. `ctx` is the request's context when a route has one. `null`: none.
   */
  readonly filter: ((req: IncomingMessage, res: ServerResponse, err: unknown, ctx: unknown) => boolean) | null;
}

/** Whether a server error is worth a log line: not a deliberate 5xx answer such as "shutting down". */
export function isUnexpected(err: unknown): boolean {
  return !(err instanceof HttpError) || (err.status >= 500 && err.cause !== undefined);
}

/**
 * The problem body for anything thrown. Only the RFC 9457 fields (plus `errors`) are copied: an error's
 * own properties never reach the wire. Unknown errors become a bare 500 unless `debug` is on.
 */
/**
 * A problem's `instance`: the request path, without the query string, which may carry credentials (`?token=…`,
 * `?api_key=…`) that an error body must not echo back to logs, caches and screenshots.
 */
export function instanceOf(url: string | undefined): string {
  if (url === undefined) return '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

export function toProblem(err: unknown, instance: string, debug: boolean): Problem {
  if (err instanceof HttpError) {
    const body: Problem = { type: err.type, title: STATUS_CODES[err.status] ?? 'Error', status: err.status, instance };
    if (err.expose || debug) body.detail = err.message;
    if (err instanceof ValidationFailedError) {
      body.errors = err.errors;
      if (err.omitted > 0) body.omittedErrors = err.omitted;
    }
    if (debug && !err.expose && err.stack !== undefined) body.stack = err.stack;
    return body;
  }
  const body: Problem = { type: 'about:blank', title: 'Internal Server Error', status: 500, instance };
  if (debug) {
    if (err instanceof Error) {
      body.detail = err.message;
      if (err.stack !== undefined) body.stack = err.stack;
    } else {
      body.detail = `Non-error thrown: ${safeString(err)}`;
    }
  }
  return body;
}

/** Sends `problem` as `application/problem+json`, with the error's headers (e.g. `Allow`, `WWW-Authenticate`). */
export function writeProblem(res: ServerResponse, problem: Problem, headers?: Record<string, string>): void {
  // Already answered (a handler that timed out and failed later): nothing to add, and the connection stays usable.
  if (res.writableEnded) return;
  if (res.headersSent) {
    // The status line is gone: the only honest signal left is an aborted connection.
    res.destroy();
    return;
  }
  const payload = JSON.stringify(problem);
  // One writeHead with every header (merged with any set earlier, e.g. CORS), as the success path writes.
  const all: Record<string, string | number> = headers === undefined ? {} : { ...headers };
  all['content-type'] = 'application/problem+json; charset=utf-8';
  all['content-length'] = Buffer.byteLength(payload);
  res.writeHead(problem.status, all);
  res.end(payload);
}

/**
 * Renders anything thrown as a problem for `req` and sends it, with the error's own headers if it is an
 * {@link HttpError}. A server error is left on the request for the access log, or reported through
 * `errors.report` when there is none; either way once per request. `where` (`Controller#method`) names the route
 * in the stand-in stack of a thrown non-Error.
 */
export function sendError(req: IncomingMessage, res: ServerResponse, err: unknown, errors: ErrorPolicy, ctx?: unknown, where?: string): void {
  const annotated = req as AnnotatedRequest;
  if (!(err instanceof HttpError) || err.status >= 500) {
    // The first server error of the request, unless an unexpected one follows a deliberate one (a handler that
    // fails after its timeout answered 503): that one is worth the log line.
    const first = annotated[REQUEST_ERROR];
    const unexpected = isUnexpected(err);
    if (first === undefined || (unexpected && !isUnexpected(first))) {
      // A thrown string has no stack: the log gets an Error that names the value and the route instead.
      const logged = err instanceof Error ? err : new ThrownValueError(err, where ?? routeOf(ctx), req);
      annotated[REQUEST_ERROR] = logged;
      if (unexpected && errors.report !== null) errors.report(req, logged);
    }
  }
  // A filter's answer replaces the problem; what was unexpected is logged all the same.
  if (errors.filter !== null && errors.filter(req, res, err, ctx)) return;
  const problem = toProblem(err, instanceOf(req.url), errors.debug);
  const id = annotated[REQUEST_ID];
  if (id !== undefined) problem.requestId = id;
  writeProblem(res, problem, err instanceof HttpError ? err.headers : undefined);
}

/**
 * Stands in, in logs and on stderr, for a value thrown that is not an `Error` (`throw 'oops'`, `Promise.reject(42)`):
 * it has no stack of its own, so this one names the handler and the route that threw it. Filters still see the value.
 */
export class ThrownValueError extends Error {
  /** What was thrown. */
  readonly value: unknown;

  constructor(value: unknown, where: string | undefined, req: IncomingMessage) {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const route = `${req.method ?? 'GET'} ${q === -1 ? url : url.slice(0, q)}`;
    super(`a non-Error value was thrown: ${describeValue(value)} (throw an Error to get a stack trace)`);
    this.name = 'ThrownValueError';
    this.value = value;
    this.stack = `${this.name}: ${this.message}\n    at ${where ?? 'the request'} (${route})`;
  }
}

/** `Controller#method` of a route's context, read by shape: errors/ is a leaf and cannot import pipeline/. */
function routeOf(ctx: unknown): string | undefined {
  const route = (ctx as { route?: { controller?: unknown; handler?: unknown } } | undefined)?.route;
  if (route === undefined || typeof route.controller !== 'function' || typeof route.handler !== 'string' || route.handler === '') return undefined;
  return `${(route.controller as Function).name}#${route.handler}`;
}

function describeValue(value: unknown): string {
  try { return typeof value === 'string' ? JSON.stringify(value) : String(value); } catch { return typeof value; }
}

function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return typeof value;
  }
}
