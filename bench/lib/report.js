'use strict';
const os = require('node:os');
const { median } = require('./stats');

/** Server CPU over wall time below which a run is called unsaturated. */
const SATURATED = 0.85;

const fmtInt = (n) => (n === null ? '–' : Math.round(n).toLocaleString('en-US'));
const fmtMs = (n) => (n === null ? '–' : n.toFixed(n < 10 ? 2 : 1));
const fmtMB = (b) => (b === null ? '–' : (b / 1048576).toFixed(1));
const fmtPct = (n) => (n === null ? '–' : `${Math.round(n * 100)}%`);
const fmtRatio = (r) => (r === null ? '–' : `${r.toFixed(2)}×`);
const fmtK = (n) => (n === null ? '–' : `${(n / 1000).toFixed(1)}k`);
const fmtUs = (n) => (n === null ? '–' : n.toFixed(1));

/**
 * Ratios against the baseline, each the median of per-round ratios (rounds are interleaved, so a ratio compares
 * runs made seconds apart). All read "higher is better for the server": req/s is this ÷ baseline; the cost
 * metrics (CPU time, instructions per request) are baseline ÷ this.
 */
const RATIOS = [
  { key: 'ratio', label: 'req/s', of: (s, b) => (b.rps ? s.rps / b.rps : null) },
  { key: 'cpuRatio', label: 'server CPU per request', of: (s, b) => (b.cpuPerReq && s.cpuPerReq ? b.cpuPerReq / s.cpuPerReq : null) },
  { key: 'insRatio', label: 'instructions per request', of: (s, b) => (b.insPerReq && s.insPerReq ? b.insPerReq / s.insPerReq : null) },
  { key: 'userInsRatio', label: 'user-space instructions per request', of: (s, b) => (b.userInsPerReq && s.userInsPerReq ? b.userInsPerReq / s.userInsPerReq : null) },
];

/** Folds the per-round samples into one row per (route, server): medians, and the ratios against the baseline. */
function summarize(samples, { routes, servers, baseline }) {
  const rows = [];
  const ratios = [];
  for (const route of routes) {
    const base = samples.filter((s) => s.route === route.id && s.server === baseline);
    for (const server of servers) {
      const mine = samples.filter((s) => s.route === route.id && s.server === server);
      if (mine.length === 0) continue;
      const med = (f) => median(mine.map(f));
      const row = {
        route: route.name,
        server,
        rps: med((s) => s.rps),
        rpsMin: Math.min(...mine.map((s) => s.rps)),
        rpsMax: Math.max(...mine.map((s) => s.rps)),
        p99: med((s) => s.p99),
        rss: med((s) => s.rss),
        serverCpu: med((s) => s.serverCpu),
        cpuPerReq: med((s) => s.cpuPerReq),
        insPerReq: med((s) => s.insPerReq),
        cycPerReq: med((s) => s.cycPerReq),
        userInsPerReq: med((s) => s.userInsPerReq),
        loadCpu: med((s) => s.loadCpu),
        bad: mine.reduce((n, s) => n + s.non2xx + s.errors + s.timeouts, 0),
      };
      const entry = { route: route.name, routeId: route.id, server };
      for (const { key, of } of RATIOS) {
        const perRound = mine.map((s) => {
          const b = base.find((x) => x.round === s.round);
          return b === undefined ? null : of(s, b);
        }).filter((r) => r !== null);
        row[key] = server === baseline ? 1 : median(perRound);
        entry[key] = row[key];
        entry[`${key}PerRound`] = perRound;
      }
      rows.push(row);
      if (server !== baseline) {
        // A server that was not kept busy was not what limited throughput (other work on the machine, or the
        // load generator): then req/s compares the machine's mood, not the servers.
        const runs = [...base, ...mine];
        entry.starved = runs.filter((x) => x.serverCpu !== null && x.serverCpu < SATURATED).length;
        entry.runs = runs.length;
        ratios.push(entry);
      }
    }
  }
  return { rows, ratios };
}

