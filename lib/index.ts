import 'reflect-metadata';

/** The application. */
export { createApp } from './app';
export type { App, RouteSummary } from './app';
export { startupBanner } from './banner';
export type { BannerOptions } from './banner';
export type { AppOptions } from './options';
export type { ListenOptions, BoundAddress } from './http/server';
export type { InjectRequest, InjectResponse } from './http/inject';
export type { Provider } from './di/container';

/** Decorators: they record metadata and never act. */
export { Controller } from './decorators/controller';
export { Get, Post, Put, Patch, Delete, Head, Options, All } from './decorators/routes';
export { Param, Query, Body, Header, Cookie, Req, Res, Ctx } from './decorators/params';
export { createParamDecorator } from './decorators/param-decorator';
export type { CustomParamDecorator } from './decorators/param-decorator';
export { Guard } from './decorators/guard';
export { Catch, UseFilters, UseInterceptors, type PipelineRef } from './decorators/filters';
export type { ExceptionFilter, FilterAnswer } from './pipeline/filters';
export type { Interceptor } from './pipeline/interceptors';
export { definePlugin, type Plugin, type DocumentTools, type PluginApp, type PluginHost, type PluginRoute, type RouteOutput } from './plugin';
export type { Writer, WriterOptions, Payload, Serialize, Send, Tap } from './pipeline/write';
export type { EncodeStream } from './pipeline/stream';
export type { RouteHandler } from './router/methods';
export { SetMetadata, HttpCode, ResponseHeader } from './decorators/meta';
export type { ControllerOptions, RouteOptions, ParamOptions, GuardRef } from './metadata/types';
export type { ParamDecoratorOptions, CustomParamIn } from './metadata/types';

/** OpenAPI: the document comes from the decorators above; these add only what code cannot tell. */
export { ApiResponse, SecurityScheme, genericType } from './openapi/decorators';
export { ApiProperty } from './openapi/schema';
export { Throws } from './openapi/throws';
export { defineResponseTypes } from './openapi/return-types';
export type { InferredResponse, ResponseTypeTable } from './openapi/return-types';
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
export type { MemoryStoreOptions } from './store/memory';
export { RedisStore } from './store/redis';
export type { Store } from './store/store';
export type { RedisStoreOptions } from './store/redis';

/** Production runtime: logging, request ids, timeouts, graceful shutdown, health probes, metrics. */
export { Logger } from './runtime/logger';
export { MetricsRegistry } from './runtime/metrics';
export { Timeout } from './runtime/timeouts';
export type { LoggerOptions, LogLevel, RequestIdOptions, TimeoutOptions, ShutdownOptions, HealthOptions, MetricsOptions } from './runtime/options';
export type { HealthIndicator, HealthCheckRef, CheckResult } from './runtime/health-checks';
export type { LivenessReport, ReadinessReport } from './runtime/health';
export type { OnShutdown } from './runtime/lifecycle';
export type { AccessLogEntry } from './runtime/observe';

/** Responses: compression, content negotiation, static files, caching and pagination. */
export { Cache } from './middleware/cache';
export { CacheService } from './middleware/cache-service';
export { Paginate, Paginated, paginate, OffsetPageQuery, CursorPageQuery, encodeCursor, decodeCursor } from './middleware/paginate';
export { NotAcceptableError, RangeNotSatisfiableError } from './middleware/errors';
export type { CacheOptions } from './middleware/cache';
export type { PaginateOptions, OffsetPaginated, CursorPaginated } from './middleware/paginate';
export type { CompressionOptions, Encoding } from './middleware/compress';
export type { Serializer, SerializersOption } from './middleware/negotiate';
export type { StaticOptions } from './middleware/static';

/** Security: authentication guards, roles, sessions, CORS, security headers, rate limits and request limits. */
export { JwtGuard } from './security/jwt';
export { signJwt } from './security/sign';
export { ApiKeyGuard, MemoryApiKeyStore, RedisApiKeyStore } from './security/api-key';
export { Roles, Scopes, RolesGuard } from './security/roles';
export { RateLimit } from './security/rate-limit';
export { SecurityHeaders, NONCE, cspNonce } from './security/headers';
export { Limits } from './security/limits';
export type { JwtGuardOptions, JwtAlgorithm, PublicJwk } from './security/jwt';
export type { JwksOptions } from './security/jwks';
export type { SignJwtOptions } from './security/sign';
export type { ApiKeyGuardOptions, ApiKeyStore, ApiKeyPrincipal } from './security/api-key';
export type { RolesGuardOptions } from './security/roles';
export type { SessionOptions, SessionCookieOptions } from './security/session';
export type { Session } from './pipeline/context';
export type { CorsOptions, CorsOrigin } from './security/cors';
export type { SecurityHeadersOptions, CspSources } from './security/headers';
export type { RateLimitOptions, RateLimitRule, RateLimitKey } from './security/rate-limit';
export type { LimitsOptions, RouteLimits } from './security/limits';
export type { Rate, RateDecision } from './store/gcra';

/** Realtime: streamed responses, Server-Sent Events, WebSocket gateways and multipart uploads. */
export { StreamResponse } from './pipeline/stream';
export { EventStream, Sse } from './realtime/sse';
export { WebSocketGateway, OnConnect, OnMessage, OnClose } from './realtime/gateway';
export { WsClient, WebSocketHub } from './realtime/client';
export { MemoryPubSub, compareEventIds } from './pubsub/pubsub';
export type { PubSub, PubSubListener, PubSubMessage, PublishOptions, MemoryPubSubOptions } from './pubsub/pubsub';
export { RedisPubSub } from './pubsub/redis';
export type { RedisPubSubOptions } from './pubsub/redis';
export { Channels } from './pubsub/channels';
export type { ChannelEvent, ChannelPublishOptions, ChannelStreamOptions } from './pubsub/channels';

// Jobs (lib/jobs): durable jobs on BullMQ.
export { Processor, Process, InjectQueue, queueToken } from './jobs/decorators';
export type { ProcessorOptions } from './jobs/decorators';
export { JobQueue, Queues, JobDataInvalidError } from './jobs/queue';
export type { JobOptions, EnqueuedJob, JobSnapshot, JobInfo } from './jobs/queue';
export { JobWorkers } from './jobs/worker';
export type { JobsOptions } from './jobs/plugin';
export type { StreamResponseOptions, StreamSource } from './pipeline/stream';
export type { SseEvent, EventStreamOptions } from './realtime/sse';
export type { GatewayOptions } from './realtime/gateway';
export type { BroadcastOptions } from './realtime/client';
export { UploadedFile, UploadedFiles } from './realtime/upload';
export type { UploadOptions, UploadsOptions } from './realtime/upload';
export type { UploadedFileInfo } from './http/uploads';

/** Errors for the developer, thrown at start-up. */
export { RivetError, RivetAggregateError } from './errors/rivet-error';

/** Configuration and discovery: typed config from `.env` and the environment, secrets, controller discovery. */
export { loadConfig } from './config/load';
export { generateSecret } from './config/secret';
export type { ConfigClass, ConfigSource, LoadConfigOptions } from './config/load';
export type { SecretEncoding } from './config/secret';
export type { ControllerSource } from './discovery/discover';
