import type { App, RouteSummary } from './app';

/**
 * The rows of `app.routes()` for routes served without a controller (the OpenAPI document, the docs pages, health,
 * metrics, plugin routes), marked `builtIn`. Static assets of the docs pages (scripts, styles) are left out: they are
 * files, not endpoints. `where` is how the route was declared, e.g. `createApp({ health })`, and names the feature.
 */
export function builtInSummaries(descriptors: readonly { method: string; path: string; where: string }[]): RouteSummary[] {
  const out: RouteSummary[] = [];
  for (const d of descriptors) {
    if (ASSET.test(d.path)) continue;
    const feature = /^createApp\(\{ (\w+)/.exec(d.where)?.[1] ?? 'plugin';
    out.push({ method: d.method, path: d.path, controller: 'rivet', handler: feature, guards: [], builtIn: true });
  }
  return out;
}

const ASSET = /\.(?:js|css|html|png|map|ico|svg)$/;

/** Options of {@link startupBanner}. */
export interface BannerOptions {
  /** The app's name on the first line. Default `'Rivet'`. */
  name?: string;
  /** List the routes. Default: when `NODE_ENV` is `development` (as under `rivet dev`). */
  routes?: boolean;
}

/**
 * The lines to print once the app listens: the URL, the docs and OpenAPI URLs, health and metrics when on, and in
 * development the route table with the built-in routes marked. Returned, not printed, so that the app decides where.
 * @example const { url } = await app.listen(); console.log(startupBanner(app, url, { name: 'shop' }));
 */
export function startupBanner(app: Pick<App, 'routes'>, url: string, options: BannerOptions = {}): string {
  const routes = app.routes();
  const builtIn = (feature: string): string | undefined => routes.filter((r) => r.builtIn === true && r.handler === feature).map((r) => r.path)[0];
  const lines = [`${options.name ?? 'Rivet'} listening on ${url}`];
  const links: [string, string | undefined][] = [['API docs', builtIn('docs')], ['OpenAPI', builtIn('openapi')], ['AsyncAPI', builtIn('asyncapi')], ['Health', builtIn('health')], ['Metrics', builtIn('metrics')]];
  for (const [label, path] of links) if (path !== undefined) lines.push(`  ${`${label}:`.padEnd(10)}${url}${path}`);
  if (options.routes ?? process.env.NODE_ENV === 'development') lines.push('', routeTable(routes));
  return lines.join('\n');
}

/** The route table as `rivet routes` prints it: method, path, handler (built-in routes marked) and guards. */
export function routeTable(routes: readonly RouteSummary[]): string {
  const rows = [['METHOD', 'PATH', 'HANDLER', 'GUARDS'], ...routes.map((r) => [r.method, r.path, r.builtIn === true ? `(built-in ${r.handler})` : `${r.controller}#${r.handler}`, r.guards.join(', ') || '-'])];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ')).join('\n');
}
