'use strict';
// Raw node:http: the baseline. Does by hand, as directly as a careful author would, what the framework apps do with
// a guard, parameter coercion, DTOs and a router: the speed of light for this workload on this Node.
const http = require('node:http');
const querystring = require('node:querystring');
const { makeItems } = require('../routes');

const API_KEY = 'secret';
const BODY_LIMIT = 1024 * 1024;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const ZIP = /^\d{5}$/;
const SKU = /^[A-Z]{3}-\d{3}$/;
const JSON_TYPE = 'application/json; charset=utf-8';
const HELLO = { hello: 'world' };
const ITEMS = makeItems();
let nextId = 0;

function send(res, status, value) {
  const payload = JSON.stringify(value);
  res.writeHead(status, { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const isText = (v, min, max) => typeof v === 'string' && v.length >= min && v.length <= max;

function validUser(v) {
  if (!isObject(v)) return null;
  const { name, email, age } = v;
  if (!isText(name, 1, 50)) return null;
  if (typeof email !== 'string' || !EMAIL.test(email)) return null;
  if (!Number.isInteger(age) || age < 0 || age > 150) return null;
  return { name, email, age };
}

function validAddress(v) {
  if (!isObject(v)) return null;
  const { street, city, zip } = v;
  if (!isText(street, 1, 100) || !isText(city, 1, 50) || typeof zip !== 'string' || !ZIP.test(zip)) return null;
  return { street, city, zip };
}

function validCustomer(v) {
  if (!isObject(v)) return null;
  const { name, email } = v;
  if (!isText(name, 1, 50) || typeof email !== 'string' || !EMAIL.test(email)) return null;
  const address = validAddress(v.address);
  return address === null ? null : { name, email, address };
}

function validLine(v) {
  if (!isObject(v)) return null;
  const { sku, quantity, price } = v;
  if (typeof sku !== 'string' || !SKU.test(sku)) return null;
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > 100) return null;
  if (typeof price !== 'number' || !Number.isFinite(price) || price < 0) return null;
  return { sku, quantity, price };
}

function validOrder(v) {
  if (!isObject(v)) return null;
  const customer = validCustomer(v.customer);
  if (customer === null) return null;
  if (!Array.isArray(v.lines) || v.lines.length < 1 || v.lines.length > 50) return null;
  const lines = new Array(v.lines.length);
  for (let i = 0; i < lines.length; i++) if ((lines[i] = validLine(v.lines[i])) === null) return null;
  const order = { customer, lines };
  if (v.tags !== undefined && v.tags !== null) {
    if (!Array.isArray(v.tags) || v.tags.length > 10 || !v.tags.every((t) => typeof t === 'string')) return null;
    order.tags = v.tags;
  }
  return order;
}

/** A category chain ({ name, parent?: category }) of any depth, walked in a loop; null when any level is invalid. */
function validCategory(v) {
  let head = null;
  let tail = null;
  for (let level = v; level !== undefined; level = level.parent) {
    if (!isObject(level) || !isText(level.name, 1, 50)) return null;
    const copy = { name: level.name };
    if (tail === null) head = copy;
    else tail.parent = copy;
    tail = copy;
  }
  return head;
}

/** POST /shops/:shop/orders (bench/lib/hostile.js): the order plus an optional category chain. */
function validShopOrder(v) {
  const order = validOrder(v);
  if (order === null || v.category === undefined) return order;
  const category = validCategory(v.category);
  if (category === null) return null;
  order.category = category;
  return order;
}

/**
 * Reads a JSON body (limit, content type), validates it with `validate`, answers 201 with `answer(valid)`
 * (by default `{ id, ...valid }`).
 */
function create(req, res, validate, answer = (valid) => ({ id: ++nextId, ...valid })) {
  const type = req.headers['content-type'];
  if (type === undefined || !type.startsWith('application/json')) return send(res, 415, { error: 'unsupported media type' });
  const chunks = [];
  let size = 0;
  req.on('data', (chunk) => {
    size += chunk.length;
    if (size <= BODY_LIMIT) chunks.push(chunk);
  });
  req.on('end', () => {
    if (size > BODY_LIMIT) return send(res, 413, { error: 'payload too large' });
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks, size).toString('utf8'));
    } catch {
      return send(res, 400, { error: 'invalid json' });
    }
    const valid = validate(body);
    if (valid === null) return send(res, 422, { error: 'validation failed' });
    send(res, 201, answer(valid));
  });
}

function item(res, idText, query) {
  const id = Number(idText);
  if (idText === '' || !Number.isInteger(id)) return send(res, 400, { error: 'id must be an integer' });
  const fields = query === '' ? undefined : querystring.parse(query).fields;
  send(res, 200, { id, fields: typeof fields === 'string' ? fields : undefined });
}

const server = http.createServer((req, res) => {
  const url = req.url;
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const method = req.method;
  if (path === '/hello' && method === 'GET') {
    if (req.headers['x-api-key'] !== API_KEY) return send(res, 403, { error: 'forbidden' });
    return send(res, 200, HELLO);
  }
  if (path === '/items' && method === 'GET') return send(res, 200, ITEMS);
  if (path.startsWith('/items/') && path.indexOf('/', 7) === -1 && method === 'GET') return item(res, path.slice(7), q === -1 ? '' : url.slice(q + 1));
  if (path === '/users' && method === 'POST') return create(req, res, validUser);
  if (path === '/orders' && method === 'POST') return create(req, res, validOrder);
  if (path.startsWith('/shops/') && path.endsWith('/orders') && method === 'POST') {
    const segment = path.slice(7, -7);
    if (segment === '' || segment.includes('/')) return send(res, 404, { error: 'not found' });
    let shop;
    try {
      shop = decodeURIComponent(segment);
    } catch {
      return send(res, 400, { error: 'bad path' });
    }
    if (shop.length > 50) return send(res, 400, { error: 'shop too long' });
    return create(req, res, validShopOrder, (valid) => ({ id: ++nextId, shop, lines: valid.lines.length }));
  }
  send(res, 404, { error: 'not found' });
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${server.address().port}\n`);
});
