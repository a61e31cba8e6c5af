import type { IncomingMessage, ServerResponse } from 'node:http';
import { ServiceUnavailableError } from '../errors/http-error';
import { sendError, type ErrorPolicy } from '../errors/problem';
import { RivetError } from '../errors/rivet-error';
import { parseCookies } from '../http/cookies';
import { requestSessions, type Session } from '../pipeline/context';
import type { Plugin } from '../pipeline/plugin';
import type { Store } from '../store/store';
import { isTls } from './client';
import { newSessionId, SessionCookieCodec } from './session-cookie';

/** `createApp({ session })`: server-side sessions behind a signed (optionally encrypted) cookie. */
export interface SessionOptions {
  /** Signs (and encrypts) the cookie: at least 32 characters. A list rotates secrets: the first signs, all verify. */
  secret: string | readonly string[];
  /** The session cookie. */
  cookie?: SessionCookieOptions;
  /** Seconds a session lives without being used (and the cookie's Max-Age). Default 86400 (one day). */
  ttl?: number;
  /** Whether each request that uses a session extends it by `ttl` (store and cookie). Default true. */
  rolling?: boolean;
  /** Encrypts the session id in the cookie (AES-256-GCM) instead of signing it in clear. Default false. */
  encrypt?: boolean;
  /** Where sessions live. Default: the app's `store` (use a `RedisStore` so sessions survive restarts and are shared). */
  store?: Store;
  /** Key prefix in the store. Default `sess:`. */
  prefix?: string;
}

/** The session cookie's attributes. Defaults are the safe ones. */
export interface SessionCookieOptions {
  /** Default `rivet.sid`. */
  name?: string;
  /** Default `/`. */
  path?: string;
  domain?: string;
  /** Default `Lax`. `None` needs `secure: true`. */
  sameSite?: 'Strict' | 'Lax' | 'None';
  /** `'auto'` (default): Secure when the request came over TLS (directly, or per `X-Forwarded-Proto` from a trusted proxy). */
  secure?: boolean | 'auto';
  /** Default true: scripts cannot read the cookie. */
  httpOnly?: boolean;
}

const invalid = (message: string): RivetError => new RivetError('RIVET_SESSION_OPTIONS_INVALID', message);
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** What a request's session decided when its response started: the cookie to set and the store work to finish first. */
interface Plan {
  cookie: 'set' | 'clear' | null;
  work: (() => Promise<unknown>) | null;
}

/** One request's session; see the `Session` contract in pipeline/context.ts. */
class RequestSession implements Session {
  readonly data: Record<string, unknown>;
  readonly isNew: boolean;
  #id: string;
  /** The id whose stored entry must go (after `regenerate()`), or null. */
  #stale: string | null = null;
  #destroyed = false;
  readonly #loaded: string;

  constructor(id: string, isNew: boolean, data: Record<string, unknown>, loaded: string) {
    this.#id = id;
    this.isNew = isNew;
    this.data = data;
    this.#loaded = loaded;
  }

