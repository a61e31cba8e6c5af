import type lightMyRequestType from 'light-my-request';
import type { Dispatch } from '../router/dispatch';

/** A request run in-process by `app.inject()`, without a socket. */
export interface InjectRequest {
  method?: string;
  url: string;
  headers?: Record<string, string>;
  query?: Record<string, string | string[]>;
  cookies?: Record<string, string>;
  /** An object or array is sent as JSON (with its Content-Type); a string or Buffer as is. */
  body?: unknown;
  /**
   * Checks the response against the app's OpenAPI document: `inject` rejects with a `ContractViolationError` naming
   * the route, the status and each difference when the status, content type or body is not what the document allows.
   */
  contract?: boolean;
}

/** Checks one response against the app's contract: an error to reject with, or `null` (lib/openapi/contract.ts). */
export type InjectContract = (method: string, url: string, response: { status: number; headers: InjectResponse['headers']; body: Buffer }) => Error | null;

/** The response of `app.inject()`. */
export interface InjectResponse {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  /** The body as text. */
  body: string;
  rawBody: Buffer;
  /** The body parsed as JSON. */
  json<T = unknown>(): T;
}

/** Runs one request through `dispatch` with in-memory request/response objects (light-my-request). */
export async function inject(dispatch: Dispatch, request: InjectRequest | string, contract?: () => InjectContract): Promise<InjectResponse> {
  const r = typeof request === 'string' ? { url: request } : request;
  // light-my-request is loaded on first use: production servers never inject.
  const lightMyRequest = require('light-my-request') as typeof lightMyRequestType;
  const res = await lightMyRequest(dispatch, {
    method: (r.method ?? 'GET').toUpperCase() as 'GET',
    url: r.url,
    headers: r.headers,
    query: r.query,
    cookies: r.cookies,
    payload: r.body as string | Buffer | object | undefined,
  });
  if (r.contract === true) {
    if (contract === undefined) throw new Error('inject({ contract: true }) needs the app\'s OpenAPI document: call app.inject(), not the bare inject().');
    const search = r.query === undefined ? '' : new URLSearchParams(Object.entries(r.query).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x): [string, string] => [k, x]))).toString();
    const url = search === '' ? r.url : `${r.url}${r.url.includes('?') ? '&' : '?'}${search}`;
    const violation = contract()((r.method ?? 'GET').toUpperCase(), url, { status: res.statusCode, headers: res.headers, body: res.rawPayload });
    if (violation !== null) throw violation;
  }
  return {
    status: res.statusCode,
    headers: res.headers,
    body: res.body,
    rawBody: res.rawPayload,
    json: <T>() => JSON.parse(res.body) as T,
  };
}
