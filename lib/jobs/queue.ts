import { RivetError } from '../errors/rivet-error';
import { ValidationFailedError } from '../errors/validation-error';
import type { DtoPipe } from '../pipeline/validate';
import type { JobsConnection } from './connection';

/** How one job is run: BullMQ's options, checked when the job is enqueued. */
export interface JobOptions {
  /** Milliseconds to wait before the job may run. */
  delay?: number;
  /** How many times the job is tried in all before it fails (default 3). */
  attempts?: number;
  /** The wait between attempts: milliseconds (fixed), or `{ type: 'fixed' | 'exponential', delay }` (default exponential from 1000 ms). */
  backoff?: number | { type: 'fixed' | 'exponential'; delay: number };
  /** 1 (first) to 2,097,152 (last); jobs without a priority run before any with one. */
  priority?: number;
  /** Your id for the job: while a job with this id exists in the queue, adding another with it does nothing (de-duplication). */
  jobId?: string;
  /** Keep completed jobs: `true` removes them at once, a number keeps that many (default 1000). */
  removeOnComplete?: boolean | number;
  /** Keep failed jobs: `true` removes them at once, a number keeps that many (default 5000). */
  removeOnFail?: boolean | number;
}

/** What `add` resolves with. */
export interface EnqueuedJob {
  readonly id: string;
  readonly name: string;
  readonly queue: string;
}

/** A job as `JobQueue.get` reads it back. */
export interface JobSnapshot {
  readonly id: string;
  readonly name: string;
  /** `waiting`, `delayed`, `prioritized`, `active`, `completed`, `failed`, … */
  readonly state: string;
  readonly data: unknown;
  /** What the processor returned (completed jobs). */
  readonly result: unknown;
  /** Why the last attempt failed. */
  readonly failedReason: string | undefined;
  readonly attemptsMade: number;
}

/** What a processor method receives after the data: the job being run. */
export interface JobInfo {
  readonly id?: string;
  readonly name: string;
  readonly queueName: string;
  /** Attempts that failed before this one. */
  readonly attemptsMade: number;
  /** When it was enqueued (ms since the epoch). */
  readonly timestamp: number;
  updateProgress(progress: number | object): Promise<void>;
  log(row: string): Promise<number>;
}

/** 422: a job's data breaks its DTO; every issue is located at `['data', …]`. Thrown by `JobQueue.add` (nothing is enqueued). */
export class JobDataInvalidError extends ValidationFailedError {
  readonly queue: string;
  readonly job: string;

  constructor(queue: string, job: string, cause: ValidationFailedError) {
    const errors = cause.errors.map((e) => ({ ...e, loc: ['data', ...e.loc.slice(1)] }));
    super(errors, `Job "${job}" of queue "${queue}": ${cause.message.replace(/\bbody\b/g, 'data')}`, cause.omitted);
    this.queue = queue;
    this.job = job;
  }
}

/** Validates a job's data with its DTO pipe; a failure becomes a {@link JobDataInvalidError}. */
export async function validateJobData(pipe: DtoPipe, data: unknown, queue: string, job: string): Promise<unknown> {
  try {
    return await pipe(data);
  } catch (err) {
    if (err instanceof ValidationFailedError) throw new JobDataInvalidError(queue, job, err);
    throw err;
  }
}

const DEFAULTS = { attempts: 3, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: 1000, removeOnFail: 5000 } as const;

/**
 * The handle of one queue, injectable with `@InjectQueue(name)` (or `Queues.get(name)`): enqueues jobs for the
 * processors of any process that shares the Redis. `Jobs` maps job names to their data types, for the compiler;
 * at run time the data is validated by the processor's DTO before anything is enqueued.
 * @example await this.mail.add('welcome', { to: user.email, name: user.name }, { attempts: 5, jobId: `welcome:${user.id}` });
 */
export class JobQueue<Jobs extends object = Record<string, unknown>> {
  readonly name: string;
  readonly #pipes: ReadonlyMap<string | null, DtoPipe | null>;
  readonly #connection: JobsConnection;

  /** @internal Made by the app for each queue of its processors. */
  constructor(name: string, pipes: ReadonlyMap<string | null, DtoPipe | null>, connection: JobsConnection) {
    this.name = name;
    this.#pipes = pipes;
    this.#connection = connection;
  }

