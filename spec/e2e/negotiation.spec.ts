import { decode } from '@msgpack/msgpack';
import { gunzipSync } from 'node:zlib';
import { ApiResponse, Controller, createApp, Get, Param, Post, ResponseHeader, type App, type SerializersOption } from '../../lib';
import type { TestClient } from '../../lib/testing';
import { PROBLEM, serve } from '../helpers/http';

class Book {
  id!: number;
  title!: string;
}

const BOOKS = [{ id: 1, title: 'Dune' }, { id: 2, title: 'Emma' }];
const toCsv = (value: unknown): string => (value as Record<string, unknown>[]).map((r) => Object.values(r).join(',')).join('\n');
let created = 0;

@Controller('/books')
class Books {
  @Get('/') @ApiResponse({ type: [Book] }) list() { return BOOKS; }
  @Get('/title') title() { return 'Dune'; }
  @Get('/:id') async one(@Param('id') id: number) { return BOOKS.find((b) => b.id === id); }
  @Get('/fixed') @ResponseHeader('Content-Type', 'application/vnd.api+json') fixed() { return { data: BOOKS }; }
  @Post('/') create() { created++; return { id: 3 }; }
}

describe('content negotiation (wire)', () => {
  let app: App;
  let client: TestClient;
  beforeAll(async () => {
    app = createApp({ controllers: [Books], serializers: { 'application/msgpack': true, 'text/csv': toCsv }, openapi: { title: 'Books', version: '1' } });
    client = await serve(app);
  });
  afterAll(() => client.close());

  it('sends JSON when the request has no Accept', async () => {
    await client.get('/books').expect(200).expectHeader('content-type', 'application/json; charset=utf-8').expectHeader('vary', 'Accept').expectJson(BOOKS);
  });

  it('sends JSON for */* and for application/*', async () => {
    await client.get('/books').set('accept', '*/*').expect(200).expectHeader('content-type', 'application/json; charset=utf-8');
    await client.get('/books').set('accept', 'application/*').expect(200).expectHeader('content-type', 'application/json; charset=utf-8');
  });

  it('sends MessagePack that decodes to the same data when the client asks for it', async () => {
    const res = await client.get('/books').set('accept', 'application/msgpack').expect(200).expectHeader('content-type', 'application/msgpack');
    expect(decode(res.rawBody)).toEqual(BOOKS);
    expect(Number(res.headers['content-length'])).toBe(res.rawBody.length);
  });

  it('sends a user serializer\'s format, with a charset for text', async () => {
    await client.get('/books').set('accept', 'text/csv').expect(200).expectHeader('content-type', 'text/csv; charset=utf-8').expectText('1,Dune\n2,Emma');
  });

  it('follows the q-values, and the server order on ties', async () => {
    await client.get('/books').set('accept', 'application/json;q=0.5, text/csv;q=0.9').expect(200).expectHeader('content-type', 'text/csv; charset=utf-8');
    await client.get('/books').set('accept', 'text/csv, application/msgpack').expect(200).expectHeader('content-type', 'application/msgpack');
    await client.get('/books').set('accept', 'text/*;q=0.1, */*;q=0.2').expect(200).expectHeader('content-type', 'application/json; charset=utf-8');
  });

  it('lets a specific range exclude what a wildcard allows', async () => {
    await client.get('/books').set('accept', '*/*, application/json;q=0, application/msgpack;q=0').expect(200).expectHeader('content-type', 'text/csv; charset=utf-8');
  });

  it('answers 406 problem+json when no format fits', async () => {
    const res = await client.get('/books').set('accept', 'application/xml, image/png').expect(406).expectHeader('content-type', PROBLEM);
    expect(res.json()).toEqual({
      type: 'about:blank', title: 'Not Acceptable', status: 406, instance: '/books',
      detail: 'None of the available formats (application/json, application/msgpack, text/csv) matches Accept: application/xml, image/png',
    });
  });

  it('answers 406 from a route with parameters and an async handler as well', async () => {
    await client.get('/books/1').set('accept', 'application/msgpack').expect(200).expectHeader('content-type', 'application/msgpack');
    const res = await client.get('/books/1').set('accept', 'application/xml').expect(406).expectHeader('content-type', PROBLEM);
    expect(res.json()).toMatchObject({ status: 406, instance: '/books/1' });
  });

  it('answers 406 when every format is excluded with q=0', async () => {
    await client.get('/books').set('accept', 'application/json;q=0, application/msgpack;q=0, text/csv;q=0').expect(406);
  });

  it('keeps a string result as text/plain, whatever Accept says', async () => {
    await client.get('/books/title').set('accept', 'application/msgpack').expect(200).expectHeader('content-type', 'text/plain; charset=utf-8').expectText('Dune');
  });

  it('keeps the Content-Type a route fixes and serializes it as JSON', async () => {
    await client.get('/books/fixed').set('accept', 'application/msgpack').expect(200).expectHeader('content-type', 'application/vnd.api+json').expectJson({ data: BOOKS });
  });

  it('lists every format as response content in the OpenAPI document, with the 406 response', async () => {
    const op = (app.openapi().paths['/books'] as Record<string, { responses: Record<string, unknown> }>).get;
    expect(op.responses['200']).toEqual({
      description: 'OK',
      content: Object.fromEntries(['application/json', 'application/msgpack', 'text/csv'].map((m) => [m, { schema: { type: 'array', items: { $ref: '#/components/schemas/Book' } } }])),
    });
    expect(op.responses['406']).toEqual({ $ref: '#/components/responses/NotAcceptable' });
  });
});

