import { RivetError } from '../errors/rivet-error';
import { validateHealthChecks, type HealthCheckRef } from './health-checks';

/** A pino level name. */
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const LEVELS: readonly string[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** `createApp({ logger })`: structured JSON logs with pino, one access-log line per request. */
export interface LoggerOptions {
  /** Minimum level; `LOG_LEVEL` in the environment wins over it. Default `'info'`. */
  level?: LogLevel;
  /** Human-readable lines via pino-pretty (install it). Default: on when `NODE_ENV=development` and pino-pretty is installed. */
  pretty?: boolean;
  /** Where lines go (anything with `write(line)`); default standard output. */
  destination?: { write(line: string): unknown };
  /** Paths pino replaces with `[Redacted]`, e.g. `['user.password']`. */
  redact?: string[];
}

/** `createApp({ requestId })`: an id per request, echoed in a response header, the logs and problem bodies. */
export interface RequestIdOptions {
  /** The request and response header. Default `'X-Request-ID'`. */
  header?: string;
  /** Makes an id when the client sent none (or an invalid one). Default: `crypto.randomUUID()`. */
  generate?: () => string;
}

/** `createApp({ timeouts })`, in milliseconds; `0` or `false` turns one off. */
export interface TimeoutOptions {
  /** Time to receive the request headers (node `server.headersTimeout`) → 408. Default 10 000. */
  headers?: number | false;
  /** Time to receive the whole request, body included (node `server.requestTimeout`) → 408. Default 30 000. */
  request?: number | false;
  /** Time for a handler to start its response → 503, and `ctx.signal` aborts. Default 30 000; `@Timeout(ms)` per route. */
  handler?: number | false;
}

/** `createApp({ shutdown })`: drain on signals. `app.close()` drains the same way without it. */
export interface ShutdownOptions {
  /** Signals that start the drain; the process exits once it is done. Default `['SIGTERM', 'SIGINT']`. */
  signals?: NodeJS.Signals[];
  /** Longest wait for in-flight requests and background tasks, in ms; then connections are cut. Default 10 000. */
  deadline?: number;
}

/** `createApp({ health })`: liveness and readiness probes. */
export interface HealthOptions {
  /** Readiness checks by name: functions, classes with `check()` (resolved through DI) or objects with `check()`. */
  checks?: Record<string, HealthCheckRef>;
  /** Liveness path. Default `'/health'`; `false` serves none. */
  path?: string | false;
  /** Readiness path. Default `'/ready'`; `false` serves none. */
  readyPath?: string | false;
  /** How long one check may take before it counts as down, in ms. Default 1 000. */
  timeout?: number;
}

/** `createApp({ metrics })`: Prometheus metrics with prom-client. */
export interface MetricsOptions {
  /** Where the text exposition is served. Default `'/metrics'`. */
  path?: string;
  /** Buckets of the request duration histogram, in seconds. */
  buckets?: number[];
  /** Adds prom-client's process metrics (CPU, memory, event loop, GC). Default true. */
  processMetrics?: boolean;
}

/** The runtime keys of `createApp` options. */
export interface RuntimeOptions {
  /** Structured JSON logs (pino) with an access-log line per request. Off unless given; `LOG_LEVEL` sets the level. */
  logger?: LoggerOptions | boolean;
  /** An id per request (`X-Request-ID`, taken from the client when valid), echoed, logged and in problem bodies. */
  requestId?: RequestIdOptions | boolean;
  /** Header and request timeouts against slow clients (408) and the handler timeout (503, `ctx.signal` aborts). */
  timeouts?: TimeoutOptions | boolean;
  /** Drains on SIGTERM/SIGINT, then exits. `app.close()` drains the same way without it. */
  shutdown?: ShutdownOptions | boolean;
  /** Liveness (`/health`) and readiness (`/ready`) probes with user checks. */
  health?: HealthOptions | boolean;
  /** Prometheus metrics at `/metrics` (prom-client). */
  metrics?: MetricsOptions | boolean;
}

export interface NormalizedLogger {
  readonly level: LogLevel;
  readonly pretty: boolean;
  /** Whether `pretty` was asked for explicitly (then a missing pino-pretty is an error, not a fallback). */
  readonly prettyExplicit: boolean;
  readonly destination: { write(line: string): unknown } | undefined;
  readonly redact: readonly string[];
}

/** Runtime options after defaults; `null` means off. */
export interface NormalizedRuntime {
  readonly logger: NormalizedLogger | null;
  readonly requestId: { readonly header: string; readonly generate: (() => string) | null } | null;
  readonly timeouts: { readonly headers: number; readonly request: number; readonly handler: number } | null;
  readonly shutdown: { readonly signals: readonly NodeJS.Signals[]; readonly deadline: number } | null;
  /** The drain deadline used by `app.close()` too. */
  readonly deadline: number;
  readonly health: { readonly checks: Record<string, HealthCheckRef>; readonly path: string | null; readonly readyPath: string | null; readonly timeout: number } | null;
  readonly metrics: { readonly path: string; readonly buckets: readonly number[]; readonly processMetrics: boolean } | null;
}

const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Validates the runtime options once, at start-up; every mistake is a RivetError naming the option and the fix. */
export function normalizeRuntimeOptions(options: RuntimeOptions, env: NodeJS.ProcessEnv = process.env): NormalizedRuntime {
  const shutdown = section(options.shutdown, 'shutdown');
  const deadline = ms(shutdown?.deadline, 'shutdown.deadline', 10_000, false);
  return {
    logger: normalizeLogger(options.logger, env),
    requestId: normalizeRequestId(options.requestId),
    timeouts: normalizeTimeouts(options.timeouts),
    shutdown: shutdown === null ? null : { signals: normalizeSignals(shutdown.signals), deadline },
    deadline,
    health: normalizeHealth(options.health),
    metrics: normalizeMetrics(options.metrics),
  };
}

function section<T extends object>(value: T | boolean | undefined, key: string): T | null {
  if (value === undefined || value === false) return null;
  if (value === true) return {} as T;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new RivetError('RIVET_OPTIONS_INVALID', `${key} is ${JSON.stringify(value)}.\n  Fix: pass true for the defaults, an options object, or false.`);
  }
  return value;
}

