import type { IncomingMessage, ServerResponse } from 'node:http';
import { instanceOf, REQUEST_ERROR, REQUEST_ID, toProblem, writeProblem, type ErrorPolicy } from '../errors/problem';
import { RequestContext, type RouteInfo } from './context';

/** What a filter answers: the status, and optionally a body (JSON unless it is text or bytes) and headers. */
export interface FilterAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string | number | readonly string[]>;
}

/**
 * An exception filter: turns an error into an answer of the app's own format, or returns `undefined` to pass it on
 * (to the next filter, and finally to Rivet's problem+json). Mark the class with `@Catch(...)` to say which errors it
 * handles. A `static schema` (JSON Schema) on the class documents its body in the OpenAPI error responses.
 */
export interface ExceptionFilter<E = unknown> {
  catch(error: E, ctx: RequestContext): FilterAnswer | undefined;
}

/** One filter of a chain, as compiled at start-up. */
export interface CompiledFilter {
  readonly instance: ExceptionFilter;
  /** The error classes it handles; empty: every error. */
  readonly types: readonly Function[];
}

// Errors answered before any route ran (404, 405, a malformed path, limits) have no route of their own.
class Unrouted {}
const UNROUTED: RouteInfo = Object.freeze({ method: '', path: '', controller: Unrouted, handler: '', where: '', options: {}, metadata: new Map() });

/**
 * `errors` with a filter chain in front of its problem+json: the first filter of `chain` that handles the error
 * and answers writes that answer. A filter that throws is a 500 problem, logged as any unexpected error. An empty
 * chain returns `errors` itself, so that an app without filters pays nothing.
 */
export function withFilters(errors: ErrorPolicy, chain: readonly CompiledFilter[]): ErrorPolicy {
  if (chain.length === 0) return errors;
  const filter = (req: IncomingMessage, res: ServerResponse, err: unknown, ctx: unknown): boolean => {
    for (const f of chain) {
      if (f.types.length > 0 && !f.types.some((t) => err instanceof (t as new () => object))) continue;
      let answer: FilterAnswer | undefined;
      try {
        answer = f.instance.catch(err, (ctx as RequestContext | undefined) ?? unroutedContext(req, res));
        if (answer === undefined) continue;
        writeAnswer(res, answer, f.instance);
      } catch (thrown) {
        filterFailed(req, res, thrown, errors);
      }
      return true;
    }
    return false;
  };
  return { ...errors, filter: errors.filter === null ? filter : (req, res, err, ctx) => filter(req, res, err, ctx) || errors.filter!(req, res, err, ctx) };
}

function unroutedContext(req: IncomingMessage, res: ServerResponse): RequestContext {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return new RequestContext(req, res, UNROUTED, {}, q === -1 ? '' : url.slice(q + 1));
}

/** Writes a filter's answer, as the success path writes: one writeHead, Content-Length, JSON unless text or bytes. */
function writeAnswer(res: ServerResponse, answer: FilterAnswer, filter: ExceptionFilter): void {
  if (answer === null || typeof answer !== 'object' || !Number.isInteger(answer.status) || answer.status < 100 || answer.status > 599) {
    throw new TypeError(`${filter.constructor.name}.catch() answered ${safeJson(answer)}; it must return { status (100-599), body?, headers? } or undefined.`);
  }
  const { status, body } = answer;
  if (res.writableEnded) return;
  if (res.headersSent) { res.destroy(); return; }
  const headers: Record<string, string | number | readonly string[]> = {};
  for (const name in answer.headers) headers[name.toLowerCase()] = answer.headers[name];
  let payload: string | Uint8Array | undefined;
  if (body === undefined || body === null || status === 204 || status === 304) {
    payload = undefined;
  } else if (typeof body === 'string') {
    payload = body;
    headers['content-type'] ??= 'text/plain; charset=utf-8';
  } else if (body instanceof Uint8Array) {
    payload = body;
    headers['content-type'] ??= 'application/octet-stream';
  } else {
    payload = JSON.stringify(body);
    headers['content-type'] ??= 'application/json; charset=utf-8';
  }
  headers['content-length'] = payload === undefined ? 0 : typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength;
  res.writeHead(status, headers as Record<string, string | number | string[]>);
  if (payload === undefined || res.req.method === 'HEAD') res.end();
  else res.end(payload);
}

/** A filter that threw: a 500 problem, and the filter's error logged (access log or stderr) as any unexpected error. */
function filterFailed(req: IncomingMessage, res: ServerResponse, thrown: unknown, errors: ErrorPolicy): void {
  (req as IncomingMessage & { [REQUEST_ERROR]?: unknown })[REQUEST_ERROR] = thrown;
  errors.report?.(req, thrown);
  const problem = toProblem(new Error('An exception filter failed.', { cause: thrown }), instanceOf(req.url), errors.debug);
  const id = (req as IncomingMessage & { [REQUEST_ID]?: string })[REQUEST_ID];
  if (id !== undefined) problem.requestId = id;
  writeProblem(res, problem);
}

function safeJson(value: unknown): string {
  try { return JSON.stringify(value) ?? String(value); } catch { return String(value); }
}
