import { createApp, Controller, Get, Post, Put, Options, All, Param, Res } from '../../lib';
import type { ServerResponse } from 'node:http';
import type { TestClient } from '../../lib/testing';
import { PROBLEM, serve } from '../helpers/http';

@Controller('/items')
class Items {
  @Get('/') list() { return [{ id: 1 }, { id: 2 }]; }
  @Post('/') create() { return { id: 3 }; }
  @Get('/:id') one(@Param('id') id: number) { return { id, name: 'Ünïcode ✓' }; }
  @Put('/:id') replace(@Param('id') id: number) { return { id }; }
}

@Controller('/custom')
class Custom {
  @Get('/') get() { return 'text'; }
  @Options('/') options(@Res() res: ServerResponse) { res.writeHead(200, { allow: 'GET, OPTIONS', 'x-custom': 'yes' }); res.end('custom options'); }
  @All('/any') any() { return { any: true }; }
}

describe('HTTP semantics over a socket', () => {
  let client: TestClient;
  beforeAll(async () => { client = await serve(createApp({ controllers: [Items, Custom] })); });
  afterAll(() => client.close());

  it('answers HEAD like GET with the same status and headers, Content-Length included, and no body', async () => {
    const get = await client.get('/items/7').expect(200);
    const head = await client.head('/items/7').expect(200);
    expect(head.text).toBe('');
    expect(head.headers['content-length']).toBe(get.headers['content-length']);
    expect(head.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(Number(get.headers['content-length'])).toBe(get.rawBody.length);
  });

  it('answers OPTIONS with 204 and an Allow listing GET, HEAD, OPTIONS and the path\'s other methods', async () => {
    await client.options('/items').expect(204).expectHeader('allow', 'GET, HEAD, POST, OPTIONS').expectText('');
    await client.options('/items/1').expect(204).expectHeader('allow', 'GET, HEAD, PUT, OPTIONS');
  });

  it('lets a user @Options handler win over the automatic answer', async () => {
    await client.options('/custom').expect(200).expectHeader('x-custom', 'yes').expectText('custom options');
  });

  it('answers a known path with another method with 405 and Allow', async () => {
    const res = await client.delete('/items/1').expect(405).expectHeader('allow', 'GET, HEAD, PUT, OPTIONS').expectHeader('content-type', PROBLEM);
    expect(res.json()).toEqual({ type: 'about:blank', title: 'Method Not Allowed', status: 405, detail: 'DELETE is not allowed on /items/1; allowed: GET, HEAD, PUT, OPTIONS', instance: '/items/1' });
  });

  it('answers an unknown path with a 404 problem', async () => {
    const res = await client.get('/nothing/here?x=1').expect(404).expectHeader('content-type', PROBLEM);
    expect(res.json()).toEqual({ type: 'about:blank', title: 'Not Found', status: 404, detail: 'No route matches GET /nothing/here', instance: '/nothing/here' });
  });

  it('serves every method but OPTIONS from an @All route', async () => {
    for (const m of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'PROPFIND']) await client.request(m, '/custom/any').expect(200).expectJson({ any: true });
    await client.options('/custom/any').expect(204).expectHeader('allow', 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS');
  });

  it('ignores one trailing slash and decodes percent-encoded segments', async () => {
    await client.get('/items/').expect(200).expectJson([{ id: 1 }, { id: 2 }]);
    await client.get('/items/%31%32').expect(200).expectJson({ id: 12, name: 'Ünïcode ✓' });
  });

  it('answers 400 for a malformed percent-encoding in the path', async () => {
    const res = await client.get('/items/%E0%A4%A').expect(400).expectHeader('content-type', PROBLEM);
    expect(res.json()).toMatchObject({ status: 400, title: 'Bad Request' });
  });

  it('treats a trailing slash as a different path when ignoreTrailingSlash is false', async () => {
    const strict = createApp({ controllers: [Items], router: { ignoreTrailingSlash: false } });
    expect((await strict.inject('/items/')).status).toBe(404);
    expect((await strict.inject('/items')).status).toBe(200);
  });
});
