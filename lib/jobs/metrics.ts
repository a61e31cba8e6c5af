import type { Counter, Histogram, Registry } from 'prom-client';

/** Job metrics in the app's registry (`metrics` on): served at `/metrics` with the request metrics. */
export class JobMetrics {
  readonly #completed: Counter;
  readonly #failed: Counter;
  readonly #duration: Histogram;

  /** `waiting(queue)` counts the jobs waiting in a queue, read from Redis when `/metrics` is scraped. */
  constructor(registry: Registry, queues: readonly string[], waiting: (queue: string) => Promise<number>) {
    const { Counter, Gauge, Histogram } = require('prom-client') as typeof import('prom-client');
    const labelNames = ['queue', 'name'];
    this.#completed = new Counter({ name: 'rivet_jobs_completed_total', help: 'Jobs this process completed, by queue and job name.', labelNames, registers: [registry] });
    this.#failed = new Counter({ name: 'rivet_jobs_failed_total', help: 'Job attempts that failed in this process (each retry counts), by queue and job name.', labelNames, registers: [registry] });
    this.#duration = new Histogram({
      name: 'rivet_job_duration_seconds', help: 'Time a processor took per attempt, by queue and job name.', labelNames,
      buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300], registers: [registry],
    });
    new Gauge({
      name: 'rivet_jobs_waiting', help: 'Jobs waiting to run in each queue (read from Redis at scrape time; shared by every process).', labelNames: ['queue'], registers: [registry],
      async collect() {
        // An unreachable Redis leaves the gauge as it was: /ready reports the outage, /metrics still answers.
        await Promise.all(queues.map(async (queue) => {
          try {
            this.set({ queue }, await waiting(queue));
          } catch {
            // see above
          }
        }));
      },
    });
  }

  completed(queue: string, name: string, seconds: number): void {
    this.#completed.inc({ queue, name });
    this.#duration.observe({ queue, name }, seconds);
  }

  failed(queue: string, name: string, seconds: number): void {
    this.#failed.inc({ queue, name });
    this.#duration.observe({ queue, name }, seconds);
  }
}
