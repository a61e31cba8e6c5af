import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BeforeRoute, DispatchHooks, Preflight } from '../router/dispatch';
import type { RouteHandler } from '../router/methods';
import type { CompiledRoute } from './compiled-route';

/**
 * A cross-cutting part of the framework (security headers, CORS, rate limits, logging…), compiled at start-up.
 * Each member is optional; an app without features pays nothing per request. Features run in the order given.
 */
export interface Feature {
  /** For messages, e.g. `'cors'`. */
  readonly name: string;
  /** Runs before routing; `true` when it answered the request itself. */
  readonly onRequest?: BeforeRoute;
  /** Wraps one route's compiled handler, e.g. a per-route rate limit read from `route.descriptor.metadata`. Return `handler` itself to leave it. */
  wrapRoute?(route: CompiledRoute, handler: RouteHandler): RouteHandler;
  /** Answers automatic OPTIONS on known paths (CORS preflight). */
  readonly preflight?: Preflight;
  /** Runs when the app closes, after the server stopped accepting and drained; features close in reverse order. */
  onClose?(): void | Promise<void>;
}

/** Folds the features' request hooks into one `before` hook, staying synchronous until a hook returns a promise. */
export function compileDispatchHooks(features: readonly Feature[]): DispatchHooks {
  const befores = features.flatMap((f) => (f.onRequest === undefined ? [] : [f.onRequest]));
  const preflights = features.flatMap((f) => (f.preflight === undefined ? [] : [f.preflight]));
  return {
    before: befores.length === 0 ? null : befores.length === 1 ? befores[0] : (req, res) => runFrom(befores, req, res, 0),
    preflight: preflights.length === 0 ? null : (req, res, allow) => preflights.some((p) => p(req, res, allow)),
  };
}

function runFrom(hooks: readonly BeforeRoute[], req: IncomingMessage, res: ServerResponse, i: number): boolean | Promise<boolean> {
  for (; i < hooks.length; i++) {
    const answered = hooks[i](req, res);
    if (answered === true) return true;
    if (answered === false) continue;
    const next = i + 1;
    return answered.then((done) => done || runFrom(hooks, req, res, next));
  }
  return false;
}

/** Applies every feature's `wrapRoute` to a route handler, first feature outermost. */
export function wrapRoute(features: readonly Feature[], route: CompiledRoute, handler: RouteHandler): RouteHandler {
  let wrapped = handler;
  for (let i = features.length - 1; i >= 0; i--) {
    const wrap = features[i].wrapRoute;
    if (wrap !== undefined) wrapped = wrap.call(features[i], route, wrapped);
  }
  return wrapped;
}
