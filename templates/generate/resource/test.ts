import 'reflect-metadata';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createApp } from 'rivetjs';
import { __CLASS__Controller } from './__FILE__.controller.js';

test('__ROUTE__: create, read, update, list and delete', async () => {
  const app = createApp({ controllers: [__CLASS__Controller] });
  const created = await app.inject({ method: 'POST', url: '/__ROUTE__', body: { name: 'first' } });
  assert.equal(created.status, 201);
  assert.deepEqual(created.json(), { id: 1, name: 'first' });
  assert.deepEqual((await app.inject('/__ROUTE__/1')).json(), { id: 1, name: 'first' });
  const updated = await app.inject({ method: 'PATCH', url: '/__ROUTE__/1', body: { name: 'renamed' } });
  assert.deepEqual(updated.json(), { id: 1, name: 'renamed' });
  assert.deepEqual((await app.inject('/__ROUTE__')).json(), [{ id: 1, name: 'renamed' }]);
  assert.equal((await app.inject({ method: 'DELETE', url: '/__ROUTE__/1' })).status, 204);
  assert.equal((await app.inject('/__ROUTE__/1')).status, 404);
});

test('__ROUTE__: answers 422 for an invalid body', async () => {
  const app = createApp({ controllers: [__CLASS__Controller] });
  const res = await app.inject({ method: 'POST', url: '/__ROUTE__', body: { name: '' } });
  assert.equal(res.status, 422);
});
