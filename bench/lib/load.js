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

module.exports = { checkRoute, load };
