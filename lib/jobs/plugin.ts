import cluster from 'node:cluster';
import type { DependencyContainer } from 'tsyringe';
import { RivetError } from '../errors/rivet-error';
import type { Plugin } from '../pipeline/plugin';
import { MetricsRegistry } from '../runtime/metrics';
import { JobsConnection } from './connection';
import { queueToken } from './decorators';
import { JobMetrics } from './metrics';
import { JobQueue, Queues } from './queue';
import { compileProcessor, JobWorkers, type CompiledProcessor } from './worker';

/** `createApp({ jobs })`: durable jobs on BullMQ (docs/guides/jobs.md). */
export interface JobsOptions {
  /** The `@Processor` classes: they define the app's queues and their jobs' DTOs, and run the jobs where workers run. */
  processors: Function[];
  /** The Redis URL BullMQ uses, e.g. `redis://127.0.0.1:6379`. */
  redis: string;
  /**
   * Run the processors in this process once it listens (default true; with `listen({ workers })`, in each cluster
   * worker, not in the primary). `false`: this process only enqueues, and
   * `rivet worker --app <module>` (or `app.container.resolve(JobWorkers).start()`) runs them elsewhere.
   */
  workers?: boolean;
  /** Per-queue concurrency, over each `@Processor`'s own: `{ mail: 10 }`. */
  concurrency?: Record<string, number>;
  /** BullMQ's key prefix, so that several apps can share one Redis. Default `rivet`. */
  prefix?: string;
  /**
   * Stalled-job detection: a worker holds a lock on each job it runs and renews it; when its process dies the lock
   * expires after `lockDuration` ms (default 30000), and within `stalledInterval` ms (default 30000) another worker
   * hands the job back to the queue, up to `maxStalledCount` times (default 1) before it fails.
   */
  lockDuration?: number;
  stalledInterval?: number;
  maxStalledCount?: number;
}

/** {@link JobsOptions} checked at start-up. */
export interface NormalizedJobs {
  readonly processors: readonly CompiledProcessor[];
  readonly connection: JobsConnection;
  readonly workers: boolean;
}

/** Checks `createApp({ jobs })` once, at start-up; `null` when absent. Opens nothing: connections open on first use. */
export function normalizeJobs(value: JobsOptions | undefined): NormalizedJobs | null {
  if (value === undefined) return null;
  const fail = (what: string, fix: string): never => { throw new RivetError('RIVET_JOBS_INVALID', `jobs: ${what}.\n  Fix: ${fix}`); };
  if (value === null || typeof value !== 'object') fail(`${String(value)} is not an options object`, "pass { processors: [MailProcessor], redis: 'redis://127.0.0.1:6379' }.");
  if (typeof value.redis !== 'string' || !/^rediss?:\/\//.test(value.redis)) fail(`redis is ${JSON.stringify(value.redis)}`, "give the Redis URL, e.g. redis: process.env.REDIS_URL ('redis://host:6379').");
  if (!Array.isArray(value.processors) || value.processors.some((p) => typeof p !== 'function')) fail('processors must be an array of @Processor classes', 'e.g. processors: [MailProcessor] (check the imports).');
  const concurrency = value.concurrency ?? {};
  for (const [queue, n] of Object.entries(concurrency)) if (!Number.isInteger(n) || n < 1) fail(`concurrency.${queue} is ${String(n)}`, 'give a whole number of at least 1.');
  for (const key of ['lockDuration', 'stalledInterval', 'maxStalledCount'] as const) {
    const n = value[key];
    if (n !== undefined && (!Number.isInteger(n) || n < (key === 'maxStalledCount' ? 0 : 1))) fail(`${key} is ${String(n)}`, 'give a whole number (milliseconds, or a count for maxStalledCount).');
  }
  if (value.workers !== undefined && typeof value.workers !== 'boolean') fail(`workers is ${String(value.workers)}`, 'give true (run the processors here) or false (only enqueue).');
  const processors = value.processors.map((p) => compileProcessor(p, concurrency));
  const seen = new Map<string, Function>();
  for (const p of processors) {
    const other = seen.get(p.queue);
    if (other !== undefined) fail(`${other.name} and ${p.ctor.name} both process queue "${p.queue}"`, 'give a queue one @Processor class, with one @Process method per job name.');
    seen.set(p.queue, p.ctor);
  }
  for (const queue of Object.keys(concurrency)) if (!seen.has(queue)) fail(`concurrency names queue "${queue}", which no processor serves`, `serve it with @Processor('${queue}'), or remove it.`);
  const connection = new JobsConnection({
    url: value.redis, prefix: value.prefix ?? 'rivet', lockDuration: value.lockDuration, stalledInterval: value.stalledInterval, maxStalledCount: value.maxStalledCount,
  });
  return { processors, connection, workers: value.workers ?? true };
}

/**
 * Jobs: registers a {@link JobQueue} per queue (`@InjectQueue(name)`), {@link Queues} and {@link JobWorkers}; resolves
 * the processors at start-up; starts the workers when the app listens (unless `workers: false`); on close, lets
 * running jobs finish and closes the connections.
 */
export function jobsPlugin(jobs: NormalizedJobs, container: DependencyContainer, report: (err: unknown, queue: string) => void): Plugin {
  jobs.connection.onError = report;
  const queues = new Map<string, JobQueue>();
  for (const p of jobs.processors) {
    const queue = new JobQueue(p.queue, new Map([...p.handlers].map(([name, h]) => [name, h.pipe])), jobs.connection);
    queues.set(p.queue, queue);
    if (!container.isRegistered(queueToken(p.queue), true)) container.register(queueToken(p.queue), { useValue: queue });
  }
  const workers = new JobWorkers(jobs.processors, jobs.connection);
  if (!container.isRegistered(Queues, true)) container.register(Queues, { useValue: new Queues(queues) });
  if (!container.isRegistered(JobWorkers, true)) container.register(JobWorkers, { useValue: workers });
  // Also under a symbol shared by every copy of Rivet: `rivet worker` finds the workers without importing lib/jobs.
  container.register(Symbol.for('rivet.JobWorkers'), { useValue: workers });
  return {
    name: 'jobs',
    attach() {
      const registry = container.isRegistered(MetricsRegistry, true) ? container.resolve(MetricsRegistry) : null;
      const metrics = registry === null ? null : new JobMetrics(registry, [...queues.keys()], (name) => jobs.connection.queue(name).getWaitingCount());
      workers.prepare(container, metrics);
    },
    async onListen() {
      // With listen({ workers }), the workers of the cluster run the jobs; its primary serves nothing and runs none.
      const primaryOfCluster = cluster.isPrimary && Object.keys(cluster.workers ?? {}).length > 0;
      if (jobs.workers && !primaryOfCluster) await workers.start();
    },
    async onClose() {
      await jobs.connection.close();
    },
  };
}
