#!/usr/bin/env node
'use strict';
/**
 * What loading a module costs at start-up: wall time and memory (RSS, V8 heap used) of `require()`, each in a fresh
 * node process (median of several), after reflect-metadata as every Rivet app loads it first. With no arguments,
 * measures `rivet` (dist/index.js) and every package dist/index.js pulls in eagerly, so the cold-start and RSS gaps
 * can be attributed. Usage: node bench/tools/require-cost.js [module ...] [--runs 5]
 */
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..', '..');
const argv = process.argv.slice(2);
const runsAt = argv.indexOf('--runs');
const runs = runsAt === -1 ? 5 : Number(argv[runsAt + 1]);
const names = argv.filter((a, i) => !a.startsWith('--') && (runsAt === -1 || i !== runsAt + 1));

const PROBE = `
require('reflect-metadata');
global.gc?.(); const m0 = process.memoryUsage(); const t0 = performance.now();
require(process.argv[1]);
const t1 = performance.now(); global.gc?.(); const m1 = process.memoryUsage();
process.stdout.write(JSON.stringify({ ms: t1 - t0, rss: m1.rss - m0.rss, heap: m1.heapUsed - m0.heapUsed }));
`;

/** Packages (outside dist/) that loading dist/index.js brings in, found by watching require() once. */
function eagerPackages() {
  const r = spawnSync(process.execPath, ['-e', `
const Module = require('module'); const seen = new Set(); const orig = Module._load;
Module._load = function (request, parent, isMain) {
  const out = orig.apply(this, arguments);
  try { const f = Module._resolveFilename(request, parent); const m = /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(f);
    if (m && parent && !/node_modules/.test(parent.filename)) seen.add(m[1]); } catch {}
  return out; };
require('reflect-metadata'); require(${JSON.stringify(path.join(ROOT, 'dist', 'index.js'))});
process.stdout.write(JSON.stringify([...seen]));`], { cwd: ROOT, encoding: 'utf8' });
  return JSON.parse(r.stdout).filter((p) => p !== 'reflect-metadata');
}

function measure(id) {
  const list = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, ['--expose-gc', '-e', PROBE, id], { cwd: ROOT, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${id}: ${r.stderr.split('\n').slice(0, 3).join(' ')}`);
    list.push(JSON.parse(r.stdout));
  }
  const med = (k) => list.map((x) => x[k]).sort((a, b) => a - b)[list.length >> 1];
  return { ms: med('ms'), rss: med('rss'), heap: med('heap') };
}

const targets = names.length > 0 ? names : [path.join(ROOT, 'dist', 'index.js'), ...eagerPackages()];
console.log(`require() cost in a fresh node ${process.version} (median of ${runs}); each line alone, so shared dependencies count in each`);
console.log(`${'module'.padEnd(28)} ${'ms'.padStart(7)} ${'RSS MB'.padStart(8)} ${'heap MB'.padStart(8)}`);
for (const id of targets) {
  const c = measure(id);
  const label = id.startsWith(ROOT) ? `rivet (${path.relative(ROOT, id)})` : id;
  console.log(`${label.padEnd(28)} ${c.ms.toFixed(1).padStart(7)} ${(c.rss / 1048576).toFixed(1).padStart(8)} ${(c.heap / 1048576).toFixed(1).padStart(8)}`);
}
