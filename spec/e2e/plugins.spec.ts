import { Controller, createApp, definePlugin, Get, RivetError, type Plugin } from '../../lib';
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

  it('refuse what is not a plugin at definition or start-up, naming it and the fix', () => {
    const messageOf = (fn: () => unknown) => { try { fn(); } catch (err) { return err instanceof RivetError ? [err.code, err.message] : err; } return null; };
    expect(messageOf(() => definePlugin({ name: '' }))).toEqual(['RIVET_PLUGIN_INVALID', '[RIVET_PLUGIN_INVALID] definePlugin(): a plugin needs a name.\n  Fix: definePlugin({ name: \'my-plugin\', ... }).']);
    expect(messageOf(() => definePlugin({ name: 'x', around: 5 } as unknown as Plugin))).toEqual(['RIVET_PLUGIN_INVALID', '[RIVET_PLUGIN_INVALID] definePlugin(): plugin "x" has a around that is not a function.\n  Fix: give around as a method, or leave it out.']);
    const twice = definePlugin({ name: 'twice' });
    expect(messageOf(() => createApp({ controllers: [Books], plugins: [twice, twice] }))).toEqual(['RIVET_PLUGIN_INVALID', '[RIVET_PLUGIN_INVALID] plugins[1]: a plugin named "twice" is given twice.\n  Fix: give it once, or give each instance its own name.']);
  });
});
