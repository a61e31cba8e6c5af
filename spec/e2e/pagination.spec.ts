import {
  ApiResponse, Cache, Controller, createApp, CursorPageQuery, decodeCursor, encodeCursor, Get, OffsetPageQuery, Paginate, paginate, Paginated, Query, type App,
} from '../../lib';
import type { TestClient } from '../../lib/testing';
import { PROBLEM, serve } from '../helpers/http';
import { IsInt } from 'class-validator';
import { unresolvedRefs, validateOpenApi } from '../openapi/support/validate';

class Book {
  @IsInt() id!: number;
}

const BOOKS = Array.from({ length: 45 }, (_, i) => ({ id: i + 1 }));

@Controller('/books')
class Books {
  @Get('/')
  @ApiResponse({ type: Paginated(Book) })
  list(@Paginate({ defaultLimit: 10, maxLimit: 20 }) page: OffsetPageQuery, @Query('genre') genre?: string) {
    void genre;
    return paginate(BOOKS.slice(page.offset, page.offset + page.limit), page, { total: BOOKS.length });
  }

  @Get('/uncounted')
  uncounted(@Paginate() page: OffsetPageQuery) {
    return paginate(BOOKS.slice(page.offset, page.offset + page.limit), page);
  }

  @Get('/feed')
  @ApiResponse({ type: Paginated(Book, 'cursor') })
  feed(@Paginate({ mode: 'cursor', defaultLimit: 5, maxLimit: 10 }) page: CursorPageQuery) {
    const after = page.cursor === undefined ? 0 : decodeCursor<{ after: number }>(page.cursor).after;
    if (typeof after !== 'number') throw new TypeError('bad cursor shape');
    const items = BOOKS.filter((b) => b.id > after).slice(0, page.limit);
    const last = items[items.length - 1];
    return paginate(items, page, {
      nextCursor: last !== undefined && last.id < BOOKS.length ? encodeCursor({ after: last.id }) : null,
      prevCursor: after > 0 ? encodeCursor({ after: Math.max(0, after - page.limit) }) : null,
    });
  }
}

