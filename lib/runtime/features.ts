import type { ErrorPolicy } from '../errors/problem';
import { instanceCachingFactory, type DependencyContainer } from 'tsyringe';
import type { Plugin } from '../pipeline/plugin';
import { healthPlugin } from './health';
import { Lifecycle } from './lifecycle';
import { createLogger, Logger } from './logger';
import { MetricsRegistry, RequestMetrics } from './metrics';
import { observePlugin } from './observe';
import type { NormalizedRuntime } from './options';
import { timeoutsPlugin } from './timeouts';

/**
 * The runtime plugins, in request order: the lifecycle (always; free per request), then request ids, access log
 * and metrics (first, so that every other feature's answers carry an id and are counted), then the handler
 * timeout (outside every other route wrapper), then the health and metrics routes.
 */
export function runtimePlugins(options: NormalizedRuntime, container: DependencyContainer, errors: ErrorPolicy): Plugin[] {
  // Created on first use: with logging off, an app that never asks for the Logger never loads pino.
  let created: Logger | undefined;
  const logger = (): Logger => (created ??= createLogger(options.logger));
  // A user's own registration (a logger for tests, say) wins.
  if (!container.isRegistered(Logger, true)) container.register(Logger, { useFactory: instanceCachingFactory(logger) });
  const lifecycle = new Lifecycle(options, logger, container, errors);
  const metrics = options.metrics === null ? null : new RequestMetrics(options.metrics);
  if (metrics !== null) container.register(MetricsRegistry, { useValue: metrics.registry });
  const observe = observePlugin({ requestId: options.requestId, logger: options.logger === null ? null : logger(), metrics, runtime: lifecycle });
  lifecycle.refusedHook = observe?.onRequest ?? null;

  const plugins: Plugin[] = [lifecycle.plugin()];
  if (observe !== null) plugins.push(observe);
  const timeouts = timeoutsPlugin(options.timeouts, errors);
  if (timeouts !== null) plugins.push(timeouts);
  if (options.health !== null) plugins.push(healthPlugin(options.health, container, lifecycle));
  if (metrics !== null) plugins.push({ name: 'metrics', routes: [metrics.route(options.metrics!.path, errors)] });
  return plugins;
}
