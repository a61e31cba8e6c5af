import type { Server } from 'node:http';
import type { DependencyContainer } from 'tsyringe';
import { createAppContainer, prepareGraph, resolveAtBoot } from './di/container';
import { RivetError, throwCollected } from './errors/rivet-error';
import { close, createHttpServer, listen, type BoundAddress, type ListenOptions } from './http/server';
import { inject, type InjectContract, type InjectRequest, type InjectResponse } from './http/inject';
import { contractAsserter } from './openapi/contract';
import { watchContract } from './openapi/contract-watch';
import type { BodyOptions } from './http/body';
import { compileMultipart } from './realtime/upload';
import type { GuardRef } from './metadata/types';
import { buildRouteHandler, type RouteParts } from './pipeline/build';
import { withFilters, type CompiledFilter, type ExceptionFilter } from './pipeline/filters';
import type { Interceptor } from './pipeline/interceptors';
import { caughtBy, FILTERS, INTERCEPTORS, type PipelineRef } from './decorators/filters';
import type { ErrorPolicy } from './errors/problem';
import type { Plugin } from './plugin';
import type { RouteInfo } from './pipeline/context';
import type { CompiledRoute } from './pipeline/compiled-route';
import { compileDispatchHooks, outputOf, wrapRoute, wrapServed, type DocumentTools, type PluginApp, type PluginRoute } from './pipeline/plugin';
import { builtInPlugins } from './features';
import { bodyLimitsOf } from './security/limits';
import { RequestContext } from './pipeline/context';
import { compileParam } from './pipeline/extract';
import { compileGuardChain, type CanActivate } from './pipeline/guards';
import { compileWriter } from './pipeline/write';
import { compileTable, describeRoutes, type RouteDescriptor } from './router/compile';
import { createDispatcher, type Dispatch } from './router/dispatch';
import { parseTemplate } from './router/path';
import type { RouteHandler } from './router/methods';
import { buildDocument, withListeningServer } from './openapi/document';
import { Logger } from './runtime/logger';
import { compileResponseSerializer, warmSerializer, type JsonSerializer } from './openapi/serializer';
import { inferredResponseOf } from './openapi/return-types';
import { declaresVoid } from './openapi/void-status';
import { developmentNotices, warnUndecoratedFields } from './runtime/dev-notices';
import { builtInSummaries } from './banner';
import { normalizeOpenApiOptions } from './openapi/options';
import type { OpenApiDocument } from './openapi/types';
import { normalizeOptions, type AppOptions } from './options';

/** One row of `app.routes()`. */
export interface RouteSummary {
  method: string;
  path: string;
  controller: string;
  handler: string;
  guards: string[];
  /** Served by Rivet or a plugin, not a controller: `controller` is `'rivet'`, `handler` the feature (`docs`, `openapi`, `health`, `metrics`). */
  builtIn?: true;
}

/** A compiled Rivet application. */
export interface App {
  /** The node:http server (created, not listening until `listen`). */
  readonly server: Server;
  /** The app's DI container, a child of the one given in options. */
  readonly container: DependencyContainer;
  /** The request listener, for mounting into a server of your own. */
  readonly handle: Dispatch;
  /** Listens; resolves with the bound address (`port: 0` picks a free port). */
  listen(options?: ListenOptions): Promise<BoundAddress>;
  /** Stops accepting connections and resolves once in-flight requests are done. */
  close(): Promise<void>;
  /** Runs a request in-process, without a socket. */
  inject(request: InjectRequest | string): Promise<InjectResponse>;
  /** The compiled route table. */
  routes(): RouteSummary[];
  /**
   * The OpenAPI 3.1 document of the compiled routes (deeply frozen). Built at start-up when `openapi` is on,
   * else on the first call, with default info.
   */
  openapi(): OpenApiDocument;
}

/**
 * Compiles an application: reads all controller metadata, checks DI, builds one handler per route and the
 * dispatch table. Every developer mistake is thrown here as a RivetError, never at the first request.
 * @example const app = createApp({ controllers: [UsersController] }); await app.listen({ port: 3000 });
 */
