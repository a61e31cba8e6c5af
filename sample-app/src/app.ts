// First: decorators record their metadata through Reflect.metadata, which this polyfill provides.
import 'reflect-metadata';
import { createApp, type App } from 'rivet';
import { AuthorsController } from './authors/authors.controller';
import { BooksController } from './books/books.controller';
import { AppConfig } from './config';
import { HealthController } from './health/health.controller';

/** What `buildApp` lets a caller (main.ts, a test) change. */
export interface BuildOptions {
  /** The API key writes require; defaults to `API_KEY` from the environment, else `dev-key`. */
  apiKey?: string;
  /** Adds error messages and stacks to 500 answers. Never in production. */
  debug?: boolean;
}

/**
 * Builds the bookshelf app without listening, so tests can `listen({ port: 0 })` or `inject()` it.
 * Each call gets its own DI container, so each app has its own repositories (and its own data).
 */
export function buildApp(options: BuildOptions = {}): App {
  return createApp({
    controllers: [HealthController, BooksController, AuthorsController],
    // Replace a service for this app only: here the config, when the caller chose the key.
    providers: options.apiKey === undefined ? [] : [{ provide: AppConfig, useValue: { apiKey: options.apiKey } satisfies AppConfig }],
    debug: options.debug,
    // The OpenAPI 3.1 document at /openapi.json, Swagger UI at /docs and ReDoc at /redoc, all from the decorators above.
    openapi: {
      title: 'Bookshelf',
      version: '1.0.0',
      description: 'The Rivet sample app: books and authors on a generic CRUD controller.',
      tags: [{ name: 'books', description: 'Books on the shelf' }, { name: 'authors', description: 'Who wrote them' }],
    },
  });
}
