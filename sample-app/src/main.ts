import 'reflect-metadata';
import { buildApp } from './app';
import { AppConfig } from './config';

async function main(): Promise<void> {
  const app = buildApp();
  const port = process.env.PORT !== undefined && process.env.PORT !== '' ? Number(process.env.PORT) : 3000;
  const host = process.env.HOST !== undefined && process.env.HOST !== '' ? process.env.HOST : '127.0.0.1';
  const { url } = await app.listen({ port, host });

  console.log(`Rivet sample app listening on ${url}`);
  console.log(`Swagger UI: ${url}/docs  ReDoc: ${url}/redoc  OpenAPI: ${url}/openapi.json`);
  if (new AppConfig().apiKey === 'dev-key') console.log('Writes need the header X-API-Key: dev-key (set API_KEY to change it).');

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
