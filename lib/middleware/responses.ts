import type { DependencyContainer } from 'tsyringe';
import type { RouteInfo } from '../pipeline/context';
import type { Plugin, RouteOutput } from '../pipeline/plugin';
import { sendPlain, type Writer } from '../pipeline/write';
import type { Store } from '../store/store';
import { CACHE, CACHE_HEADERS, cacheOutput, type RecordedCache } from './cache';
import { CacheService, type CacheState } from './cache-service';
import { compileCompressedSend, compileStreamEncoder, type NormalizedCompression } from './compress';
import type { NormalizedSerializers } from './negotiate';
import { PAGINATE, withPageLinks } from './paginate';

const LINK_HEADER = { Link: { description: 'RFC 8288 links to the first, previous, next and (with a total) last page, keeping the other query parameters.', schema: { type: 'string' } } };

/** The normalized options this module compiles (from `createApp`). */
export interface ResponseOptions {
  readonly compression: NormalizedCompression | null;
  readonly serializers: NormalizedSerializers | null;
  readonly store: Store;
}

/** The parts of an OpenAPI operation this plugin documents (the public `Plugin` types it as `OperationObject`). */
interface Operation {
  responses?: Record<string, { content?: Record<string, unknown>; headers?: Record<string, unknown>; $ref?: string }>;
}

/**
 * Compression, negotiation, caching and pagination for one app, as a plugin whose `output` stage changes each
 * route's writer (negotiation and compression stages, `@Paginate` links, `@Cache`), leaving a route untouched when
 * nothing applies, so it runs exactly the plain pipeline; its `document` stage adds the media types, headers and
 * 406 answers that follow. Registers the app's {@link CacheService} in `container` (before controllers are
 * resolved), so handlers can inject it.
 */
export function responsesPlugin(options: ResponseOptions, container: DependencyContainer): Plugin<Operation> {
  const serialize = options.serializers?.serialize ?? null;
  const send = options.compression === null ? null : compileCompressedSend(options.compression);
  const encodeStream = options.compression === null ? null : compileStreamEncoder(options.compression);
  const staged = serialize !== null || send !== null;
  const negotiated = options.serializers !== null && options.serializers.mediaTypes.length > 1 ? options.serializers.mediaTypes : null;
  const state: CacheState = { store: options.store, routes: [] };
  const service = new CacheService();
  CacheService.bind(service, state);
  container.register(CacheService, { useValue: service });
  const deps = { store: options.store, state, serializers: options.serializers, send: send ?? sendPlain };
  // The routes whose results are cached (a controller-level @Cache skips some), for their documented headers.
  const cached = new Set<RouteInfo>();

  return {
    name: 'responses',
    output(route, output) {
      const cache = route.metadata.get(CACHE) as RecordedCache | undefined;
      const paginated = route.metadata.has(PAGINATE);
      if (!staged && cache === undefined && !paginated) return output;
      let out: RouteOutput = staged ? { ...output, writer: { ...output.writer, serialize, send, encodeStream } } : output;
      if (paginated) {
        const inner = out.wrapWriter;
        out = { ...out, wrapWriter: (w: Writer) => withPageLinks(inner(w)) };
      }
      const withCache = cache === undefined ? null : cacheOutput(route, cache, out, deps);
      if (withCache !== null) cached.add(route);
      return withCache ?? out;
    },
    document(operation, route, tools) {
      const paginated = route.metadata.has(PAGINATE);
      const isCached = cached.has(route);
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        if (!status.startsWith('2') || response.$ref !== undefined) continue;
        // Data results are sent in any negotiated format (./negotiate.ts); strings and bytes are not negotiated.
        const json = response.content?.['application/json'];
        if (negotiated !== null && json !== undefined && Object.keys(response.content!).length === 1) {
          response.content = Object.fromEntries(negotiated.map((m) => [m, json]));
        }
        // A header the route declares itself (@ResponseHeader) keeps its own description.
        if (paginated) response.headers = { ...LINK_HEADER, ...response.headers };
        if (isCached) response.headers = { ...response.headers, ...CACHE_HEADERS, ...response.headers };
      }
      if (negotiated !== null) tools.errorResponse(406);
    },
  };
}
