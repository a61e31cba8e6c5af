import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { DependencyContainer } from 'tsyringe';
import { UnavailableError } from './unavailable';
import { sendError, type ErrorPolicy } from '../errors/problem';
import { REQUEST_RUNTIME, type RequestRuntime } from '../pipeline/context';
import type { Plugin, PluginHost } from '../pipeline/plugin';
import type { BeforeRoute } from '../router/dispatch';
import { listenWithWorkers } from './cluster';
import type { Logger } from './logger';
import type { NormalizedRuntime } from './options';

/** A service hook run at shutdown, in reverse order of creation, after requests and background tasks are done. */
export interface OnShutdown {
  onShutdown(): void | Promise<void>;
}

type HttpSocket = Socket & { _httpMessage?: ServerResponse | null };

/**
 * The app's life after start-up: background tasks, the drain on `close()` (and on signals with `shutdown`),
 * service shutdown hooks and cluster workers. Always present, and free per request: it acts on the server
 * (once) and at close, never on the request path.
 */
export class Lifecycle implements RequestRuntime {
  readonly #logger: () => Logger;
  /** The app logger (created on first use). */
  get logger(): Logger {
    return this.#logger();
  }
  readonly bindRequestId: boolean;
  /** True from the first moment of `close()`: readiness answers 503 and new requests are refused. */
  draining = false;
  /** The other features' request hook, run on refused requests too (request id, access log, metrics). */
  refusedHook: BeforeRoute | null = null;
  readonly #tasks = new Set<Promise<unknown>>();
  readonly #services: OnShutdown[] = [];
  readonly #options: NormalizedRuntime;
  readonly #errors: ErrorPolicy;
  #server: Server | null = null;
  #sockets: Set<HttpSocket> | null = null;
  #deadlineAt = 0;
  #deadlineTimer: NodeJS.Timeout | null = null;
  #signalHandler: ((signal: NodeJS.Signals) => void) | null = null;
  #host: PluginHost | null = null;
  #exiting = false;
  #stopWorkers: (() => Promise<void>) | null = null;

