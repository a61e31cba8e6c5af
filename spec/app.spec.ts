import { request } from 'undici';
import { createApp, Controller, Get, Post, Body, Res, RivetError } from '../lib';
import type { ServerResponse } from 'node:http';
import { waitFor } from './helpers/wait';

@Controller('/r')
class Returns {
  @Get('/object') object() { return { a: 1 }; }
  @Get('/array') array() { return [1, 'two']; }
  @Get('/string') string() { return 'héllo'; }
  @Get('/buffer') buffer() { return Buffer.from([0, 1, 2]); }
  @Get('/nothing') nothing() { return undefined; }
  @Get('/null') nul() { return null; }
  @Get('/async') async later() { await new Promise((r) => setTimeout(r, 5)); return { later: true }; }
  @Get('/raw') raw(@Res() res: ServerResponse) { res.writeHead(202, { 'content-type': 'text/csv' }); res.end('a,b\n'); return { ignored: true }; }
  @Post('/text') text(@Body() body: string) { return `got ${body}`; }
}

describe('createApp', () => {
  it('maps return values: object/array → JSON, string → text, Buffer → octet-stream, undefined → 204', async () => {
    const app = createApp({ controllers: [Returns] });
    const cases: [string, number, string | undefined, string][] = [
      ['/r/object', 200, 'application/json; charset=utf-8', '{"a":1}'],
      ['/r/array', 200, 'application/json; charset=utf-8', '[1,"two"]'],
      ['/r/string', 200, 'text/plain; charset=utf-8', 'héllo'],
      ['/r/buffer', 200, 'application/octet-stream', '\u0000\u0001\u0002'],
      ['/r/nothing', 204, undefined, ''],
      ['/r/null', 200, 'application/json; charset=utf-8', 'null'],
      ['/r/async', 200, 'application/json; charset=utf-8', '{"later":true}'],
      ['/r/raw', 202, 'text/csv', 'a,b\n'],
    ];
    for (const [url, status, type, body] of cases) {
      const res = await app.inject(url);
      expect([url, res.status, res.headers['content-type'], res.body]).toEqual([url, status, type, body]);
    }
    expect((await app.inject('/r/string')).headers['content-length']).toBe('6');
  });

  it('reads a text/plain body for a string @Body()', async () => {
    const app = createApp({ controllers: [Returns] });
    const res = await app.inject({ method: 'POST', url: '/r/text', headers: { 'content-type': 'text/plain' }, body: 'hi' });
    expect([res.status, res.body]).toEqual([201, 'got hi']);
  });

  it('listens on port 0, resolves with the bound address and closes', async () => {
    const app = createApp({ controllers: [Returns] });
    const address = await app.listen({ port: 0 });
    expect(address).toEqual({ port: expect.any(Number), host: '127.0.0.1', family: 'IPv4', url: `http://127.0.0.1:${address.port}` });
    const res = await request(`${address.url}/r/object`);
    expect(await res.body.json()).toEqual({ a: 1 });
    await app.close();
    expect(app.server.listening).toBe(false);
    await expect(request(`${address.url}/r/object`)).rejects.toThrow();
  });

  it('lets an in-flight request finish during close', async () => {
    let started!: () => void;
    let finish!: () => void;
    const inHandler = new Promise<void>((r) => { started = r; });
    const finished = new Promise<void>((r) => { finish = r; });
    @Controller('/slow') class Slow {
      @Get('/') async slow() { started(); await finished; return { later: true }; }
    }
    const app = createApp({ controllers: [Slow] });
    const { url } = await app.listen({ port: 0 });
    const pending = request(`${url}/slow`);
    await inHandler;
    const closing = app.close();
    await waitFor(() => !app.server.listening);   // closing: no new connections, and the handler has not answered yet
    finish();
    const res = await pending;
    expect(await res.body.json()).toEqual({ later: true });
    await closing;
  });

  it('rejects options without controllers with a RivetError', () => {
    expect(() => createApp({} as never)).toThrow(RivetError);
    expect(() => createApp({ controllers: [undefined as never] })).toThrow(/controllers\[0\] is undefined, not a class/);
  });
});
