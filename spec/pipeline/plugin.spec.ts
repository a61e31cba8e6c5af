import lightMyRequest from 'light-my-request';
import { compileDispatchHooks, wrapRoute, type Plugin } from '../../lib/pipeline/plugin';
import type { RouteInfo } from '../../lib/pipeline/context';
import { createDispatcher } from '../../lib/router/dispatch';
import { buildPathEntry, type RouteHandler } from '../../lib/router/methods';
import { parseTemplate } from '../../lib/router/path';
import { RouteTree } from '../../lib/router/tree';
import { TooManyRequestsError } from '../../lib/errors/http-error';

const ok: RouteHandler = (_req, res) => { res.writeHead(200, { 'content-type': 'text/plain' }); res.end('routed'); };

function dispatcherWith(features: Plugin[]) {
  const tree = new RouteTree<ReturnType<typeof buildPathEntry>>({ ignoreTrailingSlash: true });
  const entry = buildPathEntry(new Map([['GET', ok]]));
  tree.upsert(parseTemplate('/x', 'Spec#x'), () => entry);
  return createDispatcher(tree, { debug: false, report: null, filter: null }, compileDispatchHooks(features));
}

describe('compileDispatchHooks', () => {
  it('returns null hooks when no plugin has any, so the dispatcher pays nothing', () => {
    expect(compileDispatchHooks([{ name: 'empty' }])).toEqual({ before: null, preflight: null });
  });

  it('runs request hooks in order, sync until one returns a promise, and stops at the first that answers', async () => {
    const seen: string[] = [];
    const dispatch = dispatcherWith([
      { name: 'a', onRequest: (_req, res) => { seen.push('a'); res.setHeader('x-a', '1'); return false; } },
      { name: 'b', onRequest: async (req, res) => { seen.push('b'); if (req.headers['x-stop'] === undefined) return false; res.statusCode = 418; res.end('stopped'); return true; } },
      { name: 'c', onRequest: () => { seen.push('c'); return false; } },
    ]);
    const routed = await lightMyRequest(dispatch, { url: '/x' });
    expect([routed.statusCode, routed.payload, routed.headers['x-a'], seen]).toEqual([200, 'routed', '1', ['a', 'b', 'c']]);
    seen.length = 0;
    const stopped = await lightMyRequest(dispatch, { url: '/x', headers: { 'x-stop': '1' } });
    expect([stopped.statusCode, stopped.payload, seen]).toEqual([418, 'stopped', ['a', 'b']]);
  });

  it('turns a thrown or rejected HttpError from a hook into its problem answer', async () => {
    const sync = dispatcherWith([{ name: 'limit', onRequest: () => { throw new TooManyRequestsError('slow down', { headers: { 'retry-after': '3' } }); } }]);
    const res = await lightMyRequest(sync, { url: '/x' });
    expect([res.statusCode, res.headers['retry-after'], res.headers['content-type'], res.json()]).toEqual([
      429, '3', 'application/problem+json; charset=utf-8', { type: 'about:blank', title: 'Too Many Requests', status: 429, detail: 'slow down', instance: '/x' },
    ]);
    const async = dispatcherWith([{ name: 'limit', onRequest: () => Promise.reject(new TooManyRequestsError()) }]);
    expect((await lightMyRequest(async, { url: '/x' })).statusCode).toBe(429);
  });

  it('lets a preflight hook answer automatic OPTIONS with the path\'s Allow, falling back to 204', async () => {
    const dispatch = dispatcherWith([{ name: 'cors', preflight: (req, res, allow) => {
      if (req.headers.origin === undefined) return false;
      res.writeHead(204, { 'access-control-allow-methods': allow }); res.end(); return true;
    } }]);
    const preflight = await lightMyRequest(dispatch, { method: 'OPTIONS', url: '/x', headers: { origin: 'https://a.example' } });
    expect([preflight.statusCode, preflight.headers['access-control-allow-methods'], preflight.headers.allow]).toEqual([204, 'GET, HEAD, OPTIONS', undefined]);
    const plain = await lightMyRequest(dispatch, { method: 'OPTIONS', url: '/x' });
    expect([plain.statusCode, plain.headers.allow]).toEqual([204, 'GET, HEAD, OPTIONS']);
  });
});

describe('wrapRoute', () => {
  it('wraps a handler with the first plugin outermost and skips plugins without wrap', async () => {
    const order: string[] = [];
    const tagger = (name: string): Plugin => ({ name, wrap: (_route, next) => (req, res, values, q) => { order.push(name); next(req, res, values, q); } });
    const handler = wrapRoute([tagger('outer'), { name: 'none' }, tagger('inner')], {} as RouteInfo, ok);
    const res = await lightMyRequest((req, res) => handler(req, res, [], ''), { url: '/' });
    expect([res.payload, order]).toEqual(['routed', ['outer', 'inner']]);
  });
});
