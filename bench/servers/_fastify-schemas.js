'use strict';
// JSON Schemas of the workload, as a Fastify user writes them: request schemas (validated by Fastify's ajv, with its
// defaults: removeAdditional, coerceTypes 'array', ajv-formats) and response schemas (compiled by
// fast-json-stringify). Shared by servers/fastify.js and micro/validate.js.

const text = (minLength, maxLength) => ({ type: 'string', minLength, maxLength });
const object = (properties, required = Object.keys(properties)) => ({ type: 'object', additionalProperties: false, required, properties });

const user = object({ name: text(1, 50), email: { type: 'string', format: 'email' }, age: { type: 'integer', minimum: 0, maximum: 150 } });
const address = object({ street: text(1, 100), city: text(1, 50), zip: { type: 'string', pattern: '^\\d{5}$' } });
const customer = object({ name: text(1, 50), email: { type: 'string', format: 'email' }, address });
const line = object({ sku: { type: 'string', pattern: '^[A-Z]{3}-\\d{3}$' }, quantity: { type: 'integer', minimum: 1, maximum: 100 }, price: { type: 'number', minimum: 0 } });
const order = object({
  customer,
  lines: { type: 'array', minItems: 1, maxItems: 50, items: line },
  tags: { type: 'array', maxItems: 10, items: { type: 'string' } },
}, ['customer', 'lines']);

// POST /shops/:shop/orders (bench/lib/hostile.js): the order plus an optional self-referencing category chain.
const category = object({ name: text(1, 50), parent: { $ref: '#/definitions/category' } }, ['name']);
const shopOrder = {
  ...object({ ...order.properties, category: { $ref: '#/definitions/category' } }, order.required),
  definitions: { category },
};

const withId = (schema) => ({ ...schema, required: ['id', ...schema.required], properties: { id: { type: 'integer' }, ...schema.properties } });

const item = object({ id: { type: 'integer' }, name: { type: 'string' }, price: { type: 'number' }, inStock: { type: 'boolean' }, tags: { type: 'array', items: { type: 'string' } } });

module.exports = {
  user, order, item,
  hello: { response: { 200: object({ hello: { type: 'string' } }) } },
  params: {
    params: object({ id: { type: 'integer' } }),
    querystring: { type: 'object', properties: { fields: { type: 'string' } } },
    response: { 200: object({ id: { type: 'integer' }, fields: { type: 'string' } }, ['id']) },
  },
  createUser: { body: user, response: { 201: withId(user) } },
  createOrder: { body: order, response: { 201: withId(order) } },
  list: { response: { 200: { type: 'array', items: item } } },
  shopOrder,
  createShopOrder: {
    params: object({ shop: text(1, 50) }),
    body: shopOrder,
    response: { 201: object({ id: { type: 'integer' }, shop: { type: 'string' }, lines: { type: 'integer' } }) },
  },
};
