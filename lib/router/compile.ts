import { RivetError, throwCollected } from '../errors/rivet-error';
import { classChain, effectiveClassGuards, effectiveClassValues, effectiveController, effectiveMembers, type EffectiveMember } from '../metadata/inherit';
import { peekMeta } from '../metadata/store';
import type { ControllerMeta, GuardRef, ParamMeta, ResponseMeta, RouteMeta, RouteOptions } from '../metadata/types';
import { buildPathEntry, type PathEntry, type RouteHandler } from './methods';
import { joinPath, parseTemplate, type Segment } from './path';
import { RouteTree } from './tree';

/** One route of one concrete controller, with its class chain folded: the input of pipeline assembly. */
export interface RouteDescriptor {
  readonly controller: Function;
  readonly controllerMeta: ControllerMeta;
  readonly handlerName: string;
  /** `Controller#method`, for messages. */
  readonly where: string;
  readonly method: RouteMeta['method'];
  readonly path: string;
  readonly segments: readonly Segment[];
  readonly paramNames: readonly string[];
  readonly options: RouteOptions;
  readonly handler: (...args: unknown[]) => unknown;
  /** Parameter decorators ordered by index, with their `design:paramtypes` entry. */
  readonly params: readonly { meta: ParamMeta; designType: unknown }[];
  /** Controller-level then method-level guards (app guards are added by the app). */
  readonly guards: readonly GuardRef[];
  readonly metadata: ReadonlyMap<unknown, unknown>;
  readonly httpCode: number | undefined;
  readonly headers: readonly [string, string][];
  /** `@ApiResponse` declarations of the class chain and the member, merged by status (the member wins). */
  readonly responses: readonly ResponseMeta[];
}

/**
 * Reads every controller's folded metadata into route descriptors. Problems (not a controller, a template
 * that does not parse, a decorated member that is not a method, a parameter without a decorator) are
 * collected across all controllers and thrown once.
 */
export function describeRoutes(controllers: readonly Function[]): RouteDescriptor[] {
  const errors: RivetError[] = [];
  const out: RouteDescriptor[] = [];
  for (const ctor of controllers) {
    const controllerMeta = effectiveController(ctor);
    if (controllerMeta === undefined) {
      errors.push(new RivetError('RIVET_CONTROLLER_MISSING', `${ctor.name || 'An anonymous class'} is listed in controllers but has no @Controller decorator (nor does any parent class).\n  Fix: decorate it with @Controller('/prefix').`));
      continue;
    }
    const classGuards = effectiveClassGuards(ctor);
    const classValues = effectiveClassValues(ctor);
    const classHeaders = classChain(ctor).reverse().flatMap((c) => peekMeta(c)?.own.headers ?? []);
    const classResponses = classChain(ctor).reverse().flatMap((c) => peekMeta(c)?.own.responses ?? []);
    for (const member of effectiveMembers(ctor)) {
      try {
        out.push(...describeMember(ctor, controllerMeta, member, classGuards, classValues, classHeaders, classResponses));
      } catch (err) {
        if (err instanceof RivetError) errors.push(err);
        else throw err;
      }
    }
  }
  throwCollected(errors);
  return out;
}

