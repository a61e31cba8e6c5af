import type { IncomingMessage, ServerResponse } from 'node:http';
import { BadRequestError, MethodNotAllowedError, NotFoundError } from '../errors/http-error';
import { sendError, type ErrorPolicy } from '../errors/problem';
import type { PathEntry } from './methods';
import { MalformedPathError, type RouteTree } from './tree';

/** A node `request` listener. */
export type Dispatch = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Runs before routing for every request (request ids, security headers, CORS, app-wide rate limits…).
 * Returns `true` when it answered the request itself; may return a promise; a throw becomes a problem answer.
 */
export type BeforeRoute = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

/**
 * Answers an OPTIONS request on a known path that declares no `@Options` handler (e.g. a CORS preflight); `true` when
 * it did. Synchronous unless it needs to wait (an asynchronous CORS origin check).
 */
export type Preflight = (req: IncomingMessage, res: ServerResponse, allow: string) => boolean | Promise<boolean>;

/** What features add to the dispatcher; `null` members cost one comparison per request. */
export interface DispatchHooks {
  readonly before: BeforeRoute | null;
  readonly preflight: Preflight | null;
}

/**
 * The request listener: optional `before` hook, path lookup, then the method table, then the route's prebuilt
 * handler. Unknown path → 404 problem; known path, other method → 405 with the precomputed `Allow`;
 * OPTIONS without a declared handler → the `preflight` hook, else 204 with `Allow`.
 */
export function createDispatcher(tree: RouteTree<PathEntry>, errors: ErrorPolicy, hooks: DispatchHooks = { before: null, preflight: null }): Dispatch {
  const fail = (req: IncomingMessage, res: ServerResponse, err: unknown): void => sendError(req, res, err, errors);
  const { before, preflight } = hooks;

  // HOT PATH: runs once per request. No closures created, no regexes, one Map hit for static paths.
  const route = function route(req: IncomingMessage, res: ServerResponse): void {
    let url = req.url ?? '/';
    // RFC 9112 §3.2.2: a server must accept the absolute form (`GET http://host/path`); route on its path.
    if (url.charCodeAt(0) !== 47 /* / */) url = originForm(url);
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    let match;
    try {
      match = tree.lookup(path);
    } catch (err) {
      if (err instanceof MalformedPathError) return fail(req, res, new BadRequestError(`The request path has ${err.message}.`));
      throw err;
    }
    if (match === null) return fail(req, res, new NotFoundError(`No route matches ${req.method ?? ''} ${path}`));
    const entry = match.value;
    const method = req.method ?? 'GET';
    // An @All route answers every method but OPTIONS, which stays the automatic 204 (and CORS preflight).
    const handler = entry.handlers[method] ?? (method === 'OPTIONS' ? null : entry.fallback);
    if (handler !== null && handler !== undefined) return handler(req, res, match.values, q === -1 ? '' : url.slice(q + 1));
    if (method === 'OPTIONS') {
      const answered = preflight === null ? false : preflight(req, res, entry.allow);
      if (answered === false) return options(res, entry.allow);
      if (answered === true) return;
      answered.then((done) => { if (!done) options(res, entry.allow); }, (err: unknown) => fail(req, res, err));
      return;
    }
    fail(req, res, new MethodNotAllowedError(entry.allow, `${method} is not allowed on ${path}; allowed: ${entry.allow}`));
  };
  if (before === null) return route;
  return function dispatch(req, res) {
    let answered: boolean | Promise<boolean>;
    try {
      answered = before(req, res);
    } catch (err) {
      return fail(req, res, err);
    }
    if (answered === false) return route(req, res);
    if (answered === true) return;
    answered.then((done) => { if (!done) route(req, res); }, (err: unknown) => fail(req, res, err));
  };
}

/** The origin form (`/path?query`) of an absolute-form request target; other forms (`*`) are left as they are. */
function originForm(target: string): string {
  const scheme = target.indexOf('://');
  if (scheme === -1) return target;
  const slash = target.indexOf('/', scheme + 3);
  const query = target.indexOf('?', scheme + 3);
  if (slash === -1 || (query !== -1 && query < slash)) return query === -1 ? '/' : `/${target.slice(query)}`;
  return target.slice(slash);
}

/** The automatic answer to OPTIONS on a known path: 204 with the path's `Allow`. */
function options(res: ServerResponse, allow: string): void {
  res.writeHead(204, { allow });
  res.end();
}
