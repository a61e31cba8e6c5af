import type { IncomingMessage, ServerResponse } from 'node:http';
import { RivetError } from '../errors/rivet-error';
import type { Plugin } from '../pipeline/plugin';

/**
 * Which origins may read responses: one, a list, a pattern, or your own decision, synchronous or not (e.g. the
 * origins of tenants kept in a database). A function that throws or rejects answers the request with a 500 problem.
 */
export type CorsOrigin = '*' | string | readonly (string | RegExp)[] | RegExp | ((origin: string, req: IncomingMessage) => boolean | Promise<boolean>);

/** Access-Control-Allow-Origin's value for a request's Origin, or `null` (not allowed); a promise from an async check. */
type Allowed = string | null | Promise<string | null>;

/** `createApp({ cors })`. `cors: true` allows any origin (`*`) without credentials. */
export interface CorsOptions {
  /** Default `'*'`. Exact origins are compared as `scheme://host[:port]`, e.g. `https://app.example.com`. */
  origin?: CorsOrigin;
  /** Sends `Access-Control-Allow-Credentials: true` (cookies, Authorization). Needs an explicit `origin`, never `'*'`. */
  credentials?: boolean;
  /** Methods a preflight may allow. Default: the methods the path answers (its `Allow`). */
  methods?: readonly string[];
  /** Request headers a preflight allows. Default: those the browser asks for (`Access-Control-Request-Headers`). */
  allowedHeaders?: readonly string[];
  /** Response headers scripts may read, beyond the CORS-safelisted ones. */
  exposedHeaders?: readonly string[];
  /** Seconds a browser may cache a preflight answer (`Access-Control-Max-Age`). */
  maxAge?: number;
}

const invalid = (message: string): RivetError => new RivetError('RIVET_CORS_OPTIONS_INVALID', message);

/** Compiles `origin` into "the value of Access-Control-Allow-Origin for this Origin, or null". */
function compileOrigin(origin: CorsOrigin): { allow: (origin: string, req: IncomingMessage) => Allowed; any: boolean } {
  if (origin === '*') return { allow: () => '*', any: true };
  if (typeof origin === 'string') {
    const exact = normalizeOrigin(origin);
    return { allow: (o) => (o === exact ? o : null), any: false };
  }
  if (origin instanceof RegExp) {
    const pattern = anchored(origin);
    return { allow: (o) => (pattern.test(o) ? o : null), any: false };
  }
  if (typeof origin === 'function') {
    return {
      allow: (o, req) => {
        const verdict = origin(o, req);
        return verdict === true ? o : isPromise(verdict) ? verdict.then((v) => (v === true ? o : null)) : null;
      },
      any: false,
    };
  }
  if (Array.isArray(origin)) {
    const exact = new Set<string>();
    const patterns: RegExp[] = [];
    for (const o of origin as readonly (string | RegExp)[]) {
      if (o instanceof RegExp) patterns.push(anchored(o));
      else if (typeof o === 'string' && o !== '*') exact.add(normalizeOrigin(o));
      else throw invalid(`cors.origin lists ${JSON.stringify(o)}.\n  Fix: list origins such as 'https://app.example.com' or anchored RegExps; use origin: '*' alone to allow any.`);
    }
    return { allow: (o) => (exact.has(o) || patterns.some((p) => p.test(o)) ? o : null), any: false };
  }
  throw invalid(`cors.origin is ${String(origin)}.\n  Fix: give '*', an origin string, a list, an anchored RegExp or a function (origin, req) => boolean.`);
}

// A pattern must match the whole origin: an unanchored /example\.com/ would also allow https://example.com.attacker.io.
function anchored(pattern: RegExp): RegExp {
  if (!pattern.source.startsWith('^') || !pattern.source.endsWith('$')) throw invalid(`cors.origin ${String(pattern)} is not anchored.\n  Fix: anchor it with ^ and $, e.g. /^https:\\/\\/([a-z0-9-]+\\.)?example\\.com$/.`);
  // A global or sticky RegExp keeps lastIndex between tests and would answer differently on alternate requests.
  return pattern.global || pattern.sticky ? new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '')) : pattern;
}

function normalizeOrigin(origin: string): string {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    throw invalid(`cors.origin ${JSON.stringify(origin)} is not an origin.\n  Fix: give scheme, host and port only, e.g. 'https://app.example.com'.`);
  }
  if (url.origin === 'null' || url.origin !== origin.replace(/\/$/, '')) throw invalid(`cors.origin ${JSON.stringify(origin)} is not an origin (browsers send scheme://host[:port] only).\n  Fix: use ${JSON.stringify(url.origin)}.`);
  return url.origin;
}

const list = (key: string, value: readonly string[] | undefined, pattern: RegExp): string | null => {
  if (value === undefined) return null;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || !pattern.test(v))) throw invalid(`cors.${key} must be a list of names.\n  Fix: e.g. ${key}: ['X-Request-ID'].`);
  return value.join(', ');
};

