import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendError, type ErrorPolicy } from '../errors/problem';
import { IssueList, ValidationFailedError } from '../errors/validation-error';
import { readBodyThen, type BodyOptions } from '../http/body';
import { releaseFilesWithResponse } from '../http/uploads';
import type { RouteHandler } from '../router/methods';
import { RequestContext, type RouteInfo } from './context';
import type { Extractor } from './extract';
import { isThenable, type GuardChain } from './guards';
import { chainInterceptors, type Interceptor } from './interceptors';
import type { Writer } from './write';

const ignore = (): void => undefined;

/** Everything a route handler is assembled from; resolved and compiled at start-up. */
export interface RouteParts {
  readonly info: RouteInfo;
  /** Path parameter names, in the order the router captures their values. */
  readonly paramNames: readonly string[];
  /** The controller instance (singleton scope), or a factory called per request (request scope). */
  readonly instance: object | ((ctx: RequestContext) => object);
  readonly requestScoped: boolean;
  /** The handler, read from the concrete class's prototype at boot, so an override wins. Never bound. */
  readonly method: (...args: unknown[]) => unknown;
  readonly extractors: readonly Extractor[];
  /** Whether an extractor may return a promise (a DTO with async constraints). */
  readonly asyncArgs: boolean;
  readonly guards: GuardChain | null;
  readonly body: BodyOptions | null;
  readonly write: Writer;
  /** The route's interceptors, app's first (outermost); `null` when it has none. */
  readonly interceptors: readonly Interceptor[] | null;
  /** How errors are answered: the route's filter chain (method, controller, app) in front of problem+json. */
  readonly errors: ErrorPolicy;
}

/**
 * Assembles one route's handler: guards (app → controller → method), then the body (only for routes that
 * take one, and only once the guards passed), then the arguments, the call and the write. Each stage stays
 * synchronous unless the previous one returned a promise. The cheapest variant is chosen here, not per request.
 */
