import 'reflect-metadata';
import { IsInt, IsString, Min } from 'class-validator';
import { ApiResponse, Controller, createApp, Get, HttpError, Param, ResponseHeader } from '../../lib';
import { ContractViolationError, TestClient, createContractCheck } from '../../lib/testing';
import { waitFor } from '../helpers/wait';

class Book {
  @IsInt() @Min(1) id!: number;
  @IsString() title!: string;
}

class Shelf {
  find(id: number): Book {
    if (id === 99) throw new HttpError(418, 'A teapot, hidden in a service.');
    return { id, title: 'Kindred' };
  }
}

@Controller('/books')
class Books {
  readonly #shelf = new Shelf();

  @Get('/:id')
  @ApiResponse({ type: Book })
  one(@Param('id') id: number): Book { return this.#shelf.find(id); }

  // A body that breaks the documented schema: id below its minimum, title of the wrong type.
  @Get('/broken/:id')
  @ApiResponse({ schema: { $ref: '#/components/schemas/Book' } })
  broken(@Param('id') id: number): unknown { return { id: 0, title: id }; }

  // A declared type compiles the serializer, which refuses the text id: the route answers a 500 the document does not list.
  @Get('/typed/:id')
  @ApiResponse({ type: Book })
  typed(): unknown { return { id: 'one', title: 'Kindred' }; }

  // A string is sent as text/plain; the document says JSON.
  @Get('/text/:id')
  @ApiResponse({ schema: { $ref: '#/components/schemas/Book' } })
  text(): string { return 'Kindred'; }

  // The fixed Content-Type is the documented media type.
  @Get('/csv/:id')
  @ApiResponse({ schema: { type: 'string' } })
  @ResponseHeader('Content-Type', 'text/csv')
  csv(): string { return 'id,title\n1,Kindred\n'; }
}

const app = () => createApp({ controllers: [Books], openapi: true, logger: false });

describe('app.inject({ contract: true })', () => {
  it('resolves when the status, content type and body match the document', async () => {
    const res = await app().inject({ url: '/books/3', contract: true });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ id: 3, title: 'Kindred' });
  });

  it('rejects a body field of the wrong type, naming the route, the status and the difference', async () => {
    const error = await app().inject({ url: '/books/broken/7', contract: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContractViolationError);
    expect((error as ContractViolationError).mismatch).toEqual({
      route: 'GET /books/broken/{id}',
      request: 'GET /books/broken/7',
      status: 200,
      differences: ['body/id must be >= 1 (got 0)', 'body/title must be string (got 7)'],
    });
    expect((error as Error).message).toBe('GET /books/broken/{id} answered 200 to GET /books/broken/7, which the OpenAPI document does not allow:\n  - body/id must be >= 1 (got 0)\n  - body/title must be string (got 7)');
  });

  it('rejects a status the document does not list', async () => {
    await expect(app().inject({ url: '/books/99', contract: true })).rejects.toThrow('GET /books/{id} answered 418 to GET /books/99, which the OpenAPI document does not allow:\n  - status 418 is not documented; the operation documents 200, 404, 422');
  });

  it('rejects the 500 of a declared type\'s serializer meeting a field of the wrong type', async () => {
    await expect(app().inject({ url: '/books/typed/1', contract: true })).rejects.toThrow('GET /books/typed/{id} answered 500 to GET /books/typed/1, which the OpenAPI document does not allow:\n  - status 500 is not documented; the operation documents 200, 404');
  });

  it('rejects a content type the response does not document', async () => {
    await expect(app().inject({ url: '/books/text/1', contract: true })).rejects.toThrow('content type text/plain is not documented for 200; documented: application/json');
    expect((await app().inject({ url: '/books/csv/1', contract: true })).status).toBe(200);
  });

  it('passes documented errors and requests that reach no documented operation', async () => {
    const a = app();
    expect((await a.inject({ url: '/books/abc', contract: true })).status).toBe(422);
    expect((await a.inject({ url: '/nowhere', contract: true })).status).toBe(404);
    expect((await a.inject({ method: 'HEAD', url: '/books/3', contract: true })).status).toBe(200);
  });

  it('checks nothing without the option', async () => {
    expect((await app().inject('/books/99')).status).toBe(418);
  });
});

describe('TestClient with { contract: true }', () => {
  it('throws a ContractViolationError for a mismatch and passes a match', async () => {
    const client = await TestClient.start(app(), { contract: true });
    try {
      await client.get('/books/2').expect(200).expectJson({ id: 2, title: 'Kindred' });
      await expect(client.get('/books/broken/2').expect(200)).rejects.toThrow(/^GET \/books\/broken\/\{id\} answered 200 to GET \/books\/broken\/2/);
      await client.get('/books/99').noContract().expect(418);
    } finally {
      await client.close();
    }
  });

  it('checks a client of your own with createContractCheck', () => {
    const check = createContractCheck(app());
    expect(() => check('GET', '/books/1', { status: 200, headers: { 'content-type': 'application/json' }, body: '{"id":1,"title":"x"}' })).not.toThrow();
    expect(() => check('GET', '/books/1', { status: 200, headers: { 'content-type': 'application/json' }, body: '{"id":"1"}' }))
      .toThrow('body must have required property \'title\'');
  });
});

describe('RIVETJS_CONTRACT=1 (rivet dev --contract)', () => {
  afterEach(() => { delete process.env.RIVETJS_CONTRACT; });

  it('logs a warning for a mismatching answer and still sends it', async () => {
    process.env.RIVETJS_CONTRACT = '1';
    const lines: { level: number; msg: string }[] = [];
    const logged = createApp({ controllers: [Books], openapi: true, logger: { level: 'warn', destination: { write: (line: string) => lines.push(JSON.parse(line)) } } });
    const client = await TestClient.start(logged);
    try {
      await client.get('/books/broken/5').expect(200).expectJson({ id: 0, title: 5 });
      await client.get('/books/5').expect(200);
      await waitFor(() => lines.length > 0);
      expect(lines.map((l) => [l.level, l.msg])).toEqual([[40, 'contract: GET /books/broken/{id} answered 200 to GET /books/broken/5, which the OpenAPI document does not allow:\n  - body/id must be >= 1 (got 0)\n  - body/title must be string (got 5)']]);
    } finally {
      await client.close();
    }
  });
});
