/**
 * Parameters and request bodies of one operation, read from the compiled parameters: the same type, the
 * same inline constraints and the same DTO the pipeline enforces, so the document cannot drift from them.
 */
import type { CustomParamMeta, ParamOptions } from '../metadata/types';
import { enumValues } from '../pipeline/coerce';
import type { CompiledRoute } from '../pipeline/compiled-route';
import type { SchemaRegistry } from './schema';
import type { JsonSchema, JsonType } from './schema-rules';
import type { ParameterObject, RequestBodyObject } from './types';

type RouteParam = CompiledRoute['params'][number];
type WireSource = 'path' | 'query' | 'header' | 'cookie';

/** What an operation reads from the request, and whether any of it is validated (so a 422 can happen). */
export interface OperationInput {
  readonly parameters: ParameterObject[];
  readonly requestBody: RequestBodyObject | undefined;
  readonly validates: boolean;
  readonly readsBody: boolean;
}

const CONSTRAINT_KEYS: readonly (keyof ParamOptions)[] = ['required', 'minimum', 'maximum', 'minLength', 'maxLength', 'pattern', 'enum'];

/** The parameters and request body of `route`; DTOs become components in `registry`. */
export function describeInput(route: CompiledRoute, registry: SchemaRegistry): OperationInput {
  const parameters: ParameterObject[] = [];
  const bodyProperties: { name: string; schema: JsonSchema; required: boolean }[] = [];
  let requestBody: RequestBodyObject | undefined;
  let validates = false;
  let readsBody = false;
  const fileProperties: { name: string; schema: JsonSchema; required: boolean }[] = [];
  // Parameters documented by custom decorators, which give way to a built-in one (or an earlier one) of the same name.
  const custom = new Set<ParameterObject>();

  for (const p of route.params) {
    const { meta, compiled } = p;
    if (meta.source === 'req' || meta.source === 'res' || meta.source === 'ctx') continue;
    if (meta.source === 'custom') {
      const c = meta.custom!;
      // A checked value can be refused with a 422, whether or not the decorator documents a parameter.
      if (c.options.dto !== undefined || c.options.required === true) validates = true;
      if (c.options.in === undefined) continue;
      const param = customParameter(c);
      custom.add(param);
      parameters.push(param);
      continue;
    }
    if (meta.source === 'file') {
      // @UploadedFile(s) (lib/realtime/upload.ts): documented below as a multipart/form-data body.
      readsBody = true;
      const file: JsonSchema = { type: 'string', format: 'binary' };
      fileProperties.push({ name: meta.name ?? 'files', schema: withDoc(compiled.array ? { type: 'array', items: file } : file, meta.options), required: meta.options.required === true });
      continue;
    }
    if (meta.source === 'body') {
      readsBody = true;
      if (meta.name !== undefined) {
        // One property of a JSON body (extract.ts): only its JSON type and presence are checked.
        const type = compiled.type === Number ? 'number' : compiled.type === String ? 'string' : compiled.type === Boolean ? 'boolean' : undefined;
        const required = meta.options.required === true && meta.options.default === undefined;
        bodyProperties.push({ name: meta.name, schema: withDoc(type === undefined ? {} : { type }, meta.options), required });
        if (type !== undefined || meta.options.required === true) validates = true;
      } else if (compiled.dto !== undefined) {
        requestBody = { required: meta.options.required !== false, content: { 'application/json': { schema: registry.refFor(compiled.dto) } } };
        validates = true;
      } else if (compiled.textBody) {
        requestBody = { content: { 'text/plain': { schema: { type: 'string' } } } };
      } else {
        requestBody = { content: { 'application/json': { schema: {} } } };
      }
      if (requestBody !== undefined && meta.options.description !== undefined) requestBody.description = meta.options.description;
      continue;
    }
    if (meta.name === undefined) {
      // `@Query() dto`: one query parameter per DTO property, validated by the DTO pipe.
      if (compiled.dto !== undefined) {
        parameters.push(...dtoQueryParameters(compiled.dto, registry));
        validates = true;
      }
      continue;
    }
    parameters.push(scalarParameter(p, meta.source));
    if (isChecked(p)) validates = true;
  }

  if (bodyProperties.length > 0) {
    const required = bodyProperties.filter((b) => b.required).map((b) => b.name);
    const schema: JsonSchema = { type: 'object', properties: Object.fromEntries(bodyProperties.map((b) => [b.name, b.schema])) };
    if (required.length > 0) schema.required = required;
    requestBody = { required: required.length > 0, content: { 'application/json': { schema } } };
  }

  if (fileProperties.length > 0) {
    // Form fields (a `@Body()` DTO) and files travel together as multipart/form-data.
    const required = fileProperties.filter((f) => f.required).map((f) => f.name);
    const files: JsonSchema = { type: 'object', properties: Object.fromEntries(fileProperties.map((f) => [f.name, f.schema])) };
    if (required.length > 0) files.required = required;
    const form = requestBody?.content['application/json']?.schema;
    const schema: JsonSchema = form !== undefined && Object.keys(form).length > 0 ? { allOf: [form, files] } : files;
    requestBody = { required: true, content: { 'multipart/form-data': { schema } } };
  }

  if (custom.size > 0) {
    // OpenAPI: a parameter is unique by name and location (header names without case). A duplicate custom one
    // gives way, but the value stays required if either use requires it, as the pipeline enforces both.
    const keyOf = (x: ParameterObject): string => `${x.in}:${x.in === 'header' ? x.name.toLowerCase() : x.name}`;
    const kept = new Map(parameters.filter((x) => !custom.has(x)).map((x) => [keyOf(x), x]));
    for (let i = 0; i < parameters.length;) {
      const x = parameters[i];
      const first = custom.has(x) ? kept.get(keyOf(x)) : undefined;
      if (first === undefined) {
        if (custom.has(x)) kept.set(keyOf(x), x);
        i++;
        continue;
      }
      if (x.required === true) first.required = true;
      parameters.splice(i, 1);
    }
  }

  // Every `{name}` of the template must be described, even when the handler does not read it.
  for (const segment of route.descriptor.segments) {
    if (segment.kind === 'static' || parameters.some((x) => x.in === 'path' && x.name === segment.name)) continue;
    const param: ParameterObject = { name: segment.name, in: 'path', required: true, schema: { type: 'string' } };
    if (segment.kind === 'wildcard') param.description = 'The rest of the path.';
    parameters.unshift(param);
  }
  return { parameters, requestBody, validates, readsBody };
}

