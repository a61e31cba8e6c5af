import type { RequestContext } from './context';

/**
 * Runs around a route's handler: `next()` runs the rest (later interceptors and the handler) and returns its result,
 * a value or a promise; whatever `intercept` returns becomes the result. An interceptor may map the result, time it,
 * catch and translate errors, or answer without calling `next`.
 * @example intercept(ctx, next) { const t = performance.now(); const r = next(); ctx.response.setHeader('x-time', …); return r; }
 */
export interface Interceptor {
  intercept(ctx: RequestContext, next: () => unknown): unknown;
}

/**
 * The interceptors of a route around `handler`, compiled once: the first of `list` outermost. Each request makes
 * one `next` closure per interceptor; a route without interceptors never comes here.
 */
export function chainInterceptors(list: readonly Interceptor[], handler: (ctx: RequestContext, args: unknown[]) => unknown): (ctx: RequestContext, args: unknown[]) => unknown {
  let run = handler;
  for (let i = list.length - 1; i >= 0; i--) {
    const interceptor = list[i];
    const inner = run;
    run = (ctx, args) => interceptor.intercept(ctx, () => inner(ctx, args));
  }
  return run;
}
