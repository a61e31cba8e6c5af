import type { DependencyContainer } from 'tsyringe';
import type { RouteParts } from '../pipeline/build';
import { documentOutput } from '../openapi/responses';
import type { Feature } from '../pipeline/feature';
import { compileWriter, sendPlain, type Writer, type WriterOptions } from '../pipeline/write';
import type { Store } from '../store/store';
import { CACHE, cacheRoute, type RecordedCache } from './cache';
import { CacheService, type CacheState } from './cache-service';
import { compileCompressedSend, compileStreamEncoder, type NormalizedCompression } from './compress';
import type { NormalizedSerializers } from './negotiate';
import { PAGINATE, withPageLinks } from './paginate';

const LINK_DOC = { description: 'RFC 8288 links to the first, previous, next and (with a total) last page, keeping the other query parameters.', schema: { type: 'string' } };

/** The normalized options this module compiles (from `createApp`). */
export interface ResponseOptions {
  readonly compression: NormalizedCompression | null;
  readonly serializers: NormalizedSerializers | null;
  readonly store: Store;
}


/**
 * Compression, negotiation, caching and pagination for one app, as a feature whose `adaptRoute` stage adapts each
 * route's output (negotiation and compression stages in the writer, `@Paginate` links, `@Cache`), leaving a route
 * untouched when nothing applies, so it runs exactly the plain pipeline. Registers the app's {@link CacheService} in
 * `container` (before controllers are resolved), so handlers can inject it.
 */
export function responsesFeature(options: ResponseOptions, container: DependencyContainer): Feature {
  const serialize = options.serializers?.serialize ?? null;
  const send = options.compression === null ? null : compileCompressedSend(options.compression);
  const encodeStream = options.compression === null ? null : compileStreamEncoder(options.compression);
  const staged = serialize !== null || send !== null;
  const negotiated = options.serializers !== null && options.serializers.mediaTypes.length > 1 ? options.serializers.mediaTypes : null;
  const state: CacheState = { store: options.store, routes: [] };
  const service = new CacheService();
  CacheService.bind(service, state);
  container.register(CacheService, { useValue: service });

  return {
    name: 'responses',
    adaptRoute(route, parts, writer) {
      const cache = route.descriptor.metadata.get(CACHE) as RecordedCache | undefined;
      const paginated = route.descriptor.metadata.has(PAGINATE);
      if (!staged && cache === undefined && !paginated) return parts;
      if (negotiated !== null) documentOutput(route, { mediaTypes: negotiated });
      if (paginated) documentOutput(route, { headers: { Link: LINK_DOC } });
      const stages: WriterOptions = { ...writer, serialize, send, encodeStream };
      const links = paginated ? withPageLinks : (w: Writer): Writer => w;
      if (cache !== undefined) {
        return cacheRoute(route, cache, parts, stages, { store: options.store, state, serializers: options.serializers, send: send ?? sendPlain }, links);
      }
      return { ...parts, write: links(compileWriter(stages)) };
    },
  };
}
