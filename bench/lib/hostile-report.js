'use strict';
const { spliceSection: splice } = require('./markdown');
/**
 * The "Hostile bodies" section of bench/RESULTS.md, from the results of bench/lib/hostile.js: issue 15's verdicts,
 * then a table per target. Used by bench/run.js (inside the full report) and bench/hostile.js (which replaces only
 * this section of an existing RESULTS.md).
 */
const { summarize, throughputVerdict, markdownTable, display, fmtInt, fmtMs, fmtPct, fmtRatio, fmtK, fmtUs, SATURATED } = require('./report');
const { HOSTILE, SUBJECT } = require('./targets');

const HEADING = '## Hostile bodies';

const fmtCpu = (n) => (n === null || n === undefined ? '–' : n < 10 ? n.toFixed(1) : fmtInt(n));
// Decimal kilobytes, as the issue counts them (its "852 KB" object is shape (a), 852,013 bytes).
const fmtKB = (b) => (b === null || b === undefined ? '–' : b >= 1e6 ? `${(b / 1e6).toFixed(2)} MB` : `${(b / 1000).toFixed(b < 10000 ? 1 : 0)} KB`);
const fmtBytes = (b) => (b === null || b === undefined ? '–' : b >= 10240 ? fmtKB(b) : `${fmtInt(b)} B`);

/** "422 ×5", "500 ×1, 422 ×4", "ECONNRESET ×1". */
function statusList(runs) {
  const counts = new Map();
  for (const r of runs) {
    const key = r.status === null ? (r.error ?? 'no answer') : String(r.status);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([k, n]) => `${k} ×${n}`).join(', ');
}

function summaryOf(h) {
  const refs = ['node-http', 'fastify'].filter((s) => h.servers.includes(s));
  return summarize(h.invalid.samples, { routes: [h.invalid.route], servers: h.servers, refs });
}

/** The CPU figure a verdict reads: /proc/<pid>/stat as the issue states it, schedstat where stat is unavailable. */
const verdictCpu = (r) => {
  const ms = r.cpuMs ?? r.schedMs;
  return ms === null || ms === undefined ? null : Math.round(ms * 1000) / 1000;
};

