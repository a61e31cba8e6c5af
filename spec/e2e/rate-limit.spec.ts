import { Controller, createApp, Get, Guard, JwtGuard, MemoryStore, RateLimit, signJwt, type AppOptions, type Store } from '../../lib';
import { PROBLEM, serve } from '../helpers/http';

/** Rate limits over a socket: headers, 429 problems, scopes of a limit, and how clients are told apart. */

const SECRET = 'a-test-secret-of-at-least-32-bytes!!';

@Controller('/')
class Api {
  @Get('/a') a() { return 'a'; }
  @Get('/b') b() { return 'b'; }
  @Get('/health') @RateLimit(false) health() { return 'up'; }
  @Get('/login') @RateLimit({ points: 2, duration: 60 }) login() { return 'in'; }
}

@Controller('/shared')
@RateLimit({ points: 3, duration: 60 })
class Shared {
  @Get('/x') x() { return 'x'; }
  @Get('/y') y() { return 'y'; }
}

const start = (options: Partial<AppOptions> = {}) => serve(createApp({ controllers: [Api, Shared], ...options }));

describe('rateLimit (app-wide) and @RateLimit', () => {
  it('sends RateLimit-* and X-RateLimit-* headers, then a 429 problem with Retry-After', async () => {
    const client = await start({ rateLimit: { points: 3, duration: 30 } });
    try {
      const before = Math.floor(Date.now() / 1000);
      const first = await client.get('/a').expect(200)
        .expectHeader('ratelimit-limit', '3').expectHeader('ratelimit-remaining', '2').expectHeader('ratelimit-reset', '10')
        .expectHeader('ratelimit-policy', '3;w=30').expectHeader('x-ratelimit-limit', '3').expectHeader('x-ratelimit-remaining', '2');
      const resetAt = Number(first.headers['x-ratelimit-reset']);
      expect(resetAt - before).toBeGreaterThanOrEqual(10);
      expect(resetAt - before).toBeLessThanOrEqual(12);
      await client.get('/b').expect(200).expectHeader('ratelimit-remaining', '1'); // one budget for the whole app
      await client.get('/a').expect(200).expectHeader('ratelimit-remaining', '0');
      await client.get('/a').expect(429).expectHeader('content-type', PROBLEM).expectHeader('retry-after', '10').expectHeader('ratelimit-remaining', '0')
        .expectJson({ type: 'about:blank', title: 'Too Many Requests', status: 429, detail: 'Rate limit exceeded: 3 requests per 30 s. Retry in 10 s.', instance: '/a' });
    } finally {
      await client.close();
    }
  });

  it('exempts @RateLimit(false) routes and gives a route its own budget instead of the app-wide one', async () => {
    const client = await start({ rateLimit: { points: 1, duration: 60 } });
    try {
      await client.get('/a').expect(200);
      await client.get('/a').expect(429);
      for (let i = 0; i < 3; i++) await client.get('/health').expect(200).expectHeader('ratelimit-limit', undefined);
      await client.get('/login').expect(200).expectHeader('ratelimit-limit', '2');
      await client.get('/login').expect(200);
      await client.get('/login').expect(429);
    } finally {
      await client.close();
    }
  });

  it('shares one budget between the routes of a controller-level @RateLimit, without any app-wide limit', async () => {
    const client = await start();
    try {
      await client.get('/a').expect(200).expectHeader('ratelimit-limit', undefined);
      await client.get('/shared/x').expect(200).expectHeader('ratelimit-remaining', '2');
      await client.get('/shared/y').expect(200).expectHeader('ratelimit-remaining', '1');
      await client.get('/shared/x').expect(200);
      await client.get('/shared/y').expect(429);
    } finally {
      await client.close();
    }
  });

  it('allows a burst above the steady rate', async () => {
    const client = await start({ rateLimit: { points: 1, duration: 60, burst: 4 } });
    try {
      for (let i = 0; i < 4; i++) await client.get('/a').expect(200).expectHeader('ratelimit-limit', '4').expectHeader('ratelimit-policy', '1;w=60;burst=4');
      await client.get('/a').expect(429).expectHeader('retry-after', '60');
    } finally {
      await client.close();
    }
  });
});

