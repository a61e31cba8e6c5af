'use strict';
/**
 * The hostile-bodies stage (issue 15), run by bench/hostile.js alone or by bench/run.js after the micro-benchmark.
 * Three parts, on the servers named in --hostile-servers (default node:http, Fastify, Rivet), each a fresh child
 * process per round, on 127.0.0.1, port 0, pinned to the server core like the main load:
 *
 * 1. **Invalid POST**: autocannon loads POST /users with INVALID_USER (the valid POST route's DTO, two constraints
 *    broken) for --hostile-rounds interleaved rounds of --warmup + --hostile-duration seconds, with perf stat as in
 *    the main load. Each framework as its users run it: Fastify with its default ajv options (allErrors off: it
 *    stops at the first failure), Rivet listing every failure.
 * 2. **Shapes** (last round only, after the load): each body of SHAPES is sent alone, sequentially, --hostile-reps
 *    times, to POST /shops/acme/orders (the nested DTO with a self-referencing category chain, a handler with two
 *    parameters); per request the status, the answer's size, the wall time and the server's CPU time: utime + stime
 *    from /proc/<pid>/stat (clock ticks, 10 ms here) and the sum over its threads of /proc/<pid>/task/<tid>/schedstat
 *    (ns), read before the request and SETTLE_MS after its answer. A shape stops repeating once it has cost
 *    SHAPE_BUDGET_MS of CPU (the target is 50 ms; one 9 s answer says enough); a request unanswered after
 *    REQUEST_TIMEOUT_MS is abandoned and the server restarted, as is a server that died.
 * 3. **Probe** (last round only): four senders post the shapes (rotating a–e) back to back for --hostile-window
 *    seconds while a GET /hello probe on its own keep-alive connection runs every PROBE_INTERVAL_MS (the next one right
 *    after a slow one); probing goes on until the senders' last answers are in, at most DRAIN_MS after the window.
 *    Whatever is still in flight then is abandoned (a probe counted with its wait so far, marked unfinished) and the
 *    server killed. Before that, one second of the same probe on the idle server gives its baseline.
 *
 * Every loop is bounded (counts, or deadlines checked before each step); nothing leaves loopback.
 */
const fs = require('node:fs');
const http = require('node:http');
const { spawnSync } = require('node:child_process');
const { startServer, sample } = require('./process');
const { checkRoute, load, measuredLoad } = require('./load');
const { median } = require('./stats');
const { API_KEY, USER, ORDER } = require('../routes');

const SHOP_PATH = '/shops/acme/orders';
const JSON_HEADERS = { 'content-type': 'application/json' };
/** The invalid POST: POST /users's DTO (CreateUser) with two of its constraints broken (isEmail, max 150). */
const INVALID_USER = { name: 'Ada Lovelace', email: 'ada.example.com', age: 200 };
const INVALID_FIELDS = ['email', 'age'];

const SETTLE_MS = 50;
const SHAPE_BUDGET_MS = 2000;
const REQUEST_TIMEOUT_MS = 30000;
const PROBE_INTERVAL_MS = 20;
const IDLE_PROBE_MS = 1000;
const DRAIN_MS = 12000;
const SENDERS = 4;

const COUNT = 100_000;
const DEEP_OBJECT = 3_000;
const DEEP_ARRAY = 100_000;

/**
 * The five bodies, each under the 1 MiB body limit every server keeps (so none is answered by the limit alone), all
 * invalid (a correct answer is 400, 413 or 422), sent to POST /shops/:shop/orders:
 * (a) one object with 100,000 unknown keys and none of the declared ones (the issue's 852 KB body);
 * (b) a valid customer and `lines` holding 100,000 invalid items {"q":"x"};
 * (c) the same with 100,000 empty objects;
 * (d) a valid order whose self-referencing `category` chain is 3,000 levels deep, the deepest one invalid (empty name),
 *     so that even a server without a depth limit must walk it all to refuse it;
 * (e) a valid customer and `lines` an array nested 100,000 deep.
 */
