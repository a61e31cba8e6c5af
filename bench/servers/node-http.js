'use strict';
// Raw node:http: the baseline. Does by hand what the Rivet app does with a guard, a DTO and the router.
const http = require('node:http');

const API_KEY = 'secret';
const BODY_LIMIT = 1024 * 1024;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const JSON_TYPE = 'application/json; charset=utf-8';
const HELLO = { hello: 'world' };
let nextId = 0;

function send(res, status, value) {
  const payload = JSON.stringify(value);
  res.writeHead(status, { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}

function validUser(v) {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return null;
  const { name, email, age } = v;
  if (typeof name !== 'string' || name.length < 1 || name.length > 50) return null;
  if (typeof email !== 'string' || !EMAIL.test(email)) return null;
  if (typeof age !== 'number' || !Number.isInteger(age) || age < 0 || age > 150) return null;
  return { name, email, age };
}

function createUser(req, res) {
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
    const user = validUser(body);
    if (user === null) return send(res, 422, { error: 'validation failed' });
    send(res, 201, { id: ++nextId, ...user });
  });
}

const server = http.createServer((req, res) => {
  const url = req.url;
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  if (path === '/hello' && req.method === 'GET') {
    if (req.headers['x-api-key'] !== API_KEY) return send(res, 403, { error: 'forbidden' });
    return send(res, 200, HELLO);
  }
  if (path === '/users' && req.method === 'POST') return createUser(req, res);
  send(res, 404, { error: 'not found' });
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${server.address().port}\n`);
});
