import type { DependencyContainer } from 'tsyringe';
import type { NormalizedOptions } from './options';
import type { Plugin } from './pipeline/plugin';
import { runtimePlugins } from './runtime/features';
import { Logger } from './runtime/logger';
import { staticPlugin } from './middleware/static';
import { securityPlugins } from './security/features';
import { realtimePlugin } from './realtime/plugin';
import { responsesPlugin } from './middleware/responses';
import { docsPlugin } from './openapi/serve';
import { scalePlugins, withScaleChecks } from './scale';

/**
 * The built-in plugins an app's options turn on, in the order they run on each request. Each module exports a
 * factory that validates its options once and precomputes what it can; an option left out adds nothing. They are
 * plugins on the public contract (lib/pipeline/plugin.ts), and the user's plugins follow them.
 */
export function builtInPlugins(options: NormalizedOptions, container: DependencyContainer): Plugin[] {
  // Runtime first: the lifecycle, then request ids, access log and metrics, so every later plugin's answers carry
  // an id and are logged and counted; the handler timeout wraps every later route wrapper.
  const plugins: Plugin[] = [...runtimePlugins(withScaleChecks(options.runtime, options.scale), container, options.errors)];
  // The OpenAPI pages: served routes only (no stage runs per request), made once the controller routes are compiled,
  // and listed first among the built-in routes.
  const docs = docsPlugin(options.openapi, options.docs, options.errors);
  if (docs !== null) plugins.unshift(docs);
  // Security next (lib/security/features.ts has the inner order): headers and CORS before routing, so that even
  // a 404 carries them; then request limits, rate limits and the session around each route, before its guards.
  plugins.push(...securityPlugins(options.security, options.store, options.errors));
  // Realtime: no request hook (free per request); serves WebSocket upgrades, and on shutdown ends event streams and
  // closes sockets (1001) before the server drains.
  // No access log sees WebSocket messages: a gateway's unexpected error goes to the app logger, or to stderr without one.
  const report = options.errors.report ?? ((req, err) => container.resolve(Logger).error({ err, path: req.url }, 'WebSocket handler failed'));
  plugins.push(realtimePlugin({ gateways: options.gateways, guards: options.guards, errors: { debug: options.errors.debug, report, filter: null }, json: { depth: options.security.limits.depth, properties: options.security.limits.properties } }, container));
  // Pub/sub, jobs and the AsyncAPI document (lib/scale.ts): after realtime, whose WebSocket hub broadcasts through the bus.
  plugins.push(...scalePlugins(options, container));
  // Output: negotiation, compression, @Cache and @Paginate change each route's writer; registers the injectable
  // CacheService before any controller is resolved.
  plugins.push(responsesPlugin(options, container));
  // Served routes only (no request hook), labelled by the runtime plugins above.
  const files = staticPlugin(options.static, options.compression, options.errors);
  if (files !== null) plugins.push(files);
  return plugins;
}