function makeShapes() {
  const customer = JSON.stringify(ORDER.customer);
  const line = JSON.stringify(ORDER.lines[0]);
  const keys = new Array(COUNT);
  for (let i = 0; i < COUNT; i++) keys[i] = `"${i.toString(36)}":1`;
  const shapes = [
    { id: 'a', name: 'one object, 100,000 unknown keys', body: `{${keys.join(',')}}` },
    { id: 'b', name: '100,000 invalid items {"q":"x"} in `lines`', body: `{"customer":${customer},"lines":[${new Array(COUNT).fill('{"q":"x"}').join(',')}]}` },
    { id: 'c', name: '100,000 empty objects in `lines`', body: `{"customer":${customer},"lines":[${new Array(COUNT).fill('{}').join(',')}]}` },
    {
      id: 'd', name: '`category` (self-referencing DTO) nested 3,000 deep',
      body: `{"customer":${customer},"lines":[${line}],"category":${'{"name":"c","parent":'.repeat(DEEP_OBJECT - 1)}{"name":""}${'}'.repeat(DEEP_OBJECT - 1)}}`,
    },
    { id: 'e', name: '`lines` an array nested 100,000 deep', body: `{"customer":${customer},"lines":${'['.repeat(DEEP_ARRAY)}${']'.repeat(DEEP_ARRAY)}}` },
  ];
  for (const s of shapes) {
    s.buffer = Buffer.from(s.body, 'utf8');
    s.bytes = s.buffer.length;
    delete s.body;
    if (s.bytes > 1024 * 1024) throw new Error(`hostile shape (${s.id}) is ${s.bytes} bytes, over the 1 MiB body limit`);
  }
  return shapes;
}

/** What every hostile-stage server must answer before it is measured (besides the main routes it also serves). */
const VALID_SHOP_ORDER = { ...ORDER, category: { name: 'Books', parent: { name: 'Media', parent: { name: 'All' } } } };
const checks = [
  {
    name: 'POST /shops/acme/orders (nested DTO + category chain)', method: 'POST', path: SHOP_PATH, headers: JSON_HEADERS, status: 201,
    body: JSON.stringify(VALID_SHOP_ORDER),
    check: (res) => res !== null && typeof res.id === 'number' && res.shop === 'acme' && res.lines === ORDER.lines.length,
  },
  {
    name: 'POST /shops/acme/orders with an invalid category at level 3', method: 'POST', path: SHOP_PATH, headers: JSON_HEADERS, status: [400, 422],
    body: JSON.stringify({ ...ORDER, category: { name: 'Books', parent: { name: 'Media', parent: { name: '' } } } }),
  },
  {
    name: 'POST /users invalid (2 constraints)', method: 'POST', path: '/users', headers: JSON_HEADERS, status: [400, 422],
    body: JSON.stringify(INVALID_USER),
  },
  { name: 'POST /users valid', method: 'POST', path: '/users', headers: JSON_HEADERS, status: 201, body: JSON.stringify(USER) },
];

const INVALID_ROUTE = { id: 'invalid', name: 'POST /users invalid (2 constraints)', method: 'POST', path: '/users', headers: JSON_HEADERS, body: JSON.stringify(INVALID_USER), status: [400, 422] };

const now = () => Number(process.hrtime.bigint()) / 1e6;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One HTTP request over loopback; never rejects. Resolves with { status, bytes, ms, text (first 2 KB), error }
 * once the answer is complete, the connection fails, or `timeoutMs` passes (then the request is destroyed).
 */
