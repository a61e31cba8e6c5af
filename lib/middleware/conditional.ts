/**
 * Conditional requests (RFC 9110 §13) and byte ranges (§14), shared by static files and the response cache.
 * Pure functions over header values, so each rule is tested on its own.
 */

/**
 * Whether `If-None-Match` matches `etag` by weak comparison (RFC 9110 §8.8.3.2: `W/` is ignored), or is `*`.
 * A GET or HEAD that matches is answered 304.
 */
export function noneMatch(ifNoneMatch: string, etag: string): boolean {
  const tag = opaque(etag);
  for (const part of ifNoneMatch.split(',')) {
    const t = part.trim();
    if (t === '*' || (t !== '' && opaque(t) === tag)) return true;
  }
  return false;
}

/** The opaque part of an entity tag: `W/"x"` and `"x"` both give `"x"`. */
const opaque = (tag: string): string => (tag.startsWith('W/') ? tag.slice(2) : tag);

/**
 * Whether a response last modified at `lastModifiedMs` is unchanged since `If-Modified-Since` (HTTP dates have
 * whole seconds). An unparsable date is ignored, as RFC 9110 §13.1.3 requires.
 */
export function notModifiedSince(ifModifiedSince: string, lastModifiedMs: number): boolean {
  const since = Date.parse(ifModifiedSince);
  return !Number.isNaN(since) && Math.floor(lastModifiedMs / 1000) * 1000 <= since;
}

/**
 * Whether a GET or HEAD is answered 304: `If-None-Match` when present, else `If-Modified-Since`
 * (RFC 9110 §13.2.2 steps 3 and 4). `lastModifiedMs` is `null` when the response has no Last-Modified.
 */
export function isNotModified(headers: { 'if-none-match'?: string; 'if-modified-since'?: string }, etag: string | null, lastModifiedMs: number | null): boolean {
  const inm = headers['if-none-match'];
  if (inm !== undefined) return etag !== null && noneMatch(inm, etag);
  const ims = headers['if-modified-since'];
  return ims !== undefined && lastModifiedMs !== null && notModifiedSince(ims, lastModifiedMs);
}

/**
 * Whether `If-Range` still matches the representation (RFC 9110 §13.1.5): an entity tag by strong comparison
 * (a weak tag never matches), or the exact Last-Modified date.
 */
export function ifRangeMatches(ifRange: string, etag: string | null, lastModified: string | null): boolean {
  const v = ifRange.trim();
  if (v.startsWith('"')) return etag !== null && !etag.startsWith('W/') && v === etag;
  if (v.startsWith('W/')) return false;
  return lastModified !== null && v === lastModified;
}

/** One satisfiable byte range, both ends inclusive. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/**
 * Reads a `Range` header against a representation of `size` bytes (RFC 9110 §14.1.2):
 * - `null`: ignore it and send the whole content (not `bytes=`, malformed, or several ranges, which Rivet
 *   answers with 200 and the full content rather than multipart/byteranges);
 * - `'unsatisfiable'`: every range starts past the end → 416;
 * - a {@link ByteRange}, clamped to the content → 206.
 */
export function parseRange(header: string, size: number): ByteRange | 'unsatisfiable' | null {
  const eq = header.indexOf('=');
  if (eq === -1 || header.slice(0, eq).trim().toLowerCase() !== 'bytes') return null;
  const specs = header.slice(eq + 1).split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (specs.length !== 1) return null;
  const m = /^(\d*)-(\d*)$/.exec(specs[0]);
  if (m === null || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {
    // bytes=-N: the last N bytes.
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  // A last position past the end (however many digits) is clamped to the end.
  const end = m[2] === '' ? Infinity : Number(m[2]);
  if (end < start) return null;
  if (start >= size) return 'unsatisfiable';
  return { start, end: Math.min(end, size - 1) };
}
