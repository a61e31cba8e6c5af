import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SetMetadata } from '../decorators/meta';
import { RivetError } from '../errors/rivet-error';
import { RequestContext } from '../pipeline/context';
import type { Plugin } from '../pipeline/plugin';
import { isTls } from './client';

/** Put in a CSP directive to allow the request's nonce (`'nonce-…'`); read it with {@link cspNonce}. */
export const NONCE: unique symbol = Symbol('rivet.cspNonce');

/** A CSP directive's sources; `false` drops a default directive; `true` for value-less ones (`upgrade-insecure-requests`). */
export type CspSources = readonly (string | typeof NONCE)[] | string | boolean;

/** `createApp({ securityHeaders })`, and `@SecurityHeaders(...)` per route. `false` turns one header off. */
export interface SecurityHeadersOptions {
  /** `true` (default): the defaults below. An object merges its directives over them. */
  contentSecurityPolicy?: boolean | { directives?: Record<string, CspSources>; reportOnly?: boolean };
  /** Sent on TLS requests only. Default `max-age=31536000; includeSubDomains`. */
  strictTransportSecurity?: boolean | { maxAge?: number; includeSubDomains?: boolean; preload?: boolean };
  /** `X-Frame-Options`. Default `SAMEORIGIN`. */
  frameOptions?: 'DENY' | 'SAMEORIGIN' | false;
  /** Default `no-referrer`. */
  referrerPolicy?: string | false;
  /** `X-Content-Type-Options: nosniff`. Default on. */
  contentTypeOptions?: boolean;
  /** Default `same-origin`. */
  crossOriginOpenerPolicy?: 'same-origin' | 'same-origin-allow-popups' | 'unsafe-none' | false;
  /** Default `same-origin`. */
  crossOriginResourcePolicy?: 'same-origin' | 'same-site' | 'cross-origin' | false;
  /** Off by default (it breaks cross-origin images and scripts unless they opt in). */
  crossOriginEmbedderPolicy?: 'require-corp' | 'credentialless' | 'unsafe-none' | false;
  /** `Origin-Agent-Cluster: ?1`. Default on. */
  originAgentCluster?: boolean;
  /** `X-DNS-Prefetch-Control: off`. Default on. */
  dnsPrefetchControl?: boolean;
  /** `X-Download-Options: noopen`. Default on. */
  downloadOptions?: boolean;
  /** `X-Permitted-Cross-Domain-Policies`. Default `none`. */
  permittedCrossDomainPolicies?: 'none' | 'master-only' | 'by-content-type' | 'all' | false;
  /** `X-XSS-Protection: 0` (the legacy filter caused leaks; modern advice is to disable it). Default on. */
  xssProtection?: boolean;
  /** `Permissions-Policy`, e.g. `{ camera: [], geolocation: ['self'] }`. Off by default. */
  permissionsPolicy?: Record<string, readonly string[]> | false;
}

/** The default CSP: helmet's, without `upgrade-insecure-requests` (which breaks plain-HTTP development). */
const DEFAULT_CSP: Record<string, CspSources> = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'font-src': ["'self'", 'https:', 'data:'],
  'form-action': ["'self'"],
  'frame-ancestors': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'", 'https:', "'unsafe-inline'"],
};

const SECURITY_HEADERS = Symbol('rivet:securityHeaders');
const nonces = new WeakMap<IncomingMessage, string>();

/**
 * Changes the security headers of a route or of every route of a controller: `false` sends none of them (for
 * a route whose page sets its own), an object is merged over the app's `securityHeaders` options.
 * @example @SecurityHeaders({ frameOptions: false, contentSecurityPolicy: { directives: { 'frame-ancestors': ['https://partner.example'] } } })
 */
export function SecurityHeaders(options: SecurityHeadersOptions | false): ClassDecorator & MethodDecorator {
  return SetMetadata(SECURITY_HEADERS, options);
}

/**
 * The CSP nonce of the request, when a directive uses {@link NONCE}: put it in `<script nonce="…">`.
 * `undefined` when the policy has no nonce or security headers are off for the route.
 */
export function cspNonce(ctx: RequestContext | IncomingMessage): string | undefined {
  return nonces.get(ctx instanceof RequestContext ? ctx.request : ctx);
}

/** Precomputed headers: fixed ones, the HSTS value (TLS only), and the CSP split around its nonces. */
interface HeaderSet {
  readonly fixed: readonly (readonly [string, string])[];
  readonly hsts: string | null;
  /** The CSP header name and its value split at the nonce slots (one part when it has none). */
  readonly csp: { readonly name: string; readonly parts: readonly string[] } | null;
  readonly names: readonly string[];
}

const invalid = (message: string): RivetError => new RivetError('RIVET_SECURITY_HEADERS_INVALID', message);
const VALUE = /^[\x20-\x7e]*$/;

