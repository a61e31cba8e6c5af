'use strict';

/**
 * The workload every server in bench/servers/ must answer identically, and the shared data it answers with.
 * The runner checks every route, and every probe in `checks`, once per server start (status and body) before
 * loading it, so a server that cuts a corner fails loudly instead of winning.
 *
 * - GET  /hello        with `x-api-key: secret` → 200 {"hello":"world"}; without it → 403. A guarded controller.
 * - GET  /items/:id?fields=x → 200 {"id":<number>,"fields":"x"}; the id is coerced to a number (`abc` → 400/422).
 * - POST /users        {name, email, age} → 201 {"id":n, name, email, age}; name 1–50 chars, email an address,
 *                      age an integer 0–150; unknown keys dropped (whitelist); invalid → 400/422.
 * - POST /orders       a nested DTO (3 levels, arrays; see ORDER) → 201 {"id":n, ...order}; unknown keys dropped at
 *                      every level; invalid → 400/422.
 * - GET  /items        → 200 the 1000 ITEMS, each exactly {id, name, price, inStock, tags} (declared response type).
 *
 * Refusals may be 400 (Fastify's and Nest's defaults) or 422 (Rivet's): each framework as its users run it.
 */
const API_KEY = 'secret';
const USER = { name: 'Ada Lovelace', email: 'ada@example.com', age: 36 };

/**
 * Three levels (Order → Customer → Address) and arrays (lines: Line[], tags: string[]). Constraints:
 * Address {street 1–100, city 1–50, zip /^\d{5}$/}; Customer {name 1–50, email, address: Address};
 * Line {sku /^[A-Z]{3}-\d{3}$/, quantity integer 1–100, price number ≥ 0};
 * Order {customer: Customer, lines: Line[] (1–50), tags?: string[] (≤ 10)}.
 */
const ORDER = {
  customer: {
    name: 'Ada Lovelace',
    email: 'ada@example.com',
    address: { street: '12 St James Square', city: 'London', zip: '10001' },
  },
  lines: [
    { sku: 'RVT-001', quantity: 2, price: 9.5 },
    { sku: 'RVT-002', quantity: 1, price: 120 },
    { sku: 'NST-010', quantity: 12, price: 0.25 },
  ],
  tags: ['gift', 'express'],
};

const ITEM_COUNT = 1000;
/** The list route's payload: built once per server at start-up, the same for every server. */
function makeItems(n = ITEM_COUNT) {
  const items = new Array(n);
  for (let i = 0; i < n; i++) {
    items[i] = {
      id: i + 1,
      name: `Item number ${i + 1}`,
      price: Math.round(((i * 7919) % 100000)) / 100,
      inStock: i % 3 !== 0,
      tags: i % 2 === 0 ? ['red', 'large'] : ['blue'],
    };
  }
  return items;
}

const json = { 'content-type': 'application/json' };
/** Structural equality, key order ignored (serializers may order keys by schema or by declaration). */
const canonical = (v) => (Array.isArray(v) ? v.map(canonical) : v !== null && typeof v === 'object'
  ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical(v[k])])) : v);
const deepEqual = (a, b) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
const keys = (o) => (o !== null && typeof o === 'object' ? Object.keys(o).sort().join(',') : '');

const routes = [
  {
    name: 'GET /hello (guard)',
    id: 'get',
    method: 'GET',
    path: '/hello',
    headers: { 'x-api-key': API_KEY },
    body: undefined,
    status: 200,
    check: (res) => deepEqual(res, { hello: 'world' }),
  },
  {
    name: 'GET /items/:id?fields (params)',
    id: 'params',
    method: 'GET',
    path: '/items/42?fields=name',
    headers: {},
    body: undefined,
    status: 200,
    check: (res) => res !== null && res.id === 42 && res.fields === 'name' && keys(res) === 'fields,id',
  },
  {
    name: 'POST /users (DTO)',
    id: 'post',
    method: 'POST',
    path: '/users',
    headers: json,
    body: JSON.stringify(USER),
    status: 201,
    check: (res) => res !== null && typeof res.id === 'number' && deepEqual({ ...res, id: 0 }, { id: 0, ...USER }),
  },
  {
    name: 'POST /orders (nested DTO)',
    id: 'nested',
    method: 'POST',
    path: '/orders',
    headers: json,
    body: JSON.stringify(ORDER),
    status: 201,
    check: (res) => res !== null && typeof res.id === 'number' && deepEqual({ ...res, id: 0 }, { id: 0, ...ORDER }),
  },
  {
    name: 'GET /items (1000-item JSON)',
    id: 'list',
    method: 'GET',
    path: '/items',
    headers: {},
    body: undefined,
    status: 200,
    check: (res) => deepEqual(res, makeItems()),
  },
];

const withExtra = (o, extra) => ({ ...o, ...extra });

/** Probes made before every load besides the routes themselves: the guard, coercion, validation and whitelist run. */
const checks = [
  { name: 'GET /hello without key', method: 'GET', path: '/hello', headers: {}, status: 403 },
  { name: 'GET /items/abc (not a number)', method: 'GET', path: '/items/abc', headers: {}, status: [400, 422] },
  { name: 'GET /items/7 without fields', method: 'GET', path: '/items/7', headers: {}, status: 200, check: (res) => deepEqual(res, { id: 7 }) },
  {
    name: 'POST /users invalid',
    method: 'POST', path: '/users', headers: json, status: [400, 422],
    body: JSON.stringify({ name: '', email: 'nope', age: 200.5 }),
  },
  {
    name: 'POST /users with an unknown key (whitelist)',
    method: 'POST', path: '/users', headers: json, status: 201,
    body: JSON.stringify(withExtra(USER, { admin: true })),
    check: (res) => res !== null && !('admin' in res) && res.name === USER.name,
  },
  {
    name: 'POST /orders invalid at level 3',
    method: 'POST', path: '/orders', headers: json, status: [400, 422],
    body: JSON.stringify({ ...ORDER, customer: { ...ORDER.customer, address: { ...ORDER.customer.address, zip: 'SW1' } } }),
  },
  {
    name: 'POST /orders invalid in an array item',
    method: 'POST', path: '/orders', headers: json, status: [400, 422],
    body: JSON.stringify({ ...ORDER, lines: [ORDER.lines[0], { ...ORDER.lines[1], quantity: 0 }] }),
  },
  {
    name: 'POST /orders with unknown keys at levels 1–3 (whitelist)',
    method: 'POST', path: '/orders', headers: json, status: 201,
    body: JSON.stringify({
      ...ORDER, admin: true,
      customer: { ...ORDER.customer, vip: true, address: { ...ORDER.customer.address, floor: 3 } },
      lines: ORDER.lines.map((l) => ({ ...l, discount: 1 })),
    }),
    check: (res) => res !== null && deepEqual({ ...res, id: 0 }, { id: 0, ...ORDER }),
  },
];

module.exports = { routes, checks, API_KEY, USER, ORDER, ITEM_COUNT, makeItems };
