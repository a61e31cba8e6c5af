import 'reflect-metadata';
import { createApp, loadConfig, type App } from 'rivetjs';
import { AppConfig } from './config.js';
import { openAppDatabase } from './db/database.js';
import { ensureAdmin } from './db/seed.js';

/**
 * Builds the app without listening: main.ts listens, tests call app.inject() or listen on port 0.
 * `env` replaces process.env (tests pass their own); .env is read either way.
 */
export async function buildApp(env?: Record<string, string | undefined>): Promise<App> {
  const config = loadConfig(AppConfig, { env });
  const database = await openAppDatabase(config.DATABASE_URL);
  const app = createApp({
    // Every *.controller file under this directory (src/ under ts tools, dist/ once built) is mounted.
    controllers: './**/*.controller.{ts,js}',
    // `Database` (rivetjs/drizzle) is injected into the services; its plugin answers constraint violations as problems
    // (a taken email: 409 naming the field) and closes the database when the app closes.
    providers: [{ provide: AppConfig, useValue: config }, ...database.providers],
    plugins: [database.plugin],
    openapi: { title: '__APP_NAME__', version: '0.1.0' },
    logger: { level: config.LOG_LEVEL },
    requestId: true,
    securityHeaders: true,
    health: { checks: { database } },
    metrics: true,
    shutdown: true,
  });
  await ensureAdmin(database, config);   // from ADMIN_EMAIL/ADMIN_PASSWORD, when set; idempotent
  return app;
}
