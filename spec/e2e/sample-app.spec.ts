import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { buildApp } from '../../sample-app/src/app';
import { createContractCheck } from '../../lib/testing';
import { waitFor } from '../helpers/wait';
import { sampleDatabase, sampleDialect } from '../helpers/sample-database';

/** The bookshelf sample app (sample-app/), exercised over a real socket as its README shows it. */

const KEY = 'test-key';
const ADMIN = { email: 'admin@example.com', password: 'admin-password-for-tests' };
const PROBLEM = 'application/problem+json; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json(): unknown;
}

type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

let app: Awaited<ReturnType<typeof buildApp>>;
let base: string;
// The contract check: every answer `call` gets must match the app's OpenAPI document (status, content type, body).
let assertContract: ReturnType<typeof createContractCheck>;

// A fresh app per test: each has its own DI container, hence its own seeded repositories.
beforeEach(async () => {
  app = await buildApp({ apiKey: KEY, database: await sampleDatabase(), env: { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password } });
  base = (await app.listen({ port: 0 })).url;
  assertContract = createContractCheck(app);
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
  assertContract(method, path, { status: res.statusCode, headers: res.headers as IncomingHttpHeaders, body: text });
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
    expect(res.json()).toMatchObject({ status: 'up' });
    const ready = await call('GET', '/ready');
    expect(ready.status).toBe(200);
    expect(ready.json()).toEqual({ status: 'up', checks: { database: { status: 'up', durationMs: expect.any(Number) } } });
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
      type: 'about:blank', title: 'Unprocessable Entity', status: 422, instance: '/authors',
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

  it('answers 401 with a challenge naming both schemes when there are no credentials', async () => {
    const res = await call('POST', '/books', { json: NEW_BOOK });
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toBe(PROBLEM);
    expect(res.headers['www-authenticate']).toBe('Bearer, ApiKey header="X-API-Key"');
    expect(res.json()).toEqual({ type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'Sign in and send Authorization: Bearer <token>, or send an API key in X-API-Key.', instance: '/books' });
  });

  it('answers 401 when the API key is wrong, including the default dev key once another is configured', async () => {
    const res = await call('POST', '/books', { headers: { 'x-api-key': 'dev-key' }, json: NEW_BOOK });
    expect(res.status).toBe(401);
    expect(res.json()).toEqual({ type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'The API key is not valid.', instance: '/books' });
    expect((await call('GET', '/books')).json()).toMatchObject({ total: 4 });
  });
});

async function signIn(path: '/auth/signup' | '/auth/login', credentials: { email: string; password: string }): Promise<string> {
  const res = await call('POST', path, { json: credentials });
  expect(res.status).toBe(path === '/auth/signup' ? 201 : 200);
  return (res.json() as { token: string }).token;
}
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const READER = { email: 'reader@example.com', password: 'correct horse battery' };

describe('sample app: accounts', () => {
  it('signs up a reader and answers a token with the account, never the password hash', async () => {
    const res = await call('POST', '/auth/signup', { json: READER });
    expect(res.status).toBe(201);
    const body = res.json() as { token: string; user: unknown };
    expect(body.user).toEqual({ id: 2, email: READER.email, role: 'reader' });
    expect(body.token.split('.')).toHaveLength(3);
    expect((await call('GET', '/auth/me', { headers: bearer(body.token) })).json()).toEqual({ id: 2, email: READER.email, role: 'reader' });
  });

  it('refuses a second account with the same email, whatever its case', async () => {
    await signIn('/auth/signup', READER);
    const res = await call('POST', '/auth/signup', { json: { ...READER, email: READER.email.toUpperCase() } });
    expect(res.status).toBe(409);
    expect(res.headers['content-type']).toBe(PROBLEM);
  });

  it('validates credentials as a DTO: 422 with each failure located', async () => {
    const res = await call('POST', '/auth/signup', { json: { email: 'nope', password: 'short' } });
    expect(res.status).toBe(422);
    expect((res.json() as { errors: { loc: string[] }[] }).errors.map((e) => e.loc)).toEqual([['body', 'email'], ['body', 'password']]);
  });

  it('logs in with the right password only, with one message for a wrong password and an unknown email', async () => {
    await signIn('/auth/signup', READER);
    expect(await signIn('/auth/login', READER)).toMatch(/^ey/);
    for (const wrong of [{ ...READER, password: 'not the password' }, { email: 'nobody@example.com', password: 'not the password' }]) {
      const res = await call('POST', '/auth/login', { json: wrong });
      expect(res.status).toBe(401);
      expect(res.json()).toEqual({ type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'Wrong email or password.', instance: '/auth/login' });
    }
  });

  it('lets a signed-in reader write, and refuses a forged token', async () => {
    const token = await signIn('/auth/signup', READER);
    expect((await call('POST', '/books', { headers: bearer(token), json: NEW_BOOK })).status).toBe(201);
    const forged = `${token.slice(0, -4)}AAAA`;
    expect((await call('POST', '/books', { headers: bearer(forged), json: NEW_BOOK })).status).toBe(401);
  });
});

