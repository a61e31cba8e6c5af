import type { ErrorPolicy } from '../errors/problem';
import { instanceCachingFactory, type DependencyContainer } from 'tsyringe';
import type { Feature } from '../pipeline/feature';
import { healthFeature } from './health';
import { Lifecycle } from './lifecycle';
import { createLogger, Logger } from './logger';
import { MetricsRegistry, RequestMetrics } from './metrics';
import { observeFeature } from './observe';
import type { NormalizedRuntime } from './options';
import { timeoutsFeature } from './timeouts';

/**
 * The runtime features, in request order: the lifecycle (always; free per request), then request ids, access log
 * and metrics (first, so that every other feature's answers carry an id and are counted), then the handler
 * timeout (outside every other route wrapper), then the health and metrics routes.
 */
export function runtimeFeatures(options: NormalizedRuntime, container: DependencyContainer, errors: ErrorPolicy): Feature[] {
  // Created on first use: with logging off, an app that never asks for the Logger never loads pino.
  let created: Logger | undefined;
  const logger = (): Logger => (created ??= createLogger(options.logger));
  // A user's own registration (a logger for tests, say) wins.
  if (!container.isRegistered(Logger, true)) container.register(Logger, { useFactory: instanceCachingFactory(logger) });
  const lifecycle = new Lifecycle(options, logger, container, errors);
  const metrics = options.metrics === null ? null : new RequestMetrics(options.metrics);
  if (metrics !== null) container.register(MetricsRegistry, { useValue: metrics.registry });
  const observe = observeFeature({ requestId: options.requestId, logger: options.logger === null ? null : logger(), metrics, runtime: lifecycle });
  lifecycle.refusedHook = observe?.onRequest ?? null;

  const features: Feature[] = [lifecycle.feature()];
  if (observe !== null) features.push(observe);
  const timeouts = timeoutsFeature(options.timeouts, errors);
  if (timeouts !== null) features.push(timeouts);
  if (options.health !== null) features.push(healthFeature(options.health, container, lifecycle));
  if (metrics !== null) features.push({ name: 'metrics', routes: [metrics.route(options.metrics!.path, errors)] });
  return features;
}
