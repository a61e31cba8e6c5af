'use strict';
const autocannon = require('autocannon');

/**
 * Sends one request of `spec` and checks its status (one number, or a list of acceptable ones) and body (when
 * `spec.check` is given). Throws on a mismatch.
 */
async function checkRoute(serverName, port, spec) {
  const res = await fetch(`http://127.0.0.1:${port}${spec.path}`, { method: spec.method, headers: spec.headers, body: spec.body });
  const text = await res.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch { /* checked below */ }
  const statuses = Array.isArray(spec.status) ? spec.status : [spec.status];
  if (!statuses.includes(res.status) || (spec.check !== undefined && !spec.check(json))) {
    throw new Error(`server "${serverName}" fails ${spec.name}: expected ${statuses.join(' or ')}, got ${res.status} ${text.slice(0, 300)}`);
  }
}

/** One autocannon run against `route`; resolves with autocannon's result. */
function load(port, route, { duration, connections, pipelining }) {
  return autocannon({
    url: `http://127.0.0.1:${port}${route.path}`,
    method: route.method,
    headers: route.headers,
    body: route.body,
    connections,
    pipelining,
    duration,
  });
}

/**
 * One measured load of `route` against a running server, as a sample: req/s, p99, RSS, the server's CPU share and
 * CPU time per request (from /proc, far less sensitive than req/s to other work on a shared machine), perf's
 * instructions per request when `perf` is on, and the load generator's own CPU share. `result` is autocannon's.
 */
async function measuredLoad(server, route, options, perf) {
  const { startCounting } = require('./perf');
  const { sample } = require('./process');
  const counter = perf ? startCounting(server.pid) : null;
  if (counter !== null) await new Promise((r) => setTimeout(r, 200)); // let perf attach before the load starts
  const before = sample(server.pid);
  const cpuBefore = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const result = await load(server.port, route, options);
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  const after = sample(server.pid);
  const counts = counter === null ? { instructions: null, cycles: null, 'instructions:u': null } : await counter.stop();
  const per = (n) => (n === null || result.requests.total === 0 ? null : n / result.requests.total);
  const measured = before.cpu === null || after.cpu === null;
  return {
    result,
    sample: {
      rps: result.requests.average,
      p99: result.latency.p99,
      rss: after.rss,
      serverCpu: measured ? null : (after.cpu - before.cpu) / wall,
      cpuPerReq: measured || result.requests.total === 0 ? null : ((after.cpu - before.cpu) / result.requests.total) * 1e6,
      insPerReq: per(counts.instructions),
      cycPerReq: per(counts.cycles),
      userInsPerReq: per(counts['instructions:u']),
      loadCpu: (cpu.user + cpu.system) / 1e6 / wall,
    },
  };
}

module.exports = { checkRoute, load, measuredLoad };
