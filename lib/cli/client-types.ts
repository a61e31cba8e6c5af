/** JSON Schema (OpenAPI 3.1 dialect) → TypeScript type text, for the generated client. */

type Schema = Record<string, unknown>;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A property key as TypeScript source: bare when it is an identifier, else a JSON string (never raw text). */
export const propertyKey = (name: string): string => (IDENTIFIER.test(name) ? name : JSON.stringify(name));

// Names the client's own code declares: a component schema with one of them is emitted as `<Name>Schema`.
const RESERVED = new Set(['Problem', 'ValidationIssue', 'ApiError', 'ClientOptions', 'RequestOptions', 'Client', 'RequestBody', 'createClient', 'createCall']);

/** A schema name as a TypeScript identifier: invalid characters become '_', a leading digit gets '_'. */
export function typeName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9_$]/g, '_');
  const id = /^[0-9]/.test(cleaned) ? `_${cleaned}` : cleaned;
  return RESERVED.has(id) ? `${id}Schema` : id;
}

/** Text safe inside a block comment. */
export const commentText = (text: string): string => text.replace(/\*\//g, '*\\/').replace(/\r?\n/g, ' ');

const REF = '#/components/schemas/';

/** The TypeScript type of a schema; `$ref`s to components become their type names. */
export function tsType(schema: unknown, indent = ''): string {
  if (schema === true || schema === undefined || schema === null || typeof schema !== 'object') return 'unknown';
  const s = schema as Schema;
  if (typeof s.$ref === 'string') return s.$ref.startsWith(REF) ? typeName(s.$ref.slice(REF.length)) : 'unknown';
  if ('const' in s) return literal(s.const);
  if (Array.isArray(s.enum)) return s.enum.map(literal).join(' | ') || 'never';
  if (Array.isArray(s.oneOf)) return union(s.oneOf, indent);
  if (Array.isArray(s.anyOf)) return union(s.anyOf, indent);
  if (Array.isArray(s.allOf)) return s.allOf.map((x) => wrap(tsType(x, indent))).join(' & ') || 'unknown';
  if (Array.isArray(s.type)) return s.type.map((t) => tsType({ ...s, type: t }, indent)).join(' | ');
  switch (s.type) {
    case 'string': return 'string';
    case 'number':
    case 'integer': return 'number';
    case 'boolean': return 'boolean';
    case 'null': return 'null';
    case 'array': return `${wrap(tsType(s.items, indent))}[]`;
    case 'object': return objectType(s, indent);
    default: return s.properties !== undefined ? objectType(s, indent) : 'unknown';
  }
}

function objectType(s: Schema, indent: string): string {
  const props = (s.properties ?? {}) as Record<string, unknown>;
  const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
  const inner = `${indent}  `;
  const lines = Object.entries(props).map(([name, p]) => {
    const doc = typeof (p as Schema)?.description === 'string' ? `${inner}/** ${commentText((p as Schema).description as string)} */\n` : '';
    return `${doc}${inner}${propertyKey(name)}${required.has(name) ? '' : '?'}: ${tsType(p, inner)};`;
  });
  const extra = s.additionalProperties;
  if (extra !== undefined && extra !== false) lines.push(`${inner}[key: string]: ${extra === true ? 'unknown' : `${tsType(extra, inner)} | undefined`};`);
  if (lines.length === 0) return extra === false ? 'Record<string, never>' : 'Record<string, unknown>';
  return `{\n${lines.join('\n')}\n${indent}}`;
}

const union = (list: unknown[], indent: string): string => list.map((x) => wrap(tsType(x, indent))).join(' | ') || 'unknown';
const wrap = (t: string): string => (/[|&]/.test(t) && !t.startsWith('{') ? `(${t})` : t);
const literal = (v: unknown): string => (v === null ? 'null' : typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? JSON.stringify(v) : 'unknown');
