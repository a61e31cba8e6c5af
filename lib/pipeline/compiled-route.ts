import type { ParamMeta } from '../metadata/types';
import type { RouteDescriptor } from '../router/compile';
import type { CompiledParam } from './extract';
import type { CompiledFilter } from './filters';
import type { CanActivate } from './guards';
import type { DocumentTools } from './plugin';

/**
 * A route after compilation: its folded metadata, its compiled parameters and its resolved guards. This is
 * what `app.routes()`, the OpenAPI document and the CLI read; nothing here is consulted per request.
 */
export interface CompiledRoute {
  readonly descriptor: RouteDescriptor;
  /** Parameters in argument order, each with its decorator metadata. */
  readonly params: readonly { readonly meta: ParamMeta; readonly compiled: CompiledParam }[];
  /** App, controller and method guards, in the order they run. */
  readonly guards: readonly CanActivate[];
  /** The success status (`@HttpCode`, else 201 for POST, else 200). */
  readonly status: number;
  /** Its exception filters, nearest first (method, controller, app): the document takes error bodies from them. */
  readonly filters: readonly CompiledFilter[];
  /**
   * What plugins (built-in and the user's) add to the route's OpenAPI operation: their `document` stages, called
   * with the operation and the tools that document error answers when the document is built.
   */
  readonly documenters: readonly ((operation: object, tools: DocumentTools) => void)[];
  /**
   * What the handler's TypeScript return type says it answers, from `rivet types` (lib/openapi/return-types.ts
   * `InferredResponse`); absent when unknown or when the app turned inference off (`types: false`).
   */
  readonly inferred?: { readonly kind: 'json' | 'text' | 'binary' | 'void'; readonly schema?: Record<string, unknown> };
}
