import type { RouteDescriptor } from '../router/compile';
import type { InferredResponse } from './return-types';

/**
 * True when the handler's TypeScript return type is `void` or `Promise<void>` (recorded by `rivet types`), no
 * `@ApiResponse` declares a success body, and the handler does not write the response itself (`@Res()`): such a
 * route's success status is 204 No Content, in the document and on the wire.
 */
export function declaresVoid(d: RouteDescriptor, inferred: InferredResponse | undefined): boolean {
  if (inferred?.kind !== 'void') return false;
  if (d.responses.some((r) => r.status === undefined)) return false;
  return !d.params.some((p) => p.meta.source === 'res');
}
