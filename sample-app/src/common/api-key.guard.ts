import { createHash, timingSafeEqual } from 'node:crypto';
import { SecurityScheme, UnauthorizedError, type CanActivate, type RequestContext } from 'rivet';
import { injectable } from 'tsyringe';
import { AppConfig } from '../config';

// RFC 9110 §11.6.1: a 401 carries a challenge telling the client how to authenticate.
const CHALLENGE = { 'WWW-Authenticate': 'ApiKey header="X-API-Key"' };

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/**
 * Lets a request through when its `X-API-Key` header holds the configured key; otherwise answers 401.
 * A guard is a class like any other: Rivet builds it through DI, so it can inject services (here the config).
 */
@injectable()
// The OpenAPI document lists this scheme and marks exactly the operations this guard protects.
@SecurityScheme('apiKey', { type: 'apiKey', in: 'header', name: 'X-API-Key' })
export class ApiKeyGuard implements CanActivate {
  readonly #expected: Buffer;

  constructor(config: AppConfig) {
    this.#expected = digest(config.apiKey);
  }

  canActivate(ctx: RequestContext): boolean {
    const sent = ctx.request.headers['x-api-key'];
    if (typeof sent !== 'string' || sent === '') {
      throw new UnauthorizedError('Send your API key in the X-API-Key header.', { headers: CHALLENGE });
    }
    // Compare digests in constant time, so response timing does not reveal how much of a guess was right.
    if (!timingSafeEqual(digest(sent), this.#expected)) {
      throw new UnauthorizedError('The API key is not valid.', { headers: CHALLENGE });
    }
    ctx.state.user = { kind: 'api-key' };
    return true;
  }
}
