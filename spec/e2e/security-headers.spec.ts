import { createServer } from 'node:https';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request, Agent } from 'undici';
import { Controller, createApp, Ctx, cspNonce, Get, NONCE, RequestContext, SecurityHeaders, type AppOptions } from '../../lib';
import { serve } from '../helpers/http';

/** Security headers over a socket. */

@Controller('/')
class Pages {
  @Get('/api') api() { return { ok: true }; }
  @Get('/page') page(@Ctx() ctx: RequestContext) { return `<script nonce="${cspNonce(ctx) ?? ''}"></script>`; }
  @Get('/embed') @SecurityHeaders({ frameOptions: false, contentSecurityPolicy: { directives: { 'frame-ancestors': ['https://partner.example'] } } }) embed() { return 'e'; }
  @Get('/raw') @SecurityHeaders(false) raw() { return 'r'; }
}

const DEFAULTS = {
  'x-frame-options': 'SAMEORIGIN',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
  'content-security-policy': "default-src 'self'; base-uri 'self'; font-src 'self' https: data:; form-action 'self'; frame-ancestors 'self'; img-src 'self' data:; object-src 'none'; script-src 'self'; script-src-attr 'none'; style-src 'self' https: 'unsafe-inline'",
};
const NAMES = [...Object.keys(DEFAULTS), 'strict-transport-security', 'cross-origin-embedder-policy', 'permissions-policy'];
const security = (headers: Record<string, unknown>) => Object.fromEntries(NAMES.filter((n) => headers[n] !== undefined).map((n) => [n, headers[n]]));
const start = (options: Partial<AppOptions> = {}) => serve(createApp({ controllers: [Pages], securityHeaders: true, ...options }));