function ms(value: unknown, key: string, fallback: number, allowOff: boolean): number {
  if (value === undefined) return fallback;
  if (allowOff && (value === false || value === 0)) return 0;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new RivetError('RIVET_OPTIONS_INVALID', `${key} is ${JSON.stringify(value)}.\n  Fix: give a whole number of milliseconds greater than 0${allowOff ? ', or false to turn it off' : ''}.`);
  }
  return value;
}

function normalizeLogger(value: LoggerOptions | boolean | undefined, env: NodeJS.ProcessEnv): NormalizedLogger | null {
  const o = section(value, 'logger');
  if (o === null) return null;
  const fromEnv = env.LOG_LEVEL !== undefined && env.LOG_LEVEL !== '' ? env.LOG_LEVEL.toLowerCase() : undefined;
  const level = fromEnv ?? o.level ?? 'info';
  if (!LEVELS.includes(level)) {
    const where = fromEnv !== undefined ? `LOG_LEVEL=${env.LOG_LEVEL}` : `logger.level is ${JSON.stringify(o.level)}`;
    throw new RivetError('RIVET_LOGGER_LEVEL_INVALID', `${where}: not a log level.\n  Fix: use one of ${LEVELS.join(', ')}.`);
  }
  if (o.destination !== undefined && typeof o.destination?.write !== 'function') {
    throw new RivetError('RIVET_OPTIONS_INVALID', 'logger.destination has no write(line) method.\n  Fix: pass a writable stream, e.g. process.stdout or a file stream.');
  }
  return {
    level: level as LogLevel,
    pretty: o.pretty ?? env.NODE_ENV === 'development',
    prettyExplicit: o.pretty === true,
    destination: o.destination,
    redact: o.redact ?? [],
  };
}

