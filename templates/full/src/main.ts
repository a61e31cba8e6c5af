import { RivetError, startupBanner } from 'rivetjs';
import { AppConfig } from './config.js';
import { buildApp } from './app.js';

async function main(): Promise<void> {
  const app = await buildApp();
  const config = app.container.resolve(AppConfig);
  const { url } = await app.listen({ port: config.PORT, host: config.HOST });
  // The URL, the docs URLs and, in development (rivet dev), the route table.
  console.log(startupBanner(app, url, { name: '__APP_NAME__' }));
}

main().catch((err: unknown) => {
  // Rivet's start-up errors (a port in use, a mistake in a controller) say what to do: the message is enough.
  console.error(err instanceof RivetError ? err.message : err);
  process.exit(1);
});
