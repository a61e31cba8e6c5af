import type { IncomingMessage, Server, ServerOptions, ServerResponse } from 'node:http';
import type { BoundAddress, ListenOptions } from '../http/server';
import type { RouteMethod } from '../metadata/types';
import type { BeforeRoute, DispatchHooks, Preflight } from '../router/dispatch';
import type { RouteHandler } from '../router/methods';
import type { RouteDescriptor } from '../router/compile';
import type { RouteParts } from './build';
import type { CompiledRoute } from './compiled-route';
import type { RequestContext, RouteInfo } from './context';
import type { CanActivate } from './guards';
import type { WriterOptions } from './write';

/**
 * A cross-cutting part of the framework (security headers, CORS, rate limits, logging…) or a user's plugin
 * (`definePlugin`, lib/plugin.ts: the public stages `appliesTo`, `onRequest`, `around`, `document`, `onListen`,
 * `onClose`), compiled at start-up. `createApp` folds every feature over every route the same way and knows none by
 * name. Each member is optional; an app without features pays nothing per request. Features run in the order given.
 */
export interface Feature {
  /** For messages, e.g. `'cors'`. */
  readonly name: string;
  /** Runs before routing; `true` when it answered the request itself. */
  readonly onRequest?: BeforeRoute;
  /** Whether the route stages (`around`, `document`) apply to a route; decided once per route at start-up. */
  appliesTo?(route: RouteInfo): boolean;
  /** Around a route's handler, as an interceptor outside the app's interceptors. */
  around?(ctx: RequestContext, next: () => unknown): unknown;
  /** Adds to the route's OpenAPI operation when the document is built. */
  document?(operation: object, route: RouteInfo): void;
  /** Adapts how a route produces its output (negotiation, compression, `@Cache`, `@Paginate`): `parts` when nothing applies. */
  adaptRoute?(route: CompiledRoute, parts: RouteParts, writer: WriterOptions): RouteParts;
  /** Once the app listens. */
  onListen?(server: Server, address: BoundAddress): void | Promise<void>;
  /** Wraps one route's compiled handler, e.g. a per-route rate limit read from `route.descriptor.metadata`. Return `handler` itself to leave it. */
  wrapRoute?(route: CompiledRoute, handler: RouteHandler): RouteHandler;
  /** Guards to run after a route's own (app, controller, method), e.g. a rate limit keyed by the principal those set. */
  guardsFor?(route: RouteDescriptor): readonly CanActivate[];
  /** Checks a compiled route at start-up; a developer mistake is a RivetError naming `Controller#method` and the fix. */
  checkRoute?(route: CompiledRoute): void;
  /** Answers automatic OPTIONS on known paths (CORS preflight). */
  readonly preflight?: Preflight;
  /** Runs when the app closes, after the server stopped accepting and drained; features close in reverse order. */
  onClose?(): void | Promise<void>;
  /** Routes the feature serves itself (health probes, metrics): they join the dispatch table, not the OpenAPI document. */
  readonly routes?: readonly FeatureRoute[];
  /** Wraps a route that has no controller (OpenAPI document, docs assets, feature routes), e.g. to label it in metrics. */
  wrapServed?(route: { readonly method: string; readonly path: string }, handler: RouteHandler): RouteHandler;
  /** Options for the node:http server, merged over the features in order (e.g. `headersTimeout`). */
  readonly serverOptions?: ServerOptions;
  /** Called once the app's server exists, with the app's `close()` (signal handlers, connection tracking). */
  attach?(host: FeatureHost): void;
  /** Runs first when the app closes, before the server stops accepting (readiness turns 503, new requests are refused). */
  beforeClose?(): void | Promise<void>;
  /** Replaces how the app listens (e.g. cluster workers); the first feature that has it wins. */
  listen?(options: ListenOptions, listen: (options: ListenOptions) => Promise<BoundAddress>): Promise<BoundAddress>;
}

/** A route served by a feature; `path` is a template like a controller's. */
export interface FeatureRoute {
  readonly method: RouteMethod;
  readonly path: string;
  readonly handler: RouteHandler;
}

/** What `Feature.attach` receives. */
export interface FeatureHost {
  readonly server: Server;
  close(): Promise<void>;
}

/** Folds the features' request hooks into one `before` hook, staying synchronous until a hook returns a promise. */
export function compileDispatchHooks(features: readonly Feature[]): DispatchHooks {
  const befores = features.flatMap((f) => (f.onRequest === undefined ? [] : [f.onRequest]));
  const preflights = features.flatMap((f) => (f.preflight === undefined ? [] : [f.preflight]));
  return {
    before: befores.length === 0 ? null : befores.length === 1 ? befores[0] : (req, res) => runFrom(befores, req, res, '', 0),
    preflight: preflights.length === 0 ? null : preflights.length === 1 ? preflights[0] : (req, res, allow) => runFrom(preflights, req, res, allow, 0),
  };
}

/**
 * Runs `hooks` in order until one answers (`true`), staying synchronous until one returns a promise. Serves the
 * before-route hooks (which ignore `allow`) and the preflight hooks alike.
 */
function runFrom(hooks: readonly Preflight[], req: IncomingMessage, res: ServerResponse, allow: string, i: number): boolean | Promise<boolean> {
  for (; i < hooks.length; i++) {
    const answered = hooks[i](req, res, allow);
    if (answered === true) return true;
    if (answered === false) continue;
    const next = i + 1;
    return answered.then((done) => done || runFrom(hooks, req, res, allow, next));
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

/** Applies every feature's `wrapServed` to a route without a controller, first feature outermost. */
export function wrapServed(features: readonly Feature[], route: { readonly method: string; readonly path: string }, handler: RouteHandler): RouteHandler {
  let wrapped = handler;
  for (let i = features.length - 1; i >= 0; i--) {
    const wrap = features[i].wrapServed;
    if (wrap !== undefined) wrapped = wrap.call(features[i], route, wrapped);
  }
  return wrapped;
}