describe('sample app: deleting needs the admin role', () => {
  it('answers 403 naming the role to an API key client and to a reader', async () => {
    const reader = await signIn('/auth/signup', READER);
    for (const headers of [{ 'x-api-key': KEY }, bearer(reader)]) {
      const res = await call('DELETE', '/books/1', { headers });
      expect(res.status).toBe(403);
      expect(res.headers['content-type']).toBe(PROBLEM);
      expect(res.json()).toEqual({ type: 'about:blank', title: 'Forbidden', status: 403, detail: 'This route requires the role "admin".', instance: '/books/1' });
    }
  });

  it('checks credentials before the role', async () => {
    const res = await call('DELETE', '/books/1');
    expect(res.status).toBe(401);
  });

  it('deletes as the configured admin, answering 204 with no body', async () => {
    const admin = await signIn('/auth/login', ADMIN);
    const res = await call('DELETE', '/books/1', { headers: bearer(admin) });
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect((await call('GET', '/books/1')).status).toBe(404);
    expect((await call('DELETE', '/books/1', { headers: bearer(admin) })).status).toBe(404);
  });
});

const SEEDED_REVIEWS = [
  { id: 1, bookId: 1, rating: 5, text: 'The shadow chapter still gives me chills.' },
  { id: 2, bookId: 1, rating: 4, text: 'Short, strange and wise.' },
  { id: 3, bookId: 3, rating: 5, text: 'Unputdownable.' },
];

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Opens `GET /reviews/live`; resolves once the head arrived, with what has come so far. */
function openFeed(): Promise<{ res: IncomingMessage; text: () => string; close: () => void }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}/reviews/live`, { headers: { accept: 'text/event-stream' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { text += c; });
      resolve({ res, text: () => text, close: () => req.destroy() });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('sample app: reviews', () => {
  it('filters reviews by book and minimum rating, one page at a time', async () => {
    expect((await call('GET', '/reviews?bookId=1')).json()).toEqual({ items: SEEDED_REVIEWS.slice(0, 2), total: 2, limit: 20, offset: 0 });
    expect((await call('GET', '/reviews?minRating=5&limit=1&offset=1')).json()).toEqual({ items: [SEEDED_REVIEWS[2]], total: 2, limit: 1, offset: 1 });
    const bad = await call('GET', '/reviews?minRating=9');
    expect(bad.status).toBe(422);
    expect(bad.json()).toMatchObject({ errors: [expect.objectContaining({ loc: ['query', 'minRating'], type: 'max' })] });
  });

  it('refuses a review of a book that does not exist with a 422 at body.bookId', async () => {
    const res = await call('POST', '/reviews', { headers: { 'x-api-key': KEY }, json: { bookId: 99, rating: 3, text: 'Hm.' } });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toBe(PROBLEM);
    expect(res.json()).toMatchObject({ status: 422, errors: [{ loc: ['body', 'bookId'], msg: 'book 99 does not exist', type: 'exists' }] });
  });

  it('sends each new review to the live feed as a Server-Sent Event', async () => {
    const feed = await openFeed();
    try {
      expect(feed.res.statusCode).toBe(200);
      expect(feed.res.headers['content-type']).toMatch(/^text\/event-stream/);
      const created = await call('POST', '/reviews', { headers: { 'x-api-key': KEY }, json: { bookId: 4, rating: 5, text: 'Story of your life, indeed.' } });
      expect(created.status).toBe(201);
      const review = { id: 4, bookId: 4, rating: 5, text: 'Story of your life, indeed.' };
      expect(created.json()).toEqual(review);
      await waitFor(() => feed.text().includes('event: review')).catch(() => undefined);
      // The event id is the feed's own (a stream id, increasing), which a reconnecting client sends back as Last-Event-ID.
      expect(feed.text()).toMatch(new RegExp(`event: review\nid: \\d+-\\d+\ndata: ${escape(JSON.stringify(review))}\n\n`));
    } finally {
      feed.close();
    }
  });

  it('deletes the reviews of a deleted book', async () => {
    const admin = await signIn('/auth/login', ADMIN);
    expect((await call('DELETE', '/books/1', { headers: bearer(admin) })).status).toBe(204);
    expect((await call('GET', '/reviews?bookId=1')).json()).toMatchObject({ items: [], total: 0 });
    expect((await call('GET', '/reviews')).json()).toMatchObject({ total: 1 });
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

// The file on disk is SQLite's; on PostgreSQL the whole suite already runs on a server that outlives each app.
if (sampleDialect() === 'sqlite') describe('sample app: storage', () => {
  it('keeps writes in its SQLite file across restarts and seeds a new database once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bookshelf-'));
    const database = join(dir, 'data', 'bookshelf.sqlite');
    try {
      const first = await buildApp({ apiKey: KEY, database });
      const created = await first.inject({ method: 'POST', url: '/books', headers: { 'x-api-key': KEY }, body: NEW_BOOK });
      expect(created.status).toBe(201);
      await first.close();

      const second = await buildApp({ apiKey: KEY, database });
      const page = (await second.inject('/books')).json<{ items: unknown[]; total: number }>();
      expect(page.total).toBe(SEEDED_BOOKS.length + 1);
      expect(page.items).toEqual([...SEEDED_BOOKS, { id: 5, ...NEW_BOOK }]);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
