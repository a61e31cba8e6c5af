import { Controller, createApp, Get, startupBanner } from '../lib';

@Controller('/books')
class Books { @Get('/') list() { return []; } @Get('/:id') one() { return {}; } }

describe('startupBanner', () => {
  it('names the URL, the docs, OpenAPI, health and metrics URLs, without the route table outside development', () => {
    const app = createApp({ controllers: [Books], openapi: { title: 'shop', version: '1' }, health: true, metrics: true });
    expect(startupBanner(app, 'http://127.0.0.1:3000', { name: 'shop' })).toBe([
      'shop listening on http://127.0.0.1:3000',
      '  API docs: http://127.0.0.1:3000/docs',
      '  OpenAPI:  http://127.0.0.1:3000/openapi.json',
      '  Health:   http://127.0.0.1:3000/health',
      '  Metrics:  http://127.0.0.1:3000/metrics',
    ].join('\n'));
  });

  it('adds the route table with the built-in routes marked in development', () => {
    const app = createApp({ controllers: [Books], openapi: { title: 'shop', version: '1' } });
    const before = process.env.NODE_ENV;
    process.env.NODE_ENV = 'development';
    try {
      expect(startupBanner(app, 'http://127.0.0.1:4000')).toBe([
        'Rivet listening on http://127.0.0.1:4000',
        '  API docs: http://127.0.0.1:4000/docs',
        '  OpenAPI:  http://127.0.0.1:4000/openapi.json',
        '',
        'METHOD  PATH           HANDLER             GUARDS',
        'GET     /books         Books#list          -',
        'GET     /books/:id     Books#one           -',
        'GET     /openapi.json  (built-in openapi)  -',
        'GET     /docs          (built-in docs)     -',
        'GET     /redoc         (built-in docs)     -',
      ].join('\n'));
    } finally {
      process.env.NODE_ENV = before;
    }
  });

  it('is one line for an app with nothing built in, unless the routes are asked for', () => {
    const app = createApp({ controllers: [Books] });
    expect(startupBanner(app, 'http://[::1]:80')).toBe('Rivet listening on http://[::1]:80');
    expect(startupBanner(app, 'http://[::1]:80', { routes: true }).split('\n')).toHaveLength(5);
  });
});
