/**
 * The OpenAPI 3.1.0 document, built once at start-up from the compiled route table: the same folded
 * metadata, compiled parameters and resolved guards the dispatcher runs, never anything seen in traffic.
 */
import { RivetError, throwCollected } from '../errors/rivet-error';
import type { CompiledRoute } from '../pipeline/compiled-route';
import { toOpenApiPath } from '../router/path';
import type { NormalizedOpenApi } from './options';
import { describeInput } from './parameters';
import { addErrorResponse, describeResponses, PROBLEM_SCHEMAS, sortedResponses } from './responses';
import { SchemaRegistry } from './schema';
import type { JsonSchema } from './schema-rules';
import { describeSecurity, type SchemeRegistry } from './security';
import { deriveSummary, escapeDescriptions } from './text';
import type { HttpVerb, InfoObject, OpenApiDocument, OperationObject, PathItemObject, ResponseObject, ServerObject, TagObject } from './types';

/** `servers` when the options give none: the document's own origin, so "Try it out" calls the server that serves it. */
const SAME_ORIGIN: readonly ServerObject[] = [{ url: '/', description: 'The server that serves this document' }];

/** The verbs an `@All` route answers (router/methods.ts), each documented unless the path declares it itself. */
const ALL_VERBS: readonly HttpVerb[] = ['get', 'post', 'put', 'patch', 'delete'];

interface Planned {
  readonly route: CompiledRoute;
  readonly path: string;
  readonly verb: HttpVerb;
  /** The `operationId` the user gave, suffixed per verb for an `@All` route. */
  readonly given: string | undefined;
  /** The base of a derived `operationId`. */
  readonly derived: string;
}

/** Builds the document and deep-freezes it. Duplicate user-given operationIds are reported at once. */
export function buildDocument(routes: readonly CompiledRoute[], options: NormalizedOpenApi): OpenApiDocument {
  const planned = plan(routes);
  const ids = assignOperationIds(planned);
  const registry = new SchemaRegistry();
  // Reserved before any DTO, so that a user class named `Problem` becomes `Problem2` and not the other way round.
  for (const [name, schema] of Object.entries(PROBLEM_SCHEMAS)) registry.components[name] = schema;
  const sharedResponses = new Map<string, ResponseObject>();
  const schemes: SchemeRegistry = new Map();
  const paths: Record<string, PathItemObject> = {};
  const usedTags: string[] = [];

  planned.forEach((p, i) => {
    const d = p.route.descriptor;
    const input = describeInput(p.route, registry);
    const security = describeSecurity(p.route, schemes);
    const responses = describeResponses(p.route, {
      validates: input.validates, readsBody: input.readsBody, authenticates: security.length > 0,
    }, options.errorStatuses, registry, sharedResponses);
    const tags = [...new Set([...(d.controllerMeta.options.tags ?? []), ...(d.options.tags ?? [])])];
    // Keys in the order the specification lists them, which is also how people read an operation.
    const op = {} as OperationObject;
    if (tags.length > 0) op.tags = tags;
    // Linters (Redocly's operation-summary) and every UI want a summary: derived from the handler name when none is given.
    op.summary = d.options.summary ?? deriveSummary(d.handlerName, d.controller.name);
    if (d.options.description !== undefined) op.description = d.options.description;
    op.operationId = ids[i];
    if (input.parameters.length > 0) op.parameters = input.parameters;
    if (input.requestBody !== undefined) op.requestBody = input.requestBody;
    op.responses = responses;
    if (d.options.deprecated === true) op.deprecated = true;
    op.security = security;
    // Plugins add what they document (their `document` stage), with tools that document error answers the way the
    // route sends them.
    if (p.route.documenters.length > 0) {
      const tools = {
        errorResponse: (status: number, description?: string): void => {
          if (!Number.isInteger(status) || status < 400 || status > 599) {
            throw new RivetError('RIVET_PLUGIN_INVALID', `${p.route.descriptor.where}: a plugin's document stage called errorResponse(${String(status)}).\n  Fix: give an error status from 400 to 599.`);
          }
          addErrorResponse(responses, p.route, status, options.errorStatuses, sharedResponses, description);
        },
      };
      for (const add of p.route.documenters) add(op, tools);
    }
    for (const t of tags) if (!usedTags.includes(t)) usedTags.push(t);
    (paths[p.path] ??= {})[p.verb] = op;
  });

  const o = options.options;
  const info: InfoObject = { title: options.title, version: options.version };
  for (const key of ['summary', 'description', 'termsOfService', 'contact', 'license'] as const) {
    if (o[key] !== undefined) (info as unknown as Record<string, unknown>)[key] = o[key];
  }
  const doc = { openapi: '3.1.0', info } as OpenApiDocument;
  doc.servers = o.servers !== undefined && o.servers.length > 0 ? o.servers : [...SAME_ORIGIN];
  const tags: TagObject[] = [...(o.tags ?? []), ...usedTags.filter((t) => !o.tags?.some((x) => x.name === t)).map((name) => ({ name }))];
  if (tags.length > 0) doc.tags = tags;
  if (o.tagGroups !== undefined && o.tagGroups.length > 0) doc['x-tagGroups'] = o.tagGroups;
  if (o.externalDocs !== undefined) doc.externalDocs = o.externalDocs;
  doc.paths = paths;
  doc.components = {};
  if (sharedResponses.size > 0) doc.components.responses = sortedResponses(sharedResponses);
  const schemas = finalSchemas(registry, doc);
  if (Object.keys(schemas).length > 0) doc.components.schemas = schemas;
  if (schemes.size > 0) doc.components.securitySchemes = Object.fromEntries([...schemes].map(([name, s]) => [name, s.scheme]));
  // A JSON round trip detaches the document from option objects and schemas the user still holds, before freezing.
  const detached = JSON.parse(JSON.stringify(doc)) as OpenApiDocument;
  escapeDescriptions(detached);
  return deepFreeze(detached);
}

