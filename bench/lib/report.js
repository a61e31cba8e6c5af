'use strict';
const os = require('node:os');
const { median } = require('./stats');
const { THROUGHPUT, RSS_HEADROOM, COLD_START_MS, SUBJECT } = require('./targets');

/** Server CPU over wall time below which a run is called unsaturated. */
const SATURATED = 0.85;

const fmtInt = (n) => (n === null || n === undefined ? '–' : Math.round(n).toLocaleString('en-US'));
const fmtMs = (n) => (n === null || n === undefined ? '–' : n.toFixed(n < 10 ? 2 : 1));
const fmtMB = (b) => (b === null || b === undefined ? '–' : (b / 1048576).toFixed(1));
const fmtPct = (n) => (n === null || n === undefined ? '–' : `${Math.round(n * 100)}%`);
const fmtRatio = (r) => (r === null || r === undefined ? '–' : `${r.toFixed(2)}×`);
const fmtK = (n) => (n === null || n === undefined ? '–' : `${(n / 1000).toFixed(1)}k`);
const fmtUs = (n) => (n === null || n === undefined ? '–' : n.toFixed(1));
const fmtSigned = (b) => (b === null ? '–' : `${b >= 0 ? '+' : '−'}${(Math.abs(b) / 1048576).toFixed(1)}`);

/** Short display names of the servers (file names in bench/servers/). */
const DISPLAY = { 'node-http': 'node:http', 'node-http-libs': 'node:http + libs', fastify: 'Fastify', 'nest-express': 'Nest/Express', 'nest-fastify': 'Nest/Fastify', rivet: 'Rivet' };
const display = (s) => DISPLAY[s] ?? s;

/**
 * Ratios against a reference server, each the median of per-round ratios (rounds are interleaved, so a ratio
 * compares runs made seconds apart). All read "higher is better for the server": req/s is this ÷ reference; the
 * cost metrics (CPU time, instructions per request) are reference ÷ this.
 */
const RATIOS = [
  { key: 'ratio', label: 'req/s', of: (s, b) => (b.rps ? s.rps / b.rps : null) },
  { key: 'cpuRatio', label: 'server CPU per request', of: (s, b) => (b.cpuPerReq && s.cpuPerReq ? b.cpuPerReq / s.cpuPerReq : null) },
  { key: 'insRatio', label: 'instructions per request', of: (s, b) => (b.insPerReq && s.insPerReq ? b.insPerReq / s.insPerReq : null) },
  { key: 'userInsRatio', label: 'user-space instructions per request', of: (s, b) => (b.userInsPerReq && s.userInsPerReq ? b.userInsPerReq / s.userInsPerReq : null) },
];

/**
 * Folds the per-round samples into one row per (route, server): medians, and for each reference server present
 * (`refs`, e.g. node-http and fastify) the ratios against it, per round and their median.
 */
function summarize(samples, { routes, servers, refs }) {
  const rows = [];
  for (const route of routes) {
    for (const server of servers) {
      const mine = samples.filter((s) => s.route === route.id && s.server === server);
      if (mine.length === 0) continue;
      const med = (f) => median(mine.map(f));
      const row = {
        route: route.name, routeId: route.id, server,
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
        vs: {},
      };
      for (const ref of refs) {
        const base = samples.filter((s) => s.route === route.id && s.server === ref);
        if (base.length === 0) continue;
        const entry = {};
        for (const { key, of } of RATIOS) {
          const perRound = mine.map((s) => {
            const b = base.find((x) => x.round === s.round);
            return b === undefined ? null : of(s, b);
          }).filter((r) => r !== null);
          entry[key] = server === ref ? 1 : median(perRound);
          entry[`${key}PerRound`] = server === ref ? [] : perRound;
        }
        // A server that was not kept busy was not what limited throughput (other work on the machine, or the load
        // generator): then req/s compares the machine's mood, not the servers.
        const runs = [...base, ...mine];
        entry.starved = server === ref ? 0 : runs.filter((x) => x.serverCpu !== null && x.serverCpu < SATURATED).length;
        entry.runs = runs.length;
        // The req/s ratio over the rounds where both servers were saturated: the only rounds where req/s compares them.
        const busy = (x) => x.serverCpu !== null && x.serverCpu >= SATURATED;
        entry.satPerRound = server === ref ? [] : mine.map((s) => {
          const b = base.find((x) => x.round === s.round);
          return b !== undefined && busy(s) && busy(b) ? s.rps / b.rps : null;
        }).filter((r) => r !== null);
        entry.satRatio = server === ref ? 1 : median(entry.satPerRound);
        row.vs[ref] = entry;
      }
      rows.push(row);
    }
  }
  return { rows, refs };
}

