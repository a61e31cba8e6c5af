// First: decorators record their metadata through Reflect.metadata, which this polyfill provides.
import 'reflect-metadata';
import { createApp, loadConfig, RedisPubSub, type App } from 'rivetjs';
import { UsersRepository } from './auth/users.repository';
import { AppConfig } from './config';
import { openBookshelf } from './db/database';
import { seed } from './db/seed';

/** What `buildApp` lets a caller (main.ts, a test) change. */
export interface BuildOptions {
  /** The API key writes require; defaults to `API_KEY` from `.env` or the environment, else `dev-key`. */
  apiKey?: string;
  /** The database URL; defaults to `DATABASE_URL`, else the SQLite file `data/bookshelf.sqlite`. Tests pass `':memory:'` or `postgres://…`. */
  database?: string;
  /** Adds error messages and stacks to 500 answers. Never in production. */
  debug?: boolean;
  /** Settings for this app only (tests); they win over `.env` and `process.env`. */
  env?: Record<string, string>;
}

/**
 * Builds the bookshelf app without listening, so tests can `listen({ port: 0 })` or `inject()` it.
 * Async only because opening (and migrating, and seeding) the database is; `createApp` itself is synchronous.
 * Each call gets its own DI container, so each app has its own repositories on its own database.
 */
export async function buildApp(options: BuildOptions = {}): Promise<App> {
  // Settings from .env and the environment, validated: a bad PORT or an empty API_KEY stops start-up here.
  const config = loadConfig(AppConfig, { env: { ...process.env, ...options.env, ...(options.apiKey === undefined ? {} : { API_KEY: options.apiKey }) } });
  const database = await openBookshelf(options.database ?? config.DATABASE_URL);
  await seed(database);
  const app = createApp({
    // Every *.controller file next to this one (src/ under ts-jest, dist/ once built) is mounted, whatever the cwd.
    controllers: './**/*.controller.{ts,js}',
    // Injected by type wherever a constructor asks for them.
    // The database is injected as `Database` (rivetjs/drizzle); its plugin answers constraint violations as problems
    // (a taken email is a 409 at body.email) and closes the pool when the app closes.
    providers: [{ provide: AppConfig, useValue: config }, ...database.providers],
    plugins: [database.plugin],
    debug: options.debug,
    // GET /health (liveness) and GET /ready (readiness: the database answers), GET /metrics for Prometheus.
    health: { checks: { database } },
    metrics: true,
    // With REDIS_URL, the live review feed goes through Redis, so that it spans every worker and instance.
    pubsub: config.REDIS_URL === undefined ? undefined : new RedisPubSub({ url: config.REDIS_URL, prefix: 'bookshelf:' }),
    // nosniff, frame-ancestors, a strict CSP and the rest of the helmet set on every answer.
    securityHeaders: true,
    // The OpenAPI 3.1 document at /openapi.json, Swagger UI at /docs and ReDoc at /redoc, all from the decorators.
    openapi: {
      title: 'Bookshelf',
      version: '1.0.0',
      description: 'The Rivet sample app: books, authors and reviews on a generic CRUD controller, stored in SQLite or PostgreSQL, with a live feed of new reviews (GET /reviews/live). '
        + 'Reading is open. Writing needs a signed-in user (POST /auth/login, then Authorization: Bearer <token>) '
        + 'or, for scripts, the API key in X-API-Key. Deleting needs the admin role.',
      tags: [
        { name: 'books', description: 'Books on the shelf' },
        { name: 'authors', description: 'Who wrote them' },
        { name: 'reviews', description: 'What readers think, with a live feed' },
        { name: 'auth', description: 'Accounts and tokens' },
      ],
    },
  });
  if (config.ADMIN_EMAIL !== undefined && config.ADMIN_PASSWORD !== undefined) {
    await app.container.resolve(UsersRepository).ensureAdmin(config.ADMIN_EMAIL, config.ADMIN_PASSWORD);
  }
  return app;
}
