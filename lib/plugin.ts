import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { RivetError } from './errors/rivet-error';
import type { BoundAddress } from './http/server';
import type { OperationObject } from './openapi/types';
import type { RequestContext, RouteInfo } from './pipeline/context';

/**
 * A plugin: a cross-cutting part written against stages that Rivet compiles at start-up. Every stage is optional.
 * The route stages (`around`, `document`) apply to the routes `appliesTo` accepts, decided once per route at
 * start-up, so a route a plugin does not apply to pays nothing for it.
 */
export interface Plugin {
  /** For messages, e.g. `'audit-log'`. */
  readonly name: string;
  /** Whether the route stages apply to a route (default: every controller route). Called once per route at start-up. */
  appliesTo?(route: RouteInfo): boolean;
  /**
   * Before routing, for every request (also those that match no route). Return `true` when it answered the request
   * itself; anything else (or a promise of it) lets the request go on.
   */
  onRequest?(req: IncomingMessage, res: ServerResponse): boolean | void | Promise<boolean | void>;
  /** Around a route's handler, as an interceptor, outside the app's interceptors: `next()` returns the result. */
  around?(ctx: RequestContext, next: () => unknown): unknown;
  /** Adds to the route's OpenAPI operation (responses, parameters, extensions), when the document is built. */
  document?(operation: OperationObject, route: RouteInfo): void;
  /** Once the app listens. */
  onListen?(server: Server, address: BoundAddress): void | Promise<void>;
  /** When the app closes, after the server drained; plugins close in reverse order. */
  onClose?(): void | Promise<void>;
}

const STAGES = ['appliesTo', 'onRequest', 'around', 'document', 'onListen', 'onClose'] as const;

/**
 * Declares a plugin for `createApp({ plugins: [...] })`, checking its shape at once.
 * @example export const poweredBy = definePlugin({ name: 'powered-by', onRequest(_req, res) { res.setHeader('x-powered-by', 'Rivet'); } });
 */
export function definePlugin<T extends Plugin>(plugin: T): T {
  checkPlugin(plugin, 'definePlugin()');
  return plugin;
}

/** Refuses what is not a plugin, naming where it was given and the fix. */
export function checkPlugin(plugin: unknown, where: string): asserts plugin is Plugin {
  if (plugin === null || typeof plugin !== 'object') {
    throw new RivetError('RIVET_PLUGIN_INVALID', `${where}: ${String(plugin)} is not a plugin.\n  Fix: pass definePlugin({ name, ...stages }).`);
  }
  const p = plugin as Record<string, unknown>;
  if (typeof p.name !== 'string' || p.name === '') {
    throw new RivetError('RIVET_PLUGIN_INVALID', `${where}: a plugin needs a name.\n  Fix: definePlugin({ name: 'my-plugin', ... }).`);
  }
  for (const stage of STAGES) {
    if (p[stage] !== undefined && typeof p[stage] !== 'function') {
      throw new RivetError('RIVET_PLUGIN_INVALID', `${where}: plugin "${p.name}" has a ${stage} that is not a function.\n  Fix: give ${stage} as a method, or leave it out.`);
    }
  }
}
