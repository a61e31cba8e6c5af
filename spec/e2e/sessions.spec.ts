import { request } from 'undici';
import { Controller, createApp, Ctx, Get, MemoryStore, Post, RequestContext, type SessionOptions, type Store } from '../../lib';
import { PROBLEM, serve } from '../helpers/http';
import { describeRedis, startRedis, type RedisServer } from '../helpers/redis';
import { startAppProcess } from '../security/fixtures/processes';

/** Sessions over a socket: the cookie, the store, login/logout, tampering and restarts. */

const SECRET = 'a-session-secret-of-32-characters!!';

@Controller('/')
class Account {
  @Get('/whoami') whoami(@Ctx() ctx: RequestContext) { return { user: ctx.session.get('user') ?? null, isNew: ctx.session.isNew }; }
  @Post('/login') login(@Ctx() ctx: RequestContext) {
    const before = ctx.session.id;
    ctx.session.regenerate();
    ctx.session.data.user = 'ada';
    return { changed: before !== ctx.session.id };
  }
  @Post('/cart') cart(@Ctx() ctx: RequestContext) {
    const items = ctx.session.get<number>('items') ?? 0;
    ctx.session.set('items', items + 1);
    return { items: items + 1 };
  }
  @Post('/logout') logout(@Ctx() ctx: RequestContext) { ctx.session.destroy(); }
}

/** A MemoryStore that records writes, to see what the session feature stores and for how long. */
class RecordingStore extends MemoryStore {
  readonly writes: { key: string; value: string; ttlMs?: number }[] = [];
  readonly deletes: string[] = [];
  override set(key: string, value: string, ttlMs?: number) { this.writes.push({ key, value, ttlMs }); return super.set(key, value, ttlMs); }
  override delete(key: string) { this.deletes.push(key); return super.delete(key); }
}

const cookieOf = (res: { headers: Record<string, unknown> }): string => String(res.headers['set-cookie']).split(';')[0];
const start = (session: Partial<SessionOptions> = {}, more: object = {}) =>
  serve(createApp({ controllers: [Account], session: { secret: SECRET, ...session }, ...more }));