const vsCell = (row, ref, key) => (row.vs[ref] === undefined ? '–' : row.server === ref ? '1.00×' : fmtRatio(row.vs[ref][key]));

function columns(refs) {
  const cols = [
    ['route', (r) => r.route],
    ['server', (r) => display(r.server)],
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
  ];
  for (const ref of refs) cols.push([`req/s ÷ ${display(ref)}`, (r) => vsCell(r, ref, 'ratio')]);
  for (const ref of refs) cols.push([`user instr ${display(ref)} ÷ this`, (r) => vsCell(r, ref, 'userInsRatio')]);
  return cols;
}

/** The compact console table. */
function textTable({ rows, refs }) {
  const cols = columns(refs).filter(([h]) => !['req/s min–max', 'cycles/req', 'gen CPU'].includes(h));
  const cells = [cols.map(([h]) => h), ...rows.map((r) => cols.map(([, f]) => f(r)))];
  const widths = cols.map((_, i) => Math.max(...cells.map((c) => c[i].length)));
  const line = (c) => c.map((v, i) => (i < 2 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ');
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

function markdownTable(head, body, leftCols = 1) {
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map((_, i) => (i < leftCols ? ' --- ' : ' ---: ')).join('|')}|`,
    ...body.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

/** One matrix: a row per route, a column per server, each cell "÷ node:http / ÷ Fastify" of `key`. */
function ratioMatrix({ rows, refs }, servers, routes, key) {
  const body = routes.map((route) => [route.name, ...servers.map((server) => {
    const row = rows.find((r) => r.routeId === route.id && r.server === server);
    if (row === undefined) return '–';
    const mark = (v) => (key === 'ratio' && v.starved > 0 ? '†' : '');
    return refs.filter((ref) => row.vs[ref] !== undefined).map((ref) => (row.server === ref ? '1.00×' : `${fmtRatio(row.vs[ref][key])}${mark(row.vs[ref])}`)).join(' / ');
  })]);
  return markdownTable(['route', ...servers.map(display)], body);
}

/**
 * The verdict on one throughput target `t` ({ route, vs, min, text }) for `subject`: req/s over the rounds where both
 * servers were saturated, else the user-space instruction ratio; both shown, and where they disagree, both verdicts.
 * With `cpuFallback`, a run without instruction counts (no perf) reads the server-CPU-per-request ratio instead.
 */
function throughputVerdict(summary, t, subject = SUBJECT, { cpuFallback = false } = {}) {
  const get = (routeId, server) => summary.rows.find((r) => r.routeId === routeId && r.server === server);
  const row = get(t.route, subject);
  const v = row?.vs[t.vs];
  if (v === undefined) return { text: t.text, measured: 'not measured in this run', verdict: '–' };
  const byCpu = cpuFallback && v.userInsRatio === null && v.cpuRatio !== null;
  const witness = byCpu ? 'CPU per request' : 'instructions';
  const byIns = byCpu ? v.cpuRatio >= t.min : v.userInsRatio === null ? null : v.userInsRatio >= t.min;
  // req/s decides only over rounds where both servers were saturated; with none, the instructions decide.
  const sat = v.satPerRound.length;
  const byRps = sat === 0 ? null : v.satRatio >= t.min;
  const per = v.ratioPerRound.map((x) => x.toFixed(2)).join(', ');
  // autocannon shares one core with the runner: near 100% it, not the server, caps req/s and ratios drift to 1.
  const ref = get(t.route, t.vs);
  const genBound = [row, ref].some((x) => x !== undefined && x.loadCpu !== null && x.loadCpu >= 0.9);
  const rps = sat === v.ratioPerRound.length
    ? `req/s ${fmtRatio(v.ratio)} [${per}]`
    : sat === 0
      ? `req/s ${fmtRatio(v.ratio)} [${per}], no round with both servers saturated`
      : `req/s ${fmtRatio(v.satRatio)} over the ${sat} round${sat === 1 ? '' : 's'} with both servers saturated (all rounds ${fmtRatio(v.ratio)} [${per}])`;
  const yes = (b) => (b ? 'met' : 'not met');
  let verdict;
  if (byRps === null) verdict = byIns === null ? '**inconclusive**' : `**${yes(byIns)}** by ${witness} (req/s inconclusive)`;
  else if (byIns === null || byIns === byRps) verdict = `**${yes(byRps)}**`;
  else verdict = `**${yes(byRps)}** by req/s, **${yes(byIns)}** by ${witness}`;
  return {
    text: t.text, route: t.route, vs: t.vs, min: t.min, ratio: v.ratio, satRatio: v.satRatio, insRatio: v.insRatio, userInsRatio: v.userInsRatio, cpuRatio: v.cpuRatio,
    met: byRps ?? byIns,
    measured: `${rps}; user instr ${fmtRatio(v.userInsRatio)}, all instr ${fmtRatio(v.insRatio)}${byCpu ? ` (no perf counters), server CPU per request ${fmtRatio(v.cpuRatio)}` : ''}${genBound ? '; load generator ≥ 90% CPU (req/s ratio compressed towards 1)' : ''}`,
    verdict,
  };
}

/** The issue-8 verdicts for SUBJECT: throughput per route, RSS, cold start. */
function verdicts(summary, { coldStart }) {
  const out = THROUGHPUT.map((t) => throughputVerdict(summary, t));
  const get = (routeId, server) => summary.rows.find((r) => r.routeId === routeId && r.server === server);
  const rssDeltas = summary.rows.filter((r) => r.server === SUBJECT).map((r) => {
    const base = get(r.routeId, 'node-http');
    return base === undefined || r.rss === null || base.rss === null ? null : { route: r.route, delta: r.rss - base.rss };
  }).filter(Boolean);
  if (rssDeltas.length > 0) {
    const worst = rssDeltas.reduce((a, b) => (b.delta > a.delta ? b : a));
    // Beside it, when measured: the same node:http code in a process that loaded class-validator and class-transformer.
    const libs = summary.rows.filter((r) => r.server === SUBJECT).map((r) => {
      const base = get(r.routeId, 'node-http-libs');
      return base === undefined || r.rss === null || base.rss === null ? null : `${r.route.split(' ')[1]} ${fmtSigned(r.rss - base.rss)}`;
    }).filter(Boolean);
    out.push({
      text: 'RSS after the load ≤ raw node:http + 15 MB',
      measured: `worst route ${worst.route}: ${fmtSigned(worst.delta)} MB (${rssDeltas.map((d) => `${d.route.split(' ')[1]} ${fmtSigned(d.delta)}`).join(', ')})${libs.length > 0 ? `; against node:http with the same validation libraries loaded (node-http-libs): ${libs.join(', ')} MB` : ''}`,
      verdict: worst.delta <= RSS_HEADROOM ? '**met**' : '**not met**',
      met: worst.delta <= RSS_HEADROOM,
    });
  }
  const cs = coldStart?.find((c) => c.name === SUBJECT);
  if (cs !== undefined) {
    out.push({
      text: `Cold start, 100 controllers / 300 routes, to the first response < ${COLD_START_MS} ms`,
      measured: `median ${Math.round(cs.ms)} ms (${Math.round(cs.min)}–${Math.round(cs.max)}, ${cs.runs} runs)`,
      verdict: cs.ms < COLD_START_MS ? '**met**' : '**not met**',
      met: cs.ms < COLD_START_MS,
    });
  }
  return out;
}

function verdictLines(summary, extra) {
  return verdicts(summary, extra).map((v) => `${v.text}: ${v.measured} → ${v.verdict.replace(/\*\*/g, '')}`);
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
      out.push(`round ${s.round} ${display(s.server)} ${s.route}: ${fmtK(s.userInsPerReq)} user instructions/request vs a median of ${fmtK(m)} (${(s.userInsPerReq / m).toFixed(2)}×)`);
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

function coldStartSection(coldStart) {
  if (coldStart === null || coldStart.length === 0) return '_Not run (`--coldstart-runs 0`)._';
  const floor = coldStart.find((c) => c.name === 'node-http');
  const body = coldStart.map((c) => [
    `\`${c.name}\``, c.label, `**${fmtInt(c.ms)}**`, `${fmtInt(c.min)}–${fmtInt(c.max)}`, fmtInt(c.boot), fmtInt(c.load), fmtInt(c.build), fmtInt(c.listen), fmtMB(c.rss),
  ]);
  return `${markdownTable(['app', 'what', 'first response, ms (median)', 'min–max', 'node boot', 'load modules', 'build app', 'listen', 'RSS MB then'], body, 2)}

Time from spawning \`node\` to the end of the first successful response to \`GET /c099/42\` (a guarded route with a
number parameter in the last controller), measured by the runner; median of ${coldStart[0].runs} starts per app, interleaved,
after one discarded start each (disk cache). The phase columns are the app's own marks (\`performance.now()\`, from
the process's time origin): **node boot** until the first line of the app runs${floor ? ` (node alone: ${fmtInt(floor.boot)} ms)` : ''}, **load
modules** the imports (the framework, class-validator, the 100 controller files and their decorators), **build app**
\`createApp\` / \`NestFactory.create\` + \`init\` / \`fastify.ready()\` (routes compiled, schemas compiled), **listen** until the port is bound;
the rest of the first-response time is the runner's own request. Each app is generated as TypeScript
(bench/lib/coldstart.js) into bench/.build/coldstart/ and compiled by swc; 100 controller files, each with
GET / (a number query parameter), GET /:id (a number path parameter) and POST / (its own 3-field DTO); every other
controller guarded.`;
}

