import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { Controller, createApp, Get, Res, ResponseHeader, type App, type CompressionOptions } from '../../lib';
import type { ServerResponse } from 'node:http';
import type { TestClient } from '../../lib/testing';
import { serve } from '../helpers/http';

const BIG = Array.from({ length: 200 }, (_, i) => ({ id: i, title: `Book number ${i}`, author: `Author ${i % 7}` }));
const BIG_JSON = Buffer.from(JSON.stringify(BIG));
const HUGE = Array.from({ length: 3000 }, (_, i) => ({ id: i, title: `Book number ${i}`, tags: ['a', 'b', 'c'] }));
const TEXT = 'lorem ipsum dolor sit amet '.repeat(100);
const PNG = Buffer.alloc(4096, 7);

@Controller('/c')
class Payloads {
  @Get('/big') big() { return BIG; }
  @Get('/huge') huge() { return HUGE; }
  @Get('/small') small() { return { ok: true }; }
  @Get('/text') text() { return TEXT; }
  @Get('/png') @ResponseHeader('Content-Type', 'image/png') png() { return PNG; }
  @Get('/encoded') encoded(@Res() res: ServerResponse) {
    res.setHeader('content-encoding', 'gzip');
    res.setHeader('content-type', 'application/json');
    res.end(Buffer.from('already'));
  }
  @Get('/no-transform') @ResponseHeader('Cache-Control', 'no-transform') noTransform() { return BIG; }
  @Get('/tagged') @ResponseHeader('ETag', '"v1"') tagged() { return BIG; }
}

const decode: Record<string, (b: Buffer) => Buffer> = { gzip: gunzipSync, br: brotliDecompressSync, deflate: inflateSync };

describe('compression (wire)', () => {
  let app: App;
  let client: TestClient;
  beforeAll(async () => {
    app = createApp({ controllers: [Payloads], compression: true });
    client = await serve(app);
  });
  afterAll(() => client.close());

  it.each([['gzip'], ['br'], ['deflate']])('sends %s that decompresses to the original bytes when the client asks for it', async (coding) => {
    const res = await client.get('/c/big').set('accept-encoding', coding).expect(200)
      .expectHeader('content-encoding', coding).expectHeader('vary', 'Accept-Encoding').expectHeader('content-type', 'application/json; charset=utf-8');
    expect(Number(res.headers['content-length'])).toBe(res.rawBody.length);
    expect(res.rawBody.length).toBeLessThan(BIG_JSON.length);
    expect(decode[coding](res.rawBody).equals(BIG_JSON)).toBe(true);
  });

  it('prefers brotli when the client weighs every coding the same', async () => {
    await client.get('/c/big').set('accept-encoding', 'gzip, deflate, br').expect(200).expectHeader('content-encoding', 'br');
  });

  it('follows the q-values when the client prefers a coding', async () => {
    await client.get('/c/big').set('accept-encoding', 'br;q=0.5, gzip;q=0.9, deflate;q=0.1').expect(200).expectHeader('content-encoding', 'gzip');
  });

  it('never uses a coding the client excludes with q=0', async () => {
    const res = await client.get('/c/big').set('accept-encoding', 'br;q=0, gzip;q=0, *;q=0.5').expect(200).expectHeader('content-encoding', 'deflate');
    expect(inflateSync(res.rawBody).equals(BIG_JSON)).toBe(true);
  });

  it('uses the preferred coding for * and leaves codings listed with q=0 out', async () => {
    await client.get('/c/big').set('accept-encoding', '*').expect(200).expectHeader('content-encoding', 'br');
    await client.get('/c/big').set('accept-encoding', 'br;q=0, *').expect(200).expectHeader('content-encoding', 'gzip');
  });

  it('sends the body as it is, with Vary, when the client accepts only identity', async () => {
    const res = await client.get('/c/big').set('accept-encoding', 'identity').expect(200)
      .expectHeader('content-encoding', undefined).expectHeader('vary', 'Accept-Encoding');
    expect(res.rawBody.equals(BIG_JSON)).toBe(true);
  });

  it('sends the body as it is when the request has no Accept-Encoding', async () => {
    const res = await client.get('/c/big').expect(200).expectHeader('content-encoding', undefined).expectHeader('vary', 'Accept-Encoding');
    expect(res.rawBody.equals(BIG_JSON)).toBe(true);
  });

  it('leaves a body under the threshold alone, without Vary', async () => {
    await client.get('/c/small').set('accept-encoding', 'gzip').expect(200)
      .expectHeader('content-encoding', undefined).expectHeader('vary', undefined).expectText('{"ok":true}');
  });

  it('compresses text results too', async () => {
    const res = await client.get('/c/text').set('accept-encoding', 'gzip').expect(200).expectHeader('content-encoding', 'gzip').expectHeader('content-type', 'text/plain; charset=utf-8');
    expect(gunzipSync(res.rawBody).toString('utf8')).toBe(TEXT);
  });

  it('compresses a body larger than the in-line limit on the thread pool', async () => {
    const res = await client.get('/c/huge').set('accept-encoding', 'br').expect(200).expectHeader('content-encoding', 'br');
    expect(JSON.parse(brotliDecompressSync(res.rawBody).toString('utf8'))).toEqual(HUGE);
    expect(Number(res.headers['content-length'])).toBe(res.rawBody.length);
  });

  it('skips already-compressed media types such as images', async () => {
    const res = await client.get('/c/png').set('accept-encoding', 'gzip').expect(200).expectHeader('content-encoding', undefined).expectHeader('vary', undefined);
    expect(res.rawBody.equals(PNG)).toBe(true);
  });

  it('leaves a response that already has a Content-Encoding alone', async () => {
    const res = await client.get('/c/encoded').set('accept-encoding', 'br').expect(200).expectHeader('content-encoding', 'gzip');
    expect(res.text).toBe('already');
  });

  it('does not transform a response marked Cache-Control: no-transform', async () => {
    await client.get('/c/no-transform').set('accept-encoding', 'gzip').expect(200).expectHeader('content-encoding', undefined);
  });

  it('weakens a strong ETag of a compressed body', async () => {
    await client.get('/c/tagged').set('accept-encoding', 'gzip').expect(200).expectHeader('etag', 'W/"v1"');
    await client.get('/c/tagged').set('accept-encoding', 'identity').expect(200).expectHeader('etag', '"v1"');
  });

  it('answers HEAD with exactly the headers of GET, Content-Encoding and Content-Length included, and no body', async () => {
    const get = await client.get('/c/big').set('accept-encoding', 'gzip').expect(200);
    const head = await client.head('/c/big').set('accept-encoding', 'gzip').expect(200);
    expect(head.rawBody.length).toBe(0);
    for (const h of ['content-encoding', 'content-length', 'content-type', 'vary']) expect([h, head.headers[h]]).toEqual([h, get.headers[h]]);
  });

  it('keeps error answers as plain problem+json', async () => {
    const res = await client.get('/c/none').set('accept-encoding', 'gzip').expect(404).expectHeader('content-type', /^application\/problem\+json/);
    expect(res.json()).toMatchObject({ status: 404 });
  });
});

