import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadApp } from './load-app';
import type { OpenApiCommandOptions } from './openapi';

/** The DI token of the app's AsyncAPI document builder (lib/asyncapi/feature.ts): a symbol shared by every copy of Rivet. */
const ASYNCAPI_DOCUMENT = Symbol.for('rivet.AsyncApiDocument');

/** Runs `rivet asyncapi`: the AsyncAPI 3.0 document of the app module's gateways and SSE routes, read without listening. */
export async function runAsyncApiCommand(options: OpenApiCommandOptions): Promise<string> {
  const app = await loadApp(options, 'asyncapi');
  if (!app.container.isRegistered(ASYNCAPI_DOCUMENT, true)) {
    throw new Error(`rivet asyncapi: the app of ${options.app} was built by a Rivet without AsyncAPI support.\n  Fix: update rivetjs in the app's project.`);
  }
  const doc = app.container.resolve<() => unknown>(ASYNCAPI_DOCUMENT)();
  const text = `${JSON.stringify(doc, null, options.indent ?? 2)}\n`;
  if (options.out !== undefined && options.out !== '-') writeFileSync(resolve(options.cwd ?? process.cwd(), options.out), text);
  return text;
}
