'use strict';
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const PRELOAD = path.join(__dirname, 'child-preload.js');

/**
 * CPU pinning with taskset: the runner (and autocannon inside it) on the first core, servers on the second.
 * `null` when not possible (no taskset, fewer than 2 cores, or disabled), with the reason.
 */
function pinning(enabled) {
  if (!enabled) return { runner: null, server: null, note: 'disabled (--no-pin)' };
  const cores = os.cpus().length;
  if (cores < 2) return { runner: null, server: null, note: `not pinned: only ${cores} core` };
  try {
    execFileSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
  } catch {
    return { runner: null, server: null, note: 'not pinned: taskset not available' };
  }
  return { runner: '0', server: '1', note: 'runner + autocannon on CPU 0, server on CPU 1 (taskset)' };
}

function pinSelf(cpus) {
  execFileSync('taskset', ['-apc', cpus, String(process.pid)], { stdio: 'ignore' });
}

/**
 * Starts one server as a child process. The child listens on port 0 on 127.0.0.1 and prints its port on
 * the first line of stdout. Resolves with { child, port, pid } once the port is known.
 */
function startServer(name, script, { cpus, profileDir, label, timeoutMs = 20000 }) {
  const nodeArgs = ['-r', PRELOAD];
  if (profileDir) nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${label}.cpuprofile`);
  const argv = [...nodeArgs, script];
  // taskset execs node, so the child's pid is node's pid (used for /proc sampling).
  const child = cpus ? spawn('taskset', ['-c', cpus, process.execPath, ...argv], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NODE_ENV: 'production' } })
    : spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NODE_ENV: 'production' } });
  return new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => fail(new Error(`server "${name}" printed no port within ${timeoutMs} ms`)), timeoutMs);
    const onData = (chunk) => {
      buffered += chunk;
      const nl = buffered.indexOf('\n');
      if (nl === -1) return;
      const port = Number(buffered.slice(0, nl).trim());
      cleanup();
      if (!Number.isInteger(port) || port <= 0) return fail(new Error(`server "${name}" printed "${buffered.slice(0, nl)}" instead of its port`));
      child.stdout.on('data', (more) => process.stderr.write(`[${name}] ${more}`));
      resolve({ child, port, pid: child.pid });
    };
    const onExit = (code, signal) => fail(new Error(`server "${name}" exited before listening (code ${code}, signal ${signal})`));
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.off('exit', onExit);
    };
    const fail = (err) => {
      cleanup();
      child.kill('SIGKILL');
      reject(err);
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', onData);
    child.on('exit', onExit);
  });
}

/** SIGTERM (the preload exits cleanly, writing any CPU profile), SIGKILL after 10 s. */
function stopServer({ child }) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

let clockTicks;
/** Resident set size in bytes and CPU time in seconds (user + system) of a process, or nulls. */
function sample(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)[1]) * 1024;
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    return { rss, cpu: (Number(fields[11]) + Number(fields[12])) / clockTicks };
  } catch {
    try {
      const kb = Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim());
      return { rss: kb * 1024, cpu: null };
    } catch {
      return { rss: null, cpu: null };
    }
  }
}

/** Total µs some task has waited for a CPU (/proc/pressure/cpu), or null where PSI is unavailable. */
function cpuPressure() {
  try {
    return Number(/^some .*total=(\d+)/m.exec(fs.readFileSync('/proc/pressure/cpu', 'utf8'))[1]);
  } catch {
    return null;
  }
}

module.exports = { pinning, pinSelf, startServer, stopServer, sample, cpuPressure };
