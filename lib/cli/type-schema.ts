/**
 * TypeScript types → JSON Schema (the OpenAPI 3.1 dialect), for `rivet types`. Runs at build time on the compiler's
 * type checker, never in the app. Named types (classes, interfaces, aliases, generic instantiations such as
 * `Paginated<Book>`) become components; what JSON cannot carry (functions, symbols, private members) is left out,
 * as `JSON.stringify` would leave it out.
 */
import type * as TS from 'typescript';
import type { InferredResponse } from '../openapi/return-types';
import type { JsonSchema } from '../openapi/schema-rules';

/** Where a class is exported from, so the generated module can import it. */
export interface ClassSource {
  readonly file: string;
  readonly exportName: string;
}

/** Names of the types that stream or write their own answer: their responses are not inferred. */
const STREAMS = new Set(['Readable', 'ReadStream', 'Stream', 'StreamResponse', 'EventStream', 'Duplex', 'PassThrough', 'Transform', 'AsyncIterable', 'AsyncIterableIterator', 'AsyncGenerator']);
const BINARY = new Set(['Buffer', 'Uint8Array', 'ArrayBuffer']);
/** Types whose JSON form their TypeScript type does not tell: documented as any value. */
// JSON.stringify writes a Map or a Set as `{}`: their TypeScript element types say nothing about that.
const OPAQUE = new Set(['Map', 'ReadonlyMap', 'Set', 'ReadonlySet', 'WeakMap', 'WeakSet', 'Object', 'Function', 'RegExp', 'Error']);
// Deep enough for any real response; an anonymous recursive type (no name to $ref) stops here as `{}`.
const MAX_DEPTH = 24;

/** Converts types met in one program; the components and classes it collects are shared by every response. */
export class TypeSchemaConverter {
  readonly components: Record<string, JsonSchema> = {};
  readonly classes: Record<string, ClassSource> = {};
  readonly #names = new Map<TS.Type, string>();

  constructor(
    private readonly ts: typeof TS,
    private readonly checker: TS.TypeChecker,
    /** The class's import, when it is exported from a source file of the project. */
    private readonly exportOf: (declaration: TS.ClassDeclaration) => ClassSource | undefined,
  ) {}

