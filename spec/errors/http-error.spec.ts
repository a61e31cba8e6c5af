import {
  BadRequestError, ConflictError, ForbiddenError, HttpError, InternalServerError, MethodNotAllowedError, NotFoundError,
  PayloadTooLargeError, ServiceUnavailableError, TooManyRequestsError, UnauthorizedError, UnsupportedMediaTypeError,
} from '../../lib/errors/http-error';

describe('HttpError', () => {
  it('keeps status, detail and defaults when built with a status and detail', () => {
    const err = new HttpError(418, 'short and stout');
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({ name: 'HttpError', status: 418, message: 'short and stout', type: 'about:blank', headers: undefined, expose: true });
  });

  it('uses the standard reason phrase as message when no detail is given', () => {
    expect(new HttpError(404).message).toBe('Not Found');
  });

  it('uses "Error" as message when the status has no reason phrase and no detail is given', () => {
    expect(new HttpError(499).message).toBe('Error');
  });

  it('keeps type, headers and cause when options are given', () => {
    const cause = new Error('root');
    const err = new HttpError(401, 'no', { type: 'https://example.com/probs/auth', headers: { 'www-authenticate': 'Bearer' }, cause });
    expect(err).toMatchObject({ type: 'https://example.com/probs/auth', headers: { 'www-authenticate': 'Bearer' } });
    expect(err.cause).toBe(cause);
  });

  it('hides the detail of a 5xx error and exposes that of a 4xx error', () => {
    expect(new HttpError(499).expose).toBe(true);
    expect(new HttpError(500).expose).toBe(false);
  });

  it.each([399, 600, 200, 404.5, Number.NaN])('throws RangeError when the status is %p', (status) => {
    expect(() => new HttpError(status)).toThrow(new RangeError(`HttpError status must be an integer from 400 to 599, got ${String(status)}`));
  });
});

describe('HttpError subclasses', () => {
  it.each([
    [BadRequestError, 400, 'Bad Request'],
    [UnauthorizedError, 401, 'Unauthorized'],
    [ForbiddenError, 403, 'Forbidden'],
    [NotFoundError, 404, 'Not Found'],
    [ConflictError, 409, 'Conflict'],
    [PayloadTooLargeError, 413, 'Payload Too Large'],
    [UnsupportedMediaTypeError, 415, 'Unsupported Media Type'],
    [TooManyRequestsError, 429, 'Too Many Requests'],
    [InternalServerError, 500, 'Internal Server Error'],
    [ServiceUnavailableError, 503, 'Service Unavailable'],
  ])('%p carries its status, own name and reason phrase when built without a detail', (Cls, status, message) => {
    const err = new Cls();
    expect(err).toBeInstanceOf(HttpError);
    expect(err).toBeInstanceOf(Cls);
    expect(err).toMatchObject({ status, message, name: Cls.name });
  });

  it('passes options through when a subclass gets them', () => {
    const err = new TooManyRequestsError('slow down', { headers: { 'retry-after': '30' } });
    expect(err).toMatchObject({ status: 429, message: 'slow down', headers: { 'retry-after': '30' } });
  });

  it('carries the Allow header when it is a MethodNotAllowedError', () => {
    const err = new MethodNotAllowedError('GET, HEAD', 'nope');
    expect(err).toMatchObject({ status: 405, message: 'nope', headers: { allow: 'GET, HEAD' }, name: 'MethodNotAllowedError' });
  });

  it('has a stack trace when it is thrown', () => {
    expect(new NotFoundError('x').stack).toContain('NotFoundError: x');
  });
});
