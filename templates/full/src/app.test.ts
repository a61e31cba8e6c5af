import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { App } from 'rivetjs';
import { createContractCheck } from 'rivetjs/testing';
import { buildApp } from './app.js';

// Emails of this run only, so that the tests also pass on a database that outlives them (PostgreSQL).
const RUN = `${Date.now().toString(36)}${process.pid}`;
const ENV = {
  JWT_SECRET: 'a-test-secret-that-is-long-enough-0123456789',
  __TEST_DATABASE__
  LOG_LEVEL: 'silent',
  ADMIN_EMAIL: `admin-${RUN}@example.com`,
  ADMIN_PASSWORD: 'admin-password-for-tests',
};

describe('__APP_NAME__', () => {
  let app: App;
  let url: string;
  // Every answer `call` gets must match the OpenAPI document: its status, content type and body.
  let assertContract: ReturnType<typeof createContractCheck>;

  before(async () => {
    app = await buildApp(ENV);
    url = (await app.listen({ port: 0 })).url;
    assertContract = createContractCheck(app);
  });
  after(() => app.close());

  const call = async (method: string, path: string, options: { token?: string; body?: unknown } = {}) => {
    const headers: Record<string, string> = {};
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${url}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
    const text = await res.text();
    assertContract(method, path, { status: res.status, headers: Object.fromEntries(res.headers), body: text });
    return { status: res.status, headers: res.headers, body: text === '' ? undefined : JSON.parse(text) };
  };
  const signup = async (email: string) => (await call('POST', '/auth/signup', { body: { email, password: 'correct horse battery' } })).body.token as string;
  const login = async (email: string, password: string) => (await call('POST', '/auth/login', { body: { email, password } })).body.token as string;

  test('answers the health probe with security headers', async () => {
    const res = await call('GET', '/health');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  });

  test('serves Prometheus metrics', async () => {
    const res = await fetch(`${url}/metrics`);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /# TYPE/);
  });

  test('refuses todos without a token', async () => {
    const res = await call('GET', '/todos');
    assert.equal(res.status, 401);
    assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
  });

  test('creates, reads, updates and lists a todo for a signed-up user', async () => {
    const token = await signup(`ada-${RUN}@example.com`);
    const created = await call('POST', '/todos', { token, body: { title: 'write tests' } });
    assert.equal(created.status, 201);
    assert.equal(created.body.title, 'write tests');
    assert.equal(created.body.done, false);
    const updated = await call('PATCH', `/todos/${created.body.id}`, { token, body: { done: true } });
    assert.deepEqual(updated.body, { ...created.body, done: true });
    assert.deepEqual((await call('GET', '/todos', { token })).body, [updated.body]);
  });

  test('answers 422 with the location of each invalid field', async () => {
    const token = await signup(`bob-${RUN}@example.com`);
    const res = await call('POST', '/todos', { token, body: { title: '' } });
    assert.equal(res.status, 422);
    assert.deepEqual(res.body.errors.map((e: { loc: string[] }) => e.loc), [['body', 'title']]);
  });

  test('lets only admins delete', async () => {
    const token = await signup(`carol-${RUN}@example.com`);
    const todo = (await call('POST', '/todos', { token, body: { title: 'mine' } })).body;
    assert.equal((await call('DELETE', `/todos/${todo.id}`, { token })).status, 403);
    const admin = await login(ENV.ADMIN_EMAIL, ENV.ADMIN_PASSWORD);
    assert.equal((await call('DELETE', `/todos/${todo.id}`, { token: admin })).status, 204);
    assert.equal((await call('GET', `/todos/${todo.id}`, { token })).status, 404);
  });

  test('answers 409 naming the field when the email is taken, in any case, and creates nothing', async () => {
    await signup(`dave-${RUN}@example.com`);
    const res = await call('POST', '/auth/signup', { body: { email: `DAVE-${RUN}@example.com`, password: 'another long password' } });
    assert.equal(res.status, 409);
    assert.deepEqual(res.body.errors, [{ loc: ['body', 'email'], msg: 'is already taken', type: 'unique' }]);
    assert.equal((await call('POST', '/auth/login', { body: { email: `dave-${RUN}@example.com`, password: 'another long password' } })).status, 401);
  });

  test('refuses a wrong password', async () => {
    const res = await call('POST', '/auth/login', { body: { email: ENV.ADMIN_EMAIL, password: 'not-the-password' } });
    assert.equal(res.status, 401);
  });
});
