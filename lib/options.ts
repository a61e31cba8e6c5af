import type { DependencyContainer } from 'tsyringe';
import type { Provider } from './di/container';
import { RivetError } from './errors/rivet-error';
import { callerDirectory } from './discovery/caller';
import { discoverControllers, type ControllerSource } from './discovery/discover';
import { loadTypesModule } from './discovery/types-module';
import { defineResponseTypes, type ResponseTypeTable } from './openapi/return-types';
import { loadConfig, type ConfigSource } from './config/load';
import type { GuardRef } from './metadata/types';
import { MemoryStore } from './store/memory';
import type { Store } from './store/store';
import type { CorsOptions } from './security/cors';
import type { SecurityHeadersOptions } from './security/headers';
import type { LimitsOptions } from './security/limits';
import { normalizeSecurityOptions, type NormalizedSecurity } from './security/options';
import type { RateLimitOptions } from './security/rate-limit';
import type { SessionOptions } from './security/session';
import { normalizeRuntimeOptions, type NormalizedRuntime, type RuntimeOptions } from './runtime/options';
import { stderrReporter } from './runtime/error-report';
import type { ErrorPolicy } from './errors/problem';
import type { PipelineRef } from './decorators/filters';
import { checkPlugin, type Plugin } from './plugin';
import { normalizeCompression, type CompressionOptions, type NormalizedCompression } from './middleware/compress';
import { normalizeSerializers, type NormalizedSerializers, type SerializersOption } from './middleware/negotiate';
import { normalizeStatic, type NormalizedStatic, type StaticOptions } from './middleware/static';
import { normalizeOpenApiOptions, type DocsOptions, type NormalizedDocs, type NormalizedOpenApi, type OpenApiOptions } from './openapi/options';
import { normalizeUploads, type UploadsOptions } from './realtime/upload';
import { normalizeScale, type NormalizedScale, type ScaleOptions } from './scale';

/** Options of `createApp`. */
export interface AppOptions extends RuntimeOptions, ScaleOptions {
  /**
   * Controller classes to mount, or glob patterns and directories to discover them in (docs/guides/configuration.md),
   * e.g. `'controllers'` or a pattern ending in `*.controller.{ts,js}`. Patterns resolve against `root`.
   */
  controllers: ControllerSource[] | ControllerSource;
  /** The directory controller patterns resolve against. Default: the directory of the file that calls `createApp`. */
  root?: string;
  /**
   * The response types `rivet types` inferred from the handlers' return types (its generated `rivet.meta.ts`,
   * docs/guides/openapi.md). Default: when controllers are discovered by pattern, `rivet.meta` in `root` is loaded
   * if it exists; `false` loads nothing.
   */
  types?: ResponseTypeTable | false;
  /** A config class (see `loadConfig`): loaded from `.env` and the environment, validated, and registered for injection. */
  config?: ConfigSource;
  /** Extra DI registrations: classes (app-wide singletons) or `{ provide, useValue | useClass | useFactory }`. */
  providers?: Provider[];
  /** Guards run before every route's own, in order. */
  guards?: GuardRef[];
  /**
   * Exception filters tried after a route's own (`@UseFilters`), in order, for every error the app answers,
   * including those answered before routing (404, 405) and by the built-in features (429, 413…).
   */
  filters?: PipelineRef[];
  /** Interceptors around every route, outside the controller's and the method's (`@UseInterceptors`), in order. */
  interceptors?: PipelineRef[];
  /** Plugins (`definePlugin`), in order: their request stages run after the built-in features', their `around` outside every interceptor. */
  plugins?: Plugin[];
  /** A tsyringe container to derive the app's container from (default: tsyringe's root container). */
  container?: DependencyContainer;
  /** Adds the message and stack of server errors to problem bodies. Never in production. Default: false. */
  debug?: boolean;
  /** Request limits, on by default: body 1 MiB (413), headers 16 KiB (431), path parameter 1024 and URL 8192 characters (414). */
  limits?: LimitsOptions;
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

