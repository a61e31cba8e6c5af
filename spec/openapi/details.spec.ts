import 'reflect-metadata';
import { IsInt, IsOptional, IsString, Min } from 'class-validator';
import { Body, Controller, createApp, Get, Guard, Post, Query, SecurityScheme, type CanActivate, type OpenApiDocument } from '../../lib';
import { validateOpenApi } from './support/validate';

class ListQuery {
  @IsOptional() @IsInt() @Min(1) limit = 20;
  @IsOptional() @IsString() q?: string;
}
class CreateAuthor {
  @IsString() name!: string;
  @IsOptional() @IsString() bio?: string | null;
}

@SecurityScheme('bearer', { type: 'http', scheme: 'bearer', description: 'Send Authorization: Bearer <token>.' })
class TokenGuard implements CanActivate {
  canActivate(): boolean { return true; }
}

@Controller('/authors')
class AuthorsController {
  @Get('/') findAll(@Query() query: ListQuery) { return [query]; }
  @Post('/') @Guard(TokenGuard) create(@Body() body: CreateAuthor) { return body; }
  @Get('/count', { summary: 'How many <authors>', description: 'Counts <authors>.' }) count() { return 0; }
}

const op = (doc: OpenApiDocument, path: string, verb: string) => (doc.paths[path] as Record<string, Record<string, unknown>>)[verb];

describe('document details', () => {
  const app = createApp({ controllers: [AuthorsController], openapi: { title: 'Authors', version: '1', description: 'Writes need Bearer <token>.' }, logger: false });
  const doc = app.openapi();

  it('derives summaries with the right article when none is given, and keeps a given one', () => {
    expect(op(doc, '/authors', 'get').summary).toBe('Find all');
    expect(op(doc, '/authors', 'post').summary).toBe('Create an author');
    expect(op(doc, '/authors/count', 'get').summary).toBe('How many <authors>');
  });

  it('escapes <…> in every description, as Markdown renders them', () => {
    expect(doc.info.description).toBe('Writes need Bearer &lt;token&gt;.');
    expect(op(doc, '/authors/count', 'get').description).toBe('Counts &lt;authors&gt;.');
    expect((doc.components.securitySchemes as Record<string, { description: string }>).bearer.description).toBe('Send Authorization: Bearer &lt;token&gt;.');
  });

  it('documents null for an @IsOptional() body property, and a query default without null', () => {
    expect((doc.components.schemas!.CreateAuthor.properties as Record<string, unknown>).bio).toEqual({ type: ['string', 'null'] });
    expect(op(doc, '/authors', 'get').parameters).toEqual([
      { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, default: 20 } },
      { name: 'q', in: 'query', required: false, schema: { type: 'string' } },
    ]);
  });

  it('gives each error response an example of its own status, and ValidationProblem none of Problem\'s', () => {
    const responses = doc.components.responses as Record<string, { content: Record<string, { example: { status: number } }> }>;
    for (const [name, status] of [['BadRequest', 400], ['Unauthorized', 401], ['Forbidden', 403], ['ValidationFailed', 422]] as const) {
      expect(responses[name].content['application/problem+json'].example).toMatchObject({ status, type: 'about:blank', instance: '/items/7' });
    }
    const schemas = doc.components.schemas as Record<string, Record<string, unknown>>;
    expect(JSON.stringify(schemas.Problem)).not.toMatch(/404|Not Found/);
    expect(schemas.ValidationProblem.examples).toEqual([{
      type: 'about:blank', title: 'Unprocessable Entity', status: 422, detail: 'body.email: email must be an email', instance: '/items/7',
      errors: [{ loc: ['body', 'email'], msg: 'email must be an email', type: 'isEmail' }],
    }]);
  });

  it('lists the same origin as its server when the options give none, and is a valid document', () => {
    expect(doc.servers).toEqual([{ url: '/', description: 'The server that serves this document' }]);
    expect(validateOpenApi(doc).errors).toBeUndefined();
  });

  it('adds the listening address once the app listens, and serves that document', async () => {
    const listening = createApp({ controllers: [AuthorsController], openapi: true, logger: false });
    const before = await listening.inject('/openapi.json');
    expect(before.json<OpenApiDocument>().servers).toEqual([{ url: '/', description: 'The server that serves this document' }]);
    const { url } = await listening.listen({ port: 0, host: '127.0.0.1' });
    try {
      const servers = [{ url: '/', description: 'The server that serves this document' }, { url, description: 'Where this process listens' }];
      expect(listening.openapi().servers).toEqual(servers);
      expect(((await (await fetch(`${url}/openapi.json`)).json()) as OpenApiDocument).servers).toEqual(servers);
    } finally {
      await listening.close();
    }
  });

  it('keeps the configured servers, listening or not', async () => {
    const configured = createApp({ controllers: [AuthorsController], openapi: { servers: [{ url: 'https://api.example.org' }] }, logger: false });
    await configured.listen({ port: 0, host: '127.0.0.1' });
    try {
      expect(configured.openapi().servers).toEqual([{ url: 'https://api.example.org' }]);
    } finally {
      await configured.close();
    }
  });
});
