import { Cache, CACHE } from '../../lib/middleware/cache';
import { CacheService, type CacheState } from '../../lib/middleware/cache-service';
import { Controller, Get } from '../../lib';
import { describeRoutes } from '../../lib/router/compile';
import { parseTemplate } from '../../lib/router/path';
import type { Store } from '../../lib/store/store';

/** A store that records the keys set (generation bumps). */
function recordingStore(): Store & { keys: string[] } {
  const keys: string[] = [];
  return {
    keys,
    get: () => Promise.resolve(undefined),
    set: (key: string) => { keys.push(key); return Promise.resolve(); },
    delete: () => Promise.resolve(),
    increment: () => Promise.resolve({ value: 1, ttlMs: 1 }),
    close: () => Promise.resolve(),
  };
}

class A {}
class B {}
const route = (path: string, controller: Function = A) => ({ path, segments: parseTemplate(path, 'spec'), controller, genKey: `cache-gen:GET ${path}`, ttlMs: 1000 });

describe('CacheService', () => {
  const store = recordingStore();
  const service = new CacheService();
  const state: CacheState = { store, routes: [route('/books'), route('/books/:id'), route('/books/:id/reviews'), route('/authors/*rest', B), route('/bookshelf')] };
  CacheService.bind(service, state);
  beforeEach(() => { store.keys.length = 0; });

  it('invalidates a prefix on segment boundaries only', async () => {
    expect(await service.invalidate('/books')).toBe(3);
    expect(store.keys).toEqual(['cache-gen:GET /books', 'cache-gen:GET /books/:id', 'cache-gen:GET /books/:id/reviews']);
  });

  it('invalidates a template and the templates under it', async () => {
    expect(await service.invalidate('/books/:id/')).toBe(2);
  });

  it('invalidates the entries of one concrete path, keyed by its decoded parameter values', async () => {
    expect(await service.invalidate('/books/7%20a?x=1')).toBe(1);
    expect(store.keys).toEqual(['cache-gen:GET /books/:id|7%20a']);
  });

  it('matches a wildcard route with the rest of the path', async () => {
    expect(await service.invalidate('/authors/a/b')).toBe(1);
    expect(store.keys).toEqual(['cache-gen:GET /authors/*rest|a%2Fb']);
  });

  it('invalidates by controller class, everything with "/" or clear(), and nothing for an unknown path', async () => {
    expect(await service.invalidate(B)).toBe(1);
    expect(await service.clear()).toBe(5);
    expect(await service.invalidate('/nothing/here')).toBe(0);
  });

  it('does nothing before an app binds it', async () => {
    expect(await new CacheService().invalidate('/')).toBe(0);
  });
});

describe('Cache', () => {
  it('records its options as route metadata, the method\'s over the class\'s', () => {
    @Controller('/x') @Cache({ ttl: 5 }) class X { @Get('/a') a() { return 1; } @Get('/b') @Cache({ ttl: 9, perUser: true }) b() { return 2; } }
    const [a, b] = describeRoutes([X]);
    expect([a.metadata.get(CACHE), b.metadata.get(CACHE)]).toEqual([{ ttl: 5, onClass: true }, { ttl: 9, perUser: true, onClass: false }]);
  });

  it('says how to fix invalid options', () => {
    expect(() => Cache({ ttl: Number.NaN })).toThrow(/RIVET_CACHE_INVALID[\s\S]*Fix: pass \{ ttl/);
  });
});
