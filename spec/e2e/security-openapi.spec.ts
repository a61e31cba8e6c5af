import { ApiKeyGuard, Controller, createApp, Ctx, Get, Guard, JwtGuard, Post, RateLimit, RequestContext, Roles, RolesGuard, Scopes } from '../../lib';
import { PROBLEM, serve } from '../helpers/http';
import { operations, unresolvedRefs, validateOpenApi } from '../openapi/support/validate';

/** Every guard's scheme appears in the OpenAPI document on exactly the routes it protects. */

const jwt = new JwtGuard({ secret: 'a-test-secret-of-at-least-32-bytes!!', algorithms: ['HS256'] });
const apiKey = new ApiKeyGuard({ keys: ['k'] });

@Controller('/public')
class PublicController {
  @Get('/') list() { return []; }
  @Post('/login') @RateLimit({ points: 5, duration: 60 }) login() { return {}; }
}

@Controller('/books')
@Guard(jwt, RolesGuard)
class BooksController {
  @Get('/') list() { return []; }
  @Post('/') @Scopes('books:write') create() { return {}; }
  @Get('/admin') @Roles('admin') admin() { return {}; }
  @Get('/both') @Guard(apiKey) both() { return {}; }
}

@Controller('/machines')
@Guard(apiKey)
class MachinesController {
  @Get('/') list() { return []; }
}

describe('security in the OpenAPI document', () => {
  const app = createApp({
    controllers: [PublicController, BooksController, MachinesController],
    openapi: { title: 'Secure', version: '1.0.0' },
    rateLimit: { points: 100, duration: 60 },
  });
  const doc = app.openapi();
  const security = Object.fromEntries(operations(doc).map(({ path, verb, op }) => [`${verb.toUpperCase()} ${path}`, op.security]));

  it('names each scheme on exactly the routes its guard protects, with their scopes and roles', () => {
    expect(security).toEqual({
      'GET /public': [],
      'POST /public/login': [],
      'GET /books': [{ bearer: [] }],
      'POST /books': [{ bearer: ['books:write'] }],
      'GET /books/admin': [{ bearer: ['admin'] }],
      'GET /books/both': [{ bearer: [], apiKey: [] }],
      'GET /machines': [{ apiKey: [] }],
    });
    expect(doc.components.securitySchemes).toEqual({
      bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
      apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
    });
  });

  it('documents 401 where a guard authenticates and 429 where a rate limit applies, with Retry-After', () => {
    const responses = Object.fromEntries(operations(doc).map(({ path, verb, op }) => [`${verb.toUpperCase()} ${path}`, Object.keys(op.responses)]));
    expect(responses['GET /public']).toEqual(['200', '429']);
    expect(responses['GET /books']).toEqual(['200', '401', '403', '429']);
    expect(doc.components.responses?.TooManyRequests).toEqual({
      description: 'The rate limit is exhausted; retry after the given delay.',
      headers: {
        'Retry-After': { description: 'Seconds until a request is allowed again.', schema: { type: 'integer', minimum: 1 } },
        'RateLimit-Limit': { description: 'Requests allowed at once (the bucket size).', schema: { type: 'integer' } },
        'RateLimit-Remaining': { description: 'Requests left now.', schema: { type: 'integer' } },
        'RateLimit-Reset': { description: 'Seconds until the full limit is available again.', schema: { type: 'integer' } },
      },
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' }, example: {
        type: 'about:blank', title: 'Too Many Requests', status: 429, detail: 'Too many requests; retry in 30 seconds.', instance: '/items/7',
      } } },
    });
  });

  it('documents 429 only on limited routes when there is no app-wide limit', () => {
    const only = createApp({ controllers: [PublicController], openapi: true }).openapi();
    const keys = Object.fromEntries(operations(only).map(({ path, verb, op }) => [`${verb.toUpperCase()} ${path}`, Object.keys(op.responses)]));
    expect(keys).toEqual({ 'GET /public': ['200'], 'POST /public/login': ['201', '429'] });
  });

  it('is a valid OpenAPI 3.1 document', () => {
    expect(unresolvedRefs(doc)).toEqual([]);
    expect(validateOpenApi(doc)).toMatchObject({ valid: true });
  });

  it('serves the same document that enforces the guards', async () => {
    const client = await serve(app);
    try {
      await client.get('/books').expect(401);
      await client.get('/machines').set('x-api-key', 'k').expect(200);
      await client.get('/openapi.json').expect(200);
    } finally {
      await client.close();
    }
  });
});