describe('pagination (wire)', () => {
  let app: App;
  let client: TestClient;
  beforeAll(async () => {
    app = createApp({ controllers: [Books], openapi: { title: 'Books', version: '1' } });
    client = await serve(app);
  });
  afterAll(() => client.close());

  it('applies the default limit and offset and links the first, next and last pages', async () => {
    const res = await client.get('/books').expect(200)
      .expectHeader('link', '</books?limit=10&offset=0>; rel="first", </books?limit=10&offset=10>; rel="next", </books?limit=10&offset=40>; rel="last"');
    expect(res.json()).toEqual({ items: BOOKS.slice(0, 10), total: 45, limit: 10, offset: 0 });
  });

  it('links prev and keeps the other query parameters as they were sent', async () => {
    await client.get('/books?genre=sci%20fi&offset=20&limit=10&tag=a&tag=b').expect(200)
      .expectHeader('link', [
        '</books?genre=sci%20fi&tag=a&tag=b&limit=10&offset=0>; rel="first"',
        '</books?genre=sci%20fi&tag=a&tag=b&limit=10&offset=10>; rel="prev"',
        '</books?genre=sci%20fi&tag=a&tag=b&limit=10&offset=30>; rel="next"',
        '</books?genre=sci%20fi&tag=a&tag=b&limit=10&offset=40>; rel="last"',
      ].join(', '));
  });

  it('has no next link on the last page', async () => {
    const res = await client.get('/books?offset=40&limit=10').expect(200)
      .expectHeader('link', '</books?limit=10&offset=0>; rel="first", </books?limit=10&offset=30>; rel="prev", </books?limit=10&offset=40>; rel="last"');
    expect((res.json() as { items: unknown[] }).items).toHaveLength(5);
  });

  it('links next while pages are full when the total is unknown', async () => {
    const res = await client.get('/books/uncounted?limit=20&offset=20').expect(200)
      .expectHeader('link', '</books/uncounted?limit=20&offset=0>; rel="first", </books/uncounted?limit=20&offset=0>; rel="prev", </books/uncounted?limit=20&offset=40>; rel="next"');
    expect(res.json()).toMatchObject({ total: null, limit: 20, offset: 20 });
    await client.get('/books/uncounted?limit=20&offset=40').expect(200)
      .expectHeader('link', '</books/uncounted?limit=20&offset=0>; rel="first", </books/uncounted?limit=20&offset=20>; rel="prev"');
  });

  it('answers 422 problem+json for a limit over the maximum, a negative offset or text', async () => {
    const res = await client.get('/books?limit=21&offset=-1').expect(422).expectHeader('content-type', PROBLEM);
    expect(res.json()).toMatchObject({
      status: 422,
      errors: expect.arrayContaining([
        expect.objectContaining({ loc: ['query', 'limit'], type: 'max' }),
        expect.objectContaining({ loc: ['query', 'offset'], type: 'min' }),
      ]),
    });
    for (const q of ['limit=abc', 'limit=0', 'limit=2.5', 'offset=1e400', 'limit=1&limit=2']) {
      await client.get(`/books?${q}`).expect(422).expectHeader('content-type', PROBLEM);
    }
  });

  it('walks a cursor-paginated list with next and prev links', async () => {
    const first = await client.get('/books/feed').expect(200);
    const body = first.json() as { items: { id: number }[]; nextCursor: string; prevCursor: null; limit: number };
    expect(body).toEqual({ items: BOOKS.slice(0, 5), limit: 5, nextCursor: encodeCursor({ after: 5 }), prevCursor: null });
    expect(first.headers.link).toBe(`</books/feed?limit=5>; rel="first", </books/feed?limit=5&cursor=${body.nextCursor}>; rel="next"`);
    const second = await client.get(`/books/feed?limit=5&cursor=${body.nextCursor}`).expect(200);
    expect((second.json() as { items: unknown[] }).items).toEqual(BOOKS.slice(5, 10));
    expect(second.headers.link).toContain(`cursor=${encodeCursor({ after: 0 })}>; rel="prev"`);
  });

  it('answers 422 for a cursor that was not made by encodeCursor', async () => {
    const res = await client.get('/books/feed?cursor=not%20a%20cursor').expect(422).expectHeader('content-type', PROBLEM);
    expect(res.json()).toMatchObject({ errors: [{ loc: ['query', 'cursor'], type: 'cursor', msg: expect.any(String) }] });
  });

  it('sends the same Link header to HEAD', async () => {
    const get = await client.get('/books?offset=10').expect(200);
    await client.head('/books?offset=10').expect(200).expectHeader('link', get.headers.link as string);
  });

  it('documents the page parameters with their bounds, the named page schema and the Link header', () => {
    const doc = app.openapi();
    const op = (doc.paths['/books'] as Record<string, { parameters: unknown[]; responses: Record<string, { headers?: unknown; content?: unknown }> }>).get;
    expect(op.parameters).toEqual(expect.arrayContaining([
      expect.objectContaining({ name: 'limit', in: 'query', required: false, schema: expect.objectContaining({ type: 'integer', minimum: 1, maximum: 20 }) }),
      expect.objectContaining({ name: 'offset', in: 'query', required: false, schema: expect.objectContaining({ type: 'integer', minimum: 0 }) }),
      expect.objectContaining({ name: 'genre', in: 'query' }),
    ]));
    expect(op.responses['200'].content).toEqual({ 'application/json': { schema: { $ref: '#/components/schemas/PaginatedBook' } } });
    expect(op.responses['200'].headers).toEqual({ Link: expect.objectContaining({ schema: { type: 'string' } }) });
    const schemas = doc.components.schemas as Record<string, unknown>;
    expect(schemas.PaginatedBook).toEqual({
      type: 'object',
      properties: {
        items: { type: 'array', items: { $ref: '#/components/schemas/Book' } },
        total: expect.objectContaining({ type: ['integer', 'null'] }),
        limit: { type: 'integer', minimum: 1 },
        offset: { type: 'integer', minimum: 0 },
      },
      required: ['items', 'total', 'limit', 'offset'],
    });
    expect(schemas.CursorPaginatedBook).toMatchObject({ required: ['items', 'limit', 'nextCursor', 'prevCursor'] });
  });
});

describe('OpenAPI document with pages, formats and a cache', () => {
  it('is valid OpenAPI 3.1 with every $ref resolved', () => {
    @Controller('/cached') class Cached { @Get('/:id') @Cache({ ttl: 5 }) @ApiResponse({ type: Book }) one(@Paginate() page: OffsetPageQuery) { return paginate([], page); } }
    const app = createApp({ controllers: [Books, Cached], serializers: { 'application/msgpack': true }, openapi: { title: 'Books', version: '1' } });
    const doc = app.openapi();
    expect(validateOpenApi(doc)).toMatchObject({ valid: true });
    expect(unresolvedRefs(doc)).toEqual([]);
    const op = (doc.paths['/cached/{id}'] as Record<string, { responses: Record<string, { headers?: Record<string, unknown>; content?: Record<string, unknown> }> }>).get;
    expect(Object.keys(op.responses['200'].headers ?? {})).toEqual(['Link', 'ETag', 'Cache-Control']);
    expect(Object.keys(op.responses['200'].content ?? {})).toEqual(['application/json', 'application/msgpack']);
  });
});

describe('@Paginate at declaration', () => {
  it.each([[{ maxLimit: 0 }], [{ defaultLimit: 50, maxLimit: 10 }], [{ mode: 'pages' }], [{ defaultLimit: 1.5 }]])('rejects %j with RIVET_PAGINATE_INVALID', (options) => {
    expect(() => Paginate(options as never)).toThrow(expect.objectContaining({ code: 'RIVET_PAGINATE_INVALID' }));
  });
});
