import { ApiKeyGuard, JwtGuard, UnauthorizedError, type CanActivate, type GuardRouteInfo, type GuardSecurity, type OpenApiGuard, type RequestContext } from 'rivetjs';
import { injectable } from 'tsyringe';
import { AppConfig } from '../config';

/** The `iss` claim of the tokens this app signs, checked when verifying them. */
export const ISSUER = 'bookshelf';

// RFC 9110 §11.6.1: a 401 names every way the client may authenticate.
const CHALLENGE = 'Bearer, ApiKey header="X-API-Key"';

/**
 * People sign in and send `Authorization: Bearer <jwt>`; machine clients (scripts, other services) send
 * `X-API-Key`. Either one lets the request through, and leaves the principal in `ctx.state.user`:
 * the token's claims (`sub`, `email`, `roles`), or `{ id: 'api-key', roles: ['writer'] }` for the key.
 * `RolesGuard`, after this guard, checks the route's `@Roles(...)` against `roles`.
 *
 * Both checks are Rivet's own guards, built once from the injected config: the class is resolved through DI.
 */
@injectable()
export class AuthGuard implements CanActivate, OpenApiGuard {
  readonly #jwt: JwtGuard;
  readonly #apiKey: ApiKeyGuard;

  constructor(config: AppConfig) {
    this.#jwt = new JwtGuard({ secret: config.JWT_SECRET, algorithms: ['HS256'], issuer: ISSUER });
    this.#apiKey = new ApiKeyGuard({ keys: { [config.API_KEY]: { id: 'api-key', roles: ['writer'] } } });
  }

  canActivate(ctx: RequestContext): boolean | Promise<boolean> {
    const headers = ctx.request.headers;
    if (headers.authorization !== undefined) return this.#jwt.canActivate(ctx);
    if (headers['x-api-key'] !== undefined) return this.#apiKey.canActivate(ctx);
    throw new UnauthorizedError('Sign in and send Authorization: Bearer <token>, or send an API key in X-API-Key.', { headers: { 'www-authenticate': CHALLENGE } });
  }

  /**
   * Either scheme satisfies this guard: the OpenAPI document lists them as alternatives on the routes it protects.
   * A guard's `securityScheme()` may give one scheme, a list or `null`, hence `flat()` and the filter.
   */
  securityScheme(route: GuardRouteInfo): GuardSecurity[] {
    return [this.#jwt.securityScheme(route), this.#apiKey.securityScheme(route)].flat().filter((s): s is GuardSecurity => s !== null);
  }
}
