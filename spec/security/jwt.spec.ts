import { createSecretKey, generateKeyPairSync } from 'node:crypto';
import { JwtGuard, signJwt, type JwtGuardOptions } from '../../lib';

const SECRET = 'x'.repeat(32);
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const make = (options: unknown) => () => new JwtGuard(options as JwtGuardOptions);
const code = { code: 'RIVET_JWT_OPTIONS_INVALID' };

describe('JwtGuard options', () => {
  it('requires an explicit algorithms list', () => {
    expect(make({ secret: SECRET })).toThrow(expect.objectContaining(code));
    expect(make({ secret: SECRET, algorithms: [] })).toThrow(/explicit algorithms allow-list/);
  });

  it('never accepts "none" or unknown algorithms', () => {
    expect(make({ secret: SECRET, algorithms: ['none'] })).toThrow(/unsigned tokens are never accepted/);
    expect(make({ secret: SECRET, algorithms: ['HS1'] })).toThrow(expect.objectContaining(code));
  });

  it('refuses to mix HMAC with public-key algorithms either way', () => {
    expect(make({ secret: SECRET, algorithms: ['HS256', 'RS256'] })).toThrow(/with a secret, allow HS256, HS384 or HS512 only/);
    expect(make({ publicKey: rsa.publicKey, algorithms: ['RS256', 'HS256'] })).toThrow(/algorithm confusion/);
  });

  it('needs exactly one key source', () => {
    expect(make({ algorithms: ['HS256'] })).toThrow(/exactly one of secret, publicKey or jwksUri; got none/);
    expect(make({ secret: SECRET, publicKey: rsa.publicKey, algorithms: ['HS256'] })).toThrow(/got secret and publicKey/);
  });

  it('refuses HMAC secrets shorter than the hash', () => {
    expect(make({ secret: 'short', algorithms: ['HS256'] })).toThrow(/secret is 5 bytes; HS256 needs at least 32/);
    expect(make({ secret: SECRET, algorithms: ['HS512'] })).toThrow(/needs at least 64/);
    expect(make({ secret: createSecretKey(Buffer.alloc(48)), algorithms: ['HS384'] })).not.toThrow();
  });

  it('checks the public key against the algorithms', () => {
    expect(make({ publicKey: ec.publicKey, algorithms: ['RS256'] })).toThrow(/allows RS256 but the public key is of type ec/);
    expect(make({ publicKey: 'not a key', algorithms: ['RS256'] })).toThrow(/could not be read as a public key/);
    expect(make({ publicKey: createSecretKey(Buffer.alloc(32)), algorithms: ['RS256'] })).toThrow(/could not be read as a public key/);
    // A private key is accepted: its public half verifies.
    expect(make({ publicKey: rsa.privateKey, algorithms: ['RS256', 'PS256'] })).not.toThrow();
  });

  it('checks jwksUri, leeway and the token source', () => {
    expect(make({ jwksUri: 'ftp://x', algorithms: ['RS256'] })).toThrow(/jwksUri/);
    expect(make({ secret: SECRET, algorithms: ['HS256'], leeway: -1 })).toThrow(/leeway is -1/);
    expect(make({ secret: SECRET, algorithms: ['HS256'], header: false })).toThrow(/reads neither a header nor a cookie/);
    expect(make({ secret: SECRET, algorithms: ['HS256'], header: '' })).toThrow(/JwtGuard header is ""/);
  });

  it('checks scheme, optional and schemeName', () => {
    expect(make({ secret: SECRET, algorithms: ['HS256'], scheme: 'Bearer Token' })).toThrow(expect.objectContaining(code));
    expect(make({ secret: SECRET, algorithms: ['HS256'], scheme: [] })).toThrow(/JwtGuard scheme is \[\]/);
    expect(make({ secret: SECRET, algorithms: ['HS256'], optional: 'yes' })).toThrow(/JwtGuard optional is "yes"/);
    expect(make({ secret: SECRET, algorithms: ['HS256'], schemeName: '' })).toThrow(/JwtGuard schemeName is ""/);
    expect(make({ secret: SECRET, algorithms: ['HS256'], scheme: ['Bearer', 'Token'], schemeName: 'jwt' }))
      .toThrow("JwtGuard schemeName gives 1 name for 2 schemes (Bearer, Token); each scheme is documented under its own name.\n  Fix: give one name per scheme, e.g. schemeName: ['jwtBearer', 'jwtToken'], or leave it out for 'bearer', 'token'.");
    expect(make({ secret: SECRET, algorithms: ['HS256'], scheme: 'Token', schemeName: ['conduit'], optional: false })).not.toThrow();
  });
});

