import { ownMember } from '../metadata/store';
import type { GenericTypeMeta, ResponseOptions } from '../metadata/types';
import type { JsonSchema } from './schema-rules';
import type { SecuritySchemeObject } from './types';
import { legacyDecorator } from '../metadata/legacy';

/**
 * Documents one response of a route (on a method) or of every route of a controller (on the class). Without a
 * status it describes the route's success response (the `@HttpCode` status, else 200, or 201 for POST).
 * Documentation only: Rivet does not check what the handler returns.
 * @example @ApiResponse({ type: [Book] }) @ApiResponse(409, { description: 'The title is taken' })
 */
export function ApiResponse(options: ResponseOptions): ClassDecorator & MethodDecorator;
export function ApiResponse(status: number, options?: ResponseOptions): ClassDecorator & MethodDecorator;
export function ApiResponse(statusOrOptions: number | ResponseOptions, maybeOptions: ResponseOptions = {}): ClassDecorator & MethodDecorator {
  const status = typeof statusOrOptions === 'number' ? statusOrOptions : undefined;
  const options = typeof statusOrOptions === 'number' ? maybeOptions : statusOrOptions;
  if (status !== undefined && (!Number.isInteger(status) || status < 100 || status > 599)) {
    throw new RangeError(`@ApiResponse(${String(status)}): the status must be an integer from 100 to 599`);
  }
  return legacyDecorator('@ApiResponse', (target: object, name?: string | symbol) => {
    const ctor = name === undefined ? (target as Function) : target.constructor;
    (ownMember(ctor, name).responses ??= []).push({ status, options });
  }) as ClassDecorator & MethodDecorator;
}

/**
 * Declares a generic response body, such as a page of `T`: the document gets one named component per item
 * class (`PaginatedBook`), built by `build` from the item's `$ref`.
 * @example const Page = (item: Function) => genericType('Page', item, (ref) => ({ type: 'object', properties: { items: { type: 'array', items: ref } } }));
 */
export function genericType(wrapper: string, item: Function, build: (itemSchema: JsonSchema) => JsonSchema): GenericTypeMeta {
  return { wrapper, item, build };
}

/** What a guard enforces, as the OpenAPI document shows it. */
export interface GuardSecurity {
  /** The key in `components.securitySchemes`, e.g. `'bearer'`. Guards sharing a name must share the scheme. */
  name: string;
  scheme: SecuritySchemeObject;
  /** OAuth 2 / OpenID scopes (or roles) the guard requires on this route. */
  scopes?: string[];
  /**
   * The guard also lets requests without credentials through (optional authentication): the operation lists `{}`,
   * anonymous access, as one more alternative after the guard's schemes.
   */
  optional?: boolean;
}

/** The route a guard is asked about, when it implements {@link OpenApiGuard}. */
export interface GuardRouteInfo {
  readonly method: string;
  readonly path: string;
  /** The route's `@SetMetadata` values (method over class), e.g. the roles a `@Roles(...)` recorded. */
  readonly metadata: ReadonlyMap<unknown, unknown>;
}

/**
 * Implemented by a guard (class or instance) whose security scheme depends on how it is configured, such
 * as an API key guard whose header is an option. It wins over a `@SecurityScheme` on the guard's class.
 * Return `null` when the guard does not authenticate on this route, and a list when it accepts any one of several
 * schemes (a bearer token **or** an API key): the operation then lists them as alternatives. Mark them `optional`
 * when the guard also admits anonymous requests.
 */
export interface OpenApiGuard {
  securityScheme(route: GuardRouteInfo): GuardSecurity | readonly GuardSecurity[] | null;
}

// Keyed by guard class: set once by the decorator, read once at boot.
const guardSchemes = new WeakMap<Function, { name: string; scheme: SecuritySchemeObject; scopes?: string[] }>();

/**
 * Declares the security scheme a guard class enforces. Every route that guard protects gets a `security`
 * requirement naming it, and the scheme appears in `components.securitySchemes`; no per-route decorator.
 * @example @SecurityScheme('bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }) class JwtAuth implements CanActivate {}
 */
export function SecurityScheme(name: string, scheme: SecuritySchemeObject, scopes?: string[]): ClassDecorator {
  return legacyDecorator<ClassDecorator>('@SecurityScheme', (target) => {
    guardSchemes.set(target, { name, scheme, scopes });
  });
}

/**
 * The security a guard instance declares for one route, as alternatives (any one of them satisfies the guard): its
 * `securityScheme()` method, else its class's `@SecurityScheme`. Empty when it declares none.
 */
export function securityOf(guard: object, route: GuardRouteInfo): readonly GuardSecurity[] {
  const own = (guard as Partial<OpenApiGuard>).securityScheme;
  if (typeof own === 'function') {
    const declared = own.call(guard, route) ?? null;
    return declared === null ? [] : Array.isArray(declared) ? declared : [declared as GuardSecurity];
  }
  for (let c: unknown = guard.constructor; typeof c === 'function' && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    const declared = guardSchemes.get(c as Function);
    if (declared !== undefined) return [declared];
  }
  return [];
}
