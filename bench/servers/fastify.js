'use strict';
// Fastify, as its users write it: JSON Schemas for params, query, body and every response (ajv validates requests,
// fast-json-stringify writes responses), and the guard as an onRequest hook in an encapsulated plugin.
const fastify = require('fastify');
const schemas = require('./_fastify-schemas');
const { makeItems } = require('../routes');

const ITEMS = makeItems();
let nextId = 0;

const app = fastify({ logger: false });

app.register(async (guarded) => {
  guarded.addHook('onRequest', (request, reply, done) => {
    if (request.headers['x-api-key'] === 'secret') done();
    else reply.code(403).send({ error: 'forbidden' });
  });
  guarded.get('/hello', { schema: schemas.hello }, async () => ({ hello: 'world' }));
});

app.get('/items/:id', { schema: schemas.params }, async (request) => ({ id: request.params.id, fields: request.query.fields }));
app.get('/items', { schema: schemas.list }, async () => ITEMS);
app.post('/users', { schema: schemas.createUser }, async (request, reply) => {
  reply.code(201);
  return { id: ++nextId, ...request.body };
});
app.post('/orders', { schema: schemas.createOrder }, async (request, reply) => {
  reply.code(201);
  return { id: ++nextId, ...request.body };
});

// The hostile-bodies stage's route (bench/lib/hostile.js): two parameters, the nested body with a category chain.
app.post('/shops/:shop/orders', { schema: schemas.createShopOrder }, async (request, reply) => {
  reply.code(201);
  return { id: ++nextId, shop: request.params.shop, lines: request.body.lines.length };
});

app.listen({ port: 0, host: '127.0.0.1' }).then(() => {
  process.stdout.write(`${app.server.address().port}\n`);
});