  get id(): string { return this.#id; }
  get<T = unknown>(key: string): T | undefined { return this.data[key] as T | undefined; }
  set(key: string, value: unknown): void { this.data[key] = value; }
  delete(key: string): void { delete this.data[key]; }

  regenerate(): void {
    if (!this.isNew && this.#stale === null) this.#stale = this.#id;
    this.#id = newSessionId();
    this.#destroyed = false;
  }

  destroy(): void {
    if (!this.isNew && this.#stale === null) this.#stale = this.#id;
    this.#destroyed = true;
    for (const key of Object.keys(this.data)) delete this.data[key];
  }

  plan(store: Store, prefix: string, ttlMs: number, rolling: boolean): Plan {
    const stale = this.#stale;
    const drop = stale === null ? null : (): Promise<void> => store.delete(prefix + stale);
    if (this.#destroyed) return { cookie: this.isNew && stale === null ? null : 'clear', work: drop };
    const json = JSON.stringify(this.data);
    const changed = json !== this.#loaded || stale !== null;
    // A new session that holds nothing is never stored nor sent (no cookie for anonymous visitors).
    if ((this.isNew && json === '{}' && stale === null) || (!changed && !rolling)) return { cookie: null, work: null };
    const key = prefix + this.#id;
    return { cookie: 'set', work: drop === null ? () => store.set(key, json, ttlMs) : () => Promise.all([drop(), store.set(key, json, ttlMs)]) };
  }
}

/**
 * The session feature: before each route, the session named by a valid cookie is loaded from the store (a
 * missing, tampered or expired cookie starts a new, empty session with a fresh id); when the response starts,
 * the cookie is set and the store is written before the response ends.
 */
export function sessionPlugin(options: SessionOptions, app: { store: Store; trustProxy: number; errors: ErrorPolicy }): Plugin {
  if (options === null || typeof options !== 'object') throw invalid('session must be an object with a secret.\n  Fix: session: { secret: process.env.SESSION_SECRET }.');
  const secrets = typeof options.secret === 'string' ? [options.secret] : options.secret;
  if (!Array.isArray(secrets) || secrets.length === 0 || secrets.some((s) => typeof s !== 'string' || s.length < 32)) {
    throw invalid('session.secret must be a string of at least 32 characters (or a list of them, newest first).\n  Fix: generate one with require(\'node:crypto\').randomBytes(32).toString(\'base64url\') and keep it out of the code.');
  }
  const ttl = options.ttl ?? 86_400;
  if (!Number.isInteger(ttl) || ttl <= 0) throw invalid(`session.ttl is ${String(ttl)}.\n  Fix: give a whole number of seconds, e.g. 3600.`);
  const c = options.cookie ?? {};
  const name = c.name ?? 'rivet.sid';
  if (!TOKEN.test(name)) throw invalid(`session.cookie.name ${JSON.stringify(name)} is not a valid cookie name.\n  Fix: use letters, digits and - _ . only.`);
  const sameSite = c.sameSite ?? 'Lax';
  if (!['Strict', 'Lax', 'None'].includes(sameSite)) throw invalid(`session.cookie.sameSite is ${String(sameSite)}.\n  Fix: 'Strict', 'Lax' or 'None'.`);
  const secure = c.secure ?? 'auto';
  if (sameSite === 'None' && secure !== true) throw invalid('session.cookie.sameSite is \'None\' without secure: true; browsers drop such cookies.\n  Fix: set cookie.secure: true (and serve over HTTPS), or use \'Lax\'.');
  const path = c.path ?? '/';
  if (/[;\r\n]/.test(path) || (c.domain !== undefined && /[;\r\n]/.test(c.domain))) throw invalid('session.cookie.path and domain may not contain ";" or line breaks.');
  const store = options.store ?? app.store;
  const prefix = options.prefix ?? 'sess:';
  const rolling = options.rolling ?? true;
  const ttlMs = ttl * 1000;
  const codec = new SessionCookieCodec(secrets, options.encrypt === true);
  const trusted = app.trustProxy;

  // Precomputed attribute strings; only the value and, in 'auto' mode, "; Secure" vary per request.
  const attributes = `; Path=${path}${c.domain === undefined ? '' : `; Domain=${c.domain}`}${c.httpOnly === false ? '' : '; HttpOnly'}; SameSite=${sameSite}`;
  const setSuffix = `; Max-Age=${ttl}${attributes}`;
  const clearCookie = `${name}=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT${attributes}`;
  const secureFor = secure === 'auto' ? (req: IncomingMessage) => isTls(req, trusted) : () => secure;

  const cookieHeader = (req: IncomingMessage, session: RequestSession, kind: 'set' | 'clear'): string =>
    (kind === 'clear' ? clearCookie : `${name}=${codec.encode(session.id)}${setSuffix}`) + (secureFor(req) ? '; Secure' : '');

  /** Hooks the response so the cookie goes out with the headers and the store is written before the response ends. */
  const attach = (req: IncomingMessage, res: ServerResponse, session: RequestSession): void => {
    requestSessions.set(req, session);
    let plan: Plan | null = null;
    const decide = (): Plan => {
      if (plan !== null) return plan;
      plan = session.plan(store, prefix, ttlMs, rolling);
      if (plan.cookie !== null && !res.headersSent) appendSetCookie(res, cookieHeader(req, session, plan.cookie));
      return plan;
    };
    const writeHead = res.writeHead;
    const end = res.end;
    res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
      decide();
      return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
    } as ServerResponse['writeHead'];
    res.end = function (this: ServerResponse, ...args: unknown[]) {
      const { work } = decide();
      if (work === null) return (end as (...a: unknown[]) => ServerResponse).apply(this, args);
      // The client sees the response only once the session is stored, so its next request finds it.
      work().then(() => (end as (...a: unknown[]) => ServerResponse).apply(this, args), () => this.destroy());
      return this;
    } as ServerResponse['end'];
  };

  return {
    name: 'session',
    wrap: (_route, handler) => (req, res, values, rawQuery) => {
      const raw = req.headers.cookie === undefined ? undefined : parseCookies(req.headers.cookie)[name];
      const id = raw === undefined ? undefined : codec.decode(raw);
      if (id === undefined) {
        attach(req, res, new RequestSession(newSessionId(), true, {}, '{}'));
        return handler(req, res, values, rawQuery);
      }
      store.get(prefix + id).then((json) => {
        const data = json === undefined ? undefined : parseData(json);
        attach(req, res, data === undefined ? new RequestSession(newSessionId(), true, {}, '{}') : new RequestSession(id, false, data, json!));
        handler(req, res, values, rawQuery);
      }, (err: unknown) => sendError(req, res, new ServiceUnavailableError('The session store is not available.', { cause: err, headers: { 'retry-after': '5' } }), app.errors));
    },
  };
}

function parseData(json: string): Record<string, unknown> | undefined {
  try {
    const data = JSON.parse(json) as unknown;
    return data !== null && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Adds a Set-Cookie line, keeping those set before (Set-Cookie is the one header that is never folded). */
export function appendSetCookie(res: ServerResponse, cookie: string): void {
  const prior = res.getHeader('set-cookie');
  res.setHeader('set-cookie', prior === undefined ? cookie : Array.isArray(prior) ? [...prior, cookie] : [String(prior), cookie]);
}
