import 'reflect-metadata';
import { IsString } from 'class-validator';
import { PassThrough, Readable } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { createApp } from '../../lib/app';
import { Controller } from '../../lib/decorators/controller';
import { Body } from '../../lib/decorators/params';
import { Post } from '../../lib/decorators/routes';
import { PayloadTooLargeError } from '../../lib/errors/http-error';
import { readBody } from '../../lib/http/body';
import { Limits } from '../../lib/security/limits';

const PROBLEM = 'application/problem+json; charset=utf-8';

class Note { @IsString() title!: string; }

@Controller('/in')
class Echo {
  @Post('/json') json(@Body({ validate: false }) body: unknown) { return { got: body === undefined ? 'nothing' : body }; }
  @Post('/dto') dto(@Body() note: Note) { return note; }
  @Post('/text') text(@Body() text: string) { return `text:${text}`; }
  @Post('/deep') @Limits({ depth: 3 }) deep(@Body({ validate: false }) body: unknown) { return { got: body }; }
}

const app = () => createApp({ controllers: [Echo], limits: { body: 32 } });
const roomy = () => createApp({ controllers: [Echo] });

describe('readBody through app.inject', () => {
  it('parses a JSON body when the content type is application/json', async () => {
    const res = await app().inject({ method: 'POST', url: '/in/json', body: { a: [1, true, null] } });
    expect(res.status).toBe(201);
    expect(res.json()).toEqual({ got: { a: [1, true, null] } });
  });

  it('parses a JSON body when the content type is a +json type with parameters in capitals', async () => {
    const res = await app().inject({ method: 'POST', url: '/in/json', headers: { 'content-type': 'Application/Problem+JSON; Charset=UTF-8' }, body: '{"x":1}' });
    expect(res.json()).toEqual({ got: { x: 1 } });
  });

  it('answers 413 problem+json with Connection: close when Content-Length exceeds the limit', async () => {
    const res = await app().inject({ method: 'POST', url: '/in/json', body: { text: 'x'.repeat(64) } });
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toBe(PROBLEM);
    expect(res.headers.connection).toBe('close');
    expect(res.json()).toEqual({
      type: 'about:blank', title: 'Payload Too Large', status: 413, detail: 'The request body exceeds the limit of 32 bytes.', instance: '/in/json',
    });
  });

  it('answers 413 when a chunked body without Content-Length grows past the limit', async () => {
    const res = await app().inject({
      method: 'POST', url: '/in/json',
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      body: Readable.from([Buffer.from('{"a":"'), Buffer.from('y'.repeat(40)), Buffer.from('"}')]),
    });
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toBe(PROBLEM);
    expect(res.json()).toMatchObject({ status: 413, detail: 'The request body exceeds the limit of 32 bytes.' });
  });

  it('accepts a body exactly at the limit', async () => {
    const body = `{"s":"${'z'.repeat(24)}"}`;
    expect(Buffer.byteLength(body)).toBe(32);
    const res = await app().inject({ method: 'POST', url: '/in/json', headers: { 'content-type': 'application/json' }, body });
    expect(res.status).toBe(201);
  });

  it('answers 415 problem+json when the content type is not one Rivet reads', async () => {
    const res = await app().inject({ method: 'POST', url: '/in/json', headers: { 'content-type': 'application/xml' }, body: '<a/>' });
    expect(res.status).toBe(415);
    expect(res.headers['content-type']).toBe(PROBLEM);
    expect(res.json()).toEqual({
      type: 'about:blank', title: 'Unsupported Media Type', status: 415,
      detail: 'Content-Type "application/xml" is not supported here; send application/json or application/x-www-form-urlencoded.', instance: '/in/json',
    });
  });

  it('answers 415 when a body is sent without a content type', async () => {
    const res = await app().inject({ method: 'POST', url: '/in/json', body: Buffer.from('{"a":1}') });
    expect(res.status).toBe(415);
    expect(res.json()).toMatchObject({ detail: 'Content-Type (none) is not supported here; send application/json or application/x-www-form-urlencoded.' });
  });

  it('answers 415 when text/plain is sent to a route whose body is not a string', async () => {
    const res = await app().inject({ method: 'POST', url: '/in/json', headers: { 'content-type': 'text/plain' }, body: 'hi' });
    expect(res.status).toBe(415);
    expect(res.headers['content-type']).toBe(PROBLEM);
  });

  it('answers 415 when the body has a content encoding', async () => {
    const res = await app().inject({ method: 'POST', url: '/in/json', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: '{}' });
    expect(res.status).toBe(415);
    expect(res.json()).toMatchObject({ detail: 'Content-Encoding "gzip" is not supported.' });
  });

  it('reads the body when the content encoding is identity', async () => {
    const res = await app().inject({ method: 'POST', url: '/in/json', headers: { 'content-type': 'application/json', 'content-encoding': 'Identity' }, body: '{"a":1}' });
    expect(res.json()).toEqual({ got: { a: 1 } });
  });

  it('answers 400 problem+json when the JSON is malformed', async () => {
    const res = await app().inject({ method: 'POST', url: '/in/json', headers: { 'content-type': 'application/json' }, body: '{"a":' });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toBe(PROBLEM);
    expect(res.json()).toEqual({
      type: 'about:blank', title: 'Bad Request', status: 400, detail: expect.stringMatching(/^The request body is not valid JSON: .+\.$/), instance: '/in/json',
    });
  });

  it('answers 400 when the JSON carries a __proto__ key', async () => {
    const res = await app().inject({ method: 'POST', url: '/in/json', headers: { 'content-type': 'application/json' }, body: '{"__proto__":{"admin":true}}' });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toBe(PROBLEM);
    expect(res.json()).toEqual({
      type: 'about:blank', title: 'Bad Request', status: 400, detail: 'The JSON body contains a forbidden key ("__proto__" or "constructor.prototype").', instance: '/in/json',
    });
  });

  it('answers 400 when the JSON carries constructor.prototype', async () => {
    const res = await app().inject({ method: 'POST', url: '/in/json', headers: { 'content-type': 'application/json' }, body: '{"constructor":{"prototype":{}}}' });
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ detail: 'The JSON body contains a forbidden key ("__proto__" or "constructor.prototype").' });
  });

  it('answers 400 when a forbidden key is spelled with \\u escapes', async () => {
    for (const body of ['{"\\u005f_proto__":{"admin":true}}', '{"a":{"\\u0063onstructor":{"prototype":{}}}}']) {
      const res = await roomy().inject({ method: 'POST', url: '/in/json', headers: { 'content-type': 'application/json' }, body });
      expect(res.status).toBe(400);
      expect(res.json()).toMatchObject({ detail: 'The JSON body contains a forbidden key ("__proto__" or "constructor.prototype").' });
    }
  });

  it('answers 400 naming limits.depth when a JSON body nests deeper than 64 levels, and accepts 64', async () => {
    const nested = (n: number, open: string, close: string, inner = '1') => `${open.repeat(n)}${inner}${close.repeat(n)}`;
    for (const body of [nested(65, '[', ']'), nested(65, '{"a":', '}'), `{"x":${nested(100_000, '[', ']')}}`]) {
      const res = await roomy().inject({ method: 'POST', url: '/in/json', headers: { 'content-type': 'application/json' }, body });
      expect([res.status, res.headers['content-type']]).toEqual([400, PROBLEM]);
      expect(res.json()).toEqual({ type: 'about:blank', title: 'Bad Request', status: 400, detail: 'The JSON body is nested deeper than 64 levels (limits.depth).', instance: '/in/json' });
    }
    const ok = await roomy().inject({ method: 'POST', url: '/in/json', headers: { 'content-type': 'application/json' }, body: nested(64, '[', ']') });
    expect(ok.status).toBe(201);
  });

  it('answers 400 naming limits.properties when an object of a JSON body has more than 10,000 properties', async () => {
    const object = (n: number) => `{${Array.from({ length: n }, (_, i) => `"k${i}":${i}`).join(',')}}`;
    const res = await roomy().inject({ method: 'POST', url: '/in/json', headers: { 'content-type': 'application/json' }, body: `{"a":[${object(10_001)}]}` });
    expect(res.json()).toEqual({ type: 'about:blank', title: 'Bad Request', status: 400, detail: 'The JSON body has an object with more than 10000 properties (limits.properties).', instance: '/in/json' });
    expect((await roomy().inject({ method: 'POST', url: '/in/json', headers: { 'content-type': 'application/json' }, body: `{"a":[${object(10_000)}]}` })).status).toBe(201);
    const list = `[${Array.from({ length: 20_000 }, () => '{}').join(',')}]`;
    expect((await roomy().inject({ method: 'POST', url: '/in/json', headers: { 'content-type': 'application/json' }, body: list })).status).toBe(201);
  });

  it('takes a route\'s own depth from @Limits({ depth }) and the app\'s from limits.depth', async () => {
    const deep = await roomy().inject({ method: 'POST', url: '/in/deep', body: { a: { b: { c: {} } } } });
    expect(deep.json()).toMatchObject({ status: 400, detail: 'The JSON body is nested deeper than 3 levels (limits.depth).' });
    expect((await roomy().inject({ method: 'POST', url: '/in/deep', body: { a: { b: {} } } })).status).toBe(201);
    const app2 = createApp({ controllers: [Echo], limits: { depth: 2 } });
    expect((await app2.inject({ method: 'POST', url: '/in/json', body: [[['x'.repeat(10)]]] })).json()).toMatchObject({ detail: 'The JSON body is nested deeper than 2 levels (limits.depth).' });
  });

  it('accepts "__proto__" and "constructor" as values, not keys', async () => {
    const res = await roomy().inject({ method: 'POST', url: '/in/json', headers: { 'content-type': 'application/json' }, body: '{"a":"__proto__","b":"constructor","c":"\\u00e9"}' });
    expect(res.json()).toEqual({ got: { a: '__proto__', b: 'constructor', c: 'é' } });
  });

  it('decodes a multi-byte character split across chunks', async () => {
    const bytes = Buffer.from('{"s":"é€"}');
    const res = await app().inject({
      method: 'POST', url: '/in/json',
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      body: Readable.from([bytes.subarray(0, 7), bytes.subarray(7, 9), bytes.subarray(9)]),
    });
    expect(res.json()).toEqual({ got: { s: 'é€' } });
  });

  it('passes undefined to the handler when the request has no body', async () => {
    const res = await app().inject({ method: 'POST', url: '/in/json' });
    expect(res.json()).toEqual({ got: 'nothing' });
  });

  it('passes undefined when a JSON body is only whitespace', async () => {
    const res = await app().inject({ method: 'POST', url: '/in/json', headers: { 'content-type': 'application/json' }, body: '  \n ' });
    expect(res.json()).toEqual({ got: 'nothing' });
  });

  it('ignores the content type when Content-Length is 0', async () => {
    const res = await app().inject({ method: 'POST', url: '/in/json', headers: { 'content-type': 'application/xml', 'content-length': '0' } });
    expect(res.json()).toEqual({ got: 'nothing' });
  });

  it('answers 422 at loc ["body"] when a DTO route gets no body', async () => {
    const res = await app().inject({ method: 'POST', url: '/in/dto' });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toBe(PROBLEM);
    expect(res.json()).toEqual({
      type: 'about:blank', title: 'Unprocessable Entity', status: 422, detail: 'Validation failed: body: A request body is required',
      instance: '/in/dto', errors: [{ loc: ['body'], msg: 'A request body is required', type: 'required' }],
    });
  });

  it('parses a form body with repeated keys as lists', async () => {
    const res = await app().inject({ method: 'POST', url: '/in/json', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1&b=x+y&b=%C3%A9' });
    expect(res.json()).toEqual({ got: { a: '1', b: ['x y', 'é'] } });
  });

  it('validates a form body against a DTO when the route takes one', async () => {
    const res = await app().inject({ method: 'POST', url: '/in/dto', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'title=Hi&extra=1' });
    expect(res.status).toBe(201);
    expect(res.json()).toEqual({ title: 'Hi' });
  });

  it('passes the raw text when a string @Body route gets text/plain', async () => {
    const res = await app().inject({ method: 'POST', url: '/in/text', headers: { 'content-type': 'text/plain; charset=utf-8' }, body: '{"not":"parsed"}' });
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.body).toBe('text:{"not":"parsed"}');
  });

  it('lists text/plain as accepted in the 415 detail when the route takes a string body', async () => {
    const res = await app().inject({ method: 'POST', url: '/in/text', headers: { 'content-type': 'image/png' }, body: 'x' });
    expect(res.status).toBe(415);
    expect(res.json()).toMatchObject({ detail: 'Content-Type "image/png" is not supported here; send application/json, application/x-www-form-urlencoded or text/plain.' });
  });
});

