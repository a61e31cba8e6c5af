import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildApp } from '../app.js';

test('GET /hello greets the world by default', async () => {
  const res = await buildApp({ LOG_LEVEL: 'silent' }).inject({ url: '/hello', contract: true });
  assert.equal(res.status, 200);
  assert.deepEqual(res.json(), { message: 'Hello, world!' });
});

test('GET /hello greets by name', async () => {
  const res = await buildApp({ LOG_LEVEL: 'silent' }).inject({ url: '/hello?name=Ada', contract: true });
  assert.deepEqual(res.json(), { message: 'Hello, Ada!' });
});
