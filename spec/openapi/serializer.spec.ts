import { IsInt, IsOptional, IsString, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { ApiResponse, Controller, createApp, Get } from '../../lib';

class Author { @IsString() name!: string; }
class Book {
  @IsInt() id!: number;
  @IsString() title!: string;
  @IsOptional() @IsString() subtitle?: string;
  @ValidateNested() @Type(() => Author) author!: Author;
}

@Controller('/books')
class Books {
  @Get('/') @ApiResponse(200, { type: [Book] })
  list() {
    return [
      { id: 1, title: 'Dune', subtitle: null, author: { name: 'Herbert', email: 'secret@x' }, passwordHash: 'x' },
      { id: 2, title: 'Emma', author: null },
    ];
  }
  @Get('/one') @ApiResponse(200, { type: Book })
  one() { return { id: 7, title: 'Emma', author: { name: 'Austen' }, internal: true }; }
  @Get('/bad') @ApiResponse(200, { type: Book })
  bad() { return { id: 'seven', title: 'x', author: { name: 'y' } }; }
  @Get('/counts') @ApiResponse(200, { schema: { type: 'object', properties: {}, additionalProperties: { type: 'integer' } } })
  counts() { return { a: 1, b: 2 }; }
  @Get('/plain')
  plain() { return { id: 1, internal: true }; }
}

describe('compileResponseSerializer (declared response types)', () => {
  const app = createApp({ controllers: [Books] });

  it('writes only the declared fields of a declared list type, nested ones included, keeping nulls', async () => {
    const res = await app.inject('/books');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.json()).toEqual([
      { id: 1, title: 'Dune', subtitle: null, author: { name: 'Herbert' } },
      { id: 2, title: 'Emma', author: null },
    ]);
    expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(res.body));
  });

  it('drops undeclared fields of a single declared object', async () => {
    expect((await app.inject('/books/one')).json()).toEqual({ id: 7, title: 'Emma', author: { name: 'Austen' } });
  });

  it('answers a 500 problem, not broken JSON, when a value does not have its declared type', async () => {
    const res = await app.inject('/books/bad');
    expect([res.status, res.headers['content-type'], res.json()]).toEqual([500, 'application/problem+json; charset=utf-8', { type: 'about:blank', title: 'Internal Server Error', status: 500, instance: '/books/bad' }]);
  });

  it('hands a schema its own writer does not cover to fast-json-stringify', async () => {
    expect((await app.inject('/books/counts')).json()).toEqual({ a: 1, b: 2 });
  });

  it('leaves routes without a declared type to JSON.stringify', async () => {
    expect((await app.inject('/books/plain')).json()).toEqual({ id: 1, internal: true });
  });
});