describe('readBody', () => {
  /** A request stream that never sends data unless the test writes it. */
  const fakeRequest = (headers: Record<string, string>) => Object.assign(new PassThrough(), { headers }) as unknown as IncomingMessage & PassThrough;

  it('rejects from Content-Length before any data arrives when the declared size is over the limit', async () => {
    const req = fakeRequest({ 'content-type': 'application/json', 'content-length': '1000' });
    await expect(readBody(req, { limit: 10, json: { depth: 64, properties: 10_000 }, text: false })).rejects.toBeInstanceOf(PayloadTooLargeError);
    expect(req.isPaused()).toBe(true);
  });

  it('rejects while streaming when the data outgrows the limit', async () => {
    const req = fakeRequest({ 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    const read = readBody(req, { limit: 4, json: { depth: 64, properties: 10_000 }, text: false });
    req.write('{"a":');
    req.write('1}');
    await expect(read).rejects.toMatchObject({ status: 413, headers: { connection: 'close' } });
  });

  it('answers 400 when the request stream errors', async () => {
    const req = fakeRequest({ 'content-type': 'application/json', 'content-length': '5' });
    const read = readBody(req, { limit: 10, json: { depth: 64, properties: 10_000 }, text: false });
    req.emit('error', new Error('reset'));
    await expect(read).rejects.toMatchObject({ status: 400, message: 'The request body could not be read.' });
  });

  it('resolves undefined without reading when the request has no body headers', async () => {
    await expect(readBody(fakeRequest({}), { limit: 10, json: { depth: 64, properties: 10_000 }, text: false })).resolves.toBeUndefined();
  });
});
