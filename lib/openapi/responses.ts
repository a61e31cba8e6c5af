/**
 * The responses of one operation: the success response (status from `@HttpCode`, body from `@ApiResponse`),
 * other declared responses, and the error responses Rivet itself can send on that route, all rendered as
 * one shared RFC 9457 problem component.
 */
import { STATUS_CODES } from 'node:http';
import { BadRequestError, ForbiddenError, HttpError, NotFoundError, PayloadTooLargeError, TooManyRequestsError, UnauthorizedError, UnsupportedMediaTypeError } from '../errors/http-error';
import { ValidationFailedError } from '../errors/validation-error';
import type { GenericTypeMeta, ResponseMeta, ResponseOptions } from '../metadata/types';
import type { CompiledRoute } from '../pipeline/compiled-route';
import type { AutoErrorStatus } from './options';
import { inferredContent } from './return-types';
import type { SchemaRegistry } from './schema';
import type { JsonSchema } from './schema-rules';
import type { HeaderObject, ReferenceObject, ResponseObject } from './types';

const PROBLEM_TYPE = 'application/problem+json';
const schemaRef = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

/** Component schemas shared by every error response, named here and registered before any DTO. */
export const PROBLEM_SCHEMAS: Readonly<Record<string, JsonSchema>> = {
  Problem: {
    type: 'object',
    description: 'An RFC 9457 problem details object, sent as application/problem+json for every error.',
    properties: {
      type: { type: 'string', format: 'uri-reference', description: 'A URI identifying the problem type; "about:blank" when the status says it all.', examples: ['about:blank'] },
      title: { type: 'string', description: 'The status text.', examples: ['Not Found'] },
      status: { type: 'integer', minimum: 400, maximum: 599, examples: [404] },
      detail: { type: 'string', description: 'What went wrong with this request.', examples: ['No route matches GET /users/7'] },
      instance: { type: 'string', format: 'uri-reference', description: 'The request path and query.', examples: ['/users/7'] },
    },
    required: ['type', 'title', 'status', 'instance'],
  },
  ValidationIssue: {
    type: 'object',
    properties: {
      loc: {
        type: 'array',
        items: { type: ['string', 'integer'] },
        description: 'Where the value is: its source (body, query, path, header, cookie), then property names and indices.',
        examples: [['body', 'email']],
      },
      msg: { type: 'string', examples: ['email must be an email'] },
      type: { type: 'string', description: 'The rule that failed, e.g. isEmail, minimum, required.', examples: ['isEmail'] },
    },
    required: ['loc', 'msg', 'type'],
  },
  ValidationProblem: {
    allOf: [
      schemaRef('Problem'),
      { type: 'object', properties: { errors: { type: 'array', items: schemaRef('ValidationIssue') } }, required: ['errors'] },
    ],
  },
};

/** The shared error responses (`components.responses`), by the status Rivet answers with. */
const AUTO_RESPONSES: Record<AutoErrorStatus, { name: string; description: string; schema: string; headers?: Record<string, HeaderObject> }> = {
  400: { name: 'BadRequest', description: 'The body is not well-formed (for example malformed JSON).', schema: 'Problem' },
  401: { name: 'Unauthorized', description: 'Credentials are missing or invalid.', schema: 'Problem' },
  403: { name: 'Forbidden', description: 'A guard refused the request.', schema: 'Problem' },
  404: { name: 'NotFound', description: 'The resource does not exist.', schema: 'Problem' },
  406: { name: 'NotAcceptable', description: 'None of the formats the route sends (its content types) matches the Accept header.', schema: 'Problem' },
  413: { name: 'PayloadTooLarge', description: 'The body is larger than the limit.', schema: 'Problem' },
  415: { name: 'UnsupportedMediaType', description: 'The body has a media type or content encoding this route does not read.', schema: 'Problem' },
  422: { name: 'ValidationFailed', description: 'The input breaks the declared constraints; `errors` lists each one.', schema: 'ValidationProblem' },
  429: {
    name: 'TooManyRequests',
    description: 'The rate limit is exhausted; retry after the given delay.',
    schema: 'Problem',
    headers: {
      'Retry-After': { description: 'Seconds until a request is allowed again.', schema: { type: 'integer', minimum: 1 } },
      'RateLimit-Limit': { description: 'Requests allowed at once (the bucket size).', schema: { type: 'integer' } },
      'RateLimit-Remaining': { description: 'Requests left now.', schema: { type: 'integer' } },
      'RateLimit-Reset': { description: 'Seconds until the full limit is available again.', schema: { type: 'integer' } },
    },
  },
};

