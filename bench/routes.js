'use strict';

/**
 * The workload every server in bench/servers/ must answer identically. The runner checks each route once
 * (status and body) before loading it, so a server that cuts a corner fails loudly instead of winning.
 *
 * - GET  /hello  with `x-api-key: secret` → 200 {"hello":"world"}; without it → 403.
 * - POST /users  with a JSON body {name, email, age} → 201 {"id":n,"name","email","age"} (unknown keys dropped);
 *   name: string, 1–50 chars; email: an e-mail address; age: integer 0–150. Invalid → 422 (problem+json for Rivet).
 */
const API_KEY = 'secret';
const USER = { name: 'Ada Lovelace', email: 'ada@example.com', age: 36 };

const routes = [
  {
    name: 'GET /hello (guard)',
    id: 'get',
    method: 'GET',
    path: '/hello',
    headers: { 'x-api-key': API_KEY },
    body: undefined,
    status: 200,
    check: (json) => json !== null && json.hello === 'world' && Object.keys(json).length === 1,
  },
  {
    name: 'POST /users (DTO)',
    id: 'post',
    method: 'POST',
    path: '/users',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(USER),
    status: 201,
    check: (json) => json !== null && typeof json.id === 'number' && json.name === USER.name && json.email === USER.email && json.age === USER.age,
  },
];

/** Requests that must be refused: proves the guard and the validation actually run. */
const negatives = [
  { name: 'GET /hello without key', method: 'GET', path: '/hello', headers: {}, body: undefined, status: 403 },
  {
    name: 'POST /users invalid',
    method: 'POST',
    path: '/users',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: '', email: 'nope', age: 200.5 }),
    status: 422,
  },
];

module.exports = { routes, negatives, API_KEY };
