import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ParsedUrlQuery } from 'node:querystring';
import type { Logger } from 'pino';
import { REQUEST_ID } from '../errors/problem';
import { parseCookies } from '../http/cookies';
import { parseQuery } from '../http/query';
import type { RouteOptions } from '../metadata/types';

/**
 * What an app lends its requests (lib/runtime): the app logger and the tracker that shutdown awaits. Found on the
 * request (set by a per-request feature) or on its node server (set once, so it costs nothing per request).
 */
export interface RequestRuntime {
  readonly logger: Logger;
  /** Whether each request gets a child logger bound to its id. */
  readonly bindRequestId: boolean;
  /** Keeps `task` until it settles, so that shutdown can await it. */
  track(task: Promise<unknown>): void;
}

/** Where a {@link RequestRuntime} is found: on the request, else on `request.socket.server`. */
export const REQUEST_RUNTIME: unique symbol = Symbol('rivet.requestRuntime');
/** The request's AbortController; a handler timeout (lib/runtime) sets it, else `ctx.signal` creates it on first read. */
export const REQUEST_ABORT: unique symbol = Symbol('rivet.requestAbort');

type RuntimeRequest = IncomingMessage & { [REQUEST_ID]?: string; [REQUEST_RUNTIME]?: RequestRuntime; [REQUEST_ABORT]?: AbortController };

let silentLogger: Logger | undefined;

/** What a compiled route knows about itself; shared by every request to the route. */
export interface RouteInfo {
  /** The declared method (`ALL` for an `@All` route). */
  readonly method: string;
  /** The full path template, e.g. `/users/:id`. */
  readonly path: string;
  readonly controller: Function;
  readonly handler: string;
  /** `Controller#method`, for messages. */
  readonly where: string;
  /** What the route decorator declares for documentation: `summary`, `description`, `tags`, `deprecated`… */
  readonly options: Readonly<RouteOptions>;
  /** Metadata from `@SetMetadata`, the method's over the class's. */
  readonly metadata: ReadonlyMap<unknown, unknown>;
}

/**
 * The session of one request, when the app has `createApp({ session })` (implemented in security/session.ts).
 * Read and change it synchronously; it is saved, and its cookie set, when the response is sent.
 */
export interface Session {
  /** The session id (a new one after `regenerate()`). Never shown to the client in clear when the cookie is encrypted. */
  readonly id: string;
  /** Whether no valid session cookie came with the request. */
  readonly isNew: boolean;
  /** The session's values, JSON-serializable; change them freely. */
  readonly data: Record<string, unknown>;
  get<T = unknown>(key: string): T | undefined;
  set(key: string, value: unknown): void;
  delete(key: string): void;
  /** Gives the session a new id, keeping its values, and drops the old id: call it on login (session fixation). */
  regenerate(): void;
  /** Deletes the session and clears its cookie: call it on logout. */
  destroy(): void;
}

/** Each request's session, left by the session feature before the route runs (`ctx.session` reads it). */
export const requestSessions = new WeakMap<IncomingMessage, Session>();

/**
 * The request as guards, pipes and handlers (`@Ctx()`) see it. The query and cookies are parsed on first read.
 * `state` is a per-request bag where guards leave what they learned (`state.user` for the principal).
 */
export class RequestContext {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  /** Path parameters, percent-decoded, as strings. */
  readonly params: Record<string, string>;
  readonly route: RouteInfo;
  /** The parsed request body: read after the guards pass, and only by routes with a `@Body()` parameter. */
  body: unknown = undefined;
  readonly #rawQuery: string;
  #query: ParsedUrlQuery | undefined = undefined;
  #cookies: Record<string, string> | undefined = undefined;
  #log: Logger | undefined = undefined;
  #state: (Record<string, unknown> & { user?: unknown }) | undefined = undefined;

  constructor(request: IncomingMessage, response: ServerResponse, route: RouteInfo, params: Record<string, string>, rawQuery: string) {
    this.request = request;
    this.response = response;
    this.route = route;
    this.params = params;
    this.#rawQuery = rawQuery;
  }

