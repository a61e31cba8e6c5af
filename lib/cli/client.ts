import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { OpenApiDocument } from '../openapi/types';
import { commentText, propertyKey, tsType, typeName } from './client-types';
import { refreshTypesFor } from './build';
import { loadApp, type AppModuleOptions } from './load-app';

/** Options of `rivet client`. */
export interface ClientCommandOptions extends AppModuleOptions {
  /** The directory to write `index.ts` into. */
  out: string;
}

type Json = Record<string, unknown>;
const VERBS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** Writes a typed fetch client for the app module's document into `<out>/index.ts`; the app never listens. */
export async function runClientCommand(options: ClientCommandOptions): Promise<string> {
  if (options.types !== false) refreshTypesFor(resolve(options.cwd ?? process.cwd(), options.app));
  const source = generateClient((await loadApp(options, 'client')).openapi());
  const dir = resolve(options.cwd ?? process.cwd(), options.out);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'index.ts');
  writeFileSync(file, source);
  return file;
}

/**
 * The client's TypeScript source: one interface per component schema, `Problem` and `ApiError` for
 * problem+json answers, and `createClient({ baseUrl })` returning one function per operation. Every name and
 * path taken from the document is emitted through JSON.stringify or an identifier check, never as raw text.
 */
export function generateClient(doc: OpenApiDocument): string {
  const schemas = (doc.components?.schemas ?? {}) as Record<string, unknown>;
  const types = Object.entries(schemas).map(([name, schema]) => {
    const t = tsType(schema);
    const doc = typeof (schema as Json)?.description === 'string' ? `/** ${commentText((schema as Json).description as string)} */\n` : '';
    return t.startsWith('{') ? `${doc}export interface ${typeName(name)} ${t}\n` : `${doc}export type ${typeName(name)} = ${t};\n`;
  });
  const used = new Set<string>();
  const operations: string[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const verb of VERBS) {
      const op = (item as Json)[verb] as Json | undefined;
      // An event stream never ends: a fetch-and-parse function would hang. Use EventSource for those.
      if (op !== undefined && !isEventStream(op)) operations.push(operation(path, verb, op, (item as Json).parameters as Json[] | undefined, used));
    }
  }
  return `${HEADER(commentText(`${doc.info.title} ${doc.info.version}`))}
${types.join('\n')}
/** Creates the client. \`baseUrl\` is where the API is served, e.g. 'http://localhost:3000'. */
export function createClient(options: ClientOptions) {
  const call = createCall(options);
  return {
${operations.join('\n')}
  };
}

/** The client's type: one function per operation. */
export type Client = ReturnType<typeof createClient>;
`;
}

function operation(path: string, verb: string, op: Json, shared: Json[] | undefined, used: Set<string>): string {
  const base = camelCase(typeof op.operationId === 'string' ? op.operationId : `${verb}_${path}`);
  let name = base;
  for (let i = 2; used.has(name); i++) name = `${base}${i}`;
  used.add(name);
  const params = [...(shared ?? []), ...((op.parameters as Json[] | undefined) ?? [])].filter((p) => typeof p?.name === 'string');
  const groups: Record<'path' | 'query' | 'header', Json[]> = { path: [], query: [], header: [] };
  for (const p of params) if (p.in === 'path' || p.in === 'query' || p.in === 'header') groups[p.in as 'path'].push(p);
  const fields: string[] = [];
  let required = false;
  for (const [where, list] of Object.entries(groups)) {
    if (list.length === 0) continue;
    const anyRequired = list.some((p) => p.required === true);
    required ||= anyRequired;
    const props = list.map((p) => `${propertyKey(p.name as string)}${p.required === true ? '' : '?'}: ${tsType(p.schema, '      ')}`).join('; ');
    fields.push(`${where === 'header' ? 'headers' : where}${anyRequired ? '' : '?'}: { ${props} }`);
  }
  const body = op.requestBody as Json | undefined;
  const content = (body?.content ?? {}) as Record<string, Json>;
  const json = Object.keys(content).find((t) => t === 'application/json' || t.endsWith('+json'));
  if (body !== undefined) {
    required ||= body.required === true;
    fields.push(`body${body.required === true ? '' : '?'}: ${json === undefined ? 'RequestBody' : tsType(content[json].schema, '      ')}`);
  }
  const args = fields.length === 0 ? '' : `args: { ${fields.join('; ')} }${required ? '' : ' = {}'}, `;
  const url = path.split(/(\{[^}]+\})/).filter((s) => s !== '').map((s) => {
    const m = /^\{(.+)\}$/.exec(s);
    return m === null ? JSON.stringify(s) : `encodeURIComponent(String(args.path[${JSON.stringify(m[1])}]))`;
  }).join(' + ') || '"/"';
  const summary = typeof op.summary === 'string' ? `    /** ${commentText(op.summary)} (${verb.toUpperCase()} ${commentText(path)}) */\n` : '';
  const has = (f: string) => fields.some((x) => x.startsWith(f));
  return `${summary}    ${name}: (${args}init?: RequestOptions): Promise<${responseType(op)}> =>
      call(${JSON.stringify(verb.toUpperCase())}, ${url}, ${has('query') ? 'args.query' : 'undefined'}, ${has('headers') ? 'args.headers' : 'undefined'}, ${has('body') ? 'args.body' : 'undefined'}, ${json === undefined && has('body') ? 'true' : 'false'}, init) as Promise<${responseType(op)}>,`;
}

