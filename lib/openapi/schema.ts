/**
 * JSON Schema (draft 2020-12, the OpenAPI 3.1 dialect) derived from the metadata that DTOs already
 * carry: class-validator constraints, class-transformer `@Type`/`@Expose`/`@Exclude`, TypeScript's
 * `design:type`, and the optional documentation-only `@ApiProperty`.
 *
 * Schemas are built once, at boot, into a {@link SchemaRegistry} (one per document). Nothing here
 * runs per request. `nullable: true` (OpenAPI 3.0) is never emitted: a nullable value has a type
 * array (`['string', 'null']`) or, for a `$ref`, `oneOf: [{ $ref }, { type: 'null' }]`.
 */
import 'reflect-metadata';
import { getMetadataStorage, ValidationTypes, type MetadataStorage } from 'class-validator';
import { createDraft, ruleFor, type JsonSchema, type JsonType, type ValueDraft } from './schema-rules';
import { legacyDecorator } from '../metadata/legacy';

export type { JsonSchema } from './schema-rules';

/** Documentation for one DTO property. It never changes validation. */
export interface ApiPropertyOptions {
  /** Human-readable description. */
  description?: string;
  /** One example value (emitted as `examples: [example]`, the 3.1 keyword). */
  example?: unknown;
  /** Example values. */
  examples?: unknown[];
  /** Short title. */
  title?: string;
  /** Marks the property deprecated. */
  deprecated?: boolean;
  /** Replaces the `format` derived from the constraints. */
  format?: string;
  /** Sent in responses only. */
  readOnly?: boolean;
  /** Sent in requests only. */
  writeOnly?: boolean;
  /**
   * The property's type when `design:type` cannot tell (arrays, unions, interfaces):
   * a class or primitive constructor, or `[Item]` for an array of `Item`.
   */
  type?: Function | [Function];
  /** Adds `null` to the allowed values (pair it with `@IsOptional()` or `@ValidateIf`, which do the validating). */
  nullable?: boolean;
}

/** `@ApiProperty` options per class, declared on that class only; {@link apiPropertiesOf} merges the chain. */
const apiProperties = new WeakMap<Function, Map<string, ApiPropertyOptions>>();

/**
 * Documents a DTO property: description, examples, title, deprecation, format, read/write-only,
 * type (when `design:type` is missing) and nullability. A property with `@ApiProperty` and no
 * validation decorator still appears in the schema, as optional.
 */
export function ApiProperty(options: ApiPropertyOptions): PropertyDecorator {
  return legacyDecorator<PropertyDecorator>('@ApiProperty', (proto, key) => {
    if (typeof key !== 'string') return;
    const ctor = proto.constructor;
    let own = apiProperties.get(ctor);
    if (own === undefined) apiProperties.set(ctor, (own = new Map()));
    own.set(key, { ...own.get(key), ...options });
  });
}

/** `@ApiProperty` options of `ctor` and its ancestors; a subclass's options override its parent's, key by key. */
function apiPropertiesOf(ctor: Function): Map<string, ApiPropertyOptions> {
  const chain: Function[] = [];
  for (let c: unknown = ctor; typeof c === 'function' && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    chain.unshift(c);
  }
  const out = new Map<string, ApiPropertyOptions>();
  for (const c of chain) {
    for (const [key, options] of apiProperties.get(c) ?? []) out.set(key, { ...out.get(key), ...options });
  }
  return out;
}

/** The part of class-transformer's metadata storage read here (0.5.1 ships no typings for this path). */
interface TransformerStorage {
  findTypeMetadata(target: Function, property: string): TypeMeta | undefined;
  findExposeMetadata(target: Function, property: string): { options?: DirectionOptions & { name?: string } } | undefined;
  findExcludeMetadata(target: Function, property: string): { options?: DirectionOptions } | undefined;
}
interface DirectionOptions { toClassOnly?: boolean; toPlainOnly?: boolean }
interface TypeMeta {
  typeFunction: (options?: unknown) => unknown;
  options?: { discriminator?: { property: string; subTypes: { name: string; value: Function }[] } };
}

/** The storage `@Type`, `@Expose` and `@Exclude` write to (the package's CommonJS entry loads this same module). */
const transformer = (require('class-transformer/cjs/storage') as { defaultMetadataStorage: TransformerStorage })
  .defaultMetadataStorage;

type ValidationMeta = ReturnType<MetadataStorage['getTargetValidationMetadatas']>[number];

