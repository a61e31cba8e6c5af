import type { DependencyContainer } from 'tsyringe';
import type { Plugin } from './pipeline/plugin';
import { normalizePubSub, pubsubPlugin } from './pubsub/plugin';
import { MemoryPubSub, type PubSub } from './pubsub/pubsub';
import type { NormalizedRuntime } from './runtime/options';
import { Logger } from './runtime/logger';
import { jobsPlugin, normalizeJobs, type JobsOptions, type NormalizedJobs } from './jobs/plugin';
import { asyncApiPlugin } from './asyncapi/plugin';
import type { NormalizedOptions } from './options';

/** `createApp` options of what an app shares between processes beyond its store: see docs/guides/scaling-out.md. */
export interface ScaleOptions {
  /**
   * The bus of WebSocket broadcasts and `Channels` (SSE): `new RedisPubSub({ url })` shares them between every worker
   * and instance on one Redis. Default: an in-process `MemoryPubSub`. The app closes it when it closes.
   */
  pubsub?: PubSub;
  /**
   * Durable jobs on BullMQ: `{ processors: [MailProcessor], redis: 'redis://…' }`. Queue handles are injected with
   * `@InjectQueue(name)`; the processors run here once the app listens, or in `rivet worker` (docs/guides/jobs.md).
   */
  jobs?: JobsOptions;
}

/** {@link ScaleOptions} checked at start-up. */
export interface NormalizedScale {
  readonly pubsub: PubSub;
  readonly jobs: NormalizedJobs | null;
}

export function normalizeScale(options: ScaleOptions): NormalizedScale {
  return { pubsub: normalizePubSub(options.pubsub), jobs: normalizeJobs(options.jobs) };
}

/**
 * The features of an app that spans processes: the pub/sub (after the realtime feature, whose hub it connects), the
 * jobs, and the AsyncAPI document of its gateways and event streams. Unexpected errors go to the app's logger, or to
 * stderr without one.
 */
export function scalePlugins(options: NormalizedOptions, container: DependencyContainer): Plugin[] {
  const { scale, errors } = options;
  const report = (err: unknown, what: string): void => {
    // Without the app's logger (logger: false), stderr.
    if (errors.report !== null) console.error(`rivet: ${what}:`, err);
    else container.resolve(Logger).error({ err }, what);
  };
  const features = [pubsubPlugin(scale.pubsub, container, (err) => report(err, 'pub/sub failed'))];
  if (scale.jobs !== null) features.push(jobsPlugin(scale.jobs, container, (err, queue) => report(err, `jobs: queue ${queue}`)));
  features.push(asyncApiPlugin(options.openapi, options.gateways, container));
  return features;
}

/** The readiness checks the shared parts add to `/ready` (a user's check of the same name wins). */
export function withScaleChecks(runtime: NormalizedRuntime, scale: NormalizedScale): NormalizedRuntime {
  if (runtime.health === null) return runtime;
  const checks: Record<string, () => unknown> = {};
  if (!(scale.pubsub instanceof MemoryPubSub)) checks.pubsub = () => scale.pubsub.ping();
  const jobs = scale.jobs;
  if (jobs !== null) checks.jobs = () => jobs.connection.ping(jobs.processors.map((p) => p.queue));
  return Object.keys(checks).length === 0 ? runtime : { ...runtime, health: { ...runtime.health, checks: { ...checks, ...runtime.health.checks } } };
}
