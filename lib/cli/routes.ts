import { loadApp, type AppModuleOptions } from './load-app';

/** Options of `rivet routes`. */
export interface RoutesCommandOptions extends AppModuleOptions {
  /** Print JSON instead of a table. */
  json?: boolean;
}

/** Renders the compiled route table of the app module: method, path, Controller#handler and guards. */
export async function runRoutesCommand(options: RoutesCommandOptions): Promise<string> {
  const routes = (await loadApp(options, 'routes')).routes();
  if (options.json === true) return `${JSON.stringify(routes, null, 2)}\n`;
  const rows = [['METHOD', 'PATH', 'HANDLER', 'GUARDS'], ...routes.map((r) => [r.method, r.path, `${r.controller}#${r.handler}`, r.guards.join(', ') || '-'])];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  return `${rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ')).join('\n')}\n`;
}
