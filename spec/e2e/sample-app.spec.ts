import type { IncomingHttpHeaders } from 'node:http';
import { request } from 'undici';
import { buildApp } from '../../sample-app/src/app';

/** The bookshelf sample app (sample-app/), exercised over a real socket as its README shows it. */

const KEY = 'test-key';
const PROBLEM = 'application/problem+json; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json(): unknown;
}

type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

let app: ReturnType<typeof buildApp>;
let base: string;

// A fresh app per test: each has its own DI container, hence its own seeded repositories.
beforeEach(async () => {
  app = buildApp({ apiKey: KEY });
  base = (await app.listen({ port: 0 })).url;
});
afterEach(() => app.close());

async function call(method: Method, path: string, options: { headers?: Record<string, string>; json?: unknown } = {}): Promise<Answer> {
  const headers = { ...options.headers };
  if (options.json !== undefined) headers['content-type'] = 'application/json';
  const res = await request(`${base}${path}`, {
    method,
    headers,
    body: options.json === undefined ? undefined : JSON.stringify(options.json),
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers as IncomingHttpHeaders, text, json: () => JSON.parse(text) as unknown };
}

const SEEDED_BOOKS = [
  { id: 1, title: 'A Wizard of Earthsea', author: 'Ursula K. Le Guin', year: 1968 },
  { id: 2, title: 'The Left Hand of Darkness', author: 'Ursula K. Le Guin', year: 1969 },
  { id: 3, title: 'Kindred', author: 'Octavia E. Butler', year: 1979 },
  { id: 4, title: 'Stories of Your Life and Others', author: 'Ted Chiang', year: 2002 },
];
const NEW_BOOK = { title: 'Exhalation', author: 'Ted Chiang', year: 2019 };

describe('sample app: reading', () => {
  it('answers the health check', async () => {
    const res = await call('GET', '/health');
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('lists the seeded books as one page with the default limit', async () => {
    const res = await call('GET', '/books');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(JSON_TYPE);
    expect(res.json()).toEqual({ items: SEEDED_BOOKS, total: 4, limit: 20, offset: 0 });
  });

  it('filters books by author and year through the overridden list handler', async () => {
    const res = await call('GET', '/books?author=le%20guin&year=1969');
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ items: [SEEDED_BOOKS[1]], total: 1, limit: 20, offset: 0 });
  });

  it('pages authors through the inherited list handler', async () => {
    const res = await call('GET', '/authors?limit=2&offset=1');
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({
      items: [{ id: 2, name: 'Octavia E. Butler', born: 1947 }, { id: 3, name: 'Ted Chiang', born: 1967 }],
      total: 3,
      limit: 2,
      offset: 1,
    });
  });

  it('gets one book by id', async () => {
    const res = await call('GET', '/books/3');
    expect(res.status).toBe(200);
    expect(res.json()).toEqual(SEEDED_BOOKS[2]);
  });

  it('answers a 404 problem when the book does not exist', async () => {
    const res = await call('GET', '/books/99');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toBe(PROBLEM);
    expect(res.json()).toEqual({ type: 'about:blank', title: 'Not Found', status: 404, detail: 'Book 99 does not exist.', instance: '/books/99' });
  });

  it('answers 422 at the path parameter when the id is not a number', async () => {
    const res = await call('GET', '/authors/abc');
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toBe(PROBLEM);
    expect(res.json()).toMatchObject({ status: 422, errors: [{ loc: ['path', 'id'], msg: 'must be a valid number, got "abc"', type: 'type' }] });
  });

  it('answers 422 at the query parameter when the limit is out of range', async () => {
    const res = await call('GET', '/authors?limit=101');
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toBe(PROBLEM);
    expect(res.json()).toEqual({
      type: 'about:blank', title: 'Unprocessable Entity', status: 422, instance: '/authors?limit=101',
      detail: 'Validation failed: query.limit: must be <= 100',
      errors: [{ loc: ['query', 'limit'], msg: 'must be <= 100', type: 'maximum' }],
    });
  });

  it('answers 422 at the query DTO property when a book filter is invalid', async () => {
    const res = await call('GET', '/books?year=soon');
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toBe(PROBLEM);
    expect(res.json()).toMatchObject({ status: 422, errors: [{ loc: ['query', 'year'], msg: 'year must be an integer number', type: 'isInt' }] });
  });
});

describe('sample app: writing', () => {
  it('creates a book with the API key, answers 201 and drops undeclared properties', async () => {
    const created = await call('POST', '/books', { headers: { 'x-api-key': KEY }, json: { ...NEW_BOOK, admin: true } });
    expect(created.status).toBe(201);
    expect(created.json()).toEqual({ id: 5, ...NEW_BOOK });
    expect((await call('GET', '/books/5')).json()).toEqual({ id: 5, ...NEW_BOOK });
  });

  it('answers 422 with every failure located in the body when the book DTO is invalid', async () => {
    const res = await call('POST', '/books', { headers: { 'x-api-key': KEY }, json: { title: '', author: 'Ted Chiang', year: 'soon' } });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toBe(PROBLEM);
    expect(res.json()).toEqual({
      type: 'about:blank', title: 'Unprocessable Entity', status: 422, instance: '/books',
      detail: 'Validation failed: 4 errors',
      errors: [
        { loc: ['body', 'title'], msg: 'title must be longer than or equal to 1 characters', type: 'isLength' },
        { loc: ['body', 'year'], msg: 'year must not be greater than 2100', type: 'max' },
        { loc: ['body', 'year'], msg: 'year must not be less than 1450', type: 'min' },
        { loc: ['body', 'year'], msg: 'year must be an integer number', type: 'isInt' },
      ],
    });
  });

  it('validates each subclass against its own DTO: a book body is not an author', async () => {
    const res = await call('POST', '/authors', { headers: { 'x-api-key': KEY }, json: NEW_BOOK });
    expect(res.status).toBe(422);
    expect(res.json()).toMatchObject({
      errors: [
        { loc: ['body', 'name'], msg: 'name must be longer than or equal to 1 characters', type: 'isLength' },
        { loc: ['body', 'name'], msg: 'name must be a string', type: 'isString' },
      ],
    });
  });

  it('replaces an author, and answers 404 for a missing one', async () => {
    const replaced = await call('PUT', '/authors/3', { headers: { 'x-api-key': KEY }, json: { name: 'Ted Chiang' } });
    expect(replaced.status).toBe(200);
    expect(replaced.json()).toEqual({ id: 3, name: 'Ted Chiang', born: null });
    const missing = await call('PUT', '/authors/99', { headers: { 'x-api-key': KEY }, json: { name: 'Nobody' } });
    expect(missing.status).toBe(404);
    expect(missing.json()).toEqual({ type: 'about:blank', title: 'Not Found', status: 404, detail: 'Author 99 does not exist.', instance: '/authors/99' });
  });

  it('answers 401 with a challenge when the API key is missing', async () => {
    const res = await call('POST', '/books', { json: NEW_BOOK });
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toBe(PROBLEM);
    expect(res.headers['www-authenticate']).toBe('ApiKey header="X-API-Key"');
    expect(res.json()).toEqual({ type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'Send your API key in the X-API-Key header.', instance: '/books' });
  });

  it('answers 401 when the API key is wrong, including the default dev key once another is configured', async () => {
    const res = await call('POST', '/books', { headers: { 'x-api-key': 'dev-key' }, json: NEW_BOOK });
    expect(res.status).toBe(401);
    expect(res.json()).toEqual({ type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'The API key is not valid.', instance: '/books' });
    expect((await call('GET', '/books')).json()).toMatchObject({ total: 4 });
  });
});

describe('sample app: deleting needs the admin role', () => {
  it('answers 403 when the key is right but the role is not admin', async () => {
    const res = await call('DELETE', '/books/1', { headers: { 'x-api-key': KEY, 'x-role': 'reader' } });
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toBe(PROBLEM);
    expect(res.json()).toEqual({ type: 'about:blank', title: 'Forbidden', status: 403, detail: 'You do not have permission to access this resource.', instance: '/books/1' });
  });

  it('checks the key before the role', async () => {
    const res = await call('DELETE', '/books/1', { headers: { 'x-role': 'admin' } });
    expect(res.status).toBe(401);
  });

  it('deletes with the key and the admin role, answering 204 with no body', async () => {
    const res = await call('DELETE', '/books/1', { headers: { 'x-api-key': KEY, 'x-role': 'admin' } });
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect((await call('GET', '/books/1')).status).toBe(404);
    expect((await call('DELETE', '/books/1', { headers: { 'x-api-key': KEY, 'x-role': 'admin' } })).status).toBe(404);
  });
});

describe('sample app: HTTP semantics', () => {
  it('answers HEAD like GET, with the same Content-Length and no body', async () => {
    const get = await call('GET', '/books/2');
    const head = await call('HEAD', '/books/2');
    expect(head.status).toBe(200);
    expect(head.headers['content-type']).toBe(JSON_TYPE);
    expect(head.headers['content-length']).toBe(String(Buffer.byteLength(get.text)));
    expect(head.text).toBe('');
  });

  it('answers OPTIONS with 204 and the methods of each path in Allow', async () => {
    const item = await call('OPTIONS', '/books/2');
    expect(item.status).toBe(204);
    expect(item.headers.allow).toBe('GET, HEAD, PUT, DELETE, OPTIONS');
    const collection = await call('OPTIONS', '/authors');
    expect(collection.status).toBe(204);
    expect(collection.headers.allow).toBe('GET, HEAD, POST, OPTIONS');
  });

  it('answers 405 with Allow for a method the path does not declare', async () => {
    const res = await call('PATCH', '/books/2', { json: { year: 1970 } });
    expect(res.status).toBe(405);
    expect(res.headers['content-type']).toBe(PROBLEM);
    expect(res.headers.allow).toBe('GET, HEAD, PUT, DELETE, OPTIONS');
  });
});
