import type { IncomingMessage, Server, ServerOptions, ServerResponse } from 'node:http';
import type { BoundAddress, ListenOptions } from '../http/server';
import type { RouteMethod } from '../metadata/types';
import type { DispatchHooks, Preflight } from '../router/dispatch';
import type { RouteHandler } from '../router/methods';
import type { RequestContext, RouteInfo } from './context';
import type { CanActivate } from './guards';
import type { Interceptor } from './interceptors';
import type { Writer, WriterOptions } from './write';

/**
 * The one extension contract of Rivet: a plugin is a set of optional stages that `createApp` compiles at start-up.
 * Every built-in cross-cutting part (lifecycle, request ids and access log, metrics, timeouts, health, security
 * headers, CORS, request and rate limits, sessions, roles, realtime, output (negotiation, compression, `@Cache`,
 * `@Paginate`), static files, the OpenAPI pages) is a plugin on this contract, and `createApp` folds them over the
 * routes in order, followed by the user's `createApp({ plugins })`, knowing none of them by name.
 *
 * Stages come in three kinds:
 * - per request, before routing: `onRequest`, `preflight`;
 * - per route, decided once at start-up for the routes `appliesTo` accepts (default: every controller route), so a
 *   route a plugin does not apply to pays nothing for it: `check`, `guards`, `around`, `output`, `wrap`, `document`;
 * - for the app: `routes`, `wrapServed`, `serverOptions`, `attach`, `listen`, `onListen`, `beforeClose`, `onClose`.
 *
 * What a stage produces is data on the compiled route (its guards, interceptors, writer, handler, operation), never
 * state kept elsewhere. `Operation` is the OpenAPI operation type (`OperationObject` in the public `Plugin`).
 */
export interface Plugin<Operation extends object = object> {
  /** For messages, e.g. `'audit-log'`. */
  readonly name: string;

  /**
   * Before routing, for every request (also those that match no route). Return `true` when it answered the request
   * itself; anything else (or a promise of it) lets the request go on. A thrown `HttpError` is answered as a problem.
   */
  onRequest?(req: IncomingMessage, res: ServerResponse): boolean | void | Promise<boolean | void>;
  /** Answers the automatic OPTIONS of a known path (a CORS preflight); `allow` is the path's `Allow`. `true`: answered. */
  preflight?(req: IncomingMessage, res: ServerResponse, allow: string): boolean | Promise<boolean>;

  /** Whether the route stages apply to a route (default: every controller route). Called once per route at start-up. */
  appliesTo?(route: RouteInfo): boolean;
  /** Checks a route at start-up, with the guards it runs; a developer mistake throws a RivetError naming `route.where` and the fix. */
  check?(route: RouteInfo, guards: readonly CanActivate[]): void;
  /** Guards to run after the route's own (app, controller, method), e.g. a rate limit keyed by the principal those set. */
  guards?(route: RouteInfo): readonly CanActivate[];
  /** Around a route's handler, as an interceptor, outside the app's interceptors: `next()` returns the result. */
  around?(ctx: RequestContext, next: () => unknown): unknown;
  /**
   * How the route sends its results: returns `output` with its writer's stages changed (serialization, sending,
   * a tap on each payload), the compiled writer wrapped, or interceptors added outside the route's own. Return
   * `output` itself to leave it.
   */
  output?(route: RouteInfo, output: RouteOutput): RouteOutput;
  /**
   * Wraps the route's whole handling (before its guards and body), at the level of node's request and response,
   * e.g. a timeout, a per-route limit or the session. Return `handler` itself to leave it.
   */
  wrap?(route: RouteInfo, handler: RouteHandler): RouteHandler;
  /** Adds to the route's OpenAPI operation when the document is built; `tools` documents the route's error answers. */
  document?(operation: Operation, route: RouteInfo, tools: DocumentTools): void;

  /**
   * Routes the plugin serves itself (health probes, metrics, the OpenAPI pages): they join the dispatch table, not
   * the OpenAPI document. A function is called once the controller routes are compiled, with what the app knows then.
   */
  routes?: readonly PluginRoute[] | ((app: PluginApp) => readonly PluginRoute[]);
  /** Wraps a route that has no controller (plugin routes, e.g. to label it in metrics). */
  wrapServed?(route: { readonly method: string; readonly path: string }, handler: RouteHandler): RouteHandler;
  /** Options for the node:http server, merged over the plugins in order (e.g. `headersTimeout`). */
  readonly serverOptions?: ServerOptions;
  /** Called once the app's server exists, still inside `createApp`, with the server and the app's `close()`. */
  attach?(host: PluginHost): void;
  /** Replaces how the app listens (e.g. cluster workers); the first plugin that has it wins. */
  listen?(options: ListenOptions, listen: (options: ListenOptions) => Promise<BoundAddress>): Promise<BoundAddress>;
  /** Once the app listens. */
  onListen?(server: Server, address: BoundAddress): void | Promise<void>;
  /** First when the app closes, before the server stops accepting (readiness turns 503, new requests are refused). */
  beforeClose?(): void | Promise<void>;
  /** When the app closes, after the server drained; plugins close in reverse order. */
  onClose?(): void | Promise<void>;
}

