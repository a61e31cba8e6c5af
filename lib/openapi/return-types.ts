/**
 * Response types inferred from the handlers' TypeScript return types. `rivet types` (lib/cli/return-types.ts) reads
 * the sources with the TypeScript compiler and writes a module (`src/rivet.meta.ts`) that calls
 * {@link defineResponseTypes}; the app reads the table at start-up to document success responses and to choose their
 * serializers (each compiled once, when its route first answers with data: lib/openapi/serializer.ts). A declared
 * `@ApiResponse` for the success status always wins.
 */
import { RivetError } from '../errors/rivet-error';
import { excludedProperty, hasSchemaMetadata, SchemaRegistry } from './schema';
import type { JsonSchema } from './schema-rules';
import type { ResponseObject } from './types';

/** What a handler's return type says it answers. */
export interface InferredResponse {
  /**
   * `json`: an object, array, number, boolean or null, sent as JSON; `text`: a string (text/plain); `binary`: a
   * Buffer or Uint8Array (application/octet-stream); `void`: nothing, answered 204.
   */
  readonly kind: 'json' | 'text' | 'binary' | 'void';
  /** The JSON Schema of a `json` body (of a `text` one when it is narrower than any string); `$ref`s name the table's components. */
  readonly schema?: JsonSchema;
}

/** The module `rivet types` writes: every controller's handlers and the named schemas they use. */
export interface ResponseTypeTable {
  /** The table's format; a table written by another format is refused at start-up. */
  readonly version: 1;
  /** Named schemas (interfaces, type aliases, classes), `$ref`d as `#/components/schemas/<name>`. */
  readonly components: Readonly<Record<string, JsonSchema>>;
  /**
   * The class a component stands for, when it is a class: if that class carries class-validator or `@ApiProperty`
   * metadata, its schema comes from that metadata (lib/openapi/schema.ts), completed with the properties only the
   * TypeScript type declares.
   */
  readonly classes: Readonly<Record<string, () => Function>>;
  /** Per controller class, its handlers' responses by method name (inherited handlers included). */
  readonly routes: ReadonlyArray<readonly [() => Function, Readonly<Record<string, InferredResponse>>]>;
}

const REF = '#/components/schemas/';
const tables = new Set<ResponseTypeTable>();
// Filled from the registered tables on first lookup after a registration; keyed by controller class.
let byController: WeakMap<Function, Readonly<Record<string, InferredResponse>>> | null = null;
const owner = new WeakMap<InferredResponse, ResponseTypeTable>();

/**
 * Registers the response types `rivet types` inferred; the generated `rivet.meta.ts` calls it when it is imported,
 * and `createApp({ types })` takes its export. Registering the same table twice is harmless.
 */
export function defineResponseTypes(table: ResponseTypeTable): ResponseTypeTable {
  if (table === null || typeof table !== 'object' || table.version !== 1 || !Array.isArray(table.routes)) {
    throw new RivetError('RIVET_TYPES_INVALID', 'The response type table is not one `rivet types` writes (version 1).\n  Fix: regenerate it with `npx rivet types`, and pass its default export: createApp({ types }).');
  }
  if (!tables.has(table)) {
    tables.add(table);
    byController = null;
  }
  return table;
}

/** The inferred response of `controller#handler` (or of the class it inherits the handler from), if any. */
export function inferredResponseOf(controller: Function, handler: string): InferredResponse | undefined {
  if (tables.size === 0) return undefined;
  if (byController === null) {
    byController = new WeakMap();
    for (const table of tables) {
      for (const [thunk, handlers] of table.routes) {
        const controller = thunk();
        if (typeof controller !== 'function') {
          byController = null;
          throw new RivetError('RIVET_TYPES_INVALID', `The response types name a controller (handlers ${Object.keys(handlers).join(', ')}) that its module no longer exports.\n  Fix: regenerate rivet.meta.ts with \`npx rivet types\` (rivet build and rivet dev do).`);
        }
        byController.set(controller, handlers);
        for (const r of Object.values(handlers)) owner.set(r, table);
      }
    }
  }
  for (let c: unknown = controller; typeof c === 'function' && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    const found = byController.get(c as Function)?.[handler];
    if (found !== undefined && Object.hasOwn(byController.get(c as Function)!, handler)) return found;
  }
  return undefined;
}

// Per table: one registry for every serializer compiled from it (each class's schema is built once), and what was
// compiled for each distinct schema (`get`, `create` and `replace` all returning `Book` share one serializer).
const compiled = new WeakMap<ResponseTypeTable, { registry: SchemaRegistry; byType: Map<string, unknown> }>();