function microSection(micro) {
  if (micro === null) return '_Not run (`--no-micro`)._';
  const byKey = (dto, input, variant) => micro.results.find((r) => r.dto === dto && r.input === input && r.variant === variant);
  const body = [];
  for (const dto of ['user', 'order']) {
    for (const input of ['valid', 'invalid']) {
      const cv = byKey(dto, input, 'class-validator');
      const rv = byKey(dto, input, 'rivet');
      const aj = byKey(dto, input, 'ajv');
      if (!cv || !rv || !aj) continue;
      body.push([
        `${cv.dtoLabel}, ${input}`, cv.us.toFixed(2), `**${rv.us.toFixed(2)}**`, aj.us.toFixed(3), `${(cv.us / rv.us).toFixed(1)}×`, `${(rv.us / aj.us).toFixed(0)}×`,
      ]);
    }
  }
  return `${markdownTable(['body', 'class-validator path µs', 'Rivet default µs', "Fastify's ajv µs", 'default vs class-validator', "Rivet ÷ ajv time"], body)}

\`node bench/micro/validate.js\` (${micro.seconds} s per case, median of 5 samples, in a child process pinned to the
server core): \`compileDtoPipe(dto, 'body')\` from dist/pipeline/validate.js with \`{ fast: false }\` (class-transformer +
class-validator) and by default (the compiled fast path), and Fastify's own ajv compiler on the equivalent schema,
each fed the already-parsed body of the HTTP benchmark. The invalid rows are the 422 path (Rivet builds
problem+json issues; ajv only answers false).`;
}