describe('rate-limit keys', () => {
  it('ignores a spoofed X-Forwarded-For when no proxy is trusted', async () => {
    const client = await start({ rateLimit: { points: 2, duration: 60 } });
    try {
      await client.get('/a').set('x-forwarded-for', '1.1.1.1').expect(200);
      await client.get('/a').set('x-forwarded-for', '2.2.2.2').expect(200);
      await client.get('/a').set('x-forwarded-for', '3.3.3.3').expect(429);
    } finally {
      await client.close();
    }
  });

  it('takes the address the trusted proxy saw, so entries a client prepends change nothing', async () => {
    const client = await start({ rateLimit: { points: 1, duration: 60 }, trustProxy: 1 });
    try {
      // The proxy appends the client's address; whatever the client wrote before it is ignored.
      await client.get('/a').set('x-forwarded-for', '9.9.9.9, 203.0.113.7').expect(200);
      await client.get('/a').set('x-forwarded-for', '8.8.8.8, 203.0.113.7').expect(429);
      await client.get('/a').set('x-forwarded-for', '203.0.113.8').expect(200);
      // One /64 is one client.
      await client.get('/a').set('x-forwarded-for', '2001:db8:0:1::1').expect(200);
      await client.get('/a').set('x-forwarded-for', '2001:db8:0:1:ffff::2').expect(429);
    } finally {
      await client.close();
    }
  });

  it('counts per API key when key is apiKey, and by address without one', async () => {
    const client = await start({ rateLimit: { points: 1, duration: 60, key: 'apiKey' } });
    try {
      await client.get('/a').set('x-api-key', 'k1').expect(200);
      await client.get('/a').set('x-api-key', 'k1').expect(429);
      await client.get('/a').set('x-api-key', 'k2').expect(200);
      await client.get('/a').expect(200);
      await client.get('/a').expect(429);
    } finally {
      await client.close();
    }
  });

  it('counts per authenticated user after the guards when key is user, and by a function of the context', async () => {
    @Controller('/me')
    @Guard(new JwtGuard({ secret: SECRET, algorithms: ['HS256'] }))
    @RateLimit({ points: 1, duration: 60, key: 'user' })
    class Me { @Get('/') me() { return 'me'; } }
    @Controller('/tenant')
    @RateLimit({ points: 1, duration: 60, key: (ctx) => ctx.request.headers['x-tenant'] as string | undefined })
    class Tenant { @Get('/') get() { return 't'; } }
    const client = await serve(createApp({ controllers: [Me, Tenant] }));
    try {
      const as = (sub: string) => `Bearer ${signJwt({ sub }, { secret: SECRET })}`;
      await client.get('/me').set('authorization', as('alice')).expect(200).expectHeader('ratelimit-remaining', '0');
      await client.get('/me').set('authorization', as('alice')).expect(429);
      await client.get('/me').set('authorization', as('bob')).expect(200);
      // Unauthenticated requests are refused by the guard before the limit counts them.
      await client.get('/me').expect(401).expectHeader('ratelimit-limit', undefined);
      await client.get('/tenant').set('x-tenant', 't1').expect(200);
      await client.get('/tenant').set('x-tenant', 't1').expect(429);
      await client.get('/tenant').set('x-tenant', 't2').expect(200);
    } finally {
      await client.close();
    }
  });
});

describe('rate-limit failures', () => {
  it('answers 503 when the store fails, never 500', async () => {
    const broken = Object.assign(new MemoryStore(), { consume: () => Promise.reject(new Error('down')) });
    const client = await start({ rateLimit: { points: 1, duration: 60, store: broken } });
    try {
      await client.get('/a').expect(503).expectHeader('content-type', PROBLEM).expectHeader('retry-after', '5');
    } finally {
      await client.close();
      await broken.close();
    }
  });

  it('reports bad options and a store without consume() at start-up', () => {
    const noConsume = { get: async () => undefined, set: async () => {}, delete: async () => {}, increment: async () => ({ value: 1, ttlMs: 1 }), close: async () => {} } satisfies Store;
    expect(() => createApp({ controllers: [Api], rateLimit: { points: 1, duration: 1, store: noConsume } })).toThrow(expect.objectContaining({ code: 'RIVET_RATE_LIMIT_STORE_UNSUPPORTED' }));
    expect(() => createApp({ controllers: [Api], rateLimit: { points: 0, duration: 1 } })).toThrow(/rateLimit: points is 0/);
    expect(() => createApp({ controllers: [Api], rateLimit: true as never })).toThrow(/rateLimit: true does not say how much/);
    expect(() => RateLimit({ points: 1, duration: -1 })).toThrow(expect.objectContaining({ code: 'RIVET_RATE_LIMIT_INVALID' }));
    expect(() => RateLimit({ points: 1, duration: 1, key: 'session' as never })).toThrow(/key is "session"/);
    expect(() => createApp({ controllers: [Api], trustProxy: true as never })).toThrow(expect.objectContaining({ code: 'RIVET_TRUST_PROXY_INVALID' }));
  });
});