describe('securityHeaders', () => {
  it('sends the helmet/Hono set on every answer, 404 problems included, without HSTS over plain HTTP nor X-Powered-By', async () => {
    const client = await start();
    try {
      for (const path of ['/api', '/nowhere']) {
        const res = await client.get(path);
        expect(security(res.headers)).toEqual(DEFAULTS);
        expect(res.headers['x-powered-by']).toBeUndefined();
      }
    } finally {
      await client.close();
    }
  });

  it('sends nothing when the option is off', async () => {
    const client = await serve(createApp({ controllers: [Pages] }));
    try {
      expect(security((await client.get('/api').expect(200)).headers)).toEqual({});
    } finally {
      await client.close();
    }
  });

  it('adds HSTS when a trusted proxy says the request came over TLS', async () => {
    const client = await start({ trustProxy: 1 });
    try {
      await client.get('/api').set('x-forwarded-proto', 'https').expect(200).expectHeader('strict-transport-security', 'max-age=31536000; includeSubDomains');
      await client.get('/api').set('x-forwarded-proto', 'http').expect(200).expectHeader('strict-transport-security', undefined);
    } finally {
      await client.close();
    }
    const untrusting = await start();
    try {
      await untrusting.get('/api').set('x-forwarded-proto', 'https').expect(200).expectHeader('strict-transport-security', undefined);
    } finally {
      await untrusting.close();
    }
  });

  it('adds HSTS on a TLS socket', async () => {
    // A self-signed test certificate for localhost (spec/security/fixtures), valid for a century.
    const dir = join(__dirname, '../security/fixtures');
    const app = createApp({ controllers: [Pages], securityHeaders: { strictTransportSecurity: { maxAge: 600, preload: true } } });
    const server = createServer({ key: readFileSync(join(dir, 'tls-key.pem')), cert: readFileSync(join(dir, 'tls-cert.pem')) }, app.handle);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const dispatcher = new Agent({ connect: { rejectUnauthorized: false } });
    try {
      const { port } = server.address() as { port: number };
      const res = await request(`https://127.0.0.1:${port}/api`, { dispatcher });
      await res.body.dump();
      expect(res.headers['strict-transport-security']).toBe('max-age=600; includeSubDomains; preload');
    } finally {
      await dispatcher.close();
      await new Promise((r) => server.close(r));
    }
  });

  it('puts a fresh nonce in the CSP for each request and hands it to the handler', async () => {
    const client = await start({ securityHeaders: { contentSecurityPolicy: { directives: { 'script-src': ["'self'", NONCE], 'style-src': [NONCE] } } } });
    try {
      const one = await client.get('/page').expect(200);
      const two = await client.get('/page').expect(200);
      const nonceOf = (csp: unknown) => /script-src 'self' 'nonce-([A-Za-z0-9+/=]{24})'; .*style-src 'nonce-\1'$/.exec(String(csp))?.[1];
      const n1 = nonceOf(one.headers['content-security-policy']);
      expect(n1).toBeDefined();
      expect(one.text).toBe(`<script nonce="${n1}"></script>`);
      expect(nonceOf(two.headers['content-security-policy'])).not.toBe(n1);
    } finally {
      await client.close();
    }
  });

  it('lets a route change its headers or opt out', async () => {
    const client = await start({ securityHeaders: { frameOptions: 'DENY', crossOriginEmbedderPolicy: 'require-corp' } });
    try {
      const api = await client.get('/api').expect(200);
      expect(api.headers['x-frame-options']).toBe('DENY');
      expect(api.headers['cross-origin-embedder-policy']).toBe('require-corp');
      const embed = await client.get('/embed').expect(200);
      expect(embed.headers['x-frame-options']).toBeUndefined();
      expect(embed.headers['content-security-policy']).toMatch(/frame-ancestors https:\/\/partner\.example;/);
      expect(embed.headers['cross-origin-embedder-policy']).toBe('require-corp');
      expect(security((await client.get('/raw').expect(200)).headers)).toEqual({});
    } finally {
      await client.close();
    }
  });

  it('turns single headers off, adds a Permissions-Policy and a report-only CSP', async () => {
    const client = await start({ securityHeaders: {
      referrerPolicy: 'strict-origin-when-cross-origin', xssProtection: false, contentSecurityPolicy: { reportOnly: true, directives: { 'upgrade-insecure-requests': true, 'style-src': false } },
      permissionsPolicy: { camera: [], geolocation: ['self', 'https://maps.example'] },
    } });
    try {
      const res = await client.get('/api').expect(200);
      expect(res.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
      expect(res.headers['x-xss-protection']).toBeUndefined();
      expect(res.headers['content-security-policy']).toBeUndefined();
      expect(res.headers['content-security-policy-report-only']).toMatch(/script-src-attr 'none'; upgrade-insecure-requests$/);
      expect(res.headers['content-security-policy-report-only']).not.toMatch(/style-src/);
      expect(res.headers['permissions-policy']).toBe('camera=(), geolocation=(self "https://maps.example")');
    } finally {
      await client.close();
    }
  });

  it('keeps the docs pages working: their own CSP wins', async () => {
    const client = await start({ openapi: true });
    try {
      const res = await client.get('/docs').expect(200);
      expect(res.headers['content-security-policy']).toMatch(/^default-src 'none'; script-src 'self'/);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    } finally {
      await client.close();
    }
  });

  it('reports bad values at start-up', () => {
    const app = (securityHeaders: unknown) => () => createApp({ controllers: [Pages], securityHeaders: securityHeaders as never });
    expect(app({ referrerPolicy: '' })).toThrow(expect.objectContaining({ code: 'RIVET_SECURITY_HEADERS_INVALID' }));
    expect(app({ contentSecurityPolicy: { directives: { 'script-src': ["'self'; object-src *"] } } })).toThrow(/never put ";"/);
    expect(app({ contentSecurityPolicy: { directives: { 'Script Src': ["'self'"] } } })).toThrow(/not a directive name/);
    expect(app({ strictTransportSecurity: { maxAge: -1 } })).toThrow(/maxAge is -1/);
    expect(app('yes')).toThrow(expect.objectContaining({ code: 'RIVET_OPTIONS_INVALID' }));
  });
});
