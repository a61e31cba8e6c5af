import { ApiKeyGuard, Controller, createApp, Ctx, Get, Guard, MemoryApiKeyStore, RedisApiKeyStore, RedisStore, RequestContext, Roles, RolesGuard, Scopes, signJwt, JwtGuard, type ApiKeyGuardOptions } from '../../lib';
import { PROBLEM, serve } from '../helpers/http';
import { describeRedis, startRedis, type RedisServer } from '../helpers/redis';

/** ApiKeyGuard and RolesGuard over a socket. */

function appWith(guard: ApiKeyGuard) {
  @Controller('/')
  @Guard(guard, RolesGuard)
  class Api {
    @Get('/me') me(@Ctx() ctx: RequestContext) { return ctx.state.user; }
    @Get('/reports') @Scopes('reports:read') reports() { return ['r1']; }
    @Get('/admin') @Roles('admin', 'owner') admin() { return 'ok'; }
  }
  return createApp({ controllers: [Api] });
}

const problem = (status: number, detail: string, instance: string) => ({ type: 'about:blank', title: status === 401 ? 'Unauthorized' : 'Forbidden', status, detail, instance });

describe('ApiKeyGuard', () => {
  it('accepts keys from a list and gives each a principal', async () => {
    const client = await serve(appWith(new ApiKeyGuard({ keys: ['k-one', 'k-two'] })));
    try {
      await client.get('/me').set('x-api-key', 'k-two').expect(200).expectJson({ id: 'key-2' });
      await client.get('/me').expect(401).expectHeader('content-type', PROBLEM).expectHeader('www-authenticate', 'ApiKey header="x-api-key"')
        .expectJson(problem(401, 'An API key is required in the X-API-Key header.', '/me'));
      await client.get('/me').set('x-api-key', 'k-one-').expect(401).expectJson(problem(401, 'The API key is not valid.', '/me'));
    } finally {
      await client.close();
    }
  });

  it('carries principals with scopes and roles that RolesGuard checks', async () => {
    const client = await serve(appWith(new ApiKeyGuard({ keys: {
      'k-reader': { id: 'reader', scopes: ['reports:read'] },
      'k-admin': { id: 'boss', roles: ['owner'] },
    } })));
    try {
      await client.get('/reports').set('x-api-key', 'k-reader').expect(200).expectJson(['r1']);
      await client.get('/reports').set('x-api-key', 'k-admin').expect(403).expectHeader('content-type', PROBLEM)
        .expectJson(problem(403, 'This route requires the scope "reports:read".', '/reports'));
      await client.get('/admin').set('x-api-key', 'k-admin').expect(200);
      await client.get('/admin').set('x-api-key', 'k-reader').expect(403)
        .expectJson(problem(403, 'This route requires one of the roles "admin", "owner".', '/admin'));
    } finally {
      await client.close();
    }
  });

  it('reads a query parameter and a custom header, and calls a verify function (sync or async)', async () => {
    const seen: string[] = [];
    const viaQuery = await serve(appWith(new ApiKeyGuard({ query: 'api_key', verify: async (key) => { seen.push(key); return key === 'q1' ? { id: 'q' } : null; } })));
    try {
      await viaQuery.get('/me?api_key=q1').expect(200).expectJson({ id: 'q' });
      await viaQuery.get('/me?api_key=q2').expect(401);
      await viaQuery.get('/me').set('x-api-key', 'q1').expect(401).expectHeader('www-authenticate', 'ApiKey query="api_key"');
      expect(seen).toEqual(['q1', 'q2']);
    } finally {
      await viaQuery.close();
    }
    const custom = await serve(appWith(new ApiKeyGuard({ header: 'Authorization-Key', verify: (key) => (key === 'h' ? { id: 'h' } : undefined) })));
    try {
      await custom.get('/me').set('authorization-key', 'h').expect(200).expectJson({ id: 'h' });
    } finally {
      await custom.close();
    }
  });

  it('sees keys added and revoked in a MemoryApiKeyStore', async () => {
    const store = new MemoryApiKeyStore();
    const client = await serve(appWith(new ApiKeyGuard({ store })));
    try {
      await client.get('/me').set('x-api-key', 'late').expect(401);
      store.add('late', { id: 'late' });
      await client.get('/me').set('x-api-key', 'late').expect(200);
      store.revoke('late');
      await client.get('/me').set('x-api-key', 'late').expect(401);
    } finally {
      await client.close();
    }
  });

  it('refuses options without exactly one key source', () => {
    expect(() => new ApiKeyGuard({} as ApiKeyGuardOptions)).toThrow(expect.objectContaining({ code: 'RIVET_API_KEY_INVALID' }));
    expect(() => new ApiKeyGuard({ keys: ['a'], verify: () => null })).toThrow(/got keys and verify/);
    expect(() => new ApiKeyGuard({ store: {} as never })).toThrow(/has no find\(key\) method/);
    expect(() => new MemoryApiKeyStore({ '': {} })).toThrow(/non-empty string/);
  });
});

