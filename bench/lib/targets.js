'use strict';

/**
 * Issue 8's targets for Rivet, each read from the same run (medians over rounds of per-round ratios). The
 * throughput targets are stated in req/s; the instruction ratio is shown beside each because on a shared machine
 * it is the steadier witness of the same thing.
 */
const THROUGHPUT = [
  { route: 'get', vs: 'node-http', min: 0.95, text: 'GET hello through controller + guard ≥ 0.95× raw node:http' },
  { route: 'params', vs: 'node-http', min: 0.9, text: 'GET with path + query params ≥ 0.90× raw node:http' },
  { route: 'post', vs: 'fastify', min: 1.0, text: 'POST with a validated 3-field DTO ≥ 1.00× Fastify with its JSON schema' },
  { route: 'nested', vs: 'fastify', min: 1.0, text: 'POST with the nested DTO ≥ 1.00× Fastify (the DTO target, applied to the nested body too)' },
  { route: 'list', vs: 'fastify', min: 1.0, text: '1000-item JSON with a declared response type ≥ 1.00× Fastify' },
];

/** RSS after the load ≤ raw node:http's + this many bytes (per route, medians). */
const RSS_HEADROOM = 15 * 1024 * 1024;

/** Cold start of the generated 100-controller / 300-route app to its first response, median. */
const COLD_START_MS = 300;

/**
 * Issue 15's targets (bench/lib/hostile.js, reported in the "Hostile bodies" section): the invalid POST's throughput
 * against Fastify with its default ajv; each hostile body answered with one of `statuses` in under `cpuMs` of server
 * CPU (median over the repetitions, /proc/<pid>/stat); the GET /hello probe's longest wait with four such bodies in
 * flight at most `probeMs`.
 */
const HOSTILE = {
  invalid: { route: 'invalid', vs: 'fastify', min: 1.0, text: 'Invalid POST (2 constraints broken) ≥ 1.00× Fastify with ajv, Rivet listing every failure' },
  statuses: [400, 413, 422],
  cpuMs: 50,
  probeMs: 100,
};

module.exports = { THROUGHPUT, RSS_HEADROOM, COLD_START_MS, HOSTILE, SUBJECT: 'rivet' };
