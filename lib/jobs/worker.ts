import type { DependencyContainer } from 'tsyringe';
import { prepareGraph, resolveAtBoot } from '../di/container';
import { RivetError, throwCollected } from '../errors/rivet-error';
import { compileDtoPipe, isDto, type DtoPipe } from '../pipeline/validate';
import type { JobsConnection } from './connection';
import { loadBullMQ } from './connection';
import { processorMeta } from './decorators';
import type { JobMetrics } from './metrics';
import { JobDataInvalidError, validateJobData, type JobInfo } from './queue';

type Method = (data: unknown, job: JobInfo) => unknown;

interface CompiledHandler {
  readonly method: Method;
  readonly pipe: DtoPipe | null;
}

/** One `@Processor` class, read and checked at start-up. */
export interface CompiledProcessor {
  readonly ctor: Function;
  readonly queue: string;
  readonly concurrency: number;
  /** Job name → handler; `null` is the catch-all. */
  readonly handlers: ReadonlyMap<string | null, CompiledHandler>;
}

/** Reads a processor class's metadata and its handlers' DTOs; a developer mistake is a RivetError naming the class. */
export function compileProcessor(ctor: Function, concurrency: Readonly<Record<string, number>>): CompiledProcessor {
  const meta = processorMeta(ctor);
  if (meta === undefined || meta.queue === undefined) {
    throw new RivetError('RIVET_PROCESSOR_INVALID', `jobs.processors: ${ctor.name} has no @Processor(queue).\n  Fix: decorate it, e.g. @Processor('mail'), or remove it from createApp({ jobs: { processors } }).`);
  }
  const proto = ctor.prototype as Record<string | symbol, unknown>;
  const names = new Map(meta.handlers);
  if (!names.has(null) && typeof proto.process === 'function') names.set(null, 'process');
  if (names.size === 0) {
    throw new RivetError('RIVET_PROCESSOR_INVALID', `${ctor.name} (@Processor('${meta.queue}')) handles no job.\n  Fix: add a method with @Process('job-name'), or a process(data, job) method for every job.`);
  }
  const handlers = new Map<string | null, CompiledHandler>();
  for (const [name, method] of names) {
    const fn = proto[method];
    if (typeof fn !== 'function') throw new RivetError('RIVET_PROCESSOR_INVALID', `${ctor.name}#${String(method)} is not a method.\n  Fix: put @Process on a method.`);
    const dto = (Reflect.getMetadata?.('design:paramtypes', ctor.prototype, method) as unknown[] | undefined)?.[0];
    handlers.set(name, { method: fn as Method, pipe: isDto(dto) ? compileDtoPipe(dto, 'body', false) : null });
  }
  return { ctor, queue: meta.queue, concurrency: concurrency[meta.queue] ?? meta.options.concurrency ?? 1, handlers };
}

/**
 * The workers of the app's processors: one BullMQ worker per queue, with the queue's concurrency. Started when the
 * app listens (`jobs.workers`, default on) or by `rivet worker`; `app.close()` closes them, and each lets the jobs
 * it is running finish. Injectable, to start them yourself: `app.container.resolve(JobWorkers).start()`.
 */
export class JobWorkers {
  readonly #processors: readonly CompiledProcessor[];
  readonly #connection: JobsConnection;
  readonly #instances = new Map<Function, object>();
  #metrics: JobMetrics | null = null;
  #started: Promise<void> | null = null;

  /** @internal */
  constructor(processors: readonly CompiledProcessor[], connection: JobsConnection) {
    this.#processors = processors;
    this.#connection = connection;
  }

  /** The queues that have a processor here. */
  get queues(): string[] {
    return this.#processors.map((p) => p.queue);
  }

  /** Whether `start()` was called. */
  get started(): boolean {
    return this.#started !== null;
  }

  /** @internal Resolves the processors through DI (at start-up, so a missing dependency fails there), and the metrics. */
  prepare(container: DependencyContainer, metrics: JobMetrics | null): void {
    this.#metrics = metrics;
    const errors: RivetError[] = [];
    for (const p of this.#processors) {
      if (!container.isRegistered(p.ctor as never, true)) container.registerSingleton(p.ctor as new () => object);
      prepareGraph(container, p.ctor, false, errors);
    }
    throwCollected(errors);
    for (const p of this.#processors) {
      this.#instances.set(p.ctor, resolveAtBoot(container, p.ctor as new () => object, 'Processor'));
    }
  }

  /** Starts the workers; resolves once each is connected and taking jobs. Calling it again does nothing more. */
  start(): Promise<void> {
    return (this.#started ??= Promise.all(this.#processors.map((p) => {
      const worker = this.#connection.worker(p.queue, (job: never) => this.#run(p, job), p.concurrency);
      return worker.waitUntilReady();
    })).then(() => undefined));
  }

  async #run(p: CompiledProcessor, job: JobInfo & { data: unknown }): Promise<unknown> {
    const handler = p.handlers.get(job.name) ?? p.handlers.get(null);
    const { UnrecoverableError } = loadBullMQ();
    if (handler === undefined) throw new UnrecoverableError(`${p.ctor.name} has no handler for job "${job.name}".`);
    let data = job.data;
    if (handler.pipe !== null) {
      try {
        data = await validateJobData(handler.pipe, data, p.queue, job.name);
      } catch (err) {
        // Data that breaks the DTO stays broken: fail at once, without retries.
        if (err instanceof JobDataInvalidError) throw new UnrecoverableError(err.message);
        throw err;
      }
    }
    const started = performance.now();
    try {
      const result = await handler.method.call(this.#instances.get(p.ctor), data, job);
      this.#metrics?.completed(p.queue, job.name, (performance.now() - started) / 1000);
      return result;
    } catch (err) {
      this.#metrics?.failed(p.queue, job.name, (performance.now() - started) / 1000);
      this.#connection.onError(err, p.queue);
      throw err;
    }
  }
}
