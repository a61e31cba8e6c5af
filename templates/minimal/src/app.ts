import 'reflect-metadata';
import { createApp, loadConfig, type App } from 'rivetjs';
import { AppConfig } from './config.js';

/** Builds the app without listening: main.ts listens, tests call app.inject() or listen on port 0. */
export function buildApp(env?: Record<string, string | undefined>): App {
  const config = loadConfig(AppConfig, { env });
  return createApp({
    // Every *.controller file under this directory (src/ under ts tools, dist/ once built) is mounted.
    controllers: './**/*.controller.{ts,js}',
    providers: [{ provide: AppConfig, useValue: config }],
    // One line per request, and every unexpected error with its stack (readable under `rivet dev`, JSON otherwise).
    logger: { level: config.LOG_LEVEL },
    requestId: true,
    openapi: { title: '__APP_NAME__', version: '0.1.0' },
    // Secure defaults: nosniff, frame options, referrer policy, CSP, COOP/CORP (HSTS when served over TLS).
    securityHeaders: true,
  });
}
