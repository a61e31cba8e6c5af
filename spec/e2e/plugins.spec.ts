import { createHash } from 'node:crypto';
import { Controller, createApp, definePlugin, ForbiddenError, Get, RivetError, SetMetadata, type Plugin } from '../../lib';
import { validateOpenApi } from '../openapi/support/validate';
import { serve } from '../helpers/http';

@Controller('/books')
class Books {
  @Get('/') list() { return [{ title: 'Dune' }]; }
  @Get('/:id') one() { return { title: 'Dune' }; }
}

@Controller('/admin')
class Admin {
  @Get('/stats') stats() { return { books: 1 }; }
}

/** A third-party plugin, as a user writes it: only the public API. */
function auditLog(lines: string[]): Plugin {
  return definePlugin({
    name: 'audit-log',
    appliesTo: (route) => route.path.startsWith('/admin'),
    onRequest(_req, res) { res.setHeader('x-served-by', 'rivet-plugin'); },
    around(ctx, next) {
      const result = next();
      lines.push(`${ctx.request.method} ${ctx.route.path}`);
      return result;
    },
    document(operation) {
      operation.responses['418'] = { description: 'The audit log refused the request.' };
    },
    onListen(_server, address) { lines.push(`listening ${address.port > 0}`); },
    onClose() { lines.push('closed'); },
  });
}

/** An ETag plugin on the output stage: a tap sees each payload before it is sent. Only the public API. */
function etag(): Plugin {
  return definePlugin({
    name: 'etag',
    appliesTo: (route) => route.method === 'GET',
    output(_route, output) {
      const previous = output.writer.tap ?? null;
      return {
        ...output,
        writer: {
          ...output.writer,
          tap(res, status, type, body) {
            if (previous?.(res, status, type, body) === true) return true;
            const tag = `"${createHash('sha1').update(type).update(body).digest('base64url')}"`;
            res.setHeader('etag', tag);
            if (res.req.headers['if-none-match'] !== tag) return false;
            res.writeHead(304).end();
            return true;
          },
        },
      };
    },
    document(operation, _route, tools) {
      const ok = operation.responses['200'] as { headers?: Record<string, unknown> };
      ok.headers = { ...ok.headers, ETag: { description: 'Send it back in If-None-Match for a 304.', schema: { type: 'string' } } };
      tools.errorResponse(503, 'The tag store is down.');
    },
  });
}

const QUOTA = Symbol('quota');
const Quota = (n: number) => SetMetadata(QUOTA, n);

/**
 * A quota plugin on the route and app stages: a start-up check, a guard after the route's own, a raw wrapper that
 * counts, and a route of its own that reports (made once the controller routes are compiled).
 */
function quota(): Plugin & { counted: Map<string, number> } {
  const counted = new Map<string, number>();
  const plugin = definePlugin({
    name: 'quota',
    appliesTo: (route) => route.metadata.has(QUOTA),
    check(route) {
      const n = route.metadata.get(QUOTA) as number;
      if (!(n > 0)) throw new RivetError('RIVET_QUOTA_INVALID', `${route.where}: @Quota(${n}) allows nothing.\n  Fix: give a quota of at least 1.`);
    },
    guards: (route) => [{ canActivate: () => (counted.get(route.path) ?? 0) <= (route.metadata.get(QUOTA) as number) || Promise.reject(new ForbiddenError('Quota used up.')) }],
    wrap: (route, handler) => (req, res, values, rawQuery) => {
      counted.set(route.path, (counted.get(route.path) ?? 0) + 1);
      handler(req, res, values, rawQuery);
    },
    routes: (app) => [{
      method: 'GET',
      path: '/quota',
      handler: (_req, res) => {
        const operations = Object.keys((app.openapi() as { paths: object }).paths).length;
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ operations, counted: Object.fromEntries(counted) }));
      },
    }],
  });
  return Object.assign(plugin, { counted });
}

@Controller('/limited')
class Limited {
  @Quota(2) @Get('/') list() { return ['a']; }
}

