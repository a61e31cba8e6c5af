import type { IncomingMessage, ServerResponse } from 'node:http';
import { REQUEST_ERROR, REQUEST_ID } from '../errors/problem';
import { REQUEST_RUNTIME, type RequestRuntime } from '../pipeline/context';
import type { Plugin } from '../pipeline/plugin';
import type { BeforeRoute } from '../router/dispatch';
import type { RouteHandler } from '../router/methods';
import type { Logger } from './logger';
import { UNMATCHED_ROUTE, type RequestMetrics } from './metrics';
import type { NormalizedRuntime } from './options';
import { requestIdOf } from './request-id';

const ROUTE: unique symbol = Symbol('rivet.routeTemplate');
const START: unique symbol = Symbol('rivet.requestStart');

type ObservedRequest = IncomingMessage & {
  [REQUEST_ID]?: string;
  [REQUEST_ERROR]?: unknown;
  [REQUEST_RUNTIME]?: RequestRuntime;
  [ROUTE]?: string;
  [START]?: number;
};

/** One access-log line, as written on each finished request. */
export interface AccessLogEntry {
  reqId?: string;
  method: string;
  /** The route template (`/users/:id`), `null` when no route matched. */
  route: string | null;
  /** The request path, without the query string (which may carry secrets). */
  path: string;
  /** The status sent, or 499 when the client went away before the app ended the response. */
  status: number;
  durationMs: number;
  /** The Content-Length sent; absent for streamed bodies. */
  bytes?: number;
  /** Server errors (5xx) only. */
  err?: unknown;
}

export interface ObserveParts {
  readonly requestId: NormalizedRuntime['requestId'];
  /** The app logger when `logger` is on. */
  readonly logger: Logger | null;
  readonly metrics: RequestMetrics | null;
  readonly runtime: RequestRuntime;
}

/**
 * Request ids, the access log and request metrics, as one plugin so that a request pays for one hook and one
 * `close` listener whatever mix is on. `null` when all three are off. Its request hook is also what the lifecycle
 * runs for requests it refuses while draining, so those are logged and counted too.
 */
export function observePlugin(parts: ObserveParts): (Plugin & { readonly onRequest: BeforeRoute }) | null {
  const { requestId, logger, metrics, runtime } = parts;
  if (requestId === null && logger === null && metrics === null) return null;
  const header = requestId?.header ?? '';
  const generate = requestId?.generate ?? null;
  const timed = logger !== null || metrics !== null;

  // Shared by every request (no closure per request): `this` is the response.
  const onDone = function onDone(this: ServerResponse): void {
    const req = this.req as ObservedRequest;
    const ms = performance.now() - req[START]!;
    const route = req[ROUTE];
    // Ended by the app, not finished flushing: an injected response's null socket never drains, so
    // `writableFinished` stays false there and every `app.inject()` request would read as 499 (issue 19).
    const status = this.writableEnded ? this.statusCode : 499;
    if (metrics !== null) {
      metrics.inFlight.dec();
      metrics.observe(req.method ?? 'GET', route ?? UNMATCHED_ROUTE, status, ms / 1000);
    }
    if (logger === null) return;
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const entry: AccessLogEntry = { reqId: req[REQUEST_ID], method: req.method ?? 'GET', route: route ?? null, path: q === -1 ? url : url.slice(0, q), status, durationMs: Math.round(ms * 1000) / 1000 };
    const length = this.getHeader('content-length');
    if (length !== undefined) entry.bytes = Number(length);
    if (status >= 500) {
      entry.err = req[REQUEST_ERROR];
      logger.error(entry, 'request failed');
    } else if (status === 499) {
      logger.warn(entry, 'request aborted by the client');
    } else {
      logger.info(entry, 'request completed');
    }
  };

  // HOT PATH: one header read or id, one timestamp, one listener; no closure, no promise.
  const onRequest: BeforeRoute = (req: ObservedRequest, res) => {
    if (requestId !== null) {
      const id = requestIdOf(req, header, generate);
      req[REQUEST_ID] = id;
      res.setHeader(header, id);
    }
    if (timed) {
      req[START] = performance.now();
      if (logger !== null) req[REQUEST_RUNTIME] = runtime;
      metrics?.inFlight.inc();
      res.on('close', onDone);
    }
    return false;
  };

  const label = (path: string, handler: RouteHandler): RouteHandler => (req, res, values, rawQuery) => {
    (req as ObservedRequest)[ROUTE] = path;
    handler(req, res, values, rawQuery);
  };
  return {
    name: 'observe',
    onRequest,
    // The template, not the URL: '/users/:id' stays one label however many users there are.
    wrap: timed ? (route, handler) => label(route.path, handler) : undefined,
    wrapServed: timed ? (route, handler) => label(route.path, handler) : undefined,
  };
}
