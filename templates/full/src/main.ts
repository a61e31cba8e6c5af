import { AppConfig } from './config.js';
import { buildApp } from './app.js';

async function main(): Promise<void> {
  const app = await buildApp();
  const config = app.container.resolve(AppConfig);
  const { url } = await app.listen({ port: config.PORT, host: config.HOST });
  console.log(`__APP_NAME__ listening on ${url} (API docs at ${url}/docs)`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