  // Security (lib/security): see docs/guides/security.md.
  /** CORS; closed (no CORS headers) unless given. `true` allows any origin without credentials. */
  cors?: CorsOptions | boolean;
  /** The helmet/Hono set of security headers (CSP, HSTS on TLS, nosniff…). Off unless given; the scaffold turns it on. */
  securityHeaders?: SecurityHeadersOptions | boolean;
  /** An app-wide rate limit per client, e.g. `{ points: 100, duration: 60 }`; `@RateLimit` sets one per route. */
  rateLimit?: RateLimitOptions | false;
  /** Server-side sessions behind a signed cookie, at `ctx.session`. */
  session?: SessionOptions | false;
  /** How many reverse proxies stand in front of the app (client address, TLS detection). Default 0: none trusted. */
  trustProxy?: number | false;

  // Production runtime (logger, requestId, timeouts, shutdown, health, metrics): see RuntimeOptions and docs/guides/production.md.

  // Responses (lib/middleware): see docs/guides/responses.md and docs/guides/static-files.md.
  /** gzip, brotli and deflate by `Accept-Encoding`, for bodies of at least `threshold` bytes (default 1024). Off unless given. */
  compression?: CompressionOptions | boolean;
  /** Directories served under URL prefixes, with ETag/Last-Modified/304, ranges and Cache-Control. */
  static?: StaticOptions | StaticOptions[];
  /** Response formats by media type, chosen from `Accept`; JSON is always offered, first. Off (JSON only) unless given. */
  serializers?: SerializersOption;

  // Realtime (lib/realtime): see docs/guides/websockets.md.
  /** WebSocket gateway classes (`@WebSocketGateway`), resolved through DI like controllers and served on upgrade requests. */
  gateways?: Function[];
  /** Multipart uploads (docs/guides/uploads.md): `tempDir`, where `storage: 'disk'` files go (default: the OS temp directory). */
  uploads?: UploadsOptions;
}

/** Options after defaults were applied and values checked. */
export interface NormalizedOptions {
  readonly controllers: readonly Function[];
  readonly providers: readonly Provider[];
  readonly guards: readonly GuardRef[];
  readonly filters: readonly PipelineRef[];
  readonly interceptors: readonly PipelineRef[];
  readonly plugins: readonly Plugin[];
  readonly container: DependencyContainer | undefined;
  readonly debug: boolean;
  /** How errors are answered and reported (debug details; stderr when there is no logger). */
  readonly errors: ErrorPolicy;
  readonly ignoreTrailingSlash: boolean;
  readonly openapi: NormalizedOpenApi | null;
  readonly docs: NormalizedDocs | null;
  readonly store: Store;
  /** Whether the app created `store` (and so closes it). */
  readonly ownsStore: boolean;
  /** Limits, CORS, security headers, rate limits, sessions (lib/security). */
  readonly security: NormalizedSecurity;
  /** Logger, request ids, timeouts, shutdown, health and metrics. */
  readonly runtime: NormalizedRuntime;
  /** Compression, static files and negotiation (lib/middleware); `null`/empty when off. */
  readonly compression: NormalizedCompression | null;
  readonly static: readonly NormalizedStatic[];
  readonly serializers: NormalizedSerializers | null;
  /** WebSocket gateway classes (lib/realtime); empty when none. */
  readonly gateways: readonly Function[];
  /** Where disk-stored uploads go: an absolute directory, or `null` for the OS temp directory. */
  readonly uploads: { readonly tempDir: string | null };
  /** The pub/sub and jobs shared between processes (lib/scale.ts). */
  readonly scale: NormalizedScale;
}

