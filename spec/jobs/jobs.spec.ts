import { IsEmail, IsInt, Length, Min } from 'class-validator';
import { request } from 'undici';
import {
  Body, Controller, createApp, InjectQueue, JobDataInvalidError, JobQueue, JobWorkers, Post, Process, Processor, Queues, RivetError, type App, type JobInfo,
} from '../../lib';
import { describeRedis, startRedis, type RedisServer } from '../helpers/redis';
import { waitFor } from '../helpers/wait';

class WelcomeMail {
  @IsEmail() to!: string;
  @Length(1, 40) name!: string;
}

class Resize {
  @IsInt() @Min(1) width!: number;
}

interface MailJobs { welcome: WelcomeMail; digest: { day: string } }

/** What the processors saw, by job id. */
const seen = new Map<string, { data: unknown; dto: boolean; attempts: number }>();
/** Lets the spec hold the "slow" job running, and know when it started. */
const gate = { started: (): void => undefined, release: (): void => undefined };

class Mailer {
  sent: string[] = [];
  send(to: string, subject: string): string {
    this.sent.push(`${to}:${subject}`);
    return `sent to ${to}`;
  }
}

@Processor('mail', { concurrency: 2 })
class MailProcessor {
  constructor(private readonly mailer: Mailer) {}

  @Process('welcome')
  welcome(data: WelcomeMail, job: JobInfo) {
    seen.set(job.id!, { data, dto: data instanceof WelcomeMail, attempts: job.attemptsMade });
    return this.mailer.send(data.to, `Welcome, ${data.name}`);
  }

  @Process('digest')
  digest(data: { day: string }, job: JobInfo) {
    seen.set(job.id!, { data, dto: false, attempts: job.attemptsMade });
    if (data.day === 'bad' && job.attemptsMade < 1) throw new Error('the first attempt fails');
    return { day: data.day };
  }

  @Process('slow')
  async slow() {
    gate.started();
    await new Promise<void>((resolve) => { gate.release = resolve; });
    return 'finished';
  }
}

@Processor('images')
class ImageProcessor {
  @Process()
  resize(data: Resize, job: JobInfo) {
    seen.set(job.id!, { data, dto: data instanceof Resize, attempts: job.attemptsMade });
    return data.width * 2;
  }
}

/** What the batch processor is doing: how many jobs run at once, and the releases of those that wait. */
const batch = { active: 0, max: 0, started: 0, release: [] as (() => void)[] };

@Processor('batch', { concurrency: 1 })
class BatchProcessor {
  @Process('work')
  async work() {
    batch.active++;
    batch.started++;
    batch.max = Math.max(batch.max, batch.active);
    await new Promise<void>((resolve) => batch.release.push(resolve));
    batch.active--;
    return 'ok';
  }
}

@Controller('/signup')
class SignupController {
  constructor(@InjectQueue('mail') private readonly mail: JobQueue<MailJobs>) {}

  @Post('/')
  async signup(@Body() body: WelcomeMail) {
    const job = await this.mail.add('welcome', body, { jobId: `welcome-${body.to}` });
    return { job: job.id };
  }

  // Unvalidated on purpose: the queue must refuse what the route lets through.
  @Post('/raw')
  async raw(@Body({ validate: false }) body: Record<string, unknown>) {
    return this.mail.add('welcome', body as unknown as WelcomeMail);
  }
}

