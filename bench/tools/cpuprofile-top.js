#!/usr/bin/env node
'use strict';
/**
 * Top self-time functions of a V8 .cpuprofile (from `node bench/run.js --profile`).
 * Usage: node bench/tools/cpuprofile-top.js <file.cpuprofile> [count=25]
 */
const fs = require('node:fs');
const path = require('node:path');

const [file, countArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/tools/cpuprofile-top.js <file.cpuprofile> [count]');
  process.exit(1);
}
const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
const count = Number(countArg ?? 25);
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
const dt = profile.timeDeltas;
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i];
  self.set(id, (self.get(id) ?? 0) + (dt[i] ?? 0));
}
const total = [...self.values()].reduce((a, b) => a + b, 0);
const agg = new Map();
for (const [id, us] of self) {
  const { callFrame: f } = byId.get(id);
  const where = f.url ? `${shorten(f.url)}:${f.lineNumber + 1}` : '';
  const key = `${f.functionName || '(anonymous)'}  ${where}`;
  agg.set(key, (agg.get(key) ?? 0) + us);
}
const rows = [...agg].sort((a, b) => b[1] - a[1]).slice(0, count);
const idle = [...self].filter(([id]) => byId.get(id).callFrame.functionName === '(idle)').reduce((a, [, us]) => a + us, 0);
const busy = total - idle;
console.log(`${path.basename(file)}: ${(total / 1e6).toFixed(2)} s sampled, ${(busy / 1e6).toFixed(2)} s busy; % of busy time`);
for (const [key, us] of rows) if (!key.startsWith('(idle)')) console.log(`${((us / busy) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${key}`);

// Self time by owner: node internals, the framework (dist/), each dependency, the bench server, V8.
const owners = new Map();
for (const [id, us] of self) {
  const { callFrame: f } = byId.get(id);
  if (f.functionName === '(idle)') continue;
  const u = f.url.replace(/^file:\/\//, '');
  let owner;
  if (u === '') owner = f.functionName.startsWith('(') ? f.functionName : '(native)';
  else if (u.startsWith('node:')) owner = 'node internals';
  else if (u.includes('node_modules/')) owner = `dep ${u.slice(u.lastIndexOf('node_modules/') + 13).split('/').slice(0, u.includes('node_modules/@') ? 2 : 1).join('/')}`;
  else if (u.includes('/dist/')) owner = 'framework (dist/)';
  else owner = 'bench server';
  owners.set(owner, (owners.get(owner) ?? 0) + us);
}
console.log('\nself time by owner (% of busy time)');
for (const [owner, us] of [...owners].sort((a, b) => b[1] - a[1])) console.log(`${((us / busy) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${owner}`);

function shorten(url) {
  const u = url.replace(/^file:\/\//, '');
  const nm = u.lastIndexOf('node_modules/');
  if (nm !== -1) return u.slice(nm + 'node_modules/'.length);
  const dist = u.indexOf('/dist/');
  if (dist !== -1) return u.slice(dist + 1);
  return u.replace(/^.*\/bench\//, 'bench/');
}