function normalizeRequestId(value: RequestIdOptions | boolean | undefined): NormalizedRuntime['requestId'] {
  const o = section(value, 'requestId');
  if (o === null) return null;
  const header = o.header ?? 'X-Request-ID';
  if (typeof header !== 'string' || !HEADER_NAME.test(header)) {
    throw new RivetError('RIVET_OPTIONS_INVALID', `requestId.header is ${JSON.stringify(header)}, not a header name.\n  Fix: use a token such as 'X-Request-ID' or 'X-Correlation-ID'.`);
  }
  if (o.generate !== undefined && typeof o.generate !== 'function') {
    throw new RivetError('RIVET_OPTIONS_INVALID', 'requestId.generate is not a function.\n  Fix: pass () => string, or leave it out for random UUIDs.');
  }
  return { header: header.toLowerCase(), generate: o.generate ?? null };
}

function normalizeTimeouts(value: TimeoutOptions | boolean | undefined): NormalizedRuntime['timeouts'] {
  const o = section(value, 'timeouts');
  if (o === null) return null;
  const headers = ms(o.headers, 'timeouts.headers', 10_000, true);
  const request = ms(o.request, 'timeouts.request', 30_000, true);
  if (headers > 0 && request > 0 && headers > request) {
    throw new RivetError('RIVET_OPTIONS_INVALID', `timeouts.headers (${headers} ms) is longer than timeouts.request (${request} ms); the headers are part of the request.\n  Fix: make timeouts.headers at most timeouts.request.`);
  }
  return { headers, request, handler: ms(o.handler, 'timeouts.handler', 30_000, true) };
}

function normalizeSignals(signals: unknown): NodeJS.Signals[] {
  if (signals === undefined) return ['SIGTERM', 'SIGINT'];
  if (!Array.isArray(signals) || signals.some((s) => typeof s !== 'string' || !/^SIG[A-Z0-9]+$/.test(s))) {
    throw new RivetError('RIVET_OPTIONS_INVALID', `shutdown.signals is ${JSON.stringify(signals)}.\n  Fix: list signal names, e.g. ['SIGTERM', 'SIGINT'].`);
  }
  return signals as NodeJS.Signals[];
}

function path(value: unknown, key: string, fallback: string, allowOff: boolean): string | null {
  if (value === undefined) return fallback;
  if (allowOff && value === false) return null;
  if (typeof value !== 'string' || !value.startsWith('/') || /[?#\s:*]/.test(value)) {
    throw new RivetError('RIVET_OPTIONS_INVALID', `${key} is ${JSON.stringify(value)}.\n  Fix: give a fixed path starting with '/', e.g. '${fallback}'${allowOff ? ', or false' : ''}.`);
  }
  return value;
}

function normalizeHealth(value: HealthOptions | boolean | undefined): NormalizedRuntime['health'] {
  const o = section(value, 'health');
  if (o === null) return null;
  const checks = o.checks ?? {};
  validateHealthChecks(checks);
  return {
    checks,
    path: path(o.path, 'health.path', '/health', true),
    readyPath: path(o.readyPath, 'health.readyPath', '/ready', true),
    timeout: ms(o.timeout, 'health.timeout', 1_000, false),
  };
}

function normalizeMetrics(value: MetricsOptions | boolean | undefined): NormalizedRuntime['metrics'] {
  const o = section(value, 'metrics');
  if (o === null) return null;
  const buckets = o.buckets ?? DEFAULT_BUCKETS;
  if (!Array.isArray(buckets) || buckets.length === 0 || buckets.some((b, i) => typeof b !== 'number' || !(b > 0) || (i > 0 && b <= buckets[i - 1]))) {
    throw new RivetError('RIVET_OPTIONS_INVALID', `metrics.buckets is ${JSON.stringify(buckets)}.\n  Fix: give increasing positive numbers of seconds, e.g. [0.01, 0.1, 1].`);
  }
  return { path: path(o.path, 'metrics.path', '/metrics', false)!, buckets, processMetrics: o.processMetrics ?? true };
}
