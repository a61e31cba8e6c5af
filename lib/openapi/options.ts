import { RivetError } from '../errors/rivet-error';
import type { ContactObject, ExternalDocsObject, LicenseObject, ServerObject, TagGroupObject, TagObject } from './types';

/** The error statuses Rivet documents by itself, from what each route does. */
export type AutoErrorStatus = 400 | 401 | 403 | 404 | 406 | 413 | 415 | 422 | 429;

/** `createApp({ openapi })`: the document's top-level fields and where it is served. */
export interface OpenApiOptions {
  /** `info.title` (default `'API'`). */
  title?: string;
  /** `info.version`: the version of your API, not of Rivet (default `'1.0.0'`). */
  version?: string;
  summary?: string;
  /** Markdown shown at the top of Swagger UI and ReDoc. */
  description?: string;
  termsOfService?: string;
  contact?: ContactObject;
  license?: LicenseObject;
  servers?: ServerObject[];
  /** Tag descriptions and order; tags used by routes but not listed here are appended. */
  tags?: TagObject[];
  /** Groups of tags for ReDoc's navigation (`x-tagGroups`). */
  tagGroups?: TagGroupObject[];
  externalDocs?: ExternalDocsObject;
  /** Where the JSON document is served (default `'/openapi.json'`); `false` serves it nowhere (then `docs` must be off). */
  path?: string | false;
  /**
   * The error responses Rivet adds from what routes do (422 where input is validated, 401/403 where guards run,
   * 404 where the path has parameters, 400/413/415 where a body is read, 429 where a rate limit applies, 406 where
   * `serializers` offer several formats). `false` adds none; an object turns
   * single statuses off, e.g. `{ 404: false }`. Default `true`.
   */
  errorResponses?: boolean | { [S in AutoErrorStatus]?: boolean };
}

/** `createApp({ docs })`: the documentation pages. A path set to `false` turns that page off. */
export interface DocsOptions {
  /** Swagger UI (default `'/docs'`). */
  swagger?: string | false;
  /** ReDoc (default `'/redoc'`; needs the `redoc` package, and is skipped without it unless set explicitly). */
  redoc?: string | false;
}

export interface NormalizedOpenApi {
  readonly title: string;
  readonly version: string;
  readonly options: OpenApiOptions;
  readonly path: string | null;
  readonly errorStatuses: ReadonlySet<AutoErrorStatus>;
}

export interface NormalizedDocs {
  readonly swagger: string | null;
  readonly redoc: string | null;
  /** Whether `redoc` was asked for explicitly (then a missing package is an error, not a skip). */
  readonly redocExplicit: boolean;
}

const AUTO_STATUSES: readonly AutoErrorStatus[] = [400, 401, 403, 404, 406, 413, 415, 422, 429];

/** Checks `openapi` and `docs` once at start-up. The document is served only when `openapi` is given. */
export function normalizeOpenApiOptions(
  openapi: OpenApiOptions | boolean | undefined, docs: DocsOptions | boolean | undefined,
): { openapi: NormalizedOpenApi | null; docs: NormalizedDocs | null } {
  if (openapi === undefined || openapi === false) {
    if (docs !== undefined && docs !== false) {
      throw invalid('docs is set but openapi is off, so there is no document to show.\n  Fix: add openapi: { title, version }, or remove docs.');
    }
    return { openapi: null, docs: null };
  }
  const o: OpenApiOptions = openapi === true ? {} : openapi;
  if (o === null || typeof o !== 'object') throw invalid(`openapi is ${String(o)}.\n  Fix: pass true or an object such as { title: 'Users', version: '1.0.0' }.`);
  for (const key of ['title', 'version', 'summary', 'description', 'termsOfService'] as const) {
    if (o[key] !== undefined && typeof o[key] !== 'string') throw invalid(`openapi.${key} is ${String(o[key])}.\n  Fix: give a string.`);
  }
  const path = o.path === false ? null : checkPath(o.path ?? '/openapi.json', 'openapi.path');
  const errors = o.errorResponses ?? true;
  const errorStatuses = new Set(AUTO_STATUSES.filter((s) => errors === true || (typeof errors === 'object' && errors[s] !== false)));

  let normalizedDocs: NormalizedDocs | null = null;
  if (docs !== false) {
    const d: DocsOptions = docs === undefined || docs === true ? {} : docs;
    const swagger = d.swagger === false ? null : checkPath(d.swagger ?? '/docs', 'docs.swagger');
    const redoc = d.redoc === false ? null : checkPath(d.redoc ?? '/redoc', 'docs.redoc');
    if (swagger !== null || redoc !== null) {
      if (path === null) throw invalid('docs needs the JSON document, but openapi.path is false.\n  Fix: give openapi.path a path, or set docs: false.');
      const taken = [path, swagger, redoc].filter((p) => p !== null);
      if (new Set(taken).size !== taken.length) throw invalid(`openapi.path, docs.swagger and docs.redoc must differ; got ${taken.join(', ')}.\n  Fix: give each its own path.`);
      normalizedDocs = { swagger, redoc, redocExplicit: typeof d.redoc === 'string' };
    }
  }
  return {
    openapi: { title: o.title ?? 'API', version: o.version ?? '1.0.0', options: o, path, errorStatuses },
    docs: normalizedDocs,
  };
}

function checkPath(path: unknown, key: string): string {
  if (typeof path !== 'string' || !path.startsWith('/') || /[?#:*\s]/.test(path) || path.length < 2) {
    throw invalid(`${key} is ${JSON.stringify(path)}.\n  Fix: give an absolute path without parameters, e.g. "/docs", or false to turn it off.`);
  }
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

function invalid(message: string): RivetError {
  return new RivetError('RIVET_OPTIONS_INVALID', message);
}
