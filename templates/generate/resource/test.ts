import 'reflect-metadata';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createApp } from 'rivetjs';
import { __CLASS__Controller } from './__FILE__.controller.js';

// contract: true makes inject reject any answer whose status, content type or body the OpenAPI document does not allow.
test('__ROUTE__: create, read, update, list and delete', async () => {
  const app = createApp({ controllers: [__CLASS__Controller] });
  const created = await app.inject({ method: 'POST', url: '/__ROUTE__', body: { name: 'first' }, contract: true });
  assert.equal(created.status, 201);
  assert.deepEqual(created.json(), { id: 1, name: 'first' });
  assert.deepEqual((await app.inject({ url: '/__ROUTE__/1', contract: true })).json(), { id: 1, name: 'first' });
  const updated = await app.inject({ method: 'PATCH', url: '/__ROUTE__/1', body: { name: 'renamed' }, contract: true });
  assert.deepEqual(updated.json(), { id: 1, name: 'renamed' });
  assert.deepEqual((await app.inject({ url: '/__ROUTE__', contract: true })).json(), [{ id: 1, name: 'renamed' }]);
  assert.equal((await app.inject({ method: 'DELETE', url: '/__ROUTE__/1', contract: true })).status, 204);
  assert.equal((await app.inject({ url: '/__ROUTE__/1', contract: true })).status, 404);
});

test('__ROUTE__: answers 422 for an invalid body', async () => {
  const app = createApp({ controllers: [__CLASS__Controller] });
  const res = await app.inject({ method: 'POST', url: '/__ROUTE__', body: { name: '' }, contract: true });
  assert.equal(res.status, 422);
});
