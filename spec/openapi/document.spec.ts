import 'reflect-metadata';
import { IsString } from 'class-validator';
import {
  ApiResponse, Body, Controller, createApp, Get, Guard, Param, Post, Query, SecurityScheme, type CanActivate, type GuardRouteInfo, type OpenApiDocument, type OpenApiGuard,
} from '../../lib';
import { buildApp } from '../../sample-app/src/app';
import { controllers, JwtAuth, openapiOptions } from './fixtures/everything';
import { allKeys, operations, unresolvedRefs, validateOpenApi } from './support/validate';

const everything = (): OpenApiDocument => createApp({ controllers, openapi: openapiOptions }).openapi();
const find = (doc: OpenApiDocument, path: string, verb: string) => (doc.paths[path] as Record<string, any>)[verb];

describe('app.openapi() on an app with every construct', () => {
  const doc = everything();

  it('validates against the OpenAPI 3.1 schema with no errors', () => {
    const result = validateOpenApi(doc);
    expect(result.errors).toBeUndefined();
    expect(result).toMatchObject({ valid: true, version: '3.1' });
    expect(doc.openapi).toBe('3.1.0');
  });

  it('never emits nullable, and expresses null with a 3.1 type array', () => {
    expect(allKeys(doc).has('nullable')).toBe(false);
    expect((doc.components.schemas!.CreateAuthor.properties as any).diedAt.type).toEqual(['string', 'null']);
  });

  it('resolves every $ref inside the document', () => {
    expect(unresolvedRefs(doc)).toEqual([]);
  });

  it('gives every operation a unique operationId', () => {
    const ids = operations(doc).map((o) => o.op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain('putSetting');
    expect(ids).toContain('books_search');
  });

  it('copies info, servers, tags with descriptions, tag groups and external docs from the options', () => {
    expect(doc.info).toEqual({
      title: 'Everything <API>', version: '2.1.0', summary: 'Every construct', description: 'A test app.',
      contact: { name: 'Rivet', url: 'https://example.com' }, license: { name: 'MIT', identifier: 'MIT' },
    });
    expect(doc.servers).toEqual([{ url: 'https://api.example.com/v2', description: 'production' }]);
    expect(doc.tags).toEqual([
      { name: 'books', description: 'Books on the shelf' }, { name: 'authors', description: 'People who write' },
      { name: 'search' }, { name: 'admin' },
    ]);
    expect(doc['x-tagGroups']).toEqual(openapiOptions && typeof openapiOptions === 'object' ? openapiOptions.tagGroups : undefined);
    expect(doc.externalDocs).toEqual({ url: 'https://example.com/docs', description: 'Guide' });
  });

  it('documents summary, description, controller and route tags, and deprecated', () => {
    expect(find(doc, '/books/search', 'get')).toMatchObject({
      summary: 'Search books', description: 'Full-text search with filters.', tags: ['books', 'search'],
    });
    expect(find(doc, '/admin/settings/{key}', 'put').deprecated).toBe(true);
  });

  it('documents header parameters by their wire name and cookies by their alias', () => {
    const params = find(doc, '/admin/settings/{key}', 'put').parameters;
    expect(params).toContainEqual({ name: 'X-Request-Id', in: 'header', required: true, schema: { type: 'string' } });
    expect(params).toContainEqual({ name: 'session', in: 'cookie', description: 'Session cookie', required: false, schema: { type: 'string' } });
    expect(find(doc, '/admin/whoami', 'get').parameters).toEqual([{ name: 'X-API-Key', in: 'header', required: false, schema: { type: 'string' } }]);
  });

  it('expands a @Query() DTO into one query parameter per property', () => {
    const params = find(doc, '/books/search', 'get').parameters.slice(0, 3);
    expect(params).toEqual([
      { name: 'sort', in: 'query', required: false, schema: { type: 'string', enum: ['title', 'year'] } },
      { name: 'inPrint', in: 'query', required: false, schema: { type: 'boolean' } },
      { name: 'since', in: 'query', description: 'Published in or after this year', required: false, schema: { type: 'integer', minimum: 0 } },
    ]);
  });

  it('describes a DTO body as a required application/json $ref, and an optional one as not required', () => {
    expect(find(doc, '/books', 'post').requestBody).toEqual({ required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/CreateBook' } } } });
    expect(find(doc, '/optional', 'post').requestBody.required).toBe(false);
  });

  it('describes a string body as text/plain and @Body(name) properties as one object', () => {
    expect(find(doc, '/admin/settings/{key}', 'put').requestBody).toEqual({ content: { 'text/plain': { schema: { type: 'string' } } } });
    expect(find(doc, '/admin/flags', 'patch').requestBody).toEqual({
      required: true,
      content: { 'application/json': { schema: { type: 'object', properties: { name: { type: 'string' }, on: { type: 'boolean', default: true } }, required: ['name'] } } },
    });
  });

  it('documents inherited routes under each subclass prefix with that subclass DTO', () => {
    expect(find(doc, '/authors', 'post').requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/CreateAuthor' });
    expect(find(doc, '/books', 'post').requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/CreateBook' });
    expect(find(doc, '/authors/{id}', 'get').responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Author' });
    expect(find(doc, '/authors', 'get').operationId).toBe('authors_list');
    expect(find(doc, '/books', 'get').operationId).toBe('books_list');
  });

  it('names one component per item class for a generic response', () => {
    expect(find(doc, '/authors', 'get').responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/PageAuthor' });
    expect(find(doc, '/books', 'get').responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/PageCreateBook' });
    expect(doc.components.schemas!.PageAuthor).toMatchObject({ properties: { items: { type: 'array', items: { $ref: '#/components/schemas/Author' } } } });
  });

  it('documents declared responses: lists, strings, raw schemas, errors as problems, and 204 without content', () => {
    expect(find(doc, '/books/search', 'get').responses['200'].content).toEqual({ 'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/CreateBook' } } } });
    expect(find(doc, '/admin/whoami', 'get').responses['200']).toEqual({ description: 'The caller', content: { 'text/plain': { schema: { type: 'string' } } } });
    expect(find(doc, '/health', 'get').responses['200'].content['application/json'].schema).toEqual({ type: 'object', properties: { ok: { type: 'boolean' } } });
    expect(find(doc, '/books', 'post').responses['201'].description).toBe('The created record');
    expect(find(doc, '/books', 'post').responses['409']).toEqual({ description: 'Already exists', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });
    expect(find(doc, '/books/{id}', 'delete').responses['204']).toEqual({ description: 'No Content' });
  });

  it('documents fixed @ResponseHeader values on the success response', () => {
    expect(find(doc, '/admin/settings/{key}', 'put').responses['200'].headers).toEqual({ 'Cache-Control': { schema: { type: 'string', const: 'no-store' } } });
  });

  it('adds 422 where input is validated, 404 where the path has parameters, and 400/413/415 where a body is read', () => {
    const statuses = (path: string, verb: string) => Object.keys(find(doc, path, verb).responses);
    expect(statuses('/health', 'get')).toEqual(['200']);
    expect(statuses('/books/search', 'get')).toEqual(['200', '422']);
    expect(statuses('/books/{id}', 'get')).toEqual(['200', '404', '422']);
    expect(statuses('/optional', 'post')).toEqual(['201', '400', '413', '415', '422']);
    expect(find(doc, '/books/{id}', 'get').responses['422']).toEqual({ $ref: '#/components/responses/ValidationFailed' });
    expect(doc.components.responses!.ValidationFailed).toEqual({
      description: expect.any(String),
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ValidationProblem' }, example: {
        type: 'about:blank', title: 'Unprocessable Entity', status: 422, detail: 'body.email: email must be an email', instance: '/items/7',
        errors: [{ loc: ['body', 'email'], msg: 'email must be an email', type: 'isEmail' }],
      } } },
    });
    expect(doc.components.schemas!.ValidationProblem).toMatchObject({ allOf: [{ $ref: '#/components/schemas/Problem' }, { properties: { errors: { type: 'array' } } }] });
  });

  it('adds 401 and 403 where a guard declares a scheme, and only 403 where guards declare none', () => {
    expect(Object.keys(find(doc, '/books', 'post').responses)).toEqual(expect.arrayContaining(['401', '403']));
    expect(Object.keys(find(doc, '/books', 'get').responses)).not.toContain('403');
  });

  it('puts security on exactly the guarded operations and security: [] on public ones', () => {
    expect(doc.components.securitySchemes).toEqual({
      bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
      apiKey: { type: 'apiKey', in: 'header', name: 'X-Admin-Key' },
    });
    expect(find(doc, '/books', 'post').security).toEqual([{ bearer: [] }]);
    expect(find(doc, '/books/{id}', 'delete').security).toEqual([{ bearer: [] }]);
    expect(find(doc, '/admin/settings/{key}', 'put').security).toEqual([{ apiKey: ['settings:write'] }]);
    expect(find(doc, '/admin/flags', 'patch').security).toEqual([{ apiKey: [] }]);
    expect(find(doc, '/books', 'get').security).toEqual([]);
    expect(find(doc, '/health', 'get').security).toEqual([]);
  });

  it('expands an @All route into the verbs the path does not declare itself', () => {
    expect(Object.keys(doc.paths['/echo/{*}'])).toEqual(['post', 'put', 'patch', 'delete', 'get']);
    expect(find(doc, '/echo/{*}', 'get').operationId).toBe('misc_echoGet');
    expect(find(doc, '/echo/{*}', 'put').operationId).toBe('misc_echo_put');
    expect(find(doc, '/echo/{*}', 'put').parameters).toEqual([{ name: '*', in: 'path', description: 'The rest of the path.', required: true, schema: { type: 'string' } }]);
  });

  it('returns the same deeply frozen document on every call', () => {
    const app = createApp({ controllers, openapi: openapiOptions });
    const first = app.openapi();
    expect(app.openapi()).toBe(first);
    expect(Object.isFrozen(first.paths['/books'].get!.parameters![0].schema)).toBe(true);
    expect(() => { (first.info as { title: string }).title = 'changed'; }).toThrow(TypeError);
  });

  it('leaves out the routes that serve the document and the pages', () => {
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/docs') || p.startsWith('/redoc') || p === '/openapi.json')).toEqual([]);
  });
});

describe('operationId', () => {
  it('derives controller_method ids and suffixes repeats deterministically', () => {
    @Controller('/a') class ItemsController { @Get('/') list() {} @Get('/x') @Get('/y') list2() {} }
    @Controller('/b') class Items2Controller { @Get('/', { operationId: 'items_list' }) other() {} }
    const ids = () => operations(createApp({ controllers: [ItemsController, Items2Controller] }).openapi()).map((o) => o.op.operationId);
    expect(ids()).toEqual(['items_list_2', 'items_list2', 'items_list2_2', 'items_list']);
    expect(ids()).toEqual(ids());
  });

  it('throws RIVET_OPENAPI_OPERATION_ID_DUPLICATE naming both handlers when a given id repeats', () => {
    @Controller('/a') class AController { @Get('/', { operationId: 'same' }) one() {} }
    @Controller('/b') class BController { @Get('/', { operationId: 'same' }) two() {} }
    const boot = () => createApp({ controllers: [AController, BController], openapi: { title: 't', version: '1' } });
    expect(boot).toThrow(expect.objectContaining({ code: 'RIVET_OPENAPI_OPERATION_ID_DUPLICATE' }));
    expect(boot).toThrow(/AController#one and BController#two/);
  });
});

describe('openapi options', () => {
  class Dto { @IsString() name!: string; }
  @Controller('/things')
  @Guard(JwtAuth)
  class ThingsController {
    @Post('/:id') make(@Param('id') id: number, @Body() body: Dto) { return { id, body }; }
  }

  it('adds no automatic error responses when errorResponses is false', () => {
    const doc = createApp({ controllers: [ThingsController], openapi: { errorResponses: false } }).openapi();
    expect(Object.keys(doc.paths['/things/{id}'].post!.responses)).toEqual(['201']);
    expect(doc.components.responses).toBeUndefined();
    expect(Object.keys(doc.components.schemas!)).toEqual(['Dto']);
  });

  it('turns single automatic statuses off', () => {
    const doc = createApp({ controllers: [ThingsController], openapi: { errorResponses: { 404: false, 413: false } } }).openapi();
    expect(Object.keys(doc.paths['/things/{id}'].post!.responses)).toEqual(['201', '400', '401', '403', '415', '422']);
  });

  it('keeps a declared response over the automatic one for the same status', () => {
    @Controller('/x')
    class XController { @Get('/:id') @ApiResponse(404, { description: 'No such x' }) one(@Param('id') id: string) { return id; } }
    const doc = createApp({ controllers: [XController], openapi: true }).openapi();
    expect(doc.paths['/x/{id}'].get!.responses['404']).toEqual({ description: 'No such x', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });
  });

  it('uses default info with openapi: true and with no openapi option', () => {
    expect(createApp({ controllers: [ThingsController], openapi: true }).openapi().info).toEqual({ title: 'API', version: '1.0.0' });
    expect(createApp({ controllers: [ThingsController] }).openapi().info).toEqual({ title: 'API', version: '1.0.0' });
  });

  it('renames a user schema that takes the name of the shared Problem component', () => {
    class Problem { @IsString() what!: string; }
    @Controller('/p') class PController { @Post('/') make(@Body() body: Problem) { return body; } }
    const doc = createApp({ controllers: [PController], openapi: true }).openapi();
    expect(doc.paths['/p'].post!.requestBody!.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Problem2' });
    expect(doc.components.schemas!.Problem).toMatchObject({ required: ['type', 'title', 'status', 'instance'] });
    expect(unresolvedRefs(doc)).toEqual([]);
  });

  it('throws RIVET_OPENAPI_SECURITY_SCHEME_CONFLICT when two guards give one scheme name two meanings', () => {
    @SecurityScheme('auth', { type: 'http', scheme: 'basic' }) class Basic implements CanActivate { canActivate() { return true; } }
    @SecurityScheme('auth', { type: 'http', scheme: 'bearer' }) class Bearer implements CanActivate { canActivate() { return true; } }
    @Controller('/s') class SController { @Get('/a') @Guard(Basic) a() {} @Get('/b') @Guard(Bearer) b() {} }
    expect(() => createApp({ controllers: [SController], openapi: true })).toThrow(expect.objectContaining({ code: 'RIVET_OPENAPI_SECURITY_SCHEME_CONFLICT' }));
  });

  it('lists the schemes of a guard that accepts any one of several as alternatives, each combined with the other guards', () => {
    const bearer = { name: 'bearer', scheme: { type: 'http' as const, scheme: 'bearer' } };
    const key = { name: 'apiKey', scheme: { type: 'apiKey' as const, in: 'header' as const, name: 'X-API-Key' } };
    class Either implements CanActivate, OpenApiGuard {
      canActivate() { return true; }
      securityScheme(route: GuardRouteInfo) { return [{ ...bearer, scopes: route.path === '/e/admin' ? ['admin'] : [] }, key]; }
    }
    @SecurityScheme('tenant', { type: 'apiKey', in: 'header', name: 'X-Tenant' }) class Tenant implements CanActivate { canActivate() { return true; } }
    @Controller('/e') @Guard(Either) class EController {
      @Get('/read') read() {}
      @Get('/admin') admin() {}
      @Get('/tenant') @Guard(Tenant) tenant() {}
      @Get('/twice') @Guard(Either) twice() {}
    }
    const doc = createApp({ controllers: [EController], openapi: true }).openapi();
    expect(doc.paths['/e/read'].get!.security).toEqual([{ bearer: [] }, { apiKey: [] }]);
    expect(doc.paths['/e/admin'].get!.security).toEqual([{ bearer: ['admin'] }, { apiKey: [] }]);
    expect(doc.paths['/e/tenant'].get!.security).toEqual([{ bearer: [], tenant: [] }, { apiKey: [], tenant: [] }]);
    // Guards run once each; a method guard equal to the controller's adds no requirement.
    expect(doc.paths['/e/twice'].get!.security).toEqual([{ bearer: [] }, { apiKey: [] }]);
    expect(validateOpenApi(doc)).toMatchObject({ valid: true });
  });

  it('documents app-wide guards on every operation', () => {
    @Controller('/open') class OpenController { @Get('/') one(@Query('q') q?: string) { return q ?? ''; } }
    const doc = createApp({ controllers: [OpenController], guards: [JwtAuth], openapi: true }).openapi();
    expect(doc.paths['/open'].get!.security).toEqual([{ bearer: [] }]);
  });
});

describe('the sample app document', () => {
  it('validates against the OpenAPI 3.1 schema with no errors', async () => {
    const doc = (await buildApp({ database: ':memory:' })).openapi();
    expect(validateOpenApi(doc)).toMatchObject({ valid: true, version: '3.1' });
    expect(unresolvedRefs(doc)).toEqual([]);
    expect(allKeys(doc).has('nullable')).toBe(false);
    const ids = operations(doc).map((o) => o.op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThan(0);
  });

  it('documents "a bearer token or an API key" as alternatives, with the roles a route needs', async () => {
    const doc = (await buildApp({ database: ':memory:' })).openapi();
    expect(Object.keys(doc.components!.securitySchemes!)).toEqual(['bearer', 'apiKey']);
    expect(find(doc, '/books', 'post').security).toEqual([{ bearer: [] }, { apiKey: [] }]);
    expect(find(doc, '/books/{id}', 'delete').security).toEqual([{ bearer: ['admin'] }, { apiKey: ['admin'] }]);
    expect(find(doc, '/books', 'get').security).toEqual([]);
  });
});
