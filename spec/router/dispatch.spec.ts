import 'reflect-metadata';
import inject from 'light-my-request';
import { Controller } from '../../lib/decorators/controller';
import { All, Get, Options, Post } from '../../lib/decorators/routes';
import { compileTable, describeRoutes } from '../../lib/router/compile';
import { createDispatcher } from '../../lib/router/dispatch';
import type { RouteHandler } from '../../lib/router/methods';

const PROBLEM = 'application/problem+json; charset=utf-8';

/** A dispatcher over `controllers` whose handlers answer `{ route, method, values, rawQuery }` as JSON. */
function dispatcherFor(controllers: Function[], options: { ignoreTrailingSlash?: boolean; debug?: boolean } = {}) {
  const routes = describeRoutes(controllers).map((descriptor) => {
    const handler: RouteHandler = (req, res, values, rawQuery) => {
      const payload = JSON.stringify({ route: descriptor.where, method: req.method, values, rawQuery });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
      res.end(req.method === 'HEAD' ? undefined : payload);
    };
    return { descriptor, handler };
  });
  return createDispatcher(compileTable(routes, { ignoreTrailingSlash: options.ignoreTrailingSlash ?? true }), { debug: options.debug ?? false, report: null, filter: null });
}

@Controller('/books')
class Books {
  @Get('/') list() { return []; }
  @Post('/') add() { return {}; }
  @Get('/:id') one() { return {}; }
  @Get('/files/*rest') file() { return ''; }
}

@Controller('/any')
class Anything {
  @All('/') all() { return 1; }
  @Options('/custom') custom() { return 1; }
}

describe('createDispatcher', () => {
  const dispatch = dispatcherFor([Books, Anything]);

  it('calls the route handler with values and the raw query when the path and method match', async () => {
    const res = await inject(dispatch, { method: 'GET', url: '/books/42?x=1&y=%20' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ route: 'Books#one', method: 'GET', values: ['42'], rawQuery: 'x=1&y=%20' });
  });

  it('passes an empty raw query when the url has no question mark', async () => {
    const res = await inject(dispatch, { method: 'GET', url: '/books' });
    expect(res.json()).toEqual({ route: 'Books#list', method: 'GET', values: [], rawQuery: '' });
  });

  it('passes the wildcard capture when the route ends with a wildcard', async () => {
    const res = await inject(dispatch, { method: 'GET', url: '/books/files/a/b.txt' });
    expect(res.json()).toEqual({ route: 'Books#file', method: 'GET', values: ['a/b.txt'], rawQuery: '' });
  });

  it('answers 404 problem+json when no route matches the path', async () => {
    const res = await inject(dispatch, { method: 'GET', url: '/nope?x=1' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toBe(PROBLEM);
    expect(res.json()).toEqual({ type: 'about:blank', title: 'Not Found', status: 404, detail: 'No route matches GET /nope', instance: '/nope' });
  });

  it('answers 405 with Allow when the path exists but not for the method', async () => {
    const res = await inject(dispatch, { method: 'DELETE', url: '/books' });
    expect(res.statusCode).toBe(405);
    expect(res.headers['content-type']).toBe(PROBLEM);
    expect(res.headers.allow).toBe('GET, HEAD, POST, OPTIONS');
    expect(res.json()).toEqual({
      type: 'about:blank', title: 'Method Not Allowed', status: 405,
      detail: 'DELETE is not allowed on /books; allowed: GET, HEAD, POST, OPTIONS', instance: '/books',
    });
  });

  it('answers OPTIONS with 204 and Allow when the path declares no OPTIONS handler', async () => {
    const res = await inject(dispatch, { method: 'OPTIONS', url: '/books/7' });
    expect(res.statusCode).toBe(204);
    expect(res.headers.allow).toBe('GET, HEAD, OPTIONS');
    expect(res.body).toBe('');
  });

  it('calls the declared OPTIONS handler when the path has one', async () => {
    const res = await inject(dispatch, { method: 'OPTIONS', url: '/any/custom' });
    expect(res.json()).toEqual({ route: 'Anything#custom', method: 'OPTIONS', values: [], rawQuery: '' });
  });

  it('answers HEAD through the GET handler when no HEAD is declared', async () => {
    const res = await inject(dispatch, { method: 'HEAD', url: '/books/7' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-length']).toBe(String(JSON.stringify({ route: 'Books#one', method: 'HEAD', values: ['7'], rawQuery: '' }).length));
    expect(res.body).toBe('');
  });

  it('answers any method through an @All route when it is not a standard one', async () => {
    const res = await dispatchRaw(dispatch, 'PURGE', '/any');
    expect(res).toEqual({ status: 200, body: { route: 'Anything#all', method: 'PURGE', values: [], rawQuery: '' } });
  });

  it('answers OPTIONS with 204 on an @All path instead of calling the @All handler', async () => {
    const res = await inject(dispatch, { method: 'OPTIONS', url: '/any' });
    expect(res.statusCode).toBe(204);
    expect(res.headers.allow).toBe('GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS');
  });

  it('answers 400 problem+json when the path has a malformed percent-encoding', async () => {
    const res = await inject(dispatch, { method: 'GET', url: '/books/%E0%A4%A' });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toBe(PROBLEM);
    expect(res.json()).toEqual({
      type: 'about:blank', title: 'Bad Request', status: 400,
      detail: 'The request path has malformed percent-encoding in path segment "%E0%A4%A".', instance: '/books/%E0%A4%A',
    });
  });

  it('answers 404 for a trailing slash when the dispatcher was compiled with strict slashes', async () => {
    const strict = dispatcherFor([Books], { ignoreTrailingSlash: false });
    expect((await inject(strict, { method: 'GET', url: '/books/' })).statusCode).toBe(404);
    expect((await inject(dispatch, { method: 'GET', url: '/books/' })).statusCode).toBe(200);
  });
});

/** Sends a method light-my-request's types do not list (it passes any method through). */
async function dispatchRaw(dispatch: ReturnType<typeof dispatcherFor>, method: string, url: string) {
  const res = await inject(dispatch, { method: method as 'GET', url });
  return { status: res.statusCode, body: res.json() as unknown };
}