export function createApp(options: AppOptions): App {
  const started = performance.now();
  const opts = normalizeOptions(options);
  const container = createAppContainer(opts.container, opts.providers);
  const descriptors = describeRoutes(opts.controllers);
  // App filters answer errors of the plugins and of routing too; they are resolved below, after the DI check, and
  // read through this holder. An app without filters keeps the plain policy.
  let appFilter: ErrorPolicy['filter'] = null;
  const appErrors: ErrorPolicy = opts.filters.length === 0 ? opts.errors
    : { ...opts.errors, filter: (req, res, err, ctx) => appFilter !== null && appFilter(req, res, err, ctx) };
  // Plugins first: the built-in ones register what user classes may inject (the logger, the metrics registry) before
  // the DI check. The user's plugins run after the built-in ones, on the same contract.
  const plugins: readonly Plugin[] = [...builtInPlugins({ ...opts, errors: appErrors }, container), ...opts.plugins];

  // DI graph first, for every controller and guard class, so that all unresolvable dependencies show at once.
  const errors: RivetError[] = [];
  const seen = new Set<Function>();
  const guardClasses = new Set<Function>();
  for (const g of [...opts.guards, ...descriptors.flatMap((d) => d.guards)]) if (typeof g === 'function') guardClasses.add(g);
  // Filter and interceptor classes are resolved through DI like guards.
  for (const r of [...opts.filters, ...opts.interceptors, ...descriptors.flatMap((d) => [...filterRefs(d, []), ...interceptorRefs(d, [])])]) if (typeof r === 'function') guardClasses.add(r);
  for (const ctor of opts.controllers) {
    const requestScoped = descriptors.find((d) => d.controller === ctor)?.controllerMeta.options.scope === 'request';
    if (!requestScoped && !container.isRegistered(ctor as never, true)) container.registerSingleton(ctor as new () => unknown);
    prepareGraph(container, ctor, requestScoped, errors, requestScoped ? new Set() : seen);
  }
  for (const g of guardClasses) {
    if (!container.isRegistered(g as never, true)) container.registerSingleton(g as new () => unknown);
    prepareGraph(container, g, false, errors, seen);
  }
  throwCollected(errors);

  const pipelineInstances = new Map<PipelineRef, object>();
  const instanceOfRef = <T>(ref: PipelineRef, where: string, kind: 'Filter' | 'Interceptor', method: string): T => {
    let instance = pipelineInstances.get(ref);
    if (instance === undefined) {
      instance = (typeof ref === 'function' ? resolveAtBoot(container, ref as new () => unknown, kind) : ref) as object;
      if (typeof (instance as Record<string, unknown>)?.[method] !== 'function') {
        const name = typeof ref === 'function' ? ref.name : String((ref as object).constructor?.name ?? 'object');
        throw new RivetError(kind === 'Filter' ? 'RIVET_FILTER_INVALID' : 'RIVET_INTERCEPTOR_INVALID', `${where}: ${kind.toLowerCase()} ${name} has no ${method}() method.\n  Fix: implement ${kind === 'Filter' ? 'ExceptionFilter: catch(error, ctx) { return { status, body } or undefined; }' : 'Interceptor: intercept(ctx, next) { return next(); }'}`);
      }
      pipelineInstances.set(ref, instance);
    }
    return instance as T;
  };
  const filterOf = (ref: PipelineRef, where: string): CompiledFilter => {
    const instance = instanceOfRef<ExceptionFilter>(ref, where, 'Filter', 'catch');
    return { instance, types: caughtBy(typeof ref === 'function' ? ref : (ref as object).constructor) ?? [] };
  };
  appFilter = withFilters(opts.errors, opts.filters.map((f) => filterOf(f, 'createApp({ filters })'))).filter;

  const guardInstances = new Map<GuardRef, CanActivate>();
  const guardOf = (g: GuardRef, where: string): CanActivate => {
    let instance = guardInstances.get(g);
    if (instance === undefined) {
      instance = (typeof g === 'function' ? resolveAtBoot(container, g as new () => unknown, 'Guard') : g) as CanActivate;
      if (typeof instance?.canActivate !== 'function') {
        throw new RivetError('RIVET_GUARD_INVALID', `${where}: guard ${typeof g === 'function' ? g.name : String(g.constructor?.name ?? 'object')} has no canActivate(ctx) method.\n  Fix: implement CanActivate: canActivate(ctx) { return true | false | Promise<boolean>; }`);
      }
      guardInstances.set(g, instance);
    }
    return instance;
  };

  const instances = new Map<Function, object>();
  const compiledRoutes: CompiledRoute[] = [];
  const serializers: (JsonSerializer | null)[] = [];
  const routes = descriptors.map((d) => ({ descriptor: d, handler: buildHandler(d) }));
  // The document comes from the compiled table, once: at start-up when `openapi` is on (so its mistakes show there),
  // else on the first call, with default info.
  let document: OpenApiDocument | null = null;
  const openapi = (): OpenApiDocument => (document ??= buildDocument(compiledRoutes, opts.openapi ?? normalizeOpenApiOptions(true, false).openapi!));
  if (opts.openapi !== null) openapi();
  // Routes the plugins serve themselves (the OpenAPI pages, health, metrics, static files) join the table but not the
  // document, wrapped by the plugins that label them.
  const extra = plugins.flatMap((p) => pluginRoutes(p, { openapi })).map((r) => ({ descriptor: r.descriptor, handler: wrapServed(plugins, r.descriptor, r.handler) }));
  const tree = compileTable([...routes, ...extra], { ignoreTrailingSlash: opts.ignoreTrailingSlash });
  const dispatch = createDispatcher(tree, appErrors, compileDispatchHooks(plugins));
  if (opts.runtime.logger !== null) {
    container.resolve<Logger>(Logger).debug({ routes: compiledRoutes.length, ms: Math.round((performance.now() - started) * 10) / 10 }, 'routes compiled');
  }
  if (developmentNotices(opts.runtime.logger)) warnUndecoratedFields(compiledRoutes, opts.runtime.logger === null ? null : container.resolve<Logger>(Logger));
  // rivet dev --contract (RIVETJS_CONTRACT=1): each answer is checked against the document; a mismatch is logged, never sent.
  const warnContract = (message: string): void => { if (opts.runtime.logger === null) process.emitWarning(message, 'RivetContract'); else container.resolve<Logger>(Logger).warn(message); };
  const server = createHttpServer(process.env.RIVETJS_CONTRACT === '1' ? watchContract(dispatch, () => app.openapi(), warnContract) : dispatch, Object.assign({}, ...plugins.map((p) => p.serverOptions ?? {})));

  function buildHandler(d: RouteDescriptor): RouteHandler {
    const requestScoped = d.controllerMeta.options.scope === 'request';
    let instance: object | ((ctx: RequestContext) => object);
    if (requestScoped) {
      const ctor = d.controller as new () => object;
      instance = (ctx: RequestContext) => {
        const child = container.createChildContainer();
        child.register(RequestContext, { useValue: ctx });
        return child.resolve(ctor);
      };
    } else {
      let existing = instances.get(d.controller);
      if (existing === undefined) instances.set(d.controller, (existing = resolveAtBoot(container, d.controller as new () => object, 'Controller')));
      instance = existing;
    }
    const compiled = d.params.map(({ meta, designType }) => compileParam(meta, designType, d.where));
    const extractors: ((ctx: RequestContext) => unknown)[] = [];
    compiled.forEach((c, i) => { extractors[d.params[i].meta.index] = c.extract; });
    const readsBody = compiled.some((c) => c.readsBody);
    const info: RouteInfo = { method: d.method, path: d.path, controller: d.controller, handler: d.handlerName, where: d.where, options: d.options, metadata: d.metadata };
    // The plugins (built-in and the user's) whose route stages apply to this route, decided once here.
    const applying = plugins.filter((p) => (p.appliesTo === undefined ? true : p.appliesTo(info)));
    const guards = [...opts.guards, ...d.guards.filter((g) => !opts.guards.includes(g))].map((g) => guardOf(g, d.where));
    for (const p of applying) if (p.guards !== undefined) guards.push(...p.guards(info));
    // Start-up checks the plugins make of each route (e.g. @Roles without a RolesGuard).
    for (const p of applying) p.check?.(info, guards);
    // The handler's return type (rivet types, ./openapi/return-types.ts); one declared `void` answers and documents 204.
    const inferred = options.types === false ? undefined : inferredResponseOf(d.controller, d.handlerName);
    const status = d.httpCode ?? (declaresVoid(d, inferred) ? 204 : d.method === 'POST' ? 201 : 200);
    const routeFilters = filterRefs(d, opts.filters).map((f) => filterOf(f, d.where));
    const documenters = applying.filter((p) => p.document !== undefined).map((p) => (op: object, tools: DocumentTools) => p.document!(op as never, info, tools));
    const record: CompiledRoute = { descriptor: d, params: d.params.map((p, i) => ({ meta: p.meta, compiled: compiled[i] })), guards, status, filters: routeFilters, documenters, ...(inferred === undefined ? {} : { inferred }) };
    compiledRoutes.push(record);
    const serializer = compileResponseSerializer(record);
    serializers.push(serializer);
    // Output stages (negotiation, compression, @Cache, @Paginate) change the writer's stages; compiled once, after them.
    const output = outputOf(applying, info, {
      status, explicit: d.httpCode !== undefined, headers: d.headers, ownsResponse: d.params.some((p) => p.meta.source === 'res'),
      // A declared response type compiles a serializer that writes only the declared fields.
      json: serializer,
    });
    const routeInterceptors = [
      ...output.interceptors,
      ...applying.flatMap((p): Interceptor[] => (p.around === undefined ? [] : [{ intercept: p.around.bind(p) }])),
      ...interceptorRefs(d, opts.interceptors).map((i) => instanceOfRef<Interceptor>(i, d.where, 'Interceptor', 'intercept')),
    ];
    const parts: RouteParts = {
      info,
      paramNames: d.paramNames,
      instance,
      requestScoped,
      method: d.handler,
      extractors,
      asyncArgs: compiled.some((c) => c.async),
      guards: compileGuardChain(guards),
      body: readsBody ? bodyOptions(d, compiled.some((c) => c.textBody), bodyLimitsOf(d.metadata, opts.security.limits), opts.uploads.tempDir) : null,
      write: output.wrapWriter(compileWriter(output.writer)),
      interceptors: routeInterceptors.length === 0 ? null : routeInterceptors,
      errors: withFilters(opts.errors, routeFilters),
    };
    return wrapRoute(applying, info, buildRouteHandler(parts));
  }

  const summaries: RouteSummary[] = compiledRoutes.map(({ descriptor: d, guards }) => ({
    method: d.method,
    path: d.path,
    controller: d.controller.name,
    handler: d.handlerName,
    guards: guards.map((g) => g.constructor.name),
  }));
  summaries.push(...builtInSummaries(extra.map((r) => r.descriptor)));

  // One close for the app's life: a signal and an explicit close() share the same drain.
  let closing: Promise<void> | null = null;
  let contract: InjectContract | undefined;
  const listener = plugins.find((p) => p.listen !== undefined);
  const app: App = {
    server,
    container,
    handle: dispatch,
    listen: async (listenOptions = {}) => {
      // Serializers inferred from return types are compiled here, before the first connection (see warmSerializer).
      for (const s of serializers) warmSerializer(s);
      const address = await (listener === undefined ? listen(server, listenOptions) : listener.listen!(listenOptions, (o) => listen(server, o)));
      if (document !== null && opts.openapi !== null) document = withListeningServer(document, opts.openapi, address.url);
      for (const p of plugins) await p.onListen?.(server, address);
      return address;
    },
    close: () => (closing ??= (async () => {
      for (const p of plugins) await p.beforeClose?.();
      await close(server);
      for (const p of [...plugins].reverse()) await p.onClose?.();
      if (opts.ownsStore) await opts.store.close();
    })()),
    inject: (request) => inject(dispatch, request, () => (contract ??= contractAsserter(app.openapi()))),
    routes: () => summaries.map((r) => ({ ...r, guards: [...r.guards] })),
    openapi,
  };
  for (const p of plugins) p.attach?.(app);
  return app;
}

