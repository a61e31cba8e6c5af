import { Controller, Get } from '../../lib';
import { describeRoutes } from '../../lib/router/compile';
import { CursorPageQuery, decodeCursor, encodeCursor, OffsetPageQuery, PAGINATE, Paginate, paginate, pageLinks } from '../../lib/middleware/paginate';
import { ValidationFailedError } from '../../lib/errors/validation-error';

describe('Paginate', () => {
  it('records a query DTO parameter and the route metadata', () => {
    @Controller('/b') class B { @Get('/') list(@Paginate({ maxLimit: 30 }) page: OffsetPageQuery) { return page; } }
    const [d] = describeRoutes([B]);
    expect(d.metadata.get(PAGINATE)).toEqual({ mode: 'offset', defaultLimit: 20, maxLimit: 30 });
    const param = d.params[0].meta;
    expect([param.source, param.name]).toEqual(['query', undefined]);
    expect((param.options.type as Function).prototype).toBeInstanceOf(OffsetPageQuery);
  });

  it('shares one generated DTO between routes with the same limits', () => {
    @Controller('/b') class B {
      @Get('/a') a(@Paginate() p: OffsetPageQuery) { return p; }
      @Get('/b') b(@Paginate() p: OffsetPageQuery) { return p; }
      @Get('/c') c(@Paginate({ mode: 'cursor' }) p: CursorPageQuery) { return p; }
    }
    const types = describeRoutes([B]).map((d) => d.params[0].meta.options.type);
    expect(types[0]).toBe(types[1]);
    expect(types[2]).not.toBe(types[0]);
    expect((types[2] as Function).prototype).toBeInstanceOf(CursorPageQuery);
  });

  it('defaults the limit to min(20, maxLimit)', () => {
    @Controller('/b') class B { @Get('/') list(@Paginate({ maxLimit: 5 }) page: OffsetPageQuery) { return page; } }
    expect(describeRoutes([B])[0].metadata.get(PAGINATE)).toMatchObject({ defaultLimit: 5, maxLimit: 5 });
  });
});

describe('paginate', () => {
  it('builds an offset page with a null total when none is given', () => {
    expect(JSON.parse(JSON.stringify(paginate([1, 2], { limit: 2, offset: 4 })))).toEqual({ items: [1, 2], total: null, limit: 2, offset: 4 });
  });

  it('builds a cursor page with null cursors by default', () => {
    expect(JSON.parse(JSON.stringify(paginate(['a'], { limit: 1 } as CursorPageQuery, { nextCursor: 'n' })))).toEqual({ items: ['a'], limit: 1, nextCursor: 'n', prevCursor: null });
  });
});

describe('pageLinks', () => {
  const page = (offset: number, total: number | null, count: number) => ({ items: new Array(count).fill(0), total, limit: 10, offset });

  it('links first and last only for a single page', () => {
    expect(pageLinks(page(0, 5, 5), '/x')).toBe('</x?limit=10&offset=0>; rel="first", </x?limit=10&offset=0>; rel="last"');
  });

  it('points last at offset 0 for an empty list', () => {
    expect(pageLinks(page(0, 0, 0), '/x')).toBe('</x?limit=10&offset=0>; rel="first", </x?limit=10&offset=0>; rel="last"');
  });

  it('keeps other parameters byte for byte and drops the page parameters however encoded', () => {
    expect(pageLinks(page(10, 30, 10), '/x?q=a+b&%6Cimit=3&offset=10&cursor=z&empty=&flag')).toBe([
      '</x?q=a+b&empty=&flag&limit=10&offset=0>; rel="first"',
      '</x?q=a+b&empty=&flag&limit=10&offset=0>; rel="prev"',
      '</x?q=a+b&empty=&flag&limit=10&offset=20>; rel="next"',
      '</x?q=a+b&empty=&flag&limit=10&offset=20>; rel="last"',
    ].join(', '));
  });

  it('uses the path of an absolute-form request target', () => {
    expect(pageLinks(page(0, null, 3), 'http://example.com/x?y=1')).toBe('</x?y=1&limit=10&offset=0>; rel="first"');
  });

  it('percent-encodes cursors', () => {
    expect(pageLinks({ items: [], limit: 5, nextCursor: 'a/b', prevCursor: null }, '/f')).toBe('</f?limit=5>; rel="first", </f?limit=5&cursor=a%2Fb>; rel="next"');
  });
});

describe('encodeCursor / decodeCursor', () => {
  it('round-trips a position through a URL-safe string', () => {
    const cursor = encodeCursor({ after: 42, sort: 'tïtle/é' });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual({ after: 42, sort: 'tïtle/é' });
  });

  it.each([['', 'empty'], ['!!!', 'not base64url'], [Buffer.from('{oops').toString('base64url'), 'not JSON'], [`${encodeCursor(1)}=`, 'padded'],
    [Buffer.from('{"__proto__":{"x":1}}').toString('base64url'), 'a prototype key']])('rejects %p (%s) with a 422 at query.cursor', (cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(ValidationFailedError);
    try { decodeCursor(cursor); } catch (err) { expect((err as ValidationFailedError).errors).toEqual([expect.objectContaining({ loc: ['query', 'cursor'], type: 'cursor' })]); }
  });
});