export function buildRouteHandler(parts: RouteParts): RouteHandler {
  const { info, paramNames, method, extractors, guards, body, write, errors, interceptors } = parts;
  const n = extractors.length;
  const where = `${info.controller.name}#${info.handler}`;
  const fail = (req: IncomingMessage, res: ServerResponse, err: unknown, ctx?: RequestContext): void => sendError(req, res, err, errors, ctx, where);
  const instanceOf: (ctx: RequestContext) => object = parts.requestScoped
    ? (parts.instance as (ctx: RequestContext) => object)
    : ((instance: object) => () => instance)(parts.instance as object);

  // A write can throw (a circular object in JSON.stringify): it must end as a 500 problem, never as an unhandled rejection.
  const safeWrite = (req: IncomingMessage, res: ServerResponse, value: unknown, ctx?: RequestContext): void => {
    try {
      write(res, value);
    } catch (err) {
      fail(req, res, err, ctx);
    }
  };
  const finish = (ctx: RequestContext, result: unknown): void => {
    if (isThenable(result)) result.then((value) => safeWrite(ctx.request, ctx.response, value, ctx), (err: unknown) => fail(ctx.request, ctx.response, err, ctx));
    else write(ctx.response, result);
  };

  // Interceptors, when the route has any, wrap the handler call; the arguments are ready by then.
  const intercepted = interceptors === null ? null : chainInterceptors(interceptors, (ctx, args) => method.apply(instanceOf(ctx), args));
  const call = intercepted === null
    ? (ctx: RequestContext, args: unknown[]): void => finish(ctx, method.apply(instanceOf(ctx), args))
    : (ctx: RequestContext, args: unknown[]): void => finish(ctx, intercepted(ctx, args));

  // One synchronous argument (a single @Body DTO, say): no arguments array. A 422 is re-raised as the loop below
  // raises it, with the extractor's issues and the default detail.
  const single = n === 1 && !parts.asyncArgs ? extractors[0] : null;
  const invokeOne = (ctx: RequestContext): void => {
    let arg: unknown;
    try {
      arg = single!(ctx);
    } catch (err) {
      if (!(err instanceof ValidationFailedError)) throw err;
      throw new ValidationFailedError(err.errors, undefined, err.omitted);
    }
    if (intercepted === null) finish(ctx, method.call(instanceOf(ctx), arg));
    else finish(ctx, intercepted(ctx, [arg]));
  };

  // Runs every extractor so that all bad parameters are reported in one 422.
  const invokeAll = (ctx: RequestContext): void => {
    const args = new Array<unknown>(n);
    let issues: IssueList | null = null;
    for (let i = 0; i < n; i++) {
      try {
        args[i] = extractors[i](ctx);
      } catch (err) {
        if (!(err instanceof ValidationFailedError)) throw err;
        (issues ??= new IssueList()).add(err);
      }
    }
    if (issues !== null) {
      // The request fails now: a promise another argument already started must not become an unhandled rejection.
      if (parts.asyncArgs) for (let i = 0; i < n; i++) if (isThenable(args[i])) (args[i] as Promise<unknown>).then(undefined, ignore);
      throw issues.toError();
    }
    if (!parts.asyncArgs) return call(ctx, args);
    void Promise.allSettled(args).then((settled) => {
      const late = new IssueList();
      for (let i = 0; i < n; i++) {
        const s = settled[i];
        if (s.status === 'fulfilled') args[i] = s.value;
        else if (s.reason instanceof ValidationFailedError) late.add(s.reason);
        else return fail(ctx.request, ctx.response, s.reason, ctx);
      }
      if (!late.empty) return fail(ctx.request, ctx.response, late.toError(), ctx);
      try {
        call(ctx, args);
      } catch (err) {
        fail(ctx.request, ctx.response, err, ctx);
      }
    });
  };

  const invokeNone = intercepted === null ? (ctx: RequestContext): void => finish(ctx, method.call(instanceOf(ctx))) : (ctx: RequestContext): void => call(ctx, []);
  const invoke = n === 0 ? invokeNone : single === null ? invokeAll : invokeOne;

  // Routes with upload parameters: temp files go when the response ends, whatever happens to the arguments.
  const uploads = body !== null && body.multipart !== undefined && body.multipart !== null;
  // The body arrives in a callback that gets the context back: no promise, no microtask hop, no closure per request.
  const bodyRead = (ctx: RequestContext, err: unknown, value: unknown): void => {
    if (err !== null) return fail(ctx.request, ctx.response, err, ctx);
    if (uploads) releaseFilesWithResponse(ctx.request, ctx.response);
    ctx.body = value;
    try {
      invoke(ctx);
    } catch (e) {
      fail(ctx.request, ctx.response, e, ctx);
    }
  };
  const afterGuards: (ctx: RequestContext) => void = body === null ? invoke : (ctx) => readBodyThen(ctx.request, body, ctx, bodyRead);

  const contextFor = (req: IncomingMessage, res: ServerResponse, values: string[], rawQuery: string): RequestContext => {
    const params: Record<string, string> = {};
    for (let i = 0; i < paramNames.length; i++) params[paramNames[i]] = values[i];
    return new RequestContext(req, res, info, params, rawQuery);
  };

  // Fastest variant: nothing to guard, read or extract (e.g. GET /health). No arguments array, no awaits.
  if (guards === null && n === 0 && body === null && !parts.requestScoped && intercepted === null) {
    const instance = parts.instance as object;
    return (req, res) => {
      let result: unknown;
      try {
        result = method.call(instance);
        if (!isThenable(result)) return write(res, result);
      } catch (err) {
        return fail(req, res, err);
      }
      result.then((value) => safeWrite(req, res, value), (err: unknown) => fail(req, res, err));
    };
  }

  if (guards === null) {
    return (req, res, values, rawQuery) => {
      const ctx = contextFor(req, res, values, rawQuery);
      try {
        afterGuards(ctx);
      } catch (err) {
        fail(req, res, err, ctx);
      }
    };
  }

  const next = (ctx: RequestContext): void => {
    try {
      afterGuards(ctx);
    } catch (err) {
      fail(ctx.request, ctx.response, err, ctx);
    }
  };
  return (req, res, values, rawQuery) => {
    const ctx = contextFor(req, res, values, rawQuery);
    let verdict: void | Promise<void>;
    try {
      verdict = guards(ctx);
    } catch (err) {
      return fail(req, res, err, ctx);
    }
    if (verdict === undefined) return next(ctx);
    verdict.then(() => next(ctx), (err: unknown) => fail(req, res, err, ctx));
  };
}