/** What a route's `output` stages work on; see {@link Plugin.output}. */
export interface RouteOutput {
  /** The writer's stages: status, fixed headers, serializer, send (compression), tap (a cache), stream encoder. */
  readonly writer: WriterOptions;
  /** Turns the writer compiled from `writer` into the route's writer; compose with the one given. */
  readonly wrapWriter: (write: Writer) => Writer;
  /** Interceptors outside the route's own (and outside every plugin's `around`), outermost first. */
  readonly interceptors: readonly Interceptor[];
}

/** What a plugin's `document` stage may use besides the operation. */
export interface DocumentTools {
  /**
   * Documents the route's answer for an error status on the operation, in the format it is really sent in: the
   * route's exception filter's schema when one answers it, else the shared problem+json response (unless
   * `createApp({ openapi: { errorStatuses } })` leaves the status out). A status already documented is left alone.
   */
  errorResponse(status: number, description?: string): void;
}

/** A route served by a plugin; `path` is a template like a controller's. */
export interface PluginRoute {
  readonly method: RouteMethod;
  readonly path: string;
  readonly handler: RouteHandler;
  /** Where the path was configured, for messages (a bad or clashing path); default `createApp({ <plugin name> })`. */
  readonly where?: string;
}

/** What a function-valued {@link Plugin.routes} receives. */
export interface PluginApp {
  /** The app's OpenAPI document (built once, from the compiled routes). */
  openapi(): object;
}

/** What {@link Plugin.attach} receives. */
export interface PluginHost {
  readonly server: Server;
  close(): Promise<void>;
}

type Hook = (req: IncomingMessage, res: ServerResponse, allow: string) => boolean | void | Promise<boolean | void>;

/** Folds the plugins' request hooks into the dispatcher's, staying synchronous until a hook returns a promise. */
export function compileDispatchHooks(plugins: readonly Plugin[]): DispatchHooks {
  const befores = plugins.flatMap((p): Hook[] => (p.onRequest === undefined ? [] : [p.onRequest.bind(p)]));
  const preflights = plugins.flatMap((p): Hook[] => (p.preflight === undefined ? [] : [p.preflight.bind(p)]));
  return {
    before: befores.length === 0 ? null : (req, res) => runFrom(befores, req, res, '', 0),
    preflight: preflights.length === 0 ? null : (req, res, allow) => runFrom(preflights, req, res, allow, 0),
  };
}

/**
 * Runs `hooks` in order until one answers (`true`), staying synchronous until one returns a promise. Serves the
 * before-route hooks (which ignore `allow`) and the preflight hooks alike.
 */
function runFrom(hooks: readonly Hook[], req: IncomingMessage, res: ServerResponse, allow: string, i: number): boolean | Promise<boolean> {
  for (; i < hooks.length; i++) {
    const answered = hooks[i](req, res, allow);
    if (answered === true) return true;
    if (answered === false || answered === undefined || typeof (answered as Promise<unknown>).then !== 'function') continue;
    const next = i + 1;
    return (answered as Promise<boolean | void>).then((done) => done === true || runFrom(hooks, req, res, allow, next));
  }
  return false;
}

/** Applies every plugin's `wrap` to a route handler, first plugin outermost. */
export function wrapRoute(plugins: readonly Plugin[], route: RouteInfo, handler: RouteHandler): RouteHandler {
  let wrapped = handler;
  for (let i = plugins.length - 1; i >= 0; i--) if (plugins[i].wrap !== undefined) wrapped = plugins[i].wrap!(route, wrapped);
  return wrapped;
}

/** Applies every plugin's `wrapServed` to a route without a controller, first plugin outermost. */
export function wrapServed(plugins: readonly Plugin[], route: { readonly method: string; readonly path: string }, handler: RouteHandler): RouteHandler {
  let wrapped = handler;
  for (let i = plugins.length - 1; i >= 0; i--) if (plugins[i].wrapServed !== undefined) wrapped = plugins[i].wrapServed!(route, wrapped);
  return wrapped;
}

/** Runs the plugins' `output` stages over a route's writer, in order; the writer is compiled once, after them. */
export function outputOf(plugins: readonly Plugin[], route: RouteInfo, writer: WriterOptions): RouteOutput {
  let output: RouteOutput = { writer, wrapWriter: identity, interceptors: [] };
  for (const p of plugins) if (p.output !== undefined) output = p.output(route, output);
  return output;
}

const identity = (write: Writer): Writer => write;
