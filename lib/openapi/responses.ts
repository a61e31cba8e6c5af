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
import { routeThrows } from './throws';
import type { HeaderObject, ReferenceObject, ResponseObject } from './types';

const PROBLEM_TYPE = 'application/problem+json';
const schemaRef = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

/** What each example problem says, by status. */
const EXAMPLE_DETAILS: Readonly<Record<number, string>> = {
  400: 'The body is not valid JSON: Unexpected end of JSON input.',
  401: 'Send Authorization: Bearer <token>.',
  403: 'You may not do this.',
  404: 'Item 7 does not exist.',
  406: 'This route sends application/json; the Accept header allows none of it.',
  409: 'Item 7 was changed by another request.',
  413: 'The body is larger than 1048576 bytes.',
  415: 'This route reads application/json, not text/plain.',
  422: 'body.email: email must be an email',
  429: 'Too many requests; retry in 30 seconds.',
};

/** An example problem of `status`, valid against its schema: what a client sees for that status. */
function exampleOf(status: number, description?: string): Record<string, unknown> {
  const example: Record<string, unknown> = {
    type: 'about:blank', title: STATUS_CODES[status] ?? 'Error', status, detail: EXAMPLE_DETAILS[status] ?? description ?? `${STATUS_CODES[status] ?? 'Error'}.`, instance: '/items/7',
  };
  if (status === 422) example.errors = [{ loc: ['body', 'email'], msg: 'email must be an email', type: 'isEmail' }];
  return example;
}