  /** The job names this queue's processors handle by name (a catch-all handles any other). */
  get jobNames(): string[] {
    return [...this.#pipes.keys()].filter((k): k is string => k !== null);
  }

  /**
   * Enqueues job `name` with `data`, validated first (a {@link JobDataInvalidError}, 422, when it is not valid;
   * nothing is enqueued). Resolves once Redis holds the job.
   */
  async add<N extends keyof Jobs & string>(name: N, data: Jobs[N], options: JobOptions = {}): Promise<EnqueuedJob> {
    const pipe = this.#pipes.has(name) ? this.#pipes.get(name)! : this.#pipes.get(null);
    if (pipe === undefined) {
      throw new RivetError('RIVET_JOB_UNKNOWN', `Queue "${this.name}" has no processor for job "${name}"; it handles ${this.jobNames.map((n) => `"${n}"`).join(', ') || 'no named job'}.\n  Fix: add @Process('${name}') to the queue's @Processor class, or enqueue one of its jobs.`);
    }
    const valid = pipe === null ? data : await validateJobData(pipe, data, this.name, name);
    const bull = bullOptions(options, this.name, name);
    // JSON, as Redis stores it: a DTO instance becomes its plain properties.
    const job = await this.#connection.queue(this.name).add(name, JSON.parse(JSON.stringify(valid ?? null)) as unknown, bull);
    return { id: job.id!, name, queue: this.name };
  }

  /** How many jobs are in each state. */
  async counts(): Promise<{ waiting: number; active: number; delayed: number; prioritized: number; completed: number; failed: number }> {
    const c = await this.#connection.queue(this.name).getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed');
    return { waiting: c.waiting ?? 0, active: c.active ?? 0, delayed: c.delayed ?? 0, prioritized: c.prioritized ?? 0, completed: c.completed ?? 0, failed: c.failed ?? 0 };
  }

  /** Reads job `id` back (its state, result or failure), or `undefined` when the queue no longer holds it. */
  async get(id: string): Promise<JobSnapshot | undefined> {
    const queue = this.#connection.queue(this.name);
    // The state first: a job read before it completes would lack the result its state then claims.
    const state = await queue.getJobState(id);
    const job = await queue.getJob(id);
    if (job === undefined || job === null) return undefined;
    return { id: job.id!, name: job.name, state, data: job.data, result: job.returnvalue ?? undefined, failedReason: job.failedReason || undefined, attemptsMade: job.attemptsMade };
  }
}

/**
 * The queue handles of the app, by name: an alternative to `@InjectQueue(name)` for code that picks a queue at run
 * time. Injectable.
 */
export class Queues {
  readonly #queues: ReadonlyMap<string, JobQueue>;

  /** @internal */
  constructor(queues: ReadonlyMap<string, JobQueue>) {
    this.#queues = queues;
  }

  /** The names of the app's queues. */
  names(): string[] {
    return [...this.#queues.keys()];
  }

  /** The handle of queue `name`; a RivetError when the app has no processor for it. */
  get<Jobs extends object = Record<string, unknown>>(name: string): JobQueue<Jobs> {
    const queue = this.#queues.get(name);
    if (queue === undefined) {
      throw new RivetError('RIVET_QUEUE_UNKNOWN', `There is no queue "${name}"; the app's processors serve ${this.names().map((n) => `"${n}"`).join(', ') || 'none'}.\n  Fix: add a @Processor('${name}') class to createApp({ jobs: { processors } }).`);
    }
    return queue as unknown as JobQueue<Jobs>;
  }
}

function bullOptions(o: JobOptions, queue: string, job: string): Record<string, unknown> {
  const where = `${queue}.add('${job}')`;
  const fail = (what: string, fix: string): never => { throw new RivetError('RIVET_JOB_OPTIONS_INVALID', `${where}: ${what}.\n  Fix: ${fix}`); };
  if (o === null || typeof o !== 'object') fail(`options are ${String(o)}`, 'pass an object, e.g. { delay: 5000 }.');
  if (o.delay !== undefined && (!Number.isFinite(o.delay) || o.delay < 0)) fail(`delay is ${String(o.delay)}`, 'give milliseconds, 0 or more.');
  if (o.attempts !== undefined && (!Number.isInteger(o.attempts) || o.attempts < 1)) fail(`attempts is ${String(o.attempts)}`, 'give a whole number of at least 1.');
  if (o.priority !== undefined && (!Number.isInteger(o.priority) || o.priority < 1 || o.priority > 2_097_152)) fail(`priority is ${String(o.priority)}`, 'give a whole number from 1 (first) to 2097152.');
  if (o.jobId !== undefined && (typeof o.jobId !== 'string' || o.jobId === '' || /^\d+$/.test(o.jobId) || o.jobId.includes(':'))) {
    fail(`jobId is ${JSON.stringify(o.jobId)}`, 'give a non-empty string that is not a plain number and has no ":", e.g. `welcome-${user.id}`.');
  }
  const backoff = o.backoff;
  if (backoff !== undefined) {
    const delay = typeof backoff === 'number' ? backoff : backoff?.delay;
    const type = typeof backoff === 'number' ? 'fixed' : backoff?.type;
    if (!Number.isFinite(delay) || (delay as number) < 0 || (type !== 'fixed' && type !== 'exponential')) fail(`backoff is ${JSON.stringify(backoff)}`, "give milliseconds, or { type: 'fixed' | 'exponential', delay }.");
  }
  return {
    ...DEFAULTS,
    ...(o.delay === undefined ? {} : { delay: o.delay }),
    ...(o.attempts === undefined ? {} : { attempts: o.attempts }),
    ...(backoff === undefined ? {} : { backoff: typeof backoff === 'number' ? { type: 'fixed', delay: backoff } : { type: backoff.type, delay: backoff.delay } }),
    ...(o.priority === undefined ? {} : { priority: o.priority }),
    ...(o.jobId === undefined ? {} : { jobId: o.jobId }),
    ...(o.removeOnComplete === undefined ? {} : { removeOnComplete: o.removeOnComplete }),
    ...(o.removeOnFail === undefined ? {} : { removeOnFail: o.removeOnFail }),
  };
}
