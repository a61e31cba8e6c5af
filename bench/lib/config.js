'use strict';

/**
 * Benchmark settings: CLI flags (`--duration 5` or `--duration=5`) win over environment variables
 * (BENCH_DURATION …), which win over the defaults.
 */
const DEFAULTS = {
  duration: 5, // seconds of measured load per cell
  warmup: 1, // seconds of discarded load before each cell
  rounds: 3,
  connections: 50,
  pipelining: 1,
  servers: '', // comma-separated server names (file names in bench/servers/ without extension); empty = all
  routes: '', // comma-separated route ids from bench/routes.js; empty = all
  refs: 'node-http,fastify', // the servers every cell is also expressed as a ratio of (those present in the run)
  profile: false, // write a V8 CPU profile of every server run into bench/.build/profiles/
  out: '', // where to write the Markdown report; empty = bench/RESULTS.md, "-" = don't write
  pin: true, // pin the runner and the servers to different cores with taskset when possible
  perf: true, // count the server's instructions and cycles with `perf stat` when possible
  coldstartRuns: 7, // measured cold starts per generated app (0 = skip the cold-start stage)
  coldstartApps: '', // comma-separated cold-start apps (lib/coldstart.js); empty = all (+ rivet-before/after when their builds are set)
  coldstartPin: false, // pin the cold-started apps to the server core (default: both cores, as a real start)
  micro: true, // run bench/micro/validate.js and put its table in the report
  install: true, // npm install --prefix bench when bench/node_modules is missing or stale
  reportFrom: '', // render the report from a saved run (bench/.build/last-run.json) instead of measuring
  dist: '', // the built Rivet to measure: a dist/ directory (e.g. printed by bench/tools/build-at.js); empty = the repository's dist/
  hostile: true, // run the hostile-bodies stage (bench/lib/hostile.js) and put its section in the report
  hostileServers: 'node-http,fastify,rivet', // the servers of the hostile-bodies stage
  hostileRounds: 3, // interleaved rounds of the invalid-POST load
  hostileDuration: 3, // measured seconds of the invalid-POST load per round (after --warmup)
  hostileReps: 5, // times each hostile body is sent alone (fewer when one costs seconds)
  hostileWindow: 3, // seconds during which four senders keep hostile bodies in flight while the probe runs
};

const NUMERIC = new Set(['duration', 'warmup', 'rounds', 'connections', 'pipelining', 'coldstartRuns', 'hostileRounds', 'hostileDuration', 'hostileReps', 'hostileWindow']);
const BOOLEAN = new Set(['profile', 'pin', 'perf', 'coldstartPin', 'micro', 'install', 'hostile']);
// Flags are kebab-case (--coldstart-runs), keys camelCase, environment variables BENCH_COLDSTART_RUNS.
const flagOf = (key) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const keyOf = (flag) => flag.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
const envOf = (key) => `BENCH_${flagOf(key).replace(/-/g, '_').toUpperCase()}`;

const HELP = `Usage: node bench/run.js [options]   (each option also reads BENCH_<NAME>, e.g. BENCH_DURATION=3)
  --duration <s>      measured seconds per cell            (default ${DEFAULTS.duration})
  --warmup <s>        discarded warm-up seconds per cell    (default ${DEFAULTS.warmup})
  --rounds <n>        interleaved rounds                    (default ${DEFAULTS.rounds})
  --connections <n>   autocannon connections                (default ${DEFAULTS.connections})
  --pipelining <n>    autocannon pipelining                 (default ${DEFAULTS.pipelining})
  --servers <a,b>     only these servers (bench/servers/*)  (default: all)
  --routes <get,post> only these routes (bench/routes.js)   (default: all)
  --refs <a,b>        servers every cell is a ratio of      (default ${DEFAULTS.refs})
  --profile           V8 CPU profile per server run, in bench/.build/profiles/
  --no-pin            do not use taskset
  --no-perf           do not count instructions/cycles with perf stat
  --coldstart-runs <n> cold starts per generated 300-route app (default ${DEFAULTS.coldstartRuns}; 0 skips the stage)
  --coldstart-apps <a,b> only these cold-start apps: node-http, fastify, rivet, rivet-openapi, nest-express, nest-fastify,
                      rivet-before / rivet-after (with BENCH_BEFORE_DIST / BENCH_AFTER_DIST)
  --coldstart-pin     pin cold-started apps to the server core (default: both cores)
  --no-micro          skip the DTO pipe micro-benchmark (bench/micro/validate.js)
  --no-hostile        skip the hostile-bodies stage (bench/lib/hostile.js; its options: node bench/hostile.js --help)
  --dist <dir>        measure this built Rivet (a dist/ directory, e.g. from bench/tools/build-at.js) instead of dist/
  --no-install        never run npm install --prefix bench (fail if the peers are missing)
  --out <file|->      Markdown report path, "-" to skip      (default bench/RESULTS.md)
  --report-from <json> only render the report from a saved run (every run saves bench/.build/last-run.json)`;

/** `help` is the text --help prints (bench/hostile.js has its own). */
function parseConfig(argv = process.argv.slice(2), env = process.env, help = HELP) {
  const config = { ...DEFAULTS };
  for (const key of Object.keys(DEFAULTS)) {
    const v = env[envOf(key)];
    if (v !== undefined && v !== '') config[key] = coerce(key, v);
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') {
      console.log(help);
      process.exit(0);
    }
    if (!arg.startsWith('--')) throw new Error(`Unexpected argument "${arg}".\n${help}`);
    let [flag, value] = arg.slice(2).split(/=(.*)/s, 2);
    if (flag.startsWith('no-') && BOOLEAN.has(keyOf(flag.slice(3)))) {
      config[keyOf(flag.slice(3))] = false;
      continue;
    }
    const key = keyOf(flag);
    if (!(key in DEFAULTS)) throw new Error(`Unknown option "--${flag}".\n${help}`);
    if (value === undefined) value = BOOLEAN.has(key) ? 'true' : argv[++i];
    if (value === undefined) throw new Error(`Option "--${flag}" needs a value.`);
    config[key] = coerce(key, value);
  }
  return config;
}

function coerce(key, value) {
  if (BOOLEAN.has(key)) return value === 'true' || value === '1' || value === 'yes';
  if (!NUMERIC.has(key)) return value;
  const n = Number(value);
  const min = key === 'warmup' || key === 'coldstartRuns' ? 0 : 1;
  if (!Number.isFinite(n) || n < min) throw new Error(`--${flagOf(key)} must be a number ≥ ${min}, got "${value}".`);
  return key === 'duration' || key === 'warmup' || key === 'hostileDuration' || key === 'hostileWindow' ? n : Math.floor(n);
}

module.exports = { parseConfig, DEFAULTS };
