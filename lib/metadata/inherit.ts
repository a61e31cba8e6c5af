import type { ControllerMeta, GuardRef, MemberMeta, ParamMeta, ResponseMeta, RouteMeta } from './types';
import { peekMeta } from './store';

/** What a route of a concrete controller class means once its class chain is folded. */
export interface EffectiveMember {
  readonly name: string | symbol;
  readonly routes: readonly RouteMeta[];
  /** The class that declared the routes (for messages); the handler itself is read from the concrete class. */
  readonly declaredOn: Function;
  readonly params: readonly ParamMeta[];
  /** The prototype whose `design:paramtypes` describe `params`. */
  readonly paramsOn: object;
  readonly guards: readonly GuardRef[];
  readonly values: ReadonlyMap<unknown, unknown>;
  readonly httpCode: number | undefined;
  readonly headers: readonly [string, string][];
  /** `@ApiResponse` declarations merged by status, the nearer class winning per status. */
  readonly responses: readonly ResponseMeta[];
}

/** `ctor` and its ancestors, most derived first, stopping before `Function.prototype`. */
export function classChain(ctor: Function): Function[] {
  const chain: Function[] = [];
  for (let c: unknown = ctor; typeof c === 'function' && c !== Function.prototype; c = Object.getPrototypeOf(c)) chain.push(c);
  return chain;
}

/** The nearest `@Controller` on the chain: a subclass's own prefix wins over its parent's. */
export function effectiveController(ctor: Function): ControllerMeta | undefined {
  for (const c of classChain(ctor)) {
    const controller = peekMeta(c)?.controller;
    if (controller !== undefined) return controller;
  }
  return undefined;
}

/** Class-level guards of the whole chain, base class first, each guard once. */
export function effectiveClassGuards(ctor: Function): GuardRef[] {
  const out: GuardRef[] = [];
  for (const c of classChain(ctor).reverse()) {
    for (const g of peekMeta(c)?.own.guards ?? []) if (!out.includes(g)) out.push(g);
  }
  return out;
}

/** Class-level `@SetMetadata` of the whole chain; a subclass's value for a key wins. */
export function effectiveClassValues(ctor: Function): Map<unknown, unknown> {
  const out = new Map<unknown, unknown>();
  for (const c of classChain(ctor).reverse()) for (const [k, v] of peekMeta(c)?.own.values ?? []) out.set(k, v);
  return out;
}

/**
 * Routed members of `ctor` and its ancestors. For each aspect (routes, params, guards, status, headers) the
 * declaration nearest to `ctor` wins, so a subclass may re-decorate just what it changes; metadata values and
 * headers merge with the nearer class winning per key. Undecorated members never become routes.
 */
export function effectiveMembers(ctor: Function): EffectiveMember[] {
  const chain = classChain(ctor);
  const names: (string | symbol)[] = [];
  for (const c of chain) {
    for (const [name, m] of peekMeta(c)?.members ?? []) if (m.routes.length > 0 && !names.includes(name)) names.push(name);
  }
  return names.map((name) => foldMember(chain, name));
}

function foldMember(chain: readonly Function[], name: string | symbol): EffectiveMember {
  const declared: { cls: Function; m: MemberMeta }[] = [];
  for (const cls of chain) {
    const m = peekMeta(cls)?.members.get(name);
    if (m !== undefined) declared.push({ cls, m });
  }
  const nearest = <K extends keyof MemberMeta>(key: K) => {
    const hit = declared.find(({ m }) => (key === 'routes' ? m.routes.length > 0 : m[key] !== undefined));
    return hit === undefined ? undefined : { value: hit.m[key], cls: hit.cls };
  };
  const routes = nearest('routes')!;
  const params = nearest('params');
  const values = new Map<unknown, unknown>();
  const headers = new Map<string, [string, string]>();
  const responses = new Map<number | undefined, ResponseMeta>();
  for (const { m } of [...declared].reverse()) {
    for (const [k, v] of m.values ?? []) values.set(k, v);
    for (const h of m.headers ?? []) headers.set(h[0].toLowerCase(), h);
    for (const r of m.responses ?? []) responses.set(r.status, r);
  }
  return {
    name,
    routes: routes.value as RouteMeta[],
    declaredOn: routes.cls,
    params: (params?.value as ParamMeta[] | undefined) ?? [],
    paramsOn: (params?.cls ?? routes.cls).prototype as object,
    guards: (nearest('guards')?.value as GuardRef[] | undefined) ?? [],
    values,
    httpCode: nearest('httpCode')?.value as number | undefined,
    headers: [...headers.values()],
    responses: [...responses.values()],
  };
}