/** Waits until job `id` of `queue` is completed or failed. */
async function settled(queue: JobQueue<object>, id: string, ms = 10_000): Promise<NonNullable<Awaited<ReturnType<JobQueue['get']>>>> {
  const until = Date.now() + ms;
  for (;;) {
    const job = await queue.get(id);
    if (job !== undefined && (job.state === 'completed' || job.state === 'failed')) return job;
    if (Date.now() > until) throw new Error(`job ${id} did not settle: ${JSON.stringify(job)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describeRedis('jobs on BullMQ, in the web process', () => {
  let redis: RedisServer;
  let app: App;
  let url: string;
  beforeAll(async () => {
    redis = await startRedis();
    app = createApp({
      controllers: [SignupController],
      providers: [Mailer],
      jobs: { processors: [MailProcessor, ImageProcessor, BatchProcessor], redis: redis.url, prefix: 'spec', concurrency: { batch: 3 } },
      health: true,
      metrics: true,
      logger: false,
    });
    url = (await app.listen({ port: 0 })).url;
  });
  afterAll(async () => {
    // A failed beforeAll leaves no app; the Redis server must stop all the same, or jest never exits.
    await app?.close();
    await redis.stop();
  });

  it('enqueues from a handler; the processor, resolved through DI, gets a validated DTO instance', async () => {
    const res = await request(`${url}/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: 'ada@example.com', name: 'Ada' }) });
    expect(res.statusCode).toBe(201);
    expect(await res.body.json()).toEqual({ job: 'welcome-ada@example.com' });
    const mail = app.container.resolve(Queues).get<MailJobs>('mail');
    const job = await settled(mail, 'welcome-ada@example.com');
    expect(job).toEqual({ id: 'welcome-ada@example.com', name: 'welcome', state: 'completed', data: { to: 'ada@example.com', name: 'Ada' }, result: 'sent to ada@example.com', failedReason: undefined, attemptsMade: 1 });
    expect(seen.get('welcome-ada@example.com')).toEqual({ data: Object.assign(new WelcomeMail(), { to: 'ada@example.com', name: 'Ada' }), dto: true, attempts: 0 });
    expect(app.container.resolve(Mailer).sent).toEqual(['ada@example.com:Welcome, Ada']);
  });

  it('refuses invalid data at enqueue: a 422 located at data.*, and nothing is enqueued', async () => {
    const mail = app.container.resolve(Queues).get<MailJobs>('mail');
    const before = await mail.counts();
    const err = await mail.add('welcome', { to: 'not-an-email', name: '' } as WelcomeMail).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JobDataInvalidError);
    expect((err as JobDataInvalidError).status).toBe(422);
    expect((err as JobDataInvalidError).errors).toEqual([
      { loc: ['data', 'to'], msg: expect.stringContaining('email'), type: 'isEmail' },
      { loc: ['data', 'name'], msg: expect.any(String), type: 'isLength' },
    ]);
    expect((err as Error).message).toMatch(/^Job "welcome" of queue "mail": Validation failed: 2 errors/);
    // Through a handler, the client gets the 422 problem.
    const res = await request(`${url}/signup/raw`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: 'x', name: 'X' }) });
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(await res.body.json()).toMatchObject({ status: 422, errors: [{ loc: ['data', 'to'], type: 'isEmail' }] });
    expect(await mail.counts()).toEqual(before);
  });

  it('de-duplicates by jobId, retries with backoff, and refuses bad options and unknown jobs with the fix', async () => {
    const mail = app.container.resolve(Queues).get<MailJobs>('mail');
    const first = await mail.add('digest', { day: 'bad' }, { jobId: 'digest-1', attempts: 3, backoff: 10 });
    const again = await mail.add('digest', { day: 'other' }, { jobId: 'digest-1' });
    expect(again.id).toBe(first.id);
    const job = await settled(mail, 'digest-1');
    // The first attempt threw; the retry completed, with the data of the first add (the second was a duplicate).
    expect(job).toMatchObject({ state: 'completed', result: { day: 'bad' }, attemptsMade: 2, data: { day: 'bad' } });
    await expect(mail.add('digest', { day: 'x' }, { priority: 0 })).rejects.toThrow(/priority is 0[\s\S]*Fix: give a whole number from 1/);
    await expect(mail.add('digest', { day: 'x' }, { jobId: '42' })).rejects.toThrow(RivetError);
    await expect(mail.add('nope' as 'digest', { day: 'x' })).rejects.toThrow(/Queue "mail" has no processor for job "nope"; it handles "welcome", "digest", "slow"/);
    expect(() => app.container.resolve(Queues).get('reports')).toThrow(/no queue "reports"; the app's processors serve "mail", "images", "batch"/);
  });

  it('runs a catch-all @Process() with its DTO, and honours delay and priority', async () => {
    const images = app.container.resolve(Queues).get<{ resize: Resize }>('images');
    const delayed = await images.add('resize', { width: 3 }, { delay: 200, priority: 5 });
    expect((await images.get(delayed.id))!.state).toBe('delayed');
    const done = await settled(images, delayed.id);
    expect(done).toMatchObject({ state: 'completed', result: 6 });
    expect(seen.get(delayed.id)).toMatchObject({ dto: true });
    await expect(images.add('resize', { width: 0 })).rejects.toBeInstanceOf(JobDataInvalidError);
  });

  it('runs as many jobs of a queue at once as its concurrency (the app option over the decorator\'s)', async () => {
    const queue = app.container.resolve(Queues).get<{ work: Record<string, never> }>('batch');
    const jobs = await Promise.all([1, 2, 3, 4].map(() => queue.add('work', {})));
    await waitFor(() => batch.started === 3, 5000);
    // Three run; the fourth waits in Redis until one of them ends.
    expect(await queue.counts()).toMatchObject({ active: 3, waiting: 1 });
    batch.release.shift()!();
    await waitFor(() => batch.started === 4, 5000);
    expect(batch.active).toBe(3);
    for (const release of batch.release.splice(0)) release();
    for (const job of jobs) expect(await settled(queue, job.id)).toMatchObject({ state: 'completed', result: 'ok' });
    expect(batch.max).toBe(3);
  });

  it('counts completed and failed jobs, their duration and the waiting ones in /metrics; /ready checks Redis', async () => {
    const text = await (await request(`${url}/metrics`)).body.text();
    expect(text).toMatch(/rivet_jobs_completed_total\{queue="mail",name="welcome"\} 1/);
    expect(text).toMatch(/rivet_jobs_failed_total\{queue="mail",name="digest"\} 1/);
    expect(text).toMatch(/rivet_job_duration_seconds_count\{queue="mail",name="digest"\} 2/);
    expect(text).toMatch(/rivet_jobs_waiting\{queue="mail"\} 0/);
    const ready = await request(`${url}/ready`);
    expect(ready.statusCode).toBe(200);
    expect((await ready.body.json() as { checks: Record<string, { status: string }> }).checks.jobs.status).toBe('up');
  });

  it('lets a running job finish when the app closes', async () => {
    const second = createApp({ controllers: [], providers: [Mailer], jobs: { processors: [MailProcessor], redis: redis.url, prefix: 'spec-close' }, logger: false });
    await second.listen({ port: 0 });
    const mail = second.container.resolve(Queues).get('mail');
    const started = new Promise<void>((resolve) => { gate.started = resolve; });
    const job = await mail.add('slow', {});
    await started;
    let closed = false;
    const closing = second.close().then(() => { closed = true; });
    // The worker waits for the job: the app is not closed while it runs.
    await new Promise((r) => setTimeout(r, 100));
    expect(closed).toBe(false);
    gate.release();
    await closing;
    // Read back through a fresh app (the closed one's connections are gone).
    const reader = createApp({ controllers: [], providers: [Mailer], jobs: { processors: [MailProcessor], redis: redis.url, prefix: 'spec-close', workers: false }, logger: false });
    try {
      expect(await reader.container.resolve(Queues).get('mail').get(job.id)).toMatchObject({ state: 'completed', result: 'finished' });
    } finally {
      await reader.close();
    }
    expect(second.container.resolve(JobWorkers).started).toBe(true);
  });
});

