import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { JobDataInvalidError, Queues, type App } from '../../lib';
import { describeRedis, startRedis, type RedisServer } from '../helpers/redis';

const fixture = join(__dirname, '../jobs/fixtures/work-app.ts');

/** A `rivet worker --app work-app.ts` child process, with what it reported over IPC. */
interface WorkerProcess { child: ChildProcess; pid: number; started(id: string): Promise<{ started: string; pid: number }>; exited: Promise<void> }

function startWorker(redisUrl: string, env: Record<string, string> = {}): Promise<WorkerProcess> {
  const child = fork(join(__dirname, '../jobs/fixtures/rivet.js'), ['worker', '--app', fixture, '--export', 'buildApp'], {
    env: { ...process.env, REDIS_URL: redisUrl, ...env },
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const reports: { started: string; pid: number }[] = [];
  child.on('message', (m: { started: string; pid: number }) => reports.push(m));
  const started = async (id: string): Promise<{ started: string; pid: number }> => {
    const until = Date.now() + 15_000;
    for (;;) {
      const found = reports.find((r) => r.started === id);
      if (found !== undefined) return found;
      if (Date.now() > until) throw new Error(`job ${id} did not start; reports: ${JSON.stringify(reports)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return new Promise((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`rivet worker did not start: ${err}`)); }, 20_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      process.stderr.write(chunk);
      if (/processing queue\(s\) work/.test(err)) { clearTimeout(timer); resolve({ child, pid: child.pid!, started, exited }); }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`rivet worker exited with ${String(code)}: ${err}`)); });
  });
}

/**
 * Two `rivet worker` processes on one real redis-server: the worker running a job is killed with SIGKILL, and
 * BullMQ's stalled-job detection (lockDuration 1 s, checked every 0.5 s in the fixture) hands the job to the other.
 */
describeRedis('jobs across processes (rivet worker)', () => {
  let redis: RedisServer;
  let app: App;
  const workers: WorkerProcess[] = [];
  beforeAll(async () => {
    redis = await startRedis();
    process.env.REDIS_URL = redis.url;
    // The enqueuing side: the same app module, in this process (it runs no workers).
    app = (require(fixture) as { buildApp: () => App }).buildApp();
  });
  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) { w.child.kill('SIGTERM'); await w.exited; }
    await app.close();
    await redis.stop();
  });

  it('refuses a job with invalid data at enqueue', async () => {
    const work = app.container.resolve(Queues).get<{ square: { n: number } }>('work');
    const err = await work.add('square', { n: -1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JobDataInvalidError);
    expect((err as JobDataInvalidError).errors).toEqual([{ loc: ['data', 'n'], msg: expect.any(String), type: 'min' }]);
    expect(await work.counts()).toMatchObject({ waiting: 0, active: 0, completed: 0, failed: 0 });
  });

  it('completes on another worker a job whose worker was killed (SIGKILL) while running it', async () => {
    const hanging = await startWorker(redis.url, { HANG: '1' });
    workers.push(hanging);
    const work = app.container.resolve(Queues).get<{ square: { n: number } }>('work');
    const job = await work.add('square', { n: 7 }, { attempts: 1 });
    expect(await hanging.started(job.id)).toEqual({ started: job.id, pid: hanging.pid });
    expect((await work.get(job.id))!.state).toBe('active');
    const rescuer = await startWorker(redis.url);
    workers.push(rescuer);
    hanging.child.kill('SIGKILL');
    await hanging.exited;
    // The rescuer starts it again once the dead worker's lock expired (no attempt was used up: a stall is not a failure).
    expect(await rescuer.started(job.id)).toEqual({ started: job.id, pid: rescuer.pid });
    const done = await waitForState(work, job.id, 'completed');
    expect(done).toMatchObject({ state: 'completed', result: { square: 49, dto: true, pid: rescuer.pid }, data: { n: 7 } });
  }, 30_000);

  it('lets a running job finish on SIGTERM before the worker exits', async () => {
    const w = workers[1];
    const work = app.container.resolve(Queues).get<{ pause: { n: number } }>('work');
    const job = await work.add('pause', { n: 400 });
    await w.started(job.id);
    w.child.kill('SIGTERM');
    await w.exited;
    expect(w.child.exitCode).toBe(0);
    // It finished before the process exited: completed, by that process, with no other worker running.
    expect(await work.get(job.id)).toMatchObject({ state: 'completed', result: { paused: 400, pid: w.pid } });
  });
});

async function waitForState(queue: { get(id: string): Promise<{ state: string } | undefined> }, id: string, state: string, ms = 15_000): Promise<unknown> {
  const until = Date.now() + ms;
  for (;;) {
    const job = await queue.get(id);
    if (job?.state === state) return job;
    if (Date.now() > until) throw new Error(`job ${id} is ${JSON.stringify(job)}, not ${state}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