/** Constructors that map to a JSON primitive rather than to a component. */
const PRIMITIVES = new Map<unknown, JsonSchema>([
  [String, { type: 'string' }],
  [Number, { type: 'number' }],
  [Boolean, { type: 'boolean' }],
  [Date, { type: 'string', format: 'date-time' }],
  [Array, { type: 'array' }],
  [Set, { type: 'array' }],
  [Map, { type: 'object' }],
]);

/** Built-in constructors that say nothing useful about the JSON shape (`design:type` of a union is `Object`). */
const OPAQUE = new Set<unknown>([Object, Function, Promise, Symbol, BigInt, RegExp, Error, WeakMap, WeakSet, Buffer]);

/** Keyword order of the emitted property schemas: identity first, annotations last. */
const ANNOTATIONS = ['title', 'description', 'deprecated', 'readOnly', 'writeOnly', 'examples'] as const;

/** A `$ref` to a named component. */
const refTo = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

/** Collects named component schemas while schemas are being built; one per document. */
export class SchemaRegistry {
  /** Component name → schema, in the order the components were first referenced. */
  readonly components: Record<string, JsonSchema> = {};
  readonly #names = new Map<Function, string>();
  readonly #generics = new Map<string, Map<Function, string>>();

  /**
   * A `$ref` to the named component for `ctor`, registering it (and every nested class) on first use.
   * The name is the class name; a different class with a name already taken gets `Name2`, `Name3`, …
   * in registration order. Self-referencing classes are safe: the name is reserved before the build.
   */
  refFor(ctor: Function): JsonSchema {
    return refTo(this.#nameFor(ctor));
  }

  /** The object schema of `ctor` itself (`properties`, `required`); nested classes become `$ref`s registered here. */
  objectSchemaFor(ctor: Function): JsonSchema {
    const groups = new Map<string, ValidationMeta[]>();
    for (const meta of getMetadataStorage().getTargetValidationMetadatas(ctor, '', true, false)) {
      const list = groups.get(meta.propertyName);
      if (list === undefined) groups.set(meta.propertyName, [meta]);
      else list.push(meta);
    }
    const docs = apiPropertiesOf(ctor);
    for (const key of docs.keys()) if (!groups.has(key)) groups.set(key, []);
    const defaults = initialValues(ctor);

    const properties: JsonSchema = {};
    const required: string[] = [];
    for (const [property, metas] of groups) {
      if (bothWays(transformer.findExcludeMetadata(ctor, property)?.options)) continue;
      const expose = transformer.findExposeMetadata(ctor, property)?.options;
      const wireName = expose?.name !== undefined && bothWays(expose) ? expose.name : property;
      const built = this.#propertySchema(ctor, property, metas, docs.get(property) ?? {}, defaults.get(property));
      properties[wireName] = built.schema;
      if (built.required) required.push(wireName);
    }
    return required.length > 0 ? { type: 'object', properties, required } : { type: 'object', properties };
  }

  /**
   * A named component for a generic wrapper around `itemCtor`, e.g. `'Paginated'` + `Book` →
   * `PaginatedBook`. `build` receives the item's schema (a `$ref`, or a primitive schema for
   * `String`, `Number`, `Boolean`, `Date`) and runs once per (wrapper, item) pair.
   */
  generic(wrapper: string, itemCtor: Function, build: (itemRef: JsonSchema) => JsonSchema): JsonSchema {
    let perItem = this.#generics.get(wrapper);
    if (perItem === undefined) this.#generics.set(wrapper, (perItem = new Map()));
    let name = perItem.get(itemCtor);
    if (name === undefined) {
      const primitive = PRIMITIVES.get(itemCtor);
      const itemName = primitive !== undefined ? itemCtor.name : this.#nameFor(itemCtor);
      const itemRef = primitive !== undefined ? { ...primitive } : refTo(itemName);
      name = this.#reserve(`${wrapper}${itemName}`);
      perItem.set(itemCtor, name);
      this.components[name] = build(itemRef);
    }
    return refTo(name);
  }

  /**
   * Registers a named schema under a free name derived from `base` and returns that name. `build` runs once the
   * name is held (it receives it), so a schema that refers to itself stops there.
   */
  define(base: string, build: (name: string) => JsonSchema): string {
    const name = this.#reserve(base);
    this.components[name] = build(name);
    return name;
  }

  /** The component name of `ctor`, building its schema on first use (the name is reserved first, so recursion stops). */
  #nameFor(ctor: Function): string {
    let name = this.#names.get(ctor);
    if (name === undefined) {
      name = this.#reserve(ctor.name);
      this.#names.set(ctor, name);
      this.components[name] = this.objectSchemaFor(ctor);
    }
    return name;
  }

