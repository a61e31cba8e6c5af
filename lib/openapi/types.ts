/**
 * The parts of the OpenAPI 3.1.0 document model that Rivet writes. Property names follow the specification
 * (https://spec.openapis.org/oas/v3.1.0); open-ended places (`x-…` extensions, schemas) stay loose.
 */
import type { JsonSchema } from './schema-rules';

export interface ContactObject { name?: string; url?: string; email?: string }
export interface LicenseObject { name: string; identifier?: string; url?: string }
export interface ExternalDocsObject { url: string; description?: string }
export interface ServerObject {
  url: string;
  description?: string;
  variables?: Record<string, { default: string; enum?: string[]; description?: string }>;
}
export interface TagObject { name: string; description?: string; externalDocs?: ExternalDocsObject }
/** One `x-tagGroups` entry (ReDoc's navigation groups). */
export interface TagGroupObject { name: string; tags: string[] }

export interface InfoObject {
  title: string;
  version: string;
  summary?: string;
  description?: string;
  termsOfService?: string;
  contact?: ContactObject;
  license?: LicenseObject;
}

/** A security scheme (`components.securitySchemes`): HTTP auth, an API key, OAuth 2, OpenID Connect or mutual TLS. */
export type SecuritySchemeObject =
  | { type: 'http'; scheme: string; bearerFormat?: string; description?: string }
  | { type: 'apiKey'; name: string; in: 'header' | 'query' | 'cookie'; description?: string }
  | { type: 'oauth2'; flows: Record<string, unknown>; description?: string }
  | { type: 'openIdConnect'; openIdConnectUrl: string; description?: string }
  | { type: 'mutualTLS'; description?: string };

export type SecurityRequirementObject = Record<string, string[]>;

export interface ReferenceObject { $ref: string }

export interface ParameterObject {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  description?: string;
  required?: boolean;
  deprecated?: boolean;
  schema: JsonSchema;
}

export interface MediaTypeObject { schema?: JsonSchema; example?: unknown }

export interface RequestBodyObject {
  description?: string;
  required?: boolean;
  content: Record<string, MediaTypeObject>;
}

export interface HeaderObject { description?: string; schema: JsonSchema }

export interface ResponseObject {
  description: string;
  headers?: Record<string, HeaderObject>;
  content?: Record<string, MediaTypeObject>;
}

export interface OperationObject {
  operationId: string;
  summary?: string;
  description?: string;
  tags?: string[];
  deprecated?: boolean;
  parameters?: ParameterObject[];
  requestBody?: RequestBodyObject;
  responses: Record<string, ResponseObject | ReferenceObject>;
  security?: SecurityRequirementObject[];
}

export type HttpVerb = 'get' | 'put' | 'post' | 'delete' | 'options' | 'head' | 'patch' | 'trace';
export type PathItemObject = Partial<Record<HttpVerb, OperationObject>>;

export interface ComponentsObject {
  schemas?: Record<string, JsonSchema>;
  responses?: Record<string, ResponseObject>;
  securitySchemes?: Record<string, SecuritySchemeObject>;
}

/** An OpenAPI 3.1.0 document, as `app.openapi()` returns it (deeply frozen). */
export interface OpenApiDocument {
  openapi: '3.1.0';
  info: InfoObject;
  servers?: ServerObject[];
  tags?: TagObject[];
  'x-tagGroups'?: TagGroupObject[];
  externalDocs?: ExternalDocsObject;
  paths: Record<string, PathItemObject>;
  components: ComponentsObject;
}