function request(port, { method, path, headers = {}, body, agent = false }, timeoutMs) {
  return new Promise((resolve) => {
    const t0 = now();
    let settled = false;
    let req = null;
    const finish = (r) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ status: null, bytes: 0, text: '', error: null, ...r, ms: now() - t0 });
    };
    const timer = setTimeout(() => {
      finish({ error: 'timeout' });
      req?.destroy();
    }, Math.max(1, timeoutMs));
    const all = body === undefined ? headers : { ...headers, 'content-length': body.length };
    req = http.request({ host: '127.0.0.1', port, method, path, headers: all, agent }, (res) => {
      let bytes = 0;
      let text = '';
      res.on('data', (chunk) => {
        bytes += chunk.length;
        if (text.length < 2048) text += chunk.toString('utf8', 0, Math.min(chunk.length, 2048));
      });
      res.on('end', () => finish({ status: res.statusCode, bytes, text }));
      res.on('error', (e) => finish({ status: res.statusCode, bytes, text, error: e.code ?? e.message }));
    });
    req.on('error', (e) => finish({ error: e.code ?? e.message }));
    req.end(body);
  });
}

/** The server's CPU time: { stat } ms from /proc/<pid>/stat (ticks), { sched } ms summed over its threads' schedstat. */
function cpuOf(pid) {
  const s = sample(pid);
  let sched = 0;
  try {
    for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
      try {
        sched += Number(fs.readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      } catch { /* the thread ended */ }
    }
  } catch {
    sched = NaN;
  }
  return { stat: s.cpu === null ? null : s.cpu * 1000, sched: Number.isFinite(sched) ? sched / 1e6 : null };
}
// Rounded to the µs: /proc/<pid>/stat counts whole ticks, and ticks ÷ CLK_TCK × 1000 leaves float dust (50.000000000000455).
const diff = (a, b) => (a === null || b === null ? null : Math.max(0, Math.round((b - a) * 1000) / 1000));

/** SIGTERM, then SIGKILL after `graceMs` (a server busy in a synchronous loop never sees SIGTERM's handler). */
function stopNow(server, graceMs = 500) {
  const { child } = server;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
const alive = (server) => server.child.exitCode === null && server.child.signalCode === null;

/** Part 1: one measured autocannon load of the invalid POST, as a sample in run.js's format (bad = unexpected statuses). */
async function loadInvalid(server, name, round, { config, perf }) {
  if (config.warmup > 0) await load(server.port, INVALID_ROUTE, { ...config, duration: config.warmup });
  const { result, sample: measured } = await measuredLoad(server, INVALID_ROUTE, { ...config, duration: config.hostileDuration }, perf);
  const answered = Object.values(result.statusCodeStats ?? {}).reduce((n, s) => n + s.count, 0);
  const expected = INVALID_ROUTE.status.reduce((n, code) => n + (result.statusCodeStats?.[code]?.count ?? 0), 0);
  return {
    round, server: name, route: INVALID_ROUTE.id, ...measured,
    // The answers are 4xx by design: what counts as bad here is any other status.
    non2xx: answered - expected, errors: result.errors, timeouts: result.timeouts,
    statuses: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([k, v]) => [k, v.count])),
  };
}

/** One invalid POST by hand: the status, the answer's size, and how many of the two broken fields it names. */
async function describeInvalid(port) {
  const r = await request(port, { method: 'POST', path: '/users', headers: JSON_HEADERS, body: Buffer.from(INVALID_ROUTE.body) }, 5000);
  const named = INVALID_FIELDS.filter((f) => new RegExp(`\\b${f}\\b`).test(r.text)).length;
  return { status: r.status, bytes: r.bytes, named, of: INVALID_FIELDS.length, text: r.text.slice(0, 400) };
}

