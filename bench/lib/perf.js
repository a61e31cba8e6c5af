'use strict';
const { spawn, spawnSync } = require('node:child_process');

// All instructions (user + kernel: the kernel's TCP work is the same for every server), cycles, and user-space
// instructions only (JS, V8, node's C++: where frameworks differ).
const EVENTS = ['instructions', 'cycles', 'instructions:u'];
const line = (e) => new RegExp(`^(\\d+),[^,]*,${e.replace(':', '\\:')},`, 'm');

/**
 * Hardware counters of a server during a load, with `perf stat -p <pid>`: instructions and cycles spent by the
 * server process (user + kernel). Instructions per request barely move when other work shares the machine,
 * unlike req/s, so they show what a framework costs even on a noisy box. `null` when perf or the counters
 * are not available (containers without PMU access, perf_event_paranoid, non-Linux).
 */
function perfAvailable() {
  const probe = spawnSync('perf', ['stat', '-x,', '-e', EVENTS.join(','), '--', 'true'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return false;
  return EVENTS.every((e) => line(e).test(probe.stderr));
}

/** Starts counting for `pid`; `stop()` resolves with { instructions, cycles, 'instructions:u' } (numbers or null). */
function startCounting(pid) {
  const child = spawn('perf', ['stat', '-x,', '-e', EVENTS.join(','), '-p', String(pid)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => { err += d; });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    async stop() {
      child.kill('SIGINT');
      await exited;
      const out = {};
      for (const e of EVENTS) {
        const m = line(e).exec(err);
        out[e] = m === null ? null : Number(m[1]);
      }
      return out;
    },
  };
}

module.exports = { perfAvailable, startCounting };
