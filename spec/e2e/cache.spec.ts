import { decode } from '@msgpack/msgpack';
import { gunzipSync } from 'node:zlib';
import type { ServerResponse } from 'node:http';
import {
  Cache, CacheService, Controller, createApp, Ctx, Get, Guard, MemoryStore, Param, Post, Query, RedisStore, Res, ResponseHeader,
  type App, type CanActivate, type RequestContext, type Store,
} from '../../lib';
import { TestClient } from '../../lib/testing';
import { PROBLEM, serve } from '../helpers/http';
import { describeRedis, startRedis, type RedisServer } from '../helpers/redis';
import { waitFor } from '../helpers/wait';

/** Counts handler calls, so a test can tell a hit (no call) from a miss. */
class Calls {
  /** Guard passes and handler calls. */
  n = 0;
  /** Calls of the slow and flaky handlers (the guard also counts in `n`). */
  slow = 0;
  flaky = 0;
  /** What the slow handler, and the first flaky call, wait for: see `hold`. */
  gate: Promise<void> = Promise.resolve();
}

/** Keeps the slow and flaky handlers waiting until the returned function is called. */
function hold(calls: Calls): () => void {
  let open!: () => void;
  calls.gate = new Promise((r) => { open = r; });
  return open;
}

function booksController(calls: Calls) {
  class Users implements CanActivate {
    canActivate(ctx: RequestContext) {
      const user = ctx.request.headers['x-user'];
      if (user === 'blocked') return false;
      if (typeof user === 'string') ctx.state.user = { id: user };
      // A header set before the handler belongs to this request: a cached answer must not replay it.
      ctx.response.setHeader('x-seen', String(++calls.n * 1000));
      return true;
    }
  }

  @Controller('/books')
  @Guard(Users)
  class Books {
    constructor(private readonly cache: CacheService) {}

    @Get('/') @Cache({ ttl: 60 })
    list(@Query('sort') sort?: string) { calls.n++; return { sort: sort ?? null, at: calls.n }; }

    @Get('/:id') @Cache({ ttl: 60 }) @ResponseHeader('X-Kind', 'book')
    get(@Param('id') id: number) { calls.n++; return { id, at: calls.n }; }

    @Get('/:id/reviews') @Cache({ ttl: 60 })
    reviews(@Param('id') id: number) { calls.n++; return { id, reviews: [], at: calls.n }; }

    @Get('/me/shelf') @Cache({ ttl: 60, perUser: true })
    shelf(@Ctx() ctx: RequestContext) { calls.n++; return { user: (ctx.state.user as { id: string } | undefined)?.id ?? null, at: calls.n }; }

    @Get('/keyed/by-header') @Cache({ ttl: 60, key: (ctx) => (ctx.request.headers['x-tenant'] === 'none' ? null : String(ctx.request.headers['x-tenant'])) })
    keyed() { calls.n++; return { at: calls.n }; }

    // Long enough that two back-to-back requests on a loaded machine still share the entry.
    @Get('/short/lived') @Cache({ ttl: 0.4 })
    short() { calls.n++; return { at: calls.n }; }

    @Get('/cookie/jar') @Cache({ ttl: 60 })
    cookie(@Ctx() ctx: RequestContext) { calls.n++; ctx.response.setHeader('set-cookie', 'a=1'); return { at: calls.n }; }

    @Get('/async/one') @Cache({ ttl: 60, cacheControl: 'public, max-age=5, stale-while-revalidate=30' })
    async later() { await new Promise((r) => setImmediate(r)); calls.n++; return { at: calls.n }; }

    @Get('/slow/one') @Cache({ ttl: 60 })
    async slow() { calls.slow++; await calls.gate; return { slow: calls.slow }; }

    @Get('/flaky/one') @Cache({ ttl: 60 })
    async flaky() {
      const n = ++calls.flaky;
      if (n > 1) return { flaky: n };
      await calls.gate;
      throw new Error('the first call fails');
    }

    @Post('/:id')
    async update(@Param('id') id: string, @Query('scope') scope?: string) {
      return { touched: await this.cache.invalidate(scope ?? `/books/${id}`) };
    }
  }
  return Books;
}