function markdown(r) {
  const { facts, config, pin, perf, started, finished, loadBefore, loadAfter, pressure, summary, samples, versions, git, coldStart, micro, history, servers, routes, hostileSection } = r;
  const refs = summary.refs;
  const others = servers;
  const perRound = samples.map((s) => `| ${s.round} | ${s.route} | ${display(s.server)} | ${fmtInt(s.rps)} | ${fmtMs(s.p99)} | ${fmtMB(s.rss)} | ${fmtPct(s.serverCpu)} | ${fmtPct(s.loadCpu)} | ${fmtUs(s.cpuPerReq)} | ${fmtK(s.insPerReq)} | ${fmtK(s.userInsPerReq)} | ${fmtK(s.cycPerReq)} |`);
  const verdictRows = verdicts(summary, { coldStart });
  const odd = outliers(samples);
  const full = columns(refs);
  const starved = summary.rows.filter((row) => row.server !== 'node-http' && Object.values(row.vs).some((v) => v.starved > 0));
  return `# Benchmark results

Raw \`node:http\`, Fastify, NestJS on Express and on Fastify, and Rivet, each answering the same five routes
(bench/routes.js), written by \`npm run bench\` (\`bench/run.js\`) on ${started.toISOString().slice(0, 10)}.

> **Read with care.** This machine is a small shared VM: other engineers run builds and tests on it at the same
> time, so absolute numbers are noisy and only indicative. Every figure below is the **median** over ${config.rounds}
> interleaved rounds; a ratio is the median of the per-round ratios (each round runs every server back to back,
> so a ratio compares runs made seconds apart). Compare ratios, not req/s, across machines and days. When a server
> was not kept busy (srv CPU well under 100%), other work was competing for the cores and req/s mostly measures
> that; the per-request costs (above all instructions, which other work hardly moves) are then the better guide.
> CPU pressure during this run: ${pressure === null ? 'not available' : `some task waited for a CPU ${Math.round(pressure * 100)}% of the time`}; load average ${loadBefore[0].toFixed(2)} before, ${loadAfter[0].toFixed(2)} after (2 cores).

## Rivet against the issue-8 targets

${markdownTable(['target', 'measured (median [per round])', 'verdict'], verdictRows.map((v) => [v.text, v.measured, v.verdict]), 3)}

The targets are stated in req/s. A req/s ratio decides only over the rounds where both servers were saturated (srv
CPU ≥ ${SATURATED * 100}%): elsewhere it compares the machine's other work, not the servers. "user instr" is the reference's
user-space instructions per request ÷ Rivet's (perf stat), "all instr" the same including the kernel's loopback
TCP work: the steady measure of the same thing, above 1.00× when Rivet does less work per request than the
reference. Where the two disagree the row says so.

## Ratios per route

Each cell: this server ÷ raw node:http / ÷ Fastify, measured in the same round (median of the per-round ratios).

**req/s** (higher is better)

${ratioMatrix(summary, others, routes, 'ratio')}
${starved.length === 0 ? '' : `
† at least one of the runs behind this ratio left its server below ${SATURATED * 100}% CPU (other work on the machine took the
core or the load generator's), so this req/s ratio partly measures that; the instruction ratios below are unaffected.
`}
**user-space instructions per request**, reference ÷ this server (higher is better: less work per request)

${ratioMatrix(summary, others, routes, 'userInsRatio')}
${summary.rows.some((r) => r.server === 'node-http-libs') ? `
**node:http + libs** is an RSS reference, not a framework: raw node:http's very code in a process that also loaded
class-validator and class-transformer (which every DTO-based server here loads). Its request path is node:http's, so
its work per request should match node:http's; when a whole process of it does more (seen: about +40k user
instructions per request in every round of one run, not in a shorter run just after), the difference is in how that
process ran, not in its code: perf counts all of a process's threads, V8's background GC and compiler threads too.
` : ''}
## Results (medians over rounds)

${markdownTable(full.map(([h]) => h), summary.rows.map((row) => full.map(([, f]) => f(row))), 2)}
${odd.length === 0 ? '' : `\n**Outlier runs** (same server and route, much more work per request; see the per-round table):\n${odd.map((o) => `- ${o}`).join('\n')}\n`}
Columns: **req/s** is autocannon's mean of per-second samples (the median over rounds, then the range);
**p99** the 99th-percentile latency (autocannon counts whole milliseconds, so 0.00 means under 1 ms); **RSS** the server's resident set size sampled right after that cell's load;
**srv CPU** / **gen CPU** the CPU time of the server / of the runner (which hosts autocannon) over wall time during
the measured load (a server near 100% is the bottleneck, as intended; a load generator near 100% means the req/s
ratios are compressed towards 1); **CPU µs/req** the server's CPU time (user + system, /proc) per answered request;
**instr/req** and **cycles/req** the server process's instructions and CPU cycles per request (user + kernel,
\`perf stat -p\`), **user instr/req** the user-space share (JS, V8, node's C++; the kernel's loopback TCP work is
the same for every server)${perf ? '' : ' (perf was not available on this run)'}; **bad** counts non-2xx answers, errors and timeouts (must be 0);
**req/s ÷ X** this server's req/s over X's in the same round; **user instr X ÷ this** X's user-space instructions per
request over this server's (higher is better for this server; roughly what the req/s ratio would be on a quiet
machine where the server alone limits throughput, slightly flattering the server that allocates more).

## Cold start

${coldStartSection(coldStart)}

## Memory: RSS after the load

${(() => {
    const body = routes.map((route) => {
      const base = summary.rows.find((x) => x.routeId === route.id && x.server === 'node-http');
      return [route.name, ...others.map((server) => {
        const row = summary.rows.find((x) => x.routeId === route.id && x.server === server);
        if (row === undefined || row.rss === null) return '–';
        return server === 'node-http' || base === undefined ? fmtMB(row.rss) : `${fmtMB(row.rss)} (${fmtSigned(row.rss - base.rss)})`;
      })];
    });
    return `${markdownTable(['route', ...others.map((s) => `${display(s)} MB`)], body)}

RSS of the server process right after each cell's load (median over rounds), and the difference from raw
node:http's in MB; the target is Rivet ≤ node:http + 15 MB.`;
  })()}

