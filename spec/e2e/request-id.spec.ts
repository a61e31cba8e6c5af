import { IsInt } from 'class-validator';
import { Body, Controller, createApp, Ctx, Get, Post, RequestContext } from '../../lib';
import type { TestResponse } from '../../lib/testing';
import { PROBLEM, serve } from '../helpers/http';

class Payload { @IsInt() n!: number; }

@Controller('/')
class Ids {
  @Get('/id') id(@Ctx() ctx: RequestContext) { return { id: ctx.requestId ?? null }; }
  @Post('/payload') payload(@Body() body: Payload) { return body; }
  @Get('/crash') crash(): string { throw new Error('boom'); }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('requestId over a socket', () => {
  it('generates a UUID when the client sends none, and echoes it', async () => {
    const client = await serve(createApp({ controllers: [Ids], requestId: true }));
    const res = await client.get('/id').expect(200).expectHeader('x-request-id', UUID);
    expect(res.json()).toEqual({ id: res.headers['x-request-id'] });
    await client.close();
  });

  it('keeps a valid client id: letters, digits and -_.:+=/@, up to 128 characters', async () => {
    const client = await serve(createApp({ controllers: [Ids], requestId: true }));
    for (const id of ['abc-123', 'Root=1-5759e988-bd862e3f', 'a'.repeat(128), 'svc/api@v2:7.1_x+y']) {
      await client.get('/id').set('x-request-id', id).expect(200).expectHeader('x-request-id', id).expectJson({ id });
    }
    await client.close();
  });

  it('replaces an invalid client id: too long, spaces, quotes, semicolons, markup, empty', async () => {
    const client = await serve(createApp({ controllers: [Ids], requestId: true }));
    for (const id of ['a'.repeat(129), 'two words', 'x"y', 'semi;colon', '<script>', '']) {
      await client.get('/id').set('x-request-id', id).expect(200).expectHeader('x-request-id', UUID);
    }
    await client.close();
  });

  it('puts the id in every problem+json body: 404, 405, 422, 500', async () => {
    const client = await serve(createApp({ controllers: [Ids], requestId: true }));
    const cases: [PromiseLike<TestResponse>, number][] = [
      [client.get('/missing').set('x-request-id', 'r-404'), 404],
      [client.delete('/id').set('x-request-id', 'r-405'), 405],
      [client.post('/payload').set('x-request-id', 'r-422').json({ n: 'x' }), 422],
      [client.get('/crash').set('x-request-id', 'r-500'), 500],
    ];
    for (const [pending, status] of cases) {
      const res = await pending;
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.json()).toMatchObject({ status, requestId: `r-${status}` });
    }
    expect((await client.get('/crash').set('x-request-id', 'r-500')).json()).toEqual({ type: 'about:blank', title: 'Internal Server Error', status: 500, instance: '/crash', requestId: 'r-500' });
    await client.close();
  });

  it('uses the configured header and generator', async () => {
    let n = 0;
    const client = await serve(createApp({ controllers: [Ids], requestId: { header: 'X-Correlation-ID', generate: () => `req-${++n}` } }));
    await client.get('/id').expect(200).expectHeader('x-correlation-id', 'req-1').expectHeader('x-request-id', undefined).expectJson({ id: 'req-1' });
    await client.get('/id').set('x-correlation-id', 'mine').expect(200).expectHeader('x-correlation-id', 'mine');
    await client.close();
  });

  it('adds nothing when off: no header, no requestId in problems', async () => {
    const client = await serve(createApp({ controllers: [Ids] }));
    await client.get('/id').set('x-request-id', 'abc').expect(200).expectHeader('x-request-id', undefined).expectJson({ id: null });
    await client.get('/missing').expect(404).expectJson({ type: 'about:blank', title: 'Not Found', status: 404, detail: 'No route matches GET /missing', instance: '/missing' });
    await client.close();
  });
});
