import cluster, { type Worker } from 'node:cluster';
import type { Registry } from 'prom-client';
import { UnavailableError } from './unavailable';

/**
 * `/metrics` of an app served by `listen({ workers })`: every worker counts its own requests, so a worker answers a
 * scrape with the whole cluster's figures, summed by prom-client's `AggregatorRegistry` in the primary. The worker
 * asks the primary over the cluster IPC channel; the primary asks every worker for its registry and merges them.
 * Only workers Rivet forked itself do this (they carry {@link WORKER_ENV}): under another cluster manager (PM2 …) a
 * worker serves its own registry.
 */

/** Set in the environment of the workers `listen({ workers })` forks (lower case: not an error code, nor a setting). */
export const WORKER_ENV = 'rivet_cluster_worker';

const REQUEST = 'rivet:metrics-request';
const RESPONSE = 'rivet:metrics-response';
/** A little more than prom-client's own 5 s limit on gathering the workers' registries. */
const ANSWER_MS = 6_000;

type PromClient = typeof import('prom-client');
interface Request { readonly type: typeof REQUEST; readonly id: number }
interface Response { readonly type: typeof RESPONSE; readonly id: number; readonly text?: string; readonly error?: string }

const isMessage = <T extends { type: string }>(message: unknown, type: T['type']): message is T =>
  typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type;

/**
 * Wires `registry` into the cluster, when there is one, and returns what `/metrics` should serve: a function giving
 * the cluster's aggregated text in a Rivet worker, `null` elsewhere (serve `registry` itself).
 */
export function clusterMetrics(registry: Registry, prom: PromClient): (() => Promise<string>) | null {
  if (cluster.isPrimary) {
    // The primary answers its workers' requests, from the moment it forks the first one.
    cluster.once('fork', () => answerWorkers(prom));
    return null;
  }
  if (process.env[WORKER_ENV] !== '1' || process.send === undefined) return null;
  // This worker's registry is what the primary's AggregatorRegistry collects (its constructor adds the listener).
  prom.AggregatorRegistry.setRegistries([registry]);
  new prom.AggregatorRegistry();
  return askPrimary();
}

function answerWorkers(prom: PromClient): void {
  const aggregator = new prom.AggregatorRegistry();
  cluster.on('message', (worker: Worker, message: unknown) => {
    if (!isMessage<Request>(message, REQUEST)) return;
    const reply = (answer: Omit<Response, 'type' | 'id'>): void => {
      if (worker.isConnected()) worker.send({ type: RESPONSE, id: message.id, ...answer });
    };
    aggregator.clusterMetrics().then((text) => reply({ text }), (err: unknown) => reply({ error: err instanceof Error ? err.message : String(err) }));
  });
}

function askPrimary(): () => Promise<string> {
  const waiting = new Map<number, { resolve(text: string): void; reject(err: Error): void; timer: NodeJS.Timeout }>();
  let next = 0;
  process.on('message', (message: unknown) => {
    if (!isMessage<Response>(message, RESPONSE)) return;
    const w = waiting.get(message.id);
    if (w === undefined) return;
    waiting.delete(message.id);
    clearTimeout(w.timer);
    if (message.text !== undefined) w.resolve(message.text);
    else w.reject(new UnavailableError(`The cluster's metrics could not be gathered: ${message.error ?? 'no answer'}.`));
  });
  return () => new Promise<string>((resolve, reject) => {
    const id = ++next;
    const timer = setTimeout(() => {
      waiting.delete(id);
      reject(new UnavailableError(`The cluster primary did not send the aggregated metrics within ${ANSWER_MS / 1000} s.`));
    }, ANSWER_MS);
    timer.unref();
    waiting.set(id, { resolve, reject, timer });
    process.send!({ type: REQUEST, id } satisfies Request);
  });
}
