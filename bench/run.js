#!/usr/bin/env node
'use strict';
/**
 * Side-by-side HTTP benchmark: every server in bench/servers/ (raw node:http, Fastify, NestJS on Express and on
 * Fastify, Rivet) answers the routes in bench/routes.js; each runs as a child process (port 0, prints its port),
 * autocannon loads it from this process over loopback, in interleaved rounds. Then the cold start of a generated
 * 300-route app, the DTO pipe micro-benchmark, and the hostile-bodies stage (bench/lib/hostile.js, issue 15). Prints a
 * table, the ratios against raw node:http and Fastify, the issue-8 and issue-15 verdicts, and writes bench/RESULTS.md.
 * `npm run bench` builds Rivet first and this installs the peers (bench/package.json) when needed;
 * `node bench/run.js --help` lists the options.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { parseConfig } = require('./lib/config');
const { compileServers, BUILD, ROOT } = require('./lib/compile');
const { ensurePeers, checkSingleCopies, peerVersions } = require('./lib/peers');
const { snapshotDist, describeBuild } = require('./lib/snapshot');
const { pinning, pinSelf, startServer, stopServer, cpuPressure } = require('./lib/process');
const { checkRoute, load, measuredLoad } = require('./lib/load');
const { perfAvailable } = require('./lib/perf');
const { coldStart } = require('./lib/coldstart');
const { summarize, textTable, verdictLines, outliers, machineFacts, markdown, display } = require('./lib/report');
const { runHostile } = require('./lib/hostile');
const { hostileSection, hostileVerdictLines } = require('./lib/hostile-report');
const { routes: ALL_ROUTES, checks } = require('./routes');

async function main() {
  const config = parseConfig();
  if (config.reportFrom !== '') {
    const run = JSON.parse(fs.readFileSync(path.resolve(config.reportFrom), 'utf8'));
    const summary = summarize(run.samples, { routes: run.routeIds.map((id) => ALL_ROUTES.find((r) => r.id === id)), servers: run.servers, refs: run.config.refs.split(',').filter((s) => run.servers.includes(s)) });
    for (const line of verdictLines(summary, { coldStart: run.coldStart })) console.log(`target: ${line}`);
    if (run.hostile) for (const line of hostileVerdictLines(run.hostile)) console.log(`target: ${line}`);
    writeReport(run, config);
    return;
  }
  if (config.dist === '' && !fs.existsSync(path.join(ROOT, 'dist', 'index.js'))) throw new Error('dist/ is missing: run `npm run build` first (or use `npm run bench`).');
  if (config.install) ensurePeers();
  // One build for the whole run, whatever other engineers do to dist/ meanwhile.
  const git = describeBuild(config.dist);
  const rivetDist = snapshotDist(config.dist);

  const serversDir = path.join(__dirname, 'servers');
  const available = compileServers(serversDir);
  // bench/variants/: servers run only when named in --servers (e.g. Rivet with an optimisation switched off).
  const variants = compileServers(path.join(__dirname, 'variants'), { clean: false });
  checkSingleCopies(path.join(BUILD, 'servers'), rivetDist);
  const wanted = config.servers === '' ? Object.keys(available) : config.servers.split(',').map((s) => s.trim()).filter(Boolean);
  Object.assign(available, variants);
  for (const name of wanted) if (!(name in available)) throw new Error(`Unknown server "${name}"; bench/servers/ and bench/variants/ have: ${Object.keys(available).join(', ')}.`);
  const refs = config.refs.split(',').map((s) => s.trim()).filter((s) => wanted.includes(s));
  // The references first (node:http, Fastify), then the others in a fixed order, Rivet last.
  const order = ['node-http', 'node-http-libs', 'fastify', 'nest-express', 'nest-fastify', 'rivet'];
  const rank = (s) => (refs.includes(s) ? refs.indexOf(s) - 100 : order.includes(s) ? order.indexOf(s) : 50);
  const servers = [...wanted].sort((a, b) => rank(a) - rank(b));
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
  const hostileEta = config.hostile ? config.hostileRounds * 3 * (config.warmup + config.hostileDuration + 1.5) + 30 : 0;
  const eta = Math.round(cells * (config.duration + config.warmup + 0.7) + config.rounds * servers.length * 1.5 + config.coldstartRuns * 3 + (config.micro ? 12 : 0) + hostileEta);
  console.log(`bench: ${servers.join(', ')} × ${routes.map((r) => r.id).join(', ')} × ${config.rounds} rounds; ${config.connections} connections, pipelining ${config.pipelining}; ${config.warmup} s warm-up + ${config.duration} s per cell (~${eta} s in all)`);
  console.log(`bench: ${pin.note}; ${perf ? 'instructions/cycles per request from perf stat' : 'perf stat not available or disabled: no instruction counts'}`);

  const started = new Date();
  const loadBefore = os.loadavg();
  const pressureBefore = cpuPressure();
  const samples = [];
  for (let round = 1; round <= config.rounds; round++) {
    const shift = (round - 1) % servers.length;
    const roundOrder = [...servers.slice(shift), ...servers.slice(0, shift)];
    for (const name of roundOrder) {
      const label = `${name}-r${round}`;
      const server = await startServer(name, available[name], { cpus: pin.server, profileDir, label });
      try {
        for (const spec of [...routes, ...checks]) await checkRoute(name, server.port, spec);
        for (const route of routes) {
          if (config.warmup > 0) await load(server.port, route, { ...config, duration: config.warmup });
          const { result, sample: measured } = await measuredLoad(server, route, config, perf);
          const s = { round, server: name, route: route.id, ...measured, non2xx: result.non2xx, errors: result.errors, timeouts: result.timeouts };
          samples.push(s);
          const bad = s.non2xx + s.errors + s.timeouts;
          console.log(`  round ${round}  ${display(name).padEnd(12)} ${route.id.padEnd(6)} ${Math.round(s.rps).toLocaleString('en-US').padStart(8)} req/s  p99 ${s.p99} ms  cpu ${s.cpuPerReq === null ? '–' : s.cpuPerReq.toFixed(1)} µs/req${s.insPerReq === null ? '' : `  ${(s.insPerReq / 1000).toFixed(1)}k instr/req (${(s.userInsPerReq / 1000).toFixed(1)}k user)`}  rss ${(s.rss / 1048576).toFixed(1)} MB${bad > 0 ? `  !! ${s.non2xx} non-2xx, ${s.errors} errors, ${s.timeouts} timeouts` : ''}`);
        }
      } finally {
        await stopServer(server);
      }
    }
  }

  let cold = null;
  if (config.coldstartRuns > 0) {
    console.log(`\nbench: cold start of a generated 100-controller / 300-route app, ${config.coldstartRuns} runs per app (${config.coldstartPin ? `pinned to CPU ${pin.server}` : 'both cores'})`);
    // The runner leaves its core for the duration: a cold start uses every core node can get.
    if (pin.runner !== null && !config.coldstartPin) pinSelf(`0-${os.cpus().length - 1}`);
    const apps = config.coldstartApps === '' ? undefined : config.coldstartApps.split(',').map((a) => a.trim()).filter(Boolean);
    cold = await coldStart({ runs: config.coldstartRuns, cpus: config.coldstartPin ? pin.server : null, log: console.log, names: apps });
    if (pin.runner !== null) pinSelf(pin.runner);
    for (const c of cold) console.log(`  ${c.name.padEnd(14)} ${Math.round(c.ms).toString().padStart(5)} ms median (${Math.round(c.min)}–${Math.round(c.max)}); boot ${Math.round(c.boot)}, load ${Math.round(c.load)}, build ${Math.round(c.build)}, listen ${Math.round(c.listen)} ms; RSS ${(c.rss / 1048576).toFixed(1)} MB`);
  }

  let micro = null;
  if (config.micro) {
    console.log('\nbench: DTO pipe micro-benchmark (bench/micro/validate.js)');
    const args = [path.join(__dirname, 'micro', 'validate.js'), '--json', `--dist=${rivetDist}`];
    const r = pin.server ? spawnSync('taskset', ['-c', pin.server, process.execPath, ...args], { encoding: 'utf8' }) : spawnSync(process.execPath, args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`bench/micro/validate.js failed: ${r.stderr}`);
    micro = JSON.parse(r.stdout.trim().split('\n').pop());
    for (const x of micro.results) console.log(`  ${x.dto.padEnd(6)} ${x.input.padEnd(8)} ${x.variant.padEnd(16)} ${x.us.toFixed(3).padStart(8)} µs/op`);
  }

  let hostile = null;
  if (config.hostile) {
    hostile = await runHostile({ config, available, pin, perf, build: git });
    for (const line of hostileVerdictLines(hostile)) console.log(`target: ${line}`);
  }

  const finished = new Date();
  const pressureAfter = cpuPressure();
  // Share of the run's wall time during which some runnable task waited for a CPU (Linux PSI): the noise gauge.
  const pressure = pressureBefore === null || pressureAfter === null ? null : (pressureAfter - pressureBefore) / 1e6 / ((finished - started) / 1000);

  const summary = summarize(samples, { routes, servers, refs });
  console.log(`\n${textTable(summary)}\n`);
  for (const line of verdictLines(summary, { coldStart: cold })) console.log(`target: ${line}`);
  for (const o of outliers(samples)) console.log(`outlier: ${o}`);
  if (pressure !== null) console.log(`CPU pressure during the run: some task waited for a CPU ${Math.round(pressure * 100)}% of the time (0% = quiet machine)`);
  if (summary.rows.some((r) => r.bad > 0)) console.log('\nWARNING: some cells had non-2xx answers, errors or timeouts; their numbers are not comparable.');
  if (profileDir) console.log(`\nCPU profiles: ${path.relative(process.cwd(), profileDir)}/ (summarize with: node bench/tools/cpuprofile-top.js <file>)`);

  // The raw run, so the report can be rendered again (`--report-from`) without measuring again.
  const run = {
    facts: machineFacts(), config, pin, perf, started, finished, servers, routeIds: routes.map((r) => r.id),
    loadBefore, loadAfter: os.loadavg(), pressure, samples, versions: peerVersions(), git, coldStart: cold, micro, hostile,
  };
  fs.mkdirSync(BUILD, { recursive: true });
  fs.writeFileSync(path.join(BUILD, 'last-run.json'), JSON.stringify(run, null, 1));
  writeReport(run, config);
}

/** Renders RESULTS.md (or --out) from a run: its samples, cold starts and micro results, plus bench/HISTORY.md. */
function writeReport(run, config) {
  const routes = run.routeIds.map((id) => ALL_ROUTES.find((r) => r.id === id));
  const summary = summarize(run.samples, { routes, servers: run.servers, refs: run.config.refs.split(',').map((s) => s.trim()).filter((s) => run.servers.includes(s)) });
  if (config.out === '-') return;
  const out = config.out === '' ? path.join(__dirname, 'RESULTS.md') : path.resolve(config.out);
  const historyFile = path.join(__dirname, 'HISTORY.md');
  fs.writeFileSync(out, markdown({
    ...run, routes, summary, started: new Date(run.started), finished: new Date(run.finished),
    hostileSection: run.hostile ? hostileSection(run.hostile) : null,
    history: fs.existsSync(historyFile) ? fs.readFileSync(historyFile, 'utf8') : '_No bench/HISTORY.md._',
  }));
  console.log(`\nwrote ${path.relative(process.cwd(), out)}`);
}

main().catch((err) => {
  console.error(`bench: ${err.message}`);
  process.exitCode = 1;
});
