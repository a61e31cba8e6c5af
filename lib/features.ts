import type { DependencyContainer } from 'tsyringe';
import type { NormalizedOptions } from './options';
import type { Feature } from './pipeline/feature';
import { runtimeFeatures } from './runtime/features';
import { Logger } from './runtime/logger';
import { staticFeature } from './middleware/static';
import { securityFeatures } from './security/features';
import { realtimeFeature } from './realtime/feature';
import { responsesFeature } from './middleware/responses';
import { scaleFeatures, withScaleChecks } from './scale';

/**
 * The features an app's options turn on, in the order they run on each request. Each feature module exports a
 * factory that validates its options once and precomputes what it can; an option left out adds nothing.
 */
export function featuresFor(options: NormalizedOptions, container: DependencyContainer): Feature[] {
  // Runtime first: the lifecycle, then request ids, access log and metrics, so every later feature's answers carry
  // an id and are logged and counted; the handler timeout wraps every later route wrapper.
  const features: Feature[] = [...runtimeFeatures(withScaleChecks(options.runtime, options.scale), container, options.errors)];
  // Security next (lib/security/features.ts has the inner order): headers and CORS before routing, so that even
  // a 404 carries them; then request limits, rate limits and the session around each route, before its guards.
  features.push(...securityFeatures(options.security, options.store, options.errors));
  // Realtime: no request hook (free per request); serves WebSocket upgrades, and on shutdown ends event streams and
  // closes sockets (1001) before the server drains.
  // No access log sees WebSocket messages: a gateway's unexpected error goes to the app logger, or to stderr without one.
  const report = options.errors.report ?? ((req, err) => container.resolve(Logger).error({ err, path: req.url }, 'WebSocket handler failed'));
  features.push(realtimeFeature({ gateways: options.gateways, guards: options.guards, errors: { debug: options.errors.debug, report, filter: null }, json: { depth: options.security.limits.depth, properties: options.security.limits.properties } }, container));
  // Pub/sub, jobs and the AsyncAPI document (lib/scale.ts): after realtime, whose WebSocket hub broadcasts through the bus.
  features.push(...scaleFeatures(options, container));
  // Output: negotiation, compression, @Cache and @Paginate adapt each route's writer; registers the injectable
  // CacheService before any controller is resolved.
  features.push(responsesFeature(options, container));
  // Static files last: they add table routes only (no request hook), labelled by the runtime features above.
  const files = staticFeature(options.static, options.compression, options.errors);
  if (files !== null) features.push(files);
  void options;
  void container;
  return features;
}
