import { RivetError } from '../errors/rivet-error';
import { normalizeTrustProxy } from './client';
import type { CorsOptions } from './cors';
import type { SecurityHeadersOptions } from './headers';
import { normalizeLimits, type LimitsOptions, type NormalizedLimits } from './limits';
import type { RateLimitOptions } from './rate-limit';
import type { SessionOptions } from './session';

/** The security options of `createApp`, as given. */
export interface SecurityAppOptions {
  cors?: CorsOptions | boolean;
  securityHeaders?: SecurityHeadersOptions | boolean;
  rateLimit?: RateLimitOptions | false;
  session?: SessionOptions | false;
  limits?: LimitsOptions;
  trustProxy?: number | false;
}

/** The security options after the top-level checks; each feature checks its own object when it is built. */
export interface NormalizedSecurity {
  readonly trustProxy: number;
  readonly limits: NormalizedLimits;
  readonly cors: CorsOptions | true | null;
  readonly securityHeaders: SecurityHeadersOptions | true | null;
  readonly rateLimit: RateLimitOptions | null;
  readonly session: SessionOptions | null;
}

function toggle<T>(key: string, value: T | boolean | undefined, example: string): T | true | null {
  if (value === undefined || value === false) return null;
  if (value === true || (value !== null && typeof value === 'object')) return value as T | true;
  throw new RivetError('RIVET_OPTIONS_INVALID', `${key} is ${String(value)}.\n  Fix: ${key}: true for the defaults, or an options object such as ${example}.`);
}

/** Applies the security defaults: limits on, everything else off unless given. */
export function normalizeSecurityOptions(options: SecurityAppOptions): NormalizedSecurity {
  const rateLimit = toggle<RateLimitOptions>('rateLimit', options.rateLimit, '{ points: 100, duration: 60 }');
  if (rateLimit === true) throw new RivetError('RIVET_OPTIONS_INVALID', 'rateLimit: true does not say how much.\n  Fix: rateLimit: { points: 100, duration: 60 } (100 requests a minute per client).');
  const session = toggle<SessionOptions>('session', options.session, '{ secret: process.env.SESSION_SECRET }');
  if (session === true) throw new RivetError('RIVET_OPTIONS_INVALID', 'session: true has no secret to sign cookies with.\n  Fix: session: { secret: process.env.SESSION_SECRET } (at least 32 characters).');
  return {
    trustProxy: normalizeTrustProxy(options.trustProxy),
    limits: normalizeLimits(options.limits),
    cors: toggle<CorsOptions>('cors', options.cors, "{ origin: 'https://app.example.com' }"),
    securityHeaders: toggle<SecurityHeadersOptions>('securityHeaders', options.securityHeaders, "{ frameOptions: 'DENY' }"),
    rateLimit,
    session,
  };
}
