import type { CompiledRoute } from '../pipeline/compiled-route';
import { compileJsonWriter } from './json-writer';
import { typeSchema } from './responses';
import { inferredSchema, memoizedForType } from './return-types';
import { SchemaRegistry, type JsonSchema } from './schema';

/** Turns a handler's data result into JSON text. */
export type JsonSerializer = (value: unknown) => string;

/** Compiles a serializer that was left to compile later (see {@link compileResponseSerializer}); idempotent. */
export function warmSerializer(serializer: JsonSerializer | null): void {
  (serializer as { warm?: () => unknown } | null)?.warm?.();
}

/**
 * A JSON serializer compiled from the response type a route declares for its success status with
 * `@ApiResponse(status?, { type })`, else from its handler's TypeScript return type recorded by `rivet types`, or
 * `null` when neither is known. Only declared properties are written, so a
 * field the response type does not list (a password hash on an entity) never reaches the client. Declared types are
 * a contract: any value may be `null` and any property missing, but a value of another type (text for an integer)
 * is a server error (500), never silently rewritten. Rivet's own writer (./json-writer.ts) covers the schemas DTO
 * metadata produces; other schemas go to fast-json-stringify, and one it cannot compile falls back to JSON.stringify.
 */
export function compileResponseSerializer(route: CompiledRoute): JsonSerializer | null {
  const declared = route.descriptor.responses.find((r) => r.status === undefined || r.status === route.status);
  if (declared === undefined) {
    // No declaration: the handler's TypeScript return type (./return-types.ts), so undeclared fields stay home too.
    // Handlers returning the same type share one serializer. Compiling every typed route inside createApp cost
    // 100 controllers / 300 routes ~60 ms of start-up (bench/tools/types-startup.js), so it is compiled by `warm()`,
    // which `app.listen()` calls before the server accepts a connection; an app used only through `inject()` (tests)
    // compiles it when the route first answers with data. After that, one comparison per response.
    const inferred = route.inferred;
    if (inferred?.kind !== 'json') return null;
    let write: JsonSerializer | undefined;
    const warm = (): JsonSerializer => (write ??= memoizedForType(inferred, (registry) => compileSchema(inferredSchema(inferred, registry), registry)) ?? JSON.stringify);
    return Object.assign((value: unknown) => (write ?? warm())(value), { warm });
  }
  const { type, schema: given, contentType } = declared.options;
  if (contentType !== undefined && !/[/+]json\b/.test(contentType)) return null;
  const registry = new SchemaRegistry();
  let root: JsonSchema;
  if (given !== undefined) root = given;
  else if (type !== undefined && !isPrimitive(type)) root = typeSchema(type, registry);
  else return null;
  return compileSchema(root, registry);
}

function compileSchema(root: JsonSchema, registry: SchemaRegistry): JsonSerializer | null {
  const writer = compileJsonWriter(root, registry.components);
  if (writer !== null) return writer;
  const definitions = Object.fromEntries(Object.entries(registry.components).map(([name, s]) => [name, relax(s)]));
  try {
    // Loaded on first use: only schemas the writer above does not cover need it.
    const build = require('fast-json-stringify') as (schema: object) => JsonSerializer;
    return build({ ...relax(root), definitions });
  } catch {
    return null;
  }
}

const isPrimitive = (type: unknown): boolean => type === String || type === Number || type === Boolean;

/**
 * The serialization form of a documentation schema: `$ref`s point at `definitions`, every property may be `null`
 * (written as `null`, never coerced to `""` or `0`), and nothing is required (a missing property is left out).
 */
function relax(schema: unknown): JsonSchema {
  if (Array.isArray(schema)) return schema.map(relax) as unknown as JsonSchema;
  if (schema === null || typeof schema !== 'object') return schema as JsonSchema;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'required') continue;
    if (key === '$ref' && typeof value === 'string') out.$ref = value.replace('#/components/schemas/', '#/definitions/');
    else if (key === 'properties' && value !== null && typeof value === 'object') {
      out.properties = Object.fromEntries(Object.entries(value).map(([name, prop]) => [name, nullable(relax(prop))]));
    } else out[key] = relax(value);
  }
  return out;
}

function nullable(schema: JsonSchema): JsonSchema {
  const { type } = schema;
  if (typeof type === 'string') return type === 'null' ? schema : { ...schema, type: [type, 'null'] };
  if (Array.isArray(type)) return type.includes('null') ? schema : { ...schema, type: [...(type as string[]), 'null'] };
  if (schema.$ref !== undefined) return { anyOf: [schema, { type: 'null' }] };
  return schema;
}