/** `compile(registry)` for an inferred type, run once per distinct type of its table; later calls get the same result. */
export function memoizedForType<T>(response: InferredResponse, compile: (registry: SchemaRegistry) => T): T {
  const table = owner.get(response);
  if (table === undefined) return compile(new SchemaRegistry());
  let state = compiled.get(table);
  if (state === undefined) compiled.set(table, (state = { registry: new SchemaRegistry(), byType: new Map() }));
  const key = JSON.stringify(response.schema);
  if (!state.byType.has(key)) state.byType.set(key, compile(state.registry));
  return state.byType.get(key) as T;
}

// Per registry (one per document or serializer), the registry's schema for each table component already resolved.
const resolved = new WeakMap<SchemaRegistry, Map<ResponseTypeTable, Map<string, JsonSchema>>>();

/** The schema of an inferred JSON body, its `$ref`s registered in `registry` (class-validator classes through their metadata). */
export function inferredSchema(response: InferredResponse, registry: SchemaRegistry): JsonSchema {
  const table = owner.get(response);
  if (table === undefined || response.schema === undefined) return {};
  let perTable = resolved.get(registry);
  if (perTable === undefined) resolved.set(registry, (perTable = new Map()));
  let names = perTable.get(table);
  if (names === undefined) perTable.set(table, (names = new Map()));
  return resolveRefs(response.schema, table, registry, names);
}

function resolveRefs(schema: unknown, table: ResponseTypeTable, registry: SchemaRegistry, names: Map<string, JsonSchema>): JsonSchema {
  if (Array.isArray(schema)) return schema.map((s) => resolveRefs(s, table, registry, names)) as unknown as JsonSchema;
  if (schema === null || typeof schema !== 'object') return schema as JsonSchema;
  const ref = (schema as JsonSchema).$ref;
  if (typeof ref === 'string' && ref.startsWith(REF) && Object.hasOwn(table.components, ref.slice(REF.length))) {
    return componentRef(ref.slice(REF.length), table, registry, names);
  }
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    // `properties` maps names to schemas: a property may be called `$ref`, so recurse into its values only.
    out[key] = key === 'properties' && value !== null && typeof value === 'object'
      ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveRefs(v, table, registry, names)]))
      : resolveRefs(value, table, registry, names);
  }
  return out;
}

function componentRef(name: string, table: ResponseTypeTable, registry: SchemaRegistry, names: Map<string, JsonSchema>): JsonSchema {
  const known = names.get(name);
  if (known !== undefined) return known;
  const structural = table.components[name];
  const ctor = Object.hasOwn(table.classes, name) ? table.classes[name]() : undefined;
  if (typeof ctor === 'function') {
    // The class's own component, shared with @ApiResponse({ type }) and @Body documentation: its metadata schema
    // (constraints, formats, examples), completed with the public fields only its TypeScript type declares, so that
    // the serializer does not drop a property that has no validation decorator (an `id`).
    const ref = registry.refFor(ctor);
    names.set(name, ref);
    const own = registry.components[(ref.$ref as string).slice(REF.length)] as JsonSchema;
    const ownProps = (own.properties ?? {}) as Record<string, JsonSchema>;
    const added = Object.entries((structural.properties ?? {}) as Record<string, JsonSchema>).filter(([k]) => !Object.hasOwn(ownProps, k) && !excludedProperty(ctor, k));
    if (added.length > 0) own.properties = { ...ownProps, ...Object.fromEntries(added.map(([k, v]) => [k, resolveRefs(v, table, registry, names)])) };
    // Which fields a validated class requires is class-validator's to say (the class may also be a request body);
    // a class without metadata is only ever described by its type.
    if (!hasSchemaMetadata(ctor) && Array.isArray(structural.required) && structural.required.length > 0) own.required = structural.required;
    return ref;
  }
  let ref: JsonSchema | undefined;
  registry.define(name, (registered) => {
    ref = { $ref: `${REF}${registered}` };
    names.set(name, ref);
    return resolveRefs(structural, table, registry, names);
  });
  return ref!;
}

/**
 * The `content` of a success response from an inferred type, mirroring pipeline/write.ts (strings as text/plain,
 * bytes as application/octet-stream, the rest as JSON or the negotiated formats); `undefined` for `void`.
 */
export function inferredContent(
  response: InferredResponse, registry: SchemaRegistry, fixedType: string | undefined,
): ResponseObject['content'] {
  if (response.kind === 'void') return undefined;
  if (response.kind === 'text') return { [fixedType ?? 'text/plain']: { schema: response.schema === undefined ? { type: 'string' } : inferredSchema(response, registry) } };
  if (response.kind === 'binary') return { [fixedType ?? 'application/octet-stream']: {} };
  const schema = inferredSchema(response, registry);
  if (fixedType !== undefined) return { [fixedType]: { schema } };
  return { 'application/json': { schema } };
}
