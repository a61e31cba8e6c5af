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

/** Where a handler argument comes from; `'custom'` is a decorator made with `createParamDecorator`. */
export type ParamSource = 'path' | 'query' | 'body' | 'header' | 'cookie' | 'req' | 'res' | 'ctx' | 'file' | 'custom';

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
  /**
   * `false` takes the whole body (`@Body()`) or query (`@Query()`) as it arrived, unvalidated. Needed, and meant to
   * be written knowingly, when the parameter is typed with an interface, a type alias, `any` or `unknown`: TypeScript
   * leaves no class of those at run time, so there is nothing to validate against.
   */
  validate?: boolean;
}

export interface ParamMeta {
  readonly index: number;
  readonly source: ParamSource;
  /** Wire name; `undefined` means the whole source (all of the query, the whole body). */
  readonly name: string | undefined;
  readonly options: ParamOptions;
  /** What a `createParamDecorator` decorator recorded; only for the `'custom'` source. */
  readonly custom?: CustomParamMeta;
}

/** Where the value of a custom parameter decorator is documented in OpenAPI. */
export type CustomParamIn = 'query' | 'header' | 'cookie';

/**
 * Options of `createParamDecorator`. All are optional; `in` and `name` go together and make the value an OpenAPI
 * parameter of every operation that uses the decorator.
 */
export interface ParamDecoratorOptions {
  /** The decorator's name in messages and, without `in`, the first element of its 422 `loc`. Default: the factory's name, else `'custom'`. */
  label?: string;
  /** The factory returns a promise. Detected for `async` functions; needed for a plain function returning one. */
  async?: boolean;
  /** A class-validator DTO the value is validated with, as a `@Body()` is (422 on failure). */
  dto?: Function;
  /** An absent value (`undefined` or `null`) is a 422 `is required`. Default: `true` with a `dto`, else `false`. */
  required?: boolean;
  /** Document the value as this kind of OpenAPI parameter (with `name`). */
  in?: CustomParamIn;
  /** The wire name of the documented parameter, e.g. `'X-Tenant'`. */
  name?: string;
  /** The JSON Schema of the documented parameter (documentation only). Default: `{}`. */
  schema?: Record<string, unknown>;
  /** The documented parameter's description. */
  description?: string;
  /** Marks the documented parameter deprecated. */
  deprecated?: boolean;
}

/** One use of a custom parameter decorator: the factory, what the use passed it, and the decorator's options. */
export interface CustomParamMeta {
  /** Called per request as `factory(ctx, data)`. */
  readonly factory: (ctx: never, data: never) => unknown;
  /** What the decorator was called with: `'id'` in `@CurrentUser('id')`; `undefined` for `@CurrentUser()`. */
  readonly data: unknown;
  readonly label: string;
  /** How the use reads in messages: `@CurrentUser('id')`. */
  readonly display: string;
  /** Whether the factory may return a promise (an `async` function, or `options.async`). */
  readonly async: boolean;
  readonly options: Readonly<ParamDecoratorOptions>;
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