  /** What a handler answers, from its declared or inferred return type; `'stream'` for a stream; `undefined` when that cannot be told (`any`). */
  response(returnType: TS.Type): InferredResponse | 'stream' | undefined {
    const { ts } = this;
    const awaited = this.checker.getAwaitedType(returnType) ?? returnType;
    const members = (awaited.isUnion() ? awaited.types : [awaited])
      .filter((t) => !(t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Void | ts.TypeFlags.Never)));
    if (members.length === 0) return { kind: 'void' };
    if (members.some((t) => this.#isStream(t))) return 'stream';
    if (members.some((t) => t.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown))) return undefined;
    // The whole type when nothing was filtered out, so that a named union (`Paginated<Book>`, an enum) keeps its name.
    const all = awaited.isUnion() ? awaited.types.length : 1;
    const schemaOf = (): JsonSchema => (members.length === all ? this.schema(awaited) : this.#union(members, 0));
    if (members.every((t) => t.flags & ts.TypeFlags.StringLike)) {
      const schema = schemaOf();
      return schema.type === 'string' && Object.keys(schema).length === 1 ? { kind: 'text' } : { kind: 'text', schema };
    }
    if (members.every((t) => BINARY.has(this.#nameOf(t) ?? ''))) return { kind: 'binary' };
    // A string alongside data would be sent as text/plain or JSON by value: one media type cannot describe it.
    if (members.some((t) => t.flags & ts.TypeFlags.StringLike || BINARY.has(this.#nameOf(t) ?? ''))) return undefined;
    return { kind: 'json', schema: schemaOf() };
  }

  /** The schema of one type. */
  schema(type: TS.Type, depth = 0): JsonSchema {
    const { ts } = this;
    const f = type.flags;
    if (depth > MAX_DEPTH || f & (ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.ESSymbolLike | ts.TypeFlags.BigIntLike)) return {};
    if (f & ts.TypeFlags.Null) return { type: 'null' };
    if (type.isStringLiteral()) return { type: 'string', const: type.value };
    if (type.isNumberLiteral()) return { type: 'number', const: type.value };
    if (f & ts.TypeFlags.BooleanLiteral) return { type: 'boolean', const: (type as { intrinsicName?: string }).intrinsicName === 'true' };
    if (f & ts.TypeFlags.StringLike) return { type: 'string' };
    if (f & ts.TypeFlags.NumberLike) return { type: 'number' };
    if (f & ts.TypeFlags.BooleanLike) return { type: 'boolean' };
    if (type.isUnion()) return this.#named(type, depth, () => this.#union(type.types, depth));
    const name = this.#nameOf(type);
    if (name === 'Date') return { type: 'string', format: 'date-time' };
    if (this.checker.isArrayType(type) || this.checker.isTupleType(type)) {
      const args = this.checker.getTypeArguments(type as TS.TypeReference);
      if (this.checker.isTupleType(type)) return { type: 'array', prefixItems: args.map((a) => this.schema(a, depth + 1)), minItems: args.length, maxItems: args.length };
      return { type: 'array', items: args.length === 0 ? {} : this.schema(args[0], depth + 1) };
    }
    if (name !== undefined && (BINARY.has(name) || OPAQUE.has(name))) return {};
    // An object with its own toJSON is written as what toJSON returns (JSON.stringify's rule).
    const toJson = this.checker.getPropertyOfType(type, 'toJSON');
    if (toJson !== undefined) {
      const signature = this.checker.getTypeOfSymbol(toJson).getCallSignatures()[0];
      if (signature !== undefined) return this.schema(signature.getReturnType(), depth + 1);
    }
    if (type.getCallSignatures().length > 0 && type.getProperties().length === 0) return {};
    if (f & ts.TypeFlags.Object || type.isIntersection()) {
      const isAnonymous = (type.symbol === undefined || type.symbol.name === '__type' || type.symbol.name === '__object') && type.aliasSymbol === undefined;
      // `{}` says nothing about the value (any non-null value is assignable): an empty object schema would make the
      // serializer drop every property.
      if (isAnonymous && type.getProperties().length === 0 && this.checker.getIndexInfosOfType(type).length === 0) return {};
      return isAnonymous ? this.#object(type, depth) : this.#named(type, depth, () => this.#object(type, depth));
    }
    return {};
  }

  /** A union: literals folded into `enum`, primitives into a type array, the rest into `anyOf`; `null` joins either. */
  #union(types: readonly TS.Type[], depth: number): JsonSchema {
    const { ts } = this;
    const parts = types.filter((t) => !(t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Void | ts.TypeFlags.Never)));
    const schemas = parts.map((t) => this.schema(t, depth + 1));
    const hasNull = schemas.some((s) => s.type === 'null');
    const rest = schemas.filter((s) => s.type !== 'null');
    // `boolean` is the union `true | false`.
    const consts = rest.filter((s) => 'const' in s).map((s) => s.const);
    if (consts.includes(true) && consts.includes(false)) {
      const others = rest.filter((s) => s.const !== true && s.const !== false);
      return this.#union0([...others, { type: 'boolean' }], hasNull);
    }
    return this.#union0(rest, hasNull);
  }

  #union0(rest: JsonSchema[], hasNull: boolean): JsonSchema {
    if (rest.length > 0 && rest.every((s) => 'const' in s && Object.keys(s).length === 2)) {
      // Literals of one union (an enum, 'open' | 'closed') → one `enum`, typed so that tools need not guess.
      const types = [...new Set(rest.map((s) => s.type as string)), ...(hasNull ? ['null'] : [])];
      return { type: types.length === 1 ? types[0] : types, enum: [...rest.map((s) => s.const), ...(hasNull ? [null] : [])] };
    }
    const primitive = (s: JsonSchema) => typeof s.type === 'string' && Object.keys(s).length === 1 && s.type !== 'array' && s.type !== 'object';
    if (rest.length > 0 && rest.every(primitive)) {
      const types = [...new Set(rest.map((s) => s.type as string)), ...(hasNull ? ['null'] : [])];
      return { type: types.length === 1 ? types[0] : types };
    }
    const all = hasNull ? [...rest, { type: 'null' }] : rest;
    if (all.length === 1) return all[0];
    if (rest.length === 1 && typeof rest[0].type === 'string' && rest[0].$ref === undefined) {
      return { ...rest[0], type: [rest[0].type, 'null'] };
    }
    return { anyOf: all };
  }

  /** A named type's `$ref`, its component built on first use (the name is held first, so recursion stops). */
  #named(type: TS.Type, depth: number, build: () => JsonSchema): JsonSchema {
    let name = this.#names.get(type);
    if (name === undefined) {
      const base = this.#componentName(type);
      if (base === undefined) return build();
      name = base;
      for (let n = 2; Object.hasOwn(this.components, name); n++) name = `${base}${n}`;
      this.#names.set(type, name);
      this.components[name] = {};
      const declaration = type.aliasSymbol === undefined ? type.symbol?.valueDeclaration : undefined;
      if (declaration !== undefined && this.ts.isClassDeclaration(declaration) && this.#typeArguments(type).length === 0) {
        const source = this.exportOf(declaration);
        if (source !== undefined) this.classes[name] = source;
      }
      this.components[name] = build();
    }
    void depth;
    return { $ref: `#/components/schemas/${name}` };
  }

  /** `Paginated<Book>` → `PaginatedBook`, `Page<Book[]>` → `PageBookList`; `undefined` for a type with no name. */
  #componentName(type: TS.Type): string | undefined {
    const symbol = type.aliasSymbol ?? type.symbol;
    if (symbol === undefined || symbol.name.startsWith('__')) return undefined;
    const args = type.aliasSymbol !== undefined ? type.aliasTypeArguments ?? [] : this.#typeArguments(type);
    return symbol.name + args.map((a) => this.#argName(a)).join('');
  }

  #typeArguments(type: TS.Type): readonly TS.Type[] {
    return type.flags & this.ts.TypeFlags.Object && (type as TS.ObjectType).objectFlags & this.ts.ObjectFlags.Reference
      ? this.checker.getTypeArguments(type as TS.TypeReference) : [];
  }

  #argName(type: TS.Type): string {
    if (this.checker.isArrayType(type)) return `${this.#argName(this.checker.getTypeArguments(type as TS.TypeReference)[0])}List`;
    const text = this.#componentName(type) ?? this.checker.typeToString(type);
    return text.replace(/[^A-Za-z0-9]/g, '').replace(/^./, (c) => c.toUpperCase()) || 'Item';
  }

  /** The properties JSON carries: public, non-function, non-symbol; `?` or `| undefined` makes one optional. */
  #object(type: TS.Type, depth: number): JsonSchema {
    const { ts } = this;
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const property of this.checker.getPropertiesOfType(type)) {
      const name = property.name;
      if (name.startsWith('#') || name.startsWith('__')) continue;
      // JSON.stringify writes own enumerable data only: methods and prototype accessors stay behind.
      if (property.flags & (ts.SymbolFlags.Method | ts.SymbolFlags.Accessor)) continue;
      const modifiers = property.declarations?.flatMap((d) => ts.canHaveModifiers(d) ? ts.getModifiers(d) ?? [] : []) ?? [];
      if (modifiers.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword || m.kind === ts.SyntaxKind.StaticKeyword)) continue;
      if (property.declarations?.some((d) => (ts.isPropertyDeclaration(d) || ts.isMethodDeclaration(d)) && ts.isPrivateIdentifier(d.name))) continue;
      const propertyType = this.checker.getTypeOfSymbol(property);
      if (propertyType.getCallSignatures().length > 0 && propertyType.getProperties().every((p) => p.name === 'prototype')) continue;
      const schema = this.schema(this.#withoutUndefined(propertyType), depth + 1);
      const description = ts.displayPartsToString(property.getDocumentationComment(this.checker)).trim();
      properties[name] = description === '' || schema.$ref !== undefined ? schema : { ...schema, description };
      const optional = (property.flags & ts.SymbolFlags.Optional) !== 0 || (propertyType.isUnion() && propertyType.types.some((t) => t.flags & ts.TypeFlags.Undefined));
      if (!optional) required.push(name);
    }
    const out: JsonSchema = { type: 'object', properties };
    if (required.length > 0) out.required = required;
    const index = this.checker.getIndexInfosOfType(type).find((i) => i.keyType.flags & ts.TypeFlags.String);
    if (index !== undefined) out.additionalProperties = this.schema(index.type, depth + 1);
    return out;
  }

  #withoutUndefined(type: TS.Type): TS.Type {
    if (!type.isUnion()) return type;
    const kept = type.types.filter((t) => !(t.flags & this.ts.TypeFlags.Undefined));
    return kept.length === type.types.length ? type : kept.length === 1 ? kept[0] : type;
  }

  #nameOf(type: TS.Type): string | undefined {
    return type.symbol?.name;
  }

  #isStream(type: TS.Type): boolean {
    // An unresolved import is `any` but keeps its written name: a stream type whose package is not installed yet.
    const name = this.#nameOf(type) ?? (type.flags & this.ts.TypeFlags.Any ? this.checker.typeToString(type) : undefined);
    if (name !== undefined && STREAMS.has(name)) return true;
    // Anything that pipes or iterates asynchronously is streamed by the writer (pipeline/stream.ts), not serialized.
    return this.checker.getPropertyOfType(type, 'pipe') !== undefined
      || type.getProperties().some((p) => p.name === '__@asyncIterator' || p.name.startsWith('__@asyncIterator@'));
  }
}