/** Component schemas shared by every error response, named here and registered before any DTO. */
export const PROBLEM_SCHEMAS: Readonly<Record<string, JsonSchema>> = {
  Problem: {
    type: 'object',
    description: 'An RFC 9457 problem details object, sent as application/problem+json for every error.',
    properties: {
      // No status-specific examples here: every error response shares this schema (and ValidationProblem extends it),
      // so each response carries an example of its own status instead (see exampleOf).
      type: { type: 'string', format: 'uri-reference', description: 'A URI identifying the problem type; "about:blank" when the status says it all.', examples: ['about:blank'] },
      title: { type: 'string', description: 'The status text.' },
      status: { type: 'integer', minimum: 400, maximum: 599, description: 'The HTTP status.' },
      detail: { type: 'string', description: 'What went wrong with this request.' },
      instance: { type: 'string', format: 'uri-reference', description: 'The request path and query.' },
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
    examples: [exampleOf(422)],
  },
};

/** The `content` of a shared problem response: the schema and an example of that status. */
const problemContent = (schema: string, status: number, description?: string): ResponseObject['content'] => ({ [PROBLEM_TYPE]: { schema: schemaRef(schema), example: exampleOf(status, description) } });

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

/** Descriptions of the shared responses for statuses that routes throw (not among the automatic ones). */
const THROWN_DESCRIPTIONS: Readonly<Record<number, string>> = {
  405: 'The resource does not answer this method.',
  409: 'The request conflicts with the current state of the resource.',
  410: 'The resource is gone for good.',
  412: 'A precondition of the request does not hold.',
  500: 'The server failed to answer.',
  501: 'The server does not do this (yet).',
  502: 'An upstream service answered badly.',
  503: 'The service cannot answer now; try again later.',
  504: 'An upstream service did not answer in time.',
};

/** The `components.responses` name of an error status: the automatic name, else its status text in PascalCase. */
function sharedName(status: number): string {
  const auto = (AUTO_RESPONSES as Record<number, { name: string } | undefined>)[status];
  if (auto !== undefined) return auto.name;
  const text = (STATUS_CODES[status] ?? `Status ${status}`).replace(/[^A-Za-z0-9 ]/g, ' ');
  return text.split(' ').filter(Boolean).map((w) => w[0].toUpperCase() + w.slice(1)).join('') || `Status${status}`;
}

const STATUS_BY_NAME = new Map(Object.keys(STATUS_CODES).map((s) => [sharedName(Number(s)), Number(s)]));

/** The shared error responses in status order, whatever order the routes met them in. */
export function sortedResponses(shared: ReadonlyMap<string, ResponseObject>): Record<string, ResponseObject> {
  const statusOf = (name: string): number => STATUS_BY_NAME.get(name) ?? 999;
  return Object.fromEntries([...shared].sort(([a], [b]) => statusOf(a) - statusOf(b)));
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
  const applies: Record<400 | 401 | 403 | 404 | 413 | 415 | 422, boolean> = {
    400: facts.readsBody,
    401: facts.authenticates,
    403: route.guards.length > 0,
    404: d.paramNames.length > 0,
    413: facts.readsBody,
    415: facts.readsBody,
    422: facts.validates,
  };
  for (const status of [400, 401, 403, 404, 413, 415, 422] as const) {
    if (applies[status]) addErrorResponse(out, route, status, auto, shared);
  }
  // What the route is seen to throw (handler, guards, pipes, filters) or declares with @Throws is documented always.
  for (const t of routeThrows(route)) addErrorResponse(out, route, t.status, auto, shared, undefined, t.error ?? HttpError);
  // Integer-like keys keep ascending order in a JS object, so the statuses read in order whatever was added first.
  return out;
}

/**
 * Documents the error answer for `status` on an operation's `responses` (unless one is there already, or `auto`
 * leaves an automatic status out): in the format of the route's filter that answers it, else as a shared
 * problem+json response with an example of that status. What plugins' `DocumentTools.errorResponse` does, the
 * automatic statuses above, and the errors the route throws (`thrown`: the error class, documented whatever `auto` says).
 */
export function addErrorResponse(
  out: Record<string, ResponseObject | ReferenceObject>, route: CompiledRoute, status: number,
  auto: ReadonlySet<AutoErrorStatus>, shared: Map<string, ResponseObject>, description?: string, thrown?: Function,
): void {
  const known = (AUTO_RESPONSES as Partial<Record<number, typeof AUTO_RESPONSES[AutoErrorStatus]>>)[status];
  if (out[status] !== undefined || (thrown === undefined && known !== undefined && !auto.has(status as AutoErrorStatus))) return;
  const { schema, headers } = known ?? { schema: 'Problem', headers: undefined };
  const name = known?.name ?? (thrown === undefined ? null : sharedName(status));
  const text = description ?? known?.description ?? THROWN_DESCRIPTIONS[status] ?? STATUS_CODES[status] ?? `Status ${status}`;
  const filtered = filterBody(route, thrown ?? (ERROR_CLASSES as Partial<Record<number, Function>>)[status] ?? HttpError);
  if (filtered !== undefined || name === null || description !== undefined) {
    // The route's filter answers this error in its own format (documented in place, with the filter's schema), or a
    // status or description of the plugin's own.
    out[status] = { description: text, ...(headers === undefined ? {} : { headers }), content: filtered ?? problemContent(schema, status, description) };
    return;
  }
  shared.set(name, { description: text, ...(headers === undefined ? {} : { headers }), content: problemContent(schema, status) });
  out[status] = { $ref: `#/components/responses/${name}` };
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
function filterBody(route: CompiledRoute, error: Function): ResponseObject['content'] | undefined {
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
  if (Object.keys(headers).length > 0) response.headers = headers;
  let body = bodyOf(options, registry, fixedType);
  // No declared body: the handler's TypeScript return type, when `rivet types` recorded it (./return-types.ts). A
  // negotiating app's document stage lists the other media types (lib/middleware/responses.ts).
  const inferred = body === undefined && options.schema === undefined && options.type === undefined ? route.inferred : undefined;
  if (inferred !== undefined) body = inferredContent(inferred, registry, fixedType);
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
function bodyOf(options: ResponseOptions, registry: SchemaRegistry, fixedType: string | undefined): ResponseObject['content'] {
  if (options.schema !== undefined) return { [options.contentType ?? fixedType ?? 'application/json']: { schema: options.schema } };
  if (options.type === undefined) return undefined;
  const type = options.type;
  // Mirrors pipeline/write.ts: strings are sent as text/plain, bytes as application/octet-stream, the rest as JSON.
  const media = options.contentType ?? fixedType
    ?? (type === String ? 'text/plain' : type === Buffer || type === Uint8Array ? 'application/octet-stream' : 'application/json');
  if (type === Buffer || type === Uint8Array) return { [media]: {} };
  return { [media]: { schema: typeSchema(type, registry) } };
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
