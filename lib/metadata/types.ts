/** Plain, readonly data recorded by the decorators. Nothing here acts. */

/** A method a route can be declared for. `ALL` answers every method the path does not declare itself. */
export type RouteMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS' | 'ALL';

/** Route documentation kept for the OpenAPI document. */
export interface RouteOptions {
  summary?: string;
  description?: string;
  tags?: string[];
  operationId?: string;
  deprecated?: boolean;
}

/** Options of `@Controller`. */
export interface ControllerOptions {
  /** OpenAPI tags for every route of the controller. */
  tags?: string[];
  /** `'singleton'` (default): one instance per app. `'request'`: a new instance, and a new DI child container, per request. */
  scope?: 'singleton' | 'request';
}

/** A guard given to `@Guard`: a class resolved through DI, or an instance used as it is. */
export type GuardRef = Function | object;

export interface ControllerMeta {
  readonly prefix: string;
  readonly options: ControllerOptions;
}

export interface RouteMeta {
  readonly method: RouteMethod;
  readonly path: string;
  readonly options: RouteOptions;
}

/** Where a handler argument comes from. */
export type ParamSource = 'path' | 'query' | 'body' | 'header' | 'cookie' | 'req' | 'res' | 'ctx' | 'file';

/** A runtime type for a parameter: a constructor, or `[Item]` for an array of Item. */
export type ParamType = Function | readonly [Function];

/**
 * Inline constraints of `@Param`, `@Query`, `@Header`, `@Cookie` and `@Body`. They are enforced at run time
 * and documented in OpenAPI exactly as enforced.
 */
export interface ParamOptions {
  /** Overrides `design:paramtypes`, e.g. `[Number]` for repeated query keys, or the DTO of a generic base. */
  type?: ParamType;
  /** The wire name, when the decorator did not get it as a string (`@Header({ alias: 'X-API-Key' })`). */
  alias?: string;
  required?: boolean;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string | RegExp;
  /** Allowed values: a list, or a TypeScript enum object. */
  enum?: readonly unknown[] | Record<string, string | number>;
  description?: string;
}

export interface ParamMeta {
  readonly index: number;
  readonly source: ParamSource;
  /** Wire name; `undefined` means the whole source (all of the query, the whole body). */
  readonly name: string | undefined;
  readonly options: ParamOptions;
}

/**
 * A generic wrapper schema around one item class, such as a page of `Book`: the OpenAPI document names it
 * `${wrapper}${Item}` and builds it once per item. `build` receives the item's schema (a `$ref`).
 */
export interface GenericTypeMeta {
  readonly wrapper: string;
  readonly item: Function;
  readonly build: (item: Record<string, unknown>) => Record<string, unknown>;
}

/** Options of `@ApiResponse`: what one response status carries. Documentation only; nothing is enforced. */
export interface ResponseOptions {
  description?: string;
  /** The body: a DTO class, `[Dto]` for a list, `String`/`Number`/`Boolean`, or a generic from `genericType()`. */
  type?: Function | readonly [Function] | GenericTypeMeta;
  /** A JSON Schema for the body, instead of `type`. */
  schema?: Record<string, unknown>;
  /** The media type (default: `application/json`; `text/plain` for `String`; `application/problem+json` for errors without a type). */
  contentType?: string;
}

/** One `@ApiResponse`: `status` is `undefined` for the route's success status. */
export interface ResponseMeta {
  readonly status: number | undefined;
  readonly options: ResponseOptions;
}

/** What one class member (or, under the CLASS key, the class itself) declares. */
export interface MemberMeta {
  routes: RouteMeta[];
  params: ParamMeta[] | undefined;
  guards: GuardRef[] | undefined;
  values: Map<unknown, unknown> | undefined;
  httpCode: number | undefined;
  headers: [string, string][] | undefined;
  /** `@ApiResponse` declarations, for the OpenAPI document only. */
  responses: ResponseMeta[] | undefined;
}

/** Everything declared on one class itself (not inherited). */
export interface ClassMeta {
  controller: ControllerMeta | undefined;
  /** Class-level guards and metadata. */
  readonly own: MemberMeta;
  readonly members: Map<string | symbol, MemberMeta>;
}
