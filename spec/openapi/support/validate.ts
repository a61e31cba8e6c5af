import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

/** What @seriousme/openapi-schema-validator reports. */
export interface ValidationResult {
  valid: boolean;
  errors?: unknown;
}

// The validator is ESM-only and jest runs CommonJS, so it runs in a child node process that reads the document on stdin.
const SCRIPT = `
import { Validator } from '@seriousme/openapi-schema-validator';
let text = '';
process.stdin.setEncoding('utf8').on('data', (c) => { text += c; }).on('end', async () => {
  const validator = new Validator();
  const result = await validator.validate(JSON.parse(text));
  process.stdout.write(JSON.stringify({ valid: result.valid, errors: result.errors, version: validator.version }));
});`;

/** Validates an OpenAPI document against the official JSON Schema of its version. */
export function validateOpenApi(doc: unknown): ValidationResult & { version: string } {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', SCRIPT], {
    input: JSON.stringify(doc),
    cwd: resolve(__dirname, '../../..'),
    encoding: 'utf8',
  });
  return JSON.parse(out) as ValidationResult & { version: string };
}

/** Every `$ref` in `doc` that does not point at an existing place inside `doc`. */
export function unresolvedRefs(doc: unknown): string[] {
  const missing: string[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if (k === '$ref' && typeof v === 'string') {
          if (!resolvePointer(doc, v)) missing.push(v);
        } else visit(v);
      }
    }
  };
  visit(doc);
  return missing;
}

function resolvePointer(doc: unknown, ref: string): boolean {
  if (!ref.startsWith('#/')) return false;
  let node: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return false;
    node = (node as Record<string, unknown>)[key];
  }
  return true;
}

/** Every property key anywhere in `value` (to prove that a keyword such as `nullable` never appears). */
export function allKeys(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => allKeys(v, into));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      into.add(k);
      allKeys(v, into);
    }
  }
  return into;
}

/** Every operation of a document, with its path and verb. */
export function operations(doc: { paths: Record<string, Record<string, unknown>> }): { path: string; verb: string; op: Record<string, any> }[] {
  return Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([verb, op]) => ({ path, verb, op: op as Record<string, any> })));
}
