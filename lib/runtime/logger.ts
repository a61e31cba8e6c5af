import { Writable } from 'node:stream';
import type { InjectionToken } from 'tsyringe';
import type { Logger as PinoLogger } from 'pino';

// Loaded on first use, so apps that never log do not pay its start-up time and memory.
const pino: typeof import('pino').pino = ((...args: Parameters<typeof import('pino').pino>) => (require('pino') as typeof import('pino')).pino(...args)) as typeof import('pino').pino;
import { RivetError } from '../errors/rivet-error';
import type { NormalizedLogger } from './options';

/** The logger type: a pino logger. */
export type Logger = PinoLogger;

/**
 * DI token of the logger. A singleton gets the app logger; a request-scoped class gets the request's logger
 * (bound to its id). Without `logger` in the options it is a silent logger, so code may log unconditionally.
 * @example constructor(@inject(Logger) private readonly log: Logger) {}
 */
export const Logger: InjectionToken<Logger> = Symbol('rivet.Logger');

/** The app logger for the normalized `logger` option; `null` (off) gives a silent logger. */
export function createLogger(options: NormalizedLogger | null): Logger {
  if (options === null) return pino({ enabled: false });
  const config = {
    level: options.level,
    redact: options.redact.length === 0 ? undefined : [...options.redact],
  };
  if (options.pretty) {
    const stream = prettyStream(options.prettyExplicit, options.destination);
    if (stream !== null) return pino(config, stream);
  }
  const logger = options.destination === undefined ? pino(config) : pino(config, options.destination as NodeJS.WritableStream);
  // Development without pino-pretty: JSON still works, and one line says how to read it better.
  if (options.pretty) logger.warn(PRETTY_ADVICE);
  return logger;
}

/** Logged once when development asks for readable logs and pino-pretty is not installed. */
export const PRETTY_ADVICE = 'pino-pretty is not installed, so logs are JSON; for readable logs in development run: npm install --save-dev pino-pretty';

function prettyStream(explicit: boolean, destination: { write(line: string): unknown } | undefined): NodeJS.WritableStream | null {
  let factory: (options: object) => NodeJS.WritableStream;
  try {
    // Optional peer dependency: only loaded when asked for, never bundled into production installs.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    factory = require('pino-pretty') as typeof factory;
  } catch (err) {
    if (!explicit) return null;
    throw new RivetError('RIVET_LOGGER_PRETTY_MISSING', 'logger.pretty is true but pino-pretty is not installed.\n  Fix: npm install --save-dev pino-pretty, or set logger.pretty to false.', { cause: err });
  }
  // Synchronous, in this thread: no worker transport to start or to flush at exit.
  // pino-pretty pipes into a real stream; a bare `{ write }` destination is adapted.
  const target = destination === undefined || typeof (destination as Partial<Writable>).on === 'function'
    ? destination as NodeJS.WritableStream | undefined
    : new Writable({ write(chunk: Buffer, _encoding, done) { destination.write(chunk.toString()); done(); } });
  return factory({ sync: true, colorize: destination === undefined && process.stdout.isTTY === true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', destination: target });
}
