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
  baseline: 'node-http',
  profile: false, // write a V8 CPU profile of every server run into bench/.build/profiles/
  out: '', // where to write the Markdown report; empty = bench/RESULTS.md, "-" = don't write
  pin: true, // pin the runner and the servers to different cores with taskset when possible
  perf: true, // count the server's instructions and cycles with `perf stat` when possible
};

const NUMERIC = new Set(['duration', 'warmup', 'rounds', 'connections', 'pipelining']);
const BOOLEAN = new Set(['profile', 'pin', 'perf']);

const HELP = `Usage: node bench/run.js [options]   (each option also reads BENCH_<NAME>, e.g. BENCH_DURATION=3)
  --duration <s>      measured seconds per cell            (default ${DEFAULTS.duration})
  --warmup <s>        discarded warm-up seconds per cell    (default ${DEFAULTS.warmup})
  --rounds <n>        interleaved rounds                    (default ${DEFAULTS.rounds})
  --connections <n>   autocannon connections                (default ${DEFAULTS.connections})
  --pipelining <n>    autocannon pipelining                 (default ${DEFAULTS.pipelining})
  --servers <a,b>     only these servers (bench/servers/*)  (default: all)
  --routes <get,post> only these routes (bench/routes.js)   (default: all)
  --baseline <name>   the server ratios are taken against   (default ${DEFAULTS.baseline})
  --profile           V8 CPU profile per server run, in bench/.build/profiles/
  --no-pin            do not use taskset
  --no-perf           do not count instructions/cycles with perf stat
  --out <file|->      Markdown report path, "-" to skip      (default bench/RESULTS.md)`;

function parseConfig(argv = process.argv.slice(2), env = process.env) {
  const config = { ...DEFAULTS };
  for (const key of Object.keys(DEFAULTS)) {
    const v = env[`BENCH_${key.toUpperCase()}`];
    if (v !== undefined && v !== '') config[key] = coerce(key, v);
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') {
      console.log(HELP);
      process.exit(0);
    }
    if (!arg.startsWith('--')) throw new Error(`Unexpected argument "${arg}".\n${HELP}`);
    let [key, value] = arg.slice(2).split(/=(.*)/s, 2);
    if (key.startsWith('no-') && BOOLEAN.has(key.slice(3))) {
      config[key.slice(3)] = false;
      continue;
    }
    if (!(key in DEFAULTS)) throw new Error(`Unknown option "--${key}".\n${HELP}`);
    if (value === undefined) value = BOOLEAN.has(key) ? 'true' : argv[++i];
    if (value === undefined) throw new Error(`Option "--${key}" needs a value.`);
    config[key] = coerce(key, value);
  }
  return config;
}

function coerce(key, value) {
  if (BOOLEAN.has(key)) return value === 'true' || value === '1' || value === 'yes';
  if (!NUMERIC.has(key)) return value;
  const n = Number(value);
  const min = key === 'warmup' ? 0 : 1;
  if (!Number.isFinite(n) || n < min) throw new Error(`--${key} must be a number ≥ ${min}, got "${value}".`);
  return key === 'duration' || key === 'warmup' ? n : Math.floor(n);
}

module.exports = { parseConfig, DEFAULTS };