describe('session', () => {
  it('sets no cookie for a visitor whose session holds nothing', async () => {
    const client = await start();
    try {
      await client.get('/whoami').expect(200).expectJson({ user: null, isNew: true }).expectHeader('set-cookie', undefined);
    } finally {
      await client.close();
    }
  });

  it('logs in with a new id and secure cookie defaults, and finds the session on the next request', async () => {
    const store = new RecordingStore();
    const client = await start({ store, ttl: 3600 });
    try {
      const login = await client.post('/login').expect(201).expectJson({ changed: true });
      const header = String(login.headers['set-cookie']);
      expect(header).toMatch(/^rivet\.sid=[A-Za-z0-9_-]{32}\.[A-Za-z0-9_-]{43}; Max-Age=3600; Path=\/; HttpOnly; SameSite=Lax$/);
      expect(store.writes).toEqual([{ key: `sess:${header.slice(10, 42)}`, value: '{"user":"ada"}', ttlMs: 3_600_000 }]);
      await client.get('/whoami').set('cookie', cookieOf(login)).expect(200).expectJson({ user: 'ada', isNew: false });
    } finally {
      await client.close();
    }
  });

  it('marks the cookie Secure on TLS, as told by a trusted proxy only', async () => {
    const trusting = await start({}, { trustProxy: 1 });
    const direct = await start();
    try {
      const viaProxy = await trusting.post('/login').set('x-forwarded-proto', 'https').expect(201);
      expect(String(viaProxy.headers['set-cookie'])).toMatch(/; Secure$/);
      const spoofed = await direct.post('/login').set('x-forwarded-proto', 'https').expect(201);
      expect(String(spoofed.headers['set-cookie'])).not.toMatch(/Secure/);
    } finally {
      await trusting.close();
      await direct.close();
    }
  });

  it('rejects a tampered or forged cookie and starts a fresh session', async () => {
    const client = await start();
    try {
      const cookie = cookieOf(await client.post('/login').expect(201));
      const [name, value] = cookie.split('=');
      const [id, mac] = value.split('.');
      const flip = (s: string) => s.slice(0, -2) + (s.at(-2) === 'A' ? 'B' : 'A') + s.at(-1);
      for (const bad of [`${flip(id)}.${mac}`, `${id}.${flip(mac)}`, id, `${id}.`, `x${value}`, '', `${id}.${mac}.${mac}`]) {
        await client.get('/whoami').set('cookie', `${name}=${bad}`).expect(200).expectJson({ user: null, isNew: true });
      }
      // A cookie signed with another secret is a forgery too.
      const other = await start({ secret: 'another-secret-of-at-least-32-chars' });
      try {
        await other.get('/whoami').set('cookie', cookie).expect(200).expectJson({ user: null, isNew: true });
      } finally {
        await other.close();
      }
    } finally {
      await client.close();
    }
  });

  it('drops the pre-login id on regenerate (session fixation) and deletes the session on logout', async () => {
    const store = new RecordingStore();
    const client = await start({ store });
    try {
      const anonymous = cookieOf(await client.post('/cart').expect(201).expectJson({ items: 1 }));
      const oldId = anonymous.slice(10, 42);
      const login = await client.post('/login').set('cookie', anonymous).expect(201);
      const loggedIn = cookieOf(login);
      expect(loggedIn).not.toBe(anonymous);
      expect(store.deletes).toEqual([`sess:${oldId}`]);
      // The cart survives the login; the old cookie is worthless.
      await client.post('/cart').set('cookie', loggedIn).expect(201).expectJson({ items: 2 });
      await client.get('/whoami').set('cookie', anonymous).expect(200).expectJson({ user: null, isNew: true });
      const logout = await client.post('/logout').set('cookie', loggedIn).expect(204);
      expect(String(logout.headers['set-cookie'])).toBe('rivet.sid=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; HttpOnly; SameSite=Lax');
      expect(store.deletes).toEqual([`sess:${oldId}`, `sess:${loggedIn.slice(10, 42)}`]);
      await client.get('/whoami').set('cookie', loggedIn).expect(200).expectJson({ user: null, isNew: true });
    } finally {
      await client.close();
    }
  });

  it('extends the session on every request when rolling, and only on change otherwise', async () => {
    const rolling = new RecordingStore();
    const fixed = new RecordingStore();
    const a = await start({ store: rolling, ttl: 600 });
    const b = await start({ store: fixed, ttl: 600, rolling: false });
    try {
      for (const [client, store] of [[a, rolling], [b, fixed]] as const) {
        const cookie = cookieOf(await client.post('/login').expect(201));
        await client.get('/whoami').set('cookie', cookie).expect(200);
        await client.get('/whoami').set('cookie', cookie).expect(200);
        expect(store.writes.length).toBe(store === rolling ? 3 : 1);
      }
      const touched = await a.get('/whoami').set('cookie', cookieOf(await a.post('/login'))).expect(200);
      expect(String(touched.headers['set-cookie'])).toMatch(/Max-Age=600/);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('encrypts the session id in the cookie when asked, and still rejects tampering', async () => {
    const store = new RecordingStore();
    const client = await start({ store, encrypt: true });
    try {
      const cookie = cookieOf(await client.post('/login').expect(201));
      const id = store.writes[0].key.slice(5);
      expect(cookie).not.toContain(id);
      await client.get('/whoami').set('cookie', cookie).expect(200).expectJson({ user: 'ada', isNew: false });
      const value = cookie.split('=')[1];
      const tampered = `rivet.sid=${value.slice(0, 20)}${value[20] === 'A' ? 'B' : 'A'}${value.slice(21)}`;
      await client.get('/whoami').set('cookie', tampered).expect(200).expectJson({ user: null, isNew: true });
    } finally {
      await client.close();
    }
  });

  it('accepts cookies signed with an older secret listed after the current one', async () => {
    const store = new MemoryStore();
    const old = await start({ store });
    const cookie = cookieOf(await old.post('/login').expect(201));
    await old.close();
    const rotated = await start({ store, secret: ['a-brand-new-secret-of-32-characters', SECRET] });
    try {
      await rotated.get('/whoami').set('cookie', cookie).expect(200).expectJson({ user: 'ada', isNew: false });
    } finally {
      await rotated.close();
      await store.close();
    }
  });

  it('answers 503 when the session store cannot be read', async () => {
    const store = new MemoryStore();
    const client = await start({ store });
    try {
      const cookie = cookieOf(await client.post('/login').expect(201));
      store.get = () => Promise.reject(new Error('down'));
      await client.get('/whoami').set('cookie', cookie).expect(503).expectHeader('content-type', PROBLEM);
    } finally {
      await client.close();
      await store.close();
    }
  });

  it('answers 500 (a programming error) when a handler reads ctx.session without the session option', async () => {
    const client = await serve(createApp({ controllers: [Account] }));
    try {
      await client.get('/whoami').expect(500).expectHeader('content-type', PROBLEM);
    } finally {
      await client.close();
    }
  });

  it('reports unsafe options at start-up', () => {
    const app = (session: unknown) => () => createApp({ controllers: [Account], session: session as SessionOptions });
    const code = { code: 'RIVET_SESSION_OPTIONS_INVALID' };
    expect(app({ secret: 'short' })).toThrow(expect.objectContaining(code));
    expect(app({ secret: [] })).toThrow(/at least 32 characters/);
    expect(app({ secret: SECRET, ttl: 0 })).toThrow(/session.ttl is 0/);
    expect(app({ secret: SECRET, cookie: { sameSite: 'None' } })).toThrow(/without secure: true/);
    expect(app({ secret: SECRET, cookie: { name: 'a b' } })).toThrow(/not a valid cookie name/);
    expect(app(true)).toThrow(/session: true has no secret/);
    expect(app({ secret: SECRET, cookie: { sameSite: 'None', secure: true } })).not.toThrow();
  });
});

describeRedis('session with RedisStore', () => {
  let redis: RedisServer;
  beforeAll(async () => { redis = await startRedis(); });
  afterAll(() => redis.stop());

  it('survives a restart of the app process', async () => {
    const first = await startAppProcess(redis.url, 'restart:');
    let cookie: string;
    try {
      const res = await request(`${first.url}/login`, { method: 'POST' });
      await res.body.dump();
      expect(res.statusCode).toBe(201);
      cookie = String(res.headers['set-cookie']).split(';')[0];
    } finally {
      await first.stop();
    }
    const second = await startAppProcess(redis.url, 'restart:');
    try {
      expect(second.pid).not.toBe(first.pid);
      const res = await request(`${second.url}/whoami`, { headers: { cookie } });
      expect(await res.body.json()).toEqual({ user: 'ada' });
      const tampered = await request(`${second.url}/whoami`, { headers: { cookie: cookie.replace(/.(.{10})$/, (_, rest: string) => `${cookie.at(-11) === 'A' ? 'B' : 'A'}${rest}`) } });
      expect(await tampered.body.json()).toEqual({ user: null });
    } finally {
      await second.stop();
    }
  });
});
