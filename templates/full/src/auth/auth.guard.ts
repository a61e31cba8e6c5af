import { injectable } from 'tsyringe';
import { JwtGuard, type CanActivate, type RequestContext } from 'rivetjs';
import { AppConfig } from '../config.js';

export const ISSUER = '__APP_NAME__';

/**
 * Bearer-token authentication: a JwtGuard built from the injected config (the secret is known only at start-up).
 * The verified claims land in ctx.state.user, where RolesGuard reads `roles`.
 */
@injectable()
export class AuthGuard implements CanActivate {
  private readonly jwt: JwtGuard;

  constructor(config: AppConfig) {
    this.jwt = new JwtGuard({ secret: config.JWT_SECRET, algorithms: ['HS256'], issuer: ISSUER });
  }

  canActivate(ctx: RequestContext) {
    return this.jwt.canActivate(ctx);
  }
}
