import type { DependencyContainer } from 'tsyringe';
import type { Provider } from './di/container';
import { RivetError } from './errors/rivet-error';
import type { GuardRef } from './metadata/types';
import { MemoryStore } from './store/memory';
import type { Store } from './store/store';
import { normalizeOpenApiOptions, type DocsOptions, type NormalizedDocs, type NormalizedOpenApi, type OpenApiOptions } from './openapi/options';

/** Options of `createApp`. */
export interface AppOptions {
  /** Controller classes to mount. */
  controllers: Function[];
  /** Extra DI registrations: classes (app-wide singletons) or `{ provide, useValue | useClass | useFactory }`. */
  providers?: Provider[];
  /** Guards run before every route's own, in order. */
  guards?: GuardRef[];
  /** A tsyringe container to derive the app's container from (default: tsyringe's root container). */
  container?: DependencyContainer;
  /** Adds the message and stack of server errors to problem bodies. Never in production. Default: false. */
  debug?: boolean;
  /** Request limits. */
  limits?: { /** Largest accepted body in bytes (default 1 MiB). */ body?: number };
  /** Router behaviour. */
  router?: { /** Whether `/users/` matches `/users` (default true). `false` makes them distinct (404). */ ignoreTrailingSlash?: boolean };
  /** Serves the OpenAPI 3.1 document (at `/openapi.json`) with its info fields. Off unless given. */
  openapi?: OpenApiOptions | boolean;
  /** Swagger UI (`/docs`) and ReDoc (`/redoc`); on by default when `openapi` is on. */
  docs?: DocsOptions | boolean;
  /**
   * Shared state for rate limits, sessions, cache and API keys, unless a feature is given its own store.
   * Default: a `MemoryStore` owned (and closed) by the app; pass a `RedisStore` to share state between processes.
   */
  store?: Store;
}

/** Options after defaults were applied and values checked. */
export interface NormalizedOptions {
  readonly controllers: readonly Function[];
  readonly providers: readonly Provider[];
  readonly guards: readonly GuardRef[];
  readonly container: DependencyContainer | undefined;
  readonly debug: boolean;
  readonly bodyLimit: number;
  readonly ignoreTrailingSlash: boolean;
  readonly openapi: NormalizedOpenApi | null;
  readonly docs: NormalizedDocs | null;
  readonly store: Store;
  /** Whether the app created `store` (and so closes it). */
  readonly ownsStore: boolean;
}

const MiB = 1024 * 1024;

/** Applies defaults and validates `createApp` options once, at start-up. */
export function normalizeOptions(options: AppOptions): NormalizedOptions {
  if (options === null || typeof options !== 'object' || !Array.isArray(options.controllers)) {
    throw new RivetError('RIVET_OPTIONS_INVALID', 'createApp(options) needs { controllers: [...] }.\n  Fix: pass the controller classes, e.g. createApp({ controllers: [UsersController] }).');
  }
  options.controllers.forEach((c, i) => {
    if (typeof c !== 'function') {
      throw new RivetError('RIVET_OPTIONS_INVALID', `controllers[${i}] is ${String(c)}, not a class.\n  Fix: pass controller classes (check the import).`);
    }
  });
  const bodyLimit = options.limits?.body ?? MiB;
  if (!Number.isInteger(bodyLimit) || bodyLimit < 0) {
    throw new RivetError('RIVET_OPTIONS_INVALID', `limits.body is ${String(bodyLimit)}.\n  Fix: give a whole number of bytes, e.g. 1048576.`);
  }
  const { openapi, docs } = normalizeOpenApiOptions(options.openapi, options.docs);
  return {
    controllers: options.controllers,
    providers: options.providers ?? [],
    guards: options.guards ?? [],
    container: options.container,
    debug: options.debug === true,
    bodyLimit,
    ignoreTrailingSlash: options.router?.ignoreTrailingSlash ?? true,
    openapi,
    docs,
    store: options.store ?? new MemoryStore(),
    ownsStore: options.store === undefined,
  };
}