## DTO validation pipe (in-process)

${microSection(micro)}

## Hostile bodies

${hostileSection ?? '_Not run (`--no-hostile`)._'}

## Before/after

${history.trim()}

## Machine

- CPU: ${facts.cpu}, ${facts.cores} cores; memory ${facts.memory}; a shared VM (other engineers' builds and tests run on it)
- OS: ${facts.os}
- Node: ${facts.node}; autocannon ${versions.autocannon}
- Date: ${started.toISOString()} → ${finished.toISOString()}
- Load average (1/5/15 min) before: ${loadBefore.map((x) => x.toFixed(2)).join(' / ')}; after: ${loadAfter.map((x) => x.toFixed(2)).join(' / ')}
  (a load above the ${facts.cores} cores means other work was running during the benchmark)
- CPU pressure (Linux PSI, \`/proc/pressure/cpu\` "some") during the run: ${pressure === null ? 'not available' : `${Math.round(pressure * 100)}% of the time some task was waiting for a CPU (0% on a quiet machine)`}

## Conditions

- Loopback (127.0.0.1), HTTP/1.1 keep-alive; autocannon ${config.connections} connections, pipelining ${config.pipelining}.
- ${config.rounds} rounds × ${servers.length} servers × ${routes.length} routes; each cell ${config.warmup} s warm-up (discarded) then ${config.duration} s measured.
  Server order rotates every round; each server is a fresh child process per round (NODE_ENV=production), started on port 0.
- CPU pinning: ${pin.note}.
- Rivet: the built package (\`dist/\`, \`tsc\`), ${git}. Its server and the Nest servers are TypeScript compiled by
  @swc/core with the repository's \`.swcrc\` (legacy decorators, decorator metadata on).
- Peers (bench/package.json, installed into bench/node_modules): Fastify ${versions.fastify}; NestJS ${versions.nest}
  (@nestjs/platform-express on Express ${versions.express}, @nestjs/platform-fastify on Fastify ${versions.nestFastify});
  class-validator ${versions.classValidator} and class-transformer ${versions.classTransformer} (one copy, the root's, shared by Nest and Rivet).
- The apps (bench/servers/): the same five routes everywhere.
  \`GET /hello\` with \`x-api-key: secret\`: a guarded controller (Rivet \`@Guard(ApiKeyGuard)\`; Nest \`@UseGuards\` with an
  \`@Injectable\` guard class; Fastify an \`onRequest\` hook in an encapsulated plugin; node:http an \`if\`).
  \`GET /items/42?fields=name\`: the id coerced to a number (Rivet from \`design:paramtypes\`; Nest \`ParseIntPipe\`; Fastify
  a params schema). \`POST /users\`, \`POST /orders\`: class-validator DTOs (bench/servers/_dtos.ts) for Rivet and Nest
  (global \`ValidationPipe({ whitelist: true })\`), JSON Schemas with \`additionalProperties: false\` for Fastify
  (bench/servers/_fastify-schemas.js), hand-written checks for node:http; each answers 201 with \`{ id, ...body }\`.
  \`GET /items\`: the same 1000 items (about 85 KB of JSON) everywhere; Rivet declares \`@ApiResponse(200, { type: [ItemDto] })\`
  (from which Rivet builds compile a fast-json-stringify serializer since commit bbf1b69), Fastify a response schema
  (fast-json-stringify); every Fastify route has request and response schemas; Nest and node:http use JSON.stringify.
- Before each load every server passes the same checks (bench/routes.js): each route's status and body, a 403
  without the key, a 400/422 for a non-numeric id and for invalid bodies (flat, at level 3, in an array item), and
  unknown keys dropped at every level of the nested body.

## Per round

| round | route | server | req/s | p99 ms | RSS MB | srv CPU | gen CPU | CPU µs/req | instr/req | user instr/req | cycles/req |
| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${perRound.join('\n')}

Reproduce: \`npm run bench\` (defaults), or e.g. \`BENCH_DURATION=3 BENCH_ROUNDS=2 npm run bench\`; \`node bench/run.js --help\` lists the options.
`;
}

module.exports = {
  summarize, textTable, verdictLines, verdicts, throughputVerdict, outliers, machineFacts, markdown, markdownTable, display, SATURATED,
  fmtInt, fmtMs, fmtMB, fmtPct, fmtRatio, fmtK, fmtUs,
};