const COLUMNS = [
  ['route', (r) => r.route],
  ['server', (r) => r.server],
  ['req/s', (r) => fmtInt(r.rps)],
  ['req/s min–max', (r) => `${fmtInt(r.rpsMin)}–${fmtInt(r.rpsMax)}`],
  ['p99 ms', (r) => fmtMs(r.p99)],
  ['RSS MB', (r) => fmtMB(r.rss)],
  ['srv CPU', (r) => fmtPct(r.serverCpu)],
  ['gen CPU', (r) => fmtPct(r.loadCpu)],
  ['CPU µs/req', (r) => fmtUs(r.cpuPerReq)],
  ['instr/req', (r) => fmtK(r.insPerReq)],
  ['user instr/req', (r) => fmtK(r.userInsPerReq)],
  ['cycles/req', (r) => fmtK(r.cycPerReq)],
  ['bad', (r) => String(r.bad)],
  ['req/s ratio', (r) => fmtRatio(r.ratio)],
  ['CPU ratio', (r) => fmtRatio(r.cpuRatio)],
  ['instr ratio', (r) => fmtRatio(r.insRatio)],
  ['user instr ratio', (r) => fmtRatio(r.userInsRatio)],
];

function textTable(rows) {
  const cells = [COLUMNS.map(([h]) => h), ...rows.map((r) => COLUMNS.map(([, f]) => f(r)))];
  const widths = COLUMNS.map((_, i) => Math.max(...cells.map((c) => c[i].length)));
  const line = (c) => c.map((v, i) => (i < 2 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ');
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

function markdownTable(rows) {
  const head = `| ${COLUMNS.map(([h]) => h).join(' | ')} |`;
  const sep = `|${COLUMNS.map((_, i) => (i < 2 ? ' --- ' : ' ---: ')).join('|')}|`;
  return [head, sep, ...rows.map((r) => `| ${COLUMNS.map(([, f]) => f(r)).join(' | ')} |`)].join('\n');
}

function ratioLines(ratios, baseline, target) {
  return ratios.map((r) => {
    const verdict = r.server === 'rivet' && r.routeId === 'get' ? ` (target ≥ ${target.toFixed(2)}×: ${r.ratio !== null && r.ratio >= target ? 'met' : 'NOT met'})` : '';
    const parts = RATIOS.filter(({ key }) => r[key] !== null).map(({ key, label }) => `${label} ${fmtRatio(r[key])} [${r[`${key}PerRound`].map((x) => x.toFixed(2)).join(', ')}]${key === 'ratio' ? verdict : ''}`);
    const warn = r.starved === 0 ? '' : `\n    WARNING: ${r.starved} of ${r.runs} runs had the server below ${SATURATED * 100}% CPU (other load on the machine?): the req/s ratio is unreliable; the cost ratios are the better guide.`;
    return `${r.route}: ${r.server} vs ${baseline}: ${parts.join('; ')}${warn}`;
  });
}

/**
 * Runs whose user-space instructions per request stray more than 15% from the median of their (server, route):
 * the same code doing that much more work means that process ran differently (JIT state, a deoptimization),
 * which is worth knowing and is not noise from other work on the machine.
 */
function outliers(samples) {
  const out = [];
  for (const s of samples) {
    if (s.userInsPerReq === null) continue;
    const m = median(samples.filter((x) => x.server === s.server && x.route === s.route).map((x) => x.userInsPerReq));
    if (m !== null && Math.abs(s.userInsPerReq / m - 1) > 0.15) {
      out.push(`round ${s.round} ${s.server} ${s.route}: ${fmtK(s.userInsPerReq)} user instructions/request vs a median of ${fmtK(m)} (${(s.userInsPerReq / m).toFixed(2)}×)`);
    }
  }
  return out;
}

function machineFacts() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
  };
}

function markdown({ facts, config, pin, perf, started, finished, loadBefore, loadAfter, pressure, summary, samples, target, autocannonVersion }) {
  const { rows, ratios } = summary;
  const perRound = samples.map((s) => `| ${s.round} | ${s.route} | ${s.server} | ${fmtInt(s.rps)} | ${fmtMs(s.p99)} | ${fmtMB(s.rss)} | ${fmtPct(s.serverCpu)} | ${fmtPct(s.loadCpu)} | ${fmtUs(s.cpuPerReq)} | ${fmtK(s.insPerReq)} | ${fmtK(s.userInsPerReq)} | ${fmtK(s.cycPerReq)} |`);
  return `# Benchmark results

Raw \`node:http\` against a Rivet app with the same two routes, written by \`npm run bench\` (\`bench/run.js\`).

> **Read with care.** This machine is a small shared VM (other work runs on it at the same time), so absolute
> numbers are noisy and only indicative. Every figure below is the **median** over ${config.rounds} interleaved
> rounds; a ratio is the median of the per-round ratios (each round runs every server back to back, so a ratio
> compares runs made seconds apart). Compare ratios, not req/s, across machines and days. When the servers were
> not kept busy (srv CPU well under 100%), other work was competing for the cores and req/s mostly measures that;
> the per-request costs (CPU time, and above all instructions, which other work hardly moves) are then the better guide.

## Ratios (\`${config.baseline}\` = 1.00×; higher is better for the server)

${ratioLines(ratios, config.baseline, target).map((l) => `- ${l.replace('\n    WARNING:', '\n  **Warning:**')}`).join('\n')}

## Results

${markdownTable(rows)}
${(() => {
    const odd = outliers(samples);
    return odd.length === 0 ? '' : `\n**Outlier runs** (same server and route, much more work per request; see the per-round table):\n${odd.map((o) => `- ${o}`).join('\n')}\n`;
  })()}

Columns: **req/s** is autocannon's mean of per-second samples (the median over rounds, then the range);
**p99** the 99th-percentile latency; **RSS** the server's resident set size sampled right after that cell's load;
**srv CPU** / **gen CPU** the CPU time of the server / of the runner (which hosts autocannon) over wall time during
the measured load (a server near 100% is the bottleneck, as intended; a load generator near 100% would mean the
numbers measure autocannon); **CPU µs/req** the server's CPU time (user + system, /proc) per answered request;
**instr/req** and **cycles/req** the server process's instructions and CPU cycles per request (user + kernel,
\`perf stat -p\`), **user instr/req** the user-space share (JS, V8, node's C++; the kernel's loopback TCP work is
the same for every server)${perf ? '' : ' (perf was not available on this run)'}; **bad** counts non-2xx answers, errors and timeouts (must be 0).
**req/s ratio** is the headline; **CPU ratio** and **instr ratio** are baseline cost ÷ this server's cost, i.e.
roughly what the req/s ratio would be on a quiet machine where the server alone limits throughput (instructions
ignore memory stalls, so they slightly flatter the server that allocates more); **user instr ratio** isolates the
part frameworks control.

## Machine

- CPU: ${facts.cpu}, ${facts.cores} cores; memory ${facts.memory}
- OS: ${facts.os}
- Node: ${facts.node}; autocannon ${autocannonVersion}
- Date: ${started.toISOString()} → ${finished.toISOString()}
- Load average (1/5/15 min) before: ${loadBefore.map((x) => x.toFixed(2)).join(' / ')}; after: ${loadAfter.map((x) => x.toFixed(2)).join(' / ')}
  (a load above the ${facts.cores} cores means other work was running during the benchmark)
- CPU pressure (Linux PSI, \`/proc/pressure/cpu\` "some") during the run: ${pressure === null ? 'not available' : `${Math.round(pressure * 100)}% of the time some task was waiting for a CPU (0% on a quiet machine)`}

## Conditions

- Loopback (127.0.0.1), HTTP/1.1 keep-alive; autocannon ${config.connections} connections, pipelining ${config.pipelining}.
- ${config.rounds} rounds × ${config.servers.length} servers × ${config.routes.length} routes; each cell ${config.warmup} s warm-up (discarded) then ${config.duration} s measured.
  Server order rotates every round; each server is a fresh child process per round (NODE_ENV=production), started on port 0.
- CPU pinning: ${pin.note}.
- Routes: \`GET /hello\` with \`x-api-key: secret\` (Rivet: \`@Controller('/hello') @Guard(ApiKeyGuard)\`, returns \`{"hello":"world"}\`);
  \`POST /users\` with \`{"name","email","age"}\` (Rivet: class-validator DTO with \`@Length(1, 50)\`, \`@IsEmail()\`,
  \`@IsInt() @Min(0) @Max(150)\`; raw node:http validates the same fields by hand), answering 201 with the created object.
  Each server is checked once per start (status and body, plus a 403 without the key and a 422 for an invalid body) before load.
- Rivet is the built package (\`dist/\`); its server is TypeScript compiled by @swc/core with the repository's \`.swcrc\` (decorator metadata on).

## Per round

| round | route | server | req/s | p99 ms | RSS MB | srv CPU | gen CPU | CPU µs/req | instr/req | user instr/req | cycles/req |
| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${perRound.join('\n')}

Reproduce: \`npm run bench\` (defaults), or e.g. \`BENCH_DURATION=3 BENCH_ROUNDS=2 npm run bench\`; \`node bench/run.js --help\` lists the options.
`;
}

module.exports = { summarize, textTable, ratioLines, outliers, machineFacts, markdown };
