import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { SetMetadata } from '../decorators/meta';
import { RivetError } from '../errors/rivet-error';
import type { RequestContext, RouteInfo } from '../pipeline/context';
import type { RouteOutput } from '../pipeline/plugin';
import { parseTemplate } from '../router/path';
import type { Interceptor } from '../pipeline/interceptors';
import { isThenable } from '../pipeline/guards';
import type { Send, Writer } from '../pipeline/write';
import type { Store } from '../store/store';
import { paramGenKey, type CacheState } from './cache-service';
import { isNotModified } from './conditional';
import { NotAcceptableError } from './errors';
import type { NormalizedSerializers } from './negotiate';
import { legacyDecorator } from '../metadata/legacy';

/** Route metadata recorded by `@Cache`. */
export const CACHE: unique symbol = Symbol('rivet.cache');

/** Options of {@link Cache}. */
export interface CacheOptions {
  /** Seconds an entry lives; also the `max-age` sent to clients. */
  ttl: number;
  /**
   * The variant part of the key, replacing the default (path parameters + query string). Return `null` to skip
   * the cache for this request. The route itself is always part of the key.
   */
  key?: (ctx: RequestContext) => string | null;
  /** Keys entries by the principal in `ctx.state.user` as well, and sends `Cache-Control: private` (default false). */
  perUser?: boolean;
  /** The Cache-Control of cached responses; default `public, max-age=<ttl>` (`private, …` with `perUser`); `false` sends none. */
  cacheControl?: string | false;
}

/**
 * Caches the responses of a GET route in the app's `store` (memory, or Redis to share between processes): the first
 * request runs the handler, later ones within `ttl` seconds are answered from the store, with `ETag` (a 304 for a
 * matching `If-None-Match`), `Cache-Control` and `Age`. Guards run before the cache, on hits too. Invalidate with
 * the injectable `CacheService`.
 * @example @Get('/:id') @Cache({ ttl: 60 }) get(@Param('id') id: number) { ... }
 */
export function Cache(options: CacheOptions): ClassDecorator & MethodDecorator {
  const o = options as CacheOptions | undefined;
  const valid = o !== null && typeof o === 'object' && typeof o.ttl === 'number' && Number.isFinite(o.ttl) && o.ttl > 0
    && (o.key === undefined || typeof o.key === 'function') && (o.perUser === undefined || typeof o.perUser === 'boolean')
    && (o.cacheControl === undefined || o.cacheControl === false || typeof o.cacheControl === 'string');
  if (!valid) {
    throw new RivetError('RIVET_CACHE_INVALID', `@Cache(${safeJson(options)}) is not valid.\n  Fix: pass { ttl: <seconds, > 0> } and optionally key: (ctx) => string | null, perUser: boolean, cacheControl: string | false.`);
  }
  // On a class it applies to the GET routes of the controller only; on a method, anywhere else is a mistake.
  return legacyDecorator('@Cache', (target: object, name?: string | symbol, descriptor?: PropertyDescriptor) => {
    const recorded: RecordedCache = { ...options, onClass: name === undefined };
    (SetMetadata(CACHE, recorded) as (t: object, n?: string | symbol, d?: PropertyDescriptor) => void)(target, name, descriptor);
  }) as ClassDecorator & MethodDecorator;
}

/** What `@Cache` records: its options, and whether it sits on the class. */
export interface RecordedCache extends CacheOptions {
  readonly onClass: boolean;
}

/** A stored response. Short keys: it is serialized into the store for every entry. */
interface Entry {
  /** Generation it was stored under. */
  g: string;
  s: number;
  t: string;
  /** Headers the handler (or @ResponseHeader) set. */
  h: [string, string | string[]][];
  e: string;
  /** The Cache-Control sent with it (the route's own, else the option's); absent for none. */
  c?: string;
  /** Stored at, epoch ms. */
  at: number;
  /** Text body, or base64 bytes in `b64`. */
  b?: string;
  b64?: string;
}

