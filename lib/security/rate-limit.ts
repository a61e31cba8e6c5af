import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SetMetadata } from '../decorators/meta';
import { ServiceUnavailableError, TooManyRequestsError } from '../errors/http-error';
import { sendError, type ErrorPolicy } from '../errors/problem';
import { RivetError } from '../errors/rivet-error';
import type { RequestContext, RouteInfo } from '../pipeline/context';
import type { Plugin } from '../pipeline/plugin';
import type { CanActivate } from '../pipeline/guards';
import type { Rate, RateDecision } from '../store/gcra';
import type { Store } from '../store/store';
import { addressKey, clientIp } from './client';

/**
 * Whom a limit counts: the client address (`'ip'`, default; proxies per `trustProxy`), the API key sent
 * (`'apiKey'`), the authenticated principal (`'user'`: its `id` or `sub`, after the route's guards ran), or your
 * own function of the request context (also after the guards). Without an API key or user, the address counts.
 */
export type RateLimitKey = 'ip' | 'apiKey' | 'user' | ((ctx: RequestContext) => string | undefined);

/** `@RateLimit(...)` on a controller (its routes share one budget) or a route. */
export interface RateLimitRule {
  /** Requests allowed per `duration`. */
  points: number;
  /** The window, in seconds. */
  duration: number;
  /** Requests allowed at once (the bucket size). Default `points`: a full window's worth. */
  burst?: number;
  key?: RateLimitKey;
  /** The header read by `key: 'apiKey'`. Default `x-api-key`. */
  apiKeyHeader?: string;
}

/** `createApp({ rateLimit })`: one budget per client shared by every route (unless a route has its own `@RateLimit`). */
export interface RateLimitOptions extends RateLimitRule {
  /** Where counters live. Default: the app's `store` (a `RedisStore` shares limits between processes). */
  store?: Store;
}

const RATE_LIMIT = Symbol('rivet:rateLimit');

interface Policy {
  readonly rule: RateLimitRule;
  readonly rate: Rate;
  readonly limit: string;
  readonly policy: string;
  readonly apiKeyHeader: string;
}

const invalid = (where: string, message: string): RivetError => new RivetError('RIVET_RATE_LIMIT_INVALID', `${where}: ${message}`);

function compilePolicy(rule: RateLimitRule, where: string): Policy {
  if (rule === null || typeof rule !== 'object') throw invalid(where, `the options are ${String(rule)}.\n  Fix: e.g. { points: 100, duration: 60 } for 100 requests a minute.`);
  const { points, duration } = rule;
  const burst = rule.burst ?? points;
  if (!Number.isInteger(points) || points < 1) throw invalid(where, `points is ${String(points)}.\n  Fix: a whole number of requests ≥ 1 per duration.`);
  if (typeof duration !== 'number' || !(duration > 0) || !Number.isFinite(duration)) throw invalid(where, `duration is ${String(duration)}.\n  Fix: the window in seconds, e.g. 60.`);
  if (!Number.isInteger(burst) || burst < 1) throw invalid(where, `burst is ${String(burst)}.\n  Fix: a whole number of requests ≥ 1 allowed at once.`);
  const key = rule.key ?? 'ip';
  if (key !== 'ip' && key !== 'apiKey' && key !== 'user' && typeof key !== 'function') throw invalid(where, `key is ${JSON.stringify(key)}.\n  Fix: 'ip', 'apiKey', 'user' or a function (ctx) => string.`);
  return {
    rule,
    rate: { intervalMs: (duration * 1000) / points, burst },
    limit: String(burst),
    policy: `${points};w=${duration}${burst === points ? '' : `;burst=${burst}`}`,
    apiKeyHeader: (rule.apiKeyHeader ?? 'x-api-key').toLowerCase(),
  };
}

/**
 * Limits how often each client may call a route, or every route of a controller (one budget shared by them),
 * replacing the app-wide `rateLimit` there. `@RateLimit(false)` exempts a route from the app-wide limit.
 * Over the limit: 429 problem+json with `Retry-After`.
 * @example @RateLimit({ points: 5, duration: 60 })   // 5 login attempts a minute per address
 */
export function RateLimit(rule: RateLimitRule | false): ClassDecorator & MethodDecorator {
  if (rule !== false) compilePolicy(rule, '@RateLimit');
  return SetMetadata(RATE_LIMIT, rule === false ? false : Object.freeze({ ...rule }));
}

/** Sets the IETF `RateLimit-*` headers and the de-facto `X-RateLimit-*` ones (whose Reset is a Unix time). */
function writeHeaders(res: ServerResponse, p: Policy, d: RateDecision): void {
  const reset = Math.ceil(d.resetMs / 1000);
  const remaining = String(d.remaining);
  res.setHeader('ratelimit-policy', p.policy);
  res.setHeader('ratelimit-limit', p.limit);
  res.setHeader('ratelimit-remaining', remaining);
  res.setHeader('ratelimit-reset', String(reset));
  res.setHeader('x-ratelimit-limit', p.limit);
  res.setHeader('x-ratelimit-remaining', remaining);
  res.setHeader('x-ratelimit-reset', String(Math.ceil(Date.now() / 1000) + reset));
}