/** Issue 15's verdicts for SUBJECT, one per target (each hostile shape its own row). */
function hostileVerdicts(h) {
  const out = [];
  const other = (server, f) => (h.servers.includes(server) && server !== SUBJECT ? f(server) : null);

  // 1. The invalid POST's throughput, with what each answer says.
  const v = throughputVerdict(summaryOf(h), HOSTILE.invalid, SUBJECT, { cpuFallback: true });
  const answer = (s) => {
    const a = h.invalid.answers[s];
    if (a === undefined) return null;
    return `${display(s)} ${a.status} naming ${a.named} of ${a.of} failures (${fmtBytes(a.bytes)})`;
  };
  const answers = [answer(SUBJECT), other('fastify', answer), other('node-http', answer)].filter(Boolean).join(', ');
  const mine = h.invalid.answers[SUBJECT];
  const full = mine !== undefined && mine.named === mine.of;
  out.push({
    ...v,
    measured: `${v.measured}; answers: ${answers}`,
    // Rivet's full messages are part of the target: an answer naming fewer failures fails it whatever the speed.
    verdict: full || v.met === undefined ? v.verdict : '**not met** (the answer does not list every failure)',
    met: v.met === undefined ? undefined : v.met && full,
  });

  // 2. Each hostile shape: every answer 400/413/422, median server CPU under the limit.
  for (const shape of h.shapes) {
    const text = `(${shape.id}) ${shape.name} (${fmtKB(shape.bytes)}): ${HOSTILE.statuses.join('/')} in < ${HOSTILE.cpuMs} ms of server CPU`;
    const r = h.shapeResults.find((x) => x.shape === shape.id && x.server === SUBJECT);
    if (r === undefined) {
      out.push({ text, measured: 'not measured in this run', verdict: '–' });
      continue;
    }
    const statusesOk = r.runs.every((x) => HOSTILE.statuses.includes(x.status));
    const cpu = verdictCpu(r);
    const cpuOk = cpu !== null && cpu < HOSTILE.cpuMs;
    const ctx = (s) => {
      const o = h.shapeResults.find((x) => x.shape === shape.id && x.server === s);
      return o === undefined ? null : `${display(s)} ${statusList(o.runs)}, ${fmtCpu(verdictCpu(o))} ms`;
    };
    const others = [other('fastify', ctx), other('node-http', ctx)].filter(Boolean).join('; ');
    const why = [statusesOk ? null : 'status', cpuOk ? null : 'CPU'].filter(Boolean).join(' and ');
    out.push({
      text, shape: shape.id, met: statusesOk && cpuOk,
      measured: `${statusList(r.runs)}; ${fmtCpu(cpu)} ms CPU (median of ${r.runs.length}${r.stopped ? `, ${r.stopped}` : ''}; schedstat ${fmtCpu(r.schedMs)} ms), answer ${fmtBytes(r.bytes)}, ${fmtInt(r.wallMs)} ms wall${others === '' ? '' : ` (${others})`}${shape.parseMs === null || shape.parseMs === undefined ? '' : `; JSON.parse alone ${fmtCpu(shape.parseMs)} ms`}`,
      verdict: statusesOk && cpuOk ? '**met**' : `**not met** (${why})`,
    });
  }

  // 3. The probe under load.
  const p = h.probes[SUBJECT];
  const text = `GET /hello probe every ${h.constants.PROBE_INTERVAL_MS} ms with ${h.constants.SENDERS} hostile bodies in flight: never waits more than ${HOSTILE.probeMs} ms`;
  if (p === undefined) out.push({ text, measured: 'not measured in this run', verdict: '–' });
  else {
    const ok = p.loaded.max !== null && p.loaded.max <= HOSTILE.probeMs && p.loaded.unfinished === 0 && p.loaded.failed === 0;
    const ctx = (s) => (h.probes[s] === undefined ? null : `${display(s)} max ${fmtCpu(h.probes[s].loaded.max)}, p99 ${fmtCpu(h.probes[s].loaded.p99)} ms`);
    const others = [other('fastify', ctx), other('node-http', ctx)].filter(Boolean).join('; ');
    out.push({
      text, met: ok,
      measured: `max ${fmtCpu(p.loaded.max)} ms, p99 ${fmtCpu(p.loaded.p99)} ms over ${p.loaded.count} probes (${p.loaded.over100} over 100 ms${p.loaded.failed > 0 ? `, ${p.loaded.failed} failed: ${failures(p.loaded)}` : ''}${p.loaded.unfinished > 0 ? `, ${p.loaded.unfinished} still waiting when the stage gave up ${h.constants.DRAIN_MS / 1000} s after the window` : ''}; idle p99 ${fmtCpu(p.idle.p99)} ms)${p.hostile.abandoned > 0 ? `; ${p.hostile.abandoned} of the ${p.hostile.sent} hostile bodies unanswered then` : ''}${others === '' ? '' : ` (${others})`}`,
      verdict: ok ? '**met**' : '**not met**',
    });
  }
  return out;
}

/** "ECONNRESET after 7,530 ms, 500 after 12 ms". */
const failures = (stats) => (stats.failures ?? []).map((f) => `${f.status ?? f.error} after ${fmtInt(f.ms)} ms`).join(', ');

function hostileVerdictLines(h) {
  return hostileVerdicts(h).map((v) => `${v.text}: ${v.measured} → ${v.verdict.replace(/\*\*/g, '')}`);
}

