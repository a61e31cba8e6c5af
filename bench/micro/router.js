#!/usr/bin/env node
'use strict';
/**
 * Micro-benchmark of the compiled router's path lookup (dist/router/tree.js), without HTTP: static, parameter,
 * wildcard, percent-encoded and missing paths against a 30-route table. Prints median ops/s per case.
 * Run after a build: `npm run build && node bench/micro/router.js [seconds per case, default 0.8]`.
 */
const path = require('node:path');

const dist = path.resolve(__dirname, '..', '..', 'dist');
let RouteTree, parseTemplate;
try {
  ({ RouteTree } = require(path.join(dist, 'router', 'tree')));
  ({ parseTemplate } = require(path.join(dist, 'router', 'path')));
} catch (err) {
  console.error(`bench/micro/router.js needs the build: run \`npm run build\` first.\n  (${err.message})`);
  process.exit(1);
}

const seconds = Number(process.argv[2] ?? process.env.BENCH_MICRO_SECONDS ?? 0.8);
const SAMPLES = 5;

// A plausible API: 30 templates over static, parameter and wildcard segments.
const TEMPLATES = [
  '/', '/health', '/metrics', '/openapi.json', '/docs', '/docs/*path',
  '/api/v1/status', '/api/v1/users', '/api/v1/users/me', '/api/v1/users/:id', '/api/v1/users/:id/posts',
  '/api/v1/users/:id/posts/:postId', '/api/v1/users/:id/posts/:postId/comments', '/api/v1/posts', '/api/v1/posts/:id',
  '/api/v1/posts/:id/likes', '/api/v1/tags', '/api/v1/tags/:tag', '/api/v1/search', '/api/v1/orgs/:org/repos',
  '/api/v1/orgs/:org/repos/:repo', '/api/v1/orgs/:org/repos/:repo/issues/:number', '/api/v1/books/count',
  '/api/v1/books/:id', '/api/v1/books/:id/reviews', '/files/*path', '/static/*', '/hello', '/users', '/users/:id',
];

const tree = new RouteTree({ ignoreTrailingSlash: true });
for (const t of TEMPLATES) tree.upsert(parseTemplate(t, 'bench'), () => ({ template: t }));

const CASES = [
  { name: 'static, short (/hello)', paths: ['/hello'] },
  { name: 'static, deep (/api/v1/users/me)', paths: ['/api/v1/users/me'] },
  { name: 'param, 1 (/users/:id)', paths: ['/users/42', '/users/1337', '/users/abc'] },
  { name: 'param, 3 (/orgs/:org/repos/:repo/issues/:n)', paths: ['/api/v1/orgs/acme/repos/rivet/issues/12', '/api/v1/orgs/x/repos/y/issues/1'] },
  { name: 'static beats param (/books/count)', paths: ['/api/v1/books/count'] },
  { name: 'wildcard (/files/*path)', paths: ['/files/a/b/c.txt', '/files/readme.md'] },
  { name: 'trailing slash (/api/v1/users/)', paths: ['/api/v1/users/'] },
  { name: 'percent-encoded param', paths: ['/users/J%C3%BCrgen'] },
  { name: 'miss (404)', paths: ['/nope/x', '/api/v2/users'] },
];

// Check every case resolves as expected before timing it.
for (const c of CASES) {
  for (const p of c.paths) {
    const m = tree.lookup(p);
    if (c.name.startsWith('miss') ? m !== null : m === null) throw new Error(`unexpected lookup result for ${p}`);
  }
}

let sink = 0;
function run(paths, iterations) {
  const n = paths.length;
  for (let i = 0; i < iterations; i++) {
    const m = tree.lookup(paths[i % n]);
    if (m !== null) sink += m.values.length;
    else sink++;
  }
}

function measure(paths) {
  // Calibrate a batch to ~10 ms, then time batches for `seconds / SAMPLES` each.
  let batch = 1000;
  for (;;) {
    const t = process.hrtime.bigint();
    run(paths, batch);
    if (Number(process.hrtime.bigint() - t) > 1e7) break;
    batch *= 2;
  }
  const rates = [];
  for (let s = 0; s < SAMPLES; s++) {
    let ops = 0;
    const start = process.hrtime.bigint();
    const until = start + BigInt(Math.round((seconds / SAMPLES) * 1e9));
    let now = start;
    while (now < until) {
      run(paths, batch);
      ops += batch;
      now = process.hrtime.bigint();
    }
    rates.push(ops / (Number(now - start) / 1e9));
  }
  rates.sort((a, b) => a - b);
  return { median: rates[SAMPLES >> 1], min: rates[0], max: rates[SAMPLES - 1] };
}

console.log(`RouteTree.lookup, ${TEMPLATES.length} routes, node ${process.version}, ${seconds} s per case (median of ${SAMPLES})`);
const width = Math.max(...CASES.map((c) => c.name.length));
for (const c of CASES) {
  const r = measure(c.paths);
  const fmt = (x) => Math.round(x).toLocaleString('en-US');
  console.log(`  ${c.name.padEnd(width)}  ${fmt(r.median).padStart(12)} ops/s  (${fmt(r.min)}–${fmt(r.max)})  ${(1e9 / r.median).toFixed(0).padStart(4)} ns/op`);
}
if (sink === 0.5) console.log(sink); // keeps the results observable
