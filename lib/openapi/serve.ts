import type { ErrorPolicy } from '../errors/problem';
/**
 * The routes that serve the document, Swagger UI and ReDoc. They are entries of the same dispatch table as
 * the application's routes (so a clash is a RIVET_ROUTE_DUPLICATE at start-up), are not part of the document,
 * and serve every byte themselves: the pages load nothing from another host.
 */
import { dirname, join } from 'node:path';
import { RivetError } from '../errors/rivet-error';
import type { Plugin, PluginRoute } from '../pipeline/plugin';
import { assetHandler, type AssetSource, type CachePolicy } from './asset';
import type { NormalizedDocs, NormalizedOpenApi } from './options';

/**
 * The OpenAPI pages as a plugin: its routes are made once the controller routes are compiled, from the app's
 * document. `null` when `openapi` is off.
 */
export function docsPlugin(openapi: NormalizedOpenApi | null, docs: NormalizedDocs | null, errors: ErrorPolicy): Plugin | null {
  if (openapi === null || openapi.path === null) return null;
  return { name: 'openapi', routes: (app) => docsRoutes(() => documentJson(app.openapi()), openapi, docs, errors) };
}

const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';
const HTML = 'text/html; charset=utf-8';
const PNG = 'image/png';
const REDOC_LOGO = 'https://cdn.redoc.ly/redoc/logo-mini.svg';
const EMPTY_SVG = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='1' height='1'/%3E";

/** The routes for `openapi.path`, `docs.swagger` and `docs.redoc`, given the document's JSON text (or how to read it). */
export function docsRoutes(json: string | (() => string), openapi: NormalizedOpenApi, docs: NormalizedDocs | null, errors: ErrorPolicy): PluginRoute[] {
  if (openapi.path === null) return [];
  const specUrl = openapi.path;
  const out: PluginRoute[] = [];
  const add = (path: string, where: string, source: AssetSource, type: string, cache: CachePolicy, headers?: Record<string, string>): void => {
    out.push({ method: 'GET', path, where, handler: assetHandler(source, type, cache, errors, headers) });
  };
  add(specUrl, 'createApp({ openapi: { path } })', { text: json }, 'application/json; charset=utf-8', 'no-cache');
  if (docs === null) return out;

  const title = escapeHtml(openapi.title);
  if (docs.swagger !== null) {
    const base = docs.swagger;
    const where = 'createApp({ docs: { swagger } })';
    const dir = packageDir('swagger-ui-dist', where);
    const v = `?v=${encodeURIComponent(packageVersion(dir))}`;
    const config = {
      url: specUrl,
      dom_id: '#swagger-ui',
      deepLinking: true,
      // The default validator badge would send the document to validator.swagger.io.
      validatorUrl: null,
      displayRequestDuration: true,
    };
    add(base, where, { text: page(`${title} – Swagger UI`, [
      `<link rel="stylesheet" href="${base}/swagger-ui.css${v}">`,
      `<link rel="icon" type="image/png" href="${base}/favicon-32x32.png${v}" sizes="32x32">`,
    ], [
      '<div id="swagger-ui"></div>',
      `<script src="${base}/swagger-ui-bundle.js${v}"></script>`,
      `<script src="${base}/swagger-initializer.js"></script>`,
    ]) }, HTML, 'no-cache', { 'content-security-policy': pagePolicy(tryItOutSources(openapi)) });
    // A script file rather than an inline script, so a Content-Security-Policy of script-src 'self' allows the page.
    add(`${base}/swagger-initializer.js`, where, { text: [
      'window.addEventListener("load", function () {',
      `  var config = ${JSON.stringify(config)};`,
      `  config.oauth2RedirectUrl = window.location.origin + ${JSON.stringify(`${base}/oauth2-redirect.html`)};`,
      '  config.presets = [SwaggerUIBundle.presets.apis];',
      '  config.layout = "BaseLayout";',
      '  window.ui = SwaggerUIBundle(config);',
      '});',
      '',
    ].join('\n') }, JS, 'no-cache');
    for (const [file, type] of [['swagger-ui-bundle.js', JS], ['swagger-ui.css', CSS], ['favicon-32x32.png', PNG], ['favicon-16x16.png', PNG]] as const) {
      add(`${base}/${file}`, where, { file: join(dir, file) }, type, 'immutable');
    }
    add(`${base}/oauth2-redirect.html`, where, { file: join(dir, 'oauth2-redirect.html') }, HTML, 'no-cache');
    add(`${base}/oauth2-redirect.js`, where, { file: join(dir, 'oauth2-redirect.js') }, JS, 'no-cache');
  }

  if (docs.redoc !== null) {
    const base = docs.redoc;
    const where = 'createApp({ docs: { redoc } })';
    const dir = docs.redocExplicit ? packageDir('redoc', where) : optionalPackageDir('redoc');
    if (dir !== null) {
      const v = `?v=${encodeURIComponent(packageVersion(dir))}`;
      add(base, where, { text: page(`${title} – ReDoc`, [], [
        `<redoc spec-url="${escapeHtml(specUrl)}"></redoc>`,
        `<script src="${base}/redoc.standalone.js${v}"></script>`,
      ]) }, HTML, 'no-cache', { 'content-security-policy': pagePolicy("'self'") });
      // The sidebar shows a logo fetched from cdn.redoc.ly whatever the options; an empty inline image replaces it.
      const rewrite = (code: string): string => code.replaceAll(REDOC_LOGO, EMPTY_SVG);
      add(`${base}/redoc.standalone.js`, where, { file: join(dir, 'bundles', 'redoc.standalone.js'), rewrite }, JS, 'immutable');
    }
  }
  return out;
}

