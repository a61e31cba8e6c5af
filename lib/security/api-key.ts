import { createHash, timingSafeEqual } from 'node:crypto';
import { UnauthorizedError } from '../errors/http-error';
import { RivetError } from '../errors/rivet-error';
import type { GuardRouteInfo, GuardSecurity, OpenApiGuard } from '../openapi/decorators';
import type { RequestContext } from '../pipeline/context';
import { isThenable, type CanActivate } from '../pipeline/guards';
import type { Store } from '../store/store';
import { declaredScopes } from './roles';

/** What an API key stands for: it becomes `ctx.state.user`. `scopes` and `roles` are what `RolesGuard` checks. */
export interface ApiKeyPrincipal {
  id?: string;
  scopes?: string[];
  roles?: string[];
  [claim: string]: unknown;
}

/** Looks up API keys. Implementations never keep or compare the raw key: they work on its SHA-256 digest. */
export interface ApiKeyStore {
  /** The principal of `key`, or `undefined` when the key is unknown or revoked. */
  find(key: string): ApiKeyPrincipal | undefined | Promise<ApiKeyPrincipal | undefined>;
}

/** The SHA-256 digest of a key: what stores index by, so that raw keys never sit in memory or in Redis. */
export const apiKeyDigest = (key: string): Buffer => createHash('sha256').update(key, 'utf8').digest();

/**
 * API keys held in process memory, by digest. The lookup compares digests with `timingSafeEqual`, so the time
 * taken says nothing about how much of a key was right.
 * @example new MemoryApiKeyStore({ 'k-123': { id: 'billing-service', scopes: ['invoices:read'] } })
 */
export class MemoryApiKeyStore implements ApiKeyStore {
  readonly #byDigest = new Map<string, { digest: Buffer; principal: ApiKeyPrincipal }>();

  constructor(keys: Record<string, ApiKeyPrincipal> | Iterable<readonly [string, ApiKeyPrincipal]> = {}) {
    const entries = Symbol.iterator in Object(keys) ? (keys as Iterable<readonly [string, ApiKeyPrincipal]>) : Object.entries(keys);
    for (const [key, principal] of entries) this.add(key, principal);
  }

  /** Adds (or replaces) a key. */
  add(key: string, principal: ApiKeyPrincipal = {}): void {
    if (typeof key !== 'string' || key.length === 0) throw new RivetError('RIVET_API_KEY_INVALID', 'An API key must be a non-empty string.\n  Fix: generate keys with require(\'node:crypto\').randomBytes(32).toString(\'base64url\').');
    const digest = apiKeyDigest(key);
    this.#byDigest.set(digest.toString('hex'), { digest, principal: Object.freeze({ ...principal }) as ApiKeyPrincipal });
  }

  /** Removes a key; later requests with it get 401. */
  revoke(key: string): void {
    this.#byDigest.delete(apiKeyDigest(key).toString('hex'));
  }

  find(key: string): ApiKeyPrincipal | undefined {
    const digest = apiKeyDigest(key);
    const hit = this.#byDigest.get(digest.toString('hex'));
    return hit !== undefined && timingSafeEqual(hit.digest, digest) ? hit.principal : undefined;
  }
}

/**
 * API keys in a shared {@link Store}, usually a `RedisStore`, so every process sees keys added or revoked by
 * any of them. Entries live at `<prefix><sha256 hex of the key>` as JSON principals.
 * @example const keys = new RedisApiKeyStore(new RedisStore({ url })); await keys.add('k-123', { id: 'ci' }, 86_400);
 */
export class RedisApiKeyStore implements ApiKeyStore {
  readonly #store: Store;
  readonly #prefix: string;

  constructor(store: Store, options: { prefix?: string } = {}) {
    this.#store = store;
    this.#prefix = options.prefix ?? 'apikey:';
  }

  /** Adds (or replaces) a key, expiring after `ttlSeconds` when given. */
  add(key: string, principal: ApiKeyPrincipal = {}, ttlSeconds?: number): Promise<void> {
    return this.#store.set(this.#keyOf(key), JSON.stringify(principal), ttlSeconds === undefined ? undefined : ttlSeconds * 1000);
  }

  /** Removes a key. */
  revoke(key: string): Promise<void> {
    return this.#store.delete(this.#keyOf(key));
  }

  async find(key: string): Promise<ApiKeyPrincipal | undefined> {
    const raw = await this.#store.get(this.#keyOf(key));
    if (raw === undefined) return undefined;
    try {
      const principal = JSON.parse(raw) as unknown;
      return principal !== null && typeof principal === 'object' ? (principal as ApiKeyPrincipal) : undefined;
    } catch {
      return undefined;
    }
  }

  #keyOf(key: string): string {
    return this.#prefix + apiKeyDigest(key).toString('hex');
  }
}

