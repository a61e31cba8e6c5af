import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import { RivetError } from '../errors/rivet-error';
import type { BoundAddress, ListenOptions } from '../http/server';
import { WORKER_ENV } from './cluster-metrics';
import type { Lifecycle } from './lifecycle';

/** The message a cluster primary sends its workers to start their drain. */
export const SHUTDOWN_MESSAGE = 'rivet:shutdown';

/**
 * `listen({ workers })`: the primary forks the workers and resolves with their shared address once all listen;
 * each worker (the same script, run again by node:cluster) listens and serves. A signal to the primary (or
 * `app.close()` there) drains every worker the same way as a single process, then the primary exits.
 */
export async function listenWithWorkers(options: ListenOptions, listen: (options: ListenOptions) => Promise<BoundAddress>, lifecycle: Lifecycle): Promise<BoundAddress> {
  const count = options.workers === 'auto' ? availableParallelism() : options.workers;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) {
    throw new RivetError('RIVET_CLUSTER_WORKERS_INVALID', `listen({ workers: ${JSON.stringify(options.workers)} }): not a number of workers.\n  Fix: give a whole number of at least 1, or 'auto' for one per CPU.`);
  }
  if (cluster.isWorker) {
    const bound = await listen(options);
    // Asked by message, so that workers drain whether or not the app's `shutdown` option installed signal handlers.
    process.on('message', (message: unknown) => { if (message === SHUTDOWN_MESSAGE) lifecycle.drainAndExit('primary'); });
    for (const signal of lifecycle.signals) process.on(signal, () => lifecycle.drainAndExit(signal));
    return bound;
  }
  return startPrimary(count, options, lifecycle);
}

function startPrimary(count: number, options: ListenOptions, lifecycle: Lifecycle): Promise<BoundAddress> {
  const log = lifecycle.logger;
  const workers = new Set<Worker>();
  let stopping = false;
  let started = false;
  let stopped: Promise<void> | null = null;

  const stop = (): Promise<void> => (stopped ??= new Promise<void>((resolve) => {
    stopping = true;
    if (workers.size === 0) return resolve();
    // Workers own the deadline; the margin covers their service hooks before they exit.
    const kill = setTimeout(() => { for (const w of workers) w.process.kill('SIGKILL'); }, lifecycle.deadline + 5_000);
    kill.unref();
    cluster.on('exit', () => {
      if (workers.size > 0) return;
      clearTimeout(kill);
      resolve();
    });
    for (const w of workers) if (w.isConnected()) w.send(SHUTDOWN_MESSAGE);
  }));
  lifecycle.onWorkersStop(stop);

  return new Promise<BoundAddress>((resolve, reject) => {
    let listening = 0;
    const fork = (): void => {
      // Marked, so that its /metrics asks this primary for the whole cluster's (./cluster-metrics.ts).
      const worker = cluster.fork({ [WORKER_ENV]: '1', RIVET_WORKER_COUNT: String(count) });
      workers.add(worker);
      worker.once('listening', (address) => {
        log.info({ worker: worker.id, pid: worker.process.pid }, 'worker listening');
        if (started || ++listening < count) return;
        started = true;
        const host = address.address ?? options.host ?? '127.0.0.1';
        const family = host.includes(':') ? 'IPv6' : 'IPv4';
        resolve({ port: address.port, host, family, url: `http://${family === 'IPv6' ? `[${host}]` : host}:${address.port}` });
      });
      worker.once('exit', (code, signal) => {
        workers.delete(worker);
        if (stopping) return;
        if (!started) {
          stopping = true;
          for (const w of workers) w.process.kill('SIGTERM');
          reject(new Error(`Cluster worker ${worker.id} exited (${signal ?? code}) before listening; see its output above.`));
          return;
        }
        log.error({ worker: worker.id, code, signal }, 'worker exited; starting another');
        fork();
      });
    };
    for (let i = 0; i < count; i++) fork();
    for (const signal of lifecycle.signals) {
      process.on(signal, () => {
        if (stopping) return;
        log.info({ signal }, 'shutting down the cluster');
        void stop().then(() => process.exit(0));
      });
    }
  });
}
