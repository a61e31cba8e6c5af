#!/usr/bin/env node
'use strict';
/**
 * Issue 15 alone: what invalid and hostile bodies cost raw node:http, Fastify and Rivet (bench/lib/hostile.js), and
 * the verdicts against the targets; writes the "Hostile bodies" section of bench/RESULTS.md (only that
 * section: the rest of the file stays the last full run's). `npm run bench` runs the same stage after the others.
 * `node bench/hostile.js --help` lists the options.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { parseConfig } = require('./lib/config');
const { compileServers, BUILD } = require('./lib/compile');
const { ensurePeers, checkSingleCopies } = require('./lib/peers');
const { snapshotDist, describeBuild } = require('./lib/snapshot');
const { pinning, pinSelf, cpuPressure } = require('./lib/process');
const { perfAvailable } = require('./lib/perf');
const { runHostile } = require('./lib/hostile');
const { hostileSection, hostileVerdictLines, spliceSection } = require('./lib/hostile-report');
const { DEFAULTS } = require('./lib/config');

const HELP = `Usage: node bench/hostile.js [options]   (each option also reads BENCH_<NAME>, e.g. BENCH_HOSTILE_REPS=3)
  --hostile-servers <a,b> servers of the stage (bench/servers/, bench/variants/) (default ${DEFAULTS.hostileServers})
  --hostile-rounds <n>    interleaved rounds of the invalid-POST load            (default ${DEFAULTS.hostileRounds})
  --hostile-duration <s>  measured seconds of that load per round               (default ${DEFAULTS.hostileDuration})
  --warmup <s>            discarded warm-up seconds before it                     (default ${DEFAULTS.warmup})
  --connections <n>       autocannon connections                                  (default ${DEFAULTS.connections})
  --hostile-reps <n>      times each hostile body is sent alone                   (default ${DEFAULTS.hostileReps})
  --hostile-window <s>    seconds of four hostile senders during the probe        (default ${DEFAULTS.hostileWindow})
  --dist <dir>            measure this built Rivet (e.g. bench/.build/at-<sha>/dist from bench/tools/build-at.js)
                          instead of the repository's dist/
  --no-pin                do not use taskset
  --no-perf               do not count instructions with perf stat
  --no-install            never run npm install --prefix bench
  --out <file|->          the Markdown file whose "Hostile bodies" section is replaced (default bench/RESULTS.md), "-" for none
  --report-from <json>    only render the section from a saved stage (bench/.build/last-hostile.json)`;

async function main() {
  const config = parseConfig(process.argv.slice(2), process.env, HELP);
  let result;
  if (config.reportFrom !== '') {
    result = JSON.parse(fs.readFileSync(path.resolve(config.reportFrom), 'utf8'));
  } else {
    if (config.install) ensurePeers();
    const build = describeBuild(config.dist);
    const rivetDist = snapshotDist(config.dist);
    const available = compileServers(path.join(__dirname, 'servers'));
    Object.assign(available, compileServers(path.join(__dirname, 'variants'), { clean: false }));
    checkSingleCopies(path.join(BUILD, 'servers'), rivetDist);
    const pin = pinning(config.pin);
    if (pin.runner !== null) pinSelf(pin.runner);
    const perf = config.perf && perfAvailable();
    const pressureBefore = cpuPressure();
    const loadBefore = os.loadavg();
    result = await runHostile({ config, available, pin, perf, build });
    const pressureAfter = cpuPressure();
    result.pressure = pressureBefore === null || pressureAfter === null ? null : (pressureAfter - pressureBefore) / 1e6 / ((new Date(result.finished) - new Date(result.started)) / 1000);
    result.loadBefore = loadBefore;
    result.loadAfter = os.loadavg();
    fs.mkdirSync(BUILD, { recursive: true });
    fs.writeFileSync(path.join(BUILD, 'last-hostile.json'), JSON.stringify(result, null, 1));
  }
  console.log('');
  for (const line of hostileVerdictLines(result)) console.log(`target: ${line}`);
  if (config.out === '-') return;
  const out = config.out === '' ? path.join(__dirname, 'RESULTS.md') : path.resolve(config.out);
  const before = fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : '# Benchmark results\n';
  fs.writeFileSync(out, spliceSection(before, hostileSection(result, { pressure: result.pressure ?? null })));
  console.log(`\nwrote the Hostile bodies section of ${path.relative(process.cwd(), out)}`);
}

main().catch((err) => {
  console.error(`bench/hostile.js: ${err.stack ?? err.message}`);
  process.exitCode = 1;
});