/** Options of {@link ApiKeyGuard}: where the key is read, and exactly one of `keys`, `store` or `verify`. */
export interface ApiKeyGuardOptions {
  /** The header carrying the key. Default `x-api-key`. */
  header?: string;
  /** A query parameter carrying the key instead (discouraged: URLs end up in logs). */
  query?: string;
  /** Fixed keys: a list (each key's principal is `{ id: 'key-<n>' }`) or key → principal. */
  keys?: readonly string[] | Record<string, ApiKeyPrincipal>;
  /** A key store: `MemoryApiKeyStore`, `RedisApiKeyStore` or your own. */
  store?: ApiKeyStore;
  /** Your own lookup: the principal, or `undefined`/`null` to refuse. */
  verify?: (key: string, ctx: RequestContext) => ApiKeyPrincipal | undefined | null | Promise<ApiKeyPrincipal | undefined | null>;
  /** The name of the scheme in the OpenAPI document. Default `apiKey`. */
  schemeName?: string;
}

/**
 * Authenticates with an API key from a header (default `X-API-Key`) or a query parameter. The key's principal
 * (with its `scopes`) becomes `ctx.state.user`. A missing or unknown key gets a 401 problem.
 * @example @Guard(new ApiKeyGuard({ keys: { [process.env.CI_KEY!]: { id: 'ci', scopes: ['deploy'] } } }))
 */
export class ApiKeyGuard implements CanActivate, OpenApiGuard {
  readonly #header: string | null;
  readonly #query: string | null;
  readonly #lookup: (key: string, ctx: RequestContext) => ApiKeyPrincipal | undefined | null | Promise<ApiKeyPrincipal | undefined | null>;
  readonly #challenge: string;
  readonly #where: string;
  readonly #security: GuardSecurity;

  constructor(options: ApiKeyGuardOptions) {
    const given = (['keys', 'store', 'verify'] as const).filter((k) => options?.[k] !== undefined);
    if (given.length !== 1) {
      throw new RivetError('RIVET_API_KEY_INVALID', `ApiKeyGuard needs exactly one of keys, store or verify; got ${given.length === 0 ? 'none' : given.join(' and ')}.\n  Fix: e.g. new ApiKeyGuard({ keys: [process.env.API_KEY!] }).`);
    }
    if (options.keys !== undefined) {
      const store = Array.isArray(options.keys)
        ? new MemoryApiKeyStore((options.keys as readonly string[]).map((k, i) => [k, { id: `key-${i + 1}` }] as const))
        : new MemoryApiKeyStore(options.keys as Record<string, ApiKeyPrincipal>);
      this.#lookup = (key) => store.find(key);
    } else if (options.store !== undefined) {
      const store = options.store;
      if (typeof store.find !== 'function') throw new RivetError('RIVET_API_KEY_INVALID', 'ApiKeyGuard store has no find(key) method.\n  Fix: pass a MemoryApiKeyStore, a RedisApiKeyStore, or an object implementing ApiKeyStore.');
      this.#lookup = (key) => store.find(key);
    } else {
      if (typeof options.verify !== 'function') throw new RivetError('RIVET_API_KEY_INVALID', 'ApiKeyGuard verify is not a function.\n  Fix: verify: (key, ctx) => principal | undefined.');
      this.#lookup = options.verify;
    }
    this.#query = options.query ?? null;
    this.#header = options.query !== undefined && options.header === undefined ? null : (options.header ?? 'x-api-key').toLowerCase();
    const name = this.#header ?? this.#query!;
    this.#where = this.#header !== null ? `the ${options.header ?? 'X-API-Key'} header` : `the "${name}" query parameter`;
    this.#challenge = `ApiKey ${this.#header !== null ? 'header' : 'query'}="${name}"`;
    this.#security = {
      name: options.schemeName ?? 'apiKey',
      scheme: this.#header !== null ? { type: 'apiKey', in: 'header', name: options.header ?? 'X-API-Key' } : { type: 'apiKey', in: 'query', name },
    };
  }

  canActivate(ctx: RequestContext): boolean | Promise<boolean> {
    const key = this.extractKey(ctx);
    if (key === undefined || key === '') throw new UnauthorizedError(`An API key is required in ${this.#where}.`, { headers: { 'www-authenticate': this.#challenge } });
    const found = this.#lookup(key, ctx);
    if (!isThenable(found)) return this.#accept(ctx, found as ApiKeyPrincipal | undefined | null);
    return (found as Promise<ApiKeyPrincipal | undefined | null>).then((principal) => this.#accept(ctx, principal));
  }

  /** The key sent with a request, or `undefined`. Override to read it from elsewhere. */
  protected extractKey(ctx: RequestContext): string | undefined {
    if (this.#header !== null) {
      const value = ctx.request.headers[this.#header];
      if (typeof value === 'string') return value.trim();
    }
    if (this.#query !== null) {
      const value = ctx.query[this.#query];
      if (typeof value === 'string') return value;
    }
    return undefined;
  }

  /** What the guard declares in OpenAPI; a subclass may return a list, or `null` to document nothing. */
  securityScheme(route: GuardRouteInfo): GuardSecurity | readonly GuardSecurity[] | null {
    return { ...this.#security, scopes: declaredScopes(route.metadata) };
  }

  #accept(ctx: RequestContext, principal: ApiKeyPrincipal | undefined | null): true {
    if (principal === undefined || principal === null) throw new UnauthorizedError('The API key is not valid.', { headers: { 'www-authenticate': this.#challenge } });
    ctx.state.user = principal;
    return true;
  }
}