/** How a route reads its body; routes with `@UploadedFile` parameters also read multipart/form-data (lib/realtime/upload.ts). */
function bodyOptions(d: RouteDescriptor, text: boolean, { limit, json }: { limit: number; json: BodyOptions['json'] }, tempDir: string | null): BodyOptions {
  return { limit, json, text, multipart: compileMultipart(d.params.map((p) => p.meta), { fieldSize: limit, tempDir }) };
}

/** A plugin's own routes as dispatch-table entries; a bad path is a RivetError naming where it was configured. */
function pluginRoutes(p: Plugin, app: PluginApp) {
  const list: readonly PluginRoute[] = typeof p.routes === 'function' ? p.routes(app) : p.routes ?? [];
  return list.map((r) => {
    const where = r.where ?? `createApp({ ${p.name} })`;
    return { descriptor: { method: r.method, path: r.path, segments: parseTemplate(r.path, where), where }, handler: r.handler };
  });
}

/** A route's filters, nearest first: the method's, the controller's, then `app`'s (each list in declared order). */
function filterRefs(d: RouteDescriptor, app: readonly PipelineRef[]): PipelineRef[] {
  const own = (key: symbol) => (d.metadata.get(key) as PipelineRef[] | undefined) ?? [];
  return [...own(FILTERS.method), ...own(FILTERS.class), ...app];
}

/** A route's interceptors, outermost first: `app`'s, the controller's, then the method's. */
function interceptorRefs(d: RouteDescriptor, app: readonly PipelineRef[]): PipelineRef[] {
  const own = (key: symbol) => (d.metadata.get(key) as PipelineRef[] | undefined) ?? [];
  return [...app, ...own(INTERCEPTORS.class), ...own(INTERCEPTORS.method)];
}
