import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';

import { ServiceUnavailableError } from '../errors/http-error';

/** How a JWKS endpoint is read and cached. */
export interface JwksOptions {
  /** How long fetched keys are used before they are fetched again. Default 600 s. */
  cacheSeconds?: number;
  /** The least time between two fetches, so tokens with unknown `kid`s cannot make the app hammer the endpoint. Default 30 s. */
  cooldownSeconds?: number;
  /** Give up on the endpoint after this long. Default 5 s. */
  timeoutSeconds?: number;
}

const MAX_BYTES = 1024 * 1024;

const unavailable = (cause: unknown): ServiceUnavailableError =>
  new ServiceUnavailableError('The signing keys for bearer tokens could not be fetched.', { cause, headers: { 'retry-after': '30' } });

/** The key types each algorithm family may be verified with: a JWKS can never turn an RS256 token into an HMAC one. */
const KEY_TYPES: Record<string, readonly string[]> = { RS: ['rsa'], PS: ['rsa', 'rsa-pss'], ES: ['ec'] };

/**
 * Signing keys from a JWKS URL (RFC 7517), fetched on first use and cached by `kid`. An unknown `kid` triggers a
 * refetch (key rotation) at most once per cooldown; concurrent lookups share one fetch. Symmetric (`oct`),
 * encryption-only and private entries are ignored.
 */
export class JwksKeys {
  readonly #uri: string;
  readonly #cacheMs: number;
  readonly #cooldownMs: number;
  readonly #timeoutMs: number;
  #keys = new Map<string, KeyObject>();
  #anonymous: KeyObject[] = [];
  #fetchedAt = -Infinity;
  #attemptedAt = -Infinity;
  #failed = false;
  #inflight: Promise<void> | null = null;

  constructor(uri: string, options: JwksOptions = {}) {
    this.#uri = uri;
    this.#cacheMs = (options.cacheSeconds ?? 600) * 1000;
    this.#cooldownMs = (options.cooldownSeconds ?? 30) * 1000;
    this.#timeoutMs = (options.timeoutSeconds ?? 5) * 1000;
  }

  /** The key for a token header, or `undefined` when the set has none that fits (→ 401). A fetch failure → 503. */
  async key(kid: string | undefined, alg: string): Promise<KeyObject | undefined> {
    const now = Date.now();
    let found = this.#find(kid, alg);
    const due = now - this.#attemptedAt > this.#cooldownMs && (now - this.#fetchedAt > this.#cacheMs || found === undefined);
    if (due || this.#inflight !== null) {
      this.#attemptedAt = now;
      try {
        await (this.#inflight ??= this.#fetch().finally(() => { this.#inflight = null; }));
        this.#failed = false;
      } catch (err) {
        this.#failed = true;
        // Keys fetched before still verify tokens while the endpoint is down.
        if (found !== undefined) return found;
        throw unavailable(err);
      }
      found = this.#find(kid, alg);
    } else if (found === undefined && this.#failed) {
      throw unavailable(undefined);
    }
    return found;
  }

  #find(kid: string | undefined, alg: string): KeyObject | undefined {
    const fits = (k: KeyObject): boolean => KEY_TYPES[alg.slice(0, 2)]?.includes(k.asymmetricKeyType ?? '') === true;
    if (kid !== undefined) {
      const k = this.#keys.get(kid);
      return k !== undefined && fits(k) ? k : undefined;
    }
    // No `kid`: only unambiguous when exactly one key of the right type is published.
    const candidates = [...this.#keys.values(), ...this.#anonymous].filter(fits);
    return candidates.length === 1 ? candidates[0] : undefined;
  }

  async #fetch(): Promise<void> {
    // undici is loaded on first use: only apps with a JWKS endpoint fetch keys.
    const { request } = require('undici') as typeof import('undici');
    const res = await request(this.#uri, { headersTimeout: this.#timeoutMs, bodyTimeout: this.#timeoutMs, headers: { accept: 'application/json' } });
    if (res.statusCode !== 200) {
      await res.body.dump();
      throw new Error(`JWKS endpoint answered ${res.statusCode}`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (size > MAX_BYTES) throw new Error('JWKS document is larger than 1 MiB');
      chunks.push(chunk as Buffer);
    }
    const doc = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { keys?: unknown };
    if (!Array.isArray(doc.keys)) throw new Error('JWKS document has no "keys" array');
    const keys = new Map<string, KeyObject>();
    const anonymous: KeyObject[] = [];
    for (const jwk of doc.keys as (JsonWebKey & { kid?: unknown; use?: unknown })[]) {
      if (jwk === null || typeof jwk !== 'object' || jwk.kty === 'oct' || jwk.d !== undefined || (jwk.use !== undefined && jwk.use !== 'sig')) continue;
      let key: KeyObject;
      try {
        key = createPublicKey({ key: jwk, format: 'jwk' });
      } catch {
        continue; // an entry this runtime cannot read (unknown curve…) is skipped, not fatal
      }
      if (typeof jwk.kid === 'string') keys.set(jwk.kid, key);
      else anonymous.push(key);
    }
    this.#keys = keys;
    this.#anonymous = anonymous;
    this.#fetchedAt = Date.now();
  }
}
