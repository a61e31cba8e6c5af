#!/usr/bin/env node
'use strict';
/**
 * The two timings of issue 19, measured as a new user meets them (docs/guides/cli.md, "How fast"):
 *
 * 1. `npx --yes --package=<tarball> rivet new shop` in an empty folder, then `npm run dev` in it, until GET /docs
 *    answers 200 with Swagger UI. Clock: before npx starts → the first such answer (polled every 20 ms).
 * 2. Under that `npm run dev`, five edits of src/hello/hello.controller.ts, 2 s apart: clock from just before the
 *    file is written → the first GET /hello that answers with the new text (polled every 5 ms).
 *
 * Usage: node bench/first-hour.js <rivetjs-x.y.z.tgz> [workdir]. Pack first: `npm run build && npm pack`. The npm
 * cache is the machine's (as a user's would be); a tarball path npx has not seen yet makes npx install it afresh.
 * Prints the load average too: on a shared machine it moves the numbers more than anything else.
 */
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const net = require('node:net');

const tarball = path.resolve(process.argv[2] ?? '');
if (!fs.existsSync(tarball) || !tarball.endsWith('.tgz')) {
  console.error('usage: node bench/first-hour.js <rivetjs-x.y.z.tgz> [workdir]');
  process.exit(1);
}
const work = process.argv[3] ?? fs.mkdtempSync(path.join(os.tmpdir(), 'rivet-first-hour-'));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const freePort = () => new Promise((resolve) => { const s = net.createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); }); });
const get = async (url) => { try { const res = await fetch(url); return { status: res.status, text: await res.text() }; } catch { return null; } };

(async () => {
  console.log(`load average before: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} (${os.cpus().length} cores)`);
  const t0 = Date.now();
  const made = spawnSync('npx', ['--yes', `--package=${tarball}`, 'rivet', 'new', 'shop'], { cwd: work, encoding: 'utf8' });
  if (made.status !== 0) { console.error(made.stdout, made.stderr); process.exit(1); }
  const t1 = Date.now();
  const dir = path.join(work, 'shop');
  const port = await freePort();
  const dev = spawn('npm', ['run', 'dev', '--', '--port', String(port)], { cwd: dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  dev.stdout.on('data', (c) => { output += c; });
  dev.stderr.on('data', (c) => { output += c; });
  const base = `http://127.0.0.1:${port}`;
  for (let r = await get(`${base}/docs`); !(r && r.status === 200 && r.text.includes('swagger-ui')); r = await get(`${base}/docs`)) await sleep(20);
  const t2 = Date.now();
  console.log(`rivet new (npx install + scaffold + npm install): ${((t1 - t0) / 1000).toFixed(1)} s`);
  console.log(`npm run dev → /docs with Swagger UI:               ${((t2 - t1) / 1000).toFixed(1)} s`);
  console.log(`new project → API answering with Swagger UI:      ${((t2 - t0) / 1000).toFixed(1)} s`);

  const file = path.join(dir, 'src/hello/hello.controller.ts');
  const original = fs.readFileSync(file, 'utf8');
  const reloads = [];
  for (let i = 0; i < 5; i++) {
    await sleep(2000);   // an edit every 2 s; the next app process needs ~0.2-0.5 s after a start to load its packages
    const saved = Date.now();
    fs.writeFileSync(file, original.replace('Hello, ', `Edit${i}, `));
    for (let r = await get(`${base}/hello`); !(r && r.text.includes(`Edit${i}`)); r = await get(`${base}/hello`)) await sleep(5);
    reloads.push(Date.now() - saved);
  }
  console.log(`save → new answer (ms): ${reloads.join(', ')}; median ${[...reloads].sort((a, b) => a - b)[2]}`);
  console.log(output.split('\n').filter((l) => l.startsWith('[rivet dev]')).join('\n'));
  console.log(`load average after: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  fs.writeFileSync(file, original);
  process.kill(-dev.pid, 'SIGTERM');
  if (process.argv[3] === undefined) fs.rmSync(work, { recursive: true, force: true });
})();
