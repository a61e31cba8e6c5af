import type { IncomingMessage, ServerResponse } from 'node:http';
import * as zlib from 'node:zlib';
// mime-db (a large JSON table) is loaded on first use: only apps with compression on read it.
let mimeDb: Record<string, { compressible?: boolean }> | undefined;
import { RivetError } from '../errors/rivet-error';
import { sendPlain, type Send } from '../pipeline/write';
import { compileEncodingChoice, memo } from './accept';

/** A content coding Rivet can apply. */
export type Encoding = 'br' | 'gzip' | 'deflate';

/** `createApp({ compression })`. */
export interface CompressionOptions {
  /** Smallest body, in bytes, worth compressing (default 1024): below it the framing costs more than it saves. */
  threshold?: number;
  /** The codings offered, in the server's order of preference when the client weighs them equally (default `['br', 'gzip', 'deflate']`). */
  encodings?: Encoding[];
}

/** Compression settings after validation, with the coding choice compiled. */
export interface NormalizedCompression {
  readonly threshold: number;
  readonly encodings: readonly Encoding[];
  /** The coding for an `Accept-Encoding` value, or `null` for identity. */
  readonly choose: (acceptEncoding: string | undefined) => Encoding | null;
  /** Whether a Content-Type is worth compressing. */
  readonly compressible: (type: string) => boolean;
}

const ALL: readonly Encoding[] = ['br', 'gzip', 'deflate'];

/**
 * Buffers up to this size are compressed synchronously. Measured on this project's 2-core machines (Node 20):
 * gzip/brotli-4 of an 8 KiB JSON array takes 15–55 µs in-line, while a round trip through the libuv thread pool
 * costs 150–200 µs of latency, so small bodies compress faster in-line; a 32 KiB body blocks the loop ~0.2 ms at most.
 */
export const SYNC_LIMIT = 32 * 1024;

// Brotli's default quality (11) is meant for static assets built once; 4 compresses dynamic bodies about as fast
// as gzip's default level with smaller output.
const BROTLI_QUALITY = 4;

/** Checks `compression` once at start-up; `undefined`/`false` → `null` (off). */
export function normalizeCompression(value: CompressionOptions | boolean | undefined): NormalizedCompression | null {
  if (value === undefined || value === false) return null;
  const o: CompressionOptions = value === true ? {} : value;
  if (o === null || typeof o !== 'object') throw invalid(`compression is ${String(o)}.\n  Fix: pass true, or an object such as { threshold: 1024, encodings: ['br', 'gzip'] }.`);
  const threshold = o.threshold ?? 1024;
  if (!Number.isInteger(threshold) || threshold < 0) throw invalid(`compression.threshold is ${String(threshold)}.\n  Fix: give a whole number of bytes, e.g. 1024.`);
  const encodings = o.encodings ?? [...ALL];
  if (!Array.isArray(encodings) || encodings.length === 0 || encodings.some((e) => !ALL.includes(e)) || new Set(encodings).size !== encodings.length) {
    throw invalid(`compression.encodings is ${JSON.stringify(encodings)}.\n  Fix: list one or more of 'br', 'gzip', 'deflate', each once, in order of preference.`);
  }
  const choose = compileEncodingChoice(encodings) as (h: string | undefined) => Encoding | null;
  return { threshold, encodings, choose, compressible: memo(isCompressible, 128) };
}

/**
 * Whether a media type is worth compressing: mime-db's `compressible` flag, else any text, JSON, XML,
 * JavaScript or MessagePack type. Images (but SVG), audio, video, archives, fonts and unknown bytes (octet-stream) are not.
 */
