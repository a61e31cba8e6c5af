import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQueryString, type ParsedUrlQuery } from 'node:querystring';
import { parseCookies } from '../http/cookies';

/** What a compiled route knows about itself; shared by every request to the route. */
export interface RouteInfo {
  /** The declared method (`ALL` for an `@All` route). */
  readonly method: string;
  /** The full path template, e.g. `/users/:id`. */
  readonly path: string;
  readonly controller: Function;
  readonly handler: string;
  /** Metadata from `@SetMetadata`, the method's over the class's. */
  readonly metadata: ReadonlyMap<unknown, unknown>;
}

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
  readonly state: Record<string, unknown> & { user?: unknown } = {};
  /** The parsed request body: read after the guards pass, and only by routes with a `@Body()` parameter. */
  body: unknown = undefined;
  readonly #rawQuery: string;
  #query: ParsedUrlQuery | undefined = undefined;
  #cookies: Record<string, string> | undefined = undefined;

  constructor(request: IncomingMessage, response: ServerResponse, route: RouteInfo, params: Record<string, string>, rawQuery: string) {
    this.request = request;
    this.response = response;
    this.route = route;
    this.params = params;
    this.#rawQuery = rawQuery;
  }

  /** The query string, parsed once: repeated keys become arrays. */
  get query(): ParsedUrlQuery {
    return (this.#query ??= parseQueryString(this.#rawQuery));
  }

  /** The request cookies, parsed once. */
  get cookies(): Record<string, string> {
    return (this.#cookies ??= parseCookies(this.request.headers.cookie));
  }

  /** A value set with `@SetMetadata(key, value)` on the route's method or, failing that, its class. */
  getMetadata<T = unknown>(key: unknown): T | undefined {
    return this.route.metadata.get(key) as T | undefined;
  }
}