/** The first 2xx answer's JSON schema as a type; `void` for 204 or a body-less success; `unknown` when undeclared. */
function responseType(op: Json): string {
  const responses = (op.responses ?? {}) as Record<string, Json>;
  const ok = Object.keys(responses).filter((s) => /^2\d\d$/.test(s)).sort()[0];
  if (ok === undefined) return 'unknown';
  if (ok === '204') return 'void';
  const content = (responses[ok]?.content ?? {}) as Record<string, Json>;
  const json = Object.keys(content).find((t) => t === 'application/json' || t.endsWith('+json'));
  return json === undefined || content[json].schema === undefined ? 'unknown' : tsType(content[json].schema, '    ');
}

function isEventStream(op: Json): boolean {
  const ok = Object.entries((op.responses ?? {}) as Record<string, Json>).find(([status]) => /^2\d\d$/.test(status))?.[1];
  const types = Object.keys((ok?.content ?? {}) as Json);
  return types.length > 0 && types.every((t) => t === 'text/event-stream');
}

const camelCase = (s: string): string => {
  const words = s.split(/[^A-Za-z0-9]+/).filter((w) => w !== '');
  const joined = words.map((w, i) => (i === 0 ? w.charAt(0).toLowerCase() + w.slice(1) : w.charAt(0).toUpperCase() + w.slice(1))).join('');
  return /^[A-Za-z_]/.test(joined) ? joined : `op_${joined}`;
};

const HEADER = (title: string) => `/* eslint-disable */
// Generated by \`rivet client\` from the OpenAPI document of ${title}. Do not edit: run rivet client again.

/** One failed check of a 422 answer: where (\`['body', 'email']\`), what, and the rule. */
export interface ValidationIssue {
  loc: (string | number)[];
  msg: string;
  type: string;
}

/** An RFC 9457 problem+json answer, as every Rivet error is sent. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: ValidationIssue[];
  [extension: string]: unknown;
}

/** Thrown for any non-2xx answer, with the parsed problem. */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;
  readonly response: Response;

  constructor(status: number, problem: Problem, response: Response) {
    super(problem.detail ?? problem.title);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
    this.response = response;
  }
}

export interface ClientOptions {
  /** Where the API is served, e.g. 'http://localhost:3000'. */
  baseUrl: string;
  /** Headers for every request (e.g. Authorization), or a function returning them. */
  headers?: Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>);
  /** The fetch to use (default: the global one; undici's fetch works too). */
  fetch?: typeof fetch;
}

/** A body sent as is (forms, files, text), for operations that take no JSON. */
export type RequestBody = NonNullable<RequestInit['body']>;

/** Per-call options. */
export interface RequestOptions {
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

function createCall(options: ClientOptions) {
  const base = options.baseUrl.replace(/\\/+$/, '');
  const doFetch = options.fetch ?? globalThis.fetch;
  return async (method: string, path: string, query: object | undefined, headers: object | undefined, body: unknown, raw: boolean, init: RequestOptions | undefined): Promise<unknown> => {
    let url = base + path;
    if (query !== undefined) {
      const search = new URLSearchParams();
      for (const [key, value] of Object.entries(query)) {
        if (value === undefined || value === null) continue;
        for (const item of Array.isArray(value) ? value : [value]) search.append(key, item instanceof Date ? item.toISOString() : String(item));
      }
      const text = search.toString();
      if (text !== '') url += \`?\${text}\`;
    }
    const common = typeof options.headers === 'function' ? await options.headers() : options.headers;
    const all: Record<string, string> = { accept: 'application/json, application/problem+json', ...common, ...(headers as Record<string, string> | undefined), ...init?.headers };
    if (body !== undefined && !raw) all['content-type'] = 'application/json';
    const res = await doFetch(url, { method, headers: all, body: body === undefined ? undefined : raw ? (body as RequestBody) : JSON.stringify(body), signal: init?.signal });
    const text = await res.text();
    const isJson = /[/+]json\\b/.test(res.headers.get('content-type') ?? '');
    const data: unknown = text === '' ? undefined : isJson ? JSON.parse(text) : text;
    if (!res.ok) {
      const problem = isJson && typeof data === 'object' && data !== null ? (data as Problem) : { type: 'about:blank', title: res.statusText, status: res.status, detail: typeof data === 'string' ? data : undefined };
      throw new ApiError(res.status, problem, res);
    }
    return data;
  };
}
`;
