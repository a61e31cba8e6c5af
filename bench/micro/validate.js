#!/usr/bin/env node
'use strict';
/**
 * Micro-benchmark of Rivet's DTO pipe (dist/pipeline/validate.js compileDtoPipe), in-process, no HTTP: the 3-field
 * DTO and the nested DTO (3 levels, arrays) of the HTTP benchmark (bench/servers/_dtos.ts), each through
 *   - `{ fast: false }`: class-transformer plainToInstance + class-validator validateSync (the reference path),
 *   - the default pipe (the compiled fast path, falling back to the libraries when it cannot decide),
 *   - Fastify's ajv (its own compiler and defaults) on the equivalent JSON Schema (bench/servers/_fastify-schemas.js),
 * on a valid body, and on an invalid one (the 422/400 path). Verdicts are checked to agree before timing.
 * Prints median ops/s and µs/op per case. About 9 s; `node bench/micro/validate.js [seconds per case, default 0.6]`,
 * `--json` for machine-readable output (bench/run.js puts it in RESULTS.md). Needs the build (`npm run build`).
 */
const path = require('node:path');
const fs = require('node:fs');

const BENCH = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
// bench/run.js passes its copy of dist/ (bench/.build/rivet/dist); alone, the repository's dist/.
const distArg = args.find((a) => a.startsWith('--dist='));
const dist = distArg === undefined ? path.resolve(BENCH, '..', 'dist') : path.resolve(distArg.slice(7));
const asJson = args.includes('--json');
const seconds = Number(args.find((a) => !a.startsWith('--')) ?? process.env.BENCH_MICRO_SECONDS ?? 0.6);
const SAMPLES = 5;

require('reflect-metadata');
let compileDtoPipe;
try {
  ({ compileDtoPipe } = require(path.join(dist, 'pipeline', 'validate')));
} catch (err) {
  console.error(`bench/micro/validate.js needs the build: run \`npm run build\` first.\n  (${err.message})`);
  process.exit(1);
}

// The DTO classes, compiled like the servers (swc, decorator metadata on) into bench/.build/micro/.
const { compileFile, BUILD } = require('../lib/compile');
const outDir = path.join(BUILD, 'micro');
fs.mkdirSync(outDir, { recursive: true });
const dtos = require(compileFile(path.join(BENCH, 'servers', '_dtos.ts'), path.join(outDir, '_dtos.js')));
const schemas = require('../servers/_fastify-schemas');
const { USER, ORDER } = require('../routes');

let AjvCompiler;
try {
  AjvCompiler = require(require.resolve('@fastify/ajv-compiler', { paths: [path.join(BENCH, 'node_modules', 'fastify')] }));
} catch {
  console.error('bench/micro/validate.js needs the bench peers (Fastify\'s ajv compiler): run `npm install --prefix bench`.');
  process.exit(1);
}
// Fastify's own validator compiler with its default ajv options (removeAdditional, coerceTypes 'array', ajv-formats).
const buildAjv = AjvCompiler()({}, { customOptions: {} });
const ajvFor = (schema) => buildAjv({ schema: structuredClone(schema), method: 'POST', url: '/', httpPart: 'body' });

const INVALID_USER = { name: '', email: 'nope', age: 200.5 };
const INVALID_ORDER = { ...ORDER, lines: [ORDER.lines[0], { ...ORDER.lines[1], quantity: 0 }] };

const DTOS = [
  { id: 'user', label: '3-field DTO (CreateUser)', dto: dtos.CreateUser, schema: schemas.user, valid: USER, invalid: INVALID_USER },
  { id: 'order', label: 'nested DTO (CreateOrder: 3 levels, arrays)', dto: dtos.CreateOrder, schema: schemas.order, valid: ORDER, invalid: INVALID_ORDER },
];

/** Each variant: a function of the parsed body that returns truthy for valid, falsy for invalid (errors caught). */
function variants(d) {
  const slow = compileDtoPipe(d.dto, 'body', false, { fast: false });
  const fast = compileDtoPipe(d.dto, 'body');
  const ajv = ajvFor(d.schema);
  const pipe = (p) => (body) => {
    try {
      return p(body);
    } catch (err) {
      if (err.status !== 422) throw err;
      return null;
    }
  };
  return [
    { id: 'class-validator', label: 'Rivet pipe { fast: false } (class-transformer + class-validator)', run: pipe(slow) },
    { id: 'rivet', label: 'Rivet pipe, default (compiled fast path)', run: pipe(fast) },
    { id: 'ajv', label: "Fastify's ajv (compiled JSON Schema)", run: (body) => ajv(body) },
  ];
}

let sink = 0;
function measure(fn, input) {
  const run = (n) => {
    for (let i = 0; i < n; i++) if (fn(input)) sink++;
  };
  let batch = 100;
  for (;;) {
    const t = process.hrtime.bigint();
    run(batch);
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
      run(batch);
      ops += batch;
      now = process.hrtime.bigint();
    }
    rates.push(ops / (Number(now - start) / 1e9));
  }
  rates.sort((a, b) => a - b);
  return { opsPerSec: rates[SAMPLES >> 1], min: rates[0], max: rates[SAMPLES - 1], us: 1e6 / rates[SAMPLES >> 1] };
}

const results = [];
for (const d of DTOS) {
  const vs = variants(d);
  // Same verdicts first: valid accepted and invalid refused by every variant.
  for (const v of vs) {
    if (!v.run(structuredClone(d.valid))) throw new Error(`${v.id} refuses the valid ${d.id} body`);
    if (v.run(structuredClone(d.invalid))) throw new Error(`${v.id} accepts the invalid ${d.id} body`);
  }
  for (const [input, kind] of [[d.valid, 'valid'], [d.invalid, 'invalid']]) {
    for (const v of vs) {
      // ajv's removeAdditional may mutate its input: each variant gets its own copy (only the valid bodies' copies are reused).
      const r = measure(v.run, structuredClone(input));
      results.push({ dto: d.id, dtoLabel: d.label, input: kind, variant: v.id, variantLabel: v.label, ...r });
    }
  }
}

if (asJson) {
  process.stdout.write(`${JSON.stringify({ node: process.version, seconds, results })}\n`);
} else {
  const fmt = (x) => Math.round(x).toLocaleString('en-US');
  console.log(`DTO pipe, in-process; node ${process.version}; ${seconds} s per case (median of ${SAMPLES})`);
  for (const d of DTOS) {
    for (const kind of ['valid', 'invalid']) {
      console.log(`\n${d.label}, ${kind} body`);
      const rows = results.filter((r) => r.dto === d.id && r.input === kind);
      const ajv = rows.find((r) => r.variant === 'ajv');
      for (const r of rows) {
        console.log(`  ${r.variantLabel.padEnd(64)} ${fmt(r.opsPerSec).padStart(11)} ops/s  ${r.us.toFixed(2).padStart(7)} µs/op  ${(r.us / ajv.us).toFixed(1).padStart(6)}× ajv's time`);
      }
    }
  }
}
if (sink === 0.5) console.log(sink);
