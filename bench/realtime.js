#!/usr/bin/env node
'use strict';
/**
 * Realtime benchmarks (issue 18), side by side, not as timed tests: 10,000 WebSocket connections on one process
 * (RSS per connection, Rivet and raw `ws`), echo throughput of a Rivet gateway against the same echo on raw `ws`,
 * SSE fan-out of one publish to 10,000 clients (one process, and two processes through Redis), and a 100 MB streamed
 * download at flat RSS. Needs dist/ (npm run build); the Redis part needs redis-server. Writes the "Realtime"
 * section of bench/RESULTS.md (only that section) and bench/.build/last-realtime.json.
 *   node bench/realtime.js [--connections 10000] [--echo-seconds 5] [--rounds 3] [--out bench/RESULTS.md|-]
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const http = require('node:http');
const { spliceSection } = require('./lib/markdown');
const net = require('node:net');
const { fork, spawn, spawnSync } = require('node:child_process');
const WebSocket = require('ws');

const args = process.argv.slice(2);
const opt = (name, fallback) => { const i = args.indexOf(`--${name}`); return i === -1 ? fallback : args[i + 1]; };
const CONNECTIONS = Number(opt('connections', 10_000));
const ECHO_SECONDS = Number(opt('echo-seconds', 5));
const ROUNDS = Number(opt('rounds', 3));
const OUT = opt('out', path.join(__dirname, 'RESULTS.md'));
const DIST = path.resolve(opt('dist', path.join(__dirname, '..', 'dist')));
const SERVER = path.join(__dirname, 'realtime', 'server.js');

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length === 0 ? NaN : s[Math.floor((s.length - 1) / 2)]; };
const mb = (bytes) => Math.round(bytes / 1024 / 1024 * 10) / 10;

function startServer(mode, redisUrl) {
  const child = fork(SERVER, [mode, DIST, ...(redisUrl ? [redisUrl] : [])], { execArgv: ['--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${mode} server exited with ${code}`)));
    child.once('message', ({ port }) => {
      child.removeAllListeners('exit');
      resolve({
        port,
        rss: () => new Promise((done) => { child.once('message', (m) => done(m.rss)); child.send('rss'); }),
        cpu: () => new Promise((done) => { child.once('message', (m) => done(m.cpu)); child.send('cpu'); }),
        stop: () => new Promise((done) => { child.once('exit', done); child.kill('SIGTERM'); }),
      });
    });
  });
}

function startRedis() {
  if (spawnSync('redis-server', ['--version']).status !== 0) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => {
        const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'inherit'] });
        let out = '';
        child.stdout.on('data', (c) => { out += c; if (out.includes('Ready to accept connections')) resolve({ url: `redis://127.0.0.1:${port}`, stop: () => new Promise((d) => { child.once('exit', d); child.kill('SIGTERM'); }) }); });
        child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${out}`)));
      });
    });
  });
}

/** Opens `n` WebSockets, 200 at a time; resolves with them once all are open. */
async function openSockets(port, n) {
  const sockets = [];
  for (let i = 0; i < n; i += 200) {
    const batch = Array.from({ length: Math.min(200, n - i) }, () => new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/echo`, { perMessageDeflate: false });
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
    }));
    sockets.push(...await Promise.all(batch));
  }
  return sockets;
}

const closeAll = (sockets) => Promise.all(sockets.map((ws) => new Promise((done) => { if (ws.readyState === 3) return done(); ws.once('close', done); ws.terminate(); })));

async function connectionsRss(mode) {
  const server = await startServer(mode);
  try {
    const before = await server.rss();
    const sockets = await openSockets(server.port, CONNECTIONS);
    const after = await server.rss();
    await closeAll(sockets);
    return { before, after, perConnection: (after - before) / CONNECTIONS };
  } finally {
    await server.stop();
  }
}

/**
 * Messages per second through `clients` connections, each with one message in flight, for `seconds`, and the
 * server's CPU time per message (µs): steadier than the rate when other work competes for the cores.
 */
async function echo(server, clients, seconds) {
  const sockets = await openSockets(server.port, clients);
  const message = JSON.stringify({ type: 'echo', n: 12345, text: 'the quick brown fox jumps over the lazy dog' });
  let count = 0;
  let running = true;
  for (const ws of sockets) {
    ws.on('message', () => { count++; if (running) ws.send(message); });
  }
  for (const ws of sockets) ws.send(message);
  await new Promise((r) => setTimeout(r, 1000));   // warm-up
  const start = count;
  const cpu0 = await server.cpu();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const cpu1 = await server.cpu();
  const messages = count - start;
  const rate = messages / ((performance.now() - t0) / 1000);
  running = false;
  await closeAll(sockets);
  return { rate, cpuPerMessage: (cpu1 - cpu0) / messages };
}

/** Opens `n` event streams on each of `ports`; resolves once every one is listening, with their arrival times. */
async function openStreams(ports, n) {
  const streams = [];
  for (let i = 0; i < n; i += 250) {
    const batch = Array.from({ length: Math.min(250, n - i) }, (_, j) => new Promise((resolve, reject) => {
      const port = ports[(i + j) % ports.length];
      const stream = { got: [], req: null };
      stream.req = http.get({ host: '127.0.0.1', port, path: '/live', agent: false, headers: { accept: 'text/event-stream' } }, (res) => {
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          if (chunk.includes('event: tick')) stream.got.push(performance.now());
          if (chunk.includes(': listening')) resolve(stream);
        });
        res.on('error', () => undefined);
      });
      stream.req.on('error', reject);
    }));
    streams.push(...await Promise.all(batch));
  }
  return streams;
}

/** Publishes on `port` and measures the time until the last stream got the event, `times` times. */
async function fanOut(streams, port, times) {
  const results = [];
  for (let k = 0; k < times; k++) {
    const t0 = performance.now();
    await new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path: '/publish', method: 'POST', agent: false }, (res) => { res.resume(); res.on('end', resolve); });
      req.on('error', reject);
      req.end();
    });
    const until = Date.now() + 60_000;
    while (streams.some((s) => s.got.length <= k)) {
      if (Date.now() > until) throw new Error('not every stream got the event within 60 s');
      await new Promise((r) => setImmediate(r));
    }
    results.push(Math.max(...streams.map((s) => s.got[k])) - t0);
  }
  for (const s of streams) s.req.destroy();
  return results;
}

async function download() {
  const server = await startServer('rivet-download');
  try {
    const before = await server.rss();
    let max = before;
    let sampling = true;
    const sampler = (async () => { while (sampling) { max = Math.max(max, await server.rss()); await new Promise((r) => setTimeout(r, 100)); } })();
    const t0 = performance.now();
    const bytes = await new Promise((resolve, reject) => {
      http.get({ host: '127.0.0.1', port: server.port, path: '/download', agent: false }, (res) => {
        let n = 0;
        res.on('data', (c) => { n += c.length; });
        res.on('end', () => resolve(n));
        res.on('error', reject);
      }).on('error', reject);
    });
    const seconds = (performance.now() - t0) / 1000;
    sampling = false;
    await sampler;
    const after = await server.rss();
    return { bytes, seconds, before, max, after };
  } finally {
    await server.stop();
  }
}

async function main() {
  if (!fs.existsSync(path.join(DIST, 'index.js'))) throw new Error(`${DIST}/index.js is missing: run npm run build first.`);
  const started = new Date().toISOString();
  const loadBefore = os.loadavg();
  const result = { started, connections: CONNECTIONS, rounds: ROUNDS, echoSeconds: ECHO_SECONDS };
  process.stderr.write(`WebSocket connections (${CONNECTIONS})…\n`);
  result.wsRss = { rivet: await connectionsRss('rivet-ws'), raw: await connectionsRss('raw-ws') };

  process.stderr.write('echo throughput…\n');
  const rivet = await startServer('rivet-ws');
  const raw = await startServer('raw-ws');
  const echoRounds = [];
  try {
    // Interleaved, in alternating order (ABBA…), so that a change in the machine's other load hits both alike.
    for (let r = 0; r < ROUNDS * 2; r++) {
      let a;
      let b;
      if (r % 2 === 0) { a = await echo(rivet, 64, ECHO_SECONDS); b = await echo(raw, 64, ECHO_SECONDS); }
      else { b = await echo(raw, 64, ECHO_SECONDS); a = await echo(rivet, 64, ECHO_SECONDS); }
      echoRounds.push({ rivet: a.rate, raw: b.rate, ratio: a.rate / b.rate, rivetCpu: a.cpuPerMessage, rawCpu: b.cpuPerMessage, cpuRatio: b.cpuPerMessage / a.cpuPerMessage });
      process.stderr.write(`  round ${r + 1}: rivet ${Math.round(a.rate)}/s ${a.cpuPerMessage.toFixed(1)} µs CPU/msg, raw ws ${Math.round(b.rate)}/s ${b.cpuPerMessage.toFixed(1)} µs CPU/msg\n`);
    }
  } finally {
    await rivet.stop();
    await raw.stop();
  }
  result.echo = echoRounds;

  process.stderr.write(`SSE fan-out to ${CONNECTIONS}, one process…\n`);
  const sse = await startServer('rivet-sse');
  try {
    const streams = await openStreams([sse.port], CONNECTIONS);
    result.fanOutOne = await fanOut(streams, sse.port, ROUNDS);
  } finally {
    await sse.stop();
  }
  const redis = await startRedis();
  if (redis !== null) {
    process.stderr.write(`SSE fan-out to ${CONNECTIONS}, two processes through Redis…\n`);
    const a = await startServer('rivet-sse', redis.url);
    const b = await startServer('rivet-sse', redis.url);
    try {
      const streams = await openStreams([a.port, b.port], CONNECTIONS);
      result.fanOutTwo = await fanOut(streams, a.port, ROUNDS);
    } finally {
      await a.stop();
      await b.stop();
      await redis.stop();
    }
  } else {
    result.fanOutTwo = null;
  }

  process.stderr.write('100 MB download…\n');
  result.download = await download();
  result.loadBefore = loadBefore;
  result.loadAfter = os.loadavg();
  result.finished = new Date().toISOString();
  fs.mkdirSync(path.join(__dirname, '.build'), { recursive: true });
  fs.writeFileSync(path.join(__dirname, '.build', 'last-realtime.json'), JSON.stringify(result, null, 2));
  const section = render(result);
  process.stdout.write(`${section}\n`);
  if (OUT !== '-') fs.writeFileSync(OUT, spliceSection(fs.existsSync(OUT) ? fs.readFileSync(OUT, 'utf8') : '# Benchmark results\n', HEADING, section));
}

const HEADING = '## Realtime';

function render(r) {
  const ms = (xs) => `${Math.round(median(xs))} ms [${xs.map((x) => Math.round(x)).join(', ')}]`;
  const ratio = median(r.echo.map((e) => e.ratio));
  const cpuRatio = median(r.echo.map((e) => e.cpuRatio));
  const lines = [
    HEADING,
    '',
    `Written by \`node bench/realtime.js\` (${r.started}); load average ${r.loadBefore.map((l) => l.toFixed(2)).join(' ')} before, ${r.loadAfter.map((l) => l.toFixed(2)).join(' ')} after (${os.cpus().length} cores, shared: read with the same care as above). Clients and servers share the machine.`,
    '',
    '| measure | result | target |',
    '| --- | --- | --- |',
    `| ${r.connections.toLocaleString('en')} WebSocket connections on one process: server RSS | Rivet ${mb(r.wsRss.rivet.before)} → ${mb(r.wsRss.rivet.after)} MB, **${(r.wsRss.rivet.perConnection / 1024).toFixed(1)} KiB per connection**; raw \`ws\` ${mb(r.wsRss.raw.before)} → ${mb(r.wsRss.raw.after)} MB, ${(r.wsRss.raw.perConnection / 1024).toFixed(1)} KiB per connection | 10,000 held at once: ${r.connections >= 10_000 ? '**met** (all open)' : `not measured (${r.connections} only)`} |`,
    `| echo throughput, 64 connections, one message in flight each (JSON parsed and re-serialized by both), interleaved rounds in alternating order | Rivet ${Math.round(median(r.echo.map((e) => e.rivet)))}/s, raw \`ws\` ${Math.round(median(r.echo.map((e) => e.raw)))}/s: **${ratio.toFixed(2)}×** [${r.echo.map((e) => e.ratio.toFixed(2)).join(', ')}] | ≥ 0.90×: **${ratio >= 0.9 ? 'met' : 'not met'}** by the rate |`,
    `| the same, server CPU time per message (raw \`ws\` ÷ Rivet: above 1 when Rivet spends less) | Rivet ${median(r.echo.map((e) => e.rivetCpu)).toFixed(1)} µs, raw \`ws\` ${median(r.echo.map((e) => e.rawCpu)).toFixed(1)} µs: **${cpuRatio.toFixed(2)}×** [${r.echo.map((e) => e.cpuRatio.toFixed(2)).join(', ')}] | ≥ 0.90×: **${cpuRatio >= 0.9 ? 'met' : 'not met'}** by CPU per message |`,
    `| SSE fan-out, one publish (\`Channels\`) to ${r.connections.toLocaleString('en')} clients, one process: time until the last client has it | **${ms(r.fanOutOne)}** | measured |`,
    `| the same across two processes through Redis (\`RedisPubSub\`, half the clients on each, published on one) | ${r.fanOutTwo === null ? 'not run (no redis-server)' : `**${ms(r.fanOutTwo)}**`} | measured |`,
    `| a 100 MB streamed download: server RSS before / highest while streaming / after | ${mb(r.download.before)} / **${mb(r.download.max)}** / ${mb(r.download.after)} MB (${mb(r.download.bytes)} MB in ${r.download.seconds.toFixed(2)} s) | flat: **${r.download.max - r.download.before < 32 * 1024 * 1024 ? 'met' : 'not met'}** (under +32 MB) |`,
    '',
    'RSS is read in the server process after a forced GC (`--expose-gc`). Fan-out times run from the start of the',
    '`POST /publish` to the arrival of the event at the last client, medians over the publishes [each publish].',
  ];
  return lines.join('\n');
}


main().catch((err) => {
  console.error(err);
  process.exit(1);
});