/** What the route's method resolves with on a hit; the route's writer replays it. */
class CacheHit {
  constructor(readonly entry: Entry) {}
}

/**
 * What the route's method resolves with on a miss: the handler's result, and how to store it. `settle` hands the
 * stored entry (or `null`: nothing stored) to the requests that waited for this fill; calling it again does nothing.
 */
class CacheFill {
  constructor(readonly key: string, readonly gen: string | null, readonly before: ReadonlySet<string>, readonly value: unknown, readonly settle: (entry: Entry | null) => void) {}
}

/** The response headers a cached route sets, for its OpenAPI operation. */
export const CACHE_HEADERS = {
  ETag: { description: 'A weak validator of the cached body; send it back in If-None-Match for a 304.', schema: { type: 'string' } },
  'Cache-Control': { description: 'How long clients may reuse the response (the route\'s cache ttl).', schema: { type: 'string' } },
};

// Set by the request and the app, or meaningless to replay.
const NOT_REPLAYED = new Set(['content-type', 'content-length', 'content-encoding', 'transfer-encoding', 'connection', 'keep-alive', 'etag', 'cache-control', 'age', 'date', 'set-cookie']);

/** What the cache of one route needs from the app. */
export interface CacheDeps {
  readonly store: Store;
  readonly state: CacheState;
  readonly serializers: NormalizedSerializers | null;
  readonly send: Send;
}

/**
 * The output of one `@Cache` route: the route's outermost interceptor looks the request up (a hit answers without
 * the handler), a tap on its writer stores what a miss sends, and its writer replays hits. `null` when a
 * controller-level `@Cache` does not apply to the route (not a GET, or it takes `@Res()`).
 */