/** Applies defaults and validates `createApp` options once, at start-up. */
export function normalizeOptions(options: AppOptions): NormalizedOptions {
  const sources = options === null || typeof options !== 'object' ? undefined
    : typeof options.controllers === 'string' ? [options.controllers] : options.controllers;
  if (!Array.isArray(sources)) {
    throw new RivetError('RIVET_OPTIONS_INVALID', 'createApp(options) needs { controllers: [...] }.\n  Fix: pass the controller classes, e.g. createApp({ controllers: [UsersController] }), or a pattern such as \'./**/*.controller.{ts,js}\'.');
  }
  sources.forEach((c, i) => {
    if (typeof c !== 'function' && typeof c !== 'string') {
      throw new RivetError('RIVET_OPTIONS_INVALID', `controllers[${i}] is ${String(c)}, not a class or a pattern.\n  Fix: pass controller classes (check the import) or glob patterns.`);
    }
  });
  if (options.root !== undefined && typeof options.root !== 'string') {
    throw new RivetError('RIVET_OPTIONS_INVALID', `root is ${String(options.root)}, not a directory path.\n  Fix: pass a path, e.g. createApp({ root: __dirname, controllers: './**/*.controller.js' }).`);
  }
  // Only discovery needs the caller's directory: a list of classes never walks the stack.
  const controllers = sources.every((c) => typeof c === 'function') ? sources as Function[]
    : discoverControllers(sources, options.root ?? callerDirectory());
  if (options.types !== undefined && options.types !== false) defineResponseTypes(options.types);
  else if (options.types === undefined && controllers !== sources) loadTypesModule(options.root ?? callerDirectory());
  const security = normalizeSecurityOptions(options);
  const { openapi, docs } = normalizeOpenApiOptions(options.openapi, options.docs);
  const runtime = normalizeRuntimeOptions(options);
  return {
    controllers,
    providers: [...(options.providers ?? []), ...configProviders(options.config)],
    guards: options.guards ?? [],
    filters: refsOf(options.filters, 'filters', 'catch'),
    interceptors: refsOf(options.interceptors, 'interceptors', 'intercept'),
    plugins: pluginsOf(options.plugins),
    container: options.container,
    debug: options.debug === true,
    errors: { debug: options.debug === true, report: runtime.logger === null ? stderrReporter() : null, filter: null },
    ignoreTrailingSlash: options.router?.ignoreTrailingSlash ?? true,
    openapi,
    docs,
    store: options.store ?? new MemoryStore(),
    ownsStore: options.store === undefined,
    security,
    runtime,
    compression: normalizeCompression(options.compression),
    static: normalizeStatic(options.static),
    serializers: normalizeSerializers(options.serializers),
    gateways: normalizeGateways(options.gateways),
    uploads: normalizeUploads(options.uploads),
    scale: normalizeScale(options),
  };
}

// The config instance is loaded once, at start-up, and injected by its class like any singleton.
function configProviders(config: ConfigSource | undefined): Provider[] {
  if (config === undefined) return [];
  if (typeof config === 'function') return [{ provide: config, useValue: loadConfig(config) }];
  if (config === null || typeof config !== 'object' || typeof config.class !== 'function') {
    throw new RivetError('RIVET_OPTIONS_INVALID', `config is ${String(config)}, not a config class.\n  Fix: pass the class, e.g. createApp({ config: AppConfig }), or { class: AppConfig, envFile: '.env.test' }.`);
  }
  const { class: configClass, ...where } = config;
  return [{ provide: configClass, useValue: loadConfig(configClass, where) }];
}

function normalizeGateways(gateways: Function[] | undefined): readonly Function[] {
  if (gateways === undefined) return [];
  if (!Array.isArray(gateways) || gateways.some((g) => typeof g !== 'function')) {
    throw new RivetError('RIVET_OPTIONS_INVALID', 'gateways must be an array of @WebSocketGateway classes.\n  Fix: e.g. createApp({ controllers, gateways: [ChatGateway] }) (check the imports).');
  }
  return gateways;
}

/** `filters` / `interceptors`: a list of classes or instances, checked at start-up. */
function refsOf(list: unknown, key: string, method: string): PipelineRef[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new RivetError('RIVET_OPTIONS_INVALID', `${key} is ${String(list)}.\n  Fix: pass a list of classes or instances, e.g. createApp({ ${key}: [MyOne] }).`);
  list.forEach((r, i) => {
    if (typeof r !== 'function' && (typeof r !== 'object' || r === null || typeof (r as Record<string, unknown>)[method] !== 'function')) {
      throw new RivetError('RIVET_OPTIONS_INVALID', `${key}[${i}] is ${String(r)}.\n  Fix: pass a class (resolved through DI) or an instance with a ${method}() method.`);
    }
  });
  return list as PipelineRef[];
}

/** `plugins`: a list of `definePlugin` objects with distinct names, checked at start-up. */
function pluginsOf(list: unknown): Plugin[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new RivetError('RIVET_PLUGIN_INVALID', `plugins is ${String(list)}.\n  Fix: pass a list, e.g. createApp({ plugins: [auditLog()] }).`);
  const names = new Set<string>();
  list.forEach((p, i) => {
    checkPlugin(p, `plugins[${i}]`);
    if (names.has(p.name)) throw new RivetError('RIVET_PLUGIN_INVALID', `plugins[${i}]: a plugin named "${p.name}" is given twice.\n  Fix: give it once, or give each instance its own name.`);
    names.add(p.name);
  });
  return list as Plugin[];
}