describe('plugins', () => {
  it('add a header to every request, wrap the routes they apply to, and add to those operations in the document', async () => {
    const lines: string[] = [];
    const app = createApp({ controllers: [Books, Admin], plugins: [auditLog(lines)], openapi: { title: 'Shelf', version: '1' } });
    const client = await serve(app);
    try {
      const books = await client.get('/books').expect(200);
      expect([books.headers['x-served-by'], books.json()]).toEqual(['rivet-plugin', [{ title: 'Dune' }]]);
      const missing = await client.get('/nowhere').expect(404);
      expect(missing.headers['x-served-by']).toBe('rivet-plugin');
      await client.get('/admin/stats').expect(200).expectJson({ books: 1 });
      expect(lines).toEqual(['listening true', 'GET /admin/stats']);
    } finally {
      await client.close();
    }
    expect(lines[lines.length - 1]).toBe('closed');
    const doc = app.openapi();
    expect(doc.paths['/admin/stats']!.get!.responses['418']).toEqual({ description: 'The audit log refused the request.' });
    expect(doc.paths['/books']!.get!.responses['418']).toBeUndefined();
    expect(validateOpenApi(doc).valid).toBe(true);
  });

  it('may answer a request before routing, synchronously or with a promise', async () => {
    const gate = definePlugin({
      name: 'maintenance',
      onRequest(req, res) {
        if (req.url !== '/down') return req.url === '/later' ? Promise.resolve(false) : undefined;
        res.writeHead(503, { 'content-type': 'text/plain' }).end('down for maintenance');
        return true;
      },
    });
    const app = createApp({ controllers: [Books], plugins: [gate] });
    const down = await app.inject('/down');
    expect([down.status, down.body]).toEqual([503, 'down for maintenance']);
    expect((await app.inject('/books')).status).toBe(200);
    expect((await app.inject('/later')).status).toBe(404);
  });

  it('change a route\'s output and document what it adds, with the error answers in the route\'s format', async () => {
    const app = createApp({ controllers: [Books], plugins: [etag()], openapi: { title: 'Shelf', version: '1' } });
    const first = await app.inject('/books');
    const tag = first.headers.etag as string;
    expect([first.status, tag.length > 10, first.json()]).toEqual([200, true, [{ title: 'Dune' }]]);
    const again = await app.inject({ url: '/books', headers: { 'if-none-match': tag } });
    expect([again.status, again.body]).toEqual([304, '']);
    const op = app.openapi().paths['/books']!.get!;
    expect(op.responses['200']).toMatchObject({ headers: { ETag: { schema: { type: 'string' } } } });
    expect(op.responses['503']).toEqual({ description: 'The tag store is down.', content: { 'application/problem+json': {
      schema: { $ref: '#/components/schemas/Problem' },
      example: { type: 'about:blank', title: 'Service Unavailable', status: 503, detail: 'The tag store is down.', instance: '/items/7' },
    } } });
    expect(validateOpenApi(app.openapi()).valid).toBe(true);
  });

  it('check routes at start-up, add guards, wrap the raw handler and serve routes of their own', async () => {
    const counter = quota();
    const app = createApp({ controllers: [Books, Limited], plugins: [counter], openapi: { title: 'Shelf', version: '1' } });
    for (let i = 0; i < 2; i++) expect((await app.inject('/limited')).status).toBe(200);
    const refused = await app.inject('/limited');
    expect([refused.status, refused.json()]).toEqual([403, { type: 'about:blank', title: 'Forbidden', status: 403, detail: 'Quota used up.', instance: '/limited' }]);
    expect((await app.inject('/books')).status).toBe(200);
    expect((await app.inject('/quota')).json()).toEqual({ operations: 3, counted: { '/limited': 3 } });
    // A plugin's own route is listed after the controllers', marked as not a controller's.
    expect(app.routes().filter((r) => r.path === '/quota')).toEqual([{ method: 'GET', path: '/quota', controller: 'rivet', handler: 'quota', guards: [], builtIn: true }]);

    @Controller('/broken')
    class Broken {
      @Quota(0) @Get('/') list() { return []; }
    }
    expect(() => createApp({ controllers: [Broken], plugins: [quota()] })).toThrow('Broken#list: @Quota(0) allows nothing.\n  Fix: give a quota of at least 1.');
  });

  it('refuse what is not a plugin at definition or start-up, naming it and the fix', () => {
    const messageOf = (fn: () => unknown) => { try { fn(); } catch (err) { return err instanceof RivetError ? [err.code, err.message] : err; } return null; };
    expect(messageOf(() => definePlugin({ name: '' }))).toEqual(['RIVET_PLUGIN_INVALID', '[RIVET_PLUGIN_INVALID] definePlugin(): a plugin needs a name.\n  Fix: definePlugin({ name: \'my-plugin\', ... }).']);
    expect(messageOf(() => definePlugin({ name: 'x', around: 5 } as unknown as Plugin))).toEqual(['RIVET_PLUGIN_INVALID', '[RIVET_PLUGIN_INVALID] definePlugin(): plugin "x" has a around that is not a function.\n  Fix: give around as a method, or leave it out.']);
    const twice = definePlugin({ name: 'twice' });
    expect(messageOf(() => createApp({ controllers: [Books], plugins: [twice, twice] }))).toEqual(['RIVET_PLUGIN_INVALID', '[RIVET_PLUGIN_INVALID] plugins[1]: a plugin named "twice" is given twice.\n  Fix: give it once, or give each instance its own name.']);
  });
});