/** Part 2: each shape alone, sequentially, several times; status, answer size, wall time and server CPU per request. */
async function measureShapes(server, name, shapes, { reps, restart, log }) {
  const out = [];
  for (const shape of shapes) {
    const runs = [];
    let spent = 0;
    let stopped = null;
    for (let rep = 0; rep < reps; rep++) {
      if (!alive(server)) server = await restart('it exited');
      const c0 = cpuOf(server.pid);
      const r = await request(server.port, { method: 'POST', path: SHOP_PATH, headers: JSON_HEADERS, body: shape.buffer }, REQUEST_TIMEOUT_MS);
      await sleep(SETTLE_MS);
      const died = !alive(server);
      const c1 = died ? { stat: null, sched: null } : cpuOf(server.pid);
      const run = {
        status: r.status, error: r.error, bytes: r.bytes, ms: r.ms, died,
        cpuMs: diff(c0.stat, c1.stat), schedMs: diff(c0.sched, c1.sched),
        snippet: rep === 0 ? r.text.slice(0, 300) : undefined,
      };
      runs.push(run);
      log(`  ${name.padEnd(10)} (${shape.id}) rep ${rep + 1}: ${r.status ?? r.error} ${r.bytes} B in ${Math.round(r.ms)} ms, server CPU ${fmt(run.cpuMs)} ms (/proc stat), ${fmt(run.schedMs)} ms (schedstat)${died ? ', server died' : ''}`);
      spent += run.schedMs ?? run.cpuMs ?? r.ms;
      if (r.error === 'timeout') {
        stopped = `unanswered after ${REQUEST_TIMEOUT_MS / 1000} s`;
        server = await restart('a request timed out');
        break;
      }
      if (spent > SHAPE_BUDGET_MS && rep + 1 < reps) {
        stopped = `stopped after ${rep + 1} of ${reps}: over the ${SHAPE_BUDGET_MS / 1000} s CPU budget per shape`;
        break;
      }
    }
    out.push({
      shape: shape.id, server: name, runs, stopped,
      cpuMs: median(runs.map((x) => x.cpuMs)), schedMs: median(runs.map((x) => x.schedMs)), wallMs: median(runs.map((x) => x.ms)),
      bytes: median(runs.map((x) => x.bytes)),
    });
  }
  return { results: out, server };
}
const fmt = (n) => (n === null || n === undefined ? '–' : n < 10 ? n.toFixed(1) : String(Math.round(n)));

const probe = (port, agent, timeoutMs) => request(port, { method: 'GET', path: '/hello', headers: { 'x-api-key': API_KEY }, agent }, timeoutMs);

/** Probe latencies: GET /hello on `agent`'s one keep-alive connection every PROBE_INTERVAL_MS until `until()` or `deadline`. */
async function probeLoop(port, agent, { until, deadline }) {
  const probes = [];
  for (let i = 0; i < 100000 && !until() && now() < deadline; i++) {
    const start = now();
    const r = await probe(port, agent, deadline - start);
    probes.push({ ms: r.ms, status: r.status, unfinished: r.error === 'timeout', error: r.error });
    if (r.error !== null && r.error !== 'timeout') await sleep(PROBE_INTERVAL_MS); // a refused connection: do not spin
    else await sleep(Math.max(0, PROBE_INTERVAL_MS - r.ms));
  }
  return probes;
}

function probeStats(probes) {
  const ms = probes.map((p) => p.ms).sort((a, b) => a - b);
  const q = (f) => (ms.length === 0 ? null : ms[Math.min(ms.length - 1, Math.ceil(f * ms.length) - 1)]);
  return {
    count: probes.length, p50: q(0.5), p99: q(0.99), max: ms.length === 0 ? null : ms[ms.length - 1],
    over100: probes.filter((p) => p.ms > 100).length,
    unfinished: probes.filter((p) => p.unfinished).length,
    failed: probes.filter((p) => p.status !== 200 && !p.unfinished).length,
    failures: probes.filter((p) => p.status !== 200 && !p.unfinished).slice(0, 5).map((p) => ({ status: p.status, error: p.error, ms: Math.round(p.ms) })),
  };
}

