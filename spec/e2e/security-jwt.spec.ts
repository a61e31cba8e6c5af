import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, SignJWT, UnsecuredJWT } from 'jose';
import { createApp, Controller, Ctx, Get, Guard, JwtGuard, RequestContext, Roles, RolesGuard, signJwt } from '../../lib';
import type { TestClient } from '../../lib/testing';
import { PROBLEM, serve } from '../helpers/http';

/** JwtGuard over a socket, fed tokens minted by an independent library (jose). */

const SECRET = 'a-test-secret-of-at-least-32-bytes!!';
const secretBytes = new TextEncoder().encode(SECRET);
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const now = () => Math.floor(Date.now() / 1000);

function appWith(guard: JwtGuard) {
  @Controller('/me')
  @Guard(guard)
  class Me {
    @Get('/') me(@Ctx() ctx: RequestContext) { return ctx.state.user; }
  }
  return createApp({ controllers: [Me] });
}

const hs256 = (claims: Record<string, unknown> = {}) => new SignJWT({ sub: 'u1', ...claims }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime('5m');

function invalid(description: string) {
  return { status: 401, headers: { 'www-authenticate': `Bearer error="invalid_token", error_description="${description}"` }, body: { type: 'about:blank', title: 'Unauthorized', status: 401, detail: description, instance: '/me' } };
}

async function expectRefused(client: TestClient, token: string, description: string) {
  const res = await client.get('/me').set('authorization', `Bearer ${token}`);
  const want = invalid(description);
  expect(res.status).toBe(401);
  expect(res.headers['content-type']).toMatch(PROBLEM);
  expect(res.headers['www-authenticate']).toBe(want.headers['www-authenticate']);
  expect(res.json()).toEqual(want.body);
}

describe('JwtGuard with an HMAC secret', () => {
  let client: TestClient;
  beforeAll(async () => {
    client = await serve(appWith(new JwtGuard({ secret: SECRET, algorithms: ['HS256'], audience: 'rivet-api', issuer: 'https://auth.test' })));
  });
  afterAll(() => client.close());
  const good = () => hs256({ scope: 'read' }).setAudience('rivet-api').setIssuer('https://auth.test');

  it('accepts a token minted by jose and puts its claims in ctx.state.user', async () => {
    const token = await good().sign(secretBytes);
    const res = await client.get('/me').set('authorization', `Bearer ${token}`).expect(200);
    expect(res.json()).toMatchObject({ sub: 'u1', scope: 'read', aud: 'rivet-api', iss: 'https://auth.test' });
  });

  it('accepts the scheme name in any case', async () => {
    await client.get('/me').set('authorization', `bearer ${await good().sign(secretBytes)}`).expect(200);
  });

  it('answers 401 with a bare Bearer challenge when no token is sent', async () => {
    await client.get('/me').expect(401).expectHeader('www-authenticate', 'Bearer').expectHeader('content-type', PROBLEM)
      .expectJson({ type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'A bearer token is required.', instance: '/me' });
  });

  it('answers 401 naming the scheme that was sent when it is not Bearer', async () => {
    await client.get('/me').set('authorization', 'Basic dXNlcjpwYXNz').expect(401).expectHeader('www-authenticate', 'Bearer').expectHeader('content-type', PROBLEM)
      .expectJson({ type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'Authorization uses the "Basic" scheme; this route accepts "Bearer".', instance: '/me' });
  });

  it('refuses an expired token', async () => {
    await expectRefused(client, await good().setIssuedAt(now() - 600).setExpirationTime(now() - 60).sign(secretBytes), 'The token has expired.');
  });

  it('refuses a token that is not valid yet', async () => {
    await expectRefused(client, await good().setNotBefore(now() + 600).sign(secretBytes), 'The token is not valid yet.');
  });

  it('refuses a wrong audience and a missing one', async () => {
    await expectRefused(client, await hs256().setAudience('other-api').setIssuer('https://auth.test').sign(secretBytes), 'The token\'s audience is not accepted.');
    await expectRefused(client, await hs256().setIssuer('https://auth.test').sign(secretBytes), 'The token\'s audience is not accepted.');
  });

  it('refuses a wrong issuer', async () => {
    await expectRefused(client, await hs256().setAudience('rivet-api').setIssuer('https://evil.test').sign(secretBytes), 'The token\'s issuer is not accepted.');
  });

  it('refuses a bad signature', async () => {
    await expectRefused(client, await good().sign(new TextEncoder().encode('another-secret-of-at-least-32-bytes')), 'The token\'s signature is invalid.');
    const token = await good().sign(secretBytes);
    const [h, p, s] = token.split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), sub: 'admin' })).toString('base64url')}.${s}`;
    await expectRefused(client, tampered, 'The token\'s signature is invalid.');
  });

  it('refuses alg "none"', async () => {
    const token = new UnsecuredJWT({ sub: 'u1', aud: 'rivet-api', iss: 'https://auth.test' }).setIssuedAt().setExpirationTime('5m').encode();
    await expectRefused(client, token, 'The token\'s algorithm is not accepted.');
  });

  it('refuses an algorithm outside the allow-list even with the right key', async () => {
    const token = await new SignJWT({ sub: 'u1', aud: 'rivet-api', iss: 'https://auth.test' }).setProtectedHeader({ alg: 'HS512' })
      .setExpirationTime('5m').sign(new TextEncoder().encode(SECRET.repeat(2)));
    await expectRefused(client, token, 'The token\'s algorithm is not accepted.');
  });

  it('refuses malformed tokens with 401, never 500', async () => {
    for (const junk of ['abc', 'a.b.c', '....', 'eyJhbGciOiJIUzI1NiJ9.bm90LWpzb24.c2ln', '%%%']) {
      const res = await client.get('/me').set('authorization', `Bearer ${junk}`);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token", error_description="/);
    }
  });
});

describe('JwtGuard with a public key', () => {
  it('refuses an HS256 token signed with the RS256 public key (algorithm confusion)', async () => {
    const client = await serve(appWith(new JwtGuard({ publicKey: rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string, algorithms: ['RS256'] })));
    try {
      const pem = rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string;
      const forged = await new SignJWT({ sub: 'admin' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('5m').sign(new TextEncoder().encode(pem));
      await expectRefused(client, forged, 'The token\'s algorithm is not accepted.');
      const real = await new SignJWT({ sub: 'u1' }).setProtectedHeader({ alg: 'RS256' }).setExpirationTime('5m').sign(rsa.privateKey);
      await client.get('/me').set('authorization', `Bearer ${real}`).expect(200);
    } finally {
      await client.close();
    }
  });

  it('verifies ES256 with a JWK public key and tolerates clock skew within leeway', async () => {
    const client = await serve(appWith(new JwtGuard({ publicKey: await exportJWK(ec.publicKey), algorithms: ['ES256'], leeway: 120 })));
    try {
      const token = await new SignJWT({ sub: 'u2' }).setProtectedHeader({ alg: 'ES256' }).setExpirationTime(now() - 30).sign(ec.privateKey);
      await client.get('/me').set('authorization', `Bearer ${token}`).expect(200);
      const older = await new SignJWT({ sub: 'u2' }).setProtectedHeader({ alg: 'ES256' }).setExpirationTime(now() - 300).sign(ec.privateKey);
      await expectRefused(client, older, 'The token has expired.');
    } finally {
      await client.close();
    }
  });
});

describe('JwtGuard token sources', () => {
  it('reads a cookie when the header is absent, and a custom header as the bare token', async () => {
    const token = await hs256().sign(secretBytes);
    const client = await serve(appWith(new JwtGuard({ secret: SECRET, algorithms: ['HS256'], cookie: 'access_token' })));
    try {
      await client.get('/me').set('cookie', `theme=dark; access_token=${token}`).expect(200);
    } finally {
      await client.close();
    }
    const custom = await serve(appWith(new JwtGuard({ secret: SECRET, algorithms: ['HS256'], header: 'X-Token', realm: 'api' })));
    try {
      await custom.get('/me').set('x-token', token).expect(200);
      await custom.get('/me').set('authorization', `Bearer ${token}`).expect(401).expectHeader('www-authenticate', 'Bearer realm="api"');
      await custom.get('/me').set('x-token', 'nope').expect(401).expectHeader('www-authenticate', 'Bearer realm="api", error="invalid_token", error_description="The token is malformed."');
    } finally {
      await custom.close();
    }
  });
});

describe('JwtGuard with scheme "Token" and optional (the RealWorld API)', () => {
  let client: TestClient;
  beforeAll(async () => {
    @Controller('/articles')
    @Guard(new JwtGuard({ secret: SECRET, algorithms: ['HS256'], scheme: 'Token', optional: true }))
    class Articles {
      // A personalised public read: everyone gets the list, a signed-in reader also gets "favorited".
      @Get('/') list(@Ctx() ctx: RequestContext) { return { user: ctx.state.user === undefined ? 'anonymous' : ctx.state.user }; }
      // Only for a signed-in author: an anonymous request gets the guard's own Token challenge from RolesGuard.
      @Get('/drafts') @Guard(RolesGuard) @Roles('author') drafts() { return []; }
    }
    client = await serve(createApp({ controllers: [Articles] }));
  });
  afterAll(() => client.close());
  const unauthorized = (detail: string) => ({ type: 'about:blank', title: 'Unauthorized', status: 401, detail, instance: '/articles' });
  const claims = (token: string): unknown => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());

  it('lets a request without credentials through with no user', async () => {
    const res = await client.get('/articles').expect(200);
    expect(res.headers['www-authenticate']).toBeUndefined();
    expect(res.json()).toEqual({ user: 'anonymous' });
  });

  it('puts the claims of a good token in ctx.state.user, whatever the case of "Token"', async () => {
    const token = await hs256({ username: 'jake' }).sign(secretBytes);
    await client.get('/articles').set('authorization', `Token ${token}`).expect(200).expectJson({ user: claims(token) });
    await client.get('/articles').set('authorization', `token  ${token}`).expect(200).expectJson({ user: claims(token) });
  });

  it('answers 401 with a Token challenge when the token is bad, expired or malformed', async () => {
    const cases: [string, string][] = [
      [await hs256().sign(new TextEncoder().encode('another-secret-of-at-least-32-bytes')), 'The token\'s signature is invalid.'],
      [await hs256().setIssuedAt(now() - 600).setExpirationTime(now() - 60).sign(secretBytes), 'The token has expired.'],
      ['null', 'The token is malformed.'],
    ];
    for (const [token, description] of cases) {
      const res = await client.get('/articles').set('authorization', `Token ${token}`);
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.headers['www-authenticate']).toBe(`Token error="invalid_token", error_description="${description}"`);
      expect(res.json()).toEqual(unauthorized(description));
    }
  });

  it('answers a route that needs a role, reached anonymously, with the guard\'s Token challenge', async () => {
    await client.get('/articles/drafts').expect(401).expectHeader('www-authenticate', 'Token').expectHeader('content-type', PROBLEM)
      .expectJson({ type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'This route needs an authenticated principal.', instance: '/articles/drafts' });
    const author = await hs256({ roles: ['author'] }).sign(secretBytes);
    await client.get('/articles/drafts').set('authorization', `Token ${author}`).expect(200).expectJson([]);
  });

  it('answers 401 naming the schemes when a Bearer token is sent to a Token-only guard', async () => {
    const token = await hs256().sign(secretBytes);
    await client.get('/articles').set('authorization', `Bearer ${token}`).expect(401).expectHeader('www-authenticate', 'Token').expectHeader('content-type', PROBLEM)
      .expectJson(unauthorized('Authorization uses the "Bearer" scheme; this route accepts "Token".'));
  });

  it('answers 401 for "Token" without a token and for a token without "Token"', async () => {
    await client.get('/articles').set('authorization', 'Token').expect(401).expectHeader('www-authenticate', 'Token').expectHeader('content-type', PROBLEM)
      .expectJson(unauthorized('Authorization has the "Token" scheme but no token; send "Authorization: Token <token>".'));
    await client.get('/articles').set('authorization', await hs256().sign(secretBytes)).expect(401).expectHeader('www-authenticate', 'Token').expectHeader('content-type', PROBLEM)
      .expectJson(unauthorized('Authorization carries a token without a scheme; send "Authorization: Token <token>".'));
  });
});

describe('JwtGuard accepting both Bearer and Token', () => {
  let client: TestClient;
  beforeAll(async () => {
    client = await serve(appWith(new JwtGuard({ secret: SECRET, algorithms: ['HS256'], scheme: ['Bearer', 'Token'], realm: 'conduit' })));
  });
  afterAll(() => client.close());
  const refused = (detail: string) => ({ type: 'about:blank', title: 'Unauthorized', status: 401, detail, instance: '/me' });

  it('accepts a good token under either scheme', async () => {
    const token = await hs256({ username: 'jake' }).sign(secretBytes);
    for (const scheme of ['Bearer', 'Token', 'TOKEN']) {
      const res = await client.get('/me').set('authorization', `${scheme} ${token}`).expect(200);
      expect(res.json()).toEqual(JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()));
    }
  });

  it('challenges with both schemes when no token is sent, or another scheme is', async () => {
    await client.get('/me').expect(401).expectHeader('www-authenticate', 'Bearer realm="conduit", Token realm="conduit"').expectHeader('content-type', PROBLEM)
      .expectJson(refused('A token is required: send "Authorization: Bearer <token>" or "Authorization: Token <token>".'));
    await client.get('/me').set('authorization', 'Basic dXNlcjpwYXNz').expect(401).expectHeader('www-authenticate', 'Bearer realm="conduit", Token realm="conduit"')
      .expectHeader('content-type', PROBLEM).expectJson(refused('Authorization uses the "Basic" scheme; this route accepts "Bearer" or "Token".'));
  });

  it('puts the invalid_token error on the challenge of the scheme the client used', async () => {
    const expired = await hs256().setIssuedAt(now() - 600).setExpirationTime(now() - 60).sign(secretBytes);
    await client.get('/me').set('authorization', `Token ${expired}`).expect(401).expectHeader('content-type', PROBLEM)
      .expectHeader('www-authenticate', 'Bearer realm="conduit", Token realm="conduit", error="invalid_token", error_description="The token has expired."')
      .expectJson(refused('The token has expired.'));
    await client.get('/me').set('authorization', `Bearer ${expired}`).expect(401).expectHeader('content-type', PROBLEM)
      .expectHeader('www-authenticate', 'Bearer realm="conduit", error="invalid_token", error_description="The token has expired.", Token realm="conduit"')
      .expectJson(refused('The token has expired.'));
  });

  it('refuses two credentials in one request', async () => {
    const token = await hs256().sign(secretBytes);
    await client.get('/me').set('authorization', `Bearer ${token}, Token ${token}`).expect(401).expectHeader('content-type', PROBLEM)
      .expectHeader('www-authenticate', 'Bearer realm="conduit", Token realm="conduit"')
      .expectJson(refused('Authorization carries more than one credential; send one, "Authorization: Bearer <token>" or "Authorization: Token <token>".'));
  });
});

describe('JwtGuard#extractToken', () => {
  it('reads the cookie when the header holds another scheme (Basic auth added by a proxy)', async () => {
    const token = await hs256().sign(secretBytes);
    const client = await serve(appWith(new JwtGuard({ secret: SECRET, algorithms: ['HS256'], cookie: 'access_token' })));
    try {
      await client.get('/me').set('authorization', 'Basic dXNlcjpwYXNz').set('cookie', `access_token=${token}`).expect(200);
      await client.get('/me').set('authorization', 'Basic dXNlcjpwYXNz').expect(401).expectHeader('www-authenticate', 'Bearer').expectHeader('content-type', PROBLEM)
        .expectJson({ type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'Authorization uses the "Basic" scheme; this route accepts "Bearer".', instance: '/me' });
      await client.get('/me').expect(401).expectHeader('www-authenticate', 'Bearer').expectHeader('content-type', PROBLEM)
        .expectJson({ type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'A token is required: send "Authorization: Bearer <token>" or the "access_token" cookie.', instance: '/me' });
    } finally {
      await client.close();
    }
  });

  it('can be overridden to read the token elsewhere, keeping optional and the checks', async () => {
    class QueryJwtGuard extends JwtGuard {
      // EventSource cannot send headers, so an SSE client passes the token in the query.
      protected override extractToken(ctx: RequestContext): string | undefined {
        const t = ctx.query.access_token;
        return typeof t === 'string' ? t : super.extractToken(ctx);
      }
    }
    const token = await hs256().sign(secretBytes);
    const client = await serve(appWith(new QueryJwtGuard({ secret: SECRET, algorithms: ['HS256'], optional: true })));
    try {
      await client.get(`/me?access_token=${token}`).expect(200).expectJson(JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()));
      await client.get('/me').set('authorization', `Bearer ${token}`).expect(200);
      await client.get('/me?access_token=junk').expect(401).expectHeader('www-authenticate', 'Bearer error="invalid_token", error_description="The token is malformed."')
        .expectHeader('content-type', PROBLEM).expectJson({ type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'The token is malformed.', instance: '/me' });
      // No token anywhere: the handler returns the undefined ctx.state.user, which is a 204.
      const anonymous = await client.get('/me').expect(204);
      expect(anonymous.text).toBe('');
    } finally {
      await client.close();
    }
  });
});

describe('JwtGuard with a JWKS endpoint', () => {
  let jwks: Server;
  let uri: string;
  let fetches = 0;
  let keys: { kid: string; key: KeyObject }[] = [];
  let failing = false;
  beforeAll(async () => {
    jwks = createServer(async (req, res) => {
      fetches++;
      if (failing) { res.writeHead(500).end(); return; }
      const body = { keys: [
        { kty: 'oct', k: 'c2VjcmV0', kid: 'hmac' }, // ignored: a JWKS never yields an HMAC key
        ...await Promise.all(keys.map(async ({ kid, key }) => ({ ...(await exportJWK(key)), kid, use: 'sig' }))),
      ] };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
    uri = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;
  });
  afterAll(() => new Promise<void>((r) => jwks.close(() => r())));

  it('looks keys up by kid, caches them and refetches once for a rotated key', async () => {
    const k2 = generateKeyPairSync('rsa', { modulusLength: 2048 });
    keys = [{ kid: 'k1', key: rsa.publicKey }];
    fetches = 0;
    const client = await serve(appWith(new JwtGuard({ jwksUri: uri, algorithms: ['RS256'], jwks: { cooldownSeconds: 0 } })));
    try {
      const t1 = await new SignJWT({ sub: 'a' }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setExpirationTime('5m').sign(rsa.privateKey);
      await Promise.all([1, 2, 3].map(() => client.get('/me').set('authorization', `Bearer ${t1}`).expect(200)));
      expect(fetches).toBe(1);
      // Rotation: a new kid appears in the set.
      keys = [{ kid: 'k1', key: rsa.publicKey }, { kid: 'k2', key: k2.publicKey }];
      const t2 = await new SignJWT({ sub: 'b' }).setProtectedHeader({ alg: 'RS256', kid: 'k2' }).setExpirationTime('5m').sign(k2.privateKey);
      await client.get('/me').set('authorization', `Bearer ${t2}`).expect(200);
      expect(fetches).toBe(2);
      await expectRefused(client, await new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid: 'k9' }).setExpirationTime('5m').sign(k2.privateKey), 'The token\'s signing key is unknown.');
      // An HS256 token naming the published "oct" key is refused before any lookup.
      await expectRefused(client, await new SignJWT({}).setProtectedHeader({ alg: 'HS256', kid: 'hmac' }).sign(new TextEncoder().encode('secret')), 'The token\'s algorithm is not accepted.');
    } finally {
      await client.close();
    }
  });

  it('does not refetch for unknown kids within the cooldown', async () => {
    keys = [{ kid: 'k1', key: rsa.publicKey }];
    fetches = 0;
    const client = await serve(appWith(new JwtGuard({ jwksUri: uri, algorithms: ['RS256'] })));
    try {
      for (let i = 0; i < 5; i++) {
        const t = await new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid: `unknown-${i}` }).setExpirationTime('5m').sign(rsa.privateKey);
        await client.get('/me').set('authorization', `Bearer ${t}`).expect(401);
      }
      expect(fetches).toBe(1);
    } finally {
      await client.close();
    }
  });

  it('answers 503 (not 500) when the key set cannot be fetched', async () => {
    failing = true;
    const client = await serve(appWith(new JwtGuard({ jwksUri: uri, algorithms: ['RS256'] })));
    try {
      const t = await new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setExpirationTime('5m').sign(rsa.privateKey);
      await client.get('/me').set('authorization', `Bearer ${t}`).expect(503).expectHeader('content-type', PROBLEM)
        .expectJson({ type: 'about:blank', title: 'Service Unavailable', status: 503, instance: '/me' });
    } finally {
      failing = false;
      await client.close();
    }
  });
});

describe('signJwt', () => {
  it('signs tokens that JwtGuard accepts', async () => {
    const client = await serve(appWith(new JwtGuard({ secret: SECRET, algorithms: ['HS256'], issuer: 'me', audience: 'you' })));
    try {
      const token = signJwt({ roles: ['admin'] }, { secret: SECRET, expiresIn: '10m', issuer: 'me', audience: 'you', subject: '42' });
      const res = await client.get('/me').set('authorization', `Bearer ${token}`).expect(200);
      expect(res.json()).toMatchObject({ roles: ['admin'], sub: '42', iss: 'me', aud: 'you' });
      expect((res.json() as { exp: number }).exp - now()).toBeGreaterThan(590);
    } finally {
      await client.close();
    }
  });
});
