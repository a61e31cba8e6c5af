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
}

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
export async function inject(dispatch: Dispatch, request: InjectRequest | string): Promise<InjectResponse> {
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
  return {
    status: res.statusCode,
    headers: res.headers,
    body: res.body,
    rawBody: res.rawPayload,
    json: <T>() => JSON.parse(res.body) as T,
  };
}