describe('JwtGuard schemes and optional authentication in the OpenAPI document', () => {
  const secret = 'a-test-secret-of-at-least-32-bytes!!';
  const readers = new JwtGuard({ secret, algorithms: ['HS256'], scheme: 'Token', optional: true });
  const either = new JwtGuard({ secret, algorithms: ['HS256'], scheme: ['Bearer', 'Token'] });
  const key = new ApiKeyGuard({ keys: ['k'] });
  class Undocumented extends JwtGuard {
    override securityScheme() { return null; }
  }
  // Type-checked with the specs: an ApiKeyGuard subclass may document nothing too.
  class UndocumentedKey extends ApiKeyGuard {
    override securityScheme() { return null; }
  }

  @Controller('/articles')
  @Guard(readers)
  class ArticlesController {
    @Get('/') list(@Ctx() ctx: RequestContext) { return { anonymous: ctx.state.user === undefined }; }
    @Get('/mine') @Guard(RolesGuard) @Scopes('articles:read') mine() { return []; }
    @Get('/export') @Guard(key) export() { return []; }
  }

  @Controller('/feed')
  @Guard(either)
  class FeedController {
    @Get('/') feed() { return []; }
  }

  @Controller('/internal')
  @Guard(new Undocumented({ secret, algorithms: ['HS256'] }))
  class InternalController {
    @Get('/') list() { return []; }
    @Get('/keyed') @Guard(new UndocumentedKey({ keys: ['k'] })) keyed() { return []; }
  }

  const app = createApp({ controllers: [ArticlesController, FeedController, InternalController], openapi: { title: 'Conduit', version: '1.0.0' } });
  const doc = app.openapi();

  it('lists {} after the schemes of an optional guard, combined with the other guards, and not where roles or scopes apply', () => {
    const security = Object.fromEntries(operations(doc).map(({ path, verb, op }) => [`${verb.toUpperCase()} ${path}`, op.security]));
    expect(security).toEqual({
      'GET /articles': [{ token: [] }, {}],
      'GET /articles/mine': [{ token: ['articles:read'] }],
      'GET /articles/export': [{ token: [], apiKey: [] }, { apiKey: [] }],
      'GET /feed': [{ bearer: [] }, { token: [] }],
      'GET /internal': [],
      'GET /internal/keyed': [],
    });
  });

  it('declares Bearer as the HTTP scheme and Token as an apiKey in Authorization, and nothing for a guard that returns null', () => {
    expect(doc.components.securitySchemes).toEqual({
      token: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'A JWT sent as "Authorization: Token &lt;JWT&gt;". In Swagger UI\'s Authorize dialog, enter the whole value, "Token " included.' },
      apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
    });
  });

  it('documents 401 where a token can be refused, optional or not, and where the guard\'s code throws it without a scheme', () => {
    const responses = Object.fromEntries(operations(doc).map(({ path, verb, op }) => [`${verb.toUpperCase()} ${path}`, Object.keys(op.responses)]));
    expect(responses['GET /articles']).toEqual(['200', '401', '403']);
    expect(responses['GET /feed']).toEqual(['200', '401', '403']);
    // The guard declares no scheme, but its canActivate throws UnauthorizedError (read at start-up): /internal answers 401.
    expect(responses['GET /internal']).toEqual(['200', '401', '403']);
  });

  it('is a valid OpenAPI 3.1 document with anonymous alternatives and an apiKey in Authorization', () => {
    expect(unresolvedRefs(doc)).toEqual([]);
    expect(validateOpenApi(doc)).toMatchObject({ valid: true });
  });

  it('serves that document from the app that lets anonymous readers through', async () => {
    const client = await serve(app);
    try {
      // Listening added the address to the servers; the rest is the document built at start-up.
      expect(app.openapi()).toEqual({ ...doc, servers: [...doc.servers!, { url: client.url, description: 'Where this process listens' }] });
      await client.get('/openapi.json').expect(200).expectJson(app.openapi());
      await client.get('/articles').expect(200).expectJson({ anonymous: true });
      await client.get('/articles').set('authorization', 'Token nope').expect(401).expectHeader('content-type', PROBLEM)
        .expectHeader('www-authenticate', 'Token error="invalid_token", error_description="The token is malformed."')
        .expectJson({ type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'The token is malformed.', instance: '/articles' });
      await client.get('/internal').expect(401).expectHeader('www-authenticate', 'Bearer').expectHeader('content-type', PROBLEM)
        .expectJson({ type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'A bearer token is required.', instance: '/internal' });
    } finally {
      await client.close();
    }
  });
});
