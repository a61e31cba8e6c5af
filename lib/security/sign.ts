import { createPrivateKey, type KeyObject } from 'node:crypto';
import type * as jsonwebtoken from 'jsonwebtoken';
import { RivetError } from '../errors/rivet-error';
import { secretKey, type JwtAlgorithm } from './jwt';

/** Options of {@link signJwt}. Exactly one of `secret` and `privateKey`. */
export interface SignJwtOptions {
  /** HMAC secret, for HS256 (the default), HS384 or HS512. */
  secret?: string | Buffer | KeyObject;
  /** A private key (PEM or KeyObject) for RS*, PS* or ES*; `algorithm` then defaults to RS256 or the curve's ES*. */
  privateKey?: string | Buffer | KeyObject;
  algorithm?: JwtAlgorithm;
  /** Lifetime: seconds, or a string such as `'15m'`, `'2h'`, `'7d'`. */
  expiresIn?: number | string;
  /** Not valid before: seconds from now, or a string such as `'1m'`. */
  notBefore?: number | string;
  audience?: string | string[];
  issuer?: string;
  subject?: string;
  /** The `kid` header, naming the key in a JWKS. */
  keyId?: string;
  /** The `jti` claim. */
  jwtId?: string;
}

const CURVES: Record<string, JwtAlgorithm> = { prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' };

/**
 * Signs claims into a compact JWT (jsonwebtoken), for apps that issue their own tokens and for tests. The
 * options mirror `JwtGuard`'s, so a token signed with the same secret, issuer and audience passes it.
 * @example const token = signJwt({ sub: '42', roles: ['admin'] }, { secret, expiresIn: '1h', issuer: 'rivet-app' });
 */
export function signJwt(claims: Record<string, unknown>, options: SignJwtOptions): string {
  if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) {
    throw new RivetError('RIVET_JWT_OPTIONS_INVALID', 'signJwt(claims, options) needs the claims as a plain object.\n  Fix: e.g. signJwt({ sub: user.id }, { secret, expiresIn: \'1h\' }).');
  }
  if ((options.secret === undefined) === (options.privateKey === undefined)) {
    throw new RivetError('RIVET_JWT_OPTIONS_INVALID', 'signJwt needs exactly one of secret and privateKey.\n  Fix: pass { secret } for HS256, or { privateKey, algorithm } for RS256/ES256.');
  }
  let key: KeyObject;
  let algorithm: JwtAlgorithm;
  if (options.secret !== undefined) {
    algorithm = options.algorithm ?? 'HS256';
    if (!algorithm.startsWith('HS')) throw new RivetError('RIVET_JWT_OPTIONS_INVALID', `signJwt got a secret with algorithm ${algorithm}.\n  Fix: use HS256, HS384 or HS512 with a secret, or pass privateKey.`);
    key = secretKey(options.secret, [algorithm], 'signJwt');
  } else {
    try {
      const given = options.privateKey as string | Buffer | KeyObject;
      key = typeof given === 'object' && !Buffer.isBuffer(given) && given.type === 'private' ? given : createPrivateKey(given as string);
    } catch (err) {
      throw new RivetError('RIVET_JWT_OPTIONS_INVALID', `signJwt privateKey could not be read (${err instanceof Error ? err.message : String(err)}).\n  Fix: pass a PEM private key or a KeyObject from crypto.createPrivateKey().`, { cause: err });
    }
    const curve = key.asymmetricKeyDetails?.namedCurve;
    algorithm = options.algorithm ?? (key.asymmetricKeyType === 'ec' ? CURVES[curve ?? ''] ?? 'ES256' : 'RS256');
    if (algorithm.startsWith('HS')) throw new RivetError('RIVET_JWT_OPTIONS_INVALID', `signJwt got a private key with algorithm ${algorithm}.\n  Fix: use RS*, PS* or ES* with a private key, or pass secret for HS*.`);
  }
  const sign: jsonwebtoken.SignOptions = { algorithm };
  if (options.expiresIn !== undefined) sign.expiresIn = options.expiresIn as jsonwebtoken.SignOptions['expiresIn'];
  if (options.notBefore !== undefined) sign.notBefore = options.notBefore as jsonwebtoken.SignOptions['notBefore'];
  if (options.audience !== undefined) sign.audience = options.audience;
  if (options.issuer !== undefined) sign.issuer = options.issuer;
  if (options.subject !== undefined) sign.subject = options.subject;
  if (options.keyId !== undefined) sign.keyid = options.keyId;
  if (options.jwtId !== undefined) sign.jwtid = options.jwtId;
  // Loaded on first use: apps that never sign tokens do not load jsonwebtoken.
  return (require('jsonwebtoken') as typeof import('jsonwebtoken')).sign(claims, key, sign);
}