/** Records on `route` that a rate limit applies to it, so its operation documents the 429 response. */
export function documentRateLimit(route: CompiledRoute): void {
  route.documentation.rateLimited = true;
}

/** What output features (content negotiation, pagination, cache) add to a route's documented success response. */
export interface OutputDoc {
  /** The media types a data result can be sent in (negotiation), replacing `application/json`. */
  readonly mediaTypes?: readonly string[];
  /** Response headers the feature sets, e.g. `Link` or `ETag`. */
  readonly headers?: Readonly<Record<string, HeaderObject>>;
}

/** Records on `route` what an output feature adds to its success response (merged with earlier records). */
export function documentOutput(route: CompiledRoute, doc: OutputDoc): void {
  const d = route.documentation;
  if (doc.mediaTypes !== undefined) d.mediaTypes = doc.mediaTypes;
  if (doc.headers !== undefined) d.headers = { ...d.headers, ...doc.headers };
}

const outputOf = (route: CompiledRoute): OutputDoc => route.documentation as OutputDoc;

/** The shared error responses in status order, whatever order the routes met them in. */
export function sortedResponses(shared: ReadonlyMap<string, ResponseObject>): Record<string, ResponseObject> {
  const order = Object.values(AUTO_RESPONSES).map((r) => r.name);
  return Object.fromEntries([...shared].sort(([a], [b]) => order.indexOf(a) - order.indexOf(b)));
}

/** What the route does that decides which errors it can answer with. */
export interface RouteFacts {
  readonly validates: boolean;
  readonly readsBody: boolean;
  readonly authenticates: boolean;
}

/** Builds the `responses` of one operation; shared error responses are collected into `shared`. */
export function describeResponses(
  route: CompiledRoute, facts: RouteFacts, auto: ReadonlySet<AutoErrorStatus>, registry: SchemaRegistry,
  shared: Map<string, ResponseObject>,
): Record<string, ResponseObject | ReferenceObject> {
  const d = route.descriptor;
  const out: Record<string, ResponseObject | ReferenceObject> = {};
  const success = d.responses.find((r) => r.status === undefined || r.status === route.status);
  out[String(route.status)] = successResponse(route, success?.options ?? {}, registry);
  for (const r of d.responses) {
    if (r.status === undefined || r.status === route.status) continue;
    out[String(r.status)] = declaredResponse(r, registry);
  }
  const applies: Record<AutoErrorStatus, boolean> = {
    400: facts.readsBody,
    401: facts.authenticates,
    403: route.guards.length > 0,
    404: d.paramNames.length > 0,
    406: (route.documentation.mediaTypes?.length ?? 0) > 1,
    413: facts.readsBody,
    415: facts.readsBody,
    422: facts.validates,
    429: route.documentation.rateLimited === true,
  };
  for (const status of [400, 401, 403, 404, 406, 413, 415, 422, 429] as const) {
    if (!applies[status] || !auto.has(status) || out[status] !== undefined) continue;
    const { name, description, schema, headers } = AUTO_RESPONSES[status];
    const filtered = filterBody(route, status);
    if (filtered !== undefined) {
      // The route's filter answers this error in its own format: documented in place, with the filter's schema.
      out[status] = { description, ...(headers === undefined ? {} : { headers }), content: filtered };
      continue;
    }
    shared.set(name, { description, ...(headers === undefined ? {} : { headers }), content: { [PROBLEM_TYPE]: { schema: schemaRef(schema) } } });
    out[status] = { $ref: `#/components/responses/${name}` };
  }
  return out;
}

// The error Rivet throws for each automatic status, to find the filter that handles it.
const ERROR_CLASSES: Record<AutoErrorStatus, Function> = {
  400: BadRequestError, 401: UnauthorizedError, 403: ForbiddenError, 404: NotFoundError, 406: HttpError,
  413: PayloadTooLargeError, 415: UnsupportedMediaTypeError, 422: ValidationFailedError, 429: TooManyRequestsError,
};

/**
 * The body of an automatic error response when one of the route's filters answers it: the first filter (nearest
 * first) that handles the error class and declares a `static schema` (and optionally `static contentType`, default
 * `application/json`) on its class.
 */
