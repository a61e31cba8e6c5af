import type { IncomingMessage, ServerResponse } from 'node:http';
import { RequestContext, type RouteInfo } from '../../lib/pipeline/context';

// The querystring module object itself, so a spy sees the calls lib/pipeline/context.ts makes. Plain pairs are
// parsed by lib/http/query.ts itself: the queries below carry an escape, which it leaves to querystring.
const querystring = require('node:querystring') as typeof import('node:querystring');

class Controller {}

function contextFor(options: { cookie?: string; rawQuery?: string; metadata?: Map<unknown, unknown>; params?: Record<string, string> } = {}) {
  const request = { headers: options.cookie === undefined ? {} : { cookie: options.cookie } } as IncomingMessage;
  const response = {} as ServerResponse;
  const route: RouteInfo = { method: 'GET', path: '/items/:id', controller: Controller, handler: 'one', where: 'Controller#one', options: {}, metadata: options.metadata ?? new Map() };
  return { ctx: new RequestContext(request, response, route, options.params ?? { id: '7' }, options.rawQuery ?? ''), request, response, route };
}

describe('RequestContext', () => {
  afterEach(() => jest.restoreAllMocks());

  it('exposes the request, response, route and params it was built with', () => {
    const { ctx, request, response, route } = contextFor({ params: { id: '42' } });
    expect(ctx.request).toBe(request);
    expect(ctx.response).toBe(response);
    expect(ctx.route).toBe(route);
    expect(ctx.params).toEqual({ id: '42' });
    expect(ctx.body).toBeUndefined();
  });

  it('gives each context its own empty state bag', () => {
    const a = contextFor().ctx;
    const b = contextFor().ctx;
    a.state.user = { id: 1 };
    expect(b.state).toEqual({});
    expect(a.state).toEqual({ user: { id: 1 } });
  });

  it('parses the query with repeated keys as arrays when it is read', () => {
    expect({ ...contextFor({ rawQuery: 'a=1&b=x%20y&a=2&flag' }).ctx.query }).toEqual({ a: ['1', '2'], b: 'x y', flag: '' });
  });

  it('does not parse the query when nothing reads it', () => {
    const parse = jest.spyOn(querystring, 'parse');
    contextFor({ rawQuery: 'a=%31' });
    expect(parse).not.toHaveBeenCalled();
  });

  it('parses the query once when it is read twice', () => {
    const parse = jest.spyOn(querystring, 'parse');
    const { ctx } = contextFor({ rawQuery: 'a=%31' });
    expect(ctx.query).toBe(ctx.query);
    expect(parse).toHaveBeenCalledTimes(1);
  });

  it('returns an empty query when the url has none', () => {
    expect({ ...contextFor().ctx.query }).toEqual({});
  });

  it('reads the Cookie header on first access to cookies, not at construction', () => {
    const { ctx, request } = contextFor({ cookie: 'a=1' });
    request.headers.cookie = 'a=2';
    expect({ ...ctx.cookies }).toEqual({ a: '2' });
  });

  it('keeps the parsed cookies when the header changes after the first read', () => {
    const { ctx, request } = contextFor({ cookie: 'sid=abc; theme=dark' });
    const first = ctx.cookies;
    request.headers.cookie = 'sid=other';
    expect(ctx.cookies).toBe(first);
    expect({ ...first }).toEqual({ sid: 'abc', theme: 'dark' });
  });

  it('returns no cookies when the request has no Cookie header', () => {
    expect({ ...contextFor().ctx.cookies }).toEqual({});
  });

  it('returns the route metadata value for a key when it was set', () => {
    const key = Symbol('roles');
    const { ctx } = contextFor({ metadata: new Map<unknown, unknown>([[key, ['admin']], ['public', false]]) });
    expect(ctx.getMetadata<string[]>(key)).toEqual(['admin']);
    expect(ctx.getMetadata('public')).toBe(false);
  });

  it('returns undefined from getMetadata when the key was never set', () => {
    expect(contextFor().ctx.getMetadata('missing')).toBeUndefined();
  });
});