describe('compression options', () => {
  it('offers only the listed encodings, in the listed order', async () => {
    const app = createApp({ controllers: [Payloads], compression: { encodings: ['gzip'] } });
    const client = await serve(app);
    try {
      await client.get('/c/big').set('accept-encoding', 'br').expect(200).expectHeader('content-encoding', undefined);
      await client.get('/c/big').set('accept-encoding', 'br, gzip').expect(200).expectHeader('content-encoding', 'gzip');
    } finally {
      await client.close();
    }
  });

  it('compresses smaller bodies when the threshold is lowered', async () => {
    const app = createApp({ controllers: [Payloads], compression: { threshold: 0 } });
    const res = await app.inject({ url: '/c/text', headers: { 'accept-encoding': 'gzip' } });
    expect(res.headers['content-encoding']).toBe('gzip');
    const small = await app.inject({ url: '/c/small', headers: { 'accept-encoding': 'gzip' } });
    // 11 bytes do not get smaller: they are sent as they are.
    expect([small.headers['content-encoding'], small.body]).toEqual([undefined, '{"ok":true}']);
  });

  it('adds nothing to responses when compression is off', async () => {
    const app = createApp({ controllers: [Payloads] });
    const res = await app.inject({ url: '/c/big', headers: { 'accept-encoding': 'gzip' } });
    expect([res.headers['content-encoding'], res.headers.vary, res.rawBody.equals(BIG_JSON)]).toEqual([undefined, undefined, true]);
  });

  it.each<[string, CompressionOptions]>([
    ['a negative threshold', { threshold: -1 }],
    ['an unknown coding', { encodings: ['zstd' as 'br'] }],
    ['no coding', { encodings: [] }],
    ['a coding twice', { encodings: ['gzip', 'gzip'] }],
  ])('rejects %s at start-up with RIVET_OPTIONS_INVALID', (_, compression) => {
    expect(() => createApp({ controllers: [Payloads], compression })).toThrow(expect.objectContaining({ code: 'RIVET_OPTIONS_INVALID' }));
  });
});
