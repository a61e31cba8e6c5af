/**
 * The contract check: does a response match the OpenAPI document? Its status must be documented for the operation,
 * its content type must be one the response lists, and a JSON body must validate against that media type's schema
 * (ajv, JSON Schema 2020-12, the OpenAPI 3.1 dialect). Used by `app.inject({ contract: true })`, `TestClient`
 * (`rivetjs/testing`) and `rivet dev` (`RIVETJS_CONTRACT=1`), never on a production request path: ajv is loaded
 * on the first check, so an app that never checks never loads it.
 */
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import type { JsonSchema } from './schema-rules';
import type { OpenApiDocument, OperationObject, ResponseObject } from './types';

/** A response as the check sees it. */
export interface ContractResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | number | undefined>>;
  readonly body: Buffer | string;
}

/** What a mismatch reports: the operation (`GET /books/{id}`), the request, the status and each difference. */
export interface ContractMismatch {
  /** The documented operation, `METHOD /path/{template}`. */
  readonly route: string;
  /** The request, `METHOD /path?query`. */
  readonly request: string;
  readonly status: number;
  readonly differences: readonly string[];
}

/** Thrown (or rejected) when a response does not match the document, in tests with `{ contract: true }`. */
export class ContractViolationError extends Error {
  readonly mismatch: ContractMismatch;

  constructor(mismatch: ContractMismatch) {
    super(formatMismatch(mismatch));
    this.name = 'ContractViolationError';
    this.mismatch = mismatch;
  }
}

/** The mismatch as one readable message: route, request, status, then one difference a line. */
export function formatMismatch(m: ContractMismatch): string {
  return `${m.route} answered ${m.status} to ${m.request}, which the OpenAPI document does not allow:\n${m.differences.map((d) => `  - ${d}`).join('\n')}`;
}

/**
 * Checks responses against `doc`; returns the mismatch, or `null` when the response matches or the request reached
 * no documented operation (Rivet's own 404 and 405 answers, OPTIONS, the docs pages, health and metrics).
 */
export type ContractCheck = (method: string, url: string, response: ContractResponse) => ContractMismatch | null;

interface Operation { readonly template: string; readonly pattern: RegExp; readonly op: OperationObject }

type Validate = ((data: unknown) => boolean) & { errors?: { instancePath: string; message?: string; params?: unknown }[] | null };

const BASE = 'https://rivet.invalid/openapi.json';

/** Compiles the check for one document. Operations are matched by path template; schemas compile on first use. */
export function compileContract(doc: OpenApiDocument): ContractCheck {
  const operations = new Map<string, Operation[]>();
  // Static segments before parameters, as the router matches: '/books/count' is not '/books/{id}'.
  const templates = Object.keys(doc.paths).sort((a, b) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0));
  for (const template of templates) {
    const pattern = new RegExp(`^${template.split(/\{[^}]+\}/).map(escape).join('[^/]+')}/?$`);
    for (const [verb, op] of Object.entries(doc.paths[template] as Record<string, OperationObject>)) {
      const list = operations.get(verb) ?? [];
      operations.set(verb, [...list, { template, pattern, op }]);
    }
  }
  let ajv: { compile(schema: object): Validate } | undefined;
  const validators = new Map<JsonSchema, Validate>();
  const validatorFor = (schema: JsonSchema): Validate => {
    let v = validators.get(schema);
    if (v === undefined) {
      ajv ??= createAjv(doc);
      validators.set(schema, (v = ajv.compile(rebase(schema) as object)));
    }
    return v;
  };

  return (method, url, response) => {
    const verb = method.toLowerCase();
    const path = url.split('?')[0].split('#')[0];
    // RFC 9110 §9.3.2: HEAD answers as GET without content, so the GET operation is the contract.
    const found = operations.get(verb === 'head' ? 'get' : verb)?.find((o) => o.pattern.test(path));
    if (found === undefined) return null;
    const mismatch = (differences: string[]): ContractMismatch | null =>
      differences.length === 0 ? null : { route: `${method.toUpperCase()} ${found.template}`, request: `${method.toUpperCase()} ${url}`, status: response.status, differences };

    const responses = found.op.responses as Record<string, ResponseObject | { $ref: string }>;
    const declared = responses[String(response.status)] ?? responses[`${String(response.status)[0]}XX`] ?? responses.default;
    if (declared === undefined) {
      return mismatch([`status ${response.status} is not documented; the operation documents ${Object.keys(responses).join(', ')}`]);
    }
    const documented = resolve(doc, declared);
    const raw = typeof response.body === 'string' ? Buffer.from(response.body) : response.body;
    if (verb === 'head' || raw.length === 0) return null;
    // A response documented without content says nothing about its body: only a described body is checked.
    if (documented.content === undefined) return null;
    const header = response.headers['content-type'];
    const mediaType = String(Array.isArray(header) ? header[0] : header ?? '').split(';')[0].trim().toLowerCase();
    const media = documented.content[mediaType] ?? documented.content[`${mediaType.split('/')[0]}/*`] ?? documented.content['*/*'];
    if (media === undefined) {
      return mismatch([`content type ${mediaType === '' ? '(none)' : mediaType} is not documented for ${response.status}; documented: ${Object.keys(documented.content).join(', ')}`]);
    }
    if (media.schema === undefined || !/[/+]json$/.test(mediaType)) return null;
    let value: unknown;
    try {
      value = JSON.parse(decode(raw, response.headers['content-encoding']).toString('utf8'));
    } catch (err) {
      return mismatch([`the body is not JSON (${(err as Error).message})`]);
    }
    const validate = validatorFor(media.schema);
    if (validate(value)) return null;
    return mismatch((validate.errors ?? []).map((e) => `body${e.instancePath === '' ? '' : e.instancePath} ${e.message ?? 'is invalid'}${describeValue(value, e.instancePath)}`));
  };
}

