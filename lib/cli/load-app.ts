import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { App } from '../app';
import { loadProjectPeers } from './peers';

/** Where the CLI finds the app: a module, and optionally which of its exports. */
export interface AppModuleOptions {
  /** The module that exports the app, relative to `cwd`. */
  app: string;
  /** The export to use; default: `default`, then `app`, then the only export that is an app or a function. */
  export?: string;
  cwd?: string;
  /**
   * `rivet openapi` and `rivet client`: refresh the project's response types first (`rivet types`), when it has a
   * `rivet.meta.ts` (lib/cli/build.ts). Default true; `--no-types` turns it off.
   */
  types?: boolean;
}

const isApp = (value: unknown): value is App =>
  value !== null && typeof value === 'object' && typeof (value as App).openapi === 'function' && typeof (value as App).routes === 'function';

/**
 * Loads the app module and takes its app (an exported app, or a function returning one, possibly async).
 * Nothing listens: `createApp` compiles the routes and the document, and the server is never started.
 * Rivet's peer dependencies come from the app's own project (`command` names the CLI command in the message when
 * one is missing).
 */
export async function loadApp(options: AppModuleOptions, command: string): Promise<App> {
  let file = resolve(options.cwd ?? process.cwd(), options.app);
  try {
    file = require.resolve(file);   // as require would: dist/app finds dist/app.js
  } catch {
    throw new Error(`rivet ${command}: ${file} does not exist.\n  Fix: build the project first (npm run build), or point --app at the compiled module that exports the app.`);
  }
  loadProjectPeers(dirname(file), command);
  const exports = await loadModule(file);
  const candidate = pickExport(exports, options.export, file);
  const app = typeof candidate === 'function' ? await (candidate as () => unknown)() : candidate;
  if (!isApp(app)) {
    throw new Error(`${file}${options.export === undefined ? '' : ` export "${options.export}"`} is not a Rivet app (or a function returning one).\n  Fix: export the app, e.g. export const app = createApp({ ... }), or a function that builds it without calling listen().`);
  }
  return app;
}

async function loadModule(file: string): Promise<Record<string, unknown>> {
  try {
    return require(file) as Record<string, unknown>;
  } catch (err) {
    // An ES module with top-level await cannot be required, even on Node 20.19+: import it instead.
    if ((err as { code?: string }).code !== 'ERR_REQUIRE_ASYNC_MODULE' && (err as { code?: string }).code !== 'ERR_REQUIRE_ESM') throw err;
    return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  }
}

function pickExport(exports: Record<string, unknown> | Function, name: string | undefined, file: string): unknown {
  if (name !== undefined) {
    if (!(name in exports)) throw new Error(`${file} has no export "${name}"; it exports ${Object.keys(exports).join(', ') || 'nothing'}.`);
    return (exports as Record<string, unknown>)[name];
  }
  if (isApp(exports) || typeof exports === 'function') return exports;   // module.exports = app, or = () => app
  for (const key of ['default', 'app']) if (exports[key] !== undefined) return exports[key];
  const usable = Object.entries(exports).filter(([, v]) => isApp(v) || typeof v === 'function');
  if (usable.length === 1) return usable[0][1];
  throw new Error(`${file} exports ${usable.length === 0 ? 'no app' : `several candidates (${usable.map(([k]) => k).join(', ')})`}.\n  Fix: pick one with --export <name>.`);
}