describe('JwtGuard#securityScheme', () => {
  const route = { method: 'GET', path: '/x', metadata: new Map() };
  it('declares an HTTP bearer scheme by default', () => {
    expect(new JwtGuard({ secret: SECRET, algorithms: ['HS256'] }).securityScheme(route)).toEqual({ name: 'bearer', scheme: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, scopes: [] });
  });

  it('declares an apiKey scheme for a custom header or a cookie', () => {
    expect(new JwtGuard({ secret: SECRET, algorithms: ['HS256'], header: 'X-Token' }).securityScheme(route)).toEqual({ name: 'bearer', scheme: { type: 'apiKey', in: 'header', name: 'X-Token' }, scopes: [] });
    expect(new JwtGuard({ secret: SECRET, algorithms: ['HS256'], header: false, cookie: 'jwt' }).securityScheme(route)).toEqual({ name: 'jwtCookie', scheme: { type: 'apiKey', in: 'cookie', name: 'jwt' }, scopes: [] });
  });

  it('declares a scheme that is not Bearer as an apiKey in Authorization whose value includes the scheme', () => {
    expect(new JwtGuard({ secret: SECRET, algorithms: ['HS256'], scheme: 'Token' }).securityScheme(route)).toEqual({
      name: 'token',
      scheme: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'A JWT sent as "Authorization: Token <JWT>". In Swagger UI\'s Authorize dialog, enter the whole value, "Token " included.' },
      scopes: [],
    });
    // "bearer" in any case is still the registered HTTP scheme.
    expect(new JwtGuard({ secret: SECRET, algorithms: ['HS256'], scheme: 'BEARER' }).securityScheme(route)).toEqual({ name: 'bearer', scheme: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, scopes: [] });
  });

  it('declares each accepted scheme as an alternative, under the given names', () => {
    const guard = new JwtGuard({ secret: SECRET, algorithms: ['HS256'], scheme: ['Bearer', 'Token'], schemeName: ['jwt', 'jwtToken'] });
    expect(guard.securityScheme(route)).toEqual([
      { name: 'jwt', scheme: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, scopes: [] },
      { name: 'jwtToken', scheme: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'A JWT sent as "Authorization: Token <JWT>". In Swagger UI\'s Authorize dialog, enter the whole value, "Token " included.' }, scopes: [] },
    ]);
  });

  it('marks the schemes optional when anonymous requests pass', () => {
    expect(new JwtGuard({ secret: SECRET, algorithms: ['HS256'], optional: true }).securityScheme(route)).toEqual({ name: 'bearer', scheme: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, scopes: [], optional: true });
  });

  it('declares a custom header read with a scheme as an apiKey describing the value', () => {
    expect(new JwtGuard({ secret: SECRET, algorithms: ['HS256'], header: 'X-Forwarded-Authorization', scheme: 'Bearer' }).securityScheme(route)).toEqual({
      name: 'bearer',
      scheme: { type: 'apiKey', in: 'header', name: 'X-Forwarded-Authorization', description: 'A JWT sent as "X-Forwarded-Authorization: Bearer <JWT>". In Swagger UI\'s Authorize dialog, enter the whole value, "Bearer " included.' },
      scopes: [],
    });
  });

  it('lets a subclass document nothing by returning null', () => {
    // regression: #16 — this override was TS2416 while the method was declared to return GuardSecurity.
    class Undocumented extends JwtGuard {
      override securityScheme() { return null; }
    }
    expect(new Undocumented({ secret: SECRET, algorithms: ['HS256'] }).securityScheme()).toBeNull();
  });
});

describe('signJwt', () => {
  it('refuses unsafe or incomplete options', () => {
    expect(() => signJwt({}, {})).toThrow(/exactly one of secret and privateKey/);
    expect(() => signJwt({}, { secret: 'short' })).toThrow(/signJwt secret is 5 bytes/);
    expect(() => signJwt({}, { secret: SECRET, algorithm: 'RS256' })).toThrow(/got a secret with algorithm RS256/);
    expect(() => signJwt({}, { privateKey: rsa.privateKey, algorithm: 'HS256' })).toThrow(/got a private key with algorithm HS256/);
    expect(() => signJwt([] as never, { secret: SECRET })).toThrow(/plain object/);
  });

  it('picks the algorithm from the private key', () => {
    const header = (t: string) => JSON.parse(Buffer.from(t.split('.')[0], 'base64url').toString()) as { alg: string; kid?: string };
    expect(header(signJwt({}, { privateKey: rsa.privateKey }))).toEqual({ alg: 'RS256', typ: 'JWT' });
    expect(header(signJwt({}, { privateKey: ec.privateKey, keyId: 'k1' }))).toEqual({ alg: 'ES256', typ: 'JWT', kid: 'k1' });
    expect(header(signJwt({}, { secret: SECRET }))).toEqual({ alg: 'HS256', typ: 'JWT' });
  });
});
