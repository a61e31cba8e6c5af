import type { Queue as BullQueue, QueueOptions, Worker as BullWorker, WorkerOptions } from 'bullmq';
import { RivetError } from '../errors/rivet-error';

type BullMQ = typeof import('bullmq');

let bullmq: BullMQ | null = null;

/** BullMQ, loaded on first use: an app without jobs never loads it. */
export function loadBullMQ(): BullMQ {
  if (bullmq !== null) return bullmq;
  try {
    bullmq = require('bullmq') as BullMQ;
  } catch (err) {
    throw new RivetError('RIVET_JOBS_BULLMQ_MISSING', 'createApp({ jobs }) needs the "bullmq" package (and "ioredis"), which is not installed.\n  Fix: npm install bullmq ioredis', { cause: err });
  }
  return bullmq;
}

/** How the app's queues and workers reach Redis, and the BullMQ settings they share. */
export interface JobsConnectionOptions {
  readonly url: string;
  /** BullMQ's key prefix. */
  readonly prefix: string;
  /** Stalled-job detection: a job whose worker stopped renewing its lock for `lockDuration` ms is handed back. */
  readonly lockDuration: number | undefined;
  readonly stalledInterval: number | undefined;
  readonly maxStalledCount: number | undefined;
}

/**
 * The BullMQ queues and workers of one app, created on first use (an app that never enqueues opens no
 * connection), and closed together.
 */
export class JobsConnection {
  readonly options: JobsConnectionOptions;
  readonly #queues = new Map<string, BullQueue>();
  readonly #workers: BullWorker[] = [];
  /** Called with connection and worker errors (the app passes its logger). */
  onError: (err: unknown, queue: string) => void = (err) => console.error('rivet: jobs:', err);

  constructor(options: JobsConnectionOptions) {
    this.options = options;
  }

  /** The BullMQ queue `name` (to enqueue, count, read jobs). */
  queue(name: string): BullQueue {
    let queue = this.#queues.get(name);
    if (queue === undefined) {
      const { Queue } = loadBullMQ();
      // A request that enqueues while Redis is away fails after a few retries instead of waiting for it.
      const options: QueueOptions = { connection: { url: this.options.url, maxRetriesPerRequest: 2 }, prefix: this.options.prefix };
      queue = new Queue(name, options);
      queue.on('error', (err) => this.onError(err, name));
      this.#queues.set(name, queue);
    }
    return queue;
  }

  /** Starts a BullMQ worker on queue `name`. */
  worker(name: string, process: (job: never) => Promise<unknown>, concurrency: number): BullWorker {
    const { Worker } = loadBullMQ();
    const { lockDuration, stalledInterval, maxStalledCount } = this.options;
    const options: WorkerOptions = {
      connection: { url: this.options.url, maxRetriesPerRequest: null },
      prefix: this.options.prefix,
      concurrency,
      ...(lockDuration === undefined ? {} : { lockDuration }),
      ...(stalledInterval === undefined ? {} : { stalledInterval }),
      ...(maxStalledCount === undefined ? {} : { maxStalledCount }),
    };
    const worker = new Worker(name, process as never, options);
    worker.on('error', (err) => this.onError(err, name));
    this.#workers.push(worker);
    return worker;
  }

  /** Resolves when Redis answers; rejects when it does not. */
  async ping(names: readonly string[]): Promise<void> {
    await Promise.all(names.map(async (name) => { await (await this.queue(name).getBackend().client).runCommand('ping', []); }));
  }

  /** Closes the workers first (each lets its running jobs finish), then the queues. */
  async close(): Promise<void> {
    await Promise.all(this.#workers.splice(0).map((w) => w.close()));
    await Promise.all([...this.#queues.values()].map((q) => q.close()));
    this.#queues.clear();
  }
}
