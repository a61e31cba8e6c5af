import inject from 'light-my-request';
import type { ServerResponse } from 'node:http';
import { BadRequestError, HttpError, InternalServerError, MethodNotAllowedError, UnauthorizedError } from '../../lib/errors/http-error';
import { sendError, toProblem, writeProblem } from '../../lib/errors/problem';
import { ValidationFailedError } from '../../lib/errors/validation-error';

const PROBLEM = 'application/problem+json; charset=utf-8';

describe('toProblem', () => {
  it('renders a 4xx HttpError with its detail when debug is off', () => {
    expect(toProblem(new BadRequestError('bad id'), '/users/x', false)).toEqual({
      type: 'about:blank', title: 'Bad Request', status: 400, detail: 'bad id', instance: '/users/x',
    });
  });

  it('keeps the error type URI when the HttpError has one', () => {
    expect(toProblem(new HttpError(409, 'taken', { type: 'https://e.x/taken' }), '/u', false).type).toBe('https://e.x/taken');
  });

  it('uses "Error" as title when the status has no reason phrase', () => {
    expect(toProblem(new HttpError(499, 'x'), '/', false).title).toBe('Error');
  });

  it('hides the detail of a 5xx HttpError when debug is off', () => {
    expect(toProblem(new InternalServerError('db password wrong'), '/x', false)).toEqual({
      type: 'about:blank', title: 'Internal Server Error', status: 500, instance: '/x',
    });
  });

  it('shows detail and stack of a 5xx HttpError when debug is on', () => {
    const err = new InternalServerError('db down');
    expect(toProblem(err, '/x', true)).toEqual({
      type: 'about:blank', title: 'Internal Server Error', status: 500, detail: 'db down', instance: '/x', stack: err.stack,
    });
  });

  it('never adds a stack to a 4xx HttpError even when debug is on', () => {
    expect(toProblem(new BadRequestError('b'), '/', true)).not.toHaveProperty('stack');
  });

  it('adds the errors list when the error is a ValidationFailedError', () => {
    const issues = [{ loc: ['body', 'email'], msg: 'email must be an email', type: 'isEmail' }];
    expect(toProblem(new ValidationFailedError(issues), '/users', false)).toEqual({
      type: 'about:blank', title: 'Unprocessable Entity', status: 422,
      detail: 'Validation failed: body.email: email must be an email', instance: '/users', errors: issues,
    });
  });

  it('never copies other own properties of an error to the body', () => {
    const err = Object.assign(new BadRequestError('b'), { secret: 'token', sql: 'SELECT' });
    expect(Object.keys(toProblem(err, '/', true)).sort()).toEqual(['detail', 'instance', 'status', 'title', 'type']);
  });

  it('renders an unknown Error as a bare 500 when debug is off', () => {
    expect(toProblem(new TypeError('x is undefined'), '/y', false)).toEqual({
      type: 'about:blank', title: 'Internal Server Error', status: 500, instance: '/y',
    });
  });

  it('renders an unknown Error with message and stack when debug is on', () => {
    const err = new TypeError('x is undefined');
    expect(toProblem(err, '/y', true)).toEqual({
      type: 'about:blank', title: 'Internal Server Error', status: 500, detail: 'x is undefined', instance: '/y', stack: err.stack,
    });
  });

  it.each([
    ['a string', 'oops', 'Non-error thrown: oops'],
    ['a number', 42, 'Non-error thrown: 42'],
    ['undefined', undefined, 'Non-error thrown: undefined'],
    ['an object without a prototype', Object.create(null), 'Non-error thrown: object'],
    ['an object whose toString throws', { toString() { throw new Error('no'); } }, 'Non-error thrown: object'],
  ])('describes %s when a non-Error is thrown and debug is on', (_label, thrown, detail) => {
    expect(toProblem(thrown, '/z', true)).toEqual({ type: 'about:blank', title: 'Internal Server Error', status: 500, detail, instance: '/z' });
  });

  it('renders a non-Error thrown value as a bare 500 when debug is off', () => {
    expect(toProblem('oops', '/z', false)).toEqual({ type: 'about:blank', title: 'Internal Server Error', status: 500, instance: '/z' });
  });
});

describe('writeProblem', () => {
  it('sends the problem as application/problem+json with status, length and extra headers', async () => {
    const res = await inject((req, response) => {
      writeProblem(response, toProblem(new UnauthorizedError('who?'), '/me', false), { 'www-authenticate': 'Bearer' });
    }, { method: 'GET', url: '/me' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toBe(PROBLEM);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(res.headers['content-length']).toBe(String(Buffer.byteLength(res.body)));
    expect(res.json()).toEqual({ type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'who?', instance: '/me' });
  });

  it('destroys the response instead of writing when headers were already sent', () => {
    const destroy = jest.fn();
    const end = jest.fn();
    const res = { headersSent: true, destroy, end } as unknown as ServerResponse;
    writeProblem(res, toProblem(new BadRequestError(), '/', false));
    expect(destroy).toHaveBeenCalledTimes(1);
    expect(end).not.toHaveBeenCalled();
  });
});

describe('sendError', () => {
  it('uses the request url as instance and the HttpError headers when it sends', async () => {
    const res = await inject((req, response) => sendError(req, response, new MethodNotAllowedError('GET, HEAD', 'no PUT'), { debug: false, report: null, filter: null }), { method: 'PUT', url: '/items/1?x=y' });
    expect(res.statusCode).toBe(405);
    expect(res.headers['content-type']).toBe(PROBLEM);
    expect(res.headers.allow).toBe('GET, HEAD');
    expect(res.json()).toEqual({ type: 'about:blank', title: 'Method Not Allowed', status: 405, detail: 'no PUT', instance: '/items/1' });
  });

  it('sends a bare 500 without extra headers when a plain Error is thrown', async () => {
    const res = await inject((req, response) => sendError(req, response, new Error('internal'), { debug: false, report: null, filter: null }), { method: 'GET', url: '/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.headers['content-type']).toBe(PROBLEM);
    expect(res.json()).toEqual({ type: 'about:blank', title: 'Internal Server Error', status: 500, instance: '/boom' });
  });
});