export function cacheOutput(d: RouteInfo, options: RecordedCache, output: RouteOutput, deps: CacheDeps): RouteOutput | null {
  const writer = output.writer;
  if (options.onClass && (d.method !== 'GET' || writer.ownsResponse)) return null;
  if (d.method !== 'GET') {
    throw new RivetError('RIVET_CACHE_UNSUPPORTED', `${d.where} is a ${d.method} route with @Cache; only GET (and its HEAD) responses are cached.\n  Fix: remove @Cache, and invalidate with CacheService from the handlers that change data.`);
  }
  if (writer.ownsResponse) {
    throw new RivetError('RIVET_CACHE_UNSUPPORTED', `${d.where} takes @Res() and has @Cache: Rivet cannot see what a handler writes itself.\n  Fix: return the value instead of writing to the response, or remove @Cache.`);
  }
  const id = `${d.method} ${d.path}`;
  const genKey = `cache-gen:${id}`;
  const ttlMs = Math.ceil(options.ttl * 1000);
  const segments = parseTemplate(d.path, d.where);
  deps.state.routes.push({ path: d.path, segments, controller: d.controller, genKey, ttlMs });
  const { store, serializers } = deps;
  // Entries are dated on the store's clock when it has one (an injected test clock), so they age as they expire.
  const now = store.now?.bind(store) ?? Date.now;
  const negotiated = serializers !== null && serializers.mediaTypes.length > 1 ? serializers : null;
  const cacheControl = options.cacheControl === false ? null : (options.cacheControl ?? `${options.perUser === true ? 'private' : 'public'}, max-age=${Math.floor(options.ttl)}`);
  const names = segments.flatMap((s) => (s.kind === 'static' ? [] : [s.name]));

  const keyFor = (ctx: RequestContext): string | null => {
    let variant: string | null;
    if (options.key !== undefined) variant = options.key(ctx);
    else {
      let v = '';
      for (const n of names) v += `${encodeURIComponent(ctx.params[n])}/`;
      // Pairs sorted, so ?a=1&b=2 and ?b=2&a=1 share an entry.
      variant = `${v}?${rawQueryOf(ctx.request.url).split('&').filter((p) => p !== '').sort().join('&')}`;
    }
    if (variant === null) return null;
    if (options.perUser === true) variant += `|user:${principal(ctx.state.user)}`;
    if (negotiated !== null) {
      // The format is part of the representation: decided here, before the handler runs, so a 406 costs nothing.
      const i = negotiated.choose(ctx.request.headers.accept);
      if (i === -1) throw new NotAcceptableError(`None of the available formats (${negotiated.mediaTypes.join(', ')}) matches Accept: ${ctx.request.headers.accept ?? ''}`);
      variant += `|type:${i}`;
    }
    return `cache:${id}:${createHash('sha1').update(variant).digest('base64url')}`;
  };

  const lookup = async (key: string, ctx: RequestContext): Promise<CacheHit | { gen: string | null }> => {
    const paramKey = names.length === 0 ? null : paramGenKey(genKey, names.map((n) => ctx.params[n]));
    try {
      const [routeGen, paramGen, raw] = await Promise.all([store.get(genKey), paramKey === null ? undefined : store.get(paramKey), store.get(key)]);
      const gen = `${routeGen ?? ''}.${paramGen ?? ''}`;
      if (raw !== undefined) {
        const entry = parseEntry(raw);
        if (entry !== null && entry.g === gen) return new CacheHit(entry);
      }
      return { gen };
    } catch (err) {
      // The cache is an optimization: when the store fails, the handler answers (and nothing is stored).
      warnOnce(err);
      return { gen: null };
    }
  };

  // Misses being filled in this process, by key: a request that misses while the same entry is being made waits
  // for it instead of running the handler again (no stampede on a cold or just-invalidated key).
  const filling = new Map<string, Promise<Entry | null>>();

  const fill = (next: () => unknown, ctx: RequestContext, key: string, gen: string | null): unknown => {
    let resolve: ((entry: Entry | null) => void) | null = null;
    let pending: Promise<Entry | null> | null = null;
    if (gen !== null) {
      pending = new Promise<Entry | null>((r) => { resolve = r; });
      filling.set(key, pending);
    }
    const settle = (entry: Entry | null): void => {
      if (resolve === null) return;
      if (filling.get(key) === pending) filling.delete(key);
      resolve(entry);
      resolve = null;
    };
    // Headers set before the handler (request ids, CORS, security headers) belong to this request, not the entry.
    const before = new Set(ctx.response.getHeaderNames());
    let value: unknown;
    try {
      value = next();
    } catch (err) {
      settle(null);
      throw err;
    }
    if (!isThenable(value)) return new CacheFill(key, gen, before, value, settle);
    return value.then((v) => new CacheFill(key, gen, before, v, settle), (err: unknown) => {
      settle(null);
      throw err;
    });
  };

  // The cache is the route's outermost interceptor: a hit answers without the handler (or the route's own
  // interceptors), a miss stores what they made together.
  const cached: Interceptor = {
    intercept(ctx, next) {
      const key = keyFor(ctx);
      if (key === null) return next();
      return lookup(key, ctx).then((found) => {
        if (found instanceof CacheHit) return found;
        const pending = filling.get(key);
        if (pending === undefined) return fill(next, ctx, key, found.gen);
        // Nothing stored (the handler failed, or its answer may not be shared): this request runs the handler itself.
        return pending.then((entry) => (entry !== null ? new CacheHit(entry) : fill(next, ctx, key, found.gen)));
      });
    },
  };

  // The fill being written: set and cleared around a synchronous call of `inner`, which runs the tap in-line.
  let current: CacheFill | null = null;
  const tap = (res: ServerResponse, status: number, type: string, body: string | Uint8Array): boolean => {
    const fill = current;
    if (fill === null) return false;
    if (!res.hasHeader('etag')) res.setHeader('etag', weakTag(type, body));
    if (cacheControl !== null && !res.hasHeader('cache-control')) res.setHeader('cache-control', cacheControl);
    const etag = String(res.getHeader('etag'));
    if (fill.gen !== null && storable(res, options.perUser === true)) {
      const headers: Entry['h'] = [];
      for (const name of res.getHeaderNames()) {
        if (fill.before.has(name) || NOT_REPLAYED.has(name)) continue;
        const v = res.getHeader(name);
        if (v !== undefined) headers.push([name, Array.isArray(v) ? v : String(v)]);
      }
      const entry: Entry = { g: fill.gen, s: status, t: type, h: headers, e: etag, at: now() };
      const cc = res.getHeader('cache-control');
      if (cc !== undefined) entry.c = String(cc);
      if (typeof body === 'string') entry.b = body;
      else entry.b64 = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('base64');
      store.set(fill.key, JSON.stringify(entry), ttlMs).catch(warnOnce);
      fill.settle(entry);
    }
    if (isNotModified(res.req.headers, etag, null)) {
      res.writeHead(304);
      res.end();
      return true;
    }
    return false;
  };

  const replay = (res: ServerResponse, entry: Entry): void => {
    if (res.headersSent || res.writableEnded) return;
    for (const [name, value] of entry.h) res.setHeader(name, value);
    res.setHeader('etag', entry.e);
    if (entry.c !== undefined) res.setHeader('cache-control', entry.c);
    // RFC 9111 §5.1: how long the response has been stored, so that max-age counts down from when it was made.
    res.setHeader('age', String(Math.max(0, Math.floor((now() - entry.at) / 1000))));
    if (isNotModified(res.req.headers, entry.e, null)) {
      res.writeHead(304);
      res.end();
      return;
    }
    deps.send(res, entry.s, entry.t, entry.b ?? Buffer.from(entry.b64 ?? '', 'base64'));
  };

  const cachedWriter = (inner: Writer): Writer => (res, result) => {
    if (result instanceof CacheHit) return replay(res, result.entry);
    if (!(result instanceof CacheFill)) return inner(res, result);
    current = result;
    try {
      inner(res, result.value);
    } finally {
      current = null;
      // Not stored (a stream, a 204, a response that must not be shared, a failed write): the waiters run their own.
      result.settle(null);
    }
  };
  return { writer: { ...writer, tap }, wrapWriter: (w) => cachedWriter(output.wrapWriter(w)), interceptors: [cached, ...output.interceptors] };
}