/** The check as `app.inject` uses it: a {@link ContractViolationError} to reject with, or `null`. */
export function contractAsserter(doc: OpenApiDocument): (method: string, url: string, response: ContractResponse) => Error | null {
  const check = compileContract(doc);
  return (method, url, response) => {
    const mismatch = check(method, url, response);
    return mismatch === null ? null : new ContractViolationError(mismatch);
  };
}

function createAjv(doc: OpenApiDocument): { compile(schema: object): Validate } {
  let Ajv2020: new (options: object) => { compile(schema: object): Validate; addSchema(schema: object): unknown };
  try {
    Ajv2020 = (require('ajv/dist/2020') as { default: typeof Ajv2020 }).default;
  } catch {
    throw new Error('The contract check validates bodies with ajv, which is not installed.\n  Fix: npm install --save-dev ajv ajv-formats');
  }
  // strict: false lets OpenAPI's own keywords (discriminator, example, xml) through as annotations.
  const ajv = new Ajv2020({ strict: false, allErrors: true, logger: false });
  try {
    (require('ajv-formats') as { default: (a: unknown) => void }).default(ajv);
  } catch {
    // Without ajv-formats, formats are not checked; types, bounds, patterns and required properties still are.
  }
  ajv.addSchema({ $id: BASE, components: { schemas: rebase(doc.components?.schemas ?? {}) } });
  return ajv;
}

/** A copy of `schema` whose local refs (`#/components/…`) point into the document schema added under {@link BASE}. */
function rebase(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rebase);
  if (schema === null || typeof schema !== 'object') return schema;
  return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `${BASE}${v}` : rebase(v)]));
}

function resolve(doc: OpenApiDocument, r: ResponseObject | { $ref: string }): ResponseObject {
  if (!('$ref' in r)) return r;
  const name = r.$ref.replace('#/components/responses/', '');
  return (doc.components?.responses as Record<string, ResponseObject> | undefined)?.[name] ?? {} as ResponseObject;
}

function decode(raw: Buffer, encoding: unknown): Buffer {
  switch (String(encoding ?? '').toLowerCase()) {
    case 'gzip': return gunzipSync(raw);
    case 'br': return brotliDecompressSync(raw);
    case 'deflate': return inflateSync(raw);
    default: return raw;
  }
}

/** ` (got …)` with the offending value, short. */
function describeValue(root: unknown, pointer: string): string {
  let v: unknown = root;
  for (const part of pointer.split('/').slice(1)) {
    if (v === null || typeof v !== 'object') return '';
    v = (v as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  const text = JSON.stringify(v);
  return text === undefined ? '' : ` (got ${text.length > 80 ? `${text.slice(0, 77)}...` : text})`;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