function filterBody(route: CompiledRoute, status: AutoErrorStatus): ResponseObject['content'] | undefined {
  const error = ERROR_CLASSES[status];
  for (const f of route.filters) {
    const handles = f.types.length === 0 || f.types.some((t) => t === error || error.prototype instanceof t);
    if (!handles) continue;
    const { schema, contentType } = f.instance.constructor as { schema?: JsonSchema; contentType?: string };
    if (schema !== undefined && schema !== null && typeof schema === 'object') return { [contentType ?? 'application/json']: { schema } };
  }
  return undefined;
}

function successResponse(route: CompiledRoute, options: ResponseOptions, registry: SchemaRegistry): ResponseObject {
  const d = route.descriptor;
  const response: ResponseObject = { description: options.description ?? STATUS_CODES[route.status] ?? 'Success' };
  const headers: Record<string, HeaderObject> = {};
  let fixedType: string | undefined;
  for (const [name, value] of d.headers) {
    // OpenAPI ignores a Content-Type response header; it is the media type of `content` instead.
    if (name.toLowerCase() === 'content-type') fixedType = value.split(';')[0].trim();
    else headers[name] = { schema: { type: 'string', const: value } };
  }
  const doc = outputOf(route);
  if (doc?.headers !== undefined) for (const [name, header] of Object.entries(doc.headers)) headers[name] ??= header;
  if (Object.keys(headers).length > 0) response.headers = headers;
  let body = bodyOf(options, registry, fixedType, doc?.mediaTypes);
  // No declared body: the handler's TypeScript return type, when `rivet types` recorded it (./return-types.ts).
  const inferred = body === undefined && options.schema === undefined && options.type === undefined ? route.documentation.inferred : undefined;
  if (inferred !== undefined) body = inferredContent(inferred, registry, fixedType, doc?.mediaTypes);
  if (body !== undefined && route.status !== 204 && route.status !== 304) response.content = body;
  return response;
}

function declaredResponse(r: ResponseMeta, registry: SchemaRegistry): ResponseObject {
  const status = r.status as number;
  const response: ResponseObject = { description: r.options.description ?? STATUS_CODES[status] ?? `Status ${status}` };
  const body = bodyOf(r.options, registry, undefined)
    ?? (status >= 400 ? { [r.options.contentType ?? PROBLEM_TYPE]: { schema: schemaRef('Problem') } } : undefined);
  if (body !== undefined && status !== 204 && status !== 304) response.content = body;
  return response;
}

/** The `content` of a response from `type` or `schema`, or `undefined` when neither is declared. */
function bodyOf(options: ResponseOptions, registry: SchemaRegistry, fixedType: string | undefined, negotiated?: readonly string[]): ResponseObject['content'] {
  if (options.schema !== undefined) return { [options.contentType ?? fixedType ?? 'application/json']: { schema: options.schema } };
  if (options.type === undefined) return undefined;
  const type = options.type;
  // Mirrors pipeline/write.ts: strings are sent as text/plain, bytes as application/octet-stream, the rest as JSON.
  const media = options.contentType ?? fixedType
    ?? (type === String ? 'text/plain' : type === Buffer || type === Uint8Array ? 'application/octet-stream' : 'application/json');
  if (type === Buffer || type === Uint8Array) return { [media]: {} };
  const schema = typeSchema(type, registry);
  // Data results are sent in any negotiated format (middleware/negotiate.ts); strings and bytes are not negotiated.
  if (negotiated !== undefined && media === 'application/json' && options.contentType === undefined && fixedType === undefined) {
    return Object.fromEntries(negotiated.map((m) => [m, { schema }]));
  }
  return { [media]: { schema } };
}

/** The schema of a declared response type: a primitive, a DTO `$ref`, a list of either, or a named generic. */
export function typeSchema(type: Function | readonly [Function] | GenericTypeMeta, registry: SchemaRegistry): JsonSchema {
  if (Array.isArray(type)) return { type: 'array', items: typeSchema(type[0] as Function, registry) };
  if (typeof type !== 'function') {
    const generic = type as GenericTypeMeta;
    return registry.generic(generic.wrapper, generic.item, generic.build);
  }
  if (type === String) return { type: 'string' };
  if (type === Number) return { type: 'number' };
  if (type === Boolean) return { type: 'boolean' };
  if (type === Date) return { type: 'string', format: 'date-time' };
  if (type === Object) return {};
  return registry.refFor(type);
}