/** `n` GETs of `path` at once, each on its own connection (one TestClient is one keep-alive connection). */
async function concurrently(n: number, path: string, url = shared.url) {
  const clients = Array.from({ length: n }, () => new TestClient(url));
  try {
    return await Promise.all(clients.map((c) => c.get(path)));
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
}
const shared = { url: '' };

/** The counter value a response reports; equal values mean the second one came from the cache. */
const at = (res: { json(): unknown }): number => (res.json() as { at: number }).at;

describe('@Cache (wire, memory store)', () => {
  const calls = new Calls();
  const Books = booksController(calls);
  // The store's clock, moved by the tests: entries expire and age without waiting.
  const clock = { now: Date.UTC(2030, 0, 1) };
  let app: App;
  let client: TestClient;
  beforeAll(async () => {
    app = createApp({ controllers: [Books], store: new MemoryStore({ now: () => clock.now }) });
    client = await serve(app);
    shared.url = client.url;
  });
  afterAll(() => client.close());
  beforeEach(() => app.container.resolve(CacheService).clear());

  it('answers a repeated GET from the cache with the same body, ETag and Cache-Control, plus Age', async () => {
    const first = await client.get('/books/1').expect(200).expectHeader('cache-control', 'public, max-age=60').expectHeader('age', undefined).expectHeader('x-kind', 'book');
    const second = await client.get('/books/1').expect(200).expectHeader('cache-control', 'public, max-age=60').expectHeader('age', '0').expectHeader('x-kind', 'book');
    expect(second.text).toBe(first.text);
    expect(second.headers.etag).toBe(first.headers.etag);
    expect(first.headers.etag).toMatch(/^W\/"[A-Za-z0-9_-]{27}"$/);
    expect(second.headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it('keeps entries apart by path parameters and query, whatever the query order', async () => {
    const one = at(await client.get('/books/1').expect(200));
    const two = at(await client.get('/books/2').expect(200));
    expect(two).not.toBe(one);
    const a = at(await client.get('/books?sort=title&x=1').expect(200));
    expect(at(await client.get('/books?x=1&sort=title').expect(200))).toBe(a);
    expect(at(await client.get('/books?sort=year').expect(200))).not.toBe(a);
  });

  it('answers 304 to a matching If-None-Match, from the cache and on the first request', async () => {
    const first = await client.get('/books/5').expect(200);
    const etag = first.headers.etag as string;
    const hit = await client.get('/books/5').set('if-none-match', etag).expect(304).expectHeader('etag', etag).expectHeader('cache-control', 'public, max-age=60');
    expect(hit.rawBody.length).toBe(0);
    await app.container.resolve(CacheService).clear();
    // The handler now answers with another counter value: another tag, so a full answer.
    await client.get('/books/5').set('if-none-match', etag).expect(200);
  });

  it('answers HEAD from the cache with the headers of GET', async () => {
    const get = await client.get('/books/7').expect(200);
    const head = await client.head('/books/7').expect(200);
    expect([head.rawBody.length, head.headers.etag, head.headers['content-length']]).toEqual([0, get.headers.etag, get.headers['content-length']]);
  });

  it('runs guards on hits too, so a refused caller never sees a cached body', async () => {
    await client.get('/books/8').expect(200);
    const res = await client.get('/books/8').set('x-user', 'blocked').expect(403).expectHeader('content-type', PROBLEM);
    expect(res.json()).toMatchObject({ status: 403 });
  });

  it('does not replay headers set before the handler by earlier stages', async () => {
    const first = await client.get('/books/9').expect(200);
    const second = await client.get('/books/9').expect(200);
    expect(at(second)).toBe(at(first));
    expect(second.headers['x-seen']).not.toBe(first.headers['x-seen']);
  });

  it('runs the handler once for concurrent misses of one key: the others wait and answer from its entry', async () => {
    const release = hold(calls);
    const before = calls.n;
    const pending = concurrently(8, '/books/slow/one');
    // Every request has passed the guard (then it looks the key up in microtasks): the first one fills the entry.
    await waitFor(() => calls.n === before + 8);
    release();
    const answers = await pending;
    expect(calls.slow).toBe(1);
    expect(answers.map((r) => [r.status, r.json()])).toEqual(Array.from({ length: 8 }, () => [200, { slow: 1 }]));
    expect(new Set(answers.map((r) => r.headers.etag)).size).toBe(1);
    expect(answers.filter((r) => r.headers.age !== undefined)).toHaveLength(7);   // the waiters replayed the entry
  });

  it('lets each waiter run the handler itself when the fill it waited for failed', async () => {
    const release = hold(calls);
    const before = calls.n;
    const pending = concurrently(4, '/books/flaky/one');
    await waitFor(() => calls.n === before + 4);
    release();
    const answers = await pending;
    expect(answers.map((r) => r.status).sort()).toEqual([200, 200, 200, 500]);
    expect(answers.find((r) => r.status === 500)!.headers['content-type']).toMatch(PROBLEM);
    expect(calls.flaky).toBe(4);
    expect((await client.get('/books/flaky/one')).status).toBe(200);
    expect(calls.flaky).toBe(4);   // one of them was stored
  });

  it('expires entries after ttl seconds on the store\'s clock', async () => {
    const first = at(await client.get('/books/short/lived').expect(200));
    clock.now += 399;
    expect(at(await client.get('/books/short/lived').expect(200))).toBe(first);
    clock.now += 1;
    expect(at(await client.get('/books/short/lived').expect(200))).not.toBe(first);
  });

  it('counts Age in whole seconds on the store\'s clock', async () => {
    const first = at(await client.get('/books/11').expect(200).expectHeader('age', undefined));
    clock.now += 2_999;
    expect(at(await client.get('/books/11').expect(200).expectHeader('age', '2'))).toBe(first);
    clock.now += 1;
    await client.get('/books/11').expect(200).expectHeader('age', '3').expectHeader('cache-control', 'public, max-age=60');
  });

  it('keys by principal with perUser and marks the response private', async () => {
    const ada = await client.get('/books/me/shelf').set('x-user', 'ada').expect(200).expectHeader('cache-control', 'private, max-age=60');
    const bob = await client.get('/books/me/shelf').set('x-user', 'bob').expect(200);
    expect([ada.json(), bob.json()]).toEqual([expect.objectContaining({ user: 'ada' }), expect.objectContaining({ user: 'bob' })]);
    expect(at(await client.get('/books/me/shelf').set('x-user', 'ada').expect(200))).toBe(at(ada));
  });

  it('uses a custom key, and skips the cache when it returns null', async () => {
    const a = at(await client.get('/books/keyed/by-header').set('x-tenant', 'a').expect(200));
    expect(at(await client.get('/books/keyed/by-header').set('x-tenant', 'a').expect(200))).toBe(a);
    expect(at(await client.get('/books/keyed/by-header').set('x-tenant', 'b').expect(200))).not.toBe(a);
    const n1 = at(await client.get('/books/keyed/by-header').set('x-tenant', 'none').expect(200).expectHeader('etag', undefined));
    expect(at(await client.get('/books/keyed/by-header').set('x-tenant', 'none').expect(200))).not.toBe(n1);
  });

  it('never stores a response that sets a cookie', async () => {
    const first = at(await client.get('/books/cookie/jar').expect(200).expectHeader('set-cookie', 'a=1'));
    expect(at(await client.get('/books/cookie/jar').expect(200))).not.toBe(first);
  });

  it('caches async handlers and sends the configured Cache-Control', async () => {
    const first = at(await client.get('/books/async/one').expect(200).expectHeader('cache-control', 'public, max-age=5, stale-while-revalidate=30'));
    expect(at(await client.get('/books/async/one').expect(200))).toBe(first);
  });

  it('invalidates one path\'s entries only, leaving its siblings cached', async () => {
    const one = at(await client.get('/books/1').expect(200));
    const two = at(await client.get('/books/2').expect(200));
    await client.post('/books/1').expect(201).expectJson({ touched: 1 });
    expect(at(await client.get('/books/1').expect(200))).not.toBe(one);
    expect(at(await client.get('/books/2').expect(200))).toBe(two);
  });

  it('invalidates every route under a prefix, and every entry of a template', async () => {
    const list = at(await client.get('/books').expect(200));
    const one = at(await client.get('/books/1').expect(200));
    // A template is a prefix too: '/books/:id' also covers '/books/:id/reviews'.
    await client.post('/books/1?scope=/books/:id').expect(201).expectJson({ touched: 2 });
    expect(at(await client.get('/books/1').expect(200))).not.toBe(one);
    expect(at(await client.get('/books').expect(200))).toBe(list);
    const cache = app.container.resolve(CacheService);
    expect(await cache.invalidate('/books')).toBe(10);
    expect(at(await client.get('/books').expect(200))).not.toBe(list);
  });

  it('invalidates the cached routes of a controller class', async () => {
    const one = at(await client.get('/books/3').expect(200));
    const cache = app.container.resolve(CacheService);
    expect(await cache.invalidate(Calls)).toBe(0);
    expect(at(await client.get('/books/3').expect(200))).toBe(one);
    expect(await cache.invalidate(Books)).toBe(10);
    expect(at(await client.get('/books/3').expect(200))).not.toBe(one);
  });
});

describe('@Cache with other features', () => {
  it('compresses hits like misses', async () => {
    const big = Array.from({ length: 100 }, (_, i) => ({ i, title: `Title number ${i}` }));
    @Controller('/big') class Big { @Get('/') @Cache({ ttl: 60 }) all() { return big; } }
    const app = createApp({ controllers: [Big], compression: true });
    const miss = await app.inject({ url: '/big', headers: { 'accept-encoding': 'gzip' } });
    const hit = await app.inject({ url: '/big', headers: { 'accept-encoding': 'gzip' } });
    for (const res of [miss, hit]) {
      expect([res.headers['content-encoding'], res.headers.vary]).toEqual(['gzip', 'Accept-Encoding']);
      expect(JSON.parse(gunzipSync(res.rawBody).toString('utf8'))).toEqual(big);
    }
    expect(hit.headers.age).toBe('0');
    const plain = await app.inject('/big');
    expect(JSON.parse(plain.body)).toEqual(big);
  });

  it('keeps one entry per negotiated format, and answers 406 before running the handler', async () => {
    let calls = 0;
    @Controller('/n') class N { @Get('/') @Cache({ ttl: 60 }) one() { calls++; return { calls }; } }
    const app = createApp({ controllers: [N], serializers: { 'application/msgpack': true } });
    const json = await app.inject('/n');
    const pack = await app.inject({ url: '/n', headers: { accept: 'application/msgpack' } });
    const packHit = await app.inject({ url: '/n', headers: { accept: 'application/msgpack' } });
    expect([JSON.parse(json.body), decode(pack.rawBody), decode(packHit.rawBody), packHit.headers.vary]).toEqual([{ calls: 1 }, { calls: 2 }, { calls: 2 }, 'Accept']);
    const refused = await app.inject({ url: '/n', headers: { accept: 'text/html' } });
    expect([refused.status, calls]).toEqual([406, 2]);
  });

  it('keeps a Cache-Control the route sets itself, on hits too', async () => {
    let calls = 0;
    @Controller('/cc') class CC { @Get('/') @Cache({ ttl: 60 }) @ResponseHeader('Cache-Control', 'public, max-age=5') one() { return { n: ++calls }; } }
    const app = createApp({ controllers: [CC] });
    const miss = await app.inject('/cc');
    const hit = await app.inject('/cc');
    expect([miss.headers['cache-control'], hit.headers['cache-control'], hit.json(), hit.headers.age]).toEqual(['public, max-age=5', 'public, max-age=5', { n: 1 }, '0']);
  });

  it('sends no Cache-Control with cacheControl: false', async () => {
    @Controller('/none') class None { @Get('/') @Cache({ ttl: 60, cacheControl: false }) one() { return { ok: 1 }; } }
    const app = createApp({ controllers: [None] });
    await app.inject('/none');
    const hit = await app.inject('/none');
    expect([hit.headers['cache-control'], hit.headers.age, typeof hit.headers.etag]).toEqual([undefined, '0', 'string']);
  });

  it('answers from the handler when the store fails', async () => {
    const failing: Store = new MemoryStore();
    failing.get = () => Promise.reject(new Error('store down'));
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    @Controller('/f') class F { @Get('/') @Cache({ ttl: 60 }) one() { return { ok: true }; } }
    const app = createApp({ controllers: [F], store: failing });
    try {
      expect((await app.inject('/f')).json()).toEqual({ ok: true });
      expect((await app.inject('/f')).json()).toEqual({ ok: true });
    } finally {
      warn.mockRestore();
      await failing.close();
    }
  });
});

describe('@Cache at start-up', () => {
  it('rejects @Cache on a route that is not GET', () => {
    @Controller('/x') class X { @Post('/') @Cache({ ttl: 1 }) make() { return 1; } }
    expect(() => createApp({ controllers: [X] })).toThrow(expect.objectContaining({ code: 'RIVET_CACHE_UNSUPPORTED', message: expect.stringContaining('X#make') }));
  });

  it('rejects @Cache on a handler that writes the response itself', () => {
    @Controller('/x') class X { @Get('/') @Cache({ ttl: 1 }) raw(@Res() res: ServerResponse) { res.end(); } }
    expect(() => createApp({ controllers: [X] })).toThrow(expect.objectContaining({ code: 'RIVET_CACHE_UNSUPPORTED' }));
  });

  it.each([[{ ttl: 0 }], [{ ttl: -1 }], [{}], [{ ttl: 1, key: 'k' }], [{ ttl: 1, perUser: 'yes' }]])('rejects @Cache(%j) where it is declared', (options) => {
    expect(() => Cache(options as never)).toThrow(expect.objectContaining({ code: 'RIVET_CACHE_INVALID' }));
  });

  it('lets a class-level @Cache apply to every GET route of the controller, and to no other', async () => {
    let calls = 0;
    @Controller('/c') @Cache({ ttl: 60 }) class C {
      @Get('/a') a() { return { n: ++calls }; }
      @Post('/a') b() { return { n: ++calls }; }
      @Get('/raw') raw(@Res() res: ServerResponse) { res.end(String(++calls)); }
    }
    const app = createApp({ controllers: [C] });
    await app.inject('/c/a');
    expect((await app.inject('/c/a')).json()).toEqual({ n: 1 });
    expect((await app.inject({ method: 'POST', url: '/c/a' })).json()).toEqual({ n: 2 });
    expect((await app.inject({ method: 'POST', url: '/c/a' })).json()).toEqual({ n: 3 });
    expect([(await app.inject('/c/raw')).body, (await app.inject('/c/raw')).body]).toEqual(['4', '5']);
  });
});

describeRedis('@Cache with a RedisStore shared by two apps', () => {
  let redis: RedisServer;
  beforeAll(async () => { redis = await startRedis(); });
  afterAll(() => redis.stop());

  it('serves one app\'s entry from the other, and an invalidation in one reaches both', async () => {
    const callsA = new Calls();
    const callsB = new Calls();
    const storeA = new RedisStore({ url: redis.url });
    const storeB = new RedisStore({ url: redis.url });
    const a = createApp({ controllers: [booksController(callsA)], store: storeA });
    const b = createApp({ controllers: [booksController(callsB)], store: storeB });
    const ca = await serve(a);
    const cb = await serve(b);
    try {
      const first = await ca.get('/books/42').expect(200);
      const fromB = await cb.get('/books/42').expect(200).expectHeader('etag', first.headers.etag as string);
      expect(fromB.text).toBe(first.text);
      const listB = at(await cb.get('/books?sort=x').expect(200));
      expect(at(await ca.get('/books?sort=x').expect(200))).toBe(listB);
      // Invalidate /books/42 through B: A misses too, and other entries stay.
      await cb.post('/books/42').expect(201).expectJson({ touched: 1 });
      expect((await ca.get('/books/42').expect(200)).text).not.toBe(first.text);
      expect(at(await ca.get('/books?sort=x').expect(200))).toBe(listB);
      await b.container.resolve(CacheService).clear();
      expect(at(await ca.get('/books?sort=x').expect(200))).not.toBe(listB);
    } finally {
      await ca.close();
      await cb.close();
      await storeA.close();
      await storeB.close();
    }
  });

  it('expires Redis entries after ttl', async () => {
    const store = new RedisStore({ url: redis.url, prefix: 'ttl:' });
    const calls = new Calls();
    const app = createApp({ controllers: [booksController(calls)], store });
    // Redis expires the entry (PX) on its own clock, which a test cannot move: wait for the key to be gone.
    const entries = (): Promise<string[]> => store.client.keys('ttl:cache:GET /books/short/lived:*');
    try {
      const first = at(await app.inject('/books/short/lived'));
      expect(at(await app.inject('/books/short/lived'))).toBe(first);
      const [key, ...others] = await entries();
      expect(others).toEqual([]);
      const left = await store.client.pttl(key);
      expect([left > 0, left <= 400]).toEqual([true, true]);
      await waitFor(async () => (await entries()).length === 0);
      expect(at(await app.inject('/books/short/lived'))).not.toBe(first);
    } finally {
      await app.close();
      await store.close();
    }
  });
});