function tooMany(p: Policy, d: RateDecision): TooManyRequestsError {
  const wait = Math.max(1, Math.ceil(d.retryAfterMs / 1000));
  return new TooManyRequestsError(`Rate limit exceeded: ${p.rule.points} requests per ${p.rule.duration} s. Retry in ${wait} s.`, { headers: { 'retry-after': String(wait) } });
}

const hashed = (value: string): string => createHash('sha256').update(value).digest('base64url').slice(0, 22);

function principalKey(user: unknown): string | undefined {
  if (typeof user === 'string' || typeof user === 'number') return String(user);
  if (user !== null && typeof user === 'object') {
    const id = (user as { id?: unknown }).id ?? (user as { sub?: unknown }).sub;
    if (typeof id === 'string' || typeof id === 'number') return String(id);
  }
  return undefined;
}

/** Runs one limit after the route's guards, when the key needs what they learned (`'user'` or a function). */
class RateLimitGuard implements CanActivate {
  constructor(private readonly check: (ctx: RequestContext) => Promise<boolean>) {}
  canActivate(ctx: RequestContext): Promise<boolean> {
    return this.check(ctx);
  }
}

/**
 * Rate limiting (GCRA in the store, atomic in Redis): the app-wide `rateLimit` and every `@RateLimit`. Limits
 * keyed by address or API key run before the guards and the body; limits keyed by user run after the guards.
 * Routes without a limit are left untouched.
 */
export function rateLimitPlugin(options: RateLimitOptions | null, app: { store: Store; trustProxy: number; errors: ErrorPolicy }): Plugin {
  const global = options === null ? null : compilePolicy(options, 'rateLimit');
  const store = options?.store ?? app.store;
  const trusted = app.trustProxy;
  // One bucket per declaration: the routes of a controller-level @RateLimit share it. Its name is the first
  // route that uses it, the same in every process that runs the same code.
  const buckets = new Map<object, { bucket: string; policy: Policy }>();

  const policyOf = (d: RouteInfo): { bucket: string; policy: Policy } | null => {
    const own = d.metadata.get(RATE_LIMIT) as RateLimitRule | false | undefined;
    if (own === false) return null;
    if (own === undefined) return global === null ? null : { bucket: 'app', policy: global };
    let entry = buckets.get(own);
    if (entry === undefined) buckets.set(own, (entry = { bucket: `${d.method} ${d.path}`, policy: compilePolicy(own, d.where) }));
    return entry;
  };

  const consume = (key: string, policy: Policy): Promise<RateDecision> => store.consume!(`rl:${key}`, policy.rate);
  const storeDown = (err: unknown): ServiceUnavailableError => new ServiceUnavailableError('The rate limit store is not available.', { cause: err, headers: { 'retry-after': '5' } });
  const ensureStore = (where: string): void => {
    if (typeof store.consume !== 'function') throw new RivetError('RIVET_RATE_LIMIT_STORE_UNSUPPORTED', `${where}: the store given for rate limits has no consume() method.\n  Fix: use MemoryStore or RedisStore, or implement Store.consume (see lib/store/gcra.ts).`);
  };

  const requestKey = (req: IncomingMessage, policy: Policy): string => {
    if (policy.rule.key === 'apiKey') {
      const key = req.headers[policy.apiKeyHeader];
      if (typeof key === 'string' && key !== '') return `key:${hashed(key)}`;
    }
    return `ip:${addressKey(clientIp(req, trusted))}`;
  };

  return {
    name: 'rateLimit',
    wrap(route, handler) {
      const found = policyOf(route);
      if (found === null) return handler;
      ensureStore(route.where);
      const { bucket, policy } = found;
      const key = policy.rule.key ?? 'ip';
      if (key !== 'ip' && key !== 'apiKey') return handler; // runs as a guard, see guards
      return (req, res, values, rawQuery) => {
        consume(`${bucket}:${requestKey(req, policy)}`, policy).then((decision) => {
          writeHeaders(res, policy, decision);
          if (decision.allowed) handler(req, res, values, rawQuery);
          else sendError(req, res, tooMany(policy, decision), app.errors);
        }, (err: unknown) => sendError(req, res, storeDown(err), app.errors));
      };
    },
    guards(route) {
      const found = policyOf(route);
      const key = found?.policy.rule.key;
      if (found === null || key === undefined || key === 'ip' || key === 'apiKey') return [];
      const { bucket, policy } = found;
      const keyOf = key === 'user' ? (ctx: RequestContext) => principalKey(ctx.state.user) : key;
      return [new RateLimitGuard((ctx) => {
        const own = keyOf(ctx);
        const client = own === undefined ? requestKey(ctx.request, policy) : `${key === 'user' ? 'user' : 'fn'}:${hashed(own)}`;
        return consume(`${bucket}:${client}`, policy).then((decision) => {
          writeHeaders(ctx.response, policy, decision);
          if (!decision.allowed) throw tooMany(policy, decision);
          return true;
        }, (err: unknown) => { throw storeDown(err); });
      })];
    },
    // A limited route can answer 429 (with Retry-After and the RateLimit headers).
    document(_operation, route, tools) {
      if (policyOf(route) !== null) tools.errorResponse(429);
    },
  };
}