/** A path, query, header or cookie parameter with its inline constraints, exactly as `compileCoercer` enforces them. */
function scalarParameter({ meta, compiled }: RouteParam, source: WireSource): ParameterObject {
  const item = constrainedSchema(compiled.type, meta.options);
  const schema: JsonSchema = compiled.array ? { type: 'array', items: item } : item;
  const fallback = meta.options.default;
  if (fallback !== undefined) schema.default = fallback instanceof Date ? fallback.toISOString() : fallback;
  const param = { name: meta.name as string, in: source } as ParameterObject;
  if (meta.options.description !== undefined) param.description = meta.options.description;
  // Path parameters are always required (coerce.ts); elsewhere a default makes a missing value fine.
  param.required = source === 'path' || (meta.options.required === true && fallback === undefined);
  param.schema = schema;
  return param;
}

/** The parameter a custom decorator declares with `in` and `name`, required exactly when the pipeline requires it. */
function customParameter({ options }: CustomParamMeta): ParameterObject {
  const param = { name: options.name as string, in: options.in } as ParameterObject;
  if (options.description !== undefined) param.description = options.description;
  param.required = options.required ?? options.dto !== undefined;
  if (options.deprecated === true) param.deprecated = true;
  param.schema = { ...(options.schema ?? {}) } as JsonSchema;
  return param;
}

