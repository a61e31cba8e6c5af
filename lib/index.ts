import 'reflect-metadata';

/** The application. */
export { createApp } from './app';
export type { App, RouteSummary } from './app';
export type { AppOptions } from './options';
export type { ListenOptions, BoundAddress } from './http/server';
export type { InjectRequest, InjectResponse } from './http/inject';
export type { Provider } from './di/container';

/** Decorators: they record metadata and never act. */
export { Controller } from './decorators/controller';
export { Get, Post, Put, Patch, Delete, Head, Options, All } from './decorators/routes';
export { Param, Query, Body, Header, Cookie, Req, Res, Ctx } from './decorators/params';
export { Guard } from './decorators/guard';
export { SetMetadata, HttpCode, ResponseHeader } from './decorators/meta';
export type { ControllerOptions, RouteOptions, ParamOptions, GuardRef } from './metadata/types';

/** OpenAPI: the document comes from the decorators above; these add only what code cannot tell. */
export { ApiResponse, SecurityScheme, genericType } from './openapi/decorators';
export { ApiProperty } from './openapi/schema';
export type { GuardSecurity, GuardRouteInfo, OpenApiGuard } from './openapi/decorators';
export type { ApiPropertyOptions, JsonSchema } from './openapi/schema';
export type { OpenApiOptions, DocsOptions, AutoErrorStatus } from './openapi/options';
export type { OpenApiDocument, SecuritySchemeObject, ServerObject, TagObject, TagGroupObject } from './openapi/types';
export type { ResponseOptions, GenericTypeMeta } from './metadata/types';

/** Contracts implemented by user code, and what they receive. */
export type { CanActivate } from './pipeline/guards';
export { RequestContext } from './pipeline/context';
export type { RouteInfo } from './pipeline/context';

/** Errors sent to clients as RFC 9457 problem+json. */
export {
  HttpError, BadRequestError, UnauthorizedError, ForbiddenError, NotFoundError, MethodNotAllowedError, ConflictError,
  PayloadTooLargeError, UnsupportedMediaTypeError, TooManyRequestsError, InternalServerError, ServiceUnavailableError,
} from './errors/http-error';
export type { HttpErrorOptions } from './errors/http-error';
export { ValidationFailedError } from './errors/validation-error';
export type { ValidationIssue } from './errors/validation-error';
export type { Problem } from './errors/problem';

/** Shared state with expiry (rate limits, sessions, cache, API keys). */
export { MemoryStore } from './store/memory';
export { RedisStore } from './store/redis';
export type { Store } from './store/store';
export type { RedisStoreOptions } from './store/redis';

/** Errors for the developer, thrown at start-up. */
export { RivetError, RivetAggregateError } from './errors/rivet-error';