/** Part 3: four senders of hostile bodies for `windowMs`, a probe meanwhile; returns the probe and sender tallies. */
async function probeUnderLoad(server, shapes, { windowMs }) {
  // One keep-alive connection for every probe, opened (and the route warmed) by an untimed first probe.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    await probe(server.port, agent, 5000);
    return await probeWithSenders(server, shapes, agent, { windowMs });
  } finally {
    agent.destroy();
  }
}

async function probeWithSenders(server, shapes, agent, { windowMs }) {
  const idle = probeStats(await probeLoop(server.port, agent, { until: () => false, deadline: now() + IDLE_PROBE_MS }));
  const t0 = now();
  const stopSending = t0 + windowMs;
  const deadline = stopSending + DRAIN_MS;
  const sent = { sent: 0, answered: 0, statuses: {}, abandoned: 0 };
  let active = SENDERS;
  const senders = Array.from({ length: SENDERS }, async (_, i) => {
    try {
      for (let k = 0; k < 10000 && now() < stopSending; k++) {
        const shape = shapes[(i + k) % shapes.length];
        sent.sent++;
        const r = await request(server.port, { method: 'POST', path: SHOP_PATH, headers: JSON_HEADERS, body: shape.buffer }, deadline - now());
        if (r.error === 'timeout') {
          sent.abandoned++;
          break;
        }
        const key = r.status === null ? r.error : String(r.status);
        sent.statuses[key] = (sent.statuses[key] ?? 0) + 1;
        if (r.status !== null) sent.answered++;
        else await sleep(PROBE_INTERVAL_MS);
      }
    } finally {
      active--;
    }
  });
  const probes = await probeLoop(server.port, agent, { until: () => active === 0, deadline });
  await Promise.all(senders);
  return { idle, loaded: probeStats(probes), hostile: sent, seconds: (now() - t0) / 1000, cutOff: now() >= deadline - 1 };
}

/**
 * The floor under every server: decoding and JSON.parse of each shape alone, in a separate node process pinned to the
 * server core (process CPU time, all threads, so the collections the parse causes count), median of `reps` after
 * one discarded run. A server cannot answer a JSON body in less unless it stops reading or parsing early.
 */
function parseFloor(pin, reps) {
  const script = `
    const { makeShapes } = require(${JSON.stringify(__filename)});
    const out = {};
    for (const s of makeShapes()) {
      const ms = [];
      for (let i = 0; i <= ${reps}; i++) {
        const t = process.cpuUsage();
        JSON.parse(s.buffer.toString('utf8'));
        const d = process.cpuUsage(t);
        if (i > 0) ms.push((d.user + d.system) / 1000);
      }
      ms.sort((a, b) => a - b);
      out[s.id] = ms[ms.length >> 1];
    }
    process.stdout.write(JSON.stringify(out));`;
  const args = ['-e', script];
  const r = pin.server ? spawnSync('taskset', ['-c', pin.server, process.execPath, ...args], { encoding: 'utf8', timeout: 60000 })
    : spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 60000 });
  if (r.status !== 0) return { error: (r.stderr || String(r.error)).split('\n').find((l) => /Error/.test(l)) ?? 'failed' };
  return JSON.parse(r.stdout);
}

/**
 * Runs the whole stage. `available` maps server names to scripts (compiled by run.js / hostile.js), `pin` is
 * lib/process.js's pinning, `perf` whether perf stat works. Returns the stage's raw results (JSON-serialisable).
 */
