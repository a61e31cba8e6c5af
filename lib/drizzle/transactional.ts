import { injectable } from 'tsyringe';
import { UseInterceptors } from '../decorators/filters';
import type { RequestContext } from '../pipeline/context';
import type { Interceptor } from '../pipeline/interceptors';
import { Database } from './database';

/**
 * The interceptor behind `@Transactional()`: runs the rest of the route (later interceptors and the handler) in a
 * transaction of the app's `Database`. Resolved through DI once per app, at start-up.
 */
@injectable()
export class TransactionInterceptor implements Interceptor {
  constructor(private readonly database: Database) {}

  intercept(_ctx: RequestContext, next: () => unknown): unknown {
    return this.database.transaction(next);
  }
}

/**
 * Runs a route (or every route of a controller) in one database transaction: committed when the handler returns
 * (or its promise resolves), rolled back when it throws. Repositories that query `database.db` run inside it, since
 * the transaction follows the request's async context (AsyncLocalStorage). Errors go on to the filters as usual.
 * @example @Post('/') @Transactional() create(@Body() body: CreateOrder) { … }
 */
export function Transactional(): ClassDecorator & MethodDecorator {
  return UseInterceptors(TransactionInterceptor);
}
