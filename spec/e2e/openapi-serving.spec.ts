import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Controller, createApp, Get, Query, type App } from '../../lib';

@Controller('/pets', { tags: ['pets'] })
class PetsController {
  @Get('/', { summary: 'List pets' })
  list(@Query('limit', { type: Number, minimum: 1, default: 10 }) limit: number) { return { limit }; }
}

const swaggerDir = join(require.resolve('swagger-ui-dist/package.json'), '..');
const redocBundle = require.resolve('redoc/bundles/redoc.standalone.js');
const withDocs = (extra: Partial<Parameters<typeof createApp>[0]> = {}): App =>
  createApp({ controllers: [PetsController], openapi: { title: 'Pets <&> "API"', version: '1.0.0' }, ...extra });

describe('GET /openapi.json', () => {
  const app = withDocs();

  it('serves the document built at start-up, byte for byte', async () => {
    const res = await app.inject('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.body).toBe(JSON.stringify(app.openapi()));
  });

  it('answers 304 when If-None-Match carries the current ETag', async () => {
    const first = await app.inject('/openapi.json');
    const again = await app.inject({ url: '/openapi.json', headers: { 'if-none-match': String(first.headers.etag) } });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
  });

  it('answers HEAD with the GET headers and no body', async () => {
    const get = await app.inject('/openapi.json');
    const head = await app.inject({ method: 'HEAD', url: '/openapi.json' });
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(get.headers['content-length']);
    expect(head.body).toBe('');
  });

  it('answers other methods like any compiled route: 405 with Allow, OPTIONS 204', async () => {
    const post = await app.inject({ method: 'POST', url: '/openapi.json' });
    expect(post.status).toBe(405);
    expect(post.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(post.headers.allow).toBe('GET, HEAD, OPTIONS');
    expect((await app.inject({ method: 'OPTIONS', url: '/openapi.json' })).status).toBe(204);
  });

  it('is listed by app.routes() as built-in routes, after the controllers\' routes', () => {
    expect(app.routes().map((r) => [r.path, r.builtIn === true])).toEqual([['/pets', false], ['/openapi.json', true], ['/docs', true], ['/redoc', true]]);
  });
});

describe('GET /docs (Swagger UI)', () => {
  const app = withDocs();

  it('serves a page that loads only the app own assets, with no inline script', async () => {
    const res = await app.inject('/docs');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('<title>Pets &#60;&#38;&#62; &#34;API&#34; – Swagger UI</title>');
    const urls = [...res.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(urls.length).toBeGreaterThan(2);
    for (const url of urls) expect(url).toMatch(/^\/docs\//);
    expect(res.body).not.toMatch(/<script>(?!<\/script>)/);
    expect(res.body).not.toMatch(/https?:/);
  });

  it('configures Swagger UI with the local document and no validator badge', async () => {
    const res = await app.inject('/docs/swagger-initializer.js');
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.body).toContain('"url":"/openapi.json"');
    expect(res.body).toContain('"validatorUrl":null');
  });

  it.each([
    ['swagger-ui-bundle.js', 'text/javascript; charset=utf-8'],
    ['swagger-ui.css', 'text/css; charset=utf-8'],
    ['favicon-32x32.png', 'image/png'],
  ])('serves %s from swagger-ui-dist with its content type and long-lived caching', async (file, type) => {
    const res = await app.inject(`/docs/${file}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(type);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.rawBody.equals(readFileSync(join(swaggerDir, file)))).toBe(true);
  });

  it('gzips text assets for clients that accept it', async () => {
    const res = await app.inject({ url: '/docs/swagger-ui-bundle.js', headers: { 'accept-encoding': 'gzip, br' } });
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers.vary).toBe('Accept-Encoding');
    expect(Number(res.headers['content-length'])).toBe(res.rawBody.length);
    expect(gunzipSync(res.rawBody).equals(readFileSync(join(swaggerDir, 'swagger-ui-bundle.js')))).toBe(true);
  });

  it('versions asset URLs with the package version so they can be cached for a year', async () => {
    const { version } = require('swagger-ui-dist/package.json') as { version: string };
    expect((await app.inject('/docs')).body).toContain(`/docs/swagger-ui-bundle.js?v=${version}`);
  });
});

describe('GET /redoc', () => {
  const app = withDocs();

  it('serves a page that renders the local document with the local ReDoc bundle', async () => {
    const res = await app.inject('/redoc');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('<redoc spec-url="/openapi.json"></redoc>');
    expect(res.body).not.toMatch(/https?:/);
    const bundle = await app.inject('/redoc/redoc.standalone.js');
    expect(bundle.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(bundle.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    // The bundle as published, except that the sidebar logo on cdn.redoc.ly became an inline image.
    const same = (code: string) => code.replaceAll('https://cdn.redoc.ly/redoc/logo-mini.svg', '§').replace(/data:image\/svg\+xml,[^"]*/g, '§');
    expect(same(bundle.body)).toBe(same(readFileSync(redocBundle, 'utf8')));
    expect(bundle.body).not.toContain('cdn.redoc.ly');
  });

  it('sends a Content-Security-Policy that keeps both pages on the app origin', async () => {
    for (const path of ['/redoc', '/docs']) {
      const csp = String((await app.inject(path)).headers['content-security-policy']);
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("img-src 'self' data:");
      expect(csp).toContain("connect-src 'self'");
    }
  });

  it('lets Swagger UI send "Try it out" requests to the declared servers', async () => {
    const app2 = createApp({ controllers: [PetsController], openapi: { servers: [{ url: 'https://api.example.com/v1' }, { url: '/v2' }] } });
    expect(String((await app2.inject('/docs')).headers['content-security-policy'])).toContain("connect-src 'self' https://api.example.com;");
  });
});

describe('openapi and docs options', () => {
  it('serves nothing when openapi is absent, though app.openapi() still builds the document', async () => {
    const app = createApp({ controllers: [PetsController] });
    expect((await app.inject('/openapi.json')).status).toBe(404);
    expect((await app.inject('/docs')).status).toBe(404);
    expect(app.openapi().paths['/pets']).toBeDefined();
  });

  it('moves the document and the pages to the configured paths, and turns a page off with false', async () => {
    const app = withDocs({ openapi: { title: 'Pets', version: '1', path: '/spec.json' }, docs: { swagger: '/api-docs/', redoc: false } });
    expect((await app.inject('/spec.json')).status).toBe(200);
    expect((await app.inject('/openapi.json')).status).toBe(404);
    expect((await app.inject('/redoc')).status).toBe(404);
    const page = await app.inject('/api-docs');
    expect(page.status).toBe(200);
    expect(page.body).toContain('/api-docs/swagger-ui-bundle.js');
    expect((await app.inject('/api-docs/swagger-initializer.js')).body).toContain('"url":"/spec.json"');
  });

  it('serves the document without pages when docs is false', async () => {
    const app = withDocs({ docs: false });
    expect((await app.inject('/openapi.json')).status).toBe(200);
    expect((await app.inject('/docs')).status).toBe(404);
  });

  it('throws RIVET_ROUTE_DUPLICATE when an application route takes a docs path', () => {
    @Controller('/docs') class DocsController { @Get('/') mine() { return 'mine'; } }
    expect(() => withDocs({ controllers: [DocsController] })).toThrow(expect.objectContaining({ code: 'RIVET_ROUTE_DUPLICATE' }));
  });

  it('throws RIVET_OPTIONS_INVALID for docs without openapi, a bad path, or two pages on one path', () => {
    const invalid = expect.objectContaining({ code: 'RIVET_OPTIONS_INVALID' });
    expect(() => createApp({ controllers: [PetsController], docs: true })).toThrow(invalid);
    expect(() => createApp({ controllers: [PetsController], openapi: { path: 'openapi.json' } })).toThrow(invalid);
    expect(() => createApp({ controllers: [PetsController], openapi: true, docs: { swagger: '/x', redoc: '/x' } })).toThrow(invalid);
    expect(() => createApp({ controllers: [PetsController], openapi: { path: false } })).toThrow(invalid);
  });
});
