/**
 * Rivet's own compiled JSON writer for declared response types: one function per schema, generated at start-up, that
 * writes exactly the declared properties with the declared-type contract (lib/openapi/serializer.ts):
 *
 * - every value may be `null` (written as `null`) and every property may be missing (left out);
 * - a value of another type than declared is an error (the route answers 500), never a rewritten value;
 * - keywords that only constrain values (`minLength`, `pattern`, `enum`, `format`, …) do not change what is written.
 *
 * fast-json-stringify can express that contract only through type arrays (`['integer', 'null']`), and then checks
 * each value twice and tracks commas for every property; this writer checks once, inline, and costs fewer
 * instructions than Fastify's non-null, all-required schema for the same list. It does not need ajv, so nothing of
 * the compilation stays in memory but the generated functions. It covers the schemas the DTO metadata produces;
 * anything else (`additionalProperties`, composition that changes the shape, `format: date`, …) returns `null`
 * and the caller falls back to fast-json-stringify.
 */
import type { JsonSchema } from './schema';

/** Turns a value into JSON text, or throws a TypeError when a value breaks its declared type. */
export type JsonWriter = (value: unknown) => string;

/** Keywords that describe or constrain a value without changing how it is written. */
const INERT = new Set([
  'title', 'description', 'deprecated', 'readOnly', 'writeOnly', 'examples', 'example', '$comment',
  'minLength', 'maxLength', 'pattern', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf',
  'minItems', 'maxItems', 'uniqueItems', 'contains', 'minContains', 'maxContains', 'enum', 'const', 'not',
  'required', 'minProperties', 'maxProperties', 'contentMediaType', 'contentEncoding',
]);
/** `format`s whose values are written as they are (a Date as its ISO string); `date` and `time` cut a Date, so they fall back. */
const CUT_FORMATS = new Set(['date', 'time']);
/** Keywords the writer itself reads. */
const SHAPE = new Set(['type', 'properties', 'items', 'additionalProperties', 'format', '$ref', 'allOf', 'anyOf', 'oneOf']);
const REF = /^#\/(?:components\/schemas|definitions)\/([^/]+)$/;

/** Thrown while generating: the schema needs fast-json-stringify. */
class Unsupported extends Error {}

/**
 * Compiles `root` (with `$ref`s into `definitions`, as `#/components/schemas/Name` or `#/definitions/Name`) into a
 * writer, or returns `null` when the schema uses something this writer does not cover.
 */
