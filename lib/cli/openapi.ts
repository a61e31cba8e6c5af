import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { OpenApiDocument } from '../openapi/types';
import { refreshTypesFor } from './build';
import { loadApp, type AppModuleOptions } from './load-app';

/** Options of `rivet openapi`. */
export interface OpenApiCommandOptions extends AppModuleOptions {
  /** The file to write; `-` or absent writes to standard output. */
  out?: string;
  /** JSON indentation in spaces (default 2; 0 writes one line). */
  indent?: number;
}

/** The document of the app module, read without listening. */
export async function loadDocument(options: OpenApiCommandOptions): Promise<OpenApiDocument> {
  if (options.types !== false) refreshTypesFor(resolve(options.cwd ?? process.cwd(), options.app));
  return (await loadApp(options, 'openapi')).openapi();
}

/** Runs `rivet openapi`: writes the document as JSON to `out`, or returns it for standard output. */
export async function runOpenApiCommand(options: OpenApiCommandOptions): Promise<string> {
  const doc = await loadDocument(options);
  const text = `${JSON.stringify(doc, null, options.indent ?? 2)}\n`;
  if (options.out !== undefined && options.out !== '-') writeFileSync(resolve(options.cwd ?? process.cwd(), options.out), text);
  return text;
}
