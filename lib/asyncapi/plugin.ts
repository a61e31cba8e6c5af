import type { DependencyContainer } from 'tsyringe';
import type { NormalizedOpenApi } from '../openapi/options';
import type { Plugin } from '../pipeline/plugin';
import { SSE_KEY } from '../realtime/sse';
import { buildAsyncApiDocument, type AsyncApiDocument, type SseRouteInfo } from './document';

/**
 * The DI token of the app's AsyncAPI document builder (`() => AsyncApiDocument`), a symbol shared by every copy of
 * Rivet: `rivet asyncapi` reads the document through it without listening.
 */
export const ASYNCAPI_DOCUMENT: unique symbol = Symbol.for('rivet.AsyncApiDocument') as never;

/** Where the AsyncAPI document is served: beside the OpenAPI document (`/openapi.json` → `/asyncapi.json`), or `null`. */
export function asyncApiPath(openapi: NormalizedOpenApi | null): string | null {
  if (openapi === null || openapi.path === null) return null;
  const slash = openapi.path.lastIndexOf('/');
  return `${openapi.path.slice(0, slash)}/asyncapi.json`;
}

/**
 * The AsyncAPI 3.0 document of the app's gateways and `@Sse` routes: built once at start-up and served beside
 * `/openapi.json` when the OpenAPI document is served and the app has gateways or `@Sse` routes; always available
 * to `rivet asyncapi`.
 */
export function asyncApiPlugin(openapi: NormalizedOpenApi | null, gateways: readonly Function[], container: DependencyContainer): Plugin {
  const sse: SseRouteInfo[] = [];
  let document: AsyncApiDocument | null = null;
  const build = (): AsyncApiDocument => (document ??= buildAsyncApiDocument({
    title: openapi?.title ?? 'API',
    version: openapi?.version ?? '1.0.0',
    description: openapi?.options.description,
    gateways,
    sse,
  }));
  container.register(ASYNCAPI_DOCUMENT, { useValue: build });
  const path = asyncApiPath(openapi);
  let body: Buffer | null = null;
  return {
    name: 'asyncapi',
    // Decided once per route: only @Sse routes are seen by the check below.
    appliesTo: (route) => route.metadata.get(SSE_KEY) === true,
    check(route) {
      sse.push({ path: route.path, controller: route.controller.name, handler: route.handler, summary: route.options.summary, description: route.options.description });
    },
    // Served when there is something to describe: called once the controller routes (and their @Sse ones) are compiled.
    routes: () => (path === null || (gateways.length === 0 && sse.length === 0) ? [] : [{
      method: 'GET',
      path,
      handler: (req, res) => {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body!.length, 'cache-control': 'no-cache' });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
    }]),
    attach() {
      // Every route was compiled (and seen by check) before attach: the document is final.
      if (path !== null) body = Buffer.from(JSON.stringify(build()));
    },
  };
}
