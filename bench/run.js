#!/usr/bin/env node
'use strict';
/**
 * Side-by-side HTTP benchmark: every server in bench/servers/ answers the routes in bench/routes.js; each runs
 * as a child process (port 0, prints its port), autocannon loads it from this process over loopback, in
 * interleaved rounds. Prints a table and the ratios against raw node:http, and writes bench/RESULTS.md.
 * `npm run bench` builds Rivet first; `node bench/run.js --help` lists the options.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { parseConfig } = require('./lib/config');
const { compileServers, BUILD, ROOT } = require('./lib/compile');
const { pinning, pinSelf, startServer, stopServer, sample } = require('./lib/process');
const { checkRoute, load } = require('./lib/load');
const { perfAvailable, startCounting } = require('./lib/perf');
const { summarize, textTable, ratioLines, outliers, machineFacts, markdown } = require('./lib/report');
const { routes: ALL_ROUTES, negatives } = require('./routes');

/** The number that matters: Rivet GET through controller + guard ≥ this × raw node:http. */
const TARGET = 0.9;

async function main() {
  const config = parseConfig();
  if (!fs.existsSync(path.join(ROOT, 'dist', 'index.js'))) throw new Error('dist/ is missing: run `npm run build` first (or use `npm run bench`).');

  const available = compileServers(path.join(__dirname, 'servers'));
  const wanted = config.servers === '' ? Object.keys(available) : config.servers.split(',').map((s) => s.trim()).filter(Boolean);
  for (const name of wanted) if (!(name in available)) throw new Error(`Unknown server "${name}"; bench/servers/ has: ${Object.keys(available).join(', ')}.`);
  // The baseline first, then the others in file order.
  const servers = [...wanted.filter((s) => s === config.baseline), ...wanted.filter((s) => s !== config.baseline)];
  const routes = config.routes === '' ? ALL_ROUTES : config.routes.split(',').map((id) => {
    const r = ALL_ROUTES.find((x) => x.id === id.trim());
    if (r === undefined) throw new Error(`Unknown route "${id}"; bench/routes.js has: ${ALL_ROUTES.map((x) => x.id).join(', ')}.`);
    return r;
  });

  const pin = pinning(config.pin);
  if (pin.runner !== null) pinSelf(pin.runner);
  const perf = config.perf && perfAvailable();
  const profileDir = config.profile ? path.join(BUILD, 'profiles') : null;
  if (profileDir) fs.mkdirSync(profileDir, { recursive: true });

  const cells = config.rounds * servers.length * routes.length;
  const eta = Math.round(cells * (config.duration + config.warmup + 0.5));
  console.log(`bench: ${servers.join(', ')} × ${routes.map((r) => r.id).join(', ')} × ${config.rounds} rounds; ${config.connections} connections, pipelining ${config.pipelining}; ${config.warmup} s warm-up + ${config.duration} s per cell (~${eta} s)`);
  console.log(`bench: ${pin.note}; ${perf ? 'instructions/cycles per request from perf stat' : 'perf stat not available or disabled: no instruction counts'}`);

  const started = new Date();
  const loadBefore = os.loadavg();
  const pressureBefore = cpuPressure();
  const samples = [];
  for (let round = 1; round <= config.rounds; round++) {
    const shift = (round - 1) % servers.length;
    const order = [...servers.slice(shift), ...servers.slice(0, shift)];
    for (const name of order) {
      const label = `${name}-r${round}`;
      const server = await startServer(name, available[name], { cpus: pin.server, profileDir, label });
      try {
        for (const spec of [...routes, ...negatives]) await checkRoute(name, server.port, spec);
        for (const route of routes) {
          if (config.warmup > 0) await load(server.port, route, { ...config, duration: config.warmup });
          const counter = perf ? startCounting(server.pid) : null;
          if (counter !== null) await new Promise((r) => setTimeout(r, 200)); // let perf attach before the load starts
          const before = sample(server.pid);
          const cpuBefore = process.cpuUsage();
          const t0 = process.hrtime.bigint();
          const result = await load(server.port, route, config);
          const wall = Number(process.hrtime.bigint() - t0) / 1e9;
          const cpu = process.cpuUsage(cpuBefore);
          const after = sample(server.pid);
          const counts = counter === null ? { instructions: null, cycles: null, 'instructions:u': null } : await counter.stop();
          const per = (n) => (n === null || result.requests.total === 0 ? null : n / result.requests.total);
          const s = {
            round, server: name, route: route.id,
            rps: result.requests.average,
            p99: result.latency.p99,
            rss: after.rss,
            serverCpu: before.cpu === null || after.cpu === null ? null : (after.cpu - before.cpu) / wall,
            // Server CPU time per answered request: far less sensitive than req/s to other work on a shared machine.
            cpuPerReq: before.cpu === null || after.cpu === null || result.requests.total === 0 ? null : ((after.cpu - before.cpu) / result.requests.total) * 1e6,
            insPerReq: per(counts.instructions),
            cycPerReq: per(counts.cycles),
            userInsPerReq: per(counts['instructions:u']),
            loadCpu: (cpu.user + cpu.system) / 1e6 / wall,
            non2xx: result.non2xx, errors: result.errors, timeouts: result.timeouts,
          };
          samples.push(s);
          const bad = s.non2xx + s.errors + s.timeouts;
          console.log(`  round ${round}  ${name.padEnd(10)} ${route.id.padEnd(5)} ${Math.round(s.rps).toLocaleString('en-US').padStart(8)} req/s  p99 ${s.p99} ms  cpu ${s.cpuPerReq === null ? '–' : s.cpuPerReq.toFixed(1)} µs/req${s.insPerReq === null ? '' : `  ${(s.insPerReq / 1000).toFixed(1)}k instr/req (${(s.userInsPerReq / 1000).toFixed(1)}k user)`}  rss ${(s.rss / 1048576).toFixed(1)} MB${bad > 0 ? `  !! ${s.non2xx} non-2xx, ${s.errors} errors, ${s.timeouts} timeouts` : ''}`);
        }
      } finally {
        await stopServer(server);
      }
    }
  }
  const finished = new Date();
  const pressureAfter = cpuPressure();
  // Share of the run's wall time during which some runnable task waited for a CPU (Linux PSI): the noise gauge.
  const pressure = pressureBefore === null || pressureAfter === null ? null : (pressureAfter - pressureBefore) / 1e6 / ((finished - started) / 1000);

  const summary = summarize(samples, { routes, servers, baseline: config.baseline });
  console.log(`\n${textTable(summary.rows)}\n`);
  for (const line of ratioLines(summary.ratios, config.baseline, TARGET)) console.log(line);
  for (const o of outliers(samples)) console.log(`outlier: ${o}`);
  if (pressure !== null) console.log(`CPU pressure during the run: some task waited for a CPU ${Math.round(pressure * 100)}% of the time (0% = quiet machine)`);
  if (summary.rows.some((r) => r.bad > 0)) console.log('\nWARNING: some cells had non-2xx answers, errors or timeouts; their numbers are not comparable.');
  if (profileDir) console.log(`\nCPU profiles: ${path.relative(process.cwd(), profileDir)}/ (summarize with: node bench/tools/cpuprofile-top.js <file>)`);

  if (config.out !== '-') {
    const out = config.out === '' ? path.join(__dirname, 'RESULTS.md') : path.resolve(config.out);
    const autocannonVersion = require('autocannon/package.json').version;
    fs.writeFileSync(out, markdown({
      facts: machineFacts(), config: { ...config, servers, routes }, pin, perf, started, finished,
      loadBefore, loadAfter: os.loadavg(), pressure, summary, samples, target: TARGET, autocannonVersion,
    }));
    console.log(`\nwrote ${path.relative(process.cwd(), out)}`);
  }
}

/** Total µs some task has waited for a CPU (/proc/pressure/cpu), or null where PSI is unavailable. */
function cpuPressure() {
  try {
    return Number(/^some .*total=(\d+)/m.exec(fs.readFileSync('/proc/pressure/cpu', 'utf8'))[1]);
  } catch {
    return null;
  }
}

main().catch((err) => {
  console.error(`bench: ${err.message}`);
  process.exitCode = 1;
});