describe('content negotiation with compression', () => {
  it('compresses the negotiated format and varies on both headers', async () => {
    const many = Array.from({ length: 100 }, (_, i) => ({ id: i, title: `Title ${i}` }));
    @Controller('/many') class Many { @Get('/') all() { return many; } }
    const app = createApp({ controllers: [Many], serializers: { 'application/msgpack': true }, compression: true });
    const res = await app.inject({ url: '/many', headers: { accept: 'application/msgpack', 'accept-encoding': 'gzip' } });
    expect([res.status, res.headers['content-type'], res.headers['content-encoding'], res.headers.vary]).toEqual([200, 'application/msgpack', 'gzip', 'Accept, Accept-Encoding']);
    expect(decode(gunzipSync(res.rawBody))).toEqual(many);
  });
});

describe('serializers option', () => {
  it('runs the handler of a POST before the 406, as the format is chosen when the result is written', async () => {
    const app = createApp({ controllers: [Books], serializers: { 'text/csv': toCsv } });
    const before = created;
    const res = await app.inject({ method: 'POST', url: '/books', headers: { accept: 'image/png' } });
    expect([res.status, created - before]).toEqual([406, 1]);
  });

  it('replaces the JSON serializer with a function given for application/json, still first', async () => {
    const app = createApp({ controllers: [Books], serializers: { 'text/csv': toCsv, 'application/json': (v) => JSON.stringify(v, null, 1) } });
    const res = await app.inject('/books');
    expect([res.headers['content-type'], res.body]).toEqual(['application/json; charset=utf-8', JSON.stringify(BOOKS, null, 1)]);
  });

  it('checks Accept as soon as serializers is given, even with JSON alone (without Vary), and not without it', async () => {
    const app = createApp({ controllers: [Books], serializers: {} });
    const res = await app.inject({ url: '/books', headers: { accept: 'image/png' } });
    expect([res.status, res.headers.vary]).toEqual([406, undefined]);
    const none = createApp({ controllers: [Books] });
    expect((await none.inject({ url: '/books', headers: { accept: 'image/png' } })).status).toBe(200);
  });

  it.each<[string, unknown, string]>([
    ['a key that is not a media type', { json: true }, 'RIVET_OPTIONS_INVALID'],
    ['a wildcard key', { 'text/*': () => '' }, 'RIVET_OPTIONS_INVALID'],
    ['a value that is neither true nor a function', { 'text/csv': 'yes' }, 'RIVET_OPTIONS_INVALID'],
    ['true for a type without a built-in serializer', { 'application/xml': true }, 'RIVET_SERIALIZER_UNKNOWN'],
    ['an array', ['application/json'], 'RIVET_OPTIONS_INVALID'],
  ])('rejects %s at start-up', (_, serializers, code) => {
    expect(() => createApp({ controllers: [Books], serializers: serializers as SerializersOption })).toThrow(expect.objectContaining({ code }));
  });
});
