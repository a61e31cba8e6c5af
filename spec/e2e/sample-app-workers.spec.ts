import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { request } from 'undici';
import { hasPostgres, startPostgres, type PostgresServer } from '../helpers/postgres';
import { hasRedis, startRedis, type RedisServer } from '../helpers/redis';
import { openSse, type SseClient } from '../helpers/sse';

/**
 * The sample app's live review feed with `WORKERS=2` and `REDIS_URL`, on PostgreSQL (embedded SQLite refuses several
 * workers): a review posted to one worker reaches the `GET /reviews/live` clients of both. node:cluster deals connections to the workers in turn, so four streams
 * opened one after the other sit on both workers.
 */
(hasRedis && hasPostgres ? describe : describe.skip)('sample app: the live feed across two workers', () => {
  let redis: RedisServer;
  let postgres: PostgresServer;
  let primary: ChildProcess;
  let url: string;
  beforeAll(async () => {
    redis = await startRedis();
    postgres = await startPostgres();
    const database = await postgres.createDatabase('bookshelf');
    primary = spawn(process.execPath, [join(__dirname, '../pubsub/fixtures/sample-main.js')], {
      env: { ...process.env, PORT: '0', WORKERS: '2', REDIS_URL: redis.url, DATABASE_URL: database, API_KEY: 'workers-key', LOG_LEVEL: 'warn', JWT_SECRET: 'a-jwt-secret-of-at-least-32-characters!' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    url = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`the sample app did not start: ${out}`)), 20_000);
      primary.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        // The primary prints its address once both workers listen (each worker prints its own line too).
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m !== null) { clearTimeout(timer); resolve(m[1]); }
      });
      primary.once('exit', (code) => { clearTimeout(timer); reject(new Error(`the sample app exited with ${String(code)}: ${out}`)); });
    });
  }, 30_000);
  afterAll(async () => {
    if (primary.exitCode === null) {
      const exited = new Promise((r) => primary.once('exit', r));
      primary.kill('SIGTERM');
      await exited;
    }
    await redis.stop();
    await postgres.stop();
  });

  it('sends each review, posted to either worker, to every stream once', async () => {
    const streams: SseClient[] = [];
    try {
      for (let i = 0; i < 4; i++) streams.push(await openSse(`${url}/reviews/live`));
      // Generous bounds: these are waits on events, and the workers compile the sample app's TypeScript on the fly on
      // a machine running other suites at the same time.
      await Promise.all(streams.map((s) => s.waitForComment('listening', 20_000)));
      const posted = [];
      for (const text of ['First of two.', 'Second of two.']) {
        const res = await request(`${url}/reviews`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'workers-key', connection: 'close' }, body: JSON.stringify({ bookId: 2, rating: 4, text }) });
        expect(res.statusCode).toBe(201);
        posted.push(await res.body.json());
      }
      for (const s of streams) {
        const events = await s.waitForEvents(2, 20_000);
        expect(events.map((e) => [e.event, JSON.parse(e.data)])).toEqual(posted.map((p) => ['review', p]));
        expect(events.every((e) => /^\d+-\d+$/.test(e.id!))).toBe(true);
        expect(s.events).toHaveLength(2);
      }
    } finally {
      for (const s of streams) s.close();
    }
  }, 60_000);
});
