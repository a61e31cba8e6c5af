import type { App } from '../app';
import { loadApp, type AppModuleOptions } from './load-app';

/** The DI token under which an app with `jobs` registers its `JobWorkers` (a symbol shared by every copy of Rivet). */
const JOB_WORKERS = Symbol.for('rivet.JobWorkers');

interface Workers { readonly queues: string[]; start(): Promise<void> }

/** A running `rivet worker`: its app, the queues it processes, and its graceful stop. */
export interface WorkerSession {
  readonly app: App;
  readonly queues: readonly string[];
  /** Closes the workers (running jobs finish first) and the app's connections. */
  stop(): Promise<void>;
}

/**
 * `rivet worker`: loads the app module (without listening) and runs the workers of its `jobs.processors`, resolved
 * through the app's container with everything they inject.
 */
export async function runWorkerCommand(options: AppModuleOptions): Promise<WorkerSession> {
  const app = await loadApp(options, 'worker');
  if (!app.container.isRegistered(JOB_WORKERS, true)) {
    await app.close();
    throw new Error(`rivet worker: the app of ${options.app} has no jobs.\n  Fix: give it createApp({ jobs: { processors: [...], redis } }), with workers: false if its web processes should only enqueue.`);
  }
  const workers = app.container.resolve<Workers>(JOB_WORKERS);
  await workers.start();
  return { app, queues: workers.queues, stop: () => app.close() };
}
