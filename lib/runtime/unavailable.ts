import { HttpError, ServiceUnavailableError } from '../errors/http-error';

/** A 503 whose detail reaches the client (a timeout, a shutdown): it says why, and nothing internal. */
export class UnavailableError extends ServiceUnavailableError {
  override readonly expose = true;
}

/** 408: the request body did not arrive before the handler timeout. */
export class RequestTimeoutError extends HttpError {
  constructor() { super(408, 'The request body was not received in time.'); }
}