/** Adds `value` to the response's Vary header unless it is there. */
function vary(res: ServerResponse, value: string): void {
  const prior = res.getHeader('vary');
  if (prior === undefined) return void res.setHeader('vary', value);
  const text = Array.isArray(prior) ? prior.join(', ') : String(prior);
  if (!text.split(',').some((v) => v.trim().toLowerCase() === value.toLowerCase() || v.trim() === '*')) res.setHeader('vary', `${text}, ${value}`);
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * CORS (Fetch standard): actual requests from an allowed origin get `Access-Control-Allow-Origin` (and
 * credentials, exposed headers) before routing, so error answers are readable too; preflights on known paths are
 * answered 204 from the path's compiled `Allow`. A request from an origin that is not allowed gets no CORS header,
 * so the browser keeps the response from the page. Everything is precomputed here.
 */
export function corsPlugin(options: CorsOptions | true): Plugin {
  const o: CorsOptions = options === true ? {} : options;
  if (o === null || typeof o !== 'object') throw invalid(`cors is ${String(o)}.\n  Fix: cors: true, or { origin: 'https://app.example.com', credentials: true }.`);
  const { allow, any } = compileOrigin(o.origin ?? '*');
  if (o.credentials === true && any) throw invalid('cors.credentials is true with origin \'*\': any site could then act with your users\' cookies.\n  Fix: list the origins allowed, e.g. origin: [\'https://app.example.com\'].');
  const methods = list('methods', o.methods?.map((m) => m.toUpperCase()), TOKEN);
  const allowedHeaders = list('allowedHeaders', o.allowedHeaders, TOKEN);
  const exposed = list('exposedHeaders', o.exposedHeaders, TOKEN);
  if (o.maxAge !== undefined && (!Number.isInteger(o.maxAge) || o.maxAge < 0)) throw invalid(`cors.maxAge is ${String(o.maxAge)}.\n  Fix: a whole number of seconds, e.g. 600.`);
  const maxAge = o.maxAge === undefined ? null : String(o.maxAge);
  const credentials = o.credentials === true;

  const allowed = (req: IncomingMessage, res: ServerResponse): Allowed => {
    const origin = req.headers.origin;
    // With a specific origin the answer depends on Origin: caches must key on it, even when it was refused.
    if (!any) vary(res, 'Origin');
    if (origin === undefined) return null;
    return allow(origin, req);
  };

  return {
    name: 'cors',
    onRequest(req, res) {
      if (req.headers.origin === undefined && any) return false;
      const origin = allowed(req, res);
      // A preflight reaches the hook below next: it reuses this answer rather than asking the origin function twice.
      (req as Checked)[CHECKED] = origin;
      if (isPromise(origin)) return origin.then((o) => actual(res, o));
      return actual(res, origin);
    },
    preflight(req, res, allowHeader) {
      const requested = req.headers['access-control-request-method'];
      if (requested === undefined) return false;
      const checked = (req as Checked)[CHECKED];
      const origin = checked === undefined ? allowed(req, res) : checked;
      if (isPromise(origin)) return origin.then((o) => answerPreflight(req, res, allowHeader, o));
      return answerPreflight(req, res, allowHeader, origin);
    },
  };

  /** Headers of an actual request from an allowed origin; never answers the request itself. */
  function actual(res: ServerResponse, origin: string | null): false {
    if (origin === null) return false;
    res.setHeader('access-control-allow-origin', origin);
    if (credentials) res.setHeader('access-control-allow-credentials', 'true');
    if (exposed !== null) res.setHeader('access-control-expose-headers', exposed);
    return false;
  }

  /** The 204 preflight answer for an allowed origin; `false` (the plain OPTIONS answer) for any other. */
  function answerPreflight(req: IncomingMessage, res: ServerResponse, allowHeader: string, origin: string | null): boolean {
    if (origin === null) return false;
    const headers: Record<string, string> = { allow: allowHeader, 'access-control-allow-origin': origin, 'access-control-allow-methods': methods ?? allowHeader };
    if (credentials) headers['access-control-allow-credentials'] = 'true';
    const asked = req.headers['access-control-request-headers'];
    if (allowedHeaders !== null) headers['access-control-allow-headers'] = allowedHeaders;
    else if (asked !== undefined && asked !== '') {
      headers['access-control-allow-headers'] = asked;
      vary(res, 'Access-Control-Request-Headers');
    }
    if (maxAge !== null) headers['access-control-max-age'] = maxAge;
    res.writeHead(204, headers);
    res.end();
    return true;
  }
}

const CHECKED: unique symbol = Symbol('rivet.corsChecked');
type Checked = IncomingMessage & { [CHECKED]?: Allowed };

const isPromise = <T>(value: T | Promise<T>): value is Promise<T> => typeof (value as { then?: unknown } | null)?.then === 'function';
