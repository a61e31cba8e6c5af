import { createReadStream, realpathSync, statSync, type Stats } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, isAbsolute, join, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream';
import type mimeTypes from 'mime-types';

// Loaded on first use, so apps that never serve static files do not pay its start-up time and memory.
let mimeLib: typeof mimeTypes | undefined;
const mime = (): typeof mimeTypes => (mimeLib ??= require('mime-types') as typeof mimeTypes);
import { BadRequestError, NotFoundError } from '../errors/http-error';
import { sendError, type ErrorPolicy } from '../errors/problem';
import { RivetError } from '../errors/rivet-error';
import type { Plugin, PluginRoute } from '../pipeline/plugin';
import { compressionStream, encodingFor, type NormalizedCompression } from './compress';
import { ifRangeMatches, isNotModified, parseRange } from './conditional';
import { RangeNotSatisfiableError } from './errors';
import { originPath } from './url';

/** `createApp({ static })`: one directory served under a URL prefix. */
export interface StaticOptions {
  /** The directory to serve (absolute, or relative to the working directory). It must exist at start-up. */
  root: string;
  /** The URL prefix (default `'/'`). Application routes under the prefix win over files. */
  prefix?: string;
  /** `Cache-Control: public, max-age=<seconds>` (default 0: clients revalidate with the ETag every time). */
  maxAge?: number;
  /** Adds `immutable` to Cache-Control, for fingerprinted file names (default false). */
  immutable?: boolean;
  /** The file served for a directory (default `'index.html'`); `false` answers 404 for directories. */
  index?: string | false;
  /** Serves files and directories whose name starts with a dot (default false: 404). */
  dotfiles?: boolean;
}

/** A static mount after validation. */
export interface NormalizedStatic {
  /** The real path of the root directory (symlinks resolved). */
  readonly root: string;
  readonly prefix: string;
  readonly cacheControl: string;
  readonly index: string | null;
  readonly dotfiles: boolean;
}

/** Checks `static` once at start-up: every root must be an existing directory, every prefix distinct. */
export function normalizeStatic(option: StaticOptions | StaticOptions[] | undefined): NormalizedStatic[] {
  if (option === undefined) return [];
  const list = Array.isArray(option) ? option : [option];
  const out = list.map((o, i) => normalizeMount(o, Array.isArray(option) ? `static[${i}]` : 'static'));
  const prefixes = out.map((m) => m.prefix);
  const twice = prefixes.find((p, i) => prefixes.indexOf(p) !== i);
  if (twice !== undefined) throw invalid(`two static mounts share the prefix "${twice}".\n  Fix: give each directory its own prefix.`);
  return out;
}

