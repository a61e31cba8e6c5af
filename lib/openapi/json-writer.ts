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
import { numberText } from './number-text';
import type { JsonSchema } from './schema';

/** Turns a value into JSON text, or throws a TypeError when a value breaks its declared type. */
export type JsonWriter = (value: unknown) => string;

/** Keywords that describe or constrain a value without changing how it is written. */
const INERT = new Set([
  'title', 'description', 'deprecated', 'readOnly', 'writeOnly', 'examples', 'example', '$comment',
  'minLength', 'maxLength', 'pattern', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf',
  'minItems', 'maxItems', 'uniqueItems', 'contains', 'minContains', 'maxContains', 'enum', 'const', 'not',
  'required', 'minProperties', 'maxProperties', 'contentMediaType', 'contentEncoding', 'default',
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

  /**
   * Statements appending the JSON text of the local `v` (a plain identifier) under `schema` to the local `json`,
   * after `lead` (what goes before the value: a brace, comma and key). `lead(suffix)` is a JS expression of string
   * literals; a string value takes its opening quote in the same literal, so a clean string costs no allocation.
   * Every piece is appended to `json` itself: the text grows as one left-leaning rope of flat pieces, which the
   * `Buffer.byteLength` of the write path flattens in one pass without recursion.
   */
  function write(schema: JsonSchema, v: string, lead: Lead, where: string): string {
    const ref = refOf(schema);
    if (ref !== null) return `${append(lead(''))}json = ${definition(ref)}(${v}, json);`;
    checkKeywords(schema);
    const types = typesOf(schema);
    const branches: string[] = [];
    for (const type of types) {
      if (type === 'null') continue;
      const to = append(lead(''));
      if (type === 'integer') branches.push(`if (Number.isInteger(${v})) { ${to}json += num(${v}); }`);
      else if (type === 'number') branches.push(`if (typeof ${v} === 'number') { ${to}json += Number.isFinite(${v}) ? num(${v}) : 'null'; }`);
      else if (type === 'boolean') branches.push(`if (typeof ${v} === 'boolean') { ${to}json += ${v} ? 'true' : 'false'; }`);
      else if (type === 'string') branches.push(`if (typeof ${v} === 'string') { ${append(lead('"'))}json += str(${v}); json += '"'; }`);
      else if (type === 'array') branches.push(`if (Array.isArray(${v})) { ${to}json = ${arrayFunction(schema, where)}(${v}, json); }`);
      else if (type === 'object') branches.push(`if (typeof ${v} === 'object' && ${v} !== null && !Array.isArray(${v})) { ${to}json = ${objectFunction(schema, where)}(${v}, json); }`);
      else throw new Unsupported(`type ${String(type)}`);
    }
    // The slow path: null and undefined (an array hole) → null; Date, RegExp and objects with their own toString
    // where a string is declared (as fast-json-stringify writes them); anything else is a type error.
    const slow = `{ ${append(lead(''))}json += other(${v}, ${types.includes('string')}, ${JSON.stringify(`${where} (${types.join(' or ')})`)}); }`;
    return [...branches, slow].join(' else ');
  }

  /** The name of the function `(value, json) => json` writing the component `name`, generated on first use. */
  function definition(name: string): string {
    let fn = named.get(name);
    if (fn !== undefined) return fn;
    const schema = definitions[name];
    if (schema === undefined || schema === null || typeof schema !== 'object') throw new Unsupported(`$ref ${name}`);
    fn = `w${next++}`;
    named.set(name, fn);
    // A plain DTO component is its object function itself, which then checks that it got an object.
    if (refOf(schema) === null && typesOf(schema).join() === 'object') {
      checkKeywords(schema);
      objectFunction(schema, name, fn);
    } else functions.push(`function ${fn}(v, json) { ${write(schema, 'v', NO_LEAD, name)} return json; }`);
    return fn;
  }

  /**
   * The function `(object, json) => json` writing an object. `checked`: it is a component's own function (named
   * `checked`), called with any value, so it checks for an object itself; otherwise the caller already did.
   */
  function objectFunction(schema: JsonSchema, where: string, checked?: string): string {
    const properties = schema.properties as Record<string, JsonSchema> | undefined;
    if (properties === undefined || properties === null || typeof properties !== 'object') throw new Unsupported('object without properties');
    if (schema.additionalProperties !== undefined && schema.additionalProperties !== false) throw new Unsupported('additionalProperties');
    const fn = checked ?? `w${next++}`;
    const lines = [`function ${fn}(o, json) {`];
    if (checked !== undefined) lines.push(`  if (typeof o !== 'object' || o === null || Array.isArray(o)) return json + other(o, false, ${JSON.stringify(`${where} (object)`)});`);
    lines.push(`  if (typeof o.toJSON === 'function') o = o.toJSON();`, `  const start = json.length;`, `  let p;`);
    Object.entries(properties).forEach(([name, property], i) => {
      // The brace or comma before the key: the first declared property always opens the object; a later one opens
      // it when nothing was written yet.
      const key = JSON.stringify(name);
      const lead: Lead = i === 0 ? (q) => JSON.stringify(`{${key}:${q}`) : (q) => `(json.length === start ? ${JSON.stringify(`{${key}:${q}`)} : ${JSON.stringify(`,${key}:${q}`)})`;
      lines.push(`  p = o[${key}];`, `  if (p !== undefined) { ${write(property, 'p', lead, `${where}.${name}`)} }`);
    });
    lines.push(`  return json.length === start ? json + '{}' : json + '}';`, '}');
    functions.push(lines.join('\n'));
    return fn;
  }

  /** The function `(array, json) => json` writing an array. */
  function arrayFunction(schema: JsonSchema, where: string): string {
    const items = schema.items as JsonSchema | undefined;
    if (items === undefined || items === null || typeof items !== 'object' || Array.isArray(items)) throw new Unsupported('array items');
    const fn = `w${next++}`;
    functions.push([
      `function ${fn}(a, json) {`,
      `  const n = a.length;`,
      `  if (n === 0) return json + '[]';`,
      `  let x = a[0];`,
      `  ${write(items, 'x', (q) => JSON.stringify(`[${q}`), `${where}[]`)}`,
      `  for (let i = 1; i < n; i++) { x = a[i]; ${write(items, 'x', (q) => JSON.stringify(`,${q}`), `${where}[]`)} }`,
      `  return json + ']';`,
      '}',
    ].join('\n'));
    return fn;
  }

  try {
    const main = write(root, 'v', NO_LEAD, 'response');
    const source = `'use strict';\n${functions.join('\n')}\nreturn function writeJson(v) { let json = ''; ${main} return json; };`;
    return new Function('str', 'num', 'other', source)(escapeString, numberText, other) as JsonWriter;
  } catch (error) {
    if (error instanceof Unsupported) return null;
    throw error;
  }
}

/** What goes before a value, as a JS expression of string literals ending with `suffix` (an opening quote or nothing). */
type Lead = (suffix: string) => string;
const NO_LEAD: Lead = (suffix) => JSON.stringify(suffix);
/** The statement appending a lead, or nothing for an empty one. */
const append = (expression: string): string => (expression === '""' ? '' : `json += ${expression}; `);

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
 * The inside of a string's JSON text (without the quotes): the string itself when it needs no escape, which is
 * most strings. For short ones a character loop finds that faster than the regular expression (and than Node 20's
 * JSON.stringify of a string); for long ones the expression is faster.
 */
function escapeString(s: string): string {
  const n = s.length;
  if (n > 40) return ESCAPE.test(s) ? JSON.stringify(s).slice(1, -1) : s;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 32 || c === 34 || c === 92 || (c >= 0xd800 && c <= 0xdfff)) return JSON.stringify(s).slice(1, -1);
  }
  return s;
}

/** A string as JSON text, quotes included. */
const writeString = (s: string): string => `"${escapeString(s)}"`;

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
