import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

const ID_PATTERN = /^[A-Za-z0-9_-]{32}$/;

/** A new session id: 24 random bytes (192 bits), base64url. Ids are only ever made here, never taken from a client. */
export const newSessionId = (): string => randomBytes(24).toString('base64url');

/**
 * Turns a session id into a cookie value and back. Signed: `<id>.<HMAC-SHA256>`, checked with
 * `timingSafeEqual`. Encrypted: AES-256-GCM (`iv | ciphertext | tag`, base64url), which also authenticates.
 * The first secret makes new cookies; every secret is accepted, so secrets can be rotated.
 */
export class SessionCookieCodec {
  readonly #secrets: readonly string[];
  readonly #encryptionKeys: readonly Buffer[] | null;

  constructor(secrets: readonly string[], encrypt: boolean) {
    this.#secrets = secrets;
    this.#encryptionKeys = encrypt ? secrets.map((s) => Buffer.from(hkdfSync('sha256', s, 'rivet', 'session cookie encryption', 32))) : null;
  }

  encode(id: string): string {
    if (this.#encryptionKeys === null) return `${id}.${this.#mac(this.#secrets[0], id).toString('base64url')}`;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#encryptionKeys[0], iv);
    const body = Buffer.concat([cipher.update(id, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
  }

  /** The session id in a cookie value, or `undefined` when it was tampered with, forged or is malformed. */
  decode(value: string): string | undefined {
    const id = this.#encryptionKeys === null ? this.#unsign(value) : this.#decrypt(value, this.#encryptionKeys);
    return id !== undefined && ID_PATTERN.test(id) ? id : undefined;
  }

  #mac(secret: string, id: string): Buffer {
    return createHmac('sha256', secret).update(id).digest();
  }

  #unsign(value: string): string | undefined {
    const dot = value.lastIndexOf('.');
    if (dot <= 0) return undefined;
    const id = value.slice(0, dot);
    // Compared as text: base64url has spare bits in its last character, so comparing decoded bytes would accept
    // several spellings of one signature.
    const given = Buffer.from(value.slice(dot + 1), 'latin1');
    if (given.length !== 43) return undefined;
    let ok = false;
    // Every secret is tried, so the time taken does not tell which one matched.
    for (const secret of this.#secrets) ok = timingSafeEqual(given, Buffer.from(this.#mac(secret, id).toString('base64url'), 'latin1')) || ok;
    return ok ? id : undefined;
  }

  #decrypt(value: string, keys: readonly Buffer[]): string | undefined {
    const raw = Buffer.from(value, 'base64url');
    if (raw.length < 12 + 16 + 1) return undefined;
    const iv = raw.subarray(0, 12);
    const tag = raw.subarray(raw.length - 16);
    const body = raw.subarray(12, raw.length - 16);
    for (const key of keys) {
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv);
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
      } catch {
        // Wrong key or tampered: try the next secret.
      }
    }
    return undefined;
  }
}
