import { Controller, createApp, Delete, Get, Options, Post, type CorsOptions } from '../../lib';
import { serve } from '../helpers/http';

/** CORS over a socket: actual requests, preflights answered from the compiled OPTIONS path, closed unless configured. */

@Controller('/items')
class Items {
  @Get('/') list() { return []; }
  @Post('/') create() { return {}; }
  @Delete('/:id') remove() {}
}

@Controller('/custom')
class Custom {
  @Get('/') get() { return 'x'; }
  @Options('/') options() { return 'mine'; }
}

const APP = 'https://app.example.com';
const start = (cors?: CorsOptions | boolean) => serve(createApp({ controllers: [Items, Custom], cors }));
const preflight = (origin: string, method = 'DELETE', headers?: string) => {
  const h: Record<string, string> = { origin, 'access-control-request-method': method };
  if (headers !== undefined) h['access-control-request-headers'] = headers;
  return h;
};

describe('cors', () => {
  it('sends no CORS header at all unless configured', async () => {
    const client = await start();
    try {
      const res = await client.get('/items').set('origin', APP).expect(200);
      expect(Object.keys(res.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
      await client.options('/items/1').set('origin', APP).set('access-control-request-method', 'DELETE').expect(204)
        .expectHeader('allow', 'DELETE, OPTIONS').expectHeader('access-control-allow-origin', undefined);
    } finally {
      await client.close();
    }
  });

  it('allows any origin without credentials with cors: true', async () => {
    const client = await start(true);
    try {
      await client.get('/items').set('origin', 'https://anyone.example').expect(200).expectHeader('access-control-allow-origin', '*')
        .expectHeader('access-control-allow-credentials', undefined).expectHeader('vary', undefined);
      await client.get('/items').expect(200).expectHeader('access-control-allow-origin', undefined);
    } finally {
      await client.close();
    }
  });

  it('answers a preflight from the path\'s compiled Allow, reflecting asked headers', async () => {
    const client = await start({ origin: [APP], credentials: true, maxAge: 600, exposedHeaders: ['X-Request-ID', 'RateLimit-Remaining'] });
    try {
      await client.options('/items/42').set('origin', APP).set('access-control-request-method', 'DELETE').set('access-control-request-headers', 'content-type, x-api-key')
        .expect(204)
        .expectHeader('allow', 'DELETE, OPTIONS')
        .expectHeader('access-control-allow-origin', APP)
        .expectHeader('access-control-allow-methods', 'DELETE, OPTIONS')
        .expectHeader('access-control-allow-headers', 'content-type, x-api-key')
        .expectHeader('access-control-allow-credentials', 'true')
        .expectHeader('access-control-max-age', '600')
        .expectHeader('vary', 'Origin, Access-Control-Request-Headers')
        .expectText('');
      const actual = await client.post('/items').set('origin', APP).expect(201)
        .expectHeader('access-control-allow-origin', APP).expectHeader('access-control-allow-credentials', 'true')
        .expectHeader('access-control-expose-headers', 'X-Request-ID, RateLimit-Remaining').expectHeader('vary', 'Origin');
      expect(actual.headers['access-control-allow-methods']).toBeUndefined();
    } finally {
      await client.close();
    }
  });

  it('gives an origin that is not allowed no CORS headers (the browser blocks), but still Vary: Origin', async () => {
    const client = await start({ origin: APP });
    try {
      await client.get('/items').set('origin', 'https://evil.example').expect(200).expectHeader('access-control-allow-origin', undefined).expectHeader('vary', 'Origin');
      await client.options('/items').set('origin', 'https://evil.example').set('access-control-request-method', 'POST').expect(204)
        .expectHeader('access-control-allow-origin', undefined).expectHeader('allow', 'GET, HEAD, POST, OPTIONS');
      // Almost-matching origins are different origins.
      for (const o of ['https://app.example.com.evil.io', 'http://app.example.com', 'https://app.example.com:8443', 'null']) {
        await client.get('/items').set('origin', o).expect(200).expectHeader('access-control-allow-origin', undefined);
      }
    } finally {
      await client.close();
    }
  });

  it('matches origins with an anchored RegExp, a list or a function', async () => {
    const pattern = await start({ origin: /^https:\/\/[a-z0-9-]+\.example\.com$/, methods: ['GET', 'POST'], allowedHeaders: ['Content-Type'] });
    try {
      await pattern.options('/items').set('origin', 'https://a-b.example.com').set('access-control-request-method', 'POST').set('access-control-request-headers', 'x-evil')
        .expect(204).expectHeader('access-control-allow-methods', 'GET, POST').expectHeader('access-control-allow-headers', 'Content-Type');
      await pattern.get('/items').set('origin', 'https://x.example.com.evil.io').expect(200).expectHeader('access-control-allow-origin', undefined);
    } finally {
      await pattern.close();
    }
    const fn = await start({ origin: (origin, req) => origin.endsWith('.test') && req.method !== 'DELETE' });
    try {
      await fn.get('/items').set('origin', 'http://dev.test').expect(200).expectHeader('access-control-allow-origin', 'http://dev.test');
      await fn.delete('/items/1').set('origin', 'http://dev.test').expect(204).expectHeader('access-control-allow-origin', undefined);
    } finally {
      await fn.close();
    }
  });

  it('waits for an async origin function, on actual requests and preflights; a failing one is a 500 problem', async () => {
    const tenants = new Set(['https://acme.example.com']);
    let asked = 0;
    // As a lookup in a database would: the answer comes later.
    const origin = async (o: string): Promise<boolean> => {
      asked++;
      await new Promise((r) => setTimeout(r, 5));
      if (o === 'https://broken.example.com') throw new Error('tenant store down');
      return tenants.has(o);
    };
    const client = await start({ origin, credentials: true, maxAge: 60 });
    const ask = (o: string, method = 'DELETE', headers?: string) => Object.entries(preflight(o, method, headers)).reduce((r, [k, v]) => r.set(k, v), client.options('/items'));
    try {
      await client.get('/items').set('origin', 'https://acme.example.com').expect(200)
        .expectHeader('access-control-allow-origin', 'https://acme.example.com').expectHeader('access-control-allow-credentials', 'true')
        .expectHeader('vary', 'Origin').expectJson([]);
      await client.get('/items').set('origin', 'https://other.example.com').expect(200).expectHeader('access-control-allow-origin', undefined);
      const ok = await ask('https://acme.example.com', 'DELETE', 'content-type').expect(204);
      expect([ok.headers['access-control-allow-origin'], ok.headers['access-control-allow-methods'], ok.headers['access-control-allow-headers'], ok.headers['access-control-max-age']])
        .toEqual(['https://acme.example.com', 'GET, HEAD, POST, OPTIONS', 'content-type', '60']);
      const refused = await ask('https://other.example.com').expect(204);
      expect([refused.headers.allow, refused.headers['access-control-allow-origin']]).toEqual(['GET, HEAD, POST, OPTIONS', undefined]);
      await client.get('/items').set('origin', 'https://broken.example.com').expect(500).expectHeader('content-type', 'application/problem+json; charset=utf-8');
      await ask('https://broken.example.com').expect(500);
      expect(asked).toBe(6);
    } finally {
      await client.close();
    }
  });

  it('leaves OPTIONS without a preflight method and a user @Options handler alone', async () => {
    const client = await start({ origin: APP });
    try {
      await client.options('/items').set('origin', APP).expect(204).expectHeader('allow', 'GET, HEAD, POST, OPTIONS').expectHeader('access-control-allow-methods', undefined);
      await client.options('/custom').set('origin', APP).set('access-control-request-method', 'GET').expect(200).expectText('mine')
        .expectHeader('access-control-allow-origin', APP);
    } finally {
      await client.close();
    }
  });

  it('puts CORS headers on error answers too, so scripts can read them', async () => {
    const client = await start({ origin: APP });
    try {
      await client.get('/nowhere').set('origin', APP).expect(404).expectHeader('access-control-allow-origin', APP);
      await client.put('/items').set('origin', APP).expect(405).expectHeader('access-control-allow-origin', APP);
    } finally {
      await client.close();
    }
  });

  it('reports unsafe or malformed options at start-up', () => {
    const app = (cors: unknown) => () => createApp({ controllers: [Items], cors: cors as CorsOptions });
    const code = { code: 'RIVET_CORS_OPTIONS_INVALID' };
    expect(app({ credentials: true })).toThrow(/credentials is true with origin '\*'/);
    expect(app({ origin: /example\.com/ })).toThrow(/is not anchored/);
    expect(app({ origin: 'https://app.example.com/path' })).toThrow(expect.objectContaining(code));
    expect(app({ origin: 'app.example.com' })).toThrow(/is not an origin/);
    expect(app({ origin: ['*'] })).toThrow(/use origin: '\*' alone/);
    expect(app({ exposedHeaders: ['X Bad'] })).toThrow(/exposedHeaders must be a list of names/);
    expect(app({ maxAge: -1 })).toThrow(/maxAge is -1/);
    expect(app({ origin: 'https://app.example.com/' })).not.toThrow();
  });
});