describe('RolesGuard after JwtGuard', () => {
  const SECRET = 'a-test-secret-of-at-least-32-bytes!!';
  @Controller('/docs')
  @Guard(new JwtGuard({ secret: SECRET, algorithms: ['HS256'] }), RolesGuard)
  class Docs {
    @Get('/') @Scopes('docs:read', 'docs:list') list() { return []; }
    @Get('/open') open() { return 'open'; }
  }
  @Controller('/loose')
  @Guard(RolesGuard)
  @Roles('admin')
  class Loose { @Get('/') get() { return 'x'; } }

  it('reads the space-separated scope claim of a JWT and names the missing scopes', async () => {
    const client = await serve(createApp({ controllers: [Docs, Loose] }));
    try {
      const token = (scope: string) => `Bearer ${signJwt({ scope }, { secret: SECRET })}`;
      await client.get('/docs').set('authorization', token('docs:read docs:list')).expect(200);
      await client.get('/docs').set('authorization', token('docs:read')).expect(403).expectJson(problem(403, 'This route requires the scope "docs:list".', '/docs'));
      await client.get('/docs').set('authorization', token('')).expect(403).expectJson(problem(403, 'This route requires the scopes "docs:read", "docs:list".', '/docs'));
      await client.get('/docs/open').set('authorization', token('')).expect(200);
      // RolesGuard without an authenticating guard before it: no principal → 401.
      await client.get('/loose').expect(401).expectJson(problem(401, 'This route needs an authenticated principal.', '/loose'));
    } finally {
      await client.close();
    }
  });
});

describeRedis('RedisApiKeyStore against a real redis-server', () => {
  let redis: RedisServer;
  beforeAll(async () => { redis = await startRedis(); });
  afterAll(() => redis.stop());

  it('shares keys between two apps and never stores the raw key', async () => {
    const storeA = new RedisStore({ url: redis.url });
    const storeB = new RedisStore({ url: redis.url });
    const keysA = new RedisApiKeyStore(storeA);
    const a = await serve(appWith(new ApiKeyGuard({ store: keysA })));
    const b = await serve(appWith(new ApiKeyGuard({ store: new RedisApiKeyStore(storeB) })));
    try {
      await keysA.add('k-redis', { id: 'svc', scopes: ['reports:read'] }, 60);
      await b.get('/reports').set('x-api-key', 'k-redis').expect(200);
      await a.get('/me').set('x-api-key', 'k-redis').expect(200).expectJson({ id: 'svc', scopes: ['reports:read'] });
      const stored = await storeA.client.keys('*');
      expect(stored).toHaveLength(1);
      expect(stored[0]).toMatch(/^rivet:apikey:[0-9a-f]{64}$/);
      expect(stored[0]).not.toContain('k-redis');
      await keysA.revoke('k-redis');
      await b.get('/me').set('x-api-key', 'k-redis').expect(401);
    } finally {
      await a.close();
      await b.close();
      await storeA.close();
      await storeB.close();
    }
  });
});