function compile(o: SecurityHeadersOptions): HeaderSet {
  if (o === null || typeof o !== 'object') throw invalid(`securityHeaders is ${String(o)}.\n  Fix: securityHeaders: true, or an object such as { frameOptions: 'DENY' }.`);
  const fixed: [string, string][] = [];
  const add = (name: string, value: string | false | undefined, fallback: string): void => {
    if (value === false) return;
    const v = value ?? fallback;
    if (typeof v !== 'string' || !VALUE.test(v) || v === '') throw invalid(`securityHeaders: ${name} is ${JSON.stringify(v)}.\n  Fix: give a header value, or false to leave the header out.`);
    fixed.push([name, v]);
  };
  const flag = (name: string, on: boolean | undefined, value: string): void => { if (on !== false) fixed.push([name, value]); };
  add('x-frame-options', o.frameOptions, 'SAMEORIGIN');
  add('referrer-policy', o.referrerPolicy, 'no-referrer');
  flag('x-content-type-options', o.contentTypeOptions, 'nosniff');
  add('cross-origin-opener-policy', o.crossOriginOpenerPolicy, 'same-origin');
  add('cross-origin-resource-policy', o.crossOriginResourcePolicy, 'same-origin');
  if (o.crossOriginEmbedderPolicy !== undefined) add('cross-origin-embedder-policy', o.crossOriginEmbedderPolicy, 'require-corp');
  flag('origin-agent-cluster', o.originAgentCluster, '?1');
  flag('x-dns-prefetch-control', o.dnsPrefetchControl, 'off');
  flag('x-download-options', o.downloadOptions, 'noopen');
  add('x-permitted-cross-domain-policies', o.permittedCrossDomainPolicies, 'none');
  flag('x-xss-protection', o.xssProtection, '0');
  if (o.permissionsPolicy !== undefined && o.permissionsPolicy !== false) {
    add('permissions-policy', Object.entries(o.permissionsPolicy).map(([feature, allow]) => `${feature}=(${allow.map((a) => (a === 'self' || a === '*' ? a : `"${a}"`)).join(' ')})`).join(', '), '');
  }
  let hsts: string | null = null;
  const h = o.strictTransportSecurity;
  if (h !== false) {
    const s = h === true || h === undefined ? {} : h;
    const maxAge = s.maxAge ?? 31_536_000;
    if (!Number.isInteger(maxAge) || maxAge < 0) throw invalid(`securityHeaders.strictTransportSecurity.maxAge is ${String(maxAge)}.\n  Fix: a whole number of seconds, e.g. 31536000 (one year).`);
    hsts = `max-age=${maxAge}${s.includeSubDomains === false ? '' : '; includeSubDomains'}${s.preload === true ? '; preload' : ''}`;
  }
  let csp: HeaderSet['csp'] = null;
  const c = o.contentSecurityPolicy;
  if (c !== false) {
    const given = c === true || c === undefined ? {} : c;
    const directives: Record<string, CspSources> = { ...DEFAULT_CSP, ...given.directives };
    const text = Object.entries(directives).filter(([, v]) => v !== false).map(([name, sources]) => {
      if (!/^[a-z-]+$/.test(name)) throw invalid(`securityHeaders: CSP directive ${JSON.stringify(name)} is not a directive name.\n  Fix: use names such as 'script-src'.`);
      if (sources === true) return name;
      const list = typeof sources === 'string' ? [sources] : sources as readonly (string | typeof NONCE)[];
      return [name, ...list.map((src) => {
        // NUL marks the nonce slot: it cannot occur in a valid source, so splitting on it is exact.
        if (src === NONCE) return "'nonce-\0'";
        if (typeof src !== 'string' || /[;,]/.test(src) || !VALUE.test(src)) throw invalid(`securityHeaders: CSP source ${JSON.stringify(src)} in ${name} is not valid.\n  Fix: quote keywords ("'self'"), and never put ";" or "," in a source.`);
        return src;
      })].join(' ');
    }).join('; ');
    csp = { name: given.reportOnly === true ? 'content-security-policy-report-only' : 'content-security-policy', parts: text.split('\0') };
  }
  const names = [...fixed.map(([n]) => n), ...(hsts === null ? [] : ['strict-transport-security']), ...(csp === null ? [] : [csp.name])];
  return { fixed, hsts, csp, names };
}

/** Sets a header set on a response; a CSP with nonce slots gets one fresh nonce per request. */
function apply(set: HeaderSet, req: IncomingMessage, res: ServerResponse, trusted: number): void {
  for (const [name, value] of set.fixed) res.setHeader(name, value);
  if (set.hsts !== null && isTls(req, trusted)) res.setHeader('strict-transport-security', set.hsts);
  if (set.csp !== null) {
    const { parts, name } = set.csp;
    if (parts.length === 1) res.setHeader(name, parts[0]);
    else {
      const nonce = randomBytes(16).toString('base64');
      nonces.set(req, nonce);
      res.setHeader(name, parts.join(nonce));
    }
  }
}

/**
 * The modern helmet/Hono set of security headers on every response: nosniff, frame options, referrer policy,
 * COOP/CORP, a default CSP (with optional per-request nonces), HSTS on TLS requests only. Rivet never sends
 * `X-Powered-By`. Set before routing, so 404s and errors carry them; `@SecurityHeaders` changes them per route.
 */
export function securityHeadersPlugin(options: SecurityHeadersOptions | true, trusted: number): Plugin {
  const base = options === true ? {} : options;
  const app = compile(base);
  return {
    name: 'securityHeaders',
    onRequest(req, res) {
      apply(app, req, res, trusted);
      return false;
    },
    wrap(route, handler) {
      const own = route.metadata.get(SECURITY_HEADERS) as SecurityHeadersOptions | false | undefined;
      if (own === undefined) return handler;
      const set = own === false ? null : compile({ ...base, ...own });
      return (req, res, values, rawQuery) => {
        for (const name of app.names) res.removeHeader(name);
        nonces.delete(req);
        if (set !== null) apply(set, req, res, trusted);
        handler(req, res, values, rawQuery);
      };
    },
  };
}
