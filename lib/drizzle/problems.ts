import { ConflictError, HttpError, ServiceUnavailableError } from '../errors/http-error';
import { ValidationFailedError } from '../errors/validation-error';
import type { RequestContext } from '../pipeline/context';
import { mapDatabaseError, type FieldNames } from './errors';

/**
 * A constraint the database enforced, located at the fields at fault like a validation failure (`errors[].loc`), with
 * the status that fits: 409 for a unique value already taken, 422 for a reference to nothing or a missing value.
 */
export class ConstraintViolationError extends ValidationFailedError {
  constructor(status: 409 | 422, detail: string, errors: ValidationFailedError['errors'], options: { cause?: unknown } = {}) {
    super(errors, detail);
    (this as { status: number }).status = status;
    if (options.cause !== undefined) Object.defineProperty(this, 'cause', { value: options.cause, enumerable: false });
  }
}

/**
 * The answer for a driver error, as an `HttpError` rendered by Rivet's problem+json (and its exception filters), or the
 * error itself when it means nothing to a client (then a 500, logged). A lost connection is a 503 with `Retry-After`,
 * logged with its cause.
 */
export function toHttpError(error: unknown, method: string, fields: FieldNames): unknown {
  if (error instanceof HttpError) return error;
  const mapped = mapDatabaseError(error, method, fields);
  if (mapped === undefined) return error;
  if (mapped.status === 503) return new ServiceUnavailableError(mapped.detail, { cause: error, headers: { 'retry-after': '5' } });
  if (mapped.errors !== undefined) return new ConstraintViolationError(mapped.status, mapped.detail, mapped.errors, { cause: error });
  return mapped.status === 409 ? new ConflictError(mapped.detail, { cause: error }) : new HttpError(422, mapped.detail, { cause: error });
}

/**
 * The `around` stage of the database plugin: driver errors thrown by a route (after its transaction, if any, rolled
 * back) become problems before they reach the exception filters and the log. The success path pays one call.
 */
export function aroundRoute(fields: FieldNames): (ctx: RequestContext, next: () => unknown) => unknown {
  return (ctx, next) => {
    let result: unknown;
    try {
      result = next();
    } catch (err) {
      throw toHttpError(err, ctx.request.method ?? 'GET', fields);
    }
    if (result instanceof Promise) return result.catch((err: unknown) => { throw toHttpError(err, ctx.request.method ?? 'GET', fields); });
    return result;
  };
}
