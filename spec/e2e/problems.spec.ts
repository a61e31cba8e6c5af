import { IsEmail, IsInt, Length, Max, Min, IsOptional, IsIn, ValidateNested, IsString } from 'class-validator';
import { Type } from 'class-transformer';
import {
  createApp, Controller, Get, Post, Param, Query, Body, Header, Cookie, Guard, HttpError, UnauthorizedError,
  type CanActivate,
} from '../../lib';
import type { TestClient } from '../../lib/testing';
import { PROBLEM, rawRequest, serve } from '../helpers/http';

class Address { @IsString() @Length(5, 5) zip!: string; }
class CreateUser {
  @Length(1, 50) name!: string;
  @IsEmail() email!: string;
  @IsInt() @Min(0) @Max(150) age!: number;
  @IsOptional() @ValidateNested() @Type(() => Address) address?: Address;
}
class ListQuery {
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) page?: number;
  @IsOptional() @IsIn(['asc', 'desc']) order?: string;
}
class Deny implements CanActivate { canActivate() { return false; } }
class NeedsToken implements CanActivate {
  canActivate(): boolean { throw new UnauthorizedError('A bearer token is required.', { headers: { 'www-authenticate': 'Bearer' } }); }
}

@Controller('/users')
class Users {
  @Post('/') create(@Body() body: CreateUser) { return body; }
  @Get('/') list(@Query() q: ListQuery) { return q; }
  @Get('/search') search(@Query('limit', { type: Number, minimum: 1, maximum: 100, default: 20 }) limit: number, @Query('tag') tags: string[], @Query('active') active?: boolean) { return { limit, tags: tags ?? null, active: active ?? null }; }
  @Get('/:id') one(@Param('id') id: number, @Header('X-Trace', { pattern: '^[a-z]+$' }) trace?: string, @Cookie('sid') sid?: string) { return { id, trace: trace ?? null, sid: sid ?? null }; }
  @Get('/denied/x') @Guard(Deny) denied() { return 'never'; }
  @Get('/token/x') @Guard(NeedsToken) token() { return 'never'; }
  @Get('/crash/x') crash(): string { throw new Error('database password is hunter2'); }
  @Get('/teapot/x') teapot(): string { throw new HttpError(418, 'short and stout'); }
  @Get('/string/x') str() { throw 'a string'; }
  @Get('/async/x') async asyncCrash(): Promise<never> { await Promise.resolve(); throw new TypeError('boom inside'); }
}

