import { ForbiddenError } from '../errors/http-error';
import type { RequestContext } from './context';

/**
 * A guard decides whether a request may reach its handler. Return `true` to pass, `false` for a 403
 * problem, or throw an `HttpError` (e.g. `UnauthorizedError`) to answer with it as is.
 * @example class ApiKeyGuard implements CanActivate { canActivate(ctx: RequestContext) { return ctx.request.headers['x-api-key'] === 'secret'; } }
 */
export interface CanActivate {
  canActivate(ctx: RequestContext): boolean | Promise<boolean>;
}

/** Runs a route's guards in order; `undefined` when all passed synchronously. */
export type GuardChain = (ctx: RequestContext) => void | Promise<void>;

const denied = (): ForbiddenError => new ForbiddenError('You do not have permission to access this resource.');

/** `null` when nothing guards the route, so the hot path pays one comparison. */
export function compileGuardChain(guards: readonly CanActivate[]): GuardChain | null {
  if (guards.length === 0) return null;
  if (guards.length === 1) {
    const only = guards[0];
    return (ctx) => {
      const verdict = only.canActivate(ctx);
      if (verdict === true) return undefined;
      if (isThenable(verdict)) return verdict.then((ok) => { if (ok !== true) throw denied(); });
      throw denied();
    };
  }
  return (ctx) => runFrom(guards, ctx, 0);
}

// Stays synchronous until a guard returns a promise; only then does the chain continue asynchronously.
function runFrom(guards: readonly CanActivate[], ctx: RequestContext, i: number): void | Promise<void> {
  for (; i < guards.length; i++) {
    const verdict = guards[i].canActivate(ctx);
    if (verdict === true) continue;
    if (!isThenable(verdict)) throw denied();
    const next = i + 1;
    return verdict.then((ok) => {
      if (ok !== true) throw denied();
      return runFrom(guards, ctx, next);
    });
  }
  return undefined;
}

/** Whether a value is a promise-like; tested instead of awaiting values that are not promises. */
export function isThenable(value: unknown): value is PromiseLike<unknown> & Promise<unknown> {
  return value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function';
}
