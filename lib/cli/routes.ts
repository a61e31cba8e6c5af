import { routeTable } from '../banner';
import { loadApp, type AppModuleOptions } from './load-app';

/** Options of `rivet routes`. */
export interface RoutesCommandOptions extends AppModuleOptions {
  /** Print JSON instead of a table. */
  json?: boolean;
}

/** Renders the compiled route table of the app module: method, path, Controller#handler (or the built-in feature) and guards. */
export async function runRoutesCommand(options: RoutesCommandOptions): Promise<string> {
  const routes = (await loadApp(options, 'routes')).routes();
  if (options.json === true) return `${JSON.stringify(routes, null, 2)}\n`;
  return `${routeTable(routes)}\n`;
}
