import 'reflect-metadata';
import { buildApp } from './app';
import { AppConfig } from './config';

async function main(): Promise<void> {
  const app = await buildApp();
  const config = app.container.resolve(AppConfig);
  const { url } = await app.listen({ port: config.PORT, host: config.HOST, ...(config.WORKERS > 1 ? { workers: config.WORKERS } : {}) });

  console.log(`Rivet sample app listening on ${url}`);
  console.log(`Swagger UI: ${url}/docs  ReDoc: ${url}/redoc  OpenAPI: ${url}/openapi.json`);
  console.log('Writes need a token (POST /auth/signup or /auth/login, then Authorization: Bearer <token>) or the API key in X-API-Key.');
  if (config.API_KEY === 'dev-key') console.log('The API key is dev-key: set API_KEY to change it.');
  if (process.env.JWT_SECRET === undefined) console.log('JWT_SECRET is not set: tokens are signed with a random secret and end at restart.');
  if (process.env.JWT_SECRET === undefined && config.WORKERS > 1) console.log('With WORKERS > 1 each worker has its own random secret: set JWT_SECRET so that tokens work on all of them.');

  // Finish in-flight requests, then let the process end by itself. `once`: a second Ctrl-C kills at once.
  const shutdown = (signal: NodeJS.Signals): void => {
    console.log(`${signal} received, closing`);
    app.close().then(
      () => console.log('Closed'),
      (err: unknown) => {
        console.error(err);
        process.exitCode = 1;
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