export function compileJsonWriter(root: JsonSchema, definitions: Readonly<Record<string, JsonSchema>>): JsonWriter | null {
  const functions: string[] = [];
  const named = new Map<string, string>();
  let next = 0;

  /** A JS expression giving the JSON text of the local variable `v` (a plain identifier) under `schema`. */
  function expression(schema: JsonSchema, v: string, where: string): string {
    const ref = refOf(schema);
    if (ref !== null) return `${definition(ref)}(${v})`;
    checkKeywords(schema);
    const types = typesOf(schema);
    const branches: string[] = [];
    for (const type of types) {
      if (type === 'null') continue;
      if (type === 'integer') branches.push(`Number.isInteger(${v}) ? '' + ${v}`);
      else if (type === 'number') branches.push(`typeof ${v} === 'number' ? (Number.isFinite(${v}) ? '' + ${v} : 'null')`);
      else if (type === 'boolean') branches.push(`${v} === true ? 'true' : ${v} === false ? 'false'`);
      else if (type === 'string') branches.push(`typeof ${v} === 'string' ? str(${v})`);
      else if (type === 'array') branches.push(`Array.isArray(${v}) ? ${arrayFunction(schema, where)}(${v})`);
      else if (type === 'object') branches.push(`typeof ${v} === 'object' && ${v} !== null && !Array.isArray(${v}) ? ${objectFunction(schema, where)}(${v})`);
      else throw new Unsupported(`type ${String(type)}`);
    }
    // The slow path: null and undefined (an array hole) → null; Date, RegExp and objects with their own toString
    // where a string is declared (as fast-json-stringify writes them); anything else is a type error.
    const stringish = types.includes('string');
    return `(${[...branches, `other(${v}, ${stringish}, ${JSON.stringify(`${where} (${types.join(' or ')})`)})`].join(' : ')})`;
  }

  /** The name of the function writing the component `name`, generated on first use (recursive types included). */
  function definition(name: string): string {
    let fn = named.get(name);
    if (fn !== undefined) return fn;
    const schema = definitions[name];
    if (schema === undefined || schema === null || typeof schema !== 'object') throw new Unsupported(`$ref ${name}`);
    // A plain DTO component is its object function itself, which then checks that it got an object.
    if (refOf(schema) === null && typesOf(schema).join() === 'object') {
      checkKeywords(schema);
      fn = `w${next++}`;
      named.set(name, fn);
      objectFunction(schema, name, fn);
      return fn;
    }
    fn = `w${next++}`;
    named.set(name, fn);
    functions.push(`function ${fn}(v) { return ${expression(schema, 'v', name)}; }`);
    return fn;
  }

  /**
   * The function writing an object. `checked`: it is a component's own function (named `checked`), called with any
   * value, so it checks for an object itself; otherwise the caller's expression already did.
   */
  function objectFunction(schema: JsonSchema, where: string, checked?: string): string {
    const properties = schema.properties as Record<string, JsonSchema> | undefined;
    if (properties === undefined || properties === null || typeof properties !== 'object') throw new Unsupported('object without properties');
    if (schema.additionalProperties !== undefined && schema.additionalProperties !== false) throw new Unsupported('additionalProperties');
    const fn = checked ?? `w${next++}`;
    const lines = [`function ${fn}(o) {`];
    if (checked !== undefined) lines.push(`  if (typeof o !== 'object' || o === null || Array.isArray(o)) return other(o, false, ${JSON.stringify(`${where} (object)`)});`);
    lines.push(`  if (typeof o.toJSON === 'function') o = o.toJSON();`, `  let json = '', p;`);
    Object.entries(properties).forEach(([name, property], i) => {
      // The brace or comma before the key: the first declared property always opens the object; a later one opens
      // it when nothing was written yet.
      const open = JSON.stringify(`{${JSON.stringify(name)}:`);
      const prefix = i === 0 ? open : `(json.length === 0 ? ${open} : ${JSON.stringify(`,${JSON.stringify(name)}:`)})`;
      lines.push(`  p = o[${JSON.stringify(name)}];`, `  if (p !== undefined) json += ${prefix} + ${expression(property, 'p', `${where}.${name}`)};`);
    });
    lines.push(`  return json.length === 0 ? '{}' : json + '}';`, '}');
    functions.push(lines.join('\n'));
    return fn;
  }

  function arrayFunction(schema: JsonSchema, where: string): string {
    const items = schema.items as JsonSchema | undefined;
    if (items === undefined || items === null || typeof items !== 'object' || Array.isArray(items)) throw new Unsupported('array items');
    const fn = `w${next++}`;
    const item = expression(items, 'x', `${where}[]`);
    functions.push([
      `function ${fn}(a) {`,
      `  const n = a.length;`,
      `  if (n === 0) return '[]';`,
      `  let x = a[0], json = '[' + ${item};`,
      `  for (let i = 1; i < n; i++) { x = a[i]; json += ',' + ${item}; }`,
      `  return json + ']';`,
      '}',
    ].join('\n'));
    return fn;
  }

  try {
    const main = expression(root, 'v', 'response');
    const source = `'use strict';\n${functions.join('\n')}\nreturn function writeJson(v) { return ${main}; };`;
    return new Function('str', 'other', source)(writeString, other) as JsonWriter;
  } catch (error) {
    if (error instanceof Unsupported) return null;
    throw error;
  }
}