  /** Claims a free component name derived from `base`, holding its slot so insertion order is reference order. */
  #reserve(base: string): string {
    const clean = base.replace(/[^A-Za-z0-9._-]/g, '_') || 'Anonymous';
    let name = clean;
    for (let n = 2; Object.hasOwn(this.components, name); n++) name = `${clean}${n}`;
    this.components[name] = {};
    return name;
  }

  /** One property: its schema and whether class-validator rejects it when absent. */
  #propertySchema(
    ctor: Function, property: string, metas: ValidationMeta[], docs: ApiPropertyOptions, initial: unknown,
  ): { schema: JsonSchema; required: boolean } {
    const self = createDraft();
    const item = createDraft();
    let skippable = false;   // @IsOptional / @ValidateIf: validation may be skipped altogether
    let optional = false;    // @IsOptional: null and undefined skip validation, so null is accepted
    let demands = false;     // some check fails on `undefined`
    let eachSeen = false;
    for (const meta of metas) {
      if (meta.type === ValidationTypes.CONDITIONAL_VALIDATION) {
        skippable = true;
        optional ||= meta.name === 'isOptional';
      }
      else if (meta.type === ValidationTypes.IS_DEFINED) demands = true;
      else if (meta.type === ValidationTypes.NESTED_VALIDATION) eachSeen ||= meta.each === true;
      else if (meta.type === ValidationTypes.CUSTOM_VALIDATION) {
        if (meta.name !== 'isEmpty' && meta.validateIf === undefined) demands = true;
        eachSeen ||= meta.each === true;
        ruleFor(meta.name)?.(meta.each ? item : self, meta.constraints ?? []);
      }
    }

    const typeMeta = transformer.findTypeMetadata(ctor, property);
    const explicit = typeMeta === undefined ? undefined : callTypeFunction(typeMeta, property);
    const fallback = Array.isArray(docs.type) ? Array : (docs.type ?? designType(ctor, property));
    const fallbackItem = Array.isArray(docs.type) ? docs.type[0] : undefined;
    const untyped = self.type === undefined && self.ref === undefined;
    const isArray = self.type === 'array' || (untyped && (eachSeen || PRIMITIVES.get(fallback)?.type === 'array'));

    let schema: JsonSchema;
    if (isArray) {
      self.type = 'array';
      const items = this.#finish(item, explicit ?? fallbackItem, typeMeta);
      schema = this.#finish(self, undefined, undefined);
      if (Object.keys(items).length > 0) schema.items = items;
    } else {
      schema = this.#finish(self, explicit ?? fallback, typeMeta);
    }
    // A property initializer fills an absent value before validation (class-transformer constructs the DTO): documented
    // as `default`, and the property is not required.
    if (initial !== undefined) schema.default = initial;
    // @IsOptional() lets null through as well as undefined, so null is documented unless @ApiProperty({ nullable: false })
    // says the type excludes it (design:type is the same for `string` and `string | null`).
    schema = annotate(schema, { ...docs, nullable: docs.nullable ?? (optional ? true : undefined) });
    return { schema, required: demands && !skippable && initial === undefined };
  }

  /** Renders a draft, filling its type from `cls` (`@Type`, `@ApiProperty({ type })` or `design:type`) when no constraint set one. */
  #finish(draft: ValueDraft, cls: unknown, typeMeta: TypeMeta | undefined): JsonSchema {
    if (draft.empty) return { enum: ['', null] };
    let head: JsonSchema = {};
    const discriminator = typeMeta?.options?.discriminator;
    const target = draft.ref ?? cls;
    if (draft.ref === undefined && discriminator !== undefined && (draft.type === undefined || draft.type === 'object')) {
      const mapping: Record<string, string> = {};
      const oneOf = discriminator.subTypes.map((sub) => {
        const ref = this.refFor(sub.value);
        mapping[sub.name] = ref.$ref as string;
        return ref;
      });
      head = { oneOf, discriminator: { propertyName: discriminator.property, mapping } };
    } else if (typeof target === 'function' && !PRIMITIVES.has(target) && !OPAQUE.has(target)
      && (draft.ref !== undefined || draft.type === undefined || draft.type === 'object')) {
      head = this.refFor(target);
    } else if (draft.type !== undefined) {
      head = { type: draft.type };
    } else {
      const primitive = PRIMITIVES.get(target);
      if (primitive !== undefined) head = { ...primitive };
    }
    const schema: JsonSchema = { ...head, ...draft.keywords };
    if (draft.notEmpty && schema.type === 'string') {
      const min = schema.minLength;
      schema.minLength = typeof min === 'number' && min > 1 ? min : 1;
    }
    return schema;
  }
}

// One construction per DTO class, at start-up.
const initialCache = new WeakMap<Function, ReadonlyMap<string, unknown>>();

