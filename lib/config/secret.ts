import { randomBytes } from 'node:crypto';

/** Encodings `generateSecret` can produce. */
export type SecretEncoding = 'base64url' | 'hex' | 'base64';

/**
 * A random secret from the operating system's CSPRNG, for JWT and session secrets in a new project's `.env`.
 * 32 bytes (256 bits) by default: HS256 wants a key at least as long as its hash.
 * @example JWT_SECRET=${generateSecret()}
 */
export function generateSecret(bytes = 32, encoding: SecretEncoding = 'base64url'): string {
  if (!Number.isInteger(bytes) || bytes < 16 || bytes > 1024) throw new RangeError(`generateSecret: bytes must be a whole number from 16 to 1024, got ${bytes}.`);
  return randomBytes(bytes).toString(encoding);
}
