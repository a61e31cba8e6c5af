import { join } from 'node:path';
import { Controller, createApp, Get } from '../../lib';
import { runRoutesCommand } from '../../lib/cli/routes';
import { app as exportedApp } from '../openapi/fixtures/cli-app';

const fixture = join(__dirname, '..', 'openapi', 'fixtures', 'cli-app.ts');

describe('rivet routes', () => {
  it('prints the compiled route table as aligned columns, the built-in routes marked', async () => {
    expect(await runRoutesCommand({ app: fixture })).toBe([
      'METHOD  PATH           HANDLER              GUARDS',
      'GET     /ping          PingController#ping  -',
      'GET     /openapi.json  (built-in openapi)   -',
      'GET     /docs          (built-in docs)      -',
      'GET     /redoc         (built-in docs)      -',
      '',
    ].join('\n'));
  });

  it('lists health and metrics as built-in routes, and leaves out the static assets of the docs pages', () => {
    @Controller('/a') class A { @Get('/') a() { return 1; } }
    const app = createApp({ controllers: [A], openapi: { title: 't', version: '1' }, health: true, metrics: true });
    expect(app.routes()).toEqual([
      { method: 'GET', path: '/a', controller: 'A', handler: 'a', guards: [] },
      { method: 'GET', path: '/openapi.json', controller: 'rivet', handler: 'openapi', guards: [], builtIn: true },
      { method: 'GET', path: '/docs', controller: 'rivet', handler: 'docs', guards: [], builtIn: true },
      { method: 'GET', path: '/redoc', controller: 'rivet', handler: 'docs', guards: [], builtIn: true },
      { method: 'GET', path: '/health', controller: 'rivet', handler: 'health', guards: [], builtIn: true },
      { method: 'GET', path: '/ready', controller: 'rivet', handler: 'health', guards: [], builtIn: true },
      { method: 'GET', path: '/metrics', controller: 'rivet', handler: 'metrics', guards: [], builtIn: true },
    ]);
  });

  it('prints JSON with --json', async () => {
    expect(JSON.parse(await runRoutesCommand({ app: fixture, json: true }))).toEqual(exportedApp.routes());
  });
});