describe('jobs: start-up checks', () => {
  it('refuses bad options and processors with RivetErrors that name the fix', () => {
    const base = { controllers: [], logger: false as const };
    expect(() => createApp({ ...base, jobs: { processors: [MailProcessor], redis: 'localhost:6379' } })).toThrow(/jobs: redis is "localhost:6379"[\s\S]*Fix: give the Redis URL/);
    expect(() => createApp({ ...base, jobs: { processors: [class NotOne {}], redis: 'redis://x' } })).toThrow(/NotOne has no @Processor\(queue\)/);
    @Processor('mail') class Other { @Process('x') x() { return 1; } }
    expect(() => createApp({ ...base, jobs: { processors: [MailProcessor, Other], redis: 'redis://x' } })).toThrow(/MailProcessor and Other both process queue "mail"/);
    @Processor('empty') class Empty {}
    expect(() => createApp({ ...base, jobs: { processors: [Empty], redis: 'redis://x' } })).toThrow(/Empty \(@Processor\('empty'\)\) handles no job/);
    expect(() => createApp({ ...base, jobs: { processors: [MailProcessor], redis: 'redis://x', concurrency: { mail: 0 } } })).toThrow(/concurrency.mail is 0/);
    expect(() => Processor('bad name')).toThrow(/RIVET_PROCESSOR_INVALID|a queue name is/);
    expect(() => { class Twice { @Process('a') a() { return 1; } @Process('a') b() { return 2; } } return Twice; }).toThrow(/Twice#b: @Process\('a'\) is already handled by Twice#a/);
  });

  it('fails at start-up when a processor cannot be resolved, naming it', () => {
    class Missing { constructor(readonly n: number) {} }
    @Processor('dep') class NeedsMissing { constructor(readonly m: Missing) {} @Process('x') x() { return this.m; } }
    expect(() => createApp({ controllers: [], logger: false, jobs: { processors: [NeedsMissing], redis: 'redis://127.0.0.1:1' } })).toThrow(/NeedsMissing/);
  });

  it('fails /ready when Redis is unreachable', async () => {
    const dead = await startRedis();
    await dead.stop();
    const app = createApp({ controllers: [], logger: false, health: { timeout: 500 }, jobs: { processors: [ImageProcessor], redis: dead.url, workers: false } });
    try {
      const res = await app.inject('/ready');
      expect(res.status).toBe(503);
      expect(JSON.parse(res.body)).toMatchObject({ status: 'down', checks: { jobs: { status: 'down' } } });
    } finally {
      await app.close();
    }
  });
});
