import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { sendError, type ErrorPolicy } from '../errors/problem';
import type { RouteHandler } from '../router/methods';

const gzip = promisify(gzipCallback);

/**
 * Where an asset's bytes come from: a string built at start-up, or a file read on first request (and
 * optionally rewritten once, as text, before it is cached).
 */
export type AssetSource = { readonly text: string | (() => string) } | { readonly file: string; readonly rewrite?: (text: string) => string };

/** `no-cache`: revalidated on each use (ETag → 304); `immutable`: the URL carries the package version. */
export type CachePolicy = 'no-cache' | 'immutable';

const CACHE_CONTROL: Record<CachePolicy, string> = {
  'no-cache': 'no-cache',
  immutable: 'public, max-age=31536000, immutable',
};

interface Prepared {
  readonly raw: Buffer;
  readonly gzipped: Buffer | null;
  readonly etag: string;
}

/**
 * A route handler serving one asset from memory. The bytes (and their gzip form, for text) are prepared once,
 * on the first request, and shared by every request after it; nothing is read from disk per request.
 * Answers GET and HEAD with Content-Length, ETag (304 on If-None-Match) and `Vary: Accept-Encoding`.
 */
export function assetHandler(
  source: AssetSource, contentType: string, cache: CachePolicy, errors: ErrorPolicy, extraHeaders: Record<string, string> = {},
): RouteHandler {
  let prepared: Promise<Prepared> | null = null;
  // A text given as a function may change (the document gains its listening address): prepared again when it does.
  const current = 'text' in source && typeof source.text === 'function' ? source.text : null;
  let preparedText: string | null = null;
  const compressible = /^(text\/|application\/(json|javascript))/.test(contentType);
  const prepare = async (): Promise<Prepared> => {
    let raw = 'text' in source ? Buffer.from(current === null ? source.text as string : (preparedText = current())) : await readFile(source.file);
    if ('file' in source && source.rewrite !== undefined) raw = Buffer.from(source.rewrite(raw.toString('utf8')));
    const gzipped = compressible && raw.length > 1024 ? await gzip(raw, { level: 9 }) : null;
    return { raw, gzipped, etag: `"${createHash('sha256').update(raw).digest('base64url').slice(0, 27)}"` };
  };
  const headers = { 'content-type': contentType, 'cache-control': CACHE_CONTROL[cache], 'x-content-type-options': 'nosniff', ...extraHeaders };
  return (req, res) => {
    if (current !== null && preparedText !== null && current() !== preparedText) prepared = null;
    (prepared ??= prepare()).then(
      (asset) => send(req, res, asset, headers),
      (err: unknown) => {
        prepared = null;   // a failed read (file removed mid-deploy) is retried by the next request
        sendError(req, res, err, errors);
      },
    );
  };
}

function send(req: IncomingMessage, res: ServerResponse, asset: Prepared, headers: Record<string, string>): void {
  const useGzip = asset.gzipped !== null && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
  // Each representation has its own strong validator (RFC 9110 §8.8.3), so the gzip form's tag differs.
  const etag = useGzip ? `${asset.etag.slice(0, -1)}-gz"` : asset.etag;
  for (const name in headers) res.setHeader(name, headers[name]);
  res.setHeader('etag', etag);
  res.setHeader('vary', 'Accept-Encoding');
  if (req.headers['if-none-match'] === etag) {
    res.statusCode = 304;
    res.end();
    return;
  }
  const body = useGzip ? (asset.gzipped as Buffer) : asset.raw;
  if (useGzip) res.setHeader('content-encoding', 'gzip');
  res.setHeader('content-length', body.length);
  res.statusCode = 200;
  // RFC 9110 §9.3.2: HEAD gets the headers GET would, without the content.
  if (req.method === 'HEAD') res.end();
  else res.end(body);
}
