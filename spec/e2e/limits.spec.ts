import { Body, Controller, createApp, Get, Limits, Param, Post, type AppOptions } from '../../lib';
import { PROBLEM, rawRequest, serve } from '../helpers/http';

/** Request limits over a socket: URL and path parameter length (414), headers (431), body (413), per route. */

@Controller('/')
class Api {
  @Get('/items/:id') item(@Param('id') id: string) { return { id }; }
  @Get('/tokens/:token') @Limits({ paramLength: 4096 }) token(@Param('token') token: string) { return { length: token.length }; }
  @Get('/files/*') file(@Param('*') rest: string) { return { length: rest.length }; }
  @Post('/notes') note(@Body({ validate: false }) body: unknown) { return body; }
  @Post('/uploads') @Limits({ body: 2 * 1024 * 1024 }) upload(@Body() body: string) { return { length: body.length }; }
  @Post('/tiny') @Limits({ body: 10, url: 20 }) tiny(@Body({ validate: false }) body: unknown) { return body; }
}

const start = (options: Partial<AppOptions> = {}) => serve(createApp({ controllers: [Api], ...options }));
const problem = (status: number, detail: string, instance: string) => ({ type: 'about:blank', title: status === 414 ? 'URI Too Long' : 'Payload Too Large', status, detail, instance });

describe('limits', () => {
  it('answers 414 for a path parameter longer than 1024 characters by default, and per route', async () => {
    const client = await start();
    try {
      await client.get(`/items/${'a'.repeat(1024)}`).expect(200);
      const long = `/items/${'a'.repeat(1025)}`;
      await client.get(long).expect(414).expectHeader('content-type', PROBLEM)
        .expectJson(problem(414, 'Path parameter "id" is longer than 1024 characters.', long));
      await client.get(`/tokens/${'t'.repeat(3000)}`).expect(200).expectJson({ length: 3000 });
      // A wildcard is a rest of path, bounded by the URL limit only.
      await client.get(`/files/${'f/'.repeat(1000)}`).expect(200);
    } finally {
      await client.close();
    }
  });

  it('answers 414 for a request target longer than 8192 characters by default', async () => {
    const client = await start();
    try {
      await client.get(`/items/1?q=${'x'.repeat(8000)}`).expect(200);
      const res = await client.get(`/items/1?q=${'x'.repeat(8200)}`).expect(414);
      expect(res.json()).toMatchObject({ status: 414, detail: 'The request target is longer than 8192 characters.' });
    } finally {
      await client.close();
    }
  });

  it('takes app-wide values, route overrides and Infinity', async () => {
    const client = await start({ limits: { url: 100, paramLength: Infinity, body: 16 } });
    try {
      await client.get(`/items/${'a'.repeat(90)}`).expect(200);
      await client.get(`/items/${'a'.repeat(95)}`).expect(414);
      await client.post('/notes').json({ text: 'a longer note' }).expect(413).expectJson(problem(413, 'The request body exceeds the limit of 16 bytes.', '/notes'));
      await client.post('/tiny?a=1').json({ a: 1 }).expect(201);
      await client.post('/tiny?a=1234567890123').json({ a: 1 }).expect(414);
      await client.post('/tiny').json({ a: '12345678' }).expect(413);
    } finally {
      await client.close();
    }
  });

  it('keeps the 1 MiB body default and lets a route raise it', async () => {
    const client = await start();
    try {
      const big = 'x'.repeat(1024 * 1024 + 10);
      await client.post('/notes').send(JSON.stringify(big), 'application/json').expect(413);
      await client.post('/uploads').send(big, 'text/plain').expect(201).expectJson({ length: big.length });
    } finally {
      await client.close();
    }
  });

  it('answers 431 problem+json for headers over limits.headerSize', async () => {
    const client = await start({ limits: { headerSize: 2048 } });
    try {
      await client.get('/items/1').set('x-pad', 'p'.repeat(1500)).expect(200);
      const answer = await rawRequest(client.url, `GET /items/1 HTTP/1.1\r\nHost: x\r\nX-Pad: ${'p'.repeat(3000)}\r\n\r\n`);
      expect(answer).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
      expect(answer).toMatch(/Content-Type: application\/problem\+json; charset=utf-8/);
      expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({ status: 431, detail: 'The request headers are too large.' });
    } finally {
      await client.close();
    }
  });

  it('reports bad limits at start-up and on @Limits', () => {
    const code = { code: 'RIVET_OPTIONS_INVALID' };
    expect(() => createApp({ controllers: [Api], limits: { url: 0 } })).toThrow(expect.objectContaining(code));
    expect(() => createApp({ controllers: [Api], limits: { body: 1.5 } })).toThrow(/limits.body is 1.5/);
    expect(() => createApp({ controllers: [Api], limits: { headerSize: Infinity } })).toThrow(/headerSize cannot be Infinity/);
    expect(() => Limits({ paramLength: -1 })).toThrow(/@Limits.paramLength is -1/);
    expect(() => Limits({ headerSize: 1 } as never)).toThrow(/cannot change headerSize/);
  });
});
