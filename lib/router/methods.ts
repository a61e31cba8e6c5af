import type { IncomingMessage, ServerResponse } from 'node:http';

/** A compiled route: everything per request is inside this closure. `values` are the raw path parameter values. */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse, values: string[], rawQuery: string) => void;

/** The methods one path answers, fixed at start-up: the dispatcher never computes `Allow` per request. */
export interface PathEntry {
  /** Method → handler, including the automatic HEAD (from GET) and the methods an `@All` route fills. */
  readonly handlers: Record<string, RouteHandler>;
  /** Answers any other method when the path has an `@All` route. */
  readonly fallback: RouteHandler | null;
  /** Precomputed `Allow` header value. */
  readonly allow: string;
}

const ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const FILLED_BY_ALL = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

/**
 * Builds the method table of one path from its declared routes. RFC 9110 §9.3.2: HEAD answers as GET
 * would, so a GET route also serves HEAD (the node server drops the body and keeps Content-Length) unless
 * the path declares its own HEAD. OPTIONS is left out unless declared: the dispatcher answers it with 204.
 */
export function buildPathEntry(declared: ReadonlyMap<string, RouteHandler>): PathEntry {
  const handlers: Record<string, RouteHandler> = Object.create(null) as Record<string, RouteHandler>;
  for (const [method, handler] of declared) if (method !== 'ALL') handlers[method] = handler;
  if (handlers.GET !== undefined && handlers.HEAD === undefined) handlers.HEAD = handlers.GET;
  const all = declared.get('ALL') ?? null;
  if (all !== null) for (const m of FILLED_BY_ALL) handlers[m] ??= all;
  const methods = new Set([...Object.keys(handlers), 'OPTIONS']);
  const allow = [...ORDER.filter((m) => methods.has(m)), ...[...methods].filter((m) => !ORDER.includes(m)).sort()].join(', ');
  return { handlers, fallback: all, allow };
}