/**
 * The document once the app listens at `url`: when the options give no `servers`, the listening address is listed
 * after the same-origin entry (a wildcard host shows as localhost). Otherwise the document is returned as it is.
 */
export function withListeningServer(doc: OpenApiDocument, options: NormalizedOpenApi, url: string): OpenApiDocument {
  if (options.options.servers !== undefined && options.options.servers.length > 0) return doc;
  const shown = url.replace(/^http:\/\/(0\.0\.0\.0|\[::\])(?=:)/, 'http://localhost');
  const copy = JSON.parse(JSON.stringify(doc)) as OpenApiDocument;
  copy.servers = [...SAME_ORIGIN, { url: shown, description: 'Where this process listens' }];
  return deepFreeze(copy);
}

/** One entry per documented operation, in declaration order; `@All` routes expand to the verbs they answer. */
function plan(routes: readonly CompiledRoute[]): Planned[] {
  const explicit = new Map<string, Set<string>>();
  const pathOf = (r: CompiledRoute): string => toOpenApiPath(r.descriptor.segments);
  for (const r of routes) {
    if (r.descriptor.method === 'ALL') continue;
    const verbs = explicit.get(pathOf(r)) ?? new Set();
    explicit.set(pathOf(r), verbs.add(r.descriptor.method.toLowerCase()));
  }
  const out: Planned[] = [];
  for (const route of routes) {
    const d = route.descriptor;
    const path = pathOf(route);
    const base = `${lowerFirst(d.controller.name.replace(/Controller$/, '')) || 'root'}_${d.handlerName}`;
    if (d.method !== 'ALL') {
      out.push({ route, path, verb: d.method.toLowerCase() as HttpVerb, given: d.options.operationId, derived: base });
      continue;
    }
    for (const verb of ALL_VERBS) {
      if (explicit.get(path)?.has(verb)) continue;
      const given = d.options.operationId === undefined ? undefined : `${d.options.operationId}_${verb}`;
      out.push({ route, path, verb, given, derived: `${base}_${verb}` });
    }
  }
  return out;
}

/**
 * Given ids are kept and must be unique (RIVET_OPENAPI_OPERATION_ID_DUPLICATE names both handlers); derived
 * ids take `Controller#method` as `controller_method` and get `_2`, `_3`… in declaration order when taken.
 */
function assignOperationIds(planned: readonly Planned[]): string[] {
  const taken = new Map<string, string>();
  const errors: RivetError[] = [];
  for (const p of planned) {
    if (p.given === undefined) continue;
    const prior = taken.get(p.given);
    if (prior !== undefined && prior !== p.route.descriptor.where) {
      errors.push(new RivetError('RIVET_OPENAPI_OPERATION_ID_DUPLICATE', `operationId "${p.given}" is given to both ${prior} and ${p.route.descriptor.where}.\n  Fix: give each route its own operationId, or leave it out to have one derived (a base class shared by several controllers should not set one).`));
    }
    taken.set(p.given, p.route.descriptor.where);
  }
  throwCollected(errors);
  const seen = new Set<string>();
  return planned.map((p) => {
    if (p.given !== undefined && !seen.has(p.given)) {
      seen.add(p.given);
      return p.given;
    }
    let id = p.given ?? p.derived;
    for (let n = 2; taken.has(id) || seen.has(id); n++) id = `${p.given ?? p.derived}_${n}`;
    seen.add(id);
    return id;
  });
}

/** Component schemas: the application's first, then the problem schemas that some response uses. */
function finalSchemas(registry: SchemaRegistry, doc: OpenApiDocument): Record<string, JsonSchema> {
  const own = Object.entries(registry.components).filter(([name]) => !Object.hasOwn(PROBLEM_SCHEMAS, name));
  const refs = new Set<string>();
  collectRefs([doc.paths, doc.components.responses, own], refs);
  if (refs.has('#/components/schemas/ValidationProblem')) {
    refs.add('#/components/schemas/Problem');
    refs.add('#/components/schemas/ValidationIssue');
  }
  const problems = Object.entries(PROBLEM_SCHEMAS).filter(([name]) => refs.has(`#/components/schemas/${name}`));
  return Object.fromEntries([...own, ...problems]);
}

function collectRefs(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) for (const v of value) collectRefs(v, into);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') into.add(v);
      else collectRefs(v, into);
    }
  }
}

const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
