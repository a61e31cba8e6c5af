import { injectable } from 'tsyringe';
import { UnauthorizedError, type CanActivate, type RequestContext } from 'rivetjs';

/**
 * Use with @Guard(__CLASS__Guard) on a controller or a route. Return true to let the request through, false for
 * a 403, or throw an HttpError (here a 401). Resolved through DI: add constructor parameters to inject services.
 */
@injectable()
export class __CLASS__Guard implements CanActivate {
  canActivate(ctx: RequestContext): boolean {
    if (ctx.request.headers.authorization === undefined) throw new UnauthorizedError('Missing Authorization header.');
    return true;
  }
}