function describeMember(
  ctor: Function, controllerMeta: ControllerMeta, member: EffectiveMember,
  classGuards: readonly GuardRef[], classValues: ReadonlyMap<unknown, unknown>, classHeaders: readonly [string, string][],
  classResponses: readonly ResponseMeta[],
): RouteDescriptor[] {
  const handlerName = String(member.name);
  const where = `${ctor.name}#${handlerName}`;
  const handler = (ctor.prototype as Record<string | symbol, unknown>)[member.name];
  if (typeof handler !== 'function') {
    throw new RivetError('RIVET_ROUTE_NOT_A_METHOD', `${where} is decorated as a route but is not a method on ${ctor.name}.\n  Fix: decorate a method, not a property or accessor.`);
  }
  const designTypes = (Reflect.getMetadata('design:paramtypes', member.paramsOn, member.name) as unknown[] | undefined) ?? [];
  const params = [...member.params].sort((a, b) => a.index - b.index).map((meta) => ({ meta, designType: designTypes[meta.index] }));
  const arity = Math.max(handler.length, designTypes.length);
  for (let i = 0; i < arity; i++) {
    if (!params.some((p) => p.meta.index === i)) {
      throw new RivetError('RIVET_PARAM_UNDECORATED', `${where} parameter ${i} has no decorator, so Rivet cannot tell where its value comes from.\n  Fix: add @Param, @Query, @Body, @Header, @Cookie, @Req, @Res or @Ctx to it.`);
    }
  }
  const duplicated = params.find((p, i) => i > 0 && params[i - 1].meta.index === p.meta.index);
  if (duplicated !== undefined) {
    throw new RivetError('RIVET_PARAM_DUPLICATE', `${where} parameter ${duplicated.meta.index} has two parameter decorators.\n  Fix: keep one.`);
  }
  const metadata = new Map([...classValues, ...member.values]);
  const headers = new Map<string, [string, string]>();
  for (const h of [...classHeaders, ...member.headers]) headers.set(h[0].toLowerCase(), h);
  const responses = new Map<number | undefined, ResponseMeta>();
  for (const r of [...classResponses, ...member.responses]) responses.set(r.status, r);
  return member.routes.map((route) => {
    const path = joinPath(controllerMeta.prefix, route.path);
    const segments = parseTemplate(path, where);
    const paramNames = segments.filter((s) => s.kind !== 'static').map((s) => (s as { name: string }).name);
    for (const p of params) {
      if (p.meta.source === 'path' && p.meta.name !== undefined && !paramNames.includes(p.meta.name)) {
        throw new RivetError('RIVET_PARAM_NOT_IN_PATH', `${where} parameter ${p.meta.index} reads @Param('${p.meta.name}') but the route "${path}" has no :${p.meta.name}.\n  Fix: add ":${p.meta.name}" to the path, or fix the name.`);
      }
    }
    return {
      controller: ctor, controllerMeta, handlerName, where, method: route.method, path, segments, paramNames,
      options: route.options, handler: handler as (...args: unknown[]) => unknown, params,
      guards: [...classGuards, ...member.guards.filter((g) => !classGuards.includes(g))],
      metadata, httpCode: member.httpCode, headers: [...headers.values()], responses: [...responses.values()],
    };
  });
}

/**
 * Builds the dispatch tree from routes and their prebuilt handlers. Two routes with the same method and the
 * same path shape (parameter names aside) are duplicates; all of them are reported in one error.
 */
export function compileTable(
  routes: readonly { descriptor: Pick<RouteDescriptor, 'method' | 'path' | 'segments' | 'where'>; handler: RouteHandler }[],
  options: { ignoreTrailingSlash: boolean },
): RouteTree<PathEntry> {
  const byShape = new Map<string, { segments: readonly Segment[]; declared: Map<string, { handler: RouteHandler; where: string; path: string }> }>();
  const errors: RivetError[] = [];
  for (const { descriptor: d, handler } of routes) {
    const shape = d.segments.map((s) => (s.kind === 'static' ? `/${s.value}` : s.kind === 'param' ? '/:' : '/*')).join('') || '/';
    let entry = byShape.get(shape);
    if (entry === undefined) byShape.set(shape, (entry = { segments: d.segments, declared: new Map() }));
    const prior = entry.declared.get(d.method);
    if (prior !== undefined) {
      errors.push(new RivetError('RIVET_ROUTE_DUPLICATE', `${d.method} ${d.path} is declared twice: by ${prior.where} ("${prior.path}") and by ${d.where} ("${d.path}").\n  Fix: change one path or method, or remove one handler.`));
      continue;
    }
    entry.declared.set(d.method, { handler, where: d.where, path: d.path });
  }
  throwCollected(errors);
  const tree = new RouteTree<PathEntry>(options);
  for (const { segments, declared } of byShape.values()) {
    const handlers = new Map([...declared].map(([m, v]) => [m, v.handler] as const));
    const entry = buildPathEntry(handlers);
    tree.upsert(segments, () => entry);
  }
  return tree;
}