describe('problem+json answers over a socket', () => {
  let client: TestClient;
  beforeAll(async () => { client = await serve(createApp({ controllers: [Users] })); });
  afterAll(() => client.close());

  it('answers 201 with the validated DTO, unknown properties stripped', async () => {
    await client.post('/users').json({ name: 'Ada', email: 'ada@example.com', age: 36, admin: true }).expect(201)
      .expectHeader('content-type', 'application/json; charset=utf-8')
      .expectJson({ name: 'Ada', email: 'ada@example.com', age: 36 });
  });

  it('answers 422 with body locations when the DTO is invalid, nested ones included', async () => {
    const res = await client.post('/users').json({ name: '', email: 'nope', age: 200, address: { zip: '1' } }).expect(422).expectHeader('content-type', PROBLEM);
    expect(res.json()).toEqual({
      type: 'about:blank', title: 'Unprocessable Entity', status: 422, instance: '/users', detail: 'Validation failed: 4 errors',
      errors: [
        { loc: ['body', 'name'], msg: 'name must be longer than or equal to 1 characters', type: 'isLength' },
        { loc: ['body', 'email'], msg: 'email must be an email', type: 'isEmail' },
        { loc: ['body', 'age'], msg: 'age must not be greater than 150', type: 'max' },
        { loc: ['body', 'address', 'zip'], msg: 'zip must be longer than or equal to 5 characters', type: 'isLength' },
      ],
    });
  });

  it('answers 422 at loc body when the body is missing or not an object', async () => {
    const missing = await client.post('/users').expect(422);
    expect(missing.json()).toMatchObject({ errors: [{ loc: ['body'], msg: 'A request body is required', type: 'required' }] });
    const array = await client.post('/users').json([1, 2]).expect(422);
    expect(array.json()).toMatchObject({ errors: [{ loc: ['body'], msg: 'must be a JSON object, got an array', type: 'type' }] });
  });

  it('answers 422 with query locations when a query DTO is invalid', async () => {
    await client.get('/users?page=2&order=asc').expect(200).expectJson({ page: 2, order: 'asc' });
    const res = await client.get('/users?page=abc&order=sideways').expect(422).expectHeader('content-type', PROBLEM);
    expect(res.json()).toMatchObject({
      status: 422,
      errors: [
        { loc: ['query', 'page'], msg: 'page must not be less than 1', type: 'min' },
        { loc: ['query', 'page'], msg: 'page must be an integer number', type: 'isInt' },
        { loc: ['query', 'order'], msg: 'order must be one of the following values: asc, desc', type: 'isIn' },
      ],
    });
  });

  it('answers 422 when a path parameter does not coerce to its declared type', async () => {
    const res = await client.get('/users/abc').expect(422).expectHeader('content-type', PROBLEM);
    expect(res.json()).toEqual({
      type: 'about:blank', title: 'Unprocessable Entity', status: 422, instance: '/users/abc',
      detail: 'Validation failed: path.id: must be a valid number, got "abc"',
      errors: [{ loc: ['path', 'id'], msg: 'must be a valid number, got "abc"', type: 'type' }],
    });
  });

  it('enforces inline constraints, defaults and repeated keys, reporting every bad parameter at once', async () => {
    await client.get('/users/search').expect(200).expectJson({ limit: 20, tags: null, active: null });
    await client.get('/users/search?limit=5&tag=a&tag=b&active=false').expect(200).expectJson({ limit: 5, tags: ['a', 'b'], active: false });
    const res = await client.get('/users/search?limit=500&active=maybe').expect(422);
    expect(res.json()).toMatchObject({
      errors: [
        { loc: ['query', 'limit'], msg: 'must be <= 100', type: 'maximum' },
        { loc: ['query', 'active'], msg: 'must be a valid boolean, got "maybe"', type: 'type' },
      ],
    });
    const header = await client.get('/users/1').set('x-trace', 'ABC').expect(422);
    expect(header.json()).toMatchObject({ errors: [{ loc: ['header', 'X-Trace'], msg: 'must match the pattern ^[a-z]+$', type: 'pattern' }] });
  });

  it('reads headers by wire name and cookies by name', async () => {
    await client.get('/users/3').set('x-trace', 'abc').set('cookie', 'a=1; sid=s%20x').expect(200).expectJson({ id: 3, trace: 'abc', sid: 's x' });
  });

  it('answers 403 problem when a guard returns false', async () => {
    const res = await client.get('/users/denied/x').expect(403).expectHeader('content-type', PROBLEM);
    expect(res.json()).toEqual({ type: 'about:blank', title: 'Forbidden', status: 403, detail: 'You do not have permission to access this resource.', instance: '/users/denied/x' });
  });

  it('sends an HttpError thrown by a guard as is, with its headers', async () => {
    const res = await client.get('/users/token/x').expect(401).expectHeader('www-authenticate', 'Bearer').expectHeader('content-type', PROBLEM);
    expect(res.json()).toEqual({ type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'A bearer token is required.', instance: '/users/token/x' });
  });

  it('answers 500 without internals for unknown errors, sync, async or not an Error', async () => {
    for (const url of ['/users/crash/x', '/users/async/x', '/users/string/x']) {
      const res = await client.get(url).expect(500).expectHeader('content-type', PROBLEM);
      expect(res.json()).toEqual({ type: 'about:blank', title: 'Internal Server Error', status: 500, instance: url });
      expect(res.text).not.toMatch(/hunter2|boom|stack/);
    }
  });

  it('sends any HttpError status with its detail', async () => {
    const res = await client.get('/users/teapot/x').expect(418);
    expect(res.json()).toEqual({ type: 'about:blank', title: "I'm a Teapot", status: 418, detail: 'short and stout', instance: '/users/teapot/x' });
  });

  it('answers 400 for malformed JSON and for prototype-poisoning keys', async () => {
    const bad = await client.post('/users').send('{"name": ', 'application/json').expect(400).expectHeader('content-type', PROBLEM);
    expect(bad.json()).toMatchObject({ status: 400, title: 'Bad Request', detail: expect.stringMatching(/^The request body is not valid JSON/) });
    for (const body of ['{"__proto__": {"admin": true}}', '{"constructor": {"prototype": {"admin": true}}}']) {
      const res = await client.post('/users').send(body, 'application/json').expect(400);
      expect(res.json()).toMatchObject({ status: 400, detail: 'The JSON body contains a forbidden key ("__proto__" or "constructor.prototype").' });
    }
  });

  it('answers 415 for an unsupported content type or encoding', async () => {
    const res = await client.post('/users').send('<user/>', 'application/xml').expect(415).expectHeader('content-type', PROBLEM);
    expect(res.json()).toMatchObject({ status: 415, title: 'Unsupported Media Type', detail: 'Content-Type "application/xml" is not supported here; send application/json or application/x-www-form-urlencoded.' });
    await client.post('/users').send('x', 'application/json').set('content-encoding', 'gzip').expect(415);
  });

  it('answers 413 for a body over the limit, by Content-Length or while streaming', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(1024 * 1024), email: 'a@b.co', age: 1 });
    const res = await client.post('/users').send(big, 'application/json').expect(413).expectHeader('content-type', PROBLEM);
    expect(res.json()).toMatchObject({ status: 413, detail: 'The request body exceeds the limit of 1048576 bytes.' });
    const chunked = `POST /users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n` +
      `${(2 * 1024 * 1024).toString(16)}\r\n${'x'.repeat(2 * 1024 * 1024)}\r\n0\r\n\r\n`;
    const raw = await rawRequest(client.url, chunked);
    expect(raw).toMatch(/^HTTP\/1\.1 413 Payload Too Large\r\n/);
    expect(raw).toMatch(/content-type: application\/problem\+json/i);
  });

  it('answers a malformed HTTP request with a 400 problem instead of dropping it', async () => {
    const raw = await rawRequest(client.url, 'NOT HTTP AT ALL\r\n\r\n');
    expect(raw).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(raw).toContain('application/problem+json');
  });

  it('answers 431 problem for oversized headers', async () => {
    const raw = await rawRequest(client.url, `GET /users/1 HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20000)}\r\n\r\n`);
    expect(raw).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
  });
});

describe('debug mode', () => {
  it('adds the message and stack of unknown errors to the problem', async () => {
    const app = createApp({ controllers: [Users], debug: true });
    const res = await app.inject('/users/crash/x');
    expect(res.status).toBe(500);
    expect(res.json()).toEqual({
      type: 'about:blank', title: 'Internal Server Error', status: 500, instance: '/users/crash/x',
      detail: 'database password is hunter2', stack: expect.stringContaining('Error: database password is hunter2'),
    });
  });
});
