/**
 * The contract check in development (`rivet dev --contract`, or `RIVETJS_CONTRACT=1`): every answer the server sends is
 * checked against the OpenAPI document once it is finished, and a mismatch is logged as a warning. The request is
 * served exactly as without it; only a copy of the body is kept, up to {@link CAPTURE_LIMIT}.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Dispatch } from '../router/dispatch';
import { compileContract, formatMismatch, type ContractCheck } from './contract';
import type { OpenApiDocument } from './types';

/** Bodies longer than this (streams, downloads) have their status and content type checked, not their body. */
const CAPTURE_LIMIT = 1024 * 1024;

/** Wraps `dispatch` so that each finished response is checked against `document()`; mismatches go to `warn`. */
export function watchContract(dispatch: Dispatch, document: () => OpenApiDocument, warn: (message: string) => void): Dispatch {
  let check: ContractCheck | null | undefined;
  return (req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const keep = (chunk: unknown, encoding: unknown): void => {
      if (size > CAPTURE_LIMIT || chunk === undefined || chunk === null || typeof chunk === 'function') return;
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' ? encoding as BufferEncoding : 'utf8') : Buffer.from(chunk as Uint8Array);
      size += buffer.length;
      if (size <= CAPTURE_LIMIT) chunks.push(buffer);
    };
    // Headers given to writeHead() directly never show in getHeaders(): keep the content type and encoding from there.
    const given: Record<string, string> = {};
    const writeHead = res.writeHead;
    res.writeHead = function (this: ServerResponse, status: number, ...rest: unknown[]) {
      const headers = rest.find((r) => r !== null && typeof r === 'object');
      const pairs: unknown[][] = Array.isArray(headers)
        ? (Array.isArray(headers[0]) ? headers as unknown[][] : headers.flatMap((_, i) => (i % 2 === 0 ? [[headers[i], headers[i + 1]]] : [])))
        : Object.entries((headers ?? {}) as object);
      for (const [k, v] of pairs) given[String(k).toLowerCase()] = String(v);
      return (writeHead as (...args: unknown[]) => ServerResponse).call(this, status, ...rest);
    } as ServerResponse['writeHead'];
    const write = res.write;
    const end = res.end;
    res.write = function (this: ServerResponse, chunk: unknown, ...rest: unknown[]) {
      keep(chunk, rest[0]);
      return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
    } as ServerResponse['write'];
    res.end = function (this: ServerResponse, chunk?: unknown, ...rest: unknown[]) {
      keep(chunk, rest[0]);
      return (end as (...args: unknown[]) => ServerResponse).call(this, chunk, ...rest);
    } as ServerResponse['end'];
    res.once('finish', () => verify(req, res, given, size > CAPTURE_LIMIT ? Buffer.alloc(0) : Buffer.concat(chunks)));
    dispatch(req, res);
  };

  function verify(req: IncomingMessage, res: ServerResponse, given: Record<string, string>, body: Buffer): void {
    if (check === null) return;
    try {
      check ??= compileContract(document());
      const mismatch = check(req.method ?? 'GET', req.url ?? '/', { status: res.statusCode, headers: { ...res.getHeaders() as Record<string, string>, ...given }, body });
      if (mismatch !== null) warn(`contract: ${formatMismatch(mismatch)}`);
    } catch (err) {
      check = null;
      warn(`contract: the check is off: ${(err as Error).message}`);
    }
  }
}
