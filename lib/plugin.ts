import { RivetError } from './errors/rivet-error';
import type { OperationObject } from './openapi/types';
import type { Plugin as PluginContract } from './pipeline/plugin';

export type { DocumentTools, PluginApp, PluginHost, PluginRoute, RouteOutput } from './pipeline/plugin';

/**
 * A plugin: a cross-cutting part written against stages that Rivet compiles at start-up (lib/pipeline/plugin.ts
 * documents each stage). Every built-in part is a plugin on this same contract. Every stage is optional; the route
 * stages apply to the routes `appliesTo` accepts, decided once per route at start-up, so a route a plugin does not
 * apply to pays nothing for it.
 */
export type Plugin = PluginContract<OperationObject>;

const STAGES = [
  'onRequest', 'preflight', 'appliesTo', 'check', 'guards', 'around', 'output', 'wrap', 'document',
  'wrapServed', 'attach', 'listen', 'onListen', 'beforeClose', 'onClose',
] as const;

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
  if (p.routes !== undefined && typeof p.routes !== 'function' && !Array.isArray(p.routes)) {
    throw new RivetError('RIVET_PLUGIN_INVALID', `${where}: plugin "${p.name}" has routes that are neither a list nor a function.\n  Fix: give routes: [{ method, path, handler }], or a function of the app returning that list.`);
  }
  if (p.serverOptions !== undefined && (p.serverOptions === null || typeof p.serverOptions !== 'object')) {
    throw new RivetError('RIVET_PLUGIN_INVALID', `${where}: plugin "${p.name}" has serverOptions that are not an object.\n  Fix: give node:http server options, e.g. { keepAliveTimeout: 5000 }.`);
  }
}