async function runHostile({ config, available, pin, perf, build, log = console.log }) {
  const names = config.hostileServers.split(',').map((s) => s.trim()).filter(Boolean);
  for (const n of names) if (!(n in available)) throw new Error(`hostile stage: unknown server "${n}"; have ${Object.keys(available).join(', ')}.`);
  const shapes = makeShapes();
  const started = new Date();
  const samples = [];
  const invalidAnswers = {};
  const shapeResults = [];
  const probes = {};
  const notes = [];
  const rounds = config.hostileRounds;
  log(`\nbench: hostile bodies (issue 15): ${names.join(', ')}; invalid POST ${rounds} rounds × (${config.warmup} + ${config.hostileDuration} s); then ${shapes.length} shapes × ${config.hostileReps} reps and a ${config.hostileWindow} s probe under load in the last round`);
  const floor = parseFloor(pin, config.hostileReps);
  log(`  JSON.parse alone (the floor), ms CPU: ${Object.entries(floor).map(([k, v]) => `(${k}) ${typeof v === 'number' ? v.toFixed(1) : v}`).join(', ')}`);
  for (let round = 1; round <= rounds; round++) {
    const shift = (round - 1) % names.length;
    const order = [...names.slice(shift), ...names.slice(0, shift)];
    for (const name of order) {
      const start = () => startServer(name, available[name], { cpus: pin.server, label: `${name}-hostile-r${round}` });
      let server = await start();
      try {
        for (const spec of checks) await checkRoute(name, server.port, spec);
        if (round === 1) invalidAnswers[name] = await describeInvalid(server.port);
        const s = await loadInvalid(server, name, round, { config, perf });
        samples.push(s);
        log(`  round ${round}  ${name.padEnd(10)} invalid POST ${Math.round(s.rps).toLocaleString('en-US').padStart(8)} req/s  p99 ${s.p99} ms  cpu ${s.cpuPerReq === null ? '–' : s.cpuPerReq.toFixed(1)} µs/req${s.userInsPerReq === null ? '' : `  ${(s.userInsPerReq / 1000).toFixed(1)}k user instr/req`}${s.non2xx + s.errors + s.timeouts > 0 ? `  !! ${s.non2xx} unexpected statuses, ${s.errors} errors, ${s.timeouts} timeouts` : ''}`);
        if (round !== rounds) continue;
        const restart = async (why) => {
          notes.push(`${name}: restarted during the shapes (${why})`);
          await stopNow(server);
          server = await start();
          return server;
        };
        const measured = await measureShapes(server, name, shapes, { reps: config.hostileReps, restart, log });
        shapeResults.push(...measured.results);
        server = measured.server;
        if (!alive(server)) server = await restart('it exited');
        probes[name] = await probeUnderLoad(server, shapes, { windowMs: config.hostileWindow * 1000 });
        const p = probes[name];
        log(`  ${name.padEnd(10)} probe: idle p99 ${fmt(p.idle.p99)} ms; with ${SENDERS} hostile senders ${p.loaded.count} probes, p99 ${fmt(p.loaded.p99)} ms, max ${fmt(p.loaded.max)} ms${p.loaded.unfinished > 0 ? ` (${p.loaded.unfinished} unfinished)` : ''}; ${p.hostile.answered}/${p.hostile.sent} hostile bodies answered ${JSON.stringify(p.hostile.statuses)}`);
      } finally {
        await stopNow(server);
      }
    }
  }
  return {
    started, finished: new Date(), build, servers: names, pin, perf,
    config: { rounds, duration: config.hostileDuration, warmup: config.warmup, connections: config.connections, pipelining: config.pipelining, reps: config.hostileReps, windowSeconds: config.hostileWindow },
    constants: { SETTLE_MS, SHAPE_BUDGET_MS, REQUEST_TIMEOUT_MS, PROBE_INTERVAL_MS, IDLE_PROBE_MS, DRAIN_MS, SENDERS },
    shapes: shapes.map(({ id, name, bytes }) => ({ id, name, bytes, parseMs: typeof floor[id] === 'number' ? floor[id] : null })),
    invalid: { route: { id: INVALID_ROUTE.id, name: INVALID_ROUTE.name }, body: INVALID_USER, fields: INVALID_FIELDS, answers: invalidAnswers, samples },
    shapeResults, probes, notes,
  };
}

module.exports = { runHostile, makeShapes, INVALID_USER, INVALID_ROUTE, SHOP_PATH };
