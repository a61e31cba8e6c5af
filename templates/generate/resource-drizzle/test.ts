import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { App } from 'rivetjs';
import { buildApp } from '../app.js';

// Names of this run only, so that the test also passes on a database that outlives it (PostgreSQL).
const RUN = `${Date.now().toString(36)}${process.pid}`;
const ENV = {
  JWT_SECRET: 'a-test-secret-that-is-long-enough-0123456789',
  __TEST_DATABASE__
  LOG_LEVEL: 'silent',
  ADMIN_EMAIL: `admin-${RUN}@example.com`,
  ADMIN_PASSWORD: 'admin-password-for-tests',
};

let app: App;
let user: Record<string, string>;
let admin: Record<string, string>;

const tokenOf = async (path: string, email: string, password: string): Promise<Record<string, string>> => {
  const res = await app.inject({ method: 'POST', url: path, body: { email, password } });
  return { authorization: `Bearer ${res.json<{ token: string }>().token}` };
};

before(async () => {
  app = await buildApp(ENV);
  user = await tokenOf('/auth/signup', `__FILE__-${RUN}@example.com`, 'correct horse battery');
  admin = await tokenOf('/auth/login', ENV.ADMIN_EMAIL, ENV.ADMIN_PASSWORD);
});
after(() => app.close());

test('__ROUTE__: create, read, update and list for a signed-in user; delete for admins', async () => {
  assert.equal((await app.inject('/__ROUTE__')).status, 401);
  const created = await app.inject({ method: 'POST', url: '/__ROUTE__', headers: user, body: { name: `first ${RUN}` } });
  assert.equal(created.status, 201);
  const item = created.json<{ id: number; name: string }>();
  assert.deepEqual(item, { id: item.id, name: `first ${RUN}` });
  assert.deepEqual((await app.inject({ url: `/__ROUTE__/${item.id}`, headers: user })).json(), item);
  const updated = await app.inject({ method: 'PATCH', url: `/__ROUTE__/${item.id}`, headers: user, body: { name: `renamed ${RUN}` } });
  assert.deepEqual(updated.json(), { id: item.id, name: `renamed ${RUN}` });
  const page = await app.inject({ url: '/__ROUTE__?limit=100', headers: user });
  assert.ok(page.json<{ id: number }[]>().some((i) => i.id === item.id));
  assert.equal((await app.inject({ method: 'DELETE', url: `/__ROUTE__/${item.id}`, headers: user })).status, 403);
  assert.equal((await app.inject({ method: 'DELETE', url: `/__ROUTE__/${item.id}`, headers: admin })).status, 204);
  assert.equal((await app.inject({ url: `/__ROUTE__/${item.id}`, headers: user })).status, 404);
});

test('__ROUTE__: answers 422 for an invalid body', async () => {
  const res = await app.inject({ method: 'POST', url: '/__ROUTE__', headers: user, body: { name: '' } });
  assert.equal(res.status, 422);
});