function normalizeMount(o: StaticOptions, where: string): NormalizedStatic {
  if (o === null || typeof o !== 'object' || typeof o.root !== 'string' || o.root === '') {
    throw invalid(`${where} needs a root directory.\n  Fix: pass { root: 'public', prefix: '/assets' }.`);
  }
  const abs = isAbsolute(o.root) ? o.root : resolve(o.root);
  let root: string;
  try {
    root = realpathSync(abs);
    if (!statSync(root).isDirectory()) throw new Error('not a directory');
  } catch (err) {
    throw new RivetError('RIVET_STATIC_ROOT_INVALID', `${where}.root "${o.root}" (${abs}) is not an existing directory.\n  Fix: create it, or point root at the directory to serve (relative roots resolve against the working directory).`, { cause: err });
  }
  const raw = o.prefix ?? '/';
  if (typeof raw !== 'string' || !raw.startsWith('/') || /[:*?#\s\\]/.test(raw)) {
    throw invalid(`${where}.prefix is ${JSON.stringify(raw)}.\n  Fix: give an absolute path without parameters or wildcards, e.g. '/assets'.`);
  }
  const prefix = raw.length > 1 ? raw.replace(/\/+$/, '') || '/' : raw;
  const maxAge = o.maxAge ?? 0;
  if (!Number.isInteger(maxAge) || maxAge < 0) throw invalid(`${where}.maxAge is ${String(maxAge)}.\n  Fix: give whole seconds, e.g. 3600 (it becomes Cache-Control: max-age).`);
  const index = o.index === false ? null : (o.index ?? 'index.html');
  if (index !== null && (typeof index !== 'string' || index === '' || /[/\\]/.test(index))) {
    throw invalid(`${where}.index is ${JSON.stringify(o.index)}.\n  Fix: give a file name such as 'index.html', or false.`);
  }
  return {
    root,
    prefix,
    cacheControl: `public, max-age=${maxAge}${o.immutable === true ? ', immutable' : ''}`,
    index,
    dotfiles: o.dotfiles === true,
  };
}

/**
 * Static files as a feature: one wildcard GET route per mount (`/assets/*`), entered in the dispatch table next to
 * the application's routes. Routes win over files (static segments beat a wildcard), HEAD and OPTIONS come for
 * free, and requests outside every prefix never touch the file system (no per-request hook). A missing file is a
 * 404 problem+json like any unknown path.
 */
export function staticPlugin(mounts: readonly NormalizedStatic[], compression: NormalizedCompression | null, errors: ErrorPolicy): Plugin | null {
  if (mounts.length === 0) return null;
  const routes: PluginRoute[] = mounts.map((mount) => ({
    method: 'GET',
    path: mount.prefix === '/' ? '/*' : `${mount.prefix}/*`,
    handler: (req, res, values) => {
      serveFile(mount, compression, req, res, values[values.length - 1]).catch((err: unknown) => sendError(req, res, err, errors));
    },
  }));
  return { name: 'static', routes };
}

// File-system answers that mean "no such file here" rather than a server fault.
const MISSING = new Set(['ENOENT', 'ENOTDIR', 'ENAMETOOLONG', 'EACCES', 'EPERM', 'ELOOP', 'EINVAL']);

const typeOf = new Map<string, string>();
function contentTypeOf(file: string): string {
  const ext = extname(file).toLowerCase();
  let type = typeOf.get(ext);
  if (type === undefined) typeOf.set(ext, (type = (ext !== '' && mime().contentType(ext)) || 'application/octet-stream'));
  return type;
}

/**
 * The file for a request, checked so that nothing outside the root can be read: the wildcard value arrives
 * percent-decoded by the router (so `%2e%2e`, `%2F` and `%5C` are already plain), then a null byte, a backslash or
 * a `..` segment is a 400, a dot-file a 404, and the resolved real path (symlinks followed) must stay under the
 * real root, else 404.
 */
async function locate(mount: NormalizedStatic, rest: string): Promise<{ file: string; stats: Stats; directory: boolean }> {
  if (rest.includes('\0')) throw new BadRequestError('The path contains a null byte.');
  if (rest.includes('\\')) throw new BadRequestError('The path contains a backslash.');
  const parts = rest.split('/').filter((p) => p !== '');
  if (parts.some((p) => p === '..' || p === '.')) throw new BadRequestError('The path contains a dot segment (".." or ".").');
  if (!mount.dotfiles && parts.some((p) => p.startsWith('.'))) throw notFound();
  const candidate = join(mount.root, ...parts);
  try {
    let file = await realpath(candidate);
    if (!inside(mount.root, file)) throw notFound();
    let stats = await stat(file);
    const directory = stats.isDirectory();
    if (directory) {
      if (mount.index === null) throw notFound();
      file = await realpath(join(file, mount.index));
      if (!inside(mount.root, file)) throw notFound();
      stats = await stat(file);
    }
    if (!stats.isFile()) throw notFound();
    return { file, stats, directory };
  } catch (err) {
    if (MISSING.has((err as NodeJS.ErrnoException).code ?? '')) throw notFound();
    throw err;
  }
}

const inside = (root: string, file: string): boolean => file === root || file.startsWith(root.endsWith(sep) ? root : root + sep);
const notFound = (): NotFoundError => new NotFoundError('No such file.');

async function serveFile(mount: NormalizedStatic, compression: NormalizedCompression | null, req: IncomingMessage, res: ServerResponse, rest: string): Promise<void> {
  const { file, stats, directory } = await locate(mount, rest);
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const rawPath = originPath(q === -1 ? url : url.slice(0, q));
  if (directory && !rawPath.endsWith('/')) {
    // Relative links inside an index page resolve against the directory only with a trailing slash. Leading slashes
    // collapse to one, so '//evil.example' can never become a protocol-relative redirect.
    // Bytes a header may not carry (raw UTF-8 in the request line) are percent-encoded.
    const location = `/${rawPath.replace(/^\/+/, '')}/${q === -1 ? '' : url.slice(q)}`.replace(/[^\x21-\x7e]/g, (c) => {
      // node reads the request line as latin1: one character per byte.
      const code = c.charCodeAt(0);
      return code < 256 ? `%${code.toString(16).toUpperCase().padStart(2, '0')}` : encodeURIComponent(c);
    });
    res.writeHead(301, { location, 'content-length': 0 });
    res.end();
    return;
  }
  if (res.headersSent || res.destroyed) return;

  const size = stats.size;
  const type = contentTypeOf(file);
  const lastModified = stats.mtime.toUTCString();
  const baseTag = `${size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}`;
  const isGet = req.method === 'GET';

  // RFC 9110 §14.2: only GET has range semantics; If-Range that no longer matches means "send it all".
  let range = null as ReturnType<typeof parseRange>;
  const rangeHeader = req.headers.range;
  if (isGet && rangeHeader !== undefined) {
    const ifRange = req.headers['if-range'] as string | undefined;
    if (ifRange === undefined || ifRangeMatches(ifRange, `"${baseTag}"`, lastModified)) range = parseRange(rangeHeader, size);
  }
  // A part of a file is sent as it is: compressing a range would make its offsets meaningless.
  const coding = range === null && compression !== null ? encodingFor(compression, req, res, type, size) : null;
  // One strong tag per representation: the encoded bytes differ from the file's, so they get their own tag.
  const etag = coding === null ? `"${baseTag}"` : `"${baseTag}-${coding}"`;
  res.setHeader('etag', etag);
  res.setHeader('last-modified', lastModified);
  res.setHeader('cache-control', mount.cacheControl);
  res.setHeader('accept-ranges', 'bytes');

  if (isNotModified(req.headers, etag, stats.mtimeMs)) {
    res.writeHead(304);
    res.end();
    return;
  }
  if (range === 'unsatisfiable') {
    // The problem describes the request, not the file: it must not carry the file's validators.
    for (const name of ['etag', 'last-modified', 'cache-control']) res.removeHeader(name);
    throw new RangeNotSatisfiableError(size, `The file has ${size} bytes; the range ${rangeHeader ?? ''} starts past its end.`);
  }

  if (range !== null) {
    res.writeHead(206, { 'content-type': type, 'content-length': range.end - range.start + 1, 'content-range': `bytes ${range.start}-${range.end}/${size}` });
    stream(res, file, range.start, range.end, null, 0);
    return;
  }
  if (coding !== null) {
    // The encoded length is known only once the file has been read: the body goes out chunked, and HEAD sends the
    // same headers as GET (no Content-Length) without compressing anything.
    res.writeHead(200, { 'content-type': type, 'content-encoding': coding });
  } else {
    res.writeHead(200, { 'content-type': type, 'content-length': size });
  }
  if (!isGet) {
    res.end();
    return;
  }
  stream(res, file, 0, size - 1, coding, size);
}

function stream(res: ServerResponse, file: string, start: number, end: number, coding: ReturnType<typeof encodingFor>, size: number): void {
  if (end < start) {
    res.end();
    return;
  }
  const source = createReadStream(file, { start, end });
  // Headers are gone by now: a read error can only abort the connection, which pipeline does by destroying res.
  const done = (): void => undefined;
  if (coding === null) pipeline(source, res, done);
  else pipeline(source, compressionStream(coding, size), res, done);
}

function invalid(message: string): RivetError {
  return new RivetError('RIVET_OPTIONS_INVALID', message);
}