/** The section's body (everything under its `## Hostile bodies` heading). */
function hostileSection(h, { pressure = null, build = h.build } = {}) {
  if (h === null || h === undefined) return '_Not run (`--no-hostile`)._';
  const started = new Date(h.started);
  const finished = new Date(h.finished);
  const verdictRows = hostileVerdicts(h);
  const summary = summaryOf(h);
  const refs = summary.refs;

  const invalidRows = h.servers.map((s) => {
    const row = summary.rows.find((r) => r.server === s);
    const a = h.invalid.answers[s];
    const ratio = (ref) => (row === undefined || row.vs[ref] === undefined ? '–' : s === ref ? '1.00×' : fmtRatio(row.vs[ref].ratio));
    const other = (key) => (ref) => (row === undefined || row.vs[ref] === undefined ? '–' : s === ref ? '1.00×' : fmtRatio(row.vs[ref][key]));
    return [
      display(s), a === undefined ? '–' : String(a.status), a === undefined ? '–' : `${a.named} of ${a.of}`, a === undefined ? '–' : fmtBytes(a.bytes),
      row === undefined ? '–' : fmtInt(row.rps), row === undefined ? '–' : `${fmtInt(row.rpsMin)}–${fmtInt(row.rpsMax)}`,
      ...refs.map(ratio), row === undefined ? '–' : fmtMs(row.p99), row === undefined ? '–' : fmtPct(row.serverCpu), row === undefined ? '–' : fmtUs(row.cpuPerReq),
      ...refs.map(other('cpuRatio')),
      ...(h.perf ? [row === undefined ? '–' : fmtK(row.userInsPerReq), ...refs.map(other('userInsRatio'))] : []),
      row === undefined ? '–' : String(row.bad),
    ];
  });
  const invalidHead = [
    'server', 'status', 'failures named', 'answer', 'req/s', 'req/s min–max', ...refs.map((r) => `req/s ÷ ${display(r)}`), 'p99 ms', 'srv CPU', 'CPU µs/req',
    ...refs.map((r) => `CPU µs ${display(r)} ÷ this`), ...(h.perf ? ['user instr/req', ...refs.map((r) => `user instr ${display(r)} ÷ this`)] : []), 'bad',
  ];

  // One group of rows per body: its name, size and parse floor on the group's first row only.
  const shapeRows = [];
  for (const shape of h.shapes) {
    let first = true;
    for (const s of h.servers) {
      const r = h.shapeResults.find((x) => x.shape === shape.id && x.server === s);
      if (r === undefined) continue;
      const bold = s === SUBJECT ? (x) => `**${x}**` : (x) => x;
      shapeRows.push([
        first ? `(${shape.id}) ${shape.name}, ${fmtKB(shape.bytes)}` : '', display(s), statusList(r.runs), fmtBytes(r.bytes), bold(fmtCpu(r.cpuMs)), fmtCpu(r.schedMs),
        fmtInt(r.wallMs), `${r.runs.length}${r.stopped ? ` (${r.stopped})` : ''}`, first ? fmtCpu(shape.parseMs) : '',
      ]);
      first = false;
    }
  }

  const probeRows = h.servers.filter((s) => h.probes[s] !== undefined).map((s) => {
    const p = h.probes[s];
    const statuses = Object.entries(p.hostile.statuses).map(([k, n]) => `${k} ×${n}`).join(', ') || '–';
    return [
      display(s), fmtCpu(p.idle.p99), fmtInt(p.loaded.count), fmtCpu(p.loaded.p50), fmtCpu(p.loaded.p99), `**${fmtCpu(p.loaded.max)}**`, String(p.loaded.over100),
      p.loaded.failed === 0 ? '0' : `${p.loaded.failed} (${failures(p.loaded)})`, String(p.loaded.unfinished), `${p.hostile.sent} / ${p.hostile.answered}${p.hostile.abandoned > 0 ? ` (${p.hostile.abandoned} abandoned)` : ''}`, statuses, p.seconds.toFixed(1),
    ];
  });

  const c = h.config;
  const k = h.constants;
  const invalidBody = JSON.stringify(h.invalid.body);
  return `Issue 15: what an invalid or hostile body costs each server. Written by \`node bench/hostile.js\` (also a stage of
\`npm run bench\`) on ${started.toISOString().slice(0, 10)}, ${Math.round((finished - started) / 1000)} s; servers ${h.servers.map(display).join(', ')}, each a fresh child process per
round pinned like the main load (${h.pin.note}). Rivet: ${build}.${pressure === null ? '' : ` CPU pressure during the stage: some task waited for a CPU ${Math.round(pressure * 100)}% of the time.`}

${markdownTable(['target (Rivet)', 'measured', 'verdict'], verdictRows.map((v) => [v.text, v.measured, v.verdict]), 3)}

### Invalid POST

\`POST /users\` (the valid POST route's DTO: name 1–50 characters, email, integer age 0–150) with \`${invalidBody}\`: two
constraints broken (\`email\` not an address, \`age\` over 150). ${c.rounds} interleaved round${c.rounds === 1 ? '' : 's'} of ${c.warmup} s warm-up + ${c.duration} s measured,
autocannon ${c.connections} connections, ${h.perf ? 'perf stat as in the main load' : 'no perf counters on this run (perf stat could not count instructions here)'}; medians over rounds, ratios the median of per-round ratios.
Each framework as its users run it: Fastify validates with its default ajv options (\`allErrors\` off), so it stops at
the first failure and names only that one; Rivet lists every failure (problem+json \`errors\`); node:http answers a
fixed \`{"error":"validation failed"}\`. "failures named" counts which of the two broken fields the answer mentions.

${markdownTable(invalidHead, invalidRows)}

**bad** counts answers other than 400/422, errors and timeouts (must be 0). **CPU µs X ÷ this**: X's server CPU time per request
over this server's (higher is better for this server). The target is read like the main table's: req/s over the rounds where
both servers were saturated (srv CPU ≥ ${SATURATED * 100}%), the user-space instruction ratio beside it${h.perf ? '' : ' (here, without perf, the server-CPU-per-request ratio in its place)'}.

### Hostile bodies, one at a time

Each body sent alone to \`POST /shops/acme/orders\` (bench/servers/: the nested order DTO plus an optional
self-referencing \`category\` chain; the handler takes two parameters, the path's shop and the body), ${c.reps} times in a
row, after the invalid-POST load of the last round; every body is under the 1 MiB body limit of every server and
invalid (the deepest category of (d) has an empty name, so even a server with no depth limit must refuse it). Server
CPU per request is the server process's utime + stime from \`/proc/<pid>/stat\` (all threads; clock ticks of 10 ms)
read before sending and ${k.SETTLE_MS} ms after the answer, and the same interval from the threads' \`schedstat\` (ns; the
finer figure); medians over the repetitions. A shape stops repeating once it has cost ${k.SHAPE_BUDGET_MS / 1000} s of CPU; a request
unanswered after ${k.REQUEST_TIMEOUT_MS / 1000} s is abandoned and the server restarted. The verdict reads the \`/proc/<pid>/stat\` column.

${markdownTable(['body, size', 'server', 'status ×reps', 'answer', 'server CPU ms (/proc stat)', 'server CPU ms (schedstat)', 'wall ms', 'reps', 'JSON.parse alone, ms'], shapeRows, 2)}

**JSON.parse alone** is the floor under every server: \`JSON.parse(buffer.toString('utf8'))\` of the same body in a separate
node process pinned to the server core (process CPU time, so the collections it causes count; median of ${c.reps} after one
discarded run). A server that reads and parses the whole body cannot answer in less.
${h.notes.length === 0 ? '' : `\nRestarts: ${h.notes.join('; ')}.\n`}
### Probe with four hostile bodies in flight

${k.SENDERS} senders post the five bodies (rotating (a)–(e), each sender starting at a different one) back to back, one
connection per body, for ${c.windowSeconds} s; meanwhile \`GET /hello\` (with its key) on one keep-alive connection every ${k.PROBE_INTERVAL_MS} ms,
the next right after a slow one, until the senders' last answers are in (or ${k.DRAIN_MS / 1000} s after the window, when whatever is
in flight is abandoned and a waiting probe counted with its wait so far as "unfinished"). Latency is the client's, send to
last byte; a probe that fails (a reset connection: a server whose loop was blocked longer than node's 5 s keep-alive
timeout closes the idle-looking connection once it runs again, dropping the request already sent on it) counts with
its wait in the latencies and is listed. "idle p99" is the same probe for ${k.IDLE_PROBE_MS / 1000} s just before, on the idle server.

${markdownTable(['server', 'idle p99 ms', 'probes', 'p50 ms', 'p99 ms', 'max ms', 'probes > 100 ms', 'failed', 'unfinished', 'hostile bodies sent / answered', 'their statuses', 'seconds'], probeRows)}

Reproduce: \`node bench/hostile.js\` (~1.5 min; \`--help\` for the options, e.g. \`--dist bench/.build/at-<sha>/dist\` to measure a
commit built by \`node bench/tools/build-at.js <sha>\`); re-render from the saved run with \`node bench/hostile.js --report-from bench/.build/last-hostile.json\`.`;
}

/** Puts `section` (the body under HEADING) into the Markdown `text` (./markdown.js). */
function spliceSection(text, section) {
  return splice(text, HEADING, `${HEADING}\n\n${section.trim()}`);
}

module.exports = { hostileSection, hostileVerdicts, hostileVerdictLines, spliceSection, HEADING };
