import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Counter, Gauge, Histogram, Registry } from 'prom-client';

// Loaded on first use, so apps that never serve metrics do not pay its start-up time and memory.

import type { InjectionToken } from 'tsyringe';
import { sendError, type ErrorPolicy } from '../errors/problem';
import type { PluginRoute } from '../pipeline/plugin';
import { clusterMetrics } from './cluster-metrics';
import type { NormalizedRuntime } from './options';

/** The metrics registry type: a prom-client `Registry`. */
export type MetricsRegistry = Registry;

/**
 * DI token of the app's prom-client registry (with `metrics` on): metrics registered there are served at
 * `/metrics` next to Rivet's own.
 * @example constructor(@inject(MetricsRegistry) registry: MetricsRegistry) { this.sent = new Counter({ name: 'mails_sent_total', help: 'Mails sent', registers: [registry] }); }
 */
export const MetricsRegistry: InjectionToken<MetricsRegistry> = Symbol('rivet.MetricsRegistry');

/** The label of requests that matched no route (404, 405): never the raw URL, so label cardinality stays bounded. */
export const UNMATCHED_ROUTE = '(unmatched)';

type Child = { count: Counter.Internal; duration: Histogram.Internal<string> };

/** Rivet's request metrics in one app registry. */
export class RequestMetrics {
  readonly registry: Registry;
  readonly inFlight: Gauge;
  readonly #requests: Counter;
  readonly #duration: Histogram;
  // "method route status" → the labelled children, so a request costs one Map hit instead of prom-client's label hashing.
  readonly #children = new Map<string, Child>();
  /** In a worker of `listen({ workers })`: the whole cluster's metrics, gathered by the primary. */
  readonly #cluster: (() => Promise<string>) | null;

  constructor(options: NonNullable<NormalizedRuntime['metrics']>) {
    const prom = require('prom-client') as typeof import('prom-client');
    const { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } = prom;
    this.registry = new Registry();
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry });
    const labelNames = ['method', 'route', 'status'];
    this.#requests = new Counter({ name: 'http_requests_total', help: 'HTTP requests answered, by method, route template and status.', labelNames, registers: [this.registry] });
    this.#duration = new Histogram({ name: 'http_request_duration_seconds', help: 'Time from the request to the end of the response, by method, route template and status.', labelNames, buckets: [...options.buckets], registers: [this.registry] });
    this.inFlight = new Gauge({ name: 'http_requests_in_flight', help: 'HTTP requests being served.', registers: [this.registry] });
    this.#cluster = clusterMetrics(this.registry, prom);
  }

  /** Counts one finished request. `route` is a template or {@link UNMATCHED_ROUTE}. */
  observe(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${route} ${status}`;
    let child = this.#children.get(key);
    if (child === undefined) {
      const labels = { method, route, status: String(status) };
      child = { count: this.#requests.labels(labels), duration: this.#duration.labels(labels) };
      this.#children.set(key, child);
    }
    child.count.inc();
    child.duration.observe(seconds);
  }

  /** The route serving the registry in the Prometheus text format. */
  route(path: string, errors: ErrorPolicy): PluginRoute {
    const registry = this.registry;
    const cluster = this.#cluster;
    return {
      method: 'GET',
      path,
      handler: (req: IncomingMessage, res: ServerResponse) => {
        (cluster ?? (() => registry.metrics()))().then((text) => {
          res.writeHead(200, { 'content-type': registry.contentType, 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
          res.end(req.method === 'HEAD' ? undefined : text);
        }, (err: unknown) => sendError(req, res, err, errors));
      },
    };
  }
}