  /** The request's bag for what guards learned (`state.user`); made on first read, as most routes never read it. */
  get state(): Record<string, unknown> & { user?: unknown } {
    return (this.#state ??= {});
  }

  /** The query string, parsed once: repeated keys become arrays. */
  get query(): ParsedUrlQuery {
    return (this.#query ??= parseQuery(this.#rawQuery));
  }

  /** The request cookies, parsed once. */
  get cookies(): Record<string, string> {
    return (this.#cookies ??= parseCookies(this.request.headers.cookie));
  }

  /** The request id (`X-Request-ID`), when the app assigns ids (`requestId` option). */
  get requestId(): string | undefined {
    return (this.request as RuntimeRequest)[REQUEST_ID];
  }

  /** The request-scoped logger (pino): the app logger, bound to the request id. A silent logger when logging is off. */
  get log(): Logger {
    if (this.#log !== undefined) return this.#log;
    const runtime = runtimeOf(this.request as RuntimeRequest);
    if (runtime === undefined) return (this.#log = (silentLogger ??= (require('pino') as typeof import('pino')).pino({ enabled: false })));
    const id = this.requestId;
    return (this.#log = runtime.bindRequestId && id !== undefined ? runtime.logger.child({ reqId: id }) : runtime.logger);
  }

  /**
   * Aborted when the handler timeout fires (`timeouts.handler`, `@Timeout`) or the client goes away before the
   * response ends. Pass it to fetch, database drivers and timers so abandoned work stops.
   */
  get signal(): AbortSignal {
    const req = this.request as RuntimeRequest;
    let controller = req[REQUEST_ABORT];
    if (controller === undefined) {
      controller = req[REQUEST_ABORT] = new AbortController();
      // Read after the client already left (e.g. late in a stream's producer): abort now, 'close' will not fire again.
      if (this.response.closed) abortUnfinished.call(this.response);
      else this.response.once('close', abortUnfinished);
    }
    return controller.signal;
  }

  /**
   * Runs `task` after the response has been sent (or the client went away). A failure is logged and never
   * crashes the process; `app.close()` and a shutdown signal wait for pending tasks (up to the deadline).
   * @example ctx.background(() => mailer.sendWelcome(user));
   */
  background(task: () => unknown): void {
    const runtime = runtimeOf(this.request as RuntimeRequest);
    const log = this.log;
    const done = new Promise<void>((resolve) => {
      const run = (): void => {
        new Promise((r) => r(task())).then(() => resolve(), (err: unknown) => {
          if (log.isLevelEnabled('error')) log.error({ err }, 'background task failed');
          else console.error('rivet: a background task failed:', err);
          resolve();
        });
      };
      if (this.response.closed) setImmediate(run);
      else this.response.once('close', run);
    });
    runtime?.track(done);
  }

  /** The request's session; only with `createApp({ session })` (anything else is a programming error, a 500). */
  get session(): Session {
    const session = requestSessions.get(this.request);
    if (session === undefined) throw new Error('ctx.session is only available when the app is created with createApp({ session: { secret } }).');
    return session;
  }

  /** A value set with `@SetMetadata(key, value)` on the route's method or, failing that, its class. */
  getMetadata<T = unknown>(key: unknown): T | undefined {
    return this.route.metadata.get(key) as T | undefined;
  }
}

function runtimeOf(req: RuntimeRequest): RequestRuntime | undefined {
  return req[REQUEST_RUNTIME] ?? ((req.socket as { server?: { [REQUEST_RUNTIME]?: RequestRuntime } } | null)?.server?.[REQUEST_RUNTIME]);
}

// Shared by every request (no closure per request): `this` is the response.
function abortUnfinished(this: ServerResponse): void {
  // Ended by the app, not flushed: an injected response (app.inject) never drains its null socket.
  if (!this.writableEnded) (this.req as RuntimeRequest)[REQUEST_ABORT]?.abort(new DOMException('The client closed the connection before the response was sent.', 'AbortError'));
}
