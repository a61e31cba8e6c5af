import { RivetError } from '../errors/rivet-error';

/** One segment of a route template. */
export type Segment =
  | { readonly kind: 'static'; readonly value: string }
  | { readonly kind: 'param'; readonly name: string }
  | { readonly kind: 'wildcard'; readonly name: string };

const PARAM_NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Joins a controller prefix and a route path into one template: one leading slash, no doubled or trailing slash. */
export function joinPath(prefix: string, path: string): string {
  const joined = `/${prefix}/${path}`.replace(/\/{2,}/g, '/');
  return joined.length > 1 && joined.endsWith('/') ? joined.slice(0, -1) : joined;
}

/**
 * Parses `/users/:id/files/*path` into segments. `:name` is a parameter (one segment), a final `*` or
 * `*name` captures the rest of the path (named `*` when unnamed). Static segments are percent-decoded,
 * since requests are matched on decoded segments.
 */
export function parseTemplate(template: string, where: string): Segment[] {
  const parts = template === '/' ? [] : template.slice(1).split('/');
  const seen = new Set<string>();
  return parts.map((part, i): Segment => {
    if (part.startsWith(':')) {
      const name = part.slice(1);
      if (!PARAM_NAME.test(name) || name === '__proto__') {
        throw invalid(where, template, `parameter "${part}" is not a valid name (letters, digits, _ and $; not starting with a digit)`);
      }
      if (seen.has(name)) throw invalid(where, template, `parameter ":${name}" appears twice`);
      seen.add(name);
      return { kind: 'param', name };
    }
    if (part.startsWith('*')) {
      if (i !== parts.length - 1) throw invalid(where, template, 'a wildcard "*" may only be the last segment');
      const name = part.length === 1 ? '*' : part.slice(1);
      if (name !== '*' && !PARAM_NAME.test(name)) throw invalid(where, template, `wildcard "${part}" is not a valid name`);
      if (seen.has(name)) throw invalid(where, template, `wildcard "${part}" reuses the name of parameter ":${name}"`);
      return { kind: 'wildcard', name };
    }
    if (part.includes(':') || part.includes('*')) {
      throw invalid(where, template, `segment "${part}" mixes text with ":" or "*"; parameters and wildcards take a whole segment`);
    }
    try {
      return { kind: 'static', value: decodeURIComponent(part) };
    } catch {
      throw invalid(where, template, `segment "${part}" has a malformed percent-encoding`);
    }
  });
}

/** The template with parameters in OpenAPI form: `/users/{id}`. */
export function toOpenApiPath(segments: readonly Segment[]): string {
  if (segments.length === 0) return '/';
  return segments.map((s) => (s.kind === 'static' ? `/${s.value}` : `/{${s.name}}`)).join('');
}

function invalid(where: string, template: string, why: string): RivetError {
  return new RivetError('RIVET_ROUTE_TEMPLATE_INVALID', `${where} route "${template}": ${why}.\n  Fix: use segments like "/users/:id" or a final "/*".`);
}
