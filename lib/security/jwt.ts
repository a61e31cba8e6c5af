import { createPublicKey, createSecretKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import type * as jsonwebtoken from 'jsonwebtoken';

// Loaded on first use, so apps that never verify a JWT do not pay its start-up time and memory.
let jwtLib: typeof import('jsonwebtoken') | undefined;
const jwt = (): typeof import('jsonwebtoken') => (jwtLib ??= require('jsonwebtoken') as typeof import('jsonwebtoken'));
import { UnauthorizedError } from '../errors/http-error';
import { RivetError } from '../errors/rivet-error';
import type { GuardRouteInfo, GuardSecurity, OpenApiGuard } from '../openapi/decorators';
import type { SecuritySchemeObject } from '../openapi/types';
import type { RequestContext } from '../pipeline/context';
import type { CanActivate } from '../pipeline/guards';
import { authSchemes, challenges, readCredentials, type AuthSchemes } from './authorization';
import { JwksKeys, type JwksOptions } from './jwks';
import { AUTH_CHALLENGE, declaredScopes } from './roles';

/** The JWS algorithms Rivet verifies. `none` is not one of them. */
export type JwtAlgorithm = 'HS256' | 'HS384' | 'HS512' | 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512';

const HMAC: readonly JwtAlgorithm[] = ['HS256', 'HS384', 'HS512'];
const ASYMMETRIC: readonly JwtAlgorithm[] = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'];
/** RFC 7518 §3.2: an HMAC key at least as long as the hash output. */
const MIN_SECRET_BYTES: Record<string, number> = { HS256: 32, HS384: 48, HS512: 64 };

/** A public JSON Web Key (RFC 7517), such as jose's `exportJWK()` returns. */
export interface PublicJwk {
  kty?: string;
  crv?: string;
  x?: string;
  y?: string;
  n?: string;
  e?: string;
  kid?: string;
  alg?: string;
  use?: string;
}

/** Options of {@link JwtGuard}. Exactly one of `secret`, `publicKey`, `jwksUri`. */
export interface JwtGuardOptions {
  /** The HMAC secret (HS* algorithms only), at least as many bytes as the hash: 32 for HS256. */
  secret?: string | Buffer | KeyObject;
  /** A public key (PEM, DER Buffer, JWK or KeyObject) for RS*, PS* or ES* algorithms. */
  publicKey?: string | Buffer | KeyObject | PublicJwk;
  /** A JWKS URL whose keys are looked up by the token's `kid` (RS*, PS*, ES* only). */
  jwksUri?: string;
  /** Caching of `jwksUri`. */
  jwks?: JwksOptions;
  /** Required: the algorithms accepted. HMAC and public-key algorithms cannot be mixed, so no token can switch between them. */
  algorithms: JwtAlgorithm[];
  /** Accepted `aud` values; when set, a token without a matching `aud` is refused. */
  audience?: string | RegExp | (string | RegExp)[];
  /** Accepted `iss` values; when set, a token from another issuer is refused. */
  issuer?: string | string[];
  /** Clock skew tolerated on `exp` and `nbf`, in seconds. Default 0. */
  leeway?: number;
  /**
   * The auth scheme(s) accepted before the token in the header, compared case-insensitively: `'Bearer'` (the default),
   * `'Token'` (the RealWorld "Conduit" API) or a list such as `['Bearer', 'Token']`. With a `header` other than
   * `authorization`, the header carries the bare token unless a scheme is given.
   */
  scheme?: string | readonly string[];
  /**
   * Let requests without credentials through, anonymously: `ctx.state.user` stays unset and the handler decides.
   * Credentials that are sent must still be valid: a bad, expired or malformed token, or another scheme, is a 401.
   */
  optional?: boolean;
  /** The header carrying `<scheme> <token>` (default `authorization`); `false` to read the cookie only. */
  header?: string | false;
  /** A cookie carrying the bare token, read when the header carries none. */
  cookie?: string;
  /** The `realm` of the `WWW-Authenticate` challenges. */
  realm?: string;
  /**
   * The name of the scheme in the OpenAPI document; a list gives one name per accepted scheme. Default: the scheme
   * lowercased (`bearer`, `token`), or `bearer` for a bare custom header and `jwtCookie` when only a cookie is read.
   */
  schemeName?: string | readonly string[];
}

const invalidOption = (message: string): RivetError => new RivetError('RIVET_JWT_OPTIONS_INVALID', message);

/**
 * Authenticates with a JSON Web Token (jsonwebtoken): `Authorization: Bearer <token>` by default, or the schemes in
 * `scheme` (`'Token'` for the RealWorld API), another header or a cookie, verified against a secret, a public key or
 * a JWKS, with an explicit algorithm allow-list. The verified claims become `ctx.state.user`. A missing or invalid
 * token gets a 401 problem with one `WWW-Authenticate` challenge per accepted scheme (`error="invalid_token"` when a
 * token was sent); with `optional: true` a request without credentials passes anonymously. Subclass it and override
 * `principal()` to turn claims into your own user object, or `extractToken()` to read the token from elsewhere.
 * @example @Guard(new JwtGuard({ secret: process.env.JWT_SECRET!, algorithms: ['HS256'], issuer: 'https://auth.example.com' }))
 */
export class JwtGuard implements CanActivate, OpenApiGuard {
  readonly #key: KeyObject | null;
  readonly #jwks: JwksKeys | null;
  readonly #verify: jsonwebtoken.VerifyOptions & { complete: false };
  readonly #algorithms: readonly string[];
  /** The header read, lowercased as node:http keys it; `null` to read the cookie only. */
  readonly #header: string | null;
  /** How the header is read: `<scheme> <token>` against these schemes, or `null` for a bare token. */
  readonly #schemes: AuthSchemes | null;
  /** The schemes the challenges name (also for a bare header or a cookie, where `Bearer` is the default). */
  readonly #challengeNames: readonly string[];
  readonly #realm: string | undefined;
  readonly #cookie: string | null;
  readonly #optional: boolean;
  /** `WWW-Authenticate` when no usable token was sent: RFC 6750 §3 puts no error code on it. */
  readonly #challenge: string;
  /** The 401 detail when no token was sent, naming where and how to send one. */
  readonly #required: string;
  readonly #security: readonly GuardSecurity[];

  constructor(options: JwtGuardOptions) {
    if (options === null || typeof options !== 'object') throw invalidOption('new JwtGuard(options) needs an options object.\n  Fix: new JwtGuard({ secret, algorithms: [\'HS256\'] }).');
    const algorithms = checkAlgorithms(options.algorithms);
    const sources = (['secret', 'publicKey', 'jwksUri'] as const).filter((k) => options[k] !== undefined);
    if (sources.length !== 1) {
      throw invalidOption(`JwtGuard needs exactly one of secret, publicKey or jwksUri; got ${sources.length === 0 ? 'none' : sources.join(' and ')}.\n  Fix: give a secret for HS* algorithms, or a publicKey / jwksUri for RS*, PS* and ES*.`);
    }
    const hmac = algorithms.filter((a) => HMAC.includes(a));
    if (options.secret !== undefined) {
      if (hmac.length !== algorithms.length) throw invalidOption(`JwtGuard has a secret but allows ${algorithms.filter((a) => !HMAC.includes(a)).join(', ')}.\n  Fix: with a secret, allow HS256, HS384 or HS512 only; use publicKey or jwksUri for public-key algorithms.`);
      this.#key = secretKey(options.secret, algorithms);
      this.#jwks = null;
    } else {
      if (hmac.length > 0) throw invalidOption(`JwtGuard allows ${hmac.join(', ')} with a public key: anyone holding the public key could then sign tokens (algorithm confusion).\n  Fix: remove the HS* algorithms, or verify HMAC tokens with a separate JwtGuard that has a secret.`);
      if (options.jwksUri !== undefined) {
        if (typeof options.jwksUri !== 'string' || !/^https?:\/\//.test(options.jwksUri)) throw invalidOption(`JwtGuard jwksUri is ${JSON.stringify(options.jwksUri)}.\n  Fix: give the http(s) URL of the JSON Web Key Set, e.g. https://auth.example.com/.well-known/jwks.json.`);
        this.#key = null;
        this.#jwks = new JwksKeys(options.jwksUri, options.jwks);
      } else {
        this.#key = publicKey(options.publicKey!, algorithms);
        this.#jwks = null;
      }
    }
    const leeway = options.leeway ?? 0;
    if (typeof leeway !== 'number' || !(leeway >= 0) || !Number.isFinite(leeway)) throw invalidOption(`JwtGuard leeway is ${String(leeway)}.\n  Fix: give a number of seconds, e.g. 30.`);
    this.#algorithms = algorithms;
    this.#verify = { algorithms: [...algorithms], clockTolerance: leeway, complete: false };
    if (options.audience !== undefined) this.#verify.audience = options.audience as jsonwebtoken.VerifyOptions['audience'];
    if (options.issuer !== undefined) this.#verify.issuer = options.issuer as [string];

    const header = options.header === false ? null : options.header ?? 'Authorization';
    if (header !== null && (typeof header !== 'string' || header === '')) throw invalidOption(`JwtGuard header is ${JSON.stringify(header)}.\n  Fix: give a header name such as 'X-Access-Token', or false to read the cookie only.`);
    this.#header = header === null ? null : header.toLowerCase();
    this.#cookie = options.cookie ?? null;
    if (this.#header === null && this.#cookie === null) throw invalidOption('JwtGuard reads neither a header nor a cookie.\n  Fix: keep the default header, or give cookie: \'name\'.');
    if (options.optional !== undefined && typeof options.optional !== 'boolean') throw invalidOption(`JwtGuard optional is ${JSON.stringify(options.optional)}.\n  Fix: optional: true lets requests without credentials through; leave it out to require a token.`);
    this.#optional = options.optional === true;
    const authorization = this.#header === 'authorization';
    const schemes = authSchemes(options.scheme, authorization ? 'Authorization' : header ?? 'Authorization', 'JwtGuard', 'RIVET_JWT_OPTIONS_INVALID');
    // A custom header has carried the bare token since the first release; it is read as `<scheme> <token>` only when asked.
    this.#schemes = header !== null && (authorization || options.scheme !== undefined) ? schemes : null;
    this.#challengeNames = schemes.names;
    this.#realm = options.realm;
    this.#challenge = challenges(this.#challengeNames, this.#realm);
    this.#required = requiredDetail(this.#schemes, header, this.#cookie);
    this.#security = declaredSecurity(this.#schemes, authorization, header, this.#cookie, options.schemeName, this.#optional);
  }

  canActivate(ctx: RequestContext): boolean | Promise<boolean> {
    const token = this.extractToken(ctx);
    if (token === undefined || token === '') {
      // Anonymous: ctx.state.user is left as it is, so the handler (or a guard after this one) sees no principal.
      if (this.#optional) {
        (ctx as { [AUTH_CHALLENGE]?: string })[AUTH_CHALLENGE] = this.#challenge;
        return true;
      }
      throw new UnauthorizedError(this.#required, { headers: { 'www-authenticate': this.#challenge } });
    }
    if (this.#jwks === null) {
      ctx.state.user = this.principal(this.#check(token, this.#key!, ctx), ctx);
      return true;
    }
    return this.#checkWithJwks(token, ctx).then((claims) => {
      ctx.state.user = this.principal(claims, ctx);
      return true;
    });
  }

  /**
   * The raw token of a request, or `undefined` when it carries none (a 401, or anonymous access when `optional`).
   * It is the token after an accepted scheme in the header (the whole value of a custom header without `scheme`),
   * else the cookie. Header credentials the guard cannot use (another scheme, a scheme with no token, a token with
   * no scheme, several credentials) are a 401 saying so, even on an `optional` guard, unless the cookie has a token.
   * Override it to read the token from elsewhere; whatever string it returns is verified.
   * @example protected override extractToken(ctx: RequestContext) { const t = ctx.query.access_token; return typeof t === 'string' ? t : super.extractToken(ctx); }
   */
  protected extractToken(ctx: RequestContext): string | undefined {
    let refused: string | undefined;
    if (this.#header !== null) {
      const value = ctx.request.headers[this.#header];
      if (this.#schemes === null) {
        const bare = typeof value === 'string' ? value.trim() : '';
        if (bare !== '') return bare;
      } else {
        const read = readCredentials(value, this.#schemes);
        if (read !== null) {
          if ('token' in read) return read.token;
          // Another scheme may be a proxy's (Basic auth in front of a staging site): the cookie can still carry the token.
          refused = read.refused;
        }
      }
    }
    if (this.#cookie !== null) {
      const token = ctx.cookies[this.#cookie];
      if (token !== undefined && token !== '') return token;
    }
    if (refused !== undefined) throw new UnauthorizedError(refused, { headers: { 'www-authenticate': this.#challenge } });
    return undefined;
  }

  /** What lands in `ctx.state.user`: the verified claims. Override to map them to your own principal. */
  protected principal(claims: jsonwebtoken.JwtPayload, ctx: RequestContext): unknown {
    void ctx;
    return claims;
  }

  /**
   * The OpenAPI security scheme(s) of this guard on `route`, with the route's `@Scopes`/`@Roles`: one per accepted
   * scheme (alternatives), marked `optional` when anonymous requests pass. A subclass may return `null` to
   * document nothing.
   */
  securityScheme(route: GuardRouteInfo): GuardSecurity | readonly GuardSecurity[] | null {
    const scopes = declaredScopes(route.metadata);
    // A route with @Roles or @Scopes needs a principal (RolesGuard answers 401 without one): not documented as anonymous.
    const declared = this.#security.map((s): GuardSecurity => {
      const { optional, ...scheme } = s;
      return optional === true && scopes.length === 0 ? { ...scheme, scopes: [...scopes], optional } : { ...scheme, scopes: [...scopes] };
    });
    return declared.length === 1 ? declared[0] : declared;
  }

  #check(token: string, key: KeyObject, ctx: RequestContext): jsonwebtoken.JwtPayload {
    let claims: string | jsonwebtoken.JwtPayload;
    try {
      claims = jwt().verify(token, key, this.#verify);
    } catch (err) {
      throw this.#invalid(describe(err), ctx, err);
    }
    if (claims === null || typeof claims !== 'object') throw this.#invalid('The token\'s payload is not a JSON object of claims.', ctx);
    return claims;
  }

  async #checkWithJwks(token: string, ctx: RequestContext): Promise<jsonwebtoken.JwtPayload> {
    const decoded = jwt().decode(token, { complete: true });
    if (decoded === null) throw this.#invalid('The token is malformed.', ctx);
    const { alg, kid } = decoded.header;
    // Refuse before any key lookup, so junk tokens never make the app fetch the key set.
    if (!this.#algorithms.includes(alg)) throw this.#invalid('The token\'s algorithm is not accepted.', ctx);
    const key = await this.#jwks!.key(kid, alg);
    if (key === undefined) throw this.#invalid('The token\'s signing key is unknown.', ctx);
    return this.#check(token, key, ctx);
  }

  #invalid(description: string, ctx: RequestContext, cause?: unknown): UnauthorizedError {
    // Error path only: the header is read again to put the error on the challenge of the scheme the client used.
    const read = this.#schemes === null ? null : readCredentials(ctx.request.headers[this.#header!], this.#schemes);
    const scheme = read !== null && 'scheme' in read ? read.scheme : 0;
    return new UnauthorizedError(description, { cause, headers: { 'www-authenticate': challenges(this.#challengeNames, this.#realm, { scheme, description }) } });
  }
}

/** The 401 detail for a request without a token. The default guard keeps the wording it always had. */
function requiredDetail(schemes: AuthSchemes | null, header: string | null, cookie: string | null): string {
  const orCookie = cookie === null ? '' : ` or the "${cookie}" cookie`;
  if (schemes !== null) {
    if (cookie === null && schemes.field === 'Authorization' && schemes.lower.length === 1 && schemes.lower[0] === 'bearer') return 'A bearer token is required.';
    return `A token is required: send ${schemes.forms}${orCookie}.`;
  }
  if (header !== null) return `A token is required in the ${header} header${orCookie}.`;
  return `A token is required in the "${cookie}" cookie.`;
}

/** OpenAPI component keys allow letters, digits, ".", "-" and "_". */
const componentKey = (word: string): string => word.toLowerCase().replace(/[^a-z0-9._-]/g, '_');

/**
 * What the guard declares in OpenAPI, one entry per accepted scheme. `Bearer` in `Authorization` is the registered
 * HTTP scheme; any other word (`Token`) cannot be an OpenAPI `http` scheme (those are IANA's), so it is an `apiKey` in
 * that header whose value is the whole `Token <JWT>`: Swagger UI sends an apiKey verbatim, which the description says.
 */
function declaredSecurity(schemes: AuthSchemes | null, authorization: boolean, header: string | null, cookie: string | null, schemeName: unknown, optional: boolean): GuardSecurity[] {
  let declared: { name: string; scheme: SecuritySchemeObject }[];
  if (schemes !== null) {
    const names = schemeNames(schemeName, schemes.names);
    declared = schemes.names.map((word, i) => ({
      name: names?.[i] ?? componentKey(word),
      scheme: authorization && schemes.lower[i] === 'bearer'
        ? { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }
        : { type: 'apiKey', in: 'header', name: schemes.field, description: `A JWT sent as "${schemes.field}: ${word} <JWT>". In Swagger UI's Authorize dialog, enter the whole value, "${word} " included.` },
    }));
  } else {
    const names = schemeNames(schemeName, ['a bare token']);
    declared = [header !== null
      ? { name: names?.[0] ?? 'bearer', scheme: { type: 'apiKey', in: 'header', name: header } }
      : { name: names?.[0] ?? 'jwtCookie', scheme: { type: 'apiKey', in: 'cookie', name: cookie! } }];
  }
  return declared.map((d) => (optional ? { ...d, optional: true } : d));
}

/** The `schemeName` option as one name per scheme, or `null` for the defaults. */
function schemeNames(given: unknown, schemes: readonly string[]): readonly string[] | null {
  if (given === undefined) return null;
  const names = typeof given === 'string' ? [given] : Array.isArray(given) ? given as unknown[] : null;
  if (names === null || names.some((n) => typeof n !== 'string' || n === '')) throw invalidOption(`JwtGuard schemeName is ${JSON.stringify(given)}.\n  Fix: give the name of the scheme in the OpenAPI document, e.g. 'jwt'.`);
  if (names.length !== schemes.length) {
    throw invalidOption(`JwtGuard schemeName gives ${names.length} name${names.length === 1 ? '' : 's'} for ${schemes.length} scheme${schemes.length === 1 ? '' : 's'} (${schemes.join(', ')}); each scheme is documented under its own name.\n  Fix: give one name per scheme, e.g. schemeName: [${schemes.map((s) => `'jwt${s[0].toUpperCase()}${s.slice(1)}'`).join(', ')}], or leave it out for ${schemes.map((s) => `'${componentKey(s)}'`).join(', ')}.`);
  }
  return names as string[];
}

/** A client-safe description of why jsonwebtoken refused a token (its messages can echo expected values). */
function describe(err: unknown): string {
  if (err instanceof jwt().TokenExpiredError) return 'The token has expired.';
  if (err instanceof jwt().NotBeforeError) return 'The token is not valid yet.';
  const message = err instanceof Error ? err.message : '';
  if (message.includes('audience')) return 'The token\'s audience is not accepted.';
  if (message.includes('issuer')) return 'The token\'s issuer is not accepted.';
  if (message.includes('algorithm') || message.includes('signature is required') || message.includes('must be a')) return 'The token\'s algorithm is not accepted.';
  if (message.includes('signature')) return 'The token\'s signature is invalid.';
  if (message.includes('malformed') || message.includes('invalid token') || message.includes('Unexpected token')) return 'The token is malformed.';
  return 'The token is invalid.';
}

function checkAlgorithms(algorithms: unknown): JwtAlgorithm[] {
  if (!Array.isArray(algorithms) || algorithms.length === 0) {
    throw invalidOption('JwtGuard needs an explicit algorithms allow-list; there is no default, so that no token can choose its own algorithm.\n  Fix: e.g. algorithms: [\'HS256\'] with a secret, or [\'RS256\'] with a public key.');
  }
  for (const a of algorithms) {
    if (!HMAC.includes(a as JwtAlgorithm) && !ASYMMETRIC.includes(a as JwtAlgorithm)) {
      throw invalidOption(`JwtGuard algorithms contains ${JSON.stringify(a)}.\n  Fix: use ${[...HMAC, ...ASYMMETRIC].join(', ')}${a === 'none' ? ' (unsigned tokens are never accepted)' : ''}.`);
    }
  }
  return [...new Set(algorithms as JwtAlgorithm[])];
}

/** An HMAC secret as a KeyObject, long enough for every allowed algorithm. */
export function secretKey(secret: string | Buffer | KeyObject, algorithms: readonly string[], who = 'JwtGuard'): KeyObject {
  let key: KeyObject;
  if (typeof secret === 'string' || Buffer.isBuffer(secret)) key = createSecretKey(typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret);
  else if (secret !== null && typeof secret === 'object' && (secret as KeyObject).type === 'secret') key = secret;
  else throw invalidOption(`${who} secret must be a string, a Buffer or a secret KeyObject.\n  Fix: pass the shared secret, e.g. process.env.JWT_SECRET.`);
  const need = Math.max(...algorithms.map((a) => MIN_SECRET_BYTES[a] ?? 0));
  if ((key.symmetricKeySize ?? 0) < need) {
    throw invalidOption(`${who} secret is ${key.symmetricKeySize ?? 0} bytes; ${algorithms.join(', ')} needs at least ${need} (RFC 7518 §3.2).\n  Fix: use a random secret, e.g. require('node:crypto').randomBytes(${need}).toString('base64url').`);
  }
  return key;
}

/** A public key as a KeyObject, of the type the allowed algorithms verify with. */
function publicKey(input: string | Buffer | KeyObject | PublicJwk, algorithms: readonly string[]): KeyObject {
  let key: KeyObject;
  try {
    if (typeof input === 'string' || Buffer.isBuffer(input)) key = createPublicKey(input);
    else if ((input as KeyObject).type === 'public') key = input as KeyObject;
    else if ((input as KeyObject).type === 'private') key = createPublicKey(input as KeyObject);
    else if ((input as KeyObject).type === 'secret') throw new Error('a secret key');
    else key = createPublicKey({ key: input as JsonWebKey, format: 'jwk' });
  } catch (err) {
    throw new RivetError('RIVET_JWT_OPTIONS_INVALID', `JwtGuard publicKey could not be read as a public key (${err instanceof Error ? err.message : String(err)}).\n  Fix: pass a PEM string ("-----BEGIN PUBLIC KEY-----…"), a JWK object or a KeyObject from crypto.createPublicKey().`, { cause: err });
  }
  const type = key.asymmetricKeyType ?? '';
  for (const a of algorithms) {
    const ok = a.startsWith('ES') ? type === 'ec' : a.startsWith('PS') ? type === 'rsa' || type === 'rsa-pss' : type === 'rsa';
    if (!ok) throw invalidOption(`JwtGuard allows ${a} but the public key is of type ${type}.\n  Fix: allow the algorithms of the key (RS*/PS* for RSA, ES* for EC keys), or pass the matching key.`);
  }
  return key;
}