/**
 * The Content-Security-Policy of a docs page: scripts, styles, images and fonts from the app only, so the page
 * cannot load anything from another host, even if a future bundle starts to.
 * Both UIs inject inline styles; `connect-src` is where the page may send requests.
 */
function pagePolicy(connect: string): string {
  return [
    "default-src 'none'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data:",
    "font-src 'self' data:", `connect-src ${connect}`, "worker-src 'self' blob:", "base-uri 'none'", "form-action 'none'",
    "frame-ancestors 'self'",
  ].join('; ');
}

/** Where "Try it out" may send requests: the app itself and the origins of the declared `servers`. */
function tryItOutSources(openapi: NormalizedOpenApi): string {
  const sources = new Set(["'self'"]);
  for (const { url } of openapi.options.servers ?? []) {
    // A templated URL ({scheme}://{host}) cannot be narrowed to an origin: allow any http(s) host then.
    if (url.includes('{')) return "'self' http: https:";
    try {
      const origin = new URL(url).origin;
      if (origin !== 'null') sources.add(origin);
    } catch {
      // A relative server URL ("/v2") is on the app's own origin.
    }
  }
  return [...sources].join(' ');
}

function page(title: string, head: string[], body: string[]): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${title}</title>`,
    ...head,
    '</head>',
    '<body>',
    ...body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The folder of an installed package, found at start-up so that a missing one fails `createApp`, not a request. */
function packageDir(name: string, where: string): string {
  const dir = optionalPackageDir(name);
  if (dir === null) {
    throw new RivetError('RIVET_OPENAPI_ASSETS_MISSING', `${where}: the "${name}" package is not installed, so its page cannot be served.\n  Fix: npm install ${name}, or turn the page off with docs: { ${name === 'redoc' ? 'redoc' : 'swagger'}: false }.`);
  }
  return dir;
}

function optionalPackageDir(name: string): string | null {
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch {
    return null;
  }
}

function packageVersion(dir: string): string {
  return (require(join(dir, 'package.json')) as { version: string }).version;
}

// One JSON text per document object: the document changes only when the app starts listening.
const jsonOf = new WeakMap<object, string>();

/** The JSON text of `doc`, made once per document object. */
export function documentJson(doc: object): string {
  let json = jsonOf.get(doc);
  if (json === undefined) jsonOf.set(doc, (json = JSON.stringify(doc)));
  return json;
}
