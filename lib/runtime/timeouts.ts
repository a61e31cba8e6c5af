import type { IncomingMessage, ServerResponse } from 'node:http';
import { SetMetadata } from '../decorators/meta';
import { RequestTimeoutError, UnavailableError } from './unavailable';
import { sendError, type ErrorPolicy } from '../errors/problem';
import { RivetError } from '../errors/rivet-error';
import { REQUEST_ABORT } from '../pipeline/context';
import type { Plugin } from '../pipeline/plugin';
import type { RouteHandler } from '../router/methods';
import type { NormalizedRuntime } from './options';

/** The metadata key of {@link Timeout}. */
export const TIMEOUT_KEY: unique symbol = Symbol('rivet.timeout');
const TIMER: unique symbol = Symbol('rivet.handlerTimer');

type TimedRequest = IncomingMessage & { [REQUEST_ABORT]?: AbortController; [TIMER]?: NodeJS.Timeout };

/**
 * Sets the handler timeout of a route or of every route of a controller, over `timeouts.handler`: when the handler
 * has not started its response in time the client gets a 503 problem and `ctx.signal` aborts. `false` turns it off
 * (long polls, streams).
 * @example @Get('/report') @Timeout(60_000) report(@Ctx() ctx: RequestContext) { return this.reports.build(ctx.signal); }
 */
export function Timeout(ms: number | false): ClassDecorator & MethodDecorator {
  if (ms !== false && (typeof ms !== 'number' || !Number.isInteger(ms) || ms <= 0)) {
    throw new RivetError('RIVET_TIMEOUT_INVALID', `@Timeout(${String(ms)}): not a timeout.\n  Fix: give a whole number of milliseconds greater than 0, or false for none.`);
  }
  return SetMetadata(TIMEOUT_KEY, ms);
}

/**
 * Timeouts: node's header and request timeouts against slow clients (408, answered by the server's clientError
 * handler) and the handler timeout per route (503). `null` when `timeouts` is off.
 */
export function timeoutsPlugin(options: NormalizedRuntime['timeouts'], errors: ErrorPolicy): Plugin | null {
  if (options === null) return null;
  const { headers, request, handler: appDefault } = options;
  const shortest = Math.min(...[headers, request].filter((t) => t > 0));
  return {
    name: 'timeouts',
    serverOptions: {
      headersTimeout: headers,
      requestTimeout: request,
      // Node checks both timeouts on this interval (30 s by default): check often enough to honour short ones.
      ...(Number.isFinite(shortest) ? { connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(shortest / 4))) } : {}),
    },
    wrap(route, handler) {
      const own = route.metadata.get(TIMEOUT_KEY) as number | false | undefined;
      const ms = own === undefined ? appDefault : own === false ? 0 : own;
      return ms > 0 ? withTimeout(handler, ms, errors) : handler;
    },
  };
}

function withTimeout(handler: RouteHandler, ms: number, errors: ErrorPolicy): RouteHandler {
  const error = (): UnavailableError => new UnavailableError(`The handler did not answer within ${ms} ms.`);
  const onTimeout = (req: TimedRequest, res: ServerResponse): void => {
    // A response already under way (a stream) answered in time: leave it and its signal alone.
    if (res.headersSent) return;
    // Still receiving the body: the client is the slow one (408), not the handler.
    if (!req.complete) res.setHeader('connection', 'close');
    sendError(req, res, req.complete ? error() : new RequestTimeoutError(), errors);
    req[REQUEST_ABORT]?.abort(new DOMException(`The handler timed out after ${ms} ms.`, 'TimeoutError'));
  };
  return (req: TimedRequest, res, values, rawQuery) => {
    req[REQUEST_ABORT] = new AbortController();
    req[TIMER] = setTimeout(onTimeout, ms, req, res);
    res.on('close', settle);
    handler(req, res, values, rawQuery);
  };
}

// Shared by every request: `this` is the response. A client gone before the end aborts the handler's work too.
function settle(this: ServerResponse): void {
  const req = this.req as TimedRequest;
  clearTimeout(req[TIMER]);
  // Ended by the app, not flushed: an injected response (app.inject) never drains its null socket.
  if (!this.writableEnded) req[REQUEST_ABORT]?.abort(new DOMException('The client closed the connection before the response was sent.', 'AbortError'));
}