export function isCompressible(contentType: string): boolean {
  const semi = contentType.indexOf(';');
  const type = (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
  // mime-db marks octet-stream compressible, but bytes of unknown kind are as often archives or media as not.
  if (type === 'application/octet-stream') return false;
  const known = (mimeDb ??= require('mime-db') as Record<string, { compressible?: boolean }>)[type]?.compressible;
  if (known !== undefined) return known;
  // MessagePack repeats every key of every object: it compresses about as well as JSON.
  return /^text\/|\+(?:json|xml|text)$|^application\/(?:json|xml|javascript|x-javascript|(?:x-|vnd\.)?msgpack)$/.test(type);
}

/** Adds `token` to the response's Vary header unless it is listed already (or Vary is `*`). */
export function addVary(res: ServerResponse, token: string): void {
  const current = res.getHeader('vary');
  if (current === undefined) {
    res.setHeader('vary', token);
    return;
  }
  const text = Array.isArray(current) ? current.join(', ') : String(current);
  const lower = token.toLowerCase();
  if (text.split(',').some((t) => { const v = t.trim().toLowerCase(); return v === lower || v === '*'; })) return;
  res.setHeader('vary', `${text}, ${token}`);
}

/**
 * The coding to apply to a body of `size` bytes and type `type`, or `null` to send it as it is. Sets
 * `Vary: Accept-Encoding` whenever the answer depended on the client's header. A body already encoded, or
 * marked `Cache-Control: no-transform` (RFC 9111 §5.2.2.6), is left alone.
 */
export function encodingFor(c: NormalizedCompression, req: IncomingMessage, res: ServerResponse, type: string, size: number): Encoding | null {
  if (size < c.threshold || !c.compressible(type) || res.hasHeader('content-encoding')) return null;
  const cc = res.getHeader('cache-control');
  if (cc !== undefined && /no-transform/i.test(String(cc))) return null;
  addVary(res, 'Accept-Encoding');
  return c.choose(req.headers['accept-encoding']);
}

/** A strong ETag names exact bytes; once the bytes are encoded it can only be weak (RFC 9110 §8.8.1). */
function weakenEtag(res: ServerResponse): void {
  const etag = res.getHeader('etag');
  if (typeof etag === 'string' && etag.startsWith('"')) res.setHeader('etag', `W/${etag}`);
}

function brotliParams(size: number): zlib.BrotliOptions {
  return { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: size } };
}

function compressSync(coding: Encoding, input: Uint8Array, size: number): Buffer {
  if (coding === 'br') return zlib.brotliCompressSync(input, brotliParams(size));
  if (coding === 'gzip') return zlib.gzipSync(input);
  return zlib.deflateSync(input);
}

function compressAsync(coding: Encoding, input: Uint8Array, size: number, done: (err: Error | null, out: Buffer) => void): void {
  if (coding === 'br') zlib.brotliCompress(input, brotliParams(size), done);
  else if (coding === 'gzip') zlib.gzip(input, done);
  else zlib.deflate(input, done);
}

/** A compressing stream for files: brotli at the dynamic quality, gzip and deflate at their defaults. */
export function compressionStream(coding: Encoding, size: number): zlib.BrotliCompress | zlib.Gzip | zlib.Deflate {
  if (coding === 'br') return zlib.createBrotliCompress(brotliParams(size));
  if (coding === 'gzip') return zlib.createGzip();
  return zlib.createDeflate();
}

/**
 * The Send stage of the writer when compression is on. Small bodies compress in-line, larger ones on the thread
 * pool. HEAD is compressed too, so that its Content-Encoding and Content-Length are exactly GET's (RFC 9110 §9.3.2).
 * Output that would not be smaller is sent as it is.
 */
export function compileCompressedSend(c: NormalizedCompression): Send {
  const finish = (res: ServerResponse, status: number, type: string, coding: Encoding, out: Buffer): void => {
    weakenEtag(res);
    res.writeHead(status, { 'content-type': type, 'content-encoding': coding, 'content-length': out.byteLength });
    if (res.req.method === 'HEAD') res.end();
    else res.end(out);
  };
  return (res, status, type, body) => {
    const size = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
    const coding = encodingFor(c, res.req, res, type, size);
    if (coding === null) return sendPlain(res, status, type, body);
    const input = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    if (size <= SYNC_LIMIT) {
      const out = compressSync(coding, input, size);
      return out.byteLength < size ? finish(res, status, type, coding, out) : sendPlain(res, status, type, body);
    }
    compressAsync(coding, input, size, (err, out) => {
      if (res.headersSent || res.destroyed) return;
      if (err === null && out.byteLength < size) finish(res, status, type, coding, out);
      else sendPlain(res, status, type, body);
    });
  };
}

/**
 * The coding stream for a streamed response that asked for compression (`new StreamResponse(src, { compress: true })`),
 * or `null` to send it as it is. The size is unknown, so only the type, the client and `no-transform` decide; sets
 * Content-Encoding (and Vary) when it compresses.
 */
export function compileStreamEncoder(c: NormalizedCompression): (res: ServerResponse, type: string) => NodeJS.ReadWriteStream | null {
  return (res, type) => {
    const coding = encodingFor(c, res.req, res, type, Number.MAX_SAFE_INTEGER);
    if (coding === null) return null;
    weakenEtag(res);
    res.setHeader('content-encoding', coding);
    return compressionStream(coding, 0);
  };
}

function invalid(message: string): RivetError {
  return new RivetError('RIVET_OPTIONS_INVALID', message);
}