/**
 * The values a DTO's property initializers give (`limit = 20`): its own enumerable properties after `new ctor()`,
 * kept when they are JSON data and the same on a second construction. A class that cannot be constructed without
 * arguments has none.
 */
function initialValues(ctor: Function): ReadonlyMap<string, unknown> {
  let values = initialCache.get(ctor);
  if (values !== undefined) return values;
  const out = new Map<string, unknown>();
  try {
    // Constructed twice: a value that differs between the two (an id from randomUUID(), a counter) is no default.
    const instance = new (ctor as new () => object)() as Record<string, unknown>;
    const again = new (ctor as new () => object)() as Record<string, unknown>;
    for (const key of Object.keys(instance)) {
      const value = instance[key];
      if (value === undefined || typeof value === 'function' || !isJsonData(value)) continue;
      const json = JSON.stringify(value);
      if (JSON.stringify(again[key]) === json) out.set(key, JSON.parse(json) as unknown);
    }
  } catch {
    // Constructors that need arguments or services document no defaults.
  }
  initialCache.set(ctor, (values = out));
  return values;
}

function isJsonData(value: unknown, depth = 0): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (depth > 8 || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.every((v) => isJsonData(v, depth + 1));
  const proto = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && Object.values(value).every((v) => isJsonData(v, depth + 1));
}

/** True when `ctor` (or an ancestor) carries class-validator or `@ApiProperty` metadata that a schema is built from. */
export function hasSchemaMetadata(ctor: Function): boolean {
  let has = describedClasses.get(ctor);
  if (has === undefined) {
    has = getMetadataStorage().getTargetValidationMetadatas(ctor, '', true, false).length > 0 || apiPropertiesOf(ctor).size > 0;
    describedClasses.set(ctor, has);
  }
  return has;
}
// Asked once per class per document and serializer; class-validator's lookup scans every class's metadata.
const describedClasses = new WeakMap<Function, boolean>();

/** True when class-transformer's `@Exclude()` drops `property` of `ctor` in both directions. */
export function excludedProperty(ctor: Function, property: string): boolean {
  return bothWays(transformer.findExcludeMetadata(ctor, property)?.options);
}

/** True when a class-transformer option applies in both directions (no `toClassOnly` / `toPlainOnly`). */
function bothWays(options: DirectionOptions | undefined): boolean {
  return options !== undefined && options.toClassOnly !== true && options.toPlainOnly !== true;
}

/** TypeScript's emitted `design:type` for a property, looked up through the prototype chain. */
function designType(ctor: Function, property: string): unknown {
  return typeof Reflect.getMetadata === 'function' ? Reflect.getMetadata('design:type', ctor.prototype, property) : undefined;
}

/** Runs a `@Type(() => X)` thunk; a thunk that needs a real object to decide gets none and yields `undefined`. */
function callTypeFunction(meta: TypeMeta, property: string): unknown {
  try {
    return meta.typeFunction({ newObject: {}, object: {}, property });
  } catch {
    return undefined;
  }
}

/** Applies `@ApiProperty`: format override, nullability (as a 3.1 type array or `oneOf`), then annotations last. */
function annotate(input: JsonSchema, docs: ApiPropertyOptions): JsonSchema {
  let schema = { ...input };
  if (docs.format !== undefined) schema.format = docs.format;
  if (docs.nullable === true) schema = withNull(schema);
  const notes: JsonSchema = {
    title: docs.title,
    description: docs.description,
    deprecated: docs.deprecated,
    readOnly: docs.readOnly,
    writeOnly: docs.writeOnly,
    examples: docs.examples ?? (docs.example === undefined ? undefined : [docs.example]),
  };
  for (const key of ANNOTATIONS) if (notes[key] !== undefined) schema[key] = notes[key];
  return schema;
}

/** Lets `null` through: `type: [t, 'null']`, `oneOf: [{ $ref }, { type: 'null' }]`, and `null` in `enum`/`const`. */
function withNull(schema: JsonSchema): JsonSchema {
  const { $ref, ...rest } = schema;
  if (typeof $ref === 'string') return { oneOf: [{ $ref }, { type: 'null' }], ...rest };
  if (Array.isArray(rest.oneOf)) return { ...rest, oneOf: [...rest.oneOf, { type: 'null' }] };
  if (typeof rest.type === 'string') rest.type = [rest.type as JsonType, 'null'];
  if (Array.isArray(rest.enum) && !rest.enum.includes(null)) rest.enum = [...rest.enum, null];
  if ('const' in rest) {
    rest.enum = [rest.const, null];
    delete rest.const;
  }
  return rest;
}