/** The schema of one scalar value: the coerced type, then the constraints that apply to that type. */
function constrainedSchema(type: Function | undefined, options: ParamOptions): JsonSchema {
  const allowed = enumValues(options.enum);
  // coerce.ts compares a string parameter with an all-number enum after reading it as a number.
  const numericEnum = allowed !== undefined && allowed.length > 0 && allowed.every((v) => typeof v === 'number');
  const base = numericEnum && isTextual(type) ? { type: 'number' } : scalarSchema(type);
  const schema: JsonSchema = { ...base };
  if (allowed !== undefined) {
    schema.enum = [...allowed];
    const common = enumType(allowed);
    if (common !== undefined) schema.type = common;
  }
  if (schema.type === 'number' || schema.type === 'integer') {
    if (options.minimum !== undefined) schema.minimum = options.minimum;
    if (options.maximum !== undefined) schema.maximum = options.maximum;
  }
  if (schema.type === 'string' && schema.format === undefined) {
    if (options.minLength !== undefined) schema.minLength = options.minLength;
    if (options.maxLength !== undefined) schema.maxLength = options.maxLength;
    const pattern = patternSource(options.pattern);
    if (pattern !== undefined) schema.pattern = pattern;
  }
  return schema;
}

/** The wire type a scalar is read as (coerce.ts `scalarFor`): anything not a number, boolean or date stays text. */
function scalarSchema(type: Function | undefined): JsonSchema {
  if (type === Number) return { type: 'number' };
  if (type === Boolean) return { type: 'boolean' };
  if (type === Date) return { type: 'string', format: 'date-time' };
  return { type: 'string' };
}

const isTextual = (type: Function | undefined): boolean => type === String || type === undefined || type === Object;

function withDoc(schema: JsonSchema, options: ParamOptions): JsonSchema {
  if (options.description !== undefined) schema.description = options.description;
  if (options.default !== undefined) schema.default = options.default;
  return schema;
}

function enumType(values: readonly unknown[]): JsonType | undefined {
  if (values.every((v) => typeof v === 'string')) return 'string';
  if (values.every((v) => typeof v === 'number' && Number.isInteger(v))) return 'integer';
  if (values.every((v) => typeof v === 'number')) return 'number';
  if (values.every((v) => typeof v === 'boolean')) return 'boolean';
  return undefined;
}

/** A pattern JSON Schema can carry: a string as given, a RegExp without flags that change what it matches. */
function patternSource(pattern: ParamOptions['pattern']): string | undefined {
  if (pattern === undefined) return undefined;
  if (typeof pattern === 'string') return pattern;
  return /[ims]/.test(pattern.flags) ? undefined : pattern.source;
}

/** Whether the pipeline can reject this parameter with a 422: it is coerced to a non-text type, or constrained. */
function isChecked({ meta, compiled }: RouteParam): boolean {
  if (!isTextual(compiled.type) || compiled.array) return true;
  return CONSTRAINT_KEYS.some((k) => meta.options[k] !== undefined);
}

/** The query parameters of a `@Query() dto`, one per property of the DTO's object schema. */
function dtoQueryParameters(dto: Function, registry: SchemaRegistry): ParameterObject[] {
  const schema = registry.objectSchemaFor(dto);
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, deprecated, ...rest } = property;
    const param = { name, in: 'query' } as ParameterObject;
    if (typeof description === 'string') param.description = description;
    param.required = required.has(name);
    if (deprecated === true) param.deprecated = true;
    // A query value is text: `?x=null` is the string "null", so the null an @IsOptional() body property allows is not offered here.
    param.schema = withoutNull(rest);
    return param;
  });
}


/** `schema` without the `null` alternative ({@link dtoQueryParameters}). */
function withoutNull(schema: JsonSchema): JsonSchema {
  const out = { ...schema };
  if (Array.isArray(out.type)) {
    const types = (out.type as string[]).filter((t) => t !== 'null');
    out.type = types.length === 1 ? types[0] : types;
  }
  if (Array.isArray(out.oneOf)) {
    const rest = (out.oneOf as JsonSchema[]).filter((s) => s.type !== 'null');
    if (rest.length === 1) {
      delete out.oneOf;
      return { ...rest[0], ...out };
    }
    out.oneOf = rest;
  }
  if (Array.isArray(out.enum)) out.enum = (out.enum as unknown[]).filter((v) => v !== null);
  return out;
}
