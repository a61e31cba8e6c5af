import { inject } from 'tsyringe';
import { RivetError } from '../errors/rivet-error';

/** Options of {@link Processor}. */
export interface ProcessorOptions {
  /** How many jobs of this queue one process runs at once (default 1). `createApp({ jobs: { concurrency } })` overrides it. */
  concurrency?: number;
}

/** What `@Processor` and `@Process` recorded on a class (plain data, compiled when the app starts). */
export interface ProcessorMeta {
  queue: string | undefined;
  options: ProcessorOptions;
  /** Job name → method; `null` is the catch-all (`@Process()`, or a `process` method). */
  handlers: Map<string | null, string | symbol>;
}

const processors = new WeakMap<Function, ProcessorMeta>();

function metaOf(ctor: Function): ProcessorMeta {
  let meta = processors.get(ctor);
  if (meta === undefined) processors.set(ctor, (meta = { queue: undefined, options: {}, handlers: new Map() }));
  return meta;
}

/** The recorded metadata of a processor class and its ancestors (a subclass's handler for a name wins). */
export function processorMeta(ctor: Function): ProcessorMeta | undefined {
  const chain: ProcessorMeta[] = [];
  for (let c: Function | null = ctor; c !== null && c !== Function.prototype && c !== Object; c = Object.getPrototypeOf(c) as Function | null) {
    const m = processors.get(c);
    if (m !== undefined) chain.push(m);
  }
  if (chain.length === 0) return undefined;
  const own = chain.find((m) => m.queue !== undefined);
  const out: ProcessorMeta = { queue: own?.queue, options: own?.options ?? {}, handlers: new Map() };
  for (const m of chain.reverse()) for (const [name, method] of m.handlers) out.handlers.set(name, method);
  return out;
}

const NAME = /^[A-Za-z0-9][\w.-]{0,99}$/;

/**
 * Declares a job processor for the queue `queue` (BullMQ). The class is resolved through the app's DI container
 * and handles each job with the method of its `@Process(name)`, or a `@Process()` / `process(data, job)` method
 * for any name. A method's first parameter typed with a class-validator DTO makes that job's data validated, at
 * enqueue and again in the worker, which passes the DTO instance.
 * @example @Processor('mail', { concurrency: 5 }) class MailProcessor { @Process('welcome') welcome(data: WelcomeMail, job: JobInfo) { … } }
 */
export function Processor(queue: string, options: ProcessorOptions = {}): ClassDecorator {
  if (typeof queue !== 'string' || !NAME.test(queue)) {
    throw new RivetError('RIVET_PROCESSOR_INVALID', `@Processor(${JSON.stringify(queue)}): a queue name is 1 to 100 letters, digits, "_", "-" or ".", starting with a letter or digit.\n  Fix: e.g. @Processor('mail').`);
  }
  const { concurrency } = options;
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1)) {
    throw new RivetError('RIVET_PROCESSOR_INVALID', `@Processor('${queue}'): concurrency is ${String(concurrency)}.\n  Fix: give a whole number of at least 1, e.g. { concurrency: 5 }.`);
  }
  return (target) => {
    const meta = metaOf(target);
    meta.queue = queue;
    meta.options = options;
  };
}

/**
 * Handles the jobs named `name` of the class's queue: `(data, job: JobInfo)`; without a name, every job without a
 * more specific handler. What it returns (JSON) is the job's result; what it throws fails the attempt (retried up
 * to the job's `attempts`).
 */
export function Process(name?: string): MethodDecorator {
  if (name !== undefined && (typeof name !== 'string' || !NAME.test(name))) {
    throw new RivetError('RIVET_PROCESSOR_INVALID', `@Process(${JSON.stringify(name)}): a job name is 1 to 100 letters, digits, "_", "-" or ".".\n  Fix: e.g. @Process('welcome'), or @Process() for any job.`);
  }
  return (proto, method) => {
    const meta = metaOf(proto.constructor);
    const key = name ?? null;
    if (meta.handlers.has(key)) {
      throw new RivetError('RIVET_PROCESSOR_INVALID', `${proto.constructor.name}#${String(method)}: ${name === undefined ? 'a catch-all @Process()' : `@Process('${name}')`} is already handled by ${proto.constructor.name}#${String(meta.handlers.get(key))}.\n  Fix: give each job name one method.`);
    }
    meta.handlers.set(key, method);
  };
}

/** The DI token of queue `name`'s {@link JobQueue} handle (what `@InjectQueue(name)` injects). */
export function queueToken(name: string): symbol {
  return Symbol.for(`rivet.queue:${name}`);
}

/**
 * Injects the {@link JobQueue} handle of queue `name` into a constructor parameter. The queue must be one of the app's
 * processors' (`createApp({ jobs: { processors } })`), so that its jobs' data can be validated at enqueue.
 * @example constructor(@InjectQueue('mail') private readonly mail: JobQueue<MailJobs>) {}
 */
export function InjectQueue(name: string): ParameterDecorator {
  return inject(queueToken(name)) as ParameterDecorator;
}
