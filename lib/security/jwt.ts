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
import { JwksKeys, type JwksOptions } from './jwks';
import { declaredScopes } from './roles';

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
  /** The header carrying `Bearer <token>` (default `authorization`); `false` to read the cookie only. */
  header?: string | false;
  /** A cookie carrying the bare token, read when the header is absent. */
  cookie?: string;
  /** The `realm` of the `WWW-Authenticate` challenge. */
  realm?: string;
  /** The name of the scheme in the OpenAPI document. Default `bearer` (`jwtCookie` when only a cookie is read). */
  schemeName?: string;
}

const invalidOption = (message: string): RivetError => new RivetError('RIVET_JWT_OPTIONS_INVALID', message);

/**
 * Authenticates with a JSON Web Token (jsonwebtoken): `Authorization: Bearer <token>` (or a configured header
 * or cookie), verified against a secret, a public key or a JWKS, with an explicit algorithm allow-list. The
 * verified claims become `ctx.state.user`. Missing or invalid tokens get a 401 problem with a
 * `WWW-Authenticate: Bearer` challenge (`error="invalid_token"` when a token was sent). Subclass it and
 * override `principal()` to turn claims into your own user object.
 * @example @Guard(new JwtGuard({ secret: process.env.JWT_SECRET!, algorithms: ['HS256'], issuer: 'https://auth.example.com' }))
 */
export class JwtGuard implements CanActivate, OpenApiGuard {
  readonly #key: KeyObject | null;
  readonly #jwks: JwksKeys | null;
  readonly #verify: jsonwebtoken.VerifyOptions & { complete: false };
  readonly #algorithms: readonly string[];
  readonly #header: string | null;
  readonly #cookie: string | null;
  /** `WWW-Authenticate` without a token, and the prefix of the `invalid_token` one (RFC 6750 §3). */
  readonly #challenge: string;
  readonly #invalidChallenge: string;
  readonly #security: GuardSecurity;

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
    this.#header = options.header === false ? null : (options.header ?? 'authorization').toLowerCase();
    this.#cookie = options.cookie ?? null;
    if (this.#header === null && this.#cookie === null) throw invalidOption('JwtGuard reads neither a header nor a cookie.\n  Fix: keep the default header, or give cookie: \'name\'.');
    this.#challenge = options.realm === undefined ? 'Bearer' : `Bearer realm="${options.realm.replace(/["\\]/g, '')}"`;
    this.#invalidChallenge = `${this.#challenge}${options.realm === undefined ? '' : ','} error="invalid_token", error_description=`;
    const scheme: SecuritySchemeObject = this.#header === 'authorization'
      ? { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }
      : this.#header !== null ? { type: 'apiKey', in: 'header', name: options.header as string } : { type: 'apiKey', in: 'cookie', name: this.#cookie! };
    this.#security = { name: options.schemeName ?? (this.#header === null ? 'jwtCookie' : 'bearer'), scheme };
  }

  canActivate(ctx: RequestContext): boolean | Promise<boolean> {
    const token = this.extractToken(ctx);
    if (token === undefined || token === '') throw new UnauthorizedError('A bearer token is required.', { headers: { 'www-authenticate': this.#challenge } });
    if (this.#jwks === null) {
      ctx.state.user = this.principal(this.#check(token, this.#key!), ctx);
      return true;
    }
    return this.#checkWithJwks(token).then((claims) => {
      ctx.state.user = this.principal(claims, ctx);
      return true;
    });
  }

  /** The raw token of a request: the `Bearer` credential of the header, else the cookie. `undefined` when there is none. */
  protected extractToken(ctx: RequestContext): string | undefined {
    if (this.#header !== null) {
      const value = ctx.request.headers[this.#header];
      if (typeof value === 'string') {
        if (this.#header !== 'authorization') return value.trim();
        const space = value.indexOf(' ');
        if (space !== -1 && value.slice(0, space).toLowerCase() === 'bearer') return value.slice(space + 1).trim();
      }
    }
    return this.#cookie === null ? undefined : ctx.cookies[this.#cookie];
  }

  /** What lands in `ctx.state.user`: the verified claims. Override to map them to your own principal. */
  protected principal(claims: jsonwebtoken.JwtPayload, ctx: RequestContext): unknown {
    void ctx;
    return claims;
  }

  securityScheme(route: GuardRouteInfo): GuardSecurity {
    return { ...this.#security, scopes: declaredScopes(route.metadata) };
  }

  #check(token: string, key: KeyObject): jsonwebtoken.JwtPayload {
    let claims: string | jsonwebtoken.JwtPayload;
    try {
      claims = jwt().verify(token, key, this.#verify);
    } catch (err) {
      throw this.#invalid(describe(err), err);
    }
    if (claims === null || typeof claims !== 'object') throw this.#invalid('The token\'s payload is not a JSON object of claims.');
    return claims;
  }

  async #checkWithJwks(token: string): Promise<jsonwebtoken.JwtPayload> {
    const decoded = jwt().decode(token, { complete: true });
    if (decoded === null) throw this.#invalid('The token is malformed.');
    const { alg, kid } = decoded.header;
    // Refuse before any key lookup, so junk tokens never make the app fetch the key set.
    if (!this.#algorithms.includes(alg)) throw this.#invalid('The token\'s algorithm is not accepted.');
    const key = await this.#jwks!.key(kid, alg);
    if (key === undefined) throw this.#invalid('The token\'s signing key is unknown.');
    return this.#check(token, key);
  }

  #invalid(description: string, cause?: unknown): UnauthorizedError {
    return new UnauthorizedError(description, { cause, headers: { 'www-authenticate': `${this.#invalidChallenge}"${description}"` } });
  }
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