/** The component a `$ref` (or the nullable `oneOf`/`anyOf: [{ $ref }, { type: 'null' }]` form) points at. */
function refOf(schema: JsonSchema): string | null {
  if (typeof schema.$ref === 'string') {
    const match = REF.exec(schema.$ref);
    if (match === null) throw new Unsupported(schema.$ref);
    if (Object.keys(schema).some((k) => k !== '$ref' && !INERT.has(k))) throw new Unsupported('$ref with siblings');
    return decodeURIComponent(match[1]).replace(/~1/g, '/').replace(/~0/g, '~');
  }
  for (const key of ['oneOf', 'anyOf'] as const) {
    const list = schema[key];
    if (!Array.isArray(list) || list.length !== 2) continue;
    const [a, b] = list as JsonSchema[];
    const isNull = (s: JsonSchema): boolean => s !== null && typeof s === 'object' && s.type === 'null' && Object.keys(s).length === 1;
    const inner = isNull(b) ? a : isNull(a) ? b : null;
    if (inner !== null && typeof inner === 'object' && typeof inner.$ref === 'string' && Object.keys(schema).every((k) => k === key || INERT.has(k))) return refOf(inner);
  }
  return null;
}

/** Fails on any keyword that changes what would be written and that the generator does not handle. */
function checkKeywords(schema: JsonSchema): void {
  for (const [key, value] of Object.entries(schema)) {
    if (INERT.has(key)) continue;
    if (!SHAPE.has(key) || key === '$ref') throw new Unsupported(key);
    if (key === 'format' && CUT_FORMATS.has(value as string)) throw new Unsupported(`format ${String(value)}`);
    // Composition is fine only when every branch merely constrains (two patterns, ipv4 or ipv6).
    if ((key === 'allOf' || key === 'anyOf' || key === 'oneOf') && !(Array.isArray(value) && value.every(onlyConstrains))) throw new Unsupported(key);
  }
}

const onlyConstrains = (s: unknown): boolean =>
  s !== null && typeof s === 'object' && Object.entries(s).every(([k, v]) => INERT.has(k) || (k === 'format' && !CUT_FORMATS.has(v as string)));

/** The declared JSON types; an object schema may leave `type` out. */
function typesOf(schema: JsonSchema): string[] {
  const { type } = schema;
  if (typeof type === 'string') return [type];
  if (Array.isArray(type) && type.length > 0 && type.every((t) => typeof t === 'string')) return type as string[];
  if (type === undefined && schema.properties !== undefined) return ['object'];
  throw new Unsupported('no type');
}

// Characters JSON must escape, and lone surrogates (escaped by JSON.stringify as \udXXX).
const ESCAPE = /[\u0000-\u001f"\\\ud800-\udfff]/;

/**
 * A string as JSON. Most strings need no escape; for short ones a character loop finds that faster than the
 * regular expression (and Node 20's JSON.stringify of a string), for long ones the expression is faster.
 */
function writeString(s: string): string {
  const n = s.length;
  if (n > 40) return ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 32 || c === 34 || c === 92 || (c >= 0xd800 && c <= 0xdfff)) return JSON.stringify(s);
  }
  return `"${s}"`;
}

/** The values off the fast path: null, array holes, string-like objects where a string is declared, or a type error. */
function other(v: unknown, stringish: boolean, where: string): string {
  if (v === null || v === undefined) return 'null';
  if (stringish && typeof v === 'object') {
    if (v instanceof Date) return `"${v.toISOString()}"`;
    if (v instanceof RegExp) return writeString(v.source);
    if (typeof v.toString === 'function' && v.toString !== Object.prototype.toString) return writeString(String(v));
  }
  throw new TypeError(`${where}: got ${Array.isArray(v) ? 'array' : typeof v}, which the declared response type does not allow`);
}