/** A response that must not be shared: it sets a cookie, or its own Cache-Control forbids storing (or sharing) it. */
function storable(res: ServerResponse, perUser: boolean): boolean {
  if (res.hasHeader('set-cookie')) return false;
  const cc = String(res.getHeader('cache-control') ?? '').toLowerCase();
  return !cc.includes('no-store') && (perUser || !cc.includes('private'));
}

function parseEntry(raw: string): Entry | null {
  try {
    const e = JSON.parse(raw) as Entry;
    return typeof e === 'object' && e !== null && typeof e.g === 'string' && typeof e.s === 'number' && typeof e.t === 'string' && Array.isArray(e.h) && typeof e.e === 'string' ? e : null;
  } catch {
    return null;
  }
}

/** A weak validator: the same bytes in the same type give the same tag, in every process. */
function weakTag(type: string, body: string | Uint8Array): string {
  return `W/"${createHash('sha1').update(type).update('\0').update(body).digest('base64url')}"`;
}

/** The identity of a principal for a per-user key: its id-like field, else its JSON. */
function principal(user: unknown): string {
  if (user === undefined || user === null) return '-';
  if (typeof user !== 'object') return String(user);
  const u = user as Record<string, unknown>;
  for (const k of ['id', 'sub', 'username', 'email']) if (typeof u[k] === 'string' || typeof u[k] === 'number') return `${k}=${String(u[k])}`;
  return createHash('sha1').update(safeJson(user)).digest('base64url');
}

function rawQueryOf(url: string | undefined): string {
  const q = url === undefined ? -1 : url.indexOf('?');
  return q === -1 ? '' : (url as string).slice(q + 1);
}

let warned = false;
function warnOnce(err: unknown): void {
  if (warned) return;
  warned = true;
  process.emitWarning(`Rivet @Cache: the store failed (${err instanceof Error ? err.message : String(err)}); requests are answered by their handlers until it recovers.`, 'RivetCacheWarning');
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
