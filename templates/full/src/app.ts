import 'reflect-metadata';
import { createApp, loadConfig, type App } from 'rivetjs';
import { UsersService } from './auth/users.service.js';
import { AppConfig } from './config.js';
import { Database } from './db/database.js';

/**
 * Builds the app without listening: main.ts listens, tests call app.inject() or listen on port 0.
 * `env` replaces process.env (tests pass their own); .env is read either way.
 */
export async function buildApp(env?: Record<string, string | undefined>): Promise<App> {
  const config = loadConfig(AppConfig, { env });
  const db = await Database.open(config.DATABASE_FILE);
  const app = createApp({
    // Every *.controller file under this directory (src/ under ts tools, dist/ once built) is mounted.
    controllers: './**/*.controller.{ts,js}',
    providers: [{ provide: AppConfig, useValue: config }, { provide: Database, useValue: db }],
    openapi: { title: '__APP_NAME__', version: '0.1.0' },
    logger: { level: config.LOG_LEVEL },
    requestId: true,
    securityHeaders: true,
    health: { checks: { database: () => db.ping() } },
    metrics: true,
    shutdown: true,
  });
  if (config.ADMIN_EMAIL !== undefined && config.ADMIN_PASSWORD !== undefined) {
    const users = app.container.resolve(UsersService);
    if ((await users.verify(config.ADMIN_EMAIL, config.ADMIN_PASSWORD)) === undefined) {
      await users.create(config.ADMIN_EMAIL, config.ADMIN_PASSWORD, 'admin').catch(() => undefined);   // taken: keep the existing account
    }
  }
  return app;
}