  constructor(options: NormalizedRuntime, logger: () => Logger, container: DependencyContainer, errors: ErrorPolicy) {
    this.#options = options;
    this.#errors = errors;
    this.#logger = logger;
    this.bindRequestId = options.requestId !== null;
    collectShutdownHooks(container, this.#services);
  }

  track(task: Promise<unknown>): void {
    this.#tasks.add(task);
    const forget = (): void => { this.#tasks.delete(task); };
    task.then(forget, forget);
  }

  /** The signals that start a drain: `shutdown.signals`, else SIGTERM and SIGINT (cluster). */
  get signals(): readonly NodeJS.Signals[] {
    return this.#options.shutdown?.signals ?? ['SIGTERM', 'SIGINT'];
  }

  /** The drain deadline in ms. */
  get deadline(): number {
    return this.#options.deadline;
  }

  /** Closes the app (the full drain) and exits the process: 0 when the drain went well, else 1. Idempotent. */
  drainAndExit(reason: string): void {
    // A repeated signal (or one sent to the whole process group, as Ctrl-C does) joins the drain already running.
    if (this.#exiting || this.#host === null) return;
    this.#exiting = true;
    this.logger.info({ reason }, 'shutting down');
    this.#host.close().then(() => process.exit(0), (err: unknown) => {
      this.logger.error({ err }, 'shutdown failed');
      process.exit(1);
    });
  }

  /** In a cluster primary: how `close()` stops the workers. */
  onWorkersStop(stop: () => Promise<void>): void {
    this.#stopWorkers = stop;
  }

  /** Background tasks not settled yet. */
  get pendingTasks(): number {
    return this.#tasks.size;
  }

  /** The plugin that plugs the lifecycle into the app. */
  plugin(): Plugin {
    return {
      name: 'lifecycle',
      attach: (host) => this.#attach(host),
      beforeClose: () => this.#beginDrain(),
      onClose: () => this.#finish(),
      listen: (options, listen) => (options.workers === undefined ? listen(options) : listenWithWorkers(options, listen, this)),
    };
  }

  #attach(host: PluginHost): void {
    const server = host.server;
    this.#host = host;
    this.#server = server;
    (server as Server & { [REQUEST_RUNTIME]?: RequestRuntime })[REQUEST_RUNTIME] = this;
    // Per connection, not per request: the drain must reach sockets whose response is still being prepared.
    const sockets = (this.#sockets = new Set());
    server.on('connection', (socket: HttpSocket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });
    const shutdown = this.#options.shutdown;
    if (shutdown !== null) {
      const handler = (signal: NodeJS.Signals): void => this.drainAndExit(signal);
      this.#signalHandler = handler;
      for (const signal of shutdown.signals) process.on(signal, handler);
    }
  }

  #beginDrain(): void {
    if (this.draining) return;
    this.draining = true;
    this.#deadlineAt = Date.now() + this.#options.deadline;
    const server = this.#server;
    if (server === null) return;
    // New requests, including those on kept-alive connections, get 503 + Connection: close from now on. Swapping the
    // listener rather than testing a flag per request keeps the request path free of shutdown checks.
    server.removeAllListeners('request');
    server.on('request', (req: IncomingMessage, res: ServerResponse) => this.#refuse(req, res));
    // Responses still being prepared close their connection when done, so no client reuses a socket being shut.
    for (const socket of this.#sockets ?? []) {
      const res = socket._httpMessage;
      if (res !== null && res !== undefined && !res.headersSent) res.setHeader('connection', 'close');
    }
    if (!server.listening) return;
    this.#deadlineTimer = setTimeout(() => {
      const open = this.#sockets?.size ?? 0;
      this.logger.warn({ deadlineMs: this.#options.deadline, connections: open }, 'shutdown deadline reached; closing the remaining connections');
      server.closeAllConnections();
    }, this.#options.deadline);
    this.#deadlineTimer.unref();
  }

  #refuse(req: IncomingMessage, res: ServerResponse): void {
    res.setHeader('connection', 'close');
    const fail = (): void => sendError(req, res, new UnavailableError('The server is shutting down.'), this.#errors);
    if (this.refusedHook === null) return fail();
    let answered: boolean | Promise<boolean>;
    try {
      answered = this.refusedHook(req, res);
    } catch {
      return fail();
    }
    if (answered === true) return;
    if (answered === false) return fail();
    answered.then((done) => { if (!done) fail(); }, fail);
  }

  async #finish(): Promise<void> {
    if (this.#stopWorkers !== null) await this.#stopWorkers();
    if (this.#deadlineTimer !== null) clearTimeout(this.#deadlineTimer);
    if (this.#signalHandler !== null) {
      for (const signal of this.#options.shutdown?.signals ?? []) process.off(signal, this.#signalHandler);
    }
    if (this.#tasks.size > 0) {
      const left = Math.max(0, (this.#deadlineAt || Date.now() + this.#options.deadline) - Date.now());
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<'expired'>((resolve) => { timer = setTimeout(resolve, left, 'expired'); });
      const outcome = await Promise.race([Promise.allSettled([...this.#tasks]), expired]);
      clearTimeout(timer);
      if (outcome === 'expired') this.logger.warn({ tasks: this.#tasks.size }, 'shutdown deadline reached with background tasks still running');
    }
    // Reverse order of creation: a service shuts down before the services it was built from.
    for (const service of [...this.#services].reverse()) {
      try {
        await service.onShutdown();
      } catch (err) {
        this.logger.error({ err, service: service.constructor?.name }, 'shutdown hook failed');
      }
    }
  }
}

/**
 * Records, in order of creation, every object the app container hands out that has an `onShutdown()` method.
 * tsyringe resolves a class's dependencies (through `this.resolve`) before returning the class itself, so the
 * order of first resolution is the order of creation.
 */
function collectShutdownHooks(container: DependencyContainer, into: OnShutdown[]): void {
  const seen = new WeakSet<object>();
  const resolve = container.resolve.bind(container);
  const tracking = ((...args: Parameters<typeof resolve>) => {
    const value = resolve(...args) as unknown;
    if (value !== null && typeof value === 'object' && !seen.has(value)) {
      seen.add(value);
      if (typeof (value as Partial<OnShutdown>).onShutdown === 'function') into.push(value as OnShutdown);
    }
    return value;
  }) as typeof container.resolve;
  container.resolve = tracking;
}
